"""Validation tools recover known truth from simulated experience; intervals cover; inputs are checked."""
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from scipy import integrate, stats

from sim.analyses import credibility
from sim.analyses.validation import model_rates, simulate_experience, validate
from sim.common.errors import InputError
from sim.inputs.experience import read_experience, write_experience
from sim.inputs.scenario import load_scenario
from sim.risk import aggregate

ROOT = Path(__file__).resolve().parent.parent
BASE = ROOT / "params" / "belu-2023.yaml"
ILLUSTRATIVE = ROOT / "params" / "experience" / "illustrative-belu-2023-2025.csv"


@pytest.fixture(scope="module")
def scen():
    return load_scenario(BASE)


def test_exact_poisson_interval_covers_at_least_its_confidence():
    rng = np.random.default_rng(0)
    for mean in (0.5, 3.0, 20.0):
        a = rng.poisson(mean, 4000)
        lo, hi = credibility.poisson_interval(a, 0.95)
        cover = np.mean((lo <= mean) & (mean <= hi))
        assert 0.95 <= cover <= 0.995, (mean, cover)   # exact intervals are conservative


def test_interval_and_p_value_by_hand():
    lo, hi = credibility.poisson_interval(np.array([0, 10]), 0.95)
    assert lo[0] == 0 and hi[0] == pytest.approx(3.6889, abs=1e-4)           # -ln(0.025)
    assert (lo[1], hi[1]) == (pytest.approx(4.7954, abs=1e-4), pytest.approx(18.3904, abs=1e-4))
    assert credibility.poisson_p_value(10, 10) == 1.0
    assert credibility.poisson_p_value(25, 10) < 0.001


def test_gamma_poisson_posterior_against_numerical_bayes():
    prior, w0, a, x = 0.003, 5000.0, 30, 6000.0
    post = credibility.gamma_poisson(prior, w0, a, x)
    lam = np.linspace(1e-6, 0.02, 200_001)
    dens = stats.gamma.pdf(lam, prior * w0, scale=1 / w0) * stats.poisson.pmf(a, lam * x)
    mean = integrate.trapezoid(lam * dens, lam) / integrate.trapezoid(dens, lam)
    assert post["posterior_rate"] == pytest.approx(mean, rel=1e-6)
    assert post["credibility"] == pytest.approx(x / (x + w0))


def test_predictive_negative_binomial_compound_against_simulation(scen):
    rates = model_rates(scen)
    sev = rates["model"].of("jkm", False)[0].severity
    shape, rate, workers = 40.0, 12_000.0, 5892.0
    p = rate / (rate + workers)
    d = aggregate.compound_negative_binomial(shape, p, sev)
    rng = np.random.default_rng(3)
    lam = rng.gamma(shape, 1 / rate, 100_000)
    n = rng.poisson(lam * workers)
    totals = np.bincount(np.repeat(np.arange(n.size), n), weights=sev.sample(rng, int(n.sum())), minlength=n.size)
    assert d.mean() == pytest.approx(shape / rate * workers * sev.mean(), rel=1e-9)
    assert abs(totals.mean() - d.mean()) < 4 * totals.std() / np.sqrt(n.size)
    assert abs(np.mean(totals <= d.quantile(0.9)) - d.cdf(d.quantile(0.9))) < 0.01
    counts = credibility.predictive_counts(shape, rate, workers)
    assert np.dot(np.arange(counts.size), counts) == pytest.approx(shape / rate * workers, rel=1e-6)


def test_recovers_known_rates_from_simulated_experience(scen):
    years = list(range(2023, 2033))            # ten years of a Belu-sized portfolio
    rows = simulate_experience(scen, years, {"jkm": 1.0, "jkk": 1.6}, seed=7)
    exp = _experience(rows)
    out = validate(scen, exp)
    ae = {(r["program"], r["claim_type"]): r for r in out["actual_vs_expected"] if r["year"] is None}
    assert ae[("jkk", "all")]["ratio_low"] <= 1.6 <= ae[("jkk", "all")]["ratio_high"]
    assert ae[("jkk", "all")]["contradicts"]
    assert ae[("jkm", "death")]["ratio_low"] <= 1.0 <= ae[("jkm", "death")]["ratio_high"]
    # the update moves the multiplier most of the way from 1 to the truth, the loading stays near 1
    assert 1.35 < out["suggested_assumptions"]["assumptions.accidents.frequency_multiplier"] < 1.85
    assert 0.85 < out["suggested_assumptions"]["assumptions.mortality.loading"] < 1.15


