"""Province roll-up: the total of several independent portfolios (the parts of one programme).

Contributions and expected claims add.  Quantiles do not: the sum of the parts' 99.5% quantiles
overstates the 99.5% quantile of the total whenever the parts are not perfectly dependent.  The
parts' workers are different people, so their claims are independent and the total's
distribution is the convolution of the parts' distributions.  It is computed exactly in one
pass: the characteristic function of the total is the product of the parts', that is

    log phi_total = sum over parts sum over cells n_c log(1 + p_c (psi_c - 1)),

the same log-series FFT as one portfolio (:func:`sim.risk.aggregate.exact`) applied to the
risk groups of every part at once, on one lattice (the coarsest of the parts' lattice units).
The tests hold it against a direct convolution (``numpy.convolve``) of the parts' distributions.
"""
from __future__ import annotations

from ..inputs.build import build_portfolio
from ..law.contributions import money
from ..risk import aggregate, claims

#: the headline quantiles of the roll-up (percent)
QUANTILES = aggregate.QUANTILES


def part_model(scen) -> claims.ClaimModel:
    """The claim model of one part in force on its own start date."""
    scen = scen.at(scen.start)
    return claims.build(scen, build_portfolio(scen))


def combined_model(models) -> claims.ClaimModel:
    """One claim model holding the enabled risk groups of every part (independent portfolios)."""
    groups = [g for m in models for g in m.of("jkk") + m.of("jkm")]
    return claims.ClaimModel(groups, {"jkk": True, "jkm": True, "jht": False})


def lattice(models, h: float) -> float:
    """A lattice step every part can use: the coarsest of :func:`aggregate.lattice_unit` over the
    parts and the combined portfolio (a whole multiple of *h*)."""
    return max([aggregate.lattice_unit(m, h) for m in models] + [aggregate.lattice_unit(combined_model(models), h)])


def total_distribution(models, h: float = 100_000.0) -> aggregate.Distribution:
    """Exact distribution of the year's JKK + JKM claims of all parts together (rupiah lattice)."""
    return aggregate.exact(combined_model(models), lattice(models, h))["total"]


def rollup(scenarios: list, h: float | None = None) -> dict:
    """Roll-up of the parts *scenarios* (validated scenarios, each on its own start date):
    contributions, budget, expected claims and the exact distribution of the total's claims,
    beside the sum of the parts' quantiles (what adding quantiles would wrongly give)."""
    models, parts = [], []
    contrib = {"jkk": 0.0, "jkm": 0.0, "jht": 0.0, "total": 0.0}
    budget = {"allocation": 0.0, "required": 0.0, "difference": 0.0}
    if h is None:
        h = max(float(s["simulation.lattice_unit"]) for s in scenarios)
    for scen in scenarios:
        s = scen.at(scen.start)
        pf = build_portfolio(s)
        c, b = money(s, pf)
        m = claims.build(s, pf)
        models.append(m)
        for k in contrib:
            contrib[k] += float(c[k])
        for k in budget:
            budget[k] += float(b[k])
        parts.append({"scenario": s.name, "workers": pf.workers, "contributions": float(c["total"]),
                      "expected_claims": m.expected_amount("jkk") + m.expected_amount("jkm")})
    step = lattice(models, h)
    dist = aggregate.exact(combined_model(models), step)["total"]
    part_dists = [aggregate.exact(m, step)["total"] for m in models]
    risk_contrib = contrib["jkk"] + contrib["jkm"]
    summary = aggregate.risk_summary(dist, risk_contrib)
    key = lambda q: f"{q:g}"  # noqa: E731
    expected = sum(p["expected_claims"] for p in parts)
    return {
        "parts": parts,
        "workers": sum(p["workers"] for p in parts),
        "contributions": contrib,
        "budget": budget,
        "expected_claims": expected,
        "loss_ratio": expected / risk_contrib if risk_contrib > 0 else None,
        "claims_sd": summary["sd"],
        "claims_quantiles": summary["quantiles"],
        "sum_of_part_quantiles": {key(q): sum(d.quantile(q / 100) for d in part_dists) for q in QUANTILES},
        "var_99_5": summary["var_99_5"],
        "tvar_99_5": summary["tvar_99_5"],
        "prob_claims_exceed_contributions": summary["prob_exceed_contributions"],
        "lattice_unit": step,
        "method": "exact: product of the parts' characteristic functions (FFT), independent portfolios",
    }
