"""Imports as customs count them, and the warm-up: hand-computed one-fab figures and a property.

One-fab (tests/scenarios/one-fab.toml) has fixed times. Its fab uses 1 t a day, starts with
30 t and every 7 days orders up to 30 days of use. An order is made in 0.07 t / 100 t a day,
waits 5 days and ships; Korea is 2 days away. From 4 Jul 2019 (day 33) an export needs an
individual licence, reviewed in exactly 90 days. By hand:

* June: the orders of days 7, 14 and 21 leave on days 12.07, 19.07 and 26.07: 3 x 7 = 21 t.
* July to September: nothing leaves. The day-28 order is ready on day 33.07 and waits 90 days.
* October: the orders of days 28, 35, 42 and 49 (7 t each), and the 2 t of day 56 (the fab ran
  out on day 51, so its 30 t target less the 28 t on order), leave on 2, 9, 16, 23 and 30 Oct:
  30 t.
* November and December: nothing. Orders from day 126 on wait reviews ending after day 214.

The fab is out of stock from day 51 to the arrival on day 125.07, and again from day 155.07
(the 30 t of October last 30 days) to the horizon, day 214.
"""

from __future__ import annotations

import calendar
import datetime as dt

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.model import simulate
from simulator.model.customs import customs_flows, monthly_flows
from simulator.model.metrics import chipmaker_metrics, cutting_spans, lost_units_between
from simulator.model.records import RunRecords
from simulator.regimes.loading import load_regime
from simulator.rules.values import Regime
from simulator.scenario.values import Scenario, TradeFlow
from simulator.testing import scenarios

JAPAN = load_regime("japan")
MONTHS = ("2019-06", "2019-07", "2019-08", "2019-09", "2019-10", "2019-11", "2019-12")
RESIST = "3707.90"


def _resist(scenario: Scenario, share: float) -> Scenario:
    """One-fab with its resist counted under HS 3707.90, of which it is ``share``."""
    material = attrs.evolve(scenario.materials[0], controlled_share=share, trade_code=RESIST)
    return attrs.evolve(scenario, materials=(material,))


def _series(values: list[float], months: tuple[str, ...] = MONTHS) -> dict[str, float]:
    return dict(zip(months, values, strict=True))


def _approx(tree: dict[str, object]) -> object:
    """The nested mapping with every number compared approximately."""
    return {k: _approx(v) if isinstance(v, dict) else pytest.approx(v) for k, v in tree.items()}


def test_flows_keep_zero_months(one_fab: tuple[Scenario, Regime]) -> None:
    """The model's flows give every month of the period, 0 t from July to September and after October."""
    scenario, regime = one_fab
    flows = monthly_flows(simulate(scenario, regime), scenario)
    assert flows == {"photoresist": {"JP": _series([21.0, 0.0, 0.0, 0.0, 30.0, 0.0, 0.0])}}


def test_customs_by_hand(one_fab: tuple[Scenario, Regime]) -> None:
    """Customs gross the model's resist up by 1/0.6 and add US imports of 5 t a month (12 t in August)."""
    scenario, regime = one_fab
    us = TradeFlow(RESIST, "US", "KR", 5.0, {"2019-08": 12.0}, source="test")
    world = attrs.evolve(_resist(scenario, 0.6), trade_flows=(us,))
    customs = customs_flows(simulate(world, regime), world)
    assert customs == _approx(
        {
            RESIST: {
                "KR": {
                    "JP": _series([35.0, 0.0, 0.0, 0.0, 50.0, 0.0, 0.0]),  # 21 / 0.6 and 30 / 0.6
                    "US": _series([5.0, 5.0, 12.0, 5.0, 5.0, 5.0, 5.0]),
                }
            }
        }
    )


def test_materials_sharing_a_code_add_up(japan_2019: tuple[Scenario, Regime]) -> None:
    """Liquid and gas HF under HS 2811.11 (shares 1) give the sum of their own flows, month by month."""
    scenario, regime = japan_2019
    hf = ("hydrogen-fluoride-liquid", "hydrogen-fluoride-gas")
    materials = tuple(attrs.evolve(m, trade_code="2811.11") if m.id in hf else m for m in scenario.materials)
    world = attrs.evolve(scenario, materials=materials)
    records = simulate(world, regime)
    flows, customs = monthly_flows(records, world), customs_flows(records, world)
    for month, tonnes in customs["2811.11"]["KR"]["JP"].items():
        assert tonnes == pytest.approx(sum(flows[m]["JP"][month] for m in hf))
    assert customs["photoresist"]["KR"]["US"] == flows["photoresist"]["US"]


