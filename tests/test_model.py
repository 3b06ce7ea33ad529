"""The supply model against hand-computed answers, conservation laws and its own event order."""

from __future__ import annotations

import gc
import math

import attrs
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.errors import InputError
from simulator.model import DelayError, prepare, replicate, simulate
from simulator.model.clock import (
    ARRIVAL,
    CONSUMPTION_AND_ORDERS,
    LICENCE_DECISION,
    RULE_CHANGE,
    ModelEnvironment,
    Phased,
)
from simulator.model.metrics import chipmaker_metrics, daily_inventory, licensing_metrics
from simulator.regimes.loading import load_regime
from simulator.rules.values import Regime
from simulator.scenario.distributions import Distribution, fixed
from simulator.scenario.values import (
    Chipmaker,
    IntensityCut,
    Lane,
    Product,
    Qualification,
    Scenario,
    Supplier,
)
from simulator.testing import distributions


def _fab(scenario: Scenario) -> Chipmaker:
    return scenario.chipmakers[0]


def test_stockout_day_without_supply(one_fab: tuple[Scenario, Regime]) -> None:
    """A fab with 30 days of stock and no suppliers runs out on day 30 exactly."""
    scenario, regime = one_fab
    fab = _fab(scenario)
    use = attrs.evolve(fab.materials[0], sources=())
    starving = attrs.evolve(scenario, chipmakers=(attrs.evolve(fab, materials=(use,)),))
    records = simulate(starving, regime)
    [stockout] = records.stockouts
    assert (stockout.start, stockout.end) == (30.0, None)
    assert records.lost_units[("fab", "photoresist")] == pytest.approx(scenario.horizon_days - 30.0)
    stock = daily_inventory(records, "fab", "photoresist")
    assert stock[0] == 30.0
    assert stock[10] == pytest.approx(20.0)
    assert stock[30:].max() == 0.0


def test_intensity_cut_by_hand(one_fab: tuple[Scenario, Regime]) -> None:
    """30 days of stock, use halved below 10 days of cover: 10 t left on day 20, out on day 40."""
    scenario, regime = one_fab
    fab = _fab(scenario)
    use = attrs.evolve(fab.materials[0], sources=())
    cutting = attrs.evolve(
        fab, materials=(use,), intensity_cut=IntensityCut(below_cover_days=10.0, factor=0.5)
    )
    records = simulate(attrs.evolve(scenario, chipmakers=(cutting,)), regime)
    [stockout] = records.stockouts
    assert stockout.start == pytest.approx(40.0)
    stock = daily_inventory(records, "fab", "photoresist")
    assert stock[20] == pytest.approx(10.0)
    assert stock[30] == pytest.approx(5.0)


def test_shipment_waits_fixed_review_and_lane(one_fab: tuple[Scenario, Regime]) -> None:
    """The order exported on 4 Jul 2019 waits the fixed 90-day review, then the 2-day lane.

    Orders leave every 7 days: the one placed on day 28 is ready on day 28 + 7/100 + 5 = 33.07,
    the shock day (33), so it files an application decided on day 123.07 and arrives on 125.07.
    """
    scenario, regime = one_fab
    records = simulate(scenario, regime)
    first = min(records.applications, key=lambda a: a.filed)
    assert first.filed == pytest.approx(33.07)
    assert first.decided == pytest.approx(123.07)
    arrivals = sorted(r.time for r in records.receipts if r.time > 33)
    assert arrivals[0] == pytest.approx(125.07)
    assert records.shock_day[("fab", "photoresist")] == 33.0
    assert licensing_metrics(records)["photoresist"]["first_approval_day"] == pytest.approx(90.07)


def test_time_to_survive_by_hand(one_fab: tuple[Scenario, Regime]) -> None:
    """Cover at the shock is 23 t at 1 t a day less the order in transit: stock-out 18 days after it."""
    scenario, regime = one_fab
    metrics = chipmaker_metrics(simulate(scenario, regime), scenario)["fab"]["photoresist"]
    assert metrics["tts_days"] == 18.0


def test_rule_change_releases_waiting_shipment(one_fab: tuple[Scenario, Regime]) -> None:
    """A shipment waiting for a licence leaves on the day a measure restores bulk coverage."""
    scenario, _ = one_fab
    holder = attrs.evolve(scenario.suppliers[0], bulk_licences=("general-bulk", "specific-bulk"))
    scenario = attrs.evolve(scenario, suppliers=(holder,))
    japan = load_regime("japan")
    ease = attrs.evolve(
        japan.measure("2019-12-20-resist-specific-bulk"), effective=scenario.start.replace(month=8, day=1)
    )
    regime = attrs.evolve(japan, measures=tuple(ease if m.id == ease.id else m for m in japan.measures))
    records = simulate(scenario, regime)
    release = scenario.day(ease.effective)
    released = [s for s in records.shipments if s.time == release]
    assert released
    assert all(s.licence == "specific-bulk" for s in released)
    assert all(a.outcome == "approved" for a in records.applications if a.decided)


