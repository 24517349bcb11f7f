"""The executed report notebook as one self-contained HTML page without code (nbconvert), and its
conversion started before the notebook has finished.

The last cell of the report notebook (tagged ``remove_cell``: it writes the PDF, workbook and JSON
and prints the key figures for nbval) is not part of the page.  So when papermill is about to run
a cell after which every remaining cell is tagged ``remove_cell``, :class:`EarlyHtml` copies the
notebook and converts the copy in a thread while the kernel writes the other files (issue 10:
about 0.3 s of the report's wall time).  The early page is used only when the executed notebook,
read back from its file, agrees with the copy in everything the page is made of (the notebook
metadata but papermill's timings, and every cell the page shows); otherwise the file is converted
as before.  Either way the page is exactly :func:`html_text` of the executed notebook file.
"""
from __future__ import annotations

import copy
import html as _html
import re
import threading
from pathlib import Path

REMOVE_TAG = "remove_cell"


def skip_slow_optional_imports() -> None:
    """Keep jsonschema (imported by nbformat, papermill and nbconvert) from importing the optional
    ``rfc3987_syntax``: it builds a Lark grammar at import time (about 1.2 s of CPU) to check "iri"
    formats, which the notebook schema does not use (issue 10: the report's start-up)."""
    import sys
    sys.modules.setdefault("rfc3987_syntax", None)


def html_text(nb, title: str, lang: str) -> str:
    """The notebook as a self-contained HTML page without code, prompts or cells tagged ``remove_cell``.

    Images are embedded; the template's scripts (require.js, MathJax, mermaid from a CDN) are
    removed, since the report needs none and officials may read it offline."""
    skip_slow_optional_imports()
    from nbconvert import HTMLExporter
    from traitlets.config import Config
    cfg = Config()
    cfg.TagRemovePreprocessor.enabled = True
    cfg.TagRemovePreprocessor.remove_cell_tags = {REMOVE_TAG}
    exporter = HTMLExporter(config=cfg, exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True,
                            embed_images=True)
    body, _ = exporter.from_notebook_node(nb)
    body = re.sub(r"<script\b[^>]*>.*?</script>", "", body, flags=re.S | re.I)
    body = re.sub(r"<title>.*?</title>", f"<title>{_html.escape(title)}</title>", body, count=1, flags=re.S)
    body = re.sub(r"<html\b[^>]*>", f'<html lang="{lang}">', body, count=1)
    style = ("<style>td,th{vertical-align:top} .jp-RenderedImage img{max-width:100%;height:auto}"
             "@media print{.jp-Cell{break-inside:avoid}}</style>")
    return body.replace("</head>", style + "</head>", 1)


def read_notebook(path: Path):
    skip_slow_optional_imports()
    import nbformat
    return nbformat.read(str(path), as_version=4)


def to_html(executed: Path, target: Path, title: str, lang: str) -> None:
    """Write the executed notebook file *executed* as the HTML page *target*."""
    Path(target).write_text(html_text(read_notebook(executed), title, lang), encoding="utf-8")


def _page_view(nb) -> tuple:
    """What the page is made of: the notebook metadata but papermill's (start and end times), and
    the cells not tagged ``remove_cell``."""
    meta = {k: v for k, v in nb.metadata.items() if k != "papermill"}
    return meta, [c for c in nb.cells if REMOVE_TAG not in c.get("metadata", {}).get("tags", [])]


class EarlyHtml:
    """Hooks for papermill's notebook client (``on_notebook_start``, ``on_cell_execute``) that
    convert a copy of the notebook in a thread once only ``remove_cell`` cells are left to run;
    :meth:`write` then writes the page of the executed notebook file."""

    def __init__(self, title: str, lang: str):
        self.title, self.lang = title, lang
        self._nb = None
        self._copy = None
        self._page: str | None = None
        self._thread: threading.Thread | None = None
        self.used_early = False

    def hooks(self) -> dict:
        return {"on_notebook_start": self._on_notebook_start, "on_cell_execute": self._on_cell_execute}

    def _on_notebook_start(self, notebook, **_):
        self._nb = notebook

    def _on_cell_execute(self, cell, cell_index, **_):
        nb = self._nb
        if self._thread is not None or nb is None:
            return
        if all(REMOVE_TAG in c.get("metadata", {}).get("tags", []) for c in nb.cells[cell_index:]):
            self._copy = copy.deepcopy(nb)          # in the client's thread, before the cell changes it
            self._thread = threading.Thread(target=self._convert, name="report-html", daemon=True)
            self._thread.start()

    def _convert(self) -> None:
        try:
            import nbformat
            # the copy as a file would hold it (what the page is made from otherwise)
            self._copy = nbformat.reads(nbformat.writes(self._copy), as_version=4)
            self._page = html_text(self._copy, self.title, self.lang)
        except Exception:     # noqa: BLE001 (write() converts the file itself)
            self._page = None

    def write(self, executed: Path, target: Path) -> None:
        """Write the page of the executed notebook file: the early page when the file agrees with
        the copy it was made from, else a conversion of the file."""
        nb = read_notebook(executed)
        if self._thread is not None:
            self._thread.join()
        page = self._page if self._page is not None and _page_view(nb) == _page_view(self._copy) else None
        self.used_early = page is not None
        Path(target).write_text(page if page is not None else html_text(nb, self.title, self.lang), encoding="utf-8")
