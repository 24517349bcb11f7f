"""A published total of claims (a count and an amount over a period, with a range for the exposure
behind it) held against the model: ``python -m sim published SCENARIO.yaml TOTAL.yaml``.

* **Model rates over the period.** The scenario is projected (:mod:`sim.analyses.projection`) and
  each projection year ``t`` counts for the part ``f_t`` (years) of it inside the period.  Claims
  a worker-year ``r = sum_t f_t E[N_t] / sum_t f_t n_t`` (JKK accidents + JKM deaths, ``n_t`` members
  in force) and rupiah a worker-year on the basis of the published amount: ``cash`` (what was paid:
  expected claims less the scholarship commitment plus the scholarships paid that year,
  :mod:`sim.analyses.scholarship_cash`) or ``commitment``.
* **A/E range.** For worker-years ``X`` in ``[low, high]``: ``A / (r X)``, and with the exact
  Poisson interval of the count ``A`` (:func:`sim.analyses.credibility.poisson_interval`) the
  widest range ``[A_lo / (r high), A_hi / (r low)]``.
* **What would reconcile it.** A take-up ``tau = A/E`` (the ``claims.take_up`` key scales the
  claims made), or reporting delays: with events uniform over the period of ``T`` years and
  exponential delays of mean ``mu``, the share reported by its end is
  ``F(mu) = 1 - (mu / T)(1 - exp(-T / mu))``; ``mu`` solves ``F(mu) = A/E``.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np

from ..common.errors import Problems
from ..common.yamlio import load_yaml
from ..inputs.params import is_iso_date
from ..risk.severity import brentq    # numpy Brent (scipy.optimize: 0,25 s to import in every report)
from . import credibility

KEYS = ("name", "label", "source", "period", "claims", "amount", "amount_basis", "exposure_worker_years", "scope")


@dataclass
class Published:
    """A validated published total."""

    name: str
    label: dict
    source: str
    start: str
    end: str
    claims: int
    amount: float
    basis: str
    low: float
    high: float
    scope: str


def read_published(path: Path | str, display: str | None = None) -> Published:
    """Read and check a published-total YAML file; every problem in one pass (InputError)."""
    path = Path(path)
    name = display or str(path)
    pr = Problems()
    if not path.is_file():
        pr.add(name, "", "file not found")
        pr.raise_if_any()
    doc = load_yaml(path, pr, name)
    pr.raise_if_any()
    if not isinstance(doc, dict):
        pr.add(name, "", "expected a mapping with " + ", ".join(KEYS))
        pr.raise_if_any()
    for k in doc:
        if k not in KEYS:
            pr.add(name, str(k), "unknown key; expected one of " + ", ".join(KEYS))
    for k in KEYS:
        if k not in doc:
            pr.add(name, k, "missing")
    per = doc.get("period")
    if "period" in doc and not (isinstance(per, dict) and set(per) == {"from", "to"} and all(is_iso_date(str(per[k])) for k in per)
            and str(per["from"]) < str(per["to"])):
        pr.add(name, "period", "expected {from: YYYY-MM-DD, to: YYYY-MM-DD}, from before to")
    c = doc.get("claims")
    if "claims" in doc and not (isinstance(c, int) and not isinstance(c, bool) and 0 <= c <= 10_000_000):
        pr.add(name, "claims", "expected a whole number of claims, 0 or more")
    a = doc.get("amount")
    if "amount" in doc and not (isinstance(a, (int, float)) and not isinstance(a, bool) and 0 <= a < 1e16):
        pr.add(name, "amount", "expected an amount in rupiah, 0 or more")
    if "amount_basis" in doc and doc.get("amount_basis") not in ("cash", "commitment"):
        pr.add(name, "amount_basis", "expected cash (paid to date) or commitment")
    ex = doc.get("exposure_worker_years")
    if "exposure_worker_years" in doc and not (isinstance(ex, dict) and set(ex) == {"low", "high"}
            and all(isinstance(v, (int, float)) and not isinstance(v, bool) and 0 < v <= 1e9 for v in ex.values())
            and ex["low"] <= ex["high"]):
        pr.add(name, "exposure_worker_years", "expected {low: worker-years, high: worker-years}, 0 < low <= high")
    lab = doc.get("label")
    if "label" in doc and not (isinstance(lab, dict) and isinstance(lab.get("id"), str) and isinstance(lab.get("en"), str)):
        pr.add(name, "label", "expected a label with 'id' and 'en' text")
    for k in ("name", "source", "scope"):
        if k in doc and not isinstance(doc[k], str):
            pr.add(name, k, "expected text")
    pr.raise_if_any()
    return Published(doc["name"], lab, doc["source"], str(per["from"]), str(per["to"]), int(c), float(a),
                     doc["amount_basis"], float(ex["low"]), float(ex["high"]), doc["scope"])


def _years(d1: str, d2: str) -> float:
    return (date.fromisoformat(d2) - date.fromisoformat(d1)).days / 365.25


def model_rates(scen, pub: Published) -> dict:
    """Claims and rupiah a worker-year over the published period, and the scenario's own expected totals."""
    from .projection import project, year_start
    from .scholarship_cash import rows as sch_rows
    span = _years(scen.start, pub.end)
    T = int(min(max(np.ceil(span), 1), 40))
    rows, _ = project(scen, T, distributions=False)
    sch = sch_rows(rows)
    wy = n = amt = 0.0
    for t, (r, s) in enumerate(zip(rows, sch)):
        a, b = max(year_start(scen.start, t), pub.start), min(year_start(scen.start, t + 1), pub.end)
        f = max(_years(a, b), 0.0)
        if f <= 0:
            continue
        total = sum(r.model.expected_amount(p) for p in ("jkk", "jkm"))
        paid = total - s["scholarship_commitment"] + s["scholarship_cash"] if pub.basis == "cash" else total
        wy += f * float(r.portfolio.count.sum())
        n += f * (r.model.expected_count("jkk") * bool(r.model.enabled.get("jkk"))
                  + r.model.expected_count("jkm") * bool(r.model.enabled.get("jkm")))
        amt += f * paid
    return {"worker_years": wy, "expected_claims": n, "expected_amount": amt,
            "claims_per_worker_year": n / wy if wy else 0.0, "amount_per_worker_year": amt / wy if wy else 0.0}


