"""A roster's table in memory: each used column as codes of its distinct values (names are never
kept), parsed once per distinct value, with row problems grouped by column and message.

Reading is done in chunks of rows, so memory stays bounded by the distinct values and one chunk;
the problems name rows as the spreadsheet shows them and columns by letter, never a cell.

Fast (the default): a CSV without quotes is split and coded column by column with C-level string
and dict operations (no Python code per cell), the member-id and NIK columns are kept per row
(their values differ from row to row), and each column's bulk parser takes the values it can
before the one-value parser sees the rest.  ``fast=False`` is the row-by-row, value-by-value
reader, kept as the reference: both give the same table, values and problems
(``tests/test_roster_fast.py``).
"""
from __future__ import annotations

import itertools
import operator
import re
from collections import defaultdict

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
        rows = np.atleast_1d(rows).astype(np.int64).tolist()
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


def collect(rows, cols: dict[str, int], width: int, is_csv: bool, rp: Grouped, chunk: int = 8192,
            fast: bool = True, split=None):
    """Codes of each used column's distinct values, row by row (names are never kept), read in
    chunks so that memory stays bounded by the distinct values and one chunk.

    ``(row numbers, distinct values, codes)``: the distinct values of each column in the order
    first seen, and per row the index of its value.  With *fast*, a CSV split by
    :class:`~sim.inputs.roster_files.CsvLines` is read column by column (:func:`_collect_lines`,
    its lines in parts by *split* when given)
    and other rows are coded a chunk at a time with C-level dict operations; ``fast=False`` is the
    row-by-row reference; both give the same result."""
    if fast and hasattr(rows, "rest"):
        return _collect_lines(rows, cols, width, rp, chunk, split)
    if fast and hasattr(rows, "rest_cells"):
        table = _collect_cells(rows, cols, width)
        if table is not None:
            return table
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
            if fast:
                codes[k].append(_codes(columns[i], d))
            else:
                codes[k].extend([d.setdefault(v, len(d)) for v in columns[i]])
    _bad_width(bad_width, width, rp)
    return np.asarray(rownos, dtype=np.int64), {k: list(uniq[k]) for k in uniq}, \
        {k: (np.concatenate(codes[k]) if codes[k] else np.zeros(0, dtype=np.int64)) if fast
         else np.asarray(codes[k], dtype=np.int64) for k in codes}


def _bad_width(bad_width: dict, width: int, rp: Grouped):
    for found, rs in bad_width.items():
        rp.add(rs, "", bi(f"harus {width} kolom seperti baris judul, ada {found}",
                          f"expected {width} fields as in the header row, found {found}"))


def _codes(values, index: dict) -> np.ndarray:
    """Codes of *values* in *index* (value -> code), new values appended in the order first seen:
    what ``[index.setdefault(v, len(index)) for v in values]`` gives, in one C-level pass (a
    missing value takes the next number of a counter)."""
    coder = defaultdict(itertools.count(len(index)).__next__, index)
    codes = np.array(list(map(coder.__getitem__, values)), dtype=np.int64)
    index.update(itertools.islice(coder.items(), len(index), None))
    return codes


def _collect_lines(rows, cols: dict[str, int], width: int, rp: Grouped, chunk: int = 8192, split=None):
    """:func:`collect` for the lines of a CSV without quotes, a chunk of lines at a time (memory:
    the distinct values and one chunk's fields): each line's fields counted by its delimiters, the
    lines of the right width split all at once and coded column by column.  Chunks of 8192 lines
    (about 65.000 fields): the fields stay in cache and each chunk reuses the memory of the one
    before (10^5 lines on one process, 65.536-line chunks against 8192: 210 -> 165 ms, 24.600 ->
    18.400 page faults).  *split*: a reader of
    the lines in parts (:func:`sim.inputs.roster_split.collect_in_two`: a large file's second half
    in a helper process), with :func:`collect_part`'s arguments and result; the same table."""
    first, lines = rows.rest()
    used = [(k, i) for k, i in cols.items() if k != "name"]
    part = (split or collect_part)(lines, first, used, width, rows.delim, chunk)
    _bad_width(part.bad_width, width, rp)
    values = {k: part.own[k] if k in part.own else list(part.index[k]) for k, _ in used}
    return np.concatenate(part.kept) if part.kept else np.zeros(0, dtype=np.int64), values, \
        {k: np.concatenate(c) if c else np.zeros(0, dtype=np.int64) for k, c in part.codes.items()}


