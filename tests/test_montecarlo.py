"""Monte Carlo against the exact distribution, within its standard error."""
import numpy as np
import pytest

from sim.risk import aggregate, montecarlo


def check_against_exact(sim_total, model, years):
    exact = aggregate.exact(model)["total"]
    lo = aggregate.exact(model, method="lower")["total"]
    hi = aggregate.exact(model, method="upper")["total"]
    se = sim_total.std(ddof=1) / np.sqrt(years)
    assert abs(sim_total.mean() - exact.mean()) < 4 * se
    for q in (0.1, 0.5, 0.9, 0.99):
        x = exact.quantile(q)
        f_hat = float(np.mean(sim_total <= x))
        # the true CDF lies between the rounded-up and rounded-down lattice CDFs
        f_low, f_high = float(hi.cdf(x)), float(lo.cdf(x))
        band = 4 * np.sqrt(q * (1 - q) / years)
        assert f_low - band <= f_hat <= f_high + band, (q, f_hat, f_low, f_high)


def test_monte_carlo_with_exact_counts_agrees(baseline_run):
    years = 200_000
    sim = montecarlo.simulate(baseline_run.model, years, seed=1)
    check_against_exact(sim.total, baseline_run.model, years)
    for prog in ("jkk", "jkm"):
        x = getattr(sim, prog)
        assert abs(x.mean() - baseline_run.model.expected_amount(prog)) < 4 * x.std() / np.sqrt(years)


def test_monte_carlo_with_binomial_counts_per_cell_agrees(baseline_run):
    years = 20_000
    sim = montecarlo.simulate(baseline_run.model, years, seed=2, counts="cells")
    check_against_exact(sim.total, baseline_run.model, years)


def test_probability_of_exceeding_contributions(baseline_run):
    years = 200_000
    sim = montecarlo.simulate(baseline_run.model, years, seed=3)
    c = baseline_run.contributions["jkk"] + baseline_run.contributions["jkm"]
    s = montecarlo.summary(sim.total, c)
    exact = baseline_run.exact["total"].prob_exceed(c)
    assert abs(s["prob_exceed_contributions"] - exact) < 4 * s["prob_exceed_se"] + 1e-3
    assert s["quantiles"]["50"] <= s["quantiles"]["90"] <= s["quantiles"]["99.5"] <= s["tvar_99_5"]


def test_seed_fixes_every_draw(baseline_run):
    a = montecarlo.simulate(baseline_run.model, 1000, seed=9)
    b = montecarlo.simulate(baseline_run.model, 1000, seed=9)
    c = montecarlo.simulate(baseline_run.model, 1000, seed=10)
    assert np.array_equal(a.total, b.total) and not np.array_equal(a.total, c.total)


def test_batches_do_not_change_the_distribution(baseline_run):
    a = montecarlo.simulate(baseline_run.model, 50_000, seed=4, batch=7_000)
    assert abs(a.total.mean() - baseline_run.exact["total"].mean()) < 4 * a.total.std() / np.sqrt(50_000)


def test_summary_of_a_known_sample():
    x = np.arange(1, 1001, dtype=float)
    s = montecarlo.summary(x, 900)
    assert s["mean"] == pytest.approx(500.5)
    assert s["quantiles"]["50"] == 500 and s["quantiles"]["99.5"] == 995
    assert s["prob_exceed_contributions"] == pytest.approx(0.1)
    # the worst 0.5% of years are 996..1000, averaging 998
    assert s["tvar_99_5"] == pytest.approx(998)
