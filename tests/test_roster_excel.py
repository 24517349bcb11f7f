"""Rosters as the villages keep them (issue 15) and no personal data anywhere (issue 9, class 1):
.xlsx read directly, Indonesian and English headings by meaning, spellings of sex, dates, villages,
occupations and amounts, a missing header row, results by kecamatan and desa."""
import json
import math
import os
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pytest

from sim.common.errors import InputError
from sim.inputs import roster_values as V
from sim.inputs.portfolio import OCCUPATIONS
from sim.inputs.roster import read_roster
from sim.inputs.roster_headers import COLUMNS, IGNORED, column_of
from tests.roster_fixtures import SECRETS, WORKERS, write_csv, write_xlsx

ROOT = Path(__file__).resolve().parent.parent
BASE = ROOT / "params" / "belu-2023.yaml"
START, FLOOR = "2023-06-01", 1_000_000
FIELDS = ("count", "age", "male", "occupation", "income", "exposure", "membership", "village_names", "village_counts")


def read(path, **kw):
    return read_roster(path, START, FLOOR, FLOOR, display=Path(path).name, **kw)


def problems_of(path, **kw) -> str:
    with pytest.raises(InputError) as exc:
        read(path, **kw)
    return "\n".join(map(str, exc.value.problems))


def assert_no_secret(*texts):
    for text in texts:
        for s in SECRETS:
            assert s not in text, s


def run_cli(args, cwd, env_tmp):
    env = dict(os.environ, TMPDIR=str(env_tmp), PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "sim", *args], capture_output=True, text=True, cwd=cwd, env=env)


def scenario(tmp_path, roster, sheet=None, name="roster-scen"):
    p = tmp_path / f"{name}.yaml"
    extra = f", roster_sheet: {sheet}" if sheet else ""
    p.write_text(f"extends: {BASE}\nscenario: {{name: {name}}}\nportfolio: {{roster: {roster.name}, workers: null{extra}}}\n")
    return p


# --- the same roster as a workbook and as a CSV -----------------------------------------------

def test_xlsx_and_csv_of_the_same_roster_give_identical_cells(tmp_path):
    a = read(write_xlsx(tmp_path / "desa.xlsx"))
    b = read(write_csv(tmp_path / "desa.csv"))
    for f in FIELDS:
        assert np.array_equal(np.asarray(getattr(a, f)), np.asarray(getattr(b, f))), f
    assert [np.asarray(x).tolist() for x in a.cell_villages] == [np.asarray(x).tolist() for x in b.cell_villages]
    # worked by hand: ages on 2023-06-01 (1980-08-15 -> 42, serial 33000 = 1990-05-07 -> 33, 1975-01-31 -> 48,
    # 1999-12-24 -> 23); "Desa Fulur", "KEWAR", "Kelurahan Manumutin", "Lakanmau" -> reference names
    assert sorted(a.age.tolist()) == [23, 33, 42, 48]
    assert a.village_names == ["Fulur", "Kewar", "Lakan Mau", "Manumutin"]
    assert sorted(OCCUPATIONS[i] for i in a.occupation) == ["day_labour", "farming", "fishing", "trade"]
    assert sorted(a.income.tolist()) == [1_000_000, 1_000_000, 1_500_000, 2_250_000]
    by_age = {int(x): (e, m) for x, e, m in zip(a.age, a.exposure, a.membership)}
    assert by_age[42][1] == pytest.approx(182 / (365.25 / 12), abs=1e-3)   # member since 2022-12-01
    assert by_age[48][0] == pytest.approx(274 / 366, abs=1e-6)             # from 2023-09-01 to 2024-05-31


def test_xlsx_and_csv_give_identical_run_figures(tmp_path):
    outs = []
    for roster in (write_xlsx(tmp_path / "desa.xlsx"), write_csv(tmp_path / "desa.csv")):
        r = run_cli(["run", str(scenario(tmp_path, roster, name=roster.suffix[1:])), "--json"], ROOT, tmp_path)
        assert r.returncode == 0, r.stderr
        out = json.loads(r.stdout)
        out.pop("scenario")
        outs.append(out)
        assert_no_secret(r.stdout, r.stderr)
    assert outs[0] == outs[1]
    assert outs[0]["workers"] == 4 and outs[0]["portfolio_source"] == "roster"


def test_named_sheet_and_a_missing_sheet(tmp_path):
    wb = write_xlsx(tmp_path / "desa.xlsx", sheet="Peserta 2023", title=False, extra_sheets=())
    import openpyxl
    book = openpyxl.load_workbook(wb)
    book.create_sheet("Catatan", 0).append(["bukan roster"])
    book.save(wb)
    assert read(wb, sheet="Peserta 2023").workers == 4
    text = problems_of(wb)   # the first sheet is the notes sheet
    assert "tidak ada baris judul kolom" in text
    text = problems_of(wb, sheet="Peserta")
    assert "tidak ada lembar 'Peserta'" in text and "'Catatan', 'Peserta 2023'" in text


