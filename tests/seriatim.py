"""A slow, readable, worker-by-worker model: the oracle the vectorized model is checked against.

Written from the regulation and the parameter files directly, without the model's own helpers:
one worker at a time, plain Python floats, the benefit amounts spelled out.
"""
import csv
from functools import lru_cache
from pathlib import Path

PARAMS = Path(__file__).resolve().parent.parent / "params"
TYPES = ["medical_only", "temporary", "partial", "total", "death"]


@lru_cache(maxsize=None)
def mortality(table):
    name = {"population_2023": "indonesia_population_mortality_2023_mortapy.csv", "tmi_iv_2019": "tmi_iv_2019_qx.csv"}[table]
    with open(PARAMS / "data" / name) as fh:
        return {int(r["age"]): (float(r["qx_male"]), float(r["qx_female"])) for r in csv.DictReader(fh)}


def workers_of(portfolio):
    """Expand cells into one record per worker."""
    for i in range(portfolio.count.size):
        for _ in range(int(portfolio.count[i])):
            yield dict(age=int(portfolio.age[i]), male=bool(portfolio.male[i]), occ=int(portfolio.occupation[i]),
                       W=float(portfolio.income[i]), e=float(portfolio.exposure[i]), m0=float(portfolio.membership[i]))


def scholarship_per_child(scen):
    """Present value at the claim of one eligible child's scholarship, year by year: a child aged a at
    the claim is a + k after k years, in TK at 4-5, SD 6-11, SMP 12-14, SMA 15-17, university 18-22
    (with the default school start age), paid (share drawing x yearly amount) / (1 + i)^k until 23."""
    p = scen.param
    if p("assumptions.scholarship.valuation") == "fixed_commitment":
        return p("assumptions.scholarship.commitment_per_child")
    per_year, years = p("policy.scholarship.per_year"), p("policy.scholarship.max_years")
    share, start = p("assumptions.scholarship.share_drawing"), p("assumptions.scholarship.school_start_age")
    level_of_age = {}
    age = start
    for level in ["tk", "sd", "smp", "sma", "kuliah"]:
        for _ in range(years[level]):
            level_of_age[age] = level
            age += 1
    weights = {int(k): float(v) for k, v in p("assumptions.scholarship.child_age_at_claim").items()}
    i = p("assumptions.scholarship.discount_rate")
    pv = 0.0
    for a, wt in weights.items():
        for k in range(0, 40):
            level = level_of_age.get(a + k)
            if level is not None and a + k < p("policy.scholarship.max_age"):
                pv += wt / sum(weights.values()) * share[level] * per_year[level] / (1 + i) ** k
    return pv


def expected_per_worker(scen, w, occupations):
    """(P(JKM death), E[JKM paid], P(accident), E[JKK paid]) for one worker over the year."""
    p = scen.param
    table = mortality(p("assumptions.mortality.table"))
    q = min(p("assumptions.mortality.loading") * table[w["age"]][0 if w["male"] else 1], 1.0)
    rel = p("assumptions.accidents.occupation_relativity")[occupations[w["occ"]]]
    q_acc = min(p("assumptions.accidents.frequency_base") * p("assumptions.accidents.frequency_multiplier") * rel, 1.0)
    mix = p("assumptions.accidents.claim_type_mix")
    q_jkm = max(q - q_acc * mix["death"], 0.0)
    e = w["e"]
    p_death = 1 - (1 - q_jkm) ** e
    p_acc = 1 - (1 - q_acc) ** e

    # JKM: a death at a uniformly distributed moment of the cover; waiting period 3 months, scholarship after 36
    funeral = p("policy.jkm.funeral")
    cash = p("policy.jkm.death_lump_sum") + p("policy.jkm.periodic") + funeral
    children = p("assumptions.scholarship.children_eligible")
    per_child = scholarship_per_child(scen)
    sch = sum(prob * min(float(k), p("policy.scholarship.max_children")) * per_child for k, prob in children.items())
    jkm_amount = _average_jkm_paid(w["m0"], 12 * e, p("policy.jkm.waiting_months"),
                                   p("policy.jkm.scholarship_min_months"), funeral, cash, sch)

    # JKK: one accident's expected cost by claim type
    W = w["W"]
    rel_med = p("assumptions.accidents.medical_relativity")
    norm = sum(mix[t] * rel_med[t] for t in TYPES)
    transport = min(p("assumptions.accidents.transport_cost"), p("policy.jkk.transport_cap_land"))
    temp = sum(prob * (W * min(float(m), 12) + 0.5 * W * max(float(m) - 12, 0))
               for m, prob in p("assumptions.accidents.temporary_months").items())
    partial = sum(prob * float(s) * 80 * W for s, prob in p("assumptions.accidents.partial_disability_share").items())
    total = 56 * W + p("policy.jkk.periodic") + sch
    death = max(48 * W, p("policy.jkm.death_lump_sum")) + p("policy.jkk.funeral") + p("policy.jkk.periodic") + sch
    cash_by_type = {"medical_only": 0.0, "temporary": temp, "partial": partial, "total": total, "death": death}
    med_mean = p("assumptions.accidents.medical_mean")
    jkk_amount = sum(mix[t] * (cash_by_type[t] + transport + med_mean * rel_med[t] / norm) for t in TYPES)
    return p_death, p_death * jkm_amount, p_acc, p_acc * jkk_amount


@lru_cache(maxsize=None)
def _average_jkm_paid(m0, T, waiting, min_sch, funeral, cash, sch, steps=12000):
    """Midpoint rule over the months of cover: what a death at each moment pays, averaged."""
    paid = 0.0
    for k in range(steps):
        month = m0 + (k + 0.5) / steps * T
        if month < waiting:
            paid += funeral
        elif month < min_sch:
            paid += cash
        else:
            paid += cash + sch
    return paid / steps


def expected(scen, portfolio, occupations):
    tot = [0.0, 0.0, 0.0, 0.0]
    for w in workers_of(portfolio):
        for i, v in enumerate(expected_per_worker(scen, w, occupations)):
            tot[i] += v
    return dict(deaths=tot[0], jkm=tot[1], accidents=tot[2], jkk=tot[3])


def contributions(scen, portfolio):
    p = scen.param
    out = {"jkk": 0.0, "jkm": 0.0, "jht": 0.0}
    for w in workers_of(portfolio):
        months = 12 * w["e"]
        if scen["programs.jkk"]:
            out["jkk"] += months * min(max(0.01 * w["W"], 10_000), 207_000)
        if scen["programs.jkm"]:
            out["jkm"] += months * 6_800
        if scen["programs.jht"]:
            out["jht"] += months * 0.02 * w["W"]
    assert p("policy.contributions.jkk_rate") == 0.01 and p("policy.contributions.jkm_monthly") == 6_800
    return out


def simulate_workers(model, years, seed):
    """Per-worker Bernoulli simulation of the total (the Monte Carlo oracle)."""
    import numpy as np
    rng = np.random.default_rng(seed)
    totals = np.zeros(years)
    for prog in ("jkk", "jkm"):
        for g in model.of(prog):
            probs = np.repeat(g.prob, g.count.astype(int))
            claims = rng.random((years, probs.size)) < probs
            n = int(claims.sum())
            amounts = g.severity.sample(rng, n)
            year_of_claim = np.nonzero(claims)[0]
            totals += np.bincount(year_of_claim, weights=amounts, minlength=years)
    return totals
