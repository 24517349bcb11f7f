"""The explorer's model: control values -> scenario -> figures, and each figure's difference from
the baseline (no widgets here; the front end is :mod:`sim.outputs.explorer_view`).

:class:`ExplorerModel` maps control values to a scenario and its figures (pure Python, tested
and benchmarked without widgets).  The baseline is the scenario file as it is (the controls'
defaults); :func:`figures` flattens a result into the figures the dashboard shows and
:meth:`ExplorerModel.differences` subtracts the baseline's.

A change recomputes only what depends on the control moved (issue 10): the claims (claim model,
exact and mixed distributions) only when :data:`CLAIMS_CONTROLS` move, the cohort projection only
when :data:`PROJECTION_CONTROLS` move (fewer years are cut from the longer projection); money,
budget and JHT figures every time.  The figures with doubt about the assumptions use a coarse
quadrature of their own (:data:`UNCERTAINTY_NODES`).

The explorer always models the scenario's *synthetic* roster (``portfolio.workers`` workers drawn
from the seed): it never reads a roster file, so no personal data can reach a dashboard, least
of all a public one (Binder).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace
from pathlib import Path

from ..analyses import jht
from ..analyses.model import Computed, summarize
from ..common.errors import InputError, Problem
from ..common.formatting import rupiah
from ..common.i18n import income_option_label
from ..inputs.portfolio import Portfolio, synthetic
from ..inputs.scenario import load_scenario
from ..law import contributions

#: control name -> dotted setting
SETTINGS = {
    "jht": "programs.jht",
    "income": "income.declared_monthly",
    "jht_share": "budget.jht_regency_share",
    "allocation": "budget.allocation",
    "months": "budget.months",
}
#: control name -> parameter name
PARAMS = {
    "jht_rate": "policy.contributions.jht_rate",
    "loading": "assumptions.mortality.loading",
    "frequency": "assumptions.accidents.frequency_multiplier",
    "jht_return": "assumptions.jht.annual_return",
}


#: the controls the year's claims depend on (claim model, exact and mixed distributions, the claims
#: chart); the others change only money and JHT figures, recomputed without touching the claims
CLAIMS_CONTROLS = ("workers", "share", "income", "loading", "frequency")
#: quadrature points a parameter (at most; the scenario's own when fewer) for the figures with doubt
#: about the assumptions, coarse so that a change stays quick: three for the factors that move the
#: total's tail most (mortality level, accident frequency, age shift), two for the medical cost, one
#: (its mean) for the scholarship take-up, whose doubt moves the Belu VaR 99.5% by under 0.01%.  With
#: :data:`UNCERTAINTY_LATTICE` it is about a sixth of the work of three points each on the scenario's
#: lattice (Belu: 8 ms against 50 ms), and as close to the full quadrature (tests: within 2.5% of its
#: VaR 99.5% or no further than three points each; both about 3.5% off at 60,000 workers)
UNCERTAINTY_NODES = {"mortality_level": 3, "accident_frequency": 3, "medical_cost": 2, "age_shift": 3,
                     "scholarship_take_up": 1}
#: the mixture's lattice unit: the exact distribution's times the largest whole factor, at most this,
#: that leaves it at least :data:`UNCERTAINTY_POINTS` lattice points, so that the mixture's cost stays
#: about the same whatever the head count (Belu: Rp 300.000 on its Rp 100.000, moving the VaR 99.5% by
#: under 0.01%, far below the quadrature's own error; a small, lumpy portfolio keeps the lattice)
UNCERTAINTY_LATTICE = 8
UNCERTAINTY_POINTS = 16_000

#: the controls the cohort projection depends on (head count, income, decrements, years); the others
#: change only each year's money and JHT figures, recomputed without projecting again
PROJECTION_CONTROLS = ("workers", "share", "income", "loading", "frequency", "years")


@dataclass
class ExplorerResult:
    summary: dict
    exact: dict
    jht_balance: float
    jht_fund: float
    jht_members: float
    values: dict


class ExplorerModel:
    """Control values -> scenario -> figures, reusing the portfolio while the head count stays."""

    def __init__(self, scenario_file: Path | str):
        self.file = Path(scenario_file)
        self.base = load_scenario(self.file)
        if self.base["portfolio.workers"] is None:
            raise InputError([Problem(self.file.name, "portfolio.workers",
                                      "dasbor hanya memakai daftar peserta sintetis: isi jumlah peserta / the dashboard "
                                      "models a synthetic roster only: give the number of workers")])
        self._pf_key = None
        self._pf: Portfolio | None = None
        self._projection = (None, None)      # (PROJECTION_CONTROLS values, (rows, cohort)) of the last projection
        self._risk = (None, None)            # (CLAIMS_CONTROLS values, (claim model, exact distributions))
        self._doubt = (None, None)           # (CLAIMS_CONTROLS values and risk contributions, figures with doubt)
        self._baseline: dict | None = None

    def defaults(self) -> dict:
        """The controls' values that reproduce the scenario file (the baseline)."""
        b = self.base
        now = b.at(b.start)                  # income and allocation in force on the start date
        return {
            "jht": bool(b["programs.jht"]),
            "jht_rate": b.param(PARAMS["jht_rate"]),
            "income": float(now["income.declared_monthly"]),
            "share": 1.0,
            "workers": int(b["portfolio.workers"]),
            "loading": b.param(PARAMS["loading"]),
            "frequency": b.param(PARAMS["frequency"]),
            "jht_return": b.param(PARAMS["jht_return"]),
            "years": 10,
            "jht_share": float(b["budget.jht_regency_share"]),
            "allocation": float(now["budget.allocation"]),
            "months": int(b["budget.months"]),
        }

    def income_options(self) -> dict[str, float]:
        """Dropdown text -> declared income a month: each option by its (Indonesian) label and amount."""
        opts = {income_option_label(k, float(v), "id"): float(v)
                for k, v in self.base.param("assumptions.income.options").items()}
        cur = self.defaults()["income"]
        if cur not in opts.values():
            opts[f"Skenario / scenario: {rupiah(cur)}"] = cur
        return opts

    def scenario_for(self, v: dict):
        covered = max(1, round(v["workers"] * v["share"]))
        values = {SETTINGS[k]: v[k] for k in SETTINGS}
        values["budget.allocation"] = float(v["allocation"])
        values["budget.months"] = int(v["months"])
        values["portfolio.workers"] = covered
        values["portfolio.roster"] = None         # the synthetic roster only, never a roster file
        values["income.changes"] = {}             # the explorer shows one declared income, the chosen one
        values["budget.allocation_changes"] = {}  # and one allocation
        return self.base.updated(values, {PARAMS[k]: v[k] for k in PARAMS})

    def portfolio_for(self, scen) -> Portfolio:
        key = (scen["portfolio.workers"], scen["simulation.seed"], scen["income.declared_monthly"])
        if key != self._pf_key:
            b = self.base
            self._pf = synthetic(int(key[0]), b["portfolio.villages"], int(key[1]), float(key[2]),
                                 b.param("assumptions.portfolio.male_share"), b.param("assumptions.portfolio.age_bands"),
                                 b.param("assumptions.portfolio.occupation_mix"),
                                 float(b["portfolio.prior_membership_months"]), village_list=b["portfolio.village_list"])
            self._pf_key = key
        return self._pf

    def compute(self, v: dict) -> ExplorerResult:
        """The figures of control values *v*: the figures of ``python -m sim run`` on the scenario of *v*
        (no Monte Carlo, no checks, :data:`UNCERTAINTY_NODES` quadrature points).  Each part is reused
        while the controls it depends on stay: the claims (:data:`CLAIMS_CONTROLS`), the figures with
        doubt about the assumptions (the same and the risk contributions), the cohort projection
        (:data:`PROJECTION_CONTROLS`); money, budget and JHT figures are computed afresh."""
        scen = self.scenario_for(v)
        pf = self.portfolio_for(scen)
        now = scen.at(scen.start)                      # as model.compute: changes in force on the start date
        contrib, budget = contributions.money(now, pf)
        model, exact = self._claims(now, pf, v)
        c = Computed(pf, model, contrib, budget, exact, None)
        fund = None
        if v["jht"]:   # the same cohort projection as the projection tab and `python -m sim project`
            from ..analyses.projection import jht_projection
            rows, coh = self._project(scen, v)
            fund = jht_projection(scen, rows, coh, 0, int(scen["simulation.seed"]))["by_year"]
        # its first year is the summary's "fund after one year" (no second, one-year projection)
        s = summarize(scen, c, checks=False, fund_after_one_year=float(fund["fund"][0]) if fund else None,
                      uncertainty_nodes=0)
        s = _with(s, "scholarship_basis", "with_parameter_uncertainty", self._uncertainty(now, c, v))
        sched = contributions.Schedule.from_scenario(scen)
        monthly = float(contributions.monthly(v["income"], sched, {"jht": True})["jht"])
        years = int(v["years"])
        bal = float(jht.balance(12 * years, monthly, v["jht_return"])) if v["jht"] else 0.0
        return ExplorerResult(s, c.exact, bal, float(fund["fund"][-1]) if fund else 0.0,
                              float(fund["members"][-1]) if fund else 0.0, dict(v))

    def _claims(self, scen, pf, v: dict):
        """The claim model and the exact distributions (``aggregate.exact``), reused while
        :data:`CLAIMS_CONTROLS` stay."""
        from ..risk import aggregate, claims
        key = tuple(v[k] for k in CLAIMS_CONTROLS)
        if self._risk[0] != key:
            model = claims.build(scen, pf)
            self._risk = (key, (model, aggregate.exact(model, float(scen["simulation.lattice_unit"]))))
        return self._risk[1]

    def _uncertainty(self, scen, c: Computed, v: dict) -> dict:
        """The figures with doubt about the assumptions (the ``with_parameter_uncertainty`` object of
        ``run --json``, :func:`sim.risk.uncertainty.mixture`) with the explorer's coarse quadrature
        (:data:`UNCERTAINTY_NODES`, :data:`UNCERTAINTY_LATTICE`), reused while :data:`CLAIMS_CONTROLS`
        and the JKK and JKM contributions stay."""
        key = tuple(v[k] for k in CLAIMS_CONTROLS) + (c.contributions["jkk"], c.contributions["jkm"])
        if self._doubt[0] != key:
            self._doubt = (key, explorer_uncertainty(scen, c))
        return self._doubt[1]

    def _project(self, scen, v: dict):
        """The cohort projection over the chosen years, reused while the controls that move the cohort
        and its claims stay (:data:`PROJECTION_CONTROLS`); fewer years than projected are the first
        years of the longer projection (year t never depends on the years after it).  Each year's
        contributions, budget and scenario follow the other controls (JHT, its rate, return and the
        regency's share)."""
        from ..analyses.projection import project, with_scenario
        key = tuple(v[k] for k in PROJECTION_CONTROLS if k != "years")
        years = int(v["years"])
        if self._projection[0] != key or len(self._projection[1][0]) < years:
            self._projection = (key, project(scen, years, portfolio=self.portfolio_for(scen), distributions=False))
            self._projected_for = dict(v)   # projected under these very values: nothing to refresh
        rows, coh = self._projection[1]
        if len(rows) > years:
            rows, coh = rows[:years], first_years(coh, years)
        if getattr(self, "_projected_for", None) == v:
            return rows, coh
        return with_scenario(rows, scen), coh

    def projection_rows(self, v: dict, paths: int = 400) -> list[dict]:
        """Year-by-year figures over the chosen years of membership (expected values; the JHT fund with
        percentile bands over *paths* return paths)."""
        from ..analyses import projection
        scen = self.scenario_for(v)
        rows, coh = self._project(scen, v)
        j = projection.jht_projection(scen, rows, coh, paths, int(scen["simulation.seed"])) if v["jht"] else None
        return projection.summary_rows(rows, None, j["by_year"] if j else None)

    # -- the baseline and the differences from it ------------------------------------------------

    def baseline(self) -> dict:
        """The figures of the scenario file as it is (computed once)."""
        if self._baseline is None:
            self._baseline = figures(self.compute(self.defaults()))
        return self._baseline

    def differences(self, r: ExplorerResult) -> dict[str, float | None]:
        """Each figure of *r* minus the baseline's (None where either is undefined)."""
        now = figures(r)
        if self._baseline is None and r.values == self.defaults():
            self._baseline = now                  # the first page shows the baseline: computed once
        base = self.baseline()
        return {k: (now[k] - base[k] if now[k] is not None and base.get(k) is not None else None) for k in now}

    # -- saving ----------------------------------------------------------------------------------

    def changes(self, v: dict) -> tuple[dict, dict]:
        """The settings and parameters of *v* that differ from the scenario file: what a saved
        scenario writes (it extends the file and never copies it)."""
        scen, base = self.scenario_for(v), self.base
        keys = list(SETTINGS.values()) + ["portfolio.workers", "portfolio.roster", "income.changes",
                                          "budget.allocation_changes"]
        values = {k: _plain(scen[k]) for k in keys if scen[k] != base[k]}
        if "budget.allocation" in values:
            values["budget.allocation"] = _whole(values["budget.allocation"])
        if "income.declared_monthly" in values:
            values["income.declared_monthly"] = _whole(values["income.declared_monthly"])
        params = {PARAMS[k]: _plain(v[k]) for k in PARAMS if v[k] != base.param(PARAMS[k])}
        return values, params

    def save(self, target: Path | str, name: str, v: dict, title: str | None = None, overwrite: bool = False) -> Path:
        """Write the current values as a scenario file extending the explorer's baseline (see
        :mod:`sim.outputs.scenario_save` for the checks: safe name, never a shipped scenario, never
        replacing a file unless *overwrite*)."""
        from .scenario_save import save_scenario
        return save_scenario(self, Path(target), name, v, title or name, overwrite=overwrite)


