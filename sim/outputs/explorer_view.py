"""The dashboard's front end (ipywidgets): controls on the left, key figures with their difference
from the baseline and the chart on the right, saving and downloads below; served by Voila
(``python -m sim dashboard``) or shown in JupyterLab (``notebooks/explore.ipynb``).

No model logic here: :class:`sim.outputs.explorer.ExplorerModel` computes, :mod:`.explorer_html`
writes the figures, :mod:`.fields` reads what is typed, :mod:`.scenario_save` saves.  Charts are
drawn on matplotlib ``Figure`` objects without pyplot (:mod:`.explorer_chart`, :mod:`.explorer_projchart`:
a change moves the artists over a cached picture of the rest), so nothing is ever shown twice (no frozen
copy of a chart under the live one) and the kernel starts faster.
"""
from __future__ import annotations

import base64
import html
import os
from pathlib import Path

from ..common.paths import PARAMS_DIR, relative
from . import explorer_html
from .explorer_chart import ClaimsChart
from .explorer_projchart import ProjectionChart
from .explorer import ExplorerModel, figures
from .fields import FieldSpec, NumberField
from .scenario_save import SaveError, safe_stem, scenario_text, target_for

#: the folder the dashboard saves scenarios in (``SIM_DASHBOARD_SAVE_DIR`` overrides it)
SAVE_DIR = PARAMS_DIR / "saved"

FIELDS = [
    ("Anggaran / Budget", [
        FieldSpec("allocation", ("Alokasi anggaran (Rp)", "Budget allocation"), "rupiah", 0, 1e13),
        FieldSpec("months", ("Lama dibayar (bulan)", "Months paid for"), "whole", 1, 480),
    ]),
    ("Peserta / Workers", [
        FieldSpec("workers", ("Jumlah peserta", "Number of workers"), "count", 1, 10_000_000),
        FieldSpec("share", ("Bagian ditanggung", "Share covered"), "percent", 0.1, 1.0, 0.05),
    ]),
    ("JHT (jaminan hari tua) / Old-age savings", [
        FieldSpec("jht_rate", ("Iuran JHT", "JHT rate of income"), "percent", 0.0, 0.1, 0.005),
        FieldSpec("jht_share", ("Dibayar Pemda", "Paid by the regency"), "percent", 0.0, 1.0, 0.05),
        FieldSpec("jht_return", ("Hasil JHT setahun", "JHT return a year"), "percent", 0.0, 0.12, 0.0025),
        FieldSpec("years", ("Tahun kepesertaan", "Years of membership"), "whole", 1, 40, 1),
    ]),
    ("Asumsi risiko / Risk assumptions", [
        FieldSpec("loading", ("Pengali kematian", "Mortality multiplier"), "factor", 0.25, 3.0, 0.05),
        FieldSpec("frequency", ("Pengali kecelakaan", "Accident multiplier"), "factor", 0.0, 5.0, 0.1),
    ]),
]

CSS = """<style>
.sim-dash {font-size: 13px; color: #222; line-height: 1.25}
.sim-dash .widget-html-content {line-height: 1.3; font-size: 13px}
.sim-dash .widget-html {margin-top: 1px; margin-bottom: 1px}
.sim-dash .lm-TabBar-tab {flex: 0 0 auto !important; max-width: none !important; min-width: 0 !important}
.sim-dash .head {font-size: 17px; font-weight: 600; margin: 0 0 2px 0}
.sim-dash .sub {color: #555; font-size: 12px}
.sim-dash .sec {font-weight: 600; color: #1f4e79; margin: 6px 0 1px 0; border-bottom: 1px solid #d0dbe8}
.sim-dash .lbl-id {font-weight: 500}
.sim-dash .lbl-en, .sim-dash small, .sim-dash .c-en {color: #6b6b6b; font-size: 11px}
.sim-dash .lbl-en {display: block}
.sim-dash .widget-text input {text-align: right}
.sim-dash .f-name input {text-align: left}
.sim-dash .bad input {border-color: #c0392b !important; background: #fdecea}
.sim-dash .msg-bad {color: #b03a2e; font-size: 12px; display: block; max-width: 420px}
.sim-dash .cards {display: grid; grid-template-columns: repeat(3, minmax(0, 1fr)); gap: 5px; margin-bottom: 4px}
.sim-dash .card {border: 1px solid #d0dbe8; border-radius: 4px; padding: 3px 7px; background: #f7fafd}
.sim-dash .card.bad {background: #fdf1ef; border-color: #e6b0aa}
.sim-dash .c-id {font-weight: 600; font-size: 12px}
.sim-dash .card .val {font-size: 16px; font-weight: 700; white-space: nowrap; margin-right: 4px}
.sim-dash .c-v {margin: 1px 0}
.sim-dash .c-note {font-size: 11px; color: #444}
.sim-dash .delta {font-weight: 600; color: #1f4e79; white-space: nowrap}
.sim-dash .delta.same {color: #777; font-weight: 400}
.sim-dash .vs {color: #777}
.sim-dash table {border-collapse: collapse; margin-bottom: 6px}
.sim-dash td, .sim-dash th {padding: 2px 6px; border-bottom: 1px solid #e5e5e5; vertical-align: top}
.sim-dash td.num {text-align: right; white-space: nowrap}
.sim-dash td.num .delta {font-size: 11.5px}
.sim-dash tr.total td {font-weight: 600}
.sim-dash .details {max-height: 440px; overflow: auto; display: flex; flex-wrap: wrap; gap: 12px}
.sim-dash .base {font-size: 11px; color: #555}
.sim-dash .notice {color: #b03a2e; font-weight: 600}
.sim-dash .saved {color: #1e7d32}
.sim-dash .dl a {margin-right: 14px}
.sim-dash .jht-off {opacity: 0.45}
</style>"""