def _experience(rows, tmp=None):
    import tempfile
    path = Path(tempfile.mkdtemp()) / "exp.csv"
    write_experience(rows, path, ["simulated"])
    return read_experience(path)


def test_buhlmann_straub_beats_raw_village_rates_when_villages_differ():
    rng = np.random.default_rng(11)
    err_raw, err_cred = [], []
    for _ in range(200):
        true = rng.gamma(4.0, 0.003 / 4.0, 30)          # village rates around 0.3%, CV 50%
        expo = rng.uniform(50, 150, (30, 4))             # worker-years by village and year
        counts = rng.poisson(true[:, None] * expo)
        bs = credibility.buhlmann_straub(counts, expo)
        assert np.all((bs["z"] >= 0) & (bs["z"] <= 1))
        err_raw.append(np.mean((bs["raw_rate"] - true) ** 2))
        err_cred.append(np.mean((bs["estimate"] - true) ** 2))
    assert np.mean(err_cred) < 0.8 * np.mean(err_raw)


def test_buhlmann_straub_by_hand():
    counts = np.array([[2, 3], [0, 1], [5, 7]])
    expo = np.array([[100, 100], [50, 50], [100, 100]], dtype=float)
    bs = credibility.buhlmann_straub(counts, expo)
    x = counts / expo
    xi = counts.sum(1) / expo.sum(1)
    m = expo.sum()
    xbar = counts.sum() / m
    v = np.sum(expo * (x - xi[:, None]) ** 2) / 3
    a = (np.sum(expo.sum(1) * (xi - xbar) ** 2) - v * 2) / (m - np.sum(expo.sum(1) ** 2) / m)
    z = expo.sum(1) / (expo.sum(1) + v / a)
    assert bs["epv"] == pytest.approx(v) and bs["vhm"] == pytest.approx(a)
    assert np.allclose(bs["estimate"], z * xi + (1 - z) * xbar)


def test_pricing_break_even_is_expected_claims(scen):
    out = validate(scen, read_experience(ILLUSTRATIVE))
    from sim.analyses.model import compute
    c = compute(scen, mc_years=0)
    jkm = out["pricing"]["jkm"]["model"]
    assert jkm["break_even_monthly"] == pytest.approx(c.model.expected_amount("jkm") / (5892 * 12), rel=1e-9)
    assert jkm["target_monthly"] == pytest.approx(c.exact["jkm"].quantile(0.95) / (5892 * 12))
    assert out["pricing"]["jkm"]["current_monthly"] == 6800


def test_experience_file_problems_are_all_reported(tmp_path):
    p = tmp_path / "bad.csv"
    p.write_text("# comment\nyear,village,program,claim_type,count,amount,exposure_months\n"
                 "2024,Kewar,JKM,death,1,42000000,1200\n"
                 "20x4,Atlantis,JKX,death,-1,abc,0\n"
                 "2024,Kewar,JKK,temporary,0,5000,1200\n"
                 "2024,Kewar,JKM,accident,1,1000,1300\n"
                 "2024,Fulur,JKK,all,1,1000,600\n2024,Fulur,JKK,death,0,0,600\n")
    with pytest.raises(InputError) as exc:
        read_experience(p)
    text = "\n".join(map(str, exc.value.problems))
    for expected in ("row 4: year: expected a year", "row 4: village: not a desa", "row 4: program: expected JKK or JKM",
                     "row 4: count: expected a whole number", "row 4: amount: expected an amount",
                     "row 4: exposure_months: expected worker-months", "row 5: amount: an amount with no claims",
                     "row 6: claim_type: expected one of death for JKM", "row 8: claim_type: mixes 'all'"):
        assert expected in text, expected


def test_illustrative_file_says_so_and_cli_runs(tmp_path):
    first = ILLUSTRATIVE.read_text().splitlines()[0]
    assert "ILLUSTRATIVE" in first and "not real" in first
    out_yaml = tmp_path / "updated.yaml"
    r = subprocess.run([sys.executable, "-m", "sim", "validate", str(BASE), str(ILLUSTRATIVE), "--json",
                        "--write-scenario", str(out_yaml)], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["comments"][0].startswith("ILUSTRASI / ILLUSTRATIVE")
    updated = load_scenario(out_yaml)
    assert updated.param("assumptions.accidents.frequency_multiplier") == pytest.approx(
        out["suggested_assumptions"]["assumptions.accidents.frequency_multiplier"])
    r = subprocess.run([sys.executable, "-m", "sim", "validate", str(BASE), str(tmp_path / "none.csv")],
                       capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 2 and "file not found" in r.stderr
