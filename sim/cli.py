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
    return ap


def format_summary(r: dict) -> str:
    """The readable summary (Indonesian / English, rupiah in Indonesian format)."""
    yes = lambda b: "ya/yes" if b else "tidak/no"  # noqa: E731
    c, b, e, lr = r["contributions"], r["budget"], r["expected_claims"], r["loss_ratio"]
    title = r["title"]["id"] if r.get("title") else r["scenario"]
    diff = b["difference"]
    lines = [
        f"{label('Skenario', 'Scenario')}: {r['scenario']} - {title}",
        f"{label('Mulai', 'Start')}: {r['start']}   JKK {yes(r['programs']['jkk'])}, JKM {yes(r['programs']['jkm'])}, "
        f"JHT {yes(r['programs']['jht'])}",
        f"{label('Peserta', 'Workers')}: {number(r['workers'])} di/in {r['villages']} desa "
        f"({r['portfolio_source']}, seed {r['seed']})",
        f"{label('Penghasilan dilaporkan', 'Declared income')}: {rupiah(r['declared_income_monthly'])} "
        "per bulan/month",
        "",
        label("Iuran setahun", "Contributions a year"),
    ]
    for k in ("jkk", "jkm", "jht", "total"):
        lines.append(f"  {k.upper():<6}{rupiah(c[k]):>22}")
    lines += [
        "",
        f"{label('Anggaran', 'Budget')} ({b['months']} bulan/months)",
        f"  {label('Alokasi', 'Allocation'):<34}{rupiah(b['allocation']):>22}",
        f"  {label('Kebutuhan', 'Required'):<34}{rupiah(b['required']):>22}",
        f"  {label('Selisih', 'Difference'):<34}{rupiah(diff):>22}  "
        + (label("kurang", "shortfall") if diff < 0 else label("lebih", "surplus")),
        f"  {label('Tahun-peserta didanai', 'Worker-years funded'):<34}{number(b['funded_worker_years']):>22}",
        f"  {label('Bulan cakupan semua peserta', 'Months of cover for all'):<34}{number(b['months_covered'], 2):>22}",
        "",
        label("Klaim setahun (JKK + JKM)", "Claims in a year (JKK + JKM)"),
        f"  {label('Kematian bukan kerja', 'Deaths not from work'):<44}{number(r['expected_deaths'], 1):>12}",
        f"  {label('Kecelakaan kerja', 'Work accidents'):<44}{number(r['expected_accidents'], 1):>12}",
        f"  {label('Kecelakaan kerja fatal', 'Fatal work accidents'):<44}"
        f"{number(r['expected_work_accident_deaths'], 2):>12}",
    ]
    lines.append(f"  {'':<22}{'JKK':>22}{'JKM':>22}{'Total':>22}")
    lines.append(f"  {label('Klaim harapan', 'Expected'):<22}" + "".join(f"{rupiah(e[k]):>22}" for k in ("jkk", "jkm", "total")))
    lines.append(f"  {label('Rasio klaim', 'Loss ratio'):<22}" + "".join(f"{percent(lr[k]):>22}" for k in ("jkk", "jkm", "total")))
    lines.append(f"  {label('Simpangan baku', 'Std dev'):<22}" + "".join(f"{rupiah(r['claims_sd'][k]):>22}" for k in ("jkk", "jkm", "total")))
    lines += ["", label("Sebaran total klaim setahun", "Distribution of the year's total claims")]
    for q, v in r["claims_quantiles"].items():
        lines.append(f"  {label('Kuantil', 'Quantile')} {q:>5}%{rupiah(v):>30}")
    lines += [
        f"  VaR 99,5%{rupiah(r['var_99_5']):>37}",
        f"  TVaR 99,5%{rupiah(r['tvar_99_5']):>36}",
        f"  {label('Peluang klaim > iuran', 'P(claims > contributions)')}: "
        f"{percent(r['prob_claims_exceed_contributions'], 2)}",
    ]
    if "monte_carlo" in r:
        m = r["monte_carlo"]
        lines += ["", f"{label('Cek Monte Carlo', 'Monte Carlo check')} ({number(m['years'])} "
                  f"{label('tahun', 'years')}): {label('rata-rata', 'mean')} {rupiah(m['mean'])} "
                  f"± {rupiah(m['mean_se'])} (se); P(>iuran) {percent(m['prob_exceed_contributions'], 2)}"]
    if "checks" in r:
        ch = r["checks"]
        lo, hi = ch["quantile_bounds"]["99.5"]
        lines.append(f"{label('Cek grid', 'Grid check')}: {label('perubahan CDF maks bila grid digandakan', 'max CDF change when the grid doubles')} "
                     f"{ch['grid_doubling_max_cdf_change']:.1e}; {label('batas kuantil 99,5%', '99.5% quantile bounds')} "
                     f"{rupiah(lo)} - {rupiah(hi)}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
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
