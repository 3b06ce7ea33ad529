"""Hypothesis strategies that break scenario and regime files, to fuzz what reads them.

A loader must meet any file with either the value it describes or an
:class:`~simulator.errors.InputError`, never a traceback or a hang. These strategies start from
a real file and damage it the ways people and tools do: structurally, on the parsed TOML (a key
or table deleted, a value of another type, an entry of an array of tables duplicated, numbers
and dates out of range, unknown keys, long, empty or exotic strings), and as bytes (truncated,
flipped, not UTF-8). Fuzz your own files as the suite fuzzes the bundled ones::

    from hypothesis import given
    from simulator.testing.fuzz import mutants, place

    @given(mutants(Path("my-scenario.toml")))
    def test_my_scenario_fails_cleanly(mutant):
        with tempfile.TemporaryDirectory() as folder:
            path = place(Path("my-scenario.toml"), mutant.content, Path(folder))
            ...  # load ``path`` or invoke the CLI on it, and judge the result with ``verdict``

:func:`place` writes the mutant together with the files it names (regimes given by relative
path, a base scenario), so that references still resolve; :func:`verdict` judges a click
``Result`` and :func:`time_limit` turns a hang into a failure.
"""

from __future__ import annotations

import copy
import datetime as dt
import math
import os
import shutil
import signal
import tomllib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol

import attrs
import tomli_w
from hypothesis import strategies as st

Key = str | int
"""A step into parsed TOML: a table's key or an array's index."""
Where = tuple[Key, ...]
"""The path from the top of a file's data to one value in it."""

ACCEPTED, REFUSED, FOUND = "accepted", "refused", "found"
"""Verdicts on one command: exit 0, exit 2 with a message, and exit 1 (``regime check``'s findings)."""


@attrs.frozen
class Mutant:
    """A damaged copy of a file: the bytes to write and what was done to them."""

    content: bytes = attrs.field(repr=lambda content: f"<{len(content)} bytes>")  # reports stay short
    changes: tuple[str, ...] = ()

    def __str__(self) -> str:
        return "; ".join(self.changes)


# ---------------------------------------------------------------- values


def _long_strings() -> st.SearchStrategy[str]:
    return st.sampled_from(["x" * 10_000, "é" * 5_000, "a/" * 2_000, "-".join(["japan"] * 500)])


def strings() -> st.SearchStrategy[str]:
    """Strings a careless or hostile file holds: empty, long, unicode, control characters, paths, ids."""
    odd = st.sampled_from(
        ["", " ", "\t\n", "\x00", "\u202eRTL", "日本語", "🇯🇵💥", "Ä\u0308", "\ufeff", "%s {0} {x}", "'\"\\"]
    )
    named = st.sampled_from(
        ["japan", "korea", "china", "base", "unlisted", "*", "group:A", "@bulk-eligible", "KR", "JP", "kr"]
    )
    paths = st.sampled_from(["..", "../", "./", "/", "../../x.toml", "/nonexistent/r.toml", "nul", "CON"])
    return st.one_of(odd, named, paths, _long_strings(), st.text(max_size=30))


def integers() -> st.SearchStrategy[int]:
    """Integers at and beyond every edge: zero, negative, 32- and 64-bit limits, and past TOML's."""
    edges = [0, 1, -1, 2, 7, 365, 2**31 - 1, 2**31, 2**53 + 1, 2**63 - 1, -(2**63), 10**30]
    return st.one_of(st.sampled_from(edges), st.integers())


def floats() -> st.SearchStrategy[float]:
    """Floats at the edges: signed zero, fractions where integers belong, the smallest, huge, nan, inf."""
    edges = [0.0, -0.0, 0.5, 1.5, -1.0, 1e-9, 5e-324, 1e308, -1e308, 1.7976931348623157e308]
    return st.one_of(st.sampled_from([*edges, math.nan, math.inf, -math.inf]), st.floats())


