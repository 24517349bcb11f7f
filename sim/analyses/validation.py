"""Holding the assumptions against experience: ``python -m sim validate PARAMS.yaml EXPERIENCE.csv``.

Expected claims of each experience year come from that year's rates per worker-year and mean
amounts as the projection computes them (ageing, membership months and the waiting period,
scholarships in force, medical inflation), reduced to the share reported by the valuation
(assumed reporting pattern, or a development triangle), see :mod:`sim.analyses.experience_years`.
The Gamma prior of each frequency factor is the parameter-uncertainty distribution
(``params/assumptions/uncertainty.yaml``); its posterior is what ``--write-scenario`` writes.  See :mod:`sim.analyses.credibility` for the methods.
"""
from __future__ import annotations

import numpy as np

from .. import __version__
from ..inputs.build import build_portfolio
from ..law import contributions
from ..law.benefits import CLAIM_TYPES
from ..risk import aggregate, claims
from . import credibility, experience_years, pricing, sensitivity

GROUPS = [("jkm", "death")] + [("jkk", t) for t in claims.CLAIM_TYPES] + [("jkk", "all")]


def model_rates(scen, portfolio=None) -> dict:
    """Claims a worker-year and mean amount a claim, by (programme, claim type), from the model."""
    pf = portfolio if portfolio is not None else build_portfolio(scen)
    model = claims.build(scen, pf)
    years = float(np.dot(pf.count, pf.exposure))
    out = experience_years.rates_of(model, pf, scen.param("assumptions.accidents.claim_type_mix"))
    return {"rates": out, "model": model, "portfolio": pf, "worker_years": years}


def _exposure(exp, program: str) -> dict:
    """Worker-years by (year, village) for *program* (one exposure per key)."""
    keys = {}
    for i in np.flatnonzero(exp.program == program):
        keys[(int(exp.year[i]), exp.village[i])] = float(exp.exposure_years[i])
    return keys


def _actual(exp, program: str, ctype: str, mask=None) -> tuple[float, float]:
    m = exp.program == program
    if mask is not None:
        m &= mask
    if ctype != "all":
        m &= exp.claim_type == ctype
    elif program == "jkk":
        pass  # every JKK row counts towards all accidents
    return float(exp.count[m].sum()), float(exp.amount[m].sum())


def actual_vs_expected(exp, year_rates: dict, confidence: float, shares: dict | None = None) -> list[dict]:
    """A/E of counts (with exact intervals) and of amounts, by programme and claim type, overall and by
    year; each year's expected claims from that year's rates (:mod:`sim.analyses.experience_years`),
    reduced to the share reported by the valuation (*shares*; none: all reported)."""
    rows = []
    years = sorted(set(int(y) for y in exp.year))
    latest = years[-1]
    jkk_has_types = bool(np.any((exp.program == "jkk") & (exp.claim_type != "all")))
    for prog, ctype in GROUPS:
        expo = _exposure(exp, prog)
        if not expo or (prog == "jkk" and ctype != "all" and not jkk_has_types):
            continue
        F = np.asarray(shares["programs"][prog]["reported_share"]) if shares else np.ones(latest - years[0] + 1)
        e_by, ea_by, wy_by = {}, {}, {}
        for y in years:
            wy_by[y] = sum(v for (yy, _), v in expo.items() if yy == y)
            r = year_rates[y]["rates"][(prog, ctype)]
            e_by[y] = r["rate"] * wy_by[y] * float(F[latest - y])
            ea_by[y] = e_by[y] * r["mean_amount"]
        for year in [None] + years:
            sel = years if year is None else [year]
            wy = sum(wy_by[y] for y in sel)
            if wy <= 0:
                continue
            a, amt = _actual(exp, prog, ctype, None if year is None else exp.year == year)
            e, ea = sum(e_by[y] for y in sel), sum(ea_by[y] for y in sel)
            r = credibility.actual_vs_expected(a, e, confidence)
            r.update({"program": prog, "claim_type": ctype, "year": year, "worker_years": wy,
                      "actual_amount": amt, "expected_amount": ea,
                      "amount_ratio": amt / ea if ea > 0 else None})
            rows.append(r)
    return rows


