"""Reading a real roster (an Excel workbook or a CSV, as village offices keep them) into a
:class:`~sim.inputs.portfolio.Portfolio`.

Columns are found by meaning in Indonesian or English (:mod:`sim.inputs.roster_headers`): desa,
jenis kelamin, umur or tanggal lahir, pekerjaan are required; NIK, nama, nomor peserta,
penghasilan, mulai, sampai, kecamatan are optional; ``No`` and the like are read past.  Cells are
read as :mod:`sim.inputs.roster_values` says.  Every row is validated, every problem reported with
its row number as the spreadsheet shows it and the column's letter, all in one pass, each message
in Indonesian then English.  No cell value (names, NIK, anything) is ever stored beyond this
module, printed, logged or written: messages name the row and the column, and a suggestion
("did you mean") is always a name from the reference lists, never the cell.

Each distinct value of a column is parsed once and the rows follow by numpy indexing, so a
roster of 10^5 rows is read in a fraction of a second from CSV (openpyxl's own parsing dominates
for ``.xlsx``).
"""
from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import numpy as np

from ..common.errors import Problems
from ..common.formatting import label as bi, rupiah
from ..common.numbers import NumberError, parse_number
from . import roster_values as V
from .portfolio import AGE_MAX, AGE_MIN, OCCUPATIONS, Portfolio, from_workers
from .roster_files import open_rows
from .roster_headers import (HEADER_SEARCH_ROWS, REQUIRED, column_of, label, letter, near_misses, recognised,
                             suggest_column)
from .roster_split import collect_in_two
from .roster_table import Column, Grouped, blank, collect, required_empty
from .roster_xlsx import SheetDeclined

_MAX_ROWS_LISTED = 10
MAX_INCOME = 1_000_000_000   #: declared income a month, rupiah (a bound against typing slips; BPU incomes are far lower)
TEMPLATE = "params/templates/roster-template.xlsx"
#: the NIK of the template's invented example row (a serial of 0000 is never issued): refused, so a
#: forgotten example row never counts as a worker
EXAMPLE_NIK = "5304000000000000"


def _find_header(rows, name: str, villages: V.Villages, problems: Problems):
    """``(row number, header cells, the remaining rows)``: the header row is the first of the first
    :data:`HEADER_SEARCH_ROWS` filled rows with two accepted headings; a missing one is reported."""
    seen = []
    for rowno, cells in rows:
        if blank(cells):
            continue
        known = recognised(cells)
        if known >= 2 or (known == 1 and near_misses(cells) >= 1 and not V.looks_like_data(cells, villages)):
            return rowno, cells, rows
        seen.append((rowno, cells))
        if len(seen) >= HEADER_SEARCH_ROWS:
            break
    hint = bi(f"lihat contoh {TEMPLATE}", f"see the template {TEMPLATE}")
    if not seen:
        problems.add(name, "", bi("berkas kosong: harus ada baris judul kolom lalu satu baris per pekerja",
                                  "the file is empty; expected a header row and one row per worker"))
    elif V.looks_like_data(seen[0][1], villages):
        problems.add(name, f"baris/row {seen[0][0]}",
                     bi("baris judul kolom tidak ada: baris pertama berisi data pekerja, bukan nama kolom; "
                        "tambahkan baris judul (desa, jenis kelamin, umur, pekerjaan, ...)",
                        "the header row is missing: the first row holds a worker's data, not column names; "
                        "add a header row (desa, jenis kelamin, umur, pekerjaan, ...)") + f"; {hint}")
    else:
        problems.add(name, "", bi(f"tidak ada baris judul kolom dalam {HEADER_SEARCH_ROWS} baris terisi pertama "
                                  "(mis. desa, jenis kelamin, umur, pekerjaan)",
                                  f"no header row in the first {HEADER_SEARCH_ROWS} filled rows "
                                  "(e.g. desa, jenis kelamin, umur, pekerjaan)") + f"; {hint}")
    problems.raise_if_any()


