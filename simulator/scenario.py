"""A scenario as frozen values: the world the supply model simulates, and its checks.

A scenario names its period, its regime, the materials, suppliers, chipmakers, transport
lanes and licensing authority, and its seed. Quantities carry their unit in the field name
(``_t`` tonnes, ``_days`` days, ``_usd`` US dollars). Values are built from files in
:mod:`simulator.loading` only; :mod:`simulator.scenario_check` checks what a file means (references,
shares, dates) and reports every problem with its field path.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterator
from typing import Literal

import attrs
import numpy as np
from attrs import frozen

from simulator.errors import Problem

SimDays = float
"""Simulation time, in days since the scenario's start."""

DistributionKind = Literal["fixed", "uniform", "triangular", "exponential", "gamma", "lognormal"]


@frozen
class Distribution:
    """A random duration or quantity, in the unit its field names.

    ``fixed`` uses ``value``; ``uniform`` ``low``/``high``; ``triangular`` ``low``/``mode``/
    ``high``; ``exponential`` ``mean``; ``gamma`` and ``lognormal`` ``mean``/``sd``.
    """

    dist: DistributionKind
    value: float | None = None
    low: float | None = None
    mode: float | None = None
    high: float | None = None
    mean: float | None = None
    sd: float | None = None

    def sample(self, rng: np.random.Generator) -> float:
        """Draw one value from ``rng``."""
        return float(_SAMPLERS[self.dist](self, rng))

    def sampler(self, rng: np.random.Generator, batch: int = 256) -> Callable[[], float]:
        """Return a function drawing successive values from ``rng``, a batch at a time.

        Drawing in batches is much cheaper than one NumPy call per value; the values are the
        same sequence whenever the same stream is used the same way.
        """
        if self.dist == "fixed":
            value = _f(self.value)
            return lambda: value
        buffer: list[float] = []

        def draw() -> float:
            if not buffer:
                buffer.extend(reversed(_batch(self, rng, batch)))
            return buffer.pop()

        return draw

    @property
    def expected(self) -> float:
        """The distribution's mean."""
        if self.dist == "fixed":
            return _f(self.value)
        if self.dist in ("uniform", "triangular"):
            points = [self.low, self.high] if self.dist == "uniform" else [self.low, self.mode, self.high]
            return sum(_f(p) for p in points) / len(points)
        return _f(self.mean)

    def problems(self, path: str) -> Iterator[Problem]:
        """Yield what is missing or out of range for this kind of distribution."""
        if self.dist not in _PARAMETERS:
            yield Problem(f"{path}.dist", f"expected one of {', '.join(_PARAMETERS)}; got {self.dist!r}")
            return
        for name in _PARAMETERS[self.dist]:
            value = getattr(self, name)
            if value is None:
                yield Problem(f"{path}.{name}", f"required for dist = {self.dist!r}")
            elif value < 0 or math.isnan(value):
                yield Problem(f"{path}.{name}", f"expected a number >= 0, got {value}")
        if self.dist in ("uniform", "triangular") and not self._ordered():
            yield Problem(path, "expected low <= mode <= high")

    def _ordered(self) -> bool:
        points = [p for p in (self.low, self.mode, self.high) if p is not None]
        return points == sorted(points)


def fixed(value: float) -> Distribution:
    """Return a distribution that always gives ``value``."""
    return Distribution("fixed", value=value)


ZERO_DAYS = fixed(0.0)
"""No delay at all."""
STANDARD_REVIEW = fixed(90.0)
"""A review taking exactly the standard processing period."""


def _f(value: float | None) -> float:
    return float(value) if value is not None else math.nan


def _gamma(d: Distribution, rng: np.random.Generator) -> float:
    mean, sd = _f(d.mean), _f(d.sd)
    if sd == 0:
        return mean
    shape = (mean / sd) ** 2
    return float(rng.gamma(shape, mean / shape))


def _lognormal(d: Distribution, rng: np.random.Generator) -> float:
    mean, sd = _f(d.mean), _f(d.sd)
    sigma2 = math.log1p((sd / mean) ** 2) if mean > 0 else 0.0
    return float(rng.lognormal(math.log(mean) - sigma2 / 2, math.sqrt(sigma2))) if mean > 0 else 0.0


def _batch(d: Distribution, rng: np.random.Generator, size: int) -> list[float]:
    if d.dist == "triangular" and d.low == d.high:
        return [_f(d.low)] * size
    draws = {
        "uniform": lambda: rng.uniform(_f(d.low), _f(d.high), size),
        "triangular": lambda: rng.triangular(_f(d.low), _f(d.mode), _f(d.high), size),
        "exponential": lambda: rng.exponential(_f(d.mean), size),
    }.get(d.dist)
    return [float(v) for v in draws()] if draws else [d.sample(rng) for _ in range(size)]


_SAMPLERS = {
    "fixed": lambda d, _: _f(d.value),
    "uniform": lambda d, rng: rng.uniform(_f(d.low), _f(d.high)),
    "triangular": lambda d, rng: (
        rng.triangular(_f(d.low), _f(d.mode), _f(d.high)) if d.low != d.high else _f(d.low)
    ),
    "exponential": lambda d, rng: rng.exponential(_f(d.mean)),
    "gamma": _gamma,
    "lognormal": _lognormal,
}
_PARAMETERS = {
    "fixed": ("value",),
    "uniform": ("low", "high"),
    "triangular": ("low", "mode", "high"),
    "exponential": ("mean",),
    "gamma": ("mean", "sd"),
    "lognormal": ("mean", "sd"),
}


