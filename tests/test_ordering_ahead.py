"""Ordering ahead: between a measure's announcement and its effective date, buyers raise their targets.

Hand-computed in one-fab (1 t a day, 30 days of stock and cover, weekly reviews, 5-day lead time
plus 1/100 day a tonne on the line, 2-day lane). Japan announced the three-item measure on
1 Jul 2019 (day 30) for 4 Jul (day 33); the what-if regimes here announce it earlier.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import attrs
import pytest
from helpers import problem_fields

from simulator.model import prepare, replicate, simulate
from simulator.model.metrics import chipmaker_metrics
from simulator.model.records import RunRecords
from simulator.rules.derive import RegimeChanges, derive
from simulator.rules.values import Measure, Regime, Rule
from simulator.scenario.loading import load_scenario, load_variants
from simulator.scenario.values import Scenario, Supplier

ROOT = Path(__file__).parents[1]
ONE_FAB = (Path(__file__).parent / "scenarios" / "one-fab.toml").read_text(encoding="utf-8")
THREE_ITEMS = "2019-07-04-three-items-individual"
WINDOW = {("fab", "photoresist"): (11.0, 33.0)}
"""One-fab's window when the measure is announced on 12 Jun 2019 (day 11)."""


def _announced(regime: Regime, day: dt.date, measure_id: str = THREE_ITEMS) -> Regime:
    """The regime with ``measure_id`` announced on ``day`` instead (a what-if)."""
    measure = attrs.evolve(regime.measure(measure_id), announced=day)
    return attrs.evolve(regime, measures=tuple(measure if m.id == measure_id else m for m in regime.measures))


def _ordering_ahead(scenario: Scenario, days: float = 20.0, **fab: float) -> Scenario:
    chipmaker = scenario.chipmakers[0]
    use = attrs.evolve(chipmaker.materials[0], pull_forward_days=days)
    return attrs.evolve(scenario, chipmakers=(attrs.evolve(chipmaker, materials=(use,), **fab),))


def _capped(scenario: Scenario, cap_days: float) -> Scenario:
    return attrs.evolve(scenario, materials=(attrs.evolve(scenario.materials[0], storage_cap_days=cap_days),))


def _left_before_the_measure(records: RunRecords) -> list[float]:
    """Leaving day and tonnes of each shipment before day 33, laid end to end."""
    return [x for s in records.shipments if s.time < 33 for x in (s.time, s.quantity_t)]


def test_one_fabs_window_is_the_announcement_to_the_effective_date(one_fab: tuple[Scenario, Regime]) -> None:
    """Japan's 1 Jul announcement of the 4 Jul measure gives one-fab the window from day 30 to day 33."""
    scenario, regime = one_fab
    assert prepare(scenario, regime).announcements == {("fab", "photoresist"): (30.0, 33.0)}
    assert prepare(scenario, _announced(regime, dt.date(2019, 6, 12))).announcements == WINDOW


@pytest.mark.parametrize(
    ("start", "window"),
    [(dt.date(2019, 7, 2), (0.0, 2.0)), (dt.date(2019, 7, 4), None), (dt.date(2019, 5, 1), (61.0, 64.0))],
    ids=["announced-before-the-start", "in-force-from-the-start", "whole-window-in-the-run"],
)
def test_window_within_the_run(one_fab: tuple[Scenario, Regime], start: dt.date, window: object) -> None:
    """The window opens on the first day at the earliest; a measure in force from the start has none."""
    scenario, regime = one_fab
    windows = prepare(attrs.evolve(scenario, start=start), regime).announcements
    assert windows.get(("fab", "photoresist")) == window


def test_no_window_without_an_announcement_or_a_restriction(one_fab: tuple[Scenario, Regime]) -> None:
    """A measure announced on its effective day, or a supplier no regime governs, gives no window."""
    scenario, regime = one_fab
    assert prepare(scenario, _announced(regime, dt.date(2019, 7, 4))).announcements == {}
    chinese = attrs.evolve(scenario.suppliers[0], country="CN")
    lanes = (attrs.evolve(scenario.lanes[0], origin="CN"),)
    assert prepare(attrs.evolve(scenario, suppliers=(chinese,), lanes=lanes), regime).announcements == {}


