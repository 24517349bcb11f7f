"""Claim-amount transforms on the FFT grid: whole (rfft of the lattice, cached) or at chosen
frequencies, and the frequencies a total's transform needs.

On the FFT grid of length ``M`` the total's characteristic function is
``phi(t_k) = prod_c (1 + p_c (psi_c(t_k) - 1))^n_c``, ``t_k = 2 pi k / M``.  Because
``|1 + p (psi - 1)| <= 1 - p (1 - |psi|) <= exp(-p (1 - |psi|))`` for ``0 <= p <= 1``,

    |phi(t_k)| <= exp(-E_k),   E_k = sum_groups A_g (1 - B_g(t_k)),   A_g = sum_c n_c p_c,

where ``B_g >= |psi_g|`` is ``sum_j w_j s_j |m_j(t_k)|`` over the severity's components (weight
``w_j``, atom probabilities summing to ``s_j``, medical lattice transform ``m_j``; 1 without a
medical cost): a component's atoms have a transform of modulus at most ``s_j``.  Where
``E_k >= T = ln M + 41.5`` the transform is below ``e^-T = 9.4e-19 / M`` and is set to 0: no
lattice probability changes by more than ``e^-T`` and no value of the distribution function by
more than ``M e^-T < 1e-18`` (inverse DFT: ``|df_j| <= (2/M) sum_k |dphi_k|``).

A large portfolio (hundreds of claims a year with a spread-out medical cost) keeps a few hundred
of ``M/2`` frequencies; there the claim amount's transform is computed at those frequencies only
(:func:`psi_at`): the medical lattice's transform once per medical distribution (an rfft, shared
by every group), the atoms summed directly with a table of the ``M``-th roots of unity.  A small
portfolio keeps them all (its chance of no claim, ``e^-A``, is far above ``e^-T``) and is computed
at every frequency: the rfft of each lattice (cached), or for fixed amounts without a medical part
their direct sums where cheaper, or their coarser lattice (:mod:`sim.risk.atom_cf`).
"""
from __future__ import annotations

import math
from collections import OrderedDict
from functools import lru_cache

import numpy as np

from . import atom_cf
from .severity import atoms_on_lattice

#: worth evaluating at chosen frequencies when at most this share of them is kept
MAX_SHARE = 0.125


class BoundedCache:
    """Least-recently-used cache of arrays bounded by their total size in bytes (a national grid's
    transform is 2 MB, Belu's 0.4 MB: a count bound either thrashes or holds hundreds of MB)."""

    def __init__(self, fn, max_bytes: int, clears=()):
        self.fn, self.max_bytes = fn, max_bytes
        self.data: OrderedDict = OrderedDict()
        self.bytes = 0
        self.clears = tuple(clears)     # caches emptied with this one (what its values were made of)

    def __call__(self, *key):
        try:
            self.data.move_to_end(key)
            return self.data[key]
        except KeyError:
            pass
        value = self.fn(*key)
        self.data[key] = value
        self.bytes += value.nbytes
        while self.bytes > self.max_bytes and len(self.data) > 1:
            _, old = self.data.popitem(last=False)
            self.bytes -= old.nbytes
        return value

    def cache_clear(self):
        self.data.clear()
        self.bytes = 0
        for c in self.clears:
            c.cache_clear()


def wrap(pmf: np.ndarray, M: int) -> np.ndarray:
    """*pmf* folded modulo *M* (what the DFT of length *M* sees)."""
    if pmf.size <= M:
        return pmf
    pad = (-pmf.size) % M
    return np.concatenate([pmf, np.zeros(pad)]).reshape(-1, M).sum(axis=0)


def _lattice_uncached(severity, h: float, method: str) -> np.ndarray:
    f = severity.lattice(h, method)
    f.setflags(write=False)
    return f


#: claim-amount lattices by (severity, h, method), at most 8 MB (0.17 MB each with a Rp 2 billion
#: medical cap): a new grid length (another head count) transforms them again without rebuilding
severity_lattice = BoundedCache(_lattice_uncached, 8 * 2 ** 20)


def _severity_cf_uncached(severity, h: float, method: str, M: int) -> np.ndarray:
    # a few fixed amounts: summed directly (no lattice built when they are many)
    at = atom_cf.atoms(severity, h, method) if atom_cf.direct_pays(atom_cf.atom_count(severity), M) else None
    if at is not None and atom_cf.direct_pays(at[0].size, M):
        return atom_cf.transform(severity, h, method, M)
    cf = np.fft.rfft(wrap(severity_lattice(severity, h, method), M), M)
    cf.setflags(write=False)
    return cf


