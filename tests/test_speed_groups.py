"""Issue 10 in the claim model and its numerics: risk groups follow distinct severities (JKM month
buckets keep expected amounts exactly), and the numpy-only replacements (normal CDF, Brent's method,
FFT lengths, the vectorized lattice) agree with scipy and with the loops they replaced."""
import math
from dataclasses import replace

import numpy as np
import pytest

from bench.make_roster import write_roster
from sim.analyses.projection import project
from sim.inputs.roster import read_roster
from sim.risk import aggregate, claims
from sim.risk.normal import erfc, ndtr, ndtr_sorted
from sim.risk.severity import Component, Medical, Severity, atoms_on_lattice, brentq


def test_shares_of_cells_equal_the_cell_by_cell_rule():
    rng = np.random.default_rng(3)
    m0 = np.concatenate([rng.uniform(0, 60, 500), [0.0, 2.9, 3.0, 35.9, 36.0, 40.0, 1.0]])
    e = np.concatenate([rng.uniform(0, 1, 500), [1.0, 1.0, 0.0, 0.0, 0.5, 0.0, 0.1]])
    got = claims.jkm_shares_of_cells(m0, e, 3.0, 36.0)
    want = np.array([claims.jkm_shares(a, b, 3.0, 36.0) for a, b in zip(m0, e)])
    assert np.allclose(got, want, rtol=0, atol=1e-12)   # rounding below 1e-12 is set to 0


@pytest.fixture(scope="module")
def roster_model(tmp_path_factory, baseline):
    path = write_roster(tmp_path_factory.mktemp("roster") / "r.csv", workers=20_000, dates=400, incomes=12, seed=5)
    scen = baseline.at(baseline.start)
    pf = read_roster(path, scen.start, 1e6, 1e6)
    a = claims.Assumptions.from_scenario(scen)
    return scen, pf, a, claims.build(scen, pf, a)


def test_groups_follow_severities_not_dates(roster_model):
    scen, pf, a, model = roster_model
    assert pf.count.size > 10_000                                  # nearly one cell per worker
    assert len(model.of("jkk")) == 12                              # one per income
    # JKM: three "pure" groups at most and one per month of membership that straddles 3 or 36 months
    # (months 0-2 and 24-35)
    assert len(model.of("jkm")) <= 3 + 3 + 12
    assert sorted(np.concatenate([g.cells for g in model.groups if g.program == "jkm"]).tolist()) == \
        list(range(pf.count.size))


def test_month_buckets_keep_the_expected_amount_cell_by_cell(roster_model):
    """The expected JKM amount cell by cell (each cell its own severity, the old rule) equals the
    grouped model's; the variance moves by less than 1e-4."""
    scen, pf, a, model = roster_model
    p_jkm, _ = claims.probabilities(a, pf)
    means, second = {}, {}
    exp_amount = var = 0.0
    for n, p, m0, e in zip(pf.count, p_jkm, pf.membership, pf.exposure):
        key = (round(m0, 3), round(e, 6))
        if key not in means:
            sev = claims.jkm_severity(a, m0, e)
            means[key], second[key] = sev.mean(), sev.second_moment()
        exp_amount += n * p * means[key]
        var += n * (p * second[key] - p * p * means[key] ** 2)
    assert model.expected_amount("jkm") == pytest.approx(exp_amount, rel=1e-12)
    assert model.variance("jkm") == pytest.approx(var, rel=1e-4)


def test_scholarship_cost_equals_a_model_without_scholarship(roster_model):
    scen, pf, a, model = roster_model
    no = claims.build(scen, pf, replace(a, per_child=0.0))
    want = sum(model.expected_amount(p) - no.expected_amount(p) for p in ("jkk", "jkm"))
    assert claims.scholarship_cost(a, model) == pytest.approx(want, rel=1e-10)
    assert want > 0


def test_projection_groups_do_not_grow_with_years(baseline):
    rows, coh = project(baseline, 30, distributions=False)
    sizes = [len(r.model.groups) for r in rows]
    assert max(sizes) <= 4                           # JKK at one income + JKM: 1/4 waiting, full, scholarship
    # nor do the cells: one per (age, sex, occupation, income, membership class), not per entry year
    assert rows[-1].portfolio.count.size == rows[5].portfolio.count.size < coh.entry.size / 5


def test_normal_cdf_against_math_and_scipy():
    from scipy.special import ndtr as scipy_ndtr
    x = np.concatenate([np.linspace(-37, 9, 100_001), np.random.default_rng(1).normal(0, 4, 20_000)])
    ref = np.array([math.erfc(v) for v in x[::10]])
    assert np.allclose(erfc(x[::10]), ref, rtol=2e-15, atol=0)
    s = scipy_ndtr(x)
    ok = s > 1e-290
    assert np.max(np.abs(ndtr(x)[ok] / s[ok] - 1)) < 1e-13
    for v in (-12.5, -1.0, -0.3, 0.0, 0.4, 2.0, 8.5):     # the one-value path agrees with the array path
        assert ndtr(v) == pytest.approx(float(ndtr(np.full(10, v))[0]), rel=1e-14)
    assert np.isnan(ndtr(np.nan)) and ndtr(-np.inf) == 0.0 and ndtr(np.inf) == 1.0