# --- headings by meaning ----------------------------------------------------------------------

BASE_COLS = {"village": "Kewar", "sex": "L", "age": "30", "occupation": "Petani"}


def one_row_roster(tmp_path, heading_for: dict, values: dict | None = None, name="r.csv"):
    cols = dict(BASE_COLS, **(values or {}))
    heads = [heading_for.get(k, k) for k in cols]
    p = tmp_path / name
    p.write_text(";".join(heads) + "\n" + ";".join(cols.values()) + "\n", encoding="utf-8")
    return p


ALIASES = [(key, alias) for key, (_, _, names) in COLUMNS.items() for alias in names]
SAMPLE = {"village": "Kewar", "kecamatan": "Lamaknen", "sex": "P", "age": "30", "birth_date": "15/08/1980",
          "occupation": "Petani", "nik": "5304019999123456", "name": "Zebulon Quarkwhistle", "id": "K-001",
          "declared_income": "1.500.000", "enrolled_from": "2023-09-01", "enrolled_to": "2023-11-30"}


@pytest.mark.parametrize("key,alias", ALIASES)
def test_every_accepted_heading_is_read_by_meaning(tmp_path, key, alias):
    assert column_of(alias) == key and column_of(alias.upper()) == key
    cols = dict(BASE_COLS)
    if key in ("age", "birth_date"):
        cols.pop("age")
    cols[key] = SAMPLE[key]
    heads = [alias if k == key else k for k in cols]
    p = tmp_path / "r.csv"
    p.write_text(";".join(heads) + "\n" + ";".join(cols.values()) + "\n", encoding="utf-8")
    pf = read(p)
    assert pf.workers == 1
    effect = {"sex": lambda: not pf.male[0], "age": lambda: pf.age[0] == 30, "birth_date": lambda: pf.age[0] == 42,
              "declared_income": lambda: pf.income[0] == 1_500_000, "village": lambda: pf.village_names == ["Kewar"],
              "enrolled_from": lambda: pf.exposure[0] < 1, "enrolled_to": lambda: pf.exposure[0] < 1,
              "occupation": lambda: OCCUPATIONS[pf.occupation[0]] == "farming"}
    assert effect.get(key, lambda: True)()


@pytest.mark.parametrize("heading", ["Jenis Kelamin (L/P)", "TGL. LAHIR", "tgl_lahir", "Tanggal Lahir (dd/mm/yyyy)",
                                     " NAMA  LENGKAP ", "Penghasilan (Rp)", "Desa / Kelurahan", "usia (tahun)"])
def test_headings_with_brackets_dots_and_spaces(heading):
    assert column_of(heading) not in (None, "")


@pytest.mark.parametrize("heading", IGNORED + ("", "No.", "NO"))
def test_ignored_columns(tmp_path, heading):
    p = tmp_path / "r.csv"
    p.write_text(f"{heading};desa;jk;umur;pekerjaan\n7;Kewar;L;30;Petani\n", encoding="utf-8")
    assert read(p).workers == 1


def test_kecamatan_column_must_agree_with_the_reference_list(tmp_path):
    p = tmp_path / "r.csv"
    p.write_text("kecamatan;desa;jk;umur;pekerjaan\nLamaknen;Kewar;L;30;Petani\nKec. Raihat;Kewar;L;30;Petani\n"
                 "Atlantisia;Kewar;L;30;Petani\n", encoding="utf-8")
    text = problems_of(p)
    assert "baris/row 3 · kolom/column A (kecamatan / district): menurut daftar, desa Kewar ada di kecamatan Lamaknen" in text
    assert "baris/row 4 · kolom/column A (kecamatan / district): bukan kecamatan di Kabupaten Belu" in text
    assert_no_secret(text)


# --- cell values as Indonesian Excel writes them -------------------------------------------

@pytest.mark.parametrize("cell,male", [("L", True), ("l", True), ("Laki-laki", True), ("LAKI-LAKI", True),
                                       ("Laki laki", True), ("Lk", True), ("Pria", True), ("M", True), ("male", True),
                                       ("P", False), ("p", False), ("Perempuan", False), ("PEREMPUAN", False),
                                       ("Pr", False), ("Wanita", False), ("F", False), ("Female", False)])
def test_sex_spellings(cell, male):
    assert V.parse_sex(cell) is male


@pytest.mark.parametrize("cell", ["X", "LP", "1", "Bapak", "Laki2"])
def test_sex_refused(cell):
    assert V.parse_sex(cell) is None


