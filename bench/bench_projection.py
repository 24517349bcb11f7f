"""Speed of a 40-year projection of Belu with 10^5 Monte Carlo paths (claims and JHT returns).

Run: ``.venv/bin/python bench/bench_projection.py [--years 40] [--paths 100000]``; prints medians
of the whole ``run_projection`` (cold: severity caches cleared first) and of its parts.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sim import aggregate, claims, projection, severity  # noqa: E402
from sim.inputs.scenario import load_scenario  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def clear_caches():
    aggregate._severity_cf.cache_clear()
    severity._medical_lattice.cache_clear()
    claims.jkk_severity.cache_clear()
    claims.jkm_severity.cache_clear()


def timed(fn, repeats, setup=None):
    out = []
    for _ in range(repeats):
        if setup:
            setup()
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return statistics.median(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--years", type=int, default=40)
    ap.add_argument("--paths", type=int, default=100_000)
    ap.add_argument("--repeats", type=int, default=3)
    a = ap.parse_args()
    scen = load_scenario(ROOT / "params" / "belu-2023-jht.yaml")
    print(f"{a.years}-year projection of belu-2023-jht, {a.paths:,} paths; medians of {a.repeats} runs")
    cold = timed(lambda: projection.run_projection(scen, a.years, a.paths), a.repeats, clear_caches)
    warm = timed(lambda: projection.run_projection(scen, a.years, a.paths), a.repeats)
    rows, coh = projection.project(scen, a.years)
    p1 = timed(lambda: projection.project(scen, a.years), a.repeats)
    p2 = timed(lambda: projection.sample_totals(rows, a.paths, 1), a.repeats)
    p3 = timed(lambda: projection.jht_projection(scen, rows, coh, a.paths, 1), a.repeats)
    print(f"  whole projection, cold caches   {cold:7.2f} s")
    print(f"  whole projection, warm caches   {warm:7.2f} s")
    print(f"    cohort + exact yearly distributions  {p1:6.2f} s")
    print(f"    claim paths (inversion)              {p2:6.2f} s")
    print(f"    JHT fund and retirement paths        {p3:6.2f} s")


if __name__ == "__main__":
    main()
