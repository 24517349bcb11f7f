"""Issue 10 in the explorer: a reused projection gives the figures of a fresh one, and a chart
updated in place equals one drawn afresh."""
from pathlib import Path

import numpy as np
import pytest

from sim.outputs.explorer import ExplorerModel

ROOT = Path(__file__).resolve().parent.parent
BASE = ROOT / "params" / "belu-2023.yaml"


def _same(a, b):
    """Equal figures: numbers to 1e-12 relative, everything else exactly."""
    if isinstance(a, dict):
        assert a.keys() == b.keys()
        for k in a:
            _same(a[k], b[k])
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b)
        for x, y in zip(a, b):
            _same(x, y)
    elif isinstance(a, float):
        assert a == pytest.approx(b, rel=1e-12, abs=1e-12)
    else:
        assert a == b


def test_reused_projection_equals_a_fresh_one():
    moves = [{"jht": True}, {"jht_rate": 0.03}, {"jht_return": 0.08}, {"jht_share": 0.5}, {"loading": 1.4},
             {"jht_rate": 0.01}, {"years": 12}, {"income": 2_000_000.0}, {"jht": False}, {"jht": True}]
    reused = ExplorerModel(BASE)
    v = reused.defaults()
    for move in moves:
        v = {**v, **move}
        fresh = ExplorerModel(BASE)
        a, b = reused.compute(v), fresh.compute(v)
        _same(a.summary, b.summary)
        assert (a.jht_balance, a.jht_fund, a.jht_members) == pytest.approx((b.jht_balance, b.jht_fund, b.jht_members),
                                                                           rel=1e-12)
        _same(reused.projection_rows(v, paths=50), fresh.projection_rows(v, paths=50))


def test_projection_is_reused_while_the_cohort_stays():
    m = ExplorerModel(BASE)
    v = {**m.defaults(), "jht": True}
    m.compute(v)
    first = m._projection[1]
    for move in ({"jht_rate": 0.03}, {"jht_return": 0.07}, {"jht_share": 0.4}, {"jht": False}):
        m.compute({**v, **move})
        assert m._projection[1] is first, move
    m.compute({**v, "loading": 1.2})
    assert m._projection[1] is not first


def test_chart_updated_in_place_equals_a_fresh_drawing():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from sim.outputs import plots
    m = ExplorerModel(BASE)
    v = m.defaults()
    r1, r2 = m.compute(v), m.compute({**v, "loading": 2.0, "workers": 9000})
    labels = {"x": "x", "y": "y", "var": "VaR", "contributions": "C"}

    def draw(ax, r):
        s = r.summary
        plots.claims_distribution(ax, r.exact["total"], s["contributions"]["jkk"] + s["contributions"]["jkm"],
                                  s["var_99_5"], "t", labels)

    fig, (upd, fresh) = plt.subplots(1, 2)
    draw(upd, r1)
    stairs = upd.patches[0]
    draw(upd, r2)
    draw(fresh, r2)
    assert upd.patches[0] is stairs and len(upd.patches) == 1 and len(upd.lines) == 2
    a, b = upd.patches[0].get_data(), fresh.patches[0].get_data()
    assert np.array_equal(a.values, b.values) and np.array_equal(a.edges, b.edges)
    for la, lb in zip(upd.lines, fresh.lines):
        assert np.array_equal(la.get_xdata(), lb.get_xdata()) and la.get_label() == lb.get_label()
    assert [t.get_text() for t in upd.get_legend().get_texts()] == [t.get_text() for t in fresh.get_legend().get_texts()]
    assert upd.get_xlim() == fresh.get_xlim() and upd.get_ylim() == fresh.get_ylim()
    plt.close(fig)


def test_fund_after_one_year_from_the_explorers_projection():
    """The explorer takes the summary's JHT fund after one year from its own (longer) projection:
    the same figure as the one-year projection the command line makes."""
    from sim.analyses.model import compute, summarize
    m = ExplorerModel(BASE)
    for years in (1, 10, 25):
        v = {**m.defaults(), "jht": True, "years": years, "loading": 1.2}
        got = m.compute(v).summary["jht"]["fund_after_one_year"]
        scen = m.scenario_for(v)
        want = summarize(scen, compute(scen, portfolio=m.portfolio_for(scen), mc_years=0), checks=False)["jht"]
        assert got == pytest.approx(want["fund_after_one_year"], rel=1e-12)


def test_values_changed_in_place_are_seen():
    """A caller that changes its dict of values in place still gets the money of the new values."""
    m = ExplorerModel(BASE)
    v = {**m.defaults(), "jht": True}
    first = m.compute(v).summary["budget"]["required"]
    v["jht_rate"] = 0.04          # same dict, a money control only: the projection is reused, refreshed
    again = m.compute(v)
    fresh = ExplorerModel(BASE).compute(dict(v))
    assert again.summary["budget"]["required"] > first
    assert again.jht_fund == pytest.approx(fresh.jht_fund, rel=1e-12)
