"""Contributions and the budget check, against the Belu 2023 figures worked by hand."""
import numpy as np
import pytest

from sim.inputs.portfolio import synthetic
from sim.law import contributions

W = 1_000_000


def test_monthly_contribution_at_the_floor_matches_the_published_packages(baseline):
    s = contributions.Schedule.from_scenario(baseline)
    m = contributions.monthly(np.array([W]), s, {"jkk": True, "jkm": True, "jht": True})
    assert m["jkk"][0] == 10_000          # 1% x 1,000,000
    assert m["jkm"][0] == 6_800           # flat
    assert m["jht"][0] == 20_000          # 2% x 1,000,000
    assert m["jkk"][0] + m["jkm"][0] == 16_800                 # JKK + JKM package
    assert m["jkk"][0] + m["jkm"][0] + m["jht"][0] == 36_800   # with JHT


def test_jkk_contribution_is_clipped_to_its_minimum_and_maximum(baseline):
    s = contributions.Schedule.from_scenario(baseline)
    m = contributions.monthly(np.array([500_000.0, 5_000_000.0, 30_000_000.0]), s, {"jkk": True})
    assert list(m["jkk"]) == [10_000, 50_000, 207_000]


def test_belu_2023_budget_by_hand(baseline_run):
    b = baseline_run.budget
    required = 5_892 * 16_800 * 12
    assert required == 1_187_827_200
    assert b["required"] == required
    assert b["difference"] == 1_175_126_400 - required == -12_700_800
    # the allocation is exactly 5,829 worker-years of Rp 16,800 x 12
    assert 5_829 * 16_800 * 12 == 1_175_126_400
    assert b["funded_worker_years"] == 5_829
    assert b["months_covered"] == pytest.approx(1_175_126_400 / (5_892 * 16_800))
    assert 11.86 < b["months_covered"] < 11.88


def test_annual_contributions_by_program(baseline_run):
    c = baseline_run.contributions
    assert c["jkk"] == 5_892 * 10_000 * 12 == 707_040_000
    assert c["jkm"] == 5_892 * 6_800 * 12 == 480_787_200
    assert c["jht"] == 0
    assert c["total"] == 1_187_827_200


def test_jht_scenario_adds_two_percent_of_income(baseline):
    from pathlib import Path

    from sim.inputs.scenario import load_scenario
    scen = load_scenario(Path(__file__).parent.parent / "params" / "belu-2023-jht.yaml")
    pf = synthetic(5_892, 69, 1, W, 0.5, {"18-64": 1}, {"farming": 1})
    s = contributions.Schedule.from_scenario(scen)
    progs = {"jkk": True, "jkm": True, "jht": True}
    c = contributions.annual(pf, s, progs)
    assert c["jht"] == 5_892 * 20_000 * 12 == 1_414_080_000
    b = contributions.budget_check(1_175_126_400, 12, pf, s, progs)
    assert b["required"] == 5_892 * 36_800 * 12
    assert b["funded_worker_years"] == int(1_175_126_400 // (36_800 * 12))


def test_part_year_exposure_scales_contributions():
    from sim.inputs.portfolio import from_workers
    pf = from_workers([30, 40], [True, False], [0, 0], [W, 2 * W], [1.0, 0.5], [0, 0])
    s = contributions.Schedule(0.01, 10_000, 207_000, 6_800, 0.02)
    c = contributions.annual(pf, s, {"jkk": True, "jkm": True, "jht": False})
    assert c["jkk"] == 10_000 * 12 + 20_000 * 6
    assert c["jkm"] == 6_800 * 12 + 6_800 * 6