def is_public() -> bool:
    """True on a shared server (Binder, JupyterHub): saving there is temporary, downloads matter."""
    return any(os.environ.get(k) for k in ("BINDER_LAUNCH_HOST", "BINDER_REPO_URL", "BINDER_REQUEST",
                                           "JUPYTERHUB_SERVICE_PREFIX"))


def data_link(data: bytes, mime: str, filename: str, text: str, link_id: str) -> str:
    """A download link carrying its file (no server file to fetch, works on Binder too)."""
    b64 = base64.b64encode(data).decode("ascii")
    return (f"<a id='{link_id}' download='{html.escape(filename)}' href='data:{mime};base64,{b64}'>"
            f"{html.escape(text)}</a>")


ROSTER_TEMPLATE = PARAMS_DIR / "templates" / "roster-template.xlsx"


def template_link() -> str:
    """The roster template for village offices (Indonesian headings, an invented example row) as a
    download link; empty if the file is missing."""
    if not ROSTER_TEMPLATE.is_file():
        return ""
    return data_link(ROSTER_TEMPLATE.read_bytes(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                     "roster-template.xlsx", "Templat daftar peserta (.xlsx) / Roster template", "roster-template")


class Explorer:
    """The dashboard.  ``controls`` maps control names to objects with a settable ``value``."""

    def __init__(self, scenario_file: Path | str, save_dir: Path | str | None = None):
        import ipywidgets as w

        self.model = ExplorerModel(scenario_file)
        self.save_dir = Path(save_dir or os.environ.get("SIM_DASHBOARD_SAVE_DIR") or SAVE_DIR)
        d = self.model.defaults()
        self.fields: dict[str, NumberField] = {}
        left = [w.HTML(CSS)]
        for title, specs in FIELDS:
            left.append(w.HTML(f"<div class='sec'>{html.escape(title)}</div>"))
            for spec in specs:
                f = NumberField(spec, d[spec.key], self._changed)
                self.fields[spec.key] = f
                left.append(f.widget)
            if title.startswith("Peserta"):
                self.income = w.Dropdown(options=self.model.income_options(), value=d["income"],
                                         layout=w.Layout(width="250px"))
                self.income.add_class("f-income")
                left.append(w.HBox([w.HTML("<span class='lbl-id'>Penghasilan dilaporkan</span>"
                                           "<span class='lbl-en'>Declared income a month</span>",
                                           layout=w.Layout(width="168px", min_width="168px")), self.income]))
            if title.startswith("JHT"):
                self.jht = w.Checkbox(value=d["jht"], description="JHT ikut / JHT on", indent=False,
                                      layout=w.Layout(width="auto"))
                self.jht.add_class("f-jht")
                left.insert(len(left) - len(specs), self.jht)
        self.controls = {"jht": self.jht, "income": self.income, **self.fields}
        self.jht.observe(self._changed, names="value")
        self.income.observe(self._changed, names="value")

        sc = self.model.base
        title = (sc["scenario.title"] or {}).get("id") or sc.name
        self.header = w.HTML(
            "<div class='head'>Anggaran jaminan sosial pekerja rentan, Kabupaten Belu "
            "<span class='sub'>/ Social security budget for vulnerable workers</span></div>"
            f"<div class='sub'>Dasar / baseline: <b>{html.escape(title)}</b> ({html.escape(relative(self.model.file))}); "
            "peserta sintetis dari jumlah peserta / a synthetic roster of the number of workers. "
            "Ketik angka seperti biasa: 6.000 &middot; 1.500.000 &middot; 2,5%</div>")
        self.notice = w.HTML()
        self.cards = w.HTML()
        self.details = w.HTML()
        self.plot = w.Image(format="png", layout=w.Layout(width="860px", max_width="100%", height="auto"))
        self.proj_plot = w.Image(format="png", layout=w.Layout(width="860px", max_width="100%", height="auto"))
        self.tabs = w.Tab(children=[self.plot, self.proj_plot, self.details])
        for i, t in enumerate(("Klaim setahun / Claims in a year", "Proyeksi / Projection", "Rincian / Details")):
            self.tabs.set_title(i, t)
        self.tabs.observe(lambda *_: self._render_visible(), names="selected_index")
        self._dirty: set[int] = set()
        self.chart = ClaimsChart("Total klaim JKK + JKM setahun / Total claims in a year",
                                 {"x": "juta rupiah / million rupiah", "y": "Peluang / Probability",
                                  "var": "VaR 99,5%", "contributions": "Iuran / Contrib."})
        self.fig, self.ax = self.chart.fig, self.chart.ax
        self.proj_chart = ProjectionChart()
        self.proj_fig = self.proj_chart.fig

        # saving and downloads
        self.name = w.Text(value="", placeholder="Nama skenario, mis. Skenario uji Pak Budi",
                           layout=w.Layout(width="300px"))
        self.name.add_class("f-name")
        self.name.observe(lambda *_: self._refresh_downloads(), names="value")
        self.save_button = w.Button(description="Simpan / Save", icon="save", button_style="primary",
                                    layout=w.Layout(width="130px"))
        self.replace_button = w.Button(description="Timpa / Replace", button_style="warning",
                                       layout=w.Layout(width="140px", display="none"))
        self.cancel_button = w.Button(description="Batal / Cancel", layout=w.Layout(width="120px", display="none"))
        self.save_status = w.HTML()
        self.downloads = w.HTML()
        self.excel_button = w.Button(description="Siapkan Excel / Prepare Excel", icon="table",
                                     layout=w.Layout(width="220px"))
        self.excel_link = w.HTML()
        self.excel_button.on_click(lambda *_: self._prepare_excel())
        self.save_button.on_click(lambda *_: self._save(False))
        self.replace_button.on_click(lambda *_: self._save(True))
        self.cancel_button.on_click(lambda *_: self._ask(False))
        where = ("salinan di server ini sementara: unduh berkasnya / the copy on this server is temporary: "
                 "download the file") if is_public() else f"disimpan di / saved in {relative(self.save_dir)}/"
        save_row = w.VBox([
            w.HBox([w.HTML("<b>Simpan skenario</b> <small>Save scenario</small>", layout=w.Layout(width="150px")),
                    self.name, self.save_button, self.replace_button, self.cancel_button],
                   layout=w.Layout(align_items="center", flex_flow="row wrap")),
            self.save_status, w.HTML(f"<small>{html.escape(where)}</small>"),
            w.HBox([self.downloads, self.excel_button, self.excel_link], layout=w.Layout(align_items="center")),
            w.HTML(f"<small class='dl'>{template_link()}</small>")])

        self.widget = w.VBox([
            self.header,
            w.HBox([
                w.VBox(left, layout=w.Layout(width="430px", min_width="430px", padding="0 8px 0 0")),
                w.VBox([self.notice, self.cards, self.tabs, save_row], layout=w.Layout(flex="1 1 auto", min_width="0")),
            ]),
        ], layout=w.Layout(padding="0 4px"))
        self.widget.add_class("sim-dash")
        self.update()

    # -- values and updates ----------------------------------------------------------------------

    def values(self) -> dict:
        v = {k: f.value for k, f in self.fields.items()}
        v["jht"] = bool(self.jht.value)
        v["income"] = float(self.income.value)
        return v

    def _changed(self, *_):
        errors = [f for f in self.fields.values() if f.error]
        if errors:
            names = ", ".join(f.spec.label[0] for f in errors)
            self.notice.value = (f"<div class='notice'>Periksa isian: {html.escape(names)}. Angka di bawah masih "
                                 "untuk nilai terakhir yang sah / Check the fields marked: the figures below are "
                                 "still for the last accepted values.</div>")
        else:
            self.notice.value = ""
        self.save_button.disabled = bool(errors)
        self.update()

    def update(self, *_):
        """Recompute the figures and redraw the visible chart (the others are redrawn when shown)."""
        v = self.values()
        for k in ("jht_rate", "jht_share", "jht_return"):
            box = self.fields[k].widget
            (box.remove_class if v["jht"] else box.add_class)("jht-off")
        try:
            self.result = self.model.compute(v)
            f = figures(self.result)
            diff = self.model.differences(self.result)
        except Exception as exc:      # never a traceback on the page
            self.notice.value = ("<div class='notice'>Tidak dapat menghitung dengan nilai ini / could not compute "
                                 f"with these values ({html.escape(type(exc).__name__)})</div>")
            return None
        self.figures, self.diff = f, diff
        self.cards.value = explorer_html.cards_html(f, diff, int(v["months"]), int(v["years"]), v["jht"])
        title = (self.model.base["scenario.title"] or {}).get("id") or self.model.base.name
        self.details.value = explorer_html.details_html(f, diff, int(v["months"]), v["jht"], title)
        self._dirty = {0, 1}
        self._render_visible()
        self._refresh_downloads()
        return self.result

    def _render_visible(self):
        idx = self.tabs.selected_index or 0
        if idx not in self._dirty:
            return
        self._dirty.discard(idx)
        if idx == 0:
            self._draw_claims(self.result)
        elif idx == 1:
            self._draw_projection()

    def _draw_projection(self):
        """The projection tab's chart: lines and bands moved over a cached static layer
        (:class:`.explorer_projchart.ProjectionChart`)."""
        png = self.proj_chart.png(self.model.projection_rows(self.values()))
        if self.proj_plot.value != png:
            self.proj_plot.value = png

    def _draw_claims(self, r):
        """The claims chart of *r*: its artists moved over a cached static layer, and only when the
        year's claims, the contributions or the VaR changed (:class:`.explorer_chart.ClaimsChart`)."""
        s = r.summary
        png = self.chart.png(r.exact["total"], s["contributions"]["jkk"] + s["contributions"]["jkm"], s["var_99_5"])
        if self.plot.value != png:
            self.plot.value = png

    # -- saving and downloads --------------------------------------------------------------------

    def _name(self) -> str:
        return self.name.value.strip() or f"{self.model.base.name}-dasbor"

    def _refresh_downloads(self):
        name = self._name()
        target = self.save_dir / f"{safe_stem(name) or 'skenario'}.yaml"
        links = [data_link(scenario_text(self.model, target, name, self.values()).encode("utf-8"),
                           "application/x-yaml", target.name, "⬇ Unduh skenario / Download scenario (.yaml)",
                           "download-scenario")]
        self.downloads.value = "<div class='dl'>" + "".join(links) + "</div>"
        self.excel_link.value = ""                   # the figures changed: prepare the workbook again
        self.excel_button.layout.display = ""

    def _prepare_excel(self):
        """The current figures as a workbook, offered as a download link (built on request: the
        workbook takes longer than a figure update)."""
        from .explorer_xlsx import workbook_bytes
        try:
            data = workbook_bytes(self.figures, self.model.baseline(), self.values(),
                                  f"Dasbor / Dashboard: {self._name()}", self.income.label or "")
        except Exception as exc:        # never a traceback on the page
            self.excel_link.value = (f"<span class='notice'>Excel tidak dapat dibuat / could not be written "
                                     f"({html.escape(type(exc).__name__)})</span>")
            return
        stem = safe_stem(self._name()) or "skenario"
        self.excel_link.value = "<div class='dl'>" + data_link(
            data, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", f"{stem}-angka.xlsx",
            "⬇ Unduh angka / Download figures (.xlsx)", "download-excel") + "</div>"
        self.excel_button.layout.display = "none"

    def _ask(self, asking: bool):
        self.replace_button.layout.display = "" if asking else "none"
        self.cancel_button.layout.display = "" if asking else "none"
        self.save_button.layout.display = "none" if asking else ""
        if not asking:
            self.save_status.value = ""

    def _save(self, overwrite: bool):
        name = self.name.value.strip()
        try:
            target = target_for(self.save_dir, name)
            path = self.model.save(target, name, self.values(), overwrite=overwrite)
        except SaveError as exc:
            self._ask(exc.kind == "exists")
            cls = "notice" if exc.kind != "exists" else "ask"
            self.save_status.value = f"<span class='{cls}' id='save-message'>{html.escape(exc.message)}</span>"
            return None
        self._ask(False)
        self.save_status.value = (f"<span class='saved' id='save-message'>Disimpan / Saved: "
                                  f"<code>{html.escape(relative(path))}</code>. Jalankan / run: "
                                  f"<code>python -m sim run {html.escape(relative(path))}</code></span>")
        return path

    def _ipython_display_(self):
        from IPython.display import display
        display(self.widget)
