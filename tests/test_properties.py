"""Properties that must hold whatever the assumptions: scaling, switches, zero frequency."""
from pathlib import Path

import numpy as np
import pytest

from sim.analyses.model import compute, run, summarize
from sim.inputs.scenario import load_scenario

ROOT = Path(__file__).resolve().parent.parent
BASE = ROOT / "params" / "belu-2023.yaml"
JHT = ROOT / "params" / "belu-2023-jht.yaml"


def test_doubling_the_portfolio_doubles_totals_and_keeps_ratios(baseline, baseline_run):
    pf2 = baseline_run.portfolio.scaled(2)
    c2 = compute(baseline, portfolio=pf2, mc_years=0)
    r1, r2 = summarize(baseline, baseline_run, checks=False), summarize(baseline, c2, checks=False)
    for k in ("jkk", "jkm", "jht", "total"):
        assert r2["contributions"][k] == pytest.approx(2 * r1["contributions"][k])
    for k in ("jkk", "jkm", "total"):
        assert r2["expected_claims"][k] == pytest.approx(2 * r1["expected_claims"][k], rel=1e-12)
        assert r2["loss_ratio"][k] == pytest.approx(r1["loss_ratio"][k], rel=1e-12)
        # independent workers: the variance doubles
        assert r2["claims_sd"][k] == pytest.approx(np.sqrt(2) * r1["claims_sd"][k], rel=1e-3)
    assert r2["budget"]["required"] == 2 * r1["budget"]["required"]
    assert r2["expected_deaths"] == pytest.approx(2 * r1["expected_deaths"])
    assert r2["budget"]["months_covered"] == pytest.approx(r1["budget"]["months_covered"] / 2)


def test_switching_jht_off_reproduces_the_baseline_exactly():
    base = run(load_scenario(BASE))
    off = run(load_scenario(JHT, ["programs.jht=false"]))
    for k in ("scenario", "title"):
        base.pop(k), off.pop(k)
    assert off == base


def test_jht_changes_contributions_and_budget_only(baseline_run, baseline):
    on = run(load_scenario(JHT), checks=False)
    base = summarize(baseline, compute(baseline), checks=False)
    assert on["expected_claims"] == base["expected_claims"]
    assert on["claims_quantiles"] == base["claims_quantiles"]
    assert on["loss_ratio"] == base["loss_ratio"]           # JHT is savings, not risk cover
    assert on["contributions"]["jht"] == 5892 * 20_000 * 12
    assert on["budget"]["required"] == 5892 * 36_800 * 12
    assert on["budget"]["difference"] == 1_175_126_400 - 5892 * 36_800 * 12


def test_zero_frequency_gives_zero_claims():
    scen = load_scenario(BASE, ["assumptions.accidents.frequency_multiplier=0", "assumptions.mortality.loading=0"])
    c = compute(scen, mc_years=1000)
    for k in ("jkk", "jkm", "total"):
        d = c.exact[k]
        assert d.mean() == 0 and d.quantile(0.995) == 0 and d.prob_exceed(0) == 0
    assert np.all(c.simulation.total == 0)
    assert c.model.expected_count("jkk") == 0 and c.model.expected_count("jkm") == 0


def test_a_program_switched_off_pays_nothing():
    r = run(load_scenario(BASE, ["programs.jkk=false"]), checks=False)
    assert r["contributions"]["jkk"] == 0 and r["expected_claims"]["jkk"] == 0
    assert r["loss_ratio"]["jkk"] is None
    assert r["expected_accidents"] > 0          # accidents still happen; nobody pays for them
    assert r["expected_claims"]["total"] == r["expected_claims"]["jkm"]


def test_higher_income_raises_jkk_cash_but_not_jkm(baseline):
    lo = run(baseline, checks=False)
    hi = run(load_scenario(BASE, ["income.declared_monthly=2000000"]), checks=False)
    assert hi["contributions"]["jkk"] == 2 * lo["contributions"]["jkk"]
    assert hi["expected_claims"]["jkm"] == pytest.approx(lo["expected_claims"]["jkm"], rel=1e-12)
    assert hi["expected_claims"]["jkk"] > lo["expected_claims"]["jkk"]


def test_loadings_scale_expected_deaths(baseline):
    a = run(load_scenario(BASE, ["assumptions.mortality.loading=1.0"]), checks=False)
    b = run(load_scenario(BASE, ["assumptions.mortality.loading=1.5"]), checks=False)
    # work-accident deaths are taken out of JKM, so the ratio is a little above 1.5
    assert 1.5 <= b["expected_deaths"] / a["expected_deaths"] < 1.51