def prior_shape(scen, program: str, model_rate: float) -> tuple[float, str]:
    """Shape ``alpha`` of the Gamma prior of *program*'s frequency factor (mean 1, cv ``1/sqrt(alpha)``):
    the parameter-uncertainty distribution (``assumptions.uncertainty``; a lognormal is matched by its cv),
    or, where that is fixed, the credibility weight ``prior_years x model rate``."""
    from ..inputs.uncertainty_spec import parse_spec
    name = {"jkm": "mortality_level", "jkk": "accident_frequency"}[program]
    spec = parse_spec(scen.param("assumptions.uncertainty." + name))
    if spec.family in ("gamma", "lognormal") and spec.spread > 0:
        return 1.0 / spec.spread ** 2, "assumptions.uncertainty." + name
    return scen.param(f"assumptions.credibility.prior_years_{program}") * model_rate, \
        f"assumptions.credibility.prior_years_{program}"


def village_credibility(exp, rates: dict, program: str) -> dict | None:
    """Buhlmann-Straub frequencies by village (rows) over years (columns) for *program*."""
    m = (exp.program == program) & (exp.village != "")
    if not m.any():
        return None
    villages = sorted(set(exp.village[m]))
    years = sorted(set(int(y) for y in exp.year[m]))
    counts = np.zeros((len(villages), len(years)))
    expo = np.zeros_like(counts)
    for i in np.flatnonzero(m):
        vi, yi = villages.index(exp.village[i]), years.index(int(exp.year[i]))
        counts[vi, yi] += exp.count[i]
        expo[vi, yi] = exp.exposure_years[i]
    bs = credibility.buhlmann_straub(counts, expo)
    names = [villages[k] for k in bs["kept"]]
    model_rate = rates[(program, "death" if program == "jkm" else "all")]["rate"]
    return {"program": program, "model_rate": model_rate, "collective_rate": bs["collective_rate"],
            "epv": bs["epv"], "vhm": bs["vhm"], "k": bs["k"],
            **({} if bs["k"] is not None else {"k_note": "desa tidak lebih beragam dari kebetulan: Z = 0 / villages vary "
                                                         "no more than chance: k unbounded, every Z = 0"}),
            "villages": [{"village": n, "worker_years": float(e), "raw_rate": float(r), "z": float(z),
                          "credibility_rate": float(c)}
                         for n, e, r, z, c in zip(names, bs["exposure"], bs["raw_rate"], bs["z"], bs["estimate"])]}


