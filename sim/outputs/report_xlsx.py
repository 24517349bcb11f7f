"""The report's tables as an Excel workbook (openpyxl), one sheet per table: summary, budget by
fiscal year, claims, projection, assumptions with sources.  Numbers stay numbers with number
formats (rupiah ``"Rp "#,##0``, percentages ``0.0%``), so an analyst can recalculate; Excel shows
the grouping and decimal marks of the reader's locale (``Rp 1.175.126.400`` in Indonesian).
"""
from __future__ import annotations

from pathlib import Path

from ..common.atomic import replacing
from .report_doc import KINDS, Table, plain, split


def _sheet(wb, title: str, block: Table, heading: str) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    ws = wb.create_sheet(title[:31])
    ws.append([plain(heading)])
    ws["A1"].font = Font(bold=True, size=12)
    ws.append([])
    ws.append([plain(c) for c in (block.sheet_columns or block.columns)])
    for cell in ws[3]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="EEF2F7")
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in block.rows:
        values, formats = [], []
        for v, k in zip(row, block.kinds):
            raw, kind = split(v, k)
            if kind == "text" and not isinstance(raw, (int, float)) and raw is not None:
                raw = plain(str(raw)).replace("\u00a0", " ")
            values.append(raw)
            formats.append(KINDS.get("rupiah" if kind == "rupiah_m" else kind))
        ws.append(values)
        for cell, fmt in zip(ws[ws.max_row], formats):
            if fmt and isinstance(cell.value, (int, float)):
                cell.number_format = fmt
            cell.alignment = Alignment(wrap_text=isinstance(cell.value, str) and len(cell.value) > 40, vertical="top")
    note = block.note if block.sheet_note is None else block.sheet_note
    if note:
        ws.append([])
        ws.append([plain(note).replace("\u00a0", " ")])
    for i, col in enumerate(block.columns, start=1):
        longest = max([len(str(plain(col)))] + [len(str(c.value)) + 4 for c in ws[get_column_letter(i)][3:] if c.value is not None])
        ws.column_dimensions[get_column_letter(i)].width = min(max(12, longest * 1.1), 70)
    ws.freeze_panes = "A4"


def write_xlsx(parts, target: Path, ctx) -> None:
    """One sheet per table that names a sheet, in report order; written atomically."""
    from openpyxl import Workbook
    wb = Workbook()
    wb.remove(wb.active)
    for part in parts:
        for block in part.blocks:
            if isinstance(block, Table) and block.sheet:
                _sheet(wb, block.sheet, block, f"{ctx.title} · {block.sheet}")
    wb.properties.title = ctx.title
    wb.properties.creator = "belu-sim"
    target = Path(target)
    with replacing(target) as tmp:
        wb.save(tmp)
