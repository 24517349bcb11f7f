"""The dashboard's current figures as an Excel workbook, written by the report's workbook writer
(:func:`sim.outputs.report_xlsx.write_xlsx`): numbers stay numbers with rupiah and percent formats.

Sheets: ``Angka`` (every figure the dashboard shows, its baseline value and the difference),
``Program`` (contributions, need, expected claims and loss ratio by programme) and ``Pilihan``
(the control values the figures are for).
"""
from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .explorer_html import LABELS
from .report_doc import Cell, Table

#: dashboard formats -> workbook cell kinds
_KIND = {"rupiah": "rupiah", "count": "int", "months": "number2", "one": "number1", "percent": "percent",
         "percent2": "percent2"}


@dataclass
class _Part:
    blocks: list = field(default_factory=list)


@dataclass
class _Context:
    title: str


def _controls(v: dict, income_label: str) -> list[list]:
    rows = [("Alokasi anggaran / Budget allocation", v["allocation"], "rupiah"),
            ("Lama dibayar (bulan) / Months paid for", v["months"], "int"),
            ("Jumlah peserta / Number of workers", v["workers"], "int"),
            ("Bagian ditanggung / Share covered", v["share"], "percent"),
            ("Penghasilan dilaporkan / Declared income a month", v["income"], "rupiah"),
            ("JHT ikut / JHT on", "ya / yes" if v["jht"] else "tidak / no", "text"),
            ("Iuran JHT / JHT rate of income", v["jht_rate"], "percent2"),
            ("JHT dibayar Pemda / JHT paid by the regency", v["jht_share"], "percent"),
            ("Hasil JHT setahun / JHT return a year", v["jht_return"], "percent2"),
            ("Tahun kepesertaan / Years of membership", v["years"], "int"),
            ("Pengali kematian / Mortality multiplier", v["loading"], "number2"),
            ("Pengali kecelakaan / Accident multiplier", v["frequency"], "number2")]
    out = [[name, Cell(value, kind)] for name, value, kind in rows]
    out[4].append(income_label)
    return out


def workbook_bytes(f: dict, base: dict, v: dict, title: str, income_label: str = "") -> bytes:
    """The workbook of figures *f* against the baseline figures *base*, for control values *v*."""
    keys = ["allocation", "required", "difference", "worker_years", "months_covered", "workers", "expected_deaths",
            "expected_accidents", "claims.total", "loss_ratio.total", "prob_exceed", "var"]
    if v["jht"]:
        keys += ["jht_balance", "jht_fund", "jht_members"]
    rows = []
    for k in keys:
        idn, en, kind = LABELS[k]
        kind = _KIND[kind]
        d = f[k] - base[k] if f[k] is not None and base.get(k) is not None else None
        rows.append([f"{idn} / {en}", Cell(f[k], kind), Cell(base.get(k), kind), Cell(d, kind)])
    figures = Table(["Angka / Figure", "Nilai / Value", "Dasar / Baseline", "Beda / Difference"],
                    ["text", "text", "text", "text"], rows, sheet="Angka",
                    note="Beda = nilai - dasar / difference = value - baseline; persentase sebagai pecahan / "
                         "percentages as fractions")
    progs = []
    for p in ("jkk", "jkm", "jht", "total"):
        need = f["required"] if p == "total" else f[f"need.{p}"]
        risk = p != "jht"
        progs.append([p.upper() if p != "total" else "Jumlah / Total", f[f"contributions.{p}"], need,
                      f[f"claims.{p}"] if risk else None, f[f"loss_ratio.{p}"] if risk else None])
    program = Table(["Program / Programme", "Iuran setahun / Contributions a year",
                     f"Kebutuhan {int(v['months'])} bln / Need, {int(v['months'])} mo",
                     "Klaim harapan / Expected claims", "Rasio klaim / Loss ratio"],
                    ["text", "rupiah", "rupiah", "rupiah", "percent"], progs, sheet="Program", bold_last=True)
    controls = Table(["Pilihan / Setting", "Nilai / Value", "Keterangan / Note"], ["text", "text", "text"],
                     _controls(v, income_label), sheet="Pilihan")
    with tempfile.TemporaryDirectory() as tmp:
        from .report_xlsx import write_xlsx
        target = Path(tmp) / "angka.xlsx"
        write_xlsx([_Part([figures, program, controls])], target, _Context(title))
        return target.read_bytes()
