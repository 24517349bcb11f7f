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

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .normal import _ndtr_scalar, ndtr, ndtr_sorted_many


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
        """``E[Y] = exp(mu + sigma^2/2) Phi((ln cap - mu - sigma^2)/sigma) + cap P(X > cap)`` (= ``lev(cap)``,
        in scalar arithmetic: the calibration evaluates it some 30 times)."""
        m, s, c = self.mu, self.sigma, self.cap
        if not (c > 0 and m > -np.inf):
            return 0.0
        lc = math.log(c)
        return math.exp(m + s * s / 2) * _ndtr_scalar((lc - m - s * s) / s) + c * (1 - _ndtr_scalar((lc - m) / s))

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


def brentq(f, xa: float, xb: float, xtol: float = 2e-12, rtol: float = 4 * 2.220446049250313e-16,
           maxiter: int = 100) -> float:
    """A root of *f* in ``[xa, xb]`` (signs differ at the ends) by Brent's method (R. P. Brent,
    *Algorithms for Minimization without Derivatives*, 1973, ch. 4): inverse quadratic or secant
    steps kept inside the bracket, bisection otherwise; stops when the bracket is below
    ``xtol + rtol |x|``.  The same steps as ``scipy.optimize.brentq`` (so the same root), without
    importing scipy.optimize (0.45 s) on the command's path."""
    xpre, xcur = float(xa), float(xb)
    xblk = fblk = spre = scur = 0.0
    fpre, fcur = f(xpre), f(xcur)
    if fpre == 0:
        return xpre
    if fcur == 0:
        return xcur
    if (fpre < 0) == (fcur < 0):
        raise ValueError("f(a) and f(b) must have different signs")
    for _ in range(maxiter):
        if fpre != 0 and fcur != 0 and (fpre < 0) != (fcur < 0):
            xblk, fblk = xpre, fpre
            spre = scur = xcur - xpre
        if abs(fblk) < abs(fcur):
            xpre, xcur, xblk = xcur, xblk, xcur
            fpre, fcur, fblk = fcur, fblk, fcur
        delta = (xtol + rtol * abs(xcur)) / 2
        sbis = (xblk - xcur) / 2
        if fcur == 0 or abs(sbis) < delta:
            return xcur
        if abs(spre) > delta and abs(fcur) < abs(fpre):
            if xpre == xblk:      # secant
                stry = -fcur * (xcur - xpre) / (fcur - fpre)
            else:                 # inverse quadratic
                dpre = (fpre - fcur) / (xpre - xcur)
                dblk = (fblk - fcur) / (xblk - xcur)
                stry = -fcur * (fblk * dblk - fpre * dpre) / (dblk * dpre * (fblk - fpre))
            if 2 * abs(stry) < min(abs(spre), 3 * abs(sbis) - delta):
                spre, scur = scur, stry
            else:
                spre = scur = sbis
        else:
            spre = scur = sbis
        xpre, fpre = xcur, fcur
        xcur += scur if abs(scur) > delta else (delta if sbis > 0 else -delta)
        fcur = f(xcur)
    return xcur


@lru_cache(maxsize=64)       # 64 x 20,000 points at most: 10 MB
def _medical_lattice(mu, sigma, cap, h, method):
    if not np.isfinite(mu):
        return np.ones(1)
    J = int(np.ceil(cap / h))
    grid = np.arange(J + 2) * h
    if method == "mean":
        # increments I_j = E[Y^jh] - E[Y^(j-1)h] = integral of P(Y > x) over ((j-1)h, jh], computed
        # directly (no difference of large LEVs), then f_0 = 1 - I_1/h, f_j = (I_j - I_{j+1})/h
        inc = np.append(_survival_integrals(mu, sigma, cap, grid), 0.0)
        f = np.empty(J + 1)
        f[0] = 1 - inc[0] / h
        f[1:] = (inc[0:J] - inc[1:J + 1]) / h
    else:
        cdf = _medical_cdf(mu, sigma, cap, h)
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


@lru_cache(maxsize=8)        # the rounding-down and rounding-up lattices share it
def _medical_cdf(mu, sigma, cap, h):
    """``P(X <= jh)`` for ``j = 0 .. ceil(cap/h)``, the last set to 1 (the cap collects the tail)."""
    J = int(np.ceil(cap / h))
    with np.errstate(divide="ignore"):
        cdf = ndtr((np.log(np.arange(J + 1) * h) - mu) / sigma)
    cdf[-1] = 1.0
    cdf.setflags(write=False)
    return cdf


