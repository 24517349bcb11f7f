"""Invented rosters for the tests: the same workers written as a village office's Excel workbook
(Indonesian headings, a title row, a ``No`` column, date cells, numbers, an Excel date serial) and
as the CSV Excel saves from it (BOM, semicolons, CRLF, dd/mm/yyyy, ``1.500.000,00``).

Every name and NIK is distinctive and invented, so a test can search every output for them.
"""
from __future__ import annotations

from datetime import datetime

#: cell values that must never appear in any output
SECRETS = ("Zebulon Quarkwhistle", "Yolanda Fizzlebottom", "Xanthippe Grumblewick", "Wendeline Snorkfeather",
           "5304019999123456", "5304019999654321", "5304019999111222", "5304019999333444", "Atlantisia")

HEADINGS = ["No", "NIK", "Nama Lengkap", "Desa/Kelurahan", "Jenis Kelamin (L/P)", "Tanggal Lahir",
            "Pekerjaan", "Penghasilan (Rp)", "Mulai", "Keterangan"]
#: (NIK, name, desa, sex, birth date, occupation, income or None, enrolled from or None)
WORKERS = [
    ("5304019999123456", "Zebulon Quarkwhistle", "Desa Fulur", "Laki-laki", datetime(1980, 8, 15),
     "Petani / Pekebun", 1500000, datetime(2022, 12, 1)),
    ("5304019999654321", "Yolanda Fizzlebottom", "KEWAR", "Perempuan", 33000,  # Excel serial: 1990-05-07
     "nelayan/perikanan", None, None),
    ("5304019999111222", "Xanthippe Grumblewick", "Kelurahan Manumutin", "P", datetime(1975, 1, 31),
     "Buruh  Harian Lepas", 1000000, datetime(2023, 9, 1)),
    ("5304019999333444", "Wendeline Snorkfeather", "Lakanmau", "L", datetime(1999, 12, 24),
     "PEDAGANG", 2250000, None),
]
TITLE = "DAFTAR PEKERJA RENTAN PENERIMA BANTUAN IURAN"


def write_xlsx(path, workers=WORKERS, headings=HEADINGS, title=True, sheet="Peserta", extra_sheets=()):
    """The roster as an .xlsx workbook: optional title row and a blank row, then the table."""
    import openpyxl
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    if title:
        ws.append([TITLE])
        ws.append([])
    if headings:
        ws.append(list(headings))
    for i, (nik, name, desa, sex, born, occ, income, start) in enumerate(workers, 1):
        ws.append([i, nik, name, desa, sex, born, occ, income, start, None])
    for r in ws.iter_rows():
        for c in r:
            if hasattr(c.value, "year"):
                c.number_format = "DD/MM/YYYY"
    for name in extra_sheets:
        wb.create_sheet(name).append(["catatan"])
    wb.save(path)
    return path


def _csv_cell(v) -> str:
    if v is None:
        return ""
    if isinstance(v, datetime):
        return v.strftime("%d/%m/%Y")
    if isinstance(v, int) and v >= 1000000:
        return f"{v:,}".replace(",", ".") + ",00"
    return str(v)


def write_csv(path, workers=WORKERS, headings=HEADINGS, title=True, sep=";"):
    """The same roster as Excel saves it: 'CSV UTF-8' (BOM), semicolons, CRLF, dates as shown."""
    lines = [TITLE + sep * (len(headings) - 1), sep * (len(headings) - 1)] if title else []
    if headings:
        lines.append(sep.join(headings))
    for i, (nik, name, desa, sex, born, occ, income, start) in enumerate(workers, 1):
        if isinstance(born, int):
            born = "07/05/1990"  # Excel shows the serial 33000 as this date in a CSV
        lines.append(sep.join(_csv_cell(v) for v in (i, nik, name, desa, sex, born, occ, income, start, None)))
    path.write_bytes(("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8"))
    return path
