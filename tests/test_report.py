"""The council report: parameters checked before a kernel starts, the five files of one run (HTML,
PDF, workbook, JSON, notebook) read back and held against independent calculations, naming,
up-to-date reruns, locks, killed runs, no personal data.  One baseline run is shared
(``council_report`` in conftest.py)."""
import hashlib
import json
import os
import re
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import nbformat
import pytest

from sim.common.errors import InputError
from sim.common.formatting import percent, rupiah
from sim.inputs.scenario import load_scenario
from sim.outputs import report_files as F
from sim.outputs.report import PARAMETERS
from sim.outputs.report_naming import report_name, retitle
from sim.outputs.report_runner import declared_parameters, report_paths, run_report, validate_parameters

ROOT = Path(__file__).resolve().parent.parent
BASE = ROOT / "params" / "belu-2023.yaml"
EXPERIENCE = "params/experience/illustrative-belu-2023-2025.csv"
DAY = date(2026, 1, 31)
STEM = "belu-2023-2026-01-31"
NAMES = ("Maria Goreti Bere", "Yohanes Mali", "5304010101900001", "5304010101900002")
NBSP = "\u00a0"
# Belu 2023 by hand: 5,892 workers x Rp 16,800 a month (JKK 1% of Rp 1,000,000 + JKM Rp 6,800)
ALLOC, WORKERS, M = 1_175_126_400, 5_892, 16_800
JHT_M = M + 20_000


def _cli(*args, timeout=300):
    return subprocess.run([sys.executable, "-m", "sim", *args], capture_output=True, text=True, cwd=ROOT, timeout=timeout)


def _pdf_text(path: Path) -> str:
    from pypdf import PdfReader
    return "\n".join(page.extract_text() for page in PdfReader(str(path)).pages)


# --- parameters -------------------------------------------------------------------------------

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


def _main(capsys, *args):
    """The command line in this process (no interpreter start-up): exit code, stdout, stderr."""
    from sim.cli import main
    code = main(list(args))
    cap = capsys.readouterr()
    return code, cap.out, cap.err


def _refused(tmp_path, capsys, *args):
    out = tmp_path / "out"
    code, _, err = _main(capsys, "report", str(BASE), "-o", str(out), *args)
    assert code == 2, err
    assert "Traceback" not in err and "no report was written" in err
    assert not out.exists() or list(out.iterdir()) == []        # nothing written, no kernel started
    return [line for line in err.splitlines() if line.startswith("error: ")]


def test_every_report_parameter_problem_is_reported_in_one_pass_before_a_kernel(tmp_path, capsys):
    bad = tmp_path / "bad-experience.csv"
    bad.write_text("year,program,claim_type,count,amount,exposure_months\n2024,JKX,death,two,1,12\n", encoding="utf-8")
    lines = _refused(tmp_path, capsys, "-p", "experience", str(bad), "-p", "projection_years", "99",
                     "-p", "overrides", "[portfolio.worker=1]", "-p", "monte_carlo_years", "-1",
                     "-p", "scenario", "params/belu-2023-jht.yaml", "-p", "summary_json", "x.json", "-p", "languag", "en")
    text = "\n".join(lines)
    for expected in ("projection_years", "monte_carlo_years", "portfolio.worker", "did you mean 'portfolio.workers'",
                     "-p: scenario", "summary_json", "did you mean 'language'", "bad-experience.csv"):
        assert expected in text, (expected, text)
    assert len(lines) >= 8


@pytest.mark.parametrize("args,expected", [
    (("-p", "scenario", "params/belu-2023-jht.yaml"), "differs from the scenario argument"),
    (("-p", "experience", "no/such/file.csv"), "file.csv"),
    (("-p", "monte_carlo_years", "100000000000"), "monte_carlo_years"),
    (("-p", "projection_years", "-3"), "projection_years"),
    (("-p", "overrides", "[programs.jht=maybe]"), "programs.jht"),
    (("--set", "budget.months=0"), "budget.months"),
    (("--set", "programs.jkk=false", "--set", "programs.jkm=false"), "every programme is switched off"),
    (("--set", "programs.jkk=false", "--set", "programs.jkm=false", "--set", "programs.jht=true",
      "--set", "budget.jht_regency_share=0"), "the regency pays none of it"),
    (("-p", "title", "x" * 201), "at most 200 characters"),
    (("-p", "fingerprint", "abc"), "set by the report command itself"),
])
def test_each_bad_report_parameter_is_exit_2(tmp_path, capsys, args, expected):
    lines = _refused(tmp_path, capsys, *args)
    assert len(lines) == 1 and expected in lines[0], lines


