"""Command line: ``python -m sim run PARAMS.yaml [--set dotted.key=value ...] [--json]``.

Exit codes: 0 success, 2 bad input (every problem printed on stderr, one line each,
``file: key: what was expected``; never a traceback).
"""
from __future__ import annotations

import argparse
import json
import sys

from .errors import InputError
from .formatting import label, number, percent, rupiah


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
                     help="write a scenario extending PARAMS with the experience-updated assumptions")
    val.add_argument("--json", action="store_true")
    rep = sub.add_parser("report", help="run the report notebook: executed notebook, HTML and JSON under reports/")
    rep.add_argument("params", help="scenario file")
    rep.add_argument("--set", dest="sets", action="append", default=[], metavar="KEY=VALUE")
    rep.add_argument("-o", "--output", default="reports", help="folder for the report (default: reports/)")
    rep.add_argument("--lang", choices=("id", "en"), default="id", help="language of the report (default: id)")
    rep.add_argument("-p", "--parameter", nargs=2, action="append", default=[], metavar=("NAME", "VALUE"),
                     help="a report notebook parameter, as for papermill (validated first)")
    rep.add_argument("--force", action="store_true", help="replace a report of the same scenario and date")
    rep.add_argument("--quiet", action="store_true", help="no progress output")
    return ap


def format_summary(r: dict) -> str:
    """The readable summary (Indonesian / English, rupiah in Indonesian format)."""
    yes = lambda b: "ya/yes" if b else "tidak/no"  # noqa: E731
    c, b, e, lr = r["contributions"], r["budget"], r["expected_claims"], r["loss_ratio"]
    title = r["title"]["id"] if r.get("title") else r["scenario"]
    W, T = 52, 32

    def row(id_text, en_text, value, note=""):
        text = id_text if id_text == en_text else label(id_text, en_text)
        return f"  {text:<{W}}{value:>20}{('  ' + note) if note else ''}"

    def table(id_text, en_text, fmt, values):
        return f"  {label(id_text, en_text):<{T}}" + "".join(f"{fmt(values[k]):>20}" for k in ("jkk", "jkm", "total"))

    diff = b["difference"]
    lines = [
        f"{label('Skenario', 'Scenario')}: {r['scenario']} - {title}",
        f"{label('Mulai', 'Start')}: {r['start']}   JKK {yes(r['programs']['jkk'])}, JKM {yes(r['programs']['jkm'])}, "
        f"JHT {yes(r['programs']['jht'])}",
        f"{label('Peserta', 'Workers')}: {number(r['workers'])} di/in {r['villages']} desa "
        f"({r['portfolio_source']}, seed {r['seed']})",
        f"{label('Penghasilan dilaporkan', 'Declared income')}: {rupiah(r['declared_income_monthly'])} per bulan/month",
        "",
        label("Iuran setahun", "Contributions a year"),
        *(row(k.upper(), k.upper(), rupiah(c[k])) for k in ("jkk", "jkm", "jht")),
        row("Jumlah", "Total", rupiah(c["total"])),
        "",
        f"{label('Anggaran', 'Budget')} ({b['months']} bulan/months)",
        row("Alokasi", "Allocation", rupiah(b["allocation"])),
        row("Kebutuhan", "Required", rupiah(b["required"])),
        row("Selisih", "Difference", rupiah(diff), label("kurang", "shortfall") if diff < 0 else label("lebih", "surplus")),
        row("Tahun-peserta didanai", "Worker-years funded", number(b["funded_worker_years"])),
        row("Bulan cakupan semua peserta", "Months of cover for all", number(b["months_covered"], 2)),
        "",
        label("Kejadian harapan setahun", "Expected events a year"),
        row("Kematian bukan kerja (JKM)", "Deaths not from work", number(r["expected_deaths"], 1)),
        row("Kecelakaan kerja (JKK)", "Work accidents", number(r["expected_accidents"], 1)),
        row("Kecelakaan kerja fatal", "Fatal work accidents", number(r["expected_work_accident_deaths"], 2)),
        "",
        f"  {'':<{T}}{'JKK':>20}{'JKM':>20}{'JKK + JKM':>20}",
        table("Klaim harapan", "Expected claims", rupiah, e),
        table("Rasio klaim", "Loss ratio", percent, lr),
        table("Simpangan baku", "Std deviation", rupiah, r["claims_sd"]),
        "",
        label("Sebaran total klaim setahun (JKK + JKM)", "Distribution of the year's total claims"),
        *(row(f"Kuantil {number(float(q), 1 if '.' in q else 0)}%", f"{q}% quantile", rupiah(v))
          for q, v in r["claims_quantiles"].items()),
        row("VaR 99,5%", "VaR 99.5%", rupiah(r["var_99_5"])),
        row("TVaR 99,5%", "TVaR 99.5%", rupiah(r["tvar_99_5"])),
        row("Peluang klaim > iuran", "P(claims > contributions)", percent(r["prob_claims_exceed_contributions"], 2)),
    ]
    if "monte_carlo" in r:
        m = r["monte_carlo"]
        lines += ["", f"{label('Cek Monte Carlo', 'Monte Carlo check')} ({number(m['years'])} {label('tahun', 'years')})",
                  row("Rata-rata", "Mean", rupiah(m["mean"]), f"± {rupiah(m['mean_se'])} (se)"),
                  row("Peluang klaim > iuran", "P(claims > contributions)", percent(m["prob_exceed_contributions"], 2),
                      f"± {percent(m['prob_exceed_se'], 2)} (se)")]
    if "checks" in r:
        ch = r["checks"]
        lo, hi = ch["quantile_bounds"]["99.5"]
        lines += ["", label("Cek numerik", "Numerical checks"),
                  row("Perubahan CDF bila grid digandakan", "CDF change, grid doubled",
                      f"{ch['grid_doubling_max_cdf_change']:.1e}"),
                  row("Batas kuantil 99,5%", "99.5% quantile bounds",
                      f"{rupiah(lo)} - {rupiah(hi)}")]
    return "\n".join(lines)


