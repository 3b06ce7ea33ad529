"""Reading and writing regime files, and the strict converter every file goes through.

With :mod:`simulator.scenario.loading` (scenario files, built on this), the only place that
parses what a user supplies. Files are data: TOML parsed with :mod:`tomllib`, structured into
frozen values by a strict cattrs converter that refuses unknown keys and wrong types and
reports every problem with its file and field path, then checked for meaning (references,
dates) by the rules layer.
Nothing a user supplies is evaluated, executed or unpickled.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import importlib.resources
import math
import re
import typing
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any, TypeVar

import attrs
import cattrs
import tomli_w
from cattrs.errors import ClassValidationError, ForbiddenExtraKeysError, IterableValidationError
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

from simulator.errors import InputError, Problem, UnknownNameError, clip, validator_message
from simulator.regimes import reading

# Re-exported (the explicit "as" for mypy's strict re-export rule): the loaders' public API.
from simulator.regimes.countries import countries as countries  # noqa: PLC0414
from simulator.regimes.countries import lookup_country as lookup_country  # noqa: PLC0414
from simulator.regimes.countries import regime_country_problems
from simulator.regimes.reading import parse_toml as parse_toml  # noqa: PLC0414
from simulator.regimes.reading import read_toml as read_toml  # noqa: PLC0414
from simulator.regimes.references import REGIME_DIR, is_bundled_name, reference_problem, resolve_reference
from simulator.regimes.references import bundled_regimes as bundled_regimes  # noqa: PLC0414
from simulator.rules.calendar import Holiday
from simulator.rules.derive import RegimeChanges, derive
from simulator.rules.validate import derived_problems, regime_problems
from simulator.rules.values import Regime

T = TypeVar("T")
Scalar = float | int | bool | str
"""A value set by a dotted path (a scenario's ``Override``): equal types, so one hook serves it."""

_HEADER_TABLE = "regime"
_LIST_TABLES: tuple[str, ...] = ("groups", "members", "items", "licences", "attributes", "rules")
_LIST_TABLES += ("measures", "catch_all", "calendar")


def _strict(kind: Callable[[Any], Any], name: str) -> Callable[[Any, Any], Any]:
    def structure(value: Any, _: Any) -> Any:
        if type(value) is not kind and not (kind is float and type(value) is int):
            raise ValueError(f"expected {name}, got {_describe(value)}")
        if kind is float and not math.isfinite(value):  # TOML's nan and inf are no period or quantity
            raise ValueError(f"expected a finite number, got {value}")
        return kind(value)

    return structure


def _describe(value: object) -> str:
    return clip(f"{type(value).__name__} {value!r}")


def _structure_date(value: Any, _: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        raise ValueError(f"expected a date (YYYY-MM-DD), got the date-time {value}")
    if isinstance(value, str):
        with contextlib.suppress(ValueError):
            value = dt.date.fromisoformat(value)
    if isinstance(value, dt.date):
        problem = reading.date_problem(value)
        if problem:
            raise ValueError(problem)
        return value
    raise ValueError(f"expected a date (YYYY-MM-DD), got {_describe(value)}")


def _structure_str_tuple(value: Any, _: Any) -> tuple[str, ...]:
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"expected a list of strings, got {_describe(value)}")
    return tuple(value)


def _structure_override(value: Any, _: Any) -> Scalar:
    if not isinstance(value, bool | int | float | str):
        raise ValueError(f"expected a number, true/false or a string, got {_describe(value)}")
    return value


def _structure_str_set(value: Any, _: Any) -> frozenset[str]:
    return frozenset(_structure_str_tuple(value, None))


def make_converter() -> cattrs.Converter:
    """Return the strict converter every file goes through."""
    converter = cattrs.Converter(forbid_extra_keys=True, detailed_validation=True)
    for kind, name in (
        (str, "a string"),
        (int, "an integer"),
        (float, "a number"),
        (bool, "true or false"),
    ):
        converter.register_structure_hook(kind, _strict(kind, name))
    converter.register_structure_hook(dt.date, _structure_date)
    converter.register_structure_hook_func(lambda t: t == tuple[str, ...], _structure_str_tuple)
    converter.register_structure_hook_func(lambda t: t == frozenset[str], _structure_str_set)
    converter.register_structure_hook_func(lambda t: t == Scalar, _structure_override)
    converter.register_unstructure_hook(dt.date, lambda d: d)
    _register_holiday(converter)
    return converter


def _register_holiday(converter: cattrs.Converter) -> None:
    """A holiday's ``start`` and ``end`` are ``from`` and ``to`` in files (``from`` is a keyword)."""
    start, end = override(rename="from"), override(rename="to")
    converter.register_structure_hook(
        Holiday,
        make_dict_structure_fn(Holiday, converter, _cattrs_forbid_extra_keys=True, start=start, end=end),
    )
    converter.register_unstructure_hook(
        Holiday, make_dict_unstructure_fn(Holiday, converter, start=start, end=end)
    )


CONVERTER = make_converter()


def _format_exception(exc: BaseException, _: Any) -> str:
    if isinstance(exc, KeyError):
        return "required field missing"
    if isinstance(exc, ForbiddenExtraKeysError):
        return f"unknown field(s) {', '.join(sorted(exc.extra_fields))}; check the spelling against the docs"
    literal = _LITERAL.match(str(exc))
    if literal:  # cattrs says "x not in literal typing.Literal['a', 'b']"
        return f"expected one of {literal[2]}; got {clip(repr(literal[1]))}"
    if len(exc.args) == 4 and isinstance(exc.args[0], str) and isinstance(exc.args[1], attrs.Attribute):
        field = exc.args[1].name  # carried to _problem, which adds it to the field path
        return f"{_FIELD_MARK}{field}{_FIELD_MARK}{validator_message(exc.args[0], exc.args[2], exc.args[3])}"
    message = str(exc) or type(exc).__name__
    for pattern, expected in _NOT_A_TABLE:  # a scalar where cattrs wanted a mapping or a list
        found = pattern.fullmatch(message)
        if found and isinstance(exc, TypeError | AttributeError):
            return f"{expected}, got {_article(found[1])}"
    return message.replace("invalid value for type, ", "")


def _article(kind: str) -> str:
    names = {"str": "a string", "int": "an integer", "float": "a number", "bool": "true or false"}
    return names.get(kind, f"a {kind}")


def structure(data: Mapping[str, Any], cls: type[T], source: str, root: str = "") -> T:
    """Structure ``data`` into ``cls``, raising one :class:`InputError` with every problem."""
    try:
        return CONVERTER.structure(data, cls)
    except (ClassValidationError, IterableValidationError) as exc:
        problems = [_problem(line, root) for line in cattrs.transform_error(exc, "$", _format_exception)]
        raise InputError(source, problems) from None


def structure_entries(
    data: Mapping[str, Any], cls: type[T], source: str, root: str
) -> tuple[T, list[Problem]]:
    """Structure ``data`` into ``cls`` entry by entry, keeping what is sound.

    Each array of tables (a field typed ``tuple[SomeAttrsClass, ...]``) is structured one entry
    at a time, so that a bad entry does not hide the problems of the others. Returns the value
    built from the sound entries and the problems of the rest; raises :class:`InputError` if
    the header itself is unsound.
    """
    problems: list[Problem] = []
    parts: dict[str, tuple[Any, ...]] = {}
    for name, entry_cls in _entry_fields(cls).items():
        entries = data.get(name, [])
        if not isinstance(entries, list):
            problems.append(Problem(name, f"expected an array of tables ([[{name}]])"))
            entries = []
        parts[name] = tuple(_sound_entries(entries, entry_cls, source, name, problems))
    known = set(typing.get_type_hints(cls))
    unknown = sorted(k for k in data if k not in known)
    if unknown:
        problems.append(
            Problem(root, f"unknown field(s) {', '.join(unknown)}; check the spelling against the docs")
        )
    tables = dict(_sound_tables(data, cls, source, problems))
    header = {k: v for k, v in data.items() if k not in parts and k in known and k not in _table_fields(cls)}
    try:
        value = structure(header, cls, source, root)
    except InputError as exc:
        raise InputError(source, [*exc.problems, *problems]) from None
    return attrs.evolve(value, **parts, **tables), problems  # type: ignore[misc]


def _sound_tables(
    data: Mapping[str, Any], cls: type, source: str, problems: list[Problem]
) -> Iterator[tuple[str, Any]]:
    """Structure each single table (``[authority]``) on its own; a bad one keeps its default."""
    for name, table_cls in _table_fields(cls).items():
        table = data.get(name)
        if table is None:
            continue
        if not isinstance(table, dict):
            problems.append(Problem(name, f"expected a table ([{name}])"))
            continue
        try:
            yield name, structure(table, table_cls, source, name)
        except InputError as exc:
            problems.extend(exc.problems)


def _table_fields(cls: type) -> dict[str, type]:
    fields = {}
    for name, hint in typing.get_type_hints(cls).items():
        candidates = [hint, *typing.get_args(hint)] if typing.get_origin(hint) is not tuple else []
        table = next((c for c in candidates if isinstance(c, type) and attrs.has(c)), None)
        if table is not None:
            fields[name] = table
    return fields


def _sound_entries(
    entries: list[Any], cls: type[T], source: str, name: str, problems: list[Problem]
) -> Iterator[T]:
    for n, entry in enumerate(entries):
        if not isinstance(entry, dict):
            problems.append(Problem(f"{name}[{n}]", "expected a table"))
            continue
        try:
            yield structure(entry, cls, source, f"{name}[{n}]")
        except InputError as exc:
            problems.extend(exc.problems)


def _entry_fields(cls: type) -> dict[str, type]:
    fields = {}
    for name, hint in typing.get_type_hints(cls).items():
        args = typing.get_args(hint)
        if typing.get_origin(hint) is tuple and len(args) == 2 and attrs.has(args[0]):
            fields[name] = args[0]
    return fields


def _problem(line: str, root: str) -> Problem:
    message, _, path = line.rpartition(" @ ")
    path = path.removeprefix("$").removeprefix(".")
    if message.startswith(_FIELD_MARK):  # an attrs validator's field, below the class cattrs names
        field, _, message = message.removeprefix(_FIELD_MARK).partition(_FIELD_MARK)
        path = f"{path}.{field}" if path else field
    path = _HOLIDAY_FIELD.sub(lambda m: f"{m[1]}.{_HOLIDAY_NAMES[m[2]]}", path)
    return Problem(".".join(p for p in (root, path) if p).replace(".[", "["), message)


_FIELD_MARK = "\0"
_NOT_A_TABLE = (
    (re.compile(r"argument of type '(\w+)' is not iterable"), "expected a table"),
    (re.compile(r"'(\w+)' object has no attribute 'keys'"), "expected a table"),
    (re.compile(r"'(\w+)' object is not iterable"), "expected an array"),
)
_LITERAL = re.compile(r"^(.*) not in literal typing\.Literal\[(.*)\]$")
_HOLIDAY_FIELD = re.compile(r"(holidays\[\d+\])\.(start|end)$")
_HOLIDAY_NAMES = {"start": "from", "end": "to"}
"""A holiday's fields as files name them (see :func:`_register_holiday`)."""


# ---------------------------------------------------------------- regimes


def bundled_text(filename: str) -> str:
    """Return the text of a data file shipped in the package's ``regimes`` folder."""
    return importlib.resources.files("simulator").joinpath(REGIME_DIR).joinpath(filename).read_text("utf-8")


@functools.lru_cache(maxsize=16)
def _bundled_regime(name: str) -> Regime:
    return parse_regime(parse_toml(bundled_text(f"{name}.toml"), f"{name}.toml"), f"{name}.toml")


def load_regime(ref: str | Path) -> Regime:
    """Load a regime by bundled name (``japan``) or from a TOML file.

    ``ref`` comes from the caller (a command-line argument, a Python value): a path is read as
    Python reads it, relative to the current directory. A regime or scenario *file* naming a
    regime follows :func:`~simulator.regimes.references.resolve_reference` instead: relative to that file.

    Raises:
        UnknownNameError: ``ref`` is neither a bundled regime nor an existing file.
        InputError: the file is malformed; every problem is listed.
    """
    text = str(ref)
    if text in bundled_regimes():
        return _bundled_regime(text)
    path = Path(ref)
    if not reading.is_file(path):
        raise UnknownNameError("regime (name or file)", text, bundled_regimes())
    return _regime_file(path, ())


def _regime_file(path: Path, seen: tuple[str, ...]) -> Regime:
    return parse_regime(read_toml(path), str(path), (*seen, str(path.resolve())))


def parse_regime(data: Mapping[str, Any], source: str, _seen: tuple[str, ...] = ()) -> Regime:
    """Build a regime (whole, or derived from a base) from parsed TOML."""
    header = data.get(_HEADER_TABLE)
    if not isinstance(header, dict):
        raise InputError(source, [Problem(_HEADER_TABLE, "expected a [regime] table")])
    flat = {**{k: v for k, v in data.items() if k != _HEADER_TABLE}, **header}
    if "base" in header:
        return _derived_regime(flat, source, _seen)
    regime, problems = structure_entries(flat, Regime, source, root=_HEADER_TABLE)
    meaning = [*regime_problems(regime), *regime_country_problems(regime)]
    raise_if_any(source, problems, meaning, dropped_ids(flat, problems))
    return regime


def raise_if_any(source: str, shape: list[Problem], meaning: list[Problem], dropped: set[str]) -> None:
    """Raise every problem of shape and meaning, less those caused only by a dropped entry."""
    meaning = [p for p in meaning if not any(f"got {d!r}" in p.expected for d in dropped)]
    if shape or meaning:
        raise InputError(source, [*shape, *meaning])


def dropped_ids(flat: Mapping[str, Any], problems: list[Problem]) -> set[str]:
    """The ids of the entries left out for problems of form, so their references are not re-reported."""
    dropped = set()
    for problem in problems:
        table, _, rest = problem.field.partition("[")
        index = rest.partition("]")[0]
        entries = flat.get(table)
        if index.isdigit() and isinstance(entries, list) and int(index) < len(entries):
            entry = entries[int(index)]
            dropped.add(str(entry.get("id", "")) if isinstance(entry, dict) else "")
    return dropped - {""}


def _derived_regime(flat: dict[str, Any], source: str, seen: tuple[str, ...]) -> Regime:
    """Derive from the base; problems are reported at the derived file's own field paths."""
    changes, shape = structure_entries(flat, RegimeChanges, source, root=_HEADER_TABLE)
    base_ref = resolve_reference(changes.base, source)
    missing = reference_problem(base_ref)
    if missing:
        raise InputError(source, [*shape, Problem("regime.base", missing)])
    if is_bundled_name(base_ref):
        base = _bundled_regime(base_ref)
    else:
        base = _base_file(Path(base_ref), source, shape, seen)
    try:
        regime = derive(base, changes)
    except ValueError as exc:  # the derived id fails the regime's validator
        raise InputError(
            source, [*shape, _problem(f"{_format_exception(exc, None)} @ $", _HEADER_TABLE)]
        ) from None
    meaning = [*derived_problems(regime, base, changes), *regime_country_problems(changes)]
    raise_if_any(source, shape, meaning, dropped_ids(flat, shape))
    return regime


def _base_file(path: Path, source: str, shape: list[Problem], seen: tuple[str, ...]) -> Regime:
    """Load the base regime file a derived regime names, refusing cycles and chains too deep."""
    if str(path.resolve()) in seen:
        raise InputError(
            source, [*shape, Problem("regime.base", f"derivation cycle through {clip(repr(str(path)))}")]
        )
    if len(seen) > reading.MAX_DERIVATION_DEPTH:
        expected = f"expected at most {reading.MAX_DERIVATION_DEPTH} bases in a chain of derived regimes"
        raise InputError(source, [*shape, Problem("regime.base", expected)])
    try:
        return _regime_file(path, seen)
    except InputError as exc:  # name the file and field that pointed to the broken base too
        raise InputError(f"{exc.source} (the base named by {source}, regime.base)", exc.problems) from None


def dump_regime(regime: Regime) -> str:
    """Return a regime as TOML text that :func:`parse_regime` reads back to an equal value."""
    data = _drop_none(CONVERTER.unstructure(regime))
    tables = {k: data.pop(k) for k in _LIST_TABLES if k in data}
    return tomli_w.dumps({_HEADER_TABLE: data, **tables})


def _drop_none(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _drop_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list | tuple):
        return [_drop_none(v) for v in value]
    return value
