"""Projections against independent calculations: survival-weighted expectations worked cell by
cell, deterministic JHT by brute-force accumulation, per-year exact vs Monte Carlo, dated changes."""
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from sim.analyses import cells, jht, projection
from sim.analyses.model import run
from sim.inputs.portfolio import from_workers
from sim.inputs.scenario import load_scenario
from sim.risk import montecarlo
from sim.risk.mortality import load_table

ROOT = Path(__file__).resolve().parent.parent
BASE = ROOT / "params" / "belu-2023.yaml"
JHT = ROOT / "params" / "belu-2023-jht.yaml"
CLOSED = ["assumptions.projection.lapse_rate=0", "assumptions.projection.new_entrant_rate=0"]


@pytest.fixture(scope="module")
def proj():
    scen = load_scenario(BASE)
    return scen, *projection.project(scen, 8)


def test_first_year_equals_the_one_year_run(proj):
    scen, rows, _ = proj
    one = run(scen, checks=False)
    r = rows[0]
    assert r.contributions == one["contributions"]
    assert r.model.expected_amount("jkk") + r.model.expected_amount("jkm") == pytest.approx(one["expected_claims"]["total"])
    assert r.exact["total"].quantile(0.995) == one["claims_quantiles"]["99.5"]


def test_survival_weighted_members_and_deaths_by_hand():
    scen = load_scenario(BASE, CLOSED + ["assumptions.accidents.frequency_multiplier=0"])
    pf = from_workers([40, 63], [True, False], [0, 0], [1e6, 1e6], [1.0, 1.0], [0, 0])
    rows, coh = projection.project(scen, 4, portfolio=pf)
    qm, qf = load_table("population_2023")
    man = [1.0]
    for t in range(3):
        man.append(man[-1] * (1 - qm[40 + t]))
    woman = [1.0, 1 - qf[63]]          # leaves the cover at 65: in force in years 1 and 2 only
    for t in range(4):
        expected_members = man[t] + (woman[t] if t < 2 else 0.0)
        assert rows[t].portfolio.count.sum() == pytest.approx(expected_members, rel=1e-12)
        deaths = man[t] * qm[40 + t] + (woman[t] * qf[63 + t] if t < 2 else 0.0)
        assert rows[t].model.expected_count("jkm") == pytest.approx(deaths, rel=1e-12)


def test_scholarship_starts_after_three_years_of_membership():
    scen = load_scenario(BASE, ["assumptions.accidents.frequency_multiplier=0"])
    out = projection.run_projection(scen, 6, 100)
    assert out["first_jkm_scholarship_year"] == 4 and out["first_scholarship_year"] == 4
    sch = [r["scholarship"] for r in out["rows"]]
    assert sch[:3] == [0, 0, 0] and min(sch[3:]) > 0
    veteran = load_scenario(BASE, ["assumptions.accidents.frequency_multiplier=0",
                                   "portfolio.prior_membership_months=36"])
    assert projection.run_projection(veteran, 2, 100)["first_scholarship_year"] == 1


def test_per_year_exact_agrees_with_monte_carlo(proj):
    _, rows, _ = proj
    for t in (1, 4):        # before and after the JKM scholarship starts
        r = rows[t]
        sim = montecarlo.simulate(r.model, 50_000, seed=t)
        d = r.exact["total"]
        assert abs(sim.total.mean() - d.mean()) < 4 * sim.total.std() / np.sqrt(50_000)
        for q in (0.5, 0.9):
            x = d.quantile(q)
            assert abs(np.mean(sim.total <= x) - d.cdf(x)) < 4 * np.sqrt(q * (1 - q) / 50_000) + 0.01


def test_path_totals_match_the_exact_means(proj):
    _, rows, _ = proj
    sims = projection.sample_totals(rows, 40_000, seed=5)
    for j, r in enumerate(rows):
        assert abs(sims[:, j].mean() - r.exact["total"].mean()) < 4 * sims[:, j].std() / 200 + r.exact["total"].h
    cum = sims.sum(axis=1)
    assert abs(cum.mean() - sum(r.exact["total"].mean() for r in rows)) < 4 * cum.std() / 200 + 8 * rows[0].exact["total"].h


