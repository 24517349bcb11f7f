"""Transforms of claim amounts made of fixed sums only (no medical part): summed directly over their
atoms, and on the coarser lattice that every such sum lies on.

A claim amount whose components have no medical cost (JKM's death benefit, funeral costs and
periodic payments, a scholarship) is a few atoms: lattice indices ``a_j`` with probabilities
``q_j`` (:func:`~sim.risk.severity.atoms_on_lattice`, weights included).  Its transform on the grid
of length ``M`` is

    psi(k) = sum_j q_j exp(-2 pi i k a_j / M),   k = 0 .. M/2,

which this module computes in two ways, each equal to ``rfft`` of the wrapped lattice up to rounding:

* **direct sums** (:func:`transform`): for each atom, ``exp(-2 pi i k a / M)`` with ``k = u B + v``
  is the outer product of two tables of about ``sqrt(M/2)`` exponentials (arguments reduced modulo
  ``M`` in integers first, then to ``(-pi, pi]``, the angle ``2 pi m / M`` rounded once): about
  ``1.6 ns`` a frequency and atom against ``0.28 ns x M log2 M`` for the rfft (numpy 2.4, this
  machine), so a handful of atoms (``atoms (M/2 + 1) <= 0.17 M log2 M``: 5 on Belu's grid of
  48.000) is faster than the rfft.  Each table value is within about one unit in the last place,
  each term within a few: measured against sums in extended precision, at most 5e-16, as the rfft.
* **the coarser lattice** (:func:`period`): when ``g = gcd(M, a_1, a_2, ...)`` exceeds 1 (Belu's
  JKM amounts, Rp 10 and 42 million on a lattice of Rp 100.000: indices 100 and 420, ``g = 20``
  with ``M = 48.000``), ``psi(k)`` depends on ``k`` modulo ``P = M / g`` only, and so does the
  transform of the program's total.  Its values at ``k = 0 .. P/2`` are the transform of the same
  amounts on the lattice of step ``g h`` and grid ``P`` (indices ``a_j / g``); the program's total
  is then ``irfft`` of length ``P`` of them, its probabilities at the multiples of ``g h`` (every
  other point has probability 0 exactly: every claim, hence every total, is a multiple of ``g h``).
  Nothing is approximated: the grid ``P`` of step ``g h`` spans the same ``M h`` rupiah, so the
  aliasing is the one of the grid ``M`` (modulo ``M h``), and only the rounding changes
  (about 1e-16 a probability).  :mod:`sim.risk.aggregate` spreads the result back onto the lattice
  ``h`` (length ``M``, as any other distribution) and repeats the transform with period ``P``
  where the program's transform multiplies another one's (the total).
"""
from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

from .severity import atoms_on_lattice

#: the direct sums are used while ``atoms x (M/2 + 1) <= DIRECT_SHARE x M log2 M`` (measured costs,
#: module docstring)
DIRECT_SHARE = 0.17

_TWO_PI = 2 * np.longdouble("3.14159265358979323846264338327950288")   # 2 pi beyond double precision


