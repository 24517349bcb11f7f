"""Command line: ``python -m sim run PARAMS.yaml [--set dotted.key=value ...] [--json]``.

Exit codes: 0 success, 2 bad input (every problem printed on stderr, one line each,
``file: key: what was expected``; never a traceback; at most
:data:`~sim.common.limits.MAX_PROBLEM_LINES` lines, then how many more), 130 interrupted
(Ctrl-C: one line, nothing half-written).
"""
from __future__ import annotations

import argparse
import sys

from .common import limits
from .common.errors import InputError


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="python -m sim", description="BPU social security workbench (Kabupaten Belu)")
    sub = ap.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="one year of contributions, budget and claims for a scenario")
    run.add_argument("params", help="scenario file, e.g. params/belu-2023.yaml")
    run.add_argument("--set", dest="sets", action="append", default=[], metavar="KEY=VALUE",
                     help="override a setting or parameter, e.g. --set income.declared_monthly=1500000")
    run.add_argument("--json", action="store_true", help="print one JSON object instead of the summary")
    run.add_argument("--no-checks", action="store_true", help="skip the grid-doubling and discretization checks")
    pro = sub.add_parser("project", help="year-by-year projection (budget, claims, JHT) over 1-40 years")
    pro.add_argument("params", help="scenario file")
    pro.add_argument("--years", type=int, default=None, help="years to project (default: projection.years)")
    pro.add_argument("--paths", type=int, default=None, help="Monte Carlo paths (default: projection.paths)")
    pro.add_argument("--set", dest="sets", action="append", default=[], metavar="KEY=VALUE")
    pro.add_argument("--json", action="store_true", help="one JSON object with a row per year")
    cmp_ = sub.add_parser("compare", help="two scenarios side by side over the same years")
    cmp_.add_argument("a", help="first scenario file")
    cmp_.add_argument("b", help="second scenario file")
    cmp_.add_argument("--years", type=int, default=None)
    cmp_.add_argument("--paths", type=int, default=None)
    cmp_.add_argument("--json", action="store_true")
    val = sub.add_parser("validate", help="hold the assumptions against observed claims experience")
    val.add_argument("params", help="scenario file")
    val.add_argument("experience", help="experience CSV (year, village, program, claim_type, count, amount, exposure_months)")
    val.add_argument("--set", dest="sets", action="append", default=[], metavar="KEY=VALUE")
    val.add_argument("--confidence", type=float, default=None, help="confidence of the A/E intervals (default 0.95)")
    val.add_argument("--write-scenario", default=None, metavar="OUT.yaml",
                     help="write a scenario extending PARAMS with the experience-updated assumptions "
                          "(never replaces an existing file unless --overwrite)")
    val.add_argument("--overwrite", action="store_true",
                     help="replace OUT.yaml if it exists (never PARAMS or a file PARAMS extends)")
    val.add_argument("--json", action="store_true")
    pln = sub.add_parser("plan", help="budget planner: what an allocation buys, with and without JHT, by APBD year")
    pln.add_argument("params", help="scenario file")
    pln.add_argument("--allocation", metavar="RUPIAH", help="amount to plan with, e.g. 1.175.126.400 (default: budget.allocation)")
    pln.add_argument("--workers", metavar="N", help="workers to fund, e.g. 5.892 (default: the scenario's enrolled workers)")
    pln.add_argument("--months", metavar="M", help="months of cover to pay for (default: budget.months)")
    pln.add_argument("--years", metavar="Y", help="APBD fiscal years to list (default: those the months span)")
    pln.add_argument("--set", dest="sets", action="append", default=[], metavar="KEY=VALUE")
    pln.add_argument("--json", action="store_true", help="one JSON object instead of the text")
    pub = sub.add_parser("published", help="hold a published total of claims (count, amount, period) against the model")
    pub.add_argument("params", help="scenario file")
    pub.add_argument("total", help="published total YAML (e.g. params/experience/published-ntt-2025.yaml)")
    pub.add_argument("--set", dest="sets", action="append", default=[], metavar="KEY=VALUE")
    pub.add_argument("--json", action="store_true")
    rep = sub.add_parser("report", help="the council report: notebook, HTML, PDF, Excel and JSON under reports/")
    rep.add_argument("params", help="scenario file")
    rep.add_argument("--set", dest="sets", action="append", default=[], metavar="KEY=VALUE")
    rep.add_argument("-o", "--output", default="reports", help="folder for the report (default: reports/)")
    rep.add_argument("--lang", choices=("id", "en"), default="id", help="language of the report (default: id)")
    rep.add_argument("-p", "--parameter", nargs=2, action="append", default=[], metavar=("NAME", "VALUE"),
                     help="a report notebook parameter, as for papermill (validated first)")
    rep.add_argument("--force", action="store_true", help="replace a report of the same name and date made from other inputs")
    rep.add_argument("--quiet", action="store_true", help="no progress output")
    dash = sub.add_parser("dashboard", help="the dashboard in the browser (Voila on 127.0.0.1; Ctrl-C stops it)")
    dash.add_argument("--port", type=int, default=8866, help="port on 127.0.0.1 (default: 8866)")
    dash.add_argument("--no-browser", action="store_true", help="do not open the browser, only print the address")
    dash.add_argument("--save-dir", default=None, help="folder for saved scenarios (default: params/saved)")
    dash.add_argument("--preheat", type=int, default=1, metavar="N",
                      help="kernels kept ready with the dashboard computed (default 1, about 120 MB each; 0: none)")
    dif = sub.add_parser("diff", help="what changed between two report JSONs, and why (attribution in a fixed order)")
    dif.add_argument("old", help="the earlier report JSON")
    dif.add_argument("new", help="the later report JSON")
    dif.add_argument("--lang", choices=("id", "en"), default="id", help="language of the text (default: id)")
    dif.add_argument("--json", action="store_true", help="one JSON object")
    grd = sub.add_parser("grid", help="a sensitivity grid of many scenarios (vectorized, or fanned out like batch)")
    grd.add_argument("params", help="scenario file")
    grd.add_argument("--vary", action="append", default=[], metavar="KEY=LOW:HIGH:STEPS",
                     help="a lever and its range, e.g. assumptions.mortality.loading=0.5:2:100 (repeatable)")
    grd.add_argument("--metric", action="append", default=[], help="loss_ratio (default), expected_claims, "
                     "expected_jkk, expected_jkm, budget_need, var_99_5, prob_exceed (repeatable)")
    grd.add_argument("--set", dest="sets", action="append", default=[], metavar="KEY=VALUE")
    grd.add_argument("--jobs", type=int, default=None, help="parallel processes when the grid is fanned out")
    grd.add_argument("--scheduler", default=None, metavar="ADDRESS", help="a Dask scheduler, or 'local'")
    grd.add_argument("-o", "--output", default=None, metavar="GRID.csv", help="write one row per grid point")
    grd.add_argument("--json", action="store_true")
    bat = sub.add_parser("batch", help="many reports from a manifest, in parallel (local processes or Dask), one index")
    bat.add_argument("manifest", help="manifest YAML with a 'reports' list (scenario, set, name, programme)")
    bat.add_argument("-o", "--output", default=None, help="folder of the batch (default: reports/<manifest name>/)")
    bat.add_argument("--jobs", type=int, default=None, help="parallel reports (default: the number of cores)")
    bat.add_argument("--scheduler", default=None, metavar="ADDRESS",
                     help="a Dask scheduler address (tcp://host:8786), or 'local' for a LocalCluster")
    bat.add_argument("--force", action="store_true", help="rerun every entry, even when its inputs are unchanged")
    bat.add_argument("--json", action="store_true", help="print the index as JSON")
    return ap


