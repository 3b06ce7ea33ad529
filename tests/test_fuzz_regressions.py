"""Defects tests/test_fuzz.py found, each pinned by the smallest file or value that showed it."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import attrs
import pytest

from simulator.model import simulate
from simulator.model.capacity import Capacity
from simulator.model.metrics import chipmaker_metrics, company_metrics
from simulator.rules.calendar import Holiday
from simulator.scenario.loading import load_scenario
from tests.helpers import failed, run

SCENARIOS = Path(__file__).parents[1] / "scenarios"
ONE_FAB = Path(__file__).parent / "scenarios" / "one-fab.toml"
WORKING_DAYS = Path(__file__).parent / "regimes" / "working-days.toml"
NEW_YEAR = 'from = 2025-01-01\nname = "New Year\'s Day"'
COVERS_2026 = "[[calendar.covers]]\nyear = 2026"
FIXED_LEAD_TIME = 'lead_time_days = { dist = "fixed", value = 5.0 }'


def _one_fab(tmp_path: Path, old: str, new: str) -> Path:
    """The one-fab scenario with ``old`` (which must be there) replaced by ``new``, written in tmp_path."""
    text = ONE_FAB.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "one-fab.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "distribution",
    [
        'dist = "triangular", low = 5.0, mode = 7.0, high = 1.7976931348623157e308',
        'dist = "fixed", value = 1e10',
        'dist = "lognormal", mean = 1e300, sd = 1e300',
    ],
)
def test_a_distribution_parameter_too_large_is_refused(tmp_path: Path, distribution: str) -> None:
    """A lead time with a parameter past 1e9 days is refused at its field (a triangular's overflowed)."""
    path = _one_fab(tmp_path, FIXED_LEAD_TIME, f"lead_time_days = {{ {distribution} }}")
    failed(run("validate", path), str(path), "suppliers[0].products[0].lead_time_days.", "from 0 to 1e9")


def test_a_lead_time_of_a_billion_days_never_arrives(tmp_path: Path) -> None:
    """A fixed lead time of 1e9 days (the most allowed) runs: the fab's 30 days of stock run out on day 30."""
    path = _one_fab(tmp_path, FIXED_LEAD_TIME, 'lead_time_days = { dist = "fixed", value = 1e9 }')
    scenario, regime = load_scenario(path)
    records = simulate(scenario, regime)
    assert [(s.start, s.end) for s in records.stockouts] == [(30.0, None)]


def test_a_chipmaker_using_no_material_loses_nothing() -> None:
    """A chipmaker with no [[chipmakers.materials]] counts in its company with no loss (it was a KeyError)."""
    scenario, regime = load_scenario(SCENARIOS / "korea-2019-reciprocal.toml")
    idle = attrs.evolve(scenario.chipmakers[1], materials=())
    scenario = attrs.evolve(scenario, chipmakers=(scenario.chipmakers[0], idle, *scenario.chipmakers[2:]))
    company = company_metrics(simulate(scenario, regime), scenario)[idle.company_id]
    assert company["production_loss_usd"] == 0.0


def test_a_chipmaker_making_nothing_has_no_stock_days_at_the_shock() -> None:
    """Zero output (so zero use) leaves the stock at the shock in days of use NaN, not a ZeroDivisionError."""
    scenario, regime = load_scenario(SCENARIOS / "japan-2019.toml")
    fabs = (attrs.evolve(scenario.chipmakers[0], output_units_per_day=0.0), *scenario.chipmakers[1:])
    scenario = attrs.evolve(scenario, chipmakers=fabs)
    days = chipmaker_metrics(simulate(scenario, regime), scenario)[fabs[0].id]["photoresist"][
        "shock_stock_days"
    ]
    assert math.isnan(days)  # no use to count the stock in


def test_run_reports_a_scenario_with_an_idle_chipmaker(tmp_path: Path) -> None:
    """``run`` on a chipmaker making nothing exits 0 (it ended in a traceback), as ``validate`` accepts it."""
    path = _one_fab(tmp_path, "output_units_per_day = 1.0", "output_units_per_day = 0.0")
    result = run("run", "--replications", "1", "--quiet", path)
    assert result.exit_code == 0, result.output


TO_THE_END = (NEW_YEAR, f"{NEW_YEAR}\nto = 9999-12-31")
COVER_9999 = (COVERS_2026, f'[[calendar.covers]]\nyear = 9999\ncitation = "c"\n\n{COVERS_2026}')


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        (
            [TO_THE_END],
            "calendar.holidays[0].to: expected a day in a covered year (2025, 2026), got 9999-12-31",
        ),
        (
            [TO_THE_END, COVER_9999],
            "calendar.holidays[0].to: expected a holiday within the covered years (2025, 2026, 9999);"
            " it runs through 2027",
        ),
    ],
)
def test_a_holiday_to_the_end_of_the_calendar_is_refused(
    tmp_path: Path, changes: list[tuple[str, str]], expected: str
) -> None:
    """A holiday to 9999-12-31 is refused at its field, not expanded day by day into an OverflowError."""
    text = WORKING_DAYS.read_text(encoding="utf-8")
    for old, new in changes:
        assert old in text
        text = text.replace(old, new, 1)
    path = tmp_path / "regime.toml"
    path.write_text(text, encoding="utf-8")
    failed(run("regime", "check", path), str(path), expected)


