"""Reading input files within bounds, so that bad input fails fast and clearly.

A careless or hostile file must end in an :class:`~simulator.errors.InputError`, never in a
traceback or a hang: text that is not UTF-8, nesting deep enough to exhaust Python's stack,
chains of derived files hundreds deep, names too long for the file system, dates the
calendar arithmetic cannot reach. The limits are generous for real files and live here, in
one place, so that regime and scenario loading apply the same ones.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from pathlib import Path
from typing import Any

from simulator.errors import InputError, Problem

MAX_NESTING = 32
"""Arrays and tables nested deeper than this are refused (real files nest three or four deep)."""
MAX_DERIVATION_DEPTH = 32
"""A regime or scenario derived through more bases than this is refused."""
FIRST_YEAR, LAST_YEAR = 1900, 2200
"""Dates in files lie in these years (inclusive), or are the calendar's last day, 9999-12-31,
which an ``until`` may give to mean open-ended (the same as leaving it out; the engine treats it
so). Scenario periods are checked against the years alone (:mod:`simulator.scenario.check`)."""

_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


def date_problem(date: dt.date) -> str | None:
    """Why ``date`` is out of the supported range, or None when it is in it.

    >>> date_problem(dt.date(9998, 12, 31))
    'expected a date in the years 1900 to 2200 (or 9999-12-31, open-ended), got 9998-12-31'
    """
    if FIRST_YEAR <= date.year <= LAST_YEAR or date == dt.date.max:
        return None
    expected = f"expected a date in the years {FIRST_YEAR} to {LAST_YEAR} (or 9999-12-31, open-ended)"
    return f"{expected}, got {date.isoformat()}"


def nesting(value: Any, limit: int = MAX_NESTING) -> int:
    """How deep arrays and tables nest in parsed TOML, counted up to ``limit + 1`` at most.

    >>> nesting({"a": [[1]]})
    3
    """
    if limit < 0 or not isinstance(value, dict | list):
        return 0
    children = value.values() if isinstance(value, dict) else value
    return 1 + max((nesting(child, limit - 1) for child in children), default=0)


def is_file(path: Path) -> bool:
    """Whether ``path`` is an existing file; False where the name cannot be one (too long, NUL)."""
    try:
        return path.is_file()
    except (OSError, ValueError):
        return False


def invalid_date(text: str, line: int) -> str | None:
    """The first impossible date (``2019-02-30``) written on line ``line`` (1-based) of ``text``."""
    lines = text.splitlines()
    for match in _DATE.finditer(lines[line - 1] if 0 < line <= len(lines) else ""):
        try:
            dt.date(*(int(part) for part in match.groups()))
        except ValueError:
            return match[0]
    return None


def read_toml(path: Path) -> dict[str, Any]:
    """Parse a TOML file, turning any failure into an :class:`InputError` naming the file."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(str(path), [Problem("", f"cannot read the file ({exc.strerror})")]) from None
    except UnicodeDecodeError as exc:
        expected = f"expected UTF-8 text; byte {exc.start} is not (is it a binary or another encoding?)"
        raise InputError(str(path), [Problem("", expected)]) from None
    return parse_toml(text, str(path))


def parse_toml(text: str, source: str) -> dict[str, Any]:
    """Parse TOML text; a syntax error names the source and the line.

    Arrays and tables nested deeper than :data:`~simulator.regimes.MAX_NESTING` are
    refused, whether Python's parser runs out of stack on them or not.
    """
    deep = Problem("", f"expected arrays and tables nested at most {MAX_NESTING} deep")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(source, [Problem("", _toml_message(exc, text))]) from None
    except RecursionError:
        raise InputError(source, [deep]) from None
    if nesting(data) > MAX_NESTING:
        raise InputError(source, [deep])
    return data


def _toml_message(exc: tomllib.TOMLDecodeError, text: str) -> str:
    line = _LINE.search(str(exc))
    date = invalid_date(text, int(line[1])) if line else None
    if date and line:
        return f"line {line[1]}: {date} is not a valid date (expected YYYY-MM-DD, a day that exists)"
    return f"not valid TOML: {exc}"


_LINE = re.compile(r"\(at line (\d+), column \d+\)")
