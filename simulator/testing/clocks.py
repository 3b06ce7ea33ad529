"""Shipped properties of working-day clocks, so `regime check --properties` tests a regime's calendar.

A regime that counts a licence kind's standard period in working days carries its calendar.
Two things must hold whatever the filing day: the period ends on a working day, exactly its
length in working days after the filing (the filing day not counted); and a calendar with one
more public holiday never ends a period earlier. A regime without working-day kinds passes
both trivially.
"""

from __future__ import annotations

import datetime as dt

import attrs
from hypothesis import strategies as st

from simulator.rules.calendar import Calendar, Holiday, is_working_day, working_days_after
from simulator.rules.values import Regime

_ANY_DAY = st.dates(dt.date(2000, 1, 1), dt.date(2100, 12, 31))


def _working_periods(regime: Regime) -> list[int]:
    """The standard periods, in working days, of the regime's kinds counted on its calendar."""
    return sorted(
        {
            k.standard_processing_days
            for k in regime.licences
            if k.in_working_days and k.standard_processing_days is not None
        }
    )


def covered_days(regime: Regime) -> st.SearchStrategy[dt.date]:
    """Days in the years the regime's calendar covers (any day if it has no calendar)."""
    calendar = regime.calendar
    if calendar is None or not calendar.years:
        return _ANY_DAY
    return st.dates(dt.date(calendar.years[0], 1, 1), dt.date(calendar.years[-1], 12, 31))


def working_period_ends_on_a_working_day(regime: Regime, filed: dt.date, pick: int) -> None:
    """A working-day period ends on a working day, exactly its length in working days after filing."""
    periods, calendar = _working_periods(regime), regime.calendar
    if not periods or calendar is None:
        return
    days = periods[pick % len(periods)]
    end = working_days_after(calendar, filed, days, strict=False)
    assert is_working_day(calendar, end, strict=False), (
        f"filed {filed}: {days} working days end on {end}, a day off"
    )
    counted = sum(
        is_working_day(calendar, filed + dt.timedelta(days=n), strict=False)
        for n in range(1, (end - filed).days + 1)
    )
    assert counted == days, f"filed {filed}: {counted} working days up to {end}, expected {days}"


def a_holiday_never_shortens_a_period(regime: Regime, filed: dt.date, holiday: dt.date, pick: int) -> None:
    """With one more public holiday, every working-day period ends on the same day or later."""
    periods, calendar = _working_periods(regime), regime.calendar
    if not periods or calendar is None:
        return
    days = periods[pick % len(periods)]
    longer: Calendar = attrs.evolve(
        calendar, holidays=(*calendar.holidays, Holiday(holiday, "added", "property"))
    )
    before = working_days_after(calendar, filed, days, strict=False)
    after = working_days_after(longer, filed, days, strict=False)
    assert after >= before, f"filed {filed}: a holiday on {holiday} moved the end from {before} to {after}"
