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
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

import cattrs
import tomli_w
from cattrs.errors import ClassValidationError, IterableValidationError

from simulator.errors import InputError, Problem, UnknownNameError, close_matches
from simulator.rules.derive import RegimeChanges, derive
from simulator.rules.validate import regime_problems
from simulator.rules.values import Regime

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
    converter.register_unstructure_hook(dt.date, lambda d: d)
    return converter


CONVERTER = make_converter()


def _format_exception(exc: BaseException, _: Any) -> str:
    if isinstance(exc, KeyError):
        return "required field missing"
    message = str(exc) or type(exc).__name__
    return message.replace("invalid value for type, ", "")


def structure(data: Mapping[str, Any], cls: type[T], source: str, root: str = "") -> T:
    """Structure ``data`` into ``cls``, raising one :class:`InputError` with every problem."""
    try:
        return CONVERTER.structure(data, cls)
    except (ClassValidationError, IterableValidationError) as exc:
        problems = [_problem(line, root) for line in cattrs.transform_error(exc, "$", _format_exception)]
        raise InputError(source, problems) from None


def _problem(line: str, root: str) -> Problem:
    message, _, path = line.rpartition(" @ ")
    path = path.removeprefix("$").removeprefix(".")
    return Problem(_rename(path, root), message)


def _rename(path: str, root: str) -> str:
    head = path.split(".", maxsplit=1)[0].split("[", maxsplit=1)[0]
    if root and head and head not in _LIST_TABLES:
        return f"{root}.{path}"
    return path


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
        regime = _derived_regime(flat, source, _seen)
    else:
        regime = structure(flat, Regime, source, root=_HEADER_TABLE)
    problems = regime_problems(regime)
    if problems:
        raise InputError(source, problems)
    return regime


def _derived_regime(flat: dict[str, Any], source: str, seen: tuple[str, ...]) -> Regime:
    changes = structure(flat, RegimeChanges, source, root=_HEADER_TABLE)
    base_path = Path(changes.base)
    key = str(base_path.resolve()) if base_path.is_file() else changes.base
    if key in seen:
        raise InputError(source, [Problem("regime.base", f"derivation cycle through {changes.base!r}")])
    try:
        base = _load_regime(changes.base, seen)
    except UnknownNameError as exc:
        raise InputError(source, [Problem("regime.base", str(exc))]) from None
    return derive(base, changes)


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
