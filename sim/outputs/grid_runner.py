"""``python -m sim grid PARAMS.yaml --vary KEY=LOW:HIGH:STEPS ...``: a sensitivity grid of many
scenarios, vectorized in this process where the model allows it (:func:`sim.analyses.grid.vectorized`),
otherwise cut into chunks fanned out on the batch engine (local processes or Dask, as
``python -m sim batch``), one scenario load per chunk and no report per grid point."""
from __future__ import annotations

import csv
import math
import time
from pathlib import Path

import numpy as np

from ..analyses import grid as G
from ..common.errors import InputError, Problem, Problems
from ..common.numbers import parse_number


def parse_axes(specs: list[str], scen) -> list[G.Axis]:
    """``key=low:high:steps`` for each lever; every problem at once."""
    from ..inputs.scenario import SCHEMA
    problems, axes = Problems(), []
    for spec in specs:
        key, sep, rng = spec.partition("=")
        parts = rng.split(":")
        if not sep or len(parts) != 3:
            problems.add("--vary", spec, "expected KEY=LOW:HIGH:STEPS, e.g. assumptions.mortality.loading=0.5:2:100")
            continue
        key = key.strip()
        numeric_setting = key in SCHEMA and SCHEMA[key][0] in ("rupiah", "rupiah_per_month", "workers", "fraction")
        if key not in scen.params and not numeric_setting:
            problems.add("--vary", key, "expected a numeric parameter (assumptions.*, policy.*) or one of "
                         "income.declared_monthly, portfolio.workers, budget.allocation, budget.jht_regency_share")
            continue
        try:
            lo, hi, steps = parse_number(parts[0]), parse_number(parts[1]), parts[2].strip()
            steps = int(steps)
        except (ValueError, TypeError):
            problems.add("--vary", spec, "expected numbers LOW:HIGH and a whole number of STEPS")
            continue
        if not 1 <= steps <= G.MAX_STEPS or not (math.isfinite(lo) and math.isfinite(hi)):
            problems.add("--vary", spec, f"expected finite bounds and 1 to {G.MAX_STEPS:,} steps")
            continue
        axes.append(G.Axis(key, float(lo), float(hi), steps))
    if len({a.key for a in axes}) != len(axes):
        problems.add("--vary", "", "each key may be varied once")
    if not specs:
        problems.add("--vary", "", "expected at least one --vary KEY=LOW:HIGH:STEPS")
    problems.raise_if_any()
    return axes


def grid_chunk(job: dict) -> dict:
    """Evaluate one chunk of grid points on a worker (module-level, so it pickles)."""
    from ..inputs.scenario import load_scenario
    scen = load_scenario(job["scenario"], job["sets"])
    return G.evaluate_points(scen, job["keys"], np.asarray(job["values"]), job["metrics"])


def run_grid(params: str, sets: list[str], specs: list[str], metrics: list[str], jobs: int | None = None,
             scheduler: str | None = None, chunk: int = 200) -> dict:
    """The grid's values by metric (arrays shaped like the grid) and how it was computed."""
    import os

    from ..inputs.scenario import load_scenario
    from .batch import Engine
    scen = load_scenario(params, sets)
    problems = [Problem("--metric", m, f"expected one of {', '.join(G.METRICS)}") for m in metrics if m not in G.METRICS]
    try:
        axes = parse_axes(specs, scen)
    except InputError as exc:
        problems = exc.problems + problems
    if problems:
        raise InputError(problems)
    n = int(np.prod([a.steps for a in axes]))
    vector = G.vectorizable(axes, metrics)
    limit = G.MAX_POINTS if vector else G.MAX_POINTS // 10
    if n > limit:
        raise InputError([Problem("--vary", "", f"{n:,} grid points; at most {limit:,} for this grid")])
    t0 = time.perf_counter()
    shape = tuple(a.steps for a in axes)
    if vector:
        values, how = G.vectorized(scen, axes, metrics), "vectorized (one process)"
    else:
        pts = G.points(axes)
        jobs = int(jobs or os.cpu_count() or 1)
        jobs_list = [{"scenario": str(Path(params).resolve()), "sets": list(sets), "keys": [a.key for a in axes],
                      "values": pts[i:i + chunk].tolist(), "metrics": list(metrics)} for i in range(0, n, chunk)]
        parts: list = [None] * len(jobs_list)
        engine = Engine(min(jobs, len(jobs_list)), scheduler)
        with engine:
            for i, res in engine.map_unordered(grid_chunk, jobs_list):
                if isinstance(res, BaseException):
                    raise res
                parts[i] = res
        values = {m: np.concatenate([p[m] for p in parts]).reshape(shape) for m in metrics}
        how = f"point by point in {len(jobs_list)} chunks on {engine.label}"
    as_list = lambda v: [None if not math.isfinite(x) else x for x in np.asarray(v, float).ravel().tolist()]  # noqa: E731
    return {"scenario": scen.name, "axes": [{"key": a.key, "values": a.values.tolist()} for a in axes], "points": n,
            "shape": list(shape), "method": how, "seconds": round(time.perf_counter() - t0, 3),
            "values": {k: as_list(v) for k, v in values.items()}}


def write_csv(result: dict, path: Path) -> None:
    """One row per grid point (the last lever varying fastest): the lever values, then the metrics."""
    axes = result["axes"]
    keys = list(result["values"])
    grids = np.meshgrid(*[a["values"] for a in axes], indexing="ij")
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow([a["key"] for a in axes] + keys)
        flat = [g.ravel() for g in grids]
        for i in range(result["points"]):
            w.writerow([f"{x[i]:.10g}" for x in flat] + ["" if result["values"][k][i] is None
                                                         else f"{result['values'][k][i]:.10g}" for k in keys])


def format_grid(result: dict) -> str:
    from ..common.formatting import number
    lines = [f"Grid / Kisi: {result['scenario']}: {number(result['points'])} skenario / scenarios, {result['method']}, "
             f"{number(result['seconds'], 2)} s"]
    for k, v in result["values"].items():
        arr = np.array([np.nan if x is None else x for x in v], dtype=float)
        lines.append(f"  {k}: min {number(float(np.nanmin(arr)), 4)}, max {number(float(np.nanmax(arr)), 4)}")
    return "\n".join(lines)
