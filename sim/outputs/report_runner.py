"""``python -m sim report``: check every report parameter, then run the report notebook with
papermill and write five files beside each other: the executed notebook, a self-contained HTML
without code, an A4 PDF, an Excel workbook and the figures as JSON.

Before a kernel starts, every problem is collected in one pass (exit 2): unknown or mistyped
``-p`` parameters (papermill alone only warns: papermill issue #818), a ``-p scenario`` that
differs from the scenario argument, bad overrides, out-of-range years, an experience file with bad
rows, an unusable ``-o``.  The report is named after what the overrides changed
(:mod:`sim.outputs.report_naming`); an identical rerun is a success that says it is up to date,
changed inputs get a new name (:mod:`sim.outputs.report_files`).  The files are made in a
temporary folder inside the output folder (removed on any failure or SIGTERM; a SIGKILLed run's
folder is removed by the next run) and moved into place at the end, under a lock per report name.
"""
from __future__ import annotations

import difflib
import os
import re
import shutil
import signal
import sys
import tempfile
import threading
from datetime import date
from pathlib import Path

from ..common.errors import InputError, Problem
from ..common.paths import PROJECT
from . import report_files as F
from .report_html import EarlyHtml, skip_slow_optional_imports
from .report_kernel import Kernel

NOTEBOOK = PROJECT / "notebooks" / "report.ipynb"
_TYPES = {"str": str, "int": int, "float": (int, float), "list": list, "bool": bool, "dict": dict}
_RUNNER_ONLY = ("summary_json", "fingerprint")
TITLE_MAX = 200


class Result(dict):
    """The report's paths by extension, with ``status`` ("written" or "up-to-date") and
    ``beside``: the JSON of an existing report of the same name made from other inputs, if any."""
    status = "written"
    beside: Path | None = None


def _import_in_background(module: str) -> None:
    """Import *module* in a daemon thread: this process only waits while the kernel runs the
    notebook, so an import needed afterwards (nbconvert, about 1 s) costs no wall time there."""
    import importlib
    import threading

    def work():
        try:
            importlib.import_module(module)
        except Exception:   # the later import reports any problem
            pass
    threading.Thread(target=work, name=f"import-{module}", daemon=True).start()


def declared_parameters(notebook: Path = NOTEBOOK) -> dict:
    """Names, declared types and help of the notebook's parameters cell, as
    ``papermill.inspect_notebook`` gives them.  A parameters cell of plain one-line declarations
    (``name: type = literal  # help``, as the report's) is read directly, which spares the checks
    importing papermill (about 1 s) before the kernel is started; anything else goes to papermill."""
    quick = _plain_parameters(notebook)
    if quick is not None:
        return quick
    skip_slow_optional_imports()
    import papermill
    return papermill.inspect_notebook(str(notebook))


_PLAIN = re.compile(r"(?P<name>[A-Za-z_]\w*): (?P<type>str|int|float|bool|list|dict) = (?P<value>[^#]*?)  # (?P<help>[^#]*)")


