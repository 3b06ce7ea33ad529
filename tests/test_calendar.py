"""Working-day clocks: China's calendar, oracles of docs/sources/china-2025.md; holidays; bad calendars."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import attrs
import pytest
from helpers import run
from hypothesis import example, given
from hypothesis import strategies as st

from simulator import Application, decide, load_regime
from simulator.errors import InputError, RuleError
from simulator.rules.calendar import (
    Holiday,
    is_working_day,
    working_days_after,
    working_days_in_year,
    working_time_span,
)
from simulator.rules.periods import known_period_end, period_ends, period_words

D = dt.date
REGIME = Path(__file__).parent / "regimes" / "working-days.toml"
CHINA = load_regime(REGIME)
CALENDAR = CHINA.calendar
assert CALENDAR is not None


def test_2025_has_248_working_days() -> None:
    """docs/sources/china-2025.md's oracle: China's 2025 calendar has 248 working days."""
    assert working_days_in_year(CALENDAR, 2025) == 248


def test_45_working_days_after_7_april_2025_end_on_12_june() -> None:
    """docs/sources/china-2025.md's oracle: 45 working days after Mon 7 Apr 2025 (not counted) end 12 Jun."""
    assert working_days_after(CALENDAR, D(2025, 4, 7), 45) == D(2025, 6, 12)


@pytest.mark.parametrize(
    ("filed", "days", "ends"),
    [
        (D(2025, 1, 24), 1, D(2025, 1, 26)),  # Fri: the next working day is the make-up Sunday
        (D(2025, 1, 24), 2, D(2025, 1, 27)),
        (D(2025, 1, 24), 3, D(2025, 2, 5)),  # 28 Jan - 4 Feb off
        (D(2025, 1, 24), 6, D(2025, 2, 8)),  # the make-up Saturday
        (D(2025, 1, 24), 7, D(2025, 2, 10)),
        (D(2025, 1, 27), 1, D(2025, 2, 5)),
        (D(2025, 1, 30), 1, D(2025, 2, 5)),  # filed on a holiday
        (D(2025, 9, 26), 1, D(2025, 9, 28)),  # the make-up Sunday before National Day
        (D(2025, 9, 26), 3, D(2025, 9, 30)),
        (D(2025, 9, 26), 4, D(2025, 10, 9)),  # 1-8 Oct off
        (D(2025, 9, 26), 6, D(2025, 10, 11)),  # the make-up Saturday
        (D(2025, 9, 26), 7, D(2025, 10, 13)),
        (D(2025, 10, 4), 1, D(2025, 10, 9)),
        (D(2025, 10, 4), 0, D(2025, 10, 4)),
    ],
)
def test_hand_counted_periods_around_lunar_new_year_and_national_day(
    filed: dt.date, days: int, ends: dt.date
) -> None:
    """Periods around the 2025 Spring Festival and National Day end on the hand-counted days."""
    assert working_days_after(CALENDAR, filed, days) == ends


def test_a_period_past_the_covered_years_is_an_error_unless_weekends_only_is_asked_for() -> None:
    """Strictly, 2027 is unknown; with strict=False it counts weekends only (1 Jan 2027 is a Fri)."""
    with pytest.raises(RuleError, match="covers 2025, 2026; it does not give the working days of 2027"):
        working_days_after(CALENDAR, D(2026, 12, 30), 2)
    assert working_days_after(CALENDAR, D(2026, 12, 30), 2, strict=False) == D(2027, 1, 1)
    with pytest.raises(RuleError):
        working_days_in_year(CALENDAR, 2024)


def test_working_time_carries_the_time_of_day_over_holidays() -> None:
    """From Fri 24 Jan 2025, 3 working days end on Wed 5 Feb at the same time of day.

    They are Sun 26 Jan (a make-up working day), Mon 27 Jan and, after the Spring Festival
    (28 Jan-4 Feb), Wed 5 Feb. From 12:00, 2.5 working days end at 00:00 on 5 Feb: half a day
    past noon on Mon 27 Jan is midnight, and the next working day is 5 Feb.
    """
    start = D(2025, 1, 24)
    assert working_time_span(CALENDAR, start, 0.0, 3.0) == 12.0
    assert start + dt.timedelta(days=12) == working_days_after(CALENDAR, start, 3)
    assert working_time_span(CALENDAR, start, 0.5, 3.0) == 12.0
    assert working_time_span(CALENDAR, start, 0.5, 2.5) == 11.5