def first_years(coh, years: int):
    """The cohort of a projection's first *years* years (:class:`sim.analyses.projection.Cohort`):
    the cells that join by then, their figures of those years."""
    keep = coh.entry < years
    return replace(coh, entry=coh.entry[keep], age0=coh.age0[keep], member0=coh.member0[keep],
                   n_start=coh.n_start[keep, :years], n_end=coh.n_end[keep, :years], exits=coh.exits[keep, :years])


def explorer_uncertainty(scen, c: Computed) -> dict:
    """``model.parameter_uncertainty`` with the explorer's quadrature: at most
    :data:`UNCERTAINTY_NODES` points a parameter, on a lattice up to :data:`UNCERTAINTY_LATTICE` times
    coarser than the exact distribution's, keeping at least :data:`UNCERTAINTY_POINTS` points."""
    from ..risk import uncertainty
    spec = uncertainty.specs(scen, c.portfolio.source == "synthetic")
    spec = {k: replace(sp, nodes=min(sp.nodes, UNCERTAINTY_NODES[k])) for k, sp in spec.items()}
    total = c.exact["total"]
    h = total.h * max(1, min(UNCERTAINTY_LATTICE, total.pmf.size // UNCERTAINTY_POINTS))
    return uncertainty.summary(uncertainty.mixture(scen, c.portfolio, c.model, h=h, spec=spec), c.contributions, spec)


def _with(d: dict, after: str, key: str, value) -> dict:
    """*d* with *key* set to *value* right after *after* (the order ``summarize`` writes)."""
    out = {}
    for k, x in d.items():
        out[k] = x
        if k == after:
            out[key] = value
    out.setdefault(key, value)
    return out


def _plain(x):
    """numpy scalars as plain Python numbers (for YAML)."""
    return x.item() if hasattr(x, "item") else x


def _whole(x):
    return int(x) if isinstance(x, float) and x.is_integer() else x


def _finite(x) -> float | None:
    return float(x) if x is not None and math.isfinite(float(x)) else None


def figures(r: ExplorerResult) -> dict[str, float | None]:
    """The figures the dashboard shows, flat (rupiah unless stated; ratios and probabilities as
    fractions; None where a figure is undefined, e.g. a loss ratio without contributions)."""
    s = r.summary
    b, c, e, lr = s["budget"], s["contributions"], s["expected_claims"], s["loss_ratio"]
    share = b.get("jht_regency_share", 0.0)
    out = {
        "allocation": b["allocation"], "months": float(b["months"]), "required": b["required"],
        "difference": b["difference"], "worker_years": float(b["funded_worker_years"]),
        "months_covered": _finite(b["months_covered"]), "workers": float(s["workers"]),
        "expected_deaths": s["expected_deaths"], "expected_accidents": s["expected_accidents"],
        "prob_exceed": s["prob_claims_exceed_contributions"], "var": s["var_99_5"],
        "jht_balance": r.jht_balance, "jht_fund": r.jht_fund, "jht_members": r.jht_members,
    }
    u = s.get("with_parameter_uncertainty")   # issue 11: with doubt about the assumptions
    if u:
        out["prob_exceed_doubt"], out["var_doubt"] = u["prob_claims_exceed_contributions"], u["var_99_5"]
    for p in ("jkk", "jkm", "jht"):
        out[f"contributions.{p}"] = c[p]
        out[f"need.{p}"] = c[p] / 12 * b["months"] * (share if p == "jht" else 1.0)
    out["contributions.total"] = c["total"]
    for p in ("jkk", "jkm", "total"):
        out[f"claims.{p}"] = e[p]
        out[f"loss_ratio.{p}"] = _finite(lr[p]) if lr[p] is not None else None
    return {k: (float(v) if v is not None else None) for k, v in out.items()}
