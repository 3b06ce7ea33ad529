"""Which licence or application an order may use: its own buyer's and material's, valid, with room.

One supplier serves two fabs here, with two materials each, so a rule that ignored the
buyer or the material would pick the wrong licence or application.
"""

from __future__ import annotations

import attrs
import pytest

from simulator.model import prepare
from simulator.model.licensing import ApplicationState, Licence, renew_if_low, use_licence
from simulator.model.processes import dispatch
from simulator.model.state import CountingEnvironment, Order, World
from simulator.rules.values import Regime
from simulator.scenario import Material, Product, Scenario
from simulator.streams import Streams

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
    return World(CountingEnvironment(), prepare(two_fabs, regime), Streams(1, 0), dispatch)


def _order(world: World, fab: str, quantity_t: float = 5.0, material: str = RESIST) -> Order:
    return Order(world.fabs[fab].channel("maker", material), quantity_t, ())


def test_an_order_draws_only_on_its_own_buyers_valid_licence(world: World) -> None:
    """A resist licence for fab serves fab's resist orders while valid and with room, no others."""
    maker = world.suppliers["maker"]
    licence = Licence("fab", RESIST, 8.0, valid_until=30.0)
    maker.hold(licence)
    assert use_licence(maker, _order(world, "fab2"), now=0.0) is None
    assert use_licence(maker, _order(world, "fab", material=HF), now=0.0) is None
    assert use_licence(maker, _order(world, "fab"), now=0.0) is licence
    assert licence.remaining_t == pytest.approx(3.0)
    assert use_licence(maker, _order(world, "fab"), now=0.0) is None  # 3 t left, 5 t wanted
    assert use_licence(maker, _order(world, "fab", 2.0), now=31.0) is None  # expired


def test_an_order_joins_only_its_own_buyers_pending_application(world: World) -> None:
    """A pending application for fab's resist has room for those orders only, up to its quantity."""
    application = ApplicationState(_order(world, "fab"), "individual", 20.0, filed=0.0)
    assert not application.has_room(_order(world, "fab2"))
    assert not application.has_room(_order(world, "fab", material=HF))
    assert application.has_room(_order(world, "fab"))
    application.committed_t = 18.0
    assert not application.has_room(_order(world, "fab"))
    application.committed_t = 0.0
    application.outcome = "approved"
    assert not application.has_room(_order(world, "fab"))


def test_renewal_waits_only_for_the_same_buyers_pending_application(world: World) -> None:
    """A low licence is renewed unless that buyer's application for that material is pending."""
    maker = world.suppliers["maker"]
    low = Licence("fab2", RESIST, 10.0, valid_until=300.0)  # under 60 days of fab2's 1 t/day
    maker.pending.append(ApplicationState(_order(world, "fab"), "individual", 90.0, filed=0.0))
    maker.pending.append(ApplicationState(_order(world, "fab2", material=HF), "individual", 90.0, filed=0.0))

    def ignore(_world: World, _application: ApplicationState) -> None:
        return None

    renew_if_low(world, _order(world, "fab2"), low, "individual", ignore)
    assert [(a.order.fab.chipmaker.id, a.quantity_t) for a in world.applications] == [("fab2", 90.0)]
    renew_if_low(world, _order(world, "fab2"), low, "individual", ignore)
    assert len(world.applications) == 1  # fab2's renewal is now pending
