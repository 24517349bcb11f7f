"""The report's figures by kecamatan and desa (issue 15): a table by kecamatan with a map-free bar
chart of contributions against expected claims, and a table by desa; both tables are workbook
sheets ("Kecamatan", "Desa").  Every figure is read from ``run``'s ``by_area``
(:mod:`sim.analyses.areas`); shown values are rounded by largest remainders so that each column
adds up exactly to its total row, which is the regency's figure.
"""
from __future__ import annotations

from ..common.i18n import t
from .report_doc import Figure, Heading, Para, Table

_COLUMNS = ("workers", "contributions.total", "budget_required", "expected_deaths", "expected_accidents",
            "expected_claims.total")
_KINDS = {"workers": ("int", 0), "contributions.total": ("rupiah", 0), "budget_required": ("rupiah", 0),
          "expected_deaths": ("number2", 2), "expected_accidents": ("number2", 2), "expected_claims.total": ("rupiah", 0)}


def _get(row: dict, key: str) -> float:
    a, _, b = key.partition(".")
    return row[a][b] if b else row[a]


def _table(ctx, first: str, items: list[dict], names, sheet: str) -> Table:
    from ..analyses.areas import apportion
    s, tr, lang = ctx.summary, ctx.tr, ctx.lang
    totals = {k: _get(s, k) for k in ("workers", "contributions.total", "expected_deaths", "expected_accidents",
                                      "expected_claims.total")}
    totals["budget_required"] = s["budget"]["required"]
    shown = {k: apportion([_get(r, k) for r in items], totals[k], _KINDS[k][1]) for k in _COLUMNS}
    rows = [[names(r)] + [int(shown[k][i]) if _KINDS[k][1] == 0 else shown[k][i] for k in _COLUMNS]
            for i, r in enumerate(items)]
    rows.append([t("total", lang)] + [int(round(totals[k])) if _KINDS[k][1] == 0 else round(totals[k], 2)
                                      for k in _COLUMNS])
    cols = [first, tr("Peserta", "Workers"), t("contributions", lang),
            f"{t('required', lang)} ({s['budget']['months']} {tr('bulan', 'months')})", t("deaths", lang),
            t("accidents", lang), f"{t('expected_claims', lang)} (JKK + JKM)"]
    return Table(cols, ["text"] + [_KINDS[k][0] for k in _COLUMNS], rows, sheet=sheet, bold_last=True,
                 widths=[1.8, 0.7, 1.2, 1.2, 0.8, 0.8, 1.2])


def area_figure(ctx, kec: list[dict]):
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter

    from ..common.formatting import number
    from . import plots
    fig, ax = plt.subplots(figsize=(9, 0.35 * len(kec) + 1.4))
    plots.area_bars(ax, [r["kecamatan"] for r in kec], [r["contributions"]["total"] for r in kec],
                    [r["expected_claims"]["total"] for r in kec],
                    ctx.tr("Iuran dan klaim harapan per kecamatan", "Contributions and expected claims by kecamatan"),
                    (t("contributions", ctx.lang), t("expected_claims", ctx.lang)), t("rupiah_millions", ctx.lang))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _p: number(v, 0 if abs(v) >= 10 or float(v).is_integer() else 1)))
    fig.tight_layout()
    return fig


def area_blocks(ctx) -> list:
    """Heading, note, the kecamatan table and chart, the desa table."""
    from ..analyses.areas import by_kecamatan
    s, tr = ctx.summary, ctx.tr
    rows = s.get("by_area") or []
    if not rows:
        return []
    kec = by_kecamatan(rows)
    roster = s["portfolio_source"] == "roster"
    note = (tr("Menurut daftar peserta: angka setiap desa berasal dari pesertanya sendiri.",
               "From the roster: each desa's figures come from its own workers.") if roster else
            tr("Peserta sintetis: desa dibagi tanpa melihat umur dan pekerjaan, jadi angka desa sebanding dengan "
               "jumlah pesertanya.",
               "Synthetic roster: villages are drawn independently of age and occupation, so a desa's figures are "
               "in proportion to its workers."))
    note += " " + tr("Angka dibulatkan sehingga setiap kolom berjumlah tepat sama dengan baris total.",
                     "Figures are rounded so that every column adds up exactly to its total row.")
    return [Heading(tr("Per kecamatan dan desa", "By kecamatan and desa"), 3), Para(note),
            _table(ctx, "Kecamatan", kec, lambda r: f"{r['kecamatan']} ({r['desa']} desa)", "Kecamatan"),
            Figure(lambda: area_figure(ctx, kec), width=0.8),
            _table(ctx, "Kecamatan / desa", rows, lambda r: f"{r['kecamatan']} / {r['desa']}", "Desa")]
