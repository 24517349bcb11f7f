"""Issue 10: the Monte Carlo in background worker processes while the parent computes the exact
figures gives the very draws of one process; workers never outlive what started them (close, an
error, garbage collection), a worker killed midway costs time, not figures."""
import gc
import os
import pickle
import signal
import sys
import time

import numpy as np
import pytest

from sim.common.errors import InputError, Problem
from sim.risk import montecarlo
from sim.risk.background import Batches


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False                              # alive, or a zombie nobody reaped: a leak either way


def _wait_gone(pids, seconds=5.0) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if all(_gone(p) for p in pids):
            return True
        time.sleep(0.02)
    return all(_gone(p) for p in pids)


@pytest.fixture
def processes_allowed(monkeypatch):
    """As on the command line: not inside a notebook kernel (nbval imports ipykernel into pytest)."""
    monkeypatch.delitem(sys.modules, "ipykernel", raising=False)
    monkeypatch.setenv("SIM_PROCESSES", "2")


@pytest.mark.parametrize("processes", [2, 3])
def test_background_draws_are_the_draws_of_one_process(baseline_run, processes):
    model = baseline_run.model
    one = montecarlo.simulate(model, 60_000, seed=5, batch=4_000, processes=1)
    pending = montecarlo.start(model, 60_000, seed=5, batch=4_000, processes=processes)
    pids = pending.pids
    assert len(pids) == processes - 1                  # workers started at once, the parent is free
    time.sleep(0.1)                                     # the parent busy with something else meanwhile
    got = pending.result()
    assert np.array_equal(got.jkk, one.jkk) and np.array_equal(got.jkm, one.jkm) and got.years == 60_000
    assert pending.pids == [] and _wait_gone(pids)
    assert pending.result() is got                     # collected once
    copy = pickle.loads(pickle.dumps(montecarlo.start(model, 60_000, seed=5, batch=4_000, processes=processes)))
    assert np.array_equal(copy.result().total, one.total)     # pickles as the finished simulation


def test_a_worker_killed_midway_changes_nothing(baseline_run):
    model = baseline_run.model
    one = montecarlo.simulate(model, 100_000, seed=8, batch=1_000, processes=1)
    pending = montecarlo.start(model, 100_000, seed=8, batch=1_000, processes=3)
    victim, other = pending.pids
    os.kill(victim, signal.SIGKILL)                    # e.g. the kernel's out-of-memory killer
    got = pending.result()
    assert np.array_equal(got.total, one.total)
    assert _wait_gone([victim, other])


def test_errors_in_a_worker_come_back_from_the_batch_run_here():
    parent = os.getpid()

    def work(i):
        if os.getpid() != parent:
            raise RuntimeError("only in the worker")
        return (np.full(10, float(i)),)
    b = Batches(work, [0, 10, 20], [10, 20, 30], rows=1, workers=2)
    assert np.array_equal(b.result()[0], np.repeat([0.0, 1.0, 2.0], 10))    # the parent ran them all

    def failing(i):
        raise ValueError(f"batch {i}")
    b = Batches(failing, [0, 10], [10, 20], rows=1, workers=1)
    pids = b.pids
    with pytest.raises(ValueError, match="batch"):
        b.result()
    assert _wait_gone(pids)


def test_compute_starts_it_in_the_background_and_close_stops_it(baseline, processes_allowed, monkeypatch):
    from sim.analyses.model import compute
    c = compute(baseline, mc_years=300_000)
    pids = c.monte_carlo.pids
    assert len(pids) == 1                              # one worker beside the parent, on two cores
    c.close()
    assert _wait_gone(pids)
    monkeypatch.setenv("SIM_PROCESSES", "1")          # "1": no process at all
    alone = compute(baseline, mc_years=300_000)
    assert alone.monte_carlo.pids == []
    # after close the parent draws what is left: still the same years
    assert np.array_equal(c.simulation.total, alone.simulation.total)


def test_the_summary_is_the_same_in_the_background(baseline, processes_allowed, monkeypatch):
    from sim.analyses.model import run
    scen = baseline.updated({"simulation.monte_carlo_years": 200_000})
    background = run(scen, checks=False)
    monkeypatch.setenv("SIM_PROCESSES", "1")
    assert run(scen, checks=False) == background


def test_no_worker_is_left_when_the_run_fails_later(baseline, processes_allowed, monkeypatch):
    from sim.analyses import model as M
    seen = []

    def fails(scen, c, *a, **k):
        seen.extend(c.monte_carlo.pids)
        raise InputError([Problem("x", "", "a later error")])
    monkeypatch.setattr(M, "summarize", fails)
    with pytest.raises(InputError):
        M.run(baseline.updated({"simulation.monte_carlo_years": 300_000}))
    assert len(seen) == 1 and _wait_gone(seen)


def test_no_worker_is_left_when_the_exact_part_fails(baseline, processes_allowed, monkeypatch):
    from sim.analyses import model as M
    started = []
    real = montecarlo.start

    def start(*a, **k):
        p = real(*a, **k)
        started.extend(p.pids)
        return p

    def broken(*a, **k):
        raise MemoryError
    monkeypatch.setattr(montecarlo, "start", start)
    monkeypatch.setattr(M.aggregate, "exact", broken)
    with pytest.raises(MemoryError):
        M.compute(baseline, mc_years=300_000)
    assert len(started) == 1 and _wait_gone(started)


def test_a_forgotten_result_stops_its_workers(baseline, processes_allowed):
    from sim.analyses.model import compute
    c = compute(baseline, mc_years=300_000)
    pids = c.monte_carlo.pids
    assert pids
    del c
    gc.collect()
    assert _wait_gone(pids)


def test_a_national_portfolio_shares_its_batches(monkeypatch):
    """10^7 workers (about 59.000 claims a year): batches of 16 years, so 8.000 years are 500
    batches to share, not one (the count follows the model's batch length, not the 50.000 cap)."""
    monkeypatch.delitem(sys.modules, "ipykernel", raising=False)
    assert montecarlo._batch_length(58_870.0) == 16
    assert montecarlo.process_count(8_000, 58_870.0, "2") == 2
    assert montecarlo.process_count(10, 58_870.0, "2") == 1            # one batch
