"""Death probabilities for JKM from a reference mortality table.

Tables live in ``params/data``: the Indonesian population table "2023" (mortapy,
provenance uncertain) and TMI IV 2019 (insured lives).  The population table runs
1.5-2x TMI IV at working ages, so TMI IV is meant to be used with a loading.
"""
from __future__ import annotations

import csv
from functools import lru_cache

import numpy as np

from ..common.paths import PARAMS_DIR

TABLE_FILES = {
    "population_2023": "indonesia_population_mortality_2023_mortapy.csv",
    "tmi_iv_2019": "tmi_iv_2019_qx.csv",
}


@lru_cache(maxsize=None)
def load_table(name: str) -> tuple[np.ndarray, np.ndarray]:
    """(q_x for men, q_x for women) by whole age 0..111 of table *name*."""
    with open(PARAMS_DIR / "data" / TABLE_FILES[name], encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    ages = np.array([int(r["age"]) for r in rows])
    if not np.array_equal(ages, np.arange(ages.size)):
        raise ValueError(f"{TABLE_FILES[name]}: ages must run 0, 1, 2, ... without gaps")
    qm = np.array([float(r["qx_male"]) for r in rows])
    qf = np.array([float(r["qx_female"]) for r in rows])
    qm.setflags(write=False)
    qf.setflags(write=False)
    return qm, qf


def annual_q(age, male, table: str, loading: float) -> np.ndarray:
    """One-year death probability ``min(loading x q_x, 1)`` at age last birthday *age*, by sex.

    A fractional age (an age shifted by parameter uncertainty, :mod:`sim.risk.uncertainty`)
    interpolates linearly between the whole ages around it: ``(1 - d) q_x + d q_(x+1)``.
    """
    qm, qf = load_table(table)
    age = np.asarray(age)
    male = np.asarray(male, dtype=bool)
    if age.dtype.kind == "f" and np.any(age != np.floor(age)):
        lo = np.floor(age)
        d = age - lo
        i = np.clip(lo.astype(int), 0, qm.size - 1)
        j = np.clip(i + 1, 0, qm.size - 1)
        q = np.where(male, (1 - d) * qm[i] + d * qm[j], (1 - d) * qf[i] + d * qf[j])
        return np.minimum(loading * q, 1.0)
    age = np.clip(np.asarray(age, dtype=int), 0, qm.size - 1)
    q = np.where(male, qm[age], qf[age])
    return np.minimum(loading * q, 1.0)


def period_probability(q_annual, exposure) -> np.ndarray:
    """Probability of the event within *exposure* years (0-1) under a constant force over the year.

    ``1 - (1 - q) ** exposure`` (the constant-force fractional-age assumption).
    """
    q = np.asarray(q_annual, dtype=float)
    e = np.asarray(exposure, dtype=float)
    with np.errstate(divide="ignore"):
        return np.where(q >= 1.0, np.where(e > 0, 1.0, 0.0), -np.expm1(e * np.log1p(-np.minimum(q, 1.0))))