def _banned_from_1_september(regime: Regime) -> Regime:
    """Japan's regime without the 2019 curbs, resist to Korea banned from 1 Sep 2019 (announced 20 Aug)."""
    ban = Measure(
        id="resist-ban",
        title="A ban on resist to Korea (what-if)",
        effective=dt.date(2019, 9, 1),
        announced=dt.date(2019, 8, 20),
        citation="Hypothetical, for testing",
        rules=(
            Rule(
                id="resist-ban-rule",
                action="prohibit",
                text="No resist to Korea.",
                citation="Hypothetical",
                items=("photoresist",),
                destinations=("KR",),
            ),
        ),
    )
    return derive(
        regime, RegimeChanges(id="resist-ban", base="japan", remove_measures=(THREE_ITEMS,), measures=(ban,))
    )


def test_a_prohibition_opens_a_window_too(one_fab: tuple[Scenario, Regime]) -> None:
    """A measure that will prohibit a source's exports opens a window, and the ban is the fab's shock."""
    scenario, regime = one_fab
    setup = prepare(scenario, _banned_from_1_september(regime))
    assert setup.announcements == {("fab", "photoresist"): (80.0, 92.0)}
    assert setup.shocks == {("fab", "photoresist"): 92.0}


def test_ordering_ahead_by_hand(one_fab: tuple[Scenario, Regime]) -> None:
    """Pulling 20 days forward in the window from day 11, the reviews of days 14, 21 and 28 order 27, 7, 7 t.

    Day 14: 16 t in stock and 7 on order against 30 + 20: 27 t, ready on 14 + 0.27 + 5 = 19.27.
    Day 21: 16 t and 27 on order: 7 t (26.07). Day 28: 36 t and 7 on order: 7 t, ready on 33.07,
    when the measure is in force: it files the first application. Without ordering ahead the
    day-14 review orders 7 t (19.07).
    """
    scenario, regime = one_fab
    early = _announced(regime, dt.date(2019, 6, 12))
    records = simulate(_ordering_ahead(scenario), early)
    assert _left_before_the_measure(records) == pytest.approx([12.07, 7.0, 19.27, 27.0, 26.07, 7.0])
    first = records.applications[0]
    assert (first.filed, first.quantity_t) == pytest.approx((33.07, 7.0))
    plain = simulate(scenario, early)
    assert _left_before_the_measure(plain) == pytest.approx([12.07, 7.0, 19.07, 7.0, 26.07, 7.0])


def test_the_storage_cap_binds_the_pull_forward(one_fab: tuple[Scenario, Regime]) -> None:
    """Under a 40-day storage cap the day-14 target is 40 t, not 50: it orders 17 t (ready 19.17)."""
    scenario, regime = one_fab
    records = simulate(_capped(_ordering_ahead(scenario), 40.0), _announced(regime, dt.date(2019, 6, 12)))
    assert _left_before_the_measure(records) == pytest.approx([12.07, 7.0, 19.17, 17.0, 26.07, 7.0])
    assert records.spoiled_t[("fab", "photoresist")] == 0.0


def test_a_cap_below_the_cover_target_leaves_the_target_as_it_was(one_fab: tuple[Scenario, Regime]) -> None:
    """With a 20-day cap under the 30-day cover, ordering ahead adds nothing and takes nothing away."""
    scenario, regime = one_fab
    early = _announced(regime, dt.date(2019, 6, 12))
    assert simulate(_capped(_ordering_ahead(scenario), 20.0), early) == simulate(
        _capped(scenario, 20.0), early
    )


