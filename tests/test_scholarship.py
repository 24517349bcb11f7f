"""Scholarships as cash flows (issue 11): one child's payments by hand from the Permenaker 5/2021 schedule."""
import numpy as np
import pytest

from sim.analyses.projection import run_projection
from sim.inputs.scenario import load_scenario
from sim.risk import scholarship

PER_YEAR = {"tk": 1.5e6, "sd": 1.5e6, "smp": 2e6, "sma": 3e6, "kuliah": 12e6}
YEARS = {"tk": 2, "sd": 6, "smp": 3, "sma": 3, "kuliah": 5}
ALL = {k: 1.0 for k in PER_YEAR}


def flows(age, shares=ALL, rate=0.0):
    return scholarship.child_flows(PER_YEAR, YEARS, 4, 23, {str(age): 1}, shares, rate)


def test_child_aged_ten_by_hand():
    # SD at 10 and 11 (2 x 1.5 M), SMP 12-14 (3 x 2 M), SMA 15-17 (3 x 3 M), university 18-22 (5 x 12 M), then 23: nothing
    f = flows(10)
    want = [1.5e6] * 2 + [2e6] * 3 + [3e6] * 3 + [12e6] * 5
    assert list(f.cash[:13]) == want and not any(f.cash[13:])
    assert f.undiscounted == 78e6
    v = 1 / 1.06
    assert flows(10, rate=0.06).present_value == pytest.approx(sum(c * v ** k for k, c in enumerate(want)), rel=1e-12)


def test_newborn_draws_the_whole_schedule_from_school_age_at_most_87_million():
    f = flows(0)
    assert f.cash[:4] == (0.0,) * 4            # nothing until TK at 4
    assert f.cash[4] == 1.5e6
    assert f.undiscounted == 87e6                # Permenaker 5/2021: 87 M per child at most
    shares = {"tk": 0.5, "sd": 0.95, "smp": 0.85, "sma": 0.7, "kuliah": 0.35}
    assert flows(0, shares).undiscounted == pytest.approx((3 * .5 + 9 * .95 + 6 * .85 + 9 * .7 + 60 * .35) * 1e6)
    assert flows(22).undiscounted == 12e6 and flows(23).undiscounted == 0


def test_age_mix_is_the_weighted_average_and_never_above_the_cap():
    w = {"0": 1, "10": 3}
    f = scholarship.child_flows(PER_YEAR, YEARS, 4, 23, w, ALL, 0.06)
    assert f.undiscounted == pytest.approx((87e6 + 3 * 78e6) / 4)
    assert f.present_value == pytest.approx((flows(0, rate=0.06).present_value + 3 * flows(10, rate=0.06).present_value) / 4)
    scen = load_scenario("params/belu-2023.yaml")
    g = scholarship.from_scenario(scen)
    assert 0 < g.present_value < g.undiscounted <= 87e6


def test_cash_by_year_spreads_each_year_commitment_by_its_pattern():
    pat = np.array([0.5, 0.3, 0.2])
    cash = scholarship.cash_by_year([100.0, 10.0, 0.0, 0.0], [pat] * 4)
    assert list(cash) == pytest.approx([50.0, 30.0 + 5.0, 20.0 + 3.0, 2.0])


def test_projection_rows_carry_both_bases():
    scen = load_scenario("params/belu-2023.yaml")
    out = run_projection(scen, 6, 200)
    rows = out["rows"]
    pat = scholarship.cash_pattern(scen)
    commit = [r["scholarship_commitment"] for r in rows]
    assert commit == [r["scholarship"] for r in rows]
    # year 1's cash: only year 1's claims, paid in their first year
    assert rows[0]["scholarship_cash"] == pytest.approx(commit[0] * pat[0])
    assert rows[2]["scholarship_cash"] == pytest.approx(commit[0] * pat[2] + commit[1] * pat[1] + commit[2] * pat[0])
    for r in rows:
        contrib = r["contributions"]["jkk"] + r["contributions"]["jkm"]
        assert r["loss_ratio_cash"] == pytest.approx((r["expected_claims"]["total"] - r["scholarship_commitment"]
                                                      + r["scholarship_cash"]) / contrib)
    # JKM scholarships start in year 4: the commitment jumps, cash follows slowly
    assert commit[3] > 10 * commit[2]
    assert rows[3]["loss_ratio_cash"] < rows[3]["loss_ratio"]


def test_fixed_commitment_keeps_the_old_rule():
    scen = load_scenario("params/belu-2023.yaml", ["assumptions.scholarship.valuation=fixed_commitment"])
    assert scholarship.per_child_value(scen) == 75e6
    assert list(scholarship.cash_pattern(scen)) == [1.0]
