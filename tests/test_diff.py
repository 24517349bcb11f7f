"""``python -m sim diff`` on two report JSONs made here, and the report's -p previous section."""
from __future__ import annotations

import json

import pytest

from sim.cli import main
from sim.common.paths import PARAMS_DIR
from sim.outputs.report_runner import run_report

BASE = PARAMS_DIR / "belu-2023.yaml"
SETS = ["income.declared_monthly=1500000", "assumptions.mortality.loading=1.2"]


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("diff")
    old = run_report(str(BASE), [], tmp / "old", "id", monte_carlo_years=0, extra={"projection_years": 0},
                     progress=False)
    new = run_report(str(BASE), SETS, tmp / "new", "id", monte_carlo_years=0,
                     extra={"projection_years": 0, "previous": str(old["json"])}, progress=False)
    return old, new


def _diff(reports, capsys, *extra):
    old, new = reports
    assert main(["diff", str(old["json"]), str(new["json"]), *extra]) == 0
    return capsys.readouterr().out


def test_changed_inputs_are_listed(reports, capsys):
    d = json.loads(_diff(reports, capsys, "--json"))
    assert [c["key"] for c in d["inputs"]["settings"]] == ["income.declared_monthly"]
    assert d["inputs"]["settings"][0]["old"] == 1_000_000 and d["inputs"]["settings"][0]["new"] == 1_500_000
    assert [c["key"] for c in d["inputs"]["parameters"]] == ["assumptions.mortality.loading"]
    assert d["inputs"]["files"] == []                    # same files, same hashes
    assert [c["key"] for c in d["inputs"]["report_parameters"]] == ["overrides"]


def test_attribution_by_hand_and_exact_sum(reports, capsys):
    d = json.loads(_diff(reports, capsys, "--json"))
    a = d["attribution"]
    assert a["available"] and a["order"][0] == "code_and_data" and a["order"][-1] == "residual"
    assert a["order"][1:-1] == ["law", "assumptions", "portfolio", "income", "programmes", "budget", "start", "simulation"]
    steps = {s["step"]: s for s in a["steps"]}
    # the mortality loading moves no contribution; the income moves JKK's 1% only:
    # 5,892 workers x 12 months x 1% x Rp 500,000 = Rp 353,520,000 (by hand)
    assert steps["assumptions"]["effect"]["contributions.total"] == 0
    assert steps["income"]["effect"]["contributions.total"] == pytest.approx(5892 * 12 * 5000, abs=1e-3)
    assert steps["income"]["effect"]["budget.required"] == pytest.approx(5892 * 12 * 5000, abs=1e-3)
    # JKM benefits are flat (PP 82/2019), so the income step cannot move JKM's expected claims
    assert steps["income"]["effect"]["expected_claims.jkm"] == pytest.approx(0, abs=1e-6)
    assert steps["assumptions"]["effect"]["expected_claims.jkm"] > 0
    # unchanged groups contribute nothing; the same code recomputes the old report exactly
    for s in ("law", "portfolio", "programmes", "budget", "start", "simulation"):
        assert all(v == 0 for v in steps[s]["effect"].values()), s
    for s in ("code_and_data", "residual"):
        assert all(abs(v) < 1e-6 * max(1.0, abs(f["old"])) for f, v in
                   zip(d["figures"], [steps[s]["effect"][f["key"]] for f in d["figures"]])), s
    # the steps add up to each figure's change exactly
    for f in d["figures"]:
        total = sum(s["effect"][f["key"]] for s in a["steps"])
        assert total == pytest.approx(f["change"], rel=1e-9, abs=1e-9), f["key"]


def test_text_output_is_indonesian_first(reports, capsys):
    out = _diff(reports, capsys)
    assert "Masukan yang berubah" in out and "income.declared_monthly: 1000000 -> 1500000" in out
    assert "+Rp 353.520.000" in out and "Penghasilan dilaporkan" in out
    out = _diff(reports, capsys, "--lang", "en")
    assert "Inputs that changed" in out and "Declared income" in out


def test_report_with_previous_has_the_section(reports):
    _, new = reports
    page = new["html"].read_text(encoding="utf-8")
    assert "Apa yang berubah sejak laporan terakhir" in page and "assumptions.mortality.loading" in page


def test_bad_files_exit_2_with_both_problems(tmp_path, capsys):
    bad = tmp_path / "x.json"
    bad.write_text("{not json", encoding="utf-8")
    assert main(["diff", str(bad), str(tmp_path / "missing.json")]) == 2
    err = capsys.readouterr().err
    assert "x.json: not a JSON file" in err and "missing.json: file not found" in err and "Traceback" not in err
