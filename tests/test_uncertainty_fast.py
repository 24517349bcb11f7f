"""Issue 10, parameter uncertainty: the mixture's series scaled across the factor nodes
(``A_k(x p) = x^k A_k(p)``, :func:`sim.risk.uncertainty._log_cfs`) against a direct sum of logarithms
cell by cell, and the whole mixture against the per-node path it replaced, to 1e-10 on the CDF."""
import numpy as np
import pytest

from bench.make_roster import write_roster
from sim.inputs.build import build_portfolio
from sim.inputs.roster import read_roster
from sim.inputs.uncertainty_spec import Spec
from sim.risk import claims
from sim.risk import uncertainty as U


def _psi_minus_one(rng, M):
    pmf = rng.random(40) ** 3
    pmf /= pmf.sum()
    return np.fft.rfft(np.concatenate([pmf, np.zeros(M - pmf.size)])) - 1.0


def test_scaled_series_equals_the_direct_sum_of_logarithms():
    """Cells with probabilities from 1e-5 to 0.6, factors up to 57 (so some cells leave the series'
    range, some clip at 1): ``sum n log1p(min(x p, 1) d)`` evaluated cell by cell with numpy's log1p."""
    rng = np.random.default_rng(7)
    M = 256
    counts, probs, ds = [], [], []
    for g in range(5):
        size = 30 + 20 * g
        counts.append(rng.integers(0, 40, size).astype(float))
        p = 10 ** rng.uniform(-5, np.log10(0.6), size)
        p[:3] = [0.0, 0.02, 0.02]                      # a zero and a repeated probability
        probs.append(p)
        ds.append(_psi_minus_one(rng, M))
    x, _ = U.nodes(Spec("gamma", 1.5, 9))
    assert x.max() * max(p.max() for p in probs) > 1.0          # clipping happens at the far nodes
    direct = np.zeros((x.size, M // 2 + 1), dtype=complex)
    for i, xi in enumerate(x):
        for n, p, d in zip(counts, probs, ds):
            q = np.minimum(xi * p, 1.0)
            direct[i] += (n[:, None] * np.log1p(q[:, None] * d[None, :])).sum(axis=0)
    fast = U._log_cfs(counts, probs, ds, x, M, reference=False)
    per_node = U._log_cfs(counts, probs, ds, x, M, reference=True)
    fin = np.isfinite(direct)
    assert np.array_equal(fin, np.isfinite(fast))
    scale = np.abs(direct[fin]).max()
    assert np.max(np.abs(fast[fin] - direct[fin])) <= 1e-12 * scale
    assert np.max(np.abs(per_node[fin] - direct[fin])) <= 1e-12 * scale
    # and with every probability well inside the series' range (no cell on the per-node path)
    small = [p * 1e-2 for p in probs]
    want = U._log_cfs(counts, small, ds, x, M, reference=True)
    got = U._log_cfs(counts, small, ds, x, M, reference=False)
    assert np.max(np.abs(got - want)) <= 1e-13 * np.abs(want).max()


def _same_cdf(a, b, tol=1e-10):
    for p in ("jkk", "jkm", "total"):
        assert (a[p].h, a[p].offset, a[p].pmf.size) == (b[p].h, b[p].offset, b[p].pmf.size)
        assert np.max(np.abs(np.cumsum(a[p].pmf) - np.cumsum(b[p].pmf))) <= tol, p


def test_fast_mixture_equals_per_node_mixture_for_belu(baseline):
    pf = build_portfolio(baseline)
    model = claims.build(baseline, pf)
    sp = U.specs(baseline)
    fast = U.mixture(baseline, pf, model, spec=sp, reference=False)
    _same_cdf(fast, U.mixture(baseline, pf, model, spec=sp, reference=True))
    _same_cdf(fast, U.mixture(baseline, pf, model, spec=sp))          # default: the cheaper path


@pytest.fixture(scope="module")
def small_roster(tmp_path_factory, baseline):
    path = write_roster(tmp_path_factory.mktemp("mix") / "r.csv", workers=3000, dates=60, incomes=8, seed=9)
    scen = baseline.at(baseline.start)
    pf = read_roster(path, scen.start, 1e6, 1e6)
    return scen, pf, claims.build(scen, pf)


def test_fast_mixture_equals_per_node_mixture_for_a_roster(small_roster):
    scen, pf, model = small_roster
    assert len(model.of("jkk")) >= 3 and len(model.of("jkm")) >= 3      # the default takes the fast path
    sp = U.specs(scen, synthetic=False)
    fast = U.mixture(scen, pf, model, spec=sp)
    _same_cdf(fast, U.mixture(scen, pf, model, spec=sp, reference=True))
    # wide factors: cells beyond the series' bound at the far nodes, probabilities clipped at 1
    wide = {k: Spec("fixed") for k in U.FACTORS}
    wide.update(accident_frequency=Spec("gamma", 1.5, 5), mortality_level=Spec("gamma", 2.5, 4))
    assert U.nodes(wide["mortality_level"])[0].max() * max(g.prob.max() for g in model.of("jkm")) > 1.0
    # (a lattice of Rp 1,000,000: the far nodes widen the window, Rp 100,000 would need 256,000 points)
    _same_cdf(U.mixture(scen, pf, model, h=1e6, spec=wide),
              U.mixture(scen, pf, model, h=1e6, spec=wide, reference=True))
    # varied probabilities within each group: the roster's cells differ by age and months covered
    assert all(np.unique(g.prob).size > 5 for g in model.of("jkm") if g.prob.size > 20)
