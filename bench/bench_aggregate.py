"""Speed of the exact aggregate distribution and of Monte Carlo, for Belu and for 10 million workers.

Run: ``make bench`` (or ``.venv/bin/python bench/bench_aggregate.py [--repeats N]``).
Prints medians over repeated runs and their ratio to the targets of issue 2:
exact for Belu <= 10 ms; 10^6 Monte Carlo years for Belu <= 5 s on one core and < 100 MB;
exact for 10 million workers < 50 ms.  "warm" reuses the cached severity transforms (what
a slider that changes a frequency or a loading sees); "cold" clears them first.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sim.risk import aggregate, claims, montecarlo  # noqa: E402
from sim.inputs.build import build_portfolio  # noqa: E402
from sim.inputs.scenario import load_scenario  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def median_time(fn, repeats: int, setup=None) -> float:
    """Median wall time of *fn* (:func:`bench.bench_speed.median`)."""
    from bench.bench_speed import median
    return median(fn, repeats, setup)[0]


def line(label, seconds, target=None, extra=""):
    ratio = f"  {seconds / target:5.2f} x target ({target * 1e3:g} ms)" if target else ""
    unit = f"{seconds * 1e3:9.2f} ms" if seconds < 1 else f"{seconds:9.3f} s "
    print(f"{label:<46}{unit}{ratio}{extra}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=21)
    ap.add_argument("--mc-years", type=int, default=1_000_000)
    args = ap.parse_args()
    scen = load_scenario(ROOT / "params" / "belu-2023.yaml")
    models = {
        "Belu (5,892 workers)": claims.build(scen, build_portfolio(scen)),
        "national (10,000,000 workers)": claims.build(scen, build_portfolio(scen.with_values(portfolio__workers=10_000_000))),
    }
    targets = {"Belu (5,892 workers)": 0.010, "national (10,000,000 workers)": 0.050}
    print(f"python {sys.version.split()[0]}, one thread; medians of {args.repeats} runs\n")
    for name, model in models.items():
        h = aggregate.lattice_unit(model, 100_000.0)
        M = aggregate.grid_size(model.of("jkk") + model.of("jkm"), h)
        cells = sum(g.count.size for g in model.groups)
        print(f"{name}: {cells} cells, lattice Rp {h:,.0f}, grid {M} points")
        aggregate.exact(model)
        line("  exact distribution, warm", median_time(lambda: aggregate.exact(model), args.repeats), targets[name])
        line("  exact distribution, cold", median_time(lambda: aggregate.exact(model), max(5, args.repeats // 3),
                                                     setup=aggregate._severity_cf.cache_clear), targets[name])
        line("  grid-doubling check (grids M and 2M)", median_time(lambda: aggregate.grid_check(model), 5))
    belu = models["Belu (5,892 workers)"]
    montecarlo.simulate(belu, 10_000, seed=0)  # warm up allocations
    runs = []
    for r in range(3):
        tracemalloc.start()
        t = time.perf_counter()
        montecarlo.simulate(belu, args.mc_years, seed=r)
        runs.append((time.perf_counter() - t, tracemalloc.get_traced_memory()[1]))
        tracemalloc.stop()
    sec = statistics.median(r[0] for r in runs)
    peak = max(r[1] for r in runs) / 2 ** 20
    print()
    line(f"Monte Carlo, Belu, {args.mc_years:,} years", sec, 5.0, f"; peak traced memory {peak:.0f} MB (target < 100 MB)")
    nat = models["national (10,000,000 workers)"]
    years = 200
    montecarlo.simulate(nat, 10, seed=0)
    sec = median_time(lambda: montecarlo.simulate(nat, years, seed=1), 3)
    line(f"Monte Carlo, national, {years} years", sec, None,
         f"  ({sec / years * 1e3:.1f} ms a year: about 60,000 claims drawn a year; 10^6 years would take "
         f"{sec / years * 1e6 / 3600:.1f} h, so use the exact distribution at this scale)")


if __name__ == "__main__":
    main()
