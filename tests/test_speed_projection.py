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


# ------------------------------------------------------------------ a lattice step per projected year
import json  # noqa: E402
import sys  # noqa: E402

import pytest  # noqa: E402

from sim.analyses import projection  # noqa: E402
from sim.inputs.scenario import load_scenario  # noqa: E402
from sim.risk import aggregate, exact_many  # noqa: E402
from tests.make_reference_figures import FIXTURE, ROOT  # noqa: E402

H = 100_000.0
#: the years (0-based rows) of the 40-year Belu projection whose step the rule coarsens (h -> 2h)
COARSENED = list(range(12, 40))
#: figures of those years that follow from their distributions (the rest is the same to 1e-9)
DISTRIBUTION_KEYS = ("claims_quantiles", "prob_claims_exceed_contributions", "cumulative_claims_percentiles",
                     "prob_cumulative_claims_exceed_contributions")


@pytest.fixture(scope="module")
def jht40():
    scen = load_scenario(ROOT / "params" / "belu-2023-jht.yaml", ["simulation.monte_carlo_years=0"])
    rows, _ = projection.project(scen, 40, distributions=False)
    return scen, rows


def test_lattice_steps_rule(jht40, monkeypatch):
    """The rule of the module docstring, on Belu's 40 years: the step stays h while the year's grid is at
    most 1,5 times the first year's (years 1-12, hence every year of a 10-year projection) and is 2h
    after; every grid at its step within the bound; a coarsened year's step relative to its window at
    most 4/3 of year 1's, relative to its spread (sd) at most 10% above year 1's; a year without
    claims keeps h; small grids are never coarsened."""
    _, rows = jht40
    models = [r.model for r in rows]
    steps = exact_many.lattice_steps(models, H)
    assert [j for j, s in enumerate(steps) if s != H] == COARSENED
    assert all(s in (H, 2 * H) for s in steps)
    assert exact_many.lattice_steps(models[:10], H) == [H] * 10
    n = [aggregate.grid_size(m.of("jkk") + m.of("jkm"), H) for m in models]
    bound = exact_many.GRID_GROWTH * n[0]
    assert exact_many.GRID_GROWTH == 1.5
    rel1 = H / aggregate.moments(models[0].of("jkk") + models[0].of("jkm"))[1]
    for m, s, nt in zip(models, steps, n):
        m_t = round(s / H)
        assert m_t == max(1, int(np.ceil(nt / bound)))
        grid = aggregate.grid_size(m.of("jkk") + m.of("jkm"), s)
        assert grid <= aggregate.next_fast_len(int(bound) + 1)        # about 1,5 times year 1's at most
        if m_t > 1:
            assert m_t / nt < 2 / bound == pytest.approx(4 / 3 / n[0])  # relative to the window
            assert s / aggregate.moments(m.of("jkk") + m.of("jkm"))[1] < 1.1 * rel1    # relative to sd
    off = load_scenario(ROOT / "params" / "belu-2023.yaml", ["programs.jkk=false", "programs.jkm=false"])
    rows_off, _ = projection.project(off, 2, distributions=False)
    assert exact_many.lattice_steps([r.model for r in rows_off] + models[:1], H) == [H, H, H]
    # small grids (a step of Rp 1 million: 4.800 to 14.400 points) are never coarsened: the bound is at
    # least MIN_GRID_BOUND points; without that floor the same years would be
    assert exact_many.lattice_steps(models, 10 * H) == [10 * H] * 40
    monkeypatch.setattr(exact_many, "MIN_GRID_BOUND", 0)
    assert exact_many.lattice_steps(models, 10 * H)[-1] == 20 * H


@pytest.fixture(autouse=True)
def command_line(monkeypatch):
    monkeypatch.delitem(sys.modules, "ipykernel", raising=False)


