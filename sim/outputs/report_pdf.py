"""The report as an A4 PDF, made with reportlab (pure Python; no browser, no system library).

Text is set in DejaVu Sans, the TrueType font that ships with matplotlib (so the PDF needs nothing
from the system and every character, ``±``, ``×``, ``≥``, renders).  Amounts never split from their
``Rp``: the blocks use non-breaking spaces, which reportlab does not break at.  Tables get the
width of the text column, numbers right-aligned, long text wrapped in its cell, the header
repeated on each page; every page carries the title and "page n of m".
"""
from __future__ import annotations

import io
from pathlib import Path

from .report_doc import Bullets, Figure, Heading, Para, Table, cell_text, nb

_FONT = "DejaVuSans"
_BOLD = "DejaVuSans-Bold"
_registered = False


def _fonts() -> None:
    global _registered
    if _registered:
        return
    import matplotlib
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    ttf = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    pdfmetrics.registerFont(TTFont(_FONT, str(ttf / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(_BOLD, str(ttf / "DejaVuSans-Bold.ttf")))
    addMapping(_FONT, 0, 0, _FONT)
    addMapping(_FONT, 1, 0, _BOLD)
    addMapping(_FONT, 0, 1, _FONT)
    addMapping(_FONT, 1, 1, _BOLD)
    _registered = True


def _styles():
    from reportlab.lib.enums import TA_RIGHT
    from reportlab.lib.styles import ParagraphStyle
    base = ParagraphStyle("body", fontName=_FONT, fontSize=9.5, leading=12.5, spaceAfter=5)
    return {
        "body": base,
        "h1": ParagraphStyle("h1", base, fontName=_BOLD, fontSize=16, leading=20, spaceAfter=6),
        "h2": ParagraphStyle("h2", base, fontName=_BOLD, fontSize=12.5, leading=16, spaceBefore=10, spaceAfter=5,
                             textColor="#1f3b63"),
        "h3": ParagraphStyle("h3", base, fontName=_BOLD, fontSize=10.5, leading=14, spaceBefore=8, spaceAfter=4),
        "bullet": ParagraphStyle("bullet", base, spaceAfter=3),
        "cell": ParagraphStyle("cell", base, fontSize=7.8, leading=9.4, spaceAfter=0),
        "cellr": ParagraphStyle("cellr", base, fontSize=7.8, leading=9.4, spaceAfter=0, alignment=TA_RIGHT),
        "head": ParagraphStyle("head", base, fontName=_BOLD, fontSize=7.8, leading=9.4, spaceAfter=0),
        "headr": ParagraphStyle("headr", base, fontName=_BOLD, fontSize=7.8, leading=9.4, spaceAfter=0, alignment=TA_RIGHT),
        "note": ParagraphStyle("note", base, fontSize=8, leading=10, textColor="#444444", spaceBefore=2),
    }


def _markup(text: str) -> str:
    """Escape for reportlab's paragraph markup; ``**bold**`` becomes <b>; ``Rp`` stays with its amount."""
    import re
    from xml.sax.saxutils import escape
    return re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", escape(nb(text)))


def _column_widths(block: Table, numeric: list[bool], width: float) -> list[float]:
    """Column widths in points.  A number column gets the width of its widest figure (bold in a
    total row) or of its heading's longest word, so no amount wraps away from its digits and no
    heading breaks inside a word; text columns get up to one line each within their share of the rest,
    and what is still left widens the number columns.
    A table without text columns keeps its relative widths, widened where a figure needs it."""
    from reportlab.pdfbase.pdfmetrics import stringWidth
    n = len(block.columns)
    rel = block.widths or [1.0] * n
    pad, size = 7.0, 7.8
    need = []
    for i, col in enumerate(block.columns):
        words = str(col).replace("**", "").split() or [""]
        w = max(stringWidth(x, _BOLD, size) for x in words)
        if numeric[i]:
            for r, row in enumerate(block.rows):
                font = _BOLD if block.bold_last and r == len(block.rows) - 1 else _FONT
                w = max(w, stringWidth(cell_text(row[i], block.kinds[i]), font, size))
        need.append(w + pad)
    text = [i for i in range(n) if not numeric[i]]
    nums = [i for i in range(n) if numeric[i]]
    if text and nums and sum(need[i] for i in nums) < width:
        # numbers get what they need; text columns up to one line each, within their share of the
        # rest; what is left widens the number columns (fewer heading lines)
        rest = width - sum(need[i] for i in nums)
        share = sum(rel[i] for i in text)
        out = list(need)
        for i in text:
            line = max([stringWidth(cell_text(row[i], block.kinds[i]), _FONT, size) for row in block.rows] or [0.0])
            out[i] = max(need[i], min(line + pad, rest * rel[i] / share))
        left = width - sum(out)
        if left > 0:
            total = sum(rel[i] for i in nums)
            for i in nums:
                out[i] += left * rel[i] / total
        return out
    return [max(width * w / sum(rel), m) for w, m in zip(rel, need)]


def _table(block: Table, st: dict, width: float):
    from reportlab.lib import colors
    from reportlab.platypus import Paragraph
    from reportlab.platypus import Table as RLTable
    from reportlab.platypus import TableStyle
    numeric = [k != "text" for k in block.kinds]
    widths = _column_widths(block, numeric, width)
    head = [Paragraph(_markup(c), st["headr" if numeric[i] else "head"]) for i, c in enumerate(block.columns)]
    data = [head]
    for r, row in enumerate(block.rows):
        cells = []
        for i, (v, k) in enumerate(zip(row, block.kinds)):
            text = _markup(cell_text(v, k))
            if block.bold_last and r == len(block.rows) - 1:
                text = f"<b>{text}</b>"
            cells.append(Paragraph(text, st["cellr" if numeric[i] else "cell"]))
        data.append(cells)
    t = RLTable(data, colWidths=widths, repeatRows=1, hAlign="LEFT")
    t.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.HexColor("#1f3b63")),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.HexColor("#c8c8c8")),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef2f7")),
        ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]))
    return t


