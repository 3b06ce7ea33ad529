"""How firms respond to a licensing shock, against hand-computed one-fab cases.

The one-fab world (tests/scenarios/one-fab.toml): a fab using 1 t of resist a day, 30 days of
stock and cover, a review every 7 days; a Japanese maker with a fixed 5-day lead time at
100 t a day, a 2-day lane, and 90-day reviews. Day 33 is 4 Jul 2019, the shock.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import attrs
import pytest

from simulator.model import simulate
from simulator.model.capacity import Capacity
from simulator.model.metrics import chipmaker_metrics, company_metrics, supplier_metrics
from simulator.model.records import RunRecords
from simulator.model.sourcing import Sourcing
from simulator.regimes.loading import load_regime
from simulator.rules.values import Regime
from simulator.scenario.distributions import fixed
from simulator.scenario.loading import load_scenario
from simulator.scenario.values import (
    Expansion,
    IntensityCut,
    MaterialUse,
    Product,
    Qualification,
    Scenario,
    Source,
    Supplier,
)
from tests.helpers import first_ready, short_line

ROOT = Path(__file__).parents[1]


def _two_sources(scenario: Scenario, **fab_fields: object) -> Scenario:
    """One-fab with half its resist from a Korean maker (2-day lead time, 1 day to the fab)."""
    local = Supplier("local", "KR", (Product("photoresist", 100.0, fixed(2.0)),))
    fab = scenario.chipmakers[0]
    use = attrs.evolve(fab.materials[0], sources=(Source("maker", 0.5), Source("local", 0.5)))
    fab = attrs.evolve(fab, materials=(use,), **fab_fields)
    return attrs.evolve(scenario, suppliers=(*scenario.suppliers, local), chipmakers=(fab,))


def _without_event_count(records: RunRecords) -> RunRecords:
    return attrs.evolve(records, events=0)


def test_an_order_waiting_past_patience_is_cancelled_and_resourced(one_fab: tuple[Scenario, Regime]) -> None:
    """The 3.5 t ready at 33.035 waits for a licence; 10 days later it goes to the Korean maker.

    Day 28's 7 t order splits 3.5/3.5; the Japanese half is ready at 28 + 3.5/100 + 5 = 33.035,
    the shock, and files an application. At 43.035 the fab cancels it and orders 3.5 t from
    the Korean maker: ready at 43.035 + 0.035 + 2 = 45.07, received a day later.
    """
    scenario, regime = one_fab
    records = simulate(_two_sources(scenario, patience_days=10.0), regime)
    first = records.failed_orders[0]
    assert (first.supplier, first.reason) == ("maker", "cancelled")
    assert first.time == pytest.approx(43.035)
    assert first.quantity_t == pytest.approx(3.5)
    resourced = [s for s in records.shipments if s.supplier == "local" and s.time == pytest.approx(45.07)]
    assert [s.quantity_t for s in resourced] == [pytest.approx(3.5)]
    assert any(
        r.time == pytest.approx(46.07) and r.quantity_t == pytest.approx(3.5) for r in records.receipts
    )
    assert all(f.reason == "cancelled" and f.supplier == "maker" for f in records.failed_orders)
    assert not [s for s in records.shipments if s.supplier == "maker" and 33 <= s.time < 123]


@pytest.mark.parametrize(("patience", "first_cancelled"), [(4.0, 41.035), (3.0, None)])
def test_a_short_line_is_no_sooner_than_waiting(
    one_fab: tuple[Scenario, Regime], patience: float, first_cancelled: float | None
) -> None:
    """With the Korean line at 1 t a day, the waiting 3.5 t move only once that line can make them in time.

    The Japanese half of day 28's order waits from 33.035. The Korean line makes its 3.5 t of
    each weekly order in 3.5 days: day 35's by 38.5, day 42's by 45.5. With 4 days' patience,
    at 37.035 the 3.5 t would be made by 38.5 + 3.5 = 42.0, 4.965 days on: not sooner; at
    41.035 the line is idle, 3.5 days: sooner, so the order moves then. With 3 days' patience
    the 3.5 t never move; only later, smaller orders the idle line makes within 3 days do.
    """
    scenario, regime = one_fab
    world = _two_sources(scenario, patience_days=patience)
    local = world.suppliers[1]
    local = attrs.evolve(local, products=(attrs.evolve(local.products[0], capacity_t_per_day=1.0),))
    records = simulate(attrs.evolve(world, suppliers=(world.suppliers[0], local)), regime)
    cancelled = [f for f in records.failed_orders if f.reason == "cancelled"]
    if first_cancelled is None:
        assert cancelled
        assert all(f.quantity_t <= patience + 1e-9 for f in cancelled)  # the line makes 1 t a day
    else:
        assert cancelled[0].time == pytest.approx(first_cancelled)
        assert cancelled[0].quantity_t == pytest.approx(3.5)


def test_a_line_fast_enough_for_a_part_is_judged_again_on_the_whole() -> None:
    """Two Korean lines: one makes 0.5 t a day, the other 0.1 t a day with a long queue.

    With shares 0.5 (the Japanese maker), 0.25 and 0.25 and 5 days' patience, the 3.5 t waiting
    from 33.035 are judged on day 38.035: the slow line cannot make its 1.75 t in time, so it
    drops out, and the faster one is judged again on all 3.5 t: 7 days at 0.5 t a day, too
    long, so nothing moves. Only once the orders shrink to what the faster line can make in
    5 days when idle (2.5 t) do they move.
    """
    scenario, regime = load_scenario(ROOT / "tests" / "scenarios" / "one-fab.toml")
    near = Supplier("near", "KR", (Product("photoresist", 0.5, fixed(0.0)),))
    slow = Supplier("slow", "KR", (Product("photoresist", 0.1, fixed(0.0)),))
    fab = scenario.chipmakers[0]
    use = attrs.evolve(
        fab.materials[0], sources=(Source("maker", 0.5), Source("near", 0.25), Source("slow", 0.25))
    )
    world = attrs.evolve(
        scenario,
        suppliers=(*scenario.suppliers, near, slow),
        chipmakers=(attrs.evolve(fab, materials=(use,), patience_days=5.0),),
    )
    cancelled = [f for f in simulate(world, regime).failed_orders if f.reason == "cancelled"]
    assert cancelled
    assert cancelled[0].time > 70.0
    assert all(f.quantity_t <= 2.5 + 1e-9 for f in cancelled)


def test_unlimited_patience_is_todays_behaviour(japan_2019: tuple[Scenario, Regime]) -> None:
    """Patience too long to run out within the horizon gives the records of no patience at all."""
    scenario, regime = japan_2019

    def patience(days: float | None) -> Scenario:
        return attrs.evolve(
            scenario, chipmakers=tuple(attrs.evolve(c, patience_days=days) for c in scenario.chipmakers)
        )

    assert simulate(patience(1e6), regime, replication=1) == simulate(patience(None), regime, replication=1)


def test_without_a_faster_supplier_the_order_keeps_waiting(one_fab: tuple[Scenario, Regime]) -> None:
    """With its only supplier licence-bound, a fab's impatience changes nothing: the order waits on."""
    scenario, regime = one_fab
    fab = attrs.evolve(scenario.chipmakers[0], patience_days=10.0)
    impatient = simulate(attrs.evolve(scenario, chipmakers=(fab,)), regime)
    assert impatient.failed_orders == ()
    assert _without_event_count(impatient) == _without_event_count(simulate(scenario, regime))


