"""The vectorized cell model equals a slow worker-by-worker computation on small portfolios."""
from pathlib import Path

import numpy as np
import pytest

from sim.analyses.model import compute
from sim.inputs.build import build_portfolio
from sim.inputs.portfolio import OCCUPATIONS, from_workers
from sim.inputs.scenario import load_scenario
from sim.law import contributions
from sim.risk import claims
from tests import seriatim

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def small(baseline):
    return baseline.with_values(portfolio__workers=300)


def test_expected_claims_equal_the_worker_by_worker_sums(small):
    pf = build_portfolio(small)
    assert pf.workers == 300
    model = claims.build(small, pf)
    slow = seriatim.expected(small, pf, OCCUPATIONS)
    assert model.expected_count("jkm") == pytest.approx(slow["deaths"], rel=1e-12)
    assert model.expected_count("jkk") == pytest.approx(slow["accidents"], rel=1e-12)
    assert model.expected_amount("jkk") == pytest.approx(slow["jkk"], rel=1e-9)
    assert model.expected_amount("jkm") == pytest.approx(slow["jkm"], rel=1e-6)   # midpoint rule


def test_mixed_roster_with_enrolment_history_and_incomes(baseline):
    # members with 0, 2, 20 and 40 months behind them, part years, two incomes, every occupation
    rng = np.random.default_rng(3)
    n = 120
    pf = from_workers(rng.integers(18, 65, n), rng.random(n) < 0.5, rng.integers(0, len(OCCUPATIONS), n),
                      rng.choice([1_000_000.0, 2_500_000.0], n), rng.choice([1.0, 0.5, 0.25], n),
                      rng.choice([0.0, 2.0, 20.0, 40.0], n))
    model = claims.build(baseline, pf)
    slow = seriatim.expected(baseline, pf, OCCUPATIONS)
    assert model.expected_count("jkm") == pytest.approx(slow["deaths"], rel=1e-12)
    assert model.expected_amount("jkk") == pytest.approx(slow["jkk"], rel=1e-9)
    assert model.expected_amount("jkm") == pytest.approx(slow["jkm"], rel=1e-6)
    sched = contributions.Schedule.from_scenario(baseline)
    fast = contributions.annual(pf, sched, {"jkk": True, "jkm": True, "jht": True})
    jht = baseline.with_values(programs__jht=True)
    slow_c = seriatim.contributions(jht, pf)
    for k in ("jkk", "jkm", "jht"):
        assert fast[k] == pytest.approx(slow_c[k], rel=1e-12)


def test_expected_deaths_are_the_sum_of_death_probabilities(baseline_run, baseline):
    pf = baseline_run.portfolio
    p_jkm, _ = claims.probabilities(claims.Assumptions.from_scenario(baseline), pf)
    assert baseline_run.model.expected_count("jkm") == pytest.approx(float(np.sum(pf.count * p_jkm)), rel=1e-12)
    # and these are the table's q_x (minus work-accident deaths) summed worker by worker
    slow = seriatim.expected(baseline, pf, OCCUPATIONS)
    assert baseline_run.model.expected_count("jkm") == pytest.approx(slow["deaths"], rel=1e-12)


def test_tmi_table_with_loading(baseline):
    scen = load_scenario(ROOT / "params" / "belu-2023.yaml",
                         ["assumptions.mortality.table=tmi_iv_2019", "assumptions.mortality.loading=1.75",
                          "portfolio.workers=200"])
    pf = build_portfolio(scen)
    model = claims.build(scen, pf)
    slow = seriatim.expected(scen, pf, OCCUPATIONS)
    assert model.expected_count("jkm") == pytest.approx(slow["deaths"], rel=1e-12)


def test_synthetic_roster_is_deterministic_from_the_seed(baseline):
    a = build_portfolio(baseline)
    b = build_portfolio(baseline)
    c = build_portfolio(baseline.with_values(simulation__seed=7))
    assert np.array_equal(a.count, b.count) and np.array_equal(a.age, b.age)
    assert not (a.count.size == c.count.size and np.array_equal(a.count, c.count))
    assert a.workers == 5892 and a.villages == 69 and a.village_counts.sum() == 5892
    kec = a.by_kecamatan()
    # the 69 desa lie in 9 kecamatan (the 12 kelurahan of the 3 town kecamatan are not desa)
    assert len(kec) == 9 and sum(kec.values()) == 5892 and "Kota Atambua" not in kec


def test_synthetic_roster_follows_its_assumptions(baseline):
    pf = build_portfolio(baseline.with_values(portfolio__workers=2_000_000))
    share_male = pf.count[pf.male].sum() / pf.workers
    assert share_male == pytest.approx(0.4985, abs=0.002)
    farming = pf.count[pf.occupation == OCCUPATIONS.index("farming")].sum() / pf.workers
    assert farming == pytest.approx(0.55, abs=0.002)
    assert pf.age.min() == 18 and pf.age.max() == 64


def test_monte_carlo_by_worker_agrees_with_the_exact_distribution(small):
    c = compute(small, mc_years=0)
    years = 20_000
    sims = seriatim.simulate_workers(c.model, years, seed=11)
    d = c.exact["total"]
    se = sims.std() / np.sqrt(years)
    assert abs(sims.mean() - d.mean()) < 4 * se
    for x in (0.0, d.quantile(0.5), d.quantile(0.9), d.quantile(0.99)):
        f = float(d.cdf(x))
        f_hat = float(np.mean(sims <= x + 50_000))   # lattice point x stands for (x - h/2, x + h/2]
        assert abs(f_hat - f) < 4 * np.sqrt(f * (1 - f) / years) + 0.01