def test_bad_output_folder_is_exit_2(tmp_path, capsys):
    a_file = tmp_path / "a-file"
    a_file.write_text("keep me")
    for target, expected in ((a_file, "this is a file"), (a_file / "sub", "cannot be made"),
                             (tmp_path / ("x" * 300), "longer than 255")):
        code, _, err = _main(capsys, "report", str(BASE), "-o", str(target))
        assert code == 2 and expected in err and "Traceback" not in err, err
    r = _cli("report", str(BASE), "-o", str(a_file))                 # the real command line too
    assert r.returncode == 2 and "this is a file" in r.stderr and "Traceback" not in r.stderr
    assert a_file.read_text() == "keep me"


def test_a_report_under_way_is_never_replaced_by_a_second_run(tmp_path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    stem = f"belu-2023-{date.today().isoformat()}"
    lock = F.ReportLock(out, stem)
    assert lock.acquire() is None
    try:
        code, _, err = _main(capsys, "report", str(BASE), "-o", str(out), "--quiet")
        assert code == 2 and "another run of this report is under way (pid " in err, err
        assert F.ReportLock(out, stem).acquire() is not None      # still held, even within one process
    finally:
        lock.release()
    assert list(out.iterdir()) == []


# --- naming -----------------------------------------------------------------------------------

def test_names_and_titles_say_what_the_overrides_changed():
    base = load_scenario(BASE)
    jht = load_scenario(BASE, ["programs.jht=true"])
    assert report_name(base, jht, ["programs.jht=true"]) == "belu-2023_jht-true"
    two = ["programs.jht=true", "income.declared_monthly=1500000"]
    assert report_name(base, load_scenario(BASE, two), two) == "belu-2023_jht-true_declared-monthly-1500000"
    same = load_scenario(BASE, ["programs.jht=false"])            # changes nothing: the baseline's name
    assert report_name(base, same, ["programs.jht=false"]) == "belu-2023"
    named = ["scenario.name=dprd-option-b", "programs.jht=true"]
    assert report_name(base, load_scenario(BASE, named), named) == "dprd-option-b"
    many = ["scenario.name=" + "x" * 200]
    long = report_name(base, load_scenario(BASE, many), many)
    assert len(long) <= 120 and re.fullmatch(r"x+_[0-9a-f]{10}", long)
    five = ["programs.jht=true", "income.declared_monthly=1500000", "budget.allocation=2000000000", "budget.months=6",
            "assumptions.mortality.loading=1.25", "assumptions.accidents.frequency_multiplier=1.5", "portfolio.workers=7000"]
    assert len(report_name(base, load_scenario(BASE, five), five)) <= 120
    assert retitle("Belu 2023: pekerja rentan, JKK + JKM", "JKK + JKM + JHT") == "Belu 2023: pekerja rentan, JKK + JKM + JHT"

    from sim.outputs.report import report_title
    until = ["budget.funded_until=2024-12-31"]
    assert report_title(load_scenario(BASE, until), until, "id") == \
        "Belu 2023: pekerja rentan, JKK + JKM (didanai sampai 31 Desember 2024)"
    assert report_title(jht, ["programs.jht=true"], "id") == "Belu 2023: pekerja rentan, JKK + JKM + JHT"
    inc = ["income.declared_monthly=1500000"]
    assert report_title(load_scenario(BASE, inc), inc, "en") == "Belu 2023: vulnerable workers, JKK + JKM (income Rp 1.500.000)"
    assert report_name(base, jht, ["programs.jht=true"], "en") == "belu-2023_jht-true-en"
    assert report_title(base, [], "en") == "Belu 2023: vulnerable workers, JKK + JKM"


def test_choose_up_to_date_new_name_or_force(tmp_path):
    def make(stem, fp):
        for p in F.paths_for(tmp_path, stem).values():
            p.write_text(json.dumps({"provenance": {"fingerprint": fp}}) if p.suffix == ".json" else "x")
    assert F.choose(tmp_path, "r-2026-01-31", "A", False) == ("new", F.paths_for(tmp_path, "r-2026-01-31"))
    make("r-2026-01-31", "A")
    assert F.choose(tmp_path, "r-2026-01-31", "A", False)[0] == "up-to-date"
    assert F.choose(tmp_path, "r-2026-01-31", "B", False) == ("new", F.paths_for(tmp_path, "r-2026-01-31-2"))
    make("r-2026-01-31-2", "B")
    assert F.choose(tmp_path, "r-2026-01-31", "B", False) == ("up-to-date", F.paths_for(tmp_path, "r-2026-01-31-2"))
    assert F.choose(tmp_path, "r-2026-01-31", "C", False)[1]["json"].name == "r-2026-01-31-3.json"
    assert F.choose(tmp_path, "r-2026-01-31", "A", True) == ("new", F.paths_for(tmp_path, "r-2026-01-31"))
    (tmp_path / "r-2026-01-31-2.pdf").unlink()                 # an incomplete report is never "up to date"
    assert F.choose(tmp_path, "r-2026-01-31", "B", False)[1]["json"].name == "r-2026-01-31-3.json"


def test_stale_temporary_folders_of_killed_runs_are_removed(tmp_path):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale, live = tmp_path / (F.TMP_PREFIX + "a"), tmp_path / (F.TMP_PREFIX + "b")
    for d, pid in ((stale, dead.pid), (live, os.getpid())):
        d.mkdir()
        (d / "pid").write_text(str(pid))
    assert F.clean_stale(tmp_path) == [stale.name]
    assert live.exists() and not stale.exists()


# --- the files of one run ---------------------------------------------------------------------

def test_report_files(council_report):
    out, paths = council_report
    assert paths.status == "written"
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{STEM}.{e}" for e in ("ipynb", "html", "pdf", "xlsx", "json"))
    assert paths == report_paths(out, "belu-2023", DAY)


def test_html_reads_in_order_in_indonesian_without_code(council_report):
    _, paths = council_report
    html = paths["html"].read_text(encoding="utf-8")
    assert '<html lang="id">' in html
    text = html.replace(NBSP, " ").replace("&nbsp;", " ")
    order = ["1. Apa yang dibeli anggaran ini", "Pilihan", "2. Siapa menanggung biaya apa",
             "3. Apa yang bisa salah dan seberapa mungkin", "4. Gambaran beberapa tahun", "5. Rincian",
             "6. Daftar istilah", "Lampiran: asal-usul perhitungan"]
    pos = [text.index(h) for h in order]
    assert pos == sorted(pos)
    for figure in ("Rp 1.175.126.400", "Rp 1.187.827.200", "kurang Rp 12.700.800", "5.829 peserta selama 12 bulan",
                   "Tambah Rp 12.700.800", "2.661 peserta selama 12 bulan", "Rp 2.601.907.200", "68,1%",
                   "tahun ke-4", "TVaR 99,5%", "params/belu-2023.yaml"):
        assert figure in text, figure
    assert html.count("data:image/png;base64") >= 3
    for code in ("<script", "cdnjs", "R.prepare", "R.show", "import ", "summary_json", "NBVAL", "run_seconds",
                 "Kebutuhan: Rp", str(ROOT), "/tmp/", "medical_only"):
        assert code not in html, code
    assert not re.search(r'class="[^"]*jp-InputArea[^"]*"', html)


def test_pdf_is_a4_with_page_numbers_and_the_figures_in_indonesian_format(council_report):
    from pypdf import PdfReader
    _, paths = council_report
    reader = PdfReader(str(paths["pdf"]))
    n = len(reader.pages)
    assert 4 <= n <= 14   # 8 pages of story and detail; the desa and assumptions tables make the rest
    for page in reader.pages:
        assert abs(float(page.mediabox.width) - 595.28) < 1 and abs(float(page.mediabox.height) - 841.89) < 1
    text = _pdf_text(paths["pdf"]).replace(NBSP, " ")
    for k in range(1, n + 1):
        assert f"Halaman {k} dari {n}" in text
    for figure in ("Rp 1.175.126.400", "Rp 1.187.827.200", "Rp 12.700.800", "5.829", "2.661", "Rp 2.601.907.200",
                   "68,1%", "2,90%", "11,87", "Rp 692.899.200"):
        assert figure in text, figure
    assert not re.search(r"Rp\s*\n", text), "an amount split from its Rp"
    assert not re.search(r"\d\.\d{3}\.\d{1,2}\n\d", text), "an amount split across lines"
    assert str(ROOT) not in text and "medical_only" not in text


def test_workbook_holds_numbers_with_rupiah_formats(council_report):
    import openpyxl
    _, paths = council_report
    wb = openpyxl.load_workbook(paths["xlsx"])
    assert wb.sheetnames == ["Ringkasan", "Anggaran per tahun", "Klaim", "Kecamatan", "Desa", "Proyeksi", "Asumsi"]
    figures = json.loads(paths["json"].read_text())

    def row(ws, label):
        return next(r for r in ws.iter_rows(min_row=4) if r[0].value == label)

    alloc = row(wb["Ringkasan"], "Alokasi")[1]
    assert alloc.value == ALLOC and "Rp" in alloc.number_format
    assert row(wb["Ringkasan"], "Kebutuhan 12 bulan")[1].value == WORKERS * M * 12
    assert row(wb["Ringkasan"], "Selisih (negatif = kurang)")[1].value == ALLOC - WORKERS * M * 12 == -12_700_800
    assert row(wb["Ringkasan"], "Tahun-peserta terdanai")[1].value == ALLOC // (12 * M) == 5_829
    lr = row(wb["Ringkasan"], "Rasio klaim (JKK + JKM)")[1]
    assert lr.value == pytest.approx(figures["loss_ratio"]["total"]) and lr.number_format == "0.0%"
    fy = wb["Anggaran per tahun"]
    first = next(r for r in fy.iter_rows(min_row=4) if r[0].value == 2023)
    assert [c.value for c in first[:6]] == pytest.approx([2023, 7, WORKERS, ALLOC / 12 * 7, WORKERS * M * 7, WORKERS * JHT_M * 7])
    assert "Rp" in first[4].number_format and first[6].value == pytest.approx(ALLOC / 12 * 7 - WORKERS * M * 7)
    later = next(r for r in fy.iter_rows(min_row=4) if r[0].value == 2024)
    assert [c.value for c in later[1:6]] == pytest.approx([12, WORKERS, ALLOC, WORKERS * M * 12, WORKERS * JHT_M * 12])
    claims = row(wb["Klaim"], "Klaim harapan")
    assert [c.value for c in claims[1:4]] == pytest.approx([figures["expected_claims"][k] for k in ("jkk", "jkm", "total")])
    for sheet, n in (("Kecamatan", 9), ("Desa", 69)):   # by area: rows that add up to the regency in Excel
        body = [r for r in wb[sheet].iter_rows(min_row=4) if r[1].value is not None]
        assert len(body) == n + 1 and body[-1][0].value == "Jumlah" and body[-1][1].value == WORKERS
        assert sum(r[6].value for r in body[:-1]) == body[-1][6].value == round(figures["expected_claims"]["total"])
        assert "Rp" in body[0][2].number_format
    proj = [r for r in wb["Proyeksi"].iter_rows(min_row=4) if isinstance(r[0].value, int)]
    assert len(proj) == 10 and proj[0][3].value == pytest.approx(WORKERS * M * 12) and "Rp" in proj[0][3].number_format
    assumptions = {r[0].value: r for r in wb["Asumsi"].iter_rows(min_row=4)}
    jkm = assumptions["Iuran JKM BPU per bulan"] if "Iuran JKM BPU per bulan" in assumptions else \
        next(r for k, r in assumptions.items() if k and "JKM" in k and r[1].value == 6800)
    assert jkm[1].value == 6800 and "PP 44/2015" in jkm[3].value


def test_json_holds_every_key_of_run_json_plus_provenance(council_report, capsys):
    _, paths = council_report
    figures = json.loads(paths["json"].read_text(), parse_constant=lambda c: pytest.fail(f"not strict JSON: {c}"))
    code, stdout, _ = _main(capsys, "run", str(BASE), "--json")
    cli = json.loads(stdout)
    assert set(cli) <= set(figures) and "provenance" in figures
    for key in cli:
        if key != "monte_carlo":                                       # the report ran fewer Monte Carlo years
            assert figures[key] == cli[key], key
    prov = figures["provenance"]
    assert prov["seed"] == 20230522 and prov["version"] == cli["version"] and re.fullmatch(r"[0-9a-f]{64}", prov["fingerprint"])
    assert prov["parameters"]["scenario"] == "params/belu-2023.yaml" and prov["parameters"]["monte_carlo_years"] == 20_000
    assert "params/belu-2023.yaml" in prov["input_sha256"] and "params/policy/jkk.yaml" in prov["input_sha256"]
    assert str(ROOT) not in paths["json"].read_text() and "run_seconds" not in prov
    b = {o["key"]: o for o in figures["plan"]["bundles"]}
    assert b["jkk+jkm"]["max_workers"] == 5_829 and b["jkk+jkm+jht"]["max_workers"] == ALLOC // (12 * JHT_M) == 2_661


def test_identical_rerun_is_up_to_date_and_changes_nothing(council_report):
    out, paths = council_report
    before = {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in paths.values()}
    again = run_report(str(BASE), [], out, "id", monte_carlo_years=20_000, progress=False, day=DAY)
    assert again.status == "up-to-date" and again == paths
    assert {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in paths.values()} == before
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in paths.values())


