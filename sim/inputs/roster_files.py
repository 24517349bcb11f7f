"""Opening a roster file: a CSV as Excel saves it, or an Excel workbook (``.xlsx``) read directly.

:func:`open_rows` yields ``(row number, cells)`` from the first row of the file, with row numbers
as the spreadsheet shows them (empty rows keep their numbers).  Cells are text for a CSV and what
openpyxl reads for a workbook (text, numbers, dates; formulas as their last computed value).

- CSV: UTF-8 with or without a byte-order mark, CRLF or LF, separated by ``,``, ``;`` or tab
  (the one most frequent in the first lines); one record is one row, as Excel counts them.
- ``.xlsx`` / ``.xlsm``: the first sheet, or the sheet named by ``portfolio.roster_sheet``;
  openpyxl in read-only mode opens the workbook, :mod:`sim.inputs.roster_xlsx` reads the sheet's
  cells, after the header row column by column (openpyxl's own values-only iteration where that
  reader declines); nothing is written
  anywhere (no converted copy, no temp file).  An old ``.xls`` workbook is refused with the way to save it.

Sizes are bounded before the work: at most :data:`MAX_ROWS` rows and :data:`MAX_BYTES` bytes.
File-level problems raise :class:`~sim.common.errors.InputError` with bilingual messages that
never quote a cell.
"""
from __future__ import annotations

import csv
import io
import warnings
from collections.abc import Iterator
from pathlib import Path

from ..common.errors import InputError, Problems
from ..common.formatting import label as bi  # every roster message: Indonesian / English

MAX_ROWS = 1_000_000          #: rows of a roster file (about 0.1 GB of memory while reading)
MAX_BYTES = 200 * 1024 * 1024  #: size of a roster file
EXCEL_SUFFIXES = (".xlsx", ".xlsm")
FAST_XLSX = True               #: read sheet XML with :mod:`sim.inputs.roster_xlsx` (False: openpyxl's parser)
_OLE2 = b"\xd0\xcf\x11\xe0"   # the signature of an old .xls workbook


def _fail(problems: Problems, name: str, message: str):
    problems.add(name, "", message)
    problems.raise_if_any()


def is_excel(path: Path) -> bool:
    return path.suffix.lower() in EXCEL_SUFFIXES


