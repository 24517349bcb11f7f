"""Claim frequency and severity for JKM and JKK, by cell.

JKM (death not caused by work), per cell of ``n`` workers:
  ``q_all = min(loading x q_x, 1)`` from the mortality table by age and sex;
  work-accident deaths belong to JKK, so ``q_JKM = max(q_all - q_acc x share_death, 0)``;
  over the exposure ``e`` (years): ``p = 1 - (1 - q)^e``.
  Deaths fall uniformly over the membership months ``[m0, m0 + 12e]``: the share in the
  first 3 months pays the funeral benefit only, the share after 36 months adds the scholarship.
JKK (work accident):
  ``q_acc = min(base x multiplier x relativity[occupation], 1)`` a year, at most one accident
  per worker a year; the claim is medical only, temporary incapacity (STMB), partial or total
  permanent disability, or death, by the claim-type mix; each claim adds a capped lognormal
  medical cost (mean by claim type, normalised to the overall mean) and transport.
Each worker is an independent Bernoulli trial per program (``n`` trials in a cell); the two
programs are taken as independent (a worker who dies once cannot claim both, a joint
probability of order 1e-7 that the model ignores).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from ..inputs.portfolio import OCCUPATIONS
from ..law import benefits
from ..law.benefits import CLAIM_TYPES
from .mortality import annual_q, period_probability
from .severity import Component, Medical, Severity


@dataclass
class RiskGroup:
    """Cells that share one claim severity: counts ``n``, claim probabilities ``p`` for the period."""

    program: str
    count: np.ndarray
    prob: np.ndarray
    severity: Severity
    cells: np.ndarray

    def expected_count(self) -> float:
        return float(np.dot(self.count, self.prob))

    def expected_amount(self) -> float:
        return self.expected_count() * self.severity.mean()

    def variance(self) -> float:
        """``sum n [p E[X^2] - p^2 E[X]^2]`` (independent Bernoulli claims per worker)."""
        m1, m2 = self.severity.mean(), self.severity.second_moment()
        return float(np.dot(self.count, self.prob * m2 - self.prob ** 2 * m1 * m1))


@dataclass
class ClaimModel:
    """All risk groups of the portfolio and which programs pay claims."""

    groups: list[RiskGroup]
    enabled: dict[str, bool]

    def of(self, program: str, enabled_only: bool = True) -> list[RiskGroup]:
        if enabled_only and not self.enabled.get(program):
            return []
        return [g for g in self.groups if g.program == program]

    def expected_count(self, program: str) -> float:
        """Expected events among the enrolled, whether or not the program pays for them."""
        return sum(g.expected_count() for g in self.of(program, enabled_only=False))

    def expected_amount(self, program: str) -> float:
        return sum(g.expected_amount() for g in self.of(program))

    def variance(self, program: str) -> float:
        return sum(g.variance() for g in self.of(program))


@dataclass(frozen=True)
class Assumptions:
    """The parameter values the claim model needs (in force at the scenario start)."""

    table: str
    loading: float
    freq_base: float
    freq_mult: float
    occ_rel: tuple
    type_mix: tuple
    temp_months: tuple
    partial_share: tuple
    med_mean: float
    med_sigma: float
    med_cap: float
    med_rel: tuple
    transport_cost: float
    children: tuple
    per_child: float
    # policy
    jkm_lump: float
    jkm_periodic: float
    jkm_funeral: float
    waiting_months: float
    scholarship_min_months: float
    max_children: int
    jkk_death_mult: float
    jkk_total_mult: float
    jkk_partial_mult: float
    jkk_funeral: float
    jkk_periodic: float
    stmb_full_months: float
    stmb_after: float
    transport_cap: float

    @classmethod
    def from_scenario(cls, scen) -> "Assumptions":
        a = lambda k: scen.param("assumptions." + k)  # noqa: E731
        p = lambda k: scen.param("policy." + k)  # noqa: E731
        items = lambda d: tuple((float(k), float(v)) for k, v in d.items())  # noqa: E731
        return cls(
            a("mortality.table"), a("mortality.loading"), a("accidents.frequency_base"),
            a("accidents.frequency_multiplier"),
            tuple(float(a("accidents.occupation_relativity")[o]) for o in OCCUPATIONS),
            tuple(float(a("accidents.claim_type_mix")[t]) for t in CLAIM_TYPES),
            items(a("accidents.temporary_months")), items(a("accidents.partial_disability_share")),
            a("accidents.medical_mean"), a("accidents.medical_sigma"), a("accidents.medical_cap"),
            tuple(float(a("accidents.medical_relativity")[t]) for t in CLAIM_TYPES),
            a("accidents.transport_cost"), items(a("scholarship.children_eligible")),
            a("scholarship.commitment_per_child"),
            p("jkm.death_lump_sum"), p("jkm.periodic"), p("jkm.funeral"), p("jkm.waiting_months"),
            p("jkm.scholarship_min_months"), p("scholarship.max_children"),
            p("jkk.death_wage_multiple"), p("jkk.total_disability_wage_multiple"),
            p("jkk.partial_disability_wage_multiple"), p("jkk.funeral"), p("jkk.periodic"),
            p("jkk.stmb_full_months"), p("jkk.stmb_after_fraction"), p("jkk.transport_cap_land"))


def _scholarship_atoms(a: Assumptions, base: float) -> tuple[tuple, tuple]:
    """``base`` plus the scholarship for 0, 1, 2... eligible children (atoms, probabilities)."""
    vals = tuple(float(base + benefits.scholarship_commitment(k, a.per_child, a.max_children)) for k, _ in a.children)
    return vals, tuple(p for _, p in a.children)


@lru_cache(maxsize=256)
def jkk_severity(a: Assumptions, W: float) -> Severity:
    """Amount of one JKK claim at declared income *W*: cash by claim type + medical + transport."""
    mix = dict(zip(CLAIM_TYPES, a.type_mix))
    rel = dict(zip(CLAIM_TYPES, a.med_rel))
    norm = sum(mix[t] * rel[t] for t in CLAIM_TYPES) or 1.0
    trans = float(benefits.transport(a.transport_cost, a.transport_cap))
    cash = {
        "medical_only": ((0.0,), (1.0,)),
        "temporary": (tuple(float(benefits.stmb(W, m, a.stmb_full_months, a.stmb_after)) for m, _ in a.temp_months),
                      tuple(p for _, p in a.temp_months)),
        "partial": (tuple(float(benefits.jkk_partial_disability(W, s, a.jkk_partial_mult)) for s, _ in a.partial_share),
                    tuple(p for _, p in a.partial_share)),
        "total": _scholarship_atoms(a, float(benefits.jkk_total_disability(W, a.jkk_total_mult, a.jkk_periodic))),
        "death": _scholarship_atoms(a, float(benefits.jkk_death(W, a.jkk_death_mult, a.jkm_lump, a.jkk_funeral,
                                                                  a.jkk_periodic))),
    }
    comps = []
    for t in CLAIM_TYPES:
        if mix[t] <= 0:
            continue
        med = _medical(a.med_mean * rel[t] / norm, a.med_sigma, a.med_cap)
        vals, probs = cash[t]
        comps.append(Component(mix[t], tuple(v + trans for v in vals), probs, med))
    return Severity(tuple(comps))


@lru_cache(maxsize=64)
def _medical(mean: float, sigma: float, cap: float) -> Medical:
    return Medical.calibrated(mean, sigma, cap)


def jkm_shares(m0: float, exposure: float, waiting: float, min_sch: float) -> tuple[float, float, float]:
    """Shares of deaths paying funeral only, full cash, and full cash + scholarship.

    Deaths are uniform over membership ``[m0, m0 + 12 exposure]`` months; membership under
    *waiting* pays the funeral only, at least *min_sch* adds the scholarship (PP 82/2019).
    """
    T = 12.0 * exposure
    if T <= 0:
        m = m0
        return (1.0, 0.0, 0.0) if m < waiting else ((0.0, 1.0, 0.0) if m < min_sch else (0.0, 0.0, 1.0))
    def overlap(lo, hi):
        return max(0.0, min(hi, m0 + T) - max(lo, m0)) / T
    wait = overlap(-np.inf, waiting)
    sch = overlap(max(min_sch, waiting), np.inf)
    return wait, max(0.0, 1.0 - wait - sch), sch


@lru_cache(maxsize=1024)
def jkm_severity(a: Assumptions, m0: float, exposure: float) -> Severity:
    """Amount of one JKM death claim for cells with membership *m0* months at the start of cover."""
    wait, full, sch = jkm_shares(m0, exposure, a.waiting_months, a.scholarship_min_months)
    cash = float(benefits.jkm_death_cash(a.jkm_lump, a.jkm_periodic, a.jkm_funeral))
    comps = []
    if wait > 0:
        comps.append(Component(wait, (float(a.jkm_funeral),), (1.0,)))
    if full > 0:
        comps.append(Component(full, (cash,), (1.0,)))
    if sch > 0:
        vals, probs = _scholarship_atoms(a, cash)
        comps.append(Component(sch, vals, probs))
    return Severity(tuple(comps))


def probabilities(a: Assumptions, portfolio) -> tuple[np.ndarray, np.ndarray]:
    """Per-cell probabilities for the period: (JKM death not from work, JKK work accident)."""
    rel = np.asarray(a.occ_rel)[portfolio.occupation]
    q_acc = np.minimum(a.freq_base * a.freq_mult * rel, 1.0)
    share_death = a.type_mix[CLAIM_TYPES.index("death")]
    q_all = annual_q(portfolio.age, portfolio.male, a.table, a.loading)
    q_jkm = np.maximum(q_all - q_acc * share_death, 0.0)
    return period_probability(q_jkm, portfolio.exposure), period_probability(q_acc, portfolio.exposure)


def build(scen, portfolio, assumptions: Assumptions | None = None) -> ClaimModel:
    """The claim model of *portfolio* under scenario *scen* (programs, assumptions, law)."""
    a = assumptions or Assumptions.from_scenario(scen)
    p_jkm, p_acc = probabilities(a, portfolio)
    groups: list[RiskGroup] = []
    for W in np.unique(portfolio.income):
        sel = np.flatnonzero(portfolio.income == W)
        groups.append(RiskGroup("jkk", portfolio.count[sel], p_acc[sel], jkk_severity(a, float(W)), sel))
    keys = np.round(portfolio.membership, 3) * 1e6 + np.round(portfolio.exposure, 6)
    for key in np.unique(keys):
        sel = np.flatnonzero(keys == key)
        i = sel[0]
        sev = jkm_severity(a, float(np.round(portfolio.membership[i], 3)), float(np.round(portfolio.exposure[i], 6)))
        groups.append(RiskGroup("jkm", portfolio.count[sel], p_jkm[sel], sev, sel))
    enabled = {k: bool(scen["programs." + k]) for k in ("jkk", "jkm", "jht")}
    return ClaimModel(groups, enabled)