def reported_share(mu: float, T: float) -> float:
    """Share of events uniform over ``[0, T]`` reported by ``T`` with exponential delays of mean *mu*."""
    if mu <= 0:
        return 1.0
    return float(1.0 - (mu / T) * -np.expm1(-T / mu))


def delay_for_share(share: float, T: float) -> float | None:
    """Mean reporting delay (years) that leaves *share* reported by the end of a period of *T* years
    (0 when ``share >= 1``; None when no delay under 1000 years does)."""
    if share >= 1:
        return 0.0
    if share <= 0:
        return None
    return float(brentq(lambda mu: reported_share(mu, T) - share, 1e-9, 1000.0))


def compare(scen, pub: Published, confidence: float = 0.95) -> dict:
    """Everything ``python -m sim published`` reports (JSON-ready)."""
    m = model_rates(scen, pub)
    r, ra = m["claims_per_worker_year"], m["amount_per_worker_year"]
    if r <= 0 or ra <= 0:     # programmes off or no cover in the period: nothing to hold the figure against
        return {"published": _published_dict(pub), "scenario": scen.name, "model": m, "confidence": confidence,
                "expected_claims": [0.0, 0.0], "expected_amount": [0.0, 0.0], "ae_count": None, "ae_amount": None,
                "take_up_reconciling": None, "mean_reporting_delay_reconciling_years": None, "direction": "undefined",
                "verdict": {"id": "Model tidak mengharapkan klaim (program tidak aktif): angka publikasi tidak dapat "
                                  "dibandingkan.",
                            "en": "The model expects no claims (programmes off): the published figure cannot be "
                                  "held against it."}}
    lo_a, hi_a = (float(np.ravel(x)[0]) for x in credibility.poisson_interval(np.array([pub.claims]), confidence))
    e_lo, e_hi = r * pub.low, r * pub.high
    ae = {"low": pub.claims / e_hi, "high": pub.claims / e_lo,
          "interval_low": lo_a / e_hi, "interval_high": hi_a / e_lo}
    ae_amount = {"low": pub.amount / (ra * pub.high), "high": pub.amount / (ra * pub.low)}
    T = _years(pub.start, pub.end)
    if ae["interval_high"] < 1:
        direction = "below"            # below 1 even at the smallest exposure and the top of the Poisson interval
    elif ae["high"] < 1:
        direction = "leans_below"      # every exposure gives A/E below 1, chance cannot be ruled out at one end
    elif ae["interval_low"] > 1:
        direction = "above"
    elif ae["low"] > 1:
        direction = "leans_above"
    else:
        direction = "consistent"
    return {
        "published": _published_dict(pub),
        "scenario": scen.name, "model": m, "confidence": confidence,
        "expected_claims": [e_lo, e_hi], "expected_amount": [ra * pub.low, ra * pub.high],
        "ae_count": ae, "ae_amount": ae_amount,
        "take_up_reconciling": [min(ae["low"], 1.0), min(ae["high"], 1.0)],
        "mean_reporting_delay_reconciling_years": [delay_for_share(ae["high"], T), delay_for_share(ae["low"], T)],
        "direction": direction,
        "verdict": verdict(direction, ae, m, pub),
    }


