"""A regime compiled into lookup tables: microsecond decisions and vectorised batches.

Between two boundaries (days a measure starts or ends) the law does not change, so for each
item and destination the decisions form a short list of intervals. Each interval holds a
*state*: a row of outcomes, one per exporter profile code. A single decision is a dict look-up,
a bisection and an index; a batch is one :func:`numpy.searchsorted` over every interval of
every item and destination, laid end to end.

Countries that no rule names and no measure moves behave like any member of their group, so
they share their group's intervals; only named countries get their own.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools

import numpy as np
import numpy.typing as npt

from simulator.errors import RuleError, UnknownNameError
from simulator.rules import engine
from simulator.rules.engine import assess, boundaries, outcome, ranked
from simulator.rules.values import OUTCOME_WORDS, Clearance, ExporterProfile, LicenceKind, Regime

_DATE_BITS = 24  # date ordinals stay below 2**24 (year 45,000)
GAP_CODE = 255
_NEVER = 1 << _DATE_BITS  # an ordinal after every date

IntArray = npt.NDArray[np.int64]


class DecisionTable:
    """Decisions under one regime, compiled for speed; answers equal :func:`engine.decide`."""

    def __init__(self, regime: Regime) -> None:
        self.regime = regime
        self.outcomes: tuple[str, ...] = regime.outcomes
        clashes = [k.id for k in regime.licences if k.id in OUTCOME_WORDS]
        if clashes:
            raise RuleError(f"licence kind id {clashes[0]!r} names an outcome; choose another id")
        kinds = {k.id: k for k in regime.licences}
        self.clearances = tuple(Clearance.of(o, kinds.get(o)) for o in self.outcomes)
        """The typed clearance of each outcome code."""
        self._code = {name: n for n, name in enumerate(self.outcomes)}
        self._code[engine.GAP] = GAP_CODE
        self._kinds = ranked(regime)
        self.per_application = frozenset(k.id for k in regime.licences if k.per_application)
        self.items = tuple(i.id for i in regime.items)
        self._item_code = {item_id: n for n, item_id in enumerate(self.items)}
        self.named_countries = engine.named_countries(regime)
        self._slots = (*self.named_countries, *(f"group:{g.id}" for g in regime.groups))
        self._slot_of = {s: n for n, s in enumerate(self._slots)}
        self._base_group = {c: e.group for e in regime.members for c in e.countries}
        self._rows: dict[tuple[int, ...], int] = {}
        self._series: list[tuple[list[int], list[int]]] = []
        for item in regime.items:
            for slot in self._slots:
                self._series.append(self._compile(item.id, slot))
        self.matrix = np.array(list(self._rows), dtype=np.uint8)
        self._rows_list = [list(row) for row in self._rows]
        self._flat_keys, self._flat_states = self._flatten()

    # ------------------------------------------------------------ compiling
    def _compile(self, item_id: str, slot: str) -> tuple[list[int], list[int]]:
        starts: list[int] = []
        states: list[int] = []
        for day, _ in boundaries(self.regime):
            state = self._state(item_id, slot, day)
            if not states or states[-1] != state:
                starts.append(day.toordinal())
                states.append(state)
        return starts, states

    def _state(self, item_id: str, slot: str, day: dt.date) -> int:
        item = self.regime.item(item_id)
        if slot.startswith("group:"):
            group = self.regime.group(slot.removeprefix("group:"))
            found = assess(self.regime, item, None, day, group)
        else:
            found = assess(self.regime, item, slot, day)
        row = tuple(
            self._code[outcome(self.regime, item, found, concern, usable)]
            for concern, usable in self._profiles()
        )
        return self._rows.setdefault(row, len(self._rows))

    def _profiles(self) -> list[tuple[bool, frozenset[str]]]:
        """Every profile code's (end-use concern, usable licence kinds), in code order."""
        return [
            (
                bool(code & 1),
                frozenset(k.id for n, k in enumerate(self._kinds) if code >> (n + 1) & 1),
            )
            for code in range(2 ** (len(self._kinds) + 1))
        ]

    def _flatten(self) -> tuple[IntArray, IntArray]:
        keys = [(n << _DATE_BITS) | start for n, (starts, _) in enumerate(self._series) for start in starts]
        states = [s for _, series_states in self._series for s in series_states]
        return np.array(keys, dtype=np.int64), np.array(states, dtype=np.int64)

    # ------------------------------------------------------------ encoding
    def profile_code(self, exporter: ExporterProfile) -> int:
        """Return the code of an exporter profile: end-use concern and usable licence kinds."""
        return _profile_code(self._kinds, exporter)

    def item_code(self, item_id: str) -> int:
        """Return the index of ``item_id``; raise :class:`UnknownNameError` if absent."""
        code = self._item_code.get(item_id)
        if code is None:
            raise UnknownNameError("item", item_id, self.items)
        return code

    def destination_code(self, country: str) -> int:
        """Return the slot of ``country``: its own if rules name it, else its group's."""
        slot = self._slot_of.get(country)
        if slot is None:
            group = self._base_group.get(country, self.regime.default_group)
            slot = self._slot_of[f"group:{group}"]
        return slot

    # ------------------------------------------------------------ deciding
    def licence(self, item_id: str, country: str, on: dt.date, exporter: ExporterProfile) -> str:
        """Return the outcome for one application (no explanation: see :func:`engine.decide`)."""
        route = self.route(item_id, country)
        return self.licence_at(route, on.toordinal(), self.profile_code(exporter))

    def route(self, item_id: str, country: str) -> int:
        """Return the code of an item and destination, for :meth:`licence_at`."""
        return self.item_code(item_id) * len(self._slots) + self.destination_code(country)

    def licence_at(self, route: int, ordinal: int, profile: int) -> str:
        """The fast path: the outcome for pre-computed route and profile codes on a date ordinal."""
        starts, states = self._series[route]
        return self._outcome(route, ordinal, states, bisect.bisect_right(starts, ordinal) - 1, profile)

    def clearance_span(self, route: int, ordinal: int, profile: int) -> tuple[Clearance, int, int]:
        """The clearance on a date ordinal, and the ordinals ``[first, end)`` over which it holds.

        A caller deciding the same route and profile again may reuse the clearance on any date
        in that span: the law does not change inside it.
        """
        starts, states = self._series[route]
        position = bisect.bisect_right(starts, ordinal) - 1
        clearance = self.clearances[self._code_at(route, ordinal, states, position, profile)]
        end = starts[position + 1] if position + 1 < len(starts) else _NEVER
        return clearance, starts[position], end

    def _outcome(self, route: int, ordinal: int, states: list[int], position: int, profile: int) -> str:
        return self.outcomes[self._code_at(route, ordinal, states, position, profile)]

    def _code_at(self, route: int, ordinal: int, states: list[int], position: int, profile: int) -> int:
        if position < 0:
            engine.check_date(self.regime, dt.date.fromordinal(ordinal))
        code = int(self._rows_list[states[position]][profile])
        if code == GAP_CODE:
            raise RuleError(
                f"regime gives no authorisation route (route {route}) on {dt.date.fromordinal(ordinal)}"
            )
        return code

    def decide_many(
        self, items: IntArray, destinations: IntArray, ordinals: IntArray, profiles: IntArray
    ) -> npt.NDArray[np.uint8]:
        """Decide a batch given codes; return outcome codes indexing :attr:`outcomes`.

        Args:
            items: item codes from :meth:`item_code`.
            destinations: destination codes from :meth:`destination_code`.
            ordinals: dates as proleptic Gregorian ordinals (``date.toordinal()``).
            profiles: exporter profile codes from :meth:`profile_code`.

        Raises:
            RuleError: a date precedes the regime. A gap in the rules gives code 255.
        """
        if ordinals.size and int(ordinals.min()) < self.regime.valid_from.toordinal():
            engine.check_date(self.regime, dt.date.fromordinal(int(ordinals.min())))
        keys = ((items * len(self._slots) + destinations) << _DATE_BITS) | ordinals
        position = np.searchsorted(self._flat_keys, keys, side="right") - 1
        return self.matrix[self._flat_states[position], profiles]


@functools.lru_cache(maxsize=64)
def _profile_code(kinds: tuple[LicenceKind, ...], exporter: ExporterProfile) -> int:
    usable = sum(1 << (n + 1) for n, k in enumerate(kinds) if exporter.qualifies(k))
    return usable | int(exporter.end_use_concern)


@functools.lru_cache(maxsize=16)
def compile_regime(regime: Regime) -> DecisionTable:
    """Return the (cached) compiled decision table of ``regime``."""
    return DecisionTable(regime)