@pytest.mark.parametrize("cell,expected", [
    ("1980-08-15", date(1980, 8, 15)), ("15/08/1980", date(1980, 8, 15)), ("15-08-1980", date(1980, 8, 15)),
    ("15.08.1980", date(1980, 8, 15)), ("5/8/1980", date(1980, 8, 5)), ("15 Agustus 1980", date(1980, 8, 15)),
    ("15-Agu-1980", date(1980, 8, 15)), ("15 Aug 1980", date(1980, 8, 15)), ("1 Mei 1990", date(1990, 5, 1)),
    ("31 Desember 1999", date(1999, 12, 31)), ("29221", date(1980, 1, 1)), (29221, date(1980, 1, 1)),
    (29221.75, date(1980, 1, 1)), (datetime(1980, 8, 15, 0, 0), date(1980, 8, 15)), (date(1980, 8, 15), date(1980, 8, 15)),
    ("1980-08-15 00:00:00", date(1980, 8, 15))])
def test_date_forms(cell, expected):
    assert V.parse_date(cell) == expected


def test_excel_1904_serials():
    assert V.parse_date(27759, V.EXCEL_1904) == date(1980, 1, 1)


@pytest.mark.parametrize("cell", ["31/02/1980", "15/08/80", "08/15/1980", "1980", "15 Agust 1980x", "abc", "2023-13-01",
                                  1980, True])
def test_dates_refused(cell):
    assert V.parse_date(cell) is None


@pytest.mark.parametrize("cell,amount", [("1.500.000,00", 1_500_000), ("1.500.000", 1_500_000), ("Rp 1.500.000", 1_500_000),
                                         ("Rp1.500.000,00", 1_500_000), ("1500000", 1_500_000), (1500000, 1_500_000),
                                         (1500000.0, 1_500_000), ("1,500,000", 1_500_000)])
def test_amounts(cell, amount):
    assert V.parse_amount(cell) == amount


@pytest.mark.parametrize("cell", ["6,000", "satu juta", "-5", "1e400", True])
def test_amounts_refused(cell):
    assert V.parse_amount(cell) is None


@pytest.mark.parametrize("cell,age", [("34", 34), (34, 34), (34.0, 34), ("34 tahun", 34), ("34 Thn", 34), ("34 th", 34)])
def test_ages(cell, age):
    assert V.parse_age(cell) == age


@pytest.mark.parametrize("cell,ok", [("5304019999123456", True), ("'5304019999123456", True), (5304019999123456, True),
                                     (5304019999123456.0, True), ("5.30402E+15", False), ("530401999912345", False),
                                     ("53040199991234567", False)])
def test_nik_forms(cell, ok):
    assert (V.parse_nik(cell) is not None) is ok


@pytest.mark.parametrize("cell,name", [("Fulur", "Fulur"), ("FULUR", "Fulur"), ("Desa Fulur", "Fulur"),
                                       ("desa  fulur ", "Fulur"), ("Ds. Fulur", "Fulur"), ("Kelurahan Manumutin", "Manumutin"),
                                       ("Kel. Manumutin", "Manumutin"), ("Lakanmau", "Lakan Mau"), ("Fatubaa", "Fatuba'a"),
                                       ("Fatuba’a", "Fatuba'a"), ("Tohe Leten", "Tohe Leten"), ("Tohe", "Tohe"),
                                       ("Kelurahan Kota Atambua", "Kota Atambua")])
def test_village_spellings(cell, name):
    assert V.Villages().match(cell) == name


@pytest.mark.parametrize("cell,suggestion", [("Fulurr", "Fulur"), ("Desa Kewer", "Kewar"), ("Silawaan", "Silawan"),
                                             ("Atambua", "Kota Atambua")])
def test_a_near_miss_is_not_matched_but_suggested(cell, suggestion):
    v = V.Villages()
    assert v.match(cell) is None and v.suggest(cell) == suggestion


@pytest.mark.parametrize("cell,occ", [("Petani/Pekebun", "farming"), ("Petani / Pekebun", "farming"),
                                      ("PETANI/PEKEBUN", "farming"), ("petani  /pekebun", "farming"),
                                      ("Buruh  Harian   Lepas", "day_labour"), ("NELAYAN/PERIKANAN", "fishing"),
                                      ("tukang ojek", "transport")])
def test_occupation_spellings(cell, occ):
    assert V.Occupations().match(cell) == occ


