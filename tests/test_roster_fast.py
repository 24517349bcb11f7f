"""The fast roster reader (column by column, bulk parsers) against the cell-by-cell reader it
replaces (``read_roster(..., fast=False)``): on rosters generated at random from clean cells,
Indonesian numbers, dates in every accepted form, blanks, spaces, bad cells, duplicates, rows of the
wrong width and blank rows, as CSV (with and without quotes, three separators, three line ends) and
as .xlsx (text, numbers, date cells, booleans), both readers give the same portfolio, array by
array, or the same problems, line by line."""
from __future__ import annotations

import csv
import io
import random
import re
import zipfile
from datetime import date, datetime, timedelta

import numpy as np
import pytest

from sim.common.errors import InputError
from sim.inputs import roster_files, roster_values as V
from sim.inputs.portfolio import load_villages
from sim.inputs.roster import read_roster

START = "2023-06-01"
FLOOR = 1_000_000
FIELDS = ("count", "age", "male", "occupation", "income", "exposure", "membership", "village_counts")
VILLAGES = [name for _, name, _ in load_villages(None)]
KECAMATAN = sorted({kec for _, _, kec in load_villages(None)})
OCCUPATIONS = ["Petani/Pekebun", "petani / pekebun", "Nelayan/Perikanan", "Buruh Harian Lepas", "PEDAGANG",
               "Peternak", "Sopir", "Tukang Batu", "Wiraswasta"]
_VILLAGES = V.Villages()
HEADINGS = {"village": "Desa", "kecamatan": "Kecamatan", "sex": "Jenis Kelamin", "age": "Umur",
            "birth_date": "Tanggal Lahir", "occupation": "Pekerjaan", "nik": "NIK", "name": "Nama",
            "id": "Nomor Peserta", "declared_income": "Penghasilan", "enrolled_from": "Mulai",
            "enrolled_to": "Sampai", "no": "No", "note": "Keterangan"}


def _date_text(rng: random.Random, d: date) -> str:
    form = rng.randrange(9)
    return [d.isoformat(), d.strftime("%d/%m/%Y"), d.strftime("%d-%m-%Y"), d.strftime("%d.%m.%Y"),
            f"{d.day}/{d.month}/{d.year}", f"{d.day} Agustus {d.year}" if d.month == 8 else d.isoformat(),
            f"{d.isoformat()} 00:00:00", f" {d.strftime('%d/%m/%Y')} ", d.strftime("%d/%m/%Y")][form]


def _cell(rng: random.Random, key: str, dirt: float, row: int, excel: bool):
    """One cell of column *key*: usually clean, bad or odd with probability *dirt*."""
    if rng.random() < dirt:
        return rng.choice(["", "  ", "\u00a0", "xyz", "?", "0", "-1", "31/02/1980", "2023-13-01", "1980-02-30",
                           "0000-01-01", "6,000", "1,5", "12.34.56", "Rp", "٢٠٢٣-٠١-٠١", "5304 0101 0190 0001",
                           "'5304010101900001", "530401010190000", "53040101019000011", "L P", "Desa Kewarr",
                           "Kecamatan Atambua", "33000", "15 Agu 1980", "29/02/2023", "29/02/2024"]
                          + ([True, 34, 33000, 1.5, datetime(1980, 8, 15, 12, 30), 1500000.0] if excel else []))
    if key == "village":
        v = rng.choice(VILLAGES)
        return rng.choice([v, v.upper(), f"Desa {v}", f" {v} ", v.replace(" ", "")])
    if key == "kecamatan":
        return rng.choice(KECAMATAN)
    if key == "sex":
        return rng.choice(["L", "P", "M", "F", "Laki-laki", "Perempuan", "l", "p"])
    if key == "age":
        a = rng.randrange(10, 90) if dirt else rng.randrange(15, 81)
        return a if excel and rng.random() < 0.5 else rng.choice([str(a), f"{a} tahun", f"{a} th"])
    if key in ("birth_date", "enrolled_from", "enrolled_to"):
        base = {"birth_date": date(1945, 1, 1), "enrolled_from": date(2019, 1, 1),
                "enrolled_to": date(2023, 1, 1) if dirt else date(2024, 1, 1)}[key]
        span = {"birth_date": 25000, "enrolled_from": 1800, "enrolled_to": 900}[key]
        if key != "birth_date" and rng.random() < 0.5:
            return ""
        d = base + timedelta(days=rng.randrange(span))
        if key == "birth_date" and not dirt:
            d = date(1944 + rng.randrange(64), 1 + rng.randrange(12), 1 + rng.randrange(28))
        if excel and rng.random() < 0.4:
            return datetime(d.year, d.month, d.day)
        return _date_text(rng, d)
    if key == "occupation":
        return rng.choice(OCCUPATIONS)
    if key == "declared_income":
        k = rng.randrange(40)
        amount = 1_000_000 + 50_000 * k
        if rng.random() < 0.3:
            return ""
        if excel and rng.random() < 0.4:
            return amount
        forms = [str(amount), f"{amount:,}".replace(",", "."), f"Rp {amount:,}".replace(",", ".")]
        return rng.choice(forms + ([f"{amount:,}".replace(",", ".") + ",00", f"{amount:,}"] if dirt or excel else []))
    if key == "nik":
        return f"5304{row + 1:012d}" if not dirt or rng.random() < 0.97 else f"5304{rng.randrange(5):012d}"
    if key == "id":
        return str(row) if not dirt or rng.random() < 0.95 else rng.choice([f"KPJ-{row}", f" {row}", str(rng.randrange(5))])
    if key == "name":
        return f"Orang {row}"
    if key == "no":
        return str(row)
    return rng.choice(["", "catatan"])


