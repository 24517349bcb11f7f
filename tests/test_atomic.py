"""Whole-or-nothing writes (:mod:`sim.common.atomic`): the new file replaces the old one with the
permissions of a new file under the umask, and a failure leaves the old file and no temporary file."""
from __future__ import annotations

import os

import pytest

from sim.common.atomic import replacing, umask, write_text
from sim.common.jsonio import write_json


def test_umask_read_without_changing_it():
    old = os.umask(0o027)
    try:
        assert umask() == 0o027
        assert os.umask(0o027) == 0o027       # still what it was
    finally:
        os.umask(old)


@pytest.mark.parametrize("mask", [0o022, 0o077, 0o002])
def test_new_file_gets_the_permissions_of_the_umask(tmp_path, mask):
    old = os.umask(mask)
    try:
        write_json(tmp_path / "a.json", {"x": 1})
        write_text(tmp_path / "b.txt", "teks")
        for name in ("a.json", "b.txt"):
            assert (tmp_path / name).stat().st_mode & 0o777 == 0o666 & ~mask
    finally:
        os.umask(old)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.json", "b.txt"]


def test_failure_keeps_the_old_file_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "index.html"
    target.write_text("lama", encoding="utf-8")
    with pytest.raises(RuntimeError):
        with replacing(target) as tmp:
            tmp.write_text("setengah", encoding="utf-8")
            raise RuntimeError("gagal")
    assert target.read_text(encoding="utf-8") == "lama"
    assert [p.name for p in tmp_path.iterdir()] == ["index.html"]
    with pytest.raises(ValueError):
        write_json(target, {"x": float("nan")})     # strict JSON: refused before anything is written
    assert target.read_text(encoding="utf-8") == "lama"

