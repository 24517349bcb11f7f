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

Computation (issue 10: it runs on every ``run``, and a roster of 10^5 workers has 40 income groups
and 18 JKM groups at 9 + 3 severity nodes on a grid of 209,952 points): the claim model is built
once, the severities at the nodes come from the groups' incomes and shares, and the transforms are
evaluated only where the mixture can exceed 1e-15, by component, with one series per group for
all factor nodes (:mod:`sim.risk.mixture_cf`).  The lattice, window and grid are the plain
computation's, and so is the distribution, within about 1e-14 (``mixture(..., reference=True)``
is the plain computation; tests hold them together).

Cross-checks: :func:`conditional_model` builds the claim model at any ``theta`` the ordinary way
(tests convolve a sample of parameter draws exactly and average them), and :func:`simulate` is
a two-stage Monte Carlo (draw ``theta``, then years of claims by :mod:`sim.risk.montecarlo`).
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np
from numpy import fft as sfft     # numpy's, as sim.risk.aggregate: no scipy import on `run` (0.3 s)

from ..inputs.uncertainty_spec import Spec, parse_spec
from . import aggregate, claims, mixture_cf, montecarlo
from .severity import Component, Severity, _dot

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


def mixture(scen, pf, model: claims.ClaimModel, h: float | None = None,
            spec: dict[str, Spec] | None = None, reference: bool | None = None,
            plain: bool = False) -> dict[str, aggregate.Distribution]:
    """Predictive distributions (``jkk``, ``jkm``, ``total``) mixed over the parameter doubt.

    The claim model is built once; at the nodes ``(m, u)`` only the severities change (JKK by income
    from :func:`claims.jkk_severity`, JKM by shares from :func:`claims.jkm_severity_of_shares`) and
    at the age shifts only the JKM probabilities.  The transforms are computed on the frequencies
    where the mixture is above 1e-15, claim amounts by component, one series per group for every
    factor node (:mod:`sim.risk.mixture_cf`; the distribution function within about 1e-14 of the
    full computation).  *reference* ``True``: the full computation instead, every group's series
    afresh at every node on the whole grid, every severity by its own FFT (tests compare them).
    *plain*: *model* is ``claims.build(scen, pf)`` itself (what :func:`sim.analyses.model.compute`
    builds), so it is not built again."""
    sp = spec or specs(scen, pf.source == "synthetic")
    h = aggregate.lattice_unit(model, float(h or scen["simulation.lattice_unit"]))
    a0 = claims.Assumptions.from_scenario(scen)
    (fx, fw), (ax, aw), (mx, mw), (sx, sw), (ux, uw) = (nodes(sp[k], k == "age_shift") for k in FACTORS)
    on = {p: bool(model.enabled.get(p)) for p in ("jkk", "jkm")}
    if reference:
        jkk = {(i, j): claims.build(scen, pf, _assumptions(a0, m, u)).of("jkk") for i, m in enumerate(mx)
               for j, u in enumerate(ux)}
        jkm_sev = {j: claims.build(scen, pf, _assumptions(a0, 1.0, u)).of("jkm") for j, u in enumerate(ux)}
        jkm_p = [[g.prob for g in claims.build(scen, _shifted(pf, s), a0).of("jkm")] for s in sx]
        sev = {("jkk", i, j): [g.severity for g in jkk[(i, j)]] for (i, j) in jkk}
        sev.update({("jkm", j): [g.severity for g in jkm_sev[j]] for j in jkm_sev})
        jkk_groups, jkm_groups = jkk[(0, 0)], jkm_sev[0]
    else:
        base = model if plain else claims.build(scen, pf, a0)
        jkk_groups, jkm_groups = base.of("jkk"), base.of("jkm")
        sev = _jkk_severities(a0, mx, ux, [g.basis[1] for g in jkk_groups])
        for j, u in enumerate(ux):
            a = _assumptions(a0, 1.0, u)
            sev[("jkm", j)] = [claims.jkm_severity_of_shares(a, *g.basis[1:]) for g in jkm_groups]
        jkm_p = [[g.prob for g in (jkm_groups if s == 0 else claims.build(scen, _shifted(pf, s), a0).of("jkm"))]
                 for s in sx]
    if any(len(p) != len(jkm_groups) for p in jkm_p):
        raise ValueError("the age shift changed the JKM groups")
    cells = mixture_cf.Cells()
    x, w = (fx, ax, mx, sx, ux), (fw, aw, mw, sw, uw)
    M, h, win = _window(h, sev, jkk_groups, jkm_groups, jkm_p, x, w, cells)
    if reference:
        cf = _reference_cfs(on, sev, jkk_groups, jkm_groups, jkm_p, x, w, h, M)
    else:
        cf = _fast_cfs(on, sev, jkk_groups, jkm_groups, jkm_p, x, w, h, M, cells)
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