def test_sorted_normal_cdf_is_ndtr_bit_for_bit():
    """The slice-by-branch evaluation of a sorted array gives exactly ndtr's values, branch edges
    (|z| = 0.46875, 1/sqrt 2, 4, 27.3 with z = x / sqrt 2) and infinities included; unsorted or NaN
    input falls back to ndtr."""
    rng = np.random.default_rng(7)
    r2 = math.sqrt(2.0)
    edges = [e * r2 * sg for e in (0.46875, 1 / r2, 4.0, 27.3) for sg in (-1, 1)]
    edges += [np.nextafter(e, np.inf) for e in edges] + [np.nextafter(e, -np.inf) for e in edges]
    x = np.sort(np.concatenate([rng.uniform(-45, 45, 5000), rng.uniform(-6, 6, 5000), edges,
                                [-np.inf, np.inf, 0.0, -0.0]]))
    assert np.array_equal(ndtr_sorted(x), ndtr(x))
    assert np.array_equal(ndtr_sorted(x[::-1]), ndtr(x[::-1]))          # not ascending: fallback
    y = x.copy()
    y[100] = np.nan
    assert np.array_equal(ndtr_sorted(y), ndtr(y), equal_nan=True)
    assert float(ndtr_sorted(np.array([0.5]))[0]) == float(ndtr(np.array([0.5]))[0])


def test_brent_takes_scipys_steps():
    from scipy.optimize import brentq as scipy_brentq
    cases = [(lambda x: x ** 3 - 2 * x - 5, 2.0, 3.0), (lambda x: math.cos(x) - x, 0.0, 1.0),
             (lambda x: math.exp(x) - 1e6, 0.0, 30.0), (lambda x: Medical(x, 1.2, 2e9).mean() - 3.5e6, 4.0, 26.0)]
    for f, a, b in cases:
        assert brentq(f, a, b, xtol=1e-12) == scipy_brentq(f, a, b, xtol=1e-12)
    with pytest.raises(ValueError):
        brentq(lambda x: x * x + 1, -1.0, 1.0)


def test_fft_lengths_as_scipy():
    from scipy.fft import next_fast_len
    for n in list(range(1, 3000)) + [51_117, 262_143, 262_145, 1_000_001]:
        assert aggregate.next_fast_len(n) == next_fast_len(n, real=True)


def _lattice_by_loops(sev, h, method):
    """The lattice as it was built before issue 10: atom by atom."""
    size = int(np.ceil(sev.max_amount() / h)) + 3
    out = np.zeros(size)
    for c in sev.components:
        idx, pr = atoms_on_lattice(c.atoms, c.probs, h, method)
        med = c.medical.lattice(h, method) if c.medical else np.ones(1)
        for i, p in zip(idx, pr):
            out[i:i + med.size] += c.weight * p * med
    return out


@pytest.mark.parametrize("method", ["mean", "lower", "upper"])
def test_lattice_equals_the_atom_by_atom_loop(baseline, method):
    a = claims.Assumptions.from_scenario(baseline.at(baseline.start))
    rng = np.random.default_rng(2)
    many = Severity((Component(1.0, tuple(rng.uniform(0, 5e8, 3_000).round(-3)), tuple(rng.dirichlet(np.ones(3_000)))),))
    for sev in (claims.jkk_severity(a, 1_500_000.0), claims.jkm_severity(a, 30.0, 1.0), many):
        got, want = sev.lattice(1e5, method), _lattice_by_loops(sev, 1e5, method)
        assert got.shape == want.shape
        assert np.allclose(got, want, rtol=1e-12, atol=1e-18)


def test_severity_hash_is_kept_and_equality_is_by_value():
    atoms = tuple(float(x) for x in range(10_000))
    a = Severity((Component(1.0, atoms, (1e-4,) * 10_000),))
    b = Severity((Component(1.0, atoms, (1e-4,) * 10_000),))
    assert hash(a) == hash(b) and a == b and "_hash" in a.__dict__
    assert Severity((Component(1.0, atoms[:-1] + (1.0,), (1e-4,) * 10_000),)) != a


def test_fund_and_balances_in_one_pass_equal_the_separate_ones():
    """The fused pass over the return paths gives the fund of :func:`jht._accumulate` and the
    balances of :func:`jht.balance_at_retirement` (three blocks of paths, years that fit and not),
    whether the paths are given or drawn block by block (:class:`jht.ReturnPaths`: the same numbers)."""
    from sim.analyses import jht
    T, P = 12, 2 * jht.CHUNK + 77
    r = jht.return_paths(np.linspace(0.05, 0.07, T), 0.03, T, P, 3)
    K = np.tril(np.random.default_rng(1).uniform(1e3, 2e4, (T, T)))
    monthly = np.linspace(20_000, 26_000, T)
    left = {"a": 5, "b": T, "c": T + 4, "d": 0}
    fund, bal = jht.fund_and_balances(K, r, monthly, left)
    assert np.allclose(fund, jht._accumulate(K, r), rtol=1e-13, atol=0)
    assert set(bal) == set(left)
    for key, n in left.items():
        assert np.allclose(bal[key], jht.balance_at_retirement(56 - n, monthly, r, 56), rtol=1e-13, atol=0)
    assert not bal["d"].any()
    drawn = jht.ReturnPaths(np.linspace(0.05, 0.07, T), 0.03, T, P, 3)
    assert drawn.shape == r.shape
    assert np.array_equal(np.concatenate([x.copy() for _, _, x in drawn.blocks(jht.CHUNK)]), r)
    fund2, bal2 = jht.fund_and_balances(K, drawn, monthly, left)
    assert np.array_equal(fund2, fund) and all(np.array_equal(bal2[k], bal[k]) for k in left)
    fixed = jht.ReturnPaths(0.06, 0.0, T, 0, 3)      # no volatility or no paths: the mean path, once
    assert np.array_equal(next(fixed.blocks(jht.CHUNK))[2], jht.return_paths(0.06, 0.0, T, 0, 3))