def test_unknown_village_gets_a_suggestion_and_the_cell_is_never_quoted(tmp_path):
    p = tmp_path / "r.csv"
    p.write_text("desa;jk;umur;pekerjaan;nama\nFulurr;L;30;Petani;Zebulon Quarkwhistle\n"
                 "Atlantisia;P;31;Petani;Yolanda Fizzlebottom\nKewar;P;31;Petanii;Xanthippe Grumblewick\n",
                 encoding="utf-8")
    text = problems_of(p)
    assert ("r.csv: baris/row 2 · kolom/column A (desa / village): bukan desa atau kelurahan di Kabupaten Belu; "
            "maksud Anda 'Fulur'? / not a desa or kelurahan of Kabupaten Belu; did you mean 'Fulur'?") in text
    assert "baris/row 3 · kolom/column A (desa / village): bukan desa atau kelurahan di Kabupaten Belu (daftar:" in text
    assert "baris/row 4 · kolom/column D (pekerjaan / occupation): pekerjaan tidak dikenal; maksud Anda 'Petani'?" in text
    assert "Fulurr" not in text and "Petanii" not in text
    assert_no_secret(text)


# --- a missing header row and other file-level problems (issue 9, class 1) -----------------

def test_roster_without_its_header_row_is_detected_and_leaks_nothing(tmp_path):
    x = write_xlsx(tmp_path / "tanpa-judul.xlsx", headings=None, title=False)
    c = write_csv(tmp_path / "tanpa-judul.csv", headings=None, title=False)
    for p in (x, c):
        text = problems_of(p)
        assert "baris/row 1: baris judul kolom tidak ada: baris pertama berisi data pekerja" in text
        assert "the header row is missing" in text and "params/templates/roster-template.xlsx" in text
        assert_no_secret(text)
        assert len(text.splitlines()) == 1


def test_header_row_after_title_rows_and_row_numbers_as_excel_shows_them(tmp_path):
    bad = list(WORKERS)
    bad[2] = bad[2][:3] + ("X",) + bad[2][4:]          # worker 3 (Excel row 6: title, blank, header, 3 rows)
    bad[3] = bad[3][:4] + ("31/02/1980",) + bad[3][5:]  # worker 4 (Excel row 7)
    for p in (write_xlsx(tmp_path / "r.xlsx", workers=bad), write_csv(tmp_path / "r.csv", workers=bad)):
        text = problems_of(p)
        assert "baris/row 6 · kolom/column E (jenis kelamin / sex): harus L atau P" in text
        assert "baris/row 7 · kolom/column F (tanggal lahir / birth date): harus tanggal" in text
        assert_no_secret(text)


@pytest.mark.parametrize("content,expected", [
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "format Excel lama (.xls)"),
    (b"PK\x03\x04 not really a zip", "tidak dapat dibuka sebagai buku kerja Excel"),
    (b"", "berkas kosong"),
    ("desa;jk;umur;pekerjaan\nKewar;L;30;Petani\n".encode("utf-16"), "bukan teks UTF-8"),
    (b'desa;jk;umur;pekerjaan\n"Kewar;L;30;Petani\n', "CSV rusak di sini"),
    (b"desa;jk;umur;pekerjaan\n", "tidak ada baris pekerja"),
])
def test_file_level_problems(tmp_path, content, expected):
    p = tmp_path / ("r.xlsx" if content.startswith(b"PK") else "r.csv")
    p.write_bytes(content)
    assert expected in problems_of(p)


def test_unknown_and_repeated_headings_are_named_by_letter(tmp_path):
    p = tmp_path / "r.csv"
    p.write_text("desa;jk;umur;pekerjaan;Zebulon Quarkwhistle;desa\nKewar;L;30;Petani;x;Kewar\n", encoding="utf-8")
    text = problems_of(p)
    assert "baris/row 1 · kolom/column E: judul kolom tidak dikenal" in text
    assert "baris/row 1 · kolom/column F: kolom desa / village sudah ada di kolom A" in text
    assert_no_secret(text)


# --- nothing of the roster anywhere: stdout, stderr, files written, temp files ---------------

def test_no_cell_value_in_any_output_or_file(tmp_path):
    work = tmp_path / "work"
    tmp = tmp_path / "tmp"
    work.mkdir(), tmp.mkdir()
    good_x, good_c = write_xlsx(work / "desa.xlsx"), write_csv(work / "desa.csv")
    bad = [w[:2] + ("Atlantisia",) + w[3:] for w in WORKERS]
    bad_x, bad_c = write_xlsx(work / "salah.xlsx", workers=bad), write_csv(work / "salah.csv", workers=bad)
    noh_x = write_xlsx(work / "tanpa-judul.xlsx", headings=None, title=False)
    before = {p: p.stat().st_mtime_ns for p in work.iterdir()}
    outputs = []
    runs = [(good_x, [], 0), (good_x, ["--json"], 0), (good_x, ["--set", "programs.jht=true"], 0), (good_c, ["--json"], 0),
            (bad_x, [], 2), (bad_c, ["--json"], 2), (noh_x, [], 2)]
    for roster, extra, code in runs:
        scen = scenario(work, roster, name=roster.stem + roster.suffix[1:])
        r = run_cli(["run", str(scen), *extra], work, tmp)
        assert r.returncode == code and "Traceback" not in r.stderr, r.stderr
        outputs += [r.stdout, r.stderr]
    assert_no_secret(*outputs)
    assert not list(tmp.iterdir()), "temp files were left"
    for p in work.iterdir():
        if p in before:
            assert p.stat().st_mtime_ns == before[p], f"{p.name} was changed"
        else:
            assert p.suffix == ".yaml"


