"""The exact aggregate distribution against independent calculations: brute-force convolution
worker by worker, Panjer recursion, the Poisson-binomial by dynamic programming, closed-form
moments, grid doubling and the rounding bounds."""
import numpy as np
import pytest
from scipy import integrate, stats

from sim.risk import aggregate, claims
from sim.risk.claims import ClaimModel, RiskGroup
from sim.risk.severity import Component, Medical, Severity

H = 1_000_000.0


def poisson_binomial_dp(count, prob):
    """Number of successes among independent trials, by multiplying pgfs one worker at a time."""
    f = np.array([1.0])
    for n, p in zip(count, prob):
        for _ in range(int(n)):
            f = np.convolve(f, [1 - p, p])
    return f


def brute_force(model, h):
    """Total claims by convolving every single worker's own distribution (slow, obvious)."""
    total = np.array([1.0])
    for prog in ("jkk", "jkm"):
        for g in model.of(prog):
            f = g.severity.lattice(h)
            for n, p in zip(g.count, g.prob):
                one = p * f.copy()
                one[0] += 1 - p
                for _ in range(int(n)):
                    total = np.convolve(total, one)
    return total


def small_model(probs=(0.02, 0.3, 0.05), counts=(3, 2, 4)):
    sev_a = Severity((Component(0.7, (2e6, 5e6), (0.5, 0.5)), Component(0.3, (1e7,), (1.0,))))
    sev_b = Severity((Component(1.0, (3.5e6,), (1.0,), Medical.calibrated(2e6, 0.8, 1.2e7)),))
    groups = [RiskGroup("jkk", np.array(counts[:2]), np.array(probs[:2]), sev_b, np.arange(2)),
              RiskGroup("jkm", np.array(counts[2:]), np.array(probs[2:]), sev_a, np.arange(1))]
    return ClaimModel(groups, {"jkk": True, "jkm": True, "jht": False})


def test_count_distribution_is_the_poisson_binomial():
    rng = np.random.default_rng(5)
    n = rng.integers(1, 6, size=12)
    p = rng.uniform(0, 0.45, size=12)   # includes cells over 0.25 (summed directly)
    exact = aggregate.count_pmf(n, p)
    dp = poisson_binomial_dp(n, p)
    assert np.allclose(exact[: dp.size], dp, atol=1e-13)
    assert exact[dp.size:].sum() < 1e-12


def test_log_series_equals_the_direct_sum_of_logs():
    rng = np.random.default_rng(1)
    d = np.exp(1j * rng.uniform(0, 2 * np.pi, 500)) * rng.uniform(0, 1, 500) * 2 - 0  # |d| <= 2
    d = np.where(np.abs(d) > 2, d / np.abs(d) * 2, d)
    n = rng.integers(1, 1000, size=50).astype(float)
    p = rng.uniform(0, 0.3, size=50)
    direct = sum(nc * np.log1p(pc * d) for nc, pc in zip(n, p))
    assert np.allclose(aggregate.log_series(n, p, d), direct, rtol=0, atol=1e-9)


@pytest.mark.parametrize("M,tol", [(None, 1e-10), (4096, 1e-14)])
def test_fft_equals_brute_force_convolution_worker_by_worker(M, tol):
    # with the default window only aliasing of the far tail remains; a grid covering every
    # possible total (4096 points) leaves rounding error only
    model = small_model()
    fft = aggregate.exact(model, H, M=M)["total"]
    brute = brute_force(model, H)
    got = np.zeros(max(brute.size, fft.offset + fft.pmf.size))
    got[fft.offset: fft.offset + fft.pmf.size] = fft.pmf
    assert np.allclose(got[: brute.size], brute, atol=tol, rtol=0)
    assert got[brute.size:].sum() < tol


def test_fft_equals_panjer_recursion():
    model = small_model(probs=(0.01, 0.03, 0.004), counts=(60, 40, 150))
    dist = aggregate.exact(model, H)
    for prog in ("jkk", "jkm"):
        (g,) = model.of(prog)
        size = dist[prog].offset + dist[prog].pmf.size
        pj = aggregate.panjer(g.count, g.prob, g.severity.lattice(H), size)
        got = np.zeros(size)
        got[dist[prog].offset:] = dist[prog].pmf
        assert np.allclose(got, pj, atol=1e-12), prog


def test_mean_is_the_closed_form_and_sd_agrees(baseline_run):
    m = baseline_run.model
    for prog in ("jkk", "jkm"):
        d = baseline_run.exact[prog]
        assert d.mean() == pytest.approx(m.expected_amount(prog), rel=1e-9)
        # lattice rounding adds at most h^2/4 of variance per claim
        extra = m.expected_count(prog) * 100_000.0 ** 2 / 4
        assert abs(d.sd() ** 2 - m.variance(prog)) <= extra + 1e-9 * m.variance(prog)
    t = baseline_run.exact["total"]
    # the total's transform is the product of the two: FFT round-off of order 1e-9 of the mean
    # (1.8e-9 with the scholarship valued as cash flows, a non-round amount)
    assert t.mean() == pytest.approx(m.expected_amount("jkk") + m.expected_amount("jkm"), rel=5e-9)