@pytest.mark.parametrize("setting", ["1", "2"])
def test_totals_with_a_step_per_model(jht40, monkeypatch, setting):
    """exact_many with one step per model: each distribution bit for bit aggregate.exact at its step,
    on one process or two."""
    monkeypatch.setenv("SIM_PROCESSES", setting)
    _, rows = jht40
    models = [r.model for r in rows[25:31]]
    steps = [H, H, 2 * H, H, 2 * H, 3 * H]
    for m, s, d in zip(models, steps, exact_many.totals(models, steps)):
        ref = aggregate.exact(m, s, parts=("total",))["total"]
        assert (d.h, d.offset) == (ref.h, ref.offset) == (s, ref.offset) and np.array_equal(d.pmf, ref.pmf)
    with pytest.raises(ValueError, match="2 lattice steps for 6 models"):
        exact_many.totals(models, [H, H])


@pytest.fixture(scope="module")
def coarse_and_bounds(jht40):
    """The 40-year projection's figures (coarsened years at 2h), its reference figures (every year at h,
    tests/data/reference_figures.json), and the same figures with the coarsened years' distributions
    replaced by those of every amount rounded down / up at h (the discretization bounds)."""
    scen, rows = jht40
    new = projection.run_projection(scen, 40, 2_000)["rows"]
    old = json.loads(FIXTURE.read_text(encoding="utf-8"))["project_jht_40"]["rows"]
    seed = int(scen["simulation.seed"])
    full, _ = projection.project(scen, 40)
    fine, bound_rows = {}, {}
    for method in ("lower", "upper"):
        alt = []
        for j, r in enumerate(full):
            if j in COARSENED:
                d = aggregate.exact(r.model, H, method, parts=("total",))["total"]
                r = projection.replace(r, exact={"total": d})
            alt.append(r)
        bound_rows[method] = projection.summary_rows(alt, projection.sample_totals(alt, 2_000, seed))
    for j in COARSENED:
        fine[j] = aggregate.exact(full[j].model, H, parts=("total",))["total"]
    return full, new, old, fine, bound_rows


def test_coarsened_years_within_the_discretization_bounds(coarse_and_bounds):
    """Years 13-40 of the 40-year Belu JHT projection, now on a step of Rp 200.000 (the rule), formerly
    on Rp 100.000 (the reference fixture): for each of their figures that follows from the year's
    distribution, the old and the new figure both lie within the bounds at Rp 100.000 (every amount
    rounded down, every amount rounded up: they bracket the true figure); the means at the two steps
    are the closed form (mean-preserving rounding) up to the window's aliasing; the bracket is narrow
    (under 1,5% of the quantile)."""
    full, new, old, fine, bounds = coarse_and_bounds
    lo, hi = bounds["lower"], bounds["upper"]
    checked = 0
    for j in COARSENED:
        d = full[j].exact["total"]
        assert d.h == 2 * H and fine[j].h == H
        m = full[j].model
        closed = m.expected_amount("jkk") + m.expected_amount("jkm")
        # on the default grids the means are 1e-11 to 1.3e-8 below the closed form at either step: mass
        # beyond the window wraps around (aliasing; the grid lengths differ with the step, so the two
        # means differ by up to 2e-9); on grids twice as long both are the closed form to 1e-13
        assert d.mean() == pytest.approx(fine[j].mean(), rel=3e-9)
        assert d.mean() == pytest.approx(closed, rel=3e-8)
        if j % 5 == 0:
            g = m.of("jkk") + m.of("jkm")
            wide = [aggregate.exact(m, s, M=2 * aggregate.grid_size(g, s), parts=("total",))["total"].mean()
                    for s in (H, 2 * H)]
            assert wide[0] == pytest.approx(closed, rel=1e-12) and wide[1] == pytest.approx(wide[0], rel=1e-12)
        for key in DISTRIBUTION_KEYS:
            a, b, l, u = new[j][key], old[j][key], lo[j][key], hi[j][key]
            pairs = [(a[q], b[q], l[q], u[q]) for q in a] if isinstance(a, dict) else [(a, b, l, u)]
            for x_new, x_old, x_lo, x_hi in pairs:
                assert x_lo <= x_old <= x_hi, (j, key, x_old, x_lo, x_hi)
                assert x_lo <= x_new <= x_hi, (j, key, x_new, x_lo, x_hi)
                checked += 1
        for q, (x_lo, x_hi) in zip(lo[j]["claims_quantiles"], zip(lo[j]["claims_quantiles"].values(),
                                                                  hi[j]["claims_quantiles"].values())):
            assert x_hi - x_lo < 0.015 * x_hi
    assert checked == len(COARSENED) * (5 + 1 + 5 + 1)
    # and the figures of the years before are the reference's exactly (the same step, the same draws)
    for j in range(COARSENED[0]):
        for key in DISTRIBUTION_KEYS:
            a, b = new[j][key], old[j][key]
            for x, y in ([(a[q], b[q]) for q in a] if isinstance(a, dict) else [(a, b)]):
                assert x == pytest.approx(y, rel=1e-9, abs=1e-11)


