"""The project's exception tree.

Every error a user can cause derives from :class:`ExportsimError`; the CLI turns any of them
into a one-paragraph message and exit code 2, so a user never sees a traceback for bad input.
Errors about files carry the file, the field path and what was expected, and report all
problems at once rather than the first one found.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from typing import Any

import attrs

MAX_ECHO = 80
"""Characters of a user's value echoed back in a message; longer ones end in an ellipsis."""
MAX_MESSAGE = 1000
"""Characters of one problem's message: a safety net for values echoed whole."""


class ExportsimError(Exception):
    """Base of every error exportsim raises on purpose."""


@attrs.frozen
class Problem:
    """One thing wrong with an input: where it is and what was expected there."""

    field: str
    expected: str

    def __str__(self) -> str:
        expected = clip(self.expected, MAX_MESSAGE)
        return f"{clip(self.field, MAX_MESSAGE // 5)}: {expected}" if self.field else expected


class InputError(ExportsimError):
    """A file (or other named input) has one or more problems."""

    def __init__(self, source: str, problems: Sequence[Problem]) -> None:
        self.source = source
        self.problems = tuple(problems)
        lines = [f"{source}: {p}" for p in self.problems]
        super().__init__("\n".join(lines))


class UnknownNameError(ExportsimError, LookupError):
    """A name (item, country, regime, licence ...) that is not known, with close matches."""

    def __init__(self, kind: str, name: str, known: Iterable[str], *, matched: bool = False) -> None:
        self.kind = kind
        self.name = name
        name = clip(name)
        self.suggestions = tuple(known) if matched else tuple(close_matches(name, known))
        hint = f"; did you mean {', '.join(self.suggestions)}?" if self.suggestions else ""
        super().__init__(f"unknown {kind} {name!r}{hint}")


class RuleError(ExportsimError):
    """The rules cannot answer: a date outside the regime, or a gap in its rules."""


def close_matches(name: str, known: Iterable[str], n: int = 3) -> list[str]:
    """Return up to ``n`` known names that look like ``name`` (case-insensitive).

    >>> close_matches("hydrogen-flouride", ["hydrogen-fluoride", "photoresist"])
    ['hydrogen-fluoride']
    """
    by_lower = {k.lower(): k for k in known}
    found = difflib.get_close_matches(name.lower(), list(by_lower), n=n, cutoff=0.6)
    return [by_lower[f] for f in found]


def clip(text: str, limit: int = MAX_ECHO) -> str:
    """Return ``text`` cut to ``limit`` characters, ending in an ellipsis when cut.

    >>> clip("x" * 100, 10)
    'xxxxxxxxx…'
    """
    return text if len(text) <= limit else text[: limit - 1] + "…"


def validator_message(message: str, expected: Any, got: Any) -> str:
    """An attrs validator's error ("'id' must match regex ...") as "expected ...; got ..."."""
    if isinstance(expected, re.Pattern):
        wanted = _ID_PATTERNS.get(expected.pattern, f"a value matching {expected.pattern}")
    elif isinstance(expected, type):
        wanted = f"a {expected.__name__}"
    elif isinstance(expected, tuple | list | frozenset | set):
        wanted = f"one of {', '.join(map(repr, expected))}"
    else:
        return clip(message, 200)
    return f"expected {wanted}; got {clip(repr(got))}"


_ID_PATTERNS = {
    r"^[a-z0-9][a-z0-9-]*$": "an id of lower-case letters, digits and hyphens (e.g. 'japan-2019')",
    r"^[A-Z]{2}$": "a two-letter country code in capitals (e.g. 'JP')",
}
