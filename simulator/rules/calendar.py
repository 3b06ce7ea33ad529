"""A regime's calendar: weekends, dated public holidays, make-up working days, and working days.

Some standard processing periods run in working days (China's 45 working days), so the law's
clock needs the regime's calendar as dated, cited data. The calendar says which years it
covers; asking about a day outside them is a :class:`~simulator.errors.RuleError` unless the
caller asks explicitly for weekends only (``strict=False``: the supply model, whose runs may
outlast the published calendars). Pure: no I/O.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections.abc import Iterator
from typing import Literal

from attrs import field, frozen

from simulator.errors import Problem, RuleError

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
"""Weekday names as ``weekend`` gives them, in :meth:`datetime.date.weekday` order."""
Clock = Literal["calendar", "working"]
"""How a licence kind's standard processing period counts its days."""
CALENDAR_CLOCK: Clock = "calendar"
WORKING_CLOCK: Clock = "working"

_DAY = dt.timedelta(days=1)
_ROUNDING = 1e-9
"""Working time within this of a whole day counts as the whole day (float sums of parts)."""


@frozen
class CoveredYear:
    """A year whose public holidays and make-up working days the calendar gives, cited."""

    year: int
    citation: str
    source: str = ""


@frozen
class Holiday:
    """Public holidays from ``start`` through ``end`` (inclusive; a single day without ``end``).

    Regime files name the two ``from`` and ``to``.
    """

    start: dt.date
    name: str
    citation: str
    end: dt.date | None = None
    source: str = ""

    @property
    def last(self) -> dt.date:
        """The holiday's last day."""
        return self.end or self.start

    def days(self) -> Iterator[dt.date]:
        """Every day of the holiday (by ordinal: a holiday may end on the calendar's last day)."""
        for ordinal in range(self.start.toordinal(), self.last.toordinal() + 1):
            yield dt.date.fromordinal(ordinal)


@frozen
class Workday:
    """A weekend day made a working day (a make-up day for a long holiday)."""

    date: dt.date
    name: str
    citation: str
    source: str = ""


@frozen(cache_hash=True)
class Calendar:
    """Which days are working days: not the weekend, not a public holiday, or a make-up day."""

    title: str = ""
    """How explanations name it ("China's calendar")."""
    weekend: tuple[str, ...] = field(default=("Sat", "Sun"), converter=tuple)
    covers: tuple[CoveredYear, ...] = ()
    holidays: tuple[Holiday, ...] = ()
    workdays: tuple[Workday, ...] = ()
    citation: str = ""
    source: str = ""

    @property
    def years(self) -> tuple[int, ...]:
        """The years covered, in order."""
        return tuple(sorted(c.year for c in self.covers))

    def name(self) -> str:
        """The calendar's name in an explanation."""
        return self.title or "the regime's calendar"


@functools.lru_cache(maxsize=32)
def _days_off(calendar: Calendar) -> tuple[frozenset[int], frozenset[dt.date], frozenset[dt.date]]:
    weekend = frozenset(WEEKDAYS.index(d) for d in calendar.weekend if d in WEEKDAYS)
    holidays = frozenset(d for h in calendar.holidays for d in h.days())
    return weekend, holidays, frozenset(w.date for w in calendar.workdays)


def is_working_day(calendar: Calendar, day: dt.date, strict: bool = True) -> bool:
    """Whether ``day`` is a working day.

    Args:
        calendar: the regime's calendar.
        day: the day asked about.
        strict: outside the covered years, raise (True) or count weekends only (False).

    Raises:
        RuleError: ``strict`` and ``day`` falls in a year the calendar does not cover.

    >>> cal = Calendar(holidays=(Holiday(dt.date(2025, 1, 1), "New Year", "c"),),
    ...                covers=(CoveredYear(2025, "c"),))
    >>> is_working_day(cal, dt.date(2025, 1, 1)), is_working_day(cal, dt.date(2025, 1, 2))
    (False, True)
    """
    weekend, holidays, workdays = _days_off(calendar)
    if day.year not in calendar.years:
        if strict:
            raise RuleError(_uncovered(calendar, day.year))
        return day.weekday() not in weekend
    if day in workdays:
        return True
    return day not in holidays and day.weekday() not in weekend


def _uncovered(calendar: Calendar, year: int) -> str:
    covered = ", ".join(str(y) for y in calendar.years) or "no year"
    return f"{calendar.name()} covers {covered}; it does not give the working days of {year}"


def working_days_after(calendar: Calendar, filed: dt.date, days: int, strict: bool = True) -> dt.date:
    """The day a period of ``days`` working days after ``filed`` ends (``filed`` not counted).

    Args:
        calendar: the regime's calendar.
        filed: the day of receipt; the count starts the next day.
        days: the period in working days (0 ends on ``filed``).
        strict: beyond the covered years, raise (True) or count weekends only (False).

    Raises:
        RuleError: ``strict`` and the period runs through a year the calendar does not cover.

    >>> cal = Calendar(covers=(CoveredYear(2025, "c"),))
    >>> working_days_after(cal, dt.date(2025, 1, 3), 1)  # a Friday: ends on Monday
    datetime.date(2025, 1, 6)
    """
    day = filed
    for _ in range(days):
        day += _DAY
        while not is_working_day(calendar, day, strict):
            day += _DAY
    return day


