"""Roster column headings by meaning: the accepted Indonesian and English names of each column,
the headings that are ignored, and finding the header row.

A heading is compared after :func:`norm_heading`: lower case; text in brackets dropped
(``Jenis Kelamin (L/P)``); ``_``, ``-``, ``.`` and ``:`` read as spaces; spaces collapsed.  So
``TGL. LAHIR``, ``tgl_lahir`` and ``Tanggal Lahir (dd/mm/yyyy)`` are all ``birth_date``.

The header row is the first row, among the first :data:`HEADER_SEARCH_ROWS` filled rows, in which
at least two cells are accepted column names, or one is and another is close to one (a misspelled
heading, then reported with a suggestion) while nothing in the row reads as a worker's data; rows
above it (a title such as "DAFTAR PEKERJA RENTAN ...") are skipped.  When no row qualifies and the first filled row looks like a worker's data (a 16-digit
number, a date, a sex code, a village of Belu), the roster is reported as missing its header row.
No heading or cell text is ever quoted in a message: columns are named by their letter as the
spreadsheet shows it and by their accepted name.
"""
from __future__ import annotations

import difflib
import re

#: canonical column -> (label id, label en, accepted headings after norm_heading)
COLUMNS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "village": ("desa", "village", ("village", "desa", "kelurahan", "desa kelurahan", "desa/kelurahan",
                                    "nama desa", "desa/kel", "kel/desa", "kelurahan/desa", "desa kel")),
    "kecamatan": ("kecamatan", "district", ("kecamatan", "kec", "district", "subdistrict", "sub district")),
    "sex": ("jenis kelamin", "sex", ("sex", "gender", "jenis kelamin", "jk", "kelamin", "l/p", "jenis kel")),
    "age": ("umur", "age", ("age", "umur", "usia", "umur tahun", "usia tahun")),
    "birth_date": ("tanggal lahir", "birth date", ("birth date", "birth_date", "date of birth", "dob",
                                                  "tanggal lahir", "tgl lahir", "tgl lhr", "tanggal lhr")),
    "occupation": ("pekerjaan", "occupation", ("occupation", "pekerjaan", "jenis pekerjaan", "mata pencaharian",
                                               "profesi")),
    "nik": ("NIK", "NIK", ("nik", "no nik", "nomor nik", "nomor induk kependudukan")),
    "name": ("nama", "name", ("name", "nama", "nama lengkap", "nama peserta", "nama pekerja", "full name")),
    "id": ("nomor peserta", "member id", ("id", "nomor peserta", "no peserta", "kpj", "no kpj", "member id")),
    "declared_income": ("penghasilan", "declared income", ("declared income", "declared_income", "income",
                                                           "penghasilan", "upah", "penghasilan sebulan",
                                                           "penghasilan per bulan", "upah sebulan")),
    "enrolled_from": ("mulai", "enrolled from", ("enrolled from", "enrolled_from", "mulai", "tanggal mulai",
                                                 "tgl mulai", "mulai kepesertaan", "tanggal daftar", "tgl daftar")),
    "enrolled_to": ("sampai", "enrolled to", ("enrolled to", "enrolled_to", "sampai", "selesai", "tanggal selesai",
                                              "tgl selesai", "akhir kepesertaan", "berhenti")),
}
#: headings of columns that are read past (kept by village offices, not needed by the model)
IGNORED = ("no", "nomor", "no urut", "nomor urut", "#", "keterangan", "ket", "catatan", "alamat", "dusun",
           "rt", "rw", "rt/rw", "no hp", "nomor hp", "telepon", "no telp", "tempat lahir", "agama",
           "status", "status perkawinan", "tanda tangan", "paraf", "kk", "no kk", "nomor kk")
REQUIRED = ("village", "sex", "occupation")
HEADER_SEARCH_ROWS = 10

_ALIAS = {}
for _key, (_lid, _len, _names) in COLUMNS.items():
    for _n in _names:
        _ALIAS[_n] = _key
    _ALIAS[_key.replace("_", " ")] = _key


def norm_heading(text) -> str:
    """A heading as compared: lower case, bracketed text dropped, ``_ - . :`` as spaces."""
    s = str(text).strip().lower().replace("\u00a0", " ")
    s = re.sub(r"\([^)]*\)|\[[^\]]*\]", " ", s)
    s = re.sub(r"[_\-.:]+", " ", s)
    s = re.sub(r"\s*/\s*", "/", s)
    return re.sub(r"\s+", " ", s).strip()


def column_of(heading) -> str | None:
    """The canonical column a heading names, ``""`` for an ignored heading, None if unknown."""
    h = norm_heading(heading)
    if not h:
        return ""
    if h in _ALIAS:
        return _ALIAS[h]
    if h in IGNORED:
        return ""
    return None


def suggest_column(heading) -> str | None:
    """The accepted name closest to an unknown heading (the suggestion is ours, never the cell)."""
    close = difflib.get_close_matches(norm_heading(heading), list(_ALIAS), n=1, cutoff=0.75)
    return label(_ALIAS[close[0]]) if close else None


def label(key: str) -> str:
    """``desa / village``: the Indonesian and English name of a canonical column."""
    lid, len_, _ = COLUMNS[key]
    return lid if lid == len_ else f"{lid} / {len_}"


def letter(index: int) -> str:
    """Spreadsheet column letter of a 0-based index: 0 -> A, 26 -> AA."""
    s, n = "", index + 1
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


def recognised(row) -> int:
    """How many cells of *row* are accepted column names (not counting ignored headings)."""
    return sum(1 for c in row if c is not None and str(c).strip() and column_of(c))


def near_misses(row) -> int:
    """How many text cells of *row* are unknown but close to an accepted name (misspelled headings)."""
    return sum(1 for c in row if isinstance(c, str) and c.strip() and column_of(c) is None and suggest_column(c))
