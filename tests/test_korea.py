"""Korea's regime: Japan in Ga, Ga-2 from 18 Sep 2019, Ga from 24 Apr 2023 (docs/sources/japan-2019.md)."""

from __future__ import annotations

import datetime as dt

import pytest

from simulator.regimes.loading import load_regime
from simulator.rules.check import check_regime
from simulator.rules.engine import decide
from simulator.rules.values import Application

KOREA = load_regime("korea")
CASES = [
    ("JP", dt.date(2019, 9, 17), "individual-ga", 5),
    ("JP", dt.date(2019, 9, 18), "individual", 15),
    ("JP", dt.date(2023, 4, 23), "individual", 15),
    ("JP", dt.date(2023, 4, 24), "individual-ga", 5),
    ("US", dt.date(2020, 1, 1), "individual-ga", 5),
    ("CN", dt.date(2020, 1, 1), "individual", 15),
]


@pytest.mark.parametrize(("to", "on", "licence", "days"), CASES)
def test_hydrogen_fluoride_review_period(to: str, on: dt.date, licence: str, days: int) -> None:
    """HF from Korea is reviewed in 5 days to region Ga, 15 days elsewhere, on both sides of each date."""
    decision = decide(KOREA, Application("hydrogen-fluoride", to, on))
    assert (decision.licence, decision.standard_processing_days) == (licence, days)


def test_same_item_ids_as_japan() -> None:
    """Korea lists the three items under the ids Japan uses, so one scenario can name both."""
    japan = load_regime("japan")
    shared = {"hydrogen-fluoride", "fluorinated-polyimide", "photoresist"}
    assert shared <= {i.id for i in KOREA.items} & {i.id for i in japan.items}


def test_korea_is_complete() -> None:
    """Korea's regime has no gaps or overlaps."""
    assert check_regime(KOREA) == ()
