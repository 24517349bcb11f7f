"""Sensitivity grids: the vectorized grid against a full model per point; the fanned-out grid
(local processes) against the same points evaluated in this process; bad levers in one pass."""
from __future__ import annotations

import numpy as np
import pytest

from sim.analyses import grid as G
from sim.cli import main
from sim.common.paths import PARAMS_DIR
from sim.inputs.scenario import load_scenario
from sim.outputs.grid_runner import run_grid

BELU = PARAMS_DIR / "belu-2023.yaml"
TTU = PARAMS_DIR / "ntt" / "ttu-2025.yaml"


@pytest.mark.parametrize("path,sets", [(BELU, []), (TTU, []), (BELU, ["claims.take_up=0.7"])])
def test_vectorized_grid_equals_a_full_model_per_point(path, sets):
    scen = load_scenario(path, sets)
    axes = [G.Axis("assumptions.mortality.loading", 0.5, 2.0, 40), G.Axis("assumptions.accidents.frequency_multiplier", 0.5, 3.0, 25)]
    metrics = ["loss_ratio", "expected_jkk", "expected_jkm", "budget_need"]
    vec = G.vectorized(scen, axes, metrics)
    assert vec["loss_ratio"].shape == (40, 25)
    pts = G.points(axes)
    pick = [0, 17, 333, 999]
    ref = G.evaluate_points(scen, [a.key for a in axes], pts[pick], metrics)
    for m in metrics:
        assert vec[m].ravel()[pick] == pytest.approx(ref[m], rel=1e-11), m
    # the scenario's own values sit on the grid at loading 1, multiplier 1: the model's expected claims
    from sim.analyses.model import run
    base = run(scen, checks=False)
    one = G.vectorized(scen, [G.Axis("assumptions.mortality.loading", 1, 1, 1)], ["expected_claims"])
    assert one["expected_claims"][0] == pytest.approx(base["expected_claims"]["total"], rel=1e-12)


def test_fanned_out_grid_equals_points_in_process():
    specs = ["assumptions.accidents.medical_mean=5000000:20000000:3", "income.declared_monthly=1000000:2000000:2"]
    res = run_grid(str(BELU), [], specs, ["loss_ratio", "var_99_5"], jobs=2, chunk=2)
    assert res["method"].startswith("point by point in 3 chunks on local processes")
    scen = load_scenario(BELU)
    axes = [G.Axis("assumptions.accidents.medical_mean", 5e6, 2e7, 3), G.Axis("income.declared_monthly", 1e6, 2e6, 2)]
    ref = G.evaluate_points(scen, [a.key for a in axes], G.points(axes), ["loss_ratio", "var_99_5"])
    assert res["values"]["loss_ratio"] == pytest.approx(ref["loss_ratio"], rel=1e-12)
    assert res["values"]["var_99_5"] == ref["var_99_5"]
    # a higher declared income raises contributions (JKK 1%) more than claims: lower loss ratio
    lr = np.array(res["values"]["loss_ratio"]).reshape(3, 2)
    assert (lr[:, 1] < lr[:, 0]).all()


def test_bad_levers_and_metrics_in_one_pass(capsys):
    code = main(["grid", str(BELU), "--vary", "x=1:2", "--vary", "assumptions.mortality.loading=1:2:0",
                 "--vary", "scenario.name=1:2:3", "--metric", "foo"])
    err = capsys.readouterr().err
    assert code == 2 and err.count("error:") == 4 and "Traceback" not in err
    assert main(["grid", str(BELU), "--vary", "assumptions.mortality.loading=0.5:2:1001",
                 "--vary", "assumptions.accidents.frequency_multiplier=0.5:2:1001"]) == 2
    assert "at most 1,000,000" in capsys.readouterr().err
