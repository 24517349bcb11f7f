"""The Monte Carlo kernel drawn faster gives the draws of the plain way, to the bit: the guide-table
inversion against numpy's binary search, and a batch against a straightforward group-by-group
reference (the kernel before issue 10's roster work: counts and amounts by ``searchsorted``, each
group's claims priced and summed on their own)."""
import numpy as np
import pytest

from sim.risk import mc_kernel
from sim.risk.aggregate import count_pmf
from sim.risk.claims import ClaimModel, RiskGroup
from sim.risk.severity import Component, Medical, Severity


def _searchsorted_index(cum, u):
    return np.minimum(np.searchsorted(cum, u * cum[-1], side="right"), cum.size - 1)


def _hard_uniforms(cum, G, rng, n=20_000):
    """Uniforms at and around every cell start and every boundary, 0, the largest below 1, random."""
    c = np.arange(G) / G
    at_bounds = cum / cum[-1]
    pts = np.concatenate([c, at_bounds, np.nextafter(at_bounds, 0), np.nextafter(at_bounds, 1),
                          np.nextafter(c, 0), np.nextafter(c, 1), [0.0, 1 - 2 ** -53], rng.random(n)])
    return pts[(pts >= 0) & (pts < 1)]


CUMS = {
    "uniform 19": np.cumsum(np.full(19, 1 / 19)),
    "zeros and ties": np.cumsum([0.0, 0.2, 0.0, 0.0, 0.3, 0.5, 0.0]),
    "tiny probabilities": np.cumsum([1e-12, 0.4, 1e-9, 1e-9, 1e-9, 0.6, 1e-15]),
    "one amount": np.array([1.0]),
    "12,500 atoms": np.cumsum(np.random.default_rng(0).pareto(1.5, 12_500)),
    "a count tail": np.cumsum(count_pmf(np.array([2_000.0, 500.0]), np.array([0.004, 0.01]))),
    "not normalised": np.cumsum([3.0, 1.0, 0.5, 7.25]),
}


@pytest.mark.parametrize("name", sorted(CUMS))
def test_the_guide_table_gives_the_binary_search_index(name):
    cum = CUMS[name]
    inv = mc_kernel.Inverse(cum)
    u = _hard_uniforms(cum, int(inv.G), np.random.default_rng(1))
    assert np.array_equal(inv.index(u), _searchsorted_index(cum, u))


def test_shared_guides_are_one_object_per_table():
    a = mc_kernel.Inverse.shared(np.cumsum([0.25, 0.75]))
    b = mc_kernel.Inverse.shared(np.cumsum([0.25, 0.75]))
    c = mc_kernel.Inverse.shared(np.cumsum([0.5, 0.5]))
    assert a is b and a is not c


# --- the reference: group by group, as simple as it gets -----------------------------------------

def _reference_batch(model, b, ss, mode="exact"):
    rng = np.random.default_rng(ss)
    out = {"jkk": np.zeros(b), "jkm": np.zeros(b)}
    for prog in ("jkk", "jkm"):
        for g in model.of(prog):
            s = mc_kernel.Sampler(g.severity)
            if mode == "cells":
                k = np.zeros(b, dtype=np.int64)
                for n, p in zip(g.count, g.prob):
                    if n > 0 and p > 0:
                        k += rng.binomial(int(n), float(p), size=b)
            else:
                k = _searchsorted_index(np.cumsum(count_pmf(g.count, g.prob)), rng.random(b))
            total = int(k.sum())
            if total == 0:
                continue
            if s.multinomial(k):         # the kernel's choice (its rule has a test of its own)
                out[prog] += s.multinomial_sums(rng, k)
                continue
            idx = _searchsorted_index(s.cum, rng.random(total))
            amt = s.amounts[idx]
            if s.medical:
                z = rng.standard_normal(total)
                with np.errstate(invalid="ignore"):
                    amt = amt + np.minimum(np.exp(s.mu[idx] + s.sigma[idx] * z), s.cap[idx])
            out[prog] += np.bincount(np.repeat(np.arange(b), k), weights=amt, minlength=b)
    return out["jkk"], out["jkm"]


