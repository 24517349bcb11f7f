"""Exact distribution of a year's total claims, by FFT on a rupiah lattice.

For independent workers, cell ``c`` holding ``n_c`` workers who each claim with
probability ``p_c`` an amount with characteristic function ``psi``, the total has
(Poisson-binomial counts, compound):

    log phi_S = sum_c n_c log(1 + p_c (psi - 1))
              = sum_k (-1)^(k+1) A_k (psi - 1)^k / k,   A_k = sum_c n_c p_c^k,

a series that converges geometrically (|psi - 1| <= 2) when every ``p_c < 1/4``;
cells with larger ``p_c`` are summed directly.  Its cost does not grow with the number
of cells.  ``psi`` is the discrete Fourier transform of the claim amount discretized on
a lattice of step ``h`` (:mod:`sim.risk.severity`; fixed amounts without a medical part summed
directly, :mod:`sim.risk.atom_cf`), so the result is exact for the discretized amounts, up to

* aliasing: the FFT returns the distribution modulo the grid length ``M``; the grid
  spans ``[mean - 8 sd, mean + 10 sd + largest claim]`` (a shifted window, so
  national portfolios need no larger grid than their spread), and :func:`grid_check`
  measures the change when ``M`` is doubled;
* discretization: mean-preserving rounding keeps the mean exactly; rounding every
  amount down and up (``method="lower"/"upper"``) gives distributions that bracket the
  true one, so ``quantile_lower <= true quantile <= quantile_upper`` (:func:`bounds`).

A program whose amounts are all multiples of ``g h`` (``g`` dividing ``M``: JKM's fixed benefits)
is computed on that coarser lattice, grid ``M / g``: the same aliasing, only rounding changes
(:mod:`sim.risk.atom_cf`); its distribution is returned on the lattice ``h`` as the others.

Panjer recursion (:func:`panjer`) and brute-force convolution are kept as
cross-checks for tests; they are far slower and underflow at national scale.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from numpy import fft as sfft

from . import atom_cf, band

QUANTILES = (50, 90, 95, 99, 99.5)
_SERIES_TOL = 1e-15


@dataclass
class Distribution:
    """Probabilities ``pmf[j]`` of the total ``(offset + j) x h`` rupiah."""

    h: float
    offset: int
    pmf: np.ndarray

    @property
    def values(self) -> np.ndarray:
        return (self.offset + np.arange(self.pmf.size)) * self.h

    def mean(self) -> float:
        return float(np.einsum("i,i->", self.values, self.pmf))

    def sd(self) -> float:
        v = self.values - self.mean()
        return float(np.sqrt(np.einsum("i,i->", v * v, self.pmf)))

    def cdf(self, x, _c=None) -> np.ndarray:
        """P(S <= x) for rupiah amounts x."""
        j = np.floor(np.asarray(x, dtype=float) / self.h + 1e-9).astype(np.int64) - self.offset
        c = np.cumsum(self.pmf) if _c is None else _c
        return np.where(j < 0, 0.0, c[np.clip(j, 0, c.size - 1)])

    def prob_exceed(self, x, _c=None) -> float:
        """P(S > x)."""
        return float(1.0 - self.cdf(x, _c))

    def quantile(self, q: float, _c=None) -> float:
        """Smallest lattice amount s with P(S <= s) >= q (q a probability)."""
        c = np.cumsum(self.pmf) if _c is None else _c
        j = int(np.searchsorted(c, q - 1e-12, side="left"))
        return float((self.offset + min(j, c.size - 1)) * self.h)

    def tvar(self, q: float, _c=None) -> float:
        """Tail value at risk ``VaR_q + E[(S - VaR_q)+] / (1 - q)`` (correct with atoms)."""
        var = self.quantile(q, _c)
        excess = np.maximum(self.values - var, 0.0)
        return float(var + np.einsum("i,i->", excess, self.pmf) / (1.0 - q))

    def figures(self, qs, x: float) -> tuple[dict, float]:
        """Quantiles ``{q: amount}`` for *qs* (probabilities) and P(S > x), from one cumulative sum."""
        c = np.cumsum(self.pmf)
        return {q: self.quantile(q, c) for q in qs}, self.prob_exceed(x, c)


MAX_GRID = 2 ** 18


@lru_cache(maxsize=256)
def next_fast_len(n: int, real: bool = True) -> int:
    """The smallest ``2^a 3^b 5^c >= n`` (a fast FFT length; as ``scipy.fft.next_fast_len(n, real=True)``)."""
    n = int(n)
    if n <= 6:
        return max(n, 1)
    best = 1 << (n - 1).bit_length()
    p5 = 1
    while p5 < best:
        p35 = p5
        while p35 < best:
            p2 = 1 << max(0, (-(-n // p35) - 1).bit_length())   # smallest power of 2 with p2 * p35 >= n
            best = min(best, p2 * p35)
            p35 *= 3
        p5 *= 5
    return best


def _window(mean: float, sd: float, largest: float, h: float) -> tuple[int, int]:
    lo = max(0, int(np.floor((mean - 8 * sd) / h)))
    hi = int(np.ceil((mean + 10 * sd + largest) / h)) + 2
    return lo, hi


_wrap, _BoundedCache = band.wrap, band.BoundedCache
#: claim-amount lattices and their transforms, cached (:mod:`sim.risk.band`)
_severity_lattice, _severity_cf, _severity_cf_uncached = band.severity_lattice, band.severity_cf, band._severity_cf_uncached


def series(count: np.ndarray, prob: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """What :func:`log_series` needs of a group's cells: the cells with ``p >= 1/4`` (counts,
    probabilities), summed directly, and the coefficients ``(-1)^(k+1) A_k / k`` of the others,
    ``A_k = sum n p^k``, as many as keep the remainder ``sum n (2p)^(K+1) / ((K+1)(1 - 2 max p))``
    below 1e-15."""
    n = np.asarray(count, dtype=float)
    p = np.asarray(prob, dtype=float)
    keep = (n > 0) & (p > 0)
    n, p = n[keep], p[keep]
    big = p >= 0.25
    # summed directly, once per distinct probability (cells sharing p add their counts exactly)
    pb, inv = np.unique(p[big], return_inverse=True)
    nb = np.bincount(inv.ravel(), weights=n[big], minlength=pb.size)
    n, p = n[~big], p[~big]
    if n.size == 0:
        return nb, pb, np.zeros(0)
    r = 2.0 * p.max()
    A = [float(np.einsum("i,i->", n, p))]
    pk = p.copy()
    while True:
        pk *= p                                        # p^(K+1)
        nxt = float(np.einsum("i,i->", n, pk))         # A_(K+1)
        K = len(A)
        if 2.0 ** (K + 1) * nxt / ((K + 1) * (1 - r)) <= _SERIES_TOL or K >= 200:
            break
        A.append(nxt)
    k = np.arange(1, len(A) + 1)
    return nb, pb, np.asarray(A) * np.where(k % 2 == 1, 1.0, -1.0) / k


def log_series(count: np.ndarray, prob: np.ndarray, d: np.ndarray, coefficients=None, work=None) -> np.ndarray:
    """``sum_c n_c log(1 + p_c d)`` for a complex array *d* with ``|d| <= 2`` (see module docstring);
    *coefficients*: :func:`series` of the cells when already known; *work*: an array like *d* the
    result may be written to (then it is returned: use it before the next call)."""
    nb, pb, coef = coefficients if coefficients is not None else series(count, prob)
    out = None
    if nb.size:
        out = np.zeros_like(d)
        for nc, pc in zip(nb, pb):
            out += nc * np.log1p(pc * d)
    if coef.size == 0:
        return out if out is not None else np.zeros_like(d)
    # Horner: ((c_K d + c_(K-1)) d + ... + c_1) d, in place
    acc = np.multiply(d, coef[-1], out=work)
    for c in coef[-2::-1]:
        acc += c
        acc *= d
    if out is None:
        return acc
    out += acc
    return out


def _group_series(g):
    """:func:`series` of a risk group, kept on the group (its cells do not change)."""
    s = g.__dict__.get("_series")
    if s is None:
        s = g.__dict__["_series"] = series(g.count, g.prob)
    return s


def moments(groups) -> tuple[float, float]:
    """Closed-form mean and standard deviation of the total of *groups*."""
    mean = sum(g.expected_amount() for g in groups)
    var = sum(g.variance() for g in groups)
    return float(mean), float(np.sqrt(max(var, 0.0)))


def grid_size(groups, h: float) -> int:
    """Grid length for the total of *groups* (see the module docstring)."""
    mean, sd = moments(groups)
    largest = max((g.severity.max_amount() for g in groups if g.expected_count() > 0), default=h)
    lo, hi = _window(mean, sd, largest, h)
    return int(next_fast_len(max(hi - lo, 64), real=True))


def lattice_unit(model, h: float, max_grid: int = MAX_GRID) -> float:
    """The lattice step actually used: *h*, or a whole multiple of it when the window around
    the mean would need more than *max_grid* points (national portfolios).  The relative
    discretization error stays below ``h_eff / sd`` and is measured by :func:`bounds`."""
    groups = model.of("jkk") + model.of("jkm")
    if not groups:
        return h
    mean, sd = moments(groups)
    largest = max(g.severity.max_amount() for g in groups)
    lo, hi = _window(mean, sd, largest, h)
    return h * max(1, int(np.ceil((hi - lo) / max_grid)))


def _log_cf(groups, h, method, M, k=None, bufs=None, P=None):
    """``log phi`` of the total of *groups* at every frequency ``0 .. M/2``, or at the indices *k*, or
    (*P*: :func:`~sim.risk.atom_cf.period` of *groups*) at ``0 .. P/2`` only, the others repeating
    with period *P*; *bufs*: a list of two work arrays of that length, shared between calls (or filled here)."""
    P = M if P is None else P
    n = P // 2 + 1 if k is None else k.size
    L = np.zeros(n, dtype=complex)
    bufs = [] if bufs is None else bufs
    for g in groups:
        if g.expected_count() <= 0:
            continue
        if not bufs or bufs[0].size != n:
            bufs[:] = [np.empty(n, dtype=complex), np.empty(n, dtype=complex)]
        d, work = bufs
        if k is not None:
            psi = band.psi_at(g.severity, h, method, M, k)
        elif P == M:
            psi = _severity_cf(g.severity, h, method, M)
        else:
            psi = band.atoms_cf(g.severity, h, method, M, M // P)
        np.subtract(psi, 1.0, out=d)
        L += log_series(g.count, g.prob, d, _group_series(g), work)
    return L


def _cf(log_cf, k, M):
    """``exp(log_cf)`` in place, spread over every frequency (0 where only *k* were kept)."""
    cf = np.exp(log_cf, out=log_cf)
    if k is None:
        return cf
    full = np.zeros(M // 2 + 1, dtype=complex)
    full[k] = cf
    return full


def _from_cf(cf, P, groups, h, M, largest):
    """The distribution whose transform is *cf*, given at ``0 .. P/2`` and of period *P* (``P = M``:
    every frequency; else on the lattice of step ``(M / P) h``, :mod:`sim.risk.atom_cf`, spread
    back onto ``h``)."""
    f = sfft.irfft(cf, P)
    mean, sd = moments(groups)
    lo, _ = _window(mean, sd, largest, h)
    if P == M and lo % M:
        f = np.roll(f, -(lo % M))
    np.maximum(f, 0.0, out=f)   # FFT round-off (about 1e-17) must not make a negative probability
    f /= f.sum()
    return Distribution(h, lo, f if P == M else atom_cf.spread(f, M, lo))


def exact(model, h: float = 100_000.0, method: str = "mean", M: int | None = None,
          parts=("jkk", "jkm", "total")) -> dict[str, Distribution]:
    """Exact distributions of the year's claims: ``jkk``, ``jkm`` and their ``total``.

    Programs switched off give a point mass at 0.  *M* (grid length) defaults to :func:`grid_size`.
    *h* is coarsened to :func:`lattice_unit` when the portfolio needs it.  *parts*: the
    distributions wanted (``("total",)`` saves two inverse transforms).
    """
    h = lattice_unit(model, h)
    all_groups = model.of("jkk") + model.of("jkm")
    M = M or grid_size(all_groups, h)
    largest = max((g.severity.max_amount() for g in all_groups), default=h)
    point = Distribution(h, 0, np.ones(1))
    out = {}
    if set(parts) <= {"total"}:
        if not all_groups:
            return {"total": point}
        # independent programs: the total's log-transform is the sum
        k, bufs, Ls = band.kept(all_groups, h, method, M), [], []
        for prog in ("jkk", "jkm"):
            P = M if k is not None else atom_cf.period(model.of(prog), h, method, M)
            Ls += [_log_cf(model.of(prog), h, method, M, k, bufs, P), P]
        L, P = atom_cf.combine(*Ls, np.add)
        return {"total": _from_cf(_cf(L, k, M), P, all_groups, h, M, largest)}
    cfs, bufs = [], []
    for prog in ("jkk", "jkm"):
        gs = model.of(prog)
        k = band.kept(gs, h, method, M)
        P = M if k is not None else atom_cf.period(gs, h, method, M)
        cf = _cf(_log_cf(gs, h, method, M, k, bufs, P), k, M)
        cfs += [cf, P]
        if prog in parts:
            out[prog] = _from_cf(cf, P, gs, h, M, largest) if gs else point
    # independent programs: the total's transform is the product
    if "total" in parts:
        out["total"] = _from_cf(*atom_cf.combine(*cfs, np.multiply), all_groups, h, M, largest) if all_groups else point
    return out


def grid_check(model, h: float = 100_000.0, total: Distribution | None = None) -> float:
    """Largest change of the total's CDF when the grid is doubled (aliasing error estimate).

    *total*: the total's distribution on the default grid when already computed (``exact(model,
    h)["total"]``), reused instead of computed again."""
    all_groups = model.of("jkk") + model.of("jkm")
    if not all_groups:
        return 0.0
    h = lattice_unit(model, h)
    M = grid_size(all_groups, h)
    a = total
    if a is None or a.h != h or a.pmf.size != M:
        a = exact(model, h, M=M, parts=("total",))["total"]
    b = exact(model, h, M=2 * M, parts=("total",))["total"]
    xs = b.values
    return float(np.max(np.abs(a.cdf(xs) - b.cdf(xs))))


def bounds(model, h: float = 100_000.0, qs=QUANTILES) -> dict[str, tuple[float, float]]:
    """Discretization bounds on the total's quantiles: (rounded down, rounded up) for each q in %."""
    lo = exact(model, h, "lower", parts=("total",))["total"]
    hi = exact(model, h, "upper", parts=("total",))["total"]
    return {q: (lo.quantile(q / 100), hi.quantile(q / 100)) for q in qs}


