"""A large CSV roster read by two processes (:mod:`sim.inputs.roster_split`) gives what one pass
gives: the table split at every position and appended (``Part.extend``), the random rosters of
``tests/test_roster_fast.py`` read with a helper process against one process, and a helper that
fails: its half is read here, the same result."""
from __future__ import annotations

import os
import random
import sys

import pytest

from sim.inputs import roster_split, roster_table
from tests.test_roster_fast import _outcome, _random_lines, _roster, _write_csv


@pytest.fixture
def helper_allowed(monkeypatch):
    """As on the command line (nbval imports ipykernel into pytest), every roster large enough."""
    monkeypatch.delitem(sys.modules, "ipykernel", raising=False)
    monkeypatch.delenv("SIM_PROCESSES", raising=False)
    monkeypatch.setattr(roster_split, "MIN_LINES", 2)


def _one_pass(lines, used, width):
    return roster_table.collect_part(lines, 1, used, width, ",", 3)


def _as_table(part):
    per_row = {k: [list(part.index[k])[c] if k in part.index else part.own[k][c]
                   for cs in part.codes[k] for c in cs.tolist()] for k in part.codes}
    return ([r for k in part.kept for r in k.tolist()], part.bad_width, per_row,
            {k: list(v) for k, v in part.index.items()}, part.own)


def test_a_part_appended_is_the_one_pass_table_at_every_split():
    rng = random.Random(5)
    cells = ["Kewar", "", " ", "L", "P", "34", "x y", "2023-01-01", "7", "Kewar "]
    for _ in range(60):
        width = rng.randrange(2, 6)
        lines = _random_lines(rng, cells, width, 30)
        used = list(zip(("village", "sex", "id", "age", "nik"), rng.sample(range(width), width)))
        whole = _as_table(_one_pass(lines, used, width))
        for mid in range(len(lines) + 1):
            part = roster_table.collect_part(lines[:mid], 1, used, width, ",", 2)
            part.extend(roster_table.collect_part(lines[mid:], 1 + mid, used, width, ",", 4))
            assert _as_table(part) == whole


@pytest.mark.parametrize("seed", range(12))
def test_two_processes_read_what_one_reads(tmp_path, seed, helper_allowed, monkeypatch):
    rng = random.Random(seed)
    p = _write_csv(tmp_path / "r.csv", rng, _roster(rng, excel=False))
    started = []
    real = roster_split._Helper.__init__

    def counted(self, *a):
        real(self, *a)
        if self.pid:
            started.append(self.pid)
    monkeypatch.setattr(roster_split._Helper, "__init__", counted)
    two = _outcome(p, True)
    monkeypatch.setenv("SIM_PROCESSES", "1")
    one = _outcome(p, True)
    assert two == one == _outcome(p, False)
    if b'"' not in p.read_bytes():             # quote-free CSV: the lines are split, a helper took half
        assert len(started) == 1


def test_a_failing_helper_changes_nothing(tmp_path, helper_allowed, monkeypatch):
    rng = random.Random(3)
    rows = _roster(rng, excel=False)
    while len(rows) < 50:
        rows += rows[1:]
    p = tmp_path / "r.csv"
    p.write_text("\n".join(",".join(str(c).replace(",", " ") for c in r) for r in rows), encoding="utf-8")
    parent = os.getpid()
    real = roster_split.collect_part

    def failing_in_the_child(*a):
        if os.getpid() != parent:
            raise MemoryError("the helper runs out")
        return real(*a)
    monkeypatch.setattr(roster_split, "collect_part", failing_in_the_child)
    got = _outcome(p, True)
    monkeypatch.setattr(roster_split, "collect_part", real)
    monkeypatch.setenv("SIM_PROCESSES", "1")
    assert got == _outcome(p, True)


def test_no_helper_where_processes_are_unwelcome(tmp_path, monkeypatch):
    monkeypatch.setattr(roster_split, "MIN_LINES", 2)
    monkeypatch.setitem(sys.modules, "ipykernel", object())       # a notebook or dashboard kernel
    forks = []
    monkeypatch.setattr(roster_split, "_Helper", lambda *a: forks.append(a))
    lines = ["Kewar,L,34"] * 10
    used = [("village", 0), ("sex", 1), ("age", 2)]
    roster_split.collect_in_two(lines, 2, used, 3, ",")
    monkeypatch.delitem(sys.modules, "ipykernel")
    monkeypatch.setenv("SIM_PROCESSES", "1")
    roster_split.collect_in_two(lines, 2, used, 3, ",")
    assert forks == []
