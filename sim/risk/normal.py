"""The standard normal distribution function in numpy alone (no scipy import on the command's path).

``erfc`` follows W. J. Cody, "Rational Chebyshev approximations for the error function",
*Mathematics of Computation* 23 (1969) 631-637 (the SPECFUN routine CALERF): three rational
approximations, on ``|x| <= 0.46875`` (erf), ``0.46875 < |x| <= 4`` and ``|x| > 4`` (erfc), with
``exp(-x^2)`` split as ``exp(-t^2) exp(-(x - t)(x + t))``, ``t = trunc(16 x) / 16``, to keep its
relative accuracy in the tails; accurate to a few units in the last place (tested against
``math.erfc`` and ``scipy.special.ndtr``).  ``ndtr(x) = erfc(-x / sqrt 2) / 2``, ``P(Z <= x)``.
scipy (0.3 s to import) is left to the analyses that need its distributions.
"""
from __future__ import annotations

import math

import numpy as np

_A = (3.16112374387056560e00, 1.13864154151050156e02, 3.77485237685302021e02, 3.20937758913846947e03,
      1.85777706184603153e-1)
_B = (2.36012909523441209e01, 2.44024637934444173e02, 1.28261652607737228e03, 2.84423683343917062e03)
_C = (5.64188496988670089e-1, 8.88314979438837594e00, 6.61191906371416295e01, 2.98635138197400131e02,
      8.81952221241769090e02, 1.71204761263407058e03, 2.05107837782607147e03, 1.23033935479799725e03,
      2.15311535474403846e-8)
_D = (1.57449261107098347e01, 1.17693950891312499e02, 5.37181101862009858e02, 1.62138957456669019e03,
      3.29079923573345963e03, 4.36261909014324716e03, 3.43936767414372164e03, 1.23033935480374942e03)
_P = (3.05326634961232344e-1, 3.60344899949804439e-1, 1.25781726111229246e-1, 1.60837851487422766e-2,
      6.58749161529837803e-4, 1.63153871373020978e-2)
_Q = (2.56852019228982242e00, 1.87295284992346725e00, 5.27905102951428412e-1, 6.05183413124413191e-2,
      2.33520497626869185e-3)
_SQRPI = 5.6418958354775628695e-1    # 1 / sqrt(pi)
_SQRT_HALF = 0.70710678118654752440


def _small_erf(x: np.ndarray) -> np.ndarray:
    """erf(x) for |x| <= 0.46875."""
    ysq = x * x
    num = _A[4] * ysq
    den = ysq
    for i in range(3):
        num = (num + _A[i]) * ysq
        den = (den + _B[i]) * ysq
    return x * (num + _A[3]) / (den + _B[3])


def _exp_neg_sq(y: np.ndarray) -> np.ndarray:
    """``exp(-y^2)`` as ``exp(-t^2) exp(-(y - t)(y + t))`` with ``t = trunc(16 y) / 16``."""
    t = y * 16.0
    np.trunc(t, out=t)
    t /= 16.0
    a = np.multiply(-t, t)                 # -t^2
    np.exp(a, out=a)
    b = y - t
    np.negative(b, out=b)
    t += y
    b *= t                                 # -(y - t)(y + t)
    np.exp(b, out=b)
    a *= b
    return a


def _erfc_mid(y: np.ndarray) -> np.ndarray:
    """erfc(y) for 0.46875 < y <= 4."""
    num = _C[8] * y
    den = y.copy()
    for i in range(7):            # Horner in place (the same operations, no temporaries)
        num += _C[i]
        num *= y
        den += _D[i]
        den *= y
    num += _C[7]
    den += _D[7]
    out = _exp_neg_sq(y)
    out *= num
    out /= den
    return out


def _erfc_tail(y: np.ndarray) -> np.ndarray:
    """erfc(y) for y > 4."""
    ysq = 1.0 / (y * y)
    num = _P[5] * ysq
    den = ysq
    for i in range(4):
        num = (num + _P[i]) * ysq
        den = (den + _Q[i]) * ysq
    r = ysq * (num + _P[4]) / (den + _Q[4])
    return _exp_neg_sq(y) * (_SQRPI - r) / y


