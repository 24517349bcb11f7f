"""Write params/templates/roster-template.xlsx: the roster template for village offices.

Sheet "Peserta" (first, the one read): Indonesian headings, one INVENTED example row (its NIK is
the reserved example NIK, which the reader refuses until the row is deleted, so a forgotten
example never counts as a worker), drop-down lists for jenis kelamin, desa and pekerjaan.
Sheet "Petunjuk": what each column means and the accepted spellings (Indonesian, then English).
Sheets "Desa" and "Pekerjaan": the reference lists the drop-downs use.
Run: ``.venv/bin/python tools/make_roster_template.py`` (the same bytes on every run).
"""
import io
import re
import zipfile
from datetime import datetime
from pathlib import Path

import openpyxl
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from sim.inputs.portfolio import load_villages
from sim.inputs.roster import EXAMPLE_NIK
from sim.inputs.roster_headers import COLUMNS, IGNORED
from sim.inputs.roster_values import Occupations

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "params" / "templates" / "roster-template.xlsx"
HEADINGS = ["No", "NIK", "Nama", "Desa/Kelurahan", "Kecamatan", "Jenis Kelamin (L/P)", "Tanggal Lahir",
            "Pekerjaan", "Penghasilan (Rp)", "Mulai", "Sampai"]
EXAMPLE = [1, EXAMPLE_NIK, "CONTOH - hapus baris ini / EXAMPLE - delete this row", "Kewar", "Lamaknen", "L",
           datetime(1985, 8, 17), "Petani/Pekebun", 1000000, datetime(2023, 6, 1), None]
WIDTHS = [6, 20, 34, 20, 18, 20, 14, 24, 18, 12, 12]
HELP = [
    ("Kolom / Column", "Arti / Meaning", "Judul yang diterima / Accepted headings"),
    ("No", "nomor urut, tidak dibaca / row number, not read", ", ".join(IGNORED)),
    *[(COLUMNS[k][0], m, ", ".join(COLUMNS[k][2])) for k, m in (
        ("nik", "16 angka, format kolom Teks; hanya untuk memeriksa duplikat / 16 digits as Text; only to find duplicates"),
        ("name", "tidak pernah dibaca atau ditampilkan / never read or shown"),
        ("village", "wajib; nama desa/kelurahan Kabupaten Belu (lembar Desa), boleh dengan 'Desa ' / required; "
                    "a desa or kelurahan of Belu (sheet Desa), 'Desa ' in front is fine"),
        ("kecamatan", "pilihan; diperiksa terhadap desa / optional; checked against the desa"),
        ("sex", "wajib; L atau P (juga Laki-laki/Perempuan, M/F) / required; L or P (also Laki-laki/Perempuan, M/F)"),
        ("birth_date", "wajib jika tidak ada kolom umur; tanggal (15/08/1980) / required unless an age column "
                       "is given; a date (15/08/1980)"),
        ("age", "boleh menggantikan tanggal lahir: umur dalam tahun / may replace the birth date: age in years"),
        ("occupation", "wajib; nama pekerjaan seperti di KTP (lembar Pekerjaan) / required; occupation as on the "
                       "ID card (sheet Pekerjaan)"),
        ("declared_income", "pilihan; rupiah sebulan, kosong = penghasilan skenario / optional; rupiah a month, "
                            "empty = the scenario's income"),
        ("enrolled_from", "pilihan; tanggal mulai kepesertaan / optional; date cover began"),
        ("enrolled_to", "pilihan; tanggal akhir kepesertaan / optional; date cover ended"),
    )],
    ("", "", ""),
    ("Catatan / Note", "Hapus baris contoh sebelum dipakai; judul kolom bahasa Indonesia atau Inggris diterima. / "
                       "Delete the example row before use; Indonesian or English headings are accepted.", ""),
]


def main():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Peserta"
    ws.append(HEADINGS)
    ws.append(EXAMPLE)
    bold = Font(bold=True)
    for c in ws[1]:
        c.font = bold
        c.fill = PatternFill("solid", fgColor="DDEBF7")
    for c in ws[2]:
        c.font = Font(italic=True, color="808080")
    ws["B2"].number_format = "@"
    for col in ("G", "J", "K"):
        for row in range(2, 2001):
            ws[f"{col}{row}"].number_format = "DD/MM/YYYY"
    for row in range(3, 2001):
        ws[f"B{row}"].number_format = "@"
        ws[f"I{row}"].number_format = "#,##0"
    ws["I2"].number_format = "#,##0"
    for i, w in enumerate(WIDTHS):
        ws.column_dimensions[openpyxl.utils.get_column_letter(i + 1)].width = w
    ws.freeze_panes = "A2"

    desa = wb.create_sheet("Desa")
    desa.append(["Desa/Kelurahan", "Kecamatan", "Jenis", "Kode wilayah"])
    villages = load_villages(None)
    for code, name, kec in villages:
        desa.append([name, kec, "desa" if code.split(".")[3].startswith("2") else "kelurahan", code])
    occ = wb.create_sheet("Pekerjaan")
    occ.append(["Pekerjaan (KTP)"])
    names = [n for n in Occupations().names if n[0].isupper()]
    for n in names:
        occ.append([n])
    for sheet in (desa, occ):
        for c in sheet[1]:
            c.font = bold
        sheet.column_dimensions["A"].width = 28
        sheet.column_dimensions["B"].width = 18

    for formula, cells in ((f'"L,P"', "F2:F2000"), (f"=Desa!$A$2:$A${len(villages) + 1}", "D2:D2000"),
                           (f"=Pekerjaan!$A$2:$A${len(names) + 1}", "H2:H2000")):
        dv = DataValidation(type="list", formula1=formula, allow_blank=True, showErrorMessage=False)
        ws.add_data_validation(dv)
        dv.add(cells)

    help_ = wb.create_sheet("Petunjuk")
    for row in HELP:
        help_.append(list(row))
    for c in help_[1]:
        c.font = bold
    for col, w in zip("ABC", (18, 70, 70)):
        help_.column_dimensions[col].width = w

    fixed = datetime(2026, 1, 1)
    wb.properties.creator = "belu-sim tools/make_roster_template.py"
    wb.properties.created = fixed
    wb.properties.modified = fixed
    OUT.parent.mkdir(parents=True, exist_ok=True)
    buf = io.BytesIO()
    wb.save(buf)
    # the same bytes on every run: fixed zip entry times and document dates
    out = io.BytesIO()
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2026-01-01T00:00:00Z", data)
            dst.writestr(zipfile.ZipInfo(info.filename, date_time=(2026, 1, 1, 0, 0, 0)), data,
                         compress_type=zipfile.ZIP_DEFLATED)
    OUT.write_bytes(out.getvalue())
    print(f"written {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