def count_pmf(count, prob) -> np.ndarray:
    """Exact Poisson-binomial distribution of the number of claims (index = number)."""
    n = np.asarray(count, dtype=float)
    p = np.asarray(prob, dtype=float)
    mean = float(np.dot(n, p))
    sd = float(np.sqrt(np.dot(n, p * (1 - p))))
    M = int(next_fast_len(int(mean + 20 * sd + 64), real=True))
    theta = 2 * np.pi * np.arange(M // 2 + 1) / M
    d = np.exp(-1j * theta) - 1.0
    f = sfft.irfft(np.exp(log_series(n, p, d)), M)
    f = np.maximum(f, 0.0)
    return f / f.sum()


def panjer(count, prob, severity_pmf: np.ndarray, size: int) -> np.ndarray:
    """Compound Poisson-binomial total by Panjer recursion, cell by cell, then convolution.

    For one cell the count is Binomial(n, p), in the (a, b, 0) class with
    ``a = -p/(1-p)``, ``b = (n+1) p/(1-p)``; ``f_S(0) = (1 - p + p f_X(0))^n`` and
    ``f_S(s) = sum_j (a + b j/s) f_X(j) f_S(s-j) / (1 - a f_X(0))``.  Cross-check only.
    """
    fx = np.zeros(size)
    fx[: min(size, severity_pmf.size)] = severity_pmf[:size]
    total = np.zeros(size)
    total[0] = 1.0
    for n, p in zip(np.asarray(count), np.asarray(prob)):
        if n == 0 or p == 0:
            continue
        a, b = -p / (1 - p), (n + 1) * p / (1 - p)
        fs = np.zeros(size)
        fs[0] = (1 - p + p * fx[0]) ** n
        j = np.arange(1, size)
        for s in range(1, size):
            jj = j[:s]
            fs[s] = np.dot((a + b * jj / s) * fx[1:s + 1], fs[s - jj]) / (1 - a * fx[0])
        total = np.convolve(total, fs)[:size]
    return total


def risk_summary(dist: Distribution, contributions: float, qs=QUANTILES) -> dict:
    """Mean, sd, quantiles (keyed "50", "99.5"...), VaR and TVaR at 99.5%, P(S > contributions)."""
    key = lambda q: f"{q:g}"  # noqa: E731
    c = np.cumsum(dist.pmf)                 # once for every figure below
    return {
        "mean": dist.mean(),
        "sd": dist.sd(),
        "quantiles": {key(q): dist.quantile(q / 100, c) for q in qs},
        "var_99_5": dist.quantile(0.995, c),
        "tvar_99_5": dist.tvar(0.995, c),
        "prob_exceed_contributions": dist.prob_exceed(contributions, c),
    }


def compound_negative_binomial(r: float, p: float, severity, h: float = 100_000.0) -> Distribution:
    """Total of a negative-binomial number of claims (``r``, ``p``: mean ``r(1-p)/p``) with the
    given severity: ``log phi = r log p - r log(1 - (1 - p) psi)`` on the lattice (the posterior
    predictive of a Gamma-Poisson frequency)."""
    mean_n = r * (1 - p) / p
    var_n = r * (1 - p) / p ** 2
    m1, m2 = severity.mean(), severity.second_moment()
    mean = mean_n * m1
    sd = float(np.sqrt(mean_n * (m2 - m1 * m1) + var_n * m1 * m1))
    largest = severity.max_amount()
    lo, hi = _window(mean, sd, largest, h)
    M = int(next_fast_len(max(hi - lo, 64), real=True))
    psi = _severity_cf(severity, h, "mean", M)
    f = sfft.irfft(np.exp(r * np.log(p) - r * np.log1p(-(1 - p) * psi)), M)
    f = np.roll(f, -(lo % M))
    np.maximum(f, 0.0, out=f)
    f /= f.sum()
    return Distribution(h, lo, f)
