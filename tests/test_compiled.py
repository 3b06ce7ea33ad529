"""The compiled decision table agrees with the reference engine, one by one and in batches."""

from __future__ import annotations

import datetime as dt

import attrs
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from simulator.errors import RuleError, UnknownNameError
from simulator.regimes.loading import load_regime
from simulator.rules.compiled import compile_regime
from simulator.rules.engine import decide
from simulator.rules.values import Application, Regime
from simulator.testing import applications

JAPAN = load_regime("japan")
KOREA = load_regime("korea")


@given(st.lists(applications(JAPAN), min_size=1, max_size=40))
def test_batch_equals_reference(batch: list[Application]) -> None:
    """A vectorised batch returns, row by row, the reference engine's licence."""
    table = compile_regime(JAPAN)
    codes = table.decide_many(
        np.array([table.item_code(a.item) for a in batch]),
        np.array([table.destination_code(a.destination) for a in batch]),
        np.array([a.on.toordinal() for a in batch]),
        np.array([table.profile_code(a.exporter) for a in batch]),
    )
    assert [table.outcomes[c] for c in codes] == [decide(JAPAN, a).licence for a in batch]


def test_unnamed_countries_share_their_group(japan: Regime) -> None:
    """Only countries some rule names get their own slot; others use their group's."""
    table = compile_regime(japan)
    assert set(table.named_countries) == {"KP", "KR"}
    assert table.destination_code("DE") == table.destination_code("US")
    assert table.destination_code("VN") == table.destination_code("CN")
    assert table.destination_code("KR") != table.destination_code("US")


def test_batch_refuses_dates_before_regime(japan: Regime) -> None:
    """A batch with a date before the regime raises instead of reading another key's intervals."""
    table = compile_regime(japan)
    with pytest.raises(RuleError):
        table.decide_many(
            np.array([0]), np.array([0]), np.array([dt.date(2000, 1, 1).toordinal()]), np.array([0])
        )


def test_single_lookup_errors(japan: Regime) -> None:
    """Single lookups refuse unknown items and early dates."""
    table = compile_regime(japan)
    with pytest.raises(UnknownNameError):
        table.licence(
            "nothing",
            "KR",
            dt.date(2020, 1, 1),
            Application("x", "KR", dt.date(2020, 1, 1)).exporter,
        )
    with pytest.raises(RuleError):
        table.licence(
            "photoresist",
            "KR",
            dt.date(2003, 1, 1),
            Application("x", "KR", dt.date(2020, 1, 1)).exporter,
        )


@pytest.mark.parametrize("regime", [JAPAN, KOREA], ids=["japan", "korea"])
@given(data=st.data())
def test_clearance_span_holds_throughout(regime: Regime, data: st.DataObject) -> None:
    """A clearance's span contains its date, and the law gives its outcome on its first and last days."""
    application = data.draw(applications(regime))
    table = compile_regime(regime)
    route = table.route(application.item, application.destination)
    profile = table.profile_code(application.exporter)
    clearance, first, end = table.clearance_span(route, application.on.toordinal(), profile)
    decision = clearance.outcome
    assert first <= application.on.toordinal() < end
    found = decide(regime, application)
    assert decision == found.licence
    assert clearance.needs_application == found.needs_review
    assert clearance.prohibited == (decision == "prohibited")
    assert clearance.restricted == (found.needs_review or decision == "prohibited")
    assert (clearance.kind is None) == (decision in ("none", "prohibited"))
    last = min(end - 1, dt.date.max.toordinal())
    for day in (first, last):
        on = dt.date.fromordinal(day)
        assert decide(regime, attrs.evolve(application, on=on)).licence == decision