def _jkk_severities(a0, mx, ux, incomes) -> dict:
    """:func:`claims.jkk_severity` at every medical-cost node ``m_i``, take-up node ``u_j`` and income,
    keyed ``("jkk", i, j)``.  The medical costs depend on ``m`` alone and the cash atoms on the income
    and ``u`` alone, so the severities at the first ``m`` are built, and the others assembled from
    them and the medical costs at each ``m`` (checked against :func:`claims.jkk_severity` at the last
    combination; built one by one if they differ)."""
    a = {(i, j): _assumptions(a0, m, u) for i, m in enumerate(mx) for j, u in enumerate(ux)}
    if not incomes:
        return {("jkk",) + ij: [] for ij in a}
    first = {j: [claims.jkk_severity(a[(0, j)], W) for W in incomes] for j in range(ux.size)}
    meds = {i: [c.medical for c in claims.jkk_severity(a[(i, 0)], incomes[0]).components] for i in range(mx.size)}

    def swap(sev, med):
        return Severity(tuple(Component(c.weight, c.atoms, c.probs, m) for c, m in zip(sev.components, med)))

    out = {("jkk", i, j): first[j] if i == 0 else [swap(s, meds[i]) for s in first[j]] for (i, j) in a}
    last = (mx.size - 1, ux.size - 1)
    if out[("jkk",) + last][-1] != claims.jkk_severity(a[last], incomes[-1]):
        out = {("jkk",) + ij: [claims.jkk_severity(a[ij], W) for W in incomes] for ij in a}
    return out


def _window(h, sev, jkk_groups, jkm_groups, jkm_p, x, w, cells):
    """Grid length, lattice step and window ``(lo, hi)`` per programme: every combination of nodes
    with weight at least WINDOW_WEIGHT within ``[mean - 8 sd, mean + 10 sd + largest claim]``."""
    (fx, ax, mx, sx, ux), (fw, aw, mw, sw, uw) = x, w
    largest = h
    for key, sevs in sev.items():
        for s in sevs:
            largest = max(largest, s.max_amount())
    # node sums of every group once: S1 = sum n q, S2 = sum n q^2 (q = min(x p, 1))
    jkk_s = [cells.sums(g.count, g.prob, ax) for g in jkk_groups]
    jkm_s = [[cells.sums(g.count, p, fx) for g, p in zip(jkm_groups, ps)] for ps in jkm_p]

    of = _Moments()

    def moments(sums, sevs, n_nodes):
        if not sevs:
            return np.zeros(n_nodes), np.zeros(n_nodes)
        m1, m2 = np.array([of(s) for s in sevs]).T.copy()
        S1 = np.array([a for a, _ in sums])
        S2 = np.array([b for _, b in sums])
        return m1 @ S1, m2 @ S1 - (m1 * m1) @ S2

    win = {p: (np.inf, -np.inf) for p in ("jkk", "jkm", "total")}
    for j, wu in enumerate(uw):
        mk = [moments(jkk_s, sev[("jkk", i, j)], ax.size) for i in range(mx.size)]
        jm = np.concatenate([k[0] for k in mk])
        jv = np.concatenate([k[1] for k in mk])
        jw = wu * np.outer(mw, aw).ravel()
        mk = [moments(jkm_s[si], sev[("jkm", j)], fx.size) for si in range(sx.size)]
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
    return int(aggregate.next_fast_len(max(span, 64))), h, win


class _Moments:
    """``(sev.mean(), sev.second_moment())`` computed as :class:`~sim.risk.severity.Severity` does
    (the same operations in the same order: the same bits; tested), each component's atom sums and
    each medical cost's moments once: the severities at the nodes share them."""

    def __init__(self):
        self._memo: dict = {}

    def _get(self, key, make):
        v = self._memo.get(key)
        if v is None:
            v = self._memo[key] = make()
        return v

    def __call__(self, sev: Severity) -> tuple[float, float]:
        parts = []
        for c in sev.components:
            a, p = c.atoms, c.probs
            ea, ea2 = self._get((a, p), lambda: (_dot(a, p), _dot(np.square(np.asarray(a, dtype=float)), p)))
            med = c.medical
            em, em2 = self._get(med, lambda: (med.mean(), med.second_moment())) if med else (0.0, 0.0)
            parts.append((c.weight, ea, ea2, em, em2))
        tot = 0.0
        for w, ea, ea2, em, em2 in parts:
            tot += w * (ea2 + 2 * ea * em + em2)
        return float(sum(w * (ea + em) for w, ea, _, em, _ in parts)), tot


