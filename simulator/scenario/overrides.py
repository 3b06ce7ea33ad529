"""Changing one field of a scenario by a dotted path: how variants and sweeps are written.

A path names fields from the scenario down; entries of a list are picked by their identity
(``id``, or ``material``, ``supplier``, ``item`` or ``kind`` where they have no id), or all by
``*``. For example ``chipmakers.samsung.materials.photoresist.start_inventory_days`` or
``chipmakers.*.materials.*.start_inventory_days`` or ``authority.examiners``. Overrides
return new values; the scenario they start from is unchanged.
"""

from __future__ import annotations

import math
import typing
from collections.abc import Mapping
from typing import Any

import attrs

from simulator.errors import Problem
from simulator.scenario.values import Override, Scenario

_IDENTITY = ("id", "material", "supplier", "item", "kind")


class OverrideError(ValueError):
    """A path that names no field, or a value of the wrong kind for it."""


def override(scenario: Scenario, path: str, value: Override) -> Scenario:
    """Return ``scenario`` with the field at ``path`` set to ``value``.

    Raises:
        OverrideError: the path names no field, or the value does not fit it.
    """
    result = _set(scenario, path.split("."), value, path)
    if not isinstance(result, Scenario):  # pragma: no cover - _set keeps the root's type
        raise OverrideError(path)
    return result


def override_all(
    scenario: Scenario, changes: Mapping[str, Override], where: str
) -> tuple[Scenario, list[Problem]]:
    """Apply several overrides; return the result and a problem for each that failed."""
    problems = []
    for path, value in changes.items():
        try:
            scenario = override(scenario, path, value)
        except OverrideError as exc:
            problems.append(Problem(f"{where}.{path}", str(exc)))
    return scenario, problems


def _set(value: Any, keys: list[str], new: Override, path: str) -> Any:
    if not keys:
        return _convert(value, new, path)
    if not attrs.has(type(value)):
        raise OverrideError(f"{path!r}: {keys[0]!r} is below a plain value")
    name, rest = keys[0], keys[1:]
    fields = typing.get_type_hints(type(value))
    if name not in fields:
        raise OverrideError(f"{path!r}: no field {name!r}; expected one of {', '.join(sorted(fields))}")
    current = getattr(value, name)
    if current == () and rest[:1] == ["*"]:  # every entry of an empty list: nothing to set
        return value
    if not rest and any(attrs.has(t) for t in typing.get_args(fields[name])):
        raise OverrideError(f"{path!r}: {name!r} is a table; set one of its fields, e.g. {path}.FIELD")
    if current is None and rest:
        expected = (
            f"declare [{name}] in the file first (the scenario leaves it out, so it has no fields to set)"
        )
        raise OverrideError(f"{path!r}: {expected}")
    if isinstance(current, tuple) and current and attrs.has(type(current[0])):
        return attrs.evolve(value, **{name: _set_entries(current, rest, new, path)})
    return attrs.evolve(value, **{name: _set(current, rest, new, path)})


def _set_entries(entries: tuple[Any, ...], keys: list[str], new: Override, path: str) -> tuple[Any, ...]:
    if not keys:
        raise OverrideError(f"{path!r}: name an entry (by id, or *) and a field")
    key, rest = keys[0], keys[1:]
    chosen = [key == "*" or _identity(e) == key for e in entries]
    if not any(chosen):
        known = ", ".join(str(_identity(e)) for e in entries)
        raise OverrideError(f"{path!r}: no entry {key!r}; expected one of {known} or *")
    return tuple(_set(e, rest, new, path) if pick else e for e, pick in zip(entries, chosen, strict=True))


def _identity(entry: Any) -> Any:
    return next((getattr(entry, name) for name in _IDENTITY if hasattr(entry, name)), None)


def _convert(old: Any, new: Override, path: str) -> Override:
    if isinstance(old, bool) or isinstance(new, bool):
        if isinstance(old, bool) and isinstance(new, bool):
            return new
    elif isinstance(old, int) and isinstance(new, int | float) and not float(new).is_integer():
        raise OverrideError(f"{path!r}: expected an integer, got {new!r}")  # as files refuse 5.5
    elif isinstance(old, int | float) and isinstance(new, int | float) and math.isfinite(new):
        return type(old)(new)
    elif old is None and isinstance(new, int | float):
        return float(new)
    elif isinstance(old, str) and isinstance(new, str):
        return new
    raise OverrideError(f"{path!r}: expected a value like {old!r}, got {new!r}")


def parse_value(text: str) -> Override:
    """Read a command-line value: a number, true/false, or else a string.

    >>> parse_value("14"), parse_value("0.5"), parse_value("true"), parse_value("japan")
    (14, 0.5, True, 'japan')
    """
    lowered = text.strip().lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            continue
    return text
