"""Transforms of the parameter-uncertainty mixture (:mod:`sim.risk.uncertainty`), computed only on
the frequencies where they matter.

For one programme and one combination of the other nodes (``(m, u)`` for JKK, ``(s, u)`` for JKM)
the mixture over the factor nodes ``x_i`` (weights ``w_i``) is, on the rfft grid of length ``M``
(frequencies ``theta_k = 2 pi k / M``)::

    c(theta) = sum_i w_i exp(L_i(theta)),   L_i = sum_g sum_c n_gc log(1 + q_igc d_g(theta)),

``q_igc = min(x_i p_gc, 1)``, ``d_g = psi_g - 1``, ``psi_g`` the transform of group g's claim-amount
lattice (:meth:`sim.risk.severity.Severity.lattice`).  Three things make it cheap, none of them
changing it by more than ``EPS`` (1e-15, the tolerance of :func:`sim.risk.aggregate.series`):

1. **Frequencies that do not matter are not computed.**  For ``q`` in ``[0, 1]`` and ``|psi| <= 1``,
   ``Re log(1 + q d) <= q Re d + q^2 |d|^2 / 2 <= q (1 - q) Re d`` (``log y <= y - 1`` and
   ``|d|^2 <= -2 Re d``), so ``|exp(L_i)| <= exp(rho_i B)`` with ``B = sum_g beta_g (Re psi_g - 1)``,
   ``beta_g = sum_c n q (1 - q)`` at the smallest node and ``rho_i = min_g beta_gi / beta_g``.  ``B``
   takes one FFT per medical cost, not one per group: ``sum_g beta_g psi_g`` is the transform of the
   groups' lattices added with weights ``beta_g``.  Where ``sum_i w_i exp(rho_i B) <= EPS`` for every
   combination, the mixture's transform is set to 0; its distribution function then moves by at
   most ``EPS sum_{k=1}^{M-1} 1 / (M sin(pi k / M)) <= EPS (2 / pi)(ln M + 1)`` (the Dirichlet
   kernel), about 1e-14.  On a roster of 10^5 workers (hundreds of claims even at the smallest node) about 4% of
   the JKK frequencies and 2% of the JKM ones are kept; on Belu (three accidents at the smallest
   node) all of them.
2. **Claim-amount transforms without one FFT per severity.**  A severity is a mixture of
   components, each a few atoms (split between two lattice points keeping the mean,
   :func:`sim.risk.severity.atoms_on_lattice`) plus, optionally, a medical cost, so
   ``psi = sum_c w_c a_c m_c``: ``a_c = sum_j p_j exp(-i theta j)`` is evaluated directly on the
   kept frequencies (a table of the M-th roots of unity) and ``m_c`` is the medical lattice's
   rfft, one per medical cost (12 FFTs for a roster instead of 360: 40 incomes x 3 medical x 3
   scholarship nodes).  The same lattice as the severity's, so the same transform up to round-off.
3. **One series for every node** (``A_k(x p) = x^k A_k(p)``): ``L_i = sum_k (x_i / x_max)^k T_k``,
   ``T_k = sum_g c_gk d_g^k`` summed over the groups once (``c_gk`` the coefficients of
   :func:`sim.risk.aggregate.series` at ``x_max p``), with as many terms as keep each group's
   truncation error weighted over the nodes, ``sum_i w_i sum_c n (x_i p D)^(K+1) / ((K+1)(1 - x_i p D))``,
   below ``EPS`` (``D`` the group's largest ``|d|`` on the kept frequencies; :func:`aggregate.series`
   bounds every node alike with ``D = 2``).  Cells with ``x_max p >= 1/4`` are summed exactly, node by
   node (:func:`aggregate.log_series`).
"""
from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
from numpy import fft as sfft

from . import aggregate
from .severity import Component, Severity, atoms_on_lattice