def _report(args) -> int:
    from .report_runner import run_report
    from .yamlio import parse_scalar
    extra = {name: parse_scalar(value) for name, value in args.parameter}
    try:
        paths = run_report(args.params, args.sets, args.output, args.lang, extra=extra, force=args.force,
                           progress=not args.quiet)
    except InputError as exc:
        for p in exc.problems:
            print(f"error: {p}", file=sys.stderr)
        print(f"{len(exc.problems)} problem(s) found; no report was written.", file=sys.stderr)
        return 2
    except Exception as exc:  # a failure inside the notebook: nothing was written
        name = type(exc).__name__
        print(f"error: the report run failed ({name}: {str(exc).strip().splitlines()[-1] if str(exc).strip() else ''}); "
              "no report was written.", file=sys.stderr)
        return 1
    for p in paths.values():
        print(p)
    return 0


def format_projection(p: dict) -> str:
    """Year-by-year table of a projection (Indonesian / English)."""
    lines = [f"{label('Proyeksi', 'Projection')}: {p['scenario']} ({p['years']} {label('tahun', 'years')}, "
             f"{number(p['paths'])} {label('jalur', 'paths')}, seed {p['seed']})",
             f"{label('Beasiswa mulai dibayar tahun ke', 'Scholarship cost starts in year')}: {p['first_scholarship_year']}"
             f" (JKM: {p['first_jkm_scholarship_year']})", ""]
    head = (f"{'Th/Yr':>5} {'Mulai/Start':>11} {'Peserta':>8} {'Kebutuhan/Need':>18} {'Selisih/Diff':>18} "
            f"{'Klaim/Claims':>18} {'Beasiswa/Schol.':>17} {'Rasio/LR':>9} {'P(>iuran)':>10} {'P(kum>)':>8}")
    has_jht = "jht" in p["rows"][0]
    if has_jht:
        head += f" {'Dana JHT/Fund':>18}"
    lines.append(head)
    for r in p["rows"]:
        line = (f"{r['year']:>5} {r['start']:>11} {number(r['workers']):>8} {rupiah(r['budget']['required']):>18} "
                f"{rupiah(r['budget']['difference']):>18} {rupiah(r['expected_claims']['total']):>18} "
                f"{rupiah(r['scholarship']):>17} {percent(r['loss_ratio']):>9} "
                f"{percent(r.get('prob_claims_exceed_contributions'), 1):>10} "
                f"{percent(r.get('prob_cumulative_claims_exceed_contributions'), 1):>8}")
        if has_jht:
            line += f" {rupiah(r['jht']['fund']):>18}"
        lines.append(line)
    if "jht_at_retirement" in p:
        lines += ["", label("Saldo JHT pada usia pensiun (deterministik; persentil 5-95)",
                            "JHT balance at retirement age (deterministic; 5th-95th percentile)")]
        for age, v in p["jht_at_retirement"].items():
            lines.append(f"  {label('masuk usia', 'joining at')} {age} ({v['years']} th/yr): {rupiah(v['deterministic'])}"
                         f"  ({rupiah(v['percentiles']['5'])} - {rupiah(v['percentiles']['95'])})")
    return "\n".join(lines)


