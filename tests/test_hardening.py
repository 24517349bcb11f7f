"""Hardening against bad input (issue 9): what a careless or unlucky user will do.

One test (parametrized) per class of the issue that this module covers (classes 1 and 7, roster
personal data and report runs, have their own tests):

2. writing a scenario never loses a file;            5. every JSON output is strict;
3. every user-controlled size is bounded;            6. a YAML alias bomb is refused at once;
4. ordinary bad input never gives a traceback;       8. small ones (--paths -5, extends, caps).

Each bad input must give exit 2 (130 for Ctrl-C), one ``error:`` line per problem and the count,
no traceback, nothing on stdout, and leave every file as it was with no temporary file behind.
Most cases call :func:`sim.cli.main` in-process (an uncaught exception fails the test exactly as a
traceback would); Ctrl-C and the memory bounds need a real process.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sim.cli import main
from sim.common import limits
from sim.inputs import roster_files

ROOT = Path(__file__).resolve().parent.parent
BASE = ROOT / "params" / "belu-2023.yaml"
EXPERIENCE = ROOT / "params" / "experience" / "illustrative-belu-2023-2025.csv"
HEADER = "village,sex,age,occupation,name,nik,enrolled_to\n"
WORKER = "Kewar,M,30,Petani/Pekebun,Budi Santoso,5304010101010001,\n"


def _tree(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def guard(tmp_path, monkeypatch):
    """Runs in tmp_path; afterwards params/ and tmp_path must hold exactly what they held before
    the command ran (so nothing was changed, and no temporary file was left)."""
    monkeypatch.chdir(tmp_path)
    before = {"params": _tree(ROOT / "params")}

    def snapshot():
        before["tmp"] = _tree(tmp_path)
    yield snapshot
    assert _tree(ROOT / "params") == before["params"], "a file under params/ changed"
    if "tmp" in before:
        assert _tree(tmp_path) == before["tmp"], "a file was written, changed or left behind"


def cli(capsys, *args):
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def assert_refused(result, *needles, problems: int = 1):
    """Exit 2, nothing on stdout, exactly *problems* error lines and the count, no traceback."""
    code, out, err = result
    lines = err.strip().splitlines()
    assert code == 2, err
    assert out == "" and "Traceback" not in err
    errors = [ln for ln in lines if ln.startswith("error: ")]
    assert len(errors) == problems and lines[-1].startswith(f"{problems} problem(s) found"), err
    assert len(lines) == problems + 1, err          # nothing else: one line per problem
    for needle in needles:
        assert needle in err, (needle, err)
    shown = err.replace(str(ROOT), "<project>").replace(str(Path.cwd()), "")
    assert "tmp" not in shown   # never a temporary file's name (the project may itself sit under /tmp)
    return err


def strict_json(text: str):
    """Parse *text* as strict JSON: NaN, Infinity and -Infinity are refused."""
    def bad(c):
        raise ValueError(f"non-standard JSON constant {c}")
    return json.loads(text, parse_constant=bad)


def scenario_copy(folder: Path) -> tuple[Path, Path]:
    """Copies of the baseline and of the JHT scenario (which extends it) in *folder*."""
    base = folder / "base.yaml"
    shutil.copy(BASE, base)
    jht = folder / "jht.yaml"
    jht.write_text("extends: base.yaml\nscenario: {name: jht}\nprograms: {jht: true}\n")
    return base, jht


# ---------------------------------------------------------------- 2. losing the user's files

@pytest.mark.parametrize("params, target, flags, needle", [
    ("base", "base.yaml", [], "the new scenario would extend itself"),             # the example
    ("base", "base.yaml", ["--overwrite"], "the baseline itself"),                 # even with the flag
    ("jht", "base.yaml", ["--overwrite"], "a file the baseline extends"),         # its own extends chain
    ("base", "other.yaml", [], "add --overwrite to replace it"),                   # never silently
    ("base", "missing/x.yaml", [], "the folder does not exist"),
    ("base", "sub", [], "this is a folder"),
    ("base", "notes.txt", [], "ending in .yaml"),
    ("repo", "repo", [], "the new scenario would extend itself"),                  # the real baseline
    ("repo", "repo", ["--overwrite"], "the baseline itself"),
])
def test_writing_never_loses_a_scenario(guard, capsys, tmp_path, params, target, flags, needle):
    base, jht = scenario_copy(tmp_path)
    (tmp_path / "other.yaml").write_text("# someone's scenario\n")
    (tmp_path / "sub").mkdir()
    p = {"base": base, "jht": jht, "repo": BASE}[params]
    t = BASE if target == "repo" else tmp_path / target
    guard()
    assert_refused(cli(capsys, "validate", p, EXPERIENCE, "--write-scenario", t, *flags), needle)


def test_overwrite_replaces_only_what_was_asked(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    base, _ = scenario_copy(tmp_path)
    other = tmp_path / "other.yaml"
    other.write_text("# someone's scenario\n")
    code, out, err = cli(capsys, "validate", base, EXPERIENCE, "--write-scenario", other, "--overwrite", "--json")
    assert code == 0, err
    assert strict_json(out)["written_scenario"] == str(other)
    assert "extends: base.yaml" in other.read_text() and base.read_bytes() == BASE.read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["base.yaml", "jht.yaml", "other.yaml"]   # no temp file
    code, out, err = cli(capsys, "run", other, "--set", "simulation.monte_carlo_years=0", "--no-checks", "--json")
    assert code == 0 and strict_json(out)["scenario"] == "other"


def test_a_file_name_with_a_space_is_written_under_a_valid_name(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    base, _ = scenario_copy(tmp_path)
    target = tmp_path / "my updated scenario.yaml"
    code, out, err = cli(capsys, "validate", base, EXPERIENCE, "--write-scenario", target)
    assert code == 0 and "Traceback" not in err
    code, out, err = cli(capsys, "run", target, "--set", "simulation.monte_carlo_years=0", "--no-checks", "--json")
    assert code == 0 and strict_json(out)["scenario"] == "my-updated-scenario"


@pytest.mark.parametrize("overwrite", [False, True])
def test_the_writer_itself_refuses_the_baseline(tmp_path, overwrite):
    """The explorer's Save button calls write_scenario: the same refusals, naming the target."""
    from sim.common.errors import InputError
    from sim.inputs.scenario_writer import write_scenario
    base, jht = scenario_copy(tmp_path)
    before = _tree(tmp_path)
    for target, baseline in ((base, base), (base, jht), (jht, jht)):
        with pytest.raises(InputError) as exc:
            write_scenario(target, baseline, "saved", {}, {}, overwrite=overwrite)
        assert all(str(target) == p.file for p in exc.value.problems)
    with pytest.raises(InputError) as exc:   # an invalid name: named at the target, not a temp file
        write_scenario(tmp_path / "new one.yaml", base, "new one", {}, {})
    assert [p.file for p in exc.value.problems] == [str(tmp_path / "new one.yaml")]
    assert _tree(tmp_path) == before


