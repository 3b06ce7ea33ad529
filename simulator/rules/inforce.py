"""When each measure is in force: its period (effective to repeal or ``until``) less suspensions.

A measure is *in force* on a day its period covers unless a measure in force that day
``suspends`` it. Suspensions may chain (a measure suspending a suspension); the regime's
validation refuses cycles, so "in force" is well defined. A suspension stops a measure's rules
(including its own suspensions); the repeals it made stand, as a repeal is done once.

Which measures are in force changes only on a day some period starts or ends, so
:func:`boundaries` (every such day) is where decisions may change: the compiled tables and
the constancy property rely on that. This module is split from :mod:`simulator.rules.engine`
so that dated listing (:mod:`simulator.rules.listing`) can ask what is in force without it.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable

import attrs

from simulator.rules.values import Measure, Regime

_DAY = dt.timedelta(days=1)


@attrs.frozen
class Period:
    """When a measure's period runs: from ``start`` up to, not including, ``end``."""

    measure: Measure
    start: dt.date
    end: dt.date | None

    def covers(self, day: dt.date) -> bool:
        """Whether the measure's period runs on ``day`` (it may still be suspended)."""
        return self.start <= day and (self.end is None or day < self.end)


@functools.lru_cache(maxsize=64)
def periods(regime: Regime) -> tuple[Period, ...]:
    """Return every measure's period, in the order its rules apply."""
    ends = {m.id: (m.until + _DAY if m.until and m.until < dt.date.max else None) for m in regime.measures}
    for measure in regime.measures:
        for repealed in measure.repeals:
            end = ends[repealed]
            ends[repealed] = measure.effective if end is None else min(end, measure.effective)
    ordered = sorted(enumerate(regime.measures), key=lambda im: (im[1].effective, im[0]))
    return tuple(Period(m, m.effective, ends[m.id]) for _, m in ordered)


def period_of(regime: Regime, measure_id: str) -> Period:
    """Return the period of measure ``measure_id``; raise ``KeyError`` if absent."""
    found = next((p for p in periods(regime) if p.measure.id == measure_id), None)
    if found is None:
        raise KeyError(measure_id)
    return found


def covering(regime: Regime, day: dt.date) -> tuple[Measure, ...]:
    """Return the measures whose periods cover ``day``, suspended or not, in legal order."""
    return tuple(p.measure for p in periods(regime) if p.covers(day))


def in_force(regime: Regime, day: dt.date) -> tuple[Measure, ...]:
    """Return the measures in force on ``day`` (covering and not suspended), in legal order."""
    measures = covering(regime, day)
    if not any(m.suspends for m in measures):
        return measures
    return tuple(m for m in measures if not _suspenders(m, measures, ()))


def suspended_by(regime: Regime, measure_id: str, day: dt.date) -> Measure | None:
    """Return the measure in force on ``day`` that suspends ``measure_id`` (None if none does).

    The suspended measure's own period need not cover the day: a measure can be suspended
    before it takes effect.
    """
    return next((m for m in in_force(regime, day) if measure_id in m.suspends), None)


def _suspenders(measure: Measure, measures: tuple[Measure, ...], seen: tuple[str, ...]) -> list[Measure]:
    """The measures among ``measures`` that suspend ``measure`` and are themselves in force."""
    chain = (*seen, measure.id)  # a cycle (refused when loading) counts as no suspension
    return [
        s
        for s in measures
        if measure.id in s.suspends and s.id not in chain and not _suspenders(s, measures, chain)
    ]


def boundaries(regime: Regime) -> tuple[tuple[dt.date, str | None], ...]:
    """Return the days the law may change, each with the measure that changes it.

    Every start and end of a period, so every day a listing or a suspension starts or ends.
    """
    points: dict[dt.date, str | None] = {regime.valid_from: None}
    for period in periods(regime):
        points.setdefault(period.start, period.measure.id)
        if period.end is not None:
            points.setdefault(period.end, _ender(regime, period))
    return tuple(sorted((d, m) for d, m in points.items() if d >= regime.valid_from))


def _ender(regime: Regime, period: Period) -> str:
    for measure in regime.measures:
        if period.measure.id in measure.repeals and measure.effective == period.end:
            return measure.id
    return period.measure.id


def in_force_since(regime: Regime, measure: Measure, day: dt.date) -> dt.date:
    """The first day of the unbroken stretch, ending on ``day``, over which ``measure`` is in force.

    Its effective date, or the day after a suspension of it ended. ``measure`` must be in
    force on ``day``.
    """
    since = day
    for start in reversed(_days_up_to(boundaries(regime), day)):
        if measure not in in_force(regime, start):
            break
        since = start
    return since


def _days_up_to(points: Iterable[tuple[dt.date, str | None]], day: dt.date) -> list[dt.date]:
    return [d for d, _ in points if d <= day]