def _mixed_model():
    """Claim-by-claim and multinomial groups, with and without a medical cost, tiny probabilities,
    a group with no claim at all, two groups sharing a severity."""
    med = Medical.calibrated(3e6, 1.0, 5e8)
    sev_med = Severity((Component(0.6, (10e6, 0.0), (0.999, 0.001), med), Component(0.4, (42e6, 80e6), (0.5, 0.5), med)))
    sev_mixed = Severity((Component(0.7, (0.0, 5e6), (0.5, 0.5), med), Component(0.3, (30e6,), (1.0,), None)))
    sev_plain = Severity((Component(1.0, (20e6, 1e3), (1 - 1e-9, 1e-9), None),))
    groups = [RiskGroup("jkk", np.full(4, 500.0), np.full(4, 0.003), sev_med, np.arange(4)),     # 6 a year
              RiskGroup("jkk", np.full(2, 2e4), np.full(2, 0.01), sev_mixed, np.arange(2)),      # 400: multinomial
              RiskGroup("jkk", np.full(3, 300.0), np.full(3, 0.004), sev_med, np.arange(3)),
              # 10 a year for 4 amounts: at least 2 a year per amount, below 12 per extra amount (one by one)
              RiskGroup("jkk", np.full(4, 500.0), np.full(4, 0.005), sev_med, np.arange(4)),
              RiskGroup("jkm", np.full(2, 10.0), np.full(2, 1e-6), sev_plain, np.arange(2)),     # almost never
              RiskGroup("jkm", np.full(3, 1000.0), np.full(3, 0.001), sev_plain, np.arange(3)),      # 3: one by one
              RiskGroup("jkm", np.full(2, 800.0), np.full(2, 0.003), sev_mixed, np.arange(2))]
    return ClaimModel(groups, {"jkk": True, "jkm": True, "jht": False})


@pytest.mark.parametrize("mode", ["exact", "cells"])
def test_a_batch_draws_what_the_group_by_group_reference_draws(mode):
    model = _mixed_model()
    plan = mc_kernel.Plan(model, mode)
    for b, seed in ((1, 3), (977, 4), (5_000, 5)):
        ss = np.random.SeedSequence([seed, 2])
        got = mc_kernel.draw_batch((plan, b, ss, mode))
        ref = _reference_batch(model, b, ss, mode)
        assert np.array_equal(got[0], ref[0]) and np.array_equal(got[1], ref[1])


def test_a_baseline_batch_is_the_reference_to_the_bit(baseline_run):
    model = baseline_run.model
    plan = mc_kernel.Plan(model, "exact")
    ss = np.random.SeedSequence([7, 2]).spawn(3)[2]
    got = mc_kernel.draw_batch((plan, 20_000, ss, "exact"))
    ref = _reference_batch(model, 20_000, ss)
    assert np.array_equal(got[0], ref[0]) and np.array_equal(got[1], ref[1])


def test_the_multinomial_rule():
    """Multinomial numbers from 2 claims a year per amount, and from 3 amounts on also 12 a year per
    extra amount (numpy draws d - 1 binomials a year for d amounts): 4 amounts need 36 a year."""
    two = mc_kernel.Sampler(Severity((Component(1.0, (1e6, 2e6), (0.5, 0.5), None),)))
    four = mc_kernel.Sampler(_mixed_model().of("jkk")[0].severity)
    assert (two.amounts.size, four.amounts.size) == (2, 4)
    years = lambda m: np.full(100, m, dtype=np.int64)       # noqa: E731
    assert not two.multinomial(years(3)) and two.multinomial(years(4))
    assert not four.multinomial(years(10)) and not four.multinomial(years(35)) and four.multinomial(years(36))
    k = np.array([35, 37] * 50, dtype=np.int64)             # mean 36 from unequal years
    assert four.multinomial(k) and four.multinomial(k, int(k.sum()))
