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
from . import scholarship
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
    basis: tuple = ()          # what the severity was built from: ("jkk", income) or ("jkm", shares...)

    def expected_count(self) -> float:
        """``sum n p`` (computed once: counts and probabilities of a group are not changed)."""
        ec = self.__dict__.get("_expected_count")
        if ec is None:
            ec = self.__dict__["_expected_count"] = _dot(self.count, self.prob)
        return ec

    def expected_amount(self) -> float:
        return self.expected_count() * self.severity.mean()

    def variance(self) -> float:
        """``sum n [p E[X^2] - p^2 E[X]^2]`` (independent Bernoulli claims per worker; computed once)."""
        v = self.__dict__.get("_variance")
        if v is None:
            m1, m2 = self.severity.mean(), self.severity.second_moment()
            v = self.__dict__["_variance"] = _dot(self.count, self.prob * m2 - self.prob ** 2 * m1 * m1)
        return v


def _dot(a, b) -> float:
    """``sum a b`` of two vectors without a BLAS call (no thread start-up on a busy machine)."""
    return float(np.einsum("i,i->", np.asarray(a, dtype=float), np.asarray(b, dtype=float)))


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
            scholarship.per_child_value(scen),
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


def jkm_severity(a: Assumptions, m0: float, exposure: float) -> Severity:
    """Amount of one JKM death claim for cells with membership *m0* months at the start of cover."""
    return jkm_severity_of_shares(a, *jkm_shares(m0, exposure, a.waiting_months, a.scholarship_min_months))


@lru_cache(maxsize=1024)
def jkm_severity_of_shares(a: Assumptions, wait: float, full: float, sch: float) -> Severity:
    """Amount of one JKM death claim when shares *wait*, *full*, *sch* of deaths pay the funeral only,
    the full cash, and the full cash with the scholarship (:func:`jkm_shares`)."""
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


def jkm_shares_of_cells(m0: np.ndarray, exposure: np.ndarray, waiting: float, min_sch: float) -> np.ndarray:
    """:func:`jkm_shares` of every cell at once (cells x 3: funeral only, full cash, with scholarship)."""
    m0 = np.asarray(m0, dtype=float)
    T = 12.0 * np.asarray(exposure, dtype=float)
    pos = T > 0
    Ts = np.where(pos, T, 1.0)
    wait = np.maximum(0.0, np.minimum(waiting, m0 + T) - m0) / Ts
    sch = np.maximum(0.0, m0 + T - np.maximum(max(min_sch, waiting), m0)) / Ts
    full = np.maximum(0.0, 1.0 - wait - sch)
    # no cover time: the membership at the start decides alone
    wait = np.where(pos, wait, (m0 < waiting).astype(float))
    sch = np.where(pos, sch, ((m0 >= waiting) & (m0 >= min_sch)).astype(float))
    full = np.where(pos, full, 1.0 - wait - sch)
    sh = np.column_stack([wait, full, sch])
    # a share within 1e-12 of 0 is rounding (e.g. 1.1e-16 of deaths in the full-cash window): 0
    tiny = (sh < 1e-12) & (sh != 0.0)
    if tiny.any():
        sh[tiny] = 0.0
        sh /= sh.sum(axis=1, keepdims=True)
    return sh


def _group_indices(keys: np.ndarray) -> list[np.ndarray]:
    """Indices of equal entries of *keys* (one number per cell), groups in the order of their keys."""
    keys = np.asarray(keys)
    if keys.shape[0] == 0:
        return []
    order = np.argsort(keys, kind="stable")
    k = keys[order]
    cut = np.flatnonzero(k[1:] != k[:-1]) + 1
    return np.split(order, cut)


def probabilities(a: Assumptions, portfolio) -> tuple[np.ndarray, np.ndarray]:
    """Per-cell probabilities for the period: (JKM death not from work, JKK work accident)."""
    rel = np.asarray(a.occ_rel)[portfolio.occupation]
    q_acc = np.minimum(a.freq_base * a.freq_mult * rel, 1.0)
    share_death = a.type_mix[CLAIM_TYPES.index("death")]
    q_all = annual_q(portfolio.age, portfolio.male, a.table, a.loading)
    q_jkm = np.maximum(q_all - q_acc * share_death, 0.0)
    return period_probability(q_jkm, portfolio.exposure), period_probability(q_acc, portfolio.exposure)