def _dashboard(args) -> int:
    from .outputs.dashboard import serve
    if not 1 <= args.port <= 65535:
        print(f"error: --port: expected a port number between 1 and 65535, got {args.port}", file=sys.stderr)
        return 2
    if not 0 <= args.preheat <= 4:
        print(f"error: --preheat: expected 0 to 4 kernels, got {args.preheat}", file=sys.stderr)
        return 2
    return serve(args.port, not args.no_browser, args.save_dir, args.preheat)


def _batch(args) -> int:
    from .common.jsonio import dumps
    from .outputs.batch import run_batch
    try:
        index = run_batch(args.manifest, args.output, args.jobs, args.scheduler, progress=not args.json, force=args.force)
    except InputError as exc:
        print_problems(exc.problems, "no report was run.")
        return 2
    if args.json:
        print(dumps(index))
    else:
        print(f"{index['out_dir']}/index.html")
    if index["failed"]:
        print(f"error: {len(index['failed'])} report(s) failed: {', '.join(index['failed'])} (see index.html)", file=sys.stderr)
        return 1
    return 0


def _report(args) -> int:
    from .common.yamlio import parse_scalar
    from .outputs.report_runner import run_report
    extra = {name: parse_scalar(value) for name, value in args.parameter}
    try:
        paths = run_report(args.params, args.sets, args.output, args.lang, extra=extra, force=args.force,
                           progress=not args.quiet)
    except InputError as exc:
        print_problems(exc.problems, "no report was written.")
        return 2
    except KeyboardInterrupt:
        print("interrupted; no report was written.", file=sys.stderr)
        return 130
    except SystemExit as exc:   # SIGTERM during the run: the temporary files are gone
        print("stopped; no report was written.", file=sys.stderr)
        return int(exc.code) if isinstance(exc.code, int) else 1
    except Exception as exc:  # a failure inside the notebook: nothing was written
        name = type(exc).__name__
        print(f"error: the report run failed ({name}: {str(exc).strip().splitlines()[-1] if str(exc).strip() else ''}); "
              "no report was written.", file=sys.stderr)
        return 1
    if paths.status == "up-to-date":
        print(f"Laporan sudah mutakhir / the report is up to date (same inputs): {paths['html']}")
    elif paths.beside is not None:
        print(f"Masukan berbeda dari laporan yang ada / inputs differ from the existing report {paths.beside.stem}; "
              f"laporan baru / new report: {paths['html'].stem} (the older one is kept)")
    for p in paths.values():
        print(p)
    return 0