def brute_force_fund(coh, monthly, returns, ret_age):
    """Cell by cell, year by year: balances grow, members leave and are paid, retirees are paid."""
    C, T = coh.n_start.shape
    # the year each member reaches the retirement age (the year of joining for those already there)
    R = np.full(C, 10 ** 6)
    for c in range(C):
        for t in range(coh.entry[c], T):
            if coh.age0[c] + (t - coh.entry[c]) + 1 >= ret_age:
                R[c] = t
                break
    bal = np.zeros(C)
    fund, paid = [], []
    for t in range(T):
        active = coh.entry <= t
        i = (1 + returns[t]) ** (1 / 12) - 1
        s12 = 12.0 if i == 0 else ((1 + i) ** 12 - 1) / i
        bal = np.where(active, bal * (1 + returns[t]) + monthly[t] * s12, 0.0)
        retire = active & (R == t)
        paid.append(float(np.sum(coh.exits[:, t] * bal) + np.sum(coh.n_end[:, t] * bal * retire)))
        bal = np.where(retire, 0.0, bal)
        fund.append(float(np.sum(coh.n_end[:, t] * bal)))
    return np.array(fund), np.array(paid)


def test_deterministic_jht_fund_equals_brute_force_accumulation():
    scen = load_scenario(JHT)
    rows, coh = projection.project(scen, 12, distributions=False)
    monthly = np.full(12, 20_000.0)
    returns = np.linspace(0.04, 0.07, 12)
    got = jht.fund_paths(coh, monthly, returns[None, :], 56)
    fund, paid = brute_force_fund(coh, monthly, returns, 56)
    assert np.allclose(got["fund"][0], fund, rtol=1e-10)
    assert np.allclose(got["paid_out"][0], paid, rtol=1e-10)


def test_balance_at_retirement_closed_form_and_spread():
    r = jht.return_paths(0.06, 0.0, 40, 1, 0)
    assert jht.balance_at_retirement(30, [20_000.0], r, 56)[0] == pytest.approx(jht.balance(26 * 12, 20_000, 0.06))
    sto = jht.balance_at_retirement(30, [20_000.0], jht.return_paths(0.06, 0.01, 40, 20_000, 1), 56)
    det = jht.balance(26 * 12, 20_000, 0.06)
    assert np.percentile(sto, 5) < det < np.percentile(sto, 95)
    assert abs(np.median(sto) - det) / det < 0.01


def test_dated_income_and_allocation_changes():
    scen = load_scenario(BASE, CLOSED + ["income.changes={2025-01-01: 1500000}",
                                         "budget.allocation_changes={2024-01-01: 1200000000}"])
    out = projection.run_projection(scen, 3, 100)
    inc = [r["declared_income_monthly"] for r in out["rows"]]
    assert inc == [1_000_000, 1_000_000, 1_500_000]                # year 3 starts 2025-06-01
    assert [r["budget"]["allocation"] for r in out["rows"]] == [1_175_126_400, 1_200_000_000, 1_200_000_000]
    r3 = out["rows"][2]
    assert r3["contributions"]["jkk"] == pytest.approx(r3["workers"] * 15_000 * 12)


def test_income_change_below_the_floor_is_refused():
    from sim.common.errors import InputError
    with pytest.raises(InputError) as exc:
        load_scenario(BASE, ["income.changes={2025-01-01: 800000}"])
    assert "income.changes.2025-01-01: declared income Rp 800.000 is below the BPU floor" in str(exc.value)


def test_compare_jht_against_the_baseline():
    from sim.analyses.compare import compare
    c = compare(load_scenario(BASE), load_scenario(JHT), 4, 200)
    for r, ra in zip(c["rows"], c["a"]["rows"]):
        assert r["budget_required"]["difference"] == pytest.approx(ra["workers"] * 20_000 * 12)
        assert r["loss_ratio"]["a"] == r["loss_ratio"]["b"]
        assert r["jht_fund"]["b"] > 0 and r["jht_fund"]["a"] == 0


