"""Sensitivity grids of thousands of scenarios: vectorized where the model allows it.

The grid is the Cartesian product of a few levers, each varied over evenly spaced values
(``key=low:high:steps``).  Two kinds of evaluation:

* **Vectorized** (one process, no loop over scenarios): when the only levers are the mortality
  loading ``L`` and the accident frequency multiplier ``F`` and the metrics are expectations.
  Neither lever changes a claim amount, the portfolio or the contributions, so for every cell
  ``c`` (``n_c`` workers, exposure ``e_c``, table rate ``q_c``, occupation relativity ``r_c``)

      q_acc = min(base x F x r_c, 1),   q_jkm = max(min(L x q_c, 1) - q_acc x share_death, 0),
      p = 1 - (1 - q)^e_c,   E[JKK] = sum_c n_c p_acc m_jkk(c),   E[JKM] = sum_c n_c p_jkm m_jkm(c),

  with the mean claim amounts ``m`` of the cell's risk group (:mod:`sim.risk.claims`), evaluated
  as (grid points x cells) arrays in chunks, and both expectations times the scenario's claim
  take-up ``claims.take_up`` (the share of events claimed, as :func:`sim.risk.claims.build` does).
  The loss ratio is ``(E[JKK] + E[JKM]) / (JKK + JKM contributions)``, the budget need is unchanged.
* **Point by point** (:func:`evaluate_points`): any other lever, or the distribution metrics
  (``var_99_5``, ``prob_exceed``: one exact FFT per point).  The points are cut into chunks that the
  caller fans out on the batch engine (local processes or Dask), one scenario load per chunk.

The tests hold the vectorized grid against the point-by-point evaluation.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from ..inputs.build import build_portfolio
from ..law.contributions import money
from ..risk import aggregate, claims
from ..risk.mortality import annual_q, period_probability

VECTOR_LEVERS = ("assumptions.mortality.loading", "assumptions.accidents.frequency_multiplier")
EXPECTATION_METRICS = ("loss_ratio", "expected_claims", "expected_jkk", "expected_jkm", "budget_need")
DISTRIBUTION_METRICS = ("var_99_5", "prob_exceed")
METRICS = EXPECTATION_METRICS + DISTRIBUTION_METRICS
MAX_POINTS = 1_000_000
MAX_STEPS = 10_000
_CHUNK_CELLS = 4_000_000      # grid points x cells per vectorized block (about 32 MB of float64)


@dataclass(frozen=True)
class Axis:
    key: str
    low: float
    high: float
    steps: int

    @property
    def values(self) -> np.ndarray:
        return np.linspace(self.low, self.high, self.steps)


def points(axes: list[Axis]) -> np.ndarray:
    """The grid as an array (points x levers), the last lever varying fastest."""
    return np.array(list(itertools.product(*[a.values for a in axes])), dtype=float).reshape(-1, len(axes))


def vectorizable(axes: list[Axis], metrics) -> bool:
    return all(a.key in VECTOR_LEVERS for a in axes) and all(m in EXPECTATION_METRICS for m in metrics)


def vectorized(scen, axes: list[Axis], metrics=("loss_ratio",)) -> dict[str, np.ndarray]:
    """Expectation metrics over the whole grid of mortality loading x accident frequency
    multiplier, as arrays shaped like the grid (module docstring)."""
    scen = scen.at(scen.start)
    pf = build_portfolio(scen)
    a = claims.Assumptions.from_scenario(scen)
    model = claims.build(scen, pf, a)
    contrib, budget = money(scen, pf)
    n, e = pf.count.astype(float), pf.exposure
    m = {p: np.zeros(n.size) for p in ("jkk", "jkm")}
    for g in model.groups:                       # mean claim amount of each cell's risk group
        m[g.program][g.cells] = g.severity.mean() if model.enabled.get(g.program) else 0.0
    base_q = annual_q(pf.age, pf.male, a.table, 1.0)
    rel = np.asarray(a.occ_rel)[pf.occupation]
    share = a.type_mix[claims.CLAIM_TYPES.index("death")]
    grid = points(axes)
    col = {ax.key: i for i, ax in enumerate(axes)}
    L = grid[:, col[VECTOR_LEVERS[0]]] if VECTOR_LEVERS[0] in col else np.full(len(grid), a.loading)
    F = grid[:, col[VECTOR_LEVERS[1]]] if VECTOR_LEVERS[1] in col else np.full(len(grid), a.freq_mult)
    ejkk, ejkm = np.empty(len(grid)), np.empty(len(grid))
    step = max(1, _CHUNK_CELLS // max(n.size, 1))
    for s in range(0, len(grid), step):
        l, f = L[s:s + step, None], F[s:s + step, None]
        q_acc = np.minimum(a.freq_base * f * rel, 1.0)
        q_jkm = np.maximum(np.minimum(l * base_q, 1.0) - q_acc * share, 0.0)
        ejkk[s:s + step] = period_probability(q_acc, e) @ (n * m["jkk"])
        ejkm[s:s + step] = period_probability(q_jkm, e) @ (n * m["jkm"])
    take_up = float(scen.values.get("claims.take_up", 1.0))    # as claims.build: p x take-up
    ejkk *= take_up
    ejkm *= take_up
    risk = contrib["jkk"] + contrib["jkm"]
    out = {"expected_jkk": ejkk, "expected_jkm": ejkm, "expected_claims": ejkk + ejkm,
           "loss_ratio": (ejkk + ejkm) / risk if risk > 0 else np.full(len(grid), np.nan),
           "budget_need": np.full(len(grid), float(budget["required"]))}
    shape = tuple(ax.steps for ax in axes)
    return {k: out[k].reshape(shape) for k in metrics}


def _apply(scen, key: str, value: float):
    if key in scen.params:
        return scen.updated(params={key: value})
    cast = int if isinstance(scen[key], int) and not isinstance(scen[key], bool) else float
    return scen.updated({key: cast(value)})


def evaluate_points(scen, keys: list[str], values: np.ndarray, metrics) -> dict[str, list[float]]:
    """Each metric at each point (rows of *values*, one column per key), one full model per point."""
    pf0 = build_portfolio(scen.at(scen.start))
    out = {k: [] for k in metrics}
    for row in np.atleast_2d(values):
        s = scen
        for k, v in zip(keys, row):
            s = _apply(s, k, float(v))
        s = s.at(s.start)
        pf = pf0
        if any(k.startswith("portfolio.") or k == "simulation.seed" for k in keys):
            pf = build_portfolio(s)
        elif float(s["income.declared_monthly"]) != float(pf.income[0]) and pf.source == "synthetic":
            pf = pf.with_income(float(s["income.declared_monthly"]))
        c, b = money(s, pf)
        model = claims.build(s, pf)
        ejkk, ejkm = model.expected_amount("jkk"), model.expected_amount("jkm")
        risk = c["jkk"] + c["jkm"]
        vals = {"expected_jkk": ejkk, "expected_jkm": ejkm, "expected_claims": ejkk + ejkm,
                "loss_ratio": (ejkk + ejkm) / risk if risk > 0 else float("nan"), "budget_need": float(b["required"])}
        if any(k in DISTRIBUTION_METRICS for k in metrics):
            dist = aggregate.exact(model, float(s["simulation.lattice_unit"]))["total"]
            vals["var_99_5"] = dist.quantile(0.995)
            vals["prob_exceed"] = dist.prob_exceed(risk)
        for k in metrics:
            out[k].append(float(vals[k]))
    return out