def print_problems(problems, outcome: str) -> None:
    """One line per problem on stderr, at most MAX_PROBLEM_LINES of them, then the count."""
    from .common.limits import MAX_PROBLEM_LINES, grouped
    for p in problems[:MAX_PROBLEM_LINES]:
        print(f"error: {p}", file=sys.stderr)
    if len(problems) > MAX_PROBLEM_LINES:
        more = len(problems) - MAX_PROBLEM_LINES
        print(f"error: ... dan {grouped(more)} masalah lain / and {grouped(more)} more", file=sys.stderr)
    print(f"{len(problems)} problem(s) found; {outcome}", file=sys.stderr)


def _emit(obj, as_json: bool, fmt) -> None:
    from .common.jsonio import dumps
    # the whole text is made before anything is printed: a failure prints nothing half-way
    text = dumps(obj) if as_json else fmt(obj)
    if as_json and isinstance(obj, dict) and obj.get("monte_carlo_skipped"):
        print(f"catatan / note: {obj['monte_carlo_skipped']}", file=sys.stderr)
    print(text)


def _check_range(flag: str, value, lo, hi, what: str) -> None:
    from .common.errors import Problem
    if value is not None and not lo <= value <= hi:
        raise InputError([Problem(flag, "", f"expected {what}, got {value}")])


def _check_paths(value) -> None:
    from .common.errors import Problem
    from .inputs.scenario_checks import check_paths
    err = check_paths(value) if value is not None else None
    if err:
        raise InputError([Problem("--paths", "", err)])


def _cmd_run(args):
    from .analyses.model import run
    from .inputs.scenario import load_scenario
    from .outputs.text import format_summary
    return run(load_scenario(args.params, args.sets), checks=not args.no_checks), format_summary


def _cmd_project(args):
    from .analyses.projection import run_projection
    from .inputs.scenario import load_scenario
    from .outputs.text import format_projection
    _check_range("--years", args.years, 1, limits.MAX_PROJECTION_YEARS,
                 f"a whole number of years between 1 and {limits.MAX_PROJECTION_YEARS}")
    _check_paths(args.paths)
    return run_projection(load_scenario(args.params, args.sets), args.years, args.paths), format_projection


def _cmd_compare(args):
    from .analyses.compare import compare
    from .inputs.scenario import load_scenario
    from .outputs.text import format_comparison
    _check_range("--years", args.years, 1, limits.MAX_PROJECTION_YEARS,
                 f"a whole number of years between 1 and {limits.MAX_PROJECTION_YEARS}")
    _check_paths(args.paths)
    scens, problems = [], []
    for f in (args.a, args.b):          # both files' problems in one pass
        try:
            scens.append(load_scenario(f))
        except InputError as exc:
            problems += exc.problems
    if problems:
        raise InputError(problems)
    return compare(scens[0], scens[1], args.years, args.paths), format_comparison


