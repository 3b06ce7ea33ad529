"""Reviews with memory: a channel's first application and its repeats may be reviewed on different terms.

In one-fab the fab orders 7 t every 7 days. From the shock (day 33) each order, ready on day
7k + 5.07, finds no licence with room (contracts are the order alone) and files its own
application; 50 examiners mean no queue, so a review takes exactly its drawn time.
"""

from __future__ import annotations

from pathlib import Path

import attrs
import pytest
from helpers import problem_fields

from simulator.model import simulate
from simulator.model.records import RunRecords
from simulator.rules.values import Regime
from simulator.scenario.distributions import Distribution, fixed
from simulator.scenario.values import ItemReview, Scenario

ONE_FAB = (Path(__file__).parent / "scenarios" / "one-fab.toml").read_text(encoding="utf-8")
_REVIEW = 'review_days = { dist = "fixed", value = 90.0 }'


def _run(one_fab: tuple[Scenario, Regime], terms: ItemReview) -> RunRecords:
    scenario, regime = one_fab
    authority = attrs.evolve(scenario.authority, items=(terms,))
    return simulate(attrs.evolve(scenario, authority=authority), regime)


def _days(records: RunRecords, count: int) -> list[float | None]:
    """Filing and decision days of the first ``count`` applications, laid end to end."""
    return [day for a in records.applications[:count] for day in (a.filed, a.decided)]


def test_repeat_terms_default_to_the_first() -> None:
    """Without repeat terms a repeat application is reviewed exactly as the first."""
    terms = ItemReview("photoresist", fixed(30.0), returned_probability=0.4, denial_probability=0.1)
    assert terms.for_repeat() == terms
    faster = attrs.evolve(terms, repeat_review_days=fixed(5.0), repeat_returned_probability=0.0)
    repeat = faster.for_repeat()
    assert (repeat.review_days, repeat.returned_probability) == (fixed(5.0), 0.0)
    assert repeat.denial_probability == 0.1


def test_faster_repeat_reviews_by_hand(one_fab: tuple[Scenario, Regime]) -> None:
    """The first application takes 90 days, the repeats 10: filed 7k + 5.07, decided 10 days later.

    The first (day 33.07) is decided on day 123.07; the repeats filed on days 40.07, 47.07 and
    54.07 are decided on 50.07, 57.07 and 64.07. The day-51 stock-out lasts until the day-40
    order lands on 52.07, so the day-56 review orders 7 - 1.07 = 5.93 t, ready on 61.0593.
    """
    records = _run(one_fab, ItemReview("photoresist", fixed(90.0), repeat_review_days=fixed(10.0)))
    assert _days(records, 5) == pytest.approx(
        [33.07, 123.07, 40.07, 50.07, 47.07, 57.07, 54.07, 64.07, 61.0593, 71.0593]
    )
    assert records.applications[4].quantity_t == pytest.approx(5.93)
    assert records.stockouts[0].start == 51.0
    assert records.stockouts[0].end == pytest.approx(52.07)


def test_documents_returned_only_on_the_first_filing(one_fab: tuple[Scenario, Regime]) -> None:
    """Documents returned on the first filing only: it takes 90 + 20 days, each repeat 90, none returned."""
    terms = ItemReview(
        "photoresist", returned_probability=1.0, repeat_returned_probability=0.0, correction_days=fixed(20.0)
    )
    records = _run(one_fab, terms)
    assert _days(records, 3) == pytest.approx([33.07, 143.07, 40.07, 130.07, 47.07, 137.07])
    assert [a.returned for a in records.applications[:5]] == [1, 0, 0, 0, 0]
    assert sum(a.returned for a in records.applications) == 1


def test_repeats_draw_the_same_review_numbers(one_fab: tuple[Scenario, Regime]) -> None:
    """A first filing on other terms takes its draws all the same: every repeat pairs with the base's.

    The base reviews every application in uniform(60, 120) days with even odds of returned
    documents; the variant reviews only the first in a fixed 90 days with none returned. Had
    the first skipped the draws its terms do not need, every repeat would be shifted one draw.
    """
    base = ItemReview(
        "photoresist",
        Distribution("uniform", low=60.0, high=120.0),
        returned_probability=0.5,
        correction_days=fixed(5.0),
    )
    first_differs = attrs.evolve(
        base,
        review_days=fixed(90.0),
        returned_probability=0.0,
        repeat_review_days=base.review_days,
        repeat_returned_probability=0.5,
    )
    paired = zip(_run(one_fab, base).applications, _run(one_fab, first_differs).applications, strict=False)
    durations = [(a.decided - a.filed, b.decided - b.filed, a.returned, b.returned) for a, b in paired
                 if a.decided is not None and b.decided is not None]  # fmt: skip
    assert len(durations) >= 5
    assert (durations[0][1], durations[0][3]) == (90.0, 0)
    repeats = durations[1:]
    assert any(a_returned for _, _, a_returned, _ in repeats)
    assert [b_returned for _, _, _, b_returned in repeats] == [a_returned for _, _, a_returned, _ in repeats]
    assert [b for _, b, _, _ in repeats] == pytest.approx([a for a, _, _, _ in repeats])


@pytest.mark.parametrize(
    ("entry", "field"),
    [
        ("repeat_returned_probability = 1.5", "authority.items[0].repeat_returned_probability"),
        (
            'repeat_review_days = { dist = "uniform", low = 9.0 }',
            "authority.items[0].repeat_review_days.high",
        ),
    ],
)
def test_bad_repeat_terms_are_reported(tmp_path: Path, entry: str, field: str) -> None:
    """A repeat probability outside [0, 1] or an incomplete repeat distribution is refused at its path."""
    item = f'\n  [[authority.items]]\n  item = "photoresist"\n  {entry}'
    assert _REVIEW in ONE_FAB
    assert problem_fields(tmp_path / "bad.toml", ONE_FAB.replace(_REVIEW, _REVIEW + item)) == [field]