def _fast_cfs(on, sev, jkk_groups, jkm_groups, jkm_p, x, w, h, M, cells):
    """The mixture's transforms (``jkk``, ``jkm``, ``total`` on the rfft grid) by :mod:`mixture_cf`."""
    (fx, ax, mx, sx, ux), (fw, aw, mw, sw, uw) = x, w
    tr = mixture_cf.Transforms(h, M, cells)
    n_freq = M // 2 + 1
    cases = {}
    if on["jkk"]:
        cases["jkk"] = {j: [(wm, [(g.count, g.prob, s) for g, s in zip(jkk_groups, sev[("jkk", i, j)])])
                            for i, wm in enumerate(mw)] for j in range(ux.size)}
    if on["jkm"]:
        # take-up nodes with the same JKM severities (no scholarship in force) share their mixture
        first = {}
        for j in range(ux.size):
            first.setdefault(tuple(sev[("jkm", j)]), j)
        cases["jkm"] = {j: [(ws, [(g.count, p[gi], s) for gi, (g, s) in enumerate(zip(jkm_groups, sev[("jkm", j)]))])
                            for ws, p in zip(sw, jkm_p)] for j in set(first.values())}
        alias = {j: first[tuple(sev[("jkm", j)])] for j in range(ux.size)}
    nodes_of = {"jkk": (ax, aw), "jkm": (fx, fw)}
    k, part = {}, {}
    for prog, by_u in cases.items():
        xn, wn = nodes_of[prog]
        k[prog] = tr.frequencies([c for cs in by_u.values() for c in cs], xn, wn)
        on_k = tr.on(k[prog])
        part[prog] = {j: sum(wv * on_k.mixed(groups, xn, wn) for wv, groups in cs) for j, cs in by_u.items()}
    cf = {p: np.zeros(n_freq, dtype=complex) for p in ("jkk", "jkm", "total")}
    if "jkk" in part:
        cf["jkk"][k["jkk"]] = sum(wu * part["jkk"][j] for j, wu in enumerate(uw))
    if "jkm" in part:
        cf["jkm"][k["jkm"]] = sum(wu * part["jkm"][alias[j]] for j, wu in enumerate(uw))
    if "jkk" in part and "jkm" in part:
        # the total on the frequencies kept for both (elsewhere one factor is below 1e-15, the other <= 1)
        pos = {p: np.full(n_freq, -1) for p in k}
        for p in k:
            pos[p][k[p]] = np.arange(k[p].size)
        both = np.flatnonzero((pos["jkk"] >= 0) & (pos["jkm"] >= 0))
        ik, im = pos["jkk"][both], pos["jkm"][both]
        full = both.size == n_freq and k["jkk"].size == k["jkm"].size == n_freq
        cf["total"][both] = sum(wu * (part["jkk"][j] * part["jkm"][alias[j]] if full else
                                      part["jkk"][j][ik] * part["jkm"][alias[j]][im]) for j, wu in enumerate(uw))
    elif part:
        cf["total"] = cf["jkk" if "jkk" in part else "jkm"]
    return cf


def _reference_cfs(on, sev, jkk_groups, jkm_groups, jkm_p, x, w, h, M):
    """The mixture's transforms the plain way: every severity by its own FFT, every group's series
    afresh at every node (:func:`aggregate.log_series`) on the whole grid."""
    (fx, ax, mx, sx, ux), (fw, aw, mw, sw, uw) = x, w
    n_freq = M // 2 + 1
    ones = np.ones(n_freq, dtype=complex)
    cf = {p: np.zeros(n_freq, dtype=complex) for p in ("jkk", "jkm", "total")}

    def mixed(counts, probs, sevs, xs, ws):
        ds = [aggregate._severity_cf(s, h, "mean", M) - 1.0 for s in sevs]
        out = np.zeros(n_freq, dtype=complex)
        for xi, wi in zip(xs, ws):
            L = np.zeros(n_freq, dtype=complex)
            for n, p, d in zip(counts, probs, ds):
                L += aggregate.log_series(n, np.minimum(xi * np.asarray(p, dtype=float), 1.0), d)
            out += wi * np.exp(L)
        return out

    for j, wu in enumerate(uw):
        ck = ones
        if on["jkk"]:
            counts, probs = [g.count for g in jkk_groups], [g.prob for g in jkk_groups]
            ck = sum(wm * mixed(counts, probs, sev[("jkk", i, j)], ax, aw) for i, wm in enumerate(mw))
        cm = ones
        if on["jkm"]:
            counts = [g.count for g in jkm_groups]
            cm = sum(ws * mixed(counts, ps, sev[("jkm", j)], fx, fw) for ws, ps in zip(sw, jkm_p))
        cf["jkk"] += wu * ck
        cf["jkm"] += wu * cm
        cf["total"] += wu * ck * cm
    return cf


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
