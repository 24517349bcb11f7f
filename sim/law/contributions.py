"""BPU contribution schedule, annual contributions by program, and the budget check.

Rupiah throughout.  Rates from ``params/policy/contributions.yaml``:
JKK 1% of declared income (at least Rp 10,000, at most Rp 207,000 a month),
JKM Rp 6,800 a month flat, JHT 2% of declared income (PP 44/2015; PP 46/2015 as
amended by PP 60/2015).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..common.months import funded_months

PROGRAMS = ("jkk", "jkm", "jht")


@dataclass(frozen=True)
class Schedule:
    """The BPU contribution schedule in force (rupiah a month, or shares of declared income)."""

    jkk_rate: float
    jkk_min: float
    jkk_max: float
    jkm_monthly: float
    jht_rate: float

    @classmethod
    def from_scenario(cls, scen) -> "Schedule":
        p = scen.param
        return cls(p("policy.contributions.jkk_rate"), p("policy.contributions.jkk_min_monthly"),
                   p("policy.contributions.jkk_max_monthly"), p("policy.contributions.jkm_monthly"),
                   p("policy.contributions.jht_rate"))


def monthly(income, schedule: Schedule, programs: dict[str, bool]) -> dict[str, np.ndarray]:
    """Contribution a month per worker by program, for declared income *income* (rupiah a month).

    JKK ``clip(rate x W, min, max)``; JKM flat; JHT ``rate x W``; a program switched off pays 0.
    At W = Rp 1,000,000: JKK 10,000 + JKM 6,800 (+ JHT 20,000) = Rp 16,800 (Rp 36,800).
    """
    W = np.asarray(income, dtype=float)
    out = {
        "jkk": np.clip(schedule.jkk_rate * W, schedule.jkk_min, schedule.jkk_max),
        "jkm": np.full_like(W, schedule.jkm_monthly),
        "jht": schedule.jht_rate * W,
    }
    return {k: (v if programs.get(k) else np.zeros_like(W)) for k, v in out.items()}


def annual(portfolio, schedule: Schedule, programs: dict[str, bool]) -> dict[str, float]:
    """Contributions for the year by program: ``sum over cells of n x exposure x 12 x monthly``.

    Rupiah a year; ``total`` adds the three programs.
    """
    m = monthly(portfolio.income, schedule, programs)
    w = portfolio.count * portfolio.exposure * 12.0
    out = {k: float(np.einsum("i,i->", w, m[k])) for k in PROGRAMS}   # no BLAS call (threads) for a small sum
    out["total"] = out["jkk"] + out["jkm"] + out["jht"]
    return out


NOTHING_TO_PAY = ("tidak ada iuran yang dibayar: semua program mati / nothing to pay for: every programme "
                  "is off, so the months of cover are unbounded")


def budget_check(allocation: float, months: int, portfolio, schedule: Schedule,
                 programs: dict[str, bool], jht_share: float = 1.0) -> dict[str, float]:
    """What an allocation buys for the enrolled workers.

    * ``required``: ``sum over workers of monthly contribution x months`` (rupiah) for every enrolled
      worker, counting only the regency's share ``jht_share`` of JHT (the worker pays the rest);
    * ``difference``: ``allocation - required`` (negative for a shortfall);
    * ``funded_worker_years``: whole worker-years the allocation pays for,
      ``floor(allocation / (12 x average monthly contribution))``;
    * ``months_covered``: months of cover it buys for everyone enrolled,
      ``allocation / (workers x average monthly contribution)``; ``None`` (JSON ``null``, with
      ``months_covered_note``) when there is nothing to pay for.

    Belu 2023: 5,892 x Rp 16,800 x 12 = Rp 1,187,827,200 required against Rp 1,175,126,400,
    a shortfall of Rp 12,700,800; the allocation is exactly 5,829 worker-years (11.87 months).
    """
    m = monthly(portfolio.income, schedule, programs)
    per_worker_month = m["jkk"] + m["jkm"] + jht_share * m["jht"]
    monthly_total = float(np.einsum("i,i->", np.asarray(portfolio.count, dtype=float), per_worker_month))
    workers = portfolio.workers
    required = monthly_total * months
    avg = monthly_total / workers if workers else 0.0
    return {
        "allocation": float(allocation),
        "months": int(months),
        "jht_regency_share": float(jht_share) if programs.get("jht") else 0.0,
        "required": required,
        "difference": float(allocation) - required,
        "monthly_per_worker": avg,
        "funded_worker_years": int(np.floor(allocation / (12.0 * avg) + 1e-9)) if avg > 0 else 0,
        # nothing to pay (every programme off): months of cover are unbounded, written null
        "months_covered": float(allocation) / monthly_total if monthly_total > 0 else None,
        **({} if monthly_total > 0 else {"months_covered_note": NOTHING_TO_PAY}),
    }


def programs_of(scen) -> dict[str, bool]:
    """Which programmes the scenario switches on (``programs.jkk``, ``programs.jkm``, ``programs.jht``)."""
    return {k: bool(scen["programs." + k]) for k in PROGRAMS}


def money(scen, pf, months: int | None = None) -> tuple[dict, dict]:
    """The year's contributions by programme and the budget check of *scen* on *pf*
    (for ``months`` months, default ``budget.months``, counted from ``scenario.start`` and cut at
    ``budget.funded_until``: no contributions are due after it).  Contributions follow the
    cells' exposure, which :func:`~sim.inputs.build.build_portfolio` cuts the same way."""
    progs = programs_of(scen)
    sched = Schedule.from_scenario(scen)
    contrib = annual(pf, sched, progs)
    months = int(months or scen["budget.months"])
    funded = funded_months(scen.start, scen.values.get("budget.funded_until"))
    budget = budget_check(scen["budget.allocation"], months if funded is None else min(months, funded), pf, sched,
                          progs, float(scen["budget.jht_regency_share"]))
    return contrib, budget
