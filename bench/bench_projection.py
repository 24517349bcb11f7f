"""Speed of a projection of Belu with JHT: the whole ``run_projection`` with 10^5 paths, its parts, and
how the exact part grows with the years.

Run: ``.venv/bin/python bench/bench_projection.py [--years 40] [--paths 100000] [--repeats 5]``; prints
medians of wall and CPU time (cold: claim-amount and medical caches cleared first).  The last table
divides the exact part's CPU time by the summed grid lengths of its years: the projection's cost per
year is one exact distribution on that year's grid, and the grid grows with the claims' spread
(medical costs inflate 8% a year, 20-fold over 40 years), so the time is linear in the grid points
projected, not in the years.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sim.analyses import projection  # noqa: E402
from sim.inputs.scenario import load_scenario  # noqa: E402
from sim.risk import aggregate, claims, severity  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def clear_caches():
    for c in (aggregate._severity_cf, severity._medical_lattice, claims.jkk_severity, claims.jkm_severity_of_shares):
        c.cache_clear()


def timed(fn, repeats, setup=None) -> tuple[float, float]:
    """Median wall and CPU seconds of *fn* over *repeats* runs."""
    walls, cpus = [], []
    for _ in range(repeats):
        if setup:
            setup()
        w, c = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - w)
        cpus.append(time.process_time() - c)
    return statistics.median(walls), statistics.median(cpus)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--years", type=int, default=40)
    ap.add_argument("--paths", type=int, default=100_000)
    ap.add_argument("--repeats", type=int, default=5)
    a = ap.parse_args()
    scen = load_scenario(ROOT / "params" / "belu-2023-jht.yaml")
    print(f"{a.years}-year projection of belu-2023-jht, {a.paths:,} paths; medians of {a.repeats} runs")
    line = "  {:<40}{:8.0f} ms wall {:8.0f} ms cpu"
    print(line.format("whole projection, cold caches", *(1e3 * x for x in timed(
        lambda: projection.run_projection(scen, a.years, a.paths), a.repeats, clear_caches))))
    rows, coh = projection.project(scen, a.years)
    for label, fn in (("cohort + exact yearly distributions", lambda: projection.project(scen, a.years)),
                      ("  the cohort and claim models alone", lambda: projection.project(scen, a.years,
                                                                                         distributions=False)),
                      ("claim paths (inversion)", lambda: projection.sample_totals(rows, a.paths, 1)),
                      ("JHT fund and retirement paths", lambda: projection.jht_projection(scen, rows, coh, a.paths, 1))):
        print(line.format(label, *(1e3 * x for x in timed(fn, a.repeats, clear_caches))))
    print("  exact part (cold) by years: CPU, grid points projected, CPU per 10^6 grid points")
    per = {}
    for T in (10, 20, 40):
        grid = sum(aggregate.grid_size(r.model.of("jkk") + r.model.of("jkm"), float(scen["simulation.lattice_unit"]))
                   for r in projection.project(scen, T, distributions=False)[0])
        cpu = timed(lambda: projection.project(scen, T), a.repeats, clear_caches)[1]
        per[T] = (cpu, grid)
        print(f"    {T:2d} years {cpu * 1e3:7.0f} ms {grid:10,d} points {cpu * 1e9 / grid:7.0f} ms")
    print(f"    40/10 years: CPU {per[40][0] / per[10][0]:.2f}, grid points {per[40][1] / per[10][1]:.2f} "
          f"(linear in years = 4)")


if __name__ == "__main__":
    main()
