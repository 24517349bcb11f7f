"""The bottom layer: Indonesian number reading and strict JSON."""
import json
import math

import numpy as np
import pytest

from sim.common.jsonio import dumps, write_json
from sim.common.numbers import NumberError, parse_number


@pytest.mark.parametrize("text, value", [
    ("6.000", 6000), ("1.175.126.400", 1_175_126_400), ("Rp 1.175.126.400", 1_175_126_400),
    ("Rp1.175.126.400", 1_175_126_400), ("1.500.000,00", 1_500_000), ("2,5", 2.5), ("5829", 5829),
    ("0.02", 0.02), ("1e6", 1e6), ("1,175,126,400", 1_175_126_400), ("1,500,000.00", 1_500_000),
    ("12\u00a0700\u00a0800", 12_700_800), ("-1.000", -1000), (5829, 5829), (2.5, 2.5),
])
def test_indonesian_writing(text, value):
    assert parse_number(text) == pytest.approx(value, rel=1e-15)


@pytest.mark.parametrize("text, value", [("2,5%", 0.025), ("69,7%", 0.697), ("100%", 1.0), ("0,6", 0.6)])
def test_percentages(text, value):
    assert parse_number(text, percent=True) == pytest.approx(value, rel=1e-15)


@pytest.mark.parametrize("text, why", [
    ("6,000", "dua cara"), ("1,500", "dua cara"), ("abc", "bukan angka"), ("1.00.0", "bukan angka"),
    ("", "kosong"), ("2,5%", "persen"), ("1..0", "bukan angka"), ("inf", "bukan angka"), ("nan", "bukan angka"),
    (True, "bukan angka"), (float("inf"), "terhingga"),
])
def test_refused(text, why):
    with pytest.raises(NumberError, match=why):
        parse_number(text)


def test_bounds_and_integers():
    assert parse_number("5.829", integer=True, minimum=1) == 5829
    with pytest.raises(NumberError, match="bulat"):
        parse_number("2,5", integer=True)
    with pytest.raises(NumberError, match="bawah"):
        parse_number("0", minimum=1)
    with pytest.raises(NumberError, match="atas"):
        parse_number("10.000.001", maximum=10_000_000)


def test_strict_json_refuses_nan_and_converts_numpy(tmp_path):
    with pytest.raises(ValueError):
        dumps({"x": math.inf})
    with pytest.raises(ValueError):
        dumps({"x": np.float64("nan")})
    text = dumps({"a": np.int64(3), "b": np.float32(0.5), "c": np.arange(3), "d": np.bool_(True), "e": "Rp"})
    assert json.loads(text) == {"a": 3, "b": 0.5, "c": [0, 1, 2], "d": True, "e": "Rp"}
    out = tmp_path / "x.json"
    out.write_text("old")
    with pytest.raises(ValueError):
        write_json(out, {"x": math.nan})
    assert out.read_text() == "old" and [p.name for p in tmp_path.iterdir()] == ["x.json"]
    write_json(out, {"x": 1})
    assert json.loads(out.read_text()) == {"x": 1}


def test_value_in_force_on_a_date():
    from sim.common.months import in_force
    vals = [("2019-01-01", 1), ("2023-06-01", 2), ("2021-01-01", 3)]      # any order
    assert in_force(vals, "2018-12-31", None) is None
    assert in_force(vals, "2019-01-01") == 1
    assert in_force(vals, "2022-12-31") == 3
    assert in_force(vals, "2023-06-01") == 2
    with pytest.raises(LookupError, match="earliest value takes effect 2019-01-01"):
        in_force(vals, "2000-01-01")


def test_experience_amounts_read_by_the_one_number_parser():
    from sim.inputs.roster import parse_rupiah
    assert parse_rupiah("Rp 1.500.000") == 1_500_000
    assert parse_rupiah("1,000,000") == 1_000_000 and parse_rupiah("1000000") == 1_000_000
    assert parse_rupiah("2,5") == 2.5 and parse_rupiah("1.500.000,00") == 1_500_000
    assert parse_rupiah("6,000") is None            # six or six thousand: refused, as everywhere else
    assert parse_rupiah("banyak") is None and parse_rupiah("1e400") is None
