"""What-if regimes: a new regime derived from a base by adding, replacing or removing parts.

Counterfactuals ("Korea never left Group A", "a 30-day standard period") are written as
changes to a base regime, never as edits to it: :func:`derive` returns a new value and the
base is untouched. A derivation with no changes decides exactly as its base.
"""

from __future__ import annotations

from typing import TypeVar

import attrs
from attrs import field, frozen

from simulator.rules.values import (
    Attribute,
    Group,
    HasId,
    Item,
    LicenceKind,
    Measure,
    Membership,
    Regime,
    Rule,
    tuple_of_str,
)


@frozen
class RegimeChanges:
    """The parts a derived regime adds, replaces (same id) or removes from its base."""

    id: str
    base: str
    title: str = ""
    remove_measures: tuple[str, ...] = field(default=(), converter=tuple_of_str)
    remove_rules: tuple[str, ...] = field(default=(), converter=tuple_of_str)
    measures: tuple[Measure, ...] = ()
    rules: tuple[Rule, ...] = ()
    licences: tuple[LicenceKind, ...] = ()
    attributes: tuple[Attribute, ...] = ()
    groups: tuple[Group, ...] = ()
    items: tuple[Item, ...] = ()
    members: tuple[Membership, ...] = ()
    citation: str = ""
    source: str = ""


_T = TypeVar("_T", bound=HasId)


def _merge(base: tuple[_T, ...], changes: tuple[_T, ...], remove: tuple[str, ...] = ()) -> tuple[_T, ...]:
    replaced = {c.id: c for c in changes}
    kept = tuple(replaced.pop(b.id, b) for b in base if b.id not in remove)
    return kept + tuple(replaced.values())


def _move_members(base: tuple[Membership, ...], moves: tuple[Membership, ...]) -> tuple[Membership, ...]:
    moved = {c for m in moves for c in m.countries}
    kept = tuple(attrs.evolve(m, countries=[c for c in m.countries if c not in moved]) for m in base)
    return kept + moves


def _drop_repeals(measures: tuple[Measure, ...], removed: tuple[str, ...]) -> tuple[Measure, ...]:
    """Forget removed measures in the others' ``repeals`` and ``suspends``."""
    return tuple(
        attrs.evolve(
            m,
            repeals=[r for r in m.repeals if r not in removed],
            suspends=[s for s in m.suspends if s not in removed],
        )
        for m in measures
    )


def derive(base: Regime, changes: RegimeChanges) -> Regime:
    """Return a new regime: ``base`` with ``changes`` applied.

    Parts with the id of a base part replace it; others are added. Removing a measure also
    removes it from the repeals and suspensions of the others.
    """
    measures = _merge(base.measures, changes.measures, changes.remove_measures)
    return attrs.evolve(
        base,
        id=changes.id,
        title=changes.title or f"{base.title} (derived: {changes.id})",
        derived_from=base.id,
        measures=_drop_repeals(measures, changes.remove_measures),
        rules=_merge(base.rules, changes.rules, changes.remove_rules),
        licences=_merge(base.licences, changes.licences),
        attributes=_merge(base.attributes, changes.attributes),
        groups=_merge(base.groups, changes.groups),
        items=_merge(base.items, changes.items),
        members=_move_members(base.members, changes.members),
        citation=changes.citation or base.citation,
        source=changes.source or base.source,
    )
