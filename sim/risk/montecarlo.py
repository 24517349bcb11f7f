"""Monte Carlo simulation of a year's claims, by risk group (never by worker).

For each simulated year and each risk group (:mod:`sim.risk.claims`):

1. the number of claims is drawn, either from the group's exact Poisson-binomial
   count distribution by inversion (``counts="exact"``, fast) or as independent
   binomial counts per cell (``counts="cells"``, an independent check of the count
   model, slower for many cells);
2. the claims' fixed amounts (component and atom) are drawn by inversion, one by one (a guide
   table, :class:`_Inverse`), or, when a group has many claims a year for few distinct amounts
   (:meth:`_Sampler.multinomial`), as the multinomial numbers of claims at each amount (the same
   distribution of the year's sum, far fewer draws); each claim of a component with a medical
   cost adds its own draw of the continuous capped lognormal (not the lattice);
3. amounts are summed per year (the claims drawn one by one are priced for all groups of a
   batch at once, :func:`_price`).

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

import itertools
import os
import sys
from dataclasses import dataclass

import numpy as np

from ..common.heap import keep_freed_memory
from .aggregate import QUANTILES, count_pmf

#: claims a year per amount beyond the first from which a severity of 3 amounts or more is drawn as
#: multinomial numbers, not claim by claim (CPU of 10^5 years of one group without medical cost,
#: claim by claim / multinomial: 3 amounts, 10 claims a year 8 / 13 ms, 20: 15 / 16, 40: 31 / 21;
#: 4 amounts, 10: 8 / 16, 20: 15 / 21, 40: 31 / 27).  Up to 2 amounts the choice is ``mean >= 2 d``
#: alone (a wash either way), as before this constant
MULTINOMIAL_PER_AMOUNT = 12
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


def process_setting(setting: str | None = None) -> int | None:
    """The setting ``SIM_PROCESSES`` (or *setting*): None for ``auto`` (the default), else the number
    of processes asked for; anything else is bad input (:class:`InputError`, exit 2)."""
    raw = setting if setting is not None else os.environ.get("SIM_PROCESSES", "auto")
    value = str(raw).strip().lower()
    if value in ("", "auto"):
        return None
    if not value.isdigit() or int(value) < 1:
        from ..common.errors import InputError, Problem
        raise InputError([Problem("SIM_PROCESSES", "", f"expected 'auto' or a whole number of processes (1 or more), "
                                                       f"got {raw!r}")])
    return int(value)


def usable_cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def processes_allowed() -> bool:
    """False where starting processes is impossible or unwelcome (see :func:`process_count`)."""
    return not _must_stay_single()


def _must_stay_single() -> bool:
    """True where starting processes is impossible or unwelcome (see :func:`process_count`)."""
    import multiprocessing as mp
    if mp.current_process().daemon or "fork" not in mp.get_all_start_methods():
        return True
    if "ipykernel" in sys.modules:        # a notebook or dashboard kernel
        return True
    if "distributed" in sys.modules:      # a Dask worker runs tasks in threads of its own process
        try:
            from distributed import get_worker
            get_worker()
            return True
        except Exception:
            pass
    return False


class _Inverse:
    """Inversion of a discrete distribution given by its cumulative weights *cum* (nondecreasing,
    ``cum[-1] > 0``): :meth:`index` is ``min(searchsorted(cum, u * cum[-1], side="right"), n - 1)``
    for uniforms *u* in [0, 1), the same index for the same uniform, by a guide table (Chen's
    method, vectorised) instead of a binary search (about 20 ns a draw in numpy, its branches
    mispredicted half the time).

    With ``top`` the table *cum* whose last entry is ``+inf``, that index is the number of entries
    of ``top`` at most ``v = u * cum[-1]``.  The guide has ``G`` cells (a power of 2); cell
    ``c = floor(u G)`` (exact: a scaling by a power of 2) starts at ``guide[c]``, the index of
    ``(c / G) cum[-1]``, and ends at most at ``guide[c + 1]``: since ``c / G <= u < (c + 1) / G``
    exactly and rounding is monotone, ``v`` lies between the two starts in floating point too.
    Where a cell holds at most one boundary, the index is ``guide[c] + (v >= top[guide[c]])``
    (the cell's boundary is kept beside the guide); the uniforms that fall in a cell holding more
    (tiny probabilities, a count distribution's tail) take the binary search.  ``G`` doubles from
    ``4 n`` (up to 4096 cells) until no cell holds two boundaries (*spread*: until such cells take
    under 1% of the uniforms, for a count distribution whose far tail would need too many cells)."""

    MAX_CELLS = 4096

    def __init__(self, cum: np.ndarray, spread: bool = False):
        cum = np.asarray(cum, dtype=float)
        n = cum.size
        self.total = cum[-1]
        self.top = cum.copy()
        self.top[-1] = np.inf
        G = 1 << int(min(12, max(6, np.ceil(np.log2(4 * n)))))
        while True:
            starts = (np.arange(G) / G) * self.total
            lo = np.searchsorted(self.top, starts, side="right").astype(np.intp)
            multi = np.append(lo[1:], n - 1) - lo > 1
            if G >= self.MAX_CELLS or (multi.mean() < 0.01 if spread else not multi.any()):
                break
            G *= 2
        self.G, self.guide, self.bound = float(G), lo, self.top[lo]
        self.multi = multi if multi.any() else None

    @classmethod
    def shared(cls, cum: np.ndarray) -> "_Inverse":
        """The inversion of *cum*, one object for equal tables (the severities of a roster differ by
        income in their amounts, not in their probabilities: one guide table, kept in cache)."""
        key = np.asarray(cum, dtype=float).tobytes()
        inv = _SHARED.get(key)
        if inv is None:
            if len(_SHARED) >= 256:
                _SHARED.clear()
            inv = _SHARED[key] = cls(cum)
        return inv

    def index(self, u: np.ndarray) -> np.ndarray:
        """``min(searchsorted(cum, u * cum[-1], side="right"), n - 1)`` (see the class)."""
        v = u * self.total
        cell = (u * self.G).astype(np.intp)
        idx = self.guide[cell]
        idx += self.bound[cell] <= v
        if self.multi is not None:
            bad = self.multi[cell].nonzero()[0]
            if bad.size:
                idx[bad] = np.searchsorted(self.top, v[bad], side="right")
        return idx


_SHARED: dict = {}


class _Sampler:
    """One severity as a flat table of fixed amounts (component x atom) with the medical cost of
    each amount's component (``mu = -inf`` where there is none)."""

    def __init__(self, severity):
        amounts, probs, mu, sigma, cap = [], [], [], [], []
        for c in severity.components:
            p = np.asarray(c.probs, dtype=float)
            p = p / p.sum()
            med = c.medical
            for a, q in zip(c.atoms, p):
                amounts.append(float(a))
                probs.append(c.weight * q)
                has = med is not None and np.isfinite(med.mu)
                mu.append(med.mu if has else -np.inf)
                sigma.append(med.sigma if has else 0.0)
                cap.append(med.cap if has else 0.0)
        self.amounts = np.asarray(amounts)
        self.probs = np.asarray(probs) / np.sum(probs)
        self.cum = np.cumsum(self.probs)
        self.inverse = _Inverse.shared(self.cum)
        self.mu, self.sigma, self.cap = np.asarray(mu), np.asarray(sigma), np.asarray(cap)
        self.medical = bool(np.isfinite(self.mu).any())

    def multinomial(self, k: np.ndarray, total: int | None = None) -> bool:
        """Whether years of ``k`` claims (``total`` of them, when known) are drawn as multinomial
        numbers at each amount (many claims a year for few amounts) rather than claim by claim:
        when the mean claims a year reach ``2 d`` for ``d`` amounts and, from 3 amounts on,
        :data:`MULTINOMIAL_PER_AMOUNT` ``x (d - 1)`` (numpy draws ``d - 1`` binomials a year, each
        100-150 ns, where a claim drawn by inversion costs under 10 ns).  The mean
        ``total / years`` is ``k.mean()`` to the bit (a sum of integers below 2^53, divided once)."""
        total = int(k.sum()) if total is None else total
        d = self.amounts.size
        m = total / k.size
        return m >= 2 * d and (d <= 2 or m >= MULTINOMIAL_PER_AMOUNT * (d - 1))

    def year_sums(self, rng, k: np.ndarray) -> np.ndarray:
        """Sums over each year of ``k[year]`` independent claims (the draws of :func:`_batch`)."""
        b = k.size
        total = int(k.sum())
        if total == 0:
            return np.zeros(b)
        if self.multinomial(k, total):
            return self.multinomial_sums(rng, k)
        idx = self.inverse.index(rng.random(total))
        yr = np.repeat(np.arange(b), k)
        amt = self.amounts[idx]
        if self.medical:
            amt = amt + self._medical(rng, idx)
        return np.bincount(yr, weights=amt, minlength=b)

    def multinomial_sums(self, rng, k: np.ndarray) -> np.ndarray:
        """Sums over each year of ``k[year]`` claims, drawn as the multinomial numbers of claims at
        each amount (the same distribution of the year's sum, far fewer draws)."""
        b = k.size
        N = rng.multinomial(k, self.probs)
        out = N @ self.amounts if b * self.amounts.size < 64 else np.einsum("ya,a->y", N, self.amounts)
        if not self.medical:
            return out
        per = N.ravel()                               # claims at each amount, year by year
        idx = np.repeat(np.tile(np.arange(self.amounts.size), b), per)
        yr = np.repeat(np.arange(b), N.sum(axis=1))
        return out + np.bincount(yr, weights=self._medical(rng, idx), minlength=b)

    def _medical(self, rng, idx: np.ndarray) -> np.ndarray:
        """The capped lognormal medical cost of claims at amounts *idx* (0 where there is none)."""
        z = rng.standard_normal(idx.size)
        with np.errstate(invalid="ignore"):
            x = np.exp(self.mu[idx] + self.sigma[idx] * z)
        return np.minimum(x, self.cap[idx])


class _Plan:
    """What every batch draws: one entry per risk group of the enabled programs, in order
    ``(program, group, count inversion or None, sampler)``, and the samplers' tables laid end to
    end (``base[s]`` is where sampler ``s`` starts) so that the claims drawn one by one for all
    groups of a batch are priced in one pass."""

    def __init__(self, model, counts: str):
        self.entries, self.sampler_of, samplers = [], [], {}
        for prog in ("jkk", "jkm"):
            for g in model.of(prog):
                if g.severity not in samplers:
                    samplers[g.severity] = len(samplers)
                s = samplers[g.severity]
                inv = _Inverse(np.cumsum(count_pmf(g.count, g.prob)), spread=True) if counts != "cells" else None
                self.entries.append((prog, g, inv, s))
        self.samplers = [None] * len(samplers)
        for sev, s in samplers.items():
            self.samplers[s] = _Sampler(sev)
        sizes = [sp.amounts.size for sp in self.samplers]
        self.base = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.intp) if sizes else np.zeros(0, np.intp)
        cat = (lambda name: np.concatenate([getattr(sp, name) for sp in self.samplers])
               if self.samplers else np.zeros(0))
        self.amounts, self.mu, self.sigma, self.cap = cat("amounts"), cat("mu"), cat("sigma"), cat("cap")


def _draw_counts(group, inverse, rng, years: int, mode: str) -> np.ndarray:
    if mode == "cells":
        out = np.zeros(years, dtype=np.int64)
        for n, p in zip(group.count, group.prob):
            if n > 0 and p > 0:
                out += rng.binomial(int(n), float(p), size=years)
        return out
    return inverse.index(rng.random(years))


def _batch(task) -> tuple[np.ndarray, np.ndarray]:
    """Yearly totals (jkk, jkm) of one batch: *task* = (plan, years, seed sequence, count mode).

    The draws, in the plan's order of groups: the group's counts of the batch's years, then (when
    it draws claim by claim) a uniform per claim for its amount and, for a severity with a medical
    cost, a standard normal per claim; or its multinomial numbers (:meth:`_Sampler.year_sums`).
    The claims drawn one by one are priced after the loop, all groups at once, and summed per
    group and year by one ``bincount`` (claims added in order, as group by group), then groups are
    added in the plan's order: the same sums, to the bit, as :meth:`_Sampler.year_sums` group by
    group."""
    keep_freed_memory()     # batch temporaries reused, not page-faulted again (sim.common.heap)
    plan, b, ss, mode = task
    rng = np.random.default_rng(ss)
    sums: list = [None] * len(plan.entries)       # a group's yearly sums, or its row in the bincount
    idx, z, counts, medical = [], [], [], []       # claims drawn one by one, group by group
    for e, (prog, group, inverse, s) in enumerate(plan.entries):
        sampler = plan.samplers[s]
        k = _draw_counts(group, inverse, rng, b, mode)
        total = int(k.sum())
        if total == 0:
            sums[e] = 0.0
        elif sampler.multinomial(k, total):
            sums[e] = sampler.multinomial_sums(rng, k)
        else:
            i = sampler.inverse.index(rng.random(total))
            i += plan.base[s]
            idx.append(i)
            z.append(rng.standard_normal(total) if sampler.medical else None)
            sums[e] = len(counts)
            counts.append(k)
    if counts:
        rows = _price(plan, idx, z, counts, b)
        for e, v in enumerate(sums):
            if isinstance(v, int):
                sums[e] = rows[v]
    out = {"jkk": np.zeros(b), "jkm": np.zeros(b)}
    for (prog, *_), v in zip(plan.entries, sums):
        out[prog] += v
    return out["jkk"], out["jkm"]


def _price(plan: _Plan, idx: list, z: list, counts: list, b: int) -> np.ndarray:
    """Yearly sums (one row per group) of the claims drawn one by one: ``idx[j]`` the amounts (in
    the plan's tables) of group ``j``'s claims, year by year as ``counts[j]`` says, ``z[j]`` their
    standard normals (None: no medical cost).  Each claim costs ``amount + min(exp(mu + sigma z),
    cap)``, computed as :meth:`_Sampler._medical` does (same operations, same order: same bits),
    for each run of consecutive groups with a medical cost at once."""
    i = np.concatenate(idx)
    amt = plan.amounts[i]
    pos = 0
    for medical, run in itertools.groupby(zip(z, idx), key=lambda zi: zi[0] is not None):
        run = list(run)
        n = sum(ij.size for _, ij in run)
        if medical:                       # consecutive groups with a medical cost, at once
            seg = i[pos:pos + n]
            t = plan.sigma[seg]
            t *= np.concatenate([zj for zj, _ in run]) if len(run) > 1 else run[0][0]
            with np.errstate(invalid="ignore"):
                t += plan.mu[seg]
            np.exp(t, out=t)
            np.minimum(t, plan.cap[seg], out=t)
            amt[pos:pos + n] += t
        pos += n
    key = np.repeat(np.arange(len(counts) * b), np.concatenate(counts))
    return np.bincount(key, weights=amt, minlength=len(counts) * b).reshape(len(counts), b)


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
    plan = _Plan(model, counts)
    starts = list(range(0, years, batch))
    seqs = np.random.SeedSequence([int(seed), 2]).spawn(len(starts))
    tasks = [(plan, min(batch, years - s), ss, counts) for s, ss in zip(starts, seqs)]
    if processes is None:
        procs = process_count(years, claims_per_year(model))
    else:
        procs = max(1, int(processes))
    procs = min(procs, len(tasks))
    if procs > 1 and _can_fork():
        try:
            from .background import Batches
            return Pending(Batches(lambda i: _batch(tasks[i]), starts, [s + t[1] for s, t in zip(starts, tasks)],
                                   2, procs - 1))
        except (OSError, ImportError):   # no shared memory, semaphores or process to be had: one process
            pass
    return Pending(lambda: _serial(tasks))    # drawn when asked for, here


def _can_fork() -> bool:
    """Processes can start here at all (not inside a daemon process, ``fork`` available)."""
    import multiprocessing as mp
    return not mp.current_process().daemon and "fork" in mp.get_all_start_methods()


def _serial(tasks) -> Simulation:
    results = [_batch(t) for t in tasks]
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


def summary(x: np.ndarray, contributions: float, qs=QUANTILES, inplace: bool = False) -> dict:
    """Sample mean (with its standard error), sd, quantiles, VaR/TVaR 99.5%, P(S > contributions).

    ``inplace=True`` sorts *x* itself (for a temporary such as ``Simulation.total``), so the summary
    of 10^7 years needs one array of 80 MB, not three."""
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