def test_coarsened_figures_stated(coarse_and_bounds):
    """The changed figures, stated: year 13's 99,5% quantile and P(claims > contributions), year 40's
    median, old (step Rp 100.000) and new (Rp 200.000), with the bracket at Rp 100.000 that holds both."""
    _, new, old, _, bounds = coarse_and_bounds
    lo, hi = bounds["lower"], bounds["upper"]
    y13, y40 = COARSENED[0], COARSENED[-1]
    assert y13 == 12
    assert old[y13]["claims_quantiles"]["99.5"] == 2_731_900_000.0
    assert new[y13]["claims_quantiles"]["99.5"] == 2_731_800_000.0
    assert lo[y13]["claims_quantiles"]["99.5"] <= 2_731_800_000.0 < 2_731_900_000.0 <= hi[y13]["claims_quantiles"]["99.5"]
    assert old[y13]["prob_claims_exceed_contributions"] == pytest.approx(0.9760745217055483, abs=1e-15)
    assert new[y13]["prob_claims_exceed_contributions"] == pytest.approx(0.9760845337349595, abs=1e-15)
    assert lo[y13]["prob_claims_exceed_contributions"] <= 0.9760745217055483 < 0.9760845337349595
    assert 0.9760845337349595 <= hi[y13]["prob_claims_exceed_contributions"]
    assert old[y40]["claims_quantiles"]["50"] == 2_616_300_000.0
    assert new[y40]["claims_quantiles"]["50"] == 2_616_200_000.0
    assert lo[y40]["claims_quantiles"]["50"] <= 2_616_200_000.0 < 2_616_300_000.0 <= hi[y40]["claims_quantiles"]["50"]


def test_each_year_says_its_lattice_step(coarse_and_bounds):
    """A projection's rows carry the step of their distribution (JSON ``lattice_unit``), and the text
    table says where it changes: Rp 100.000 in Belu's years 1-12, Rp 200.000 in years 13-40."""
    from sim.outputs.text import format_projection
    _, new, *_ = coarse_and_bounds
    assert [r["lattice_unit"] for r in new] == [H if j not in COARSENED else 2 * H for j in range(40)]
    text = format_projection({"scenario": "belu", "years": 40, "paths": 2000, "seed": 1, "first_scholarship_year": 4,
                              "first_jkm_scholarship_year": 4, "rows": new})
    assert "Rp 100.000 (tahun / years 1-12); Rp 200.000 (tahun / years 13-40)" in text
    one_step = format_projection({"scenario": "belu", "years": 12, "paths": 2000, "seed": 1,
                                  "first_scholarship_year": 4, "first_jkm_scholarship_year": 4, "rows": new[:12]})
    assert "lattice step" not in one_step                 # one step for every year: nothing to say
