"""Claim severities: mixtures of fixed benefit amounts and a capped lognormal medical cost,
and their discretization on a rupiah lattice.

A :class:`Severity` is a mixture of :class:`Component` s; a component pays one of a
few fixed amounts (atoms, e.g. the JKK death cash) plus, optionally, a medical cost
``Y = min(X, cap)`` with ``X`` lognormal.  On a lattice of step ``h`` rupiah:

* atoms that fall between two lattice points are split between them so the mean is kept;
* the medical cost is discretized by local moment matching (Klugman, Panjer and
  Willmot, *Loss Models*, 9.6.5): ``f_0 = 1 - E[Y^h]/h``,
  ``f_j = (2 E[Y^jh] - E[Y^(j-1)h] - E[Y^(j+1)h]) / h``, which keeps the mean exactly.
* ``method="lower"`` / ``"upper"`` round every amount down / up instead: the resulting
  aggregate distributions bracket the true one (stochastic order), which bounds the
  discretization error of any quantile (see :mod:`sim.risk.aggregate`).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy.optimize import brentq
from scipy.special import ndtr


@dataclass(frozen=True)
class Medical:
    """Medical cost ``Y = min(exp(mu + sigma Z), cap)`` in rupiah, Z standard normal."""

    mu: float
    sigma: float
    cap: float

    def lev(self, d) -> np.ndarray:
        """Limited expected value ``E[min(Y, d)]`` (closed form for the lognormal)."""
        d = np.minimum(np.asarray(d, dtype=float), self.cap)
        out = np.zeros_like(d)
        pos = d > 0
        ld = np.log(d[pos])
        m, s = self.mu, self.sigma
        out[pos] = np.exp(m + s * s / 2) * ndtr((ld - m - s * s) / s) + d[pos] * (1 - ndtr((ld - m) / s))
        return out

    def mean(self) -> float:
        return float(self.lev(np.array([self.cap]))[0])

    def second_moment(self) -> float:
        """``E[Y^2] = E[X^2; X < cap] + cap^2 P(X >= cap)``."""
        m, s, c = self.mu, self.sigma, self.cap
        lc = np.log(c)
        return float(np.exp(2 * m + 2 * s * s) * ndtr((lc - m - 2 * s * s) / s) + c * c * (1 - ndtr((lc - m) / s)))

    @classmethod
    def calibrated(cls, mean: float, sigma: float, cap: float) -> "Medical":
        """The capped lognormal with shape *sigma* whose capped mean equals *mean* (solved for mu)."""
        if mean <= 0:
            return cls(-np.inf, sigma, cap)
        if mean >= cap:
            raise ValueError(f"medical mean {mean:,.0f} must be below the modelling cap {cap:,.0f}")
        f = lambda mu: cls(mu, sigma, cap).mean() - mean  # noqa: E731
        mu0 = np.log(mean) - sigma * sigma / 2
        return cls(float(brentq(f, mu0 - 10, np.log(cap) + 5, xtol=1e-12)), sigma, cap)

    def sample(self, rng: np.random.Generator, size) -> np.ndarray:
        if not np.isfinite(self.mu):
            return np.zeros(size)
        return np.minimum(rng.lognormal(self.mu, self.sigma, size), self.cap)

    def lattice(self, h: float, method: str = "mean") -> np.ndarray:
        """Probabilities on 0, h, 2h, ... (see the module docstring for the three methods)."""
        return _medical_lattice(self.mu, self.sigma, self.cap, float(h), method)


@lru_cache(maxsize=64)
def _medical_lattice(mu, sigma, cap, h, method):
    if not np.isfinite(mu):
        return np.ones(1)
    J = int(np.ceil(cap / h))
    grid = np.arange(J + 2) * h
    if method == "mean":
        # increments I_j = E[Y^jh] - E[Y^(j-1)h] = integral of P(Y > x) over ((j-1)h, jh], computed
        # directly (no difference of large LEVs), then f_0 = 1 - I_1/h, f_j = (I_j - I_{j+1})/h
        inc = np.append(_survival_integrals(mu, sigma, cap, grid[:-1], grid[1:]), 0.0)
        f = np.empty(J + 1)
        f[0] = 1 - inc[0] / h
        f[1:] = (inc[0:J] - inc[1:J + 1]) / h
    else:
        with np.errstate(divide="ignore"):
            cdf = ndtr((np.log(grid[: J + 1]) - mu) / sigma)  # P(X <= jh)
        cdf[-1] = 1.0  # the cap collects the tail
        if method == "lower":   # mass of (jh, (j+1)h] goes to jh
            f = np.diff(np.append(cdf, 1.0))
        elif method == "upper":  # mass of ((j-1)h, jh] goes to jh
            f = np.diff(np.insert(cdf, 0, 0.0))
        else:
            raise ValueError(f"unknown discretization method {method!r}")
    f = np.maximum(f, 0.0)
    f /= f.sum()
    f.setflags(write=False)
    return f


def _survival_integrals(mu, sigma, cap, a, b):
    """``integral_a^b P(min(X, cap) > x) dx`` for lognormal X, accurate in the far tail.

    By parts: ``b S(b) - a S(a) + E[X; a < X <= b]`` with ``S`` the lognormal survival
    function, each tail probability taken from the side where it is small.
    """
    a = np.minimum(a, cap)
    b = np.minimum(b, cap)
    with np.errstate(divide="ignore"):
        za = (np.log(a) - mu) / sigma
        zb = (np.log(b) - mu) / sigma
    sa, sb = ndtr(-za), ndtr(-zb)
    ua, ub = za - sigma, zb - sigma
    mass = np.where(ua > 0, ndtr(-ua) - ndtr(-ub), ndtr(ub) - ndtr(ua))
    return b * sb - a * sa + np.exp(mu + sigma * sigma / 2) * mass


def atoms_on_lattice(values, probs, h: float, method: str = "mean") -> tuple[np.ndarray, np.ndarray]:
    """Lattice indices and probabilities for fixed amounts: mean-preserving split, floor or ceiling."""
    x = np.asarray(values, dtype=float) / h
    p = np.asarray(probs, dtype=float)
    if method == "lower":
        return np.floor(x + 1e-9).astype(np.int64), p
    if method == "upper":
        return np.ceil(x - 1e-9).astype(np.int64), p
    lo = np.floor(x + 1e-9)
    frac = np.clip(x - lo, 0.0, 1.0)
    idx = np.concatenate([lo, lo + 1]).astype(np.int64)
    pr = np.concatenate([p * (1 - frac), p * frac])
    keep = pr > 0
    return idx[keep], pr[keep]


@dataclass(frozen=True)
class Component:
    """With probability ``weight``: one of ``atoms`` (rupiah, probabilities ``probs``) plus ``medical``."""

    weight: float
    atoms: tuple[float, ...]
    probs: tuple[float, ...]
    medical: Medical | None = None


@dataclass(frozen=True)
class Severity:
    """Distribution of one claim's amount: a mixture of components (weights sum to 1)."""

    components: tuple[Component, ...]

    def mean(self) -> float:
        """``E[X]`` in rupiah (closed form; cached)."""
        return _moments(self)[0]

    def second_moment(self) -> float:
        """``E[X^2]`` in rupiah squared (closed form; cached)."""
        return _moments(self)[1]

    def _mean(self) -> float:
        return float(sum(c.weight * (np.dot(c.atoms, c.probs) + (c.medical.mean() if c.medical else 0.0))
                         for c in self.components))

    def _second_moment(self) -> float:
        tot = 0.0
        for c in self.components:
            a, p = np.asarray(c.atoms), np.asarray(c.probs)
            ea, ea2 = float(np.dot(a, p)), float(np.dot(a * a, p))
            em, em2 = (c.medical.mean(), c.medical.second_moment()) if c.medical else (0.0, 0.0)
            tot += c.weight * (ea2 + 2 * ea * em + em2)
        return tot

    def max_amount(self) -> float:
        return max(max(c.atoms) + (c.medical.cap if c.medical else 0.0) for c in self.components)

    def lattice(self, h: float, method: str = "mean") -> np.ndarray:
        """The claim amount's probabilities on 0, h, 2h, ... (mean kept exactly with ``"mean"``)."""
        size = int(np.ceil(self.max_amount() / h)) + 3
        out = np.zeros(size)
        for c in self.components:
            idx, pr = atoms_on_lattice(c.atoms, c.probs, h, method)
            med = c.medical.lattice(h, method) if c.medical else np.ones(1)
            for i, p in zip(idx, pr):
                out[i:i + med.size] += c.weight * p * med
        return out

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """*n* independent claim amounts (rupiah), medical costs drawn continuously."""
        w = np.array([c.weight for c in self.components])
        comp = np.searchsorted(np.cumsum(w), rng.random(n) * w.sum(), side="right")
        comp = np.minimum(comp, len(w) - 1)
        out = np.empty(n)
        for j, c in enumerate(self.components):
            sel = np.flatnonzero(comp == j)
            if sel.size == 0:
                continue
            cp = np.cumsum(c.probs)
            k = np.minimum(np.searchsorted(cp, rng.random(sel.size) * cp[-1], side="right"), len(cp) - 1)
            amt = np.asarray(c.atoms)[k]
            if c.medical is not None:
                amt = amt + c.medical.sample(rng, sel.size)
            out[sel] = amt
        return out


@lru_cache(maxsize=4096)
def _moments(sev: Severity) -> tuple[float, float]:
    return sev._mean(), sev._second_moment()
