"""Monte Carlo simulation of a year's claims, by risk group (never by worker).

For each simulated year and each risk group (:mod:`sim.risk.claims`):

1. the number of claims is drawn, either from the group's exact Poisson-binomial
   count distribution by inversion (``counts="exact"``, fast) or as independent
   binomial counts per cell (``counts="cells"``, an independent check of the count
   model, slower for many cells);
2. the claims' fixed amounts (component and atom) are drawn by inversion, one by one (a guide
   table, :class:`~sim.risk.mc_kernel.Inverse`), or, when a group has many claims a year for few
   distinct amounts (:meth:`~sim.risk.mc_kernel.Sampler.multinomial`), as the multinomial
   numbers of claims at each amount (the same distribution of the year's sum, far fewer draws);
   each claim of a component with a medical cost adds its own draw of the continuous capped
   lognormal (not the lattice);
3. amounts are summed per year (the claims drawn one by one are priced for all groups of a
   batch at once, :func:`~sim.risk.mc_kernel.price`).  :mod:`sim.risk.mc_kernel` draws a batch.

Years are simulated in batches of bounded memory: a batch holds at most ``batch`` years and
about :data:`BATCH_CLAIMS` claims (:func:`batch_years`), so a national portfolio (10^7 workers,
about 6 x 10^4 claims a year) runs a few years at a time in the same memory as Belu.  What grows
with the number of years is only the yearly totals kept for the summary,
:data:`~sim.common.limits.MC_BYTES_PER_YEAR` bytes a year; the callers bound the years
(:data:`~sim.common.limits.MAX_MC_YEARS`) and the claims drawn
(:data:`~sim.common.limits.MAX_MC_CLAIMS`) before starting.  Batch ``i`` draws from its own
stream ``SeedSequence([seed, 2]).spawn(...)[i]``, so the seed and the batch size (fixed by the
model) fix every draw and the result is the same whether the batches run in this process or in
several (:func:`process_count`: the setting ``SIM_PROCESSES``).

:func:`start` begins a simulation and returns at once: where more than one process is allowed the
batches run in forked workers (:mod:`sim.risk.background`) while this process computes the exact
figures, and :meth:`Pending.result` collects them, this process taking the batches still left; so a
run costs about ``max(exact work, Monte Carlo / processes)`` instead of the sum.  With one process
the batches are drawn here when the result is asked for.  :func:`simulate` is ``start(...).result()``.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..common.processes import must_stay_single as _must_stay_single, process_setting, usable_cores  # noqa: F401
from .mc_kernel import MULTINOMIAL_PER_AMOUNT, Plan, Sampler, draw_batch  # noqa: F401  (re-exported)

#: years per batch (memory: about 1 KB of counts and amounts per year and group, freed per batch)
BATCH = 50_000
#: simulated claims per process below which a second process does not pay for its start (a fork
#: and its first batch's page faults, about 15-20 ms of CPU; 1,5 million claims take about 45 ms on
#: one core).  Measured on 2 quiet cores: Belu's ``run`` (100.000 years, 3,5 million claims) 0,39 s
#: on one process, 0,35 s with a background worker (+0,02 s CPU)
MIN_CLAIMS_PER_PROCESS = 1_500_000


@dataclass
class Simulation:
    """Simulated yearly totals by program (rupiah), one entry per simulated year."""

    jkk: np.ndarray
    jkm: np.ndarray

    @property
    def total(self) -> np.ndarray:
        return self.jkk + self.jkm

    @property
    def years(self) -> int:
        return self.jkk.size


def process_count(years: int, claims_per_year: float = 0.0, setting: str | None = None) -> int:
    """Processes for *years* Monte Carlo years under the setting ``SIM_PROCESSES`` (or *setting*).

    ``"1"``: this process only (no process is started); a number ``n``: up to ``n`` processes, this
    one included (one batch each at least);
    ``"auto"`` (the default): up to 2 (the cores this process may use, at most 2) when each process
    gets at least :data:`MIN_CLAIMS_PER_PROCESS` simulated claims (below that, starting a process
    costs more than it saves), and never where processes cannot start or would compete: inside a
    daemon process (a multiprocessing or Dask worker process), inside a Dask worker, inside a
    Jupyter kernel (the dashboard runs several side by side), or without ``fork``.  The result of
    :func:`simulate` does not depend on the number of processes.
    """
    want = process_setting(setting)
    batches = max(1, -(-int(years) // _batch_length(claims_per_year)))
    if want is None:
        if _must_stay_single():
            return 1
        work = years * max(claims_per_year, 1.0)
        return max(1, min(2, usable_cores(), batches, int(work // MIN_CLAIMS_PER_PROCESS)))
    if want > 1 and _must_stay_single():
        return 1
    return max(1, min(want, batches))


def processes_allowed() -> bool:
    """False where starting processes is impossible or unwelcome (see :func:`process_count`)."""
    return not _must_stay_single()


#: claims drawn at once, about (each holds an amount, a year index and draws in flight, ~40 bytes)
BATCH_CLAIMS = 1_000_000
BATCH_YEARS = BATCH


def claims_per_year(model) -> float:
    """Expected claims a year of the enabled programmes (what a simulated year draws)."""
    return float(sum(g.expected_count() for prog in ("jkk", "jkm") for g in model.of(prog)))


def batch_years(model, batch: int = BATCH) -> int:
    """Years per batch: at most *batch*, and few enough that a batch draws about
    :data:`BATCH_CLAIMS` claims (the mean plus 6 standard deviations of a batch's count)."""
    return _batch_length(claims_per_year(model), batch)


def _batch_length(claims_per_year: float, batch: int = BATCH) -> int:
    lam = max(float(claims_per_year), 1e-9)
    return max(1, min(int(batch), int(BATCH_CLAIMS / (lam + 6 * np.sqrt(lam)))))


def simulate(model, years: int, seed: int, counts: str = "exact", batch: int = BATCH,
             processes: int | None = None) -> Simulation:
    """Simulate *years* years of claims of the enabled programs of *model* with *seed*.

    *processes*: how many processes share the batches, this one included (default
    :func:`process_count`); the result is the same for any number."""
    return start(model, years, seed, counts, batch, processes).result()


def start(model, years: int, seed: int, counts: str = "exact", batch: int = BATCH,
          processes: int | None = None) -> "Pending":
    """Start :func:`simulate`: with more than one process (*processes*, default :func:`process_count`)
    the batches start now in ``processes - 1`` forked workers (:class:`~sim.risk.background.Batches`)
    while this process goes on with other work, and :meth:`Pending.result` collects them (this
    process then takes the batches left); with one, they are drawn here when the result is asked
    for (nothing is started).  Call
    :meth:`Pending.cancel` (or use ``with``) when the result is not wanted after all.  The draws are
    those of :func:`simulate` whatever the number of processes and wherever they ran."""
    years, batch = int(years), batch_years(model, max(1, int(batch)))   # bounded claims per batch
    starts = list(range(0, years, batch))
    stops = [min(s + batch, years) for s in starts]
    tasks = _Tasks(model, counts, int(seed), [b - a for a, b in zip(starts, stops)])
    if processes is None:
        procs = process_count(years, claims_per_year(model))
    else:
        procs = max(1, int(processes))
    procs = min(procs, len(starts))
    if procs > 1 and _can_fork():
        try:
            from .background import Batches
            return Pending(Batches(lambda i: draw_batch(tasks[i]), starts, stops, 2, procs - 1))
        except (OSError, ImportError):   # no shared memory, semaphores or process to be had: one process
            pass
    return Pending(lambda: _serial(tasks))    # drawn when asked for, here


class _Tasks:
    """Batch ``i``'s task ``(plan, years, seed sequence, count mode)``, the plan (count
    distributions, samplers) and the seed sequences made on first use in each process: a forked
    worker makes its own, not the process that starts it (they are off the path that nothing can
    overlap), and this process makes them when it joins or draws here.  The same in every process."""

    def __init__(self, model, counts: str, seed: int, lengths: list[int]):
        self.model, self.counts, self.seed, self.lengths = model, counts, seed, lengths
        self._made: tuple | None = None

    def __len__(self) -> int:
        return len(self.lengths)

    def __getitem__(self, i: int):
        if self._made is None:
            seqs = np.random.SeedSequence([self.seed, 2]).spawn(len(self.lengths))
            self._made = (Plan(self.model, self.counts), seqs)
        plan, seqs = self._made
        return plan, self.lengths[i], seqs[i], self.counts


def _can_fork() -> bool:
    """Processes can start here at all (not inside a daemon process, ``fork`` available)."""
    import multiprocessing as mp
    return not mp.current_process().daemon and "fork" in mp.get_all_start_methods()


def _serial(tasks: _Tasks) -> Simulation:
    results = [draw_batch(tasks[i]) for i in range(len(tasks))]
    jkk = np.concatenate([r[0] for r in results]) if results else np.zeros(0)
    jkm = np.concatenate([r[1] for r in results]) if results else np.zeros(0)
    return Simulation(jkk, jkm)


class Pending:
    """A :class:`Simulation` under way in worker processes, or to be drawn here when asked for
    (see :func:`start`)."""

    def __init__(self, job):
        self._job = job           # Batches (workers started), a function (draw here), or the Simulation

    @property
    def pids(self) -> list[int]:
        """Process ids of the workers that may still be drawing (none once collected or cancelled)."""
        return self._job.pids if hasattr(self._job, "pids") else []

    def result(self) -> Simulation:
        """The simulation, waiting for the workers (and helping them) or drawing it here."""
        if hasattr(self._job, "pids"):
            out = self._job.result()
            self._job = Simulation(out[0], out[1])
        elif callable(self._job):
            self._job = self._job()
        return self._job

    def cancel(self) -> None:
        """Stop the workers if any still run; :meth:`result` would then finish the batches here."""
        if hasattr(self._job, "pids"):
            self._job.cancel()

    def __reduce__(self):         # pickled (a copy, another process) as the finished simulation
        return Pending, (self.result(),)

    def __enter__(self) -> "Pending":
        return self

    def __exit__(self, *exc) -> None:
        self.cancel()


def _inverted_cdf(srt: np.ndarray, p: float) -> float:
    """The smallest sample value whose empirical CDF reaches *p* (numpy's ``inverted_cdf``),
    read off the sorted sample without copying it."""
    n = srt.size
    return float(srt[min(max(int(np.ceil(n * p)) - 1, 0), n - 1)])


def summary(x: np.ndarray, contributions: float, qs=None, inplace: bool = False) -> dict:
    """Sample mean (with its standard error), sd, quantiles, VaR/TVaR 99.5%, P(S > contributions).

    ``inplace=True`` sorts *x* itself (for a temporary such as ``Simulation.total``), so the summary
    of 10^7 years needs one array of 80 MB, not three.  *qs*: the quantiles' percentages (default
    :data:`sim.risk.aggregate.QUANTILES`)."""
    if qs is None:
        from .aggregate import QUANTILES as qs
    n = x.size
    mean = float(x.mean())
    sd = float(x.std(ddof=1)) if n > 1 else 0.0
    if inplace:
        x.sort()
        srt = x
    else:
        srt = np.sort(x)
    var = _inverted_cdf(srt, 0.995)
    j = int(np.searchsorted(srt, var, side="right"))
    pe = float(n - np.searchsorted(srt, contributions, side="right")) / n
    return {
        "years": n,
        "mean": mean,
        "mean_se": sd / float(np.sqrt(n)) if n > 1 else None,   # one year: no spread to measure
        "sd": sd,
        "quantiles": {f"{q:g}": _inverted_cdf(srt, q / 100) for q in qs},
        "var_99_5": var,
        "tvar_99_5": float(var + (float(srt[j:].sum()) - var * (n - j)) / n / 0.005),
        "prob_exceed_contributions": pe,
        "prob_exceed_se": float(np.sqrt(pe * (1 - pe) / n)),
    }
