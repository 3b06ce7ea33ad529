"""Reading and writing files: the one place that parses what a user supplies.

Files are data: TOML parsed with :mod:`tomllib`, structured into frozen values by a strict
cattrs converter that refuses unknown keys and wrong types and reports every problem with
its file and field path, then checked for meaning (references, dates) by the rules layer.
Nothing a user supplies is evaluated, executed or unpickled.
"""

from __future__ import annotations

import datetime as dt
import functools
import importlib.resources
import tomllib
import typing
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any, TypeVar

import attrs
import cattrs
import tomli_w
from cattrs.errors import ClassValidationError, ForbiddenExtraKeysError, IterableValidationError

from simulator.errors import InputError, Problem, UnknownNameError, close_matches
from simulator.overrides import override_all
from simulator.rules.derive import RegimeChanges, derive
from simulator.rules.validate import derived_problems, regime_problems
from simulator.rules.values import Laws, Regime, laws_of
from simulator.scenario import Override, Scenario, VariantSpec
from simulator.scenario_check import laws_problems

T = TypeVar("T")

_REGIME_DIR = "regimes"
_HEADER_TABLE = "regime"
_LIST_TABLES = ("groups", "members", "items", "licences", "rules", "measures", "catch_all")


def _strict(kind: Callable[[Any], Any], name: str) -> Callable[[Any, Any], Any]:
    def structure(value: Any, _: Any) -> Any:
        if type(value) is not kind and not (kind is float and type(value) is int):
            raise ValueError(f"expected {name}, got {_describe(value)}")
        return kind(value)

    return structure


def _describe(value: object) -> str:
    return f"{type(value).__name__} {value!r}"[:60]


def _structure_date(value: Any, _: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        raise ValueError(f"expected a date (YYYY-MM-DD), got the date-time {value}")
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise ValueError(f"expected a date (YYYY-MM-DD), got {_describe(value)}")


def _structure_str_tuple(value: Any, _: Any) -> tuple[str, ...]:
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"expected a list of strings, got {_describe(value)}")
    return tuple(value)


def _structure_override(value: Any, _: Any) -> Override:
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
    converter.register_structure_hook_func(lambda t: t == Override, _structure_override)
    converter.register_unstructure_hook(dt.date, lambda d: d)
    return converter


CONVERTER = make_converter()


def _format_exception(exc: BaseException, _: Any) -> str:
    if isinstance(exc, KeyError):
        return "required field missing"
    if isinstance(exc, ForbiddenExtraKeysError):
        return f"unknown field(s) {', '.join(sorted(exc.extra_fields))}; check the spelling against the docs"
    message = str(exc) or type(exc).__name__
    return message.replace("invalid value for type, ", "")


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
    return Problem(".".join(p for p in (root, path) if p).replace(".[", "["), message)


def read_toml(path: Path) -> dict[str, Any]:
    """Parse a TOML file, turning any failure into an :class:`InputError` naming the file."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(str(path), [Problem("", f"cannot read the file ({exc.strerror})")]) from None
    return parse_toml(text, str(path))


def parse_toml(text: str, source: str) -> dict[str, Any]:
    """Parse TOML text; a syntax error names the source and the line."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(source, [Problem("", f"not valid TOML: {exc}")]) from None


# ---------------------------------------------------------------- regimes


def bundled_regimes() -> tuple[str, ...]:
    """Return the names of the regimes shipped with the package."""
    files = importlib.resources.files("simulator").joinpath(_REGIME_DIR).iterdir()
    names = (f.name.removesuffix(".toml") for f in files if f.name.endswith(".toml"))
    return tuple(sorted(n for n in names if not n.endswith("-decisions")))


def bundled_text(filename: str) -> str:
    """Return the text of a data file shipped in the package's ``regimes`` folder."""
    return importlib.resources.files("simulator").joinpath(_REGIME_DIR).joinpath(filename).read_text("utf-8")


@functools.lru_cache(maxsize=16)
def _bundled_regime(name: str) -> Regime:
    return parse_regime(parse_toml(bundled_text(f"{name}.toml"), f"{name}.toml"), f"{name}.toml")


def load_regime(ref: str | Path) -> Regime:
    """Load a regime by bundled name (``japan``) or from a TOML file.

    Raises:
        UnknownNameError: ``ref`` is neither a bundled regime nor an existing file.
        InputError: the file is malformed; every problem is listed.
    """
    return _load_regime(ref, ())


def _load_regime(ref: str | Path, seen: tuple[str, ...]) -> Regime:
    text = str(ref)
    if text in bundled_regimes():
        return _bundled_regime(text)
    path = Path(ref)
    if not path.is_file():
        raise UnknownNameError("regime (name or file)", text, bundled_regimes())
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
    _raise_if_any(source, problems, regime_problems(regime), _dropped_ids(flat, problems))
    return regime