# --- results by kecamatan and desa --------------------------------------------------------------

def _sums_match(summary):
    rows = summary["by_area"]
    assert sum(r["workers"] for r in rows) == summary["workers"]
    assert len(rows) == summary["villages"]
    pairs = [("budget_required", summary["budget"]["required"]), ("expected_deaths", summary["expected_deaths"]),
             ("expected_accidents", summary["expected_accidents"]),
             ("expected_work_accident_deaths", summary["expected_work_accident_deaths"])]
    pairs += [(f"contributions.{k}", v) for k, v in summary["contributions"].items()]
    pairs += [(f"expected_claims.{k}", v) for k, v in summary["expected_claims"].items()]
    for key, total in pairs:
        a, _, b = key.partition(".")
        s = math.fsum(r[a][b] if b else r[a] for r in rows)
        assert s == pytest.approx(total, rel=1e-12, abs=1e-6), key
    kec = {}
    for r in rows:
        kec[r["kecamatan"]] = kec.get(r["kecamatan"], 0) + r["workers"]
    assert kec == summary["workers_by_kecamatan"]


def test_by_area_adds_up_to_the_regency_synthetic(baseline):
    from sim.analyses.model import run
    s = run(baseline.updated({"programs.jht": True}), checks=False)
    _sums_match(s)
    _sums_match(run(baseline.updated({"budget.funded_until": "2023-12-31"}), checks=False))
    assert {"kecamatan", "desa", "workers", "contributions", "expected_claims", "expected_deaths",
            "expected_accidents"} <= set(s["by_area"][0])
    # the synthetic roster spreads villages independently of the cells: figures in proportion to workers
    r = max(s["by_area"], key=lambda r: r["workers"])
    assert r["expected_claims"]["total"] / s["expected_claims"]["total"] == pytest.approx(r["workers"] / s["workers"])


def test_by_area_adds_up_and_follows_each_village_roster(tmp_path, baseline):
    from sim.analyses.model import compute, summarize
    rng = np.random.default_rng(7)
    n = 400
    desa = rng.choice(["Kewar", "Fulur", "Silawan", "Kabuna", "Manumutin"], n)
    occ = rng.choice(["Petani", "Nelayan", "Tukang Ojek", "Pedagang"], n)
    lines = ["desa;jk;umur;pekerjaan;penghasilan;mulai"]
    for i in range(n):
        inc = "" if i % 3 else "2.000.000"
        frm = "" if i % 4 else "01/09/2023"
        lines.append(f"{desa[i]};{'LP'[i % 2]};{rng.integers(15, 81)};{occ[i]};{inc};{frm}")
    p = tmp_path / "r.csv"
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    scen = baseline.updated({"programs.jht": True, "budget.funded_until": "2024-02-29"})
    pf = read(p)
    s = summarize(scen, compute(scen, portfolio=pf, mc_years=0), checks=False)
    _sums_match(s)
    # each desa's figures equal a run on that desa's rows alone (a second, independent computation)
    for name in ("Kewar", "Manumutin"):
        q = tmp_path / f"{name}.csv"
        q.write_text("\n".join([lines[0]] + [ln for ln in lines[1:] if ln.startswith(name + ";")]) + "\n", encoding="utf-8")
        alone = summarize(scen, compute(scen, portfolio=read(q), mc_years=0), checks=False)
        row = next(r for r in s["by_area"] if r["desa"] == name)
        assert row["workers"] == alone["workers"]
        for k in ("jkk", "jkm", "jht", "total"):
            assert row["contributions"][k] == pytest.approx(alone["contributions"][k], rel=1e-12)
        for k in ("jkk", "jkm", "total"):
            assert row["expected_claims"][k] == pytest.approx(alone["expected_claims"][k], rel=1e-12)
        assert row["expected_deaths"] == pytest.approx(alone["expected_deaths"], rel=1e-12)
        assert row["budget_required"] == pytest.approx(alone["budget"]["required"], rel=1e-12)
        assert row["kecamatan"] == {"Kewar": "Lamaknen", "Manumutin": "Kota Atambua"}[name]


# --- the template ---------------------------------------------------------------------------

