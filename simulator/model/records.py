"""What one replication of the supply model emits: records, never prints.

Records are plain frozen values, written as the simulation runs; metrics are computed from
them afterwards (:mod:`simulator.model.metrics`). Inventory is recorded at each change with
the consumption rate that follows, so the stock on any day is exact without a daily tick.

The three records written thousands of times a replication (inventory points, shipments,
receipts) are named tuples: as immutable as the attrs values, at well under half the cost
to create, which matters on the model's hot path.
"""

from __future__ import annotations

from typing import NamedTuple

from attrs import frozen

from simulator.scenario.values import SimDays


class InventoryPoint(NamedTuple):
    """A chipmaker's stock of a material at ``time``, and its consumption rate from then on."""

    time: SimDays
    stock_t: float
    rate_t_per_day: float


@frozen
class Stockout:
    """A span during which a chipmaker had none of a material (``end`` None: still out)."""

    chipmaker: str
    material: str
    start: SimDays
    end: SimDays | None


class Shipment(NamedTuple):
    """An export leaving a supplier: customs statistics count it in the month it leaves."""

    time: SimDays
    supplier: str
    origin: str
    destination: str
    chipmaker: str
    material: str
    quantity_t: float
    value_usd: float
    licence: str


class Receipt(NamedTuple):
    """A shipment arriving at a chipmaker."""

    time: SimDays
    chipmaker: str
    material: str
    supplier: str
    quantity_t: float


@frozen
class LicenceApplication:
    """One individual-licence application and how it ended.

    ``outcome`` is ``approved``, ``denied`` or ``pending`` (undecided at the horizon);
    ``returned`` counts the times documents were sent back for correction.
    """

    material: str
    item: str
    supplier: str
    chipmaker: str
    quantity_t: float
    filed: SimDays
    decided: SimDays | None
    outcome: str
    returned: int


@frozen
class FailedOrder:
    """An order that could not be exported (prohibited or denied) and went back to the buyer."""

    time: SimDays
    chipmaker: str
    material: str
    supplier: str
    quantity_t: float
    reason: str


@frozen
class RunRecords:
    """Everything one replication recorded, keyed as the metrics need it."""

    scenario: str
    replication: int
    horizon_days: SimDays
    inventory: dict[tuple[str, str], tuple[InventoryPoint, ...]]
    stockouts: tuple[Stockout, ...]
    lost_units: dict[tuple[str, str], float]
    planned_units: dict[str, float]
    planned_use_t_per_day: dict[tuple[str, str], float]
    shipments: tuple[Shipment, ...]
    receipts: tuple[Receipt, ...]
    applications: tuple[LicenceApplication, ...]
    failed_orders: tuple[FailedOrder, ...]
    shock_day: dict[tuple[str, str], SimDays | None]
    material_shock_day: dict[str, SimDays | None]
    supplier_output_t: dict[str, float]
    supplier_stock_t: dict[str, float]
    spoiled_t: dict[tuple[str, str], float]
    events: int