def test_cli_project_and_compare_json():
    r = subprocess.run([sys.executable, "-m", "sim", "project", str(JHT), "--years", "3", "--paths", "500", "--json"],
                       capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert len(out["rows"]) == 3 and "jht_at_retirement" in out and out["rows"][0]["jht"]["fund"] > 0
    assert {"cumulative_claims_percentiles", "prob_cumulative_claims_exceed_contributions"} <= set(out["rows"][2])
    r = subprocess.run([sys.executable, "-m", "sim", "compare", str(BASE), str(JHT), "--years", "2", "--paths", "100",
                        "--json"], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0 and len(json.loads(r.stdout)["rows"]) == 2
    r = subprocess.run([sys.executable, "-m", "sim", "project", str(BASE), "--years", "41"], capture_output=True,
                       text=True, cwd=ROOT)
    assert r.returncode == 2 and "between 1 and 40" in r.stderr


def test_income_change_before_the_start_applies_to_the_one_year_run_too():
    scen = load_scenario(BASE, ["scenario.start=2025-06-01", "income.changes={2025-01-01: 1500000}"])
    one = run(scen, checks=False)
    year1 = projection.run_projection(scen, 1, 100)["rows"][0]
    assert one["declared_income_monthly"] == 1_500_000
    assert one["contributions"] == year1["contributions"]
    assert one["contributions"]["jkk"] == 5892 * 15_000 * 12


def test_leap_day_start_keeps_funded_months_and_contributions():
    """A scenario starting on 29 February: year t starts 12 t calendar months later (28 February in a
    common year, not 1 March), so funding until 31 August 2025 pays 12 months in year 1 and 6 in year 2
    (cover months 12..17 begin on 28 Feb, 29 Mar, 29 Apr, 29 May, 29 Jun and 29 Jul 2025 and end by
    28 August; month 18 ends on 28 September), and contributions follow those months."""
    scen = load_scenario(BASE, CLOSED + ["assumptions.accidents.frequency_multiplier=0",
                                         "scenario.start=2024-02-29", "budget.funded_until=2025-08-31"])
    assert [projection.year_start(scen.start, t) for t in range(5)] == [
        "2024-02-29", "2025-02-28", "2026-02-28", "2027-02-28", "2028-02-29"]
    pf = from_workers([40], [True], [0], [1e6], [1.0], [0])
    rows, coh = projection.project(scen, 3, portfolio=pf)
    assert [r.funded_months for r in rows] == [12, 6, 0]
    assert [r.date for r in rows] == ["2024-02-29", "2025-02-28", "2026-02-28"]
    qm, _ = load_table("population_2023")
    alive = [1.0, 1 - qm[40], 1.0]
    # BPU contributions at a declared income of Rp 1,000,000: JKK 1% = Rp 10,000, JKM Rp 6,800 a month
    for t, (months, n) in enumerate(zip([12, 6, 0], alive)):
        assert rows[t].contributions["jkk"] == pytest.approx(n * months * 10_000, rel=1e-12)
        assert rows[t].contributions["jkm"] == pytest.approx(n * months * 6_800, rel=1e-12)
        assert rows[t].budget["required"] == pytest.approx(n * months * 16_800, rel=1e-12)
    out = projection.run_projection(scen, 3, 10)
    assert [r["funded_months"] for r in out["rows"]] == [12, 6, 0]
    assert [r["start"] for r in out["rows"]] == ["2024-02-29", "2025-02-28", "2026-02-28"]


def test_merged_cells_have_the_claims_and_decrements_of_the_cells():
    """merge_cells against the cells it merges: same members, the same claim model figures, the same
    exact distribution and decrements, on cells of many memberships (all JKM classes and cells
    straddling the waiting period and 36 months), two incomes and part-year cover."""
    from sim.inputs.portfolio import concat, expected_cells
    from sim.risk import aggregate, claims
    scen = load_scenario(BASE)
    bands, occ = scen.param("assumptions.portfolio.age_bands"), scen.param("assumptions.portfolio.occupation_mix")
    for exposure in (1.0, 7 / 12):
        parts = [expected_cells(300.0, inc, 0.6, bands, occ, m) for m in (0, 1.5, 12, 24, 30, 36, 60, 120, 30, 1.5)
                 for inc in (1e6, 2.5e6)]
        pf = concat(parts)
        pf.exposure[:] = exposure
        a = claims.Assumptions.from_scenario(scen)
        merged, inv = cells.merge_cells(pf, a.waiting_months, a.scholarship_min_months)
        # classes: memberships 0, 1.5, 30 (each straddles a bound), 12 and 24 (full cash), 36 and more
        assert merged.count.size == pf.count.size * 5 // 10
        assert np.allclose(np.bincount(inv, weights=pf.count), merged.count, rtol=1e-14)
        for f in ("age", "male", "occupation", "income", "exposure"):
            assert np.array_equal(getattr(merged, f)[inv], getattr(pf, f))
        shares = lambda p: claims.jkm_shares_of_cells(p.membership, p.exposure, a.waiting_months,  # noqa: E731
                                                      a.scholarship_min_months)
        assert np.array_equal(shares(merged)[inv], shares(pf))
        m1, m2 = claims.build(scen, pf, a), claims.build(scen, merged, a)
        for prog in ("jkk", "jkm"):
            assert m2.expected_count(prog) == pytest.approx(m1.expected_count(prog), rel=1e-12)
            assert m2.expected_amount(prog) == pytest.approx(m1.expected_amount(prog), rel=1e-12)
            assert m2.variance(prog) == pytest.approx(m1.variance(prog), rel=1e-12)
        assert claims.scholarship_cost(a, m2) == pytest.approx(claims.scholarship_cost(a, m1), rel=1e-12)
        d1, d2 = (aggregate.exact(m, 1e5, parts=("total",))["total"] for m in (m1, m2))
        assert d1.offset == d2.offset and np.max(np.abs(d1.pmf - d2.pmf)) < 1e-14
        assert [d2.quantile(q) for q in (0.5, 0.99, 0.995)] == [d1.quantile(q) for q in (0.5, 0.99, 0.995)]
        assert np.array_equal(projection._stay(a, merged, 0.08, 65)[inv], projection._stay(a, pf, 0.08, 65))


def test_merge_cells_of_a_roster_with_many_incomes_and_dates():
    """Many distinct incomes and memberships (the sorting path of merge_cells): every cell's merged cell
    has its age, sex, occupation, income, exposure and JKM shares, and the counts add up."""
    from sim.risk import claims
    rng = np.random.default_rng(7)
    n = 6000
    pf = from_workers(rng.integers(18, 65, n), rng.random(n) < 0.5, rng.integers(0, 9, n),
                      rng.integers(1000, 3000, n) * 1000.0, rng.choice([1.0, 0.5], n), rng.integers(0, 60, n))
    merged, inv = cells.merge_cells(pf, 3, 36)
    assert merged.count.size < pf.count.size
    assert np.allclose(np.bincount(inv, weights=pf.count), merged.count, rtol=1e-14)
    for f in ("age", "male", "occupation", "income", "exposure"):
        assert np.array_equal(getattr(merged, f)[inv], getattr(pf, f))
    sh = lambda p: claims.jkm_shares_of_cells(p.membership, p.exposure, 3, 36)  # noqa: E731
    assert np.array_equal(sh(merged)[inv], sh(pf))
    # no two merged cells could have been one
    key = np.column_stack([merged.age, merged.male, merged.occupation, merged.income, merged.exposure, sh(merged)])
    assert np.unique(key, axis=0).shape[0] == merged.count.size


@pytest.mark.parametrize("paths", [1, 2, 3, 1000, 5000])
def test_sampled_totals_are_the_inversion_of_each_years_distribution(proj, paths):
    """sample_totals (search in increasing order) against the plain inversion path by path."""
    _, rows, _ = proj
    got = projection.sample_totals(rows, paths, seed=11)
    rng = np.random.default_rng([11, 3])
    for j, r in enumerate(rows):
        d = r.exact["total"]
        cdf = np.cumsum(d.pmf)
        u = rng.random(paths)
        want = [(d.offset + min(int(np.searchsorted(cdf, x * cdf[-1], side="right")), cdf.size - 1)) * d.h for x in u]
        assert np.array_equal(got[:, j], want)


def test_percentiles_of_a_sorted_copy_are_numpys():
    rng = np.random.default_rng(3)
    x = np.round(rng.lognormal(0, 1, (10_001, 3)), 2)          # ties included
    for j in range(3):
        assert np.array_equal(projection._percentiles(x[:, j]), np.percentile(x[:, j], projection.PERCENTILES))


def test_projection_on_merged_cells_equals_the_projection_cell_by_cell():
    """project(merged=True), the default, against one cell per cell and entry year: a roster of many
    incomes and enrolment dates, entrants every year, part of the years funded; the cohort the same
    bit for bit, every year's money, claims and exact distribution to 1e-12."""
    rng = np.random.default_rng(5)
    n = 3000
    pf = from_workers(rng.integers(18, 64, n), rng.random(n) < 0.5, rng.integers(0, 9, n),
                      rng.choice([1e6, 1.5e6, 2.2e6], n), np.ones(n), rng.integers(0, 48, n) * 1.0)
    scen = load_scenario(JHT, ["budget.funded_until=2028-11-30"])
    (fast, c1), (slow, c2) = (projection.project(scen, 7, portfolio=pf, merged=m) for m in (True, False))
    for f in ("n_start", "n_end", "exits"):
        assert np.array_equal(getattr(c1, f), getattr(c2, f))
    assert sum(r.portfolio.count.size for r in fast) < sum(r.portfolio.count.size for r in slow) / 2
    for a, b in zip(fast, slow):
        assert a.funded_months == b.funded_months
        for k in ("jkk", "jkm", "jht"):
            assert a.contributions[k] == pytest.approx(b.contributions[k], rel=1e-12, abs=1e-6)
        assert a.budget["required"] == pytest.approx(b.budget["required"], rel=1e-12, abs=1e-6)
        for p in ("jkk", "jkm"):
            assert a.model.expected_amount(p) == pytest.approx(b.model.expected_amount(p), rel=1e-12, abs=1e-6)
            assert a.model.variance(p) == pytest.approx(b.model.variance(p), rel=1e-12, abs=1e-6)
        assert a.scholarship == pytest.approx(b.scholarship, rel=1e-12, abs=1e-6)
        da, db = a.exact["total"], b.exact["total"]
        assert da.offset == db.offset and da.pmf.size == db.pmf.size and np.max(np.abs(da.pmf - db.pmf)) < 1e-12
    assert [r.funded_months for r in fast] == [12, 12, 12, 12, 12, 6, 0]
    # the projection's merging (what does not change computed once) is cells.merge_cells of the year's cells
    from sim.risk.claims import Assumptions
    a = Assumptions.from_scenario(scen)
    for r, s in zip(fast, slow):
        m, _ = cells.merge_cells(s.portfolio, a.waiting_months, a.scholarship_min_months)
        for f in ("age", "male", "occupation", "income", "exposure", "membership"):
            assert np.array_equal(getattr(m, f), getattr(r.portfolio, f))
        assert np.allclose(m.count, r.portfolio.count, rtol=1e-14, atol=0)


def test_an_empty_portfolio_projects_to_nothing():
    scen = load_scenario(BASE)
    rows, coh = projection.project(scen, 3, portfolio=from_workers([], [], [], [], [], []))
    assert [r.portfolio.count.size for r in rows] == [0, 0, 0] and coh.n_start.shape == (0, 3)
    assert all(r.contributions["total"] == 0 and r.exact["total"].mean() == 0 for r in rows)
