"""Benefit rules of JKM and JKK for BPU participants (PP 44/2015 as amended by PP 82/2019).

All amounts are rupiah.  ``W`` is the declared monthly income the contribution
is paid on ("upah" for a BPU participant).  Functions take the regulation
figures as arguments (read from ``params/policy``) so that a dated change of
regulation needs no code change; they accept numbers or numpy arrays.
Article numbers were not verified against the regulation text (see
``params/policy/*.yaml`` for the sources quoted).
"""
from __future__ import annotations

import numpy as np

#: school levels of the scholarship schedule, in the order a child passes them (Permenaker 5/2021)
SCHOOL_LEVELS = ("tk", "sd", "smp", "sma", "kuliah")

#: JKK claim types of the benefit rules below (PP 82/2019): treatment only, temporary inability to
#: work (STMB), partial and total permanent disability, death from a work accident.
CLAIM_TYPES = ("medical_only", "temporary", "partial", "total", "death")


def jkm_death_cash(lump_sum: float, periodic: float, funeral: float) -> float:
    """JKM cash on a death not caused by work, after the waiting period.

    ``lump_sum + periodic + funeral`` (PP 82/2019: Rp 20 M + 24 x Rp 500,000 + Rp 10 M = Rp 42 M).
    Scholarships are separate (:func:`scholarship_commitment`).
    """
    return lump_sum + periodic + funeral


def jkm_benefit(months_of_membership, lump_sum, periodic, funeral, waiting_months):
    """JKM cash paid on a death after ``months_of_membership`` months.

    A BPU death within the first ``waiting_months`` (3) months of membership pays the
    funeral benefit only (BPJS practice quoted by ipol.id 2025); afterwards the full
    :func:`jkm_death_cash`.  Rupiah; vectorised over months.
    """
    m = np.asarray(months_of_membership, dtype=float)
    return np.where(m < waiting_months, funeral, jkm_death_cash(lump_sum, periodic, funeral))


def jkm_scholarship_eligible(months_of_membership, min_months) -> np.ndarray:
    """Whether a JKM death pays the scholarship: contributions for at least ``min_months`` (36)."""
    return np.asarray(months_of_membership, dtype=float) >= min_months


def jkk_death(W, wage_multiple, jkm_lump_sum, funeral, periodic):
    """JKK cash on a death from a work accident.

    ``max(wage_multiple x W, jkm_lump_sum) + funeral + periodic`` with the multiple
    60% x 80 = 48 (PP 82/2019: at least the JKM death benefit).  At W = Rp 1,000,000:
    48 M + 10 M + 12 M = Rp 70,000,000 before scholarships, the amount paid to the two
    BPU farmers of the Atambua branch in 2023 (pos-kupang 2023-06-27).
    """
    return np.maximum(wage_multiple * np.asarray(W, dtype=float), jkm_lump_sum) + funeral + periodic


def jkk_total_disability(W, wage_multiple, periodic):
    """JKK cash on total permanent disability: ``70% x 80 x W + periodic`` (56 W + Rp 12 M), PP 82/2019."""
    return wage_multiple * np.asarray(W, dtype=float) + periodic


def jkk_partial_disability(W, table_share, wage_multiple):
    """JKK cash on partial permanent disability: ``table share x 80 x W`` (PP 82/2019).

    ``table_share`` is the percentage of the regulation's disability table (as a fraction);
    for a functional loss multiply it by the share of function lost first.
    """
    return np.asarray(table_share, dtype=float) * wage_multiple * np.asarray(W, dtype=float)


def stmb(W, months_off, full_months, after_fraction):
    """Temporary incapacity income (STMB) for ``months_off`` months off work.

    100% of W for the first ``full_months`` (12) months, then ``after_fraction`` (50%) of W
    until recovery (PP 82/2019): ``W min(m, 12) + 0.5 W max(m - 12, 0)``.  Rupiah.
    """
    m = np.asarray(months_off, dtype=float)
    W = np.asarray(W, dtype=float)
    return W * np.minimum(m, full_months) + after_fraction * W * np.maximum(m - full_months, 0.0)


def transport(cost, cap):
    """Transport to care, reimbursed up to the cap of the mode used (PP 82/2019: land Rp 5 M,
    sea Rp 2 M, air Rp 10 M; with several modes each mode's cap applies to its part)."""
    return np.minimum(np.asarray(cost, dtype=float), cap)


def home_care(cost, cap):
    """Home care for a patient who cannot reach hospital, up to Rp 20 M for at most a year (PP 82/2019)."""
    return np.minimum(np.asarray(cost, dtype=float), cap)


def scholarship_max_per_child(per_year: dict, max_years: dict) -> float:
    """Largest scholarship one child can receive: sum over school levels of amount a year x years.

    Permenaker 5/2021: 1.5 M x 2 + 1.5 M x 6 + 2 M x 3 + 3 M x 3 + 12 M x 5 = Rp 87,000,000.
    """
    missing = set(per_year) ^ set(max_years)
    if missing:
        raise ValueError(f"scholarship levels differ between amounts and years: {sorted(missing)}")
    return float(sum(per_year[k] * max_years[k] for k in per_year))


def scholarship_commitment(children, per_child, max_children):
    """Scholarship committed on one eligible claim: ``min(children, max_children) x per_child``.

    Payable for JKM deaths after the minimum contribution period, and for JKK deaths and
    total permanent disability without one (PP 82/2019).  ``per_child`` is the expected
    amount a child will draw (an assumption, at most :func:`scholarship_max_per_child`).
    """
    return np.minimum(np.asarray(children, dtype=float), max_children) * per_child
