"""The cell values of one worksheet, read fast: openpyxl opens the workbook (sheets, shared strings,
which styles are dates, the date system) and this module reads the sheet's XML with one regular
expression instead of openpyxl's per-cell parser, converting each distinct (attributes, body) of a
cell once and, after the header row, only the columns the roster reader asks for
(:meth:`SheetRows.rest`): 10^5 roster rows in about 1.6 s of CPU where openpyxl's own iteration
takes 10 s (``bench/bench_roster.py``, 2 busy cores).

The values are the ones openpyxl's read-only, values-only iteration gives (a test holds them equal
on workbooks with shared and inline strings, rich text, numbers, dates, booleans, errors, formulas
and gaps): shared strings, inline strings (rich-text runs joined, phonetic runs left out), numbers
(int or float), numbers in a date style as datetimes in the workbook's date system, booleans, error
codes as text, cached formula values.  A sheet this reader does not expect (cells without a
reference first, namespace prefixes, rows out of order, a part too large to hold) returns None,
and the caller uses openpyxl's own iteration.  Nothing is written anywhere.
"""
from __future__ import annotations

import html
import itertools
import operator
import re

import numpy as np

MAX_XML_BYTES = 256 * 1024 * 1024   #: decompressed sheet size read at once (else openpyxl streams it)

_CELL = re.compile(r'<c r="([A-Z]{1,3})(\d+)"([^>]*?)(?:/>|>(.*?)</c>)', re.S)
_TYPE = re.compile(r'\bt="([a-zA-Z]+)"')
_STYLE = re.compile(r'\bs="(\d+)"')
_VALUE = re.compile(r"<v>([^<]*)</v>|<v/>")
_TEXT = re.compile(r"<t(?:\s[^>]*)?>([^<]*)</t>|<t(?:\s[^>]*)?/>")
_PHONETIC = re.compile(r"<rPh\b.*?</rPh>", re.S)
_OTHER_SPACE = re.compile(r"<c[^\S ]")     # a cell element whose name is followed by a space other than " "


