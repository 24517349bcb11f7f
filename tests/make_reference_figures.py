"""Figures of the model as computed before the speed work of issue 10, kept as a JSON fixture.

Run: ``.venv/bin/python tests/make_reference_figures.py`` (writes ``tests/data/reference_figures.json``);
``--roster`` writes only the roster cases to ``tests/data/reference_figures_roster.json``.
It was run ONCE on the code of tag ``layout-done`` (before any speed change); ``tests/test_reference_figures.py``
recomputes the same figures with the current code and holds them equal to 1e-9 (relative).  Regenerate
only for an intended change of method, and say so in the commit message.

Cases: the one-year run of both scenarios with every check (Monte Carlo excluded: its random
draws are not part of the method being held fixed), a national portfolio, a small generated roster
with many enrolment dates and incomes, projections over 10 and 40 years with claim and JHT paths,
the explorer's figures, claim lattices and a count distribution.
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
FIXTURE = ROOT / "tests" / "data" / "reference_figures.json"
#: the roster cases as computed after the JKM month buckets (a change of method, main at f3ca03d,
#: 2026-11-25): held to 1e-9 from then on (``make_reference_figures.py --roster``)
ROSTER_FIXTURE = ROOT / "tests" / "data" / "reference_figures_roster.json"
ROSTER = dict(workers=2_000, dates=120, incomes=8, seed=7)


def _clean(obj):
    """Drop fields that are not figures (version) and make numpy values plain."""
    if isinstance(obj, dict):
        return {str(k): _clean(v) for k, v in obj.items() if k not in ("version", "monte_carlo")}
    if isinstance(obj, (list, tuple)):
        return [_clean(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return _clean(obj.tolist())
    if isinstance(obj, (np.floating, np.integer)):
        return obj.item()
    return obj


def _dist(d) -> dict:
    """A distribution's offset, size, moments and its CDF at 40 lattice points."""
    c = np.cumsum(d.pmf)
    idx = np.linspace(0, d.pmf.size - 1, 40).astype(int)
    return {"h": d.h, "offset": d.offset, "size": int(d.pmf.size), "mean": d.mean(), "sd": d.sd(),
            "cdf": c[idx].tolist(), "q": [d.quantile(q) for q in (0.01, 0.5, 0.9, 0.995, 0.9999)]}


def roster_figures() -> dict:
    """The cases of a small generated roster (:data:`ROSTER`): run, exact distributions, groups, projection."""
    from bench.make_roster import write_roster
    from sim.analyses.model import compute, summarize
    from sim.analyses.projection import run_projection
    from sim.inputs.scenario import load_scenario

    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        roster = write_roster(Path(tmp) / "roster.csv", **ROSTER)
        scen = load_scenario(ROOT / "params" / "belu-2023.yaml",
                             ["simulation.monte_carlo_years=0", f"portfolio.roster={roster}", "portfolio.workers=null"])
        c = compute(scen)
        out["run_roster"] = summarize(scen, c)
        out["exact_roster"] = {p: _dist(d) for p, d in c.exact.items()}
        out["groups_roster"] = {"expected_amount": {p: c.model.expected_amount(p) for p in ("jkk", "jkm")},
                                "variance": {p: c.model.variance(p) for p in ("jkk", "jkm")}}
        out["project_roster"] = run_projection(scen, 5, 500)
    return _clean(out)


def figures() -> dict:
    """Every reference figure, keyed by case (JSON-ready)."""
    from sim.analyses.model import compute, summarize
    from sim.analyses.projection import run_projection
    from sim.inputs.scenario import load_scenario
    from sim.outputs.explorer import ExplorerModel
    from sim.risk import aggregate, claims

    out = {}
    base = load_scenario(ROOT / "params" / "belu-2023.yaml", ["simulation.monte_carlo_years=0"])
    jht = load_scenario(ROOT / "params" / "belu-2023-jht.yaml", ["simulation.monte_carlo_years=0"])
    for name, scen in (("belu", base), ("belu_jht", jht),
                       ("national", base.updated({"portfolio.workers": 10_000_000}))):
        c = compute(scen)
        out[f"run_{name}"] = summarize(scen, c, checks=name != "national")
        out[f"exact_{name}"] = {p: _dist(d) for p, d in c.exact.items()}
    out.update(roster_figures())
    out["project_belu_10"] = run_projection(base, 10, 2_000)
    out["project_jht_40"] = run_projection(jht, 40, 2_000)
    ex = ExplorerModel(ROOT / "params" / "belu-2023.yaml")
    v = {**ex.defaults(), "jht": True, "loading": 1.3}
    r = ex.compute(v)
    out["explorer"] = {"summary": r.summary, "jht_balance": r.jht_balance, "jht_fund": r.jht_fund,
                       "jht_members": r.jht_members, "projection_rows": ex.projection_rows(v, paths=200)}
    a = claims.Assumptions.from_scenario(base.at(base.start))
    lat = {}
    for key, sev in (("jkk_1m", claims.jkk_severity(a, 1_000_000.0)), ("jkk_2m", claims.jkk_severity(a, 2_000_000.0)),
                     ("jkm_0_1", claims.jkm_severity(a, 0.0, 1.0)), ("jkm_30_1", claims.jkm_severity(a, 30.0, 1.0)),
                     ("jkm_2_0.4", claims.jkm_severity(a, 2.0, 0.4))):
        lat[key] = {"mean": sev.mean(), "second_moment": sev.second_moment(), "max": sev.max_amount()}
        for method in ("mean", "lower", "upper"):
            lat[key][method] = sev.lattice(5_000_000.0, method).tolist()
        lat[key]["mean_100k_head"] = sev.lattice(100_000.0)[:400].tolist()
    out["lattices"] = lat
    n = np.array([100, 2_000, 50, 7]) * 1.0
    p = np.array([0.01, 0.002, 0.3, 0.6])
    out["count_pmf"] = aggregate.count_pmf(n, p)[:60].tolist()
    return _clean(out)


def main():
    from sim.common.jsonio import write_json
    FIXTURE.parent.mkdir(parents=True, exist_ok=True)
    if sys.argv[1:] == ["--roster"]:
        write_json(ROSTER_FIXTURE, roster_figures(), indent=None)
        print(ROSTER_FIXTURE)
        return
    write_json(FIXTURE, figures(), indent=None)
    print(FIXTURE)


if __name__ == "__main__":
    main()
