"""Wall time of one report run (papermill execution, HTML, PDF, workbook, JSON), as ``python -m sim report``
does it, and of the PDF and the workbook alone from a prepared report.

Run: ``.venv/bin/python bench/bench_report.py [--repeats N]``; prints the median.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sim.outputs.report_runner import run_report  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--scenario", default=str(ROOT / "params" / "belu-2023.yaml"))
    args = ap.parse_args()
    times = []
    for _ in range(args.repeats):
        with tempfile.TemporaryDirectory() as out:
            t = time.perf_counter()
            run_report(args.scenario, [], out, "id", progress=False)
            times.append(time.perf_counter() - t)
    print(f"report run ({Path(args.scenario).name}, default parameters): median {statistics.median(times):.2f} s "
          f"over {args.repeats} runs (min {min(times):.2f} s, max {max(times):.2f} s)")
    import matplotlib
    matplotlib.use("Agg")
    from sim.outputs import report as R
    from sim.outputs.report_pdf import write_pdf
    from sim.outputs.report_xlsx import write_xlsx
    ctx = R.prepare(args.scenario, [], "id", 100_000, 10)
    pdf, xlsx = [], []
    with tempfile.TemporaryDirectory() as out:
        for _ in range(args.repeats):
            parts = R.document(ctx)                       # figures drawn afresh each time
            t = time.perf_counter()
            write_pdf(parts, Path(out) / "r.pdf", ctx.title, "id")
            pdf.append(time.perf_counter() - t)
            t = time.perf_counter()
            write_xlsx(parts, Path(out) / "r.xlsx", ctx)
            xlsx.append(time.perf_counter() - t)
    print(f"PDF (with drawing the charts): median {statistics.median(pdf):.2f} s; workbook: median "
          f"{statistics.median(xlsx):.3f} s")


if __name__ == "__main__":
    main()
