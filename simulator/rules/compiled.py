"""A regime compiled into lookup tables: microsecond decisions and vectorised batches.

Between two boundaries (days a measure starts or ends) the law does not change, so for each
item and destination the decisions form a short list of intervals. Each interval holds a
*state*: what the law leaves to the exporter, as the licence kinds available, least burdensome
first, and whether only the catch-all's trigger makes a licence needed. An exporter is coded
once as a bit mask (the kinds it may use, and the trigger), and a decision takes the first
available kind in the mask. A table of outcomes per profile, the earlier design, grew as
2^(kinds+1) and took seconds from a dozen kinds; states grow with the law, not the exporters.
A single decision is a dict look-up, a bisection and a scan of a few kinds; a batch is one
:func:`numpy.searchsorted` over every interval of every item and destination, laid end to end,
and one masked pass per candidate position.

Countries that no rule names and no measure moves behave like any member of their group, so
they share their group's intervals; only named countries get their own.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools

import attrs
import numpy as np
import numpy.typing as npt

from simulator.errors import RuleError, UnknownNameError
from simulator.rules import engine
from simulator.rules.engine import Assessment, assess, boundaries, needs_licence, ranked, triggers_catch_all
from simulator.rules.values import NONE, OUTCOME_WORDS, PROHIBITED, Clearance, ExporterProfile, Item, Regime

_DATE_BITS = 24  # date ordinals stay below 2**24 (year 45,000)
GAP_CODE = 255
_NEVER = 1 << _DATE_BITS  # an ordinal after every date

IntArray = npt.NDArray[np.int64]
_TRIGGER_BIT = 1  # bit 0 of a profile code: the exporter holds the catch-all's trigger


@attrs.frozen
class State:
    """The law on one route over a stretch of dates, less the exporter.

    ``candidates`` are (profile bit of a licence kind, outcome code), least burdensome first;
    ``gated`` means a licence is needed only when the exporter holds the catch-all's trigger
    (else the outcome is ``none``); ``fallback`` is the outcome when no candidate is usable: a
    gap, or a fixed outcome (``none``, ``prohibited``) for a state with no candidates.
    """

    gated: bool
    candidates: tuple[tuple[int, int], ...]
    fallback: int

    def code(self, profile: int) -> int:
        """The outcome code for an exporter's profile code.

        >>> State(gated=True, candidates=((2, 1), (4, 2)), fallback=255).code(0b101)
        2
        """
        if self.gated and not profile & _TRIGGER_BIT:
            return 0  # none
        for bit, code in self.candidates:
            if profile & bit:
                return code
        return self.fallback


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
        self._bit = {k.id: 1 << (n + 1) for n, k in enumerate(self._kinds)}
        self._state_of: dict[State, int] = {}
        self._profiles: dict[ExporterProfile, int] = {}
        self._series: list[tuple[list[int], list[int]]] = []
        for item in regime.items:
            for slot in self._slots:
                self._series.append(self._compile(item, slot))
        self.states = tuple(self._state_of)
        """Every distinct state, indexed by the state numbers of the intervals."""
        self._flat_keys, self._flat_states = self._flatten()
        self._arrays = _state_arrays(self.states)

    # ------------------------------------------------------------ compiling
    def _compile(self, item: Item, slot: str) -> tuple[list[int], list[int]]:
        starts: list[int] = []
        states: list[int] = []
        for day, _ in boundaries(self.regime):
            state = self._state(item, slot, day)
            if not states or states[-1] != state:
                starts.append(day.toordinal())
                states.append(state)
        return starts, states

    def _state(self, item: Item, slot: str, day: dt.date) -> int:
        if slot.startswith("group:"):
            group = self.regime.group(slot.removeprefix("group:"))
            found = assess(self.regime, item, None, day, group)
        else:
            found = assess(self.regime, item, slot, day)
        state = self._state_from(found.item, found)  # the item as on the day: dated listings
        return self._state_of.setdefault(state, len(self._state_of))

    def _state_from(self, item: Item, found: Assessment) -> State:
        """The state :func:`engine.outcome` would read: the same steps, with the exporter left open."""
        if found.prohibition is not None:
            return State(False, (), self._code[PROHIBITED])
        if not needs_licence(self.regime, item, found.group, triggered=True):
            return State(False, (), self._code[NONE])
        gated = not needs_licence(self.regime, item, found.group, triggered=False)
        candidates = tuple(
            (self._bit[k.id], self._code[k.id]) for k in self._kinds if k.id in found.available
        )
        return State(gated, candidates, GAP_CODE)

    def _flatten(self) -> tuple[IntArray, IntArray]:
        keys = [(n << _DATE_BITS) | start for n, (starts, _) in enumerate(self._series) for start in starts]
        states = [s for _, series_states in self._series for s in series_states]
        return np.array(keys, dtype=np.int64), np.array(states, dtype=np.int64)

    # ------------------------------------------------------------ encoding
    def profile_code(self, exporter: ExporterProfile) -> int:
        """Return the code of an exporter profile: a bit per usable licence kind, and the trigger."""
        code = self._profiles.get(exporter)
        if code is None:
            usable = engine.usable_kinds(self.regime, exporter)
            code = sum(self._bit[k] for k in usable) | int(triggers_catch_all(self.regime, exporter))
            self._profiles[exporter] = code
        return code

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
        code = self.states[states[position]].code(profile)
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
        return self._arrays.decide(self._flat_states[position], profiles)


@attrs.frozen
class _StateArrays:
    """The states as arrays, candidates padded with bit 0 (never usable), for batches."""

    gated: npt.NDArray[np.bool_]
    bits: IntArray
    codes: npt.NDArray[np.uint8]
    fallback: npt.NDArray[np.uint8]

    def decide(self, states: IntArray, profiles: IntArray) -> npt.NDArray[np.uint8]:
        """Outcome codes of ``states`` for ``profiles``: the first usable candidate of each."""
        result = self.fallback.take(states)
        for column in reversed(range(self.bits.shape[0])):  # the least burdensome written last wins
            usable = (self.bits[column].take(states) & profiles) != 0
            np.copyto(result, self.codes[column].take(states), where=usable)
        ungated = self.gated.take(states) & ((profiles & _TRIGGER_BIT) == 0)
        result[ungated] = 0  # none
        return result


def _state_arrays(states: tuple[State, ...]) -> _StateArrays:
    width = max((len(s.candidates) for s in states), default=0) or 1
    bits = np.zeros((width, len(states)), dtype=np.int64)  # a row per candidate position: takes are 1-D
    codes = np.zeros((width, len(states)), dtype=np.uint8)
    for n, state in enumerate(states):
        for column, (bit, code) in enumerate(state.candidates):
            bits[column, n], codes[column, n] = bit, code
    gated = np.array([s.gated for s in states], dtype=np.bool_)
    fallback = np.array([s.fallback for s in states], dtype=np.uint8)
    return _StateArrays(gated, bits, codes, fallback)


@functools.lru_cache(maxsize=16)
def compile_regime(regime: Regime) -> DecisionTable:
    """Return the (cached) compiled decision table of ``regime``."""
    return DecisionTable(regime)
