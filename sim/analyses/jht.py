"""JHT (old-age savings): balances from monthly contributions with a credited return.

Deterministic accumulation (annuity-immediate, monthly): a contribution ``c`` at the end of
each month, credited at the monthly rate ``i = (1 + r)^(1/12) - 1`` equivalent to the annual
return ``r``, gives after ``n`` months

    B_n = c s_n = c ((1 + i)^n - 1) / i        (c n when r = 0).

BPJS credits the return ("hasil pengembangan") yearly; the monthly equivalent keeps the
annual effective rate.  Balances are paid out on death, at exit, and at the retirement age
(56, PP 46/2015 as quoted; to verify), so a closed cohort's fund at a date is the balance
times the members still in it.
"""
from __future__ import annotations

import numpy as np


def monthly_rate(annual_return: float) -> float:
    """``(1 + r)^(1/12) - 1``: the monthly rate with the same annual effect."""
    return (1.0 + annual_return) ** (1.0 / 12.0) - 1.0


def balance(months, monthly_contribution: float, annual_return: float) -> np.ndarray:
    """Balance after *months* months of contributions (rupiah): ``c ((1 + i)^n - 1) / i``."""
    n = np.asarray(months, dtype=float)
    i = monthly_rate(annual_return)
    if abs(i) < 1e-15:
        return monthly_contribution * n
    return monthly_contribution * np.expm1(n * np.log1p(i)) / i



def annuity_factor(annual_return) -> np.ndarray:
    """Value at the end of a year of 1 rupiah contributed at the end of each of its 12 months: ``s_12``."""
    r = np.asarray(annual_return, dtype=float)
    i = (1.0 + r) ** (1.0 / 12.0) - 1.0
    safe = np.where(np.abs(i) < 1e-15, 1.0, i)
    return np.where(np.abs(i) < 1e-15, 12.0, np.expm1(12.0 * np.log1p(i)) / safe)


def return_paths(mean, vol: float, years: int, paths: int, seed: int) -> np.ndarray:
    """Credited returns, independent Normal(mean_t, vol) each year (paths x years), floored at -99%;
    *mean* is one number or one per year; vol 0 gives the deterministic path."""
    mean = np.broadcast_to(np.asarray(mean, dtype=float), (years,))
    if vol <= 0 or paths == 0:
        return np.tile(mean, (max(paths, 1), 1))
    rng = np.random.default_rng([int(seed), 4])
    out = rng.standard_normal((paths, years))
    out *= vol
    out += mean
    return np.maximum(out, -0.99, out=out)


class ReturnPaths:
    """The return paths of :func:`return_paths` drawn block by block (:meth:`blocks`): the same numbers
    in the same order, never all in memory (10^5 paths x 40 years would be 32 MB)."""

    def __init__(self, mean, vol: float, years: int, paths: int, seed: int):
        self.mean = np.broadcast_to(np.asarray(mean, dtype=float), (years,))
        self.vol, self.seed = float(vol), int(seed)
        self.fixed = vol <= 0 or paths == 0
        self.shape = (max(paths, 1) if self.fixed else paths, years)

    def blocks(self, size: int):
        """``(first path, end, returns of paths first..end-1)`` for blocks of *size* paths; the array
        yielded is reused for the next block."""
        P, T = self.shape
        if self.fixed:
            for a in range(0, P, size):
                yield a, min(a + size, P), np.tile(self.mean, (min(a + size, P) - a, 1))
            return
        rng = np.random.default_rng([self.seed, 4])
        buf = np.empty((min(size, P), T))
        for a in range(0, P, size):
            out = buf[: min(a + size, P) - a]
            rng.standard_normal(out=out)
            out *= self.vol
            out += self.mean
            yield a, a + out.shape[0], np.maximum(out, -0.99, out=out)