def working_time_span(
    calendar: Calendar, origin: dt.date, now: float, days: float, strict: bool = False
) -> float:
    """Days from ``now`` (days since ``origin``) until ``days`` working days of work are done.

    The time of day carries over: whole working days end at the same time of day on
    :func:`working_days_after`'s end date (the day of ``now`` not counted), and a fraction of a
    working day adds to the time of day, moving to the next working day past midnight. So a
    review split into parts (documents returned) takes exactly the working time of the whole.

    >>> cal = Calendar(covers=(CoveredYear(2025, "c"),))
    >>> friday = dt.date(2025, 1, 3)
    >>> working_time_span(cal, friday, 0.25, 1.0)  # from 06:00 Friday to 06:00 Monday
    3.0
    >>> first = working_time_span(cal, friday, 0.0, 0.75)  # to 18:00 Friday
    >>> first, first + working_time_span(cal, friday, first, 0.5)  # then on to 06:00 Monday
    (0.75, 3.25)
    """
    day = math.floor(now)
    position = now - day + days
    whole = math.floor(position + _ROUNDING)  # 0.86 + 3.14 may come out a hair under 4
    start = origin + dt.timedelta(days=day)
    end = working_days_after(calendar, start, whole, strict) if whole > 0 else start
    return (end - origin).days + max(0.0, position - whole) - now


def working_days_in_year(calendar: Calendar, year: int) -> int:
    """How many working days ``year`` has.

    Raises:
        RuleError: the calendar does not cover ``year``.

    >>> working_days_in_year(Calendar(covers=(CoveredYear(2024, "c"),)), 2024)
    262
    """
    day, count = dt.date(year, 1, 1), 0
    while day.year == year:
        count += is_working_day(calendar, day)
        day += _DAY
    return count


def calendar_problems(calendar: Calendar, root: str = "calendar") -> list[Problem]:
    """Every problem of meaning in a calendar, at its field path (empty when sound)."""
    return [
        *_weekend_problems(calendar, root),
        *_year_problems(calendar, root),
        *_day_problems(calendar, root),
    ]


def _weekend_problems(calendar: Calendar, root: str) -> Iterator[Problem]:
    for name in calendar.weekend:
        if name not in WEEKDAYS:
            yield Problem(f"{root}.weekend", f"expected weekday names ({', '.join(WEEKDAYS)}), got {name!r}")
    if set(WEEKDAYS) <= set(calendar.weekend):
        yield Problem(f"{root}.weekend", "expected at least one working weekday; every day is the weekend")


def _year_problems(calendar: Calendar, root: str) -> Iterator[Problem]:
    years = [c.year for c in calendar.covers]
    for n, year in enumerate(years):
        if year in years[:n]:
            yield Problem(f"{root}.covers[{n}].year", f"year {year} is covered twice")
    if (calendar.holidays or calendar.workdays) and not years:
        yield Problem(f"{root}.covers", "expected the years the calendar covers ([[calendar.covers]])")


def _holiday_years_problems(holiday: Holiday, years: tuple[int, ...], where: str) -> Iterator[Problem]:
    """A holiday's first and last days, and every year between, must be covered."""
    covered = ", ".join(str(y) for y in years)
    for name, day in (("from", holiday.start), ("to", holiday.last)):
        if day.year not in years:
            yield Problem(f"{where}.{name}", f"expected a day in a covered year ({covered}), got {day}")
            return
    gap = next((y for y in range(holiday.start.year, holiday.last.year) if y not in years), None)
    if gap is not None:
        expected = f"expected a holiday within the covered years ({covered}); it runs through {gap}"
        yield Problem(f"{where}.to", expected)


def _day_problems(calendar: Calendar, root: str) -> Iterator[Problem]:
    covered = ", ".join(str(y) for y in calendar.years)
    for n, holiday in enumerate(calendar.holidays):
        where = f"{root}.holidays[{n}]"
        if holiday.last < holiday.start:
            expected = f"expected a day on or after from ({holiday.start}), got {holiday.last}"
            yield Problem(f"{where}.to", expected)
        elif calendar.years:
            yield from _holiday_years_problems(holiday, calendar.years, where)
    weekend = {WEEKDAYS.index(d) for d in calendar.weekend if d in WEEKDAYS}  # holidays not expanded yet
    for n, workday in enumerate(calendar.workdays):
        where = f"{root}.workdays[{n}].date"
        if workday.date.weekday() not in weekend:
            weekday = WEEKDAYS[workday.date.weekday()]
            expected = f"expected a weekend day (a make-up working day), got {workday.date} ({weekday})"
            yield Problem(where, expected)
        elif calendar.years and workday.date.year not in calendar.years:
            yield Problem(where, f"expected a day in a covered year ({covered}), got {workday.date}")