def test_template_reads_as_a_roster_once_its_example_row_is_replaced(tmp_path):
    import openpyxl
    from sim.inputs.roster_headers import column_of
    tpl = ROOT / "params" / "templates" / "roster-template.xlsx"
    text = problems_of(tpl)   # a forgotten example row is refused, never counted as a worker
    assert text.endswith("baris/row 2 · kolom/column B (NIK): baris contoh dari template: hapus baris ini / "
                         "the template's example row: delete it") and len(text.splitlines()) == 1
    wb = openpyxl.load_workbook(tpl)
    ws = wb["Peserta"]
    assert wb.sheetnames[0] == "Peserta"
    assert all(column_of(c.value) not in (None,) for c in ws[1])
    ws["B2"] = "5304019999123456"
    ws.append([2, "5304019999654321", "Yolanda Fizzlebottom", "Desa Fulur", "Lamaknen", "P", 33000, "Nelayan", None,
               None, None])
    wb.save(tmp_path / "isi.xlsx")
    pf = read(tmp_path / "isi.xlsx")
    assert pf.workers == 2 and pf.village_names == ["Fulur", "Kewar"] and sorted(pf.age.tolist()) == [33, 37]


def test_report_blocks_by_area_add_up_as_shown(tmp_path):
    from sim.outputs import report as R
    from sim.outputs.report_areas import area_blocks
    from sim.outputs.report_doc import Figure, Table, cell_text, markdown
    roster = write_xlsx(tmp_path / "desa.xlsx")
    for scen, lang in ((str(BASE), "id"), (str(scenario(tmp_path, roster)), "en")):
        ctx = R.prepare(scen, [], lang, 0, 0)
        blocks = area_blocks(ctx)
        text = "\n\n".join(markdown(b) for b in blocks if not isinstance(b, Figure))
        assert ("Per kecamatan dan desa" if lang == "id" else "By kecamatan and desa") in text
        assert_no_secret(text)
        tables = [b for b in blocks if isinstance(b, Table)]
        assert [tb.sheet for tb in tables] == ["Kecamatan", "Desa"]
        assert len([b for b in blocks if isinstance(b, Figure)]) == 1
        for tb in tables:
            for j, kind in enumerate(tb.kinds[1:], start=1):
                body = sum(r[j] for r in tb.rows[:-1])
                assert body == pytest.approx(tb.rows[-1][j], abs=1e-9), (tb.sheet, j)
                # and as printed: the Indonesian text of the rows adds up to the text of the total
                as_read = lambda c: float(cell_text(c, kind).replace("Rp\u00a0", "").replace(".", "").replace(",", "."))  # noqa: E731
                assert sum(as_read(r[j]) for r in tb.rows[:-1]) == pytest.approx(as_read(tb.rows[-1][j]), abs=1e-6)
        assert tables[0].rows[-1][1] == ctx.summary["workers"]
        assert tables[0].rows[-1][6] == round(ctx.summary["expected_claims"]["total"])