def _roster(rng: random.Random, excel: bool):
    keys = ["village", "sex", "occupation"] + [k for k in ("kecamatan", "nik", "name", "id", "declared_income",
                                                          "enrolled_from", "enrolled_to", "no", "note")
                                                if rng.random() < 0.6]
    keys += rng.choice([["age"], ["birth_date"], ["age", "birth_date"]])
    rng.shuffle(keys)
    dirt = rng.choice([0.0, 0.0, 0.0, 0.002, 0.02, 0.2])
    rows = [[HEADINGS[k] for k in keys]]
    for r in range(rng.randrange(1, 400)):
        row = [_cell(rng, k, dirt, r, excel) for k in keys]
        if "kecamatan" in keys and (not dirt or rng.random() < 0.8):   # mostly the right kecamatan
            name = _VILLAGES.match(row[keys.index("village")])
            if name:
                row[keys.index("kecamatan")] = _VILLAGES.kecamatan[name]
        if rng.random() < dirt:
            row = rng.choice([row[:-1], row + ["x"], [""] * len(row), [], ["  "] * len(row), row + [""]])
        rows.append(row)
    return rows


def _write_csv(path, rng: random.Random, rows):
    sep = rng.choice([",", ";", "\t"])
    end = rng.choice(["\n", "\r\n", "\r"])
    if rng.random() < 0.2:      # quotes: the csv module reads it (the fast reader declines)
        out = io.StringIO()
        csv.writer(out, delimiter=sep, lineterminator=end, quoting=csv.QUOTE_ALL).writerows(rows)
        text = out.getvalue()
    else:
        text = end.join(sep.join(str(c).replace(sep, " ") for c in r) for r in rows) + rng.choice([end, ""])
    path.write_bytes(rng.choice([b"", b"\xef\xbb\xbf"]) + text.encode("utf-8"))
    return path


def _write_xlsx(path, rows):
    import openpyxl
    wb = openpyxl.Workbook()
    ws = wb.active
    for r in rows:
        ws.append([None if c == "" else c for c in r])
    wb.save(path)
    return path


def _outcome(path, fast: bool):
    try:
        pf = read_roster(path, START, 1_200_000, FLOOR, default_membership=6.0, fast=fast,
                         cover_until=date(2024, 3, 31))
    except InputError as exc:
        return "problems", [str(p) for p in exc.problems]
    cv = pf.cell_villages
    return "portfolio", ([np.asarray(getattr(pf, f)).tolist() for f in FIELDS], pf.village_names,
                         None if cv is None else [np.asarray(x).tolist() for x in cv])