def _map_columns(header, header_row: int, name: str, problems: Problems) -> dict[str, int]:
    """Canonical column -> index; unknown and repeated headings and missing columns reported."""
    cols: dict[str, int] = {}
    for i, h in enumerate(header):
        key = column_of(h) if h is not None else ""
        where = f"baris/row {header_row} · kolom/column {letter(i)}"
        if key is None:
            s = suggest_column(h)
            problems.add(name, where, bi("judul kolom tidak dikenal" + (f"; maksud Anda '{s}'?" if s else ""),
                                         "unknown column heading" + (f"; did you mean '{s}'?" if s else ""))
                         + "; " + bi("nama kolom yang diterima ada di README", "accepted names are in the README"))
        elif key and key in cols:
            problems.add(name, where, bi(f"kolom {label(key)} sudah ada di kolom {letter(cols[key])}",
                                         f"column {label(key)} already given in column {letter(cols[key])}"))
        elif key:
            cols[key] = i
    for key in REQUIRED:
        if key not in cols:
            problems.add(name, "", bi(f"kolom wajib {label(key)} tidak ada", f"required column {label(key)} missing"))
    if "age" not in cols and "birth_date" not in cols:
        problems.add(name, "", bi("kolom wajib: umur atau tanggal lahir", "required: a column age or birth date"))
    return cols


def read_roster(path: Path | str, start: str, income_default: float, income_floor: float,
                default_membership: float = 0.0, display: str | None = None, sheet: str | None = None,
                cover_until: date | None = None, fast: bool = True, fast_sheet: bool = True) -> Portfolio:
    """Validate a roster (``.xlsx`` or CSV) and return its portfolio of cells for the year from *start*
    (cover, and so exposure, ends after *cover_until* when the funding stops within the year).

    *fast* reads column by column with the bulk parsers of :mod:`sim.inputs.roster_values`;
    ``fast=False`` reads cell by cell (the reference the tests compare it with: the same portfolio
    and the same problems).

    Raises :class:`~sim.common.errors.InputError` with every problem (rows numbered as the
    spreadsheet shows them; the header row is row 1 unless title rows come first).  A sheet the
    fast sheet reader declines part-way (:class:`~sim.inputs.roster_xlsx.SheetDeclined`) is read
    again from its start with openpyxl's parser.
    """
    if fast_sheet:
        try:
            return _read(path, start, income_default, income_floor, default_membership, display, sheet, cover_until,
                         fast, True)
        except SheetDeclined:
            pass
    return _read(path, start, income_default, income_floor, default_membership, display, sheet, cover_until,
                 fast, False)


