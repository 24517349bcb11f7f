"""Sensitivity of the loss ratio and the budget need to the main assumptions.

One at a time (tornado): each assumption is moved to a low and a high value while the others
stay at the scenario's; the result is recomputed exactly (closed-form expected claims and the
budget check, no simulation).  Two at a time (grid): a table of results over two assumptions.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..inputs.build import build_portfolio
from ..law.contributions import money
from ..risk import claims


@dataclass(frozen=True)
class Lever:
    """An assumption to move: a parameter (``kind="param"``) or a setting, with its low and high
    values as multiples of the scenario's value (``relative=True``) or as plain values."""

    name: str
    label_id: str
    label_en: str
    low: float
    high: float
    kind: str = "param"
    relative: bool = True


LEVERS = (
    Lever("assumptions.mortality.loading", "Mortalita x0,75 / x1,5", "Mortality x0.75 / x1.5", 0.75, 1.5),
    Lever("assumptions.accidents.frequency_multiplier", "Frekuensi kecelakaan x0,5 / x2", "Accident frequency x0.5 / x2",
          0.5, 2.0),
    Lever("assumptions.accidents.medical_mean", "Biaya medis x0,5 / x2", "Medical cost x0.5 / x2", 0.5, 2.0),
    Lever("assumptions.scholarship.discount_rate", "Diskonto beasiswa 0% / 10%",
          "Scholarship discount rate 0% / 10%", 0.0, 0.10, relative=False),
    Lever("policy.jkm.waiting_months", "Masa tunggu JKM 0 / 6 bulan", "JKM waiting period 0 / 6 months", 0.0, 6.0,
          relative=False),
    Lever("income.declared_monthly", "Penghasilan Rp 1 jt / UMP 2023", "Income Rp 1 M / UMP 2023", 1_000_000,
          2_123_994, kind="setting", relative=False),
)


INCOME = LEVERS[5]
JHT_RATE = Lever("policy.contributions.jht_rate", "Iuran JHT 0% / 3%", "JHT rate 0% / 3%", 0.0, 0.03, relative=False)


def _value(scen, lever: Lever, which: str):
    base = scen.param(lever.name) if lever.kind == "param" else scen[lever.name]
    x = lever.low if which == "low" else lever.high
    return base * x if lever.relative else x


def evaluate(scen, portfolio=None) -> dict[str, float]:
    """Expected loss ratio (JKK + JKM) and budget need of *scen* (closed form, no distribution)."""
    pf = portfolio if portfolio is not None else build_portfolio(scen)
    if float(scen["income.declared_monthly"]) != float(pf.income[0]) and pf.source == "synthetic":
        pf = pf.with_income(float(scen["income.declared_monthly"]))
    c, b = money(scen, pf)
    model = claims.build(scen, pf)
    exp = model.expected_amount("jkk") + model.expected_amount("jkm")
    risk = c["jkk"] + c["jkm"]
    return {"loss_ratio": exp / risk if risk > 0 else float("nan"), "budget_need": b["required"],
            "expected_claims": exp}


def _apply(scen, lever: Lever, value):
    if lever.kind == "param":
        return scen.updated(params={lever.name: value})
    return scen.updated({lever.name: value})


def tornado(scen, levers=LEVERS, portfolio=None) -> list[dict]:
    """For each lever: its label, values and the results at its low and high settings."""
    pf = portfolio if portfolio is not None else build_portfolio(scen)
    base = evaluate(scen, pf)
    rows = []
    for lv in levers:
        lo_v, hi_v = _value(scen, lv, "low"), _value(scen, lv, "high")
        lo, hi = evaluate(_apply(scen, lv, lo_v), pf), evaluate(_apply(scen, lv, hi_v), pf)
        rows.append({"name": lv.name, "label_id": lv.label_id, "label_en": lv.label_en, "low_value": lo_v,
                     "high_value": hi_v, "base": base, "low": lo, "high": hi})
    return rows


def grid(scen, a: Lever, b: Lever, steps: int = 5, metric: str = "loss_ratio", portfolio=None) -> dict:
    """Results over a steps x steps grid of two levers (from their low to their high values)."""
    pf = portfolio if portfolio is not None else build_portfolio(scen)
    xa = np.linspace(_value(scen, a, "low"), _value(scen, a, "high"), steps)
    xb = np.linspace(_value(scen, b, "low"), _value(scen, b, "high"), steps)
    out = np.empty((steps, steps))
    for i, va in enumerate(xa):
        sa = _apply(scen, a, float(va))
        for j, vb in enumerate(xb):
            out[i, j] = evaluate(_apply(sa, b, float(vb)), pf)[metric]
    return {"a": a.name, "b": b.name, "a_values": xa, "b_values": xb, "values": out, "metric": metric}