#: transforms of fixed-amount claims on a coarser lattice (:func:`sim.risk.atom_cf.transform`) by
#: (severity, h, method, M, g): M / (2 g) values each (1.201 for Belu's JKM)
atoms_cf = BoundedCache(atom_cf.transform, 4 * 2 ** 20)

#: transforms of claim-amount lattices by (severity, h, method, M), at most 16 MB of them (a slider
#: reuses the few of its portfolio; a projection needs new ones every year)
#: (emptying it empties the lattices and the coarser transforms too: a cold start builds them all)
severity_cf = BoundedCache(_severity_cf_uncached, 16 * 2 ** 20, clears=(severity_lattice, atoms_cf, atom_cf.atoms))


def _medical_cf_uncached(medical, h: float, method: str, M: int) -> np.ndarray:
    if method == "upper":
        # rounding up puts on jh the mass rounding down puts on (j-1)h: the same lattice one step
        # on, whose transform is the rounded-down one times exp(-2 pi i k / M)
        cf = medical_cf(medical, h, "lower", M) * roots(M)[: M // 2 + 1]
    else:
        cf = np.fft.rfft(wrap(medical.lattice(h, method), M), M)
    cf.setflags(write=False)
    return cf


#: transforms of medical lattices by (medical, h, method, M): four a year of a projection; a
#: national grid doubled holds four of 3.8 MB, all used for every risk group
medical_cf = BoundedCache(_medical_cf_uncached, 32 * 2 ** 20)


@lru_cache(maxsize=4)
def roots(M: int) -> np.ndarray:
    """``exp(-2 pi i j / M)`` for ``j = 0 .. M-1`` (the DFT's twiddle factors), as the products
    ``exp(-2 pi i a B / M) exp(-2 pi i b / M)``, ``j = a B + b``, of two tables of about ``sqrt M``
    exponentials each (within 2 units in the last place; M complex exponentials cost 10 times more)."""
    B = max(1, int(math.isqrt(M)))
    step = -2j * np.pi / M
    r = np.multiply.outer(np.exp(np.arange(0, M, B) * step), np.exp(np.arange(B) * step)).ravel()[:M]
    r.setflags(write=False)
    return r


@lru_cache(maxsize=4096)
def _mass(c) -> float:
    """The sum of a component's atom probabilities (1 up to rounding)."""
    return float(np.sum(c.probs))


_medical_of = atom_cf.medical_of


def kept(groups, h: float, method: str, M: int) -> np.ndarray | None:
    """Indices ``k`` (of ``0 .. M/2``) where the total of *groups* may have ``|phi| > e^-T`` (module
    docstring), or None when more than :data:`MAX_SHARE` of them are kept (then every frequency
    is computed)."""
    T = math.log(M) + 41.5
    live = [g for g in groups if g.expected_count() > 0]
    # E_k <= sum A_g (sum of weights): a portfolio with fewer claims than T keeps every frequency
    if sum(g.expected_count() * sum(c.weight for c in g.severity.components) for g in live) < T:
        return None
    top = 0.0                       # E_k where every medical transform vanished: its largest value
    weights: dict = {}
    for g in live:
        A = g.expected_count()
        for c in g.severity.components:
            s = A * c.weight * _mass(c)
            top += A * c.weight - (0.0 if _medical_of(c) is not None else s)
            if _medical_of(c) is not None:
                weights[c.medical] = weights.get(c.medical, 0.0) + s
    if top < T:
        return None
    E = np.full(M // 2 + 1, top)
    for med, w in weights.items():
        E -= w * np.abs(medical_cf(med, h, method, M))
    k = np.flatnonzero(E < T)
    return k if k.size <= MAX_SHARE * E.size else None


def psi_at(severity, h: float, method: str, M: int, k: np.ndarray) -> np.ndarray:
    """The claim amount's lattice transform ``sum_j f_j exp(-2 pi i j k / M)`` at the indices *k*:
    equal (up to rounding) to ``rfft(wrap(severity.lattice(h, method), M))[k]``, each component
    its atoms (:func:`~sim.risk.severity.atoms_on_lattice`) summed directly times its medical
    lattice's transform."""
    r = roots(M)
    out = np.zeros(k.size, dtype=complex)
    for c in severity.components:
        idx, pr = atoms_on_lattice(c.atoms, c.probs, h, method)
        e = r[np.multiply.outer(k, idx % M) % M]
        a = np.einsum("ij,j->i", e, c.weight * pr)
        med = _medical_of(c)
        if med is not None:
            a *= medical_cf(med, h, method, M)[k]
        out += a
    return out
