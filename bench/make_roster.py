"""Write a synthetic roster CSV (no real person) for the roster benchmark and the figure fixtures.

Run: ``.venv/bin/python bench/make_roster.py OUT.csv [--workers 100000] [--dates 1000]
[--incomes 40] [--seed 1]``.  Deterministic from the seed.  Each worker gets a desa of Belu, a sex,
an age, an ID-card occupation name, one of ``--incomes`` declared incomes (Rp 1,000,000 upwards in
steps of Rp 50,000) and one of ``--dates`` enrolment dates (from four years before 2023-06-01 to ten
months after it, so some members straddle the JKM waiting period and the scholarship's 36 months and
some are covered for part of the year); one worker in twenty leaves before the year ends.  The
file is generated, never committed (``bench/*.csv`` is ignored).
"""
from __future__ import annotations

import argparse
import csv
import sys
from datetime import date, timedelta
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
START = date(2023, 6, 1)
OCCUPATION_NAMES = ("Petani/Pekebun", "Peternak", "Nelayan/Perikanan", "Tukang Batu", "Buruh Harian Lepas",
                    "Pedagang", "Sopir", "Tukang Jahit", "Wiraswasta")


def villages() -> list[str]:
    with open(ROOT / "params" / "data" / "belu_desa_kelurahan.csv", encoding="utf-8") as fh:
        return [r["nama"] for r in csv.DictReader(fh)]


def roster_rows(workers: int, dates: int, incomes: int, seed: int):
    """The header and the rows (lists of strings) of a synthetic roster."""
    rng = np.random.default_rng([int(seed), 99])
    names = villages()
    span = (START - date(2019, 6, 1)).days + 300
    day0 = date(2019, 6, 1)
    offsets = np.sort(rng.choice(span, size=dates, replace=False))
    enrol = [(day0 + timedelta(days=int(d))).isoformat() for d in offsets]
    income = [str(1_000_000 + 50_000 * k) for k in range(incomes)]
    v = rng.integers(0, len(names), workers)
    sex = rng.integers(0, 2, workers)
    age = rng.integers(18, 66, workers)
    occ = rng.integers(0, len(OCCUPATION_NAMES), workers)
    inc = rng.integers(0, incomes, workers)
    en = rng.integers(0, dates, workers)
    leave = rng.random(workers) < 0.05
    leave_day = rng.integers(30, 360, workers)
    header = ["id", "village", "sex", "age", "occupation", "declared_income", "enrolled_from", "enrolled_to"]
    rows = []
    for i in range(workers):
        frm = enrol[en[i]]
        to = ""
        if leave[i]:
            end = max(date.fromisoformat(frm), START) + timedelta(days=int(leave_day[i]))
            to = end.isoformat()
        rows.append([str(i + 1), names[v[i]], "MF"[sex[i]], str(age[i]), OCCUPATION_NAMES[occ[i]], income[inc[i]],
                     frm, to])
    return header, rows


def write_roster(path: Path | str, workers: int = 100_000, dates: int = 1_000, incomes: int = 40, seed: int = 1) -> Path:
    path = Path(path)
    header, rows = roster_rows(workers, dates, incomes, seed)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out")
    ap.add_argument("--workers", type=int, default=100_000)
    ap.add_argument("--dates", type=int, default=1_000)
    ap.add_argument("--incomes", type=int, default=40)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args(argv)
    p = write_roster(a.out, a.workers, a.dates, a.incomes, a.seed)
    print(p, file=sys.stderr)


if __name__ == "__main__":
    main()
