"""Roster files as they come out of Excel: encodings, separators, ID-card occupations, row errors,
and no personal data in any message."""
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from sim.common.errors import InputError
from sim.inputs.portfolio import OCCUPATIONS
from sim.inputs.roster import read_roster

ROOT = Path(__file__).resolve().parent.parent
START = "2023-06-01"
FLOOR = 1_000_000

GOOD_ROWS = [
    ["id", "nik", "name", "village", "sex", "age", "birth_date", "occupation", "declared_income", "enrolled_from", "enrolled_to"],
    ["1", "5304010101900001", "Maria Goreti Bere", "Kewar", "P", "34", "", "Petani/Pekebun", "", "", ""],
    ["2", "5304010101900002", "Yohanes Mali", "fulur", "L", "", "15/08/1980", "Nelayan/Perikanan", "1.500.000", "2022-12-01", ""],
    ["3", "5304010101900003", "Agustinus Atok", "Silawan", "M", "51", "", "Buruh Harian Lepas", "1000000", "", "2023-11-30"],
    ["4", "5304010101900004", "Fransiska Luruk", "Kewar", "F", "29", "", "pedagang", "", "2023-09-01", ""],
]


def write_roster(tmp_path, rows, sep=",", bom=False, crlf=False, name="roster.csv"):
    nl = "\r\n" if crlf else "\n"
    text = nl.join(sep.join(r) for r in rows) + nl
    p = tmp_path / name
    p.write_bytes(("\ufeff" if bom else "").encode() + text.encode("utf-8"))
    return p


@pytest.mark.parametrize("sep,bom,crlf", [(",", False, False), (";", True, True), (";", False, False), (",", True, True)])
def test_excel_variants_read_the_same(tmp_path, sep, bom, crlf):
    pf = read_roster(write_roster(tmp_path, GOOD_ROWS, sep, bom, crlf), START, FLOOR, FLOOR)
    assert pf.workers == 4
    assert pf.source == "roster"
    assert sorted(pf.village_names) == ["Fulur", "Kewar", "Silawan"]
    occ = sorted(OCCUPATIONS[i] for i in pf.occupation)
    assert occ == ["day_labour", "farming", "fishing", "trade"]
    # birth date 15/08/1980 -> 42 on 2023-06-01; L/P mapped to men/women
    assert 42 in pf.age and sorted(pf.male.tolist()) == [False, False, True, True]
    assert sorted(pf.income.tolist()) == [FLOOR, FLOOR, FLOOR, 1_500_000]


def test_enrolment_dates_give_exposure_and_membership(tmp_path):
    pf = read_roster(write_roster(tmp_path, GOOD_ROWS), START, FLOOR, FLOOR)
    by_age = {int(a): (e, m) for a, e, m in zip(pf.age, pf.exposure, pf.membership)}
    assert by_age[34] == (1.0, 0.0)                                  # whole year, new member
    e, m = by_age[42]
    assert e == 1.0 and m == pytest.approx(6.0, abs=0.05)           # enrolled 2022-12-01: 6 months before
    e, m = by_age[51]
    assert e == pytest.approx(183 / 366, abs=1e-6) and m == 0.0      # to 2023-11-30 inclusive
    e, m = by_age[29]
    assert e == pytest.approx((366 - 92) / 366, abs=1e-6)           # from 2023-09-01


def test_rows_are_validated_one_by_one_and_all_reported(tmp_path):
    rows = [GOOD_ROWS[0],
            ["1", "5304010101900001", "Maria Goreti Bere", "Kewar", "X", "34", "", "Petani/Pekebun", "", "", ""],
            ["1", "5304010101900001", "Yohanes Mali", "Atlantis", "L", "9", "", "Guru Besar", "800000", "", ""],
            ["3", "12345", "Agustinus Atok", "Silawan", "M", "", "31/02/1980", "Petani", "abc", "2023-13-01", ""],
            ["4", "5304010101900004", "Fransiska Luruk", "Kewar", "F", "29", "", "Pedagang", "", "2023-09-01", "2023-08-01"],
            ["5", "5304010101900005", "Too Short", "Kewar"]]
    with pytest.raises(InputError) as exc:
        read_roster(write_roster(tmp_path, rows), START, FLOOR, FLOOR)
    msgs = [str(p) for p in exc.value.problems]
    text = "\n".join(msgs)
    assert "baris/row 2 · kolom/column E (jenis kelamin / sex): harus L atau P" in text
    assert "expected L or P (also Laki-laki/Perempuan, M/F)" in text
    assert "baris/row 3 · kolom/column B (NIK): sama dengan baris 2 / duplicate (same as row 2)" in text
    assert "baris/row 3 · kolom/column A (nomor peserta / member id): sama dengan baris 2" in text
    assert "baris/row 3 · kolom/column D (desa / village): bukan desa atau kelurahan di Kabupaten Belu" in text
    assert "baris/row 3 · kolom/column F (umur / age): umur pada 2023-06-01 harus antara 15 dan 80 tahun" in text
    assert "baris/row 3 · kolom/column H (pekerjaan / occupation): pekerjaan tidak dikenal" in text
    assert "known occupation names: " in text and "Petani/Pekebun" in text and "Buruh Harian Lepas" in text
    assert "baris/row 3 · kolom/column I (penghasilan / declared income): di bawah batas bawah BPU Rp 1.000.000" in text
    assert "baris/row 4 · kolom/column B (NIK): harus 16 angka" in text
    assert "baris/row 4 · kolom/column G (tanggal lahir / birth date): harus tanggal" in text
    assert "baris/row 4 · kolom/column I (penghasilan / declared income): harus jumlah rupiah" in text
    assert "baris/row 4 · kolom/column J (mulai / enrolled from): harus tanggal" in text
    assert "baris/row 5 · kolom/column K (sampai / enrolled to): sebelum tanggal mulai" in text
    assert "baris/row 6: harus 11 kolom seperti baris judul, ada 4 / expected 11 fields as in the header row, found 4" in text
    assert len(msgs) == 14
    # no personal data in any message
    for secret in ("Maria", "Goreti", "Yohanes", "Agustinus", "Fransiska", "5304010101900001", "12345", "Guru Besar"):
        assert secret not in text


