"""Review terms: an item entry without its own review time takes its authority's, as documented."""

from __future__ import annotations

from pathlib import Path

import attrs
import pytest

from simulator.model import simulate
from simulator.rules.values import Regime
from simulator.scenario.distributions import fixed
from simulator.scenario.loading import load_scenario, load_variants
from simulator.scenario.values import Authority, ItemReview, Scenario

ROOT = Path(__file__).parents[1]


def test_item_terms_without_review_days_take_the_authoritys() -> None:
    """An item entry setting only its return odds reviews in the authority's 10 days, not the standard 90."""
    authority = Authority(
        review_days=fixed(10.0), items=(ItemReview("photoresist", returned_probability=0.2),)
    )
    terms = authority.review("photoresist", "photoresist")
    assert terms.review_days == fixed(10.0)
    assert terms.returned_probability == 0.2
    own = Authority(review_days=fixed(10.0), items=(ItemReview("photoresist", review_days=fixed(3.0)),))
    assert own.review("photoresist", "photoresist").review_days == fixed(3.0)
    assert Authority().review("photoresist", "photoresist").review_days is None  # the standard period


def test_a_run_reviews_in_the_authoritys_time(one_fab: tuple[Scenario, Regime]) -> None:
    """In one-fab with 10-day reviews and an item entry without a time, every application takes 10 days."""
    scenario, regime = one_fab
    entry = ItemReview("photoresist", denial_probability=0.0)
    authority = attrs.evolve(scenario.authority, review_days=fixed(10.0), items=(entry,))
    records = simulate(attrs.evolve(scenario, authority=authority), regime)
    decided = [a for a in records.applications if a.decided is not None]
    assert decided
    assert [a.decided - a.filed for a in decided] == pytest.approx([10.0] * len(decided))


def _changed_by_the_fix(scenario: Scenario) -> list[str]:
    """The item entries whose review time the fix changes: no time of their own, an authority that has one."""
    authorities = (scenario.authority, *scenario.authorities)
    return [
        f"{a.country or 'authority'}:{item.item}"
        for a in authorities
        if a.review_days is not None
        for item in a.items
        if item.review_days is None
    ]


@pytest.mark.parametrize("path", sorted(ROOT.glob("scenarios/*.toml")), ids=lambda p: p.name)
def test_which_bundled_scenarios_the_fix_changes(path: Path) -> None:
    """No bundled scenario or variant has an item entry without its own review time: the fix changes none."""
    scenario, _ = load_scenario(path)
    names = ("base", *(v.name for v in scenario.variants))
    for name, variant, _ in load_variants(path, names):
        assert _changed_by_the_fix(variant) == [], name
