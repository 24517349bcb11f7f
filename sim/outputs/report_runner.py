"""``python -m sim report``: run the report notebook with papermill, write the executed notebook,
a self-contained HTML without code cells, and the headline figures as JSON.

Every report parameter is validated against the notebook's ``parameters`` cell before anything
runs (papermill alone only warns about an unknown name and runs on the defaults: papermill
issue #818).  Nothing is overwritten silently, and a failed run leaves no file behind: the
three files are written in a temporary folder beside the target and moved into place at the end.
"""
from __future__ import annotations

import difflib
import os
import shutil
import sys
import tempfile
from datetime import date
from pathlib import Path

from ..common.errors import InputError, Problem
from ..common.paths import PROJECT

NOTEBOOK = PROJECT / "notebooks" / "report.ipynb"
_TYPES = {"str": str, "int": int, "float": (int, float), "list": list, "bool": bool, "dict": dict}


def declared_parameters(notebook: Path = NOTEBOOK) -> dict:
    """Names, declared types and help of the notebook's parameters cell (papermill.inspect_notebook)."""
    import papermill
    return papermill.inspect_notebook(str(notebook))


def validate_parameters(given: dict, notebook: Path = NOTEBOOK) -> None:
    """Every given name must be declared, with a value of the declared type; all problems at once."""
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
    if problems:
        raise InputError(problems)


def report_paths(out_dir: Path, scenario_name: str, day: date | None = None) -> dict[str, Path]:
    stem = f"{scenario_name}-{(day or date.today()).isoformat()}"
    return {ext: out_dir / f"{stem}.{ext}" for ext in ("ipynb", "html", "json")}


def to_html(executed: Path, target: Path, title: str) -> None:
    """The executed notebook as a self-contained HTML page without code cells or prompts.

    Images are embedded; the template's scripts (require.js, MathJax, mermaid from a CDN) are
    removed, since the report needs none and officials may read it offline.
    """
    import html as _html
    import re

    import nbformat
    from nbconvert import HTMLExporter
    nb = nbformat.read(str(executed), as_version=4)
    exporter = HTMLExporter(exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True,
                            embed_images=True)
    body, _ = exporter.from_notebook_node(nb)
    body = re.sub(r"<script\b[^>]*>.*?</script>", "", body, flags=re.S | re.I)
    body = re.sub(r"<title>.*?</title>", f"<title>{_html.escape(title)}</title>", body, count=1, flags=re.S)
    target.write_text(body, encoding="utf-8")


def run_report(scenario_file: str, sets: list[str], out_dir: str | Path = "reports", language: str = "id",
               monte_carlo_years: int | None = None, extra: dict | None = None, force: bool = False,
               progress: bool = True, day: date | None = None) -> dict[str, Path]:
    """Validate, run the report notebook and write its three files; return their paths."""
    from ..inputs.scenario import load_scenario
    scen = load_scenario(scenario_file, sets)          # bad scenario input: InputError before any run
    params = {"scenario": str(Path(scenario_file).resolve()), "overrides": list(sets), "language": language}
    if monte_carlo_years is not None:
        params["monte_carlo_years"] = monte_carlo_years
    params.update(extra or {})
    validate_parameters(params)
    if params.get("language") not in ("id", "en"):
        raise InputError([Problem("report", "language", f'expected "id" or "en", got {params.get("language")!r}')])
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    targets = report_paths(out, scen.name, day)
    existing = [p for p in targets.values() if p.exists()]
    if existing and not force:
        raise InputError([Problem(str(p), "", "a report already exists here; use --force (make run FORCE=1) to replace it, or -o for "
                                  "another folder") for p in existing])
    import papermill
    tmp = Path(tempfile.mkdtemp(prefix=".report-", dir=out))
    try:
        executed = tmp / targets["ipynb"].name
        params["summary_json"] = str(tmp / targets["json"].name)
        if progress:
            print(f"Menjalankan laporan / running the report: {scen.name} ...", file=sys.stderr)
        papermill.execute_notebook(str(NOTEBOOK), str(executed), parameters=params, cwd=str(PROJECT),
                                   progress_bar=progress, kernel_name="python3", log_output=False)
        if progress:
            print("Menulis HTML / writing HTML ...", file=sys.stderr)
        title = (scen["scenario.title"] or {}).get(params["language"], scen.name)
        to_html(executed, tmp / targets["html"].name, title)
        for ext, target in targets.items():
            os.replace(tmp / target.name, target)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return targets