def test_warm_up_by_hand(one_fab: tuple[Scenario, Regime]) -> None:
    """After a 60-day warm-up: 124 days out of 154 planned, TTS to the next stock-out, July pro rata."""
    scenario, regime = one_fab
    us = TradeFlow(RESIST, "US", "KR", 5.0)
    world = attrs.evolve(_resist(scenario, 1.0), warm_up_days=60.0, trade_flows=(us,))
    records = simulate(world, regime)
    fab = chipmaker_metrics(records, world)["fab"]["photoresist"]
    assert fab["stockout_days"] == pytest.approx((125.07 - 60) + (214 - 155.07))
    assert fab["production_loss_fraction"] == pytest.approx(124 / 154)
    assert fab["production_loss_usd"] == pytest.approx(124e6)
    assert fab["tts_days"] == pytest.approx(155.07 - 33)  # the day-51 stock-out began in the warm-up
    assert fab["ttr_days"] == pytest.approx(153 - 33)  # short from day 60; 30 t received in days 124-153
    july_on = MONTHS[1:]
    assert monthly_flows(records, world) == {"photoresist": {"JP": _series([0, 0, 0, 30, 0, 0], july_on)}}
    # day 60 is 30 Jul: one day of July's 31 is reported
    us_series = customs_flows(records, world)[RESIST]["KR"]["US"]
    assert us_series == _approx(_series([5 / 31, 5, 5, 5, 5, 5], july_on))


def test_warm_up_leaves_out_the_start_of_its_month(one_fab: tuple[Scenario, Regime]) -> None:
    """After a 130-day warm-up (9 Oct) October counts the last 23 t of its 30 and 23 of its 31 days."""
    scenario, regime = one_fab
    us = TradeFlow(RESIST, "US", "KR", 31.0)
    world = attrs.evolve(_resist(scenario, 0.5), warm_up_days=130.0, trade_flows=(us,))
    records = simulate(world, regime)
    october_on = MONTHS[4:]
    # left out: the 7 t of 2 Oct (day 123.07); counted: 7 t on days 130.07, 137.07, 144.07, 2 t on 151.02
    assert monthly_flows(records, world) == {"photoresist": {"JP": _series([23.0, 0.0, 0.0], october_on)}}
    assert customs_flows(records, world) == _approx(
        {RESIST: {"KR": {"JP": _series([46.0, 0, 0], october_on), "US": _series([23.0, 31, 31], october_on)}}}
    )


def test_warm_up_judges_receipts_windows_from_its_end(one_fab: tuple[Scenario, Regime]) -> None:
    """After a 160-day warm-up the day-153 recovery is left out: short on day 160, never recovered."""
    scenario, regime = one_fab
    world = attrs.evolve(scenario, warm_up_days=160.0)
    records = simulate(world, regime)
    fab = chipmaker_metrics(records, world)["fab"]["photoresist"]
    assert fab["ttr_days"] == pytest.approx(214 - 33)  # days 131-160 received 23 t, then nothing
    assert fab["tts_days"] == pytest.approx(214 - 33)  # no stock-out starts after day 160
    assert fab["stockout_days"] == pytest.approx(214 - 160)
    assert fab["production_loss_fraction"] == pytest.approx(1.0)
    # Japan was seen in the run, so its zero months are reported (8 Nov to 31 Dec)
    assert monthly_flows(records, world) == {"photoresist": {"JP": _series([0, 0], MONTHS[5:])}}


def test_lost_units_from_stockouts_match_the_fabs_own(japan_2019: tuple[Scenario, Regime]) -> None:
    """Over the whole run, the loss worked out from japan-2019's stock-outs equals the fabs' count."""
    scenario, regime = japan_2019
    records = simulate(scenario, regime)
    for chipmaker in scenario.chipmakers:
        spans = [s for s in records.stockouts if s.chipmaker == chipmaker.id]
        for use in chipmaker.materials:
            lost = lost_units_between(
                spans, use.material, chipmaker.output_units_per_day, 0.0, records.horizon_days
            )
            assert lost == pytest.approx(records.lost_units[chipmaker.id, use.material], abs=1e-9)


# ---------------------------------------------------------------- over generated scenarios


