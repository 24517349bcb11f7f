"""Speed of the parameter-uncertainty mixture (issue 11) against the process-only exact distribution.

Run: ``.venv/bin/python bench/bench_uncertainty.py [--repeats N]``.  Prints medians (one thread) for
Belu: the exact distribution, the Gauss-quadrature mixture with the default nodes
(params/assumptions/uncertainty.yaml) and with at most 3 nodes a parameter (the explorer), and
their ratio.  Target: the default mixture well under a second.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sim.inputs.build import build_portfolio  # noqa: E402
from sim.inputs.scenario import load_scenario  # noqa: E402
from sim.risk import aggregate, claims, uncertainty  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def median_time(fn, repeats: int) -> float:
    fn()   # warm the severity caches
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=7)
    n = ap.parse_args().repeats
    scen = load_scenario(ROOT / "params" / "belu-2023.yaml")
    pf = build_portfolio(scen)
    model = claims.build(scen, pf)
    spec = uncertainty.specs(scen)
    coarse = {k: replace(v, nodes=min(v.nodes, 3)) for k, v in spec.items()}
    t_exact = median_time(lambda: aggregate.exact(model, 1e5), n)
    t_mix = median_time(lambda: uncertainty.mixture(scen, pf, model, spec=spec), n)
    t_coarse = median_time(lambda: uncertainty.mixture(scen, pf, model, spec=coarse), n)
    print(f"load average {os.getloadavg()[0]:.2f} (2 cores shared: figures are noisy)")
    print(f"exact distribution, Belu                 {1000 * t_exact:8.1f} ms")
    print(f"mixture, default nodes                   {1000 * t_mix:8.1f} ms  ({t_mix / t_exact:.0f}x exact; target < 1000 ms)")
    print(f"mixture, at most 3 nodes (explorer)      {1000 * t_coarse:8.1f} ms  ({t_coarse / t_exact:.0f}x exact)")


if __name__ == "__main__":
    main()
