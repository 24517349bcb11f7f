"""A year's claims with doubt about the assumptions: exact conditional distributions mixed over
the uncertain parameters (``params/assumptions/uncertainty.yaml``).

The uncertain parameters ``theta`` (each independent):

* ``f`` mortality level: factor on every JKM death probability (deaths not from work);
* ``a`` accident frequency: factor on every JKK accident probability;
* ``m`` medical cost: factor on the mean medical cost per JKK case (the capped lognormal is
  recalibrated to the new mean, :class:`sim.risk.severity.Medical`);
* ``s`` age shift: years added to every age of a synthetic roster (mortality interpolated between
  whole ages); a roster's ages are known, so no shift;
* ``u`` scholarship drawn: factor on the scholarship per eligible child (JKK and JKM).

Given ``theta`` the year's total ``S`` has the exact distribution of :mod:`sim.risk.aggregate`
(each claim probability ``p`` becomes ``min(factor x p, 1)``).  The predictive distribution is
the mixture ``P(S = x) = E_theta[P(S = x | theta)]``.  JKK depends on ``(a, m, u)``, JKM on
``(f, s, u)``, and given ``theta`` they are independent, so on the common lattice the
characteristic function of the total is::

    phi_S = sum_u w_u [sum_{a,m} w_a w_m phi_JKK(a, m, u)] [sum_{f,s} w_f w_s phi_JKM(f, s, u)]

with the weights ``w`` and nodes of a Gauss quadrature for each distribution (Golub-Welsch:
Hermite for normal and lognormal, generalised Laguerre for gamma), exact for polynomials of
degree ``2n - 1`` in the underlying variable.  Factor nodes are rescaled so their weighted mean
is exactly 1; the expected claims are linear in every factor (claim probabilities times mean
amounts), so the mixture's mean equals the process-only mean when the age shift is fixed.  A
symmetric age shift raises expected deaths a little (mortality is convex in age); that is part
of the doubt and is reported.  The lattice window covers every node of weight at least
``WINDOW_WEIGHT`` (1e-6); rarer nodes (a gamma factor's far tail) still enter the mixture, and
the little of their mass that falls outside the window wraps around (FFT aliasing, below 1e-6).

Cross-checks: :func:`conditional_model` builds the claim model at any ``theta`` the ordinary way
(tests convolve a sample of parameter draws exactly and average them), and :func:`simulate` is
a two-stage Monte Carlo (draw ``theta``, then years of claims by :mod:`sim.risk.montecarlo`).
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np
from numpy import fft as sfft     # numpy's, as sim.risk.aggregate: no scipy import on `run` (0.3 s)

from ..inputs.uncertainty_spec import Spec, parse_spec
from . import aggregate, claims, montecarlo

FACTORS = ("mortality_level", "accident_frequency", "medical_cost", "age_shift", "scholarship_take_up")
MAX_GRID = 2 ** 18
WINDOW_WEIGHT = 1e-6


def specs(scen, synthetic: bool = True) -> dict[str, Spec]:
    """The scenario's uncertainty distributions; the age shift is fixed for a roster."""
    out = {k: parse_spec(scen.param("assumptions.uncertainty." + k)) for k in FACTORS}
    if not synthetic:
        out["age_shift"] = Spec("fixed")
    return out


