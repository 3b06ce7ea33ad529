"""General licences held from a date, for named customers (``[[suppliers.held_licences]]``).

One-fab by hand, under Japan's regime with the specific bulk licence for resist to Korea made
available from 1 Aug 2019 (day 61) instead of 20 Dec: the supplier does not hold it, so orders
ready from day 33.07 wait for 90-day individual reviews, until it holds it from 2 Sep (day 93)
through 31 Oct (day 152).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import attrs
import pytest
from helpers import problem_fields

from simulator.model import prepare, simulate
from simulator.model.records import RunRecords
from simulator.regimes.loading import load_regime
from simulator.rules.values import Regime
from simulator.scenario.licensing import HeldLicence
from simulator.scenario.values import Scenario

ONE_FAB = Path(__file__).parent / "scenarios" / "one-fab.toml"
SEPT_2 = dt.date(2019, 9, 2)


@pytest.fixture(scope="module")
def early_specific_bulk() -> Regime:
    """Japan's regime with resist to Korea eligible for specific bulk from 1 Aug 2019."""
    japan = load_regime("japan")
    ease = attrs.evolve(japan.measure("2019-12-20-resist-specific-bulk"), effective=dt.date(2019, 8, 1))
    return attrs.evolve(japan, measures=tuple(ease if m.id == ease.id else m for m in japan.measures))


def _holding(scenario: Scenario, *held: HeldLicence) -> Scenario:
    return attrs.evolve(scenario, suppliers=(attrs.evolve(scenario.suppliers[0], held_licences=held),))


def _shipped(records: RunRecords) -> list[tuple[float, str]]:
    return [(round(s.time, 2), s.licence) for s in records.shipments if s.time > 33]


def test_waiting_orders_leave_on_the_day_the_licence_is_held(
    one_fab: tuple[Scenario, Regime], early_specific_bulk: Regime
) -> None:
    """Held from day 93 to day 152: the five waiting orders leave on day 93 under specific bulk.

    Orders through 31 Oct (152.07) ship under it, and from 1 Nov (day 153) they need individual
    licences again.
    """
    scenario, _ = one_fab
    held = HeldLicence("specific-bulk", SEPT_2, until=dt.date(2019, 10, 31))
    shipped = _shipped(simulate(_holding(scenario, held), early_specific_bulk))
    assert shipped[:5] == [(93.0, "specific-bulk")] * 5
    assert {licence for time, licence in shipped if 93 <= time < 153} == {"specific-bulk"}
    assert (152.07, "specific-bulk") in shipped
    assert (159.07, "individual") in shipped
    assert {licence for time, licence in shipped if time >= 153} == {"individual"}


def test_the_shock_ends_when_the_licence_is_held(
    one_fab: tuple[Scenario, Regime], early_specific_bulk: Regime
) -> None:
    """Held from 1 Aug (day 61, when the kind becomes available) the shock spans days 33 to 61 only."""
    scenario, _ = one_fab
    held = _holding(scenario, HeldLicence("specific-bulk", dt.date(2019, 8, 1)))
    assert prepare(held, early_specific_bulk).shock_spans[("fab", "photoresist")] == ((33.0, 61.0),)
    assert prepare(scenario, early_specific_bulk).shock_spans[("fab", "photoresist")] == (
        (33.0, float("inf")),
    )


@pytest.mark.parametrize(
    "held",
    [
        HeldLicence("specific-bulk", SEPT_2, customers=("another-fab",)),
        HeldLicence("specific-bulk", SEPT_2, enabled=False),
        HeldLicence("specific-bulk", dt.date(2020, 1, 1)),
        HeldLicence("specific-bulk", dt.date(2019, 1, 1), until=dt.date(2019, 5, 31)),
    ],
    ids=["other-customer", "disabled", "after-the-run", "before-the-run"],
)
def test_a_licence_not_held_for_this_buyer_in_the_run_changes_no_record(
    one_fab: tuple[Scenario, Regime], early_specific_bulk: Regime, held: HeldLicence
) -> None:
    """A licence for another customer, disabled, or held only outside the run leaves every record as it was.

    The other customer is a plant of the scenario buying nothing from the maker (a licence may name
    only the scenario's chipmakers). (Its licence wakes the run once more, on its first day: the
    event count differs.)
    """
    scenario, _ = one_fab
    idle = attrs.evolve(scenario.chipmakers[0], id="another-fab", materials=())
    world = attrs.evolve(scenario, chipmakers=(*scenario.chipmakers, idle))
    records = simulate(_holding(world, held), early_specific_bulk)
    assert attrs.evolve(records, events=0) == attrs.evolve(simulate(world, early_specific_bulk), events=0)


def test_a_licence_for_named_customers_covers_only_them(
    one_fab: tuple[Scenario, Regime], early_specific_bulk: Regime
) -> None:
    """Held for "fab" only: a second fab buying from the same supplier still waits for individual licences.

    The two fabs' 7 t orders are made one after the other, so fab2's first licence-bound order is ready
    on day 33.14 and leaves on its approval, day 123.14.
    """
    scenario, _ = one_fab
    fab = scenario.chipmakers[0]
    two = attrs.evolve(
        _holding(scenario, HeldLicence("specific-bulk", SEPT_2, customers=("fab",))),
        chipmakers=(fab, attrs.evolve(fab, id="fab2")),
    )
    records = simulate(two, early_specific_bulk)
    mine = {s.licence for s in records.shipments if s.chipmaker == "fab" and s.time >= 93}
    theirs = {s.licence for s in records.shipments if s.chipmaker == "fab2" and 93 <= s.time < 123}
    assert mine == {"specific-bulk"}
    assert theirs <= {"individual"}
    first = next(s for s in records.shipments if s.chipmaker == "fab2" and s.time > 33)
    assert round(first.time, 2) == 123.14


HELD = """
[[suppliers.held_licences]]
kind = "{kind}"
start = 2019-09-02
{extra}
"""


@pytest.mark.parametrize(
    ("kind", "extra", "field"),
    [
        ("individual", "", "suppliers[0].held_licences[0].kind"),
        ("specific-bulk", "until = 2019-09-01", "suppliers[0].held_licences[0].until"),
        ("specific-bulk", 'customers = ["nobody"]', "suppliers[0].held_licences[0].customers[0]"),
        ("specific-bulk", "holder = true", "suppliers[0].held_licences[0]"),
        ("specific-bulk", 'start = "soon"', "suppliers[0].held_licences[0].start"),
    ],
    ids=["not-bulk", "until-before-start", "unknown-customer", "unknown-key", "not-a-date"],
)
def test_bad_held_licences_are_reported_at_their_field(
    tmp_path: Path, kind: str, extra: str, field: str
) -> None:
    """A held licence that is not a bulk kind, ends before it starts, names no chipmaker, or is malformed."""
    text = ONE_FAB.read_text(encoding="utf-8")
    marker = "  [[suppliers.products]]"
    held = HELD.format(kind=kind, extra=extra).replace('start = 2019-09-02\nstart = "soon"', 'start = "soon"')
    text = text.replace(marker, held + marker, 1)
    assert problem_fields(tmp_path / "s.toml", text) == [field]