def test_executed_notebook_records_its_parameters(council_report):
    _, paths = council_report
    nb = nbformat.read(str(paths["ipynb"]), as_version=4)
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert injected and "monte_carlo_years = 20000" in injected[0].source
    assert nb.metadata["papermill"]["parameters"]["language"] == "id"


def _copy_report(council_report, tmp_path) -> dict:
    """The shared report copied under today's name (what a CLI run today would write)."""
    _, paths = council_report
    out = tmp_path / "out"
    out.mkdir()
    today = report_paths(out, "belu-2023")
    for ext, p in paths.items():
        today[ext].write_bytes(p.read_bytes())
    return today


def _start_and_wait_for_temp(out: Path) -> subprocess.Popen:
    """A forced rerun under *out*; returns once its temporary folder exists (a kernel is starting)."""
    proc = subprocess.Popen([sys.executable, "-m", "sim", "report", str(BASE), "-o", str(out), "--force", "--quiet",
                             "-p", "monte_carlo_years", "20000"], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 120
    while not list(out.glob(F.TMP_PREFIX + "*")):
        assert proc.poll() is None and time.time() < deadline, proc.communicate()
        time.sleep(0.05)
    return proc


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL])
def test_killed_run_leaves_the_old_report_and_nothing_the_next_run_trips_over(council_report, tmp_path, sig):
    paths = _copy_report(council_report, tmp_path)
    out = paths["json"].parent
    before = {p.name: p.read_bytes() for p in paths.values()}
    proc = _start_and_wait_for_temp(out)
    time.sleep(0.5)
    proc.send_signal(sig)
    proc.communicate(timeout=60)
    assert proc.returncode in (-sig, 128 + sig)
    assert {p.name: p.read_bytes() for p in paths.values()} == before        # the old report is untouched
    left = sorted(p.name for p in out.iterdir() if p.name not in before)
    if sig == signal.SIGTERM:
        assert left == []                                                    # cleaned up on the way out
    # the next run is not blocked and removes what a SIGKILL left
    again = run_report(str(BASE), [], out, "id", monte_carlo_years=20_000, progress=False)
    assert again.status == "up-to-date"
    assert sorted(p.name for p in out.iterdir()) == sorted(before)


