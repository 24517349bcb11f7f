"""Issue 10 in Monte Carlo: the same draws whatever the number of processes, the process setting,
and the multinomial way of drawing many claims against the claim-by-claim way and the exact
distribution."""
import sys

import numpy as np
import pytest

from sim.common.errors import InputError
from sim.risk import aggregate, mc_kernel, montecarlo
from sim.risk.claims import ClaimModel, RiskGroup
from sim.risk.severity import Component, Medical, Severity


def test_same_draws_whatever_the_number_of_processes(baseline_run):
    model = baseline_run.model
    runs = [montecarlo.simulate(model, 23_000, seed=5, batch=4_000, processes=p) for p in (1, 2, 3)]
    for r in runs[1:]:
        assert np.array_equal(r.jkk, runs[0].jkk) and np.array_equal(r.jkm, runs[0].jkm)
    assert runs[0].years == 23_000
    # the setting decides nothing about the result either
    auto = montecarlo.simulate(model, 23_000, seed=5, batch=4_000)
    assert np.array_equal(auto.total, runs[0].total)


def test_process_setting(monkeypatch):
    monkeypatch.delitem(sys.modules, "ipykernel", raising=False)
    assert montecarlo.process_count(10 ** 6, 35.0, "1") == 1
    assert montecarlo.process_count(10 ** 6, 35.0, "3") == 3
    assert montecarlo.process_count(10_000, 35.0, "3") == 1             # one batch: nothing to share
    assert montecarlo.process_count(30_000, 35.0, "auto") == 1          # 1 million claims: not worth a process
    assert montecarlo.process_count(10 ** 5, 35.0, "auto") in (1, 2)    # Belu's 3.5 million: a worker pays
    assert montecarlo.process_count(10 ** 6, 35.0, "auto") in (1, 2)    # 2 where two cores are allowed
    for bad in ("two", "-1", "0", "1.5"):
        with pytest.raises(InputError, match="SIM_PROCESSES"):
            montecarlo.process_count(10 ** 6, 35.0, bad)
    monkeypatch.setitem(sys.modules, "ipykernel", object())             # inside a notebook or dashboard kernel
    assert montecarlo.process_count(10 ** 6, 35.0, "auto") == 1
    assert montecarlo.process_count(10 ** 6, 35.0, "2") == 1


def test_no_process_inside_a_daemon(monkeypatch):
    import multiprocessing as mp
    monkeypatch.delitem(sys.modules, "ipykernel", raising=False)
    monkeypatch.setattr(mp.current_process(), "daemon", True, raising=False)
    assert montecarlo.process_count(10 ** 7, 35.0, "auto") == 1


def _model(severity, n=20_000, p=0.02):
    g = RiskGroup("jkm", np.full(4, n / 4), np.full(4, p), severity, np.arange(4))
    return ClaimModel([g], {"jkk": False, "jkm": True, "jht": False})


@pytest.mark.parametrize("medical", [False, True])
def test_multinomial_draws_match_the_exact_distribution(medical):
    """400 claims a year at 3 amounts (the multinomial way), with and without a medical cost: the
    simulated mean, sd and quantiles agree with the exact FFT distribution and the closed forms."""
    med = Medical.calibrated(3e6, 1.0, 5e8) if medical else None
    sev = Severity((Component(0.6, (10e6,), (1.0,), med), Component(0.4, (42e6, 80e6), (0.5, 0.5), med)))
    model = _model(sev)
    sampler = mc_kernel.Sampler(sev)
    assert model.groups[0].expected_count() >= 2 * sampler.amounts.size   # the multinomial branch is taken
    sim = montecarlo.simulate(model, 40_000, seed=11, processes=1).jkm
    g = model.groups[0]
    se = np.sqrt(g.variance() / sim.size)
    assert abs(sim.mean() - g.expected_amount()) < 4 * se
    assert sim.std() == pytest.approx(np.sqrt(g.variance()), rel=0.03)
    exact = aggregate.exact(model, 1e6)["jkm"]
    for q in (0.1, 0.5, 0.9, 0.99):
        assert np.quantile(sim, q) == pytest.approx(exact.quantile(q), rel=0.01)


def test_both_ways_of_drawing_agree():
    """The same severity drawn claim by claim (few claims a year) and by multinomial numbers (many):
    scaled to the same expected count, the year's sums have the same distribution."""
    med = Medical.calibrated(2e6, 1.2, 5e8)
    sev = Severity((Component(0.7, (0.0, 5e6), (0.5, 0.5), med), Component(0.3, (30e6,), (1.0,), None)))
    few = montecarlo.simulate(_model(sev, n=1_000, p=0.004), 200_000, seed=3, processes=1).jkm    # 4 a year
    many = montecarlo.simulate(_model(sev, n=100_000, p=0.004), 20_000, seed=3, processes=1).jkm  # 400 a year
    g_few, g_many = _model(sev, 1_000, 0.004).groups[0], _model(sev, 100_000, 0.004).groups[0]
    assert abs(few.mean() - g_few.expected_amount()) < 4 * np.sqrt(g_few.variance() / few.size)
    assert abs(many.mean() - g_many.expected_amount()) < 4 * np.sqrt(g_many.variance() / many.size)
    assert few.var() == pytest.approx(g_few.variance(), rel=0.03)
    assert many.var() == pytest.approx(g_many.variance(), rel=0.03)
