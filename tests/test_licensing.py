"""Which licence or application an order may use: its own buyer's and material's, valid, with room.

One supplier serves two fabs here, with two materials each, so a rule that ignored the
buyer or the material would pick the wrong licence or application.
"""

from __future__ import annotations

import attrs
import pytest

from simulator.model import prepare
from simulator.model.authority import Licence
from simulator.model.orders import Channel
from simulator.model.streams import Streams
from simulator.model.world import World
from simulator.rules.values import Regime
from simulator.scenario.values import Material, Product, Scenario

RESIST = "photoresist"
HF = "hydrogen-fluoride"


@pytest.fixture
def world(one_fab: tuple[Scenario, Regime]) -> World:
    """The one-fab world with a second fab buying from the same supplier, which renews at 60 days.

    The supplier also makes hydrogen fluoride, which both fabs buy too.
    """
    scenario, regime = one_fab
    fab = scenario.chipmakers[0]
    resist = fab.materials[0]
    maker = scenario.suppliers[0]
    maker = attrs.evolve(
        maker,
        products=(*maker.products, Product(HF, 100.0)),
        renew_days=60.0,
        contract_days=90.0,
    )
    fab = attrs.evolve(fab, materials=(resist, attrs.evolve(resist, material=HF)))
    two_fabs = attrs.evolve(
        scenario,
        materials=(*scenario.materials, Material(HF, HF, 1000.0)),
        suppliers=(maker,),
        chipmakers=(fab, attrs.evolve(fab, id="fab2")),
    )
    return World(prepare(two_fabs, regime), Streams(1, 0))


def _channel(world: World, fab: str, material: str = RESIST) -> Channel:
    return world.book.channel(world.fabs[fab], "maker", material)


def test_an_order_draws_only_on_its_own_buyers_valid_licence(world: World) -> None:
    """A resist licence for fab serves fab's resist orders while valid and with room, no others."""
    authority = _channel(world, "fab").authority
    authority.grant(_channel(world, "fab"), 8.0, valid_until=30.0)
    [licence] = authority.licences[_channel(world, "fab")]
    assert authority.use_licence(_channel(world, "fab2"), 5.0, now=0.0) is None
    assert authority.use_licence(_channel(world, "fab", HF), 5.0, now=0.0) is None
    assert authority.use_licence(_channel(world, "fab"), 5.0, now=0.0) is licence
    assert licence.remaining_t == pytest.approx(3.0)
    assert authority.use_licence(_channel(world, "fab"), 5.0, now=0.0) is None  # 3 t left, 5 t wanted
    assert authority.use_licence(_channel(world, "fab"), 2.0, now=30.0) is licence  # valid through day 30
    assert authority.use_licence(_channel(world, "fab"), 1.0, now=31.0) is None  # expired


def test_an_order_joins_only_its_own_buyers_pending_application(world: World) -> None:
    """A pending application for fab's resist has room for those orders only, up to its quantity."""
    kind = world.setup.laws.primary.licence("individual")
    application = _channel(world, "fab").join_or_apply(2.0, kind)
    assert application.quantity_t == pytest.approx(2.0 + 90.0)  # the order and 90 days of 1 t/day
    assert _channel(world, "fab2").join_or_apply(5.0, kind) is not application
    assert _channel(world, "fab", HF).join_or_apply(5.0, kind) is not application
    assert _channel(world, "fab").join_or_apply(85.0, kind) is application  # 87 of 92 t committed
    assert _channel(world, "fab").join_or_apply(10.0, kind) is not application  # 5 t of room left
    assert len(world.applications) == 4
    world.authorities["JP"].decide(application, denied=False)
    assert _channel(world, "fab").join_or_apply(1.0, kind) is not application  # decided: no room


def test_renewal_waits_only_for_the_same_buyers_pending_application(world: World) -> None:
    """A low licence is renewed unless that buyer's application for that material is pending."""
    kind = world.setup.laws.primary.licence("individual")
    low = Licence(10.0, valid_until=300.0)  # under 60 days of fab2's 1 t/day
    _channel(world, "fab").apply(kind, 90.0)
    _channel(world, "fab2", HF).apply(kind, 90.0)
    _channel(world, "fab2").renew_if_low(low, kind, 5.0)
    assert [(a.names[3], a.names[0], a.quantity_t) for a in world.applications[2:]] == [
        ("fab2", RESIST, 90.0)
    ]
    _channel(world, "fab2").renew_if_low(low, kind, 5.0)
    assert len(world.applications) == 3  # fab2's renewal is now pending
    _channel(world, "fab", HF).renew_if_low(Licence(61.0, valid_until=300.0), kind, 5.0)
    assert len(world.applications) == 3  # 61 t left: over 60 days of fab's 1 t/day
    _channel(world, "fab", HF).renew_if_low(Licence(59.0, valid_until=300.0), kind, 5.0)
    assert len(world.applications) == 4
