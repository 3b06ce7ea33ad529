"""The compiled decision table agrees with the reference engine, one by one and in batches.

On the bundled regimes and on generated ones with up to 20 licence kinds and 10 exporter
attributes, too many for a table of every exporter profile.
"""

from __future__ import annotations

import datetime as dt
import random

import attrs
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.errors import RuleError, UnknownNameError
from simulator.regimes.loading import load_regime
from simulator.rules.compiled import GAP_CODE, DecisionTable, compile_regime
from simulator.rules.engine import decide
from simulator.rules.validate import regime_problems
from simulator.rules.values import Application, Regime
from simulator.testing import applications
from simulator.testing.regimes import generated_regime, generated_regimes

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


@settings(max_examples=60)
@given(regime=generated_regimes(), data=st.data())
def test_generated_regimes_compile_to_the_engine(regime: Regime, data: st.DataObject) -> None:
    """Under regimes of up to 20 kinds and 10 attributes, single and batch decisions equal the engine's."""
    assert regime_problems(regime) == []
    table = compile_regime(regime)
    batch = data.draw(st.lists(applications(regime), min_size=1, max_size=20))
    expected = [_engine_outcome(regime, a) for a in batch]
    assert [_compiled_outcome(table, a) for a in batch] == expected
    codes = table.decide_many(
        np.array([table.item_code(a.item) for a in batch]),
        np.array([table.destination_code(a.destination) for a in batch]),
        np.array([a.on.toordinal() for a in batch]),
        np.array([table.profile_code(a.exporter) for a in batch]),
    )
    assert [table.outcomes[c] if c != GAP_CODE else "gap" for c in codes] == expected


def _engine_outcome(regime: Regime, application: Application) -> str:
    try:
        return decide(regime, application).licence
    except RuleError:
        return "gap"


def _compiled_outcome(table: DecisionTable, application: Application) -> str:
    try:
        return table.licence(application.item, application.destination, application.on, application.exporter)
    except RuleError:
        return "gap"


def test_generated_regime_of_twenty_kinds_has_every_attribute_in_use() -> None:
    """The benchmark's regime: 20 kinds and 10 attributes, each attribute tested by some rule."""
    regime = generated_regime(random.Random(2019).randint, kinds=20, attributes=10)
    used = {a for k in regime.licences for a in k.requires}
    assert regime.catch_all is not None
    assert (len(regime.licences), len(regime.attributes)) == (20, 10)
    assert used | {regime.catch_all.trigger} == {a.id for a in regime.attributes}
    assert regime_problems(regime) == []