def test_total_is_the_convolution_of_the_programs(baseline_run):
    jkk, jkm, tot = (baseline_run.exact[k] for k in ("jkk", "jkm", "total"))
    conv = np.convolve(jkk.pmf, jkm.pmf)
    off = jkk.offset + jkm.offset - tot.offset
    got = np.zeros(max(conv.size + off, tot.pmf.size))
    got[off: off + conv.size] = conv
    assert np.allclose(got[: tot.pmf.size], tot.pmf, atol=1e-12)


def test_grid_doubling_changes_nothing(baseline):
    from sim.inputs.build import build_portfolio
    model = claims.build(baseline, build_portfolio(baseline))
    assert aggregate.grid_check(model) < 1e-9


def test_rounding_down_and_up_bracket_the_distribution(baseline_run):
    m = baseline_run.model
    mid = aggregate.exact(m)["total"]
    lo = aggregate.exact(m, method="lower")["total"]
    hi = aggregate.exact(m, method="upper")["total"]
    xs = mid.values
    assert np.all(lo.cdf(xs) >= mid.cdf(xs) - 1e-9)
    assert np.all(mid.cdf(xs) >= hi.cdf(xs) - 1e-9)
    for q, (a, b) in aggregate.bounds(m).items():
        assert a <= mid.quantile(q / 100) <= b
        assert b - a <= 0.005 * mid.quantile(q / 100)   # the discretization costs well under 0.5%


def test_national_scale_uses_a_shifted_window(baseline):
    from sim.inputs.build import build_portfolio
    pf = build_portfolio(baseline.with_values(portfolio__workers=10_000_000))
    model = claims.build(baseline, pf)
    d = aggregate.exact(model)["total"]
    mean = model.expected_amount("jkk") + model.expected_amount("jkm")
    assert d.offset > 0 and d.pmf.size < 2 ** 20
    assert d.mean() == pytest.approx(mean, rel=1e-9)
    assert d.sd() == pytest.approx(np.sqrt(model.variance("jkk") + model.variance("jkm")), rel=1e-3)
    assert d.pmf.min() >= 0 and d.cdf(d.values[-1]) == pytest.approx(1.0)


def test_medical_cost_closed_forms_against_numerical_integration():
    med = Medical.calibrated(6e6, 1.2, 2e9)
    assert med.mean() == pytest.approx(6e6, rel=1e-10)
    ln = stats.lognorm(s=med.sigma, scale=np.exp(med.mu))
    for d in (1e6, 5e7, 2e9):
        # E[min(X, d)] = integral_0^d P(X > x) dx
        lev = integrate.quad(ln.sf, 0, d, limit=500, points=[1e6, 1e7, 1e8])[0]
        assert med.lev(np.array([d]))[0] == pytest.approx(lev, rel=1e-6)
    m2 = integrate.quad(lambda x: x * x * ln.pdf(x), 0, med.cap, limit=500, points=[1e6, 1e7, 1e8, 1e9])[0] \
        + med.cap ** 2 * ln.sf(med.cap)
    assert med.second_moment() == pytest.approx(m2, rel=1e-6)


def test_lattice_keeps_the_mean_and_sums_to_one():
    med = Medical.calibrated(6e6, 1.2, 2e9)
    f = med.lattice(100_000.0)
    assert f.sum() == pytest.approx(1.0, abs=1e-12) and f.min() >= 0
    assert np.dot(np.arange(f.size) * 100_000.0, f) == pytest.approx(6e6, rel=1e-9)
    sev = Severity((Component(0.4, (1.23e6, 7.77e6), (0.5, 0.5), med), Component(0.6, (42e6,), (1.0,))))
    g = sev.lattice(100_000.0)
    assert np.dot(np.arange(g.size) * 1e5, g) == pytest.approx(sev.mean(), rel=1e-9)


def test_risk_measures_on_a_known_distribution():
    d = aggregate.Distribution(1.0, 0, np.array([0.5, 0.3, 0.15, 0.05]))
    assert d.quantile(0.5) == 0 and d.quantile(0.8) == 1 and d.quantile(0.9) == 2 and d.quantile(0.99) == 3
    # TVaR_0.9 = E[S | worst 10%]: 0.05 at 2 and 0.05 at 3 -> 2.5
    assert d.tvar(0.9) == pytest.approx(2.5)
    assert d.prob_exceed(1.5) == pytest.approx(0.2)
