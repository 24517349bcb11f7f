"""Experience year by year: expected claims from each year's in-force composition, claims not yet
reported, a Bornhuetter-Ferguson ultimate and a development triangle.

* **Expected by year.** Experience year ``y`` is the scenario's year of cover that begins in
  calendar year ``y`` (``scenario.start`` = 2023-06-01: 2023 is Jun 2023 - May 2024).  Its claim
  rates per worker-year and mean amounts come from projection year ``t = y - start year``
  (:func:`sim.analyses.projection.project`): the cohort aged, with its membership months (the
  3-month waiting period only in the first months, the JKM scholarship after 36 months), new
  members, dated parameters and medical inflation, exactly as the projection computes them.
* **Reporting lag.** ``params/assumptions/reporting.yaml`` gives the share of a year's claims
  reported by the end of that year (development 0), of the next (1), ...; the experience is taken
  as known at the end of its latest year, so year ``y`` is at development ``d = latest - y`` and
  its expected *reported* claims are ``F(d) x expected``, ``F(d) = sum_{j <= d} lag_j``.
* **Development triangle.** When rows carry the year their claims were reported (column
  ``reported``), the reported share is estimated instead (chain ladder on claim counts, Mack 1993 /
  Loss Models): cumulative counts ``C[y, d]``, development factors
  ``f_d = sum_y C[y, d+1] / sum_y C[y, d]`` over the years observed at both, ``F(d) = 1 / prod_{j >= d} f_j``
  (developments beyond the triangle: the assumed pattern).
* **Bornhuetter-Ferguson** (Bornhuetter and Ferguson 1972): the ultimate of year ``y`` is the
  reported claims plus the expected unreported ones, ``U_y = A_y + (1 - F(d_y)) E_y``, with ``E_y``
  the model's expected ultimate (counts or amounts).
"""
from __future__ import annotations

import numpy as np

from ..law.benefits import CLAIM_TYPES

MAX_YEARS = 40


def rates_of(model, pf, mix: dict) -> dict:
    """Claims a worker-year and mean amount a claim by (programme, claim type) of one year's claim model."""
    years = float(np.dot(pf.count, pf.exposure))
    out = {}
    jkm = model.of("jkm", False)
    n = sum(g.expected_count() for g in jkm)
    out[("jkm", "death")] = {"rate": n / years if years else 0.0,
                             "mean_amount": sum(g.expected_amount() for g in jkm) / n if n else 0.0}
    jkk = model.of("jkk", False)
    acc = sum(g.expected_count() for g in jkk)
    types = [t for t in CLAIM_TYPES if mix[t] > 0]
    for t in CLAIM_TYPES:
        # mean amount of a claim of type t: each income group's component for t, weighted by its claims
        tot = 0.0
        for g in jkk:
            c = g.severity.components[types.index(t)] if t in types else None
            if c is not None:
                tot += g.expected_count() * (float(np.dot(c.atoms, c.probs)) + (c.medical.mean() if c.medical else 0.0))
        out[("jkk", t)] = {"rate": acc * mix[t] / years if years else 0.0, "mean_amount": tot / acc if acc else 0.0}
    out[("jkk", "all")] = {"rate": acc / years if years else 0.0,
                           "mean_amount": sum(g.expected_amount() for g in jkk) / acc if acc else 0.0}
    return out


def year_rates(scen, years, portfolio=None) -> dict[int, dict]:
    """Rates and mean amounts for each experience year (see the module docstring)."""
    from .projection import project
    first = int(scen.start[:4])
    ys = sorted({int(y) for y in years})
    if ys[0] < first or ys[-1] - first + 1 > MAX_YEARS:
        raise ValueError(f"experience years must run from {first} to {first + MAX_YEARS - 1}")
    rows, _ = project(scen, ys[-1] - first + 1, portfolio=portfolio, distributions=False)
    out = {}
    for y in ys:
        r = rows[y - first]
        out[y] = {"rates": rates_of(r.model, r.portfolio, r.scen.param("assumptions.accidents.claim_type_mix")),
                  "model": r.model, "portfolio": r.portfolio, "scen": r.scen}
    return out


def assumed_shares(scen, program: str, size: int) -> np.ndarray:
    """``F(d)`` for d = 0..size-1 from the assumed reporting pattern of *program*."""
    lag = scen.param(f"assumptions.reporting.lag_{program}")
    p = np.zeros(max(size, 1 + max(int(float(k)) for k in lag)))
    for k, v in lag.items():
        p[int(float(k))] += float(v)
    return np.minimum(np.cumsum(p), 1.0)[:size]


