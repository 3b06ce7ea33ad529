"""The reference engine: decisions, explanations, measure periods, timelines and derivation."""

from __future__ import annotations

import datetime as dt

import attrs
import pytest

from simulator.errors import RuleError, UnknownNameError
from simulator.rules.derive import RegimeChanges, derive
from simulator.rules.engine import boundaries, decide, group_on, in_force, timeline
from simulator.rules.exporters import exporter_of
from simulator.rules.values import Application, ExporterProfile, Interval, Measure, Regime, Rule

D = dt.date
ESTABLISHED = ExporterProfile()


def _decide(regime: Regime, item: str, to: str, on: dt.date, has: tuple[str, ...] = ()) -> str:
    return decide(regime, Application(item, to, on, exporter_of(regime, has))).licence


def test_individual_licence_carries_review_and_validity(japan: Regime) -> None:
    """An individual licence reports the 90-day standard period and 183-day validity."""
    decision = decide(japan, Application("hydrogen-fluoride", "KR", D(2019, 7, 4)))
    assert (decision.licence, decision.standard_processing_days, decision.validity_days) == (
        "individual",
        90,
        183,
    )
    assert decision.needs_review


def test_bulk_licence_needs_no_review(japan: Regime) -> None:
    """A shipment under a bulk licence has no standard processing period but a 3-year validity."""
    decision = decide(japan, Application("hydrogen-fluoride", "KR", D(2019, 7, 3)))
    assert (decision.licence, decision.standard_processing_days, decision.validity_days) == (
        "general-bulk",
        None,
        1095,
    )


def test_explanation_cites_the_measure_and_ends_with_the_outcome(japan: Regime) -> None:
    """The explanation names the 4 July 2019 rule with its citation and concludes with the licence."""
    decision = decide(japan, Application("photoresist", "KR", D(2019, 8, 1)))
    rules = [r.rule for r in decision.explanation]
    assert rules[0] == "photoresist"
    assert "three-items-korea-no-bulk" in rules
    assert rules[-1] == "individual"
    assert all(r.citation for r in decision.explanation)
    assert (
        "METI circular of 1 Jul 2019"
        in decision.explanation[rules.index("three-items-korea-no-bulk")].citation
    )


def test_explanation_says_why_a_bulk_licence_is_out_of_reach(japan: Regime) -> None:
    """An exporter without an ICP is told the special general bulk licence needs one."""
    decision = decide(
        japan,
        Application("machine-tools", "TR", D(2020, 1, 1), exporter_of(japan, lacks=("icp", "continuing"))),
    )
    assert decision.licence == "individual"
    texts = " ".join(r.text for r in decision.explanation)
    assert "no internal compliance programme" in texts
    assert "no continuing relationship" in texts


def test_prohibition_explained_by_the_ban(japan: Regime) -> None:
    """Exports to North Korea after 16 June 2009 are prohibited, citing the cabinet decision."""
    decision = decide(japan, Application("food-or-wood", "KP", D(2009, 6, 16)))
    assert decision.licence == "prohibited"
    assert decision.explanation[-1].rule == "north-korea-total-ban"
    assert decision.standard_processing_days is None


def test_catch_all_explanation(japan: Regime) -> None:
    """The catch-all reason says whether it applied and why."""
    caught = decide(
        japan, Application("unlisted", "CN", D(2020, 1, 1), exporter_of(japan, has=("end-use-concern",)))
    )
    exempt = decide(
        japan, Application("unlisted", "US", D(2020, 1, 1), exporter_of(japan, has=("end-use-concern",)))
    )
    assert caught.licence == "individual"
    assert "Applied" in next(r.text for r in caught.explanation if r.rule == "catch-all")
    assert exempt.licence == "none"
    assert "exempt" in next(r.text for r in exempt.explanation if r.rule == "catch-all")


def test_korea_group_by_date(japan: Regime) -> None:
    """Korea is in Group A to 27 Aug 2019, B to 20 Jul 2023, then A again."""
    days = [D(2019, 8, 27), D(2019, 8, 28), D(2023, 7, 20), D(2023, 7, 21)]
    assert [group_on(japan, "KR", d)[0].id for d in days] == ["A", "B", "B", "A"]


def test_unlisted_country_defaults_to_group_c(japan: Regime) -> None:
    """A country in no membership list is in the default group, C."""
    assert group_on(japan, "VN", D(2020, 1, 1))[0].id == "C"


def test_repeal_ends_a_measure_the_day_before(japan: Regime) -> None:
    """The 2019 measures are in force on 22 Mar 2023 and repealed from 23 Mar 2023."""
    ids = lambda day: {m.id for m in in_force(japan, day)}  # noqa: E731
    assert "2019-07-04-three-items-individual" in ids(D(2023, 3, 22))
    assert "2019-07-04-three-items-individual" not in ids(D(2023, 3, 23))


def test_measure_until_is_inclusive(japan: Regime) -> None:
    """A measure with ``until`` applies on that day and not the next."""
    ban = Measure(
        id="short-ban",
        title="A one-week ban",
        effective=D(2020, 1, 1),
        until=D(2020, 1, 7),
        citation="hypothetical",
        rules=(
            Rule(
                id="ban",
                action="prohibit",
                text="banned",
                citation="hypothetical",
                items=("*",),
                destinations=("CN",),
            ),
        ),
    )
    regime = attrs.evolve(japan, measures=(*japan.measures, ban))
    assert _decide(regime, "computers", "CN", D(2020, 1, 7)) == "prohibited"
    assert _decide(regime, "computers", "CN", D(2020, 1, 8)) == "specific-bulk"
    assert (D(2020, 1, 8), "short-ban") in boundaries(regime)


