"""The regime check: gaps and same-day contradictions are found, and Japan's regime has none."""

from __future__ import annotations

import datetime as dt

import attrs

from simulator.rules.check import check_regime
from simulator.rules.values import Measure, Regime, Rule


def _rule(rule_id: str, action: str, **kw: object) -> Rule:
    return Rule(id=rule_id, action=action, text="t", citation="c", **kw)  # type: ignore[arg-type]


def test_japan_is_complete(japan: Regime) -> None:
    """Every item, destination and exporter profile in Japan's regime has exactly one outcome."""
    assert check_regime(japan) == ()


def test_gap_found_with_rules(japan_without_arms_route: Regime) -> None:
    """Withdrawing the individual licence for arms leaves a gap reported with the rules involved."""
    findings = check_regime(japan_without_arms_route)
    assert findings
    assert {f.kind for f in findings} == {"gap"}
    assert {f.item for f in findings} == {"arms"}
    assert all("no-individual" in f.rules for f in findings)


def test_gap_only_for_affected_profile(japan: Regime) -> None:
    """A gap that only exporters without an ICP fall into is reported for them alone."""
    only_sgb = _rule(
        "only-sgb",
        "withdraw",
        items=("computers",),
        destinations=("group:B",),
        licences=("individual", "specific-bulk"),
    )
    findings = check_regime(attrs.evolve(japan, rules=(*japan.rules, only_sgb)))
    assert findings
    assert all("icp=False" in f.message for f in findings)


def test_same_day_contradiction_is_an_overlap(japan: Regime) -> None:
    """Two measures on one day that grant and withdraw the same licence for the same case overlap."""
    day = dt.date(2021, 1, 1)
    grant = Measure(
        id="m-grant",
        title="t",
        effective=day,
        citation="c",
        rules=(
            _rule(
                "g",
                "grant",
                items=("photoresist",),
                destinations=("KR",),
                licences=("general-bulk",),
            ),
        ),
    )
    take = Measure(
        id="m-take",
        title="t",
        effective=day,
        citation="c",
        rules=(
            _rule(
                "w",
                "withdraw",
                items=("@listed",),
                destinations=("group:B",),
                licences=("general-bulk",),
            ),
        ),
    )
    findings = check_regime(attrs.evolve(japan, measures=(*japan.measures, grant, take)))
    overlaps = [f for f in findings if f.kind == "overlap"]
    assert [(f.item, f.destination, f.rules) for f in overlaps] == [("photoresist", "KR", ("g", "w"))]


def test_same_day_group_conflict(japan: Regime) -> None:
    """Assigning one country to two groups on the same day is an overlap."""
    day = dt.date(2021, 1, 1)
    to_a = Measure(
        id="to-a",
        title="t",
        effective=day,
        citation="c",
        rules=(_rule("a", "assign", group="A", destinations=("CN",)),),
    )
    to_d = Measure(
        id="to-d",
        title="t",
        effective=day,
        citation="c",
        rules=(_rule("d", "assign", group="D", destinations=("CN",)),),
    )
    findings = check_regime(attrs.evolve(japan, measures=(*japan.measures, to_a, to_d)))
    assert [(f.kind, f.destination) for f in findings] == [("overlap", "CN")]


def test_later_law_is_no_overlap(japan: Regime) -> None:
    """A measure that withdraws what an earlier one granted is ordinary succession, not an overlap."""
    later = Measure(
        id="later",
        title="t",
        effective=dt.date(2020, 6, 1),
        citation="c",
        rules=(
            _rule(
                "w2",
                "withdraw",
                items=("photoresist",),
                destinations=("KR",),
                licences=("specific-bulk",),
            ),
        ),
    )
    assert check_regime(attrs.evolve(japan, measures=(*japan.measures, later))) == ()
