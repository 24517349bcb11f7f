"""Wall time of a 20-entry batch (``python -m sim batch``) with 1 and with 2 parallel jobs.

    .venv/bin/python bench/bench_batch.py [--entries 20] [--repeats 1] [--scheduler local]

The manifest is the NTT scenarios and Belu's with different declared incomes (full reports:
the defaults of ``python -m sim report``).  Every run uses ``--force`` in a fresh folder, so
nothing is skipped.  Prints each wall time, the median per job count, the speed-up, and the
machine's load average before and after (a shared machine makes these figures noisy).
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ["params/belu-2023.yaml", "params/ntt/ttu-2025.yaml", "params/ntt/manggarai-barat-2025-kabupaten.yaml",
             "params/ntt/manggarai-barat-2025-provinsi.yaml", "params/ntt/belu-2025-provinsi.yaml"]
INCOMES = [1_000_000, 1_250_000, 1_500_000, 2_000_000]


def manifest(n: int, folder: Path) -> Path:
    lines = ["reports:"]
    for i in range(n):
        scen = SCENARIOS[i % len(SCENARIOS)]
        inc = INCOMES[(i // len(SCENARIOS)) % len(INCOMES)]
        lines += [f"  - scenario: {ROOT / scen}", f"    name: e{i:02d}-{Path(scen).stem}-{inc}",
                  f"    set: {{income.declared_monthly: {inc}}}"]
    path = folder / "bench.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--entries", type=int, default=20)
    ap.add_argument("--repeats", type=int, default=1)
    ap.add_argument("--scheduler", default=None)
    args = ap.parse_args()
    print("load average before:", os.getloadavg())
    times: dict[int, list[float]] = {1: [], 2: []}
    with tempfile.TemporaryDirectory() as tmp:
        m = manifest(args.entries, Path(tmp))
        for rep in range(args.repeats):
            for jobs in (1, 2):
                out = Path(tmp) / f"out-{jobs}-{rep}"
                cmd = [sys.executable, "-m", "sim", "batch", str(m), "-o", str(out), "--jobs", str(jobs), "--force"]
                if args.scheduler:
                    cmd += ["--scheduler", args.scheduler]
                t0 = time.perf_counter()
                rc = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
                dt = time.perf_counter() - t0
                times[jobs].append(dt)
                print(f"jobs={jobs} run {rep + 1}: {dt:.1f} s (exit {rc}); load {os.getloadavg()}")
    m1, m2 = statistics.median(times[1]), statistics.median(times[2])
    print(f"{args.entries} entries: median 1 job {m1:.1f} s, 2 jobs {m2:.1f} s, speed-up {m1 / m2:.2f}x")
    print("load average after:", os.getloadavg())


if __name__ == "__main__":
    main()
