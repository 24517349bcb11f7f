"""The year's figures by kecamatan and desa: workers, contributions, the budget need, expected
deaths, accidents and claims of each village (``run --json`` ``by_area``).

Every figure of the one-year model is a sum over cells of ``workers x a per-worker figure``
(contributions ``12 x exposure x monthly contribution``; budget need ``months x monthly``;
expected events ``p``; expected claims ``p x mean claim``, see :mod:`sim.risk.claims`), so a
village's figure is the same sum over the workers of that village:

- a roster keeps how many workers of each cell live in each desa (``Portfolio.cell_villages``),
  and a desa's figure is ``sum over its (cell, count) of count x per-worker figure of the cell``;
- the synthetic roster draws villages independently of age, sex and occupation (all its cells
  share income, exposure and membership), so a desa's expected figures are the regency's in
  proportion to its workers.

Either way the desa figures add up to the regency's (to floating-point rounding, relative 1e-12;
tested), and workers add up exactly.
"""
from __future__ import annotations

import math

import numpy as np

from ..inputs.portfolio import load_villages
from ..law import contributions
from ..risk import claims

PROGRAMS = ("jkk", "jkm", "jht")


def _jkm_mean_per_death(scen, pf) -> np.ndarray:
    """The mean JKM claim of each cell, from the cell's own shares of deaths paying the funeral only,
    the full cash, or the cash with the scholarship (:func:`sim.risk.claims.jkm_shares`).  The claim
    model may bucket cells whose cover straddles 3 or 36 months under shares averaged over the
    bucket's expected deaths; the mean is linear in the shares, so the cells' own means add up to
    the bucket's expected amount exactly, and each desa gets the deaths of its own members."""
    a = claims.Assumptions.from_scenario(scen)
    sh = claims.jkm_shares_of_cells(pf.membership, pf.exposure, a.waiting_months, a.scholarship_min_months)
    unit = np.array([claims.jkm_severity_of_shares(a, *np.eye(3)[j]).mean() for j in range(3)])
    return sh @ unit


def per_worker(scen, c) -> dict[str, np.ndarray]:
    """Per-cell figures for one worker of each cell (rupiah, or expected events)."""
    pf, model = c.portfolio, c.model
    progs = contributions.programs_of(scen)
    sched = contributions.Schedule.from_scenario(scen)
    m = contributions.monthly(pf.income, sched, progs)
    out = {f"contributions.{p}": 12.0 * pf.exposure * m[p] for p in PROGRAMS}
    share = float(scen["budget.jht_regency_share"])
    out["budget_required"] = float(c.budget["months"]) * (m["jkk"] + m["jkm"] + share * m["jht"])
    death_share = float(scen.param("assumptions.accidents.claim_type_mix")["death"])
    jkm_mean = _jkm_mean_per_death(scen, pf)
    for p, events in (("jkm", "expected_deaths"), ("jkk", "expected_accidents")):
        n = np.zeros(pf.count.size)
        amount = np.zeros(pf.count.size)
        for g in model.of(p, enabled_only=False):
            np.add.at(n, g.cells, g.prob)
        for g in model.of(p):
            np.add.at(amount, g.cells, g.prob * (g.severity.mean() if p == "jkk" else jkm_mean[g.cells]))
        out[events] = n
        out[f"expected_claims.{p}"] = amount
    out["expected_work_accident_deaths"] = out["expected_accidents"] * death_share
    return out


def _area_sums(pf, figures: dict[str, np.ndarray]) -> tuple[list[str], np.ndarray, dict[str, np.ndarray]]:
    names = list(pf.village_names)
    workers = np.asarray(pf.village_counts, dtype=np.int64)
    if pf.cell_villages is not None:
        cell, village, n = pf.cell_villages
        sums = {k: np.bincount(village, weights=n * v[cell], minlength=len(names)) for k, v in figures.items()}
    else:
        share = workers / workers.sum() if workers.sum() else np.zeros(len(names))
        sums = {k: share * float(np.dot(pf.count, v)) for k, v in figures.items()}
    return names, workers, sums


def by_area(scen, c) -> list[dict]:
    """One entry per desa with workers, sorted by kecamatan and desa (JSON-ready)."""
    scen = scen.at(scen.start)
    names, workers, sums = _area_sums(c.portfolio, per_worker(scen, c))
    ref = {name: (code, kec) for code, name, kec in load_villages(None)}
    rows = []
    for j, name in enumerate(names):
        code, kec = ref.get(name, ("", ""))
        contrib = {p: float(sums[f"contributions.{p}"][j]) for p in PROGRAMS}
        contrib["total"] = contrib["jkk"] + contrib["jkm"] + contrib["jht"]
        claims = {p: float(sums[f"expected_claims.{p}"][j]) for p in ("jkk", "jkm")}
        claims["total"] = claims["jkk"] + claims["jkm"]
        rows.append({
            "kecamatan": kec, "desa": name, "code": code, "workers": int(workers[j]),
            "contributions": contrib,
            "budget_required": float(sums["budget_required"][j]),
            "expected_deaths": float(sums["expected_deaths"][j]),
            "expected_accidents": float(sums["expected_accidents"][j]),
            "expected_work_accident_deaths": float(sums["expected_work_accident_deaths"][j]),
            "expected_claims": claims,
        })
    rows.sort(key=lambda r: (r["kecamatan"], r["desa"]))
    return rows


def by_kecamatan(rows: list[dict]) -> list[dict]:
    """The desa rows of :func:`by_area` summed by kecamatan (same keys, ``desa`` = number of desa)."""
    out: dict[str, dict] = {}
    for r in rows:
        k = out.setdefault(r["kecamatan"], {"kecamatan": r["kecamatan"], "desa": 0, "workers": 0,
                                            "contributions": {p: 0.0 for p in (*PROGRAMS, "total")},
                                            "budget_required": 0.0, "expected_deaths": 0.0, "expected_accidents": 0.0,
                                            "expected_work_accident_deaths": 0.0,
                                            "expected_claims": {p: 0.0 for p in ("jkk", "jkm", "total")}})
        k["desa"] += 1
        for key in ("workers", "budget_required", "expected_deaths", "expected_accidents",
                    "expected_work_accident_deaths"):
            k[key] += r[key]
        for key in ("contributions", "expected_claims"):
            for p, v in r[key].items():
                k[key][p] += v
    return list(out.values())


def apportion(values, total: float, decimals: int = 0) -> list[float]:
    """*values* rounded to *decimals* so that they add up exactly to *total* rounded the same way
    (largest remainders: each value moves by less than one unit of its last decimal).  For tables
    whose rows must add up to their printed total."""
    unit = 10.0 ** -decimals
    floors = [math.floor(v / unit + 1e-9) for v in values]
    rest = int(round(total / unit)) - sum(floors)
    order = sorted(range(len(values)), key=lambda i: values[i] / unit - floors[i], reverse=True)
    for i in (order[:rest] if rest > 0 else order[::-1][:-rest] if rest < 0 else []):
        floors[i] += 1 if rest > 0 else -1
    return [round(f * unit, decimals) for f in floors]