def open_rows(path: Path | str, name: str, sheet: str | None = None,
              fast: bool = True, fast_sheet: bool = True) -> tuple[Iterator[tuple[int, tuple]], object]:
    """``(rows, epoch)``: an iterator of ``(row number, cells)`` and the workbook's date epoch
    (``None`` for a CSV).  Raises InputError for a file that cannot be read as a roster.

    With *fast* (the default), a CSV without quotes is split by :class:`CsvLines` (the same rows
    as the csv module gives, and :func:`sim.inputs.roster_table.collect` reads its rows column by
    column); ``fast=False`` always uses the csv module (the reference the tests compare with).
    ``fast_sheet=False`` reads a workbook's sheet with openpyxl's parser (after
    :class:`~sim.inputs.roster_xlsx.SheetDeclined`)."""
    path = Path(path)
    problems = Problems()
    try:
        size = path.stat().st_size
        with open(path, "rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        _fail(problems, name, bi(f"berkas tidak dapat dibaca ({exc.strerror})", f"the file cannot be read ({exc.strerror})"))
    if size > MAX_BYTES:
        _fail(problems, name, bi(f"berkas lebih dari {MAX_BYTES // 2**20} MB", f"the file exceeds {MAX_BYTES // 2**20} MB"))
    if head.startswith(_OLE2):
        _fail(problems, name, bi("format Excel lama (.xls) atau buku kerja bersandi: simpan sebagai Excel Workbook "
                                 "(.xlsx) tanpa sandi atau CSV UTF-8",
                                 "old Excel format (.xls) or a password-protected workbook: save it as Excel Workbook "
                                 "(.xlsx) without a password or as CSV UTF-8"))
    if is_excel(path) or head.startswith(b"PK\x03\x04"):
        return _excel_rows(path, name, sheet, problems, fast_sheet)
    if sheet:
        _fail(problems, name, bi("portfolio.roster_sheet hanya berlaku untuk berkas .xlsx",
                                 "portfolio.roster_sheet applies to .xlsx workbooks only"))
    return _csv_rows(path, name, problems, fast), None


def _csv_rows(path: Path, name: str, problems: Problems, fast: bool = True) -> Iterator[tuple[int, tuple]]:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        _fail(problems, name, bi("bukan teks UTF-8 (simpan dari Excel sebagai 'CSV UTF-8')",
                                 "expected a UTF-8 text file (save it from Excel as 'CSV UTF-8')"))
    if "\x00" in text[:4096]:
        _fail(problems, name, bi("bukan berkas teks CSV", "not a CSV text file"))
    first = [ln for ln in text[:65536].splitlines() if ln.strip()][:12]
    counts = {d: sum(line.count(d) for line in first) for d in (",", ";", "\t")}
    delim = max(counts, key=lambda d: (counts[d], d == ","))
    if text.count("\n") + 1 > MAX_ROWS + 1:
        _fail(problems, name, bi(f"lebih dari {MAX_ROWS:,} baris".replace(",", "."), f"more than {MAX_ROWS:,} rows"))
    if fast:
        lines = CsvLines.split(text, delim)
        if lines is not None:
            return lines
    return _csv_iter(text, delim, name)


class CsvLines:
    """The rows of a CSV that has no quote character, split without the csv module.

    Without ``"`` the csv module's rows are the text's lines (ends: ``\r``, ``\n``, ``\r\n``)
    split at the delimiter, an empty line giving ``[]``; :meth:`split` declines (None) any text
    where that might not hold: a quote, a NUL, a line end the csv module does not know (form feed,
    ``\x85``, ``\u2028`` ...) or a field longer than the csv module's limit (there it reports the
    row).  Iterating gives ``(row number, cells)`` like :func:`_csv_iter`; :meth:`rest` hands the
    lines not yet iterated to :func:`sim.inputs.roster_table.collect`, which splits them column by
    column.
    """

    _OTHER_ENDS = ("\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029")

    def __init__(self, lines: list[str], delim: str):
        self.lines, self.delim, self.pos = lines, delim, 0

    @classmethod
    def split(cls, text: str, delim: str) -> "CsvLines | None":
        if '"' in text or "\x00" in text or any(c in text for c in cls._OTHER_ENDS):
            return None
        lines = text.splitlines()
        if lines and max(map(len, lines)) > csv.field_size_limit():
            return None
        return cls(lines, delim)

    def __iter__(self):
        return self

    def __next__(self) -> tuple[int, list[str]]:
        if self.pos >= len(self.lines):
            raise StopIteration
        line = self.lines[self.pos]
        self.pos += 1
        return self.pos, (line.split(self.delim) if line else [])

    def rest(self) -> tuple[int, list[str]]:
        """``(row number of the first, lines)``: the lines not yet iterated (then none are left)."""
        first, lines = self.pos + 1, self.lines[self.pos:]
        self.pos = len(self.lines)
        return first, lines


def _csv_iter(text: str, delim: str, name: str) -> Iterator[tuple[int, tuple]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim, strict=True)
    rowno = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error:
            p = Problems()
            p.add(name, f"baris/row {rowno + 1}",
                  bi("CSV rusak di sini (mis. tanda kutip \" yang tidak ditutup)",
                     "the CSV breaks here (e.g. a quote \" that is never closed)"))
            p.raise_if_any()
        rowno += 1
        yield rowno, row


def _load_without_sizing(path: Path):
    """openpyxl's read-only workbook, without its scan of every sheet for a used range that the
    sheet does not state (a whole parse per sheet, 9 s for 10^5 rows written by a program): the
    rows are read to their end anyway, whatever a stored range says."""
    import openpyxl
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet
    sizing = ReadOnlyWorksheet.__dict__.get("_get_size")
    if sizing is not None:
        ReadOnlyWorksheet._get_size = lambda self: None
    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    finally:
        if sizing is not None:
            ReadOnlyWorksheet._get_size = sizing


def _excel_rows(path: Path, name: str, sheet: str | None, problems: Problems, fast_sheet: bool = True):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb = _load_without_sizing(path)
    except Exception:  # noqa: BLE001  (whatever openpyxl raises, the workbook cannot be read)
        _fail(problems, name, bi("tidak dapat dibuka sebagai buku kerja Excel (.xlsx)",
                                 "cannot be opened as an Excel workbook (.xlsx)"))
    if sheet is None:
        ws = wb.worksheets[0]
    elif sheet in wb.sheetnames:
        ws = wb[sheet]
    else:
        names = ", ".join(f"'{s}'" for s in wb.sheetnames)
        wb.close()
        _fail(problems, name, bi(f"tidak ada lembar '{sheet}' (portfolio.roster_sheet); lembar yang ada: {names}",
                                 f"no sheet '{sheet}' (portfolio.roster_sheet); the sheets are: {names}"))
    if not hasattr(ws, "iter_rows"):
        wb.close()
        _fail(problems, name, bi("lembar itu berupa grafik, bukan tabel", "that sheet is a chart, not a table"))
    return _ExcelRows(wb, ws, name, fast_sheet), wb.epoch.date()


class _ExcelRows:
    """``(row number, cells)`` of a sheet, bounded by :data:`MAX_ROWS`, a damaged sheet reported;
    the workbook is closed at the end.  Where :mod:`sim.inputs.roster_xlsx` reads the sheet,
    :meth:`rest_cells` hands the rows not yet iterated to
    :func:`sim.inputs.roster_table.collect` column by column."""

    def __init__(self, wb, ws, name: str, fast_sheet: bool = True):
        self.wb, self.ws, self.name, self.fast_sheet = wb, ws, name, fast_sheet
        self.sheet = None           # the fast reader's rows, when it reads this sheet
        self._rows = self._iterate()

    def __iter__(self):
        return self

    def __next__(self) -> tuple[int, tuple]:
        return next(self._rows)

    def _damaged(self):
        p = Problems()
        p.add(self.name, "", bi("buku kerja rusak: lembar tidak dapat dibaca sampai akhir",
                                "the workbook is damaged: the sheet cannot be read to its end"))
        p.raise_if_any()

    def _too_many(self):
        p = Problems()
        p.add(self.name, "", bi(f"lebih dari {MAX_ROWS:,} baris".replace(",", "."), f"more than {MAX_ROWS:,} rows"))
        p.raise_if_any()

    def _iterate(self) -> Iterator[tuple[int, tuple]]:
        from .roster_xlsx import SheetDeclined, sheet_rows
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                rows = sheet_rows(self.wb, self.ws) if FAST_XLSX and self.fast_sheet else None
                self.sheet = rows
                if rows is None:
                    self.ws.reset_dimensions()  # never trust a stored dimension: read every row the sheet has
                    rows = enumerate(self.ws.iter_rows(values_only=True), start=1)
                for rowno, row in rows:
                    if rowno > MAX_ROWS + 1:
                        self._too_many()
                    yield rowno, row
        except (InputError, SheetDeclined):
            raise
        except Exception:  # noqa: BLE001  (whatever openpyxl raises, the sheet cannot be read)
            self._damaged()
        finally:
            self.wb.close()

    def rest_cells(self, width: int, wanted: list[int]):
        """``(row numbers, {column index: values})`` of the rows not yet iterated that are not
        blank (:meth:`sim.inputs.roster_xlsx.SheetRows.rest`), or None: iterate them instead."""
        from .roster_xlsx import SheetDeclined
        if self.sheet is None:
            return None
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                out = self.sheet.rest(wanted, self._too_many, MAX_ROWS + 1)
        except (InputError, SheetDeclined):
            self._rows.close()
            raise
        except Exception:  # noqa: BLE001
            self._rows.close()
            self._damaged()
        self._rows.close()
        return out