def _edit_sheet(src, dst, edit):
    """A copy of the workbook *src* at *dst* with its first sheet's XML text passed through *edit*."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = edit(data.decode()).encode()
            zout.writestr(item, data)
    return dst


def _random_lines(rng, cells, width, most):
    """Up to *most* CSV lines of *width* cells drawn from *cells*, about one in seven of another width."""
    lines = []
    for _ in range(rng.randrange(0, most)):
        n = width if rng.random() < 0.85 else rng.randrange(0, width + 3)
        lines.append(",".join(rng.choice(cells) for _ in range(n)))
    return lines


@pytest.mark.parametrize("seed", range(40))
def test_fast_reader_gives_what_the_cell_by_cell_reader_gives_csv(tmp_path, seed):
    rng = random.Random(seed)
    p = _write_csv(tmp_path / "r.csv", rng, _roster(rng, excel=False))
    fast, slow = _outcome(p, True), _outcome(p, False)
    assert fast == slow


@pytest.mark.parametrize("seed", range(12))
def test_fast_reader_gives_what_the_cell_by_cell_reader_gives_xlsx(tmp_path, seed):
    rng = random.Random(1000 + seed)
    p = _write_xlsx(tmp_path / "r.xlsx", _roster(rng, excel=True))
    fast, slow = _outcome(p, True), _outcome(p, False)
    assert fast == slow


def test_the_random_rosters_cover_both_outcomes(tmp_path):
    """The comparison above is not vacuous: some generated rosters are read, some refused."""
    kinds = set()
    for seed in range(40):
        rng = random.Random(seed)
        kinds.add(_outcome(_write_csv(tmp_path / "r.csv", rng, _roster(rng, excel=False)), True)[0])
    assert kinds == {"portfolio", "problems"}


def test_csv_lines_split_as_the_csv_module_does():
    rng = random.Random(7)
    pieces = ["a", "", " ", "b c", ",", ";", "\t", "\r", "\n", "\r\n", "1.500.000,00", "é", "\u00a0"]
    for _ in range(300):
        text = "".join(rng.choice(pieces) for _ in range(rng.randrange(0, 30)))
        for delim in (",", ";", "\t"):
            lines = roster_files.CsvLines.split(text, delim)
            assert lines is not None
            assert list(lines) == list(roster_files._csv_iter(text, delim, "x.csv"))
    for declined in ('a,"b"', "a\x00b", "a\x0cb", "a\u2028b", "x" * 200_000):
        assert roster_files.CsvLines.split(declined, ",") is None


def test_bulk_parsers_agree_with_the_one_value_parsers():
    rng = random.Random(3)
    samples = ["2023-06-26", "26/06/2023", "26-06-2023", "26.06.2023", "26/06-2023", "2023-02-29", "2024-02-29",
               "29/02/1900", "29/02/2000", "0000-01-01", "0001-01-01", "31/04/2023", "2023-00-10", "10/13/2023",
               "٢٠٢٣-٠١-٠١", "2023-6-1", " 2023-06-01", "2023-06-01 ", "1/1/2023", "abcdefghij", "", "  ",
               "5304010101900001", "530401010190000", "5304 010101900001", "'5304010101900001", "ABC123", "A-1",
               "١٢٣٤٥٦٧٨٩٠١٢٣٤٥٦", "x", datetime(1980, 8, 15, 10), date(1999, 12, 24), 33000, 1.5, True, None]
    for _ in range(2000):
        d = date(1900, 1, 1) + timedelta(days=rng.randrange(60000))
        samples.append(_date_text(rng, d))
        samples.append(f"{rng.randrange(10000):04d}-{rng.randrange(15):02d}-{rng.randrange(35):02d}")
        samples.append(f"{rng.randrange(35):02d}{rng.choice('/-.')}{rng.randrange(15):02d}{rng.choice('/-.')}"
                       f"{rng.randrange(10000):04d}")
    text = [s for s in samples if isinstance(s, str)]
    for values in (samples, text, text[:40]):
        for bulk, parser in ((V.bulk_date, V.parse_date), (V.bulk_nik, V.parse_nik), (V.bulk_id, V.parse_id)):
            parsed, taken = bulk(values, values is not samples)
            assert len(parsed) == len(values) == len(taken)
            n_taken = 0
            for v, p, t in zip(values, parsed, taken):
                if t:
                    n_taken += 1
                    assert p is not None and p == parser(v) and type(p) is type(parser(v)), (bulk.__name__, v)
            assert n_taken > 0 or (values is samples and bulk is not V.bulk_date)   # mixed types: all declined
    # text that is all of one clean form is taken whole
    nik = [f"5304{i:012d}" for i in range(100)]
    assert V.bulk_nik(nik, True)[1].all() and V.bulk_nik(nik, True)[0] == [int(x) for x in nik]
    assert V.bulk_id([str(i) for i in range(100)], True)[1].all()


@pytest.mark.filterwarnings("ignore:Workbook contains no default style")
def test_sheet_reader_declines_cells_its_expression_does_not_take(tmp_path):
    """A cell whose reference is not its first attribute (valid XML that Excel does not write) is
    left to openpyxl's parser rather than dropped; so is a row number going backwards."""

    import openpyxl

    from sim.inputs.roster_xlsx import sheet_rows
    from tests.test_roster_excel import _excel_like_workbook
    src = _excel_like_workbook(tmp_path / "excel.xlsx")
    for old, new in (('<c r="B3" t="s">', '<c t="s" r="B3">'), ('<row r="4">', '<row r="4">'),
                     ('<c r="A4" t="s">', '<c\tr="A4" t="s">')):
        out = tmp_path / "changed.xlsx"
        _edit_sheet(src, out, lambda text: text.replace(old, new))
        wb = openpyxl.load_workbook(out, read_only=True, data_only=True)
        rows = sheet_rows(wb, wb.worksheets[0])
        wb.close()
        assert (rows is None) == (old != new), old
    back = tmp_path / "back.xlsx"
    def row3_last(text):
        row3 = text[text.index('<row r="3"'):text.index('<row r="4"')]
        return text.replace(row3, "").replace("</sheetData>", row3 + "</sheetData>")
    _edit_sheet(src, back, row3_last)
    wb = openpyxl.load_workbook(back, read_only=True, data_only=True)
    assert sheet_rows(wb, wb.worksheets[0]) is None
    wb.close()


