"""The budget planner: what an allocation buys, with and without JHT, and the need by APBD year.

``python -m sim plan`` and the report's "what the money buys" section call :func:`plan_budget`.
All amounts are rupiah; what the regency pays (JHT at ``budget.jht_regency_share``).

Month by month (:mod:`sim.common.months`): cover month ``k`` begins ``k`` months after
``scenario.start``; its contribution per worker is the BPU schedule in force on that day
(``policy.contributions``, dated) at the declared income in force that day (``income.changes``;
before the first change, the roster's own incomes), averaged over the enrolled workers:

    c_b(k) = (1/N_pf) sum over workers [JKK(W) + JKM (+ share x JHT(W))]      (PP 44/2015; PP 46/2015)

A budget pays for the list, so the planner counts the enrolled workers ``N`` (``--workers`` or the
scenario's), never expected survivors.  For each bundle ``b`` (JKK + JKM, JKK + JKM + JHT) and the
plan's ``M`` months (``budget.months`` or ``--months``, cut at ``budget.funded_until``):

* ``monthly_per_worker`` = ``c_b(0)``;
* ``required`` = ``N sum_{k<M} c_b(k)``; ``difference`` = allocation - required (negative: short);
* ``max_workers`` = ``floor(allocation / sum_{k<M} c_b(k))``: the most workers paid in full for
  the M months (Belu 2023: Rp 1.175.126.400 / (12 x Rp 16.800) = 5.829 exactly; with JHT 2.661);
* ``months_covered``: the months the allocation pays for all ``N`` workers, spending
  ``N c_b(k)`` month after month (fraction of the last month; at most the funded months).

By APBD fiscal year (a calendar year; the first is the year of ``scenario.start``, a cover month
belongs to the year it begins in): ``months`` funded, ``workers``, ``required`` by bundle, and the
``allocation`` spread over its months (the plan's allocation / M a month until the first
``budget.allocation_changes`` date, then the yearly amount in force / 12), with the difference.

``budget.funded_until``: no cover, no contributions and no need after the last whole funded month.
:func:`funding_stops` says what stopping after a year (or at ``funded_until``) means.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from .. import __version__
from ..common import limits
from ..common.errors import InputError, Problem
from ..common.months import add_months, cover_end, funded_months
from ..inputs.build import build_portfolio
from ..inputs.scenario import dated_value
from ..law import contributions
from ..risk import claims
from . import jht

BUNDLES = {"jkk+jkm": ("jkk", "jkm"), "jkk+jkm+jht": ("jkk", "jkm", "jht")}
#: bounds of what a user may ask (checked before any work): (lowest, highest)
LIMITS = {"allocation": (0.0, float(limits.MAX_RUPIAH)), "workers": (1, limits.MAX_WORKERS),   # sim.common.limits
          "months": (1, limits.MAX_BUDGET_MONTHS), "years": (1, limits.MAX_PROJECTION_YEARS)}
HORIZON = limits.MAX_BUDGET_MONTHS         # months walked one by one; beyond, the last month's cost continues
JHT_COMPARE_MONTHS = 120  # the JHT balance ten years after the start, with and without funding


@dataclass
class MonthlyCosts:
    """Per-worker costs of cover months 0..n-1 from the start, ignoring any end of funding."""

    dates: list                   # first day of each cover month (datetime.date)
    cost: dict[str, np.ndarray]   # bundle -> regency's cost per worker (rupiah)
    jht: np.ndarray               # the full JHT contribution per worker (both shares, rupiah)
    jht_return: np.ndarray        # JHT credited annual return in force (fraction)
    allocation: np.ndarray        # allocation a month (rupiah)


def monthly_costs(scen, pf, n: int, allocation: float, months: int) -> MonthlyCosts:
    """Costs of *n* cover months of *scen* for the workers of *pf* (module docstring)."""
    share = float(scen["budget.jht_regency_share"])
    changes_income = scen["income.changes"] or {}
    changes_alloc = scen["budget.allocation_changes"] or {}
    workers = float(pf.count.sum())
    dates, out = [], {b: np.empty(n) for b in BUNDLES}
    jht_c, ret, alloc = np.empty(n), np.empty(n), np.empty(n)
    cache: dict = {}
    for k in range(n):
        d = add_months(scen.start, k)
        iso = d.isoformat()
        dates.append(d)
        s = scen.at(iso)
        sched = contributions.Schedule.from_scenario(s)
        new_income = dated_value(None, changes_income, iso)
        key = (sched, new_income)
        if key not in cache:
            W = pf.income if new_income is None else np.full(pf.count.size, float(new_income))
            m = contributions.monthly(W, sched, {"jkk": True, "jkm": True, "jht": True})
            avg = {p: float(np.dot(pf.count, m[p])) / workers for p in m}
            cache[key] = avg
        avg = cache[key]
        out["jkk+jkm"][k] = avg["jkk"] + avg["jkm"]
        out["jkk+jkm+jht"][k] = avg["jkk"] + avg["jkm"] + share * avg["jht"]
        jht_c[k] = avg["jht"]
        ret[k] = s.param("assumptions.jht.annual_return")
        later = dated_value(None, changes_alloc, iso)
        alloc[k] = allocation / months if later is None else float(later) / 12.0
    return MonthlyCosts(dates, out, jht_c, ret, alloc)


def months_covered(money: float, monthly_total: np.ndarray, limit: int | None) -> float | None:
    """Months of cover *money* pays when month k costs ``monthly_total[k]`` (rupiah), in order:
    whole months while the money lasts, then the fraction of the next; at most *limit* months
    (the funded months); past the array the last month's cost continues.  None when cover costs nothing."""
    cost = monthly_total if limit is None else monthly_total[:limit]
    if cost.size == 0 or not np.any(cost > 0):
        return None
    cum = np.cumsum(cost)
    k = int(np.searchsorted(cum, money * (1 + 1e-12), side="right"))
    if k == cost.size:
        if limit is not None:
            return float(limit)
        return float(k + (money - cum[-1]) / cost[-1])
    paid = cum[k - 1] if k else 0.0
    return float(k + (money - paid) / cost[k])


