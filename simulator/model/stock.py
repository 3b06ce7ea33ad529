"""Stock arithmetic: a fab's holding of one material, falling in a straight line between events.

Consumption is continuous, so the model never ticks: it brings a stock up to the present when
something happens, and asks when the stock will next cross a threshold (a stock-out, the
cover at which the fab cuts its input intensity) to schedule one timer. These are pure
functions of numbers, testable without SimPy.
"""

from __future__ import annotations

from simulator.model.records import InventoryPoint

EPSILON_T = 1e-9
"""Stocks below this many tonnes count as none."""

INFINITY = float("inf")


def level_after(level_t: float, elapsed_days: float, rate_t_per_day: float, intensity: float = 1.0) -> float:
    """The stock ``elapsed_days`` later, using ``rate_t_per_day`` at ``intensity`` (never below zero).

    >>> level_after(30.0, 10.0, 1.5)
    15.0
    >>> level_after(3.0, 10.0, 1.0, 0.5)
    0.0
    """
    left = level_t - elapsed_days * rate_t_per_day * intensity
    return left if left > 0.0 else 0.0


def days_to_cross(level_t: float, rate_t_per_day: float, threshold_t: float) -> float:
    """Days until a falling stock reaches the next threshold below it: ``threshold_t``, then zero.

    A stock at or below the threshold heads for zero; one not falling never crosses.

    >>> days_to_cross(30.0, 2.0, 10.0)
    10.0
    >>> days_to_cross(10.0, 2.0, 10.0)
    5.0
    >>> days_to_cross(30.0, 0.0, 10.0)
    inf
    """
    if rate_t_per_day <= 0:
        return INFINITY
    level = threshold_t if level_t > threshold_t + EPSILON_T else 0.0
    return (level_t - level) / rate_t_per_day


def kept_on_arrival(level_t: float, quantity_t: float, room_t: float) -> float:
    """Tonnes of an arrival that fit under a storage cap of ``room_t``; the rest is spoiled.

    >>> kept_on_arrival(8.0, 5.0, 10.0)
    2.0
    >>> kept_on_arrival(12.0, 5.0, 10.0)
    0.0
    """
    room = room_t - level_t
    return quantity_t if quantity_t <= room else (room if room > 0.0 else 0.0)


class MaterialStock:
    """A fab's holding of one material: its level, use, orders in flight, and what it recorded.

    One object a material, with slots, rather than a dict a quantity: the model reads and
    writes these at every event.
    """

    __slots__ = (
        "cover_target_days", "cut_since", "cut_spent", "full_rate", "history", "intensity", "level_t",
        "lost_units", "material", "on_order_t", "recorded_rate", "room_t", "shock_spans", "shocked",
        "spoiled_t",
    )  # fmt: skip

    def __init__(
        self,
        material: str,
        level_t: float,
        full_rate: float,
        room_t: float,
        cover_target_days: float,
        shock_spans: tuple[tuple[float, float], ...] = (),
    ) -> None:
        self.material = material
        self.level_t = level_t
        self.full_rate = full_rate
        """Tonnes a day at planned output and full intensity."""
        self.room_t = room_t
        """Tonnes the fab can store (infinite without a cap)."""
        self.cover_target_days = cover_target_days
        self.intensity = 1.0
        self.on_order_t = 0.0
        self.spoiled_t = 0.0
        self.lost_units = 0.0
        self.history: list[InventoryPoint] = []
        self.recorded_rate = 0.0
        self.shock_spans = shock_spans
        """The spans ``[start, end)`` during which a source of the material is licence-bound."""
        self.cut_since: float | None = None
        """When the current cut began (none: not cutting)."""
        self.cut_spent = False
        """Whether a cut ran its maximum length and its trigger has not lapsed since."""

        self.shocked = self.shocked_at(0.0)
        """Whether a source is licence-bound or prohibited now: the fab notes it when the law changes."""

    def shocked_at(self, now: float) -> bool:
        """Whether a source of the material is licence-bound or prohibited at ``now``.

        >>> stock = MaterialStock("hf", 10.0, 1.0, float("inf"), 30.0, ((33.0, float("inf")),))
        >>> stock.shocked_at(32.5), stock.shocked_at(33.0)
        (False, True)
        """
        return any(start <= now < end for start, end in self.shock_spans)

    def record(self, now: float, rate: float) -> None:
        """Record the level now and the rate from now on."""
        self.history.append(InventoryPoint(now, self.level_t, rate))
        self.recorded_rate = rate