def test_a_cancelled_order_frees_its_room_in_the_application(one_fab: tuple[Scenario, Regime]) -> None:
    """Weekly 3.5 t orders cancelled after 10 days never fill a first application of 18.5 t.

    Each Japanese order joins the application filed at 33.035 (3.5 + 30 x 0.5 t) and leaves it
    when cancelled, so at most 7 t are committed at once and no second application is filed
    before the first is decided on day 123.035. Were cancelled tonnes kept, the sixth order
    would not fit and file another.
    """
    scenario, regime = one_fab
    world = _two_sources(scenario, patience_days=10.0)
    maker = attrs.evolve(world.suppliers[0], contract_days=30.0)
    records = simulate(attrs.evolve(world, suppliers=(maker, *world.suppliers[1:])), regime)
    filed = [a for a in records.applications if a.filed < 123]
    assert [a.quantity_t for a in filed] == [pytest.approx(18.5)]
    assert len([f for f in records.failed_orders if f.time < 123]) >= 6


# ---------------------------------------------------------------- conservation


def _cutting(scenario: Scenario, cut: IntensityCut, end: dt.date | None = None) -> Scenario:
    fab = attrs.evolve(scenario.chipmakers[0], intensity_cut=cut)
    return attrs.evolve(scenario, chipmakers=(fab,), end=end or scenario.end)