def test_phases_in_documented_order() -> None:
    """Same-time events resolve: rule change, licence decisions, arrivals, then consumption and orders."""
    assert RULE_CHANGE < LICENCE_DECISION < ARRIVAL < CONSUMPTION_AND_ORDERS


def test_arrival_before_review_on_the_same_day(one_fab: tuple[Scenario, Regime]) -> None:
    """An arrival on a review day is counted before the review orders.

    Storage holds 20 days (20 t). On day 14 the day-7 order (7 t) lands on 16 t, 3 t spill, and
    the review then orders up to 30 t: 10 t. Reviewed first, it would order 7 t (30 - 16 - 7 on
    order).
    """
    scenario, regime = one_fab
    fab = _fab(scenario)
    # Lead time 5 + 7/100 and lane 1.93: orders placed on day 7k arrive on day 7k + 7, a review day.
    lane = attrs.evolve(scenario.lanes[0], days=fixed(1.93))
    capped = attrs.evolve(scenario.materials[0], storage_cap_days=20.0)
    same_day = attrs.evolve(
        scenario, materials=(capped,), lanes=(lane,), end=scenario.start.replace(month=6, day=30)
    )
    records = simulate(same_day, regime)
    arrivals = {round(r.time, 9) for r in records.receipts}
    assert 14.0 in arrivals
    placed = [s.quantity_t for s in records.shipments if s.time == pytest.approx(14 + 10 / 100 + 5)]
    assert placed == [pytest.approx(10.0)]
    assert fab.review_period_days == 7.0


def test_arrival_before_stockout_at_the_same_moment(one_fab: tuple[Scenario, Regime]) -> None:
    """Arrivals resolve before consumption: a delivery landing as the stock runs out averts the stock-out.

    7 days of stock at 1 t a day; the day-0 order (up to 30 days' cover: 23 t) is ready at 5.23
    (0.23 days at 100 t a day, then a 5-day lead time) and the 1.77-day lane lands it at day 7.0,
    the moment the stock reaches zero.
    """
    scenario, regime = one_fab
    fab = _fab(scenario)
    use = attrs.evolve(fab.materials[0], start_inventory_days=7.0)
    lane = attrs.evolve(scenario.lanes[0], days=fixed(1.77))
    world = attrs.evolve(
        scenario,
        chipmakers=(attrs.evolve(fab, materials=(use,)),),
        lanes=(lane,),
        end=scenario.start.replace(month=6, day=30),
    )
    records = simulate(world, regime)
    assert records.receipts[0].time == pytest.approx(7.0)
    assert records.stockouts == ()


def test_same_seed_same_records(japan_2019: tuple[Scenario, Regime]) -> None:
    """Two runs with the same seed and replication produce identical records."""
    scenario, regime = japan_2019
    assert simulate(scenario, regime, replication=3) == simulate(scenario, regime, replication=3)
    assert simulate(scenario, regime, replication=3) != simulate(scenario, regime, replication=4)


def test_records_hold_plain_floats(japan_2019: tuple[Scenario, Regime]) -> None:
    """No numpy scalar leaks into the clock or the stocks (once one did, every later time was one).

    Their values would be the same, but their arithmetic and comparisons cost several times
    a float's on every later event.
    """
    scenario, regime = japan_2019
    records = simulate(scenario, regime, replication=1)
    assert any(a.returned for a in records.applications)  # the path that leaked is taken
    values = [
        *(v for s in records.shipments for v in (s.time, s.quantity_t, s.value_usd)),
        *(v for r in records.receipts for v in (r.time, r.quantity_t)),
        *(v for points in records.inventory.values() for p in points for v in p),
        *(v for a in records.applications for v in (a.filed, a.decided, a.quantity_t) if v is not None),
    ]
    assert {type(v) for v in values} <= {float, int}


def test_a_prepared_setup_serves_many_replications(japan_2019: tuple[Scenario, Regime]) -> None:
    """Replications of one prepared setup equal fresh runs: nothing leaks from one to the next."""
    scenario, regime = japan_2019
    setup = prepare(scenario, regime)
    replicate(setup, 0).shock_day.clear()  # records are the caller's: changing them touches no other run
    runs = [replicate(setup, replication) for replication in (1, 0)]
    assert runs == [simulate(scenario, regime, 1), simulate(scenario, regime, 0)]