def _cmd_validate(args):
    from pathlib import Path

    from .analyses.validation import validate
    from .common.errors import Problem
    from .inputs.experience import read_experience
    from .inputs.scenario import load_scenario
    from .inputs.scenario_writer import check_target, scenario_name_from, write_scenario
    from .outputs.text import format_validation
    problems: list = []           # every input's problems in one pass, before any work
    scen = exp = None
    try:
        scen = load_scenario(args.params, args.sets)
    except InputError as exc:
        problems += exc.problems
    try:
        exp = read_experience(args.experience)
    except InputError as exc:
        problems += exc.problems
    try:
        _check_range("--confidence", args.confidence, 1e-9, 1 - 1e-9, "a number between 0 and 1")
    except InputError as exc:
        problems += exc.problems
    target = Path(args.write_scenario) if args.write_scenario else None
    if target is not None:
        problems += check_target(target, args.params, args.overwrite, "--write-scenario " + str(target))
    elif args.overwrite:
        problems.append(Problem("--overwrite", "", "hanya bersama --write-scenario / only with --write-scenario"))
    if problems:
        raise InputError(problems)
    result = validate(scen, exp, args.confidence)
    if target is not None:
        write_scenario(target, args.params, scenario_name_from(target.stem), {},
                       {**result["suggested_assumptions"], **result.get("suggested_uncertainty", {})},
                       {"id": f"{scen.name} diperbarui dengan pengalaman", "en": f"{scen.name} updated with experience"},
                       header=f"Assumptions updated with the experience in {Path(args.experience).name} (Gamma-Poisson)",
                       overwrite=args.overwrite)
        result["written_scenario"] = str(target)
    return result, format_validation


def _cmd_plan(args):
    from .analyses.plan import LIMITS, plan_budget
    from .common.errors import Problem
    from .common.numbers import NumberError, parse_number
    from .inputs.scenario import load_scenario
    from .outputs.text import format_plan
    problems, values = [], {}
    for name in ("allocation", "workers", "months", "years"):
        raw = getattr(args, name)
        if raw is None:
            continue
        lo, hi = LIMITS[name]
        try:
            v = parse_number(raw, integer=name != "allocation", minimum=lo, maximum=hi)
            values[name] = v if name == "allocation" else int(v)
        except NumberError as exc:
            problems.append(Problem(f"--{name}", "", str(exc)))
    try:
        scen = load_scenario(args.params, args.sets)
    except InputError as exc:
        raise InputError(problems + exc.problems) from None
    if problems:
        raise InputError(problems)
    return plan_budget(scen, **values), format_plan


def _cmd_diff(args):
    from functools import partial

    from .analyses.diff import diff, read_report
    from .common.errors import Problems
    from .outputs.changes import format_diff
    problems, reports = Problems(), []
    for path in (args.old, args.new):
        try:
            reports.append(read_report(path))
        except InputError as exc:
            problems.extend(exc.problems)
    problems.raise_if_any()
    return diff(*reports), partial(format_diff, lang=args.lang)


def _cmd_grid(args):
    from pathlib import Path

    from .outputs.grid_runner import format_grid, run_grid, write_csv
    result = run_grid(args.params, args.sets, args.vary, args.metric or ["loss_ratio"], args.jobs, args.scheduler)
    if args.output:
        write_csv(result, Path(args.output))
        result["written"] = args.output
    return result, format_grid


def _cmd_published(args):
    from .analyses.published import compare, read_published
    from .inputs.scenario import load_scenario
    from .outputs.text import format_published
    return compare(load_scenario(args.params, args.sets), read_published(args.total)), format_published


COMMANDS = {"run": _cmd_run, "project": _cmd_project, "compare": _cmd_compare, "validate": _cmd_validate, "plan": _cmd_plan,
            "diff": _cmd_diff, "grid": _cmd_grid, "published": _cmd_published}


def main(argv: list[str] | None = None) -> int:
    try:
        args = _parser().parse_args(argv)
        if args.command == "report":
            return _report(args)
        if args.command == "dashboard":
            return _dashboard(args)
        if args.command == "batch":
            return _batch(args)
        try:
            result, fmt = COMMANDS[args.command](args)
        except InputError as exc:
            print_problems(exc.problems, "nothing was computed.")
            return 2
        _emit(result, args.json, fmt)
        return 0
    except KeyboardInterrupt:
        # temporary files are removed by the writers' own cleanup; say so in one line
        print("dihentikan (Ctrl-C); tidak ada berkas yang ditulis / interrupted (Ctrl-C); nothing was written",
              file=sys.stderr)
        return 130
    except MemoryError:   # an accepted size on a machine with less memory than it needs
        print("kehabisan memori / out of memory: this machine has less free memory than the run needs "
              "(see the bounds in sim/common/limits.py); nothing was written", file=sys.stderr)
        return 1
    except BrokenPipeError:   # `... --json | head`: the reader left; no traceback
        import os
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