def _rate_on(records: RunRecords, day: float) -> float:
    points = records.inventory[("fab", "photoresist")]
    return [p.rate_t_per_day for p in points if p.time <= day][-1]


def test_the_shock_itself_triggers_a_cut_at_a_cost(one_fab: tuple[Scenario, Regime]) -> None:
    """Cutting from the shock on day 33 to the end on day 59 halves use and costs 10% of 27 days' output.

    No stock runs low (cover stays near 30 days and use halves), so only the shock triggers the
    cut; the yield cost is 0.1 units a day for 27 days, and nothing else is lost.
    """
    scenario, regime = one_fab
    cut = IntensityCut(below_cover_days=0.0, factor=0.5, on_shock=True, output_loss_fraction=0.1)
    records = simulate(_cutting(scenario, cut, end=dt.date(2019, 7, 30)), regime)
    assert (_rate_on(records, 32.9), _rate_on(records, 33.0), _rate_on(records, 50.0)) == (1.0, 0.5, 0.5)
    assert records.stockouts == ()
    assert records.lost_units[("fab", "photoresist")] == pytest.approx(0.1 * (60 - 33))


def test_a_cut_lasts_no_longer_than_its_maximum(one_fab: tuple[Scenario, Regime]) -> None:
    """With at most 20 days of cutting, use returns to full on day 53 and only 20 days' yield is lost."""
    scenario, regime = one_fab
    cut = IntensityCut(
        below_cover_days=0.0, factor=0.5, on_shock=True, max_days=20.0, output_loss_fraction=0.1
    )
    records = simulate(_cutting(scenario, cut, end=dt.date(2019, 7, 30)), regime)
    assert (_rate_on(records, 52.9), _rate_on(records, 53.0)) == (0.5, 1.0)
    assert records.lost_units[("fab", "photoresist")] == pytest.approx(0.1 * 20)


def test_a_shock_triggered_cut_waits_for_its_cover_floor(one_fab: tuple[Scenario, Regime]) -> None:
    """With a 10-day floor the shock-triggered cut starts only once cover has fallen to 10 days."""
    scenario, regime = one_fab
    cut = IntensityCut(below_cover_days=0.0, factor=0.5, on_shock=True, shock_cover_days=10.0)
    records = simulate(_cutting(scenario, cut), regime)
    points = records.inventory[("fab", "photoresist")]
    first_cut = next(p for p in points if p.rate_t_per_day == 0.5)
    assert first_cut.time > 33
    assert first_cut.stock_t == pytest.approx(10.0)


def test_a_cut_never_lowers_the_order_up_to_target(one_fab: tuple[Scenario, Regime]) -> None:
    """Cutting from the start (cover below 40 days), day 7's review still orders up to 30 days of planned use.

    Stock is 30 - 7 x 0.5 = 26.5 t on day 7, so the order is 3.5 t, ready at 7 + 0.035 + 5; a
    target scaled by the cut (15 t) would order nothing.
    """
    scenario, regime = one_fab
    records = simulate(_cutting(scenario, IntensityCut(below_cover_days=40.0, factor=0.5)), regime)
    first = records.shipments[0]
    assert (first.time, first.quantity_t) == (pytest.approx(12.035), pytest.approx(3.5))


# ---------------------------------------------------------------- sourcing that follows the regime


def _eased_on_day_61(scenario: Scenario) -> tuple[Scenario, Regime]:
    """The maker holds a specific bulk licence, and resist moves to specific bulk on 1 Aug 2019 (day 61)."""
    japan = load_regime("japan")
    ease = attrs.evolve(japan.measure("2019-12-20-resist-specific-bulk"), effective=dt.date(2019, 8, 1))
    regime = attrs.evolve(japan, measures=tuple(ease if m.id == ease.id else m for m in japan.measures))
    maker = attrs.evolve(scenario.suppliers[0], bulk_licences=("general-bulk", "specific-bulk"))
    return attrs.evolve(scenario, suppliers=(maker, *scenario.suppliers[1:])), regime


