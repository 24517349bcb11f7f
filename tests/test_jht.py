"""JHT accumulation against month-by-month accumulation and annuity closed forms."""
import pytest

from sim.analyses import jht
from sim.analyses.model import run
from sim.inputs.scenario import load_scenario
from tests.conftest import WITH_JHT


def month_by_month(c, months, r):
    i = (1 + r) ** (1 / 12) - 1
    b = 0.0
    for _ in range(months):
        b = b * (1 + i) + c
    return b


@pytest.mark.parametrize("r", [0.0, 0.03, 0.06, 0.0782])
@pytest.mark.parametrize("months", [1, 12, 120, 456])
def test_balance_equals_month_by_month_accumulation(r, months):
    assert jht.balance(months, 20_000, r) == pytest.approx(month_by_month(20_000, months, r), rel=1e-12)


def test_closed_forms():
    assert jht.balance(120, 20_000, 0.0) == 20_000 * 120
    # one year at 6%: s_12 at the monthly equivalent rate
    i = 1.06 ** (1 / 12) - 1
    assert jht.balance(12, 1.0, 0.06) == pytest.approx(((1 + i) ** 12 - 1) / i)
    # annual view: 12 months of contributions grow by (1 + r) a year, so B_24 = B_12 (1 + r) + B_12
    b12 = jht.balance(12, 1.0, 0.06)
    assert jht.balance(24, 1.0, 0.06) == pytest.approx(b12 * 1.06 + b12)


def test_regency_share_of_jht_lowers_the_budget_need():
    full = run(load_scenario(WITH_JHT), checks=False)
    half = run(load_scenario(WITH_JHT, ["budget.jht_regency_share=0.5"]), checks=False)
    assert full["budget"]["required"] - half["budget"]["required"] == 0.5 * 5892 * 20_000 * 12
    assert half["contributions"] == full["contributions"]      # the worker pays the other half
    assert half["jht"]["balance_per_worker"]["10"] == pytest.approx(jht.balance(120, 20_000, 0.06))
