"""Review terms keyed by destination and end use as well as by item: the most specific entry wins.

Precedence, compared in this order: the item key (the material's own id, then its item id,
then ``*``), then the end use (named, then any), then the destination (the country, then its
group, then any). The first of equally specific entries wins.
"""

from __future__ import annotations

from pathlib import Path

import attrs
import pytest
from helpers import problem_fields

from simulator.model import simulate
from simulator.rules.values import Regime
from simulator.scenario.distributions import fixed
from simulator.scenario.licensing import Place
from simulator.scenario.loading import load_scenario
from simulator.scenario.values import Authority, ItemReview, Scenario

ONE_FAB = Path(__file__).parent / "scenarios" / "one-fab.toml"

ENTRIES = (
    ItemReview("*", review_days=fixed(1.0)),
    ItemReview("*", destinations=("US",), review_days=fixed(2.0)),
    ItemReview("*", destinations=("group:B",), review_days=fixed(3.0)),
    ItemReview("*", end_use="defence", review_days=fixed(4.0)),
    ItemReview("magnet", review_days=fixed(5.0)),
    ItemReview("magnet", destinations=("US", "IN"), review_days=fixed(6.0)),
    ItemReview("magnet", end_use="defence", review_days=fixed(7.0)),
    ItemReview("magnet", destinations=("US",), end_use="defence", review_days=fixed(8.0)),
    ItemReview("magnet-dy", review_days=fixed(9.0)),
)


@pytest.mark.parametrize(
    ("place", "days"),
    [
        (Place("magnet-dy", "magnet", "US", "B", "defence"), 9.0),  # the material's own entry beats all
        (Place("magnet", "magnet", "US", "B", "defence"), 8.0),  # item, end use and country
        (Place("magnet", "magnet", "DE", "B", "defence"), 7.0),  # end use beats destination
        (Place("magnet", "magnet", "IN", "B", "civil"), 6.0),  # a country in the list
        (Place("magnet", "magnet", "DE", "A", "civil"), 5.0),  # the item alone
        (Place("oxide", "oxide", "US", "B", "defence"), 4.0),  # another item: end use beats destination
        (Place("oxide", "oxide", "US", "B", "civil"), 2.0),  # the country beats its group
        (Place("oxide", "oxide", "KR", "B", "civil"), 3.0),  # the group
        (Place("oxide", "oxide", "KR", None, "civil"), 1.0),  # no regime's group: any destination
    ],
)
def test_the_most_specific_entry_wins(place: Place, days: float) -> None:
    """Each application takes the entry that matches it most specifically, in the documented order."""
    assert Authority(items=ENTRIES).review(place.material, place.item, place).review_days == fixed(days)


def test_equally_specific_entries_the_first_wins_and_none_falls_back() -> None:
    """Of two entries as specific (a country in each list), the first wins; with no match, the defaults."""
    first = ItemReview("magnet", destinations=("US",), review_days=fixed(1.0))
    second = ItemReview("magnet", destinations=("US", "IN"), end_use=None, review_days=fixed(2.0))
    authority = Authority(review_days=fixed(10.0), items=(first, second))
    assert authority.review("magnet", "magnet", Place("magnet", "magnet", "US")).review_days == fixed(1.0)
    assert authority.review("magnet", "magnet", Place("magnet", "magnet", "DE")).review_days == fixed(10.0)


def _decided_after(
    one_fab: tuple[Scenario, Regime], *entries: ItemReview, end_use: str = "civil"
) -> list[float]:
    scenario, regime = one_fab
    fab = attrs.evolve(scenario.chipmakers[0], end_use=end_use)
    authority = attrs.evolve(scenario.authority, items=entries)
    records = simulate(attrs.evolve(scenario, chipmakers=(fab,), authority=authority), regime)
    return [round(a.decided - a.filed, 2) for a in records.applications if a.decided is not None]


def test_a_group_entry_applies_from_the_day_the_country_joins_the_group(
    one_fab: tuple[Scenario, Regime],
) -> None:
    """Korea moves to Group B on 28 Aug 2019 (day 88): applications filed before take 90 days, later ones 10.

    The five filed from day 33.07 to 61.02 are decided after 90 days; the next, filed on day 131.01
    when the fab orders again, after 10.
    """
    fast_in_b = ItemReview("photoresist", destinations=("group:B",), review_days=fixed(10.0))
    decided = _decided_after(one_fab, fast_in_b)
    assert decided[:5] == [90.0] * 5
    assert decided[5:]
    assert set(decided[5:]) == {10.0}


def test_a_defence_buyer_takes_the_end_use_terms(one_fab: tuple[Scenario, Regime]) -> None:
    """With 30 days for Korea and 150 for defence users, a civil fab takes 30 days, a defence fab 150."""
    entries = (
        ItemReview("photoresist", destinations=("KR",), review_days=fixed(30.0)),
        ItemReview("photoresist", end_use="defence", review_days=fixed(150.0)),
    )
    assert set(_decided_after(one_fab, *entries)) == {30.0}
    assert set(_decided_after(one_fab, *entries, end_use="defence")) == {150.0}


AUTHORITY_ITEM = """
[[authority.items]]
item = "{item}"
{extra}
"""


@pytest.mark.parametrize(
    ("item", "extra", "fields"),
    [
        ("*", 'destinations = ["KR", "group:B"]\nend_use = "defence"', []),
        ("photoresist", 'destinations = ["kr"]', ["authority.items[0].destinations[0]"]),
        ("photoresist", 'destinations = ["group:Z"]', ["authority.items[0].destinations[0]"]),
        ("photoresist", 'end_use = " "', ["authority.items[0].end_use"]),
        ("photoresist", 'destination = ["KR"]', ["authority.items[0]"]),
    ],
    ids=["sound", "lower-case-country", "unknown-group", "blank-end-use", "unknown-key"],
)
def test_review_keys_are_checked(tmp_path: Path, item: str, extra: str, fields: list[str]) -> None:
    """Destinations must be country codes or groups of the regime, an end use not blank, keys known."""
    text = ONE_FAB.read_text(encoding="utf-8") + AUTHORITY_ITEM.format(item=item, extra=extra)
    path = tmp_path / "s.toml"
    if not fields:
        path.write_text(text, encoding="utf-8")
        assert load_scenario(path)[0].authority.items[0].destinations == ("KR", "group:B")
        return
    assert problem_fields(path, text) == fields


def test_entries_for_one_item_may_differ_by_place_but_not_repeat(tmp_path: Path) -> None:
    """Two entries for resist, one for Korea, load; the same key twice is reported at the second."""
    korea = AUTHORITY_ITEM.format(item="photoresist", extra='destinations = ["KR"]')
    plain = AUTHORITY_ITEM.format(item="photoresist", extra="")
    text = ONE_FAB.read_text(encoding="utf-8")
    assert problem_fields(tmp_path / "a.toml", text + plain + korea + korea) == ["authority.items[2].item"]


def test_a_chipmaker_end_use_must_not_be_blank(tmp_path: Path) -> None:
    """``end_use = ""`` on a chipmaker is reported at its field."""
    text = ONE_FAB.read_text(encoding="utf-8").replace('id = "fab"\n', 'id = "fab"\nend_use = ""\n')
    assert problem_fields(tmp_path / "s.toml", text) == ["chipmakers[0].end_use"]