#: return paths accumulated at a time (bounded memory: a few arrays of CHUNK x years floats)
CHUNK = 8_192
#: rows of a block multiplied by the year weights at a time: OpenBLAS starts threads for a product of
#: more than 262,144 multiply-adds (128 x 40 x 40 is under it); on a busy machine the threads cost
#: three times the CPU of the product and add wall time (the same products, bit for bit)
GEMM_ROWS = 128


def _accumulate(K: np.ndarray, returns: np.ndarray) -> np.ndarray:
    """``sum_s K[t, s] s_12(r_s) prod_{u=s+1..t} (1 + r_u)`` for every path (paths x years), computed
    in blocks of :data:`CHUNK` paths so that the temporaries stay small whatever the number of paths."""
    return fund_and_balances(K, returns, np.zeros(returns.shape[1]), {})[0]


def fund_and_balances(K: np.ndarray, returns, monthly, years_left: dict) -> tuple[np.ndarray, dict]:
    """:func:`_accumulate` of *K* (the fund, paths x years) and, from the same return paths, the
    balance at retirement (:func:`balance_at_retirement`, contributions *monthly*) of a member with
    ``years_left[key]`` years to go, for every key: one pass over the paths instead of one per
    quantity.  *returns*: the paths (paths x years) or :class:`ReturnPaths`, drawn block by block.
    The blocks are worked in three buffers allocated once (a fresh 2.6 MB temporary costs as much in
    page faults as the arithmetic on it)."""
    P, T = returns.shape
    monthly = np.asarray(monthly, dtype=float)
    fund = np.empty((P, K.shape[0]))
    bal = {k: (np.empty(P) if n > 0 else np.zeros(P)) for k, n in years_left.items()}
    m = min(CHUNK, P)
    bufs = (np.empty((m, T)), np.empty((m, T)), np.empty((m, max(T, K.shape[0]))))
    blocks = returns.blocks(CHUNK) if isinstance(returns, ReturnPaths) else \
        ((a, min(a + CHUNK, P), returns[a:a + CHUNK]) for a in range(0, P, CHUNK))
    for a, b, r in blocks:
        L, X, W = (x[: b - a] for x in bufs)
        _growth(r, L, X, W[:, :T])
        for k, n in years_left.items():
            if 0 < n <= T:
                bal[k][a:b] = np.exp(L[:, n - 1]) * np.einsum("ps,s->p", X[:, :n], monthly[:n])
            elif n > T:          # beyond the paths: the last year's return and contribution go on
                bal[k][a:b] = _balance_block(r, n, monthly)
        np.exp(L, out=L)
        W = W[:, : K.shape[0]]
        for c in range(0, b - a, GEMM_ROWS):
            np.matmul(X[c:c + GEMM_ROWS], K.T, out=W[c:c + GEMM_ROWS])
        np.multiply(L, W, out=fund[a:b])
    return fund, bal


