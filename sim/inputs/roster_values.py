"""Reading one roster cell as the village offices write it: sex, dates, ages, amounts, NIK,
village and occupation names.  Each parser takes one cell value (text from a CSV, or the
number, date or text openpyxl reads from an ``.xlsx``) and returns the value or None; the roster
reader calls them once per distinct value of a column, so a roster of 10^5 rows costs what its
distinct values cost.  Nothing here formats a message with a cell value.

Rules (documented in the README; nothing beyond them is guessed):

- sex: ``L``/``P``, ``Laki-laki``/``Perempuan`` (also ``Laki laki``, ``Lk``/``Pr``, ``Pria``/``Wanita``),
  ``M``/``F``, ``male``/``female``; case and spaces do not matter;
- dates: a date cell of the workbook; ``YYYY-MM-DD``; ``DD/MM/YYYY``, ``DD-MM-YYYY``, ``DD.MM.YYYY``
  (day first, as Indonesian Excel writes them); ``15 Agustus 1980``, ``15-Agu-1980`` (Indonesian or
  English month names, full or three letters); an Excel date serial (a whole number of five digits,
  days counted in the workbook's date system, 1900 unless the workbook says 1904);
  two-digit years are refused (``80`` could be 1980 or 2080);
- ages: a whole number of years, optionally followed by ``tahun``/``thn``/``th``;
- amounts: numbers as :mod:`sim.common.numbers` reads them (``1.500.000,00``, ``Rp 1.500.000``);
- NIK: 16 digits (an Excel text prefix ``'`` and spaces are ignored); a number shown as
  ``5,30401E+15`` has lost digits and is refused;
- village: compared case-insensitively, with a leading ``Desa``/``Kelurahan``/``Kel.``/``Ds.``
  dropped and spaces, apostrophes, hyphens and dots inside the name ignored (``DESA FULUR``,
  ``Lakanmau`` = ``Lakan Mau``, ``Fatubaa`` = ``Fatuba'a``); a near miss gets a suggestion from the
  reference list, never an automatic correction;
- occupation: the ID-card names of ``params/data/occupation_names.csv``, compared case-insensitively
  with spaces collapsed and ignored around ``/`` (``PETANI / PEKEBUN`` = ``Petani/Pekebun``).
"""
from __future__ import annotations

import csv
import difflib
import re
from datetime import date, datetime, timedelta

import numpy as np

from ..common.numbers import NumberError, parse_number
from ..common.paths import PARAMS_DIR
from .portfolio import load_villages

SEX = {"l": True, "m": True, "lakilaki": True, "laki": True, "lk": True, "pria": True, "male": True,
       "p": False, "f": False, "perempuan": False, "pr": False, "wanita": False, "female": False}
_MONTHS = {}
for _i, _names in enumerate((("januari", "january", "jan"), ("februari", "february", "feb", "pebruari", "peb"),
                             ("maret", "march", "mar"), ("april", "apr"), ("mei", "may"),
                             ("juni", "june", "jun"), ("juli", "july", "jul"),
                             ("agustus", "august", "agu", "agt", "ags", "aug"),
                             ("september", "sep", "sept"), ("oktober", "october", "okt", "oct"),
                             ("november", "nov", "nop", "nopember"), ("desember", "december", "des", "dec")), 1):
    for _n in _names:
        _MONTHS[_n] = _i
_SPACES = re.compile(r"\s+")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_DMY = re.compile(r"(\d{1,2})([/.\-])(\d{1,2})\2(\d{4})")
_DMONY = re.compile(r"(\d{1,2})[\s\-/.]+([a-z]+)\.?[\s\-/.]+(\d{4})")
_MIDNIGHT = re.compile(r"[ t]00:00(:00)?$")
EXCEL_1900 = date(1899, 12, 30)
EXCEL_1904 = date(1904, 1, 1)
SERIAL_RANGE = (10000, 99999)          # 1927-05-18 to 2173-10-14 in the 1900 system


def text(value) -> str:
    """The cell as text: stripped, non-breaking spaces as spaces, runs of spaces collapsed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    s = str(value)
    if s.isalnum():
        return s
    return _SPACES.sub(" ", s.replace("\u00a0", " ")).strip()


def is_empty(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def parse_sex(value) -> bool | None:
    """True for a man, False for a woman, None if not a sex code."""
    return SEX.get(re.sub(r"[\s\-.]", "", text(value).lower()))


def _serial(n: float, epoch: date) -> date | None:
    if not SERIAL_RANGE[0] <= n <= SERIAL_RANGE[1]:
        return None
    return epoch + timedelta(days=int(n))


def parse_date(value, epoch: date = EXCEL_1900) -> date | None:
    """A date from a date cell, an Excel serial or text in the forms of the module docstring."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return _serial(float(value), epoch)
    s = _MIDNIGHT.sub("", text(value).lower())
    try:
        m = _DMY.fullmatch(s)
        if m:
            return date(int(m[4]), int(m[3]), int(m[1]))
        if len(s) == 5 and s.isdigit():
            return _serial(int(s), epoch)
        m = _ISO.fullmatch(s)
        if m:
            return date(int(m[1]), int(m[2]), int(m[3]))
        m = _DMONY.fullmatch(s)
        if m and m[2] in _MONTHS:
            return date(int(m[3]), _MONTHS[m[2]], int(m[1]))
    except ValueError:          # 31/02/1980 and the like
        return None
    return None


