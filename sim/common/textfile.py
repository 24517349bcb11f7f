"""Reading a user's text file safely: one clear problem instead of a traceback.

:func:`read_text` turns every ordinary way a file can be wrong into one
:class:`~sim.common.errors.Problem` line (Indonesian first, then English): not found, a folder,
unreadable (permissions, I/O), larger than the bound for its kind, not UTF-8 (Latin-1 from an
old editor, UTF-16 from Excel's "Unicode text"), empty.  :func:`csv_rows` reads CSV text and
reports a quote left open (the rest of the file swallowed into one cell) by row and column,
never by content, since a roster cell may hold personal data.
"""
from __future__ import annotations

import csv
import io
from pathlib import Path

from .errors import Problems

UTF8_ID = "simpan sebagai UTF-8 (di Excel: 'CSV UTF-8')"
UTF8_EN = "expected UTF-8 text: save it as UTF-8 (in Excel: 'CSV UTF-8')"


def _mb(n: int) -> str:
    return f"{n / 1e6:,.0f} MB".replace(",", ".")


def read_text(path: Path | str, problems: Problems, display: str | None = None,
              max_bytes: int | None = None) -> str | None:
    """The text of *path* decoded as UTF-8 (a byte-order mark is dropped), or ``None`` after
    adding one problem saying why it cannot be used.  An empty or whitespace-only file is
    returned as text; callers say what they expected in it."""
    path = Path(path)
    name = display or str(path)
    try:
        if path.is_dir():
            problems.add(name, "", "ini sebuah folder, bukan berkas / this is a folder, not a file")
            return None
        if not path.exists():
            problems.add(name, "", "file not found")
            return None
        if not path.is_file():
            problems.add(name, "", "bukan berkas biasa / not a regular file (a device or a pipe)")
            return None
        size = path.stat().st_size
        if max_bytes is not None and size > max_bytes:
            problems.add(name, "", f"berkas terlalu besar ({_mb(size)}; batas {_mb(max_bytes)}) / "
                                   f"file too large ({_mb(size)}; the bound is {_mb(max_bytes)})")
            return None
        raw = path.read_bytes()
    except OSError as exc:
        why = exc.strerror or type(exc).__name__
        problems.add(name, "", f"berkas tidak dapat dibaca / the file cannot be read ({why})")
        return None
    head = raw[:4096]
    even, odd = head[0::2].count(0), head[1::2].count(0)      # UTF-16 text: every other byte is 0
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or (min(even, odd) == 0 and max(even, odd) > len(head) // 4):
        problems.add(name, "", f"berkas ini UTF-16; {UTF8_ID} / this file is UTF-16; {UTF8_EN}")
        return None
    if b"\x00" in head:
        kind = " (Excel .xlsx?)" if raw.startswith(b"PK\x03\x04") else ""
        problems.add(name, "", f"berkas biner, bukan teks{kind}; {UTF8_ID} / a binary file, not text{kind}; {UTF8_EN}")
        return None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        problems.add(name, f"line {line}", f"bukan teks UTF-8 (mungkin Latin-1); {UTF8_ID} / "
                                           f"not UTF-8 (Latin-1?); {UTF8_EN}")
        return None


def csv_rows(text: str, delimiter: str, name: str, problems: Problems, first_line: int = 1):
    """``(line, row)`` pairs of the CSV *text* (``line`` counts from *first_line*, as a
    spreadsheet numbers rows).  A cell running over several lines means a quote (``"``) left
    open: that is reported once, naming the row where it opens and its column number, and
    reading stops.  Returns the rows read before it."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    out = []
    line = first_line
    try:
        for row in reader:
            for j, cell in enumerate(row):
                if "\n" in cell or "\r" in cell:
                    problems.add(name, f"row {line}, column {j + 1}",
                                 'tanda kutip (") tidak ditutup; sisa berkas terbaca sebagai satu sel / '
                                 'a quote (") is opened here and never closed, so the rest of the file '
                                 'was read as one cell')
                    return out
            out.append((line, row))
            line = first_line + reader.line_num
    except csv.Error:
        problems.add(name, f"row {line}", 'tanda kutip (") tidak ditutup atau sel terlalu panjang / '
                                          'a quote (") is never closed, or a cell is too long')
    return out