def test_failed_run_leaves_nothing_behind(tmp_path):
    nb = nbformat.read(str(ROOT / "notebooks" / "report.ipynb"), as_version=4)
    nb.cells.insert(2, nbformat.v4.new_code_cell("raise RuntimeError('broken template')"))
    broken = tmp_path / "broken.ipynb"
    nbformat.write(nb, str(broken))
    out = tmp_path / "out"
    with pytest.raises(Exception, match="broken template"):
        run_report(str(BASE), [], out, "id", monte_carlo_years=0, progress=False, day=DAY, notebook=broken)
    assert list(out.iterdir()) == []


def test_english_roster_report_with_experience_leaks_no_personal_data(tmp_path):
    import openpyxl
    roster = tmp_path / "roster.csv"
    roster.write_text("id;nik;name;village;sex;age;occupation\n"
                      f"1;{NAMES[2]};{NAMES[0]};Kewar;P;34;Petani/Pekebun\n"
                      f"2;{NAMES[3]};{NAMES[1]};Fulur;L;41;Nelayan/Perikanan\n", encoding="utf-8")
    scen = tmp_path / "roster-scenario.yaml"
    scen.write_text(f"extends: {BASE}\nscenario: {{name: roster-test}}\nportfolio: {{roster: roster.csv, workers: null}}\n")
    out = tmp_path / "out"
    paths = run_report(str(scen), [], out, "en", monte_carlo_years=1000, progress=False, day=DAY,
                       extra={"experience": EXPERIENCE, "projection_years": 3})
    assert paths == report_paths(out, "roster-test-en", DAY)
    html = paths["html"].read_text(encoding="utf-8")
    assert '<html lang="en">' in html and "1. What the money buys" in html and "Budget reconciliation" in html
    assert "Validation against experience" in html and "ILLUSTRATIVE" in html and "Projection (3 years)" in html
    prov = json.loads(paths["json"].read_text())["provenance"]
    assert prov["parameters"]["experience"] == EXPERIENCE
    assert prov["input_sha256"][EXPERIENCE] == hashlib.sha256((ROOT / EXPERIENCE).read_bytes()).hexdigest()
    wb = openpyxl.load_workbook(paths["xlsx"])
    cells = " ".join(str(c.value) for ws in wb for r in ws.iter_rows() for c in r if c.value is not None)
    texts = {"pdf": _pdf_text(paths["pdf"]), "xlsx": cells}
    texts.update({ext: paths[ext].read_text(encoding="utf-8") for ext in ("html", "json", "ipynb")})
    for ext, text in texts.items():
        for secret in NAMES:
            assert secret not in text, (ext, secret)
    # an input changes (the scenario file is edited the same day): a new name, the older report kept
    before = {p.name: p.read_bytes() for p in paths.values()}
    scen.write_text(scen.read_text() + "# edited\n")
    again = run_report(str(scen), [], out, "en", monte_carlo_years=1000, progress=False, day=DAY,
                       extra={"experience": EXPERIENCE, "projection_years": 3})
    assert again.status == "written" and again["json"].name == "roster-test-en-2026-01-31-2.json"
    assert again.beside == paths["json"] and {p.name: p.read_bytes() for p in paths.values()} == before


