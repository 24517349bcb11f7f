"""Experience year by year (issue 11): each year's expected claims, reporting lag, BF, triangle, coverage."""
import numpy as np
import pytest

from sim.analyses import experience_years as X
from sim.analyses.validation import actual_vs_expected, simulate_experience, validate
from sim.inputs.experience import Experience, read_experience, write_experience
from sim.inputs.scenario import load_scenario


@pytest.fixture(scope="module")
def scen():
    return load_scenario("params/belu-2023.yaml")


def as_experience(rows):
    col = lambda k, t=float: np.array([t(r[k]) for r in rows])  # noqa: E731
    rep = np.array([int(r["reported"]) for r in rows]) if "reported" in rows[0] else None
    return Experience(col("year", int), np.array([r["village"] for r in rows], dtype=object),
                      np.array([r["program"].lower() for r in rows]), np.array([r["claim_type"] for r in rows]),
                      col("count"), col("amount"), col("exposure_months") / 12.0, [], rep)


def test_jkm_amount_per_death_rises_after_the_waiting_period_and_with_scholarships(scen):
    r = X.year_rates(scen, range(2023, 2028))
    per_death = [r[y]["rates"][("jkm", "death")]["mean_amount"] for y in range(2023, 2028)]
    # year 1: a quarter of the deaths in the 3-month waiting period pay the funeral only (10 M), the rest 42 M
    assert per_death[0] == pytest.approx(0.25 * 10e6 + 0.75 * 42e6)
    assert per_death[1] > per_death[0] + 7e6              # year 2: past the waiting period (new members aside)
    assert per_death[1] < 42e6
    assert per_death[2] == pytest.approx(per_death[1], rel=0.01)
    assert per_death[3] > per_death[2] + 10e6             # year 4: 36 months of contributions, scholarships
    # and deaths per worker-year rise as the cohort ages
    rates = [r[y]["rates"][("jkm", "death")]["rate"] for y in range(2023, 2028)]
    assert all(b > a for a, b in zip(rates, rates[1:]))


def test_bornhuetter_ferguson_by_hand():
    # reported 12 claims, model expects 20 at ultimate, 70% reported: 12 + 0.3 x 20 = 18
    assert X.bornhuetter_ferguson(12, 20, 0.7) == pytest.approx(18.0)
    assert list(X.bornhuetter_ferguson([5, 0], [10, 4], [1.0, 0.25])) == [5.0, 3.0]


def test_chain_ladder_shares_by_hand():
    # incremental counts, years 2023-2025 valued at the end of 2025
    tri = np.array([[10, 5, 1], [12, 6, np.nan], [9, np.nan, np.nan]], dtype=float)
    tail = np.array([0.7, 0.95, 1.0])
    F = X.chain_ladder_shares(tri, tail)
    f0 = (15 + 18) / (10 + 12)
    f1 = 16 / 15
    assert F[2] == 1.0
    assert F[1] == pytest.approx(1 / f1)
    assert F[0] == pytest.approx(1 / (f0 * f1))


def test_latest_years_expected_reduced_by_the_reporting_pattern(scen):
    rows = simulate_experience(scen, [2023, 2024, 2025], {"jkm": 1.0, "jkk": 1.0}, seed=3, reporting="lag")
    exp = as_experience(rows)
    yr = X.year_rates(scen, [2023, 2024, 2025])
    shares = X.reported_shares(scen, exp)
    table = X.by_year(exp, yr, shares)
    jkm = {r["year"]: r for r in table if r["program"] == "jkm"}
    assert [jkm[y]["reported_share"] for y in (2023, 2024, 2025)] == pytest.approx([1.0, 0.95, 0.7])
    for y, r in jkm.items():
        assert r["expected_reported_count"] == pytest.approx(r["reported_share"] * r["expected_count"])
        assert r["ultimate_count_bf"] == pytest.approx(r["actual_count"] + (1 - r["reported_share"]) * r["expected_count"])
        assert r["expected_amount"] == pytest.approx(r["expected_count"] * yr[y]["rates"][("jkm", "death")]["mean_amount"])