def validate(scen, exp, confidence: float | None = None) -> dict:
    """Everything ``python -m sim validate`` reports (JSON-ready)."""
    conf = float(confidence if confidence is not None else scen.param("assumptions.credibility.confidence"))
    target = scen.param("assumptions.credibility.target_probability")
    base = model_rates(scen)
    rates, model, pf = base["rates"], base["model"], base["portfolio"]
    workers = base["worker_years"]
    h = float(scen["simulation.lattice_unit"])
    yr = experience_years.year_rates(scen, sorted(set(int(y) for y in exp.year)), portfolio=pf)
    shares = experience_years.reported_shares(scen, exp)
    out = {"scenario": scen.name, "confidence": conf, "version": __version__, "comments": exp.comments,
           "actual_vs_expected": actual_vs_expected(exp, yr, conf, shares), "updates": {}, "villages": {},
           "suggested_assumptions": {}, "suggested_uncertainty": {}, "pricing": {},
           "reporting": shares, "experience_years": experience_years.by_year(exp, yr, shares)}
    sched = contributions.Schedule.from_scenario(scen)
    monthly = contributions.monthly(pf.income, sched, {"jkk": True, "jkm": True})
    exact = aggregate.exact(model, h)
    setting = {"jkm": "assumptions.mortality.loading", "jkk": "assumptions.accidents.frequency_multiplier"}
    doubt = {"jkm": "assumptions.uncertainty.mortality_level", "jkk": "assumptions.uncertainty.accident_frequency"}
    overall = {(r["program"], r["claim_type"]): r for r in out["actual_vs_expected"] if r["year"] is None}
    for prog, ctype in (("jkm", "death"), ("jkk", "all")):
        if (prog, ctype) not in overall:
            continue
        a, e = overall[(prog, ctype)]["actual"], overall[(prog, ctype)]["expected"]
        prior = rates[(prog, ctype)]["rate"]
        alpha, basis = prior_shape(scen, prog, prior)
        # factor F ~ Gamma(alpha, alpha); A ~ Poisson(F E) => F | A ~ Gamma(alpha + A, alpha + E); in rate
        # terms (per worker-year, prior rate m): prior weight alpha / m worker-years, exposure E / m
        post = credibility.gamma_poisson(prior, alpha / prior, a, e / prior)
        post["prior_basis"] = basis
        post["expected_reported"] = e
        p = post["rate"] / (post["rate"] + workers)
        pred = aggregate.compound_negative_binomial(post["shape"], p, model.of(prog, False)[0].severity, h)
        contrib = float(np.dot(pf.count, monthly[prog])) * 12
        post["predictive"] = {"workers": workers, "mean": pred.mean(), "sd": pred.sd(),
                              "quantiles": {f"{q:g}": pred.quantile(q / 100) for q in aggregate.QUANTILES},
                              "prob_exceed_contributions": pred.prob_exceed(contrib)}
        ratio = post["posterior_rate"] / prior if prior > 0 else 1.0
        out["updates"][prog] = post
        out["suggested_assumptions"][setting[prog]] = scen.param(setting[prog]) * ratio
        nodes = scen.param(doubt[prog]).get("nodes", 7) if isinstance(scen.param(doubt[prog]), dict) else 7
        out["suggested_uncertainty"][doubt[prog]] = {"family": "gamma", "cv": float(1 / np.sqrt(post["shape"])),
                                                     "nodes": int(nodes)}
        out["villages"][prog] = village_credibility(exp, rates, prog)
        out["pricing"][prog] = {"current_monthly": float(np.dot(pf.count, monthly[prog]) / pf.count.sum()),
                                "model": pricing.contributions_needed(exact[prog], workers, target),
                                "experience": pricing.contributions_needed(pred, workers, target)}
    rows = sensitivity.tornado(scen, portfolio=pf)
    out["sensitivity"] = [{"lever": r["name"], "label_id": r["label_id"], "label_en": r["label_en"],
                           "low": _nulls(r["low"]), "high": _nulls(r["high"]), "base": _nulls(r["base"])} for r in rows]
    g = sensitivity.grid(scen, sensitivity.LEVERS[0], sensitivity.LEVERS[1], 5, portfolio=pf)
    with_jht = scen.updated({"programs.jht": True})
    gb = sensitivity.grid(with_jht, sensitivity.INCOME, sensitivity.JHT_RATE, 5, "budget_need", portfolio=pf)
    out["sensitivity_grid"] = {
        "loss_ratio": {"a": g["a"], "b": g["b"], "a_values": g["a_values"].tolist(), "b_values": g["b_values"].tolist(),
                       "values": _nulls(g["values"].tolist())},
        "budget_need": {"a": gb["a"], "b": gb["b"], "a_values": gb["a_values"].tolist(),
                        "b_values": gb["b_values"].tolist(), "values": _nulls(gb["values"].tolist()), "jht": True}}
    if not np.all(np.isfinite(g["values"])):
        out["sensitivity_grid"]["loss_ratio"]["note"] = _NO_CONTRIBUTIONS
    return out


_NO_CONTRIBUTIONS = ("tanpa iuran JKK + JKM rasio klaim tidak terdefinisi / with no JKK + JKM contributions "
                     "the loss ratio is undefined (null)")


def _nulls(x):
    """*x* (a number, list or dict of them) with every non-finite number written None (JSON null):
    a loss ratio without contributions is undefined."""
    if isinstance(x, dict):
        return {k: _nulls(v) for k, v in x.items()}
    if isinstance(x, list):
        return [_nulls(v) for v in x]
    if isinstance(x, float) and not np.isfinite(x):
        return None
    return x


