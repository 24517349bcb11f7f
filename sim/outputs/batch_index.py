"""The batch's index: ``index.json`` (strict JSON), ``index.html`` (Indonesian first, English
beside) and ``comparison.xlsx`` (the entries side by side, numbers as numbers with rupiah and
percent formats; openpyxl).  Each file is written to a temporary name and renamed into place."""
from __future__ import annotations

import html
import json
from pathlib import Path

from ..common.atomic import replacing
from ..common.formatting import number, percent, rupiah
from ..common.jsonio import write_json

#: (dotted figure, Indonesian label, English label, kind)
ROWS = (
    ("workers", "Peserta", "Workers", "count"),
    ("budget.allocation", "Alokasi", "Allocation", "rupiah"),
    ("budget.required", "Kebutuhan", "Required", "rupiah"),
    ("budget.difference", "Selisih (negatif = kurang)", "Difference (negative = shortfall)", "rupiah"),
    ("contributions.total", "Iuran setahun", "Contributions a year", "rupiah"),
    ("expected_claims.jkk", "Klaim harapan JKK", "Expected claims JKK", "rupiah"),
    ("expected_claims.jkm", "Klaim harapan JKM", "Expected claims JKM", "rupiah"),
    ("expected_claims.total", "Klaim harapan JKK + JKM", "Expected claims JKK + JKM", "rupiah"),
    ("loss_ratio.total", "Rasio klaim", "Loss ratio", "percent"),
    ("claims_quantiles.99.5", "Kuantil 99,5% klaim", "99.5% quantile of claims", "rupiah"),
    ("tvar_99_5", "TVaR 99,5%", "TVaR 99.5%", "rupiah"),
    ("prob_claims_exceed_contributions", "Peluang klaim > iuran", "P(claims > contributions)", "prob"),
    ("expected_deaths", "Kematian harapan", "Expected deaths", "decimal"),
    ("expected_accidents", "Kecelakaan harapan", "Expected accidents", "decimal"),
)
STATUS = {"ok": ("berhasil", "done"), "failed": ("GAGAL", "FAILED")}
XLSX_FORMATS = {"rupiah": '"Rp" #,##0', "percent": "0.0%", "prob": "0.00%", "count": "#,##0", "decimal": "#,##0.00"}


def load_index(out: Path) -> dict:
    """The previous ``index.json`` in *out* (empty when there is none or it cannot be read)."""
    try:
        with open(Path(out) / "index.json", encoding="utf-8") as fh:
            data = json.load(fh)
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def _fmt(value, kind: str) -> str:
    if value is None:
        return "-"
    return {"rupiah": rupiah, "percent": lambda v: percent(v, 1), "prob": lambda v: percent(v, 2), "count": number,
            "decimal": lambda v: number(v, 2)}[kind](value)


def _atomic(target: Path, write) -> None:
    with replacing(target) as tmp:
        write(tmp)


def write_index(out: Path, index: dict) -> None:
    """Write index.json, index.html and comparison.xlsx into *out*."""
    out = Path(out)
    write_json(out / "index.json", index)
    _atomic(out / "index.html", lambda p: p.write_text(html_page(index), encoding="utf-8"))
    _atomic(out / "comparison.xlsx", lambda p: workbook(index).save(p))


def _rollup_rows(r: dict):
    q = r["claims_quantiles"]
    sq = r["sum_of_part_quantiles"]
    return [
        ("Peserta / Workers", number(r["workers"])),
        ("Iuran setahun / Contributions a year", rupiah(r["contributions"]["total"])),
        ("Alokasi / Allocation", rupiah(r["budget"]["allocation"])),
        ("Kebutuhan / Required", rupiah(r["budget"]["required"])),
        ("Klaim harapan / Expected claims", rupiah(r["expected_claims"])),
        ("Rasio klaim / Loss ratio", percent(r["loss_ratio"])),
        ("Kuantil 99,5% total (tepat) / 99.5% quantile of the total (exact)", rupiah(q["99.5"])),
        ("Jumlah kuantil 99,5% bagian / Sum of the parts' 99.5% quantiles", rupiah(sq["99.5"])),
        ("TVaR 99,5%", rupiah(r["tvar_99_5"])),
        ("Peluang klaim > iuran / P(claims > contributions)", percent(r["prob_claims_exceed_contributions"], 2)),
    ]


