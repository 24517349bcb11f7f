"""Issue 10, parameter uncertainty on large rosters (:mod:`sim.risk.mixture_cf`): claim-amount
transforms by component against the FFT of the whole lattice, the one-series-for-every-node mixture
against a direct sum of logarithms cell by cell, the dropped frequencies against the full transform,
and the whole mixture against the plain per-node computation (``reference=True``) and against the
exact distributions at every combination of nodes averaged with the quadrature weights."""
import dataclasses
import itertools

import numpy as np
import pytest

from bench.make_roster import write_roster
from sim.inputs.build import build_portfolio
from sim.inputs.roster import read_roster
from sim.inputs.uncertainty_spec import Spec
from sim.risk import aggregate, claims, mixture_cf
from sim.risk import uncertainty as U
from sim.risk.severity import Component, Medical, Severity


def _severity(rng, h):
    """A claim amount like the model's: a few atoms off the lattice, some with a capped lognormal."""
    med = Medical.calibrated(float(rng.uniform(3, 9)) * h, 1.1, 60 * h)
    comps = []
    for w, with_med in ((0.5, True), (0.3, False), (0.2, True)):
        atoms = tuple(float(a) for a in rng.uniform(0, 40, 3) * h)
        probs = tuple(float(p) for p in rng.dirichlet(np.ones(3)))
        comps.append(Component(w, atoms, probs, med if with_med else None))
    return Severity(tuple(comps))


def _direct(groups, x, w, h, M, k):
    """``sum_i w_i exp(sum_g sum_c n log1p(min(x_i p, 1) d_g))``, cell by cell with numpy's log1p."""
    out = np.zeros(k.size, dtype=complex)
    for xi, wi in zip(x, w):
        L = np.zeros(k.size, dtype=complex)
        for n, p, sev in groups:
            d = aggregate._severity_cf_uncached(sev, h, "mean", M)[k] - 1.0
            q = np.minimum(xi * p, 1.0)
            L += (n[:, None] * np.log1p(q[:, None] * d[None, :])).sum(axis=0)
        out += wi * np.exp(L)
    return out


