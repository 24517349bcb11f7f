"""A roster's table in memory: each used column as codes of its distinct values (names are never
kept), parsed once per distinct value, with row problems grouped by column and message.

Reading is done in chunks of rows, so memory stays bounded by the distinct values and one chunk;
the problems name rows as the spreadsheet shows them and columns by letter, never a cell.
"""
from __future__ import annotations

import itertools

import numpy as np

from ..common.errors import Problems
from ..common.formatting import label as bi
from . import roster_values as V
from .roster_headers import label, letter

_MAX_ROWS_LISTED = 10
_MAX_PROBLEM_LINES = 40


class Grouped:
    """Row problems grouped by (column, message), listed with their row numbers."""

    def __init__(self):
        self.groups: dict[tuple[str, str], list[int]] = {}

    def add(self, rows, where: str, message: str):
        rows = [int(r) for r in np.atleast_1d(rows)]
        if rows:
            self.groups.setdefault((where, message), []).extend(rows)

    def flush(self, file: str, problems: Problems):
        items = sorted(self.groups.items(), key=lambda kv: min(kv[1]))
        for (where, message), rows in items[:_MAX_PROBLEM_LINES]:
            rows = sorted(rows)
            listed = ", ".join(map(str, rows[:_MAX_ROWS_LISTED]))
            if len(rows) > _MAX_ROWS_LISTED:
                listed += f" (+{len(rows) - _MAX_ROWS_LISTED} lainnya/more)"
            loc = f"baris/row {listed}" + (f" · {where}" if where else "")
            problems.add(file, loc, message)
        if len(items) > _MAX_PROBLEM_LINES:
            n = len(items) - _MAX_PROBLEM_LINES
            problems.add(file, "", bi(f"dan {n} masalah lain", f"and {n} more problems"))


def blank(row) -> bool:
    for c in row:
        if c is not None and (c.__class__ is not str or c.strip()):
            return False
    return True


def collect(rows, cols: dict[str, int], width: int, is_csv: bool, rp: Grouped, chunk: int = 8192):
    """Codes of each used column's distinct values, row by row (names are never kept), read in
    chunks so that memory stays bounded by the distinct values and one chunk."""
    used = [(k, i) for k, i in cols.items() if k != "name"]
    uniq = {k: {} for k, _ in used}
    codes = {k: [] for k, _ in used}
    rownos, bad_width = [], {}
    pad = (None,) * width
    while True:
        block = list(itertools.islice(rows, chunk))
        if not block:
            break
        keep = []
        for rowno, row in block:
            if blank(row):
                continue
            if len(row) != width:
                if is_csv:
                    bad_width.setdefault(len(row), []).append(rowno)
                    continue
                row = tuple(row[:width]) + pad[len(row):]
            rownos.append(rowno)
            keep.append(row)
        if not keep:
            continue
        columns = list(zip(*keep))
        for k, i in used:
            d = uniq[k]
            codes[k].extend([d.setdefault(v, len(d)) for v in columns[i]])
    for found, rs in bad_width.items():
        rp.add(rs, "", bi(f"harus {width} kolom seperti baris judul, ada {found}",
                          f"expected {width} fields as in the header row, found {found}"))
    return np.asarray(rownos, dtype=np.int64), {k: list(uniq[k]) for k in uniq}, \
        {k: np.asarray(codes[k], dtype=np.int64) for k in codes}


class Column:
    """One column's distinct values parsed once; problems reported per row."""

    def __init__(self, key, idx, values, codes, rownos, rp: Grouped):
        self.key, self.where = key, f"kolom/column {letter(idx)} ({label(key)})"
        self.values, self.codes, self.rownos, self.rp = values, codes, rownos, rp
        self.blank = [V.is_empty(v) for v in values]
        self.empty = np.array(self.blank, dtype=bool)[codes] if values else np.zeros(0, dtype=bool)

    def parse(self, parser, message_of, only=None):
        """Per-row parsed values (object array; None where empty or invalid) and the invalid-row mask.

        ``message_of(value, parsed)`` gives the problem of a non-empty distinct value, or None;
        problems are reported only for the rows in the mask *only* (all rows by default)."""
        parsed = [None if e else parser(v) for v, e in zip(self.values, self.blank)]
        msgs = [None if e else message_of(v, p) for v, p, e in zip(self.values, parsed, self.blank)]
        index = {m: j for j, m in enumerate(sorted({m for m in msgs if m}))}
        mid = np.array([index[m] if m else -1 for m in msgs], dtype=np.int64)
        per_row = mid[self.codes] if len(mid) else np.zeros(0, dtype=np.int64)
        if only is not None:
            per_row[~only] = -1
        for m, j in index.items():
            self.rp.add(self.rownos[per_row == j], self.where, m)
        arr = np.empty(len(parsed), dtype=object)
        arr[:] = parsed
        return (arr[self.codes] if len(parsed) else np.empty(0, dtype=object)), per_row >= 0

    def flag_rows(self, mask, message):
        self.rp.add(self.rownos[mask], self.where, message)


def required_empty(col: Column, what: str):
    col.flag_rows(col.empty, bi(f"kosong; harus {what[0]}", f"empty; expected {what[1]}"))
    return col.empty
