"""The draws of one Monte Carlo batch (:mod:`sim.risk.montecarlo`): a batch's years of claims of
every risk group, drawn in a fixed order from one random stream.

In the plan's order of groups (:class:`Plan`): the group's claim counts of the batch's years
(by inversion of its exact count distribution, or binomial per cell), then either a uniform per
claim for its amount (inversion by a guide table, :class:`Inverse`: the binary search's index for
the same uniform) and, for a severity with a medical cost, a standard normal per claim; or the
multinomial numbers of claims at each amount (:meth:`Sampler.multinomial` decides).  The claims
drawn one by one are priced for all groups at once (:func:`price`) and summed per group and year
by one ``bincount``, claims added in the order drawn, then groups in the plan's order: the sums
of drawing and summing group by group, to the bit (``tests/test_mc_kernel.py`` holds them to a
plain group-by-group reference).
"""
from __future__ import annotations

import itertools

import numpy as np


#: claims a year per amount beyond the first from which a severity of 3 amounts or more is drawn as
#: multinomial numbers, not claim by claim (CPU of 10^5 years of one group without medical cost,
#: claim by claim / multinomial: 3 amounts, 10 claims a year 8 / 13 ms, 20: 15 / 16, 40: 31 / 21;
#: 4 amounts, 10: 8 / 16, 20: 15 / 21, 40: 31 / 27).  Up to 2 amounts the choice is ``mean >= 2 d``
#: alone (a wash either way), as before this constant
MULTINOMIAL_PER_AMOUNT = 12


class Inverse:
    """Inversion of a discrete distribution given by its cumulative weights *cum* (nondecreasing,
    ``cum[-1] > 0``): :meth:`index` is ``min(searchsorted(cum, u * cum[-1], side="right"), n - 1)``
    for uniforms *u* in [0, 1), the same index for the same uniform, by a guide table (Chen's
    method, vectorised) instead of a binary search (about 20 ns a draw in numpy, its branches
    mispredicted half the time).

    With ``top`` the table *cum* whose last entry is ``+inf``, that index is the number of entries
    of ``top`` at most ``v = u * cum[-1]``.  The guide has ``G`` cells (a power of 2); cell
    ``c = floor(u G)`` (exact: a scaling by a power of 2) starts at ``guide[c]``, the index of
    ``(c / G) cum[-1]``, and ends at most at ``guide[c + 1]``: since ``c / G <= u < (c + 1) / G``
    exactly and rounding is monotone, ``v`` lies between the two starts in floating point too.
    Where a cell holds at most one boundary, the index is ``guide[c] + (v >= top[guide[c]])``
    (the cell's boundary is kept beside the guide); the uniforms that fall in a cell holding more
    (tiny probabilities, a count distribution's tail) take the binary search.  ``G`` doubles from
    ``4 n`` (up to 4096 cells) until no cell holds two boundaries (*spread*: until such cells take
    under 1% of the uniforms, for a count distribution whose far tail would need too many cells)."""

    MAX_CELLS = 4096

    def __init__(self, cum: np.ndarray, spread: bool = False):
        cum = np.asarray(cum, dtype=float)
        n = cum.size
        self.total = cum[-1]
        self.top = cum.copy()
        self.top[-1] = np.inf
        G = 1 << int(min(12, max(6, np.ceil(np.log2(4 * n)))))
        while True:
            starts = (np.arange(G) / G) * self.total
            lo = np.searchsorted(self.top, starts, side="right").astype(np.intp)
            multi = np.append(lo[1:], n - 1) - lo > 1
            if G >= self.MAX_CELLS or (multi.mean() < 0.01 if spread else not multi.any()):
                break
            G *= 2
        self.G, self.guide, self.bound = float(G), lo, self.top[lo]
        self.multi = multi if multi.any() else None

    @classmethod
    def shared(cls, cum: np.ndarray) -> "Inverse":
        """The inversion of *cum*, one object for equal tables (the severities of a roster differ by
        income in their amounts, not in their probabilities: one guide table, kept in cache)."""
        key = np.asarray(cum, dtype=float).tobytes()
        inv = _SHARED.get(key)
        if inv is None:
            if len(_SHARED) >= 256:
                _SHARED.clear()
            inv = _SHARED[key] = cls(cum)
        return inv

    def index(self, u: np.ndarray) -> np.ndarray:
        """``min(searchsorted(cum, u * cum[-1], side="right"), n - 1)`` (see the class)."""
        v = u * self.total
        cell = (u * self.G).astype(np.intp)
        idx = self.guide[cell]
        idx += self.bound[cell] <= v
        if self.multi is not None:
            bad = self.multi[cell].nonzero()[0]
            if bad.size:
                idx[bad] = np.searchsorted(self.top, v[bad], side="right")
        return idx