def triangle(exp, program: str) -> tuple[list[int], np.ndarray]:
    """Incremental claim counts by experience year (rows) and development year (columns) of *program*;
    NaN where not yet observable (after the latest year)."""
    m = exp.program == program
    years = sorted({int(y) for y in exp.year[m]})
    latest = max(int(y) for y in exp.year)
    D = latest - years[0] + 1 if years else 1
    tri = np.full((len(years), D), np.nan)
    for i, y in enumerate(years):
        tri[i, : latest - y + 1] = 0.0
    for j in np.flatnonzero(m):
        tri[years.index(int(exp.year[j])), int(exp.reported[j]) - int(exp.year[j])] += exp.count[j]
    return years, tri


def chain_ladder_shares(tri: np.ndarray, tail: np.ndarray) -> np.ndarray:
    """Reported share ``F(d)`` from an incremental triangle (volume-weighted development factors);
    *tail* gives ``F`` at the last development column (the assumption beyond the triangle)."""
    cum = np.nancumsum(tri, axis=1)
    cum[np.isnan(tri)] = np.nan
    D = tri.shape[1]
    f = np.ones(D)
    for d in range(D - 1):
        both = ~np.isnan(cum[:, d + 1])
        den = cum[both, d].sum()
        f[d] = cum[both, d + 1].sum() / den if den > 0 else 1.0
    F = np.empty(D)
    F[D - 1] = tail[D - 1] if D - 1 < tail.size else 1.0
    for d in range(D - 2, -1, -1):
        F[d] = F[d + 1] / f[d]
    return np.clip(F, 1e-9, 1.0)


def reported_shares(scen, exp) -> dict:
    """``F(d)`` by programme (d = development of each year at the latest year), assumed or from the triangle."""
    latest = int(max(exp.year))
    first = int(min(exp.year))
    size = latest - first + 1
    out = {"valued_at_end_of": latest, "source": "assumed", "programs": {}}
    for prog in ("jkm", "jkk"):
        F = assumed_shares(scen, prog, size)
        entry = {"assumed": F.tolist(), "reported_share": F.tolist()}
        if exp.reported is not None and np.any(exp.program == prog):
            years, tri = triangle(exp, prog)
            est = chain_ladder_shares(tri, F)
            entry.update(triangle={"years": years, "incremental_counts": [[None if np.isnan(v) else float(v) for v in r]
                                                                         for r in tri]},
                         reported_share=est.tolist())
            out["source"] = "triangle"
        out["programs"][prog] = entry
    return out


def bornhuetter_ferguson(actual, expected_ultimate, reported_share) -> np.ndarray:
    """Ultimate ``A + (1 - F) E`` (counts or amounts), element by element."""
    return np.asarray(actual, float) + (1.0 - np.asarray(reported_share, float)) * np.asarray(expected_ultimate, float)


def by_year(exp, rates: dict[int, dict], shares: dict) -> list[dict]:
    """Per programme and experience year: worker-years, expected ultimate and reported counts and
    amounts, actual reported, the Bornhuetter-Ferguson ultimate."""
    latest = shares["valued_at_end_of"]
    out = []
    for prog, ctype in (("jkm", "death"), ("jkk", "all")):
        F = np.asarray(shares["programs"][prog]["reported_share"])
        for y in sorted({int(v) for v in exp.year[exp.program == prog]}):
            m = (exp.program == prog) & (exp.year == y)
            wy = sum({exp.village[i]: float(exp.exposure_years[i]) for i in np.flatnonzero(m)}.values())
            r = rates[y]["rates"][(prog, ctype)]
            e_n = r["rate"] * wy
            e_a = e_n * r["mean_amount"]
            f = float(F[latest - y]) if latest - y < F.size else 1.0
            a_n, a_a = float(exp.count[m].sum()), float(exp.amount[m].sum())
            out.append({"program": prog, "year": y, "worker_years": wy, "development": latest - y,
                        "reported_share": f, "expected_count": e_n, "expected_amount": e_a,
                        "mean_amount": r["mean_amount"], "expected_reported_count": f * e_n,
                        "expected_reported_amount": f * e_a, "actual_count": a_n, "actual_amount": a_a,
                        "ultimate_count_bf": float(bornhuetter_ferguson(a_n, e_n, f)),
                        "ultimate_amount_bf": float(bornhuetter_ferguson(a_a, e_a, f))})
    return out
