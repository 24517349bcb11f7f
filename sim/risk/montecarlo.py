"""Monte Carlo simulation of a year's claims, by risk group (never by worker).

For each simulated year and each risk group (:mod:`sim.risk.claims`):

1. the number of claims is drawn, either from the group's exact Poisson-binomial
   count distribution by inversion (``counts="exact"``, fast) or as independent
   binomial counts per cell (``counts="cells"``, an independent check of the count
   model, slower for many cells);
2. each claim's component and fixed amount are drawn by inversion, and its medical
   cost from the continuous capped lognormal (not from the lattice);
3. amounts are summed per year.

Years are simulated in batches (bounded memory); the seed fixes every draw.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .aggregate import QUANTILES, count_pmf


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


def _draw_counts(group, rng, years: int, mode: str, pmf_cache: dict) -> np.ndarray:
    if mode == "cells":
        out = np.zeros(years, dtype=np.int64)
        for n, p in zip(group.count, group.prob):
            if n > 0 and p > 0:
                out += rng.binomial(int(n), float(p), size=years)
        return out
    key = id(group)
    if key not in pmf_cache:
        pmf_cache[key] = np.cumsum(count_pmf(group.count, group.prob))
    cdf = pmf_cache[key]
    return np.minimum(np.searchsorted(cdf, rng.random(years) * cdf[-1], side="right"), cdf.size - 1)


def simulate(model, years: int, seed: int, counts: str = "exact", batch: int = 50_000) -> Simulation:
    """Simulate *years* years of claims of the enabled programs of *model* with *seed*."""
    rng = np.random.default_rng([int(seed), 2])
    out = {p: np.zeros(years) for p in ("jkk", "jkm")}
    cache: dict = {}
    for start in range(0, years, batch):
        b = min(batch, years - start)
        for prog in ("jkk", "jkm"):
            acc = out[prog][start:start + b]
            for g in model.of(prog):
                k = _draw_counts(g, rng, b, counts, cache)
                total = int(k.sum())
                if total == 0:
                    continue
                amounts = g.severity.sample(rng, total)
                acc += np.bincount(np.repeat(np.arange(b), k), weights=amounts, minlength=b)
    return Simulation(out["jkk"], out["jkm"])


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
