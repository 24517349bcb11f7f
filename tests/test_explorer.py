"""The explorer's model: figures equal the command line's, controls move them, each figure's
difference from the baseline, saving (safe names, no overwrite without asking, never a shipped
scenario) and the saved file's round trip through the command line."""
import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from sim.analyses.model import run
from sim.inputs.scenario import load_scenario
from sim.outputs.explorer import ExplorerModel, figures
from sim.outputs.scenario_save import SaveError, safe_stem, scenario_text, target_for

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


def test_key_figures_of_the_baseline(model):
    """The figures the explorer notebook used to print for nbval, checked here instead (so that
    nothing but the dashboard shows in Voila): 5,892 x Rp 16,800 x 12 and whole worker-years."""
    f = figures(model.compute(model.defaults()))
    assert f["required"] == 5892 * 16_800 * 12 == 1_187_827_200
    assert f["worker_years"] == 1_175_126_400 // (16_800 * 12) == 5829
    assert f["difference"] == 1_175_126_400 - 1_187_827_200


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
    six = model.compute({**v, "months": 6}).summary
    assert six["budget"]["required"] == 5892 * 16_800 * 6
    assert six["budget"]["months_covered"] == pytest.approx(1_175_126_400 / (5892 * 16_800))
    more = model.compute({**v, "allocation": 1_500_000_000.0}).summary
    assert more["budget"]["difference"] == 1_500_000_000 - 1_187_827_200
    assert more["budget"]["funded_worker_years"] == 1_500_000_000 // (16_800 * 12)


def test_differences_from_the_baseline(model):
    v = model.defaults()
    assert all(d in (0, None) for d in model.differences(model.compute(v)).values())
    d = model.differences(model.compute({**v, "jht": True}))
    assert d["required"] == 5892 * 20_000 * 12 == 1_414_080_000        # JHT 2% of Rp 1.000.000 a month
    assert d["difference"] == -1_414_080_000 and d["need.jht"] == 1_414_080_000
    assert d["claims.total"] == 0 and d["loss_ratio.total"] == 0      # JHT is savings, not risk cover
    d = model.differences(model.compute({**v, "allocation": 1_500_000_000.0}))
    assert d["difference"] == 1_500_000_000 - 1_175_126_400 and d["required"] == 0
    d = model.differences(model.compute({**v, "workers": 6000}))
    assert d["required"] == (6000 - 5892) * 16_800 * 12 and d["workers"] == 108


def test_income_options_are_shown_by_their_labels(model):
    opts = model.income_options()
    assert "Batas bawah BPU: Rp 1.000.000" in opts and "UMP NTT 2023: Rp 2.123.994" in opts
    assert "UMP NTT 2025: Rp 2.328.969,69" in opts                       # not rounded away
    for raw in ("floor", "ump_2023", "1.5 juta", "3 juta"):
        assert not any(text.startswith(raw) for text in opts)
    assert opts["Batas bawah BPU: Rp 1.000.000"] == 1_000_000


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


@pytest.mark.parametrize("text, stem", [
    ("Skenario uji Pak Budi", "skenario-uji-pak-budi"), ("Désa Atambua / 2024", "desa-atambua-2024"),
    ("  JHT 3% (usul)  ", "jht-3-usul"), ("../../etc/passwd", "etc-passwd"), ("con", "con-skenario"),
    ("belu-2023", "belu-2023"), ("   ", ""), ("###", ""), ("a" * 100, "a" * 60),
])
def test_safe_file_names(text, stem):
    assert safe_stem(text) == stem


