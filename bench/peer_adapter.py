"""Adapter of the workbench's exact engine for the peer benchmark ``shared/bench/peer_aggregate.py``.

The peer benchmark times gemact, a bare numpy reference and (with ``--candidate``) this adapter in
ONE process on the same compound-Poisson portfolio (one claim-size distribution of about 12,500
atoms on a Rp 100,000 grid).  Run it in a separate venv that has gemact (never a dependency of the
workbench; numpy and scipy are all the adapter needs besides ``sim``):

    python3 -m venv /tmp/gemact-venv
    /tmp/gemact-venv/bin/pip install numpy scipy gemact
    PYTHONPATH=. /tmp/gemact-venv/bin/python ../shared/bench/peer_aggregate.py \\
        --candidate bench.peer_adapter:aggregate            # fft, 5,892 workers, Rp 100,000
    PYTHONPATH=. /tmp/gemact-venv/bin/python ../shared/bench/peer_aggregate.py \\
        --method mc --sims 100000 --candidate bench.peer_adapter:aggregate

``make bench-peer`` does the same when ``GEMACT_PYTHON`` names that interpreter.

How the spec maps onto the engine: the claim size is one :class:`~sim.risk.severity.Severity`
component with the spec's atoms; the Poisson(lam) count is a risk group of ``N = 10^9`` Bernoulli
trials with probability ``lam / N`` (the workbench's Poisson-binomial model; it differs from
Poisson by a relative ``lam / N`` in the variance).  ``fft`` runs :func:`sim.risk.aggregate.exact`
on the engine's own shifted grid; ``mc`` runs :func:`sim.risk.montecarlo.simulate`.  Each call is
cold: a new severity object and the engine's caches cleared, as for a first request.
"""
from __future__ import annotations

import numpy as np

N_TRIALS = 1e9


def _model(spec):
    from sim.risk.claims import ClaimModel, RiskGroup
    from sim.risk.severity import Component, Severity
    sev = Severity((Component(1.0, tuple(np.asarray(spec["sev_amounts"], dtype=float).tolist()),
                              tuple(np.asarray(spec["sev_probs"], dtype=float).tolist())),))
    group = RiskGroup("jkk", np.array([N_TRIALS]), np.array([spec["lam"] / N_TRIALS]), sev, np.array([0]))
    return ClaimModel([group], {"jkk": True, "jkm": False, "jht": False})


def clear_caches():
    """Empty every cache of the engine (a cold call)."""
    from sim.risk import aggregate, severity
    for mod in (aggregate, severity):
        for name in dir(mod):
            fn = getattr(mod, name)
            if not isinstance(fn, type) and callable(getattr(fn, "cache_clear", None)):
                fn.cache_clear()


def aggregate(spec) -> dict:
    """The peer benchmark's candidate: mean, VaR 99.5% and P(S > contributions) in rupiah."""
    from sim.risk import aggregate as agg
    clear_caches()
    model = _model(spec)
    if spec["method"] == "mc":
        from sim.risk import montecarlo
        total = montecarlo.simulate(model, int(spec["sims"]), int(spec["seed"])).total
        s = montecarlo.summary(total, spec["contributions"])
        return {"mean": s["mean"], "VaR995": s["var_99_5"], "p_exceed": s["prob_exceed_contributions"]}
    if spec["method"] != "fft":
        raise ValueError("the adapter runs the engine's FFT ('fft') or Monte Carlo ('mc')")
    d = agg.exact(model, float(spec["unit"]), parts=("jkk",))["jkk"]
    q, pe = d.figures([0.995], spec["contributions"])
    return {"mean": d.mean(), "VaR995": q[0.995], "p_exceed": pe}
