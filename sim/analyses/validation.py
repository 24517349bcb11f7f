"""Holding the assumptions against experience: ``python -m sim validate PARAMS.yaml EXPERIENCE.csv``.

Expected claims per row come from the scenario's model rates per worker-year (the first year's
portfolio): JKM deaths not from work, JKK accidents split by the claim-type mix, and the mean
amount of a claim of each type.  See :mod:`sim.analyses.credibility` for the methods.
"""
from __future__ import annotations

import numpy as np

from .. import __version__
from ..inputs.build import build_portfolio
from ..law import contributions
from ..law.benefits import CLAIM_TYPES
from ..risk import aggregate, claims
from . import credibility, pricing, sensitivity

GROUPS = [("jkm", "death")] + [("jkk", t) for t in claims.CLAIM_TYPES] + [("jkk", "all")]


def model_rates(scen, portfolio=None) -> dict:
    """Claims a worker-year and mean amount a claim, by (programme, claim type), from the model."""
    pf = portfolio if portfolio is not None else build_portfolio(scen)
    model = claims.build(scen, pf)
    years = float(np.dot(pf.count, pf.exposure))
    mix = scen.param("assumptions.accidents.claim_type_mix")
    acc = model.expected_count("jkk") / years
    out = {("jkm", "death"): {"rate": model.expected_count("jkm") / years,
                              "mean_amount": model.of("jkm", False)[0].severity.mean()}}
    sev = model.of("jkk", False)[0].severity
    comps = {t: c for t, c in zip([t for t in claims.CLAIM_TYPES if mix[t] > 0], sev.components)}
    for t in claims.CLAIM_TYPES:
        c = comps.get(t)
        mean = (float(np.dot(c.atoms, c.probs)) + (c.medical.mean() if c.medical else 0.0)) if c else 0.0
        out[("jkk", t)] = {"rate": acc * mix[t], "mean_amount": mean}
    out[("jkk", "all")] = {"rate": acc, "mean_amount": sev.mean()}
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


def actual_vs_expected(exp, rates: dict, confidence: float) -> list[dict]:
    """A/E of counts (with exact intervals) and of amounts, by programme and claim type, overall and by year."""
    rows = []
    years = sorted(set(int(y) for y in exp.year))
    jkk_has_types = bool(np.any((exp.program == "jkk") & (exp.claim_type != "all")))
    for prog, ctype in GROUPS:
        expo = _exposure(exp, prog)
        if not expo or (prog == "jkk" and ctype != "all" and not jkk_has_types):
            continue
        rate, mean_amt = rates[(prog, ctype)]["rate"], rates[(prog, ctype)]["mean_amount"]
        for year in [None] + years:
            wy = sum(v for (y, _), v in expo.items() if year is None or y == year)
            if wy <= 0:
                continue
            a, amt = _actual(exp, prog, ctype, None if year is None else exp.year == year)
            e = rate * wy
            r = credibility.actual_vs_expected(a, e, confidence)
            r.update({"program": prog, "claim_type": ctype, "year": year, "worker_years": wy,
                      "actual_amount": amt, "expected_amount": e * mean_amt,
                      "amount_ratio": amt / (e * mean_amt) if e * mean_amt > 0 else None})
            rows.append(r)
    return rows


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
    out = {"scenario": scen.name, "confidence": conf, "version": __version__, "comments": exp.comments,
           "actual_vs_expected": actual_vs_expected(exp, rates, conf), "updates": {}, "villages": {},
           "suggested_assumptions": {}, "pricing": {}}
    prior_years = {"jkm": scen.param("assumptions.credibility.prior_years_jkm"),
                   "jkk": scen.param("assumptions.credibility.prior_years_jkk")}
    sched = contributions.Schedule.from_scenario(scen)
    monthly = contributions.monthly(pf.income, sched, {"jkk": True, "jkm": True})
    exact = aggregate.exact(model, h)
    setting = {"jkm": "assumptions.mortality.loading", "jkk": "assumptions.accidents.frequency_multiplier"}
    for prog, ctype in (("jkm", "death"), ("jkk", "all")):
        expo = _exposure(exp, prog)
        if not expo:
            continue
        wy = sum(expo.values())
        a, _ = _actual(exp, prog, ctype)
        prior = rates[(prog, ctype)]["rate"]
        post = credibility.gamma_poisson(prior, prior_years[prog], a, wy)
        p = post["rate"] / (post["rate"] + workers)
        pred = aggregate.compound_negative_binomial(post["shape"], p, model.of(prog, False)[0].severity, h)
        contrib = float(np.dot(pf.count, monthly[prog])) * 12
        post["predictive"] = {"workers": workers, "mean": pred.mean(), "sd": pred.sd(),
                              "quantiles": {f"{q:g}": pred.quantile(q / 100) for q in aggregate.QUANTILES},
                              "prob_exceed_contributions": pred.prob_exceed(contrib)}
        ratio = post["posterior_rate"] / prior if prior > 0 else 1.0
        out["updates"][prog] = post
        out["suggested_assumptions"][setting[prog]] = scen.param(setting[prog]) * ratio
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


def simulate_experience(scen, years: list[int], truth: dict[str, float], seed: int, portfolio=None) -> list[dict]:
    """Claims experience drawn from the model with known true rates, by village and year.

    *truth* multiplies the model's rates (``{"jkm": 1.0, "jkk": 1.3}``).  Workers are spread over
    the villages of the synthetic roster; counts are Poisson, amounts are sums of claim amounts
    drawn from the model's severities.  For tests and for the illustrative file.
    """
    from ..analyses.validation import model_rates
    rng = np.random.default_rng([int(seed), 5])
    base = model_rates(scen, portfolio)
    pf, model, rates = base["portfolio"], base["model"], base["rates"]
    sev_jkm = model.of("jkm", False)[0].severity
    sev_jkk = model.of("jkk", False)[0].severity
    mix = scen.param("assumptions.accidents.claim_type_mix")
    types = [t for t in CLAIM_TYPES if mix[t] > 0]
    rows = []
    for year in years:
        for village, workers in zip(pf.village_names, pf.village_counts):
            months = float(workers) * 12
            wy = months / 12
            n = rng.poisson(rates[("jkm", "death")]["rate"] * truth.get("jkm", 1.0) * wy)
            rows.append({"year": year, "village": village, "program": "JKM", "claim_type": "death", "count": int(n),
                         "amount": round(float(sev_jkm.sample(rng, n).sum())), "exposure_months": months})
            for j, t in enumerate(types):
                n = rng.poisson(rates[("jkk", t)]["rate"] * truth.get("jkk", 1.0) * wy)
                comp = sev_jkk.components[j]
                amounts = type(sev_jkk)((type(comp)(1.0, comp.atoms, comp.probs, comp.medical),)).sample(rng, n)
                rows.append({"year": year, "village": village, "program": "JKK", "claim_type": t, "count": int(n),
                             "amount": round(float(amounts.sum())), "exposure_months": months})
    return rows