def _survival_integrals(mu, sigma, cap, grid):
    """``integral P(min(X, cap) > x) dx`` over each ``(grid[k], grid[k+1]]`` for lognormal X, accurate
    in the far tail.

    By parts: ``b S(b) - a S(a) + E[X; a < X <= b]`` with ``S`` the lognormal survival function,
    each tail probability taken from the side where it is small.  The normal distribution function
    is evaluated once per grid point (two arrays), not once per interval end.
    """
    x = np.minimum(grid, cap)
    with np.errstate(divide="ignore"):
        z = (np.log(x) - mu) / sigma
    # the grid ascends, so z does: S = Phi(-z) of an ascending array (reversed), by slices
    u = z - sigma
    up = u > 0
    # Phi(-u) where u > 0 (upper tail), Phi(u) elsewhere (lower tail): one evaluation per point;
    # u ascends, so the points with u <= 0 come first and -u of the others descends
    k = int(np.searchsorted(u, 0.0, "right"))
    S, lo, hi = ndtr_sorted_many([-z[::-1], u[:k], -u[k:][::-1]])    # the three in one evaluation
    S = S[::-1]
    tail = np.concatenate([lo, hi[::-1]])
    ub = u[1:]
    mass = np.where(up[:-1], tail[:-1] - tail[1:], 0.0)
    low = ~up[:-1]
    lower_b = np.where(up[1:], 0.0, tail[1:])
    cross = np.flatnonzero(low & up[1:])
    if cross.size:               # the interval where u changes sign needs Phi(u_b) from the lower side
        lower_b[cross] = ndtr(ub[cross])
    mass = np.where(low, lower_b - tail[:-1], mass)
    a, b = x[:-1], x[1:]
    return b * S[1:] - a * S[:-1] + np.exp(mu + sigma * sigma / 2) * mass


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


class _CachedHash:
    """Frozen dataclasses whose hash is computed once (a severity can hold thousands of atoms and
    is a key of several caches)."""

    def __hash__(self):
        h = self.__dict__.get("_hash")
        if h is None:
            h = hash(tuple(getattr(self, f) for f in self.__dataclass_fields__))
            object.__setattr__(self, "_hash", h)
        return h


@dataclass(frozen=True)
class Component(_CachedHash):
    """With probability ``weight``: one of ``atoms`` (rupiah, probabilities ``probs``) plus ``medical``."""

    weight: float
    atoms: tuple[float, ...]
    probs: tuple[float, ...]
    medical: Medical | None = None

    __hash__ = _CachedHash.__hash__


@dataclass(frozen=True)
class Severity(_CachedHash):
    """Distribution of one claim's amount: a mixture of components (weights sum to 1)."""

    components: tuple[Component, ...]

    __hash__ = _CachedHash.__hash__

    def mean(self) -> float:
        """``E[X]`` in rupiah (closed form; cached)."""
        return _moments(self)[0]

    def second_moment(self) -> float:
        """``E[X^2]`` in rupiah squared (closed form; cached)."""
        return _moments(self)[1]

    def _mean(self) -> float:
        return float(sum(c.weight * (_dot(c.atoms, c.probs) + (c.medical.mean() if c.medical else 0.0))
                         for c in self.components))

    def _second_moment(self) -> float:
        tot = 0.0
        for c in self.components:
            a, p = np.asarray(c.atoms, dtype=float), np.asarray(c.probs, dtype=float)
            ea, ea2 = _dot(a, p), _dot(a * a, p)
            em, em2 = (c.medical.mean(), c.medical.second_moment()) if c.medical else (0.0, 0.0)
            tot += c.weight * (ea2 + 2 * ea * em + em2)
        return tot

    def max_amount(self) -> float:
        return max(max(c.atoms) + (c.medical.cap if c.medical else 0.0) for c in self.components)

    def lattice(self, h: float, method: str = "mean") -> np.ndarray:
        """The claim amount's probabilities on 0, h, 2h, ... (mean kept exactly with ``"mean"``).

        Each component's atoms go on the lattice (:func:`atoms_on_lattice`), are summed by lattice
        point, and the medical lattice is added once per distinct point (a component without a
        medical cost is a single ``bincount``)."""
        size = int(np.ceil(self.max_amount() / h)) + 3
        out = np.zeros(size)
        for c in self.components:
            idx, pr = atoms_on_lattice(c.atoms, c.probs, h, method)
            at = np.bincount(idx, weights=c.weight * pr)
            if c.medical is None:
                out[:at.size] += at
                continue
            med = c.medical.lattice(h, method)
            for i in np.flatnonzero(at):
                out[i:i + med.size] += at[i] * med
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


def _dot(a, b) -> float:
    """``sum a b`` without a BLAS call (a multi-threaded ddot waits for busy cores above 10^4 atoms)."""
    return float(np.einsum("i,i->", np.asarray(a, dtype=float), np.asarray(b, dtype=float)))


@lru_cache(maxsize=4096)
def _moments(sev: Severity) -> tuple[float, float]:
    return sev._mean(), sev._second_moment()
