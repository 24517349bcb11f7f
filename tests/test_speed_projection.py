"""Speed of the projection's exact part (issue 10): the medical lattice's normal distribution
function evaluated in one pass for its three sorted arrays, bit for bit the former values."""
import math

import numpy as np

from sim.risk import severity
from sim.risk.normal import ndtr, ndtr_sorted, ndtr_sorted_many


def _edges():
    r2 = math.sqrt(2.0)
    e = [v * r2 * sg for v in (0.46875, 1 / r2, 4.0, 27.3) for sg in (-1, 1)]
    return e + [np.nextafter(v, np.inf) for v in e] + [np.nextafter(v, -np.inf) for v in e]


def test_ndtr_sorted_many_is_ndtr_of_each_array():
    """Several sorted arrays evaluated together (every branch in one call) give exactly ndtr's values
    of each, branch edges, infinities and empty or short arrays included; an unsorted or NaN array
    among them falls back to ndtr without disturbing the others."""
    rng = np.random.default_rng(11)
    xs = [np.sort(np.concatenate([rng.uniform(-45, 45, 3000), rng.uniform(-6, 6, 3000), _edges(),
                                  [-np.inf, np.inf, 0.0, -0.0]])),
          np.sort(rng.uniform(-3, 0, 500)), np.zeros(0), np.array([0.3, -0.2]),
          np.sort(rng.uniform(5, 40, 700)), rng.uniform(-5, 5, 100)]          # the last one not sorted
    nan = np.sort(rng.uniform(-5, 5, 50))
    nan[7] = np.nan
    xs.append(nan)
    got = ndtr_sorted_many(xs)
    assert len(got) == len(xs)
    for x, y in zip(xs, got):
        assert np.array_equal(y, ndtr(x), equal_nan=True)
        assert np.array_equal(y, ndtr_sorted(x), equal_nan=True)


def test_survival_integrals_use_ndtr_values():
    """The medical lattice's integrals (three sorted arrays in one evaluation) equal, bit for bit, the
    same formula with the normal distribution function evaluated by the elementwise ndtr (boolean
    masks, no sorting): for lognormals whose z reach every branch (mu 8 to 22, a Rp 2 billion cap)."""
    sigma, cap = 1.2, 2e9
    for mu in np.linspace(8.0, 22.0, 8):
        for h in (1e5, 3e5):
            grid = np.arange(int(np.ceil(cap / h)) + 2) * h
            x = np.minimum(grid, cap)
            with np.errstate(divide="ignore"):
                z = (np.log(x) - mu) / sigma
            u = z - sigma
            S = ndtr(-z)
            up = u > 0
            tail = np.where(up, ndtr(-u), ndtr(u))
            lower_b = np.where(up[1:], 0.0, tail[1:])
            cross = np.flatnonzero(~up[:-1] & up[1:])
            lower_b[cross] = ndtr(u[1:][cross])
            mass = np.where(~up[:-1], lower_b - tail[:-1], np.where(up[:-1], tail[:-1] - tail[1:], 0.0))
            want = x[1:] * S[1:] - x[:-1] * S[:-1] + np.exp(mu + sigma * sigma / 2) * mass
            assert np.array_equal(severity._survival_integrals(float(mu), sigma, cap, grid), want)