def _weighted(scenario: Scenario, weight: float, return_days: float | None) -> Scenario:
    """The fab weights licence-bound sources by ``weight``, back over ``return_days`` (none: never)."""
    fab = scenario.chipmakers[0]
    returns = {"weight_return_days": return_days} if return_days is not None else {"weight_returns": False}
    use = attrs.evolve(fab.materials[0], licence_weight=weight, **returns)
    return attrs.evolve(scenario, chipmakers=(attrs.evolve(fab, materials=(use,)),))


def _maker_fraction_of_day_63s_order(records: RunRecords) -> float:
    """Day 63's order: the maker ships its part at 63 + q/100 + 5, the Korean maker at 63 + q/100 + 2."""
    [maker] = [s.quantity_t for s in records.shipments if s.supplier == "maker" and 68 < s.time < 69]
    [local] = [s.quantity_t for s in records.shipments if s.supplier == "local" and 65 < s.time < 66]
    return maker / (maker + local)


def test_shares_shift_away_while_licence_bound_and_return_after(one_fab: tuple[Scenario, Regime]) -> None:
    """With weight 0 the maker gets no orders while licence-bound; two days after day 61 it is 1/7 back.

    Its weight on day 63 is 2/14, so it takes 0.5/7 / (0.5/7 + 0.5) = 1/8 of that order.
    """
    scenario, _ = one_fab
    world, regime = _eased_on_day_61(_two_sources(scenario))
    records = simulate(_weighted(world, 0.0, 14.0), regime)
    bound = [s for s in records.shipments if s.supplier == "maker" and 40 < s.time < 61]
    assert bound == []  # orders placed from day 35 on went to the Korean maker alone
    assert [a.filed for a in records.applications] == [pytest.approx(33.035)]  # day 28's alone waited
    assert _maker_fraction_of_day_63s_order(records) == pytest.approx(1 / 8)


@pytest.mark.parametrize(("return_days", "fraction"), [(0.0, 0.5), (None, None)])
def test_shares_return_at_once_or_never(
    one_fab: tuple[Scenario, Regime], return_days: float | None, fraction: float | None
) -> None:
    """Returning at once, day 63's order splits 50/50; never returning, the maker gets none of it."""
    scenario, _ = one_fab
    world, regime = _eased_on_day_61(_two_sources(scenario))
    records = simulate(_weighted(world, 0.0, return_days), regime)
    if fraction is None:
        assert not [s for s in records.shipments if s.supplier == "maker" and s.time > 61]
    else:
        assert _maker_fraction_of_day_63s_order(records) == pytest.approx(fraction)


def test_a_source_bound_again_starts_its_return_afresh() -> None:
    """Bound, freed on day 10, bound again on 30, freed on 40: on day 45 it is half way back.

    Splits are kept while no weight is on its way back; a kept split must still note the second
    binding, or day 45 would count from day 10 and find the weight fully returned.
    """
    use = MaterialUse(
        "hf", 1.0, 30.0, (Source("a", 0.5), Source("b", 0.5)), licence_weight=0.5, weight_return_days=10.0
    )
    hf = Sourcing(use)
    assert hf.weighted_split(0.0, {"a": None, "b": 0.0}) == ([("a", 0.25), ("b", 0.5)], 0.75)
    assert hf.weighted_split(25.0, {"a": 10.0, "b": 0.0}) == ([("a", 0.5), ("b", 0.5)], 1.0)  # fully back
    assert hf.weighted_split(30.0, {"a": None, "b": 0.0}) == ([("a", 0.25), ("b", 0.5)], 0.75)  # kept split
    assert hf.weighted_split(40.0, {"a": 40.0, "b": 0.0}) == ([("a", 0.25), ("b", 0.5)], 0.75)
    assert hf.weighted_split(45.0, {"a": 40.0, "b": 0.0}) == ([("a", 0.375), ("b", 0.5)], 0.875)


def test_with_every_source_bound_orders_still_go_out(one_fab: tuple[Scenario, Regime]) -> None:
    """A fab whose only source is licence-bound keeps ordering from it, whatever its weight."""
    scenario, regime = one_fab
    records = simulate(_weighted(scenario, 0.0, None), regime)
    assert _without_event_count(records) == _without_event_count(simulate(scenario, regime))


# ---------------------------------------------------------------- companies with plants


