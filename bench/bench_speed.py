"""Speed where users feel it (issue 10): medians of each target's measure and the ratio to its target.

Run: ``make bench`` or ``.venv/bin/python bench/bench_speed.py [--repeats N] [--only NAME ...]``.
Measures (names for ``--only``):

* ``roster``    ``python -m sim run`` on a generated roster of 10^5 workers, 1,000 enrolment dates and
  40 incomes (``bench/make_roster.py``, written to ``bench/out/``, never committed), wall and CPU;
* ``startup``   ``python -m sim run params/belu-2023.yaml``, process start included;
* ``project``   the exact part of ``project`` (cohort and yearly distributions) over 10, 20, 40 years;
* ``jht``       ``python -m sim project params/belu-2023-jht.yaml --years 40 --paths 100000``, wall and
  peak resident memory of the process;
* ``explorer``  one control change (recompute + redraw to PNG), BLAS on one thread and on two;
* ``report``    ``python -m sim report`` end to end;
* ``mc``        10^6 Monte Carlo years of Belu, with the default process setting and on one process;
* ``floor``     the exact Belu distribution against a bare rfft/irfft floor of the same grid;
* ``peer``      the peer benchmark (``../shared/bench/peer_aggregate.py``) with ``bench/peer_adapter.py``,
  when ``GEMACT_PYTHON`` names a Python with gemact (see the adapter's docstring).

Other helpers share this machine's two cores: the load average is printed before and after, and each
wall time has a CPU time beside it (user + system, children included) that load distorts less.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PY = sys.executable
ROSTER = ROOT / "bench" / "out" / "roster-100000.csv"
TARGETS = {   # name: (target, unit, what)
    "roster": (1.0, "s", "run, 10^5-worker roster (1,000 dates, 40 incomes)"),
    "project": (0.2, "s", "project 40 years, exact part"),
    "jht": (2.0, "s", "project 40 years x 10^5 paths, JHT on"),
    "jht_mem": (300.0, "MB", "  peak memory of that process"),
    "startup": (0.6, "s", "python -m sim run params/belu-2023.yaml"),
    "explorer": (0.040, "s", "explorer, one control change"),
    "report": (5.0, "s", "sim report end to end"),
    "mc": (0.8, "s", "Monte Carlo 10^6 Belu years"),
    "peer": (1.0, "x", "peer task (fft, 5,892 workers), cold, ratio to gemact"),
    "floor": (1.2, "x", "exact Belu distribution / bare rfft+irfft floor"),
}
RESULTS: list[tuple] = []


def load() -> str:
    return "load average %.2f %.2f %.2f" % os.getloadavg()


def report_line(name, value, cpu=None, extra="", label=None, unit=None):
    target, unit_, what = TARGETS.get(name, (None, "s", name))
    unit = unit or unit_
    label = label or what
    if unit == "s":
        shown = f"{value * 1e3:8.1f} ms" if value < 1 else f"{value:8.2f} s "
    elif unit == "MB":
        shown = f"{value:8.0f} MB"
    else:
        shown = f"{value:8.2f} x "
    cpu_s = (f"  cpu {cpu * 1e3:5.0f} ms" if cpu < 1 else f"  cpu {cpu:6.2f} s ") if cpu is not None else " " * 15
    ratio = f"  {value / target:5.2f} of target ({target:g} {unit})" if target else ""
    print(f"{label:<58}{shown}{cpu_s}{ratio}{extra}", flush=True)
    RESULTS.append((name, label, value, cpu, target))


def children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def run_cmd(args, repeats, env=None, cwd=ROOT):
    """Median wall and CPU time of a command (stdout discarded)."""
    walls, cpus = [], []
    for _ in range(repeats):
        c0, t0 = children_cpu(), time.perf_counter()
        subprocess.run(args, cwd=cwd, env={**os.environ, **(env or {})}, stdout=subprocess.DEVNULL, check=True)
        walls.append(time.perf_counter() - t0)
        cpus.append(children_cpu() - c0)
    return statistics.median(walls), statistics.median(cpus)


def median(fn, repeats, setup=None):
    walls, cpus = [], []
    for _ in range(repeats):
        if setup:
            setup()
        c0, t0 = time.process_time() + children_cpu(), time.perf_counter()
        fn()
        walls.append(time.perf_counter() - t0)
        cpus.append(time.process_time() + children_cpu() - c0)    # forked workers, once reaped, included
    return statistics.median(walls), statistics.median(cpus)


# ---------------------------------------------------------------------------------------------------- measures
def m_roster(a):
    if not ROSTER.exists():
        ROSTER.parent.mkdir(parents=True, exist_ok=True)
        from bench.make_roster import write_roster
        write_roster(ROSTER)
    base = [PY, "-m", "sim", "run", "params/belu-2023.yaml", "--set", f"portfolio.roster={ROSTER}",
            "--set", "portfolio.workers=null"]
    w, c = run_cmd(base, a.repeats_slow)
    report_line("roster", w, c)
    w, c = run_cmd(base + ["--no-checks"], a.repeats_slow)
    report_line("roster_nc", w, c, label="  the same, --no-checks")
    w, c = run_cmd(base + ["--no-checks", "--set", "simulation.monte_carlo_years=0"], a.repeats_slow)
    report_line("roster_exact", w, c, label="  the same, --no-checks, no Monte Carlo")


def m_startup(a):
    w, c = run_cmd([PY, "-m", "sim", "run", "params/belu-2023.yaml"], a.repeats)
    report_line("startup", w, c)


def m_project(a):
    from sim.analyses import projection
    from sim.inputs.scenario import load_scenario
    from sim.risk import aggregate, severity
    scen = load_scenario(ROOT / "params" / "belu-2023-jht.yaml")
    projection.project(scen, 40)

    def cold():   # as `python -m sim project` meets it: no claim-amount transform or lattice known yet
        aggregate._severity_cf.cache_clear()
        severity._medical_lattice.cache_clear()
    per = {}
    for T in (10, 20, 40):
        w, c = median(lambda: projection.project(scen, T), a.repeats, setup=cold)
        per[T] = c
        if T == 40:
            report_line("project", w, c, f"  (cold; CPU 40/10 years: {per[40] / per[10]:.2f}; linear = 4)")
        else:
            report_line(f"project_{T}", w, c, label=f"  project {T} years, exact part (cold)")
    # linear in years: the work itself, in one process (on two, the 40 years fork a worker, whose
    # copy-on-write page faults add CPU the 10 years, which stay in one process, do not have)
    saved = os.environ.get("SIM_PROCESSES")
    os.environ["SIM_PROCESSES"] = "1"
    try:
        one = {T: median(lambda: projection.project(scen, T), a.repeats, setup=cold) for T in (10, 40)}
    finally:
        if saved is None:
            os.environ.pop("SIM_PROCESSES")
        else:
            os.environ["SIM_PROCESSES"] = saved
    report_line("project_one", *one[40], f"  (CPU 40/10 years: {one[40][1] / one[10][1]:.2f}; linear = 4)",
                label="  project 40 years, exact part, one process (cold)")


def m_jht(a):
    args = [PY, str(ROOT / "bench" / "peak_memory.py"), "-m", "sim", "project", "params/belu-2023-jht.yaml",
            "--years", "40", "--paths", "100000", "--json"]
    walls, cpus, peaks = [], [], []
    for _ in range(a.repeats_slow):
        c0, t0 = children_cpu(), time.perf_counter()
        out = subprocess.run(args, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=True)
        walls.append(time.perf_counter() - t0)
        cpus.append(children_cpu() - c0)
        peaks.append(float(out.stderr.strip().splitlines()[-1].split()[-2]))
    report_line("jht", statistics.median(walls), statistics.median(cpus))
    report_line("jht_mem", max(peaks), extra="  (peak resident set of the whole process)")


def explorer_child(repeats):
    """One control change after another in a real Explorer (Agg backend, the moves of
    ``bench/bench_explorer.py``); prints the median as JSON."""
    from bench.bench_explorer import move_controls
    from sim.outputs.explorer_view import Explorer
    ex = Explorer(ROOT / "params" / "belu-2023.yaml")
    ex.controls["jht"].value = True
    walls, cpus = [], []
    for w, c in move_controls(ex, repeats).values():
        walls += w
        cpus += c
    print(json.dumps({"wall": statistics.median(walls), "cpu": statistics.median(cpus),
                      "p90": statistics.quantiles(walls, n=10)[-1]}))


def m_explorer(a):
    for threads in ("1", "2"):
        env = {"OPENBLAS_NUM_THREADS": threads, "OMP_NUM_THREADS": threads, "MKL_NUM_THREADS": threads}
        out = subprocess.run([PY, __file__, "--explorer-child", str(a.repeats)], cwd=ROOT, capture_output=True,
                             text=True, env={**os.environ, **env}, check=True)
        r = json.loads(out.stdout.strip().splitlines()[-1])
        report_line("explorer", r["wall"], r["cpu"], f"  p90 {r['p90'] * 1e3:.0f} ms",
                    label=f"explorer, one control change, BLAS threads {threads}")


def m_report(a):
    with tempfile.TemporaryDirectory() as tmp:
        walls, cpus = [], []
        for i in range(a.repeats_slow):
            w, c = run_cmd([PY, "-m", "sim", "report", "params/belu-2023.yaml", "-o", f"{tmp}/r{i}", "--quiet"], 1)
            walls.append(w)
            cpus.append(c)
    report_line("report", statistics.median(walls), statistics.median(cpus))


def m_mc(a):
    from sim.inputs.build import build_portfolio
    from sim.inputs.scenario import load_scenario
    from sim.risk import claims, montecarlo
    scen = load_scenario(ROOT / "params" / "belu-2023.yaml")
    model = claims.build(scen, build_portfolio(scen))
    montecarlo.simulate(model, 20_000, 0)
    kw = {}
    if "processes" in montecarlo.simulate.__code__.co_varnames:
        kw_one = {"processes": 1}
        procs = montecarlo.process_count(10 ** 6, model.expected_count("jkk") + model.expected_count("jkm"))
    else:
        kw_one, procs = {}, 1
    walls, cpus = [], []
    for r in range(a.repeats_slow):
        c0, cc0, t0 = time.process_time(), children_cpu(), time.perf_counter()
        montecarlo.simulate(model, 10 ** 6, r, **kw)
        walls.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0 + children_cpu() - cc0)
    report_line("mc", statistics.median(walls), None, f"  ({procs} process(es), default setting)")
    w, c = median(lambda: montecarlo.simulate(model, 10 ** 6, 7, **kw_one), a.repeats_slow)
    report_line("mc_one", w, c, label="  the same on one process")


def floor_case():
    """Belu's claim model, its grid length and the bare-numpy floor of its exact distributions: the
    same three distributions from two severity rffts, a compound Poisson exponent, three irffts."""
    import numpy as np

    from sim.inputs.build import build_portfolio
    from sim.inputs.scenario import load_scenario
    from sim.risk import aggregate, claims
    scen = load_scenario(ROOT / "params" / "belu-2023.yaml")
    model = claims.build(scen, build_portfolio(scen))
    h = aggregate.lattice_unit(model, 100_000.0)
    M = aggregate.grid_size(model.of("jkk") + model.of("jkm"), h)
    lat = {p: model.of(p)[0].severity.lattice(h) for p in ("jkk", "jkm")}
    lam = {p: model.expected_count(p) for p in ("jkk", "jkm")}

    def floor():
        cf = {}
        for p in ("jkk", "jkm"):
            x = np.zeros(M)
            x[:lat[p].size] = lat[p][:M]
            cf[p] = np.exp(lam[p] * (np.fft.rfft(x) - 1.0))
            np.fft.irfft(cf[p], M)
        np.fft.irfft(cf["jkk"] * cf["jkm"], M)
    return model, M, floor


def floor_child(reps):
    """The floor measure in a fresh process; prints the medians as JSON."""
    from sim.risk import aggregate
    model, M, floor = floor_case()

    def cold():
        aggregate._severity_cf.cache_clear()
        aggregate.exact(model)

    aggregate.exact(model)
    fw, _ = median(floor, reps)
    ew, _ = median(lambda: aggregate.exact(model), reps)
    cw, _ = median(cold, reps)
    print(json.dumps({"floor": fw, "warm": ew, "cold": cw, "grid": M}))


def m_floor(a):
    """In a fresh process with the allocator a command has (:mod:`sim.common.heap`): the ratio depends
    on the allocator's state (a process whose heap has grown, or whose glibc thresholds are raised,
    page-faults less: both sides get faster), so it is measured in a known one."""
    out = subprocess.run([PY, __file__, "--floor-child", str(max(a.repeats * 5, 21))], cwd=ROOT,
                         capture_output=True, text=True, check=True)
    r = json.loads(out.stdout.strip().splitlines()[-1])
    fw, ew, cw = r["floor"], r["warm"], r["cold"]
    report_line("floor", cw / fw, None, f"  (fresh process; exact {cw * 1e3:.2f} ms cold, {ew * 1e3:.2f} ms warm; "
                f"floor {fw * 1e3:.2f} ms; grid {r['grid']})")
    report_line("floor_warm", ew / fw, None, label="  the same, severity transforms cached (a slider)", unit="x")


def m_peer(a):
    py = os.environ.get("GEMACT_PYTHON")
    script = Path(os.environ.get("PEER_BENCH", ROOT.parent / "shared" / "bench" / "peer_aggregate.py"))
    if not script.exists():
        script = Path("/work/shared/bench/peer_aggregate.py")
    if not py or not script.exists():
        print(f"{'peer task: skipped (set GEMACT_PYTHON to a Python with gemact; see bench/peer_adapter.py)':<58}")
        return
    out = subprocess.run([py, str(script), "--candidate", "bench.peer_adapter:aggregate", "--reps", str(max(a.repeats, 5))],
                         cwd=ROOT, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    ratios = {ln.split("=")[0].replace("ratio", "").strip(): float(ln.split("=")[1]) for ln in out.stdout.splitlines()
              if ln.startswith("ratio")}
    times = [ln for ln in out.stdout.splitlines() if "median" in ln]
    if "candidate/peer" not in ratios:
        print("peer task: failed\n" + out.stdout + out.stderr)
        return
    report_line("peer", ratios["candidate/peer"], None, f"  (candidate/reference {ratios.get('candidate/reference', 0):.2f}; "
                + "; ".join(t.split("mean")[0].strip() for t in times) + ")")


MEASURES = {"startup": m_startup, "roster": m_roster, "project": m_project, "jht": m_jht, "explorer": m_explorer,
            "mc": m_mc, "floor": m_floor, "peer": m_peer, "report": m_report}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeats", type=int, default=5, help="repeats of the quick measures (median)")
    ap.add_argument("--repeats-slow", type=int, default=3, help="repeats of the slow ones")
    ap.add_argument("--only", nargs="*", choices=list(MEASURES), default=None)
    ap.add_argument("--explorer-child", type=int, default=None, help=argparse.SUPPRESS)
    ap.add_argument("--floor-child", type=int, default=None, help=argparse.SUPPRESS)
    a = ap.parse_args()
    # as `python -m sim` does (sim/__main__.py): the measures made in this process (floor: both sides,
    # project) see the allocator a command sees
    from sim.common.heap import keep_freed_memory
    keep_freed_memory()
    if a.floor_child is not None:
        floor_child(a.floor_child)
        return
    if a.explorer_child is not None:
        explorer_child(a.explorer_child)
        return
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores; {load()}; medians "
          f"({a.repeats} or {a.repeats_slow} runs)\n")
    print(f"{'measure':<58}{'median':>11}{'':15}  ratio to target")
    for name in a.only or MEASURES:
        MEASURES[name](a)
    print(f"\n{load()}")


if __name__ == "__main__":
    main()
