"""JHT (old-age savings): balances from monthly contributions with a credited return.

Deterministic accumulation (annuity-immediate, monthly): a contribution ``c`` at the end of
each month, credited at the monthly rate ``i = (1 + r)^(1/12) - 1`` equivalent to the annual
return ``r``, gives after ``n`` months

    B_n = c s_n = c ((1 + i)^n - 1) / i        (c n when r = 0).

BPJS credits the return ("hasil pengembangan") yearly; the monthly equivalent keeps the
annual effective rate.  Balances are paid out on death, at exit, and at the retirement age
(56, PP 46/2015 as quoted; to verify), so a closed cohort's fund at a date is the balance
times the members still in it.
"""
from __future__ import annotations

import numpy as np

from .mortality import annual_q


def monthly_rate(annual_return: float) -> float:
    """``(1 + r)^(1/12) - 1``: the monthly rate with the same annual effect."""
    return (1.0 + annual_return) ** (1.0 / 12.0) - 1.0


def balance(months, monthly_contribution: float, annual_return: float) -> np.ndarray:
    """Balance after *months* months of contributions (rupiah): ``c ((1 + i)^n - 1) / i``."""
    n = np.asarray(months, dtype=float)
    i = monthly_rate(annual_return)
    if abs(i) < 1e-15:
        return monthly_contribution * n
    return monthly_contribution * np.expm1(n * np.log1p(i)) / i


def years_to_retirement(age, retirement_age: float) -> np.ndarray:
    """Whole years of membership left before the retirement age (0 if already there)."""
    return np.maximum(np.floor(retirement_age - np.asarray(age, dtype=float)), 0.0)


def cohort_fund(portfolio, monthly_contribution, years: int, annual_return: float, table: str,
                loading: float, retirement_age: float) -> dict[str, np.ndarray]:
    """Deterministic JHT fund of the enrolled cohort, year by year (no new entrants, no lapses).

    For year ``y = 1..years``: members in force ``sum_c n_c S_c(y) 1[age_c + y < retirement]``
    with ``S_c`` the survival from the mortality table (with loading), the fund
    ``members x B_{12y}``, and the balances paid out in the year to those who died or reached
    the retirement age.  Rupiah; ``monthly_contribution`` per cell or one number.
    """
    c = np.broadcast_to(np.asarray(monthly_contribution, dtype=float), portfolio.count.shape)
    n = portfolio.count.astype(float)
    alive = np.ones_like(n)
    members, fund, paid = [], [], []
    for y in range(1, years + 1):
        age = portfolio.age + (y - 1)
        active_start = age < retirement_age
        q = annual_q(age, portfolio.male, table, loading)
        b_end = balance(12 * y, 1.0, annual_return) * c
        # deaths over the year are paid about half a year's balance earlier; take the end-of-year balance
        died = alive * q * active_start
        alive_next = alive * (1 - q)
        retiring = active_start & (age + 1 >= retirement_age)
        in_force = alive_next * active_start * ~retiring
        members.append(float(np.dot(n, in_force)))
        fund.append(float(np.dot(n, in_force * b_end)))
        paid.append(float(np.dot(n, (died + alive_next * retiring * active_start) * b_end)))
        alive = alive_next
    return {"year": np.arange(1, years + 1), "members": np.array(members), "fund": np.array(fund),
            "paid_out": np.array(paid)}