def test_a_plant_stops_while_its_sister_plant_runs(one_fab: tuple[Scenario, Regime]) -> None:
    """A plant without resist stops on day 30; its sister plant runs on, and only the first loses output.

    Both belong to one company, whose output lost is the first plant's: (214 - 30) days of
    1 unit worth 1 million, out of 2 x 214 units planned.
    """
    scenario, regime = one_fab
    world = _two_sources(scenario)  # brings in the Korean maker, which needs no licence
    fab = world.chipmakers[0]
    resist = fab.materials[0]
    starving = attrs.evolve(fab, company="acme", materials=(attrs.evolve(resist, sources=()),))
    local = attrs.evolve(resist, sources=(Source("local", 1.0),))
    running = attrs.evolve(fab, id="sister", company="acme", materials=(local,))
    world = attrs.evolve(world, chipmakers=(starving, running))
    records = simulate(world, regime)
    assert [(s.chipmaker, s.start) for s in records.stockouts] == [("fab", 30.0)]
    assert records.lost_units[("sister", "photoresist")] == 0.0
    [company] = company_metrics(records, world).items()
    horizon = scenario.horizon_days
    assert company[0] == "acme"
    assert company[1]["production_loss_usd"] == pytest.approx((horizon - 30) * 1e6)
    assert company[1]["production_loss_fraction"] == pytest.approx((horizon - 30) / (2 * horizon))


def test_days_of_conservation_and_tonnes_resourced_are_counted(one_fab: tuple[Scenario, Regime]) -> None:
    """A cut from the shock on day 33 to day 60 counts 27 days; cancelled tonnes count as re-sourced."""
    scenario, regime = one_fab
    cut = IntensityCut(below_cover_days=0.0, factor=0.5, on_shock=True)
    cutting = _cutting(scenario, cut, end=dt.date(2019, 7, 30))
    metrics = chipmaker_metrics(simulate(cutting, regime), cutting)["fab"]["photoresist"]
    assert metrics["conservation_days"] == pytest.approx(27.0)
    impatient = _two_sources(scenario, patience_days=10.0)
    records = simulate(impatient, regime)
    resourced = chipmaker_metrics(records, impatient)["fab"]["photoresist"]["resourced_t"]
    assert resourced == pytest.approx(sum(f.quantity_t for f in records.failed_orders))
    assert resourced > 0
    assert supplier_metrics(records)["maker"]["resourced_away_t"] == pytest.approx(resourced)


def test_stock_on_hand_on_the_shock_day_sits_below_the_target(one_fab: tuple[Scenario, Regime]) -> None:
    """On day 33 the fab holds 18 t, 18 days, against an order-up-to target of 30.

    Reviews on days 0, 7, ..., 28 each order the week's 7 t, which arrive 7.07 days later
    (0.07 days to make, a 5-day lead time, a 2-day lane). Just after each arrival the stock
    is 30 - 7 - 0.07 = 22.93 t; the last before the shock comes at 28.07, so on day 33 the fab
    holds 22.93 - 4.93 = 18 t, with day 28's 7 t still on order.
    """
    scenario, regime = one_fab
    metrics = chipmaker_metrics(simulate(scenario, regime), scenario)["fab"]["photoresist"]
    assert metrics["shock_stock_days"] == pytest.approx(18.0)
    assert metrics["order_up_to_days"] == 30.0
    before = attrs.evolve(scenario, end=dt.date(2019, 6, 30))  # no shock within the run
    unshocked = chipmaker_metrics(simulate(before, regime), before)["fab"]["photoresist"]
    assert math.isnan(unshocked["shock_stock_days"])
    assert math.isnan(unshocked["order_up_to_days"])


# ---------------------------------------------------------------- capacity: allocation and expansion


def test_first_come_first_served_on_ashort_line(one_fab: tuple[Scenario, Regime]) -> None:
    """First come: fab's 7 t is made by day 7, fab2's next by day 14, then the 5-day lead time."""
    scenario, regime = one_fab
    records = simulate(short_line(scenario, "first-come"), regime)
    assert first_ready(records) == {"fab": pytest.approx(12.0), "fab2": pytest.approx(19.0)}


def test_proportional_allocation_of_ashort_line(one_fab: tuple[Scenario, Regime]) -> None:
    """Proportional: each fab buys 1 t a day, so each gets half the line: 7 t take 14 days for both."""
    scenario, regime = one_fab
    records = simulate(short_line(scenario, "proportional"), regime)
    assert first_ready(records) == {"fab": pytest.approx(19.0), "fab2": pytest.approx(19.0)}