def erfc(x) -> np.ndarray:
    """Complementary error function ``erfc(x) = 2/sqrt(pi) integral_x^inf exp(-t^2) dt`` (elementwise)."""
    x = np.asarray(x, dtype=float)
    y = np.abs(x)
    out = np.empty_like(y)
    with np.errstate(over="ignore", under="ignore", invalid="ignore", divide="ignore"):
        small = y <= 0.46875
        mid = (y > 0.46875) & (y <= 4.0)
        tail = y > 4.0
        out[small] = 1.0 - _small_erf(x[small])
        out[mid] = _erfc_mid(y[mid])
        big = tail & (y < 27.3)          # erfc(27.3) ~ 1e-325 underflows to 0
        out[big] = _erfc_tail(y[big])
        out[tail & ~(y < 27.3)] = 0.0
        neg = (x < 0) & ~small
        out[neg] = 2.0 - out[neg]
    out[np.isnan(x)] = np.nan
    return out


def ndtr(x) -> np.ndarray:
    """Standard normal distribution function ``P(Z <= x)`` (elementwise, arrays or numbers).

    One to four values (a root search calls it one value at a time) go through ``math.erfc``
    (the C library's, as accurate), without the array machinery."""
    x = np.asarray(x, dtype=float)
    if x.size <= 4:
        out = np.array([_ndtr_scalar(v) for v in x.ravel()]).reshape(x.shape)
        return out if out.ndim else out[()]
    z = x * _SQRT_HALF
    az = np.abs(z)
    out = np.empty_like(z)
    small = az < _SQRT_HALF          # as Cephes: 1/2 + erf/2 near 0, erfc/2 in the tails
    out[small] = 0.5 + 0.5 * _small_erf_any(z[small])
    big = ~small
    e = 0.5 * erfc(az[big])
    out[big] = np.where(z[big] > 0, 1.0 - e, e)
    out[np.isnan(x)] = np.nan
    return out if out.ndim else out[()]


def _ndtr_scalar(v: float) -> float:
    if v != v:
        return float("nan")
    z = v * _SQRT_HALF
    if abs(z) < _SQRT_HALF:
        return 0.5 + 0.5 * math.erf(z)
    e = 0.5 * math.erfc(abs(z))
    return 1.0 - e if z > 0 else e


def _small_erf_any(z: np.ndarray) -> np.ndarray:
    """erf(z) for |z| < 1/sqrt(2): the rational form up to 0.46875, 1 - erfc beyond."""
    out = np.empty_like(z)
    a = np.abs(z) <= 0.46875
    out[a] = _small_erf(z[a])
    b = ~a
    out[b] = np.sign(z[b]) * (1.0 - _erfc_mid(np.abs(z[b])))
    return out


def ndtr_sorted(x: np.ndarray) -> np.ndarray:
    """:func:`ndtr` of a 1-D array sorted ascending (NaN-free), the same formulas branch by branch.

    The branches of Cody's approximation are contiguous ranges of a sorted array: they are found by
    binary search and evaluated on slices (views), without the boolean gathers and scatters of
    :func:`ndtr` (a medical lattice evaluates 2 x 20,001 points a year of a projection)."""
    return ndtr_sorted_many([x])[0]