def _column(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def _unescape(s: str) -> str:
    return html.unescape(s) if "&" in s else s


def _number(text: str):
    return float(text) if ("." in text or "E" in text or "e" in text) else int(text)


def sheet_rows(wb, ws):
    """``(row number, cells)`` for every row from 1 to the last (empty rows as ``()``), or None when
    this sheet needs openpyxl's own parser (a later part of the sheet that needs it raises
    :class:`SheetDeclined`)."""
    try:
        from openpyxl.utils.datetime import from_excel
        archive, path = wb._archive, ws._worksheet_path
        strings, dates, durations = ws._shared_strings, wb._date_formats, wb._timedelta_formats
        info = archive.getinfo(path)
    except (AttributeError, KeyError):
        return None
    if info.file_size > MAX_XML_BYTES:
        return None
    xml = archive.read(path).decode("utf-8")
    start = xml.find("<sheetData")
    if start < 0:
        return None
    data = xml[start:]
    if "</sheetData>" not in data and not re.match(r"<sheetData\s*/>", data):
        return None              # cut short: openpyxl's parser reports the damage
    if "<c>" in data or (":c" in data and re.search(r"<\w+:c[\s>/]", data)) or _OTHER_SPACE.search(data):
        return None
    parts = _parts(data, CHUNK_CHARS)
    first = _chunk(next(parts), 0)
    if first is None:
        return None
    return SheetRows(first, parts, strings, dates, durations, wb.epoch, from_excel)


CHUNK_CHARS = 4 * 2**20     #: sheet XML read a part at a time (memory: one part's cells, not the sheet's)
_MEMO_MAX = 200_000         #: converted distinct cells kept (member ids and NIKs never repeat)


class SheetDeclined(Exception):
    """A part of the sheet after the first that this reader does not take: read the sheet again
    with openpyxl's parser."""


class _Memo(dict):
    """A dict that fills a missing key with ``make(key)`` (C-level lookups for the keys it has)."""

    def __init__(self, make):
        super().__init__()
        self.make = make

    def __missing__(self, key):
        value = self[key] = self.make(key)
        return value


_SKIP = object()        # a cell without a body: not a value, and the row's width ignores it
_SPANS = [list(range(k)) for k in range(257)]


def _parts(data: str, size: int):
    """The sheet data in parts of about *size* characters, each ending after a row's end tag."""
    pos = 0
    while pos < len(data):
        end = data.find("</row>", pos + size)
        end = len(data) if end < 0 else end + len("</row>")
        yield data[pos:end]
        pos = end


class _Chunk:
    """The cells of one part of the sheet: column letters, attributes and bodies, the start of each
    run of cells in one row and that row's number."""

    def __init__(self, letters, attrs, bodies, starts, rownos):
        self.letters, self.attrs, self.bodies, self.starts, self.rownos = letters, attrs, bodies, starts, rownos


def _chunk(part: str, after: int) -> _Chunk | None:
    """The cells of *part*, found all at once; None when a cell is not one this reader's expression
    takes or the rows do not come in increasing order after row *after*."""
    found = _CELL.findall(part)
    if part.count("<c ") != len(found):
        return None             # a cell this reader's expression does not take (no reference first, ...)
    if not found:
        return _Chunk([], [], [], [], [])
    letters, rowtexts, attrs, bodies = (list(map(operator.itemgetter(i), found)) for i in range(4))
    change = np.fromiter(map(operator.ne, rowtexts[1:], rowtexts[:-1]), dtype=bool, count=len(found) - 1)
    starts = [0] + (np.flatnonzero(change) + 1).tolist()
    rows = [int(rowtexts[a]) for a in starts]
    if any(map(operator.ge, rows[:-1], rows[1:])) or rows[0] <= after or rows[0] < 1:
        return None
    return _Chunk(letters, attrs, bodies, starts, rows)


class SheetRows:
    """``(row number, cells)`` of the sheet data, from row 1 to the last (rows without cells as
    ``()``, as openpyxl gives them), a part of the XML at a time: each distinct ``(attributes,
    body)`` converted once by :func:`_value` (a roster's villages, sexes, dates and incomes repeat),
    each row a slice of the cells.  :meth:`rest` gives the rows not yet iterated column by column,
    converting only the cells of the columns asked for."""

    def __init__(self, first: _Chunk, parts, strings, dates, durations, epoch, from_excel):
        self.chunk, self.parts, self.last_row = first, parts, 0
        self.known = _Memo(lambda key: _value(key[0], key[1], strings, dates, durations, epoch, from_excel))
        self.columns = _Memo(_column)
        self.next_group = 0             # the groups of the chunk before it have been handed out
        self._rows = self._iterate()

    def __iter__(self):
        return self

    def __next__(self):
        return next(self._rows)

    def _next_chunk(self) -> _Chunk | None:
        part = next(self.parts, None)
        if part is None:
            return None
        if self.chunk.rownos:
            self.last_row = self.chunk.rownos[-1]
        chunk = _chunk(part, self.last_row)
        if chunk is None:
            raise SheetDeclined
        if len(self.known) > _MEMO_MAX:
            self.known.clear()
        self.next_group = 0
        return chunk

    def _cells(self, ch: _Chunk, a: int, b: int) -> tuple[list, list]:
        return (list(map(self.columns.__getitem__, ch.letters[a:b])),
                list(map(self.known.__getitem__, zip(ch.attrs[a:b], ch.bodies[a:b]))))

    def _iterate(self):
        current = 0
        while self.chunk is not None:
            ch = self.chunk
            ends = ch.starts[1:] + [len(ch.letters)]
            for g, (a, b, row) in enumerate(zip(ch.starts, ends, ch.rownos)):
                for r in range(current + 1, row):
                    yield r, ()
                current = row
                self.next_group = g + 1
                c, v = self._cells(ch, a, b)
                if b - a < len(_SPANS) and c == _SPANS[b - a] and _SKIP not in v:
                    yield row, tuple(v)
                    continue
                cells = {i: x for i, x in zip(c, v) if x is not _SKIP}
                if cells:
                    yield from _flush(row, cells)
            self.chunk = self._next_chunk()

    def rest(self, wanted: list[int], too_many=None, max_row: int | None = None):
        """``(row numbers, {column index: values})`` of the rows not yet iterated that are not
        blank, each wanted column's value per row (None where the row has none), as iterating them
        would give; ``too_many()`` is called where a row number exceeds *max_row*.  Raises
        :class:`SheetDeclined` where a row's cells are not in column order.  The iteration ends."""
        rows, per_col = [], {i: [] for i in wanted}
        while self.chunk is not None:
            ch = self.chunk
            if max_row is not None and ch.rownos and ch.rownos[-1] > max_row:
                too_many()
            if self.next_group < len(ch.starts):
                got_rows, got = self._rest_of(ch, self.next_group, wanted)
                rows.append(got_rows)
                for i in wanted:
                    per_col[i].extend(got[i])
            self.next_group = len(ch.starts)
            self.chunk = self._next_chunk()
        self._rows = iter(())
        return (np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)), per_col

    def _rest_of(self, ch: _Chunk, g0: int, wanted: list[int]):
        a0 = ch.starts[g0]
        sizes = np.diff(np.append(ch.starts[g0:], len(ch.letters)))
        group = np.repeat(np.arange(sizes.size), sizes)
        cols = np.array(list(map(self.columns.__getitem__, ch.letters[a0:])), dtype=np.int64)
        if not ((np.diff(cols) > 0) | (np.diff(group) != 0)).all():
            raise SheetDeclined     # cells of a row not in column order (two in one column, perhaps)
        lookup = np.zeros(max(int(cols.max()), max(wanted, default=0)) + 1, dtype=bool)
        lookup[wanted] = True
        chosen = np.flatnonzero(lookup[cols])
        at = (chosen + a0).tolist()
        pick = (lambda seq: [seq[at[0]]]) if len(at) == 1 else (lambda seq: operator.itemgetter(*at)(seq) if at else ())
        values = list(map(self.known.__getitem__, zip(pick(ch.attrs), pick(ch.bodies))))
        real = ~np.fromiter(map(operator.is_, values, itertools.repeat(_SKIP)), dtype=bool, count=len(values))
        per_col = {}
        for i in wanted:
            arr = np.full(sizes.size, None, dtype=object)
            take = np.flatnonzero(real & (cols[chosen] == i))
            arr[group[chosen[take]]] = np.array([values[j] for j in take.tolist()] + [None], dtype=object)[:-1]
            per_col[i] = arr
        # a row is kept unless it is blank (every cell None or spaces) or has no cells: when a wanted
        # column's value is filled and not spaces it is kept; the others are looked at in full
        probe = per_col[wanted[0]] if wanted else np.full(sizes.size, None, dtype=object)
        distinct = dict.fromkeys(probe.tolist())
        for v in distinct:
            distinct[v] = v is None or (v.__class__ is str and not v.strip())
        maybe = np.fromiter(map(distinct.__getitem__, probe.tolist()), dtype=bool, count=sizes.size)
        keep = ~maybe
        ends = np.append(ch.starts[g0 + 1:], len(ch.letters))
        for g in np.flatnonzero(maybe).tolist():
            _, v = self._cells(ch, ch.starts[g0 + g], int(ends[g]))
            keep[g] = any(x is not _SKIP and x is not None and (x.__class__ is not str or x.strip()) for x in v)
        rows = np.asarray(ch.rownos[g0:], dtype=np.int64)[keep]
        return rows, {i: per_col[i][keep].tolist() for i in wanted}