def test_damaged_workbook_is_one_clear_line(tmp_path):
    import zipfile
    good = write_xlsx(tmp_path / "baik.xlsx")
    bad = tmp_path / "rusak.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(bad, "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data[: len(data) // 2]          # cut in the middle of the rows
            dst.writestr(info, data)
    text = problems_of(bad)
    assert len(text.splitlines()) == 1 and ("buku kerja rusak" in text or "tidak dapat dibuka" in text)
    assert_no_secret(text)


def test_heading_and_row_problems_in_one_pass_and_blank_rows_skipped(tmp_path):
    p = tmp_path / "r.csv"
    p.write_text("\n" * 14 + "desa;jk;umur;pekerjaan;penghasilam\nKewar;X;30;Petani;1\n", encoding="utf-8")
    text = problems_of(p)
    assert "baris/row 15 · kolom/column E: judul kolom tidak dikenal; maksud Anda 'penghasilan / declared income'?" in text
    assert "baris/row 16 · kolom/column B (jenis kelamin / sex): harus L atau P" in text


def test_income_above_the_bound_is_refused(tmp_path):
    p = tmp_path / "r.csv"
    p.write_text("desa;jk;umur;pekerjaan;penghasilan\nKewar;L;30;Petani;1e300\nKewar;L;30;Petani;2.000.000.000\n",
                 encoding="utf-8")
    text = problems_of(p)
    assert "baris/row 2, 3 · kolom/column E (penghasilan / declared income): di atas batas Rp 1.000.000.000 sebulan" in text


def test_misspelled_headings_are_found_and_suggested(tmp_path):
    p = tmp_path / "r.csv"
    p.write_text("Desa;Jenis Kelamn;Umurr;Pekerjan\nKewar;L;30;Petani\n", encoding="utf-8")
    text = problems_of(p)
    assert "baris/row 1 · kolom/column B: judul kolom tidak dikenal; maksud Anda 'jenis kelamin / sex'?" in text
    assert "baris/row 1 · kolom/column D: judul kolom tidak dikenal; maksud Anda 'pekerjaan / occupation'?" in text
    assert "kolom wajib pekerjaan / occupation tidak ada" in text


def test_dashboard_offers_the_template_for_download():
    import base64
    import re

    from sim.outputs.explorer_view import ROSTER_TEMPLATE, template_link
    link = template_link()
    assert "download='roster-template.xlsx'" in link and "Templat daftar peserta" in link
    data = base64.b64decode(re.search(r"base64,([^']+)'", link).group(1))
    assert data == ROSTER_TEMPLATE.read_bytes()


def test_random_cells_never_crash_and_never_leak(tmp_path):
    """Seeded random rosters (valid values mixed with junk of every cell type openpyxl returns):
    either a portfolio or InputError, and no junk text in any message."""
    import csv
    import random
    from datetime import time

    import openpyxl
    rng = random.Random(7)
    heads = ["desa", "jk", "umur", "tanggal lahir", "pekerjaan", "nik", "penghasilan", "mulai", "sampai", "kecamatan", "nama"]
    good = {"desa": ["Kewar", "Desa Fulur", "FULUR", "Lakanmau"], "jk": ["L", "P", "Laki-laki"], "umur": ["", "34", 40, 25.0],
            "tanggal lahir": ["15/08/1980", datetime(1990, 1, 1), 33000, ""], "pekerjaan": ["Petani", "Nelayan/Perikanan"],
            "nik": ["", "5304019999123456", 5304019999123457], "penghasilan": ["", 1000000, "1.500.000,00"],
            "mulai": ["", "01/01/2020", datetime(2023, 9, 1)], "sampai": ["", "31/12/2023"], "kecamatan": ["", "Lamaknen"],
            "nama": ["Zebulon Quarkwhistle"]}
    junk = [None, "", "Atlantisia", -5, 1e300, True, time(1, 2), datetime(9999, 12, 31), datetime(1, 1, 1), "9999-12-31",
            "00/00/0000", "0", 10**30, "1e400", "Rp", "--", "\t", "99999", "10000"]
    outcomes = {"ok": 0, "error": 0}
    for k in range(120):
        hs = rng.sample(heads, rng.randint(4, len(heads)))
        rows = [hs] + [[rng.choice(good[h]) if rng.random() < 0.96 else rng.choice(junk) for h in hs]
                       for _ in range(rng.randint(1, 5))]
        if k % 2:
            wb = openpyxl.Workbook()
            for r in rows:
                wb.active.append(r)
            p = tmp_path / "f.xlsx"
            wb.save(p)
        else:
            p = tmp_path / "f.csv"
            with open(p, "w", newline="", encoding="utf-8") as fh:
                csv.writer(fh, delimiter=";").writerows([["" if x is None else x for x in r] for r in rows])
        try:
            assert read(p).workers >= 1
            outcomes["ok"] += 1
        except InputError as exc:
            assert_no_secret("\n".join(map(str, exc.problems)))
            outcomes["error"] += 1
    assert outcomes["ok"] > 5 and outcomes["error"] > 5


def _strip(row):
    row = list(row)
    while row and row[-1] is None:
        row.pop()
    return tuple(row)


def _both_readers(path):
    import openpyxl

    from sim.inputs.roster_xlsx import sheet_rows
    out = []
    for fast in (True, False):
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
        ws = wb.worksheets[0]
        rows = sheet_rows(wb, ws) if fast else None
        if fast:
            assert rows is not None, "the fast reader declined"
        else:
            ws.reset_dimensions()
            rows = enumerate(ws.iter_rows(values_only=True), start=1)
        got = {r: _strip(c) for r, c in rows}
        wb.close()
        out.append({r: c for r, c in got.items() if c})
    return out


def test_fast_sheet_reader_gives_what_openpyxl_gives(tmp_path):
    from datetime import time, timedelta

    import openpyxl
    from openpyxl.cell.rich_text import CellRichText, TextBlock
    from openpyxl.cell.text import InlineFont
    files = [write_xlsx(tmp_path / "a.xlsx"), ROOT / "params" / "templates" / "roster-template.xlsx"]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Desa", "Jenis Kelamin", "x & y <z> \"q\" 'a'", "  spasi depan", "ümlaut ñ 中文", None, "=1+1"])
    ws.append([1, 2.5, -3e-7, 1e20, True, False, "#N/A"])
    ws.append([datetime(1980, 8, 15), datetime(2023, 6, 1, 13, 30), time(8, 15), timedelta(days=2, hours=3), 33000])
    ws["B7"] = CellRichText(["Petani", TextBlock(InlineFont(b=True), " / Pekebun")])
    ws["D9"] = "=SUM(A2:B2)"
    ws["A12"] = "baris jauh"
    ws["AB12"] = "kolom jauh"
    wb.save(tmp_path / "b.xlsx")
    files.append(tmp_path / "b.xlsx")
    wo = openpyxl.Workbook(write_only=True)           # inline strings, as programs write them
    sheet = wo.create_sheet("Peserta")
    for row in ([None, "inline & <b>", 5], ["x"], [], [datetime(1999, 12, 24), "L", 7.25]):
        sheet.append(row)
    wo.save(tmp_path / "c.xlsx")
    files.append(tmp_path / "c.xlsx")
    for f in files:
        fast, slow = _both_readers(f)
        assert fast == slow, f.name
    # the 1904 date system
    wb = openpyxl.Workbook()
    wb.epoch = openpyxl.utils.datetime.CALENDAR_MAC_1904
    wb.active.append([datetime(1980, 1, 1), 12])
    wb.save(tmp_path / "d.xlsx")
    fast, slow = _both_readers(tmp_path / "d.xlsx")
    assert fast == slow and fast[1][0] == datetime(1980, 1, 1)


