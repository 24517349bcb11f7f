"""The scenario's portfolio: its roster file when it names one, otherwise the synthetic roster.

Shared by the one-year model, the projection, sensitivity and validation, so that none of them
needs another to build its portfolio.
"""
from __future__ import annotations

from ..common.errors import InputError, Problem
from ..common.months import cover_end, funded_months
from .portfolio import Portfolio, synthetic
from .roster import read_roster


def build_portfolio(scen) -> Portfolio:
    """The scenario's portfolio: its roster file, or the synthetic roster from the seed.

    Exposure is the year from ``scenario.start``, cut at the end of the last funded month when
    ``budget.funded_until`` falls within it (no cover, so no claims, after it)."""
    income = float(scen["income.declared_monthly"])
    funded = funded_months(scen.start, scen.values.get("budget.funded_until"))
    until = cover_end(scen.start, funded) if funded is not None and funded < 12 else None
    roster = scen.roster_path()
    if roster is not None:
        pf = read_roster(roster, scen.start, income, scen.param("policy.contributions.income_floor"),
                         float(scen["portfolio.prior_membership_months"]), display=str(scen["portfolio.roster"]),
                         sheet=None if scen["portfolio.roster_sheet"] is None else str(scen["portfolio.roster_sheet"]),
                         cover_until=until)
        want = scen["portfolio.workers"]
        if want is not None and want != pf.workers:
            raise InputError([Problem(scen.origin.get("portfolio.workers", scen.name), "portfolio.workers",
                                      f"{want} workers, but the roster has {pf.workers}; set portfolio.workers: null")])
        return pf
    villages = scen["portfolio.villages"]
    return synthetic(int(scen["portfolio.workers"]), None if villages is None else int(villages),
                     int(scen["simulation.seed"]), income, scen.param("assumptions.portfolio.male_share"),
                     scen.param("assumptions.portfolio.age_bands"),
                     scen.param("assumptions.portfolio.occupation_mix"),
                     float(scen["portfolio.prior_membership_months"]),
                     1.0 if funded is None else min(funded, 12) / 12.0,
                     village_list=scen["portfolio.village_list"])
