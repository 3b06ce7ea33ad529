"""Surge capacity: hand-computed lines and worlds, allocations within capacity, records kept without it."""

from __future__ import annotations

import itertools
import math
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.model import simulate
from simulator.model.capacity import Capacity, Surge
from simulator.model.records import RunRecords
from simulator.model.sourcing import Sourcing
from simulator.model.supply import Line
from simulator.rules.values import Regime
from simulator.scenario.loading import load_scenario
from simulator.scenario.overrides import OverrideError, override
from simulator.scenario.values import ALLOCATIONS, Allocation, MaterialUse, Scenario, Source
from simulator.scenario.values import Surge as SurgeTerms
from tests.helpers import first_ready, problem_fields, short_line

ONE_FAB = (Path(__file__).parent / "scenarios" / "one-fab.toml").read_text(encoding="utf-8")
LEAD_TIME = 'lead_time_days = { dist = "fixed", value = 5.0 }'


def _line(surge: Surge, rule: Allocation = "first-come") -> Line:
    return Line(Capacity(1.0), lambda: 0.0, free_at=0.0, rule=rule, surge=surge)


def test_a_surge_comes_on_after_its_lag_and_goes_when_the_backlog_clears() -> None:
    """A 1 t a day line with 1 t a day more, 2 days after an order queues: finish times by hand.

    Day 0, 4 t: nothing queued, so at 1 t a day, done day 4. Day 1, 4 t: 3 days of work ahead,
    so the surge comes on on day 3; the order starts on day 4 at 2 t a day, done day 6 (the
    extra over days 3 to 4 is lost: those tonnes were booked before it). Day 7, 2 t: the line
    was clear from day 6, so the surge ended then; at 1 t a day, done day 9. Day 8, 3 t: 1 day
    ahead sets it off again, on day 10; 1 t by day 10, then 2 t at 2 t a day, done day 11.
    """
    line = _line(Surge(1.0, lag_days=2.0, backlog_days=0.0))
    assert [line.book(t, q) for t, q in [(0.0, 4.0), (1.0, 4.0), (7.0, 2.0), (8.0, 3.0)]] == [
        4.0,
        6.0,
        9.0,
        11.0,
    ]
    assert line.capacity.spans == ((3.0, 6.0, 1.0), (10.0, math.inf, 1.0))


def test_a_surge_waits_for_a_backlog_beyond_its_days() -> None:
    """With ``backlog_days = 3``, 3 days of work ahead is not enough; 6 days is, and it comes on at once.

    Day 0, 4 t: done day 4. Day 1, 4 t: exactly 3 days ahead, no surge; done day 8. Day 2, 2 t:
    6 days ahead, so 1 t a day more from day 2 (no lag); it starts on day 8 at 2 t a day, done day 9.
    """
    line = _line(Surge(1.0, lag_days=0.0, backlog_days=3.0))
    assert [line.book(t, q) for t, q in [(0.0, 4.0), (1.0, 4.0), (2.0, 2.0)]] == [4.0, 8.0, 9.0]
    assert line.capacity.spans == ((2.0, math.inf, 1.0),)


def test_a_backlog_that_clears_within_the_lag_brings_no_surge() -> None:
    """Set off on day 1 with a 5-day lag, the surge would come on on day 6; the line is clear on day 5.

    Day 0, 4 t: done day 4. Day 1, 1 t: done day 5, at 1 t a day (the surge is not on yet). Day
    7, 1 t: the surge never came on, so its span is gone; done day 8 at 1 t a day.
    """
    line = _line(Surge(1.0, lag_days=5.0, backlog_days=0.0))
    assert [line.book(t, q) for t, q in [(0.0, 4.0), (1.0, 1.0), (7.0, 1.0)]] == [4.0, 5.0, 8.0]
    assert line.capacity.spans == ()