def test_triangle_replaces_the_assumed_lag(scen, tmp_path):
    """Claims reported with a true lag unlike the assumed one (45/35/20% against 70/25/5%): the
    shares estimated from the triangle find the true lag, not the assumption."""
    years = list(range(2023, 2031))
    truth = {"0": 0.45, "1": 0.35, "2": 0.2}
    truth_F = np.cumsum(list(truth.values()))                        # 0.45, 0.80, 1.0
    slow = scen.updated(params={"assumptions.reporting.lag_jkm": truth})
    rows = simulate_experience(slow, years, {"jkm": 1.0, "jkk": 1.0}, seed=5, reporting="split")
    path = tmp_path / "split.csv"
    write_experience(rows, path, ["simulated with report years"])
    exp = read_experience(path)
    assert exp.reported is not None
    shares = X.reported_shares(scen, exp)          # the scenario still assumes 70/95/100%
    assert shares["source"] == "triangle"
    est = np.array(shares["programs"]["jkm"]["reported_share"])
    assumed = X.assumed_shares(scen, "jkm", 3)
    assert list(assumed) == pytest.approx([0.7, 0.95, 1.0])
    # oldest years fully developed; the latest years' shares near the truth, far from the assumption
    assert est[-1] == 1.0
    assert est[0] == pytest.approx(truth_F[0], abs=0.04) and abs(est[0] - assumed[0]) > 0.2
    assert est[1] == pytest.approx(truth_F[1], abs=0.04) and abs(est[1] - assumed[1]) > 0.1


def test_interval_coverage_at_least_nominal_on_simulated_experience(scen):
    """A/E intervals (year-by-year expected, reduced for claims not yet reported) cover the true
    multipliers at least 95% of the time on experience simulated with the same lag."""
    small = load_scenario("params/belu-2023.yaml", ["portfolio.villages=3"])
    truth = {"jkm": 1.0, "jkk": 1.4}
    years = [2023, 2024, 2025]
    yr = X.year_rates(small, years)
    hits, trials = 0, 0
    for seed in range(150):
        exp = as_experience(simulate_experience(small, years, truth, seed=seed, reporting="lag"))
        shares = X.reported_shares(small, exp)
        for r in actual_vs_expected(exp, yr, 0.95, shares):
            if r["claim_type"] in ("death", "all"):
                trials += 1
                hits += r["ratio_low"] <= truth[r["program"]] <= r["ratio_high"]
    assert hits / trials >= 0.95, hits / trials


def test_validate_reports_years_lag_and_posterior_doubt(scen):
    exp = read_experience("params/experience/illustrative-belu-2023-2025.csv")
    out = validate(scen, exp)
    assert out["reporting"]["source"] == "assumed"
    assert {r["year"] for r in out["experience_years"]} == {2023, 2024, 2025}
    u = out["updates"]["jkk"]
    # prior Gamma(alpha, alpha) with alpha = 1 / cv^2 of the uncertainty file; posterior shape alpha + A
    alpha = 1 / 0.7 ** 2
    assert out["suggested_uncertainty"]["assumptions.uncertainty.accident_frequency"]["cv"] == \
        pytest.approx(1 / np.sqrt(u["shape"]))
    ae = {(r["program"], r["claim_type"]): r for r in out["actual_vs_expected"] if r["year"] is None}
    a, e = ae[("jkk", "all")]["actual"], ae[("jkk", "all")]["expected"]
    assert u["shape"] == pytest.approx(alpha + a)
    assert u["posterior_rate"] / u["prior_rate"] == pytest.approx((alpha + a) / (alpha + e))


def test_write_scenario_carries_the_posterior_doubt(tmp_path):
    import json
    import subprocess
    import sys
    out = tmp_path / "updated.yaml"
    r = subprocess.run([sys.executable, "-m", "sim", "validate", "params/belu-2023.yaml",
                        "params/experience/illustrative-belu-2023-2025.csv", "--json", "--write-scenario", str(out)],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    v = json.loads(r.stdout)
    updated = load_scenario(out)
    post = updated.param("assumptions.uncertainty.accident_frequency")
    assert post["family"] == "gamma"
    assert post["cv"] == pytest.approx(1 / np.sqrt(v["updates"]["jkk"]["shape"]))
    assert post["cv"] < 0.7                       # experience narrowed the doubt
    assert updated.param("assumptions.accidents.frequency_multiplier") == pytest.approx(
        v["suggested_assumptions"]["assumptions.accidents.frequency_multiplier"])
