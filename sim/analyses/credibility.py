"""Actual against expected, exact Poisson intervals, Gamma-Poisson updating and
Buhlmann-Straub credibility for claim frequencies.

* Exact (Garwood) interval for a Poisson mean given ``A`` observed claims:
  ``[chi2(alpha/2; 2A) / 2, chi2(1 - alpha/2; 2A + 2) / 2]``; divided by the expected count
  ``E`` it bounds the true A/E.  Experience *contradicts* the assumption at that confidence
  when the interval excludes 1.
* Gamma-Poisson: prior rate ``Gamma(shape = m w0, rate = w0)`` around the model rate ``m`` with
  the weight of ``w0`` worker-years; after ``A`` claims in ``X`` worker-years the posterior is
  ``Gamma(m w0 + A, w0 + X)``, mean ``(m w0 + A) / (w0 + X)`` (Klugman, Panjer and Willmot, *Loss
  Models*, ch. 13).  Next year's count for ``N`` workers is negative binomial.
* Buhlmann-Straub (Loss Models 18.5): village frequencies ``X_ij`` with exposures ``m_ij``;
  ``Z_i = m_i / (m_i + v/a)`` with the nonparametric estimators of the expected process variance
  ``v`` and of the variance of hypothetical means ``a``; the estimate
  ``Z_i Xbar_i + (1 - Z_i) Xbar``.  When the villages vary no more than chance (``a <= 0``) every
  ``Z_i`` is 0 and ``k = v/a`` is unbounded: returned as ``None`` (JSON ``null``).

The distributions are written with the regularized incomplete gamma function of ``scipy.special``
(0,1 s to import; ``scipy.stats`` takes 0,5 s in every report kernel): ``chi2.ppf(q, 2a) / 2 =
gammaincinv(a, q)``, ``P(Poisson(E) <= k) = gammaincc(k + 1, E)``, ``P(Poisson(E) >= k) =
gammainc(k, E)`` (k >= 1), ``Gamma(shape, rate).ppf(q) = gammaincinv(shape, q) / rate``, and the
negative binomial pmf from ``gammaln``; the tests hold each against ``scipy.stats``.
"""
from __future__ import annotations

import numpy as np
from scipy import special


def poisson_interval(actual, confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Exact two-sided interval for a Poisson mean given *actual* observed counts."""
    a = np.asarray(actual, dtype=float)
    alpha = 1.0 - confidence
    lo = np.where(a > 0, special.gammaincinv(np.maximum(a, 1e-300), alpha / 2), 0.0)   # chi2(alpha/2; 2A) / 2
    hi = special.gammaincinv(a + 1, 1 - alpha / 2)                                    # chi2(1-alpha/2; 2A+2) / 2
    return lo, hi


def poisson_p_value(actual: float, expected: float) -> float:
    """Two-sided exact test of ``A ~ Poisson(E)``: twice the smaller tail, at most 1."""
    if expected <= 0:
        return 1.0 if actual == 0 else 0.0
    k = np.floor(actual)
    lower = special.gammaincc(k + 1, expected) if k >= 0 else 0.0      # P(X <= A)
    upper = special.gammainc(k, expected) if k >= 1 else 1.0            # P(X >= A)
    return float(min(1.0, 2 * min(lower, upper)))


def actual_vs_expected(actual: float, expected: float, confidence: float = 0.95) -> dict:
    """A/E with its exact interval and whether the experience contradicts the assumption."""
    lo, hi = poisson_interval(actual, confidence)
    if expected <= 0:   # no claims expected: A/E is undefined, written null with the reason
        return {"actual": float(actual), "expected": float(expected), "ratio": None, "ratio_low": None,
                "ratio_high": None, "ratio_note": "tidak ada klaim harapan / no claims expected, A/E undefined",
                "p_value": poisson_p_value(actual, expected), "contradicts": False}
    ratio = actual / expected
    lo_r = float(lo) / expected
    hi_r = float(hi) / expected
    return {"actual": float(actual), "expected": float(expected), "ratio": ratio, "ratio_low": lo_r,
            "ratio_high": hi_r, "p_value": poisson_p_value(actual, expected),
            "contradicts": bool(lo_r > 1 or hi_r < 1)}


def gamma_poisson(prior_rate: float, prior_years: float, claims: float, exposure_years: float) -> dict:
    """Posterior of a claim rate (per worker-year) and its 90% interval."""
    shape, rate = prior_rate * prior_years + claims, prior_years + exposure_years
    return {"prior_rate": prior_rate, "prior_years": prior_years, "shape": shape, "rate": rate,
            "posterior_rate": shape / rate, "credibility": exposure_years / (exposure_years + prior_years),
            "low_90": float(special.gammaincinv(shape, 0.05) / rate) if shape > 0 else 0.0,
            "high_90": float(special.gammaincinv(shape, 0.95) / rate) if shape > 0 else 0.0}


def predictive_counts(shape: float, rate: float, workers: float, size: int | None = None) -> np.ndarray:
    """Posterior predictive distribution of next year's claim count for *workers* workers:
    negative binomial with ``r = shape``, ``p = rate / (rate + workers)``."""
    p = rate / (rate + workers)
    mean = shape * (1 - p) / p
    size = size or int(mean + 20 * np.sqrt(mean / p) + 20)
    k = np.arange(size, dtype=float)
    return np.exp(special.gammaln(k + shape) - special.gammaln(shape) - special.gammaln(k + 1)
                  + shape * np.log(p) + k * np.log1p(-p))


def buhlmann_straub(counts: np.ndarray, exposure: np.ndarray) -> dict:
    """Credibility-weighted frequencies of groups (rows) observed over periods (columns).

    *counts* and *exposure* have shape (groups, periods); a period a group was not observed has
    exposure 0.  With one period only the process variance is taken as Poisson (``v = Xbar``).
    """
    c = np.asarray(counts, dtype=float)
    m = np.asarray(exposure, dtype=float)
    keep = m.sum(axis=1) > 0
    c, m = c[keep], m[keep]
    mi = m.sum(axis=1)
    mtot = mi.sum()
    xi = c.sum(axis=1) / mi
    xbar = float(np.dot(mi, xi) / mtot)
    with np.errstate(invalid="ignore", divide="ignore"):
        xij = np.where(m > 0, c / np.where(m > 0, m, 1), 0.0)
    ni = (m > 0).sum(axis=1)
    dof = float(np.sum(ni - 1))
    v = float(np.sum(m * (xij - xi[:, None]) ** 2) / dof) if dof > 0 else xbar
    r = mi.size
    denom = mtot - np.sum(mi ** 2) / mtot
    a = float((np.dot(mi, (xi - xbar) ** 2) - v * (r - 1)) / denom) if denom > 0 else 0.0
    z = mi / (mi + v / a) if a > 0 else np.zeros_like(mi)
    est = z * xi + (1 - z) * xbar
    return {"collective_rate": xbar, "epv": v, "vhm": max(a, 0.0), "k": (v / a) if a > 0 else None,
            "z": z, "raw_rate": xi, "estimate": est, "exposure": mi, "kept": np.flatnonzero(keep)}