def _plain_parameters(notebook: Path) -> dict | None:
    """The parameters cell read line by line, or None when any line is not a plain declaration
    whose value is a literal without ``#`` (then papermill's own parser decides)."""
    import ast
    import json
    try:
        nb = json.loads(Path(notebook).read_text(encoding="utf-8"))
        cell = next(c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", []))
        source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
        kernel = nb["metadata"]["kernelspec"]["name"]
    except (OSError, ValueError, KeyError, TypeError, StopIteration):
        return None
    if kernel != "python3":
        return None
    out = {}
    for line in source.splitlines():
        if not line.strip():
            continue
        m = _PLAIN.fullmatch(line.rstrip())
        if m is None:
            return None
        try:
            ast.literal_eval(m["value"])
        except (ValueError, SyntaxError):
            return None
        out[m["name"]] = {"name": m["name"], "inferred_type_name": m["type"], "default": m["value"],
                          "help": m["help"]}
    return out or None


def validate_parameters(given: dict, notebook: Path = NOTEBOOK) -> None:
    """Every given name must be declared, with a value of the declared type; all problems at once."""
    problems = parameter_problems(given, notebook)
    if problems:
        raise InputError(problems)


def parameter_problems(given: dict, notebook: Path = NOTEBOOK) -> list[Problem]:
    declared = declared_parameters(notebook)
    problems = []
    for name, value in given.items():
        if name not in declared:
            close = difflib.get_close_matches(name, list(declared), n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            problems.append(Problem(str(notebook.name), name, f"unknown report parameter{hint}; known: {', '.join(declared)}"))
            continue
        tname = declared[name]["inferred_type_name"]
        want = _TYPES.get(tname)
        bad_bool = isinstance(value, bool) and tname in ("int", "float")
        if want is not None and (not isinstance(value, want) or bad_bool):
            problems.append(Problem(str(notebook.name), name, f"expected a value of type {tname}, got {value!r}"))
        elif tname == "list" and not all(isinstance(x, str) for x in value):
            problems.append(Problem(str(notebook.name), name, "expected a list of dotted.key=value texts"))
    return problems


def report_paths(out_dir: Path, name: str, day: date | None = None) -> dict[str, Path]:
    """The five files of the report *name* made on *day* (no counter)."""
    return F.paths_for(Path(out_dir), f"{name}-{(day or date.today()).isoformat()}")


def _project_relative(path: str) -> str:
    p = Path(os.path.abspath(path))
    try:
        return p.relative_to(PROJECT).as_posix()
    except ValueError:
        return str(p)


def check(scenario_file: str, sets: list[str], out: Path, language: str, monte_carlo_years, extra: dict,
          notebook: Path) -> tuple[dict, object, object]:
    """Every problem with a report request, in one pass; the notebook parameters and scenarios."""
    from ..inputs.scenario import load_scenario
    from .report import check_parameters
    extra = dict(extra or {})
    problems = parameter_problems(extra, notebook)
    for name in _RUNNER_ONLY:
        if name in extra:
            problems.append(Problem("-p", name, "is set by the report command itself; leave it out"))
    given = extra.pop("scenario", None)
    if isinstance(given, str) and given:
        same = os.path.abspath(given) == os.path.abspath(scenario_file) or \
            (PROJECT / given).resolve() == Path(scenario_file).resolve()
        if not same:
            problems.append(Problem("-p", "scenario", f"{given} differs from the scenario argument {scenario_file}; "
                                    "give the scenario as the first argument (the report is named after it)"))
    more = extra.pop("overrides", [])
    overrides = list(sets) + (list(more) if isinstance(more, list) else [])
    lang = extra.pop("language", language)
    mc = extra.pop("monte_carlo_years", 100_000 if monte_carlo_years is None else monte_carlo_years)
    years = extra.pop("projection_years", 10)
    problems += check_parameters(lang, mc, years)
    title = extra.get("title", "")
    if isinstance(title, str) and len(title) > TITLE_MAX:
        problems.append(Problem("-p", "title", f"expected at most {TITLE_MAX} characters, got {len(title)}"))
    experience = extra.pop("experience", "")
    if isinstance(experience, str) and experience:
        from ..inputs.experience import read_experience
        try:
            read_experience(experience, display=experience)
        except InputError as exc:
            problems += exc.problems
    if isinstance(extra.get("previous"), str) and extra["previous"]:     # -p previous: a report JSON (sim diff)
        from ..analyses.diff import read_report
        try:
            read_report(extra["previous"])
        except InputError as exc:
            problems += exc.problems
    scen = base = None
    try:
        scen = load_scenario(scenario_file, overrides)
        base = load_scenario(scenario_file, [])
    except InputError as exc:
        problems += exc.problems
    if scen is not None and not (scen["programs.jkk"] or scen["programs.jkm"]
                                 or (scen["programs.jht"] and scen["budget.jht_regency_share"] > 0)):
        problems.append(Problem("--set" if any(o.startswith(("programs.", "budget.")) for o in overrides)
                                else str(scenario_file), "programs",
                                "every programme is switched off (or the regency pays none of it); there is nothing to report"))
    problems += F.check_output_folder(out)
    if problems:
        raise InputError(problems)
    params = {"scenario": _project_relative(scenario_file), "overrides": overrides, "language": lang,
              "monte_carlo_years": mc, "projection_years": years,
              "experience": _project_relative(experience) if experience else ""}
    params.update({k: v for k, v in extra.items() if k not in _RUNNER_ONLY})
    return params, scen, base


def run_report(scenario_file: str, sets: list[str], out_dir: str | Path = "reports", language: str = "id",
               monte_carlo_years: int | None = None, extra: dict | None = None, force: bool = False,
               progress: bool = True, day: date | None = None, notebook: Path = NOTEBOOK) -> Result:
    """Check, run the report notebook and write its five files; return their paths (``.status``
    says "written" or "up-to-date")."""
    from .report import provenance_hashes
    from .report_naming import report_name
    out = Path(out_dir)
    params, scen, base = check(scenario_file, sets, out, language, monte_carlo_years, extra or {}, notebook)
    if not params.get("title"):
        from .report import report_title
        params["title"] = report_title(scen, params["overrides"], params["language"])
    stem = f"{report_name(base, scen, params['overrides'], params['language'])}-{(day or date.today()).isoformat()}"
    out.mkdir(parents=True, exist_ok=True)
    fp = F.fingerprint(provenance_hashes(scen, params["experience"]), params)
    lock = F.ReportLock(out, stem)
    holder = lock.acquire()
    if holder is not None:
        raise InputError([Problem(str(out / stem), "", f"another run of this report is under way ({holder}); nothing was "
                                  "written; run again when it has finished")])
    tmp = kernel = None
    # a signal handler can only be set from the main thread (a Dask worker runs tasks in threads;
    # there a killed run's temporary folder is removed by the next run, as after SIGKILL)
    main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.getsignal(signal.SIGTERM)
    try:
        F.clean_stale(out)
        status, targets = F.choose(out, stem, fp, force)
        if status == "up-to-date":
            res = Result(targets)
            res.status = status
            return res
        if main_thread:
            signal.signal(signal.SIGTERM, _terminate)
        tmp = Path(os.path.abspath(tempfile.mkdtemp(prefix=F.TMP_PREFIX, dir=out)))   # the kernel's cwd differs
        (tmp / "pid").write_text(str(os.getpid()))
        staged = {ext: tmp / p.name for ext, p in targets.items()}
        params["summary_json"] = str(staged["json"])
        params["fingerprint"] = fp
        kernel = Kernel(tmp, PROJECT)
        kernel.start()          # it imports the notebook's modules while papermill is imported here
        _execute(notebook, staged, params, progress, scen.name, kernel)
        mode = 0o666 & ~_umask()
        for ext in ("ipynb", "html", "pdf", "xlsx", "json"):          # the JSON last: it marks a complete report
            os.chmod(staged[ext], mode)
            os.replace(staged[ext], targets[ext])
        res = Result(targets)
        res.status = "written"
        first = F.paths_for(out, stem)["json"]
        if targets["json"] != first and first.exists():
            res.beside = first
        return res
    finally:
        if kernel is not None:
            kernel.stop()
        if main_thread:
            signal.signal(signal.SIGTERM, previous)
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
        lock.release()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _terminate(signum, frame):
    raise SystemExit(128 + signum)


def _execute(notebook: Path, staged: dict, params: dict, progress: bool, name: str, kernel: Kernel) -> None:
    """Run the notebook with papermill in *kernel* (started already), then write the HTML."""
    skip_slow_optional_imports()
    import papermill
    nb_params = dict(params)
    if progress:
        print(f"Menjalankan laporan / running the report: {name} ...", file=sys.stderr)
    _import_in_background("nbconvert")      # the HTML step's imports overlap the kernel's work
    page = EarlyHtml(params["title"], params["language"])   # converted while the last cell runs
    papermill.execute_notebook(str(notebook), str(staged["ipynb"]), parameters=nb_params, km=kernel.manager,
                               progress_bar=progress, kernel_name="python3", log_output=False, **page.hooks())
    if progress:
        print("Menulis HTML / writing HTML ...", file=sys.stderr)
    page.write(staged["ipynb"], staged["html"])
    missing = [p.name for p in staged.values() if not p.exists()]
    if missing:
        raise RuntimeError(f"the report notebook did not write {', '.join(missing)}")
