"""Slider latency of the explorer: recompute + redraw (PNG) after a control changes.

Run: ``.venv/bin/python bench/bench_explorer.py [--repeats N]``.  For each control the value is
moved back and forth; the time of the assignment covers the observer's whole update (model,
HTML tables, matplotlib drawing and PNG encoding), i.e. what the kernel does before the browser
repaints.  Target (issue 10): median at most 40 ms.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sim.outputs.explorer_view import Explorer  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
MOVES = {
    "jht": (True, False),
    "jht_rate": (0.03, 0.02),
    "income": (2123994.0, 1000000.0),
    "share": (0.8, 1.0),
    "workers": (6500, 5892),
    "loading": (1.3, 1.0),
    "frequency": (2.0, 1.0),
    "jht_return": (0.07, 0.06),
    "years": (20, 10),
    "jht_share": (0.5, 1.0),
}


def move_controls(ex, repeats: int) -> dict[str, tuple[list[float], list[float]]]:
    """Each control of :data:`MOVES` moved back and forth *repeats* times: wall and CPU seconds of
    each assignment (the observer's whole update), by control; JHT is left on."""
    out = {}
    for name, (a, b) in MOVES.items():
        ctrl = ex.controls[name]
        times, cpus = [], []
        for i in range(repeats):
            c, t = time.process_time(), time.perf_counter()
            ctrl.value = a if i % 2 == 0 else b
            times.append(time.perf_counter() - t)
            cpus.append(time.process_time() - c)
        if name == "jht":
            ctrl.value = True
        out[name] = (times, cpus)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=20)
    args = ap.parse_args()
    ex = Explorer(ROOT / "params" / "belu-2023.yaml")
    ex.controls["jht"].value = True  # JHT figures on, the heavier case
    all_times = []
    print(f"explorer update after one control change; medians of {args.repeats} changes "
          f"(load average {os.getloadavg()[0]:.1f})\n")
    for name, (times, cpus) in move_controls(ex, args.repeats).items():
        med = statistics.median(times)
        all_times += times
        print(f"  {name:<12}{med * 1e3:8.1f} ms   {med / 0.1:5.2f} x 100 ms   cpu {statistics.median(cpus) * 1e3:6.1f} ms")
    ex.tabs.selected_index = 1
    proj = []
    for i in range(args.repeats):
        t = time.perf_counter()
        ex.controls["loading"].value = 1.3 if i % 2 == 0 else 1.0
        proj.append(time.perf_counter() - t)
    ex.tabs.selected_index = 0
    compute = []
    v = ex.values()
    for i in range(args.repeats):
        v["loading"] = 1.0 + 0.01 * i
        t = time.perf_counter()
        ex.model.compute(v)
        compute.append(time.perf_counter() - t)
    med = statistics.median(all_times)
    print(f"\n  all controls{med * 1e3:8.1f} ms   {med / 0.1:5.2f} x 100 ms (p90 "
          f"{statistics.quantiles(all_times, n=10)[-1] * 1e3:.1f} ms)")
    print(f"  model only  {statistics.median(compute) * 1e3:8.1f} ms (no drawing)")
    print(f"  projection tab visible (10 years, JHT fan of 400 paths): {statistics.median(proj) * 1e3:.1f} ms")


if __name__ == "__main__":
    main()