def _whole(x: float) -> int:
    """``floor`` that forgives float rounding a hair below a whole number."""
    return int(math.floor(x + 1e-9))


def check_request(allocation=None, workers=None, months=None, years=None) -> None:
    """Raise InputError naming each value outside :data:`LIMITS` (all of them in one pass)."""
    problems = []
    for name, v in (("allocation", allocation), ("workers", workers), ("months", months), ("years", years)):
        if v is None:
            continue
        lo, hi = LIMITS[name]
        whole = name != "allocation"
        if not (isinstance(v, (int, float)) and math.isfinite(v) and lo <= v <= hi and (not whole or v == int(v))):
            what = f"{'a whole number' if whole else 'an amount in rupiah'} from {lo:,.0f} to {hi:,.0f}".replace(",", ".")
            problems.append(Problem("plan", name, f"expected {what}, got {v}"))
    if problems:
        raise InputError(problems)


def default_years(start, months: int) -> int:
    """Fiscal years spanned by *months* cover months from *start* (2 for 12 months from 1 June)."""
    d = add_months(start, 0)
    return min(max((d.month - 1 + months - 1) // 12 + 1, 1), LIMITS["years"][1])


def plan_budget(scen, allocation: float | None = None, workers: int | None = None, months: int | None = None,
                years: int | None = None, portfolio=None) -> dict:
    """The planner's answer for *scen* (JSON-ready; the shape is in the README and the module docstring).

    *allocation* (rupiah), *workers*, *months*, *years* default to the scenario's ``budget.allocation``
    in force at the start, its enrolled workers, ``budget.months`` and the fiscal years the months span.
    """
    check_request(allocation, workers, months, years)
    s0 = scen.at(scen.start)
    pf = portfolio if portfolio is not None else build_portfolio(s0)
    N = int(workers) if workers is not None else pf.workers
    A = float(s0["budget.allocation"] if allocation is None else allocation)
    M_asked = int(months or scen["budget.months"])
    until = scen.values.get("budget.funded_until")
    F = funded_months(scen.start, until)
    M = M_asked if F is None else min(M_asked, F)
    Y = int(years or default_years(scen.start, M))
    first = add_months(scen.start, 0)
    fy_months = 12 * Y - (first.month - 1)
    n = max(M, fy_months, HORIZON, (F or 0) + 12, JHT_COMPARE_MONTHS)
    mc = monthly_costs(scen, pf, n, A, M_asked)
    funded = np.arange(n) < (n if F is None else F)
    bundles = []
    for key, progs in BUNDLES.items():
        c = mc.cost[key]
        per_worker = float(c[:M].sum())
        required = N * per_worker
        bundles.append({
            "key": key, "programs": list(progs),
            "monthly_per_worker": float(c[0]),
            "required": required,
            "difference": A - required,
            "max_workers": _whole(A / per_worker) if per_worker > 0 else None,
            "months_covered": months_covered(A, N * c, F),
        })
    year_of = np.array([d.year for d in mc.dates])
    fiscal = []
    for y in range(first.year, first.year + Y):
        sel = (year_of == y) & funded
        k = int(sel.sum())
        req = {key: N * float(mc.cost[key][sel].sum()) for key in BUNDLES}
        alloc = float(mc.allocation[sel].sum())
        fiscal.append({"year": y, "months": k, "workers": N if k else 0, "required": req,
                       "allocation": alloc, "difference": {key: alloc - v for key, v in req.items()}})
    return {
        "scenario": scen.name, "title": scen["scenario.title"], "start": scen.start,
        "funded_until": until, "funded_months": F,
        "allocation": A, "months": M, "months_asked": M_asked, "workers": N,
        "portfolio_workers": pf.workers, "jht_regency_share": float(scen["budget.jht_regency_share"]),
        "bundles": bundles, "fiscal_years": fiscal,
        "if_funding_stops": funding_stops(scen, s0, pf, mc, N, F),
        "version": __version__,
    }


def _jht_path(contrib: np.ndarray, annual_return: np.ndarray) -> np.ndarray:
    """Balance after each month: ``B_{k+1} = B_k (1 + i_k) + c_k`` (contribution at the month's end,
    ``i_k`` the monthly rate equivalent to the annual return in force; :mod:`sim.analyses.jht`)."""
    B, out = 0.0, np.empty(contrib.size)
    for k, (c, r) in enumerate(zip(contrib, annual_return)):
        B = B * (1.0 + jht.monthly_rate(float(r))) + c
        out[k] = B
    return out


def funding_stops(scen, s0, pf, mc: MonthlyCosts, workers: int, funded: int | None) -> dict:
    """What stopping the funding means: after ``budget.funded_until`` when it is set, otherwise
    after the first 12 months (``hypothetical``).

    Cover ends (JKK and JKM: no claims for later accidents or deaths); the JKM scholarship needs
    ``policy.jkm.scholarship_min_months`` months of contributions (PP 82/2019), so it is never
    payable when fewer were paid; JHT balances get no more contributions and earn only the credited
    return (compared ten years after the start with continued contributions); what the next 12
    months would have cost; the expected deaths, work accidents and claims of the year after the stop
    among the enrolled, no longer insured (the first year's rates, at the membership reached at the
    stop, scaled to *workers*)."""
    F = 12 if funded is None else funded
    min_sch = float(s0.param("policy.jkm.scholarship_min_months"))
    prior = float(np.max(pf.membership)) if pf.membership.size else 0.0   # months already paid
    nxt = slice(F, F + 12)
    H = max(JHT_COMPARE_MONTHS, F)
    stopped_c = np.where(np.arange(H) < F, mc.jht[:H], 0.0)
    stopped = _jht_path(stopped_c, mc.jht_return[:H])
    continued = _jht_path(mc.jht[:H], mc.jht_return[:H])
    both = s0.updated({"programs.jkk": True, "programs.jkm": True})
    full = replace(pf, exposure=np.ones(pf.count.size), membership=pf.membership + F)
    model = claims.build(both, full)
    scale = workers / full.workers if full.workers else 0.0
    return {
        "hypothetical": funded is None,
        "months": F,
        "cover_ends": cover_end(scen.start, F).isoformat(),
        "jkm_scholarship_min_months": min_sch,
        "membership_months_at_stop": prior + F,
        "jkm_scholarship_payable": prior + F > min_sch,
        "jkm_scholarship_from_if_continued": add_months(scen.start, max(int(math.ceil(min_sch - prior)), 0)).isoformat(),
        "next_12_months_not_paid": {key: workers * float(c[nxt].sum()) for key, c in mc.cost.items()},
        "uninsured_a_year": {"deaths": scale * model.expected_count("jkm"),
                             "work_accidents": scale * model.expected_count("jkk"),
                             "expected_claims": scale * (model.expected_amount("jkk") + model.expected_amount("jkm"))},
        "jht": {"monthly_per_worker": float(mc.jht[0]), "annual_return": float(mc.jht_return[0]),
                "balance_at_stop": float(stopped[F - 1]) if F else 0.0,
                "years_compared": H / 12.0,
                "balance_stopped": float(stopped[-1]), "balance_continued": float(continued[-1])},
    }