EPS = 1e-15
SMALL_PART = 0.03
_SPLIT = 64
_BLOCK = 64                     # groups whose powers are held at once
_CACHE_BYTES = 32 * 2 ** 20     # arrays on the kept frequencies kept for reuse, each cache


def node_sums(count, prob, x) -> tuple[np.ndarray, np.ndarray]:
    """``S1_i = sum_c n_c q_ic`` and ``S2_i = sum_c n_c q_ic^2``, ``q_ic = min(x_i p_c, 1)``, for every node."""
    n = np.asarray(count, dtype=float)
    q = np.minimum(np.multiply.outer(np.asarray(x, dtype=float), np.asarray(prob, dtype=float)), 1.0)
    s1 = np.einsum("ic,c->i", q, n)
    q *= q
    return s1, np.einsum("ic,c->i", q, n)


class Cells:
    """What the mixture needs of each group's cells (counts, probabilities) at factor nodes ``x``,
    computed once per probability array however many severities share it."""

    def __init__(self):
        self._data: dict = {}

    def _get(self, what, count, prob, x, fn):
        key = (what, id(prob), id(count), tuple(np.asarray(x, dtype=float).tolist()))
        v = self._data.get(key)
        if v is None:
            v = self._data[key] = (fn(), prob, count)      # keep the arrays alive: keys are their ids
        return v[0]

    def sums(self, count, prob, x) -> tuple[np.ndarray, np.ndarray]:
        """:func:`node_sums`."""
        return self._get("sums", count, prob, x, lambda: node_sums(count, prob, x))

    def series(self, count, prob, x):
        """``None`` without claims, else (the cells with ``x_max p >= 1/4`` as (counts,
        probabilities) or None, the coefficients of :func:`aggregate.series` at ``x_max p`` for the
        others, their largest ``x_max p``)."""
        def make():
            n = np.asarray(count, dtype=float)
            p = np.asarray(prob, dtype=float)
            if not np.any((n > 0) & (p > 0)):
                return None
            xmax = float(np.max(x))
            fast = xmax * p < 0.25
            slow = None if fast.all() else (n[~fast], p[~fast])
            coef = aggregate.series(n[fast], xmax * p[fast])[2]
            return slow, coef, xmax * float(p[fast].max()) if fast.any() else 0.0
        return self._get("series", count, prob, x, make)


@lru_cache(maxsize=4)
def _roots(M: int) -> np.ndarray:
    """``exp(-2 pi i n / M)`` for ``n = 0 .. M-1``."""
    t = (2 * np.pi / M) * np.arange(M)
    r = np.empty(M, dtype=complex)
    r.real = np.cos(t)
    r.imag = -np.sin(t)
    r.setflags(write=False)
    return r


def _threshold(rho: np.ndarray, w: np.ndarray, eps: float) -> float | None:
    """The largest ``T <= 0`` found with ``sum_i w_i exp(rho_i T) <= eps`` (bisection), or None when
    none exists (a node whose transform need not decay, ``rho_i = 0``, of weight above *eps*)."""
    if w[rho <= 0].sum() > eps / 2:
        return None
    f = lambda t: float(np.dot(w, np.exp(rho * t)))  # noqa: E731
    lo, hi = math.log(eps / 2) / float(rho[rho > 0].min()), 0.0
    for _ in range(60):
        mid = (lo + hi) / 2
        if f(mid) <= eps:
            lo = mid
        else:
            hi = mid
    return lo