_SHARED: dict = {}


class Sampler:
    """One severity as a flat table of fixed amounts (component x atom) with the medical cost of
    each amount's component (``mu = -inf`` where there is none)."""

    def __init__(self, severity):
        amounts, probs, mu, sigma, cap = [], [], [], [], []
        for c in severity.components:
            p = np.asarray(c.probs, dtype=float)
            p = p / p.sum()
            med = c.medical
            for a, q in zip(c.atoms, p):
                amounts.append(float(a))
                probs.append(c.weight * q)
                has = med is not None and np.isfinite(med.mu)
                mu.append(med.mu if has else -np.inf)
                sigma.append(med.sigma if has else 0.0)
                cap.append(med.cap if has else 0.0)
        self.amounts = np.asarray(amounts)
        self.probs = np.asarray(probs) / np.sum(probs)
        self.cum = np.cumsum(self.probs)
        self.inverse = Inverse.shared(self.cum)
        self.mu, self.sigma, self.cap = np.asarray(mu), np.asarray(sigma), np.asarray(cap)
        self.medical = bool(np.isfinite(self.mu).any())

    def multinomial(self, k: np.ndarray, total: int | None = None) -> bool:
        """Whether years of ``k`` claims (``total`` of them, when known) are drawn as multinomial
        numbers at each amount (many claims a year for few amounts) rather than claim by claim:
        when the mean claims a year reach ``2 d`` for ``d`` amounts and, from 3 amounts on,
        :data:`MULTINOMIAL_PER_AMOUNT` ``x (d - 1)`` (numpy draws ``d - 1`` binomials a year, each
        100-150 ns, where a claim drawn by inversion costs under 10 ns).  The mean
        ``total / years`` is ``k.mean()`` to the bit (a sum of integers below 2^53, divided once)."""
        total = int(k.sum()) if total is None else total
        d = self.amounts.size
        m = total / k.size
        return m >= 2 * d and (d <= 2 or m >= MULTINOMIAL_PER_AMOUNT * (d - 1))

    def multinomial_sums(self, rng, k: np.ndarray) -> np.ndarray:
        """Sums over each year of ``k[year]`` claims, drawn as the multinomial numbers of claims at
        each amount (the same distribution of the year's sum, far fewer draws)."""
        b = k.size
        N = rng.multinomial(k, self.probs)
        out = N @ self.amounts if b * self.amounts.size < 64 else np.einsum("ya,a->y", N, self.amounts)
        if not self.medical:
            return out
        per = N.ravel()                               # claims at each amount, year by year
        idx = np.repeat(np.tile(np.arange(self.amounts.size), b), per)
        yr = np.repeat(np.arange(b), N.sum(axis=1))
        return out + np.bincount(yr, weights=self._medical(rng, idx), minlength=b)

    def _medical(self, rng, idx: np.ndarray) -> np.ndarray:
        """The capped lognormal medical cost of claims at amounts *idx* (0 where there is none)."""
        z = rng.standard_normal(idx.size)
        with np.errstate(invalid="ignore"):
            x = np.exp(self.mu[idx] + self.sigma[idx] * z)
        return np.minimum(x, self.cap[idx])


class Plan:
    """What every batch draws: one entry per risk group of the enabled programs, in order
    ``(program, group, count inversion or None, sampler)``, and the samplers' tables laid end to
    end (``base[s]`` is where sampler ``s`` starts) so that the claims drawn one by one for all
    groups of a batch are priced in one pass."""

    def __init__(self, model, counts: str):
        from .aggregate import count_pmf     # made after the fork (montecarlo._Tasks): imported there
        self.entries, self.sampler_of, samplers = [], [], {}
        for prog in ("jkk", "jkm"):
            for g in model.of(prog):
                if g.severity not in samplers:
                    samplers[g.severity] = len(samplers)
                s = samplers[g.severity]
                inv = Inverse(np.cumsum(count_pmf(g.count, g.prob)), spread=True) if counts != "cells" else None
                self.entries.append((prog, g, inv, s))
        self.samplers = [None] * len(samplers)
        for sev, s in samplers.items():
            self.samplers[s] = Sampler(sev)
        sizes = [sp.amounts.size for sp in self.samplers]
        self.base = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.intp) if sizes else np.zeros(0, np.intp)
        cat = (lambda name: np.concatenate([getattr(sp, name) for sp in self.samplers])
               if self.samplers else np.zeros(0))
        self.amounts, self.mu, self.sigma, self.cap = cat("amounts"), cat("mu"), cat("sigma"), cat("cap")


