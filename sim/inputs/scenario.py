"""Scenario files: a named baseline, a few overrides, programs switched on or off.

A scenario file (``params/*.yaml``) holds the sections of :data:`SCHEMA`, an
optional ``extends: other.yaml`` (resolved beside the file; the child's values
win), and ``policy:`` / ``assumptions:`` sections that override parameters of
``params/policy`` and ``params/assumptions`` by name, e.g.::

    extends: belu-2023.yaml
    programs: {jht: true}
    assumptions:
      mortality: {loading: 1.2}

``--set dotted.key=value`` on the command line overrides last.  Every problem
of every file is collected and reported in one pass (:class:`~sim.common.errors.InputError`).
"""
from __future__ import annotations

import difflib
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from ..common.errors import Problems
from ..common.paths import PARAMS_DIR
from ..common.yamlio import load_yaml, parse_scalar
from .params import ParameterSet, check_value, load_parameters, parse_dated_values
from .scenario_checks import check_kind

#: dotted key -> (kind, required, default, help)
SCHEMA: dict[str, tuple[str, bool, object, str]] = {
    "scenario.name": ("name", True, None, "short name used in report file names"),
    "scenario.title": ("label", False, None, "title with 'id' and 'en' text"),
    "scenario.description": ("text", False, "", "free text"),
    "scenario.start": ("date", True, None, "first day of the year of cover (YYYY-MM-DD); parameters in force that day apply"),
    "portfolio.workers": ("workers", False, None, "number of enrolled workers (null when a roster gives them)"),
    "portfolio.villages": ("villages", False, 69, "number of desa the synthetic roster spreads over (1-69 with Belu's list; "
                           "any count, or null when unknown, without a village list)"),
    "portfolio.village_list": ("village_list", False, "belu", "the regency's village list in params/data "
                               "(<name>_desa_kelurahan.csv), or null where none is available"),
    "portfolio.roster": ("path_or_null", False, None, "null, or a roster file (.xlsx or CSV) path"),
    "portfolio.roster_sheet": ("text_or_null", False, None, "sheet of an .xlsx roster (null: the first sheet)"),
    "portfolio.prior_membership_months": ("months", False, 0, "months of membership before the year starts (synthetic roster)"),
    "income.declared_monthly": ("rupiah_per_month", True, None, "declared income a month, rupiah (at least the BPU floor)"),
    "income.changes": ("dated_rupiah", False, {}, "later declared incomes, keyed by the date they take effect"),
    "programs.jkk": ("bool", True, None, "JKK work-accident cover on/off"),
    "programs.jkm": ("bool", True, None, "JKM death cover on/off"),
    "programs.jht": ("bool", True, None, "JHT old-age savings on/off"),
    "budget.allocation": ("rupiah", True, None, "budget allocation, rupiah"),
    "budget.months": ("budget_months", True, None, "months the allocation must pay for"),
    "budget.allocation_changes": ("dated_rupiah", False, {}, "later yearly allocations, keyed by the date they take effect"),
    "budget.jht_regency_share": ("fraction", False, 1.0, "share of the JHT contribution the regency pays (the worker pays the rest)"),
    "budget.funded_until": ("date_or_null", False, None,
                            "null (open-ended), or the last day funded (YYYY-MM-DD): after it contributions stop and cover ends"),
    "simulation.seed": ("seed", True, None, "random seed (synthetic roster and Monte Carlo)"),
    "simulation.monte_carlo_years": ("mc_years", False, 0, "Monte Carlo years to simulate as a cross-check (0: none)"),
    "simulation.lattice_unit": ("lattice", False, 100000, "lattice step of the exact distribution, rupiah"),
    "projection.years": ("projection_years", False, 10, "years to project (1-40)"),
    "projection.paths": ("paths", False, 10000, "Monte Carlo paths of a projection"),
    "claims.take_up": ("fraction", False, 1.0, "share of deaths and accidents for which a claim is made and paid (1 = all)"),
}
OVERRIDE_SECTIONS = ("policy", "assumptions")
_BRANCHES = {k.split(".")[0] for k in SCHEMA} | set(OVERRIDE_SECTIONS) | {"extends"}


def dated_value(base, changes: dict | None, date: str):
    """*base*, or the latest of *changes* (date -> value) taking effect on or before *date*."""
    from ..common.months import in_force
    return in_force((changes or {}).items(), date, base)


