"""Reading a real roster file (CSV out of Excel) into a :class:`~sim.inputs.portfolio.Portfolio`.

Accepted: UTF-8 with or without a byte-order mark, CRLF or LF line ends, comma or
semicolon separators.  Required columns ``village``, ``sex`` (M/F, or L/P),
``age`` or ``birth_date``, ``occupation`` (as written on ID cards and village
rosters, e.g. ``Petani/Pekebun``; see ``params/data/occupation_names.csv``).
Optional ``id``, ``nik``, ``name``, ``declared_income``, ``enrolled_from``,
``enrolled_to``.  Every row is validated and every problem reported with its row
number.  Names and NIKs are read only to flag duplicates; they are never stored,
printed or written anywhere.
"""
from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta
from pathlib import Path

import numpy as np

from ..common.errors import Problems
from ..common.paths import PARAMS_DIR
from .portfolio import AGE_MAX, AGE_MIN, OCCUPATIONS, Portfolio, from_workers, load_villages

REQUIRED = ("village", "sex", "occupation")
OPTIONAL = ("age", "birth_date", "id", "nik", "name", "declared_income", "enrolled_from", "enrolled_to")
SEX = {"m": True, "l": True, "f": False, "p": False}
_MAX_ROWS_LISTED = 10


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", str(text).strip().lower().replace("’", "'"))


def occupation_names() -> dict[str, str]:
    """Known occupation names (normalised) -> model occupation class."""
    with open(PARAMS_DIR / "data" / "occupation_names.csv", encoding="utf-8") as fh:
        return {_norm(r["name"]): r["occupation"] for r in csv.DictReader(fh)}


def known_occupation_names() -> list[str]:
    with open(PARAMS_DIR / "data" / "occupation_names.csv", encoding="utf-8") as fh:
        return [r["name"] for r in csv.DictReader(fh)]


def parse_date(text: str) -> date | None:
    """A date written YYYY-MM-DD, DD/MM/YYYY or DD-MM-YYYY (as Excel exports it), else None."""
    text = text.strip()
    for rx, order in ((r"(\d{4})-(\d{1,2})-(\d{1,2})", "ymd"), (r"(\d{1,2})[/-](\d{1,2})[/-](\d{4})", "dmy")):
        m = re.fullmatch(rx, text)
        if m:
            a, b, c = (int(x) for x in m.groups())
            y, mo, d = (a, b, c) if order == "ymd" else (c, b, a)
            try:
                return date(y, mo, d)
            except ValueError:
                return None
    return None


def parse_rupiah(text: str) -> float | None:
    """An amount written 1000000, 1.000.000, 1,000,000 or Rp 1.000.000; None if not a number."""
    t = re.sub(r"(?i)^rp\.?\s*", "", text.strip()).replace(" ", "")
    if re.fullmatch(r"\d{1,3}(\.\d{3})+", t):
        t = t.replace(".", "")
    elif re.fullmatch(r"\d{1,3}(,\d{3})+", t):
        t = t.replace(",", "")
    try:
        v = float(t.replace(",", "."))
    except ValueError:
        return None
    return v if np.isfinite(v) else None


def _memo(fn):
    """*fn* remembering its result for each distinct text (for the length of one read)."""
    memo: dict = {}

    def call(text):
        try:
            return memo[text]
        except KeyError:
            memo[text] = out = fn(text)
            return out
    return call