class Part:
    """What :func:`collect_part` read of some lines: kept row numbers, rows of a wrong width, per
    coded column its distinct values (value -> code, first seen first) and per-row codes, per
    own-value column its values."""

    def __init__(self, used):
        self.index = {k: {} for k, _ in used if k not in _OWN_VALUES}
        self.own = {k: [] for k, _ in used if k in _OWN_VALUES}
        self.codes = {k: [] for k, _ in used}
        self.kept, self.bad_width = [], {}

    def extend(self, other: "Part") -> None:
        """Append *other*, read from the lines after these: its codes renumbered as reading all the
        lines in one pass would have numbered them (values new to these take the next codes)."""
        self.kept += other.kept
        for w, rs in other.bad_width.items():
            self.bad_width.setdefault(w, []).extend(rs)
        for k, idx in other.index.items():
            mine = self.index[k]
            remap = np.array([mine.setdefault(v, len(mine)) for v in idx], dtype=np.int64)
            self.codes[k] += [remap[c] for c in other.codes[k]]
        for k, vals in other.own.items():
            base = len(self.own[k])
            self.codes[k] += [c + base for c in other.codes[k]]
            self.own[k].extend(vals)


def collect_part(lines, first: int, used, width: int, delim: str, chunk: int = 8192) -> Part:
    """Read *lines* (the first one is row *first*), *chunk* lines at a time (see :func:`_collect_lines`)."""
    part = Part(used)
    index, own, codes, kept, bad_width = part.index, part.own, part.codes, part.kept, part.bad_width
    probe = used[0][1]          # a blank line has this column empty too: only such lines are checked
    for lo in range(0, len(lines), chunk):
        block = lines[lo:lo + chunk]
        # fields of each line (an empty line, [] for the csv module, counts 1 here: it is blank either way)
        fields = np.array(list(map(str.count, block, itertools.repeat(delim))), dtype=np.int64) + 1
        right = fields == width
        wrong = np.flatnonzero(~right)
        for j in wrong.tolist():
            if not _blank_line(block[j], delim):
                bad_width.setdefault(int(fields[j]) if block[j] else 0, []).append(first + lo + j)
        keep = np.flatnonzero(right)
        good = block if wrong.size == 0 else [block[j] for j in keep.tolist()]
        flat = delim.join(good).split(delim) if good else []
        maybe = _empty_strings(flat[probe::width])
        if maybe.any():
            blank_ = np.zeros(keep.size, dtype=bool)
            for j in np.flatnonzero(maybe).tolist():
                blank_[j] = _blank_line(good[j], delim)
            if blank_.any():
                keep = keep[~blank_]
                good = [good[j] for j in np.flatnonzero(~blank_).tolist()]
                flat = delim.join(good).split(delim) if good else []
        if not good:
            continue
        kept.append(keep + (first + lo))
        for k, i in used:
            column = flat[i::width]
            if k in own:            # every row its own "distinct value": the same per-row results
                codes[k].append(np.arange(len(own[k]), len(own[k]) + len(column), dtype=np.int64))
                own[k].extend(column)
            else:
                codes[k].append(_codes(column, index[k]))
    return part


def _collect_cells(rows, cols: dict[str, int], width: int):
    """:func:`collect` for a sheet the fast sheet reader reads: the wanted columns' values per row
    (:meth:`sim.inputs.roster_files._ExcelRows.rest_cells`), coded column by column; None where
    that reader declines (the rows are then iterated)."""
    used = [(k, i) for k, i in cols.items() if k != "name"]
    got = rows.rest_cells(width, [i for _, i in used])
    if got is None:
        return None
    rownos, per_col = got
    values, codes = {}, {}
    for k, i in used:
        if k in _OWN_VALUES:        # every row its own "distinct value": the same per-row results
            values[k], codes[k] = per_col[i], np.arange(len(per_col[i]), dtype=np.int64)
        else:
            index: dict = {}
            codes[k] = _codes(per_col[i], index)
            values[k] = list(index)
    return rownos, values, codes


#: columns whose values are meant to differ from row to row: kept as they are, not coded
_OWN_VALUES = ("id", "nik")


def _blank_line(line: str, delim: str) -> bool:
    """Whether every field of a CSV line (no quotes) is empty or spaces: :func:`blank` of its cells."""
    return not line.replace(delim, "").strip()


def _empty_strings(values) -> np.ndarray:
    """:func:`~sim.inputs.roster_values.is_empty` of each of a list of strings."""
    return np.fromiter(map(operator.not_, map(str.strip, values)), dtype=bool, count=len(values))


