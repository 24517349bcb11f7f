"""Projection of the cover over 1 to 40 budget years.

Year ``t`` (t = 0 is the scenario's first year) starts ``12 t`` calendar months after
``scenario.start`` (a 29 February start: 28 February in common years) and uses
the parameters, declared income and allocation in force that day (dated values), with medical
costs inflated by ``(1 + medical_inflation)^t`` (the mean; the modelling cap stays put).  The cohort is followed cell by cell in
expected numbers: each year members age by one; deaths (JKM and JKK), total-disability exits
and lapses leave; members reaching the exit age leave; new members join in the expected
composition of the synthetic roster.  Membership months grow, so the JKM scholarship becomes
payable for deaths after 36 months (visible in ``scholarship`` by year).
With ``budget.funded_until`` cover stops after the last funded month (``funded_months`` by
year): no contributions, no budget need, no claims and no new members after it; members stay
(and die, lapse or retire) with their JHT balances, which earn the credited return only.

Each year's claims distribution is exact (:mod:`sim.risk.aggregate`) given that year's expected
in-force cells, computed on those cells merged where they share claims and decrements
(:mod:`sim.analyses.cells`), so a year costs the same whatever the number of entry years; the
years' distributions are computed after the cohort, on both cores where that pays
(:mod:`sim.risk.exact_many`, the same figures bit for bit).

Lattice step by year (:func:`sim.risk.exact_many.lattice_steps`): inflated medical costs widen a
year's window (mean - 8 sd to mean + 10 sd + the largest claim, :func:`sim.risk.aggregate.grid_size`),
Belu's from 48.000 points in year 1 to 144.000 in year 40, and every lattice and transform with it,
so a projection on one step costs more than linearly in years.  Year ``t`` uses the step
``h_t = m_t h`` (``h`` = ``simulation.lattice_unit``), ``m_t = ceil(n_t / B)``, with ``n_t`` its grid
at ``h`` and ``B = max(1,5 n_1, 2^15)`` set by the first year's grid ``n_1``: no year's grid exceeds
about 1,5 times the first year's, so no year costs much more than the first and the projection's
cost grows linearly in years (the transforms, and the four medical lattices of ``cap / h_t`` points
each).  Years with ``n_t <= B`` keep ``h`` and their figures bit for bit (all of a 10-year Belu
projection, its first 12 years of 40).  A coarsened year (``n_t > B``) keeps its step relative to
its window within 4/3 of the first year's (``m_t / n_t < 1/B + 1/n_t < 2/B <= (4/3) / n_1``; for
Belu its step relative to its standard deviation stays within 10% of year 1's), so its relative
discretization error stays near year 1's as amounts inflate; the means are kept (mean-preserving
rounding), and the quantiles and P(claims > contributions) move within the discretization bounds
computed at ``h`` (rounding every amount down and up, :func:`sim.risk.aggregate.bounds`; tested in
``tests/test_speed_projection.py``).
Monte Carlo over paths draws each year's total independently from its exact distribution (the
randomness of the composition itself, a handful of deaths among thousands, is left out) and the
JHT credited return year by year (:mod:`sim.analyses.jht`).
"""
from __future__ import annotations

from dataclasses import dataclass, replace
import numpy as np

from ..common.months import add_months, funded_in_period
from ..inputs.build import build_portfolio
from ..inputs.portfolio import Portfolio, concat, expected_cells
from ..law import contributions
from ..law.contributions import money, programs_of
from ..risk import aggregate, claims, exact_many
from . import scholarship_cash
from .cells import membership_classes, merge, value_codes

PERCENTILES = (5, 25, 50, 75, 95)


def year_start(start: str, t: int) -> str:
    """The first day of projected year *t*: ``12 t`` calendar months after *start*
    (:func:`sim.common.months.add_months`, so a 29 February start gives 28 February in a common
    year, the day cover month ``12 t`` begins; never 1 March, which would shift funded months)."""
    return add_months(start, 12 * int(t)).isoformat()


@dataclass
class YearResult:
    """One projected year: its scenario, in-force cells, claim model and exact distribution."""

    t: int
    date: str
    scen: object
    portfolio: Portfolio
    model: claims.ClaimModel
    contributions: dict
    budget: dict
    exact: dict                # {"total": the year's exact distribution} (empty without distributions)
    scholarship: float
    funded_months: int = 12