def _split_step(P: int) -> tuple[float, float]:
    """``2 pi / P = s_hi + s_lo`` (to about 1e-35 relative), ``s_hi`` with ``52 - bits(P/2)``
    significant bits: ``m s_hi`` is exact for every integer ``|m| <= P/2``."""
    step = _TWO_PI / P
    bits = max(1, 52 - (P // 2).bit_length())
    e = math.frexp(float(step))[1]
    s_hi = float(np.ldexp(np.round(np.ldexp(step, bits - e)), e - bits))
    return s_hi, float(step - s_hi)


def medical_of(c):
    """A component's medical cost, or None without one (``mu = -inf``: the amount 0)."""
    m = c.medical
    return m if m is not None and np.isfinite(m.mu) else None


@lru_cache(maxsize=256)
def atoms(severity, h: float, method: str) -> tuple[np.ndarray, np.ndarray] | None:
    """The claim amount's distinct lattice indices and their probabilities (weights included), or
    None when a component has a medical cost (a medical part with ``mu = -inf`` is the amount 0).
    Cached (read-only arrays), emptied with :data:`sim.risk.band.severity_cf`."""
    idx, pr = [], []
    for c in severity.components:
        if medical_of(c) is not None:
            return None
        i, p = atoms_on_lattice(c.atoms, c.probs, h, method)
        idx.append(i)
        pr.append(c.weight * np.asarray(p, dtype=float))
    at = np.bincount(np.concatenate(idx), weights=np.concatenate(pr))   # as the lattice, without medical parts
    a = np.flatnonzero(at > 0)
    q = at[a]
    a.setflags(write=False)
    q.setflags(write=False)
    return a, q


def period(groups, h: float, method: str, M: int) -> int:
    """The period ``P = M / g`` of the transform of the total of *groups* on the grid *M* (module
    docstring): ``g`` the largest divisor of ``M`` dividing every atom index of every group that
    may claim; *M* itself when some amount has a medical part, 1 without any group that may claim."""
    g = M
    for grp in groups:
        if grp.expected_count() <= 0:
            continue
        for c in grp.severity.components:            # a first look at a few atoms usually settles it
            if medical_of(c) is not None:
                return M
            g = math.gcd(g, int(np.gcd.reduce(atoms_on_lattice(c.atoms[:16], c.probs[:16], h, method)[0])))
        if g == 1:
            return M
        at = atoms(grp.severity, h, method)
        if at is None:
            return M
        g = math.gcd(g, int(np.gcd.reduce(at[0])))
        if g == 1:
            return M
    return M // g


def atom_count(severity) -> int:
    """How many amounts the severity lists (at most the lattice points of its atoms, twice that for
    ``method="mean"``, which splits each amount between two points)."""
    return sum(len(c.atoms) for c in severity.components)


def direct_pays(n_atoms: int, P: int) -> bool:
    """Whether *n_atoms* direct sums over ``P/2 + 1`` frequencies cost less than one rfft of length *P*."""
    return n_atoms * (P // 2 + 1) <= DIRECT_SHARE * P * math.log2(max(P, 2))


def transform(severity, h: float, method: str, M: int, g: int = 1) -> np.ndarray:
    """``sum_j q_j exp(-2 pi i k (a_j / g) / P)`` for ``k = 0 .. P/2``, ``P = M / g`` (*g* divides
    *M* and every atom index): the claim amount's transform on the grid *M* at those frequencies
    (its values at the others repeat with period ``P``), by direct sums or the rfft of the lattice
    of step ``g h``, whichever costs less (module docstring).  Read-only."""
    a, q = atoms(severity, h, method)
    P = M // g
    b = (a // g) % P
    if not direct_pays(a.size, P):
        out = np.fft.rfft(np.bincount(b, weights=q, minlength=P), P)
        out.setflags(write=False)
        return out
    n = P // 2 + 1
    B = math.isqrt(n) + 1
    nu = -(-n // B)
    # the angle 2 pi m / P (|m| <= P/2) as m s_hi + m s_lo, s_hi with few enough significant bits
    # that m s_hi is exact: the angle is rounded once (half a unit in the last place)
    s_hi, s_lo = _split_step(P)
    u, v = np.arange(nu, dtype=np.int64) * B, np.arange(B, dtype=np.int64)
    out = np.zeros(nu * B, dtype=complex)
    buf = np.empty((nu, B), dtype=complex)

    def table(m):
        m = m % P
        m = np.where(2 * m > P, m - P, m).astype(float)          # angles in (-pi, pi]
        ang = m * s_hi + m * s_lo
        t = np.empty(m.size, dtype=complex)
        t.real, t.imag = np.cos(ang), -np.sin(ang)
        return t

    for bj, qj in zip(b.tolist(), q.tolist()):
        np.multiply((qj * table(bj * u))[:, None], table(bj * v), out=buf)
        out += buf.ravel()
    out = out[:n]
    out.setflags(write=False)
    return out


def full_period(half: np.ndarray, P: int) -> np.ndarray:
    """All ``P`` values of a real sequence's transform from its first ``P/2 + 1`` (conjugate symmetry)."""
    F = np.empty(P, dtype=complex)
    F[: half.size] = half
    F[half.size:] = np.conj(half[(P - 1) // 2: 0: -1])
    return F


def repeat_into(target: np.ndarray, half: np.ndarray, P: int, op) -> np.ndarray:
    """``op(target[k], F[k mod P], out=target[k])`` for every ``k`` of *target*, *F* the transform of
    period *P* whose first ``P/2 + 1`` values are *half* (``op``: ``np.multiply``, ``np.add``)."""
    F = full_period(half, P)
    m = target.size // P
    if m:
        block = target[: m * P].reshape(m, P)
        op(block, F, out=block)
    rest = target[m * P:]
    op(rest, F[: rest.size], out=rest)
    return target


def repeat(half: np.ndarray, P: int, Q: int) -> np.ndarray:
    """The values at ``k = 0 .. Q/2`` (``P`` divides ``Q``) of the transform of period *P* given by *half*."""
    if P == Q:
        return half.copy()
    return np.resize(full_period(half, P), Q // 2 + 1)


def combine(a: np.ndarray, Pa: int, b: np.ndarray, Pb: int, op) -> tuple[np.ndarray, int]:
    """``op`` (``np.add``, ``np.multiply``) of two transforms given at ``0 .. Pa/2`` and ``0 .. Pb/2``
    with periods *Pa* and *Pb* (divisors of one grid length): the result at ``0 .. P/2`` and its
    period ``P = lcm(Pa, Pb)``.  The operand of period *P* (*a* when both) holds the result."""
    P = math.lcm(Pa, Pb)
    if Pb == P and Pa != P:
        a, Pa, b, Pb = b, Pb, a, Pa
    if Pa != P:
        a = repeat(a, Pa, P)
    if Pb == P:
        return op(a, b, out=a), P
    return repeat_into(a, b, Pb, op), P


def spread(f: np.ndarray, M: int, lo: int) -> np.ndarray:
    """Probabilities ``f[j]`` of ``j g h`` modulo ``M h`` (``g = M / f.size``) as the probabilities of
    ``(lo + i) h``, ``i = 0 .. M-1``, on the lattice ``h`` (0 where ``lo + i`` is no multiple of ``g``)."""
    P = f.size
    g = M // P
    s = (-lo) % g
    pmf = np.zeros(M)
    pmf[s::g] = np.roll(f, -(((lo + s) // g) % P))
    return pmf