def jkm_groups(a: Assumptions, portfolio, p_jkm: np.ndarray) -> list[tuple[Severity, np.ndarray, tuple]]:
    """JKM risk groups: cells whose deaths pay the same (severity, cell indices, shares).

    A JKM claim's amount depends on a cell only through the shares of its deaths that fall in the
    waiting period or after the scholarship's minimum membership (:func:`jkm_shares`).  Cells with
    equal shares form one group (whatever their membership and exposure: all members past 36
    months, for example); cells whose cover straddles 3 or 36 months of membership are bucketed by
    whole months of membership and of cover, and a bucket takes the shares averaged over its
    expected deaths ``n p``, which keeps the expected amount exactly (it is linear in the shares).
    The cost then follows the number of distinct severities, not of enrolment dates or years.
    """
    sh = jkm_shares_of_cells(portfolio.membership, portfolio.exposure, a.waiting_months, a.scholarship_min_months)
    # one number per cell: 0, 1, 2 for all deaths paying the funeral only / the full cash / with the
    # scholarship; 3 + whole months of membership for the cells in between
    pure = sh == 1.0
    keys = np.where(pure.any(axis=1), np.argmax(pure, axis=1), 3.0 + np.floor(np.asarray(portfolio.membership, float)))
    out = []
    w = np.asarray(portfolio.count, dtype=float) * p_jkm
    for sel in _group_indices(keys):
        s = sh[sel]
        if np.all(s == s[0]):
            shares = s[0]
        else:
            ws = w[sel] if w[sel].sum() > 0 else np.ones(sel.size)
            wait, sch = (_dot(ws, s[:, j]) / float(ws.sum()) for j in (0, 2))
            shares = (wait, max(0.0, 1.0 - wait - sch), sch)
        shares = tuple(float(x) for x in shares)
        out.append((jkm_severity_of_shares(a, *shares), sel, shares))
    return out


def build(scen, portfolio, assumptions: Assumptions | None = None, probs=None) -> ClaimModel:
    """The claim model of *portfolio* under scenario *scen* (programs, assumptions, law).

    Risk groups are the cells that share a claim severity: JKK by declared income, JKM by the
    shares of :func:`jkm_groups`; groups with equal severities are merged.  *probs*: the cells'
    :func:`probabilities` when already known."""
    a = assumptions or Assumptions.from_scenario(scen)
    p_jkm, p_acc = probs if probs is not None else probabilities(a, portfolio)
    take_up = float(scen.values.get("claims.take_up", 1.0))   # share of events claimed (issue 11)
    if take_up != 1.0:
        p_jkm, p_acc = p_jkm * take_up, p_acc * take_up
    groups: list[RiskGroup] = []
    by_sev: dict = {}
    for sel in _group_indices(np.asarray(portfolio.income, dtype=float)):
        W = float(portfolio.income[sel[0]])
        by_sev.setdefault(("jkk", jkk_severity(a, W)), ([], ("jkk", W)))[0].append(sel)
    for sev, sel, shares in jkm_groups(a, portfolio, p_jkm):
        by_sev.setdefault(("jkm", sev), ([], ("jkm",) + shares))[0].append(sel)
    for (prog, sev), (parts, basis) in by_sev.items():
        sel = np.sort(np.concatenate(parts)) if len(parts) > 1 else parts[0]
        p = p_acc if prog == "jkk" else p_jkm
        groups.append(RiskGroup(prog, portfolio.count[sel], p[sel], sev, sel, basis))
    enabled = {k: bool(scen["programs." + k]) for k in ("jkk", "jkm", "jht")}
    return ClaimModel(groups, enabled)


def scholarship_cost(a: Assumptions, model: ClaimModel) -> float:
    """Expected scholarship part of the year's JKK and JKM claims (rupiah): for each group, its
    expected claims times the share of them that carries the scholarship (JKK total disability and
    death; JKM deaths after the minimum membership) times the mean commitment
    ``sum_k P(k children) min(k, max) x per_child`` (what the claims lose when ``per_child`` is 0)."""
    commit = sum(p * float(benefits.scholarship_commitment(k, a.per_child, a.max_children)) for k, p in a.children)
    mix = dict(zip(CLAIM_TYPES, a.type_mix))
    jkk_share = sum(mix[t] for t in ("total", "death") if mix[t] > 0)
    total = 0.0
    for g in model.of("jkk") + model.of("jkm"):
        if g.basis[:1] == ("jkk",):
            total += g.expected_count() * jkk_share * commit
        elif g.basis[:1] == ("jkm",):
            total += g.expected_count() * g.basis[3] * commit
        else:
            raise ValueError("scholarship_cost needs groups made by build()")
    return total
