"""A chipmaker's fab: it consumes its materials, stops when one runs out, and orders up to target.

Consumption is continuous, so stocks change only in straight lines between events
(:mod:`simulator.model.stock`). The fab keeps one timer armed for the next moment a stock
crosses a threshold (a stock-out, or the cover below which it cuts its input intensity), and
records a point of each stock wherever its level jumps or its slope changes. Its replenishment
policy is a periodic review: order each material up to its cover target, less what is on
order. Where orders go is :mod:`simulator.model.orders`' business.
"""

from __future__ import annotations

import math

import simpy

from simulator.model.clock import CONSUMPTION_AND_ORDERS, Phased
from simulator.model.records import Stockout
from simulator.model.sourcing import Sourcing
from simulator.model.stock import (
    EPSILON_T,
    INFINITY,
    MaterialStock,
    days_to_cross,
    kept_on_arrival,
    level_after,
)
from simulator.scenario.values import Chipmaker, IntensityCut, MaterialUse, Scenario, SimDays

_ROUNDING = 1e-9
"""Days within which a cut counts as having run its maximum length (clock rounding)."""


class Fab:
    """A chipmaker's stocks, production and replenishment policy."""

    def __init__(
        self,
        env: simpy.Environment,
        scenario: Scenario,
        chipmaker: Chipmaker,
        shock_spans: dict[tuple[str, str], tuple[tuple[SimDays, SimDays], ...]] | None = None,
        announced: dict[str, tuple[SimDays, SimDays]] | None = None,
    ) -> None:
        self.env = env
        self.chipmaker = chipmaker
        spans = shock_spans or {}
        self.stocks = {
            u.material: _stock(scenario, chipmaker, u, spans.get((chipmaker.id, u.material), ()))
            for u in chipmaker.materials
        }
        windows = announced or {}
        self.ahead = {
            u.material: (*windows[u.material], u.pull_forward_days * self.stocks[u.material].full_rate)
            for u in chipmaker.materials
            if u.pull_forward_days > 0 and u.material in windows
        }
        """Per material ordering ahead: its announcement window ``announced`` (from, until) and the
        tonnes its ``pull_forward_days`` add to the target in it."""
        self._stocks = tuple(self.stocks.values())
        self.sourcing = {u.material: Sourcing(u) for u in chipmaker.materials}
        self.out: dict[str, SimDays] = {}
        """Materials out of stock now, with the time each ran out."""
        self.stockouts: list[Stockout] = []
        self.last = 0.0
        self.timer = 0
        self.armed_at: SimDays | None = None
        self.record_all()

    # ------------------------------------------------------------ state
    def planned_use(self, material: str) -> float:
        """Tonnes a day of ``material`` at planned output and full intensity."""
        return self.stocks[material].full_rate

    def rate(self, stock: MaterialStock) -> float:
        """Tonnes a day being consumed now (zero while production is stopped)."""
        return 0.0 if self.out else stock.full_rate * stock.intensity

    def advance(self) -> None:
        """Bring stocks and lost production up to now."""
        now = self.env.now
        elapsed = now - self.last
        if elapsed <= 0:
            return
        if self.out:
            lost = elapsed * self.chipmaker.output_units_per_day / len(self.out)
            for material in self.out:
                self.stocks[material].lost_units += lost
        else:
            for stock in self._stocks:
                stock.level_t = level_after(stock.level_t, elapsed, stock.full_rate, stock.intensity)
            cut = self.chipmaker.intensity_cut
            if cut is not None and cut.output_loss_fraction:
                self._lose_to_cutting(
                    elapsed * self.chipmaker.output_units_per_day * cut.output_loss_fraction
                )
        self.last = now

    def _lose_to_cutting(self, units: float) -> None:
        """Output lost to conservation's yield cost, split among the materials being cut."""
        cutting = [stock for stock in self._stocks if stock.intensity < 1.0]
        for stock in cutting:
            stock.lost_units += units / len(cutting)

    def record_all(self) -> None:
        """Record every material's stock and rate now (at the start and at the horizon)."""
        now = self.env.now
        for stock in self._stocks:
            stock.record(now, self.rate(stock))

    def still_out(self) -> list[Stockout]:
        """The stock-outs not over yet, as open spans."""
        return [Stockout(self.chipmaker.id, m, start, None) for m, start in self.out.items()]

    def changed(self, touched: MaterialStock | None = None) -> None:
        """After a change: update stock-outs and the intensity cut, record, and re-arm the timer.

        Call after :meth:`advance`, which brings the stocks up to now (``last``). Between
        records stock falls in a straight line, so a point is recorded only for the
        ``touched`` material (its level jumped) and for materials whose rate changed.
        """
        if touched is not None and self._quiet_arrival(touched):
            return
        now = self.last
        out = self.out
        for stock in self._stocks:
            material = stock.material
            if stock.level_t <= EPSILON_T and material not in out:
                stock.level_t = 0.0
                out[material] = now
            elif stock.level_t > EPSILON_T and material in out:
                self.stockouts.append(Stockout(self.chipmaker.id, material, out.pop(material), now))
            self._update_intensity_of(stock)
        for stock in self._stocks:
            rate = self.rate(stock)
            if stock is touched or rate != stock.recorded_rate:
                stock.record(now, rate)
        self._arm_timer()

    def _quiet_arrival(self, stock: MaterialStock) -> bool:
        """Handle an arrival that cannot bring the next crossing earlier; False if it might.

        While production runs, an arrival only raises one stock: unless it also lifts that
        material's intensity cut (faster consumption), the armed timer stays right.
        """
        if self.out or self.armed_at is None:
            return False
        before = stock.intensity
        self._update_intensity_of(stock)
        if stock.intensity > before:
            return False
        stock.record(self.last, self.rate(stock))
        return True

    def _update_intensity_of(self, stock: MaterialStock) -> None:
        """Cut while a trigger holds (low cover, or the shock down to its floor), within the cut's length.

        This runs at every event, so it is one pass with no bookkeeping unless a maximum length needs it.
        """
        cut = self.chipmaker.intensity_cut
        if cut is None:
            return
        # At the crossing itself stock equals the threshold: cut there, restore only above it.
        low = stock.level_t <= cut.below_cover_days * stock.full_rate + EPSILON_T
        if not low and cut.on_shock and stock.shocked:
            floor = cut.shock_cover_days
            low = floor is None or stock.level_t <= floor * stock.full_rate + EPSILON_T
        if cut.max_days is None:
            stock.intensity = cut.factor if low else 1.0
        elif not low:
            stock.intensity, stock.cut_since, stock.cut_spent = 1.0, None, False
        else:
            self._cut_within(stock, cut.max_days, cut.factor)

    def _cut_within(self, stock: MaterialStock, max_days: float, factor: float) -> None:
        """A triggered cut that lasts at most ``max_days`` at a time."""
        now = self.last
        if stock.cut_since is None and not stock.cut_spent:
            stock.cut_since = now
        if stock.cut_since is not None and now - stock.cut_since >= max_days - _ROUNDING:
            stock.cut_since, stock.cut_spent = None, True
        stock.intensity = 1.0 if stock.cut_spent else factor

    def _arm_timer(self) -> None:
        """Make sure a timer fires no later than the next stock-out or cover threshold.

        Arrivals only push crossings later, so an armed timer that would fire earlier is kept;
        when it fires early it finds nothing to change and re-arms. This saves an event per
        arrival.
        """
        if self.out:
            return
        cut = self.chipmaker.intensity_cut
        soonest = INFINITY
        for stock in self._stocks:
            threshold = cut.below_cover_days * stock.full_rate if cut else 0.0
            crossing = days_to_cross(stock.level_t, stock.full_rate * stock.intensity, threshold)
            if crossing < soonest:  # noqa: PLR1730 - a comparison, not a call: this runs at every event
                soonest = crossing
        if cut is not None and (cut.on_shock or cut.max_days is not None):
            soonest = min(soonest, self._next_cut_change(cut))
        if soonest == INFINITY:
            return
        now = self.last
        # At least the clock's next instant: a huge stock's crossing can lie closer than the float
        # resolution of now, and a timer due at now itself would re-arm there forever.
        due = max(now + soonest, math.nextafter(now, INFINITY))
        if self.armed_at is not None and now <= self.armed_at <= due:
            return
        self.timer += 1
        self.armed_at = due
        timer = self.timer
        Phased(self.env, due - now, CONSUMPTION_AND_ORDERS, lambda _: self._on_timer(timer), "stock timer")

    def _next_cut_change(self, cut: IntensityCut) -> float:
        """Days until a shock-triggered cut may start (cover down to its floor) or a cut runs out."""
        soonest = INFINITY
        for stock in self._stocks:
            floor = cut.shock_cover_days
            if cut.on_shock and floor is not None and stock.shocked and stock.intensity == 1.0:
                rate = stock.full_rate  # not cutting: full use
                if rate > 0 and stock.level_t > floor * stock.full_rate + EPSILON_T:
                    soonest = min(soonest, (stock.level_t - floor * stock.full_rate) / rate)
            if stock.cut_since is not None and cut.max_days is not None:
                # never less than the rounding the episode's end is judged with: the clock must move
                soonest = min(soonest, max(_ROUNDING, stock.cut_since + cut.max_days - self.last))
        return soonest

    def note_the_law(self) -> None:
        """The law changed now: note which materials are under shock (for conservation)."""
        now = self.env.now
        for stock in self._stocks:
            stock.shocked = stock.shocked_at(now)

    def _on_timer(self, timer: int) -> None:
        if timer == self.timer:  # a later change re-armed the timer: this one is stale
            self.armed_at = None
            self.advance()
            self.changed()

    # ------------------------------------------------------------ flows
    def receive(self, material: str, quantity_t: float) -> None:
        """A delivery arrives: add it to stock, spilling what exceeds the storage cap."""
        self.advance()
        stock = self.stocks[material]
        kept = kept_on_arrival(stock.level_t, quantity_t, stock.room_t)
        stock.level_t += kept
        stock.spoiled_t += quantity_t - kept
        stock.on_order_t -= quantity_t
        self.changed(touched=stock)

    def shortfalls(self) -> list[tuple[str, float]]:
        """The order-up-to policy: each material's tonnes below its cover target, net of orders.

        In a material's announcement window the target rises by its pull-forward, but not above
        the storage cap (nor below the cover target). Call after :meth:`advance`.
        """
        wanted = []
        for stock in self._stocks:
            target = stock.cover_target_days * stock.full_rate  # planned use: a cut lowers no target
            ahead = self.ahead.get(stock.material) if self.ahead else None
            if ahead is not None and ahead[0] <= self.last < ahead[1]:  # never above the storage cap
                target = max(target, min(target + ahead[2], stock.room_t))
            shortfall = target - stock.level_t - stock.on_order_t
            if shortfall > EPSILON_T:
                wanted.append((stock.material, shortfall))
        return wanted


def _stock(
    scenario: Scenario, chipmaker: Chipmaker, use: MaterialUse, spans: tuple[tuple[SimDays, SimDays], ...]
) -> MaterialStock:
    daily_use = chipmaker.output_units_per_day * use.use_t_per_unit
    cap = scenario.material(use.material).storage_cap_days
    cover = chipmaker.order_up_to_days(use)
    return MaterialStock(
        use.material,
        level_t=use.start_inventory_days * chipmaker.output_units_per_day * use.use_t_per_unit,
        full_rate=daily_use,
        room_t=INFINITY if cap is None else cap * daily_use,
        cover_target_days=cover,
        shock_spans=spans,
    )