def test_a_qualified_substitute_takes_its_share_of_later_orders(one_fab: tuple[Scenario, Regime]) -> None:
    """A substitute qualified on day 10 takes its share from the next order on.

    Qualifying starts on day 0 and takes a fixed 10 days: the day-7 order (7 t) goes all to
    the incumbent, the day-14 order (7 t) splits by the new shares, 3.5 t each.
    """
    scenario, regime = one_fab
    substitute = Supplier("substitute", "US", products=(Product("photoresist", 100.0, fixed(5.0)),))
    terms = Qualification("substitute", "photoresist", fixed(10.0), share=0.5, start=scenario.start)
    world = attrs.evolve(
        scenario,
        suppliers=(*scenario.suppliers, substitute),
        chipmakers=(attrs.evolve(_fab(scenario), qualifications=(terms,)),),
        lanes=(*scenario.lanes, Lane("US", "KR", fixed(2.0))),
        end=scenario.start.replace(day=20),
    )
    records = simulate(world, regime)
    shipped = [(round(s.time, 3), s.supplier, s.quantity_t) for s in records.shipments]
    assert shipped == [
        (12.07, "maker", pytest.approx(7.0)),  # booked on day 7: 7 t at 100 t/day, then 5 days
        (19.035, "maker", pytest.approx(3.5)),
        (19.035, "substitute", pytest.approx(3.5)),
    ]


def test_distribution_means() -> None:
    """Each distribution's sample mean approaches its stated mean, and its sd the stated sd."""
    rng = np.random.default_rng(7)
    for dist in (
        Distribution("gamma", mean=10.0, sd=3.0),
        Distribution("lognormal", mean=10.0, sd=3.0),
        Distribution("triangular", low=2.0, mode=5.0, high=11.0),
        Distribution("uniform", low=4.0, high=16.0),
        Distribution("exponential", mean=10.0),
    ):
        draws = [dist.sample(rng) for _ in range(20_000)]
        assert np.mean(draws) == pytest.approx(dist.expected, rel=0.03), dist.dist
        if dist.sd is not None:  # the sd-parameterised kinds keep their spread too
            assert np.std(draws) == pytest.approx(dist.sd, rel=0.01), dist.dist


@settings(max_examples=1000)
@given(
    distributions().filter(lambda d: d.dist in ("fixed", "uniform", "triangular")),
    st.floats(0.0, 1.0, exclude_max=True),
)
def test_one_quantile_equals_the_array_quantile(distribution: Distribution, uniform: float) -> None:
    """The kinds whose single draws are worked out in plain floats match numpy bit for bit."""
    expected = float(distribution.quantiles(np.array([uniform]))[0])
    assert distribution.quantile(uniform) == expected


@pytest.mark.parametrize(
    ("distribution", "expected"),
    [
        (Distribution("gamma", mean=1.0, sd=1e-180), 1.0),  # (mean/sd)**2 would overflow
        (Distribution("gamma", mean=1e-200, sd=1.0), 0.0),  # shape underflows to 0
        (Distribution("lognormal", mean=1.0, sd=1e200), 0.0),  # sigma overflows
    ],
)
def test_extreme_spreads_have_limits_not_errors(distribution: Distribution, expected: float) -> None:
    """Spreads far beyond any real input give the distribution's limit, not an OverflowError."""
    assert distribution.quantiles(np.array([0.1, 0.5, 0.9])).tolist() == [expected] * 3


def test_one_draw_uses_one_uniform() -> None:
    """sample() takes the stream's next uniform, as a batch would: single and batched draws agree."""
    triangular = Distribution("triangular", low=2.0, mode=5.0, high=11.0)
    single, batched = np.random.default_rng(3), np.random.default_rng(3)
    draw = triangular.sampler(batched)
    assert [triangular.sample(single) for _ in range(300)] == [draw() for _ in range(300)]


def test_event_count_is_exact() -> None:
    """The count is exact: 3 timeouts, the process's start and end, and the run's stop event."""
    env = ModelEnvironment()

    def three(env: ModelEnvironment):  # type: ignore[no-untyped-def]
        for _ in range(3):
            yield env.timeout(1)

    env.process(three(env))
    env.timeout(10)  # scheduled beyond the run: not processed
    env.run(until=5)
    assert env.events_processed == 6
    assert env.events_processed == 6  # reading the count does not change it


def test_phased_timeouts_resolve_in_phase_order() -> None:
    """Timeouts due at the same moment fire by phase, whatever order they were scheduled in."""
    env = ModelEnvironment()
    fired: list[int] = []
    for phase in (CONSUMPTION_AND_ORDERS, ARRIVAL, RULE_CHANGE, LICENCE_DECISION):
        Phased(env, 1.0, phase, lambda _, phase=phase: fired.append(phase))
    env.run()
    assert fired == [RULE_CHANGE, LICENCE_DECISION, ARRIVAL, CONSUMPTION_AND_ORDERS]


