"""Wall time of one report run (papermill execution, HTML, JSON), as ``python -m sim report`` does it.

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


if __name__ == "__main__":
    main()