@st.composite
def _customs_worlds(draw: st.DrawFn) -> Scenario:
    """A generated scenario with a controlled share, a trade code, exogenous flows and a warm-up."""
    scenario = draw(scenarios())
    material = attrs.evolve(
        scenario.materials[0], controlled_share=draw(st.floats(0.05, 1.0)), trade_code=RESIST
    )
    months = [d.strftime("%Y-%m") for d in _months(scenario)]
    flows = draw(st.lists(_trade_flows(months), max_size=3))
    warm_up = draw(st.floats(0.0, scenario.horizon_days - 1))
    return attrs.evolve(scenario, materials=(material,), trade_flows=tuple(flows), warm_up_days=warm_up)


def _trade_flows(months: list[str]) -> st.SearchStrategy[TradeFlow]:
    tonnes = st.floats(0.0, 100.0)
    return st.builds(
        TradeFlow,
        trade_code=st.just(RESIST),
        origin=st.sampled_from(["CN", "US", "KR"]),
        destination=st.sampled_from(["KR", "TW"]),
        tonnes_per_month=tonnes,
        monthly=st.dictionaries(st.sampled_from(months), tonnes, max_size=3),
    ).filter(lambda f: f.origin != f.destination)


def _months(scenario: Scenario) -> list[dt.date]:
    first = scenario.start.replace(day=1)
    found = []
    while first <= scenario.end:
        found.append(first)
        first = (first + dt.timedelta(days=32)).replace(day=1)
    return found


def _exogenous_t(scenario: Scenario, flow: TradeFlow) -> float:
    """A flow's tonnes within the reported period: each month's share of days from warm-up to horizon."""
    total = 0.0
    for first in _months(scenario):
        days = calendar.monthrange(first.year, first.month)[1]
        low, high = scenario.day(first), scenario.day(first) + days
        covered = max(0.0, min(high, scenario.horizon_days) - max(low, scenario.warm_up_days))
        total += flow.tonnes_in(first.strftime("%Y-%m")) * covered / days
    return total


def _model_t(records: RunRecords, scenario: Scenario) -> float:
    """Tonnes the model exported across a border from the end of warm-up on."""
    return sum(
        s.quantity_t
        for s in records.shipments
        if s.origin != s.destination and s.time >= scenario.warm_up_days
    )


@settings(max_examples=40, deadline=None)
@given(_customs_worlds())
def test_customs_totals_are_shipments_grossed_up_plus_exogenous(scenario: Scenario) -> None:
    """Customs tonnes sum to the model's exports after warm-up over the share, plus the exogenous flows."""
    records = simulate(scenario, JAPAN)
    customs = customs_flows(records, scenario)
    series = [months for by_origin in customs.get(RESIST, {}).values() for months in by_origin.values()]
    total = sum(t for months in series for t in months.values())
    share = scenario.materials[0].controlled_share
    expected = _model_t(records, scenario) / share + sum(
        _exogenous_t(scenario, f) for f in scenario.trade_flows
    )
    assert total == pytest.approx(expected, rel=1e-9, abs=1e-9)
    flows = monthly_flows(records, scenario)
    assert sum(t for o in flows.get("photoresist", {}).values() for t in o.values()) == pytest.approx(
        _model_t(records, scenario), rel=1e-9, abs=1e-9
    )
    reported = [
        d.strftime("%Y-%m")
        for d in _months(scenario)
        if d >= scenario.date(scenario.warm_up_days).replace(day=1)
    ]
    assert all(list(months) == reported for months in series)


@settings(max_examples=30, deadline=None)
@given(scenarios(), st.floats(0.0, 200.0))
def test_warm_up_loss_is_the_fabs_loss_after_it(scenario: Scenario, warm_up: float) -> None:
    """The loss after warm-up plus the loss within it (stock-outs and conservation) is the whole loss."""
    records = simulate(scenario, JAPAN)
    for chipmaker in scenario.chipmakers:
        spans = [s for s in records.stockouts if s.chipmaker == chipmaker.id]
        rate = chipmaker.output_units_per_day
        world = attrs.evolve(scenario, warm_up_days=min(warm_up, records.horizon_days - 1))
        before = lost_units_between(spans, "photoresist", rate, 0.0, world.warm_up_days)
        cut = chipmaker.intensity_cut
        if cut is not None and cut.output_loss_fraction:
            cutting = cutting_spans(records, chipmaker)
            before += lost_units_between(
                cutting, "photoresist", rate * cut.output_loss_fraction, 0.0, world.warm_up_days
            )
        fraction = chipmaker_metrics(records, world)[chipmaker.id]["photoresist"]["production_loss_fraction"]
        planned = rate * (records.horizon_days - world.warm_up_days)
        whole = records.lost_units[chipmaker.id, "photoresist"]
        assert before + fraction * planned == pytest.approx(whole, abs=1e-6)
