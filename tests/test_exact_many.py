"""Many exact distributions over both cores (:mod:`sim.risk.exact_many`): bit for bit the loop in one
process, whatever the process setting; the setting's rules; the projection unchanged."""
from __future__ import annotations

import multiprocessing as mp
import sys

import numpy as np
import pytest

from sim.analyses import projection
from sim.common.errors import InputError
from sim.inputs.scenario import load_scenario
from sim.risk import aggregate, exact_many, montecarlo


@pytest.fixture(autouse=True)
def command_line(monkeypatch):
    """As on the command line: not inside a notebook kernel (nbval imports ipykernel into pytest)."""
    monkeypatch.delitem(sys.modules, "ipykernel", raising=False)


@pytest.fixture(scope="module")
def models():
    scen = load_scenario("params/belu-2023-jht.yaml", ["simulation.monte_carlo_years=0"])
    rows, _ = projection.project(scen, 12, distributions=False)
    off = load_scenario("params/belu-2023.yaml", ["programs.jkk=false", "programs.jkm=false"])
    rows_off, _ = projection.project(off, 2, distributions=False)     # models without claims: a point at 0
    return [r.model for r in rows] + [r.model for r in rows_off]


@pytest.mark.parametrize("setting", ["1", "2", "3"])
def test_same_bits_as_one_process(models, monkeypatch, setting):
    monkeypatch.setenv("SIM_PROCESSES", setting)
    assert exact_many.processes(1, len(models)) == min(int(setting), len(models))
    got = exact_many.totals(models, 100_000.0)
    for m, d in zip(models, got):
        ref = aggregate.exact(m, 100_000.0, parts=("total",))["total"]
        assert (d.h, d.offset) == (ref.h, ref.offset)
        assert np.array_equal(d.pmf, ref.pmf)
    assert not [p for p in mp.active_children() if p.name == "sim-batches"]      # no worker left


def test_when_a_second_process_is_used(monkeypatch):
    monkeypatch.delenv("SIM_PROCESSES", raising=False)
    assert exact_many.processes(exact_many.MIN_GRID_POINTS - 1, 40) == 1          # not worth a start
    assert exact_many.processes(10 ** 7, 1) == 1                                 # one job
    big = exact_many.processes(10 ** 7, 40)
    assert big == min(2, montecarlo.usable_cores())
    assert exact_many.processes(10 ** 7, 40, "1") == 1
    assert exact_many.processes(10, 40, "3") == 3                                # asked for: whatever the size
    monkeypatch.setitem(sys.modules, "ipykernel", object())                     # a notebook or dashboard kernel
    assert exact_many.processes(10 ** 7, 40) == 1
    with pytest.raises(InputError, match="SIM_PROCESSES"):
        exact_many.processes(10 ** 7, 40, "two")


def test_projection_the_same_on_one_or_two_processes(monkeypatch):
    scen = load_scenario("params/belu-2023.yaml")
    monkeypatch.setenv("SIM_PROCESSES", "1")
    one, _ = projection.project(scen, 25)
    monkeypatch.setenv("SIM_PROCESSES", "2")
    two, _ = projection.project(scen, 25)
    for a, b in zip(one, two):
        x, y = a.exact["total"], b.exact["total"]
        assert (x.h, x.offset) == (y.h, y.offset) and np.array_equal(x.pmf, y.pmf)


def test_a_first_year_nobody_can_claim_in_sets_no_bound(models):
    """The bound on the years' grids comes from the first year expecting claims: a year before it
    whose cells expect none (nobody in force yet) leaves the steps as without it."""
    from dataclasses import replace as _replace
    from sim.risk.claims import ClaimModel
    belu = [m for m in models if m.of("jkk")][:12]
    first = belu[0]
    empty = ClaimModel([_replace(g, prob=np.zeros_like(g.prob)) for g in first.groups], first.enabled)
    assert sum(g.expected_count() for g in empty.of("jkk") + empty.of("jkm")) == 0
    assert exact_many.lattice_steps([empty] + belu, 100_000.0)[1:] == exact_many.lattice_steps(belu, 100_000.0)


def test_no_second_process_while_other_threads_run(monkeypatch):
    """A threaded host (a web server): forking then could copy a lock another thread holds."""
    import threading
    from sim.common import processes
    monkeypatch.undo()                      # the real check (conftest's no_foreign_threads off)
    monkeypatch.delitem(sys.modules, "ipykernel", raising=False)
    monkeypatch.delenv("SIM_PROCESSES", raising=False)
    assert exact_many.processes(10 ** 7, 40) == (1 if processes.other_threads() else min(2, montecarlo.usable_cores()))
    stop = threading.Event()
    t = threading.Thread(target=stop.wait)
    t.start()
    try:
        assert processes.other_threads() and not processes.helper_allowed()
        assert exact_many.processes(10 ** 7, 40) == 1
        assert montecarlo.process_count(10 ** 6, 1e3) == 1
    finally:
        stop.set()
        t.join()