def test_a_surge_on_a_short_line_speeds_the_orders_booked_behind_others(
    one_fab: tuple[Scenario, Regime],
) -> None:
    """Two fabs on a 1 t a day line, with 1 t a day more 3 days after an order queues: ready times by hand.

    Day 0: fab's 7 t go first, made by day 7 at 1 t a day (ready day 12 after the 5-day lead
    time); fab2's 7 t queue behind them, so the surge is on from day 3, but only work booked
    from then on uses it: fab2's start on day 7 at 2 t a day, made by 10.5 (ready 15.5, not
    19). Day 7: each fab orders 7 t again (30 days' cover less 16 in stock less 7 on order);
    the line is busy until 10.5, so the surge stays: fab's are made 10.5 to 14 (ready 19),
    fab2's 14 to 17.5 (ready 22.5). In all, 28 t ship by day 22.5, against 14 t without the
    surge (ready on days 12 and 19; the next two on 26 and 33).
    """
    scenario, regime = one_fab
    terms = SurgeTerms(extra_t_per_day=1.0, lag_days=3.0)
    surging = simulate(short_line(scenario, "first-come", surge=terms), regime)
    plain = simulate(short_line(scenario, "first-come"), regime)
    assert first_ready(surging) == {"fab": pytest.approx(12.0), "fab2": pytest.approx(15.5)}
    assert _ready(surging, "fab")[:2] == [pytest.approx(12.0), pytest.approx(19.0)]
    assert _ready(surging, "fab2")[:2] == [pytest.approx(15.5), pytest.approx(22.5)]
    assert _shipped_by(surging, 22.5) == pytest.approx(28.0)
    assert _shipped_by(plain, 22.5) == pytest.approx(14.0)


def _ready(records: RunRecords, chipmaker: str) -> list[float]:
    return [s.time for s in records.shipments if s.chipmaker == chipmaker]


def _shipped_by(records: RunRecords, time: float) -> float:
    return sum(s.quantity_t for s in records.shipments if s.time <= time + 1e-9)


_BOOKINGS = st.lists(
    st.tuples(st.floats(0.0, 5.0), st.floats(0.1, 10.0), st.sampled_from(["a", "b", "c"])),
    min_size=1,
    max_size=30,
)


@settings(max_examples=200, deadline=None)
@given(
    _BOOKINGS,
    st.sampled_from(ALLOCATIONS),
    st.floats(0.1, 5.0),
    st.sampled_from([0.0, 0.5, 3.0]),
    st.sampled_from([0.0, 1.0, 4.0]),
)
def test_a_surging_line_never_makes_more_than_its_capacity(
    bookings: list[tuple[float, float, str]], rule: Allocation, extra: float, lag: float, backlog: float
) -> None:
    """Under any rule, at every moment the orders being made share at most the capacity, surge included.

    Each order is made at a constant fraction of the capacity from its start to its finish
    (its tonnes over the capacity's integral there); the fractions of the orders on the line
    at any moment add up to at most 1.
    """
    line = _line(Surge(extra, lag, backlog), rule)
    line.customers = {b: (use, _sole_source(), b == "a") for b, use in (("a", 0.3), ("b", 0.5), ("c", 0.2))}
    now, free, orders = 0.0, dict[str, float](), []
    for gap, quantity, buyer in bookings:
        now += gap
        queue = "" if rule == "first-come" else buyer
        start = max(now, free.get(queue, 0.0))
        free[queue] = finish = line.book(now, quantity, buyer)
        orders.append((start, finish, quantity / _made(line.capacity, start, finish)))
    times = sorted({t for start, finish, _ in orders for t in (start, finish)})
    for before, after in itertools.pairwise(times):
        middle = (before + after) / 2
        assert sum(share for start, finish, share in orders if start <= middle < finish) <= 1 + 1e-9
    spans = line.capacity.spans
    assert all(s < e <= s2 for (s, e, _), (s2, _, _) in itertools.pairwise(spans))  # spans never overlap


def _made(capacity: Capacity, start: float, end: float) -> float:
    """Tonnes a line without expansions makes from ``start`` to ``end``: its base plus its surge's spans."""
    spans = sum(add * max(0.0, min(e, end) - max(s, start)) for s, e, add in capacity.spans)
    return capacity.base * (end - start) + spans


def _sole_source() -> Sourcing:
    return Sourcing(MaterialUse("photoresist", 1.0, 0.0, (Source("", 1.0),)))


