"""Two scenarios side by side over the same years: budget path, JHT fund path, loss-ratio path."""
from __future__ import annotations

from .projection import run_projection


def compare(scen_a, scen_b, years: int | None = None, paths: int | None = None) -> dict:
    """Projections of both scenarios and their year-by-year differences (B minus A)."""
    years = int(years or scen_a["projection.years"])
    a = run_projection(scen_a, years, paths)
    b = run_projection(scen_b, years, paths)
    rows = []
    for ra, rb in zip(a["rows"], b["rows"]):
        fund = lambda r: r["jht"]["fund"] if "jht" in r else 0.0  # noqa: E731
        rows.append({
            "year": ra["year"], "start": ra["start"],
            "budget_required": {"a": ra["budget"]["required"], "b": rb["budget"]["required"],
                                "difference": rb["budget"]["required"] - ra["budget"]["required"]},
            "allocation": {"a": ra["budget"]["allocation"], "b": rb["budget"]["allocation"]},
            "jht_fund": {"a": fund(ra), "b": fund(rb), "difference": fund(rb) - fund(ra)},
            "loss_ratio": {"a": ra["loss_ratio"], "b": rb["loss_ratio"]},
            "expected_claims": {"a": ra["expected_claims"]["total"], "b": rb["expected_claims"]["total"]},
        })
    total = lambda p: sum(r["budget"]["required"] for r in p["rows"])  # noqa: E731
    return {"a": a, "b": b, "years": years, "rows": rows,
            "total_budget_required": {"a": total(a), "b": total(b), "difference": total(b) - total(a)}}