def _year_scenario(scen, t: int, at=None):
    """*scen* seen on the start of year *t* (*at*: ``scen.at`` of that day when known), with the
    medical mean inflated by ``(1 + medical_inflation)^t``."""
    s = at if at is not None else scen.at(year_start(scen.start, t))
    infl = (1.0 + scen.param("assumptions.projection.medical_inflation")) ** t
    # the modelling cap stays put: it bounds the lattice, not the benefit (JKK medical care has no cap)
    return s.updated(params={"assumptions.accidents.medical_mean": s.param("assumptions.accidents.medical_mean") * infl})


def _stay(a: claims.Assumptions, pf: Portfolio, lapse: float, exit_age: float, probs=None) -> np.ndarray:
    """Share of each cell's members still in force next year: neither dead (JKM or JKK death), totally
    disabled nor lapsed, and below the exit age at the end of the year."""
    p_jkm, p_acc = probs if probs is not None else claims.probabilities(a, pf)
    mix = dict(zip(claims.CLAIM_TYPES, a.type_mix))
    stay = (1.0 - p_jkm - p_acc * (mix["death"] + mix["total"])) * (1.0 - lapse)
    return np.where(pf.age + 1 >= exit_age, 0.0, stay)


def _decrement(a: claims.Assumptions, pf: Portfolio, lapse: float, exit_age: float,
               probs=None) -> tuple[np.ndarray, np.ndarray]:
    """(members still in force next year, members leaving during or at the end of the year) per cell."""
    nxt = pf.count * _stay(a, pf, lapse, exit_age, probs)
    return nxt, pf.count - nxt


@dataclass
class Cohort:
    """Every cell that is ever in force, in fixed positions across the years (C cells x T years)."""

    entry: np.ndarray          # year the cell's members join (0 for the first cohort)
    age0: np.ndarray           # age at entry
    member0: np.ndarray        # membership months at entry
    n_start: np.ndarray        # members in force at the start of each year (C x T)
    n_end: np.ndarray          # members still in force at the end of each year (C x T)
    exits: np.ndarray          # members leaving during or at the end of each year (C x T)

    def age(self, t: int) -> np.ndarray:
        return self.age0 + (t - self.entry)


def _check_medical_inflation(scen, T: int, ats=None) -> None:
    """Refuse a projection whose inflated medical mean reaches the modelling cap in some year
    (*ats*: the scenario seen on each year's start, when known)."""
    from ..common.errors import InputError, Problem
    from ..inputs.scenario_checks import medical_mean_problem
    infl = 1.0 + scen.param("assumptions.projection.medical_inflation")
    for t in range(T):
        s = ats[t] if ats is not None else scen.at(year_start(scen.start, t))
        err = medical_mean_problem(*(s.param(f"assumptions.accidents.{n}") for n in
                                     ("medical_mean", "claim_type_mix", "medical_relativity", "medical_cap")),
                                   factor=infl ** t)
        if err:
            raise InputError([Problem(scen.origin.get("assumptions.projection.medical_inflation", scen.name),
                                      "assumptions.projection.medical_inflation",
                                      f"tahun ke-{t + 1} / year {t + 1} ({s.start}): {err}; "
                                      "project fewer years or assume less medical inflation")])