class Transforms:
    """Claim-amount transforms on the lattice ``h`` (rfft grid of length ``M``) for one mixture,
    with the atoms' lattices and the medical costs' FFTs computed once."""

    def __init__(self, h: float, M: int, cells: Cells | None = None):
        self.h, self.M = float(h), int(M)
        self.cells = cells or Cells()
        self._atoms: dict = {}
        self._medical: dict = {}
        self._combined: dict = {}

    # -- pieces of a severity ------------------------------------------------------------------
    def atoms(self, c: Component) -> tuple[np.ndarray, np.ndarray]:
        """Lattice points (modulo M) and probabilities of a component's atoms."""
        key = (c.atoms, c.probs)
        v = self._atoms.get(key)
        if v is None:
            idx, pr = atoms_on_lattice(c.atoms, c.probs, self.h)
            v = self._atoms[key] = (idx % self.M, pr)
        return v

    def medical(self, med) -> np.ndarray:
        """rfft of a medical cost's lattice (the lattice of the severity "0 plus the medical cost")."""
        v = self._medical.get(med)
        if v is None:
            unit = Severity((Component(1.0, (0.0,), (1.0,), med),))
            v = self._medical[med] = aggregate._severity_cf_uncached(unit, self.h, "mean", self.M)
        return v

    # -- which frequencies matter --------------------------------------------------------------
    def frequencies(self, cases, x, w, eps: float = EPS) -> np.ndarray:
        """Indices ``k`` (sorted) of the rfft frequencies where some case's mixture may exceed *eps*
        (point 1 of the module docstring).  *cases*: ``(weight, [(count, prob, severity), ...])``."""
        x, w = np.asarray(x, dtype=float), np.asarray(w, dtype=float)
        n_freq = self.M // 2 + 1
        keep = np.zeros(n_freq, dtype=bool)
        i0 = int(np.argmin(x))
        for _, groups in cases:
            beta = np.array([np.subtract(*self.cells.sums(n, p, x)) for n, p, _ in groups]).reshape(len(groups), x.size)
            ref = beta[:, i0]
            pos = ref > 0
            if not pos.any() or not all(_is_distribution(sev) for _, _, sev in groups):
                return np.arange(n_freq)                # no claims or certain ones; or |psi| <= 1 unsure
            rho = np.min(beta[pos] / ref[pos, None], axis=0)
            T = _threshold(rho, w, eps)
            if T is None or -2.0 * ref.sum() > T:      # B >= -2 sum beta: nothing can be dropped
                return np.arange(n_freq)
            B = self._bound([(b, sev) for b, (_, _, sev) in zip(ref, groups) if b > 0]) - ref.sum()
            keep |= B > T
            keep[0] = True
        return np.flatnonzero(keep)

    def _bound(self, weighted) -> np.ndarray:
        """An upper bound of ``Re sum_g beta_g psi_g`` on the whole grid: the components with a medical
        cost by position in the severity, those without one together, each part one FFT of its atoms'
        lattices added with weights ``beta_g w_c``, times the medical cost's transform (shared by
        every combination of nodes that has the same part).  A part of at most SMALL_PART of the
        weight counts its weight instead (``|a_c m_c| <= sum p``): no FFT for the JKK death and
        total disability components, whose atoms move with the scholarship."""
        parts: dict = {}
        total = 0.0
        for b, sev in weighted:
            for pos, c in enumerate(sev.components):
                parts.setdefault((c.medical, pos if c.medical is not None else -1), []).append(
                    (b * c.weight, c.atoms, c.probs))
                total += b * c.weight
        out = np.zeros(self.M // 2 + 1)
        tmp = np.empty(self.M // 2 + 1, dtype=complex)
        for (med, _), contrib in parts.items():
            if sum(b for b, _, _ in contrib) <= SMALL_PART * total:
                out += sum(b * sum(p) for b, _, p in contrib)       # |a_c| <= sum of its probabilities
                continue
            key = tuple(contrib)
            y = self._combined.get(key)
            if y is None:
                pts = [self.atoms(Component(1.0, a, p)) for _, a, p in contrib]
                idx = np.concatenate([i for i, _ in pts])
                pr = np.concatenate([b * q for (b, _, _), (_, q) in zip(contrib, pts)])
                y = self._combined[key] = sfft.rfft(np.bincount(idx, weights=pr, minlength=self.M), self.M)
            if med is None:
                out += y.real
            else:
                np.multiply(y, self.medical(med), out=tmp)
                out += tmp.real
        return out

    # -- the mixture on the kept frequencies ---------------------------------------------------
    def on(self, k: np.ndarray) -> "OnFrequencies":
        return OnFrequencies(self, k)


class OnFrequencies:
    """Transforms restricted to the frequencies ``k`` (from :meth:`Transforms.frequencies`); the
    arrays kept for reuse are bounded in bytes (a roster with a thousand incomes would otherwise
    hold tens of thousands of them)."""

    def __init__(self, tr: Transforms, k: np.ndarray):
        self.tr, self.k = tr, np.asarray(k, dtype=np.int64)
        self._medical: dict = {}
        self._rows = aggregate._BoundedCache(self._root_row, _CACHE_BYTES)
        self._atoms = aggregate._BoundedCache(self._atoms_of, _CACHE_BYTES)
        self._psi = aggregate._BoundedCache(self._psi_of, _CACHE_BYTES)
        # on most of the grid one FFT of the whole lattice is cheaper than the points one by one
        self.by_fft = self.k.size * 8 > tr.M

    def _root_row(self, j: int) -> np.ndarray:
        """``exp(-2 pi i k j / M)`` on the frequencies (*j* a multiple of :data:`_SPLIT` or below it)."""
        ph = np.multiply(self.k, j)
        np.remainder(ph, self.tr.M, out=ph)
        return _roots(self.tr.M)[ph]

    def _atoms_of(self, atoms, probs) -> np.ndarray:
        """``sum_j p_j exp(-2 pi i k j / M)`` over the atoms' lattice points ``j``, each root the
        product of two tabulated ones (``j = a S + b``, ``S`` = :data:`_SPLIT`): a complex product
        per point and frequency, no integer division."""
        idx, pr = self.tr.atoms(Component(1.0, atoms, probs))
        v = np.zeros(self.k.size, dtype=complex)
        tmp = np.empty_like(v)
        for j, p in zip(idx.tolist(), pr.tolist()):
            a, b = divmod(j, _SPLIT)
            np.multiply(self._rows(a * _SPLIT), self._rows(b), out=tmp)
            tmp *= p
            v += tmp
        return v

    def atoms(self, c: Component) -> np.ndarray:
        """The transform of a component's atoms (without its weight and medical cost)."""
        return self._atoms(c.atoms, c.probs)

    def medical(self, med) -> np.ndarray:
        v = self._medical.get(med)
        if v is None:
            v = self._medical[med] = self.tr.medical(med)[self.k]
        return v

    def psi(self, sev: Severity) -> np.ndarray:
        """The severity's transform ``sum_c w_c a_c m_c`` on the frequencies."""
        return self._psi(sev)

    def _psi_of(self, sev: Severity) -> np.ndarray:
        if self.by_fft:
            return aggregate._severity_cf(sev, self.tr.h, "mean", self.tr.M)[self.k]
        v = np.zeros(self.k.size, dtype=complex)
        tmp = np.empty_like(v)
        for c in sev.components:
            a = self.atoms(c)
            if c.medical is None:
                np.multiply(a, c.weight, out=tmp)
            else:
                np.multiply(a, self.medical(c.medical), out=tmp)
                tmp *= c.weight
            v += tmp
        return v

    def mixed(self, groups, x, w, eps: float = EPS) -> np.ndarray:
        """``sum_i w_i exp(L_i)`` on the frequencies (point 3 of the module docstring).
        *groups*: ``[(count, prob, severity), ...]``."""
        x, w = np.asarray(x, dtype=float), np.asarray(w, dtype=float)
        N, F = x.size, self.k.size
        L = np.zeros((N, F), dtype=complex)
        xmax = float(x.max())
        if xmax <= 0:
            return np.full(F, w.sum(), dtype=complex)
        r = x / xmax
        live = [(n, p, sev, cells) for n, p, sev in groups
                if (cells := self.tr.cells.series(n, p, x)) is not None]
        G = len(live)
        if not 3 * G + 2 * N < 1.3 * N * G:
            # few groups (a synthetic portfolio): every group's series afresh at every node is cheaper
            for n, p, sev, _ in live:
                d = self.psi(sev) - 1.0
                q = np.asarray(p, dtype=float)
                for i, xi in enumerate(x):
                    L[i] += aggregate.log_series(n, np.minimum(xi * q, 1.0), d)
            live = []
        # T_j = sum_g c_gj d_g^(j+1), groups in blocks of _BLOCK (bounded memory)
        T = np.zeros((max((c[1].size for *_, c in live), default=0), 2 * F))
        used = 0
        block = []
        for g, (n, p, sev, (slow, coef, pmax)) in enumerate(live):
            d = self.psi(sev) - 1.0
            if slow is not None:          # near or beyond the series' bound: node by node, exactly
                ns, ps = slow
                for i, xi in enumerate(x):
                    L[i] += aggregate.log_series(ns, np.minimum(xi * ps, 1.0), d)
            if coef.size:
                D = float(np.sqrt(np.max(d.real * d.real + d.imag * d.imag)))
                block.append((_terms(coef, r, w, D, pmax, eps), coef, d))
            if len(block) == _BLOCK or g == len(live) - 1 and block:
                used = max(used, _power_sums(block, T))
                block = []
        if used:
            # L_i += sum_j r_i^(j+1) T_j
            R = np.power.outer(r, np.arange(1, used + 1))
            L.view(float)[:] += np.einsum("ij,jf->if", R, T[:used])
        np.exp(L, out=L)
        out = np.empty(F, dtype=complex)
        np.einsum("i,if->f", w, L.view(float).reshape(N, 2 * F), out=out.view(float))
        return out


def _power_sums(block, T: np.ndarray) -> int:
    """Add ``c_gj d_g^(j+1)`` of the block's groups ``(terms, coef, d)`` to ``T[j]`` (float views:
    real coefficients times complex powers); the number of terms used."""
    block.sort(key=lambda s: -s[0])
    K, G, F = block[0][0], len(block), block[0][2].size
    C = np.zeros((G, K))
    Dm = np.empty((G, F), dtype=complex)
    for g, (kg, coef, d) in enumerate(block):
        C[g, :kg] = coef[:kg]
        Dm[g] = d
    active = [sum(1 for s in block if s[0] > j) for j in range(K)]
    P = Dm.copy()
    row = np.empty(2 * F)
    for j in range(K):
        a = active[j]
        if j:
            P[:a] *= Dm[:a]
        np.einsum("g,gf->f", C[:a, j], P[:a].view(float), out=row)
        T[j] += row
    return K


def _is_distribution(sev: Severity) -> bool:
    """Whether the severity's weights and atom probabilities are non-negative and add up to at most
    1 (so ``|psi| <= 1``, which the bound of :meth:`Transforms.frequencies` needs)."""
    total = 0.0
    for c in sev.components:
        if c.weight < 0 or min(c.probs) < 0:
            return False
        total += c.weight * sum(c.probs)
    return total <= 1.0 + 1e-9


def _terms(coef: np.ndarray, r: np.ndarray, w: np.ndarray, D: float, pmax: float, eps: float) -> int:
    """Fewest terms ``K`` of the series *coef* (at ``x_max p``) whose truncation error weighted over
    the nodes, at most ``D^(K+1) |coef_K| sum_i w_i r_i^(K+1) / (1 - pmax D)``, is below *eps* (all
    of them otherwise: :func:`aggregate.series` stopped at 1e-15 for ``r = 1``, ``D = 2``)."""
    K = coef.size
    if K < 2:
        return K
    k = np.arange(2, K + 1)                               # powers K + 1 for K = 1 .. K - 1 terms
    bound = np.abs(coef[1:]) * (np.power.outer(r, k).T @ w) * np.power(D, k) / (1.0 - pmax * D)
    ok = np.flatnonzero(bound <= eps)
    return int(ok[0]) + 1 if ok.size else K