def _age_at(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


class _RowProblems:
    """Groups identical row problems so a bad file gives a readable list."""

    def __init__(self):
        self.groups: dict[tuple[str, str], list[int]] = {}

    def add(self, row: int, column: str, message: str):
        self.groups.setdefault((column, message), []).append(row)

    def flush(self, file: str, problems: Problems):
        for (column, message), rows in self.groups.items():
            listed = ", ".join(map(str, rows[:_MAX_ROWS_LISTED]))
            more = f" and {len(rows) - _MAX_ROWS_LISTED} more" if len(rows) > _MAX_ROWS_LISTED else ""
            label = "row" if len(rows) == 1 else "rows"
            problems.add(file, f"{label} {listed}{more}: {column}", message)


def read_roster(path: Path | str, start: str, income_default: float, income_floor: float,
                default_membership: float = 0.0, display: str | None = None,
                cover_until: date | None = None) -> Portfolio:
    """Validate a roster file and return its portfolio of cells for the year from *start*
    (cover, and so exposure, ends after *cover_until* when the funding stops within the year).

    Raises :class:`~sim.common.errors.InputError` with every problem (row numbers count the
    header as row 1, as a spreadsheet does).
    """
    path = Path(path)
    name = display or str(path)
    problems = Problems()
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        problems.add(name, "", "expected a UTF-8 text file (save it from Excel as 'CSV UTF-8')")
        problems.raise_if_any()
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        problems.add(name, "", "the file is empty; expected a header row and one row per worker")
        problems.raise_if_any()
    delim = ";" if lines[0].count(";") > lines[0].count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim)
    header = [_norm(h) for h in next(reader)]
    for col in header:
        if col not in REQUIRED + OPTIONAL:
            problems.add(name, f"column '{col}'", f"unknown column; expected {', '.join(REQUIRED + OPTIONAL)}")
    dup_cols = sorted({c for c in header if header.count(c) > 1})
    for col in dup_cols:
        problems.add(name, f"column '{col}'", "the column appears more than once")
    for col in REQUIRED:
        if col not in header:
            problems.add(name, f"column '{col}'", "required column missing")
    if "age" not in header and "birth_date" not in header:
        problems.add(name, "column 'age'", "required: either 'age' or 'birth_date'")
    problems.raise_if_any()

    idx = {c: header.index(c) for c in header}
    # a roster repeats a few villages, occupations, dates and incomes: parse each distinct text once
    # (the memo lives for this call only)
    norm, pdate, prupiah = _memo(_norm), _memo(parse_date), _memo(parse_rupiah)
    villages = {_norm(v[1]): v[1] for v in load_villages(None)}
    occ_map = occupation_names()
    occ_index = {o: i for i, o in enumerate(OCCUPATIONS)}
    start_d = date.fromisoformat(start)
    end_d = start_d.replace(year=start_d.year + 1) if not (start_d.month == 2 and start_d.day == 29) \
        else date(start_d.year + 1, 3, 1)
    year_days = (end_d - start_d).days
    stop_d = min(end_d, cover_until + timedelta(days=1)) if cover_until is not None else end_d
    rp = _RowProblems()
    seen_id: dict[str, int] = {}
    seen_nik: dict[str, int] = {}
    cols = {k: [] for k in ("age", "male", "occ", "income", "exposure", "membership", "village")}
    unknown_occ = False
    n_rows = 0
    for rowno, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        n_rows += 1
        if len(row) != len(header):
            rp.add(rowno, "row", f"expected {len(header)} fields separated by '{delim}', found {len(row)}")
            continue
        get = {c: row[i].strip() for c, i in idx.items()}
        ok = True
        village = villages.get(norm(get["village"]))
        if village is None:
            rp.add(rowno, "village", "not a desa or kelurahan of Kabupaten Belu (params/data/belu_desa_kelurahan.csv)")
            ok = False
        male = SEX.get(get["sex"].lower())
        if male is None:
            rp.add(rowno, "sex", "expected M or F (L or P accepted)")
            ok = False
        age = None
        if get.get("age"):
            try:
                age = int(float(get["age"]))
            except ValueError:
                rp.add(rowno, "age", "expected a whole number of years")
                ok = False
        elif get.get("birth_date"):
            b = pdate(get["birth_date"])
            if b is None:
                rp.add(rowno, "birth_date", "expected a date written YYYY-MM-DD or DD/MM/YYYY")
                ok = False
            else:
                age = _age_at(b, start_d)
        else:
            rp.add(rowno, "age", "expected an age or a birth_date")
            ok = False
        if age is not None and not AGE_MIN <= age <= AGE_MAX:
            rp.add(rowno, "age", f"expected an age between {AGE_MIN} and {AGE_MAX} at {start}")
            ok = False
        occ = occ_map.get(norm(get["occupation"]))
        if occ is None:
            rp.add(rowno, "occupation", "unknown occupation (the known names are listed below)")
            unknown_occ, ok = True, False
        income = income_default
        if get.get("declared_income"):
            income = prupiah(get["declared_income"])
            if income is None:
                rp.add(rowno, "declared_income", "expected an amount in rupiah, e.g. 1000000 or 1.000.000")
                ok = False
            elif income < income_floor:
                rp.add(rowno, "declared_income", f"below the BPU floor of Rp {income_floor:,.0f}".replace(",", "."))
                ok = False
        frm = to = None
        for col in ("enrolled_from", "enrolled_to"):
            if get.get(col):
                d = pdate(get[col])
                if d is None:
                    rp.add(rowno, col, "expected a date written YYYY-MM-DD or DD/MM/YYYY")
                    ok = False
                elif col == "enrolled_from":
                    frm = d
                else:
                    to = d
        if frm and to and to < frm:
            rp.add(rowno, "enrolled_to", "is before enrolled_from")
            ok = False
        for col, seen in (("id", seen_id), ("nik", seen_nik)):
            val = get.get(col)
            if val:
                if col == "nik" and not re.fullmatch(r"\d{16}", val):
                    rp.add(rowno, "nik", "expected 16 digits")
                    ok = False
                if val in seen:
                    rp.add(rowno, col, f"duplicate {col} (same as row {seen[val]})")
                    ok = False
                else:
                    seen[val] = rowno
        if not ok:
            continue
        cover_from = max(frm or start_d, start_d)
        cover_to = min(to + timedelta(days=1) if to else stop_d, stop_d)
        exposure = max((cover_to - cover_from).days, 0) / year_days
        if frm is None:
            membership = default_membership
        else:
            membership = max((cover_from - frm).days, 0) / (365.25 / 12)
        cols["age"].append(age)
        cols["male"].append(male)
        cols["occ"].append(occ_index[occ])
        cols["income"].append(income)
        cols["exposure"].append(exposure)
        cols["membership"].append(membership)
        cols["village"].append(village)
    rp.flush(name, problems)
    if unknown_occ:
        problems.add(name, "occupation", "known names: " + "; ".join(known_occupation_names()))
    if n_rows == 0:
        problems.add(name, "", "no worker rows; expected one row per worker after the header")
    problems.raise_if_any()
    return from_workers(cols["age"], cols["male"], cols["occ"], cols["income"], cols["exposure"],
                        cols["membership"], cols["village"], source="roster")