def draw_counts(group, inverse, rng, years: int, mode: str) -> np.ndarray:
    """A group's number of claims in each of *years* years: the sum of independent binomial counts
    of its cells (``mode="cells"``), or one draw of its exact Poisson-binomial count distribution by
    inversion of its cumulative probabilities (*inverse*, :class:`Inverse`: one uniform a year)."""
    if mode == "cells":
        out = np.zeros(years, dtype=np.int64)
        for n, p in zip(group.count, group.prob):
            if n > 0 and p > 0:
                out += rng.binomial(int(n), float(p), size=years)
        return out
    return inverse.index(rng.random(years))


def draw_batch(task) -> tuple[np.ndarray, np.ndarray]:
    """Yearly totals (jkk, jkm) of one batch: *task* = (plan, years, seed sequence, count mode).

    The draws, in the plan's order of groups: the group's counts of the batch's years, then (when
    it draws claim by claim) a uniform per claim for its amount and, for a severity with a medical
    cost, a standard normal per claim; or its multinomial numbers (:meth:`Sampler.multinomial_sums`).
    The claims drawn one by one are priced after the loop, all groups at once, and summed per
    group and year by one ``bincount`` (claims added in order, as group by group), then groups are
    added in the plan's order: the same sums, to the bit, as drawing and summing each group's claims
    on their own (``_reference_batch`` in ``tests/test_mc_kernel.py``)."""
    plan, b, ss, mode = task
    rng = np.random.default_rng(ss)
    sums: list = [None] * len(plan.entries)       # a group's yearly sums, or its row in the bincount
    idx, z, counts, medical = [], [], [], []       # claims drawn one by one, group by group
    for e, (prog, group, inverse, s) in enumerate(plan.entries):
        sampler = plan.samplers[s]
        k = draw_counts(group, inverse, rng, b, mode)
        total = int(k.sum())
        if total == 0:
            sums[e] = 0.0
        elif sampler.multinomial(k, total):
            sums[e] = sampler.multinomial_sums(rng, k)
        else:
            i = sampler.inverse.index(rng.random(total))
            i += plan.base[s]
            idx.append(i)
            z.append(rng.standard_normal(total) if sampler.medical else None)
            sums[e] = len(counts)
            counts.append(k)
    if counts:
        rows = price(plan, idx, z, counts, b)
        for e, v in enumerate(sums):
            if isinstance(v, int):
                sums[e] = rows[v]
    out = {"jkk": np.zeros(b), "jkm": np.zeros(b)}
    for (prog, *_), v in zip(plan.entries, sums):
        out[prog] += v
    return out["jkk"], out["jkm"]


def price(plan: Plan, idx: list, z: list, counts: list, b: int) -> np.ndarray:
    """Yearly sums (one row per group) of the claims drawn one by one: ``idx[j]`` the amounts (in
    the plan's tables) of group ``j``'s claims, year by year as ``counts[j]`` says, ``z[j]`` their
    standard normals (None: no medical cost).  Each claim costs ``amount + min(exp(mu + sigma z),
    cap)``, computed as :meth:`Sampler._medical` does (same operations, same order: same bits),
    for each run of consecutive groups with a medical cost at once."""
    i = np.concatenate(idx)
    amt = plan.amounts[i]
    pos = 0
    for medical, run in itertools.groupby(zip(z, idx), key=lambda zi: zi[0] is not None):
        run = list(run)
        n = sum(ij.size for _, ij in run)
        if medical:                       # consecutive groups with a medical cost, at once
            seg = i[pos:pos + n]
            t = plan.sigma[seg]
            t *= np.concatenate([zj for zj, _ in run]) if len(run) > 1 else run[0][0]
            with np.errstate(invalid="ignore"):
                t += plan.mu[seg]
            np.exp(t, out=t)
            np.minimum(t, plan.cap[seg], out=t)
            amt[pos:pos + n] += t
        pos += n
    key = np.repeat(np.arange(len(counts) * b), np.concatenate(counts))
    return np.bincount(key, weights=amt, minlength=len(counts) * b).reshape(len(counts), b)