def _published_dict(pub: Published) -> dict:
    return {"name": pub.name, "label": pub.label, "source": pub.source, "period": [pub.start, pub.end],
            "claims": pub.claims, "amount": pub.amount, "amount_basis": pub.basis,
            "exposure_worker_years": [pub.low, pub.high], "scope": pub.scope}


def verdict(direction: str, ae: dict, m: dict, pub: Published) -> dict:
    """The plain statement of which way the evidence points (Indonesian and English)."""
    f = lambda x: f"{x:.2f}".replace(".", ",")  # noqa: E731
    g = lambda x: f"{x:.2f}"  # noqa: E731
    if direction == "below":
        return {"id": f"Angka yang dipublikasikan ({pub.claims} klaim) lebih rendah dari harapan model pada setiap "
                      f"eksposur dalam rentangnya (A/E {f(ae['low'])}-{f(ae['high'])}, dengan interval Poisson "
                      f"{f(ae['interval_low'])}-{f(ae['interval_high'])}). Bukti mengarah ke lebih sedikit klaim yang "
                      "diajukan atau dilaporkan daripada asumsi model: klaim yang tidak diajukan (take-up di bawah 1), "
                      "pelaporan yang terlambat, atau asumsi yang terlalu tinggi. Angka ini tidak dapat membedakan "
                      "ketiganya, dan cakupannya tidak pasti.",
                "en": f"The published figure ({pub.claims} claims) is below what the model expects under every exposure "
                      f"in its range (A/E {g(ae['low'])}-{g(ae['high'])}, {g(ae['interval_low'])}-{g(ae['interval_high'])} "
                      "with the Poisson interval). The evidence points to fewer claims made or reported than the model "
                      "assumes: claims not made (take-up below 1), late reporting, or assumptions set too high. The "
                      "figure cannot tell these apart, and its scope is uncertain."}
    if direction == "leans_below":
        return {"id": f"Setiap eksposur dalam rentangnya memberi A/E di bawah 1 ({f(ae['low'])}-{f(ae['high'])}); hanya "
                      f"pada eksposur terkecil hasilnya masih dalam batas kebetulan (interval Poisson sampai "
                      f"{f(ae['interval_high'])}). Bukti condong ke lebih sedikit klaim yang diajukan atau dilaporkan "
                      "daripada asumsi model: klaim yang tidak diajukan (take-up di bawah 1), pelaporan yang terlambat, "
                      "atau asumsi yang terlalu tinggi. Angka ini tidak dapat membedakan ketiganya, dan cakupannya "
                      "tidak pasti.",
                "en": f"Every exposure in its range gives an A/E below 1 ({g(ae['low'])}-{g(ae['high'])}); only at the "
                      f"smallest exposure is it within chance of 1 (Poisson interval up to {g(ae['interval_high'])}). "
                      "The evidence leans towards fewer claims made or reported than the model assumes: claims not "
                      "made (take-up below 1), late reporting, or assumptions set too high. The figure cannot tell "
                      "these apart, and its scope is uncertain."}
    if direction in ("above", "leans_above"):
        return {"id": f"Angka yang dipublikasikan lebih tinggi dari harapan model (A/E {f(ae['low'])}-{f(ae['high'])}): "
                      "asumsi model mungkin terlalu rendah.",
                "en": f"The published figure is above what the model expects (A/E {g(ae['low'])}-{g(ae['high'])}): "
                      "the assumptions may be too low."}
    return {"id": f"Angka yang dipublikasikan sejalan dengan model dalam rentang eksposurnya (A/E {f(ae['low'])}-"
                  f"{f(ae['high'])}); tidak ada arah yang jelas.",
            "en": f"The published figure is consistent with the model over its exposure range (A/E {g(ae['low'])}-"
                  f"{g(ae['high'])}); it points neither way."}


DEFAULT = "experience/published-ntt-2025.yaml"


def published_note(scen, lang: str = "id", path: str | None = None) -> str:
    """One sentence for reports: the published NTT total against *scen* and which way it points."""
    from ..common.paths import PARAMS_DIR
    out = compare(scen, read_published(path or PARAMS_DIR / DEFAULT))
    ae = out["ae_count"]
    if ae is None:
        return out["verdict"]["id" if lang == "id" else "en"]
    if lang == "id":
        lo, hi = (f"{x:.2f}".replace(".", ",") for x in (ae["low"], ae["high"]))
        return (f"Angka publikasi NTT ({out['published']['claims']} klaim, s.d. {out['published']['period'][1]}): "
                f"A/E {lo}-{hi}. " + out["verdict"]["id"])
    return (f"Published NTT figure ({out['published']['claims']} claims, to {out['published']['period'][1]}): "
            f"A/E {ae['low']:.2f}-{ae['high']:.2f}. " + out["verdict"]["en"])