# ---------------------------------------------------------------- 3. unbounded work and memory

def _big_roster(folder: Path, rows: int) -> Path:
    p = folder / "roster.csv"
    with open(p, "w") as fh:
        fh.write(HEADER)
        fh.write(WORKER * rows)
    return p


def _sparse(path: Path, size: int) -> Path:
    with open(path, "wb") as fh:
        fh.truncate(size)
    return path


def _roster_scenario(folder: Path, roster: str) -> Path:
    p = folder / "with-roster.yaml"
    p.write_text(f"extends: {BASE}\nscenario: {{name: with-roster}}\nportfolio: {{roster: {roster}, workers: null}}\n")
    return p


@pytest.mark.parametrize("case, needles", [
    (["run", BASE, "--set", f"portfolio.workers={10 ** 30}"], ["above the bound of 100.000.000"]),
    (["run", BASE, "--set", "portfolio.workers=1000000000"], ["above the bound of 100.000.000"]),
    (["run", BASE, "--set", "simulation.monte_carlo_years=10000000000"],
     ["above the bound of 10.000.000", "about 320,0 GB of memory"]),
    (["run", BASE, "--set", "portfolio.workers=10000000", "--set", "simulation.monte_carlo_years=100000"],
     ["above the bound of 500.000.000 claims", "at most 8.49"]),
    (["project", BASE, "--paths", "1000000000"], ["above the bound of 100.000", "TB of memory"]),
    (["compare", BASE, BASE, "--paths", "1000000000"], ["--paths", "above the bound of 100.000"]),
    (["project", BASE, "--set", "projection.paths=1000000000"], ["projection.paths", "above the bound"]),
    (["run", BASE, "--set", "simulation.lattice_unit=0"], ["lattice_unit"]),
    (["run", BASE, "--set", "simulation.lattice_unit=1000000000000"], ["lattice_unit"]),
    (["run", BASE, "--set", "budget.allocation=10000000000000000000"], ["above the bound of 1.000.000.000.000.000"]),
    (["roster-rows"], ["more than 1,000,000 rows"]),
    (["roster-bytes"], ["the file exceeds 200 MB"]),
    (["experience-bytes"], ["file too large"]),
    (["scenario-bytes"], ["file too large"]),
    (["experience-count"], ["count: expected a whole number of claims, 0 to 100.000.000"]),
])
def test_sizes_are_bounded_before_any_work(guard, capsys, tmp_path, case, needles):
    if case == ["roster-rows"]:
        _big_roster(tmp_path, roster_files.MAX_ROWS + 1)
        case = ["run", _roster_scenario(tmp_path, "roster.csv")]
    elif case == ["roster-bytes"]:
        _sparse(tmp_path / "roster.csv", roster_files.MAX_BYTES + 1)
        case = ["run", _roster_scenario(tmp_path, "roster.csv")]
    elif case == ["experience-bytes"]:
        case = ["validate", BASE, _sparse(tmp_path / "e.csv", limits.MAX_EXPERIENCE_BYTES + 1)]
    elif case == ["scenario-bytes"]:
        case = ["run", _sparse(tmp_path / "s.yaml", 2_000_000)]
    elif case == ["experience-count"]:
        text = EXPERIENCE.read_text().replace("\n2023,Kewar,JKM,death,0,", f"\n2023,Kewar,JKM,death,{10 ** 20},", 1)
        assert str(10 ** 20) in text
        (tmp_path / "e.csv").write_text(text)
        case = ["validate", BASE, tmp_path / "e.csv"]
    guard()
    started = time.perf_counter()
    assert_refused(cli(capsys, *case), *needles)
    assert time.perf_counter() - started < 30        # refused before the work, not after it