def _suggest(key: str, candidates) -> str:
    close = difflib.get_close_matches(key, list(candidates), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


@dataclass
class Scenario:
    """A validated scenario: its settings, the parameters in force and where each came from."""

    values: dict[str, object]
    overrides: dict[str, object]
    params: ParameterSet
    files: list[Path]
    origin: dict[str, str] = field(default_factory=dict)
    base_dir: Path = PARAMS_DIR

    def __getitem__(self, key: str):
        return self.values[key]

    @property
    def name(self) -> str:
        return str(self.values["scenario.name"])

    @property
    def start(self) -> str:
        return str(self.values["scenario.start"])

    def param(self, name: str, date: str | None = None):
        """Value of parameter *name* in force on *date* (default: the scenario start)."""
        ov = self.overrides.get(name)
        if ov is not None and not isinstance(ov, _Dated):
            return ov
        if isinstance(ov, _Dated):
            return ov.value_at(date or self.start)
        return self.params[name].value_at(date or self.start)

    def with_values(self, **changes) -> "Scenario":
        """A copy with some dotted settings changed (keys use '__' for '.'), unvalidated."""
        return self.updated({k.replace("__", "."): v for k, v in changes.items()})

    def updated(self, values: dict | None = None, params: dict | None = None) -> "Scenario":
        """A copy with dotted settings and parameter values replaced (for trusted callers such as
        the explorer, whose controls only produce valid values; files go through load_scenario)."""
        vals = dict(self.values)
        vals.update(values or {})
        ov = dict(self.overrides)
        for name, v in (params or {}).items():
            if name not in self.params:
                raise KeyError(f"unknown parameter {name!r}")
            ov[name] = v
        return Scenario(vals, ov, self.params, list(self.files), dict(self.origin), self.base_dir)

    def at(self, date: str) -> "Scenario":
        """The same scenario seen on *date*: parameters, income and allocation in force then."""
        vals = {"scenario.start": date,
                "income.declared_monthly": dated_value(self.values.get("income.declared_monthly"),
                                                       self.values.get("income.changes"), date),
                "budget.allocation": dated_value(self.values.get("budget.allocation"),
                                                 self.values.get("budget.allocation_changes"), date)}
        return self.updated(vals)

    def input_hashes(self) -> dict[str, str]:
        """SHA-256 of every input file: the scenario chain, parameter and data files, the roster."""
        paths = list(self.files)
        for sub in ("policy", "assumptions", "data"):
            paths += sorted((PARAMS_DIR / sub).glob("*.*"))
        roster = self.roster_path()
        if roster is not None:
            paths.append(roster)
        out = {}
        for p in paths:
            try:
                rel = str(Path(p).resolve().relative_to(PARAMS_DIR.parent))
            except ValueError:
                rel = Path(p).name
            out[rel] = hashlib.sha256(Path(p).read_bytes()).hexdigest()
        return out

    def roster_path(self) -> Path | None:
        r = self.values.get("portfolio.roster")
        if r is None:
            return None
        p = Path(r)
        if not p.is_absolute():
            base = Path.cwd() if self.origin.get("portfolio.roster") == "--set" else self.base_dir
            p = base / p
        return p


@dataclass
class _Dated:
    values: list

    def value_at(self, date):
        from ..common.months import in_force
        return in_force(self.values, date)


def _flatten(doc: dict, file: str, params: ParameterSet, out: dict, origin: dict, problems: Problems) -> None:
    """Flatten one scenario document into dotted keys, checking every key is known."""
    for top, val in doc.items():
        top_s = str(top)
        if top_s == "extends":
            continue
        if top_s not in _BRANCHES:
            problems.add(file, top_s, "unknown key" + _suggest(top_s, _BRANCHES) +
                         f"; expected one of {', '.join(sorted(_BRANCHES))}")
            continue
        if not isinstance(val, dict):
            problems.add(file, top_s, "expected a mapping of settings")
            continue
        if top_s in OVERRIDE_SECTIONS:
            for group, entries in val.items():
                if not isinstance(entries, dict):
                    problems.add(file, f"{top_s}.{group}", "expected a mapping of parameter names to values")
                    continue
                for pname, pval in entries.items():
                    key = f"{top_s}.{group}.{pname}"
                    if key not in params:
                        problems.add(file, key, "unknown parameter" + _suggest(key, params.names()))
                        continue
                    out[key] = pval
                    origin[key] = file
            continue
        for sub, leaf in val.items():
            key = f"{top_s}.{sub}"
            if key not in SCHEMA:
                known = [k for k in SCHEMA if k.startswith(top_s + ".")]
                problems.add(file, key, "unknown key" + _suggest(key, SCHEMA) +
                             f"; expected one of {', '.join(known)}")
                continue
            out[key] = leaf
            origin[key] = file


def _read_chain(path: Path, params, problems, stack: list[Path],
                broken: list | None = None) -> tuple[dict, dict, list[Path], Path]:
    """Read *path* and every file it extends; return merged values, origins, files, base dir.

    A file that cannot be used (missing, unreadable, not YAML, empty, a cycle) is reported once,
    where the chain breaks, and noted in *broken*, so that the keys the broken file would have
    given are not reported again as missing."""
    broken = [] if broken is None else broken
    path = path.resolve()
    display = _display(path)
    if path in stack:
        chain = " -> ".join(_display(p) for p in stack + [path])
        problems.add(_display(stack[-1]), "extends", f"the scenario extends itself ({chain})")
        broken.append(path)
        return {}, {}, [], path.parent
    n_before = len(problems.items)
    if stack and not path.is_file():
        problems.add(_display(stack[-1]), "extends",
                     f"berkas dasar tidak ditemukan / the scenario it extends: {display}: file not found")
        broken.append(path)
        return {}, {}, [], path.parent
    doc = load_yaml(path, problems, display)
    if doc is None:
        if len(problems.items) == n_before:
            problems.add(display, "", "berkas kosong / the file is empty; expected a scenario with the sections "
                                      "scenario, portfolio, income, programs, budget and simulation "
                                      "(or extends: and the changes)")
        broken.append(path)
        return {}, {}, [], path.parent
    if not isinstance(doc, dict):
        problems.add(display, "", "expected a mapping of sections (scenario, portfolio, income, ...)")
        broken.append(path)
        return {}, {}, [path], path.parent
    values, origin, files = {}, {}, []
    parent = doc.get("extends")
    if parent is not None:
        if not isinstance(parent, str) or not parent.strip():
            problems.add(display, "extends", "expected the file name of the scenario this one builds on")
            broken.append(path)
        else:
            pv, po, pf, _ = _read_chain(path.parent / parent, params, problems, stack + [path], broken)
            values.update(pv)
            origin.update(po)
            files += pf
    own, own_origin = {}, {}
    _flatten(doc, display, params, own, own_origin, problems)
    values.update(own)
    origin.update(own_origin)
    return values, origin, files + [path], path.parent


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def apply_set(values: dict, origin: dict, assignments: list[str], params: ParameterSet, problems: Problems) -> None:
    """Apply ``--set dotted.key=value`` assignments (the value is parsed as YAML)."""
    for item in assignments or []:
        if "=" not in item:
            problems.add("--set", item, "expected dotted.key=value")
            continue
        key, raw = item.split("=", 1)
        key = key.strip()
        if key not in SCHEMA and key not in params:
            problems.add("--set", key, "unknown key" + _suggest(key, list(SCHEMA) + params.names()))
            continue
        values[key] = parse_scalar(raw)
        origin[key] = "--set"


def load_scenario(path: Path | str, assignments: list[str] | None = None,
                  params_root: Path | None = None) -> Scenario:
    """Read, merge and validate a scenario file; raise InputError with every problem found."""
    problems = Problems()
    params = load_parameters(params_root, problems)
    path = Path(path)
    broken: list[Path] = []
    values, origin, files, base = _read_chain(path, params, problems, [], broken)
    apply_set(values, origin, assignments or [], params, problems)
    overrides: dict[str, object] = {}
    bad: set[str] = set()
    display_main = _display(path)
    for key, (kind, required, default, help_) in SCHEMA.items():
        if key not in values:
            if required and files:
                if not broken:   # a broken extends was reported once; its keys are not "missing"
                    problems.add(display_main, key, f"missing; expected {help_}")
                bad.add(key)
            values[key] = default
            continue
        err = check_kind(kind, values[key])
        if err:
            problems.add(origin.get(key, display_main), key, err)
            bad.add(key)
    for key in [k for k in values if k.split(".")[0] in OVERRIDE_SECTIONS]:
        p = params[key]
        raw = values.pop(key)
        n_before = len(problems.items)
        if isinstance(raw, dict) and set(raw) == {"values"}:
            overrides[key] = _Dated(parse_dated_values(raw["values"], p.unit, p.choices, origin[key], key, problems))
        else:
            err = check_value(p.unit, raw, p.choices)
            if err:
                problems.add(origin[key], key, err)
            overrides[key] = raw
        if len(problems.items) > n_before:
            bad.add(key)
    scen = Scenario(values, overrides, params, files, origin, base)
    if files and not broken:
        from .scenario_checks import cross_checks
        cross_checks(scen, display_main, problems, bad)
    problems.raise_if_any()
    return scen
