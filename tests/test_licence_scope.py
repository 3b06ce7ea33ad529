"""What one licence covers (``covers`` on a licence kind): a contract, one shipment, or the customer.

One-fab by hand: the fab orders 7 t a week; the order placed on day 28 + 7k is ready on day
33.07 + 7k, from the shock day (33) on needs Japan's individual licence, and a review takes
exactly 90 days. The fab runs out on day 51 and stops, so its waiting orders fill its 30 t
target after four 7 t orders and one of 2 t (ready on 61.02); it orders again once supply comes.
"""

from __future__ import annotations

from pathlib import Path

import attrs
import pytest
import simpy

from simulator.errors import InputError
from simulator.model import simulate
from simulator.model.authority import Authority
from simulator.model.records import RunRecords
from simulator.model.streams import Streams
from simulator.regimes.loading import __file__ as regimes_file
from simulator.regimes.loading import parse_regime, read_toml
from simulator.rules.values import Covers, Regime
from simulator.scenario.values import Authority as AuthorityTerms
from simulator.scenario.values import Scenario


def _run(
    one_fab: tuple[Scenario, Regime], covers: Covers, validity_days: int = 183, **terms: float
) -> RunRecords:
    """One-fab with Japan's individual licence covering ``covers``, and the supplier's ``terms``."""
    scenario, regime = one_fab
    kind = attrs.evolve(regime.licence("individual"), covers=covers, validity_days=validity_days)
    regime = attrs.evolve(regime, licences=tuple(kind if k.id == kind.id else k for k in regime.licences))
    supplier = attrs.evolve(scenario.suppliers[0], **terms)
    return simulate(attrs.evolve(scenario, suppliers=(supplier,)), regime)


def _filed(records: RunRecords) -> list[tuple[float, float]]:
    return [(round(a.filed, 2), round(a.quantity_t, 2)) for a in records.applications]


def test_a_contract_licence_covers_the_order_and_contract_days(one_fab: tuple[Scenario, Regime]) -> None:
    """The default: the first application asks for 7 + 90 t; its licence serves 97 t, then a second files."""
    records = _run(one_fab, "contract", contract_days=90.0)
    assert _filed(records) == [(33.07, 97.0), (201.07, 97.0)]


def test_each_shipment_files_its_own_application(one_fab: tuple[Scenario, Regime]) -> None:
    """With ``shipment`` every waiting order files for itself alone (contract days ignored), none joins.

    The five orders ready from 33.07 to 61.02 file five applications of their own quantities;
    each is decided 90 days later and its shipment leaves then, alone.
    """
    records = _run(one_fab, "shipment", contract_days=90.0)
    first = [(33.07, 7.0), (40.07, 7.0), (47.07, 7.0), (54.07, 7.0), (61.02, 2.0)]
    assert _filed(records)[:5] == first
    licensed = [(round(s.time, 2), round(s.quantity_t, 2)) for s in records.shipments if s.time > 33]
    assert licensed == [(round(t + 90, 2), q) for t, q in first]
    assert max(a.quantity_t for a in records.applications) == pytest.approx(7.0)  # an order, never more


def test_a_shipment_licence_is_used_up_by_its_shipment() -> None:
    """A shipment's licence serves one shipment, whatever it leaves over; a contract's keeps the rest."""
    authority = Authority(simpy.Environment(), AuthorityTerms(), Streams(1, 0), [])
    authority.grant("batch", 10.0, valid_until=30.0, covers="shipment")
    authority.grant("contract", 10.0, valid_until=30.0)
    for channel in ("batch", "contract"):
        assert authority.use_licence(channel, 4.0, now=0.0) is not None
    assert authority.licensed_t("batch", 0.0) == 0.0
    assert authority.licensed_t("contract", 0.0) == pytest.approx(6.0)
    assert authority.use_licence("batch", 1.0, now=0.0) is None


def test_shipment_licences_are_never_renewed_ahead(one_fab: tuple[Scenario, Regime]) -> None:
    """``renew_days`` files nothing ahead for a shipment licence: only waiting orders apply."""
    assert _filed(_run(one_fab, "shipment", renew_days=60.0)) == _filed(_run(one_fab, "shipment"))


def test_one_customer_licence_covers_every_order_while_valid(one_fab: tuple[Scenario, Regime]) -> None:
    """With ``customer`` one application (33.07) covers every order while valid; no second is filed.

    The five waiting leave on its decision (123.07) and every later one ships on it to the horizon
    (valid 183 days), beyond the 97 t a contract licence would hold.
    """
    records = _run(one_fab, "customer", contract_days=90.0)
    assert _filed(records) == [(33.07, 97.0)]
    after = [s for s in records.shipments if s.time > 33]
    assert [round(s.time, 2) for s in after[:5]] == [123.07] * 5
    assert {s.licence for s in after} == {"individual"}
    assert sum(s.quantity_t for s in after) > 97.0


def test_a_customer_licence_lapses_and_renews_by_time(one_fab: tuple[Scenario, Regime]) -> None:
    """A customer licence valid 60 days (to 183.07) lapses: the order ready on 187.07 files anew.

    With ``renew_days = 30`` the first shipment with under 30 days of validity left (159.07)
    files the next one ahead of need.
    """
    assert _filed(_run(one_fab, "customer", validity_days=60)) == [(33.07, 7.0), (187.07, 7.0)]
    renewing = _run(one_fab, "customer", validity_days=60, renew_days=30.0)
    assert _filed(renewing) == [(33.07, 7.0), (159.07, 7.0)]


def test_licences_at_start_of_a_shipment_kind_are_a_pool(one_fab: tuple[Scenario, Regime]) -> None:
    """Batch licences granted before the run (30 days) serve the first four 7 t orders, as a contract's do."""
    records = _run(one_fab, "shipment", licences_at_start_days=30.0)
    assert min(a.filed for a in records.applications) == pytest.approx(61.07)


def test_covers_is_read_from_the_regime_file_and_checked() -> None:
    """``covers`` defaults to ``contract``; a word outside the three is refused at its field."""
    data = read_toml(Path(regimes_file).parent / "korea.toml")
    assert {k.covers for k in parse_regime(data, "korea.toml").licences} == {"contract"}
    data["licences"][0]["covers"] = "shipment"
    assert parse_regime(data, "korea.toml").licences[0].covers == "shipment"
    data["licences"][0]["covers"] = "batch"
    with pytest.raises(InputError) as caught:
        parse_regime(data, "korea.toml")
    [problem] = caught.value.problems
    assert problem.field == "licences[0].covers"
    assert "expected one of 'contract', 'shipment', 'customer'; got 'batch'" in problem.expected