def test_component_transforms_equal_the_fft_of_the_lattice():
    rng = np.random.default_rng(3)
    h, M = 1e5, 4096
    tr = mixture_cf.Transforms(h, M)
    k = np.sort(rng.choice(M // 2 + 1, 300, replace=False))
    for _ in range(5):
        sev = _severity(rng, h)
        want = aggregate._severity_cf_uncached(sev, h, "mean", M)
        assert np.max(np.abs(tr.on(k).psi(sev) - want[k])) <= 1e-14
        assert np.max(np.abs(tr.on(np.arange(M // 2 + 1)).psi(sev) - want)) <= 1e-14   # by FFT
    # a real JKK severity (40 atoms, five medical costs) and a lattice point beyond the grid (wrapped)
    from sim.inputs.scenario import load_scenario
    scen = load_scenario("params/belu-2023.yaml")
    sev = claims.jkk_severity(claims.Assumptions.from_scenario(scen.at(scen.start)), 2_500_000.0)
    M = 1000                                                   # shorter than the lattice: it wraps
    want = aggregate._severity_cf_uncached(sev, 4e5, "mean", M)
    k = np.arange(0, M // 2 + 1, 7)
    assert np.max(np.abs(mixture_cf.Transforms(4e5, M).on(k).psi(sev) - want[k])) <= 1e-13


def test_one_series_for_every_node_equals_the_direct_sum_of_logarithms():
    """Cells with probabilities from 1e-5 to 0.6 and factors up to 57 (some cells leave the series'
    range, some clip at 1): many groups take the scaled series, one group the per-node path."""
    rng = np.random.default_rng(7)
    h, M = 1e5, 512
    groups = []
    for g in range(6):
        size = 30 + 20 * g
        n = rng.integers(0, 40, size).astype(float)
        p = 10 ** rng.uniform(-5, np.log10(0.6), size)
        p[:3] = [0.0, 0.02, 0.02]                      # a zero and a repeated probability
        groups.append((n, p, _severity(rng, h)))
    x, w = U.nodes(Spec("gamma", 1.5, 9))
    assert x.max() * max(p.max() for _, p, _ in groups) > 1.0          # clipping at the far nodes
    k = np.arange(M // 2 + 1)
    for gs in (groups, groups[:1], [(n, p * 1e-2, s) for n, p, s in groups]):
        want = _direct(gs, x, w, h, M, k)
        for kk in (k, k[::3]):                          # on the whole grid (by FFT) and on a part
            got = mixture_cf.Transforms(h, M).on(kk).mixed(gs, x, w)
            assert np.max(np.abs(got - want[kk])) <= 1e-13, len(gs)


def test_dropped_frequencies_are_below_the_tolerance():
    """Large groups (hundreds of claims): most frequencies are dropped, and there the full mixture's
    transform is below EPS; the kept ones are computed as on the whole grid."""
    rng = np.random.default_rng(5)
    h, M = 2e5, 8192
    groups = [(rng.integers(100, 2000, 50).astype(float), rng.uniform(1e-3, 8e-3, 50), _severity(rng, h))
              for _ in range(12)]
    x, w = U.nodes(Spec("gamma", 0.7, 7))
    tr = mixture_cf.Transforms(h, M)
    cases = [(0.5, groups), (0.5, [(n, p * 0.7, s) for n, p, s in groups])]
    k = tr.frequencies(cases, x, w)
    every = np.arange(M // 2 + 1)
    full = sum(wc * tr.on(every).mixed(gs, x, w) for wc, gs in cases)
    assert k[0] == 0 and k.size < 0.2 * every.size                    # most of the grid dropped
    out = np.setdiff1d(every, k)
    assert np.max(np.abs(full[out])) <= mixture_cf.EPS
    assert np.max(np.abs(full[k])) > 1e-6
    part = sum(wc * tr.on(k).mixed(gs, x, w) for wc, gs in cases)
    # (round-off: psi(0) = 1 +- 1e-16 times 10^4 expected claims at the largest node)
    assert np.max(np.abs(part - full[k])) <= 1e-12
    # the bound behind it: Re log(1 + q d) <= q (1 - q) Re d for q in [0, 1], |1 + d| <= 1
    psi = rng.uniform(0, 1, 10_000) * np.exp(2j * np.pi * rng.uniform(size=10_000))
    q = rng.uniform(size=10_000)
    d = psi - 1
    assert np.all(np.log(np.abs(1 + q * d)) <= q * (1 - q) * d.real + 1e-15)


def _same_cdf(a, b, tol=1e-10):
    for p in ("jkk", "jkm", "total"):
        assert (a[p].h, a[p].offset, a[p].pmf.size) == (b[p].h, b[p].offset, b[p].pmf.size)
        assert np.max(np.abs(np.cumsum(a[p].pmf) - np.cumsum(b[p].pmf))) <= tol, p


def test_mixture_equals_the_reference_for_belu(baseline):
    pf = build_portfolio(baseline)
    model = claims.build(baseline, pf)
    sp = U.specs(baseline)
    fast = U.mixture(baseline, pf, model, spec=sp)
    _same_cdf(fast, U.mixture(baseline, pf, model, spec=sp, reference=True), 1e-14)
    assert fast["total"].quantile(0.995) == 1_888_600_000.0           # the README's figure
    assert round(fast["total"].prob_exceed(1_187_827_200.0), 4) == 0.1276


def test_window_moments_are_the_severities_own_to_the_bit(baseline):
    """The window's moments with shared pieces (``U._Moments``) against ``Severity.mean()`` and
    ``second_moment()``: random severities, the same with other medical costs (as at the nodes),
    and Belu's severities at every node."""
    rng = np.random.default_rng(4)
    sevs = [_severity(rng, 1e5) for _ in range(30)]
    meds = [Medical.calibrated(float(m), 1.1, 6e7) for m in (2e6, 5e6)]
    sevs += [Severity(tuple(dataclasses.replace(c, medical=meds[i % 2] if c.medical else None)
                            for i, c in enumerate(s.components))) for s in sevs]
    scen = baseline.at(baseline.start)
    pf = build_portfolio(scen)
    a0 = claims.Assumptions.from_scenario(scen)
    sp = U.specs(scen)
    mx, ux = U.nodes(sp["medical_cost"])[0], U.nodes(sp["scholarship_take_up"])[0]
    model = claims.build(scen, pf)
    for node_sevs in U._jkk_severities(a0, mx, ux, [g.basis[1] for g in model.of("jkk")]).values():
        sevs += node_sevs
    sevs += [g.severity for g in model.groups]
    of = U._Moments()
    for s in sevs:
        assert of(s) == (s.mean(), s.second_moment())


def test_the_model_run_computes_is_not_built_again(baseline):
    """``plain=True`` (the model is ``claims.build(scen, pf)``, as ``model.compute`` builds it) reuses
    it: the same distributions to the bit as building it again."""
    from sim.analyses import model as run_model
    scen = baseline.at(baseline.start)
    c = run_model.compute(scen, mc_years=0)
    assert c.plain_model
    sp = U.specs(scen)
    a = U.mixture(scen, c.portfolio, c.model, spec=sp, plain=True)
    b = U.mixture(scen, c.portfolio, c.model, spec=sp)
    for p in ("jkk", "jkm", "total"):
        assert (a[p].h, a[p].offset) == (b[p].h, b[p].offset) and np.array_equal(a[p].pmf, b[p].pmf)


@pytest.fixture(scope="module")
def small_roster(tmp_path_factory, baseline):
    path = write_roster(tmp_path_factory.mktemp("mix") / "r.csv", workers=3000, dates=60, incomes=8, seed=9)
    scen = baseline.at(baseline.start)
    pf = read_roster(path, scen.start, 1e6, 1e6)
    return scen, pf, claims.build(scen, pf)


def test_mixture_equals_the_reference_for_a_roster(small_roster):
    scen, pf, model = small_roster
    assert len(model.of("jkk")) >= 3 and len(model.of("jkm")) >= 3      # several groups: the scaled series
    sp = U.specs(scen, synthetic=False)
    _same_cdf(U.mixture(scen, pf, model, spec=sp), U.mixture(scen, pf, model, spec=sp, reference=True))
    # wide factors: cells beyond the series' bound at the far nodes, probabilities clipped at 1
    wide = {k: Spec("fixed") for k in U.FACTORS}
    wide.update(accident_frequency=Spec("gamma", 1.5, 5), mortality_level=Spec("gamma", 2.5, 4))
    assert U.nodes(wide["mortality_level"])[0].max() * max(g.prob.max() for g in model.of("jkm")) > 1.0
    _same_cdf(U.mixture(scen, pf, model, h=1e6, spec=wide),
              U.mixture(scen, pf, model, h=1e6, spec=wide, reference=True))
    # no accidents at all: JKK a point mass at 0
    none = scen.updated(params={"assumptions.accidents.frequency_multiplier": 0.0})
    m0 = claims.build(none, pf)
    a, b = U.mixture(none, pf, m0, spec=sp), U.mixture(none, pf, m0, spec=sp, reference=True)
    _same_cdf(a, b)
    assert a["jkk"].cdf(0.0) == pytest.approx(1.0, abs=1e-12)
    # one programme off, then the other
    for prog in ("jkm", "jkk"):
        off = dataclasses.replace(model, enabled={**model.enabled, prog: False})
        a, b = U.mixture(scen, pf, off, spec=sp), U.mixture(scen, pf, off, spec=sp, reference=True)
        _same_cdf(a, b)
        assert a[prog].pmf.size == 1


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_mixture_equals_the_reference_for_random_doubts(small_roster, seed):
    """Random families, spreads and numbers of nodes (the take-up may be fixed) on the roster."""
    scen, pf, model = small_roster
    rng = np.random.default_rng(seed)
    sp = {k: Spec("fixed") for k in U.FACTORS}
    for k in ("mortality_level", "accident_frequency", "medical_cost", "scholarship_take_up"):
        if rng.random() < 0.8:
            sp[k] = Spec(str(rng.choice(["gamma", "lognormal"])), float(rng.uniform(0.1, 1.2)), int(rng.integers(2, 8)))
    _same_cdf(U.mixture(scen, pf, model, h=4e5, spec=sp), U.mixture(scen, pf, model, h=4e5, spec=sp, reference=True))


def test_severities_at_the_nodes_are_the_claim_models(small_roster):
    """The medical-cost and take-up nodes' JKK severities assembled from parts equal claims.jkk_severity."""
    scen, pf, model = small_roster
    a0 = claims.Assumptions.from_scenario(scen)
    mx, ux = U.nodes(Spec("lognormal", 0.3, 3))[0], U.nodes(Spec("lognormal", 0.5, 2))[0]
    incomes = [g.basis[1] for g in model.of("jkk")]
    sev = U._jkk_severities(a0, mx, ux, incomes)
    for (i, m), (j, u) in itertools.product(enumerate(mx), enumerate(ux)):
        assert sev[("jkk", i, j)] == [claims.jkk_severity(U._assumptions(a0, m, u), W) for W in incomes]


def test_mixture_is_the_weighted_sum_of_exact_distributions_at_the_nodes(small_roster):
    """Independent of the mixture's code: build the claim model at every combination of nodes
    (conditional_model), take its exact distribution (aggregate.exact) and average the distribution
    functions with the quadrature weights."""
    scen, pf, model = small_roster
    sp = {k: Spec("fixed") for k in U.FACTORS}
    sp.update(mortality_level=Spec("gamma", 0.25, 3), accident_frequency=Spec("gamma", 0.7, 4),
              medical_cost=Spec("lognormal", 0.3, 2), scholarship_take_up=Spec("lognormal", 0.3, 2))
    mix = U.mixture(scen, pf, model, spec=sp)
    h = mix["total"].h
    xs = mix["total"].values[::7]
    a0 = claims.Assumptions.from_scenario(scen)
    rules = {k: U.nodes(sp[k]) for k in ("mortality_level", "accident_frequency", "medical_cost",
                                          "scholarship_take_up")}
    want = {p: np.zeros(xs.size) for p in ("jkk", "jkm", "total")}
    for combo in itertools.product(*(list(zip(*rules[k])) for k in rules)):
        theta = {k: v for k, (v, _) in zip(rules, combo)}
        weight = float(np.prod([wt for _, wt in combo]))
        ex = aggregate.exact(U.conditional_model(scen, pf, theta, a0), h)
        for p in want:
            want[p] += weight * ex[p].cdf(xs)
    for p in want:
        assert np.max(np.abs(mix[p].cdf(xs) - want[p])) <= 1e-9, p


@pytest.fixture(scope="module")
def big_roster(tmp_path_factory, baseline):
    path = write_roster(tmp_path_factory.mktemp("big") / "r.csv", workers=100_000, dates=40, incomes=6, seed=4)
    scen = baseline.at(baseline.start)
    pf = read_roster(path, scen.start, 1e6, 1e6)
    return scen, pf, claims.build(scen, pf)


def test_large_roster_drops_frequencies_and_equals_the_reference(big_roster, monkeypatch):
    scen, pf, model = big_roster
    kept = []
    frequencies = mixture_cf.Transforms.frequencies

    def spy(self, *a, **kw):
        k = frequencies(self, *a, **kw)
        kept.append(k.size / (self.M // 2 + 1))
        return k

    monkeypatch.setattr(mixture_cf.Transforms, "frequencies", spy)
    sp = U.specs(scen, synthetic=False)
    fast = U.mixture(scen, pf, model, h=1e6, spec=sp)
    assert len(kept) == 2 and max(kept) < 0.3, kept                    # most frequencies dropped
    _same_cdf(fast, U.mixture(scen, pf, model, h=1e6, spec=sp, reference=True))


def test_national_portfolio_equals_the_reference(baseline):
    """10^7 workers, one group per programme (the per-node path), almost every frequency dropped."""
    scen = baseline.updated({"portfolio.workers": 10_000_000})
    scen = scen.at(scen.start)
    pf = build_portfolio(scen)
    model = claims.build(scen, pf)
    _same_cdf(U.mixture(scen, pf, model), U.mixture(scen, pf, model, reference=True))