def html_page(index: dict) -> str:
    """A self-contained page: one row per entry, links to the reports, failures named, roll-ups."""
    e = html.escape
    entries = index["entries"]
    head = ("<tr><th>Nama / Name</th><th>Skenario / Scenario</th><th>Status</th>"
            + "".join(f"<th>{e(i)}<br><small>{e(en)}</small></th>" for _, i, en, _ in ROWS) + "<th>Laporan / Report</th></tr>")
    body = []
    for r in entries:
        st = STATUS.get(r["status"], (r["status"], r["status"]))
        status = f"{st[0]} / {st[1]}" + (" (tidak berubah / unchanged)" if r.get("skipped") else "")
        cls = ' class="failed"' if r["status"] != "ok" else ""
        figs = r.get("figures") or {}
        cells = "".join(f'<td class="n">{e(_fmt(figs.get(k), kind))}</td>' for k, _, _, kind in ROWS)
        link = " ".join(f'<a href="{e(p)}">{e(k)}</a>' for k, p in (r.get("paths") or {}).items())
        err = f'<br><small>{e(r.get("error") or "")}</small>' if r["status"] != "ok" else ""
        sets = f'<br><small>{e(", ".join(r.get("set") or []))}</small>' if r.get("set") else ""
        body.append(f"<tr{cls}><td>{e(r['name'])}</td><td>{e(r['scenario'])}{sets}</td><td>{e(status)}{err}</td>"
                    f"{cells}<td>{link}</td></tr>")
    failed = index.get("failed") or []
    summary = (f'<p class="failed">Gagal / Failed: {e(", ".join(failed))}</p>' if failed
               else "<p>Semua laporan berhasil / All reports done.</p>")
    rolls = []
    for r in index.get("rollups") or []:
        title = f"<h2>Gabungan program / Programme roll-up: {e(r['programme'])}</h2>"
        parts = f"<p>Bagian / Parts: {e(', '.join(r['entries']))}</p>"
        if r["status"] != "ok":
            rolls.append(title + parts + f'<p class="failed">Tidak lengkap / Incomplete: {e(", ".join(r["missing"]))} '
                         "gagal / failed</p>")
            continue
        rows = "".join(f'<tr><td>{e(a)}</td><td class="n">{e(b)}</td></tr>' for a, b in _rollup_rows(r))
        rolls.append(title + parts + f"<table>{rows}</table><p><small>Distribusi total dihitung tepat sebagai konvolusi "
                     "portofolio yang saling bebas, bukan penjumlahan kuantil / The total's distribution is the exact "
                     "convolution of independent portfolios, not a sum of quantiles.</small></p>")
    style = ("body{font-family:sans-serif;margin:1.5em}table{border-collapse:collapse;font-size:90%}"
             "td,th{border:1px solid #bbb;padding:3px 6px;vertical-align:top}td.n{text-align:right;white-space:nowrap}"
             "tr.failed td,.failed{color:#a00;font-weight:bold}")
    return (f'<!DOCTYPE html>\n<html lang="id"><head><meta charset="utf-8"><title>Indeks laporan / Report index: '
            f'{e(index["manifest"])}</title><style>{style}</style></head><body>'
            f'<h1>Indeks laporan / Report index</h1><p>Manifest <code>{e(index["manifest"])}</code> · '
            f'{len(entries)} laporan / reports · {e(index["engine"])} · sim {e(index["version"])}</p>{summary}'
            f"<table>{head}{''.join(body)}</table>{''.join(rolls)}</body></html>\n")


def workbook(index: dict):
    """``comparison.xlsx``: sheet Perbandingan (entries side by side), Gabungan (roll-ups), Indeks."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    wb = Workbook()
    ws = wb.active
    ws.title = "Perbandingan"
    entries = index["entries"]
    ws.cell(1, 1, "Angka / Figure").font = Font(bold=True)
    for j, r in enumerate(entries, start=2):
        ws.cell(1, j, r["name"]).font = Font(bold=True)
        ws.cell(2, j, STATUS.get(r["status"], (r["status"],))[0])
    ws.cell(2, 1, "Status")
    for i, (key, id_, en, kind) in enumerate(ROWS, start=3):
        ws.cell(i, 1, f"{id_} / {en}")
        for j, r in enumerate(entries, start=2):
            v = (r.get("figures") or {}).get(key)
            if v is not None:
                ws.cell(i, j, v).number_format = XLSX_FORMATS[kind]
    ws.column_dimensions["A"].width = 44
    for j in range(2, len(entries) + 2):
        ws.column_dimensions[ws.cell(1, j).column_letter].width = 22
    ru = wb.create_sheet("Gabungan")
    ru.append(["Program / Programme", "Status", "Bagian / Parts", "Peserta / Workers", "Iuran / Contributions",
               "Klaim harapan / Expected claims", "Kuantil 99,5% total / 99.5% quantile of the total",
               "Jumlah kuantil 99,5% bagian / Sum of the parts' 99.5% quantiles", "TVaR 99,5%",
               "Peluang klaim > iuran / P(claims > contributions)"])
    for r in index.get("rollups") or []:
        if r["status"] != "ok":
            ru.append([r["programme"], "tidak lengkap / incomplete", ", ".join(r["entries"])])
            continue
        ru.append([r["programme"], "ok", ", ".join(r["entries"]), r["workers"], r["contributions"]["total"],
                   r["expected_claims"], r["claims_quantiles"]["99.5"], r["sum_of_part_quantiles"]["99.5"],
                   r["tvar_99_5"], r["prob_claims_exceed_contributions"]])
        row = ru.max_row
        for col, fmt in zip("DEFGHIJ", ("#,##0",) + ('"Rp" #,##0',) * 5 + ("0.00%",)):
            ru[f"{col}{row}"].number_format = fmt
    ix = wb.create_sheet("Indeks")
    ix.append(["Nama / Name", "Skenario / Scenario", "Ubahan / Overrides", "Program / Programme", "Status",
               "Galat / Error", "HTML", "JSON"])
    for r in entries:
        p = r.get("paths") or {}
        ix.append([r["name"], r["scenario"], ", ".join(r.get("set") or []), r.get("programme") or "", r["status"],
                   r.get("error") or "", p.get("html", ""), p.get("json", "")])
    return wb