def simulate_experience(scen, years: list[int], truth: dict[str, float], seed: int, portfolio=None,
                        reporting: str | None = None) -> list[dict]:
    """Claims experience drawn from the model with known true rates, by village and year.

    *truth* multiplies the model's rates (``{"jkm": 1.0, "jkk": 1.3}``).  Each year's rates and claim
    amounts are that year's, as the projection computes them (:mod:`sim.analyses.experience_years`):
    counts are Poisson, amounts are sums of claim amounts drawn from that year's severities (a
    death falls in a membership group in proportion to its expected deaths).  Every village has
    12 worker-months per worker each year.  *reporting*: ``None`` (every claim reported), ``"lag"``
    (each claim reported after a delay drawn from the assumed pattern; those reported after the
    latest year are left out) or ``"split"`` (as ``"lag"``, rows split by the year reported, for a
    development triangle).  For tests and for the illustrative file.
    """
    rng = np.random.default_rng([int(seed), 5])
    base = model_rates(scen, portfolio)
    pf = base["portfolio"]
    yr = experience_years.year_rates(scen, years, portfolio=pf)
    latest = max(years)
    lag = {p: experience_years.assumed_shares(scen, p, 11) for p in ("jkm", "jkk")}
    rows = []

    def draw(program, year, n, sample):
        """Rows for *n* claims: one row (all reported), or split by the year reported."""
        if reporting is None:
            return [(None, n, sample(n))]
        F = lag[program]
        dev = np.searchsorted(F, rng.random(n) * F[-1], side="right")
        out = []
        amounts = sample(n)
        for d in range(latest - year + 1):
            k = dev == d
            out.append((year + d, int(k.sum()), amounts[k]))
        if reporting == "lag":
            out = [(None, sum(o[1] for o in out), np.concatenate([o[2] for o in out]))]
        return out

    for year in years:
        r = yr[year]
        model, rates = r["model"], r["rates"]
        jkm = model.of("jkm", False)
        wj = np.array([g.expected_count() for g in jkm])
        jkk = model.of("jkk", False)
        wk = np.array([g.expected_count() for g in jkk])
        mix = r["scen"].param("assumptions.accidents.claim_type_mix")
        types = [t for t in CLAIM_TYPES if mix[t] > 0]

        def sample_jkm(n):
            g = rng.choice(len(jkm), size=n, p=wj / wj.sum()) if n else np.zeros(0, int)
            out = np.zeros(n)
            for i, grp in enumerate(jkm):
                sel = np.flatnonzero(g == i)
                out[sel] = grp.severity.sample(rng, sel.size)
            return out

        def sample_type(j):
            def f(n):
                g = rng.choice(len(jkk), size=n, p=wk / wk.sum()) if n else np.zeros(0, int)
                out = np.zeros(n)
                for i, grp in enumerate(jkk):
                    sel = np.flatnonzero(g == i)
                    comp = grp.severity.components[j]
                    one = type(grp.severity)((type(comp)(1.0, comp.atoms, comp.probs, comp.medical),))
                    out[sel] = one.sample(rng, sel.size)
                return out
            return f

        for village, workers in zip(pf.village_names, pf.village_counts):
            months = float(workers) * 12
            wy = months / 12
            n = rng.poisson(rates[("jkm", "death")]["rate"] * truth.get("jkm", 1.0) * wy)
            for rep, k, amt in draw("jkm", year, int(n), sample_jkm):
                row = {"year": year, "village": village, "program": "JKM", "claim_type": "death", "count": k,
                       "amount": round(float(amt.sum())), "exposure_months": months}
                rows.append(row if rep is None else {**row, "reported": rep})
            for j, t in enumerate(types):
                n = rng.poisson(rates[("jkk", t)]["rate"] * truth.get("jkk", 1.0) * wy)
                for rep, k, amt in draw("jkk", year, int(n), sample_type(j)):
                    row = {"year": year, "village": village, "program": "JKK", "claim_type": t, "count": k,
                           "amount": round(float(amt.sum())), "exposure_months": months}
                    rows.append(row if rep is None else {**row, "reported": rep})
    return rows