def _golub_welsch(diag: np.ndarray, off: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Nodes and normalised weights of the Gauss rule of a monic three-term recurrence."""
    if diag.size == 1:
        return diag.copy(), np.ones(1)
    # the symmetric tridiagonal matrix is small (the rule's nodes): numpy's dense solver, no scipy
    x, v = np.linalg.eigh(np.diag(diag) + np.diag(off, 1) + np.diag(off, -1))
    w = v[0, :] ** 2
    return x, w / w.sum()


def nodes(spec: Spec, shift: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Quadrature nodes and weights of *spec*: factors with mean 1, or (``shift``) years with mean 0."""
    if spec.degenerate:
        return np.array([0.0 if shift else 1.0]), np.ones(1)
    n = spec.nodes
    if spec.family in ("normal", "lognormal"):
        k = np.arange(1, n)
        z, w = _golub_welsch(np.zeros(n), np.sqrt(k.astype(float)))   # probabilists' Hermite
        if spec.family == "normal":
            return spec.spread * z, w
        sig = np.sqrt(np.log1p(spec.spread ** 2))
        x = np.exp(sig * z - sig * sig / 2)
    elif spec.family == "gamma":
        shape = 1.0 / spec.spread ** 2
        alpha = shape - 1.0
        k = np.arange(n, dtype=float)
        g, w = _golub_welsch(2 * k + alpha + 1, np.sqrt(k[1:] * (k[1:] + alpha)))   # generalised Laguerre
        x = g / shape
    else:
        raise ValueError(f"unknown family {spec.family!r}")
    return x / np.dot(w, x), w


def sample(spec: Spec, rng: np.random.Generator, size: int, shift: bool = False) -> np.ndarray:
    """Independent draws of *spec* (factor, or shift in years)."""
    if spec.family == "fixed" or spec.spread == 0:
        return np.full(size, 0.0 if shift else 1.0)
    if spec.family == "normal":
        return rng.normal(0.0, spec.spread, size)
    if spec.family == "lognormal":
        sig = np.sqrt(np.log1p(spec.spread ** 2))
        return rng.lognormal(-sig * sig / 2, sig, size)
    shape = 1.0 / spec.spread ** 2
    return rng.gamma(shape, 1.0 / shape, size)


def _assumptions(a0: claims.Assumptions, m: float, u: float) -> claims.Assumptions:
    return replace(a0, med_mean=a0.med_mean * m, per_child=a0.per_child * u)


def _shifted(pf, s: float):
    return pf if s == 0 else replace(pf, age=np.asarray(pf.age, dtype=float) + s)


def conditional_model(scen, pf, theta: dict, a0: claims.Assumptions | None = None) -> claims.ClaimModel:
    """The claim model at parameter values *theta* (keys of :data:`FACTORS`), built the ordinary way."""
    a0 = a0 or claims.Assumptions.from_scenario(scen)
    a = _assumptions(a0, theta.get("medical_cost", 1.0), theta.get("scholarship_take_up", 1.0))
    model = claims.build(scen, _shifted(pf, theta.get("age_shift", 0.0)), a)
    scale = {"jkk": theta.get("accident_frequency", 1.0), "jkm": theta.get("mortality_level", 1.0)}
    groups = [replace(g, prob=np.minimum(g.prob * scale[g.program], 1.0)) for g in model.groups]
    return claims.ClaimModel(groups, model.enabled)


def _moments(groups, factor):
    """Mean and variance of the groups' total with every probability times *factor* (vectorised)."""
    mean = np.zeros_like(factor)
    var = np.zeros_like(factor)
    for g in groups:
        m1, m2 = g.severity.mean(), g.severity.second_moment()
        p = np.minimum(np.multiply.outer(factor, g.prob), 1.0)
        mean += (p @ g.count) * m1
        var += (p * m2 - p * p * m1 * m1) @ g.count
    return mean, var


def mixture(scen, pf, model: claims.ClaimModel, h: float | None = None,
            spec: dict[str, Spec] | None = None, reference: bool | None = None) -> dict[str, aggregate.Distribution]:
    """Predictive distributions (``jkk``, ``jkm``, ``total``) mixed over the parameter doubt.

    *reference*: ``True`` evaluates every group's series afresh at every factor node, ``False``
    scales one series per group across the nodes, ``None`` (default) the cheaper of the two for the
    portfolio (:func:`_log_cfs`; equal up to round-off, tests compare them)."""
    sp = spec or specs(scen, pf.source == "synthetic")
    h = aggregate.lattice_unit(model, float(h or scen["simulation.lattice_unit"]))
    a0 = claims.Assumptions.from_scenario(scen)
    (fx, fw), (ax, aw), (mx, mw), (sx, sw), (ux, uw) = (nodes(sp[k], k == "age_shift") for k in FACTORS)
    # JKK groups (severities by m, u) and JKM groups (probabilities by s, severities by u)
    jkk = {(i, j): claims.build(scen, pf, _assumptions(a0, m, u)).of("jkk") for i, m in enumerate(mx)
           for j, u in enumerate(ux)}
    jkm_sev = {j: claims.build(scen, pf, _assumptions(a0, 1.0, u)).of("jkm") for j, u in enumerate(ux)}
    jkm_p = [[g.prob for g in claims.build(scen, _shifted(pf, s), a0).of("jkm")] for s in sx]
    # the window covers every combination of nodes with weight at least WINDOW_WEIGHT
    largest = h
    for j in range(ux.size):
        for g in [g for i in range(mx.size) for g in jkk[(i, j)]] + jkm_sev[j]:
            largest = max(largest, g.severity.max_amount())
    win = {p: (np.inf, -np.inf) for p in ("jkk", "jkm", "total")}
    for j, wu in enumerate(uw):
        mk = [_moments(jkk[(i, j)], ax) for i in range(mx.size)]
        jm = np.concatenate([k[0] for k in mk])
        jv = np.concatenate([k[1] for k in mk])
        jw = wu * np.outer(mw, aw).ravel()
        mk = [_moments([replace(g, prob=p) for g, p in zip(jkm_sev[j], jkm_p[si])], fx) for si in range(sx.size)]
        km = np.concatenate([k[0] for k in mk])
        kv = np.concatenate([k[1] for k in mk])
        kw = wu * np.outer(sw, fw).ravel()
        tw = np.outer(jw, kw / wu).ravel()
        for prog, m_, v_, w_ in (("jkk", jm, jv, jw), ("jkm", km, kv, kw),
                                 ("total", np.add.outer(jm, km).ravel(), np.add.outer(jv, kv).ravel(), tw)):
            keep = w_ >= min(WINDOW_WEIGHT, w_.max())
            m_, sd = m_[keep], np.sqrt(np.maximum(v_[keep], 0))
            lo = max(0, int(np.floor(np.min(m_ - 8 * sd) / h)))
            hi = int(np.ceil(np.max(m_ + 10 * sd + largest) / h)) + 2
            win[prog] = (min(win[prog][0], lo), max(win[prog][1], hi))
    span = max(hi - lo for lo, hi in win.values())
    if span > MAX_GRID:   # national scale: coarsen the lattice (as aggregate.lattice_unit does)
        k = int(np.ceil(span / MAX_GRID))
        h *= k
        win = {p: (lo // k, -(-hi // k)) for p, (lo, hi) in win.items()}
        span = max(hi - lo for lo, hi in win.values())
    M = int(aggregate.next_fast_len(max(span, 64)))
    on = {p: bool(model.enabled.get(p)) for p in ("jkk", "jkm")}
    cf = {p: np.zeros(M // 2 + 1, dtype=complex) for p in ("jkk", "jkm", "total")}
    ones = np.ones(M // 2 + 1, dtype=complex)
    jkm_done: dict = {}
    for j, wu in enumerate(uw):
        ck = np.zeros(M // 2 + 1, dtype=complex) if on["jkk"] else ones
        if on["jkk"]:
            for i, wm in enumerate(mw):
                gs = jkk[(i, j)]
                ds = [aggregate._severity_cf(g.severity, h, "mean", M) - 1.0 for g in gs]
                L = _log_cfs([g.count for g in gs], [g.prob for g in gs], ds, ax, M, reference)
                for La, wa in zip(L, aw):
                    ck += wm * wa * np.exp(La)
        key = tuple(g.severity for g in jkm_sev[j])
        if key in jkm_done:          # the same JKM severities as another take-up node (no scholarship in force)
            cm = jkm_done[key]
        else:
            cm = jkm_done[key] = _jkm_mixture(on["jkm"], jkm_sev[j], jkm_p, fx, fw, sw, h, M, reference)
        cf["jkk"] += wu * ck
        cf["jkm"] += wu * cm
        cf["total"] += wu * ck * cm
    out = {}
    for prog in ("jkk", "jkm", "total"):
        if prog != "total" and not on[prog] or prog == "total" and not (on["jkk"] or on["jkm"]):
            out[prog] = aggregate.Distribution(h, 0, np.ones(1))
            continue
        f = sfft.irfft(cf[prog], M)
        lo = win[prog][0]
        f = np.roll(f, -(lo % M))
        np.maximum(f, 0.0, out=f)
        f /= f.sum()
        out[prog] = aggregate.Distribution(h, lo, f)
    return out


def _jkm_mixture(on, groups, probs_by_shift, fx, fw, sw, h, M, reference=None):
    """``sum_{f,s} w_f w_s phi_JKM(f, s)`` for one set of JKM severities."""
    if not on:
        return np.ones(M // 2 + 1, dtype=complex)
    cm = np.zeros(M // 2 + 1, dtype=complex)
    ds = [aggregate._severity_cf(g.severity, h, "mean", M) - 1.0 for g in groups]
    for si, ws in enumerate(sw):
        L = _log_cfs([g.count for g in groups], probs_by_shift[si], ds, fx, M, reference)
        for Lf, wf in zip(L, fw):
            cm += ws * wf * np.exp(Lf)
    return cm


def _log_cfs(counts, probs, ds, factors, M, reference=None) -> np.ndarray:
    """``L[i] = sum_g sum_c n_gc log(1 + min(x_i p_gc, 1) d_g)`` for every factor node ``x_i``: the
    log characteristic function of the groups' total with every claim probability scaled by ``x_i``
    (rows: nodes; *ds*: each group's ``psi - 1`` on the rfft grid of length *M*).

    Fast path (module docstring of :mod:`sim.risk.aggregate`): for the cells with ``x_max p < 1/4``
    the series' power sums scale as ``A_k(x p) = x^k A_k(p)``, so with the coefficients
    ``c_k`` of :func:`aggregate.series` at ``x_max p`` (enough terms for the largest node, hence for
    every node) ``L_i = sum_k (x_i / x_max)^k T_k`` where ``T_k = sum_g c_gk d_g^k`` is summed over the
    groups once, not once per node.  Cells with ``x_max p >= 1/4`` keep the exact per-node treatment
    of :func:`aggregate.log_series` (``log1p`` for ``min(x p, 1) >= 1/4``).  Equal to the per-node
    path (every group's series afresh at every node) up to round-off.

    Cost in passes over the grid, ``K`` terms, ``G`` groups, ``N`` nodes: about ``K (3 G + 2 N)``
    here against ``2 N G K'`` per node, ``K'`` the terms a node needs (about ``0.65 K`` for the
    default gamma nodes): *reference* ``None`` picks the cheaper (a synthetic portfolio's single
    group per programme stays per node; a real roster's dozens of income groups take the fast
    path); ``True`` or ``False`` forces the per-node or the fast path (tests compare them)."""
    factors = np.asarray(factors, dtype=float)
    out = np.zeros((factors.size, M // 2 + 1), dtype=complex)
    xmax = float(factors.max())
    G, N = len(ds), factors.size
    if reference is None:
        reference = not 3 * G + 2 * N < 1.3 * N * G
    if reference or xmax <= 0:
        for i, x in enumerate(factors):
            for n, p, d in zip(counts, probs, ds):
                out[i] += aggregate.log_series(n, np.minimum(x * np.asarray(p, dtype=float), 1.0), d)
        return out
    series = []
    for n, p, d in zip(counts, probs, ds):
        n = np.asarray(n, dtype=float)
        p = np.asarray(p, dtype=float)
        fast = xmax * p < 0.25
        if not fast.all():          # probabilities near or beyond the series' bound: per node, exactly
            ns, ps = n[~fast], p[~fast]
            for i, x in enumerate(factors):
                out[i] += aggregate.log_series(ns, np.minimum(x * ps, 1.0), d)
        series.append((aggregate.series(n[fast], xmax * p[fast])[2], d))
    K = max((c.size for c, _ in series), default=0)
    if K == 0:
        return out
    # T_k = sum_g c_gk d_g^k, on float views (a real coefficient times a complex array, no BLAS)
    T = np.zeros((K, M // 2 + 1), dtype=complex)
    Tf = T.view(float)
    buf = np.empty(2 * (M // 2 + 1))
    for coef, d in series:
        dk = d.copy()
        for k, c in enumerate(coef):
            if k:
                dk *= d                                         # d^(k+1)
            Tf[k] += np.multiply(dk.view(float), c, out=buf)
    # L_i = sum_k r_i^k T_k, r_i = x_i / x_max <= 1, by Horner on the float view
    of = out.view(float)
    for i, r in enumerate(factors / xmax):
        acc = Tf[K - 1].copy()
        for k in range(K - 2, -1, -1):
            acc *= r
            acc += Tf[k]
        acc *= r
        of[i] += acc
    return out


def summary(dists: dict, contributions: dict, spec: dict[str, Spec]) -> dict:
    """The ``with_parameter_uncertainty`` object of ``run --json``: the process-only keys, from the mixture."""
    risk_c = contributions["jkk"] + contributions["jkm"]
    total = aggregate.risk_summary(dists["total"], risk_c)
    return {
        "mean": total["mean"],
        "claims_sd": {p: dists[p].sd() for p in ("jkk", "jkm", "total")},
        "claims_quantiles": total["quantiles"],
        "var_99_5": total["var_99_5"],
        "tvar_99_5": total["tvar_99_5"],
        "prob_claims_exceed_contributions": total["prob_exceed_contributions"],
        "by_program": {p: aggregate.risk_summary(dists[p], contributions[p]) for p in ("jkk", "jkm")},
        "parameters": {k: spec[k].as_dict() for k in FACTORS},
        "lattice_unit": dists["total"].h,
        "method": "exact distributions given the parameters, mixed over Gauss quadrature nodes",
    }


def simulate(scen, pf, draws: int, years_per_draw: int, seed: int,
             spec: dict[str, Spec] | None = None) -> montecarlo.Simulation:
    """Two-stage Monte Carlo: *draws* parameter draws, each with *years_per_draw* simulated years."""
    sp = spec or specs(scen, pf.source == "synthetic")
    rng = np.random.default_rng([int(seed), 11])
    theta = {k: sample(sp[k], rng, draws, k == "age_shift") for k in FACTORS}
    a0 = claims.Assumptions.from_scenario(scen)
    jkk, jkm = [], []
    for i in range(draws):
        model = conditional_model(scen, pf, {k: float(v[i]) for k, v in theta.items()}, a0)
        sim = montecarlo.simulate(model, years_per_draw, int(rng.integers(2 ** 31)))
        jkk.append(sim.jkk)
        jkm.append(sim.jkm)
    return montecarlo.Simulation(np.concatenate(jkk), np.concatenate(jkm))
