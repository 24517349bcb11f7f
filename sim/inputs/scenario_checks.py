"""Checks of a scenario that need several values at once: parameters in force on the start
date, keys of mapping-valued parameters, the income floor, the roster file, the scholarship cap.
Each runs only when the values it needs are themselves valid, so every problem is reported once."""
from __future__ import annotations

import re

from ..common.errors import Problems
from ..common.formatting import rupiah


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
        elif funded_months(date, until) > 480:
            problems.add(where, "budget.funded_until", f"{until} is more than 40 years after {date}; "
                         "expected a date within 40 years, or null for open-ended funding")
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
    if name == "assumptions.portfolio.age_bands":
        for k in value:
            m = re.fullmatch(r"(\d+)-(\d+)", str(k))
            if not m or not (AGE_MIN <= int(m.group(1)) <= int(m.group(2)) <= AGE_MAX):
                return f"expected age bands written 'a-b' with {AGE_MIN} <= a <= b <= {AGE_MAX}; got {k!r}"
    return None