@pytest.mark.parametrize("delay", [-30.0, math.nan])
def test_negative_or_nan_delays_are_refused(delay: float) -> None:
    """A negative or NaN delay raises DelayError naming what it was for, whichever way it is scheduled."""
    env = ModelEnvironment()
    with pytest.raises(DelayError, match="transport JP-KR of"):
        Phased(env, delay, ARRIVAL, purpose="transport JP-KR")
    with pytest.raises(ValueError, match=r"Negative delay|Timeout of nan"):  # SimPy's own check, or ours
        env.timeout(delay)


def test_a_negative_lane_time_is_an_error_not_a_time_machine(one_fab: tuple[Scenario, Regime]) -> None:
    """A lane of fixed(-30) is refused by ``simulate``'s check, and unchecked it stops with DelayError.

    Past the check (``prepare`` and ``replicate`` take a scenario as checked) the model still refuses
    to deliver before it ships, rather than record receipts in the past.
    """
    scenario, regime = one_fab
    backwards = attrs.evolve(scenario, lanes=(attrs.evolve(scenario.lanes[0], days=fixed(-30.0)),))
    with pytest.raises(
        InputError, match=r"lanes\[0\]\.days\.value: expected a number from 0 to 1e9, got -30\.0"
    ):
        simulate(backwards, regime)
    with pytest.raises(DelayError, match=r"transport JP-KR of -30\.0 days"):
        replicate(prepare(backwards, regime))


def _licensed(scenario: Scenario, **fields: float) -> Scenario:
    return attrs.evolve(scenario, suppliers=(attrs.evolve(scenario.suppliers[0], **fields),))


def test_licences_at_start_cover_the_first_orders(one_fab: tuple[Scenario, Regime]) -> None:
    """Licences for 30 days (30 t) at start cover four 7 t orders; the first application is on day 61.07."""
    scenario, regime = one_fab
    records = simulate(_licensed(scenario, licences_at_start_days=30.0), regime)
    assert min(a.filed for a in records.applications) == pytest.approx(61.07)
    assert [s.licence for s in records.shipments if 33 < s.time < 61] == ["individual"] * 4


def test_renewal_applies_before_the_licence_runs_out(one_fab: tuple[Scenario, Regime]) -> None:
    """With renewal below 20 days of supply, the second licensed order (16 t left) files on day 40.07."""
    scenario, regime = one_fab
    records = simulate(_licensed(scenario, licences_at_start_days=30.0, renew_days=20.0), regime)
    first = min(records.applications, key=lambda a: a.filed)
    assert first.filed == pytest.approx(40.07)
    assert first.quantity_t == pytest.approx(7.0)


def test_simulate_leaves_the_collector_as_it_found_it(one_fab: tuple[Scenario, Regime]) -> None:
    """A run changes no process-wide state of the cyclic collector: neither its switch nor its thresholds."""
    scenario, regime = one_fab
    before = (gc.isenabled(), gc.get_threshold())
    simulate(scenario, regime)
    assert (gc.isenabled(), gc.get_threshold()) == before


def test_records_belong_to_the_run_records_alone(japan_2019: tuple[Scenario, Regime]) -> None:
    """The finished world lets go of its records, so they are freed with RunRecords, untraced.

    (gc.get_referrers sees the containers the collector tracks: a list of the world's still
    holding a record would show up beside the RunRecords tuple.)
    """
    scenario, regime = japan_2019
    records = simulate(scenario, regime, replication=1)
    points = next(iter(records.inventory.values()))
    for entries in (records.shipments, records.receipts, records.stockouts, points):
        assert entries
        assert gc.get_referrers(entries[0]) == [entries]


def test_every_record_list_is_in_time_order(japan_2019: tuple[Scenario, Regime]) -> None:
    """Shipments are recorded as they leave, so every record list of a run is in time order."""
    scenario, regime = japan_2019
    records = simulate(scenario, regime, replication=2)
    for entries in (records.shipments, records.receipts, records.failed_orders):
        times = [e.time for e in entries]
        assert times == sorted(times)
    assert [a.filed for a in records.applications] == sorted(a.filed for a in records.applications)


def test_licences_at_start_are_of_the_kind_the_route_needs(one_fab: tuple[Scenario, Regime]) -> None:
    """Licences held at the start are of the kind the route first needs, not the first such kind listed.

    A 30-day per-application kind listed first, which no rule grants, would expire before the
    shock on day 33; the individual licence the route needs is valid 183 days, so 300 t at the
    start cover every order until it expires.
    """
    scenario, regime = one_fab
    decoy = attrs.evolve(regime.licence("individual"), id="decoy", rank=99, validity_days=30)
    listed_first = attrs.evolve(regime, licences=(decoy, *regime.licences))
    records = simulate(_licensed(scenario, licences_at_start_days=300.0), listed_first)
    assert min(a.filed for a in records.applications) > 183.0
    assert {s.licence for s in records.shipments if s.time > 33} == {"individual"}
