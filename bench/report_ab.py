"""A/B of ``python -m sim report`` between two checkouts, runs interleaved so that both meet the same
load (this machine's cores are shared): median wall and CPU (the command and its kernel) of each.

    .venv/bin/python bench/report_ab.py OTHER_CHECKOUT [-n 5] [-- extra report args]

OTHER_CHECKOUT is a folder with another version of the project (``git archive main | tar -x -C DIR``);
it runs with this venv's Python and ``PYTHONPATH=OTHER_CHECKOUT`` (ahead of the editable install).
"""
from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def children_cpu() -> float:
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def one(checkout: Path, out: str, extra: list[str]) -> tuple[float, float]:
    env = {**os.environ, "PYTHONPATH": str(checkout)}
    c0, t0 = children_cpu(), time.perf_counter()
    subprocess.run([sys.executable, "-m", "sim", "report", "params/belu-2023.yaml", "-o", out, "--quiet", *extra],
                   cwd=checkout, env=env, stdout=subprocess.DEVNULL, check=True)
    return time.perf_counter() - t0, children_cpu() - c0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("other")
    ap.add_argument("-n", type=int, default=5)
    ap.add_argument("extra", nargs="*")
    a = ap.parse_args()
    sides = {"this": ROOT, "other": Path(a.other).resolve()}
    res = {k: [] for k in sides}
    print("load average %.2f %.2f %.2f" % os.getloadavg())
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(a.n):
            for k, path in (sides.items() if i % 2 == 0 else reversed(sides.items())):
                res[k].append(one(path, f"{tmp}/{k}{i}", a.extra))
    for k, runs in res.items():
        w, c = statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)
        print(f"{k:6} {sides[k]}: median wall {w:5.2f} s, cpu {c:5.2f} s  "
              f"(walls {' '.join(f'{r[0]:.2f}' for r in runs)})")
    print("load average %.2f %.2f %.2f" % os.getloadavg())


if __name__ == "__main__":
    main()