def _flowables(parts, st: dict, width: float) -> list:
    from reportlab.platypus import CondPageBreak, Image, KeepTogether, ListFlowable, ListItem, Paragraph, Spacer
    out = []
    for part in parts:
        for block in part.blocks:
            if isinstance(block, Heading):
                style = st[f"h{min(block.level, 3)}"]
                if block.level >= 2:
                    out.append(CondPageBreak(150 if block.level == 2 else 120))
                out.append(_Keep(Paragraph(_markup(block.text), style)))
            elif isinstance(block, Para):
                out.append(Paragraph(_markup(block.text), st["body"]))
            elif isinstance(block, Bullets):
                out.append(ListFlowable([ListItem(Paragraph(_markup(i), st["bullet"]), leftIndent=11) for i in block.items],
                                        bulletType="bullet", start="•", leftIndent=11, bulletFontName=_FONT,
                                        bulletFontSize=9))
            elif isinstance(block, Table):
                items = [_table(block, st, width)]
                if block.note:
                    items.append(Paragraph(_markup(block.note), st["note"]))
                items.append(Spacer(1, 6))
                out.append(KeepTogether(items) if len(block.rows) <= 15 else items[0])
                if len(block.rows) > 15:
                    out += items[1:]
            elif isinstance(block, Figure):
                from PIL import Image as PILImage
                png = block.png()
                w_px, h_px = PILImage.open(io.BytesIO(png)).size
                w = width * block.width
                out += [Image(io.BytesIO(png), width=w, height=w * h_px / w_px), Spacer(1, 6)]
    return _keep_with_next(out)


class _Keep:
    """Marks a heading that must stay on the page of what follows it."""

    def __init__(self, flowable):
        self.flowable = flowable


def _keep_with_next(items: list) -> list:
    """Each heading together with the flowable after it (no heading alone at a page's foot)."""
    from reportlab.platypus import KeepTogether
    out, held = [], []
    for item in items:
        if isinstance(item, _Keep):
            held.append(item.flowable)
        elif held and type(item).__name__ not in ("CondPageBreak", "Spacer"):
            # never nest KeepTogether: its wrap reports a huge height, which would force a page break
            content = list(item._content) if isinstance(item, KeepTogether) else [item]
            # a long table flows on (maxHeight): its first rows stay with the heading, no empty page end
            out.append(KeepTogether(held + content, maxHeight=400))
            held = []
        else:
            out.append(item)
    return out + held


def write_pdf(parts, target: Path, title: str, lang: str) -> None:
    """Write the report's *parts* (sections of blocks) as an A4 PDF at *target*."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate
    _fonts()
    st = _styles()
    page_word, of_word = ("Halaman", "dari") if lang == "id" else ("Page", "of")

    from reportlab.pdfgen import canvas as rl_canvas

    class NumberedCanvas(rl_canvas.Canvas):
        """Draws "page n of m" once the number of pages is known."""

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages = []

        def showPage(self):
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self.setFont(_FONT, 7.5)
                self.setFillColorRGB(0.35, 0.35, 0.35)
                self.drawString(18 * mm, 10 * mm, title[:110])
                self.drawRightString(A4[0] - 18 * mm, 10 * mm, f"{page_word} {self._pageNumber} {of_word} {total}")
                super().showPage()
            super().save()

    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=16 * mm,
                            bottomMargin=18 * mm, title=title, author="belu-sim", lang=lang)
    doc.build(_flowables(parts, st, doc.width), canvasmaker=NumberedCanvas)
    Path(target).write_bytes(buf.getvalue())
