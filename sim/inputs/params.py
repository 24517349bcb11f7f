"""Parameter files: the law (``params/policy/``) and the assumptions (``params/assumptions/``).

Each YAML file holds parameters by name; its stem is the parameter group, so
``params/policy/contributions.yaml`` key ``jkk_rate`` is the parameter
``policy.contributions.jkk_rate``.  Every parameter carries::

    label:  {id: "...", en: "..."}     # Indonesian and English
    unit:   one of UNITS below          # drives the validation of its values
    source: "regulation + article, or report + year"
    assumption: true|false             # true = an assumption still to validate
    values: {2019-12-02: 20000000}     # keyed by the date each value takes effect

so a change of regulation is one dated line.  :func:`value_at` picks the value
in force on a date (the latest entry on or before it).
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..common import limits
from ..common.errors import Problems
from ..common.paths import PARAMS_DIR
from ..common.yamlio import load_yaml

SECTIONS = ("policy", "assumptions")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def is_iso_date(text) -> bool:
    """True for a real calendar date written YYYY-MM-DD (2020-13-01 is not one)."""
    from datetime import date
    if not isinstance(text, str) or not _DATE.match(text):
        return False
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True

#: unit -> human description of what a value must be
UNITS = {
    "rupiah": "an amount in rupiah, 0 or more",
    "rupiah_per_month": "an amount in rupiah a month, 0 or more",
    "fraction": "a number between 0 and 1",
    "probability_per_year": "a probability a year, between 0 and 1",
    "multiplier": "a number, 0 or more",
    "months": "a number of months, 0 or more",
    "years": "a number of years, 0 or more",
    "count": "a whole number, 0 or more",
    "weights": "a mapping of names to weights (0 or more, not all 0)",
    "distribution": "a mapping of outcomes to probabilities that sum to 1",
    "rupiah_map": "a mapping of names to rupiah amounts (0 or more)",
    "count_map": "a mapping of names to whole numbers (0 or more)",
    "choice": "one of the listed choices",
    "uncertainty": "a mapping {family: fixed, gamma, lognormal or normal; cv (gamma, lognormal) or sd (normal); "
                   "nodes: 1-25}",
}
_META_KEYS = {"label", "unit", "source", "assumption", "values", "choices", "description", "note"}


def _is_number(x) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


def check_value(unit: str, value, choices=None) -> str | None:
    """Return what is wrong with *value* for *unit*, or ``None`` if it is valid."""
    want = UNITS.get(unit, unit)
    if unit in ("rupiah", "rupiah_per_month", "multiplier", "months", "years"):
        if not _is_number(value):
            return f"expected {want}, got {value!r}"
        if value < 0:
            return f"expected {want}, got a negative amount {value!r}"
        if unit.startswith("rupiah") and value > limits.MAX_RUPIAH:
            return limits.above(value, limits.MAX_RUPIAH)
    elif unit in ("fraction", "probability_per_year"):
        if not _is_number(value):
            return f"expected {want}, got {value!r}"
        if not 0 <= value <= 1:
            return f"expected a probability between 0 and 1, got {value!r}"
    elif unit == "count":
        if not (isinstance(value, int) and not isinstance(value, bool)) or value < 0:
            return f"expected {want}, got {value!r}"
    elif unit == "uncertainty":
        from .uncertainty_spec import check_spec
        return check_spec(value)
    elif unit == "choice":
        if value not in (choices or []):
            return f"expected one of {', '.join(map(str, choices or []))}; got {value!r}"
    elif unit in ("weights", "distribution", "rupiah_map", "count_map"):
        if not isinstance(value, dict) or not value:
            return f"expected {want}, got {value!r}"
        for k, v in value.items():
            sub = "count" if unit == "count_map" else ("fraction" if unit == "distribution" else "rupiah")
            err = check_value(sub, v)
            if err:
                return f"entry {k!r}: {err}"
        if unit == "weights" and sum(value.values()) <= 0:
            return "expected at least one positive weight"
        if unit == "distribution" and abs(sum(value.values()) - 1) > 1e-6:
            return f"probabilities must sum to 1, they sum to {sum(value.values()):.6g}"
    else:
        return f"unknown unit {unit!r}; known units: {', '.join(UNITS)}"
    return None


@dataclass
class Parameter:
    """One parameter with its metadata and dated values (sorted by date)."""

    name: str
    label_id: str
    label_en: str
    unit: str
    source: str
    assumption: bool
    values: list[tuple[str, object]]
    file: str
    choices: list | None = None
    description: str = ""

    def value_at(self, date: str):
        """The value in force on *date* (ISO ``YYYY-MM-DD``), or raise ``LookupError``."""
        from ..common.months import in_force
        return in_force(self.values, date)


@dataclass
class ParameterSet:
    """All parameters found under ``params/policy`` and ``params/assumptions``."""

    params: dict[str, Parameter] = field(default_factory=dict)

    def __contains__(self, name: str) -> bool:
        return name in self.params

    def __getitem__(self, name: str) -> Parameter:
        return self.params[name]

    def names(self) -> list[str]:
        return sorted(self.params)


def parse_dated_values(raw, unit, choices, file, where, problems: Problems) -> list[tuple[str, object]]:
    """Validate a ``values:`` mapping of ISO date -> value; return it sorted by date."""
    if not isinstance(raw, dict) or not raw:
        problems.add(file, where, "expected 'values' to map effective dates (YYYY-MM-DD) to values")
        return []
    out = []
    for d, v in raw.items():
        d = str(d)
        if not is_iso_date(d):
            problems.add(file, f"{where}.{d}", "expected an effective date written YYYY-MM-DD")
            continue
        err = check_value(unit, v, choices)
        if err:
            problems.add(file, f"{where}.{d}", err)
            continue
        out.append((d, v))
    return sorted(out, key=lambda t: t[0])


def load_parameter_file(path: Path, section: str, problems: Problems, root: Path) -> dict[str, Parameter]:
    """Read and validate one parameter file; every problem is added to *problems*."""
    display = str(path.relative_to(root.parent)) if path.is_relative_to(root.parent) else str(path)
    doc = load_yaml(path, problems, display)
    if doc is None:
        return {}
    if not isinstance(doc, dict):
        problems.add(display, "", "expected a mapping of parameter names to their definitions")
        return {}
    out = {}
    for key, spec in doc.items():
        name = f"{section}.{path.stem}.{key}"
        if not isinstance(spec, dict):
            problems.add(display, str(key), "expected a parameter definition (label, unit, source, values)")
            continue
        for extra in sorted(set(spec) - _META_KEYS):
            problems.add(display, f"{key}.{extra}", f"unknown field; expected one of {', '.join(sorted(_META_KEYS))}")
        label = spec.get("label")
        if not (isinstance(label, dict) and isinstance(label.get("id"), str) and isinstance(label.get("en"), str)):
            problems.add(display, f"{key}.label", "expected a label with 'id' (Indonesian) and 'en' (English) text")
            label = {"id": key, "en": key}
        unit = spec.get("unit")
        if unit not in UNITS:
            problems.add(display, f"{key}.unit", f"expected one of {', '.join(UNITS)}; got {unit!r}")
            continue
        if not isinstance(spec.get("source"), str) or not spec["source"].strip():
            problems.add(display, f"{key}.source", "expected the source (regulation and article, or report and year)")
        if not isinstance(spec.get("assumption", None), bool):
            problems.add(display, f"{key}.assumption", "expected true (an assumption to validate) or false")
        choices = spec.get("choices")
        if unit == "choice" and not (isinstance(choices, list) and choices):
            problems.add(display, f"{key}.choices", "a 'choice' parameter needs a list of choices")
        values = parse_dated_values(spec.get("values"), unit, choices, display, f"{key}.values", problems)
        out[name] = Parameter(name, label["id"], label["en"], unit, str(spec.get("source", "")),
                              bool(spec.get("assumption", False)), values, display, choices,
                              str(spec.get("description", "")))
    return out


def load_parameters(root: Path | None = None, problems: Problems | None = None) -> ParameterSet:
    """Load every parameter file below *root* (default: the project's ``params/``)."""
    root = Path(root or PARAMS_DIR)
    own = problems if problems is not None else Problems()
    pset = ParameterSet()
    for section in SECTIONS:
        for path in sorted((root / section).glob("*.yaml")):
            pset.params.update(load_parameter_file(path, section, own, root))
    if problems is None:
        own.raise_if_any()
    return pset
