"""Issue 10 in the explorer: a reused projection gives the figures of a fresh one, and a chart
updated in place equals one drawn afresh."""
from pathlib import Path

import numpy as np
import pytest

from sim.common.formatting import number
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


# -- issue 10, second round: each part reused only while what it depends on stays ----------------

MOVES = [("jht", True), ("jht_rate", 0.03), ("income", 2_123_994.0), ("share", 0.8), ("workers", 6500),
         ("loading", 1.3), ("frequency", 2.0), ("jht_return", 0.07), ("years", 20), ("jht_share", 0.5),
         ("years", 7), ("allocation", 1_500_000_000.0), ("months", 6), ("income", 1_000_000.0), ("frequency", 0.5),
         ("workers", 5892), ("share", 1.0), ("loading", 1.0), ("jht", False), ("years", 25), ("jht", True)]


def _fresh(v: dict):
    """The figures of *v* computed afresh, without any of the explorer's reuse: the command line's
    one-year model (``model.compute`` + ``summarize``) on the explorer's scenario, the explorer's
    quadrature for the doubt figures, a fresh projection for the JHT fund."""
    from sim.analyses import projection
    from sim.analyses.model import compute, summarize
    from sim.outputs.explorer import explorer_uncertainty
    m = ExplorerModel(BASE)
    scen = m.scenario_for(v)
    c = compute(scen, portfolio=m.portfolio_for(scen), mc_years=0)
    s = summarize(scen, c, checks=False, uncertainty_nodes=0)
    s["with_parameter_uncertainty"] = explorer_uncertainty(scen.at(scen.start), c)
    fund = None
    if v["jht"]:
        rows, coh = projection.project(scen, int(v["years"]), distributions=False)
        fund = projection.jht_projection(scen, rows, coh, 0, int(scen["simulation.seed"]))["by_year"]
        s["jht"] = summarize(scen, c, checks=False, uncertainty_nodes=0)["jht"]   # its own 1-year projection
    return s, c, fund


def test_displayed_figures_equal_a_fresh_computation(tmp_path):
    """Move every control in turn in a real dashboard: after each change the figures, the cards,
    the details and the chart equal those computed afresh (no cache) for the same values."""
    import matplotlib
    matplotlib.use("Agg")
    from sim.outputs import explorer_html
    from sim.outputs.explorer import figures
    from sim.outputs.explorer_chart import ClaimsChart
    from sim.outputs.explorer_view import Explorer
    ex = Explorer(BASE, save_dir=tmp_path)
    for name, value in MOVES:
        ex.controls[name].value = value
        v = ex.values()
        s, c, fund = _fresh(v)
        got = ex.result.summary
        for key in ("workers", "contributions", "budget", "expected_claims", "loss_ratio", "claims_quantiles",
                    "var_99_5", "tvar_99_5", "prob_claims_exceed_contributions", "claims_sd", "by_program",
                    "expected_deaths", "expected_accidents", "by_area", "with_parameter_uncertainty"):
            _same(got[key], s[key])
        if v["jht"]:
            _same(got["jht"], s["jht"])
            assert ex.result.jht_fund == pytest.approx(float(fund["fund"][-1]), rel=1e-12)
            assert ex.result.jht_members == pytest.approx(float(fund["members"][-1]), rel=1e-12)
        else:
            assert "jht" not in got and ex.result.jht_fund == 0
        f = ex.figures
        assert f == figures(ex.model.compute(dict(v)))                      # and a second time, from the caches
        for key in ("required", "difference", "claims.total", "var"):
            assert explorer_html.fmt("rupiah", f[key]) in ex.details.value, (name, key)
        assert explorer_html.fmt("percent2", s["prob_claims_exceed_contributions"]) in ex.details.value
        assert explorer_html.fmt("rupiah", s["with_parameter_uncertainty"]["var_99_5"]) in ex.details.value
        assert explorer_html.fmt("rupiah", s["budget"]["required"]) in ex.cards.value
        # the chart shown is the chart of the fresh figures drawn on a new chart
        risk_c = s["contributions"]["jkk"] + s["contributions"]["jkm"]
        fresh = ClaimsChart("Total klaim JKK + JKM setahun / Total claims in a year", ex.chart.labels)
        assert _pixels(ex.plot.value) == _pixels(fresh.png(c.exact["total"], risk_c, s["var_99_5"])), name


def _pixels(png: bytes):
    import io

    from PIL import Image
    im = Image.open(io.BytesIO(png)).convert("RGB")
    return im.size, im.tobytes()