def format_comparison(c: dict) -> str:
    a, b = c["a"]["scenario"], c["b"]["scenario"]
    lines = [f"{label('Perbandingan', 'Comparison')}: A = {a}, B = {b} ({c['years']} {label('tahun', 'years')})", "",
             f"{'Th/Yr':>5} {'Kebutuhan A':>18} {'Kebutuhan B':>18} {'B - A':>18} {'Dana JHT B':>18} "
             f"{'Rasio A':>9} {'Rasio B':>9}"]
    for r in c["rows"]:
        lines.append(f"{r['year']:>5} {rupiah(r['budget_required']['a']):>18} {rupiah(r['budget_required']['b']):>18} "
                     f"{rupiah(r['budget_required']['difference']):>18} {rupiah(r['jht_fund']['b']):>18} "
                     f"{percent(r['loss_ratio']['a']):>9} {percent(r['loss_ratio']['b']):>9}")
    t = c["total_budget_required"]
    lines += ["", f"{label('Jumlah kebutuhan', 'Total need')}: A {rupiah(t['a'])}, B {rupiah(t['b'])}, "
              f"B - A {rupiah(t['difference'])}"]
    return "\n".join(lines)


def format_validation(v: dict) -> str:
    """Readable A/E table, updates, village credibility and pricing checks."""
    lines = [f"{label('Validasi asumsi', 'Validating assumptions')}: {v['scenario']} "
             f"({label('keyakinan', 'confidence')} {percent(v['confidence'], 0)})"]
    lines += [f"  # {c}" for c in v["comments"]]
    lines += ["", f"{'Program':<8}{'Jenis/Type':<14}{'Tahun':>6}{'Aktual':>8}{'Harapan':>9}{'A/E':>8}"
              f"{'Interval':>17}{'A/E Rp':>8}  {label('Bertentangan?', 'Contradicts?')}"]
    for r in v["actual_vs_expected"]:
        yr = "semua" if r["year"] is None else str(r["year"])
        lines.append(f"{r['program'].upper():<8}{r['claim_type']:<14}{yr:>6}{number(r['actual']):>8}"
                     f"{number(r['expected'], 1):>9}{number(r['ratio'], 2):>8}"
                     f"{number(r['ratio_low'], 2) + ' - ' + number(r['ratio_high'], 2):>17}"
                     f"{number(r['amount_ratio'], 2):>8}  {'YA / YES' if r['contradicts'] else '-'}")
    lines += ["", label("Pembaruan Gamma-Poisson (per tahun-peserta)", "Gamma-Poisson update (per worker-year)")]
    for prog, u in v["updates"].items():
        p = u["predictive"]
        lines.append(f"  {prog.upper()}: {label('asumsi', 'assumed')} {u['prior_rate']:.5f} -> {label('posterior', 'posterior')} "
                     f"{u['posterior_rate']:.5f} (90%: {u['low_90']:.5f} - {u['high_90']:.5f}; Z = {number(u['credibility'], 2)}); "
                     f"{label('klaim tahun depan', 'next year')}: {rupiah(p['mean'])}, 99,5% {rupiah(p['quantiles']['99.5'])}")
    lines += ["", label("Asumsi yang disarankan", "Suggested assumptions") + ": " +
              ", ".join(f"{k} = {number(x, 3)}" for k, x in v["suggested_assumptions"].items())]
    for prog, bs in v["villages"].items():
        if not bs:
            continue
        zs = [x["z"] for x in bs["villages"]]
        lines.append(f"  Buhlmann-Straub {prog.upper()}: k = {number(bs['k'], 0) if bs['k'] != float('inf') else 'inf'}, "
                     f"Z desa/village {number(min(zs), 2)} - {number(max(zs), 2)}, "
                     f"{label('frekuensi kolektif', 'collective rate')} {bs['collective_rate']:.5f}")
    lines += ["", label("Cek tarif (iuran per peserta per bulan)", "Pricing check (contribution per worker a month)")]
    for prog, pr in v["pricing"].items():
        m, e = pr["model"], pr["experience"]
        lines.append(f"  {prog.upper()}: {label('sekarang', 'now')} {rupiah(pr['current_monthly'])}; "
                     f"{label('impas', 'break-even')} {rupiah(m['break_even_monthly'])} ({label('pengalaman', 'experience')} "
                     f"{rupiah(e['break_even_monthly'])}); {label('peluang', 'probability')} {percent(m['target'], 0)}: "
                     f"{rupiah(m['target_monthly'])} ({rupiah(e['target_monthly'])})")
    return "\n".join(lines)


