"""Scholarships of a projection on two bases: committed when the claim arises, and paid as cash.

For projected year ``t`` (:mod:`sim.analyses.projection`):

* ``scholarship_commitment``: the present value, at the claim, of the scholarships that year's
  claims commit (the expected JKK + JKM cost with scholarships minus without them); this is the
  basis of ``expected_claims``, the exact distributions and ``loss_ratio``;
* ``scholarship_cash``: the payments falling in year ``t`` from the claims of that year and the
  earlier projected years, ``sum_{s <= t} commitment_s x pattern_s[t - s]`` with the pattern of
  payments per rupiah of commitment of :func:`sim.risk.scholarship.cash_pattern` (children's
  ages, school levels, shares drawing and discount rate in force in year ``s``);
* ``loss_ratio_cash``: ``(expected claims - commitment + cash) / JKK + JKM contributions``.

Payments after the last projected year are left out of ``scholarship_cash`` (they are in the
commitments).
"""
from __future__ import annotations

from ..risk import scholarship


def rows(years) -> list[dict]:
    """The three scholarship keys for each projected year (a list of dicts, one per year)."""
    commit = [float(r.scholarship) for r in years]
    pats = [scholarship.cash_pattern(r.scen) for r in years]
    cash = scholarship.cash_by_year(commit, pats)
    out = []
    for r, c, k in zip(years, commit, cash):
        risk_c = r.contributions["jkk"] + r.contributions["jkm"]
        total = sum(r.model.expected_amount(p) for p in ("jkk", "jkm"))
        out.append({"scholarship_commitment": c, "scholarship_cash": float(k),
                    "loss_ratio_cash": (total - c + float(k)) / risk_c if risk_c > 0 else None})
    return out