def _canonical(value: Any) -> Any:
    """Every float as its exact hex, through named tuples, attrs values, dicts and tuples."""
    if isinstance(value, float):
        return value.hex()
    if isinstance(value, dict):
        return {k: _canonical(v) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return [_canonical(v) for v in value]
    if attrs.has(type(value)):
        return {a.name: _canonical(getattr(value, a.name)) for a in attrs.fields(type(value))}
    return value


def test_a_surge_that_never_comes_on_leaves_every_record_bit_identical(
    japan_2019: tuple[Scenario, Regime],
) -> None:
    """japan-2019 with a surge on every line that its run outlasts: every record exactly as without."""
    scenario, regime = japan_2019
    never = SurgeTerms(extra_t_per_day=1000.0, lag_days=1e6)
    suppliers = tuple(
        attrs.evolve(s, products=tuple(attrs.evolve(p, surge=never) for p in s.products))
        for s in scenario.suppliers
    )
    with_surge = attrs.evolve(scenario, suppliers=suppliers)
    for replication in (0, 1):
        plain = simulate(scenario, regime, replication=replication)
        assert _canonical(simulate(with_surge, regime, replication=replication)) == _canonical(plain)
    assert simulate(attrs.evolve(with_surge, suppliers=scenario.suppliers), regime) == simulate(
        scenario, regime
    )


def test_a_surge_is_set_by_dotted_path_once_declared(one_fab: tuple[Scenario, Regime]) -> None:
    """A declared surge's fields take dotted overrides; a line without one is told to declare it."""
    scenario, _ = one_fab
    maker = scenario.suppliers[0]
    declared = attrs.evolve(
        scenario,
        suppliers=(
            attrs.evolve(maker, products=(attrs.evolve(maker.products[0], surge=SurgeTerms(1.0, 2.0)),)),
        ),
    )
    path = "suppliers.maker.products.photoresist.surge.lag_days"
    assert override(declared, path, 7).suppliers[0].products[0].surge == SurgeTerms(1.0, 7.0)
    with pytest.raises(OverrideError, match=r"declare \[surge\]"):
        override(scenario, path, 7)
    with pytest.raises(OverrideError, match="is a table"):
        override(declared, "suppliers.maker.products.photoresist.surge", 7)


def test_a_surge_loads_from_a_file(tmp_path: Path) -> None:
    """A surge table in a file becomes the product's surge, ``backlog_days`` defaulting to 0."""
    path = tmp_path / "surge.toml"
    path.write_text(
        ONE_FAB.replace(LEAD_TIME, f"{LEAD_TIME}\n  surge = {{ extra_t_per_day = 2, lag_days = 3.5 }}")
    )
    scenario, _ = load_scenario(path)
    assert scenario.suppliers[0].products[0].surge == SurgeTerms(2.0, 3.5, 0.0)


@pytest.mark.parametrize(
    ("table", "fields"),
    [
        ("{ extra_t_per_day = 0.0, lag_days = 1.0 }", [".surge.extra_t_per_day"]),
        ("{ extra_t_per_day = inf, lag_days = 1.0 }", [".surge.extra_t_per_day"]),
        ("{ extra_t_per_day = 1.0, lag_days = -1.0 }", [".surge.lag_days"]),
        (
            "{ extra_t_per_day = 1.0, lag_days = nan, backlog_days = inf }",
            [".surge.lag_days", ".surge.backlog_days"],
        ),
        ('{ extra_t_per_day = 1.0, lag_days = "soon" }', [".surge.lag_days"]),
        ("{ extra_t_per_day = 1.0, lag_days = true }", [".surge.lag_days"]),
        ("{ extra_t_per_day = 1.0 }", [".surge.lag_days"]),
        ("{ extra_t_per_day = 1.0, lag_days = 1.0, backlog = 2.0 }", [".surge"]),
    ],
)
def test_bad_surges_are_reported_with_their_field(tmp_path: Path, table: str, fields: list[str]) -> None:
    """A surge with a bad value, a wrong type, a missing or unknown field is reported at that field."""
    text = ONE_FAB.replace(LEAD_TIME, f"{LEAD_TIME}\n  surge = {table}")
    assert problem_fields(tmp_path / "bad.toml", text) == [f"suppliers[0].products[0]{f}" for f in fields]


def test_an_estimate_of_when_goods_are_made_counts_on_no_surge() -> None:
    """A line at 1 t a day whose surge (+1 t a day) came on for a backlog that cleared on day 6.

    Days 0 and 1 book 4 t each: the second finds work ahead and turns the surge on from day 1;
    it starts when the first is done, on day 4, at 2 t a day, and is done on day 6. On day 10,
    with nothing booked since, 10 t would take 10 days at the planned 1 t a day: made by day 20, as
    booking them then shows. The estimate must not count on the surge that has ended.
    """
    line = Line(Capacity(1.0), lambda: 0.0, free_at=0.0, surge=Surge(1.0, lag_days=0.0, backlog_days=0.0))
    line.book(0.0, 4.0)
    line.book(1.0, 4.0)
    assert line.made_by(10.0, 10.0) == pytest.approx(20.0)
    assert line.book(10.0, 10.0) == pytest.approx(20.0)