def empty_mask(values, text_only: bool) -> np.ndarray:
    """:func:`~sim.inputs.roster_values.is_empty` of each value (C-level for a list of strings)."""
    if not text_only:
        return np.array([V.is_empty(v) for v in values], dtype=bool)
    if "" not in values and not _SPACE.search("".join(values)):
        return np.zeros(len(values), dtype=bool)     # no value empty or with a space anywhere
    return _empty_strings(values)


_SPACE = re.compile(r"\s")     # the characters str.strip removes (Py_UNICODE_ISSPACE), as \s does


class Column:
    """One column's distinct values parsed once; problems reported per row.

    With *fast*, emptiness is found with C-level string operations, a column's *bulk* parser (see
    :meth:`parse`) takes the values it can, and only values some row needs are parsed; ``fast=False``
    parses every distinct value one by one (the reference)."""

    def __init__(self, key, idx, values, codes, rownos, rp: Grouped, fast: bool = True, text_only: bool | None = None):
        self.key, self.where = key, f"kolom/column {letter(idx)} ({label(key)})"
        self.values, self.codes, self.rownos, self.rp, self.fast = values, codes, rownos, rp, fast
        self.text_only = bool(text_only) or (fast and set(map(type, values)) <= {str})
        self.blank = empty_mask(values, self.text_only).tolist() if fast else [V.is_empty(v) for v in values]
        self.empty = np.array(self.blank, dtype=bool)[codes] if values else np.zeros(0, dtype=bool)
        self.parsed = np.empty(0, dtype=object)

    def parse(self, parser, message_of, only=None, bulk=None):
        """Per-row parsed values (object array; None where empty or invalid) and the invalid-row mask.

        ``message_of(value, parsed)`` gives the problem of a non-empty distinct value, or None;
        problems are reported only for the rows in the mask *only* (all rows by default).
        ``bulk(values, text_only)``, used when reading fast, gives ``(parsed, taken)`` for a list of distinct
        values: the parsed value where ``taken`` is True, each one what *parser* gives and one with no
        problem (``message_of`` is None); the others go through *parser*.  The distinct values'
        parsed values stay in :attr:`parsed` (None for a value no row in *only* needs, when fast)."""
        if self.fast:
            parsed, msgs = self._parse_fast(parser, message_of, only, bulk)
        else:
            parsed = [None if e else parser(v) for v, e in zip(self.values, self.blank)]
            msgs = dict(enumerate(None if e else message_of(v, p) for v, p, e in zip(self.values, parsed, self.blank)))
        index = {m: j for j, m in enumerate(sorted({m for m in msgs.values() if m}))}
        mid = np.full(len(parsed), -1, dtype=np.int64)
        for j, m in msgs.items():
            if m:
                mid[j] = index[m]
        per_row = mid[self.codes] if len(mid) else np.zeros(0, dtype=np.int64)
        if only is not None:
            per_row[~only] = -1
        for m, j in index.items():
            self.rp.add(self.rownos[per_row == j], self.where, m)
        arr = np.empty(len(parsed), dtype=object)
        arr[:] = parsed
        self.parsed = arr
        return (arr[self.codes] if len(parsed) else np.empty(0, dtype=object)), per_row >= 0

    def _parse_fast(self, parser, message_of, only, bulk):
        todo = ~np.array(self.blank, dtype=bool)
        if only is not None and len(self.values):
            need = np.zeros(len(self.values), dtype=bool)
            need[self.codes[only]] = True
            todo &= need
        parsed: list = [None] * len(self.values)
        msgs: dict = {}         # value index -> its problem, for the values parsed one by one
        which = np.flatnonzero(todo).tolist()
        if bulk is not None and which:
            values = self.values if len(which) == len(self.values) else [self.values[j] for j in which]
            got, taken = bulk(values, self.text_only)
            if len(which) == len(self.values) and taken.all():
                parsed, which = list(got), []
            else:
                rest = []
                for j, p, t in zip(which, got, taken.tolist()):
                    if t:
                        parsed[j] = p
                    else:
                        rest.append(j)
                which = rest
        for j in which:
            v = self.values[j]
            parsed[j] = p = parser(v)
            msgs[j] = message_of(v, p)
        return parsed, msgs

    def flag_rows(self, mask, message):
        self.rp.add(self.rownos[mask], self.where, message)


def required_empty(col: Column, what: str):
    col.flag_rows(col.empty, bi(f"kosong; harus {what[0]}", f"empty; expected {what[1]}"))
    return col.empty