def _read(path, start, income_default, income_floor, default_membership, display, sheet, cover_until,
          fast, fast_sheet) -> Portfolio:
    path = Path(path)
    name = display or str(path)
    problems = Problems()
    rows, epoch = open_rows(path, name, sheet, fast=fast, fast_sheet=fast_sheet)
    villages, occs = V.Villages(), V.Occupations()
    header_row, header, rows = _find_header(rows, name, villages, problems)
    cols = _map_columns(header, header_row, name, problems)
    if any(k not in cols for k in REQUIRED) or ("age" not in cols and "birth_date" not in cols):
        problems.raise_if_any()   # rows cannot be read without these; other heading problems wait for the rows
    rp = Grouped()
    rownos, values, codes = collect(rows, cols, len(header), epoch is None, rp, fast=fast, split=collect_in_two)
    n = rownos.size
    if n == 0 and not rp.groups:
        problems.add(name, "", bi("tidak ada baris pekerja setelah baris judul kolom",
                                  "no worker rows; expected one row per worker after the header row"))
        problems.raise_if_any()
    col = {k: Column(k, cols[k], values[k], codes[k], rownos, rp, fast, text_only=epoch is None)
           for k in values}
    start_d = date.fromisoformat(start)
    end_d = start_d.replace(year=start_d.year + 1) if (start_d.month, start_d.day) != (2, 29) \
        else date(start_d.year + 1, 3, 1)
    bad = np.zeros(n, dtype=bool)

    # village (and kecamatan when given)
    c = col["village"]
    vil, b = c.parse(villages.match, lambda v, p: None if p else _village_message(villages.suggest(v)))
    bad |= b | required_empty(c, ("nama desa atau kelurahan", "a desa or kelurahan name"))
    if "kecamatan" in col:
        k = col["kecamatan"]
        kec, b = k.parse(villages.kecamatan_key, lambda v, p: None if p else
                         bi("bukan kecamatan di Kabupaten Belu", "not a kecamatan of Kabupaten Belu"))
        bad |= b
        vil_kec = np.array([None] + [villages.kecamatan.get(v) for v in c.parsed], dtype=object)[c.codes + 1]
        given = (kec != None) & (vil != None)  # noqa: E711  (object arrays)
        for j in np.flatnonzero(given & (vil_kec != kec)):
            if villages.kecamatan[vil[j]] != kec[j]:
                rp.add(rownos[j], k.where, bi(f"menurut daftar, desa {vil[j]} ada di kecamatan {villages.kecamatan[vil[j]]}",
                                              f"the reference list puts desa {vil[j]} in kecamatan "
                                              f"{villages.kecamatan[vil[j]]}"))
                bad[j] = True

    # sex
    c = col["sex"]
    male, b = c.parse(V.parse_sex, lambda v, p: None if p is not None else
                      bi("harus L atau P (juga Laki-laki/Perempuan, M/F)", "expected L or P (also Laki-laki/Perempuan, M/F)"))
    bad |= b | required_empty(c, ("L atau P", "L or P"))

    # age, or the birth date where no age is given
    age = np.full(n, np.nan)
    have = np.zeros(n, dtype=bool)
    if "age" in col:
        c = col["age"]
        a, b = c.parse(V.parse_age, lambda v, p: None if p is not None else
                       bi("harus bilangan bulat tahun", "expected a whole number of years"))
        bad |= b
        ok = ~c.empty & ~b
        age[ok] = a[ok].astype(float)
        have |= ~c.empty
    if "birth_date" in col:
        c = col["birth_date"]
        use = ~have & ~c.empty
        born, b = c.parse(lambda v: V.parse_date(v, epoch or V.EXCEL_1900), lambda v, p: None if p else _DATE_MSG,
                          only=use, bulk=V.bulk_date)
        bad |= b
        ok = use & ~b
        age[ok] = _ages_at(c.parsed, start_d)[c.codes[ok]]
        have |= ~c.empty
    missing = ~have
    rp.add(rownos[missing], f"kolom/column {letter(cols.get('age', cols.get('birth_date', 0)))} "
           f"({label('age' if 'age' in cols else 'birth_date')})",
           bi("kosong; harus umur atau tanggal lahir", "empty; expected an age or a birth date"))
    bad |= missing
    out_of_range = ~np.isnan(age) & ((age < AGE_MIN) | (age > AGE_MAX))
    where_age = f"kolom/column {letter(cols['age'] if 'age' in cols else cols['birth_date'])} (umur / age)"
    rp.add(rownos[out_of_range], where_age, bi(f"umur pada {start} harus antara {AGE_MIN} dan {AGE_MAX} tahun",
                                               f"expected an age between {AGE_MIN} and {AGE_MAX} at {start}"))
    bad |= out_of_range

    # occupation
    c = col["occupation"]
    occ, b = c.parse(occs.match, lambda v, p: None if p else _occupation_message(occs.suggest(v)))
    bad |= b | required_empty(c, ("pekerjaan", "an occupation"))
    unknown_occ = bool(b.any())

    # declared income (the scenario's income where empty)
    income = np.full(n, float(income_default))
    if "declared_income" in col:
        c = col["declared_income"]
        inc, b = c.parse(V.parse_amount, lambda v, p: (
            bi("harus jumlah rupiah, mis. 1.500.000", "expected an amount in rupiah, e.g. 1.500.000") if p is None else
            bi(f"di bawah batas bawah BPU {rupiah(income_floor)}",
               f"below the BPU floor of {rupiah(income_floor)}") if p < income_floor else
            bi(f"di atas batas {rupiah(MAX_INCOME)} sebulan",
               f"above the bound of {rupiah(MAX_INCOME)} a month") if p > MAX_INCOME else None))
        bad |= b
        ok = ~c.empty & ~b
        income[ok] = inc[ok].astype(float)

    # enrolment dates
    frm = np.full(n, np.nan)
    to = np.full(n, np.nan)
    for key, arr in (("enrolled_from", frm), ("enrolled_to", to)):
        if key in col:
            c = col[key]
            d, b = c.parse(lambda v: V.parse_date(v, epoch or V.EXCEL_1900), lambda v, p: None if p else _DATE_MSG,
                           bulk=V.bulk_date)
            bad |= b
            ok = ~c.empty & ~b
            arr[ok] = _ordinals(c.parsed)[c.codes[ok]]
    wrong = ~np.isnan(frm) & ~np.isnan(to) & (to < frm)
    if "enrolled_to" in col:
        col["enrolled_to"].flag_rows(wrong, bi("sebelum tanggal mulai", "before the enrolled-from date"))
    bad |= wrong

    # duplicates of NIK and member id (the values themselves are never shown)
    for key, parser, bulk, message in (("nik", V.parse_nik, V.bulk_nik,
                                        bi("harus 16 angka (format kolom sebagai Teks di Excel)",
                                           "expected 16 digits (format the column as Text in Excel)")),
                                       ("id", V.parse_id, V.bulk_id, None)):
        if key not in col:
            continue
        c = col[key]
        vals, b = c.parse(parser, lambda v, p: None if p is not None else message, bulk=bulk)
        bad |= b
        given = np.flatnonzero(~c.empty & ~b)
        if key == "nik":
            example = given[vals[given].astype(np.int64) == int(EXAMPLE_NIK)] if given.size else given
            is_example = np.zeros(n, dtype=bool)
            is_example[example] = True
            c.flag_rows(is_example, bi("baris contoh dari template: hapus baris ini", "the template's example row: delete it"))
            bad[example] = True
            given = given[~is_example[given]]       # given is sorted and unique, as np.setdiff1d gives it
        if given.size and not (fast and _all_distinct(vals[given].tolist())):
            keys = vals[given].astype(np.int64) if key == "nik" else np.asarray([str(x) for x in vals[given]])
            _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
            dup = first[inverse] != np.arange(given.size)
            for j in np.flatnonzero(dup):
                row0 = rownos[given[first[inverse[j]]]]
                rp.add(rownos[given[j]], c.where, bi(f"sama dengan baris {row0}", f"duplicate (same as row {row0})"))
            bad[given[dup]] = True

    rp.flush(name, problems)
    if unknown_occ:
        problems.add(name, "", bi("nama pekerjaan yang dikenal", "known occupation names") + ": "
                     + "; ".join(occs.names))
    problems.raise_if_any()

    start_o, end_o = start_d.toordinal(), end_d.toordinal()
    stop_o = min(end_o, cover_until.toordinal() + 1) if cover_until is not None else end_o
    cover_from = np.where(np.isnan(frm), start_o, np.maximum(frm, start_o))
    cover_to = np.where(np.isnan(to), stop_o, np.minimum(to + 1, stop_o))
    exposure = np.maximum(cover_to - cover_from, 0) / (end_o - start_o)
    membership = np.where(np.isnan(frm), float(default_membership),
                          np.maximum(cover_from - np.nan_to_num(frm), 0) / (365.25 / 12))
    occ_index = {o: i for i, o in enumerate(OCCUPATIONS)}
    if fast:        # per distinct value, then per row by the codes (every row is valid here)
        occ_code = np.array([occ_index.get(o, -1) for o in col["occupation"].parsed], dtype=int)[col["occupation"].codes]
        names = np.array([str(v) for v in col["village"].parsed], dtype=object)
        return from_workers(age.astype(int), male.astype(bool), occ_code, income, exposure, membership,
                            (names, col["village"].codes), source="roster")
    return from_workers(age.astype(int), male.astype(bool), np.array([occ_index[o] for o in occ], dtype=int),
                        income, exposure, membership, vil.astype(str), source="roster")


