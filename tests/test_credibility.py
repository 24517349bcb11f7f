"""The exact Poisson and Gamma-Poisson figures of :mod:`sim.analyses.credibility` against scipy.stats."""
import numpy as np
import pytest

from sim.analyses import credibility as C


def test_distributions_equal_scipy_stats():
    """The incomplete-gamma forms of the module docstring against scipy.stats' own distributions."""
    from scipy import stats
    actual = np.array([0, 1, 2, 5, 17, 250, 3.5])
    lo, hi = C.poisson_interval(actual, 0.9)
    a = actual
    assert lo == pytest.approx(np.where(a > 0, stats.chi2.ppf(0.05, 2 * np.maximum(a, 1e-9)) / 2, 0.0), rel=1e-12)
    assert hi == pytest.approx(stats.chi2.ppf(0.95, 2 * a + 2) / 2, rel=1e-12)
    for A, E in [(0, 0.5), (0, 3.0), (1, 0.2), (3, 7.5), (12, 4.0), (2.5, 2.0), (40, 41.0)]:
        ref = min(1.0, 2 * min(stats.poisson.cdf(A, E), stats.poisson.sf(A - 1, E)))
        assert C.poisson_p_value(A, E) == pytest.approx(ref, rel=1e-12, abs=1e-300)
    g = C.gamma_poisson(0.004, 2000.0, 11, 3100.0)
    assert g["low_90"] == pytest.approx(stats.gamma.ppf(0.05, g["shape"], scale=1 / g["rate"]), rel=1e-12)
    assert g["high_90"] == pytest.approx(stats.gamma.ppf(0.95, g["shape"], scale=1 / g["rate"]), rel=1e-12)
    pmf = C.predictive_counts(19.0, 5000.0, 5892.0)
    p = 5000.0 / (5000.0 + 5892.0)
    assert pmf == pytest.approx(stats.nbinom.pmf(np.arange(pmf.size), 19.0, p), rel=1e-10, abs=1e-300)
    assert pmf.sum() == pytest.approx(1.0, abs=1e-12)