def test_from_workers_groups_as_brute_force():
    """Cells and village counts of :func:`from_workers` (names or ``(names, codes)``) against
    grouping the workers' tuples by hand."""
    from collections import Counter

    from sim.inputs.portfolio import from_workers
    rng = np.random.default_rng(5)
    n = 3000
    age = rng.integers(15, 81, n)
    male = rng.random(n) < 0.5
    occ = rng.integers(0, 9, n)
    income = rng.choice([1e6, 1.5e6, 2.25e6], n)
    exposure = rng.choice([1.0, 0.5, 1 / 3], n)
    membership = rng.choice([0.0, 6.0, 12.5], n)
    names = np.array(["Kewar", "Fulur", "Dirun", "Makir"], dtype=object)
    codes = rng.integers(0, 4, n)
    village = names[codes]
    workers = list(zip(age.tolist(), male.tolist(), occ.tolist(), income.tolist(), np.round(exposure, 6).tolist(),
                       np.round(membership, 3).tolist()))
    cells = Counter(workers)
    keys = sorted(cells)
    for villages in (village.astype(str), (np.append(names, "Kewar"), codes)):
        pf = from_workers(age, male, occ, income, exposure, membership, villages)
        got = list(zip(pf.age.tolist(), pf.male.tolist(), pf.occupation.tolist(), pf.income.tolist(),
                       pf.exposure.tolist(), pf.membership.tolist()))
        assert got == keys
        assert pf.count.tolist() == [cells[k] for k in keys]
        assert pf.village_names == sorted(set(names.tolist()))
        assert pf.village_counts.tolist() == [int((village == v).sum()) for v in pf.village_names]
        by_hand = Counter(zip(workers, village.tolist()))
        cell, vil, cnt = pf.cell_villages
        assert {(keys[c], pf.village_names[v]): k for c, v, k in zip(cell.tolist(), vil.tolist(), cnt.tolist())} \
            == dict(by_hand)


def test_collect_by_columns_in_small_chunks_gives_the_row_by_row_table():
    """``collect`` on a quote-free CSV, column by column in chunks of a few lines (so chunk edges
    fall everywhere), gives the row-by-row table: row numbers, distinct values in the order first
    seen, codes, and the grouped problems of rows of the wrong width."""
    from sim.inputs.roster_table import Grouped, collect
    rng = random.Random(11)
    cells = ["Kewar", "", " ", "L", "P", "34", "x y", "2023-01-01", "7"]
    for _ in range(200):
        width = rng.randrange(2, 6)
        lines = _random_lines(rng, cells, width, 40)
        text = "\n".join(lines)
        cols = {k: i for k, i in zip(("village", "sex", "id", "age", "name"), rng.sample(range(width), width))}
        got = []
        for rows, fast in ((roster_files.CsvLines.split(text, ","), True),
                           (roster_files._csv_iter(text, ",", "x.csv"), False)):
            rp = Grouped()
            rownos, values, codes = collect(rows, cols, width, True, rp, chunk=1 + rng.randrange(3), fast=fast)
            per_row = {k: [values[k][c] for c in codes[k].tolist()] for k in values}
            got.append((rownos.tolist(), per_row, rp.groups,
                        {k: v for k, v in values.items() if k not in ("id", "nik")}))
        assert got[0] == got[1]