def test_a_holiday_on_the_calendars_last_day_has_that_day() -> None:
    """A one-day holiday on 9999-12-31 is that one day (stepping past it overflowed)."""
    assert list(Holiday(dt.date.max, "end", "c").days()) == [dt.date.max]


def test_a_scenario_starting_before_its_regime_is_refused(tmp_path: Path) -> None:
    """``validate`` refuses a run starting before Japan's regime begins (``run`` failed naming no field)."""
    path = _one_fab(tmp_path, "start = 2019-06-01", "start = 2000-01-01")
    expected = (
        "scenario.start: expected a date on or after 2004-01-01, when regime 'japan' begins; got 2000-01-01"
    )
    failed(run("validate", path), str(path), expected)


def test_a_material_id_that_is_a_table_is_refused(tmp_path: Path) -> None:
    """A material whose id is a table is refused at its field (the dropped entries' bookkeeping raised)."""
    path = _one_fab(tmp_path, 'id = "photoresist"', "id = { a = 1 }")
    failed(run("validate", path), str(path), "materials[0].id: expected a string, got dict")


def test_a_ramp_too_long_to_square_still_finishes_an_order() -> None:
    """1 t a day ramping up by 1 t a day for 1e308 days makes 10 t in sqrt(21) - 1 days, no OverflowError."""
    capacity = Capacity(1.0, [(0.0, 1e308, 1e308)])
    assert capacity.finish(0.0, 10.0) == pytest.approx(-1 + math.sqrt(21))


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ("output_units_per_day = 1.0", "output_units_per_day = 1e308", "chipmakers[0].output_units_per_day"),
        (
            "capacity_t_per_day = 100.0",
            "capacity_t_per_day = 1e308",
            "suppliers[0].products[0].capacity_t_per_day",
        ),
    ],
)
def test_a_quantity_past_a_quadrillion_is_refused(tmp_path: Path, old: str, new: str, field: str) -> None:
    """An output or capacity of 1e308 is refused at its field (money lost and tonnes made were infinite)."""
    failed(run("validate", _one_fab(tmp_path, old, new)), f"{field}: expected a", "at most 1e15")


def test_a_quantity_of_a_quadrillion_is_accepted(tmp_path: Path) -> None:
    """The largest quantity allowed, 1e15 units a day, passes validate."""
    path = _one_fab(tmp_path, "output_units_per_day = 1.0", "output_units_per_day = 1e15")
    assert run("validate", path).exit_code == 0


def test_a_vanishing_patience_is_refused(tmp_path: Path) -> None:
    """``patience_days = 5e-324`` is refused below 0.01 days (orders lost patience at one instant, a hang)."""
    path = _one_fab(tmp_path, "review_period_days = 7.0", "review_period_days = 7.0\npatience_days = 5e-324")
    failed(run("validate", path), str(path), "chipmakers[0].patience_days: expected a number of days >= 0.01")