def _emit(obj, as_json: bool, fmt) -> None:
    if as_json:
        json.dump(obj, sys.stdout, ensure_ascii=False, indent=2, default=float)
        sys.stdout.write("\n")
    else:
        print(fmt(obj))


def _years_problem(years):
    from .errors import Problem
    if years is not None and not 1 <= years <= 40:
        return [Problem("--years", "", f"expected a whole number of years between 1 and 40, got {years}")]
    return []


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "report":
        return _report(args)
    if args.command == "validate":
        from .experience import read_experience
        from .scenario import load_scenario, write_scenario
        from .validation import validate
        try:
            scen = load_scenario(args.params, args.sets)
            exp = read_experience(args.experience)
            if args.confidence is not None and not 0 < args.confidence < 1:
                from .errors import Problem
                raise InputError([Problem("--confidence", "", f"expected a number between 0 and 1, got {args.confidence}")])
            result = validate(scen, exp, args.confidence)
            if args.write_scenario:
                from pathlib import Path
                target = Path(args.write_scenario)
                write_scenario(target, args.params, target.stem, {}, result["suggested_assumptions"],
                               {"id": f"{scen.name} diperbarui dengan pengalaman", "en": f"{scen.name} updated with experience"},
                               header=f"Assumptions updated with the experience in {Path(args.experience).name} (Gamma-Poisson)")
                result["written_scenario"] = str(target)
        except InputError as exc:
            for p in exc.problems:
                print(f"error: {p}", file=sys.stderr)
            print(f"{len(exc.problems)} problem(s) found; nothing was computed.", file=sys.stderr)
            return 2
        _emit(result, args.json, format_validation)
        return 0
    if args.command in ("project", "compare"):
        from .compare import compare
        from .projection import run_projection
        from .scenario import load_scenario
        try:
            bad = _years_problem(args.years)
            if bad:
                raise InputError(bad)
            if args.command == "project":
                _emit(run_projection(load_scenario(args.params, args.sets), args.years, args.paths), args.json,
                      format_projection)
            else:
                _emit(compare(load_scenario(args.a), load_scenario(args.b), args.years, args.paths), args.json,
                      format_comparison)
        except InputError as exc:
            for p in exc.problems:
                print(f"error: {p}", file=sys.stderr)
            print(f"{len(exc.problems)} problem(s) found; nothing was computed.", file=sys.stderr)
            return 2
        return 0
    from .model import run
    from .scenario import load_scenario
    try:
        scen = load_scenario(args.params, args.sets)
        result = run(scen, checks=not args.no_checks)
    except InputError as exc:
        for p in exc.problems:
            print(f"error: {p}", file=sys.stderr)
        print(f"{len(exc.problems)} problem(s) found; nothing was computed.", file=sys.stderr)
        return 2
    if args.json:
        json.dump(result, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        print(format_summary(result))
    return 0