def test_ages_from_birth_dates_as_by_hand():
    """The vectorised age at a date (numpy's calendar) against the year/month/day rule, for dates
    from year 1 to 9999, birthdays on the day itself, 29 February and None."""
    from sim.inputs.roster import _age_at, _ages_at
    rng = random.Random(2)
    births = [date.fromordinal(rng.randrange(1, date(9999, 12, 31).toordinal())) for _ in range(3000)]
    births += [date(1980, 6, 1), date(1980, 5, 31), date(1980, 6, 2), date(2000, 2, 29), date(1969, 12, 31),
               date(1970, 1, 1), date(1, 1, 1)]
    for on in (date(2023, 6, 1), date(2024, 2, 29), date(2023, 3, 1), date(1970, 1, 1)):
        got = _ages_at(births + [None], on)
        assert got[:-1].tolist() == [float(_age_at(b, on)) for b in births] and np.isnan(got[-1])


@pytest.mark.filterwarnings("ignore:Workbook contains no default style")
def test_xlsx_column_by_column_keeps_the_row_bound_and_cell_order(tmp_path, monkeypatch):
    """The sheet read column by column gives the row-by-row outcome when the sheet has more rows
    than allowed, and declines (rows are iterated) when a row's cells are not in column order."""
    rows = [["Desa", "Jenis Kelamin", "Umur", "Pekerjaan"]] + [
        [VILLAGES[i], "LP"[i % 2], 20 + i, OCCUPATIONS[i % len(OCCUPATIONS)]] for i in range(12)]
    p = _write_xlsx(tmp_path / "r.xlsx", rows)
    clean = _outcome(p, True)
    assert clean[0] == "portfolio"
    monkeypatch.setattr(roster_files, "MAX_ROWS", 5)
    fast, slow = _outcome(p, True), _outcome(p, False)
    assert fast == slow and fast[0] == "problems" and "more than" in fast[1][0]
    monkeypatch.undo()
    swapped = tmp_path / "swapped.xlsx"
    def swap_a3_b3(text):
        a, b, c = text.index('<c r="A3"'), text.index('<c r="B3"'), text.index('<c r="C3"')
        return text[:a] + text[b:c] + text[a:b] + text[c:]
    _edit_sheet(p, swapped, swap_a3_b3)
    import openpyxl

    from sim.inputs.roster_xlsx import SheetDeclined, sheet_rows
    wb = openpyxl.load_workbook(swapped, read_only=True, data_only=True)
    sheet = sheet_rows(wb, wb.worksheets[0])
    assert next(sheet)[0] == 1
    with pytest.raises(SheetDeclined):
        sheet.rest([0, 1, 2, 3])
    wb.close()
    fast, slow = _outcome(swapped, True), _outcome(swapped, False)
    assert fast == slow == clean        # read again with openpyxl's parser


@pytest.mark.parametrize("seed", range(6))
def test_xlsx_read_in_small_parts_gives_the_same(tmp_path, monkeypatch, seed):
    """The sheet XML read a few rows at a time (parts ending anywhere a row ends) gives the
    cell-by-cell outcome; a row out of order in a later part makes the reader start again with
    openpyxl's parser, with the same outcome."""

    from sim.inputs import roster_xlsx
    monkeypatch.setattr(roster_xlsx, "CHUNK_CHARS", 300 + 200 * seed)
    rng = random.Random(2000 + seed)
    p = _write_xlsx(tmp_path / "r.xlsx", _roster(rng, excel=True))
    assert _outcome(p, True) == _outcome(p, False)
    late = tmp_path / "late.xlsx"
    def last_row_earlier(text):
        rows = re.findall(r'<row r="\d+"[^>]*>.*?</row>', text, re.S)
        if len(rows) > 6:
            text = text.replace(rows[-1], "").replace(rows[-3], rows[-3] + rows[-1])
        return text
    _edit_sheet(p, late, last_row_earlier)
    assert _outcome(late, True) == _outcome(late, False)