@given(st.dates(D(2025, 1, 1), D(2026, 9, 30)), st.integers(0, 45), st.floats(0.0, 1.0))
@example(D(2025, 8, 1), 11, 0.714910128418729)  # the parts' float sum falls a hair short of 4 days
def test_a_split_review_takes_as_much_working_time_as_a_whole_one(
    filed: dt.date, days: int, fraction: float
) -> None:
    """A review split in two parts, the second starting where the first ended, ends where the whole would."""
    first = working_time_span(CALENDAR, filed, 0.0, days * fraction)
    rest = working_time_span(CALENDAR, filed, first, days - days * fraction)
    assert first + rest == pytest.approx(working_time_span(CALENDAR, filed, 0.0, days), abs=1e-9)


def test_explanation_gives_the_clock_the_calendar_and_the_end_date() -> None:
    """The conclusion of ``check`` says '45 working days (China's calendar)' and the day the period ends."""
    decision = decide(CHINA, Application("magnet", "US", D(2025, 4, 7)))
    text = decision.explanation[-1].text
    assert "standard processing period 45 working days (China's calendar) from receipt" in text
    assert "filed on 2025-04-07, it ends on 2025-06-12" in text
    assert (decision.processing_clock, decision.standard_period_ends) == ("working", D(2025, 6, 12))


def test_explanation_says_when_the_calendar_cannot_give_the_end() -> None:
    """Near the covered years' end the explanation says why the end is unknown; the decision stands."""
    decision = decide(CHINA, Application("magnet", "US", D(2026, 12, 1)))
    assert decision.licence == "individual"
    assert decision.standard_period_ends is None
    assert "its end is not known: China's calendar covers 2025, 2026" in decision.explanation[-1].text


def test_calendar_kinds_keep_their_words_and_end_n_days_later(japan) -> None:  # type: ignore[no-untyped-def]
    """Japan's 90-day period is '90 days' and ends 90 calendar days after filing."""
    kind = japan.licence("individual")
    assert period_words(japan, kind) == "90 days"
    assert period_ends(japan, kind, D(2019, 7, 4)) == D(2019, 10, 2)


filings = st.dates(D(2025, 1, 1), D(2026, 9, 30))


@given(filings, st.integers(1, 45))
def test_a_period_never_ends_on_a_non_working_day(filed: dt.date, days: int) -> None:
    """Whatever the filing day, a period of working days ends on a working day."""
    assert is_working_day(CALENDAR, working_days_after(CALENDAR, filed, days))


@given(filings, st.integers(0, 45), st.dates(D(2025, 1, 1), D(2026, 12, 31)))
def test_adding_a_holiday_never_shortens_a_period(filed: dt.date, days: int, holiday: dt.date) -> None:
    """A calendar with one more public holiday ends every period on the same day or later."""
    longer = attrs.evolve(CALENDAR, holidays=(*CALENDAR.holidays, Holiday(holiday, "extra", "c")))
    assert working_days_after(longer, filed, days) >= working_days_after(CALENDAR, filed, days)


BAD = [
    ('weekend = ["Sab"]', "calendar.weekend", "expected weekday names"),
    ("[[calendar.holidays]]\nfrom = 2025-01-02\nto = 2025-01-01", "calendar.holidays[0].to", "on or after"),
    ('[[calendar.holidays]]\nfrom = "2025-13-01"', "calendar.holidays[0].from", "expected a date"),
    ("[[calendar.holidays]]\nfrom = 2027-01-01", "calendar.holidays[0].from", "covered year (2025)"),
    ("[[calendar.workdays]]\ndate = 2025-01-02", "calendar.workdays[0].date", "expected a weekend day"),
    ("[[calendar.workdays]]\ndate = 2027-01-02", "calendar.workdays[0].date", "covered year (2025)"),
]