def _raise_if_any(source: str, shape: list[Problem], meaning: list[Problem], dropped: set[str]) -> None:
    """Raise every problem of shape and meaning, less those caused only by a dropped entry."""
    meaning = [p for p in meaning if not any(f"got {d!r}" in p.expected for d in dropped)]
    if shape or meaning:
        raise InputError(source, [*shape, *meaning])


def _dropped_ids(flat: Mapping[str, Any], problems: list[Problem]) -> set[str]:
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
    base_path = Path(changes.base)
    key = str(base_path.resolve()) if base_path.is_file() else changes.base
    if key in seen:
        raise InputError(
            source, [*shape, Problem("regime.base", f"derivation cycle through {changes.base!r}")]
        )
    try:
        base = _load_regime(changes.base, seen)
    except UnknownNameError as exc:
        raise InputError(source, [*shape, Problem("regime.base", str(exc))]) from None
    regime = derive(base, changes)
    _raise_if_any(source, shape, derived_problems(regime, base, changes), _dropped_ids(flat, shape))
    return regime


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


@functools.lru_cache(maxsize=1)
def countries() -> dict[str, str]:
    """Return ISO 3166-1 alpha-2 codes mapped to short country names."""
    text = (
        importlib.resources.files("simulator").joinpath("data").joinpath("countries.toml").read_text("utf-8")
    )
    return dict(tomllib.loads(text)["countries"])


def lookup_country(code: str) -> str:
    """Return ``code`` upper-cased if it is an ISO country code, else raise with close matches."""
    upper = code.upper()
    known = countries()
    if upper not in known:
        by_name = {f"{c} ({name})": name for c, name in known.items()}
        matches = close_matches(code, [*known, *by_name.values()])
        hints = [
            f"{c} ({known[c]})" if c in known else next(k for k, v in by_name.items() if v == c)
            for c in matches
        ]
        raise UnknownNameError("country code", code, hints, matched=True)
    return upper


# ---------------------------------------------------------------- scenarios

_SCENARIO_TABLE = "scenario"


def load_scenario(path: str | Path) -> tuple[Scenario, Regime | Laws]:
    """Load a scenario file and the regime(s) it names, checking both before anything runs.

    Relative regime paths are read relative to the scenario file. With ``export_regimes`` the
    second value is :class:`Laws` (the main regime first), else the one :class:`Regime`.

    Raises:
        InputError: every problem of the file, with its field path.
    """
    path = Path(path)
    source = str(path)
    flat = _scenario_data(path, ())
    scenario, problems = structure_entries(flat, Scenario, source, root=_SCENARIO_TABLE)
    laws, meaning = _scenario_laws(scenario, path)
    meaning += [*_country_problems(scenario), *_duplicate_ids(scenario)]
    if laws is not None:
        meaning += laws_problems(scenario, laws)
    _raise_if_any(source, problems, meaning, _dropped_ids(flat, problems))
    if laws is None:  # unreachable: a missing regime is one of the problems raised above
        raise InputError(source, [Problem("scenario.regime", "expected a regime")])
    return scenario, _single_or_laws(laws)


def _single_or_laws(laws: Laws) -> Regime | Laws:
    return laws if len(laws.regimes) > 1 else laws.primary


def _scenario_laws(scenario: Scenario, path: Path) -> tuple[Laws | None, list[Problem]]:
    regime, problems = _scenario_regime(scenario.regime, path.parent)
    others = []
    for n, ref in enumerate(scenario.export_regimes):
        other, found = _scenario_regime(_resolve_beside(path, ref), path.parent)
        problems += [attrs.evolve(p, field=f"scenario.export_regimes[{n}]") for p in found]
        others += [other] if other is not None else []
    countries = [r.country for r in (regime, *others) if r is not None]
    for country in sorted({c for c in countries if countries.count(c) > 1}):
        expected = f"expected one regime per exporting country; {country} has two"
        problems.append(Problem("scenario.export_regimes", expected))
    return (Laws((regime, *others)) if regime is not None else None), problems


