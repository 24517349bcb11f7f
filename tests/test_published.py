"""A published aggregate held against the model (issue 11): A/E range, reconciling take-up and lag."""
import json
import subprocess
import sys

import numpy as np
import pytest
from scipy import integrate

from sim.analyses import published as P
from sim.analyses.model import run
from sim.inputs.scenario import load_scenario

NTT = "params/experience/published-ntt-2025.yaml"


@pytest.fixture(scope="module")
def scen():
    return load_scenario("params/belu-2023.yaml")


def test_reported_share_formula_against_integration():
    T, mu = 2.5, 0.8
    # events uniform on [0, T], delay exponential with mean mu: P(reported by T) = (1/T) int_0^T (1 - e^{-(T-s)/mu}) ds
    want = integrate.quad(lambda s: 1 - np.exp(-(T - s) / mu), 0, T)[0] / T
    assert P.reported_share(mu, T) == pytest.approx(want, rel=1e-10)
    assert P.delay_for_share(want, T) == pytest.approx(mu, rel=1e-8)
    assert P.delay_for_share(1.2, T) == 0.0


def test_ntt_figure_by_hand(scen):
    pub = P.read_published(NTT)
    out = P.compare(scen, pub)
    m = out["model"]
    r = m["expected_claims"] / m["worker_years"]
    assert out["ae_count"]["low"] == pytest.approx(40 / (r * 31000))
    assert out["ae_count"]["high"] == pytest.approx(40 / (r * 8000))
    # the scenario's own expectation over Jun 2023 - Dec 2025 (about 2.58 years of Belu's cohort)
    assert 80 < m["expected_claims"] < 100
    assert out["take_up_reconciling"] == [pytest.approx(out["ae_count"]["low"]), pytest.approx(out["ae_count"]["high"])]
    assert out["direction"] in ("below", "leans_below")
    assert "fewer claims made or reported" in out["verdict"]["en"]


def test_cash_basis_amount_is_below_commitment_basis(scen, tmp_path):
    text = open(NTT).read().replace("amount_basis: cash", "amount_basis: commitment")
    (tmp_path / "c.yaml").write_text(text)
    cash = P.compare(scen, P.read_published(NTT))["model"]["expected_amount"]
    commit = P.compare(scen, P.read_published(tmp_path / "c.yaml"))["model"]["expected_amount"]
    assert cash < commit


def test_take_up_scales_claims(scen):
    full = run(scen, checks=False)
    half = run(scen.updated({"claims.take_up": 0.5}), checks=False)
    assert half["expected_claims"]["total"] == pytest.approx(0.5 * full["expected_claims"]["total"], rel=1e-12)
    assert half["contributions"] == full["contributions"]


def test_cli_and_bad_input():
    r = subprocess.run([sys.executable, "-m", "sim", "published", "params/belu-2023.yaml", NTT, "--json"],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["published"]["claims"] == 40
    r = subprocess.run([sys.executable, "-m", "sim", "run", "params/belu-2023.yaml", "--set", "claims.take_up=1.5"],
                       capture_output=True, text=True)
    assert r.returncode == 2 and "claims.take_up" in r.stderr