def test_saved_scenario_round_trips_through_the_command_line(model, tmp_path):
    v = {**model.defaults(), "jht": True, "jht_rate": 0.03, "income": 1_500_000.0, "share": 0.8, "loading": 1.2,
         "frequency": 1.5, "jht_return": 0.055, "jht_share": 0.5, "allocation": 1_300_000_000.0, "months": 10}
    path = model.save(tmp_path / "saved.yaml", "Skenario uji Pak Budi", v)
    text = path.read_text(encoding="utf-8")
    doc = yaml.safe_load(text)
    assert doc["scenario"]["name"] == "skenario-uji-pak-budi"
    assert doc["scenario"]["title"] == {"id": "Skenario uji Pak Budi", "en": "Skenario uji Pak Budi"}
    assert doc["budget"]["allocation"] == 1_300_000_000 and doc["budget"]["months"] == 10
    assert "workers" in doc["portfolio"] and "roster" not in doc["portfolio"]
    assert (path.stat().st_mode & 0o777) != 0o600            # readable like any file the user makes
    r = subprocess.run([sys.executable, "-m", "sim", "run", str(path), "--json", "--no-checks",
                        "--set", "simulation.monte_carlo_years=0"], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    want = model.compute(v).summary
    assert out["scenario"] == "skenario-uji-pak-budi"
    for key in ("workers", "contributions", "budget", "expected_claims", "loss_ratio", "claims_quantiles",
                "prob_claims_exceed_contributions"):
        assert out[key] == want[key], key
    # the download is the same document
    assert yaml.safe_load(scenario_text(model, path, "Skenario uji Pak Budi", v)) == doc


def test_an_unchanged_scenario_copies_nothing_of_the_baseline(model, tmp_path):
    path = model.save(tmp_path / "same.yaml", "same", model.defaults())
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert set(doc) == {"extends", "scenario"}
    assert load_scenario(path)["budget.allocation"] == 1_175_126_400


def _digest(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def test_saving_never_overwrites_without_asking(model, tmp_path):
    v = model.defaults()
    target = target_for(tmp_path, "Skenario uji Pak Budi")
    assert target.name == "skenario-uji-pak-budi.yaml"
    model.save(target, "Skenario uji Pak Budi", v)
    before = _digest(target)
    with pytest.raises(SaveError) as exc:
        model.save(target, "Skenario uji Pak Budi", {**v, "jht": True})
    assert exc.value.kind == "exists" and "Timpa?" in exc.value.message and "Replace it?" in exc.value.message
    assert _digest(target) == before
    model.save(target, "Skenario uji Pak Budi", {**v, "jht": True}, overwrite=True)      # asked and confirmed
    assert load_scenario(target)["programs.jht"] is True
    assert sorted(p.name for p in tmp_path.iterdir()) == ["skenario-uji-pak-budi.yaml"]  # no temp file left


def test_saving_never_touches_a_shipped_or_foreign_file(model, tmp_path):
    shipped = {p: _digest(p) for p in (ROOT / "params").glob("*.yaml")}
    for target in shipped:
        for overwrite in (False, True):
            with pytest.raises(SaveError) as exc:
                model.save(target, target.stem, {**model.defaults(), "jht": True}, overwrite=overwrite)
            assert exc.value.kind == "refused"
            assert "/tmp" not in exc.value.message and ".yaml" in exc.value.message
    assert {p: _digest(p) for p in shipped} == shipped
    own = tmp_path / "mine.yaml"
    own.write_text("# my own notes\nscenario: {name: mine}\n", encoding="utf-8")
    with pytest.raises(SaveError, match="bukan simpanan dasbor"):
        model.save(own, "mine", model.defaults(), overwrite=True)
    assert own.read_text(encoding="utf-8").startswith("# my own notes")
    with pytest.raises(SaveError) as exc:
        target_for(tmp_path, "  ?? ")
    assert exc.value.kind == "name"


def test_the_explorer_never_reads_a_roster(tmp_path, monkeypatch):
    """A scenario naming a roster: the explorer models the synthetic roster of its head count and
    never reads the file (reading it fails the test), so no personal data reaches a dashboard."""
    import sim.inputs.build
    import sim.inputs.roster
    roster = tmp_path / "roster.csv"
    roster.write_text("village,sex,age,occupation,nik,name\nAtambua,L,40,Petani/Pekebun,5304012345678901,Budi Santoso\n",
                      encoding="utf-8")
    scen = tmp_path / "with-roster.yaml"
    scen.write_text(f"extends: {BASE}\nscenario: {{name: with-roster}}\nportfolio: {{roster: roster.csv}}\n",
                    encoding="utf-8")

    def forbidden(*a, **k):
        raise AssertionError("the explorer read a roster")
    monkeypatch.setattr(sim.inputs.roster, "read_roster", forbidden)
    monkeypatch.setattr(sim.inputs.build, "read_roster", forbidden)
    m = ExplorerModel(scen)
    r = m.compute(m.defaults()).summary
    assert r["workers"] == 5892 and r["portfolio_source"] == "synthetic"
    assert "Budi" not in json.dumps(r, default=str) and "5304012345678901" not in json.dumps(r, default=str)
    text = scenario_text(m, tmp_path / "x.yaml", "x", {**m.defaults(), "jht": True})
    assert "Budi" not in text and "roster.csv" not in text and "roster: null" in text    # figures as shown
