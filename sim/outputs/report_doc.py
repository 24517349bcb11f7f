"""The report as a list of format-neutral blocks (heading, paragraph, bullets, table, figure), and
the rendering of one block as Markdown for the notebook and HTML.

One list of blocks feeds the HTML (through the notebook), the PDF (:mod:`sim.outputs.report_pdf`)
and the workbook (:mod:`sim.outputs.report_xlsx`), so the three always show the same figures.
Table cells keep their numbers; :func:`cell_text` writes them the Indonesian way (``Rp 1.175.126.400``,
``69,7%``, ``11,87``) with a non-breaking space after ``Rp`` so that no amount is split from it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

from ..common.formatting import number, percent, rupiah

NBSP = "\u00a0"

#: kinds of table cells: how a number is written, and the Excel number format of the workbook
KINDS = {
    "text": None,
    "int": "#,##0",
    "number1": "#,##0.0",
    "number2": "#,##0.00",
    "rupiah": '"Rp "#,##0;-"Rp "#,##0',
    "rupiah_m": '#,##0.0',            # millions of rupiah
    "percent": "0.0%",
    "percent2": "0.00%",
    "year": "0",
}


@dataclass
class Cell:
    """A cell whose kind differs from its column's (key-figure tables mix rupiah and counts)."""
    value: object
    kind: str


def split(value, kind: str) -> tuple[object, str]:
    """(raw value, kind) of a table cell."""
    return (value.value, value.kind) if isinstance(value, Cell) else (value, kind)


@dataclass
class Heading:
    text: str
    level: int = 2


@dataclass
class Para:
    """A paragraph; ``**bold**`` is the only markup."""
    text: str


@dataclass
class Bullets:
    items: list[str]


@dataclass
class Table:
    """Columns with a kind each (see :data:`KINDS`); rows of raw values (numbers stay numbers).

    *sheet*: the workbook sheet this table becomes ("" : not in the workbook); *widths*: relative
    column widths for the PDF; *note*: a line under the table."""
    columns: list[str]
    kinds: list[str]
    rows: list[list]
    sheet: str = ""
    note: str = ""
    widths: list[float] | None = None
    bold_last: bool = False
    sheet_columns: list[str] | None = None   # the workbook's headers, where they differ (units)
    sheet_note: str | None = None            # the workbook's note, where it differs


@dataclass
class Figure:
    """*draw* returns a matplotlib figure; *width*: share of the text width in the PDF."""
    draw: Callable
    caption: str = ""
    width: float = 1.0
    _png: bytes | None = field(default=None, repr=False)

    def png(self, dpi: int = 150) -> bytes:
        """The figure as PNG bytes, drawn once (the HTML and the PDF share them)."""
        if self._png is None:
            import io

            import matplotlib.pyplot as plt
            fig = self.draw()
            buf = io.BytesIO()
            fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight")
            plt.close(fig)
            self._png = buf.getvalue()
        return self._png


@dataclass
class Section:
    """A numbered part of the report: its blocks, in order."""
    key: str
    blocks: list = field(default_factory=list)

    def add(self, *blocks) -> "Section":
        self.blocks.extend(blocks)
        return self


def nb(text: str) -> str:
    """Keep ``Rp`` with its amount and a minus with its number: non-breaking spaces."""
    return text.replace("Rp ", "Rp" + NBSP)


def cell_text(value, kind: str) -> str:
    """A cell as a person reads it (Indonesian number format; ``-`` for a missing value)."""
    value, kind = split(value, kind)
    if value is None:
        return "-"
    if kind == "text":
        return nb(str(value))
    if kind == "int":
        return number(value)
    if kind == "number1":
        return number(value, 1)
    if kind == "number2":
        return number(value, 2)
    if kind == "rupiah":
        return nb(rupiah(value))
    if kind == "rupiah_m":
        return number(value / 1e6, 1)
    if kind == "percent":
        return percent(value)
    if kind == "percent2":
        return percent(value, 2)
    if kind == "year":
        return str(int(value))
    raise ValueError(f"unknown cell kind {kind!r}")


def _md_escape(text: str) -> str:
    return text.replace("|", "/").replace("\n", " ")


def markdown(block) -> str:
    """One block as Markdown (figures are shown by the notebook, not written here)."""
    if isinstance(block, Heading):
        return f"{'#' * block.level} {block.text}"
    if isinstance(block, Para):
        return nb(block.text)
    if isinstance(block, Bullets):
        return "\n".join(f"- {nb(item)}" for item in block.items)
    if isinstance(block, Table):
        head = "| " + " | ".join(_md_escape(c) for c in block.columns) + " |"
        align = "|" + "|".join(":---" if k == "text" else "---:" for k in block.kinds) + "|"
        lines = [head, align]
        for i, row in enumerate(block.rows):
            cells = [_md_escape(cell_text(v, k)) for v, k in zip(row, block.kinds)]
            if block.bold_last and i == len(block.rows) - 1:
                cells = [f"**{c}**" if c else c for c in cells]
            lines.append("| " + " | ".join(cells) + " |")
        if block.note:
            lines += ["", nb(block.note)]
        return "\n".join(lines)
    raise TypeError(type(block).__name__)


def plain(text: str) -> str:
    """*text* without the ``**bold**`` markup."""
    return re.sub(r"\*\*(.+?)\*\*", r"\1", text)
