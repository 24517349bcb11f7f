"""Observed claims experience (CSV), validated row by row like every other input.

Columns: ``year``, ``village`` (optional; blank for a whole-regency row), ``program`` (JKK or
JKM), ``claim_type`` (JKM: ``death``; JKK: ``medical_only``, ``temporary``, ``partial``,
``total``, ``death`` or ``all``), ``count`` (claims), ``amount`` (rupiah paid),
``exposure_months`` (worker-months of cover), optional ``reported`` (the year, or a date
YYYY-MM-DD, in which the row's claims were reported: rows split by it give a development
triangle, :mod:`sim.analyses.experience_years`).  Lines starting with ``#`` are comments (the
illustrative file says there that it is illustrative).  UTF-8 with or without BOM, comma or
semicolon.  Every problem is reported with its row number, all in one pass.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..common import limits
from ..common.errors import Problems
from ..common.textfile import csv_rows, read_text
from ..law.benefits import CLAIM_TYPES
from .portfolio import load_villages
from .roster import _norm, _RowProblems, parse_rupiah

COLUMNS = ("year", "village", "program", "claim_type", "count", "amount", "exposure_months", "reported")
REQUIRED = ("year", "program", "claim_type", "count", "amount", "exposure_months")
TYPES = {"jkm": ("death",), "jkk": CLAIM_TYPES + ("all",)}


@dataclass
class Experience:
    """Validated experience rows as arrays (one entry per CSV row)."""

    year: np.ndarray
    village: np.ndarray      # "" where not given
    program: np.ndarray      # "jkk" / "jkm"
    claim_type: np.ndarray
    count: np.ndarray
    amount: np.ndarray
    exposure_years: np.ndarray
    comments: list[str]
    reported: np.ndarray | None = None   # year each row's claims were reported (None: column absent)


def read_experience(path: Path | str, display: str | None = None) -> Experience:
    """Read and validate an experience CSV; raise InputError with every problem."""
    path = Path(path)
    name = display or str(path)
    problems = Problems()
    text = read_text(path, problems, name, limits.MAX_EXPERIENCE_BYTES)
    problems.raise_if_any()
    lines = text.splitlines()
    comments = [ln.lstrip("#").strip() for ln in lines if ln.lstrip().startswith("#")]
    # comment lines are blanked (not removed), so the CSV reader's line numbers are the file's
    body_text = "\n".join("" if ln.lstrip().startswith("#") else ln for ln in lines)
    first = next((ln for ln in lines if ln.strip() and not ln.lstrip().startswith("#")), None)
    if first is None:
        problems.add(name, "", "no header row; expected the columns " + ", ".join(COLUMNS))
        problems.raise_if_any()
    delim = ";" if first.count(";") > first.count(",") else ","
    numbered = [(n, r) for n, r in csv_rows(body_text, delim, name, problems) if any(c.strip() for c in r)]
    problems.raise_if_any()
    if len(numbered) - 1 > limits.MAX_EXPERIENCE_ROWS:
        problems.add(name, "", "terlalu banyak baris / too many rows: " +
                     limits.above(len(numbered) - 1, limits.MAX_EXPERIENCE_ROWS))
        problems.raise_if_any()
    body = [(n, "") for n, _ in numbered]
    rows = [r for _, r in numbered]
    header = [_norm(h) for h in rows[0]]
    for col in header:
        if col not in COLUMNS:
            problems.add(name, f"column '{col}'", f"unknown column; expected {', '.join(COLUMNS)}")
    for col in REQUIRED:
        if col not in header:
            problems.add(name, f"column '{col}'", "required column missing")
    problems.raise_if_any()
    idx = {c: header.index(c) for c in header}
    villages = {_norm(v[1]): v[1] for v in load_villages(None)}
    rp = _RowProblems()
    out = {k: [] for k in COLUMNS}
    line_of: list[int] = []          # CSV line of each accepted row
    for (lineno, _), row in zip(body[1:], rows[1:]):
        if len(row) != len(header):
            rp.add(lineno, "row", f"expected {len(header)} fields separated by '{delim}', found {len(row)}")
            continue
        get = {c: row[i].strip() for c, i in idx.items()}
        ok = True
        try:
            year = int(get["year"])
            if not 2000 <= year <= 2100:
                raise ValueError
        except ValueError:
            rp.add(lineno, "year", "expected a year such as 2024")
            ok = False
            year = 0
        village = ""
        if get.get("village"):
            village = villages.get(_norm(get["village"]))
            if village is None:
                rp.add(lineno, "village", "not a desa or kelurahan of Kabupaten Belu")
                ok = False
        prog = get["program"].lower()
        if prog not in TYPES:
            rp.add(lineno, "program", "expected JKK or JKM")
            ok = False
        ctype = get["claim_type"].lower()
        if prog in TYPES and ctype not in TYPES[prog]:
            rp.add(lineno, "claim_type", f"expected one of {', '.join(TYPES[prog])} for {prog.upper()}")
            ok = False
        try:
            count = int(get["count"])
            if not 0 <= count <= limits.MAX_CLAIM_COUNT:
                raise ValueError
        except ValueError:
            rp.add(lineno, "count", f"expected a whole number of claims, 0 to {limits.grouped(limits.MAX_CLAIM_COUNT)}")
            ok = False
            count = None   # no follow-on "amount with no claims"
        amount = parse_rupiah(get["amount"]) if get["amount"] else None
        if amount is None or not 0 <= amount <= limits.MAX_RUPIAH:
            rp.add(lineno, "amount", f"expected an amount in rupiah, 0 to {limits.grouped(limits.MAX_RUPIAH)}")
            ok = False
        elif count == 0 and amount > 0:
            rp.add(lineno, "amount", "an amount with no claims; expected 0")
            ok = False
        expo = parse_rupiah(get["exposure_months"]) if get["exposure_months"] else None
        if expo is None or not 0 < expo <= limits.MAX_EXPOSURE_MONTHS:
            rp.add(lineno, "exposure_months", "expected worker-months of cover, more than 0 and at most "
                   f"{limits.grouped(limits.MAX_EXPOSURE_MONTHS)}")
            ok = False
        reported = None
        if "reported" in get:
            reported = _report_year(get["reported"])
            if reported is None or (year and reported < year):
                rp.add(lineno, "reported", "expected the year (2024) or date (2024-03-15) the claims were reported, "
                                           "not before the row's year")
                ok = False
        if ok:
            out["reported"].append(reported)
            for k, v in zip(COLUMNS, (year, village, prog, ctype, count, amount, expo)):
                out[k].append(v)
            line_of.append(lineno)
    # one exposure per (year, village, program); JKK rows either per claim type or 'all', not both
    seen: dict = {}
    for i in range(len(out["year"])):
        key = (out["year"][i], out["village"][i], out["program"][i])
        e, kinds, first = seen.setdefault(key, (out["exposure_months"][i], set(), i))
        kinds.add("all" if out["claim_type"][i] == "all" else "type")
        if abs(e - out["exposure_months"][i]) > 1e-9:
            rp.add(line_of[i], "exposure_months",
                   f"differs from row {line_of[first]} (same year, village and programme)")
        if len(kinds) > 1:
            rp.add(line_of[i], "claim_type", "mixes 'all' with single claim types for the same year and village")
    rp.flush(name, problems)
    if not out["year"] and not problems:
        problems.add(name, "", "no data rows after the header")
    problems.raise_if_any()
    return Experience(np.array(out["year"]), np.array(out["village"], dtype=object), np.array(out["program"]),
                      np.array(out["claim_type"]), np.array(out["count"], dtype=float),
                      np.array(out["amount"], dtype=float), np.array(out["exposure_months"], dtype=float) / 12.0,
                      comments, np.array(out["reported"], dtype=int) if "reported" in idx else None)


def _report_year(text: str) -> int | None:
    """The year of a report written as a year (2024) or an ISO date (2024-03-15), or None."""
    from .params import is_iso_date
    t = text.strip()
    if is_iso_date(t):
        return int(t[:4])
    try:
        y = int(t)
    except ValueError:
        return None
    return y if 2000 <= y <= 2100 else None


def write_experience(rows: list[dict], path: Path | str, comments: list[str]) -> None:
    """Write experience rows as CSV with leading ``#`` comment lines."""
    with open(path, "w", encoding="utf-8", newline="") as fh:
        for c in comments:
            fh.write(f"# {c}\n")
        cols = [c for c in COLUMNS if c != "reported" or any("reported" in r for r in rows)]
        w = csv.DictWriter(fh, fieldnames=cols)
        w.writeheader()
        w.writerows(rows)