def test_a_money_control_recomputes_no_claims_and_redraws_nothing(tmp_path):
    """JHT, its rate, return and share, the allocation and the months change money only: the claim
    distributions, the doubt figures and the chart stay the same objects; a shorter horizon is cut
    from the longer projection."""
    import matplotlib
    matplotlib.use("Agg")
    from sim.outputs.explorer_view import Explorer
    ex = Explorer(BASE, save_dir=tmp_path)
    ex.controls["jht"].value = True
    ex.controls["years"].value = 20
    dist, doubt, png, proj = ex.result.exact["total"], ex.model._doubt[1], ex.plot.value, ex.model._projection[1]
    for name, value in (("jht_rate", 0.03), ("jht_return", 0.08), ("jht_share", 0.4), ("allocation", 2e9),
                        ("months", 9), ("years", 8), ("jht", False), ("jht", True), ("years", 20)):
        ex.controls[name].value = value
        assert ex.result.exact["total"] is dist and ex.model._doubt[1] is doubt, name
        assert ex.plot.value is png and ex.model._projection[1] is proj, name
    ex.controls["loading"].value = 1.2
    assert ex.result.exact["total"] is not dist and ex.model._doubt[1] is not doubt and ex.plot.value != png


def test_first_years_of_a_longer_projection_equal_a_shorter_one():
    from sim.analyses import projection
    from sim.outputs.explorer import first_years
    m = ExplorerModel(BASE)
    scen = m.scenario_for({**m.defaults(), "jht": True})
    long_rows, long_coh = projection.project(scen, 20, distributions=False)
    for T in (1, 8, 19):
        rows, coh = projection.project(scen, T, distributions=False)
        cut = first_years(long_coh, T)
        for f in ("entry", "age0", "member0", "n_start", "n_end", "exits"):
            assert np.array_equal(getattr(cut, f), getattr(coh, f)), (T, f)
        a = projection.jht_projection(scen, long_rows[:T], cut, 30, 5)
        b = projection.jht_projection(scen, rows, coh, 30, 5)
        _same({k: np.asarray(v).tolist() for k, v in a["by_year"].items() if k != "fund_percentiles"},
              {k: np.asarray(v).tolist() for k, v in b["by_year"].items() if k != "fund_percentiles"})
        _same(projection.summary_rows(long_rows[:T]), projection.summary_rows(rows))


def test_explorer_quadrature_is_the_models_with_its_nodes(monkeypatch):
    """With three points each and the scenario's lattice, the explorer's doubt figures are exactly
    ``model.parameter_uncertainty(..., 3)``; with its own coarser rule they stay within 2.5% of the
    full quadrature's VaR 99.5% and 0.5 points of its probability, or as close as three points each."""
    from sim.analyses.model import compute, parameter_uncertainty
    from sim.outputs import explorer
    m = ExplorerModel(BASE)
    for move in ({}, {"loading": 1.5}, {"frequency": 2.0}, {"workers": 20000}, {"workers": 60, "share": 0.5},
                 {"workers": 60000}):
        scen = m.scenario_for({**m.defaults(), **move}).at(m.base.start)
        c = compute(scen, portfolio=m.portfolio_for(scen), mc_years=0)
        with monkeypatch.context() as mp:
            mp.setattr(explorer, "UNCERTAINTY_NODES", dict.fromkeys(explorer.UNCERTAINTY_NODES, 3))
            mp.setattr(explorer, "UNCERTAINTY_LATTICE", 1)
            _same(explorer.explorer_uncertainty(scen, c), parameter_uncertainty(scen, c, 3))
        full, three = parameter_uncertainty(scen, c), parameter_uncertainty(scen, c, 3)
        got = explorer.explorer_uncertainty(scen, c)
        for u in (got, three):
            assert u["mean"] == pytest.approx(full["mean"], rel=1e-4)     # the age shift: mortality convex in age
        # the larger the portfolio, the more the doubt dominates and the coarser any rule: 60.000 workers,
        # 3,5% for both (a quarter point allowed for the coarser lattice)
        assert abs(got["var_99_5"] / full["var_99_5"] - 1) <= max(0.025, abs(three["var_99_5"] / full["var_99_5"] - 1) + 0.0025)
        dp = abs(got["prob_claims_exceed_contributions"] - full["prob_claims_exceed_contributions"])
        assert dp <= max(0.005, abs(three["prob_claims_exceed_contributions"] - full["prob_claims_exceed_contributions"]))


