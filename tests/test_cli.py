"""The command line as scheduled runs use it: JSON keys and figures, --set, the readable summary."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run_cli(*args):
    r = subprocess.run([sys.executable, "-m", "sim", *args], capture_output=True, text=True, cwd=ROOT)
    return r


@pytest.fixture(scope="module")
def baseline_json():
    r = run_cli("run", "params/belu-2023.yaml", "--json")
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def test_json_has_every_public_key(baseline_json):
    out = baseline_json
    for key in ("scenario", "workers", "contributions", "budget", "expected_deaths", "expected_accidents",
                "expected_claims", "loss_ratio", "claims_quantiles", "prob_claims_exceed_contributions", "seed",
                "version"):
        assert key in out, key
    assert set(out["contributions"]) == {"jkk", "jkm", "jht", "total"}
    assert {"allocation", "required", "difference", "funded_worker_years", "months_covered"} <= set(out["budget"])
    assert set(out["expected_claims"]) == set(out["loss_ratio"]) == {"jkk", "jkm", "total"}
    assert list(out["claims_quantiles"]) == ["50", "90", "95", "99", "99.5"]


def test_json_figures_for_belu_2023(baseline_json):
    out = baseline_json
    assert out["scenario"] == "belu-2023" and out["workers"] == 5892 and out["seed"] == 20230522
    assert out["contributions"]["total"] == 1_187_827_200
    assert out["budget"]["allocation"] == 1_175_126_400
    assert out["budget"]["difference"] == -12_700_800
    assert out["budget"]["funded_worker_years"] == 5829
    lr = out["loss_ratio"]
    assert lr["total"] == pytest.approx(out["expected_claims"]["total"] / 1_187_827_200)
    q = out["claims_quantiles"]
    assert q["50"] <= q["90"] <= q["95"] <= q["99"] <= q["99.5"] <= out["tvar_99_5"]
    assert 0 < out["prob_claims_exceed_contributions"] < 1
    # the Monte Carlo cross-check agrees with the exact mean within 4 standard errors
    mc = out["monte_carlo"]
    assert abs(mc["mean"] - out["expected_claims"]["total"]) < 4 * mc["mean_se"]
    assert out["checks"]["grid_doubling_max_cdf_change"] < 1e-9


def test_set_overrides_reach_the_figures():
    r = run_cli("run", "params/belu-2023.yaml", "--json", "--no-checks", "--set", "programs.jht=true",
                "--set", "income.declared_monthly=1500000", "--set", "simulation.monte_carlo_years=0")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["contributions"]["jht"] == 5892 * 30_000 * 12
    assert out["contributions"]["jkk"] == 5892 * 15_000 * 12
    assert "monte_carlo" not in out and "checks" not in out


def test_readable_summary_uses_indonesian_rupiah():
    r = run_cli("run", "params/belu-2023.yaml", "--set", "simulation.monte_carlo_years=0")
    assert r.returncode == 0, r.stderr
    assert "Rp 1.175.126.400" in r.stdout and "Rp 1.187.827.200" in r.stdout
    assert "-Rp 12.700.800" in r.stdout and "kurang / shortfall" in r.stdout
    assert "5.829" in r.stdout and "11,87" in r.stdout


def test_formatting_helpers():
    from sim.common.formatting import number, percent, rupiah
    assert rupiah(1175126400) == "Rp 1.175.126.400"
    assert rupiah(-12700800) == "-Rp 12.700.800"
    assert rupiah(1234.5, 2) == "Rp 1.234,50"
    assert number(11.8693, 2) == "11,87" and percent(0.6971) == "69,7%"