def dates() -> st.SearchStrategy[dt.date | dt.datetime | dt.time]:
    """Dates at and far beyond the supported years, date-times and bare times."""
    edges = [dt.date.min, dt.date.max, dt.date(9999, 12, 30), dt.date(1899, 12, 31), dt.date(1900, 1, 1)]
    edges += [dt.date(2200, 12, 31), dt.date(2201, 1, 1), dt.date(2019, 2, 28), dt.date(2020, 2, 29)]
    moments = st.datetimes() | st.datetimes(timezones=st.just(dt.UTC)) | st.times()
    return st.one_of(st.sampled_from(edges), st.dates(), moments)


def scalars() -> st.SearchStrategy[Any]:
    """A value of any TOML scalar type."""
    return st.one_of(strings(), integers(), floats(), st.booleans(), dates())


def values() -> st.SearchStrategy[Any]:
    """A value of any TOML type, arrays and tables a little nested."""
    return st.recursive(
        scalars(),
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(strings(), inner, max_size=3),
        max_leaves=6,
    )


# ---------------------------------------------------------------- structural mutations


def locations(data: Any, where: Where = ()) -> Iterator[Where]:
    """Every path into parsed TOML, tables and arrays before what they hold.

    >>> list(locations({"a": [1, {"b": 2}]}))
    [('a',), ('a', 0), ('a', 1), ('a', 1, 'b')]
    """
    children = data.items() if isinstance(data, dict) else enumerate(data) if isinstance(data, list) else ()
    for key, child in children:
        yield (*where, key)
        yield from locations(child, (*where, key))


def _at(data: Any, where: Where) -> Any:
    for key in where:
        data = data[key]
    return data


def _replace(data: Any, where: Where, value: Any) -> None:
    _at(data, where[:-1])[where[-1]] = value


def _delete(data: Any, where: Where) -> str:
    del _at(data, where[:-1])[where[-1]]
    return f"deleted {_name(where)}"


def _name(where: Where) -> str:
    text = "".join(f"[{k}]" if isinstance(k, int) else f".{k}" for k in where).removeprefix(".")
    return text[:120]


_KINDS: dict[type, Callable[[], st.SearchStrategy[Any]]] = {
    str: strings,
    int: integers,
    float: floats,
    bool: st.booleans,
    dt.date: dates,
    list: lambda: st.lists(scalars(), max_size=3),
    dict: lambda: st.dictionaries(strings(), scalars(), max_size=3),
}


def _retype(draw: st.DrawFn, data: Any, where: Where) -> str:
    """Replace the value with one of another TOML type."""
    current = type(_at(data, where))
    others = [kind for kind in _KINDS if not issubclass(current, kind) or (kind is int and current is bool)]
    kind = draw(st.sampled_from(others))
    value = draw(_KINDS[kind]())
    _replace(data, where, value)
    return f"{_name(where)} = {_brief(value)} (a {kind.__name__} for a {current.__name__})"