def test_date_before_regime_is_an_error(japan: Regime) -> None:
    """Asking about a day before the regime begins raises a RuleError naming the first day."""
    with pytest.raises(RuleError, match="2004-01-01"):
        decide(japan, Application("photoresist", "KR", D(2003, 12, 31)))


def test_unknown_item_suggests_close_matches(japan: Regime) -> None:
    """An unknown item raises with the close match."""
    with pytest.raises(UnknownNameError) as caught:
        decide(japan, Application("photo-resist", "KR", D(2020, 1, 1)))
    assert "photoresist" in caught.value.suggestions


def test_gap_raises(japan_without_arms_route: Regime) -> None:
    """A listed good with no route is an error, not a silent 'none'."""
    with pytest.raises(RuleError, match="no authorisation route"):
        decide(japan_without_arms_route, Application("arms", "US", D(2020, 1, 1)))


def test_timeline_merges_and_labels(japan: Regime) -> None:
    """Hydrogen fluoride to Korea: three intervals, each started by its measure, the last open."""
    assert timeline(japan, "hydrogen-fluoride", "KR", ESTABLISHED) == (
        Interval(D(2004, 1, 1), D(2019, 7, 3), "general-bulk", None),
        Interval(D(2019, 7, 4), D(2023, 3, 22), "individual", "2019-07-04-three-items-individual"),
        Interval(
            D(2023, 3, 23),
            D(2023, 7, 20),
            "special-general-bulk",
            "2023-03-23-three-items-special-general-bulk",
        ),
        Interval(D(2023, 7, 21), None, "general-bulk", "2023-07-21-korea-to-group-a"),
    )


def test_timeline_of_unaffected_destination_is_one_interval(japan: Regime) -> None:
    """Resist to the US never changes: one open interval from the regime's start."""
    assert timeline(japan, "photoresist", "US", ESTABLISHED) == (
        Interval(D(2004, 1, 1), None, "general-bulk", None),
    )


def test_derived_korea_stays_in_group_a(japan: Regime) -> None:
    """Removing the Group B measure keeps general bulk for other items and the catch-all exemption."""
    stays = derive(
        japan,
        RegimeChanges(id="stays", base="japan", remove_measures=("2019-08-28-korea-to-group-b",)),
    )
    assert _decide(stays, "machine-tools", "KR", D(2020, 1, 10)) == "general-bulk"
    assert _decide(stays, "unlisted", "KR", D(2020, 1, 10), has=("end-use-concern",)) == "none"
    assert _decide(stays, "hydrogen-fluoride", "KR", D(2020, 1, 10)) == "individual"
    assert _decide(japan, "machine-tools", "KR", D(2020, 1, 10)) == "special-general-bulk"


def test_derived_all_three_items_to_specific_bulk(japan: Regime) -> None:
    """Replacing the Dec 2019 measure can ease all three items, not resist alone."""
    eased = japan.measure("2019-12-20-resist-specific-bulk")
    rule = attrs.evolve(eased.rules[0], items=("hydrogen-fluoride", "fluorinated-polyimide", "photoresist"))
    all_three = derive(
        japan,
        RegimeChanges(id="all-three", base="japan", measures=(attrs.evolve(eased, rules=(rule,)),)),
    )
    assert _decide(all_three, "hydrogen-fluoride", "KR", D(2019, 12, 20)) == "specific-bulk"
    assert _decide(japan, "hydrogen-fluoride", "KR", D(2019, 12, 20)) == "individual"


def test_derived_shorter_standard_period(japan: Regime) -> None:
    """Replacing the individual licence kind changes the standard processing period."""
    faster = attrs.evolve(japan.licence("individual"), standard_processing_days=30)
    regime = derive(japan, RegimeChanges(id="fast", base="japan", licences=(faster,)))
    assert decide(regime, Application("photoresist", "KR", D(2019, 8, 1))).standard_processing_days == 30
    assert japan.licence("individual").standard_processing_days == 90


def test_removing_a_measure_drops_it_from_repeals(japan: Regime) -> None:
    """Removing a repealed measure leaves no dangling repeal behind."""
    regime = derive(
        japan,
        RegimeChanges(id="x", base="japan", remove_measures=("2019-12-20-resist-specific-bulk",)),
    )
    assert regime.measure("2023-03-23-three-items-special-general-bulk").repeals == (
        "2019-07-04-three-items-individual",
    )


def test_bulk_licences_held_limit_the_exporter(japan: Regime) -> None:
    """An exporter that holds only a specific bulk licence cannot ship under general bulk."""
    holder = ExporterProfile(bulk_licences=frozenset({"specific-bulk"}))
    assert decide(japan, Application("computers", "US", D(2020, 1, 1), holder)).licence == "specific-bulk"
    none_held = ExporterProfile(bulk_licences=frozenset())
    assert decide(japan, Application("computers", "US", D(2020, 1, 1), none_held)).licence == "individual"