@frozen
class Material:
    """A material that chipmakers consume, the control-list item it falls under, and its value.

    ``storage_cap_days`` caps a fab's stock at that many days of planned use; what arrives
    beyond it is spoiled (resist degrades, HF is hard to stockpile).
    """

    id: str
    item: str
    value_usd_per_t: float
    title: str = ""
    storage_cap_days: float | None = None
    source: str = ""


@frozen
class Product:
    """A material a supplier makes: its capacity and its production lead time."""

    material: str
    capacity_t_per_day: float
    lead_time_days: Distribution = ZERO_DAYS


@frozen
class Supplier:
    """A maker of materials, with its exporter profile as the rules engine knows it.

    ``bulk_licences`` lists the bulk licences the supplier holds; ``available_from`` is when a
    new plant or entrant can first ship; an individual-licence application covers the order
    plus ``contract_days`` of the buyer's expected orders from this supplier.
    """

    id: str
    country: str
    products: tuple[Product, ...] = ()
    icp: bool = True
    continuing: bool = True
    bulk_licences: tuple[str, ...] = ()
    available_from: dt.date | None = None
    contract_days: float = 0.0
    source: str = ""


@frozen
class Source:
    """A supplier of one material to a chipmaker, with its share of orders."""

    supplier: str
    share: float


@frozen
class Qualification:
    """Qualifying a new supplier: starts on ``start`` (or at the shock), takes ``days``."""

    supplier: str
    material: str
    days: Distribution
    share: float
    start: dt.date | None = None
    source: str = ""


@frozen
class MaterialUse:
    """One material a chipmaker consumes, its starting stock and where it buys it.

    ``cover_target_days`` overrides the chipmaker's order-up-to target for this material.
    """

    material: str
    use_t_per_unit: float
    start_inventory_days: float
    sources: tuple[Source, ...] = ()
    cover_target_days: float | None = None


@frozen
class IntensityCut:
    """Cutting input intensity when a material's cover falls below a threshold."""

    below_cover_days: float
    factor: float


@frozen
class Chipmaker:
    """A fab (or display maker): planned output, inputs, replenishment and mitigations."""

    id: str
    country: str
    output_units_per_day: float
    value_usd_per_unit: float
    materials: tuple[MaterialUse, ...] = ()
    qualifications: tuple[Qualification, ...] = ()
    review_period_days: float = 7.0
    cover_target_days: float = 30.0
    intensity_cut: IntensityCut | None = None
    title: str = ""
    source: str = ""


@frozen
class Lane:
    """Transport from one country to another, with its lead time."""

    origin: str
    destination: str
    days: Distribution


@frozen
class ItemReview:
    """How the authority reviews applications for one item (or, by its id, one material grade)."""

    item: str
    review_days: Distribution
    returned_probability: float = 0.0
    correction_days: Distribution = ZERO_DAYS
    denial_probability: float = 0.0


@frozen
class Authority:
    """The licensing authority: examiners working a first-come, first-served review queue."""

    examiners: int = 10
    review_days: Distribution = STANDARD_REVIEW
    items: tuple[ItemReview, ...] = ()

    def review(self, material: str, item: str) -> ItemReview:
        """Return the review terms for a material: its own, else its item's, else the defaults."""
        for key in (material, item):
            for terms in self.items:
                if terms.item == key:
                    return terms
        return ItemReview(item=item, review_days=self.review_days)


Override = float | int | bool | str
"""A value set on a field by a variant or a sweep."""


@frozen
class VariantSpec:
    """A variant declared in a scenario file: another regime and/or fields set by dotted path."""

    name: str
    title: str = ""
    regime: str | None = None
    set: dict[str, Override] = attrs.field(factory=dict)


@frozen
class Scenario:
    """A whole scenario: the world, the rules, the period and the seed."""

    id: str
    start: dt.date
    end: dt.date
    regime: str = "japan"
    seed: int = 0
    replications: int = 1
    title: str = ""
    materials: tuple[Material, ...] = ()
    suppliers: tuple[Supplier, ...] = ()
    chipmakers: tuple[Chipmaker, ...] = ()
    lanes: tuple[Lane, ...] = ()
    authority: Authority = Authority()
    variants: tuple[VariantSpec, ...] = ()
    source: str = ""

    @property
    def horizon_days(self) -> SimDays:
        """The simulated span in days (the end day included)."""
        return float((self.end - self.start).days + 1)

    def day(self, date: dt.date) -> SimDays:
        """Simulation time of ``date``."""
        return float((date - self.start).days)

    def date(self, time: SimDays) -> dt.date:
        """Calendar date at simulation time ``time``."""
        return self.start + dt.timedelta(days=math.floor(time))

    def material(self, material_id: str) -> Material:
        """Return the material ``material_id``."""
        return next(m for m in self.materials if m.id == material_id)

    def supplier(self, supplier_id: str) -> Supplier:
        """Return the supplier ``supplier_id``."""
        return next(s for s in self.suppliers if s.id == supplier_id)

    def lane(self, origin: str, destination: str) -> Lane:
        """Return the lane between two countries (same-country trade takes a day)."""
        for lane in self.lanes:
            if (lane.origin, lane.destination) == (origin, destination):
                return lane
        return Lane(origin, destination, fixed(1.0))
