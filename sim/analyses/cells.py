"""Cells of a projected year merged where their members have the same claims and decrements.

A projection follows every cell of every entry year (:mod:`sim.analyses.projection`); by year 30
the Belu cohort holds some 22,000 such cells, but only about 2,500 distinct (age, sex,
occupation, income, exposure, JKM membership class).  The claim model, the exact distribution
and the decrements of a year are computed on the merged cells, so their cost stops growing with
the years.
"""
from __future__ import annotations

import numpy as np

from ..inputs.portfolio import Portfolio
from ..risk import claims


def value_codes(x) -> tuple[np.ndarray, int]:
    """Small integer codes of the values of *x* (equal values, equal codes) and how many codes."""
    x = np.asarray(x)
    if x.size == 0:
        return np.zeros(0, dtype=np.int64), 1
    if x.dtype.kind in "biu":
        lo = int(x.min())
        return x.astype(np.int64) - lo, int(x.max()) - lo + 1
    if np.all(x == x[0]):
        return np.zeros(x.size, dtype=np.int64), 1
    u, inv = np.unique(x, return_inverse=True)
    return inv.ravel(), u.size


def membership_classes(membership, exposure, waiting: float, min_sch: float) -> np.ndarray:
    """The JKM class of each cell: 0, 1 or 2 when all its deaths pay the funeral only, the full cash or
    the cash with the scholarship (:func:`sim.risk.claims.jkm_shares_of_cells`: *waiting*, *min_sch*
    months), ``3 +`` a code of its membership (equal memberships, equal codes) when they are split."""
    sh = claims.jkm_shares_of_cells(membership, exposure, waiting, min_sch)
    pure = sh == 1.0
    mixed = ~pure.any(axis=1)
    cls = np.argmax(pure, axis=1)
    if mixed.any():
        cls[mixed] = 3 + value_codes(np.asarray(membership, dtype=float)[mixed])[0]
    return cls


def merge(pf: Portfolio, codes: list[tuple[np.ndarray, int]]) -> tuple[Portfolio, np.ndarray]:
    """The cells of *pf* with equal *codes* (integer columns, each with its number of codes) as one cell:
    (merged portfolio, index of each cell's merged cell).  A merged cell has the summed count and the
    other attributes of its first cell; merged cells come in the order of the codes."""
    C = pf.count.size
    if C == 0:
        return pf, np.zeros(0, dtype=np.int64)
    size = 1
    for _, k in codes:
        size *= k
    if size <= 8 * C + 4096:       # a dense table of codes: no sort
        code = np.ravel_multi_index(tuple(c for c, _ in codes), tuple(k for _, k in codes)) if len(codes) > 1 \
            else codes[0][0]
        rank = np.zeros(size, dtype=np.int64)
        rank[code] = 1
        np.cumsum(rank, out=rank)
        inv = rank[code] - 1
        m = int(rank[-1])
    else:
        _, inv = np.unique(np.column_stack([c for c, _ in codes]), axis=0, return_inverse=True)
        inv = inv.ravel()
        m = int(inv.max()) + 1
    rep = np.empty(m, dtype=np.int64)
    rep[inv[::-1]] = np.arange(C)[::-1]          # the first cell of each merged cell
    count = np.bincount(inv, weights=pf.count, minlength=m)
    merged = Portfolio(count, pf.age[rep], pf.male[rep], pf.occupation[rep], pf.income[rep], pf.exposure[rep],
                       pf.membership[rep], source=pf.source)
    return merged, inv


def merge_cells(pf: Portfolio, waiting: float, min_sch: float) -> tuple[Portfolio, np.ndarray]:
    """Cells of *pf* whose members have the same claims and decrements, merged: (merged portfolio,
    index of each cell's merged cell).

    Claim probabilities and decrements depend on a cell through its age, sex, occupation and
    exposure, the JKK amount through its declared income, the JKM amount through the shares of its
    deaths in the waiting period and after the scholarship's minimum membership
    (:func:`membership_classes`).  Cells that agree on all of these are one cell (:func:`merge`);
    cells whose deaths all fall in one class (funeral only, full cash, with the scholarship) agree
    on the shares whatever their membership, the others merge only with the same membership.  A
    projected year's claims are then those of its cells computed on as many cells as there are
    distinct (age, sex, occupation, income, membership class), not one per cell and entry year."""
    if pf.count.size == 0:
        return pf, np.zeros(0, dtype=np.int64)
    cls = membership_classes(pf.membership, pf.exposure, waiting, min_sch)
    cols = [value_codes(x) for x in (pf.age, np.asarray(pf.male, dtype=np.int64), pf.occupation, pf.income,
                                     pf.exposure)]
    return merge(pf, cols + [(cls, int(cls.max()) + 1)])
