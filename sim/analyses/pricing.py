"""Pricing checks: the break-even contribution per programme and the contribution that covers a
year's claims with a target probability.

* Break-even (pure premium) a month per worker: ``E[S] / (worker-years x 12)``.
* Target ``q``: the smallest contribution ``c`` with ``P(S <= 12 c x worker-years) >= q``, i.e.
  ``VaR_q(S) / (12 x worker-years)``, from the exact distribution ``S`` of the year's claims.
"""
from __future__ import annotations


def contributions_needed(dist, worker_years: float, target: float) -> dict[str, float]:
    """Break-even and target-probability contributions (rupiah a month per worker) for *dist*."""
    months = 12.0 * worker_years
    return {"break_even_monthly": dist.mean() / months, "target_monthly": dist.quantile(target) / months,
            "target": target}