@pytest.mark.parametrize(("table", "field", "expected"), BAD)
def test_a_bad_calendar_is_reported_at_its_field(
    tmp_path: Path, table: str, field: str, expected: str
) -> None:
    """Unknown weekdays, to before from, workdays off the weekend, days outside the covered years."""
    named = 'name = "x"\ncitation = "c"\n' if table.startswith("[[") else ""
    text = _minimal(f'[calendar]\n[[calendar.covers]]\nyear = 2025\ncitation = "c"\n{table}\n{named}')
    if not table.startswith("[["):
        text = _minimal(f'[calendar]\n{table}\n[[calendar.covers]]\nyear = 2025\ncitation = "c"\n')
    problems = _problems(tmp_path, text)
    assert any(p.field == field and expected in p.expected for p in problems), problems


def test_a_working_clock_without_a_calendar_is_reported_at_the_kind(tmp_path: Path) -> None:
    """processing_clock = "working" in a regime with no [calendar] names the kind's field."""
    problems = _problems(tmp_path, _minimal(""))
    found = [(p.field, "[calendar]" in p.expected) for p in problems]
    assert found == [("licences[0].processing_clock", True)]


def test_an_unknown_clock_is_reported_with_the_two_clocks(tmp_path: Path) -> None:
    """A processing_clock other than calendar or working names both."""
    text = _minimal("").replace('processing_clock = "working"', 'processing_clock = "business"')
    problems = _problems(tmp_path, text)
    expected = "expected one of 'calendar', 'working'; got 'business'"
    assert str(problems[0]) == f"licences[0].processing_clock: {expected}"


def _minimal(calendar: str) -> str:
    """The test regime without its calendar, with ``calendar`` in its place."""
    text = REGIME.read_text(encoding="utf-8")
    head, _, rest = text.partition("\n[calendar]\n")
    return head + "\n" + calendar + "\n" + rest[rest.index("[[groups]]") :]


def _problems(tmp_path: Path, text: str) -> list:  # type: ignore[type-arg]
    path = tmp_path / "regime.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_regime(path)
    assert caught.value.source == str(path)
    return list(caught.value.problems)


def test_check_states_the_period_on_its_clock_and_its_end() -> None:
    """``exportsim check`` gives '45 working days (China's calendar)' and the day the period ends."""
    result = run("check", "--regime", REGIME, "--item", "magnet", "--to", "US", "--on", "2025-04-07")
    assert result.exit_code == 0, result.output
    line = "standard processing period: 45 working days (China's calendar); filed on 2025-04-07"
    assert f"{line}, it ends on 2025-06-12" in result.output


def test_regime_show_gives_the_period_in_working_days_and_the_calendar() -> None:
    """``regime show`` names the clock of each kind and summarises the calendar."""
    result = run("regime", "show", REGIME)
    assert result.exit_code == 0, result.output
    assert "review 45 working days (China's calendar)" in result.output
    assert (
        "calendar: China's calendar: weekend Sat, Sun; covers 2025, 2026; 13 public holidays" in result.output
    )


def test_regime_check_with_properties_passes_on_a_working_day_regime() -> None:
    """The shipped properties (dump and reload among them) hold for a regime with a calendar."""
    result = run("regime", "check", REGIME, "--properties")
    assert result.exit_code == 0, result.output
    assert "property survives-dump-and-reload: ok" in result.output


def test_a_derived_regime_keeps_its_bases_calendar(tmp_path: Path) -> None:
    """A derivation with no changes counts working days on its base's calendar."""
    (tmp_path / "base.toml").write_text(REGIME.read_text(encoding="utf-8"), encoding="utf-8")
    derived = tmp_path / "derived.toml"
    derived.write_text('[regime]\nid = "derived"\nbase = "base.toml"\n', encoding="utf-8")
    assert load_regime(derived).calendar == CALENDAR


def test_a_period_past_the_last_representable_day_has_no_end(japan) -> None:  # type: ignore[no-untyped-def]
    """On 31 Dec 9999 a 90-day period's end is not given, and deciding that day still decides."""
    assert known_period_end(japan, japan.licence("individual"), D(9999, 12, 31)) is None
    assert decide(japan, Application("photoresist", "KR", D(9999, 12, 31))).licence == "general-bulk"
