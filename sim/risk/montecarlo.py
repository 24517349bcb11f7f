"""Monte Carlo simulation of a year's claims, by risk group (never by worker).

For each simulated year and each risk group (:mod:`sim.risk.claims`):

1. the number of claims is drawn, either from the group's exact Poisson-binomial
   count distribution by inversion (``counts="exact"``, fast) or as independent
   binomial counts per cell (``counts="cells"``, an independent check of the count
   model, slower for many cells);
2. the claims' fixed amounts (component and atom) are drawn by inversion, one by one, or,
   when a group has many claims a year for few distinct amounts, as the multinomial numbers
   of claims at each amount (the same distribution of the year's sum, far fewer draws); each
   claim of a component with a medical cost adds its own draw of the continuous capped
   lognormal (not the lattice);
3. amounts are summed per year.

Years are simulated in batches of ``batch`` years (bounded memory).  Batch ``i`` draws from its
own stream ``SeedSequence([seed, 2]).spawn(...)[i]``, so the seed and the batch size fix every
draw and the result is the same whether the batches run in this process or in several
(:func:`process_count`: the setting ``SIM_PROCESSES``).
"""
from __future__ import annotations

import os
import sys
from dataclasses import dataclass

import numpy as np

from .aggregate import QUANTILES, count_pmf