def test_fast_and_openpyxl_readers_give_the_same_roster(tmp_path, monkeypatch):
    from sim.inputs import roster_files
    bad = list(WORKERS)
    bad[1] = bad[1][:2] + ("Fulurr",) + bad[1][3:]
    for workers in (WORKERS, bad):
        p = write_xlsx(tmp_path / "r.xlsx", workers=workers)
        outs = []
        for fast in (True, False):
            monkeypatch.setattr(roster_files, "FAST_XLSX", fast)
            try:
                pf = read(p)
                outs.append([np.asarray(getattr(pf, f)).tolist() for f in FIELDS])
            except InputError as exc:
                outs.append([str(x) for x in exc.problems])
        assert outs[0] == outs[1]


def _excel_like_workbook(path):
    """A workbook as Excel itself writes one: shared strings (plain, rich, with a phonetic run),
    a date style, row spans and namespaced attributes."""
    import zipfile
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rel = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
    parts = {
        "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>',
        "_rels/.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<?xml version="1.0" encoding="UTF-8"?><workbook {ns} {rel}><sheets><sheet name="Peserta" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>',
        "xl/styles.xml": f'<?xml version="1.0" encoding="UTF-8"?><styleSheet {ns}><numFmts count="1"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/></numFmts><fonts count="1"><font><sz val="11"/></font></fonts><fills count="1"><fill><patternFill patternType="none"/></fill></fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs></styleSheet>',
        "xl/sharedStrings.xml": f'<?xml version="1.0" encoding="UTF-8"?><sst {ns} count="8" uniqueCount="8"><si><t>Desa</t></si><si><t>Jenis Kelamin</t></si><si><t>Tanggal Lahir</t></si><si><t>Pekerjaan</t></si><si><t>Desa Fulur</t></si><si><t>L</t></si><si><r><t>Petani</t></r><r><rPr><b/></rPr><t xml:space="preserve"> / Pekebun</t></r><rPh sb="0" eb="1"><t>x</t></rPh></si><si><t>A &amp; B</t></si></sst>',
        "xl/worksheets/sheet1.xml": f'<?xml version="1.0" encoding="UTF-8"?><worksheet {ns} xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac"><dimension ref="A1"/><sheetData><row r="1" spans="1:4" x14ac:dyDescent="0.25"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c><c r="D1" t="s"><v>3</v></c></row><row r="3" spans="1:4"><c r="A3" t="s"><v>4</v></c><c r="B3" t="s"><v>5</v></c><c r="C3" s="1"><v>29448</v></c><c r="D3" t="s"><v>6</v></c></row><row r="4"><c r="A4" t="s"><v>7</v></c><c r="B4" s="2"/><c r="C4" s="2"><v>33000.5</v></c><c r="D4" t="str"><f>A4</f><v>A &amp; B</v></c></row></sheetData></worksheet>',
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in parts.items():
            z.writestr(name, text)
    return path


@pytest.mark.filterwarnings("ignore:Workbook contains no default style")
def test_fast_reader_on_a_workbook_as_excel_writes_it(tmp_path):
    p = _excel_like_workbook(tmp_path / "excel.xlsx")
    fast, slow = _both_readers(p)
    assert fast == slow
    assert fast[3] == ("Desa Fulur", "L", datetime(1980, 8, 15), "Petani / Pekebun")
    assert fast[4][0] == "A & B" and fast[4][2] == datetime(1990, 5, 7, 12, 0)
    # the stored dimension (A1) is wrong, as some programs write it: every row is still read; row 3 is a
    # worker, row 4 is not, and the rows keep the numbers Excel shows (row 2 is empty)
    text = problems_of(p)
    assert "baris/row 4 · kolom/column A (desa / village)" in text and "baris/row 3" not in text
