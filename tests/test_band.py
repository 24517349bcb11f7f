"""The exact engine's shortcuts against the plain computation they replace: the transform at chosen
frequencies against the rfft of the whole lattice, the dropped frequencies against the bound that
drops them, the band-limited distributions and checks against the full ones, and the Belu
distribution against the straightforward FFT (severity rfft, log series, exp, irfft): JKK bit for
bit, JKM and the total to rounding."""
import math

import numpy as np
import pytest

from sim.inputs.build import build_portfolio
from sim.risk import aggregate, band, claims
from sim.risk.claims import ClaimModel, RiskGroup
from sim.risk.severity import Component, Medical, Severity

H = 100_000.0


@pytest.fixture(scope="module")
def large_model(baseline):
    """100.000 synthetic workers: about 550 work accidents a year, so most frequencies drop out."""
    return claims.build(baseline, build_portfolio(baseline.with_values(portfolio__workers=100_000)))


@pytest.fixture
def full_path(monkeypatch):
    """Every frequency computed (the engine before the band limit)."""
    def use():
        monkeypatch.setattr(band, "MAX_SHARE", -1.0)
    return use


def plain_exact(model, h, method="mean"):
    """The distribution as the module docstring defines it, written out step by step: the rfft of
    each group's lattice, ``sum n log(1 + p (psi - 1))`` by the series, exp, product, irfft."""
    h = aggregate.lattice_unit(model, h)
    groups = model.of("jkk") + model.of("jkm")
    M = aggregate.grid_size(groups, h)
    cfs = []
    for prog in ("jkk", "jkm"):
        L = np.zeros(M // 2 + 1, dtype=complex)
        for g in model.of(prog):
            d = np.fft.rfft(g.severity.lattice(h, method), M) - 1.0
            nb, pb, coef = aggregate.series(g.count, g.prob)
            part = np.zeros_like(d)
            for nc, pc in zip(nb, pb):
                part += nc * np.log1p(pc * d)
            acc = np.full_like(d, coef[-1])
            for c in coef[-2::-1]:
                acc = acc * d + c
            L += part + acc * d
        cfs.append(np.exp(L))
    out = {}
    largest = max(g.severity.max_amount() for g in groups)
    for name, cf, gs in (("jkk", cfs[0], model.of("jkk")), ("jkm", cfs[1], model.of("jkm")),
                         ("total", cfs[0] * cfs[1], groups)):
        mean, sd = aggregate.moments(gs)
        f = np.fft.irfft(cf, M)
        lo = max(0, int(np.floor((mean - 8 * sd) / h)))
        f = np.roll(f, -(lo % M))
        f = np.maximum(f, 0.0)
        out[name] = (lo, f / f.sum())
    return out


def test_belu_distribution_is_the_plain_fft(baseline_run):
    """JKK bit for bit; JKM (two fixed amounts, on the coarser lattice of sim.risk.atom_cf) and the
    total to rounding: the plain FFT's own round-off on amounts JKM cannot take (about 1e-18 each)."""
    plain = plain_exact(baseline_run.model, H)
    for name in ("jkk", "jkm", "total"):
        d = baseline_run.exact[name]
        assert d.offset == plain[name][0]
        if name == "jkk":
            assert np.array_equal(d.pmf, plain[name][1]), name
        assert np.abs(d.pmf - plain[name][1]).max() < 1e-15 + 2e-14 * d.pmf.max(), name
        assert np.abs(np.cumsum(d.pmf) - np.cumsum(plain[name][1])).max() < 1e-13, name
    assert band.kept(baseline_run.model.of("jkk") + baseline_run.model.of("jkm"), H, "mean", 48_000) is None


def severities():
    med = Medical.calibrated(6e6, 1.2, 2e8)
    return [Severity((Component(0.6, (1.23e6, 7.77e6, 3e5), (0.5, 0.3, 0.2), med),
                      Component(0.3, (42e6,), (1.0,)),
                      Component(0.1, (0.0,), (1.0,), Medical(-np.inf, 1.0, 1e6)))),
            Severity((Component(1.0, (10e6, 42e6, 62.65e6), (0.4, 0.25, 0.35)),))]


@pytest.mark.parametrize("method", ["mean", "lower", "upper"])
@pytest.mark.parametrize("M", [6000, 1500, 1215])  # below the lattice: folded; 1215 odd
def test_transform_at_chosen_frequencies_is_the_rfft_of_the_lattice(method, M):
    k = np.array([0, 1, 2, 17, 100, M // 4, M // 2 - 1, M // 2])
    for sev in severities():
        whole = np.fft.rfft(band.wrap(sev.lattice(H, method), M), M)
        assert np.allclose(band.psi_at(sev, H, method, M, k), whole[k], rtol=0, atol=1e-14)


def test_roots_of_unity_table():
    for M in (7, 1000, 48_000):
        r = band.roots(M)
        assert r.size == M
        assert np.allclose(r, np.exp(-2j * np.pi * np.arange(M) / M), rtol=0, atol=2e-15)


def test_dropped_frequencies_are_below_the_bound(large_model, full_path):
    groups = large_model.of("jkk") + large_model.of("jkm")
    h = aggregate.lattice_unit(large_model, H)
    M = aggregate.grid_size(groups, h)
    k = band.kept(groups, h, "mean", M)
    assert k is not None and k.size < 0.05 * (M // 2 + 1)      # the point of it
    full_path()
    L = aggregate._log_cf(large_model.of("jkk"), h, "mean", M) + aggregate._log_cf(large_model.of("jkm"), h, "mean", M)
    dropped = np.ones(M // 2 + 1, bool)
    dropped[k] = False
    T = math.log(M) + 41.5
    assert L.real[dropped].max() <= -T                         # |phi| <= e^-T where dropped
    assert L.real[k].max() > -T                                # and the bound is not empty


def test_band_limited_distributions_equal_the_full_ones(large_model, full_path):
    fast = aggregate.exact(large_model, H)
    fast_lo = aggregate.bounds(large_model, H)
    fast_grid = aggregate.grid_check(large_model, H, fast["total"])
    full_path()
    full = aggregate.exact(large_model, H)
    for name in ("jkk", "jkm", "total"):
        a, b = fast[name], full[name]
        assert a.offset == b.offset and a.pmf.size == b.pmf.size
        # the full FFT's own round-off (about 1e-18 a point) is what differs
        assert np.abs(a.pmf - b.pmf).max() < 1e-16
        assert np.abs(np.cumsum(a.pmf) - np.cumsum(b.pmf)).max() < 1e-12
        assert a.mean() == pytest.approx(b.mean(), rel=1e-12)
    assert aggregate.bounds(large_model, H) == fast_lo
    assert fast_grid == pytest.approx(aggregate.grid_check(large_model, H), abs=1e-12)
    assert fast_grid < 1e-9


def test_grid_check_reuses_the_distribution_it_is_given(baseline_run):
    m = baseline_run.model
    given = aggregate.grid_check(m, H, baseline_run.exact["total"])
    assert given == pytest.approx(aggregate.grid_check(m, H), abs=1e-15)
    # a distribution of another grid is not taken for the default one
    other = aggregate.exact(m, H, M=2 * 48_000)["total"]
    assert aggregate.grid_check(m, H, other) == aggregate.grid_check(m, H)


def test_log_series_in_a_work_array_is_the_same(baseline_run):
    rng = np.random.default_rng(3)
    d = np.exp(1j * rng.uniform(0, 2 * np.pi, 300)) * rng.uniform(0, 2, 300)
    n = rng.integers(1, 50, size=20).astype(float)
    for p in (rng.uniform(0, 0.2, size=20), rng.uniform(0, 0.5, size=20)):   # without and with p >= 1/4
        direct = sum(nc * np.log1p(pc * d) for nc, pc in zip(n, p))
        plain = aggregate.log_series(n, p, d)
        work = np.empty_like(d)
        assert np.array_equal(aggregate.log_series(n, p, d, work=work), plain)
        assert np.allclose(plain, direct, rtol=0, atol=1e-9)


def test_a_portfolio_with_a_large_big_probability_cell_is_band_limited_honestly(full_path):
    """Cells with p >= 1/4 (summed by log1p) and many small ones, one severity with a medical cost."""
    sev = severities()[0]
    groups = [RiskGroup("jkk", np.array([4000.0, 30.0]), np.array([0.1, 0.3]), sev, np.arange(2)),
              RiskGroup("jkm", np.array([5000.0]), np.array([0.004]), severities()[1], np.arange(1))]
    model = ClaimModel(groups, {"jkk": True, "jkm": True, "jht": False})
    fast = aggregate.exact(model, H)
    full_path()
    full = aggregate.exact(model, H)
    for name in ("jkk", "jkm", "total"):
        assert np.abs(np.cumsum(fast[name].pmf) - np.cumsum(full[name].pmf)).max() < 1e-12