def _scenario_data(path: Path, seen: tuple[Path, ...]) -> dict[str, Any]:
    """Read a scenario file as one flat mapping, resolving ``base`` (a scenario it amends).

    A derived file's header fields replace the base's, and each table it has replaces the
    base's table of that name whole. A relative regime path is resolved against the file
    that names it.
    """
    data = read_toml(path)
    header = data.get(_SCENARIO_TABLE)
    if not isinstance(header, dict):
        raise InputError(str(path), [Problem(_SCENARIO_TABLE, "expected a [scenario] table")])
    regime = header.get("regime")
    if isinstance(regime, str) and regime not in bundled_regimes() and (path.parent / regime).is_file():
        header = {**header, "regime": str(path.parent / regime)}
    flat = {**{k: v for k, v in data.items() if k != _SCENARIO_TABLE}, **header}
    base = flat.pop("base", None)
    if base is None:
        return flat
    base_path = path.parent / str(base)
    if base_path.resolve() in seen or base_path.resolve() == path.resolve():
        raise InputError(str(path), [Problem("scenario.base", f"derivation cycle through {base!r}")])
    if not base_path.is_file():
        raise InputError(
            str(path), [Problem("scenario.base", f"expected a scenario file; {base_path} does not exist")]
        )
    return {**_scenario_data(base_path, (*seen, path.resolve())), **flat}


def _scenario_regime(ref: str, folder: Path) -> tuple[Regime | None, list[Problem]]:
    """Load a bundled regime by name, or a regime file beside the scenario (never elsewhere)."""
    if ref not in bundled_regimes() and not (folder / ref).is_file():
        expected = f"expected a bundled regime ({', '.join(bundled_regimes())}) or a file beside the scenario"
        return None, [Problem("scenario.regime", f"{expected}; got {ref!r}")]
    try:
        return load_regime(ref if ref in bundled_regimes() else folder / ref), []
    except (UnknownNameError, InputError) as exc:
        return None, [Problem("scenario.regime", str(exc).replace("\n", "; "))]


def _country_problems(scenario: Scenario) -> Iterator[Problem]:
    known = countries()
    located = [
        *((f"suppliers[{n}].country", s.country) for n, s in enumerate(scenario.suppliers)),
        *((f"chipmakers[{n}].country", c.country) for n, c in enumerate(scenario.chipmakers)),
        *((f"lanes[{n}].origin", lane.origin) for n, lane in enumerate(scenario.lanes)),
        *((f"lanes[{n}].destination", lane.destination) for n, lane in enumerate(scenario.lanes)),
    ]
    for field, code in located:
        if code not in known:
            yield Problem(field, f"expected an ISO 3166 alpha-2 country code; got {code!r}")


def _duplicate_ids(scenario: Scenario) -> Iterator[Problem]:
    for table in ("materials", "suppliers", "chipmakers"):
        ids = [entry.id for entry in getattr(scenario, table)]
        for duplicate in sorted({i for i in ids if ids.count(i) > 1}):
            yield Problem(table, f"expected unique ids; {duplicate!r} appears {ids.count(duplicate)} times")


def load_variants(path: str | Path, names: tuple[str, ...]) -> list[tuple[str, Scenario, Regime | Laws]]:
    """Load a scenario and the variants named (``base`` is the file's own scenario).

    With no names, every variant is returned after the base. Each variant is checked like a
    scenario of its own, problems reported at ``variants[N]...``.

    Raises:
        InputError: the file, or a variant, has problems; or a name is not declared.
    """
    path = Path(path)
    scenario, regime = load_scenario(path)
    specs = {spec.name: (n, spec) for n, spec in enumerate(scenario.variants)}
    wanted = names or ("base", *specs)
    unknown = [name for name in wanted if name != "base" and name not in specs]
    if unknown:
        raise InputError(str(path), [Problem("variants", _one_of_variants(unknown, specs))])
    return [
        (name, scenario, regime) if name == "base" else _variant(path, scenario, regime, *specs[name])
        for name in wanted
    ]


def _one_of_variants(unknown: list[str], specs: Mapping[str, Any]) -> str:
    declared = ", ".join(["base", *specs])
    return f"no variant {', '.join(repr(u) for u in unknown)}; the file declares {declared}"


def _variant(
    path: Path, base: Scenario, law: Regime | Laws, n: int, spec: VariantSpec
) -> tuple[str, Scenario, Regime | Laws]:
    scenario, problems = override_all(base, spec.set, f"variants[{n}].set")
    laws = laws_of(law)
    if spec.regime is not None:
        regime, found = _scenario_regime(_resolve_beside(path, spec.regime), path.parent)
        problems += [attrs.evolve(p, field=f"variants[{n}].regime") for p in found]
        laws = Laws((regime, *laws.regimes[1:])) if regime is not None else laws
    problems += [attrs.evolve(p, field=f"variants[{n}] -> {p.field}") for p in laws_problems(scenario, laws)]
    if problems:
        raise InputError(str(path), problems)
    return spec.name, attrs.evolve(scenario, id=f"{base.id}:{spec.name}"), _single_or_laws(laws)


def _resolve_beside(path: Path, ref: str) -> str:
    return str(path.parent / ref) if ref not in bundled_regimes() and (path.parent / ref).is_file() else ref
