"""The cell values of one worksheet, read fast: openpyxl opens the workbook (sheets, shared strings,
which styles are dates, the date system) and this module reads the sheet's XML with one regular
expression instead of openpyxl's per-cell parser: 10^5 roster rows in about 3 s of CPU instead of
9 s (``bench/bench_roster.py``, 2 busy cores).

The values are the ones openpyxl's read-only, values-only iteration gives (a test holds them equal
on workbooks with shared and inline strings, rich text, numbers, dates, booleans, errors, formulas
and gaps): shared strings, inline strings (rich-text runs joined, phonetic runs left out), numbers
(int or float), numbers in a date style as datetimes in the workbook's date system, booleans, error
codes as text, cached formula values.  A sheet this reader does not expect (cells without a
reference, namespace prefixes, a part too large to hold) returns None, and the caller uses
openpyxl's own iteration.  Nothing is written anywhere.
"""
from __future__ import annotations

import html
import re

MAX_XML_BYTES = 256 * 1024 * 1024   #: decompressed sheet size read at once (else openpyxl streams it)

_CELL = re.compile(r'<c r="([A-Z]{1,3})(\d+)"([^>]*?)(?:/>|>(.*?)</c>)', re.S)
_TYPE = re.compile(r'\bt="([a-zA-Z]+)"')
_STYLE = re.compile(r'\bs="(\d+)"')
_VALUE = re.compile(r"<v>([^<]*)</v>|<v/>")
_TEXT = re.compile(r"<t(?:\s[^>]*)?>([^<]*)</t>|<t(?:\s[^>]*)?/>")
_PHONETIC = re.compile(r"<rPh\b.*?</rPh>", re.S)


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
    this sheet needs openpyxl's own parser."""
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
    if re.search(r"<\w+:c[\s>/]|<c>|<c\s(?![^>]*\br=)", data):
        return None
    return _rows(data, strings, dates, durations, wb.epoch, from_excel)


def _rows(data, strings, dates, durations, epoch, from_excel):
    current, cells = 0, {}
    for m in _CELL.finditer(data):
        row = int(m.group(2))
        if row != current:
            if cells:
                yield from _flush(current, cells)
            for r in range(current + 1, row):
                yield r, ()
            current, cells = row, {}
        attrs, body = m.group(3), m.group(4)
        if not body:
            continue
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
        cells[_column(m.group(1))] = value
    if cells:
        yield from _flush(current, cells)


def _flush(rowno: int, cells: dict):
    row = [None] * (max(cells) + 1)
    for i, v in cells.items():
        row[i] = v
    yield rowno, tuple(row)
