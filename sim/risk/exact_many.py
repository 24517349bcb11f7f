"""The total's exact distribution for many claim models at once (a projection's years), over both cores.

Each model's distribution is :func:`sim.risk.aggregate.exact` (``parts=("total",)``), computed the
same way wherever it runs, so the result is bit for bit the one of a loop in this process.  When
processes are allowed and the work pays for a start, one forked worker
(:class:`sim.risk.background.Batches`) takes models in order from a shared counter while this
process takes the others; each distribution comes back through shared memory as its probabilities
followed by its offset and lattice step.  Where processes are allowed follows the Monte Carlo's
rule (:func:`sim.risk.montecarlo.process_count`): the setting ``SIM_PROCESSES`` (``1``: never;
``auto``: not inside a Jupyter kernel, a daemon or Dask worker, or without ``fork``), and here
only from :data:`MIN_GRID_POINTS` grid points in all (about 0,1 s of transforms; a 10-year
projection of Belu stays in this process, 20 and 40 years use two).
"""
from __future__ import annotations

import numpy as np

from . import aggregate, montecarlo

#: grid points (all models together) from which a second process pays for its start
MIN_GRID_POINTS = 1_000_000


def _size(model, h: float) -> int:
    """Length of the probabilities :func:`aggregate.exact` returns for *model* (its grid, or 1)."""
    groups = model.of("jkk") + model.of("jkm")
    if not groups:
        return 1
    return int(aggregate.grid_size(groups, aggregate.lattice_unit(model, h)))


def processes(points: int, jobs: int, setting: str | None = None) -> int:
    """Processes for *jobs* distributions of *points* grid points in all (see the module docstring)."""
    want = montecarlo.process_setting(setting)
    if jobs < 2 or not montecarlo.processes_allowed():
        return 1
    if want is not None:
        return max(1, min(want, jobs))
    return min(2, montecarlo.usable_cores()) if points >= MIN_GRID_POINTS else 1


def totals(models, h: float) -> list[aggregate.Distribution]:
    """``aggregate.exact(model, h, parts=("total",))["total"]`` for every model of *models*."""
    models = list(models)
    sizes = [_size(m, h) for m in models]
    procs = processes(sum(sizes), len(models))
    if procs <= 1:
        return [aggregate.exact(m, h, parts=("total",))["total"] for m in models]
    from .background import Batches
    start = np.concatenate([[0], np.cumsum([s + 2 for s in sizes])[:-1]]).astype(int).tolist()
    stop = [a + s + 2 for a, s in zip(start, sizes)]

    def work(i):
        d = aggregate.exact(models[i], h, parts=("total",))["total"]
        if d.pmf.size != sizes[i]:
            raise RuntimeError(f"distribution {i}: {d.pmf.size} points, {sizes[i]} expected")
        return [np.concatenate([d.pmf, [float(d.offset), d.h]])]

    out = Batches(work, start, stop, 1, procs - 1).result()[0]
    dists = []
    for a, s in zip(start, sizes):
        block = out[a:a + s + 2]
        dists.append(aggregate.Distribution(float(block[-1]), int(block[-2]), block[:s].copy()))
    return dists
