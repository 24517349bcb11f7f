"""Checks of a scenario that need several values at once: parameters in force on the start
date, keys of mapping-valued parameters, the income floor, the roster file, the scholarship cap.
Each runs only when the values it needs are themselves valid, so every problem is reported once."""
from __future__ import annotations

import re

from ..common import limits
from ..common.errors import Problems
from ..common.formatting import rupiah
from .params import check_value, is_iso_date


def _whole(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def check_kind(kind: str, value) -> str | None:
    """What is wrong with *value* for the scenario setting kind *kind* (see SCHEMA), or None."""
    if kind == "name":
        return None if isinstance(value, str) and re.fullmatch(r"[A-Za-z0-9_.-]+", value) else \
            "expected a name of letters, digits, '-', '_' or '.'"
    if kind == "label":
        ok = isinstance(value, dict) and set(value) <= {"id", "en"} and all(isinstance(v, str) for v in value.values())
        return None if ok else "expected a mapping with 'id' and 'en' text"
    if kind == "text":
        return None if isinstance(value, str) else "expected text"
    if kind == "date_or_null":
        return None if value is None or is_iso_date(value) else "expected null or a date written YYYY-MM-DD"
    if kind == "date":
        if not is_iso_date(value):
            return "expected a date written YYYY-MM-DD"
        if not limits.MIN_YEAR <= int(value[:4]) <= limits.MAX_YEAR:
            return (f"tahun di luar {limits.MIN_YEAR}-{limits.MAX_YEAR} / expected a date in the years "
                    f"{limits.MIN_YEAR} to {limits.MAX_YEAR}, got {value}")
        return None
    if kind == "bool":
        return None if isinstance(value, bool) else f"expected true or false, got {value!r}"
    if kind == "workers":
        if value is None:
            return None
        if not (_whole(value) and value >= 1):
            return f"expected a whole number of workers, 1 or more (or null with a roster), got {value!r}"
        return None if value <= limits.MAX_WORKERS else limits.above(value, limits.MAX_WORKERS)
    if kind == "mc_years":
        if not (_whole(value) and value >= 0):
            return f"expected a whole number of years, 0 or more (0: no Monte Carlo), got {value!r}"
        return None if value <= limits.MAX_MC_YEARS else \
            limits.above(value, limits.MAX_MC_YEARS, value * limits.MC_BYTES_PER_YEAR)
    if kind == "paths":
        return check_paths(value)
    if kind == "villages":
        return None if value is None or (isinstance(value, int) and not isinstance(value, bool) and value >= 1) else \
            f"expected a whole number of desa, 1 or more (or null when unknown), got {value!r}"
    if kind == "village_list":
        from .portfolio import village_lists
        return None if value is None or value in village_lists() else \
            f"expected null or one of the village lists in params/data: {', '.join(village_lists())}; got {value!r}"
    if kind == "text_or_null":
        ok = value is None or (isinstance(value, str) and value.strip()) or (isinstance(value, int) and not isinstance(value, bool))
        return None if ok else "expected null or a sheet name"
    if kind == "path_or_null":
        return None if value is None or (isinstance(value, str) and value.strip()) else "expected null or a file path"
    if kind == "budget_months":
        return None if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= limits.MAX_BUDGET_MONTHS \
            else f"expected a whole number of months between 1 and {limits.MAX_BUDGET_MONTHS}, got {value!r}"
    if kind == "seed":
        return None if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else \
            f"expected a whole number, 0 or more, got {value!r}"
    if kind == "projection_years":
        return None if isinstance(value, int) and not isinstance(value, bool) and \
            1 <= value <= limits.MAX_PROJECTION_YEARS else \
            f"expected a whole number of years between 1 and {limits.MAX_PROJECTION_YEARS}, got {value!r}"
    if kind == "dated_rupiah":
        if not isinstance(value, dict):
            return "expected a mapping of dates (YYYY-MM-DD) to rupiah amounts"
        for d, v in value.items():
            if not is_iso_date(str(d)):
                return f"expected dates written YYYY-MM-DD, got {d!r}"
            err = check_value("rupiah", v)
            if err:
                return f"{d}: {err}"
        return None
    if kind == "lattice":
        return None if _whole(value) and 1 <= value <= limits.MAX_LATTICE_UNIT else \
            f"expected a whole number of rupiah between 1 and {limits.grouped(limits.MAX_LATTICE_UNIT)}, got {value!r}"
    return check_value(kind, value)


def check_paths(value, years: int = limits.MAX_PROJECTION_YEARS) -> str | None:
    """What is wrong with a number of projection paths (``projection.paths``, ``--paths``), or None."""
    if not (_whole(value) and value >= 1):
        return f"expected a whole number of paths, 1 or more, got {value!r}"
    return None if value <= limits.MAX_PATHS else \
        limits.above(value, limits.MAX_PATHS, value * years * limits.PATH_BYTES_PER_YEAR)


def cross_checks(scen, display: str, problems: Problems, bad: set[str]) -> None:
    """Checks that need several values (dates in force, the income floor, the roster, keys of
    mappings); each runs when the values it needs are themselves valid."""
    if "scenario.start" in bad:
        return
    date = scen.start
    ok: dict[str, object] = {}
    for name in scen.params.names():
        if name in bad:
            continue
        where = scen.origin.get(name, scen.params[name].file)
        try:
            value = scen.param(name)
        except LookupError as exc:
            problems.add(where, name, str(exc))
            continue
        err = check_keys(name, value)
        if err:
            problems.add(where, name, err)
            continue
        ok[name] = value
    floor = ok.get("policy.contributions.income_floor")
    income = scen["income.declared_monthly"]
    if floor is not None and "income.declared_monthly" not in bad and income < floor:
        problems.add(scen.origin.get("income.declared_monthly", display), "income.declared_monthly",
                     f"declared income {rupiah(income)} is below the BPU floor of {rupiah(floor)} in force on {date}")
    if floor is not None and "income.changes" not in bad:
        for d, v in (scen["income.changes"] or {}).items():
            if v < floor:
                problems.add(scen.origin.get("income.changes", display), f"income.changes.{d}",
                             f"declared income {rupiah(v)} is below the BPU floor of {rupiah(floor)}")
    until = scen["budget.funded_until"]
    if until is not None and "budget.funded_until" not in bad:
        from ..common.months import cover_end, funded_months
        where = scen.origin.get("budget.funded_until", display)
        if funded_months(date, until) < 1:
            problems.add(where, "budget.funded_until",
                         f"{until} ends before the first whole month of cover ({date} to {cover_end(date, 1)}); "
                         f"expected null or a date on or after {cover_end(date, 1)}")
        elif funded_months(date, until) > limits.MAX_BUDGET_MONTHS:
            n = limits.MAX_PROJECTION_YEARS
            problems.add(where, "budget.funded_until", f"{until} is more than {n} years after {date}; "
                         f"expected a date within {n} years, or null for open-ended funding")
    if "portfolio.roster" not in bad:
        roster = scen.roster_path()
        if roster is not None:
            if not roster.is_file():
                problems.add(scen.origin.get("portfolio.roster", display), "portfolio.roster",
                             f"roster file not found: {roster}")
        elif scen["portfolio.workers"] is None and "portfolio.workers" not in bad:
            problems.add(display, "portfolio.workers", "expected a number of workers, or a roster file in portfolio.roster")
    if not {"portfolio.villages", "portfolio.village_list"} & bad:
        _check_villages(scen, display, problems)
    med = ("assumptions.accidents.medical_mean", "assumptions.accidents.claim_type_mix",
           "assumptions.accidents.medical_relativity", "assumptions.accidents.medical_cap")
    if all(n in ok for n in med):
        err = medical_mean_problem(*(ok[n] for n in med))
        if err:
            problems.add(scen.origin.get(med[0], scen.params[med[0]].file), med[0], err)
    names = ("policy.scholarship.per_year", "policy.scholarship.max_years", "assumptions.scholarship.commitment_per_child")
    if all(n in ok for n in names):
        from ..law.benefits import scholarship_max_per_child
        per_year, max_years, per_child = (ok[n] for n in names)
        if set(per_year) != set(max_years):
            problems.add(scen.params[names[1]].file, names[1], "expected the same school levels as per_year")
        elif per_child > scholarship_max_per_child(per_year, max_years):
            cap = scholarship_max_per_child(per_year, max_years)
            problems.add(scen.origin.get(names[2], scen.params[names[2]].file), names[2],
                         f"{rupiah(per_child)} exceeds the schedule maximum of {rupiah(cap)} per child")


def _check_villages(scen, display: str, problems: Problems) -> None:
    """A count of desa fits the village list it is drawn from (a count without a list is only recorded)."""
    from .portfolio import load_villages
    vl, n = scen["portfolio.village_list"], scen["portfolio.villages"]
    if vl is None or n is None:
        return
    have = len(load_villages("desa", vl))
    if n > have:
        problems.add(scen.origin.get("portfolio.villages", display), "portfolio.villages",
                     f"expected a whole number of desa between 1 and {have} (the desa of the '{vl}' list), got {n}")


def medical_mean_problem(mean: float, mix: dict, rel: dict, cap: float, factor: float = 1.0) -> str | None:
    """What is wrong when the mean medical cost of some claim type, ``mean x rel[t] / sum(mix x rel)``
    (times an inflation *factor*), is not below the modelling cap (the capped lognormal cannot reach
    it, :func:`sim.risk.severity.Medical.calibrated`), or None."""
    norm = sum(float(mix[t]) * float(rel.get(t, 0.0)) for t in mix) or 1.0
    worst = max((mean * factor * float(rel.get(t, 0.0)) / norm for t in mix if mix[t] > 0), default=0.0)
    if worst < cap:
        return None
    return (f"rata-rata biaya medis {rupiah(worst)} (jenis klaim termahal) tidak di bawah batas model {rupiah(cap)} / "
            f"the mean medical cost of the costliest claim type, {rupiah(worst)}, is not below the modelling "
            f"cap assumptions.accidents.medical_cap of {rupiah(cap)}")


def _number_key(k) -> bool:
    try:
        float(k)
        return True
    except (TypeError, ValueError):
        return False


def check_keys(name: str, value) -> str | None:
    """What is wrong with the keys of a mapping-valued parameter, or None."""
    from ..law.benefits import CLAIM_TYPES
    from .portfolio import AGE_MAX, AGE_MIN, OCCUPATIONS
    exact_keys = {
        "assumptions.accidents.occupation_relativity": OCCUPATIONS,
        "assumptions.portfolio.occupation_mix": OCCUPATIONS,
        "assumptions.accidents.claim_type_mix": CLAIM_TYPES,
        "assumptions.accidents.medical_relativity": CLAIM_TYPES,
    }
    if name in exact_keys:
        want = set(exact_keys[name])
        got = {str(k) for k in value}
        if got != want:
            parts = []
            if got - want:
                parts.append(f"unknown {', '.join(sorted(got - want))}")
            if want - got:
                parts.append(f"missing {', '.join(sorted(want - got))}")
            return f"expected the keys {', '.join(exact_keys[name])} ({'; '.join(parts)})"
    numeric = {"assumptions.accidents.temporary_months": "months off work",
               "assumptions.accidents.partial_disability_share": "disability shares between 0 and 1",
               "assumptions.scholarship.children_eligible": "whole numbers of children"}
    if name in numeric:
        bad = [k for k in value if not _number_key(k) or float(k) < 0]
        if name.endswith("partial_disability_share"):
            bad += [k for k in value if _number_key(k) and float(k) > 1]
        if name.endswith("children_eligible"):
            bad += [k for k in value if _number_key(k) and float(k) != int(float(k))]
        if bad:
            return f"expected keys that are {numeric[name]}; got {', '.join(map(repr, bad))}"
    if name == "assumptions.scholarship.share_drawing":
        from ..law.benefits import SCHOOL_LEVELS as LEVELS
        if {str(k) for k in value} != set(LEVELS) or any(float(v) > 1 for v in value.values()):
            return f"expected the levels {', '.join(LEVELS)} with shares between 0 and 1"
    if name == "assumptions.scholarship.child_age_at_claim" or name.startswith("assumptions.reporting.lag_"):
        what = "ages 0-22" if name.endswith("child_age_at_claim") else "development years 0-10"
        top = 22 if name.endswith("child_age_at_claim") else 10
        bad = [k for k in value if not _number_key(k) or float(k) != int(float(k)) or not 0 <= float(k) <= top]
        if bad:
            return f"expected keys that are whole {what}; got {', '.join(map(repr, bad))}"
    if name == "assumptions.portfolio.age_bands":
        for k in value:
            m = re.fullmatch(r"(\d+)-(\d+)", str(k))
            if not m or not (AGE_MIN <= int(m.group(1)) <= int(m.group(2)) <= AGE_MAX):
                return f"expected age bands written 'a-b' with {AGE_MIN} <= a <= b <= {AGE_MAX}; got {k!r}"
    return None