def test_risk_section_shows_parameter_uncertainty_when_the_summary_has_it():
    """Issue 11: a second column "with doubt about the assumptions" from ``with_parameter_uncertainty``."""
    from sim.outputs import report as R
    from sim.outputs.report_doc import Table, markdown
    from sim.outputs.report_story import risks
    ctx = R.prepare("params/belu-2023.yaml", [], "id", 0, 0)
    table = next(b for b in risks(ctx).blocks if isinstance(b, Table))
    assert table.columns[-1] == "Dengan keraguan atas asumsi" and len(table.columns) == 3
    s, u = ctx.summary, ctx.summary["with_parameter_uncertainty"]
    text = markdown(table).replace(NBSP, " ")
    for a, b in ((s["prob_claims_exceed_contributions"], u["prob_claims_exceed_contributions"]),):
        assert f"| {percent(a, 2)} | {percent(b, 2)} |" in text
    assert f"| {rupiah(s['var_99_5'])} | {rupiah(u['var_99_5'])} |" in text
    assert rupiah(u["tvar_99_5"]) in text and rupiah(u["claims_sd"]["total"]) in text
    ctx.summary = {k: v for k, v in s.items() if k != "with_parameter_uncertainty"}
    table = next(b for b in risks(ctx).blocks if isinstance(b, Table))
    assert len(table.columns) == 2 and "hanya memperhitungkan keacakan klaim" in table.note


def test_two_runs_of_one_report_at_once_never_replace_each_other(tmp_path):
    """Started together: one writes, the other finds the run under way (exit 2) or, if it starts
    after the first has finished, says the report is up to date; never two writers."""
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "sim", "report", str(BASE), "-o", str(out), "--quiet", "-p", "monte_carlo_years", "0",
           "-p", "projection_years", "1"]
    procs = [subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    results = [(p.wait(timeout=300), *p.communicate()) for p in procs]
    codes = sorted(code for code, _, _ in results)
    assert codes[0] == 0 and codes[1] in (0, 2), results
    if codes[1] == 2:
        assert any("another run of this report is under way" in err for _, _, err in results)
    else:
        assert any("up to date" in so for _, so, _ in results)
    assert sorted(p.suffix for p in out.iterdir()) == [".html", ".ipynb", ".json", ".pdf", ".xlsx"]