def ndtr_sorted_many(xs) -> list[np.ndarray]:
    """:func:`ndtr_sorted` of each array of *xs*, every branch of Cody's approximation evaluated once
    for all of them: the slices of a branch (of every array, both signs) are put end to end, evaluated
    by one call, and each value goes back where it came from.  The same operations on each number
    as :func:`ndtr` (bit for bit), a fixed number of array operations whatever the slices: the
    medical lattice's three sorted arrays (:func:`sim.risk.severity._survival_integrals`) cost one
    evaluation instead of a dozen calls on short slices."""
    s = np.searchsorted
    plans, outs = [], []
    pieces = {"tail": [], "mid": [], "small": []}    # (array, slice, negate) to put end to end, in order
    for x in xs:
        x = np.ascontiguousarray(x, dtype=float)
        if x.ndim != 1 or x.size <= 4 or not bool(np.all(x[1:] >= x[:-1])):   # (NaN fails the test too)
            plans.append(None)
            outs.append(ndtr(x))
            continue
        z = x * _SQRT_HALF
        # z ascending: [-inf, -27.3] 0 | (-27.3, -4) tail | [-4, -r) mid | (-r, r) small | [r, 4] mid |
        # (4, 27.3) tail | [27.3, inf] 1, with r = sqrt(1/2); "small" splits at |z| <= 0.46875 inside
        i1 = int(s(z, -27.3, "right"))          # z <= -27.3: erfc underflows, e = 0
        i2 = int(s(z, -4.0, "left"))            # -27.3 < z < -4: tail
        i3 = int(s(z, -_SQRT_HALF, "right"))    # -4 <= z <= -r: mid
        i4 = int(s(z, _SQRT_HALF, "left"))      # -r < z < r: small
        i5 = int(s(z, 4.0, "right"))            # r <= z <= 4: mid
        i6 = int(s(z, 27.3, "left"))            # 4 < z < 27.3: tail; z >= 27.3: e = 0
        j1 = i3 + int(s(z[i3:i4], -0.46875, "left"))  # |z| <= 0.46875: rational erf
        j2 = i3 + int(s(z[i3:i4], 0.46875, "right"))
        pieces["tail"] += [(z, i1, i2, True), (z, i5, i6, False)]
        pieces["mid"] += [(z, i2, j1, True), (z, j2, i5, False)]     # [i2:i3) [i3:j1) and [j2:i4) [i4:i5)
        pieces["small"].append((z, j1, j2, False))
        plans.append((i1, i2, i3, j1, j2, i4, i5, i6))
        outs.append(np.empty_like(z))
    if all(p is None for p in plans):
        return outs
    ev = {}
    for kind, fn in (("tail", _erfc_tail), ("mid", _erfc_mid), ("small", _small_erf)):
        buf = np.empty(sum(b - a for _, a, b, _ in pieces[kind]))
        at = 0
        for z, a, b, neg in pieces[kind]:
            (np.negative if neg else np.positive)(z[a:b], out=buf[at:at + b - a])
            at += b - a
        with np.errstate(over="ignore", under="ignore", invalid="ignore", divide="ignore"):
            ev[kind] = fn(buf) if buf.size else buf
    et, em, es = ev["tail"], ev["mid"], ev["small"]
    t = m = q = 0
    mul, sub, add = np.multiply, np.subtract, np.add
    with np.errstate(over="ignore", under="ignore", invalid="ignore", divide="ignore"):
        for plan, out in zip(plans, outs):
            if plan is None:
                continue
            i1, i2, i3, j1, j2, i4, i5, i6 = plan
            # the values of ndtr, in place: e/2; 1/2 + (-(1 - e))/2; 1/2 + erf/2; 1/2 + (1 - e)/2; 1 - e/2
            out[:i1] = 0.0
            mul(et[t:t + i2 - i1], 0.5, out=out[i1:i2])
            t += i2 - i1
            mul(em[m:m + i3 - i2], 0.5, out=out[i2:i3])
            m += i3 - i2
            o = out[i3:j1]
            sub(1.0, em[m:m + j1 - i3], out=o)
            mul(o, -1.0, out=o)
            mul(o, 0.5, out=o)
            add(o, 0.5, out=o)
            m += j1 - i3
            o = out[j1:j2]
            mul(es[q:q + j2 - j1], 0.5, out=o)
            add(o, 0.5, out=o)
            q += j2 - j1
            o = out[j2:i4]
            sub(1.0, em[m:m + i4 - j2], out=o)
            mul(o, 0.5, out=o)
            add(o, 0.5, out=o)
            m += i4 - j2
            o = out[i4:i5]
            mul(em[m:m + i5 - i4], 0.5, out=o)
            sub(1.0, o, out=o)
            m += i5 - i4
            o = out[i5:i6]
            mul(et[t:t + i6 - i5], 0.5, out=o)
            sub(1.0, o, out=o)
            t += i6 - i5
            out[i6:] = 1.0
    return outs