def test_a_national_portfolio_runs_exactly_with_monte_carlo_skipped_or_batched(capsys):
    """10^7 workers: the exact method always; the baseline's 100.000 Monte Carlo years would draw
    5,9 x 10^9 claims, so the cross-check is skipped with a note; 200 years run in batches and
    agree with the exact mean within their standard error."""
    code, out, err = cli(capsys, "run", BASE, "--set", "portfolio.workers=10000000", "--json", "--no-checks")
    s = strict_json(out)
    assert code == 0 and s["workers"] == 10_000_000 and "monte_carlo" not in s
    assert "500.000.000" in s["monte_carlo_skipped"] and err.count("\n") == 1 and "note" in err
    code, out, err = cli(capsys, "run", BASE, "--set", "portfolio.workers=10000000", "--json", "--no-checks",
                         "--set", "simulation.monte_carlo_years=200")
    s = strict_json(out)
    m = s["monte_carlo"]
    assert code == 0 and m["years"] == 200 and "monte_carlo_skipped" not in s
    assert abs(m["mean"] - s["expected_claims"]["total"]) < 4 * m["mean_se"]


def test_monte_carlo_batches_hold_a_bounded_number_of_claims(baseline):
    from sim.analyses.model import compute
    from sim.risk import montecarlo
    for workers in (5892, 10 ** 7, limits.MAX_WORKERS):
        model = compute(baseline.updated({"portfolio.workers": workers}), mc_years=0).model
        b = montecarlo.batch_years(model)
        lam = montecarlo.claims_per_year(model)
        assert 1 <= b <= montecarlo.BATCH_YEARS
        assert b == 1 or b * lam <= montecarlo.BATCH_CLAIMS         # a batch draws ~ BATCH_CLAIMS at most
    assert montecarlo.batch_years(model) == 1                        # 10^8 workers: a year at a time