def _brief(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else f"{text[:57]}..."


def _set_to(strategy: st.SearchStrategy[Any]) -> Callable[[st.DrawFn, Any, Where], str]:
    def mutate(draw: st.DrawFn, data: Any, where: Where) -> str:
        value = draw(strategy)
        _replace(data, where, value)
        return f"{_name(where)} = {_brief(value)}"

    return mutate


def _extreme(draw: st.DrawFn, data: Any, where: Where) -> str:
    """Replace a number with an extreme one of its own type (so that it passes the type check)."""
    value = draw(integers() if _is(int)(_at(data, where)) else floats())
    _replace(data, where, value)
    return f"{_name(where)} = {_brief(value)}"


def _duplicate(draw: st.DrawFn, data: Any, where: Where) -> str:
    """Insert a copy of an entry of an array (of tables, mostly) beside it."""
    node = _at(data, where)
    if isinstance(node, list) and node:
        where = (*where, draw(st.integers(0, len(node) - 1)))
    elif not isinstance(_at(data, where[:-1]), list):
        return _delete(data, where)
    array, index = _at(data, where[:-1]), where[-1]
    array.insert(draw(st.integers(0, len(array))), copy.deepcopy(array[index]))
    return f"duplicated {_name(where)}"


def _unknown_key(draw: st.DrawFn, data: Any, where: Where) -> str:
    """Add a key the format does not define to the table at (or holding) ``where``."""
    while where and not isinstance(_at(data, where), dict):
        where = where[:-1]
    table = _at(data, where)
    odd = st.sampled_from(["unknown", "Id", "id ", "", "ü", "a.b", "regime", "base"])
    key = draw(odd | st.text(max_size=8))
    table[key] = draw(values())
    return f"added {_name((*where, key))}"


def _splice(draw: st.DrawFn, data: Any, where: Where) -> str:
    """Replace the value with a copy of another value of the same file (nearly right, often)."""
    source = draw(st.sampled_from(list(locations(data))))
    _replace(data, where, copy.deepcopy(_at(data, source)))
    return f"{_name(where)} = a copy of {_name(source)}"


def _delete_at(_: st.DrawFn, data: Any, where: Where) -> str:
    return _delete(data, where)


def _is(kind: type | tuple[type, ...]) -> Callable[[Any], bool]:
    return lambda value: isinstance(value, kind) and not (kind is int and isinstance(value, bool))


_MUTATIONS: tuple[tuple[Callable[[st.DrawFn, Any, Where], str], Callable[[Any], bool]], ...] = (
    (_delete_at, lambda _: True),
    (_retype, lambda _: True),
    (_duplicate, _is(list)),
    (_extreme, _is((int, float))),
    (_set_to(dates()), _is((dt.date, dt.time))),
    (_set_to(strings()), _is(str)),
    (_unknown_key, _is(dict)),
    (_splice, lambda _: True),
)
"""Each mutation, and the values it is best aimed at (it falls back to any value)."""


@st.composite
def mutated(draw: st.DrawFn, data: dict[str, Any], most: int = 3) -> tuple[dict[str, Any], tuple[str, ...]]:
    """``data`` (parsed TOML) after one to ``most`` structural mutations, and what each did."""
    data, changes = copy.deepcopy(data), []
    for _ in range(draw(st.integers(1, most))):
        mutate, aim = draw(st.sampled_from(_MUTATIONS))
        everywhere = list(locations(data))
        if not everywhere:
            break
        aimed = [w for w in everywhere if aim(_at(data, w))]
        changes.append(mutate(draw, data, draw(st.sampled_from(aimed or everywhere))))
    return data, tuple(changes)


# ---------------------------------------------------------------- damaged bytes

_NOT_UTF8 = (b"\xff", b"\xc3\x28", b"\xed\xa0\x80", b"\xe9", b"\x00", b"\xef\xbb\xbf")


@st.composite
def garbled(draw: st.DrawFn, content: bytes) -> Mutant:
    """``content`` truncated, with bytes flipped, or with bytes that are not UTF-8 put in."""
    how = draw(st.sampled_from(["truncated", "flipped", "not-utf8"]))
    if how == "truncated" or not content:
        cut = draw(st.integers(0, max(len(content) - 1, 0)))
        return Mutant(content[:cut], (f"truncated to {cut} bytes",))
    spots = draw(st.lists(st.integers(0, len(content) - 1), min_size=1, max_size=4))
    damaged = bytearray(content)
    if how == "flipped":
        for spot in spots:
            damaged[spot] ^= draw(st.integers(1, 255))
        return Mutant(bytes(damaged), (f"flipped bytes at {spots}",))
    for spot in sorted(spots, reverse=True):
        damaged[spot:spot] = draw(st.sampled_from(_NOT_UTF8))
    return Mutant(bytes(damaged), (f"bytes not UTF-8 put in at {spots}",))


def mutants(source: Path, most: int = 3) -> st.SearchStrategy[Mutant]:
    """Damaged copies of the TOML file ``source``: mostly structural, sometimes as bytes.

    A structural mutant is the file's data changed by :func:`mutated` and written back with
    ``tomli_w`` (so without the file's comments); a garbled one is the file's own bytes damaged.
    """
    content = source.read_bytes()
    data = tomllib.loads(content.decode("utf-8"))
    structural = mutated(data, most).map(lambda m: Mutant(tomli_w.dumps(m[0]).encode(), m[1]))
    return st.one_of(structural, structural, structural, garbled(content))


# ---------------------------------------------------------------- placing and judging


def references(source: Path) -> set[Path]:
    """The files ``source`` names, directly or through them: regimes (own, exporters', variants'), bases."""
    found: set[Path] = set()
    pending = [source]
    while pending:
        path = pending.pop()
        for ref in _named(tomllib.loads(path.read_text(encoding="utf-8"))):
            beside = path.parent / ref
            if beside.is_file() and beside.resolve() not in found:
                found.add(beside.resolve())
                pending.append(beside)
    return found


def _named(data: dict[str, Any]) -> Iterator[str]:
    header = {**data.get("scenario", {}), **data.get("regime", {})}
    refs = [header.get("regime"), header.get("base"), *header.get("export_regimes", [])]
    refs += [v.get("regime") for v in data.get("variants", []) if isinstance(v, dict)]
    yield from (r for r in refs if isinstance(r, str))


def place(source: Path, content: bytes, folder: Path) -> Path:
    """Write ``content`` in ``folder`` as ``source``, with the files it names where it names them.

    The files keep their places relative to one another (under their common folder), so that
    relative references resolve as they do beside ``source``. Returns the path written.
    """
    source = source.resolve()
    others = references(source) - {source}
    root = Path(os.path.commonpath([p.parent for p in (source, *others)]))
    for other in others:
        target = folder / other.relative_to(root)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(other, target)
    written = folder / source.relative_to(root)
    written.parent.mkdir(parents=True, exist_ok=True)
    written.write_bytes(content)
    return written


class Hang(BaseException):
    """A command ran past its time limit (a BaseException, so that no ``except Exception`` hides it)."""


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise :class:`Hang` in the block after ``seconds`` of wall time (where SIGALRM exists).

    Only in the main thread, as signals are; elsewhere, and on Windows, it imposes no limit. The
    alarm repeats each second after the first, in case Python loses one in a finaliser.
    """
    if not hasattr(signal, "setitimer"):
        yield
        return

    def expire(*_: object) -> None:
        raise Hang(f"still running after {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds, 1.0)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


class Result(Protocol):
    """What :func:`verdict` reads of a ``click.testing.Result``."""

    @property
    def exit_code(self) -> int: ...  # noqa: D102 - the process's exit code
    @property
    def exception(self) -> BaseException | None: ...  # noqa: D102 - what ended the command
    @property
    def output(self) -> str: ...  # noqa: D102 - stdout and stderr interleaved


def verdict(result: Result, findings: bool = False) -> str:
    """:data:`ACCEPTED` (exit 0), :data:`REFUSED` (exit 2 with a message) or :data:`FOUND` (exit 1).

    Exit 1 is allowed only with ``findings`` (``regime check`` exits 1 on gaps or overlaps).

    Raises:
        AssertionError: a traceback, another exit code, or a refusal without a message.
    """
    exc = result.exception
    clean = exc is None or (isinstance(exc, SystemExit) and exc.code in (0, 1, 2, None))
    assert clean, f"raised {exc!r}:\n{result.output[-2000:]}"
    assert "Traceback" not in result.output, result.output[-2000:]
    allowed = {0: ACCEPTED, 2: REFUSED, **({1: FOUND} if findings else {})}
    assert result.exit_code in allowed, f"exit {result.exit_code}:\n{result.output[-2000:]}"
    if result.exit_code == 2:
        assert result.output.strip(), "refused without a message"
    return allowed[result.exit_code]
