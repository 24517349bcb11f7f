"""From a validated scenario to the figures: portfolio, contributions, budget, claims.

:func:`run` is what ``python -m sim run`` prints; the notebooks and reports call it
too.  Its result is a plain dict of numbers (JSON-ready), see the README.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

from .. import __version__
from ..common.months import funded_months
from ..inputs.build import build_portfolio
from ..inputs.portfolio import Portfolio
from ..law import contributions
from ..law.contributions import money, programs_of
from ..risk import claims, montecarlo

# imported where used (sim.risk.aggregate, sim.risk.uncertainty, .areas, .jht, .projection): the
# figures need them after the Monte Carlo has started, so their import runs beside it, not on the
# path to its start that nothing overlaps


def __getattr__(name: str):
    if name == "aggregate":          # model.aggregate, as before the import was made lazy
        from ..risk import aggregate
        return aggregate
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@dataclass
class Computed:
    """Everything :func:`run` computed, for callers that want more than the summary dict.

    The Monte Carlo cross-check may still be running in worker processes when :func:`compute`
    returns (:func:`sim.risk.montecarlo.start`); reading :attr:`simulation` waits for it, and
    :meth:`close` (or ``with compute(...) as c:``) stops it when it is not wanted after all (an
    error, a caller that needs only the exact figures).  Left alone, it is stopped when this object
    is garbage collected or the program exits."""

    portfolio: Portfolio
    model: claims.ClaimModel
    contributions: dict
    budget: dict
    exact: dict
    monte_carlo: montecarlo.Pending | None = field(default=None, repr=False)
    monte_carlo_skipped: str | None = None
    #: *model* is ``claims.build(scen, portfolio)`` of the scenario given to :func:`summarize` (as
    #: :func:`compute` builds it): the parameter-uncertainty mixture does not build it again
    plain_model: bool = field(default=False, repr=False)

    @property
    def simulation(self) -> montecarlo.Simulation | None:
        """The simulated years (None when no Monte Carlo ran), waiting for the workers if needed."""
        return self.monte_carlo.result() if self.monte_carlo is not None else None

    def close(self) -> None:
        """Stop the Monte Carlo workers if they still run (reading :attr:`simulation` after this
        finishes the draws in this process: the same figures)."""
        if self.monte_carlo is not None:
            self.monte_carlo.cancel()

    def __enter__(self) -> "Computed":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def monte_carlo_plan(scen, model, years: int, explicit: bool) -> tuple[int, str | None]:
    """Years of Monte Carlo to run on *model*, and why none when the run would draw more than
    :data:`~sim.common.limits.MAX_MC_CLAIMS` claims (a national portfolio with the baseline's
    100.000 years).  The exact distribution never depends on it, so the cross-check is skipped
    with a note; when the years were asked for explicitly (*explicit*: ``--set``) it is bad input
    instead (:class:`InputError`, exit 2), naming the bound and the largest years accepted."""
    from ..common import limits
    from ..common.errors import InputError, Problem
    if not 0 <= years <= limits.MAX_MC_YEARS:
        raise InputError([Problem("monte_carlo_years", "", f"expected a whole number of years from 0 to "
                                  f"{limits.grouped(limits.MAX_MC_YEARS)}, got {years}")])
    per_year = montecarlo.claims_per_year(model)
    if years == 0 or years * per_year <= limits.MAX_MC_CLAIMS:
        return int(years), None
    most = int(limits.MAX_MC_CLAIMS // max(per_year, 1e-9))
    g = limits.grouped
    why = (f"{g(years)} tahun x {g(per_year)} klaim setahun melebihi batas {g(limits.MAX_MC_CLAIMS)} klaim; "
           f"paling banyak {g(most)} tahun untuk portofolio ini / {g(years)} years x {g(per_year)} claims a year "
           f"is above the bound of {g(limits.MAX_MC_CLAIMS)} claims drawn; at most {g(most)} years for this portfolio")
    if explicit:
        raise InputError([Problem("--set", "simulation.monte_carlo_years", why)])
    return 0, ("Monte Carlo dilewati (distribusi eksak tidak terpengaruh) / Monte Carlo cross-check skipped "
               f"(the exact distribution is unaffected): {why}")


def compute(scen, portfolio: Portfolio | None = None, mc_years: int | None = None) -> Computed:
    """Compute the year's figures for *scen* (optionally on a given portfolio); dated changes of
    income and allocation that take effect by the start date apply."""
    scen = scen.at(scen.start)
    pf = portfolio if portfolio is not None else build_portfolio(scen)
    contrib, budget = money(scen, pf)
    model = claims.build(scen, pf)
    years = scen["simulation.monte_carlo_years"] if mc_years is None else mc_years
    explicit = mc_years is None and scen.origin.get("simulation.monte_carlo_years") == "--set"
    years, skipped = monte_carlo_plan(scen, model, int(years), explicit)   # before any heavy work
    h = float(scen["simulation.lattice_unit"])
    # the Monte Carlo starts first: where processes are allowed it runs beside the exact figures
    # (here and in summarize) and summarize collects it last
    mc = montecarlo.start(model, years, int(scen["simulation.seed"])) if years else None
    try:
        from ..risk import aggregate
        dists = aggregate.exact(model, h)
    except BaseException:         # an error or Ctrl-C: no worker left behind
        if mc is not None:
            mc.cancel()
        raise
    return Computed(pf, model, contrib, budget, dists, mc, skipped, plain_model=True)


def _areas():
    from . import areas
    return areas


def _ratio(a: float, b: float) -> float | None:
    return a / b if b > 0 else None


def summarize(scen, c: Computed, checks: bool = True, fund_after_one_year: float | None = None,
              uncertainty_nodes: int | None = None) -> dict:
    """The JSON-ready summary of one scenario (keys documented in the README).  *fund_after_one_year*:
    the JHT fund at the end of the first year when the caller has projected it already;
    *uncertainty_nodes*: at most that many quadrature points a parameter (0: no parameter uncertainty)."""
    from ..risk import aggregate
    scen = scen.at(scen.start)
    contrib = c.contributions
    risk_contrib = contrib["jkk"] + contrib["jkm"]
    exp = {p: c.model.expected_amount(p) for p in ("jkk", "jkm")}
    exp["total"] = exp["jkk"] + exp["jkm"]
    h = float(scen["simulation.lattice_unit"])
    total = aggregate.risk_summary(c.exact["total"], risk_contrib)
    out = {
        "scenario": scen.name,
        "title": scen["scenario.title"],
        "start": scen.start,
        "funded_until": scen.values.get("budget.funded_until"),
        "programs": programs_of(scen),
        "workers": c.portfolio.workers,
        "villages": c.portfolio.villages if c.portfolio.village_names else scen["portfolio.villages"],
        "village_list": c.portfolio.village_list if c.portfolio.village_names else None,
        "workers_by_kecamatan": c.portfolio.by_kecamatan(),
        "by_area": _areas().by_area(scen, c),
        "portfolio_source": c.portfolio.source,
        "declared_income_monthly": float(scen["income.declared_monthly"]),
        "contributions": contrib,
        "budget": c.budget,
        "expected_deaths": c.model.expected_count("jkm"),
        "expected_accidents": c.model.expected_count("jkk"),
        "expected_work_accident_deaths": c.model.expected_count("jkk")
        * scen.param("assumptions.accidents.claim_type_mix")["death"],
        "expected_claims": exp,
        "loss_ratio": {"jkk": _ratio(exp["jkk"], contrib["jkk"]), "jkm": _ratio(exp["jkm"], contrib["jkm"]),
                       "total": _ratio(exp["total"], risk_contrib)},
        "claims_sd": {p: c.exact[p].sd() for p in ("jkk", "jkm", "total")},
        "claims_quantiles": total["quantiles"],
        "var_99_5": total["var_99_5"],
        "tvar_99_5": total["tvar_99_5"],
        "prob_claims_exceed_contributions": total["prob_exceed_contributions"],
        "by_program": {p: aggregate.risk_summary(c.exact[p], contrib[p]) for p in ("jkk", "jkm")},
        "lattice_unit": aggregate.lattice_unit(c.model, h),
        "seed": int(scen["simulation.seed"]),
        "version": __version__,
    }
    out["scholarship_basis"] = "commitment"   # scholarships counted at their present value when the claim arises
    if uncertainty_nodes != 0:
        out["with_parameter_uncertainty"] = parameter_uncertainty(scen, c, uncertainty_nodes)
    if checks:
        out["checks"] = {
            "grid_doubling_max_cdf_change": aggregate.grid_check(c.model, h, c.exact["total"]),
            "quantile_bounds": {f"{q:g}": list(v) for q, v in aggregate.bounds(c.model, h).items()},
        }
    if out["programs"]["jht"]:
        out["jht"] = jht_summary(scen, c, fund_after_one_year=fund_after_one_year)
    if c.simulation is not None:
        out["monte_carlo"] = montecarlo.summary(c.simulation.total, risk_contrib, inplace=True)
    if c.monte_carlo_skipped:
        out["monte_carlo_skipped"] = c.monte_carlo_skipped
    return out


def parameter_uncertainty(scen, c: Computed, max_nodes: int | None = None) -> dict:
    """The year's figures with doubt about the assumptions (:mod:`sim.risk.uncertainty`): the same
    keys as the process-only figures (``claims_quantiles``, ``var_99_5``, ``tvar_99_5``,
    ``prob_claims_exceed_contributions``, ``claims_sd``) plus ``mean``, ``by_program``, ``parameters``;
    *max_nodes* caps the quadrature points per parameter."""
    from ..risk import uncertainty
    spec = uncertainty.specs(scen, c.portfolio.source == "synthetic")
    if max_nodes:   # a coarser quadrature where speed matters more (the explorer)
        spec = {k: replace(v, nodes=min(v.nodes, max_nodes)) for k, v in spec.items()}
    dists = uncertainty.mixture(scen, c.portfolio, c.model, spec=spec, plain=c.plain_model)
    return uncertainty.summary(dists, c.contributions, spec)


JHT_YEARS = (1, 5, 10, 20)


def jht_summary(scen, c: Computed, years=JHT_YEARS, fund_after_one_year: float | None = None) -> dict:
    """JHT per worker and for the cohort: contribution, balances after some years, fund after one year."""
    from . import jht
    from .projection import jht_projection, project
    sched = contributions.Schedule.from_scenario(scen)
    W = float(scen["income.declared_monthly"])
    monthly = float(contributions.monthly(W, sched, {"jht": True})["jht"])
    r = scen.param("assumptions.jht.annual_return")
    # contributions stop after budget.funded_until; the balance then earns the credited return only
    funded = funded_months(scen.start, scen.values.get("budget.funded_until"))
    funded = 12 * max(years) if funded is None else funded
    if fund_after_one_year is None:
        rows, coh = project(scen, 1, portfolio=c.portfolio, distributions=False)
        fund_after_one_year = float(jht_projection(scen, rows, coh, 0, int(scen["simulation.seed"]))["by_year"]["fund"][0])
    return {
        "monthly_per_worker": monthly,
        "regency_share": float(scen["budget.jht_regency_share"]),
        "annual_return": r,
        "balance_per_worker": {str(y): float(jht.balance(min(12 * y, funded), monthly, r)
                                             * (1 + r) ** (max(12 * y - funded, 0) / 12)) for y in years},
        "fund_after_one_year": float(fund_after_one_year),
    }


def run(scen, checks: bool = True) -> dict:
    """Compute and summarize *scen* (what ``python -m sim run --json`` prints)."""
    with compute(scen) as c:      # an error in summarize stops the Monte Carlo workers too
        return summarize(scen, c, checks)
