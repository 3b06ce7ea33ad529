"""Licensing terms a scenario adds to its regime: licences held from dates, review terms by place.

Kept apart from :mod:`simulator.scenario.values` so that each stays short. The regime says
which licence kinds exist and where they are available; which exporters hold a general
licence, from when and for which customers, is a fact about the world (China's general
licences of 2 Dec 2025 went to named magnet makers), so it is scenario data. An authority's
review terms may be keyed by item, end-use class and destination; the most specific
matching entry wins, and :func:`specificity` says how specific a match is.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Protocol, TypeVar

from attrs import frozen

CIVIL = "civil"
"""The end-use class of a buyer that names none."""
ANY_ITEM = "*"
"""An ``item`` key that matches every item and material."""


@frozen
class HeldLicence:
    """A bulk licence a supplier holds from ``start`` through ``until`` (inclusive; none: to the end).

    ``customers`` names the chipmakers it covers (none: every buyer). ``enabled = false``
    leaves it out (a what-if without it).
    """

    kind: str
    start: dt.date
    until: dt.date | None = None
    customers: tuple[str, ...] = ()
    enabled: bool = True
    source: str = ""

    def holds(self, buyer: str, day: dt.date) -> bool:
        """Whether the licence covers exports to ``buyer`` on ``day``.

        >>> held = HeldLicence("general", dt.date(2025, 12, 2), customers=("vw",))
        >>> held.holds("vw", dt.date(2025, 12, 2)), held.holds("vw", dt.date(2025, 12, 1))
        (True, False)
        """
        if not self.enabled or day < self.start or (self.until is not None and day > self.until):
            return False
        return not self.customers or buyer in self.customers

    def changes(self) -> tuple[dt.date, ...]:
        """The days on which holding it starts or stops (the day after ``until``)."""
        if not self.enabled:
            return ()
        ends = () if self.until is None or self.until == dt.date.max else (self.until + dt.timedelta(days=1),)
        return (self.start, *ends)


@frozen
class Place:
    """Where an application's goods go and for what: what review terms may be keyed by.

    ``group`` is the destination's group under the exporting country's regime on the filing
    day (none where no regime decides).
    """

    material: str
    item: str
    country: str = ""
    group: str | None = None
    end_use: str = CIVIL


def specificity(
    item: str, destinations: tuple[str, ...], end_use: str | None, place: Place
) -> tuple[int, int, int] | None:
    """How specifically an entry keyed so matches ``place`` (None: it does not match).

    Compared as a tuple, so the item key counts first (material 2, item 1, ``*`` 0), then the
    end use (named 1, any 0), then the destination (country 2, group 1, any 0).

    >>> place = Place("resist-a", "resist", "US", "B", "defence")
    >>> specificity("resist", ("US",), None, place), specificity("*", (), "defence", place)
    ((1, 0, 2), (0, 1, 0))
    >>> specificity("resist", ("KR",), None, place) is None
    True
    """
    levels = {place.material: 2, place.item: 1, ANY_ITEM: 0}
    if item not in levels or end_use not in (None, place.end_use):
        return None
    group = f"group:{place.group}" if place.group else None
    where = 2 if place.country in destinations else 1 if group in destinations else 0
    if destinations and where == 0:
        return None
    return levels[item], int(end_use is not None), where


class Keyed(Protocol):
    """Review terms as :func:`most_specific` reads them: their keys."""

    @property
    def item(self) -> str:
        """A material id, an item id or ``*``."""

    @property
    def destinations(self) -> tuple[str, ...]:
        """Country codes or ``group:X`` (none: any)."""

    @property
    def end_use(self) -> str | None:
        """An end-use class (none: any)."""


_K = TypeVar("_K", bound=Keyed)


def most_specific(entries: Iterable[_K], place: Place) -> _K | None:
    """The entry matching ``place`` most specifically (:func:`specificity`); the first of equals."""
    best, rank = None, None
    for entry in entries:
        found = specificity(entry.item, entry.destinations, entry.end_use, place)
        if found is not None and (rank is None or found > rank):
            best, rank = entry, found
    return best