def parse_age(value) -> int | None:
    """A whole number of years (``34``, ``34 tahun``), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return int(value) if float(value).is_integer() and 0 <= value < 200 else None
    s = re.sub(r"\s*(tahun|thn|th|tahun\.|thn\.|th\.|years?|yrs?)$", "", text(value).lower())
    try:
        v = parse_number(s, integer=True, minimum=0, maximum=199)
    except NumberError:
        return None
    return int(v)


def parse_amount(value) -> float | None:
    """Rupiah as Indonesian Excel writes them (``1.500.000,00``, ``Rp 1.500.000``), else None."""
    if isinstance(value, bool):
        return None
    try:
        v = parse_number(value if isinstance(value, (int, float)) else text(value), minimum=0)
    except NumberError:
        return None
    return v


def parse_nik(value) -> int | None:
    """A 16-digit NIK as an integer (text, or a whole number that kept all 16 digits), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float):
        if not value.is_integer():
            return None
        value = int(value)
    if isinstance(value, int):
        s = str(value)
    elif isinstance(value, str):
        s = value.strip().lstrip("'").replace(" ", "")
    else:
        return None
    return int(s) if len(s) == 16 and s.isdigit() and s.isascii() else None


def parse_id(value) -> str | None:
    s = text(value)
    return s or None


def _village_key(name: str) -> str:
    s = text(name).lower().replace("\u2019", "'").replace("\u2018", "'").replace("`", "'")
    s = re.sub(r"^(desa|kelurahan|kel\.?|ds\.?)\s+", "", s)
    return re.sub(r"[\s'\-.]", "", s)


class Villages:
    """The desa and kelurahan of Belu (``params/data/belu_desa_kelurahan.csv``) for matching."""

    def __init__(self):
        rows = load_villages(None)          # (code, name, kecamatan) of every desa and kelurahan
        self.names = [name for _, name, _ in rows]
        self.kecamatan = {name: kec for _, name, kec in rows}
        self._by_key = {_village_key(name): name for _, name, _ in rows}
        self._kec_keys = {_village_key(kec): kec for _, _, kec in rows}

    def match(self, value) -> str | None:
        """The reference name of the village a cell names, by the module's rules, else None."""
        return self._by_key.get(_village_key(value))

    def suggest(self, value) -> str | None:
        """The reference village closest to an unmatched cell (for "did you mean"), else None."""
        close = difflib.get_close_matches(_village_key(value), list(self._by_key), n=1, cutoff=0.75)
        return self._by_key[close[0]] if close else None

    def kecamatan_key(self, value) -> str | None:
        """The reference name of the kecamatan a cell names (``Kecamatan`` prefix allowed), else None."""
        return self._kec_keys.get(re.sub(r"^(kecamatan|kec\.?)", "", _village_key(value)))


def _occ_key(name: str) -> str:
    return re.sub(r"\s*/\s*", "/", text(name).lower())


