"""Where a fab buys a material: its qualified suppliers, their shares, and qualifying new ones.

A fab splits each order among the suppliers it has qualified, by share. Qualifying a
substitute (from a given date, or from the shock, after a random qualification time) adds
it with its share and scales the others down. Sourcing may also follow the regime: while a
source is licence-bound its share is weighted down (``licence_weight``), and afterwards the
weight returns to 1 over ``weight_return_days``. Without that the split changes only when a
supplier qualifies, so it is kept until a qualification marks it stale (``version``).
"""

from __future__ import annotations

import simpy

from simulator.model.clock import CONSUMPTION_AND_ORDERS, Phased, Process
from simulator.model.streams import Streams
from simulator.scenario.values import MaterialUse, Qualification, Scenario, SimDays


class Sourcing:
    """One fab's suppliers of one material and their shares of its orders."""

    __slots__ = ("_kept", "freed_at", "material", "return_days", "shares", "version", "weight")

    def __init__(self, use: MaterialUse) -> None:
        self.material = use.material
        self.shares = {s.supplier: s.share for s in use.sources}
        """Each supplier's share of new orders, in the order the scenario lists them."""
        self.version = 0
        """Counts the qualifications so far: a split worked out before one is stale."""
        self.weight = use.licence_weight
        self.return_days = use.weight_return_days if use.weight_returns else None
        """Days a freed source's weight takes to return to 1 (none: it never returns)."""
        self.freed_at: dict[str, SimDays | None] = {}
        """Suppliers once seen licence-bound: when each was seen free again (none: bound still)."""
        self._kept: dict[tuple[object, ...], tuple[list[tuple[str, float]], float]] = {}
        """Weighted splits by the state of every source, while no weight is on its way back."""

    @property
    def follows_the_regime(self) -> bool:
        """Whether licence-bound sources are weighted down."""
        return self.weight != 1.0

    def weighted_split(
        self, now: SimDays, bound: dict[str, SimDays | None], exclude: tuple[str, ...] = ()
    ) -> tuple[list[tuple[str, float]], float]:
        """Like :meth:`split`, each share weighted by how licence-bound its supplier is or was.

        ``bound`` gives, per supplier, None if it is licence-bound now, else since when it has
        been free. Where every source is weighted to nothing, the plain shares stand.

        >>> from simulator.scenario.values import Source
        >>> use = MaterialUse("hf", 1.0, 30.0, (Source("a", 0.5), Source("b", 0.5)), licence_weight=0.5,
        ...                   weight_return_days=10.0)
        >>> hf = Sourcing(use)
        >>> hf.weighted_split(0.0, {"a": None, "b": 0.0})
        ([('a', 0.25), ('b', 0.5)], 0.75)
        >>> hf.weighted_split(15.0, {"a": 10.0, "b": 0.0})  # free since day 10: half way back
        ([('a', 0.375), ('b', 0.5)], 0.875)
        """
        key = None if exclude else self.state(now, bound)
        kept = self._kept.get(key) if key is not None else None
        if kept is not None:
            return kept
        plain = self.split(exclude)
        weighted = [(s, w * self._weight(s, now, bound.get(s, 0.0))) for s, w in plain[0]]
        shares = [(s, w) for s, w in weighted if w > 0]
        split = (shares, sum([w for _, w in shares])) if shares else plain  # all bound: nowhere to shift
        if key is not None:
            self._kept[key] = split
        return split

    def state(self, now: SimDays, bound: dict[str, SimDays | None]) -> tuple[object, ...] | None:
        """What every source's weight depends on, or None while one is changing (then nothing is kept).

        A source bound now is noted as bound, as :meth:`_weight` would, kept split or not.
        """
        states: list[object] = [self.version]
        for supplier_id in self.shares:
            free_since = bound.get(supplier_id, 0.0)
            if free_since is None:
                self.freed_at[supplier_id] = None
                states.append("bound")
                continue
            if supplier_id not in self.freed_at:
                states.append("never bound")
                continue
            freed = self.freed_at[supplier_id]
            if self.return_days is None:
                states.append("never back")
            elif freed is None or (self.return_days > 0 and now - freed < self.return_days):
                return None  # just freed, or on its way back
            else:
                states.append("back")
        return tuple(states)

    def _weight(self, supplier_id: str, now: SimDays, free_since: SimDays | None) -> float:
        if free_since is None:  # licence-bound now
            self.freed_at[supplier_id] = None
            return self.weight
        if supplier_id not in self.freed_at:  # never seen bound
            return 1.0
        freed = self.freed_at[supplier_id]
        if freed is None:
            freed = self.freed_at[supplier_id] = free_since
        if self.return_days is None:
            return self.weight
        back = 1.0 if self.return_days == 0 else min(1.0, (now - freed) / self.return_days)
        return self.weight + (1.0 - self.weight) * back

    def split(self, exclude: tuple[str, ...] = ()) -> tuple[list[tuple[str, float]], float]:
        """The suppliers an order goes to with their shares, and the shares' total.

        >>> from simulator.scenario.values import Source
        >>> Sourcing(MaterialUse("hf", 1.0, 30.0, (Source("a", 0.7), Source("b", 0.3)))).split(("a",))
        ([('b', 0.3)], 0.3)
        """
        shares = [(s, w) for s, w in self.shares.items() if w > 0 and s not in exclude]
        return shares, sum([w for _, w in shares])

    def share(self, supplier_id: str) -> float:
        """The supplier's share of new orders (0 if not qualified)."""
        return self.shares.get(supplier_id, 0.0)

    def qualify(self, supplier_id: str, share: float) -> None:
        """Add a newly qualified supplier, which takes ``share`` of future orders.

        >>> from simulator.scenario.values import Source
        >>> hf = Sourcing(MaterialUse("hf", 1.0, 30.0, (Source("a", 1.0),)))
        >>> hf.qualify("b", 0.25)
        >>> hf.shares
        {'a': 0.75, 'b': 0.25}
        """
        shares = self.shares
        for existing in shares:
            shares[existing] *= 1.0 - share
        shares[supplier_id] = shares.get(supplier_id, 0.0) + share
        self.version += 1


def qualification(
    env: simpy.Environment,
    scenario: Scenario,
    streams: Streams,
    fab_id: str,
    sourcing: Sourcing,
    terms: Qualification,
    shock: SimDays | None,
) -> Process:
    """Qualify a new supplier: from the trigger, a random time, then it takes its share."""
    start = scenario.day(terms.start) if terms.start else shock
    if start is None or not terms.enabled:
        return
    yield Phased(env, max(0.0, start - env.now), CONSUMPTION_AND_ORDERS, purpose="qualification start")
    rng = streams("qualification", f"{fab_id}/{terms.supplier}/{terms.material}")
    yield Phased(env, terms.days.sample(rng), CONSUMPTION_AND_ORDERS, purpose="qualification time")
    opens = scenario.supplier(terms.supplier).available_from
    if opens is not None and scenario.day(opens) > env.now:  # no product to qualify before the plant runs
        yield Phased(env, scenario.day(opens) - env.now, CONSUMPTION_AND_ORDERS, purpose="plant opening")
    sourcing.qualify(terms.supplier, terms.share)