def test_chart_on_its_cached_layer_equals_a_full_drawing():
    """The chart drawn over its cached static layer, after other figures, has the pixels of the same
    chart drawn in one piece by matplotlib; its key reads as Indonesians write numbers."""
    import matplotlib
    matplotlib.use("Agg")
    from sim.outputs.explorer_chart import ClaimsChart, _encode
    m = ExplorerModel(BASE)
    rs = [m.compute({**m.defaults(), **mv}) for mv in ({}, {"frequency": 2.0}, {"loading": 1.05}, {"workers": 300})]
    labels = {"x": "x", "y": "y", "var": "VaR 99,5%", "contributions": "Iuran"}

    def args(r):
        s = r.summary
        return r.exact["total"], s["contributions"]["jkk"] + s["contributions"]["jkm"], s["var_99_5"]

    chart = ClaimsChart("t", labels)
    for r in rs + rs[::-1] + [rs[2]]:
        png = chart.png(*args(r))
        whole = ClaimsChart("t", labels)
        whole.png(*args(r))
        for a in whole.fig.findobj():
            a.set_animated(False)
        whole.canvas.draw()                      # every artist in one matplotlib drawing
        assert _pixels(png) == _pixels(_encode(whole.canvas))
    assert chart.png(*args(rs[2])) is png        # the same figures: the same bytes, nothing drawn
    var = rs[2].summary["var_99_5"]
    assert chart.key_texts[0].get_text() == f"VaR 99,5%: {number(var / 1e6)} jt"
    assert "." in chart.key_texts[0].get_text() or var < 1e9


def test_png_writer_and_nice_limits():
    import io

    from PIL import Image

    from sim.outputs.explorer_chart import nice_ceiling, png_bytes
    rng = np.random.default_rng(3)
    img = rng.integers(0, 256, size=(17, 29, 3), dtype=np.uint8)
    back = np.asarray(Image.open(io.BytesIO(png_bytes(img))).convert("RGB"))
    assert np.array_equal(back, img)
    for x in np.concatenate([10 ** rng.uniform(-6, 6, 2000), [1.0, 1.2, 2.5, 8.0, 10.0, 0.001, 999.9]]):
        y = nice_ceiling(x)
        assert x <= y <= 4 / 3 * x * (1 + 1e-12)
        mant = y / 10 ** np.floor(np.log10(y) + 1e-12)
        assert min(abs(mant - s) for s in (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10)) < 1e-9
    assert nice_ceiling(0) == nice_ceiling(float("nan")) == 1.0 and nice_ceiling(1.2) == 1.2


def _full_drawing(chart) -> bytes:
    """*chart*'s figure drawn in one piece by matplotlib (no cached layer)."""
    from sim.outputs.explorer_chart import _encode
    for a in chart.fig.findobj():
        a.set_animated(False)
    chart.canvas.draw()
    return _encode(chart.canvas)


def test_projection_chart_on_its_cached_layer_equals_a_full_drawing():
    import matplotlib
    matplotlib.use("Agg")
    from sim.outputs.explorer_projchart import ProjectionChart
    m = ExplorerModel(BASE)
    d = m.defaults()
    rows = [m.projection_rows({**d, **mv}, paths=50) for mv in
            ({}, {"jht": True}, {"jht": True, "years": 20}, {"jht": True, "jht_rate": 0.03}, {"years": 5}, {"jht": True})]
    chart = ProjectionChart()
    for r in rows + rows[::-1]:
        png = chart.png(r)
        whole = ProjectionChart()
        whole.png(r)
        assert _pixels(png) == _pixels(_full_drawing(whole))
    assert chart.png(rows[0]) is png


def test_projection_tab_shows_the_fresh_projection(tmp_path):
    """With the projection tab open, each change redraws it from the figures of a fresh model."""
    import matplotlib
    matplotlib.use("Agg")
    from sim.outputs.explorer_projchart import ProjectionChart
    from sim.outputs.explorer_view import Explorer
    ex = Explorer(BASE, save_dir=tmp_path)
    ex.tabs.selected_index = 1
    claims_png = ex.plot.value
    for name, value in (("jht", True), ("jht_rate", 0.03), ("years", 15), ("loading", 1.4), ("years", 6),
                        ("workers", 7000), ("jht", False)):
        ex.controls[name].value = value
        want = ProjectionChart().png(ExplorerModel(BASE).projection_rows(ex.values()))
        assert _pixels(ex.proj_plot.value) == _pixels(want), name
    assert ex.plot.value is claims_png                 # the claims tab is not visible: not redrawn
    ex.tabs.selected_index = 0                         # shown again: drawn for the current figures
    s = ex.result.summary
    assert ex.plot.value == ex.chart.png(ex.result.exact["total"],
                                         s["contributions"]["jkk"] + s["contributions"]["jkm"], s["var_99_5"])
    assert ex.plot.value != claims_png
