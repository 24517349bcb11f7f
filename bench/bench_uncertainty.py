"""Speed of the parameter-uncertainty mixture (issues 10 and 11), which ``python -m sim run`` computes
on every run.

Run: ``.venv/bin/python bench/bench_uncertainty.py [--repeats N] [--only belu,explorer,roster,national]
[--root DIR]``.  Prints, one thread, for each case the first call in the process (cold caches, what
a CLI run pays) and the median of *N* further calls, wall and CPU seconds, beside the exact
process-only distribution of the same model:

* ``belu``      Belu (5,892 workers, synthetic), default nodes (params/assumptions/uncertainty.yaml);
* ``explorer``  the same with at most 3 nodes a parameter (the explorer's coarse mixture);
* ``roster``    the generated roster of 10^5 workers, 1,000 enrolment dates, 40 incomes
  (``bench/out/roster-100000.csv``, written by bench/make_roster.py when missing; target 0.3 s);
* ``national``  10^7 workers, synthetic (the lattice coarsened to 2^18 points).

*--root*: the source tree to measure (default: this one), e.g. the code before a change unpacked
with ``git archive <commit> | tar -x -C /tmp/old``, to compare before and after on the same machine.
The machine is shared: compare CPU seconds and quote the load average printed.
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
HERE = Path(__file__).resolve().parent.parent


def timed(fn) -> tuple[float, float]:
    c0, t0 = time.process_time(), time.perf_counter()
    fn()
    return time.perf_counter() - t0, time.process_time() - c0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--only", default="belu,explorer,roster,national")
    ap.add_argument("--root", default=str(HERE))
    a = ap.parse_args()
    root = Path(a.root).resolve()
    sys.path.insert(0, str(root))
    from sim.inputs.build import build_portfolio
    from sim.inputs.scenario import load_scenario
    from sim.risk import aggregate, claims, uncertainty

    roster = HERE / "bench" / "out" / "roster-100000.csv"
    cases = {
        "belu": ([], None),
        "explorer": ([], 3),
        "roster": ([f"portfolio.roster={roster}", "portfolio.workers=null"], None),
        "national": (["portfolio.workers=10000000"], None),
    }
    print(f"source {root}; load average {os.getloadavg()[0]:.2f} (2 cores shared: compare CPU seconds)")
    print(f"{'case':10s} {'h':>10s} {'M':>8s} {'first wall':>11s} {'cpu':>7s} {'median wall':>12s} {'cpu':>7s}"
          f" {'exact cpu':>10s}")
    for name in a.only.split(","):
        overrides, cap = cases[name]
        if name == "roster" and not roster.exists():
            sys.path.insert(1, str(HERE))
            from bench.make_roster import write_roster
            roster.parent.mkdir(parents=True, exist_ok=True)
            write_roster(roster)
        scen = load_scenario(root / "params" / "belu-2023.yaml", overrides)
        scen = scen.at(scen.start)
        pf = build_portfolio(scen)
        model = claims.build(scen, pf)
        spec = uncertainty.specs(scen, pf.source == "synthetic")
        if cap:
            spec = {k: replace(v, nodes=min(v.nodes, cap)) for k, v in spec.items()}
        h = float(scen["simulation.lattice_unit"])
        out = {}
        first = timed(lambda: out.update(uncertainty.mixture(scen, pf, model, spec=spec)))
        runs = [timed(lambda: uncertainty.mixture(scen, pf, model, spec=spec)) for _ in range(a.repeats)]
        exact = statistics.median(timed(lambda: aggregate.exact(model, h))[1] for _ in range(3))
        d = out["total"]
        print(f"{name:10s} {d.h:10,.0f} {d.pmf.size:8d} {first[0]:11.3f} {first[1]:7.3f} "
              f"{statistics.median(r[0] for r in runs):12.3f} {statistics.median(r[1] for r in runs):7.3f} "
              f"{exact:10.3f}", flush=True)


if __name__ == "__main__":
    main()
