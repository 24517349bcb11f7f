"""The exact engine's own costs (issue 10), in CPU time (``time.process_time``, less distorted by the
other processes of a shared machine than wall time), medians of many runs.

Run: ``.venv/bin/python bench/bench_engine.py [--repeats N] [--only floor roster project lattice]``.

* ``floor``    the exact Belu distribution (jkk, jkm, total) warm and cold (claim-amount transforms
  cleared, as ``bench_speed.py --only floor``) against the bare rfft/irfft floor of the same grid;
* ``roster``   ``exact`` + ``grid_check`` + ``bounds`` on the 10^5-worker roster of
  ``bench/make_roster.py`` (``bench/out/roster-100000.csv``), every cache cleared;
* ``project``  the exact part of a 40- and a 10-year projection (cold, as ``bench_speed.py``);
* ``lattice``  one medical lattice (20.001 points) by each method, cold.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def cpu_median(fn, repeats, setup=None):
    """Median CPU time of *fn* (:func:`bench.bench_speed.median`)."""
    from bench.bench_speed import median
    return median(fn, repeats, setup)[1]


def clear_all():
    from sim.risk import aggregate, band, severity
    aggregate._severity_cf.cache_clear()
    band.medical_cf.cache_clear()
    band.roots.cache_clear()
    severity._medical_lattice.cache_clear()
    severity._medical_cdf.cache_clear()


def m_floor(a):
    from bench.bench_speed import floor_case
    from sim.risk import aggregate
    model, M, floor = floor_case()

    aggregate.exact(model)
    n = max(a.repeats * 20, 101)
    res = {}
    for _ in range(3):   # interleaved rounds, the smallest median of each
        for name, fn, setup in (("floor", floor, None), ("warm", lambda: aggregate.exact(model), None),
                                ("cold", lambda: aggregate.exact(model), aggregate._severity_cf.cache_clear)):
            res[name] = min(res.get(name, 1e9), cpu_median(fn, n, setup))
    print(f"Belu exact, grid {M}: floor {res['floor'] * 1e3:.3f} ms, warm {res['warm'] * 1e3:.3f} ms "
          f"({res['warm'] / res['floor']:.2f} x), cold {res['cold'] * 1e3:.3f} ms ({res['cold'] / res['floor']:.2f} x floor)")


def m_roster(a):
    from bench.bench_speed import ROSTER
    from sim.inputs.build import build_portfolio
    from sim.inputs.scenario import load_scenario
    from sim.risk import aggregate, claims
    if not ROSTER.exists():
        from bench.make_roster import write_roster
        write_roster(ROSTER)
    scen = load_scenario(ROOT / "params" / "belu-2023.yaml", [f"portfolio.roster={ROSTER}", "portfolio.workers=null"])
    scen = scen.at(scen.start)
    model = claims.build(scen, build_portfolio(scen))
    h = 100_000.0
    out = {}

    def run():
        d = aggregate.exact(model, h)
        out["grid"] = aggregate.grid_check(model, h, d["total"])
        out["bounds"] = aggregate.bounds(model, h)

    n = max(a.repeats, 5)
    e = cpu_median(lambda: aggregate.exact(model, h), n, clear_all)
    t = cpu_median(run, n, clear_all)
    print(f"roster ({len(model.of('jkk'))} + {len(model.of('jkm'))} groups, grid "
          f"{aggregate.grid_size(model.of('jkk') + model.of('jkm'), aggregate.lattice_unit(model, h))}): exact "
          f"{e * 1e3:.0f} ms, exact + grid_check + bounds {t * 1e3:.0f} ms (target 250 ms)")


def m_project(a):
    from sim.analyses import projection
    from sim.inputs.scenario import load_scenario
    scen = load_scenario(ROOT / "params" / "belu-2023-jht.yaml")
    projection.project(scen, 40)
    n = max(a.repeats, 5)
    for T in (10, 40):
        c = cpu_median(lambda: projection.project(scen, T), n, clear_all)
        print(f"project {T} years, exact part, cold: {c * 1e3:.0f} ms")


def m_lattice(a):
    from sim.risk import severity
    med = severity.Medical(15.052738767878322, 1.2, 2e9)
    n = max(a.repeats * 10, 51)
    for method in ("mean", "lower", "upper"):
        c = cpu_median(lambda: med.lattice(1e5, method), n, clear_all)
        print(f"medical lattice ({method}), 20.001 points, cold: {c * 1e3:.3f} ms")


MEASURES = {"floor": m_floor, "roster": m_roster, "project": m_project, "lattice": m_lattice}


def main():
    import os
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--only", nargs="*", choices=list(MEASURES), default=None)
    a = ap.parse_args()
    print("load average %.2f %.2f %.2f (CPU-time medians)" % os.getloadavg())
    for name in a.only or MEASURES:
        MEASURES[name](a)
    print("load average %.2f %.2f %.2f" % os.getloadavg())


if __name__ == "__main__":
    main()