LIMITED = """
import resource, runpy, sys
limit = int(sys.argv.pop(1))
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
sys.argv[0] = "sim"
runpy.run_module("sim", run_name="__main__", alter_sys=True)
"""


@pytest.mark.parametrize("args, gigabytes", [
    # the most Monte Carlo years (their totals are what grows); claims switched off so it is quick
    (["run", str(BASE), "--json", "--no-checks", f"--set=simulation.monte_carlo_years={limits.MAX_MC_YEARS}",
      "--set=assumptions.accidents.frequency_multiplier=0", "--set=assumptions.mortality.loading=0"], 1.0),
    # the most workers, with Monte Carlo batches of a year each
    (["run", str(BASE), "--json", "--no-checks", f"--set=portfolio.workers={limits.MAX_WORKERS}",
      "--set=simulation.monte_carlo_years=20"], 1.0),
    # the most projection paths over the most years, JHT on
    (["project", str(ROOT / "params" / "belu-2023-jht.yaml"), "--json", "--years=40",
      f"--paths={limits.MAX_PATHS}"], 1.5),
    # the most roster rows
    (["roster"], 1.0),
])
def test_the_largest_accepted_sizes_run_in_bounded_memory(args, gigabytes, tmp_path):
    """Under an address-space limit (RLIMIT_AS, which counts every mapping, not only what is
    touched), each largest accepted size completes with strict JSON."""
    if args == ["roster"]:
        with open(tmp_path / "roster.csv", "w") as fh:          # the roster reader's own bound (no NIK)
            fh.write("village,sex,age,occupation\n")
            fh.writelines(f"Kewar,{'MF'[i % 2]},{18 + i % 40},Petani/Pekebun\n" for i in range(roster_files.MAX_ROWS - 1))
        args = ["run", str(_roster_scenario(tmp_path, "roster.csv")), "--json", "--no-checks",
                "--set=simulation.monte_carlo_years=0"]
    r = subprocess.run([sys.executable, "-c", LIMITED, str(int(gigabytes * 2 ** 30)), *args],
                       capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert r.returncode == 0 and "Traceback" not in r.stderr, r.stderr[-2000:]
    strict_json(r.stdout)


# ---------------------------------------------------------------- 4. no traceback on ordinary bad input

def _files(folder: Path) -> dict:
    text = BASE.read_text()
    (folder / "empty.yaml").write_text("")
    (folder / "blank.yaml").write_text("  \n\n\t\n")
    (folder / "latin1.yaml").write_bytes(text.replace("Kabupaten", "Kabupatén").encode("latin-1"))
    (folder / "utf16.yaml").write_bytes(text.encode("utf-16"))
    (folder / "utf16le.yaml").write_bytes(text.encode("utf-16-le"))          # no byte-order mark
    (folder / "roster-xlsx.csv").write_bytes(b"PK\x03\x04" + bytes(200))    # a workbook saved as .csv
    (folder / "deep-list.yaml").write_text("a: " + "[" * 5000 + "]" * 5000 + "\n")
    (folder / "deep-map.yaml").write_text("".join("  " * i + f"k{i}:\n" for i in range(200)) + "  " * 200 + "x: 1\n")
    (folder / "recursive.yaml").write_text("scenario: &s {name: x, again: *s}\n")
    (folder / "a folder.yaml").mkdir()
    (folder / "dangling.yaml").symlink_to(folder / "nowhere.yaml")
    exp = EXPERIENCE.read_text()
    (folder / "exp-latin1.csv").write_bytes(exp.replace("Kewar", "Kéwar").encode("latin-1"))
    (folder / "exp-utf16.csv").write_bytes(exp.encode("utf-16"))
    (folder / "exp-quote.csv").write_text(exp.replace("\n2023,Kewar,JKK,", '\n2023,"Kewar,JKK,', 1))
    (folder / "roster-quote.csv").write_text(HEADER + WORKER + WORKER.replace("Kewar,", '"Kewar,', 1) + WORKER * 3)
    (folder / "roster-inf.csv").write_text(HEADER + WORKER + WORKER.replace(",30,", ",inf,").replace("0001", "0002"))
    (folder / "roster-utf16.csv").write_bytes((HEADER + WORKER).encode("utf-16"))
    (folder / "roster-ok.csv").write_text(HEADER + WORKER + WORKER.replace("0001,", "0002,9999-12-31"))
    for name in ("roster-quote", "roster-inf", "roster-utf16", "roster-ok", "roster-xlsx"):
        (folder / f"{name}.yaml").write_text(f"extends: {BASE}\nscenario: {{name: {name}}}\n"
                                             f"portfolio: {{roster: {name}.csv, workers: null}}\n")
    return {}


@pytest.mark.parametrize("case, needles", [
    (["run", "empty.yaml"], ["the file is empty"]),
    (["run", "blank.yaml"], ["the file is empty"]),
    (["run", "latin1.yaml"], ["expected UTF-8", "Latin-1"]),
    (["run", "utf16.yaml"], ["UTF-16", "expected UTF-8"]),
    (["run", "utf16le.yaml"], ["UTF-16"]),
    (["run", "/dev/null"], ["not a regular file"]),
    (["run", "roster-xlsx.yaml"], ["roster-xlsx.csv", "cannot be opened as an Excel workbook"]),
    (["run", BASE, "--set", "assumptions.accidents.medical_mean=1.0e+14"], ["not below the modelling cap"]),
    (["project", BASE, "--set", "assumptions.projection.medical_inflation=0.9", "--years", "40"],
     ["year 7 (2029-06-01)", "not below the modelling cap"]),
    (["validate", BASE, EXPERIENCE, "--write-scenario", "x" * 300 + ".yaml"], ["File name too long"]),
    (["run", "a folder.yaml"], ["this is a folder"]),
    (["run", "dangling.yaml"], ["file not found"]),
    (["run", "deep-list.yaml"], ["nested too deeply; expected at most 32 levels"]),
    (["run", "deep-map.yaml"], ["nested 201 levels deep; expected at most 32"]),
    (["run", "recursive.yaml"], ["recursive alias"]),
    (["validate", BASE, "exp-latin1.csv"], ["exp-latin1.csv", "expected UTF-8"]),
    (["validate", BASE, "exp-utf16.csv"], ["UTF-16"]),
    (["validate", BASE, "exp-quote.csv"], ["row 8, column 2", "never closed"]),
    (["run", "roster-quote.yaml"], ["row 3", "never closed"]),
    (["run", "roster-inf.yaml"], ["row 3", "age", "expected a whole number of years"]),
    (["run", "roster-utf16.yaml"], ["expected a UTF-8 text file"]),
    (["run", BASE, "--set", "income.declared_monthly=1.0e+300"], ["above the bound"]),
    (["run", BASE, "--set", "portfolio.workers=1e30"], ["portfolio.workers"]),
    (["run", "roster-ok.yaml", "--set", "scenario.start=9999-01-01"], ["years 2000 to 2100"]),
    (["project", BASE, "--set", "scenario.start=9999-01-01"], ["years 2000 to 2100"]),
    (["validate", BASE, EXPERIENCE, "--write-scenario", "no/such/folder/out.yaml"], ["the folder does not exist"]),
    (["run", "nowhere/missing.yaml"], ["file not found"]),
])
def test_ordinary_bad_input_is_one_line_not_a_traceback(guard, capsys, tmp_path, case, needles):
    _files(tmp_path)
    guard()
    assert_refused(cli(capsys, *case), *needles)


def test_an_unreadable_file_is_one_line(guard, capsys, tmp_path, monkeypatch):
    """Permissions cannot be taken away from root, so the read itself is made to fail."""
    scen = tmp_path / "locked.yaml"
    shutil.copy(BASE, scen)
    guard()
    real = Path.read_bytes

    def read_bytes(self):
        if self.name == "locked.yaml":
            raise PermissionError(13, "Permission denied")
        return real(self)
    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    result = cli(capsys, "run", scen)
    monkeypatch.setattr(Path, "read_bytes", real)      # before the guard reads the folder again
    assert_refused(result, "the file cannot be read (Permission denied)")


def test_a_roster_ending_in_year_9999_still_runs(capsys, tmp_path, monkeypatch):
    _files(tmp_path)
    monkeypatch.chdir(tmp_path)
    code, out, err = cli(capsys, "project", "roster-ok.yaml", "--years", "40", "--paths", "10",
                         "--set", "scenario.start=2100-12-31", "--json")
    assert code == 0 and len(strict_json(out)["rows"]) == 40


@pytest.mark.parametrize("args", [
    ["run", str(BASE), "--set", f"simulation.monte_carlo_years={limits.MAX_MC_YEARS}"],
    ["run", str(BASE), "--set", "portfolio.workers=10000000", "--set", "simulation.monte_carlo_years=8000"],
])
def test_ctrl_c_is_one_line_and_exit_130(args, tmp_path):
    before = _tree(ROOT / "params")
    def own_group():                      # as a terminal runs it: its own process group, Ctrl-C not ignored
        os.setsid()
        signal.signal(signal.SIGINT, signal.SIG_DFL)
    p = subprocess.Popen([sys.executable, "-m", "sim", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True, cwd=ROOT, preexec_fn=own_group)
    end = time.monotonic() + 30           # Ctrl-C while the Monte Carlo runs: once its worker process is
    while not (workers := _children(p.pid)) and time.monotonic() < end and p.poll() is None:   # there
        time.sleep(0.05)
    assert workers, "the Monte Carlo did not start a worker process"
    time.sleep(0.5)
    os.killpg(p.pid, signal.SIGINT)       # Ctrl-C reaches every process of the group (MC workers too)
    stopped = time.perf_counter()
    out, err = p.communicate(timeout=60)
    assert time.perf_counter() - stopped < 10          # stops at once, not after the remaining batches
    assert p.returncode == 130 and out == ""
    assert err.strip().splitlines() == ["dihentikan (Ctrl-C); tidak ada berkas yang ditulis / "
                                        "interrupted (Ctrl-C); nothing was written"]
    assert _tree(ROOT / "params") == before
    assert not any(os.path.exists(f"/proc/{w}") and _state(w) != "Z" for w in workers)   # no worker left


def _children(pid: int) -> list[int]:
    """Process ids whose parent is *pid* (Linux /proc)."""
    out = []
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/stat") as f:
                    if int(f.read().rsplit(") ", 1)[1].split()[1]) == pid:
                        out.append(int(d))
            except (OSError, ValueError, IndexError):
                pass
    return out


def _state(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(") ", 1)[1].split()[0]
    except OSError:
        return "gone"


# ---------------------------------------------------------------- 5. strict JSON

@pytest.mark.parametrize("args, check", [
    (["validate", BASE, EXPERIENCE, "--json"], lambda s: s["villages"]["jkk"]["k"] is None and s["villages"]["jkk"]["k_note"]),
    (["run", BASE, "--set", "simulation.monte_carlo_years=1", "--json", "--no-checks"],
     lambda s: s["monte_carlo"]["years"] == 1 and s["monte_carlo"]["mean_se"] is None),
    (["run", BASE, "--set", "programs.jkk=false", "--set", "programs.jkm=false", "--json", "--no-checks"],
     lambda s: s["budget"]["months_covered"] is None and "every programme is off" in s["budget"]["months_covered_note"]),
    (["validate", BASE, EXPERIENCE, "--set", "programs.jkk=false", "--set", "programs.jkm=false", "--json"],
     lambda s: s["sensitivity_grid"]["loss_ratio"]["note"] and s["sensitivity"][0]["base"]["loss_ratio"] is None),
    (["validate", BASE, EXPERIENCE, "--set", "assumptions.accidents.claim_type_mix={medical_only: 0.9, temporary: 0.08, "
      "partial: 0.02, total: 0, death: 0}", "--json"],
     lambda s: any(r["ratio"] is None and r["ratio_note"] for r in s["actual_vs_expected"])),
    (["project", BASE, "--years", "3", "--paths", "1", "--json", "--set", "programs.jkk=false", "--set", "programs.jkm=false"],
     lambda s: len(s["rows"]) == 3),
    (["compare", BASE, ROOT / "params" / "belu-2023-jht.yaml", "--years", "2", "--paths", "1", "--json"],
     lambda s: s["years"] == 2 and len(s["rows"]) == 2),
])
def test_json_output_is_strict(capsys, args, check):
    code, out, err = cli(capsys, *args)
    assert code == 0, err
    assert check(strict_json(out))


def test_the_report_json_is_strict(tmp_path):
    from sim.outputs import report
    ctx = report.prepare(str(BASE), ["programs.jkk=false", "programs.jkm=false"], "en", 1, 0)
    report.export(ctx, str(tmp_path / "r.json"))        # the JSON (with the PDF and workbook beside it)
    s = strict_json((tmp_path / "r.json").read_text())
    assert s["budget"]["months_covered"] is None and s["budget"]["months_covered_note"]


# ---------------------------------------------------------------- 6. YAML alias bomb

def _bomb(levels: int, width: int = 9, as_map: bool = False) -> str:
    text = "a: &a [" + ", ".join(['"lol"'] * width) + "]\n"
    prev = "a"
    for i in range(levels):
        name = f"l{i}"
        items = ", ".join(f"k{j}: *{prev}" if as_map else f"*{prev}" for j in range(width))
        text += f"{name}: &{name} " + ("{" + items + "}" if as_map else "[" + items + "]") + "\n"
        prev = name
    return text


@pytest.mark.parametrize("text", [_bomb(8), _bomb(8, as_map=True), _bomb(30, width=2),
                                  "scenario: {name: x}\n" + _bomb(6)])
def test_an_alias_bomb_is_refused_at_once(guard, capsys, tmp_path, text):
    (tmp_path / "bomb.yaml").write_text(text)
    assert len(text) < 2000
    guard()
    started = time.perf_counter()
    assert_refused(cli(capsys, "run", "bomb.yaml"), "aliases expand to", "the bound is 100.000")
    assert time.perf_counter() - started < 10


def test_small_aliases_still_work_and_duplicates_are_found_once():
    from sim.common.errors import Problems
    from sim.common.yamlio import expanded_size, loads_yaml
    problems = Problems()
    doc = loads_yaml("t: &t {id: a, en: b}\nu: *t\nv: *t\n", problems, "x.yaml")
    assert doc == {"t": {"id": "a", "en": "b"}, "u": {"id": "a", "en": "b"}, "v": {"id": "a", "en": "b"}}
    assert not problems
    loads_yaml("t: &t {id: a, id: b}\nu: *t\nv: *t\n", problems, "x.yaml")
    assert [p.where for p in problems.items] == ["t.id"]          # the shared mapping is checked once
    import yaml
    node = yaml.compose(_bomb(3, width=3))
    # by hand: a = 1 + 3; each level = 1 + 3 x the one below; the document adds its keys
    sizes = [4]
    for _ in range(3):
        sizes.append(1 + 3 * sizes[-1])
    assert expanded_size(node) == 1 + 4 + sum(sizes)


# ---------------------------------------------------------------- 8. small ones

def test_many_problems_are_capped_with_the_count(guard, capsys, tmp_path):
    keys = "".join(f"  wrong_{i}: 1\n" for i in range(80))
    (tmp_path / "many.yaml").write_text(f"extends: {BASE}\nscenario:\n  name: many\nportfolio:\n{keys}")
    guard()
    code, out, err = cli(capsys, "run", "many.yaml")
    lines = err.strip().splitlines()
    assert code == 2 and len(lines) == limits.MAX_PROBLEM_LINES + 2
    assert lines[-2] == "error: ... dan 30 masalah lain / and 30 more" and lines[-1].startswith("80 problem(s)")


@pytest.mark.parametrize("case, needles", [
    (["project", BASE, "--paths", "-5"], ["--paths", "1 or more, got -5"]),
    (["project", BASE, "--paths", "0"], ["--paths", "1 or more, got 0"]),
    (["compare", BASE, BASE, "--paths", "-1"], ["--paths"]),
    (["run", "broken.yaml"], ["broken.yaml: extends:", "nowhere.yaml: file not found"]),
    (["run", "broken-chain.yaml"], ["broken.yaml: extends:", "nowhere.yaml: file not found"]),
    (["run", "self.yaml"], ["extends itself"]),
    (["run", "bad-base.yaml"], ["latin.yaml", "expected UTF-8"]),
    (["run", "my scenario.yaml"], ["my scenario.yaml: portfolio.worker: unknown key"]),
    (["validate", BASE, EXPERIENCE, "--overwrite"], ["only with --write-scenario"]),
])
def test_small_ones(guard, capsys, tmp_path, case, needles):
    (tmp_path / "broken.yaml").write_text("extends: nowhere.yaml\nscenario: {name: broken}\n")
    (tmp_path / "broken-chain.yaml").write_text("extends: broken.yaml\nscenario: {name: chain}\n")
    (tmp_path / "self.yaml").write_text("extends: self.yaml\nscenario: {name: self}\n")
    (tmp_path / "latin.yaml").write_bytes("scenario: {name: é}\n".encode("latin-1"))
    (tmp_path / "bad-base.yaml").write_text("extends: latin.yaml\nscenario: {name: x}\n")
    (tmp_path / "my scenario.yaml").write_text(f"extends: {BASE}\nscenario: {{name: mine}}\nportfolio: {{worker: 3}}\n")
    guard()
    assert_refused(cli(capsys, *case), *needles)


def test_shell_pipe_closed_early_is_not_a_traceback():
    r = subprocess.run(f"{sys.executable} -m sim run params/belu-2023.yaml --json --no-checks "
                       "--set simulation.monte_carlo_years=0 | head -c 1", shell=True, capture_output=True,
                       text=True, cwd=ROOT, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    assert r.stdout == "{" and "Traceback" not in r.stderr


def test_compare_reports_both_files_in_one_pass(guard, capsys, tmp_path):
    (tmp_path / "empty.yaml").write_text("")
    (tmp_path / "latin.yaml").write_bytes("scenario: {name: é}\n".encode("latin-1"))
    guard()
    assert_refused(cli(capsys, "compare", "empty.yaml", "latin.yaml", "--years", "2"),
                   "empty.yaml: berkas kosong", "latin.yaml: line 1", problems=2)
