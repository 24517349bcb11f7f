"""Months of cover on the calendar: contributions are paid, and cover runs, by whole months.

Cover month ``k`` (k = 0, 1, ...) of a programme starting on ``start`` runs from
``add_months(start, k)`` to the day before ``add_months(start, k + 1)``; a start on the 31st
falls on the last day of shorter months (counted from the start each time, never chained).
A programme funded until a date pays for the whole months that end on or before it
(``budget.funded_until``: after it contributions stop and cover ends; a month only partly
funded is not paid, so there is never cover after that date).  APBD fiscal years are calendar
years; a cover month belongs to the year in which it begins.
"""
from __future__ import annotations

import calendar
from datetime import date, timedelta


def as_date(d) -> date:
    """A :class:`datetime.date` from a date or an ISO ``YYYY-MM-DD`` text."""
    return d if isinstance(d, date) else date.fromisoformat(str(d))


def add_months(start, k: int) -> date:
    """The date *k* calendar months after *start* (same day of the month, or the month's last day)."""
    s = as_date(start)
    y, m = divmod(s.month - 1 + int(k), 12)
    year, month = s.year + y, m + 1
    return date(year, month, min(s.day, calendar.monthrange(year, month)[1]))


def funded_months(start, funded_until) -> int | None:
    """Whole cover months from *start* that end on or before *funded_until* (None: open-ended).

    ``funded_until`` on the last day of the 12th month (2024-05-31 for a 2023-06-01 start) gives 12.
    """
    if funded_until is None:
        return None
    s, until = as_date(start), as_date(funded_until)
    if until.year - s.year > 100:   # far beyond any horizon (the scenario checks refuse it); no date overflow
        return (until.year - s.year) * 12
    end = until + timedelta(days=1)
    k = max((end.year - s.year) * 12 + end.month - s.month + 1, 0)
    while k > 0 and add_months(s, k) > end:
        k -= 1
    return k


def cover_end(start, months: int) -> date:
    """The last day of cover after *months* whole months from *start*."""
    return add_months(start, months) - timedelta(days=1)


def funded_in_period(start, funded_until, period_start, months: int = 12) -> int:
    """Funded months among the *months* cover months that begin at *period_start* (a date that is
    a whole number of months after *start*, e.g. a projection year)."""
    f = funded_months(start, funded_until)
    if f is None:
        return months
    s, p = as_date(start), as_date(period_start)
    offset = (p.year - s.year) * 12 + p.month - s.month
    return int(min(max(f - offset, 0), months))


_NONE = object()


def in_force(values, on: str, default=_NONE):
    """The value in force on ISO date *on* among ``(date, value)`` pairs (any order): the one with the
    latest date on or before *on*; *default* when none has taken effect yet, else ``LookupError``.
    Parameters, scenario overrides and dated changes (income, allocation) all take effect this way."""
    best = None
    for d, v in values:
        if str(d) <= on and (best is None or str(d) >= best[0]):
            best = (str(d), v)
    if best is not None:
        return best[1]
    if default is not _NONE:
        return default
    first = min((str(d) for d, _ in values), default="none")
    raise LookupError(f"no value in force on {on} (the earliest value takes effect {first})")