#: years per batch (memory: about 1 KB of counts and amounts per year and group, freed per batch)
BATCH = 50_000
#: simulated claims per process below which a second process does not pay for its start (about
#: 50 ms; 5 million claims take about 0.15 s on one core)
MIN_CLAIMS_PER_PROCESS = 5_000_000


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

    ``"1"``: this process only; a number ``n``: up to ``n`` processes (one batch each at least);
    ``"auto"`` (the default): up to 2 (the cores this process may use, at most 2) when each process
    gets at least :data:`MIN_CLAIMS_PER_PROCESS` simulated claims (below that, starting a process
    costs more than it saves), and never where processes cannot start or would compete: inside a
    daemon process (a multiprocessing or Dask worker process), inside a Dask worker, inside a
    Jupyter kernel (the dashboard runs several side by side), or without ``fork``.  The result of
    :func:`simulate` does not depend on the number of processes.
    """
    raw = setting if setting is not None else os.environ.get("SIM_PROCESSES", "auto")
    value = str(raw).strip().lower()
    batches = max(1, -(-int(years) // BATCH))
    if value in ("", "auto"):
        if _must_stay_single():
            return 1
        try:
            cores = len(os.sched_getaffinity(0))
        except (AttributeError, OSError):
            cores = os.cpu_count() or 1
        work = years * max(claims_per_year, 1.0)
        return max(1, min(2, cores, batches, int(work // MIN_CLAIMS_PER_PROCESS)))
    if not value.isdigit() or int(value) < 1:
        from ..common.errors import InputError, Problem
        raise InputError([Problem("SIM_PROCESSES", "", f"expected 'auto' or a whole number of processes (1 or more), "
                                                       f"got {raw!r}")])
    want = int(value)
    if want > 1 and _must_stay_single():
        return 1
    return max(1, min(want, batches))


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
        self.mu, self.sigma, self.cap = np.asarray(mu), np.asarray(sigma), np.asarray(cap)
        self.medical = bool(np.isfinite(self.mu).any())

    def year_sums(self, rng, k: np.ndarray) -> np.ndarray:
        """Sums over each year of ``k[year]`` independent claims."""
        b = k.size
        total = int(k.sum())
        if total == 0:
            return np.zeros(b)
        if k.mean() >= 2 * self.amounts.size:            # many claims, few amounts: multinomial numbers
            N = rng.multinomial(k, self.probs)
            out = N @ self.amounts if b * self.amounts.size < 64 else np.einsum("ya,a->y", N, self.amounts)
            if not self.medical:
                return out
            per = N.ravel()                               # claims at each amount, year by year
            idx = np.repeat(np.tile(np.arange(self.amounts.size), b), per)
            yr = np.repeat(np.arange(b), N.sum(axis=1))
        else:
            u = rng.random(total)
            idx = np.minimum(np.searchsorted(self.cum, u * self.cum[-1], side="right"), self.amounts.size - 1)
            yr = np.repeat(np.arange(b), k)
            amt = self.amounts[idx]
            if self.medical:
                amt = amt + self._medical(rng, idx)
            return np.bincount(yr, weights=amt, minlength=b)
        return out + np.bincount(yr, weights=self._medical(rng, idx), minlength=b)

    def _medical(self, rng, idx: np.ndarray) -> np.ndarray:
        """The capped lognormal medical cost of claims at amounts *idx* (0 where there is none)."""
        z = rng.standard_normal(idx.size)
        with np.errstate(invalid="ignore"):
            x = np.exp(self.mu[idx] + self.sigma[idx] * z)
        return np.minimum(x, self.cap[idx])


def _draw_counts(group, cdf, rng, years: int, mode: str) -> np.ndarray:
    if mode == "cells":
        out = np.zeros(years, dtype=np.int64)
        for n, p in zip(group.count, group.prob):
            if n > 0 and p > 0:
                out += rng.binomial(int(n), float(p), size=years)
        return out
    return np.minimum(np.searchsorted(cdf, rng.random(years) * cdf[-1], side="right"), cdf.size - 1)


def _batch(task) -> tuple[np.ndarray, np.ndarray]:
    """Yearly totals (jkk, jkm) of one batch: *task* = (plan, years, seed sequence, count mode)."""
    plan, b, ss, mode = task
    rng = np.random.default_rng(ss)
    out = {"jkk": np.zeros(b), "jkm": np.zeros(b)}
    for prog, group, cdf, sampler in plan:
        k = _draw_counts(group, cdf, rng, b, mode)
        out[prog] += sampler.year_sums(rng, k)
    return out["jkk"], out["jkm"]


def simulate(model, years: int, seed: int, counts: str = "exact", batch: int = BATCH,
             processes: int | None = None) -> Simulation:
    """Simulate *years* years of claims of the enabled programs of *model* with *seed*.

    *processes*: how many processes share the batches (default :func:`process_count`); the result
    is the same for any number."""
    years, batch = int(years), max(1, int(batch))
    plan, samplers = [], {}
    for prog in ("jkk", "jkm"):
        for g in model.of(prog):
            if g.severity not in samplers:
                samplers[g.severity] = _Sampler(g.severity)
            cdf = np.cumsum(count_pmf(g.count, g.prob)) if counts != "cells" else None
            plan.append((prog, g, cdf, samplers[g.severity]))
    starts = list(range(0, years, batch))
    seqs = np.random.SeedSequence([int(seed), 2]).spawn(len(starts))
    tasks = [(plan, min(batch, years - s), ss, counts) for s, ss in zip(starts, seqs)]
    if processes is None:
        procs = process_count(years, sum(g.expected_count() for g in model.of("jkk") + model.of("jkm")))
    else:
        procs = max(1, int(processes))
    procs = min(procs, len(tasks))
    if procs > 1:
        results = _in_processes(tasks, procs)
    else:
        results = [_batch(t) for t in tasks]
    jkk = np.concatenate([r[0] for r in results]) if results else np.zeros(0)
    jkm = np.concatenate([r[1] for r in results]) if results else np.zeros(0)
    return Simulation(jkk, jkm)


def _in_processes(tasks, procs: int):
    """The batches over *procs* forked processes, results in batch order."""
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor
    with ProcessPoolExecutor(max_workers=procs, mp_context=mp.get_context("fork")) as ex:
        return list(ex.map(_batch, tasks, chunksize=max(1, len(tasks) // (2 * procs))))


def summary(x: np.ndarray, contributions: float, qs=QUANTILES) -> dict:
    """Sample mean (with its standard error), sd, quantiles, VaR/TVaR 99.5%, P(S > contributions)."""
    n = x.size
    srt = np.sort(x)
    var = float(np.quantile(srt, 0.995, method="inverted_cdf"))
    pe = float(np.mean(x > contributions))
    return {
        "years": n,
        "mean": float(x.mean()),
        "mean_se": float(x.std(ddof=1) / np.sqrt(n)) if n > 1 else float("nan"),
        "sd": float(x.std(ddof=1)) if n > 1 else 0.0,
        "quantiles": {f"{q:g}": float(np.quantile(srt, q / 100, method="inverted_cdf")) for q in qs},
        "var_99_5": var,
        "tvar_99_5": float(var + np.mean(np.maximum(srt - var, 0)) / 0.005),
        "prob_exceed_contributions": pe,
        "prob_exceed_se": float(np.sqrt(pe * (1 - pe) / n)),
    }