def test_the_real_window_is_shorter_than_the_lead_time(one_fab: tuple[Scenario, Regime]) -> None:
    """Reviewing daily in the real 1-4 Jul window, the day-30 order (21 t) is ready on day 35.21, too late.

    Daily reviews order 1 t a day; on day 30 the target rises to 50 t against 29 t held and on
    order, so it orders 21 t. Every order of days 28 to 32 is ready after day 33 and files its own
    application; the line (first come, first served) holds the 21 t until 30.21. From day 33
    the target is 30 t again against 50 held and on order, so the next order is day 53's 1 t.
    """
    scenario, regime = one_fab
    records = simulate(_ordering_ahead(scenario, review_period_days=1.0), regime)
    applications = [x for a in records.applications[:6] for x in (a.filed, a.quantity_t)]
    expected = [33.01, 1.0, 34.01, 1.0, 35.21, 21.0, 36.01, 1.0, 37.01, 1.0, 58.01, 1.0]
    assert applications == pytest.approx(expected)
    assert [s.quantity_t for s in records.shipments if 30 <= s.time < 33] == pytest.approx([1.0, 1.0, 1.0])


def test_ordering_ahead_needs_the_supplier_to_be_restricted(one_fab: tuple[Scenario, Regime]) -> None:
    """A fab whose only supplier holds a licence the measure leaves open orders nothing ahead."""
    scenario, regime = one_fab
    early = _announced(regime, dt.date(2019, 6, 12))
    unaffected: Supplier = attrs.evolve(scenario.suppliers[0], country="CN")
    lanes = (attrs.evolve(scenario.lanes[0], origin="CN"),)
    world = attrs.evolve(_ordering_ahead(scenario), suppliers=(unaffected,), lanes=lanes)
    assert _left_before_the_measure(simulate(world, early))[2:4] == pytest.approx([19.07, 7.0])


@pytest.mark.parametrize("path", sorted(ROOT.glob("scenarios/*.toml")), ids=lambda p: p.name)
def test_bundled_scenarios_order_ahead_only_in_the_what_if(path: Path) -> None:
    """Only japan-2019's ``ordered-ahead`` what-if orders ahead; every other run is one without windows."""
    scenario, _ = load_scenario(path)
    names = ("base", *(v.name for v in scenario.variants))
    for name, variant, law in load_variants(path, names):
        setup = prepare(variant, law)
        windowless = replicate(setup) == replicate(attrs.evolve(setup, announcements={}))
        if name == "ordered-ahead":
            assert all(u.pull_forward_days == 30 for c in variant.chipmakers for u in c.materials)
            # the three days between 1 and 4 Jul 2019 change what is ordered, where that window exists
            assert windowless == (not setup.announcements), path.name
            assert setup.announcements or path.name == "no-curbs-2019.toml"
        else:
            assert all(u.pull_forward_days == 0 for c in variant.chipmakers for u in c.materials), name
            assert windowless, name


def test_negative_pull_forward_is_refused(tmp_path: Path) -> None:
    """A negative pull_forward_days is reported at its field path."""
    old = "start_inventory_days = 30.0"
    text = ONE_FAB.replace(old, old + "\n  pull_forward_days = -5.0")
    assert problem_fields(tmp_path / "bad.toml", text) == ["chipmakers[0].materials[0].pull_forward_days"]


def test_a_ban_is_a_shock_for_time_to_survive(one_fab: tuple[Scenario, Regime]) -> None:
    """Banned from day 92 (1 Sep 2019), the one fab survives 22 days on what it holds.

    Day 84's 7 t arrive at 91.07, leaving 22.93 t, so the fab holds 22 t on day 92; day 91's
    order is ready at 96.07, after the ban, and fails; nothing else comes.
    """
    scenario, regime = one_fab
    law = _banned_from_1_september(regime)
    metrics = chipmaker_metrics(simulate(scenario, law), scenario)["fab"]["photoresist"]
    assert metrics["shock_stock_days"] == pytest.approx(22.0)
    assert metrics["tts_days"] == pytest.approx(22.0)