def _extended(monthly: np.ndarray, r: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Contributions and returns of *n* years: the last year's carried on beyond those given."""
    if monthly.size < n:
        monthly = np.concatenate([monthly, np.full(n - monthly.size, monthly[-1])])
    r = r[:, :n] if r.shape[1] >= n else np.concatenate([r, np.repeat(r[:, -1:], n - r.shape[1], axis=1)], axis=1)
    return monthly, r


def _balance_block(r: np.ndarray, n: int, monthly: np.ndarray, bufs=()) -> np.ndarray:
    """Balance after *n* years of a block of return paths (:func:`balance_at_retirement`)."""
    monthly, r = _extended(monthly, r, n)
    L, X = _growth(r, *bufs)
    return np.exp(L[:, n - 1]) * np.einsum("ps,s->p", X, monthly[:n])


def _growth(r: np.ndarray, L: np.ndarray | None = None, X: np.ndarray | None = None,
            W: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """``L = cumsum log(1 + r)`` and ``X = s_12(r) exp(-L)`` of a block of return paths, with
    ``s_12 = r / i``, ``i = (1 + r)^(1/12) - 1`` (the annuity factor from the same logarithms).
    *L*, *X*, *W*: buffers of the block's shape for the two results and a temporary (new ones when
    not given)."""
    L = np.log1p(r, out=L)
    X = np.divide(L, 12.0, out=X)
    np.expm1(X, out=X)                                   # i
    small = np.abs(X) < 1e-15
    X[small] = 1.0
    np.divide(r, X, out=X)
    X[small] = 12.0
    np.cumsum(L, axis=1, out=L)
    W = np.negative(L, out=W)
    np.exp(W, out=W)
    X *= W
    return L, X


def cohort_matrices(cohort, monthly: np.ndarray, retirement_age: float) -> tuple[np.ndarray, np.ndarray]:
    """Weights ``K[t, s]`` (rupiah a month) of year-s contributions still held at the end of year t
    (fund) and paid out in year t (exits, and members reaching the retirement age)."""
    C, T = cohort.n_start.shape
    # R: the year in which a member reaches the retirement age (balance paid, then it starts again):
    # the first t >= entry with age0 + (t - entry) + 1 >= retirement age
    R = cohort.entry + np.maximum(0, np.ceil(retirement_age - 1 - cohort.age0)).astype(int)
    Kf = np.zeros((T, T))
    Kp = np.zeros((T, T))
    for t in range(T):
        hold = cohort.n_end[:, t] * (t != R)
        pay = cohort.exits[:, t] + cohort.n_end[:, t] * (t == R)
        # a member holds the contributions of years lo..t: since joining, or since the last payout
        lo = np.where(t <= R, cohort.entry, np.maximum(cohort.entry, R + 1))
        ok = lo <= t
        Kf[t, : t + 1] = monthly[: t + 1] * np.cumsum(np.bincount(lo[ok], weights=hold[ok], minlength=T))[: t + 1]
        Kp[t, : t + 1] = monthly[: t + 1] * np.cumsum(np.bincount(lo[ok], weights=pay[ok], minlength=T))[: t + 1]
    return Kf, Kp


def fund_paths(cohort, monthly, returns: np.ndarray, retirement_age: float, matrices=None,
               which=("fund", "paid_out")) -> dict[str, np.ndarray]:
    """JHT fund at the end of each year and balances paid out in it, per return path (paths x years).

    A member's balance at the end of year t is ``sum_s c_s s_12(r_s) prod_{u=s+1..t}(1 + r_u)``
    over the years s since joining (or since the last payout at the retirement age); the fund is
    that balance summed over members in force, the payout summed over those leaving.  *which*:
    the arrays wanted (each is paths x years).
    """
    Kf, Kp = matrices or cohort_matrices(cohort, np.asarray(monthly, dtype=float), retirement_age)
    return {k: _accumulate(Kf if k == "fund" else Kp, returns) for k in which}


def balance_at_retirement(age: float, monthly, returns: np.ndarray, retirement_age: float) -> np.ndarray:
    """Balance at the retirement age of a member who joins at *age* and contributes ``monthly[s]``
    in year s, per return path: ``sum_{s<n} c_s s_12(r_s) prod_{u=s+1..n-1}(1 + r_u)``, n = years left."""
    n = int(max(np.ceil(retirement_age - age), 0))
    if n == 0:
        return np.zeros(returns.shape[0])
    monthly, r = _extended(np.asarray(monthly, dtype=float), returns, n)
    # only the last year's balance is wanted: one row of the accumulation, path by path
    out = np.empty(r.shape[0])
    m = min(CHUNK, r.shape[0])
    bufs = tuple(np.empty((m, n)) for _ in range(3))
    for a in range(0, r.shape[0], CHUNK):
        b = min(a + CHUNK, r.shape[0])
        out[a:b] = _balance_block(r[a:b], n, monthly, tuple(x[: b - a] for x in bufs))
    return out