def project(scen, years: int | None = None, portfolio: Portfolio | None = None,
            distributions: bool = True, merged: bool = True) -> tuple[list[YearResult], Cohort]:
    """Project *scen* over *years* years (default ``projection.years``); see the module docstring.
    *merged*: each year's claims on its cells merged where they share claims and decrements
    (:mod:`sim.analyses.cells`); False keeps one cell per cell and entry year (a cross-check)."""
    T = int(years or scen["projection.years"])
    ats = [scen.at(year_start(scen.start, t)) for t in range(T)]    # the scenario seen on each year's start
    _check_medical_inflation(scen, T, ats)     # before any work: every year's medical mean below the cap
    pf0 = portfolio if portfolio is not None else build_portfolio(scen)
    n0 = float(pf0.workers)
    blocks = [(0, pf0)]
    until = scen.values.get("budget.funded_until")
    funded = [funded_in_period(scen.start, until, year_start(scen.start, t)) for t in range(T)]
    for t in range(1, T):
        st = ats[t]
        new = st.param("assumptions.projection.new_entrant_rate") * n0
        if new > 0 and funded[t] > 0:
            blocks.append((t, expected_cells(new, float(st["income.declared_monthly"]),
                                             st.param("assumptions.portfolio.male_share"),
                                             st.param("assumptions.portfolio.age_bands"),
                                             st.param("assumptions.portfolio.occupation_mix"))))
    cells = concat([b for _, b in blocks])
    entry = np.concatenate([np.full(b.count.size, e) for e, b in blocks])
    C = entry.size
    # C x T in column order: each year writes one contiguous column
    coh = Cohort(entry, cells.age.astype(int) - 0, cells.membership.astype(float),
                 np.zeros((C, T), order="F"), np.zeros((C, T), order="F"), np.zeros((C, T), order="F"))
    count = cells.count.astype(float)
    ends = np.searchsorted(entry, np.arange(T), side="right")    # blocks in entry order: cells < ends[t] have joined
    n = np.zeros(C)
    h = float(scen["simulation.lattice_unit"])
    # what of a cell's claims does not change with the years: one (age at entry - entry year, sex,
    # occupation) is one age every year, one (membership at entry, entry year) one membership
    static = [value_codes(coh.age0 - entry), (cells.male.astype(np.int64), 2), value_codes(cells.occupation)]
    S = int(np.prod([k for _, k in static]))
    static = np.ravel_multi_index(tuple(c for c, _ in static), tuple(k for _, k in static))
    m_code, m_n = value_codes(coh.member0)
    pair = m_code * T + entry
    used = np.zeros(m_n * T, dtype=np.int64)
    used[pair] = 1
    first = np.flatnonzero(used)                       # the (membership, entry) pairs present, in order
    np.cumsum(used, out=used)
    pair = used[pair] - 1
    pairs = np.column_stack([np.unique(coh.member0)[first // T], first % T])
    rows = []
    for t in range(T):
        lo = int(ends[t - 1]) if t > 0 else 0
        n[lo:ends[t]] = count[lo:ends[t]]
        st = _year_scenario(scen, t, ats[t])
        act = np.flatnonzero(n[:ends[t]] > 1e-12)
        since = t - entry[act]
        income = float(st["income.declared_monthly"])
        inc = cells.income[act] if (t == 0 and not scen["income.changes"]) else np.full(act.size, income)
        n_act = n[act]
        cells_t = Portfolio(n_act, coh.age0[act] + since, cells.male[act], cells.occupation[act], inc,
                            np.full(act.size, funded[t] / 12.0), coh.member0[act] + 12.0 * since, source=cells.source)
        a = claims.Assumptions.from_scenario(st)
        if merged:     # cells.merge_cells, with what does not change computed once
            cls = membership_classes(pairs[:, 0] + 12.0 * (t - pairs[:, 1]), np.full(len(pairs), funded[t] / 12.0),
                                     a.waiting_months, a.scholarship_min_months)
            klass = (cls[pair[act]], int(cls.max(initial=0)) + 1)
            pf, inv = merge(cells_t, [(static[act], S), value_codes(inc), klass])
        else:
            pf, inv = cells_t, np.arange(act.size)
        probs = claims.probabilities(a, pf)
        model = claims.build(st, pf, a, probs)
        contrib, budget = money(st, pf, 12)
        sch = claims.scholarship_cost(a, model)
        # members die, lapse and retire whether or not they are covered (the claims' probabilities
        # serve when the whole year is covered); merged cells share their members' decrements
        whole = funded[t] / 12.0 == 1.0
        stay = _stay(a, pf if whole else replace(pf, exposure=np.ones(pf.count.size)),
                     st.param("assumptions.projection.lapse_rate"), st.param("assumptions.projection.exit_age"),
                     probs if whole else None)
        nxt = n_act * stay[inv]
        coh.n_start[:, t][act] = n_act
        coh.n_end[:, t][act] = nxt
        coh.exits[:, t][act] = n_act - nxt
        n[act] = nxt
        rows.append(YearResult(t, st.start, st, pf, model, contrib, budget, {}, sch, funded[t]))
    if distributions:      # the years' exact distributions, over both cores where that pays (exact_many)
        models = [r.model for r in rows]
        for r, d in zip(rows, exact_many.totals(models, exact_many.lattice_steps(models, h))):
            r.exact = {"total": d}
    return rows, coh


def with_scenario(rows: list[YearResult], scen) -> list[YearResult]:
    """The projected years of *rows* under *scen* where it changes only money: each year's scenario,
    contributions and budget are taken again from *scen* (programs, rates, JHT return, allocation);
    the cohort, claim models and distributions are kept.  For callers (the explorer) that change
    nothing the cohort or its claims depend on: declared income, head count, mortality and
    accident assumptions must be those *rows* were projected with."""
    out = []
    for r in rows:
        st = _year_scenario(scen, r.t)
        contrib, budget = money(st, r.portfolio, 12)
        out.append(replace(r, scen=st, contributions=contrib, budget=budget))
    return out


def sample_totals(rows: list[YearResult], paths: int, seed: int) -> np.ndarray:
    """Yearly totals of JKK + JKM claims on *paths* paths (paths x years), each year drawn
    independently from its exact distribution by inversion: the smallest lattice point whose
    cumulative probability exceeds ``u x total`` for a uniform ``u`` of the path."""
    rng = np.random.default_rng([int(seed), 3])
    out = np.empty((paths, len(rows)))
    for j, r in enumerate(rows):
        d = r.exact["total"]
        cdf = np.cumsum(d.pmf)
        u = rng.random(paths)
        # searched in increasing order (a binary search from the last point found, not over the whole
        # grid for each path): the same points, a third of the time for 10^5 paths
        order = _increasing(u)
        k = np.empty(paths, dtype=np.int64)
        k[order] = np.searchsorted(cdf, u[order] * cdf[-1], side="right")
        np.minimum(k, cdf.size - 1, out=k)
        out[:, j] = (d.offset + k) * d.h
    return out


def _increasing(u: np.ndarray) -> np.ndarray:
    """Indices that put *u* (numbers in [0, 1)) in increasing order up to ties within ``2^-(64 - b)``
    (b bits for the index): a sort of 64-bit keys ``(u to 64 - b bits, index)``, far cheaper than an
    argsort.  Nearly sorted is enough for :func:`sample_totals`, whose search is exact in any order."""
    b = max(int(u.size - 1).bit_length(), 1)
    key = (u * float(2 ** (64 - b))).astype(np.uint64)
    key <<= np.uint64(b)
    key |= np.arange(u.size, dtype=np.uint64)
    key.sort()
    key &= np.uint64(2 ** b - 1)
    return key.astype(np.int64)


def summary_rows(rows: list[YearResult], sims: np.ndarray | None = None, jht: dict | None = None,
                 overwrite: bool = False) -> list[dict]:
    """Per-year figures (JSON-ready): contributions, budget, claims, distribution, cumulative risk, JHT.
    *overwrite*: *sims* may be turned into its cumulative sums in place (saves a paths x years copy)."""
    out = []
    cum_c = np.cumsum([r.contributions["jkk"] + r.contributions["jkm"] for r in rows])
    cum_s = np.cumsum(sims, axis=1, out=sims if overwrite else None) if sims is not None else None
    sch_cash = scholarship_cash.rows(rows)
    for j, r in enumerate(rows):
        risk_c = r.contributions["jkk"] + r.contributions["jkm"]
        exp = {p: r.model.expected_amount(p) for p in ("jkk", "jkm")}
        exp["total"] = exp["jkk"] + exp["jkm"]
        row = {
            "year": j + 1, "start": r.date, "workers": float(r.portfolio.count.sum()), "funded_months": r.funded_months,
            "declared_income_monthly": float(r.portfolio.income[0]) if r.portfolio.count.size else 0.0,
            "contributions": r.contributions,
            "budget": {k: r.budget[k] for k in ("allocation", "required", "difference")},
            "expected_deaths": r.model.expected_count("jkm"), "expected_accidents": r.model.expected_count("jkk"),
            "expected_claims": exp, "scholarship": r.scholarship,
            "loss_ratio": exp["total"] / risk_c if risk_c > 0 else None,
        }
        row.update(sch_cash[j])
        if r.exact:
            d = r.exact["total"]
            qv, pe = d.figures([q / 100 for q in aggregate.QUANTILES], risk_c)
            row.update(claims_quantiles={f"{q:g}": qv[q / 100] for q in aggregate.QUANTILES},
                       prob_claims_exceed_contributions=pe, lattice_unit=d.h)    # the year's step (exact_many)
        if cum_s is not None:
            row["cumulative_contributions"] = float(cum_c[j])
            row["cumulative_claims_percentiles"] = {str(p): float(v) for p, v in
                                                    zip(PERCENTILES, _percentiles(cum_s[:, j]))}
            row["prob_cumulative_claims_exceed_contributions"] = float(np.mean(cum_s[:, j] > cum_c[j]))
        if jht:
            row["jht"] = {k: (v[j] if not isinstance(v, dict) else {q: float(x[j]) for q, x in v.items()})
                          for k, v in jht.items()}
        out.append(row)
    return out


def first_scholarship_year(rows: list[YearResult]) -> int | None:
    """The first projected year (1-based) with a scholarship cost, or None."""
    for j, r in enumerate(rows):
        if r.scholarship > 0:
            return j + 1
    return None


RETIREMENT_AGES_SHOWN = (20, 30, 40, 50)


def _percentiles(x: np.ndarray) -> np.ndarray:
    """:data:`PERCENTILES` of the numbers *x* (``np.percentile``, linear interpolation), taken from a
    sorted copy: the same values, and for 10^5 paths half the time of selecting in a strided column."""
    return np.percentile(np.sort(x), PERCENTILES)


def _column_percentiles(x: np.ndarray) -> dict[str, np.ndarray]:
    """:data:`PERCENTILES` of each column of *x* (paths x years), a column at a time (no copy of x)."""
    cols = np.array([_percentiles(x[:, j]) for j in range(x.shape[1])]).reshape(-1, len(PERCENTILES))
    return {str(p): cols[:, i] for i, p in enumerate(PERCENTILES)}


def jht_projection(scen, rows: list[YearResult], cohort: Cohort, paths: int, seed: int) -> dict:
    """JHT by year (deterministic and percentiles over return paths) and balances at retirement."""
    from . import jht
    T = len(rows)
    monthly = np.array([float(contributions.monthly(r.scen["income.declared_monthly"],
                                                    contributions.Schedule.from_scenario(r.scen), {"jht": True})["jht"])
                        for r in rows])
    mean = np.array([r.scen.param("assumptions.jht.annual_return") for r in rows])
    vol = scen.param("assumptions.jht.return_volatility")
    ret_age = scen.param("policy.jht.retirement_age")
    det_r = mean[None, :]
    # a year funded for f < 12 months: f contributions, then the rest of the year's return, as a
    # level monthly amount over the year (exact on the year's mean return); none after funding stops
    f = np.array([r.funded_months for r in rows])
    monthly = np.where(f > 0, monthly, 0.0)
    level = monthly * np.array([1.0 if k == 12 else float(jht.balance(k, 1.0, m)) * (1 + m) ** ((12 - k) / 12)
                                / float(jht.annuity_factor(m)) for k, m in zip(f, mean)])
    K = jht.cohort_matrices(cohort, level, ret_age)
    det = jht.fund_paths(cohort, level, det_r, ret_age, K)
    # paths 0: the deterministic path only; the paths are drawn block by block in the one pass that
    # gives the fund and the balances at retirement
    sto_r = jht.ReturnPaths(mean, vol, T, paths, seed)
    left = {age: int(max(np.ceil(ret_age - age), 0)) for age in RETIREMENT_AGES_SHOWN}
    sto_fund, sto_bal = jht.fund_and_balances(K[0], sto_r, level, left)
    members = cohort.n_end.sum(axis=0)
    by_year = {
        "monthly_per_worker": monthly,
        "members": members,
        "fund": det["fund"][0],
        "paid_out": det["paid_out"][0],
        "mean_balance": np.divide(det["fund"][0], members, out=np.zeros(T), where=members > 0),
        "fund_percentiles": _column_percentiles(sto_fund),
    }
    at_ret = {}
    for age in RETIREMENT_AGES_SHOWN:
        d = float(jht.balance_at_retirement(age, level, det_r, ret_age)[0])
        at_ret[str(age)] = {"years": left[age], "deterministic": d,
                            "percentiles": {str(p): float(v) for p, v in zip(PERCENTILES, _percentiles(sto_bal[age]))}}
    return {"by_year": by_year, "at_retirement": at_ret, "fund_paths": sto_fund}


def run_projection(scen, years: int | None = None, paths: int | None = None) -> dict:
    """The projection's JSON-ready result (``python -m sim project --json``)."""
    from .. import __version__
    years = int(years or scen["projection.years"])
    paths = int(scen["projection.paths"] if paths is None else paths)
    seed = int(scen["simulation.seed"])
    rows, coh = project(scen, years)
    jht = jht_projection(scen, rows, coh, max(paths, 1), seed) if scen["programs.jht"] else None
    if jht:   # the paths are not reported: free them before the claim paths are drawn (bounded memory)
        jht = {"by_year": jht["by_year"], "at_retirement": jht["at_retirement"]}
    sims = sample_totals(rows, max(paths, 1), seed)
    table = summary_rows(rows, sims, jht["by_year"] if jht else None, overwrite=True)
    del sims
    out = {
        "scenario": scen.name, "start": scen.start, "years": years, "paths": paths, "seed": seed,
        "version": __version__, "programs": programs_of(scen),
        "first_scholarship_year": first_scholarship_year(rows),
        "first_jkm_scholarship_year": next((j + 1 for j, r in enumerate(rows)
                                            if any(c.weight > 0 and len(c.atoms) > 1 for g in r.model.of("jkm", False)
                                                   if g.expected_count() > 0 for c in g.severity.components)), None),
        "rows": table,
    }
    if jht:
        out["jht_at_retirement"] = jht["at_retirement"]
    return out
