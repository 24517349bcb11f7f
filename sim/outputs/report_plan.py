"""INTERIM (until ``sim.analyses.plan`` lands): what the allocation buys under each bundle of
programmes, and the need by APBD fiscal year, from :mod:`sim.law.contributions` only.

Definitions (rupiah): for a bundle with average monthly contribution ``m`` per enrolled worker
(the regency's share of JHT only), ``required = workers x m x months``; ``max_workers =
floor(allocation / (m x months))``, the most workers the allocation pays for in full;
``months_covered = allocation / (workers x m)``.  Fiscal years are calendar years (APBD), the
first from ``scenario.start``: Belu's programme started on 1 June 2023, so FY 2023 has 7 months.
"""
from __future__ import annotations

import math

from ..law import contributions as C

BUNDLES = {"jkk+jkm": {"jkk": True, "jkm": True, "jht": False}, "jkk+jkm+jht": {"jkk": True, "jkm": True, "jht": True}}


def _monthly(scen, pf, progs) -> float:
    sched = C.Schedule.from_scenario(scen)
    b = C.budget_check(0.0, 1, pf, sched, progs, float(scen["budget.jht_regency_share"]))
    return b["monthly_per_worker"]


def bundles(scen, pf) -> list[dict]:
    """One object per bundle: programmes, monthly per worker, required, max workers, months covered."""
    scen = scen.at(scen.start)
    alloc, months, workers = float(scen["budget.allocation"]), int(scen["budget.months"]), pf.workers
    out = []
    for key, progs in BUNDLES.items():
        m = _monthly(scen, pf, progs)
        out.append({"key": key, "programs": [p for p, on in progs.items() if on], "monthly_per_worker": m,
                    "required": workers * m * months,
                    "max_workers": int(math.floor(alloc / (m * months) + 1e-9)) if m > 0 else None,
                    "months_covered": alloc / (workers * m) if m > 0 and workers else None})
    return out


def fiscal_years(scen, pf, years: int) -> list[dict]:
    """The need by fiscal year for the enrolled workers over *years* years of the programme
    (contribution parameters and income in force at the start of each fiscal year's months)."""
    y0, m0 = int(scen.start[:4]), int(scen.start[5:7])
    total_months = 12 * years
    out, done, y = [], 0, y0
    while done < total_months:
        first = m0 if y == y0 else 1
        n = min(13 - first, total_months - done)
        s = scen.at(f"{y:04d}-{first:02d}-01")
        out.append({"year": y, "months": n, "workers": pf.workers,
                    "required": {k: pf.workers * _monthly(s, pf, progs) * n for k, progs in BUNDLES.items()}})
        done += n
        y += 1
    return out