class Occupations:
    """ID-card occupation names (``params/data/occupation_names.csv``) -> model classes."""

    def __init__(self, path=None):
        path = path or PARAMS_DIR / "data" / "occupation_names.csv"
        with open(path, encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
        self.names = [r["name"] for r in rows]
        self._by_key = {_occ_key(r["name"]): r["occupation"] for r in rows}
        self._name = {_occ_key(r["name"]): r["name"] for r in rows}

    def match(self, value) -> str | None:
        return self._by_key.get(_occ_key(value))

    def suggest(self, value) -> str | None:
        close = difflib.get_close_matches(_occ_key(value), list(self._by_key), n=1, cutoff=0.8)
        return self._name[close[0]] if close else None


def looks_like_data(row, villages: Villages) -> bool:
    """Whether a row reads as a worker's data rather than column names: a 16-digit number, a date,
    a sex code, a number, or a village of Belu in any cell."""
    for v in row:
        if is_empty(v):
            continue
        if isinstance(v, (int, float, date)) and not isinstance(v, bool):
            return True
        s = text(v)
        if (parse_nik(s) is not None or parse_date(s) is not None or parse_sex(s) is not None
                or villages.match(s) is not None or re.fullmatch(r"[\d.,\s]+", s)):
            return True
    return False


# --- many values at once (the roster reader's fast path) ----------------------------------------
# Each takes a list of cell values (and whether all of them are known to be text, as in a CSV)
# and returns ``(parsed, taken)``: for the values it can read without doubt (plain text of the
# commonest forms, date cells) the value the one-value parser above gives; ``taken`` is False for
# every other value, which the caller then gives to that parser.

def _all_text(values) -> bool:
    return set(map(type, values)) <= {str}


def bulk_id(values, text_only: bool | None = None):
    """:func:`parse_id` of letters and digits only (text as it is)."""
    n = len(values)
    if not (text_only or _all_text(values)):
        return values, np.zeros(n, dtype=bool)
    if "" not in values and "".join(values).isalnum():
        return values, np.ones(n, dtype=bool)
    return values, np.fromiter(map(str.isalnum, values), dtype=bool, count=n)


def bulk_nik(values, text_only: bool | None = None):
    """:func:`parse_nik` of text that is exactly 16 ASCII digits."""
    n = len(values)
    if not (text_only or _all_text(values)):
        return [None] * n, np.zeros(n, dtype=bool)
    joined = "".join(values)
    if joined.isdigit() and joined.isascii() and set(map(len, values)) == {16}:
        return list(map(int, values)), np.ones(n, dtype=bool)
    taken = (np.fromiter(map(len, values), dtype=np.int64, count=n) == 16) \
        & np.fromiter(map(str.isdigit, values), dtype=bool, count=n) \
        & np.fromiter(map(str.isascii, values), dtype=bool, count=n)
    parsed = [None] * n
    for j in np.flatnonzero(taken).tolist():
        parsed[j] = int(values[j])
    return parsed, taken


_DAYS = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])


def bulk_date(values, text_only: bool | None = None):
    """:func:`parse_date` of date cells and of text written exactly ``YYYY-MM-DD`` or
    ``DD/MM/YYYY`` (also ``DD-MM-YYYY``, ``DD.MM.YYYY``) with ASCII digits."""
    n = len(values)
    parsed: list = [None] * n
    taken = np.zeros(n, dtype=bool)
    if not (text_only or _all_text(values)):
        for j, v in enumerate(values):
            if v.__class__ is datetime:
                parsed[j], taken[j] = v.date(), True
            elif v.__class__ is date:
                parsed[j], taken[j] = v, True
        text_at = [j for j, v in enumerate(values) if v.__class__ is str]
    else:
        text_at = None
    strings = values if text_at is None else [values[j] for j in text_at]
    if not strings:
        return parsed, taken
    ten = np.fromiter(map(len, strings), dtype=np.int64, count=len(strings)) == 10
    ten &= np.fromiter(map(str.isascii, strings), dtype=bool, count=len(strings))
    at = np.flatnonzero(ten)
    if at.size == 0:
        return parsed, taken
    chars = np.array([strings[j] for j in at.tolist()], dtype="U10").view(np.uint32).reshape(-1, 10)
    digit = (chars >= 48) & (chars <= 57)
    num = chars.astype(np.int64) - 48
    iso = digit[:, [0, 1, 2, 3, 5, 6, 8, 9]].all(axis=1) & (chars[:, 4] == 45) & (chars[:, 7] == 45)
    sep = chars[:, 2]
    dmy = digit[:, [0, 1, 3, 4, 6, 7, 8, 9]].all(axis=1) & (sep == chars[:, 5]) \
        & ((sep == 47) | (sep == 46) | (sep == 45))
    year = np.where(iso, num[:, 0] * 1000 + num[:, 1] * 100 + num[:, 2] * 10 + num[:, 3],
                    num[:, 6] * 1000 + num[:, 7] * 100 + num[:, 8] * 10 + num[:, 9])
    month = np.where(iso, num[:, 5] * 10 + num[:, 6], num[:, 3] * 10 + num[:, 4])
    day = np.where(iso, num[:, 8] * 10 + num[:, 9], num[:, 0] * 10 + num[:, 1])
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    valid = (iso | dmy) & (year >= 1) & (month >= 1) & (month <= 12) & (day >= 1)
    valid &= day <= _DAYS[np.clip(month, 0, 12)] + ((month == 2) & leap)
    ok = at[valid]
    where = ok.tolist() if text_at is None else [text_at[j] for j in ok.tolist()]
    for j, d in zip(where, map(date, year[valid].tolist(), month[valid].tolist(), day[valid].tolist())):
        parsed[j] = d
    taken[where] = True
    return parsed, taken
