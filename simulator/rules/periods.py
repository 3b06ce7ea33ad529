"""A licence kind's standard processing period on its own clock: its words and the day it ends.

A period counts calendar days (Japan's 90) or working days of the regime's calendar (China's
45). Explanations (``exportsim check``, ``regime show``) and the supply model's review clock
read a period through here, so the two clocks are told apart in one place. Pure: no I/O.
"""

from __future__ import annotations

import datetime as dt

from simulator.errors import Problem, RuleError
from simulator.rules.calendar import calendar_problems, working_days_after
from simulator.rules.values import LicenceKind, Regime


def period_words(regime: Regime, kind: LicenceKind) -> str:
    """The period as an explanation gives it: "90 days", "45 working days (China's calendar)".

    >>> from simulator.rules.values import LicenceKind, Regime
    >>> kind = LicenceKind("individual", 1, "Individual", 180, standard_processing_days=90)
    >>> period_words(Regime("r", "R", "JP", dt.date(2020, 1, 1), "a"), kind)
    '90 days'
    """
    days = kind.standard_processing_days
    if kind.in_working_days and regime.calendar is not None:
        return f"{days} working days ({regime.calendar.name()})"
    return f"{days} days"


def period_ends(regime: Regime, kind: LicenceKind, filed: dt.date) -> dt.date | None:
    """The day the standard period of an application filed on ``filed`` ends (None: no period).

    The day of receipt is not counted: a calendar period of N days ends N days later, a
    working-day period on its Nth working day after ``filed``.

    Raises:
        RuleError: a working-day period runs past the years the regime's calendar covers, or
            the regime has no calendar.
    """
    days = kind.standard_processing_days
    if days is None:
        return None
    if not kind.in_working_days:
        return filed + dt.timedelta(days=days)
    if regime.calendar is None:
        raise RuleError(f"licence kind {kind.id!r} counts working days; regime {regime.id!r} has no calendar")
    return working_days_after(regime.calendar, filed, days)


def period_end_words(regime: Regime, kind: LicenceKind, filed: dt.date) -> str:
    """A clause giving the day the period of an application filed on ``filed`` ends, or why not."""
    try:
        end = period_ends(regime, kind, filed)
    except (RuleError, OverflowError) as exc:
        return f"; for an application filed on {filed} its end is not known: {exc}"
    return f"; filed on {filed}, it ends on {end}"


def known_period_end(regime: Regime, kind: LicenceKind, filed: dt.date) -> dt.date | None:
    """:func:`period_ends`, or None where the calendar cannot give it (or it is past 9999)."""
    try:
        return period_ends(regime, kind, filed)
    except (RuleError, OverflowError):
        return None


def clock_problems(regime: Regime, licences: tuple[LicenceKind, ...]) -> list[Problem]:
    """Problems of the regime's calendar, and of kinds counting working days with none to count."""
    problems = calendar_problems(regime.calendar) if regime.calendar is not None else []
    for n, kind in enumerate(licences):
        if kind.in_working_days and regime.calendar is None:
            expected = 'expected "calendar", or a [calendar] table in the regime to count "working" days on'
            problems.append(Problem(f"licences[{n}].processing_clock", expected))
    return problems
