"""The bounds every scenario number is held to, shared by the checks of files and of values built in Python.

A file's integers are refused when read, but a value set in Python (``attrs.evolve``) or by a
dotted-path override reaches the checks as it is, so whole numbers and finite, bounded
quantities are tested here once, for every path a value can come by.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterator

from simulator.errors import Problem

MAX_QUANTITY = 1e15
"""The largest rate, quantity, price or period (a quadrillion): products of a few stay finite,
where output near 1e308 units made the money lost and the tonnes made infinite."""


def whole(value: object, least: int) -> bool:
    """Whether ``value`` is a whole number (not a flag, not 5.0) of at least ``least``.

    A file's integers are refused otherwise when read; this catches values set in Python.

    >>> whole(5, 1), whole(5.5, 1), whole(True, 1), whole(0, 1)
    (True, False, False, False)
    """
    return isinstance(value, numbers.Integral) and not isinstance(value, bool) and int(value) >= least


def non_negative(value: object, path: str, *names: str) -> Iterator[Problem]:
    """A problem for each field ``names`` of ``value`` that is not a number from 0 to MAX_QUANTITY."""
    for name in names:
        number = getattr(value, name)
        if number is not None and not 0 <= number <= MAX_QUANTITY:  # written so that NaN fails too
            yield Problem(f"{path}.{name}", f"expected a finite number >= 0 and at most 1e15, got {number}")
