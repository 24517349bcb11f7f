"""Benefit rules against regulation examples worked by hand (PP 82/2019, Permenaker 5/2021)."""
import numpy as np
import pytest

from sim.law import benefits

W = 1_000_000


def test_jkk_death_at_one_million_pays_seventy_million_before_scholarships(baseline):
    p = baseline.param
    amount = benefits.jkk_death(W, p("policy.jkk.death_wage_multiple"), p("policy.jkm.death_lump_sum"),
                                p("policy.jkk.funeral"), p("policy.jkk.periodic"))
    assert amount == 48 * 1_000_000 + 10_000_000 + 12_000_000 == 70_000_000


def test_jkk_death_is_at_least_the_jkm_death_benefit():
    # at a (hypothetical) income of Rp 300,000, 48 W = 14.4 M < 20 M, so the JKM lump sum applies
    assert benefits.jkk_death(300_000, 48, 20_000_000, 10_000_000, 12_000_000) == 42_000_000


def test_jkm_cash_and_waiting_period(baseline):
    p = baseline.param
    args = (p("policy.jkm.death_lump_sum"), p("policy.jkm.periodic"), p("policy.jkm.funeral"))
    assert benefits.jkm_death_cash(*args) == 42_000_000
    got = benefits.jkm_benefit([0, 2.9, 3, 40], *args, p("policy.jkm.waiting_months"))
    assert list(got) == [10_000_000, 10_000_000, 42_000_000, 42_000_000]
    assert list(benefits.jkm_scholarship_eligible([35.9, 36], 36)) == [False, True]


def test_total_and_partial_disability():
    assert benefits.jkk_total_disability(W, 56, 12_000_000) == 68_000_000
    assert benefits.jkk_partial_disability(W, 0.10, 80) == pytest.approx(8_000_000)
    assert benefits.jkk_partial_disability(2 * W, 0.35, 80) == pytest.approx(56_000_000)


def test_stmb_full_for_twelve_months_then_half():
    got = benefits.stmb(W, np.array([0.5, 12, 18]), 12, 0.5)
    assert list(got) == [500_000, 12_000_000, 12_000_000 + 6 * 500_000]


def test_transport_and_home_care_caps():
    assert benefits.transport(7_000_000, 5_000_000) == 5_000_000
    assert benefits.transport(300_000, 5_000_000) == 300_000
    assert benefits.home_care(25_000_000, 20_000_000) == 20_000_000


def test_scholarship_schedule_reproduces_the_published_cap(baseline):
    p = baseline.param
    per_child = benefits.scholarship_max_per_child(p("policy.scholarship.per_year"), p("policy.scholarship.max_years"))
    assert per_child == 87_000_000
    assert benefits.scholarship_commitment(2, per_child, 2) == 174_000_000
    assert benefits.scholarship_commitment(3, per_child, 2) == 174_000_000  # at most two children


def test_dated_regulation_change_of_transport_cap(baseline):
    land = baseline.params["policy.jkk.transport_cap_land"]
    assert land.value_at("2019-01-01") == 1_000_000   # PP 44/2015
    assert land.value_at("2023-06-01") == 5_000_000   # PP 82/2019
