"""Reading the speed issue's roster into a portfolio, as `run` does it (`build_portfolio`), column by
column and cell by cell.

Run: ``.venv/bin/python bench/bench_roster_read.py [--repeats 7]``.  The roster is
``bench/out/roster-100000.csv`` (10^5 workers, 1,000 enrolment dates, 40 incomes), written by
``bench/make_roster.py`` when missing (generated, never committed).  Prints the median wall and CPU
seconds of ``build_portfolio`` for ``belu-2023.yaml`` with that roster, the cell-by-cell reader
(``read_roster(..., fast=False)``) the same way, their ratio, and the 0.15 s target of the reading
part of issue 10; the two portfolios are checked equal first.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402

from bench.bench_speed import ROSTER, median  # noqa: E402
from sim.inputs import build  # noqa: E402
from sim.inputs.scenario import load_scenario  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
FIELDS = ("count", "age", "male", "occupation", "income", "exposure", "membership", "village_counts")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=7)
    a = ap.parse_args()
    if not ROSTER.exists():
        ROSTER.parent.mkdir(parents=True, exist_ok=True)
        from bench.make_roster import write_roster
        write_roster(ROSTER)
    scen = load_scenario(ROOT / "params" / "belu-2023.yaml").updated(
        {"portfolio.roster": str(ROSTER), "portfolio.workers": None})
    reader = build.read_roster

    def with_reader(fast: bool):
        build.read_roster = lambda *args, **kw: reader(*args, **kw, fast=fast)
        try:
            return build.build_portfolio(scen)
        finally:
            build.read_roster = reader

    one, two = with_reader(True), with_reader(False)
    assert all(np.array_equal(getattr(one, f), getattr(two, f)) for f in FIELDS) and one.workers == 100_000
    print(f"load average {os.getloadavg()[0]:.2f} (2 cores shared: figures are noisy)")
    fast = median(lambda: with_reader(True), a.repeats)
    cells = median(lambda: with_reader(False), a.repeats)
    print(f"build_portfolio, {ROSTER.name}       wall      cpu")
    print(f"column by column                 {fast[0]:7.3f} s {fast[1]:7.3f} s   target <= 0.15 s: ratio {fast[1] / 0.15:.2f}")
    print(f"cell by cell                     {cells[0]:7.3f} s {cells[1]:7.3f} s   ({cells[1] / fast[1]:.1f} x the CPU)")


if __name__ == "__main__":
    main()