def test_header_problems(tmp_path):
    rows = [["village", "sexe", "occupation", "declared_incom"], ["Kewar", "M", "Petani", "1000000"]]
    with pytest.raises(InputError) as exc:
        read_roster(write_roster(tmp_path, rows), START, FLOOR, FLOOR)
    text = "\n".join(map(str, exc.value.problems))
    assert "baris/row 1 · kolom/column B: judul kolom tidak dikenal; maksud Anda 'jenis kelamin / sex'?" in text
    assert "baris/row 1 · kolom/column D: judul kolom tidak dikenal; maksud Anda 'penghasilan / declared income'?" in text
    assert "kolom wajib jenis kelamin / sex tidak ada / required column jenis kelamin / sex missing" in text
    assert "kolom wajib: umur atau tanggal lahir / required: a column age or birth date" in text
    # the headings themselves are never quoted (a header-less roster would show a worker's data)
    assert "sexe" not in text and "declared_incom'" not in text


def test_many_bad_rows_are_grouped(tmp_path):
    rows = [["village", "sex", "age", "occupation"]] + [["Kewar", "Q", "30", "Petani"]] * 25
    with pytest.raises(InputError) as exc:
        read_roster(write_roster(tmp_path, rows), START, FLOOR, FLOOR)
    (p,) = exc.value.problems
    assert "baris/row 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 (+15 lainnya/more) · kolom/column B (jenis kelamin / sex)" in str(p)


def test_roster_cells_group_identical_workers(tmp_path):
    rows = [["village", "sex", "age", "occupation"]] + [["Kewar", "M", "30", "Petani"]] * 7 + [["Kewar", "F", "30", "Petani"]] * 3
    pf = read_roster(write_roster(tmp_path, rows), START, FLOOR, FLOOR)
    assert pf.count.size == 2 and sorted(pf.count.tolist()) == [3, 7]


def test_roster_scenario_runs_and_leaks_no_names(tmp_path):
    roster = write_roster(tmp_path, GOOD_ROWS)
    scen = tmp_path / "with-roster.yaml"
    scen.write_text(f"extends: {ROOT / 'params' / 'belu-2023.yaml'}\nportfolio: {{roster: {roster.name}, workers: null}}\n")
    r = subprocess.run([sys.executable, "-m", "sim", "run", str(scen), "--json"], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    import json
    out = json.loads(r.stdout)
    assert out["workers"] == 4 and out["portfolio_source"] == "roster"
    for secret in ("Maria", "Yohanes", "5304010101900001"):
        assert secret not in r.stdout and secret not in r.stderr
    # a roster with a worker count that disagrees is an error, not a silent choice
    bad = tmp_path / "mismatch.yaml"
    bad.write_text(f"extends: {ROOT / 'params' / 'belu-2023.yaml'}\nportfolio: {{roster: {roster.name}}}\n")
    r = subprocess.run([sys.executable, "-m", "sim", "run", str(bad)], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 2 and "portfolio.workers: 5892 workers, but the roster has 4" in r.stderr


def test_exposure_is_zero_outside_the_year(tmp_path):
    rows = [["village", "sex", "age", "occupation", "enrolled_from", "enrolled_to"],
            ["Kewar", "M", "30", "Petani", "2020-01-01", "2021-01-01"]]
    pf = read_roster(write_roster(tmp_path, rows), START, FLOOR, FLOOR)
    assert np.all(pf.exposure == 0)
