"""Batch manifests: the list of reports ``python -m sim batch`` runs.

A manifest is a YAML file::

    language: id                 # optional: report language, id (default) or en
    monte_carlo_years: 100000    # optional: Monte Carlo years of each report (0-1,000,000)
    projection_years: 10         # optional: years of each report's projection (0-40)
    reports:
      - scenario: ttu-2025.yaml              # relative to the manifest, or absolute
        name: ttu-2025                       # optional; used in folder names and the index
        set: {income.declared_monthly: 1500000}   # optional dotted keys, as --set
        programme: ntt-2025                  # optional: entries of one programme are rolled up

Every entry is validated before anything runs, the manifest's own keys and every entry's
scenario with its ``set`` (the checks ``python -m sim run`` makes); all problems of all entries
are collected and raised together as one :class:`~sim.common.errors.InputError`.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..common import limits
from ..common.errors import InputError, Problem, Problems
from ..common.paths import relative
from ..common.yamlio import load_yaml
from .scenario import Scenario, load_scenario

MAX_ENTRIES = 1000
MAX_MONTE_CARLO_YEARS = limits.MAX_BATCH_MC_YEARS    # per report; sim.common.limits says why
TOP_KEYS = ("reports", "language", "monte_carlo_years", "projection_years")
ENTRY_KEYS = ("scenario", "name", "set", "programme")
_NAME = re.compile(r"[A-Za-z0-9_.-]+")


@dataclass
class Entry:
    """One report of a batch: the scenario file, its overrides, its name and programme."""

    index: int
    name: str
    scenario: Path
    sets: list[str]
    programme: str | None
    scen: Scenario | None = field(default=None, repr=False)

    @property
    def scenario_display(self) -> str:
        return relative(self.scenario)


@dataclass
class Manifest:
    path: Path
    entries: list[Entry]
    language: str = "id"
    monte_carlo_years: int | None = None
    projection_years: int | None = None


def _suggest(key: str, known) -> str:
    close = difflib.get_close_matches(str(key), list(known), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _set_text(value) -> str:
    """A ``set`` value written back as the text ``--set`` parses (YAML flow style)."""
    if isinstance(value, str):
        return value if value.strip() and yaml.safe_load(value) == value else yaml.safe_dump(value).strip().removesuffix("\n...")
    return yaml.safe_dump(value, default_flow_style=True).strip().removesuffix("\n...")


def _whole(value, lo: int, hi: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and lo <= value <= hi


def _options(doc: dict, file: str, problems: Problems) -> dict:
    out = {}
    lang = doc.get("language", "id")
    if lang not in ("id", "en"):
        problems.add(file, "language", f'expected "id" or "en", got {lang!r}')
    out["language"] = lang
    for key, hi in (("monte_carlo_years", MAX_MONTE_CARLO_YEARS), ("projection_years", limits.MAX_PROJECTION_YEARS)):
        if key in doc:
            if not _whole(doc[key], 0, hi):
                problems.add(file, key, f"expected a whole number between 0 and {hi:,}, got {doc[key]!r}")
            out[key] = doc[key]
    return out


def _entry(i: int, raw, base: Path, file: str, problems: Problems) -> Entry | None:
    where = f"reports[{i + 1}]"
    if isinstance(raw, str):
        raw = {"scenario": raw}
    if not isinstance(raw, dict):
        problems.add(file, where, "expected a mapping with scenario, and optionally name, set, programme")
        return None
    ok = True
    for k in raw:
        if k not in ENTRY_KEYS:
            problems.add(file, f"{where}.{k}", "unknown key" + _suggest(k, ENTRY_KEYS) + f"; expected {', '.join(ENTRY_KEYS)}")
            ok = False
    scen = raw.get("scenario")
    if not isinstance(scen, str) or not scen.strip():
        problems.add(file, f"{where}.scenario", "missing; expected the path of a scenario file (relative to the manifest)")
        ok = False
    name = raw.get("name")
    if name is not None and (not isinstance(name, str) or not _NAME.fullmatch(name)):
        problems.add(file, f"{where}.name", f"expected a name of letters, digits, '-', '_' or '.', got {name!r}")
        ok = False
    prog = raw.get("programme")
    if prog is not None and (not isinstance(prog, str) or not _NAME.fullmatch(prog)):
        problems.add(file, f"{where}.programme", f"expected a name of letters, digits, '-', '_' or '.', got {prog!r}")
        ok = False
    sets = raw.get("set") or {}
    if not isinstance(sets, dict):
        problems.add(file, f"{where}.set", "expected a mapping of dotted keys to values, e.g. {programs.jht: true}")
        ok = False
    if not ok:
        return None
    path = Path(scen)
    path = path if path.is_absolute() else (base / path)
    return Entry(i, name or "", path.resolve(), [f"{k}={_set_text(v)}" for k, v in sets.items()], prog)


def read_manifest(path: Path | str) -> Manifest:
    """Read and validate a manifest and every scenario it names; raise InputError with every problem."""
    path = Path(path)
    file = relative(path) if path.is_absolute() else str(path)
    problems = Problems()
    doc = load_yaml(path, problems, file)
    if doc is None:
        problems.raise_if_any()
        raise InputError([Problem(file, "", "empty manifest; expected a mapping with a 'reports' list")])
    if not isinstance(doc, dict):
        raise InputError([Problem(file, "", "expected a mapping with a 'reports' list")])
    for k in doc:
        if k not in TOP_KEYS:
            problems.add(file, str(k), "unknown key" + _suggest(k, TOP_KEYS) + f"; expected {', '.join(TOP_KEYS)}")
    opts = _options(doc, file, problems)
    reports = doc.get("reports")
    if not isinstance(reports, list) or not reports:
        problems.add(file, "reports", "expected a list of reports (each with a scenario file)")
        reports = []
    elif len(reports) > MAX_ENTRIES:
        problems.add(file, "reports", f"{len(reports)} entries; at most {MAX_ENTRIES} in one batch (split the manifest)")
        reports = []
    entries = [e for i, raw in enumerate(reports) if (e := _entry(i, raw, path.resolve().parent, file, problems))]
    for e in entries:
        try:
            e.scen = load_scenario(e.scenario, e.sets)
        except InputError as exc:
            for p in exc.problems:
                src = f"{file}: reports[{e.index + 1}].set" if p.file == "--set" else p.file
                problems.add(src, p.where, f"{p.message} (manifest entry {e.index + 1})")
            continue
        if not e.name:
            e.name = e.scen.name
    seen: dict[str, int] = {}
    for e in entries:
        if e.name and e.name in seen:
            problems.add(file, f"reports[{e.index + 1}].name", f"'{e.name}' is also the name of entry {seen[e.name] + 1}; "
                         "give each entry its own name")
        seen.setdefault(e.name, e.index)
    problems.raise_if_any()
    return Manifest(path.resolve(), entries, **opts)
