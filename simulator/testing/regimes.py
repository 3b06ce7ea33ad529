"""Generated regimes with many licence kinds and exporter attributes, for properties and benchmarks.

A real regime has a handful of licence kinds; one the size of the US EAR has about twenty, each
with its own conditions on the exporter. Such regimes are drawn here: sound (they pass
:func:`simulator.rules.validate.regime_problems`) but random, so the properties run on them are
those any regime must have (the compiled table answers as the engine does), not those of a
sensible law (more trust never means more burden). They list and delist items on dates and
suspend measures (before or after these take effect), so that the compiled tables are held to
the engine over dated listings too. One builder serves both Hypothesis, which
draws each choice so that failures shrink, and the benchmark, which draws from a seeded
:class:`random.Random`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import attrs
from hypothesis import strategies as st

from simulator.rules.values import (
    Attribute,
    CatchAll,
    Group,
    Item,
    LicenceKind,
    Measure,
    Membership,
    Regime,
    Rule,
)

Integers = Callable[[int, int], int]
"""Draws a whole number in [low, high]: ``random.Random(seed).randint`` or a Hypothesis draw."""

_COUNTRIES = ("US", "DE", "FR", "GB", "JP", "KR", "CN", "TW", "VN", "IN", "BR", "TR", "RU", "IR")
_GROUPS = 4
_TAGS = 4
_LISTED = 6
_MEASURES = 8
_LATER = 3  # items declared unlisted, that listing measures may list
_START = dt.date(2020, 1, 1)


def generated_regime(integers: Integers, kinds: int, attributes: int) -> Regime:
    """A sound regime of ``kinds`` licence kinds (the last per application) and ``attributes`` attributes.

    The last attribute triggers the catch-all; each bulk kind but the first requires one to three
    of the others, each of them required by some kind when there are enough kinds.

    >>> import random
    >>> regime = generated_regime(random.Random(1).randint, 20, 10)
    >>> len(regime.licences), len(regime.attributes)
    (20, 10)
    """
    names = tuple(f"attribute-{n}" for n in range(attributes))
    licences = (*(_bulk(integers, n, names[:-1]) for n in range(kinds - 1)), _individual(kinds))
    return Regime(
        id=f"generated-{kinds}-kinds-{attributes}-attributes",
        title="A generated regime",
        country="ZZ",
        valid_from=_START,
        default_group="g4",
        groups=tuple(Group(f"g{n}", n, f"Group {n}", catch_all_exempt=n == 1) for n in range(1, _GROUPS + 1)),
        items=_items(integers),
        licences=licences,
        attributes=tuple(
            Attribute(name, name, default=bool(integers(0, 1)) and name != names[-1], citation="generated")
            for name in names
        ),
        members=tuple(
            Membership(f"g{n}", [c for k, c in enumerate(_COUNTRIES) if k % _GROUPS == n - 1])
            for n in range(1, _GROUPS + 1)
        ),
        rules=(
            _rule("individual-everywhere", "grant", ("@listed", "@catch-all"), ("*",), ("individual",)),
            *(_grant(integers, kind.id) for kind in licences[:-1]),
        ),
        measures=_suspending(
            integers, _listing(integers, _measures(integers, tuple(k.id for k in licences[:-1])))
        ),
        catch_all=CatchAll(("@catch-all",), names[-1], "The catch-all.", "generated"),
    )


def _bulk(integers: Integers, n: int, names: tuple[str, ...]) -> LicenceKind:
    """Kind 0 requires nothing; kind n one attribute in turn (so that each is tested) and up to two more."""
    wanted = {names[(n - 1) % len(names)]} if names and n else set()
    wanted |= {names[integers(0, len(names) - 1)] for _ in range(integers(0, 2))} if names and n else set()
    return LicenceKind(f"bulk-{n}", n + 1, f"Bulk licence {n}", 365, requires=tuple(sorted(wanted)))


def _individual(kinds: int) -> LicenceKind:
    return LicenceKind("individual", kinds, "Individual licence", 180, standard_processing_days=30)


def _items(integers: Integers) -> tuple[Item, ...]:
    tags = [
        ("listed", f"t{n % _TAGS}", f"t{integers(0, _TAGS - 1)}") for n in range(_LISTED)
    ]  # every tag used
    listed = tuple(Item(f"listed-{n}", f"Listed {n}", sorted(set(t))) for n, t in enumerate(tags))
    later = tuple(Item(f"later-{n}", f"Listed later {n}") for n in range(_LATER))
    return (*listed, *later, Item("unlisted", "Unlisted goods", ("catch-all",)), Item("outside", "Outside"))


def _rule(
    rule_id: str, action: str, items: tuple[str, ...], to: tuple[str, ...], licences: tuple[str, ...] = ()
) -> Rule:
    return Rule(rule_id, action, f"Rule {rule_id}.", "generated", items, to, licences)  # type: ignore[arg-type]


def _grant(integers: Integers, kind: str) -> Rule:
    items = f"@t{integers(0, _TAGS - 1)}" if integers(0, 3) else "*"
    groups = tuple(sorted({f"group:g{integers(1, _GROUPS)}" for _ in range(integers(1, 2))}))
    return _rule(f"grant-{kind}", "grant", (items,), groups, (kind,))


def _measures(integers: Integers, bulk: tuple[str, ...]) -> tuple[Measure, ...]:
    """Dated measures (at least one bulk kind exists: ``kinds`` >= 2), some repealing earlier ones."""
    days = sorted({integers(1, 2000) for _ in range(_MEASURES)})
    measures: list[Measure] = []
    for n, day in enumerate(days):
        earlier = [m.id for m in measures]
        repeals = (earlier[integers(0, len(earlier) - 1)],) if earlier and not integers(0, 3) else ()
        effective = _START + dt.timedelta(days=day)
        rule = _measure_rule(integers, n, bulk)
        measures.append(Measure(f"m{n}", f"Measure {n}", effective, "generated", (rule,), repeals))
    return tuple(measures)


def _measure_rule(integers: Integers, n: int, bulk: tuple[str, ...]) -> Rule:
    country = _COUNTRIES[integers(0, len(_COUNTRIES) - 1)]
    choice = integers(0, 9)
    if choice == 0:
        return _rule(f"r{n}", "prohibit", (f"listed-{integers(0, _LISTED - 1)}",), (country,))
    if choice < 3:
        return Rule(
            f"r{n}", "assign", f"Rule r{n}.", "generated", (), (country,), group=f"g{integers(1, _GROUPS)}"
        )
    kinds = tuple(sorted({bulk[integers(0, len(bulk) - 1)] for _ in range(integers(1, 3))}))
    items = f"listed-{integers(0, _LISTED - 1)}" if integers(0, 1) else "@listed"
    return _rule(f"r{n}", "withdraw" if choice < 7 else "grant", (items,), (country,), kinds)


@st.composite
def generated_regimes(draw: st.DrawFn, max_kinds: int = 20, max_attributes: int = 10) -> Regime:
    """Sound random regimes of up to ``max_kinds`` licence kinds and ``max_attributes`` attributes."""
    kinds = draw(st.integers(2, max_kinds))
    attributes = draw(st.integers(1, max_attributes))
    return generated_regime(lambda low, high: draw(st.integers(low, high)), kinds, attributes)


def _listing(integers: Integers, measures: tuple[Measure, ...]) -> tuple[Measure, ...]:
    """Add dated listings: a later item listed (with a tag), or a listed one delisted, some for a while."""
    added = []
    for n in range(_LATER):
        effective = _START + dt.timedelta(days=integers(1, 2000))
        until = effective + dt.timedelta(days=integers(0, 400)) if integers(0, 1) else None
        if integers(0, 2):
            rule = Rule(
                f"lr{n}",
                "list",
                f"Rule lr{n}.",
                "generated",
                (f"later-{n}",),
                tags=("listed", f"t{integers(0, _TAGS - 1)}"),
            )
        else:
            rule = Rule(
                f"lr{n}",
                "delist",
                f"Rule lr{n}.",
                "generated",
                (f"listed-{integers(0, _LISTED - 1)}",),
                tags=("listed",),
            )
        added.append(Measure(f"l{n}", f"Listing {n}", effective, "generated", (rule,), until=until))
    return (*measures, *added)


def _suspending(integers: Integers, measures: tuple[Measure, ...]) -> tuple[Measure, ...]:
    """Let some measures suspend one other, earlier or later, for a while or for good; never in a cycle.

    Each measure draws a rank and suspends only measures of lower rank, so no chain comes back.
    """
    ranks = [integers(0, 1000) for _ in measures]
    result = []
    for n, measure in enumerate(measures):
        lower = [m.id for k, m in enumerate(measures) if ranks[k] < ranks[n]]
        if lower and not integers(0, 2):
            until = measure.until or (
                measure.effective + dt.timedelta(days=integers(0, 600)) if integers(0, 1) else None
            )
            suspended = lower[integers(0, len(lower) - 1)]
            result.append(attrs.evolve(measure, suspends=(suspended,), until=until))
        else:
            result.append(measure)
    return tuple(result)