_DATE_MSG = bi("harus tanggal, mis. 15/08/1980 atau 1980-08-15", "expected a date, e.g. 15/08/1980 or 1980-08-15")


def _village_message(suggestion: str | None) -> str:
    base = ("bukan desa atau kelurahan di Kabupaten Belu", "not a desa or kelurahan of Kabupaten Belu")
    if suggestion:
        return bi(f"{base[0]}; maksud Anda '{suggestion}'?", f"{base[1]}; did you mean '{suggestion}'?")
    return bi(f"{base[0]} (daftar: params/data/belu_desa_kelurahan.csv)",
              f"{base[1]} (list: params/data/belu_desa_kelurahan.csv)")


def _occupation_message(suggestion: str | None) -> str:
    if suggestion:
        return bi(f"pekerjaan tidak dikenal; maksud Anda '{suggestion}'?", f"unknown occupation; did you mean '{suggestion}'?")
    return bi("pekerjaan tidak dikenal (daftar di bawah)", "unknown occupation (the known names are listed below)")


def _age_at(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def _ages_at(dates, on: date) -> np.ndarray:
    """:func:`_age_at` of each date (NaN for None), with numpy's calendar."""
    days = _ordinals(dates) - date(1970, 1, 1).toordinal()
    known = ~np.isnan(days)
    d = np.where(known, days, 0).astype(np.int64).astype("datetime64[D]")
    year = d.astype("datetime64[Y]").astype(np.int64) + 1970
    month = d.astype("datetime64[M]").astype(np.int64) % 12 + 1
    day = (d - d.astype("datetime64[M]")).astype(np.int64) + 1
    before = (on.month < month) | ((on.month == month) & (on.day < day))
    return np.where(known, on.year - year - before, np.nan)


def _ordinals(dates) -> np.ndarray:
    """Proleptic Gregorian ordinals of dates (NaN for None)."""
    return np.array([np.nan if d is None else d.toordinal() for d in dates], dtype=float)


def _all_distinct(keys: list) -> bool:
    """Whether no two keys are equal (text keys as numpy compares them: trailing NULs aside)."""
    if keys and isinstance(keys[0], str) and "\x00" in "".join(keys):
        return False
    return len(set(keys)) == len(keys)


# --- shared with sim.inputs.experience (CSV experience files) ---------------------------------

def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", str(text).strip().lower().replace("\u2019", "'"))


class _RowProblems:
    """Groups identical row problems so a bad file gives a readable list (experience files)."""

    def __init__(self):
        self.groups: dict[tuple[str, str], list[int]] = {}

    def add(self, row: int, column: str, message: str):
        self.groups.setdefault((column, message), []).append(row)

    def flush(self, file: str, problems: Problems):
        for (column, message), rows in self.groups.items():
            listed = ", ".join(map(str, rows[:_MAX_ROWS_LISTED]))
            more = f" and {len(rows) - _MAX_ROWS_LISTED} more" if len(rows) > _MAX_ROWS_LISTED else ""
            label_ = "row" if len(rows) == 1 else "rows"
            problems.add(file, f"{label_} {listed}{more}: {column}", message)


def parse_rupiah(text: str) -> float | None:
    """An amount written 1000000, 1.000.000, 1,000,000 or Rp 1.000.000 (the rules of
    :func:`sim.common.numbers.parse_number`: ``1,000`` could be one or a thousand and is refused);
    None if not a number.  The caller reports the row and column, never the text."""
    try:
        v = parse_number(text)
    except NumberError:
        return None
    return v if np.isfinite(v) else None
