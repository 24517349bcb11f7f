"""The explorer: figures equal the command line's, controls move them, the scenario round trip."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

from sim.analyses.model import run
from sim.common.formatting import rupiah
from sim.inputs.scenario import load_scenario
from sim.outputs.explorer import Explorer, ExplorerModel, summary_html

ROOT = Path(__file__).resolve().parent.parent
BASE = ROOT / "params" / "belu-2023.yaml"


@pytest.fixture(scope="module")
def model():
    return ExplorerModel(BASE)


def test_defaults_reproduce_the_scenario(model):
    r = model.compute(model.defaults()).summary
    cli = run(load_scenario(BASE, ["simulation.monte_carlo_years=0"]), checks=False)
    for key in ("contributions", "budget", "expected_claims", "loss_ratio", "claims_quantiles"):
        assert r[key] == cli[key], key


def test_controls_move_the_figures(model):
    v = model.defaults()
    base = model.compute(v).summary
    jht = model.compute({**v, "jht": True}).summary
    assert jht["budget"]["required"] == 5892 * 36_800 * 12
    half = model.compute({**v, "share": 0.5}).summary
    assert half["workers"] == 2946 and half["budget"]["required"] == 2946 * 16_800 * 12
    more_deaths = model.compute({**v, "loading": 1.5}).summary
    assert more_deaths["expected_claims"]["jkm"] > base["expected_claims"]["jkm"]
    assert more_deaths["contributions"] == base["contributions"]
    no_acc = model.compute({**v, "frequency": 0.0}).summary
    assert no_acc["expected_claims"]["jkk"] == 0
    rich = model.compute({**v, "income": 2_123_994.0}).summary
    assert rich["contributions"]["jkk"] == pytest.approx(5892 * 21_239.94 * 12)
    copay = model.compute({**v, "jht": True, "jht_share": 0.0}).summary
    assert copay["budget"]["required"] == base["budget"]["required"]


def test_jht_balance_and_fund(model):
    from sim.analyses import jht
    v = {**model.defaults(), "jht": True, "years": 20, "jht_return": 0.05}
    r = model.compute(v)
    assert r.jht_balance == pytest.approx(jht.balance(240, 20_000, 0.05))
    # lapses, deaths, new members and payouts at 56 make the fund differ from members x one balance;
    # it is the projection's deterministic fund in year 20
    rows = model.projection_rows(v, paths=0)
    assert r.jht_fund == pytest.approx(rows[-1]["jht"]["fund"]) and r.jht_members == pytest.approx(rows[-1]["jht"]["members"])
    assert 0 < r.jht_fund < r.jht_members * r.jht_balance


def test_saved_scenario_round_trips_through_the_command_line(model, tmp_path):
    v = {**model.defaults(), "jht": True, "jht_rate": 0.03, "income": 1_500_000.0, "share": 0.8, "loading": 1.2,
         "frequency": 1.5, "jht_return": 0.055, "jht_share": 0.5}
    path = model.save(tmp_path / "saved.yaml", "saved-run", v)
    text = path.read_text()
    assert "extends:" in text and "belu-2023.yaml" in text and "allocation" not in text  # never copies the baseline
    r = subprocess.run([sys.executable, "-m", "sim", "run", str(path), "--json", "--no-checks",
                        "--set", "simulation.monte_carlo_years=0"], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    want = model.compute(v).summary
    assert out["scenario"] == "saved-run"
    for key in ("workers", "contributions", "budget", "expected_claims", "loss_ratio", "claims_quantiles",
                "prob_claims_exceed_contributions"):
        assert out[key] == want[key], key


def test_saving_an_invalid_name_writes_nothing(model, tmp_path):
    from sim.common.errors import InputError
    with pytest.raises(InputError):
        model.save(tmp_path / "bad.yaml", "bad name with spaces", model.defaults())
    assert list(tmp_path.iterdir()) == []


def test_widget_updates_table_and_plot(tmp_path):
    ex = Explorer(BASE, save_dir=tmp_path)
    assert 'id="budget-required"' in ex.table.value or "id='budget-required'" in ex.table.value
    assert rupiah(5892 * 16_800 * 12) in ex.table.value
    first_png = ex.plot.value
    ex.controls["jht"].value = True
    assert rupiah(5892 * 36_800 * 12) in ex.table.value and "jht-balance" in ex.table.value
    ex.controls["loading"].value = 2.0
    assert ex.plot.value != first_png and ex.plot.value[:4] == b"\x89PNG"
    ex.name.value = "from-widget"
    ex._save()
    assert (tmp_path / "from-widget.yaml").is_file() and "Saved" in ex.save_status.value


def test_summary_html_marks_a_shortfall(model):
    html = summary_html(model.compute(model.defaults()))
    assert "-Rp 12.700.800" in html and "shortfall" in html
