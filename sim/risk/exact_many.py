"""The total's exact distribution for many claim models at once (a projection's years), over both cores.

Each model's distribution is :func:`sim.risk.aggregate.exact` (``parts=("total",)``) at its lattice
step (one for all, or one per model: :func:`lattice_steps` for a projection's years), computed the
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
#: a model's grid at the common step may hold this many times the first model's before its step grows
GRID_GROWTH = 1.5
#: ... and never fewer points than this (a transform of 2^15 points takes about 0,2 ms: no need)
MIN_GRID_BOUND = 2 ** 15


def _size(model, h: float) -> int:
    """Length of the probabilities :func:`aggregate.exact` returns for *model* (its grid, or 1)."""
    groups = model.of("jkk") + model.of("jkm")
    if not groups:
        return 1
    return int(aggregate.grid_size(groups, aggregate.lattice_unit(model, h)))


def lattice_steps(models, h: float) -> list[float]:
    """The lattice step of each model (a projection's years, in order; the rule and why:
    :mod:`sim.analyses.projection`): ``h m_t``, ``m_t = ceil(n_t / B)``, ``n_t`` the grid of model
    ``t`` at step *h* (:func:`sim.risk.aggregate.grid_size`; 0 without claims),
    ``B = max(GRID_GROWTH n_1, MIN_GRID_BOUND)`` with ``n_1`` the first model with claims: no grid
    above about ``B`` points, and a coarsened model's step a smaller share of its window than the
    first's times ``2 / GRID_GROWTH`` (``m_t / n_t < 2 / B``).  A national model is coarsened further by
    :func:`sim.risk.aggregate.exact` (:func:`~sim.risk.aggregate.lattice_unit`) when it needs to."""
    sizes = []
    for m in models:
        groups = m.of("jkk") + m.of("jkm")
        claims = sum(g.expected_count() for g in groups) > 0     # a year nobody can claim in sets no bound
        sizes.append(aggregate.grid_size(groups, h) if claims else 0)
    ref = next((n for n in sizes if n > 0), 0)
    bound = max(GRID_GROWTH * ref, MIN_GRID_BOUND)
    return [h * max(1, -(-n // bound)) for n in sizes]


def processes(points: int, jobs: int, setting: str | None = None) -> int:
    """Processes for *jobs* distributions of *points* grid points in all (see the module docstring)."""
    want = montecarlo.process_setting(setting)
    if jobs < 2 or not montecarlo.processes_allowed():
        return 1
    if want is not None:
        return max(1, min(want, jobs))
    return min(2, montecarlo.usable_cores()) if points >= MIN_GRID_POINTS else 1


def totals(models, h) -> list[aggregate.Distribution]:
    """``aggregate.exact(model, h, parts=("total",))["total"]`` for every model of *models*; *h*: one
    lattice step for all, or one per model (:func:`lattice_steps`)."""
    models = list(models)
    steps = [float(x) for x in h] if np.ndim(h) else [float(h)] * len(models)
    if len(steps) != len(models):
        raise ValueError(f"{len(steps)} lattice steps for {len(models)} models")
    sizes = [_size(m, x) for m, x in zip(models, steps)]
    procs = processes(sum(sizes), len(models))
    if procs <= 1:
        return [aggregate.exact(m, x, parts=("total",))["total"] for m, x in zip(models, steps)]
    from .background import Batches
    start = np.concatenate([[0], np.cumsum([s + 2 for s in sizes])[:-1]]).astype(int).tolist()
    stop = [a + s + 2 for a, s in zip(start, sizes)]

    def work(i):
        d = aggregate.exact(models[i], steps[i], parts=("total",))["total"]
        if d.pmf.size != sizes[i]:
            raise RuntimeError(f"distribution {i}: {d.pmf.size} points, {sizes[i]} expected")
        return [np.concatenate([d.pmf, [float(d.offset), d.h]])]

    out = Batches(work, start, stop, 1, procs - 1).result()[0]
    dists = []
    for a, s in zip(start, sizes):
        block = out[a:a + s + 2]
        dists.append(aggregate.Distribution(float(block[-1]), int(block[-2]), block[:s].copy()))
    return dists
