"""Scholarships (beasiswa) as cash flows: what one eligible child draws, year by year.

Permenaker 5/2021 pays each eligible child (at most 2 per claim, PP 82/2019) yearly while the
child is in school, by level: TK Rp 1.5 M (2 years), SD Rp 1.5 M (6), SMP Rp 2 M (3), SMA Rp 3 M
(3), university or training Rp 12 M (5); Rp 87 M per child at most; it ends when the child
reaches 23 (``params/policy/scholarship.yaml``).  Assumptions (``params/assumptions/scholarship.yaml``):

* the child's age ``a`` at the claim has weights ``w_a`` (normalised);
* the levels follow each other from ``school_start_age`` for their maximum years (TK 4-5, SD
  6-11, SMP 12-14, SMA 15-17, university 18-22), so the level at age ``x`` is fixed;
* ``s_l``: the share of eligible children at level ``l`` who are in school and draw it;
* payments at the claim and on each anniversary: ``k`` years after the claim a child aged
  ``a`` then is ``a + k``, and draws ``s_l(a+k) x amount_l(a+k)`` if ``start <= a + k < max_age``.

Expected payment per eligible child ``k`` years after the claim (rupiah, nominal: the schedule
is not indexed)::

    c_k = sum_a w_a s(a + k) amount(a + k)

and the commitment valued at the claim (present value at the yearly discount rate ``i``)::

    PV = sum_k c_k / (1 + i)^k,      undiscounted total = sum_k c_k <= 87 M.

A child aged ``a <= start`` draws the whole schedule: ``sum_l s_l amount_l years_l``.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..law.benefits import SCHOOL_LEVELS as LEVELS


@dataclass(frozen=True)
class ChildFlows:
    """Expected scholarship of one eligible child: ``cash[k]`` paid ``k`` years after the claim."""

    cash: tuple[float, ...]
    rate: float

    @property
    def undiscounted(self) -> float:
        return float(sum(self.cash))

    @property
    def present_value(self) -> float:
        v = 1.0 / (1.0 + self.rate)
        return float(sum(c * v ** k for k, c in enumerate(self.cash)))


def level_amounts(per_year: dict, max_years: dict, start_age: float, max_age: float) -> np.ndarray:
    """Yearly amount by whole age 0..max_age-1 (rupiah), by the level that age falls in (0 outside school).

    Levels follow each other from *start_age* for their maximum years (Permenaker 5/2021); no
    payment at or after *max_age* (23).
    """
    top = int(np.ceil(max_age))
    out = np.zeros(top)
    age = float(start_age)
    for lev in LEVELS:
        for _ in range(int(max_years[lev])):
            a = int(round(age))
            if 0 <= a < top:
                out[a] = float(per_year[lev])
            age += 1
    return out


def level_shares(shares: dict, max_years: dict, start_age: float, max_age: float) -> np.ndarray:
    """Share drawing by whole age (the share of the level each age falls in): the same placement of
    levels by age as :func:`level_amounts`, with each level's share instead of its amount."""
    return level_amounts(shares, max_years, start_age, max_age)


def child_flows(per_year: dict, max_years: dict, start_age: float, max_age: float, age_weights: dict,
                shares: dict, rate: float) -> ChildFlows:
    """Expected payments ``c_k`` of one eligible child (see the module docstring)."""
    amount = level_amounts(per_year, max_years, start_age, max_age)
    share = level_shares(shares, max_years, start_age, max_age)
    paid = amount * share                        # expected payment at each whole age
    top = paid.size
    ages = np.array([int(float(k)) for k in age_weights], dtype=int)
    w = np.array([float(v) for v in age_weights.values()], dtype=float)
    w = w / w.sum()
    cash = np.zeros(top)
    for a, wa in zip(ages, w):
        if a >= top:
            continue
        k = np.arange(top - a)
        cash[k] += wa * paid[a + k]
    return ChildFlows(tuple(float(c) for c in cash), float(rate))


def from_scenario(scen, date: str | None = None) -> ChildFlows:
    """The child flows under the parameters of *scen* in force on *date* (default: its start)."""
    p = lambda k: scen.param(k, date)  # noqa: E731
    return child_flows(p("policy.scholarship.per_year"), p("policy.scholarship.max_years"),
                       p("assumptions.scholarship.school_start_age"), p("policy.scholarship.max_age"),
                       p("assumptions.scholarship.child_age_at_claim"), p("assumptions.scholarship.share_drawing"),
                       p("assumptions.scholarship.discount_rate"))


def per_child_value(scen, date: str | None = None) -> float:
    """Scholarship counted per eligible child at the claim (rupiah): the present value of the child
    flows (valuation ``cash_flows``) or ``commitment_per_child`` (valuation ``fixed_commitment``)."""
    if scen.param("assumptions.scholarship.valuation", date) == "fixed_commitment":
        return float(scen.param("assumptions.scholarship.commitment_per_child", date))
    return from_scenario(scen, date).present_value


def cash_pattern(scen, date: str | None = None) -> np.ndarray:
    """Payments by year after the claim per rupiah of commitment (sums to the ratio undiscounted / PV;
    with ``fixed_commitment`` the whole amount is paid at once: ``[1]``)."""
    if scen.param("assumptions.scholarship.valuation", date) == "fixed_commitment":
        return np.ones(1)
    f = from_scenario(scen, date)
    pv = f.present_value
    return np.asarray(f.cash) / pv if pv > 0 else np.zeros(len(f.cash))


def cash_by_year(commitments, patterns) -> np.ndarray:
    """Scholarship paid in each year ``t``: ``sum_{s <= t} commitment_s x pattern_s[t - s]``.

    *commitments*: present value committed by the claims of each year (rupiah); *patterns*: the
    payments per rupiah of commitment by year after the claim (:func:`cash_pattern`) for each
    year's claims.  Claims are taken to arise at the start of their year (payments ``k`` years
    later fall in year ``s + k``).
    """
    T = len(commitments)
    out = np.zeros(T)
    for s, (c, pat) in enumerate(zip(commitments, patterns)):
        k = np.arange(min(len(pat), T - s))
        out[s + k] += c * np.asarray(pat)[k]
    return out
