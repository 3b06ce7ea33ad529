"""The model's review clock on working days: a standard period in working days ends on the calendar's day."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import attrs
import pytest

from simulator.model import simulate
from simulator.model.authority import ReviewClock
from simulator.regimes.loading import load_regime
from simulator.scenario.distributions import fixed
from simulator.scenario.loading import load_scenario

D = dt.date
HERE = Path(__file__).parent
SCENARIO, REGIME = load_scenario(HERE / "scenarios" / "working-days.toml")


def _reviews(scenario: object = SCENARIO) -> list[tuple[dt.date, dt.date, float]]:
    """The first four applications as (filed, decided, time of day filed)."""
    records = simulate(scenario, REGIME)  # type: ignore[arg-type]
    out = []
    for a in records.applications[:4]:
        assert a.decided is not None
        out.append((SCENARIO.date(a.filed), SCENARIO.date(a.decided), round(a.decided % 1 - a.filed % 1, 9)))
    return out


def test_a_standard_review_in_working_days_ends_on_the_hand_counted_day() -> None:
    """Filed Mondays from 14 Apr 2025, 45 working days end on 19 Jun, 26 Jun, 4 Jul (Labour Day) and 8 Jul."""
    assert _reviews() == [
        (D(2025, 4, 14), D(2025, 6, 19), 0.0),
        (D(2025, 4, 21), D(2025, 6, 26), 0.0),
        (D(2025, 4, 28), D(2025, 7, 4), 0.0),
        (D(2025, 5, 5), D(2025, 7, 8), 0.0),
    ]


def test_scenario_review_days_stay_calendar_days() -> None:
    """With the authority's review_days of a fixed 45, a review takes 45 calendar days, holidays or not."""
    scenario = attrs.evolve(SCENARIO, authority=attrs.evolve(SCENARIO.authority, review_days=fixed(45.0)))
    records = simulate(scenario, REGIME)
    decided = [a for a in records.applications if a.decided is not None]
    assert decided
    assert [a.decided - a.filed for a in decided] == pytest.approx([45.0] * len(decided))


def test_the_review_clock_counts_weekends_only_past_the_covered_years() -> None:
    """From Wed 30 Dec 2026, 2 working days end on Fri 1 Jan 2027: 2027's holidays are not known."""
    regime = load_regime(HERE / "regimes" / "working-days.toml")
    clock = ReviewClock(regime.calendar, D(2026, 12, 1))
    assert clock.span(29.25, 2.0) == 2.0
    assert clock.span(29.25, 3.0) == 5.0  # Mon 4 Jan 2027
    assert ReviewClock(None, D(2026, 12, 1)).span(29.25, 3.0) == 3.0
