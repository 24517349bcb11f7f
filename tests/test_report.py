"""The papermill report: parameter validation, end-to-end output, no overwrite, no partial files,
no personal data."""
import json
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import nbformat
import pytest

from sim.common.errors import InputError
from sim.outputs.report import PARAMETERS
from sim.outputs.report_runner import declared_parameters, report_paths, run_report, validate_parameters

ROOT = Path(__file__).resolve().parent.parent
BASE = ROOT / "params" / "belu-2023.yaml"
DAY = date(2026, 1, 31)
NAMES = ("Maria Goreti Bere", "Yohanes Mali", "5304010101900001", "5304010101900002")


def test_notebook_declares_the_documented_parameters():
    declared = declared_parameters()
    assert list(declared) == list(PARAMETERS)
    for name, (typ, default, _help) in PARAMETERS.items():
        assert declared[name]["inferred_type_name"] == typ.__name__
        assert eval(declared[name]["default"]) == default   # noqa: S307 (literal defaults of our own notebook)
        assert declared[name]["help"]


def test_unknown_and_mistyped_parameters_are_refused_together():
    with pytest.raises(InputError) as exc:
        validate_parameters({"languge": "en", "monte_carlo_years": "many", "overrides": "x=1", "scenario": "a"})
    text = "\n".join(map(str, exc.value.problems))
    assert "languge: unknown report parameter (did you mean 'language'?)" in text
    assert "monte_carlo_years: expected a value of type int, got 'many'" in text
    assert "overrides: expected a value of type list" in text
    assert len(exc.value.problems) == 3


def test_cli_refuses_a_misspelled_parameter_before_running(tmp_path):
    r = subprocess.run([sys.executable, "-m", "sim", "report", str(BASE), "-o", str(tmp_path), "-p", "monte_carlo_yeras",
                        "10"], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 2 and "did you mean 'monte_carlo_years'" in r.stderr and "Traceback" not in r.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.fixture(scope="module")
def baseline_report(tmp_path_factory):
    out = tmp_path_factory.mktemp("reports")
    paths = run_report(str(BASE), [], out, "id", monte_carlo_years=20_000, progress=False, day=DAY)
    return out, paths


def test_report_files_and_key_figures(baseline_report):
    out, paths = baseline_report
    assert sorted(p.name for p in out.iterdir()) == sorted(
        f"belu-2023-2026-01-31.{e}" for e in ("ipynb", "html", "json"))
    html = paths["html"].read_text(encoding="utf-8")
    for figure in ("Rp 1.175.126.400", "Rp 1.187.827.200", "-Rp 12.700.800", "5.829", "Rekonsiliasi anggaran",
                   "Sensitivitas", "Asumsi dan dasar hukum", "Asal-usul perhitungan", "SHA-256"):
        assert figure in html, figure
    assert html.count("data:image/png;base64") >= 2       # self-contained plots
    assert "<script" not in html and "cdnjs" not in html    # nothing fetched from outside


def test_report_html_has_no_code(baseline_report):
    _, paths = baseline_report
    html = paths["html"].read_text(encoding="utf-8")
    for code in ("R.prepare", "import matplotlib", "monte_carlo_years: int", "summary_json"):
        assert code not in html
    assert not re.search(r'class="[^"]*jp-InputArea[^"]*"', html)


def test_json_beside_the_report_matches_the_command_line(baseline_report):
    _, paths = baseline_report
    figures = json.loads(paths["json"].read_text())
    r = subprocess.run([sys.executable, "-m", "sim", "run", str(BASE), "--json", "--no-checks"], capture_output=True,
                       text=True, cwd=ROOT)
    cli = json.loads(r.stdout)
    for key in ("workers", "contributions", "budget", "expected_claims", "loss_ratio", "claims_quantiles", "seed"):
        assert figures[key] == cli[key], key
    prov = figures["provenance"]
    assert prov["seed"] == 20230522 and prov["version"] == cli["version"]
    assert prov["parameters"]["monte_carlo_years"] == 20_000
    assert "params/belu-2023.yaml" in prov["input_sha256"] and "params/policy/jkk.yaml" in prov["input_sha256"]


def test_executed_notebook_records_its_parameters(baseline_report):
    _, paths = baseline_report
    nb = nbformat.read(str(paths["ipynb"]), as_version=4)
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert injected and "monte_carlo_years = 20000" in injected[0].source
    assert nb.metadata["papermill"]["parameters"]["language"] == "id"


def test_existing_report_is_never_overwritten_silently(baseline_report):
    out, paths = baseline_report
    before = paths["html"].read_bytes()
    with pytest.raises(InputError) as exc:
        run_report(str(BASE), [], out, "id", progress=False, day=DAY)
    assert "already exists" in str(exc.value)
    assert paths["html"].read_bytes() == before


def test_failed_run_leaves_nothing_behind(tmp_path):
    # a negative number of Monte Carlo years passes the type check and fails inside the notebook
    with pytest.raises(Exception):
        run_report(str(BASE), [], tmp_path, "id", monte_carlo_years=-5, progress=False, day=DAY)
    assert list(tmp_path.iterdir()) == []


def test_english_roster_report_leaks_no_personal_data(tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("id;nik;name;village;sex;age;occupation\n"
                      f"1;{NAMES[2]};{NAMES[0]};Kewar;P;34;Petani/Pekebun\n"
                      f"2;{NAMES[3]};{NAMES[1]};Fulur;L;41;Nelayan/Perikanan\n", encoding="utf-8")
    scen = tmp_path / "roster-scenario.yaml"
    scen.write_text(f"extends: {BASE}\nscenario: {{name: roster-test}}\nportfolio: {{roster: roster.csv, workers: null}}\n")
    out = tmp_path / "out"
    paths = run_report(str(scen), [], out, "en", monte_carlo_years=1000, progress=False, day=DAY,
                       extra={"experience": "params/experience/illustrative-belu-2023-2025.csv", "projection_years": 3})
    assert paths == report_paths(out, "roster-test", DAY)
    html = paths["html"].read_text(encoding="utf-8")
    assert "Budget reconciliation" in html and "Assumptions and legal basis" in html
    assert "Validation against experience" in html and "ILLUSTRATIVE" in html and "Budget projection (3 years)" in html
    for p in paths.values():
        text = p.read_text(encoding="utf-8")
        for secret in NAMES:
            assert secret not in text, (p.name, secret)
