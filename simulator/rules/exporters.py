"""Exporter profiles by attribute name, checked against the attributes a regime declares.

A regime declares the exporter attributes its rules test (``[[attributes]]``); the code knows
none of them. Users name them wherever an exporter is described (``--has``/``--lacks`` on the
command line, ``has``/``lacks`` of a scenario's supplier or a decision-table case), always
relative to the established exporter the regime's defaults describe. This module turns such
names into an :class:`ExporterProfile`, and reports a name the regime does not declare with the
field it came from and the names that would do.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator

from simulator.errors import InputError, Problem
from simulator.rules.values import ExporterProfile, Regime


def attribute_problems(regime: Regime, names: Iterable[str], field: str) -> list[Problem]:
    """A problem at ``field`` for each name that is not an exporter attribute of ``regime``.

    >>> from simulator.rules.values import Regime
    >>> import datetime as dt
    >>> bare = Regime("bare", "Bare", "JP", dt.date(2020, 1, 1), "a")
    >>> attribute_problems(bare, ["icq"], "--has")[0].expected
    "expected an exporter attribute, but regime 'bare' declares none; got 'icq'"
    """
    declared = [a.id for a in regime.attributes]
    if declared:
        expected = f"expected one of the exporter attributes of regime {regime.id!r} ({', '.join(declared)})"
    else:
        expected = f"expected an exporter attribute, but regime {regime.id!r} declares none"
    return [Problem(field, f"{expected}; got {n!r}") for n in names if n not in declared]


def exporter_of(
    regime: Regime,
    has: Iterable[str] = (),
    lacks: Iterable[str] = (),
    bulk_licences: frozenset[str] | None = None,
    fields: tuple[str, str] = ("has", "lacks"),
) -> ExporterProfile:
    """The established exporter of ``regime``, with the attributes ``has`` and without ``lacks``.

    Args:
        regime: the regime whose declared attributes and defaults apply.
        has: attribute names the exporter holds whatever their default.
        lacks: attribute names it does not hold (these win over ``has``).
        bulk_licences: the bulk licences it holds (None: any it qualifies for).
        fields: how the caller's input names ``has`` and ``lacks``, for the error message.

    Raises:
        InputError: a name the regime does not declare, at its field, listing those it does.
    """
    has, lacks = tuple(has), tuple(lacks)
    problems = [*attribute_problems(regime, has, fields[0]), *attribute_problems(regime, lacks, fields[1])]
    if problems:
        raise InputError(f"regime {regime.id}", problems)
    return ExporterProfile((regime.established | set(has)) - set(lacks), bulk_licences)


def every_profile(regime: Regime) -> Iterator[tuple[frozenset[str], str]]:
    """Yield every combination of the regime's attributes held, with a label naming each.

    >>> from simulator.rules.values import Attribute, Regime
    >>> import datetime as dt
    >>> one = Regime("r", "R", "JP", dt.date(2020, 1, 1), "a", attributes=(Attribute("x", "X", True, "c"),))
    >>> [label for _, label in every_profile(one)]
    ['x=True', 'x=False']
    """
    ids = [a.id for a in regime.attributes]
    for flags in itertools.product((True, False), repeat=len(ids)):
        held = frozenset(i for i, f in zip(ids, flags, strict=True) if f)
        yield held, ", ".join(f"{i}={f}" for i, f in zip(ids, flags, strict=True))