def _value(attrs, body, strings, dates, durations, epoch, from_excel):
    """One cell's value from its attributes and body, as openpyxl's values-only iteration gives it
    (:data:`_SKIP` for a cell without a body)."""
    if not body:
        return _SKIP
    if body.startswith("<is><t>") and body.endswith("</t></is>") and "<" not in body[7:-9]:
        if attrs == ' t="inlineStr"':     # plain inline text, as programs write it
            return _unescape(body[7:-9])
    if attrs == ' t="n"' and 0 not in dates and body.startswith("<v>") and body.endswith("</v>") \
            and "<" not in body[3:-4] and body[3:-4]:
        return _number(body[3:-4])      # a plain number without a style
    t = _TYPE.search(attrs)
    kind = t.group(1) if t else "n"
    value = None
    if kind == "inlineStr":
        i = body.find("<is>")
        if i >= 0:
            value = "".join(_unescape(x or "") for x in _TEXT.findall(_PHONETIC.sub("", body[i:])))
    else:
        v = _VALUE.search(body)
        text = v.group(1) if v else None
        if text:
            if kind == "n":
                value = _number(text)
                s = _STYLE.search(attrs)
                style = int(s.group(1)) if s else 0
                if style in dates:
                    try:
                        value = from_excel(value, epoch, timedelta=style in durations)
                    except (OverflowError, ValueError):
                        value = "#VALUE!"
            elif kind == "s":
                value = strings[int(text)]
            elif kind == "b":
                value = bool(int(text))
            elif kind == "d":
                from openpyxl.utils.datetime import from_ISO8601
                value = from_ISO8601(text)
            else:                       # "str" (a formula's text), "e" (an error code)
                value = _unescape(text)
    return value


def _flush(rowno: int, cells: dict):
    row = [None] * (max(cells) + 1)
    for i, v in cells.items():
        row[i] = v
    yield rowno, tuple(row)