def test_existing_customers_come_first(one_fab: tuple[Scenario, Regime]) -> None:
    """Existing first: on a 1.5 t a day line fab (1 t a day) is first; fab2, qualified later, gets the rest.

    Day 0: only fab buys from the maker (fab2 qualifies just after), so fab's 7 t take 7/1.5
    days. Day 7: each orders 7 t; fab's quota is 1 t a day (done day 14), fab2's 0.5 t a day
    (done day 21), then the 5-day lead time. First come, fab2's would be done at 7 + 14/1.5.
    """
    scenario, regime = one_fab
    world = short_line(scenario, "existing-first")
    maker = world.suppliers[0]
    product = attrs.evolve(maker.products[0], capacity_t_per_day=1.5)
    newcomer = attrs.evolve(
        world.chipmakers[1],
        qualifications=(Qualification("maker", "photoresist", fixed(0.0), share=1.0, start=world.start),),
    )
    use = attrs.evolve(newcomer.materials[0], sources=(), start_inventory_days=30.0)
    world = attrs.evolve(
        world,
        suppliers=(attrs.evolve(maker, products=(product,)),),
        chipmakers=(world.chipmakers[0], attrs.evolve(newcomer, materials=(use,))),
    )
    records = simulate(world, regime)
    fab = [s.time for s in records.shipments if s.chipmaker == "fab"]
    assert fab[:2] == [pytest.approx(7 / 1.5 + 5), pytest.approx(19.0)]
    assert min(s.time for s in records.shipments if s.chipmaker == "fab2") == pytest.approx(26.0)


def test_an_expansion_serves_every_buyer(one_fab: tuple[Scenario, Regime]) -> None:
    """A second 1 t a day from day 3 serves both fabs: 14 t are made by day 3 + 11/2 = 8.5, not day 14.

    First come: fab's 7 t are done on day 3 + 4/2 = 5; fab2's then by day 8.5.
    """
    scenario, regime = one_fab
    expansion = Expansion(dt.date(2019, 6, 4), 1.0)
    records = simulate(short_line(scenario, "first-come", expansions=(expansion,)), regime)
    assert first_ready(records) == {"fab": pytest.approx(10.0), "fab2": pytest.approx(13.5)}


def test_a_ramped_expansion_integrates_its_capacity() -> None:
    """A 10 t a day base ramping up 10 t a day more over days 5 to 15 makes 100 t by day 5 + sqrt(200) - 10.

    From day 5, capacity is 10 + (t - 5), so x = t - 5 solves 50 + 10x + x^2/2 = 100.
    """
    capacity = Capacity(10.0, [(5.0, 10.0, 10.0)])
    assert capacity.finish(0.0, 100.0) == pytest.approx(5.0 + (-10.0 + 200**0.5))
    assert capacity.finish(0.0, 50.0 + 150.0 + 20.0) == pytest.approx(16.0)  # ramped fully by day 15


def test_licence_bound_goods_are_made_only_so_far_ahead(one_fab: tuple[Scenario, Regime]) -> None:
    """With goods made at most 7 days of orders ahead of licences, orders after the shock wait unmade.

    Day 28's 7 t is made before the shock and waits from 33.07. Day 35's would put 14 t ahead
    of no licence, so it files its application on day 35 (made as ordered, it would file when
    ready, on 40.07) and waits unmade. By 8 Sep (day 99) the capped maker holds only day 28's
    7 t; made as ordered, it holds all 30 t the fab has on order (its cover target).
    """
    scenario, regime = one_fab
    capped = attrs.evolve(scenario.suppliers[0], made_ahead_days=7.0)
    short = attrs.evolve(scenario, end=dt.date(2019, 9, 8))
    records = simulate(attrs.evolve(short, suppliers=(capped,)), regime)
    plain = simulate(short, regime)
    filed = [sorted(a.filed for a in r.applications)[:2] for r in (records, plain)]
    assert filed == [
        [pytest.approx(33.07), pytest.approx(35.0)],
        [pytest.approx(33.07), pytest.approx(40.07)],
    ]
    assert records.supplier_stock_t["maker"] == pytest.approx(7.0)
    assert plain.supplier_stock_t["maker"] == pytest.approx(30.0)
