"""Dated control lists and suspension, against tests/regimes/listed-later.toml and hand-counted dates.

The oracle is the regime file's comments: terbium listed from 4 Apr 2025 but not in June 2025,
holmium's listing due 8 Nov 2025 suspended from 7 Nov 2025 to 10 Nov 2026, the magnet
delisted for the first quarter of 2026.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path

import attrs
import pytest
from helpers import failed, run

from simulator.errors import InputError
from simulator.regimes.loading import dump_regime, load_regime, parse_regime, parse_toml
from simulator.rules.check import check_regime
from simulator.rules.compiled import DecisionTable
from simulator.rules.derive import RegimeChanges, derive
from simulator.rules.engine import boundaries, decide, in_force, timeline
from simulator.rules.validate import regime_problems
from simulator.rules.values import Application, ExporterProfile, Regime
from simulator.testing.regimes import generated_regime

FILE = Path(__file__).parent / "regimes" / "listed-later.toml"
TEXT = FILE.read_text(encoding="utf-8")
D = dt.date.fromisoformat

EXPECTED = [
    ("terbium", "2025-01-01", "none"),
    ("terbium", "2025-04-03", "none"),
    ("terbium", "2025-04-04", "individual"),
    ("terbium", "2025-05-31", "individual"),
    ("terbium", "2025-06-01", "none"),
    ("terbium", "2025-06-30", "none"),
    ("terbium", "2025-07-01", "individual"),
    ("terbium", "2025-12-01", "individual"),
    ("terbium", "2025-12-02", "general"),
    ("holmium", "2025-11-06", "none"),
    ("holmium", "2025-11-07", "none"),
    ("holmium", "2025-11-08", "none"),
    ("holmium", "2026-11-10", "none"),
    ("holmium", "2026-11-11", "individual"),
    ("magnet", "2025-01-01", "individual"),
    ("magnet", "2025-12-31", "individual"),
    ("magnet", "2026-01-01", "none"),
    ("magnet", "2026-03-31", "none"),
    ("magnet", "2026-04-01", "individual"),
]
"""Each item on both sides of every date of the regime, decided by hand."""


@pytest.fixture(scope="module")
def regime() -> Regime:
    return load_regime(FILE)


@pytest.mark.parametrize(("item", "on", "licence"), EXPECTED)
def test_decisions_on_both_sides_of_every_date(regime: Regime, item: str, on: str, licence: str) -> None:
    """The engine and the compiled table give the hand-decided licence on each side of each date."""
    application = Application(item, "US", D(on))
    assert decide(regime, application).licence == licence
    assert DecisionTable(regime).licence(item, "US", D(on), ExporterProfile()) == licence


def test_boundaries_hold_every_listing_and_suspension_date(regime: Regime) -> None:
    """Each listing, suspension start and suspension end is a boundary, named by its measure."""
    points = dict(boundaries(regime))
    expected = {
        "2025-04-04": "m18",
        "2025-06-01": "m-pause",
        "2025-07-01": "m-pause",
        "2025-11-07": "m70",
        "2025-11-08": "m57",
        "2025-12-02": "m-general",
        "2026-01-01": "m-relief",
        "2026-04-01": "m-relief",
        "2026-11-11": "m70",
    }
    assert {d.isoformat(): m for d, m in points.items() if m} == expected


def test_suspended_measures_are_not_in_force(regime: Regime) -> None:
    """A suspended measure is out of force from its suspender's first day through its last."""
    ids = lambda day: {m.id for m in in_force(regime, D(day))}  # noqa: E731
    assert "m18" in ids("2025-05-31")
    assert "m18" not in ids("2025-06-01") | ids("2025-06-30")
    assert "m18" in ids("2025-07-01")
    assert "m57" not in ids("2025-11-08") | ids("2026-11-10")
    assert "m57" in ids("2026-11-11")


def test_explanation_says_when_and_by_which_measure(regime: Regime) -> None:
    """After a suspension ends, the listing is dated from the day it holds again, with its citation."""
    decision = decide(regime, Application("terbium", "US", D("2025-07-15")))
    reason = next(r for r in decision.explanation if r.rule == "m18-terbium")
    assert reason.text.startswith("terbium is listed from 2025-07-01 by m18.")
    assert reason.citation == "Test: Announcement 18, item 2"
    first = decide(regime, Application("terbium", "US", D("2025-04-04"))).explanation
    assert any(r.text.startswith("terbium is listed from 2025-04-04 by m18.") for r in first)


def test_before_its_listing_an_item_is_simply_not_listed(regime: Regime) -> None:
    """Before the listing measure the explanation neither lists the item nor cites the measure."""
    decision = decide(regime, Application("terbium", "US", D("2025-04-03")))
    assert decision.licence == "none"
    assert "outside both the control list" in decision.explanation[0].text
    assert all("m18" not in r.rule and "listed from" not in r.text for r in decision.explanation)


def test_suspension_before_effect_is_explained(regime: Regime) -> None:
    """On the eve and on the due day, holmium's explanation names the suspended and suspending measures."""
    for day in ("2025-11-07", "2025-11-08"):
        reasons = decide(regime, Application("holmium", "US", D(day))).explanation
        reason = next(r for r in reasons if r.rule == "m57")
        assert "due to take effect from 2025-11-08, is suspended by m70 from 2025-11-07" in reason.text
        assert "until 2026-11-10" in reason.text
        assert reason.citation == "Test: Announcement 70"
    later = decide(regime, Application("holmium", "US", D("2026-11-11"))).explanation
    assert any(r.text.startswith("holmium is listed from 2026-11-11 by m57.") for r in later)


def test_delisting_lapses_with_its_measure(regime: Regime) -> None:
    """While a delisting holds the explanation says so; when it ends the first-day tags return."""
    reasons = decide(regime, Application("magnet", "US", D("2026-02-01"))).explanation
    assert any(
        "magnet is removed from the control list from 2026-01-01 by m-relief" in r.text for r in reasons
    )
    assert timeline(regime, "magnet", "US", ExporterProfile())[-1].start == D("2026-04-01")


def test_tag_selectors_follow_dated_tags(regime: Regime) -> None:
    """A grant to @general-eligible reaches terbium only once a measure gives it the tag."""
    intervals = timeline(regime, "terbium", "US", ExporterProfile())
    assert [(i.start.isoformat(), i.licence, i.measure) for i in intervals] == [
        ("2025-01-01", "none", None),
        ("2025-04-04", "individual", "m18"),
        ("2025-06-01", "none", "m-pause"),
        ("2025-07-01", "individual", "m-pause"),
        ("2025-12-02", "general", "m-general"),
    ]


def test_never_suspended_derivation_lists_holmium_on_time(regime: Regime) -> None:
    """Removing the suspension (the 'never suspended' variant) lists holmium from 8 Nov 2025."""
    variant = derive(regime, RegimeChanges(id="never-suspended", base=regime.id, remove_measures=("m70",)))
    assert decide(variant, Application("holmium", "US", D("2025-11-08"))).licence == "individual"
    without_57 = derive(regime, RegimeChanges(id="no-57", base=regime.id, remove_measures=("m57",)))
    assert without_57.measure("m70").suspends == ()


def test_regime_is_complete_and_survives_dump(regime: Regime) -> None:
    """The regime has no gaps or overlaps, and dumping and reading it back gives the same regime."""
    assert check_regime(regime) == ()
    assert parse_regime(parse_toml(dump_regime(regime), "<dump>"), "<dump>") == regime


def test_cli_check_and_timeline(tmp_path: Path) -> None:
    """Check (text and JSON) and regime timeline show the dated listing and the suspension."""
    text = run("check", "--regime", FILE, "--item", "terbium", "--to", "US", "--on", "2025-04-04")
    assert text.exit_code == 0, text.output
    assert "terbium is listed from 2025-04-04 by m18" in text.output
    as_json = run(
        "check", "--regime", FILE, "--item", "holmium", "--to", "US", "--on", "2025-11-08", "--format", "json"
    )
    data = json.loads(as_json.output)
    assert data["licence"] == "none"
    assert any(r["rule"] == "m57" and "suspended by m70" in r["text"] for r in data["explanation"])
    shown = run("regime", "timeline", "--regime", FILE, "--item", "holmium", "--to", "US")
    assert "note: Measure m57" in shown.output
    assert "suspended by m70" in shown.output


def test_overlapping_list_and_delist_found(regime: Regime) -> None:
    """A delisting taking effect the day a listing does is reported as an overlap."""
    relief = regime.measure("m-relief")
    clash = attrs.evolve(
        relief,
        effective=D("2025-04-04"),
        until=None,
        rules=(attrs.evolve(relief.rules[0], items=("terbium",)),),
    )
    clashing = attrs.evolve(regime, measures=(*regime.measures[:-1], clash))
    findings = check_regime(clashing)
    assert [f.kind for f in findings] == ["overlap"]
    assert findings[0].item == "terbium"


# ---------------------------------------------------------------- bad input

BAD = [
    ('suspends = ["m18"]', 'suspends = ["m19"]', "measures[1].suspends", "expected ids of measures"),
    ('suspends = ["m18"]', 'suspends = ["m-pause"]', "measures[1].suspends", "cannot suspend itself"),
    (
        'items = ["terbium"]\n  tags = ["listed"]',
        'items = ["@listed"]\n  tags = ["listed"]',
        "measures[0].rules[0].items",
        "names items by id",
    ),
    ('items = ["holmium"]', 'items = ["hollmium"]', "measures[2].rules[0].items", "'hollmium'"),
    ('  tags = ["general-eligible"]\n', "", "measures[4].rules[0].tags", "at least one tag"),
    (
        'items = ["magnet"]\n  tags = ["listed"]',
        'items = ["magnet"]\n  tags = ["rare"]',
        "measures[5].rules[0].tags",
        "a tag magnet can carry",
    ),
    (
        '  action = "list"\n  items = ["holmium"]',
        '  action = "list"\n  destinations = ["US"]\n  items = ["holmium"]',
        "measures[2].rules[0].destinations",
        "names no destinations",
    ),
    (
        'action = "grant"\nlicences = ["individual"]',
        'action = "grant"\ntags = ["listed"]\nlicences = ["individual"]',
        "rules[0].tags",
        "only list and delist rules",
    ),
]


@pytest.mark.parametrize(("old", "new", "field", "expected"), [b for b in BAD if b[2]])
def test_bad_listing_input_names_file_field_and_expectation(
    tmp_path: Path, old: str, new: str, field: str, expected: str
) -> None:
    """Each mistake in listing or suspension is reported at its field with what was expected."""
    assert old in TEXT
    path = tmp_path / "bad.toml"
    path.write_text(TEXT.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_regime(path)
    problems = {p.field: p.expected for p in caught.value.problems}
    assert field in problems, problems
    assert expected in problems[field], problems
    assert str(path) in str(caught.value)


def test_cycle_of_suspensions_refused(tmp_path: Path) -> None:
    """Two measures suspending each other are refused at each one's suspends field."""
    path = tmp_path / "cycle.toml"
    text = TEXT.replace('suspends = ["m57"]', 'suspends = ["m57", "m-pause"]').replace(
        'suspends = ["m18"]', 'suspends = ["m18", "m70"]'
    )
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_regime(path)
    fields = [p.field for p in caught.value.problems if "cycle" in p.expected]
    assert fields == ["measures[1].suspends", "measures[3].suspends"]


def test_listing_in_base_rules_refused(tmp_path: Path) -> None:
    """A list rule among the base rules is refused: listings are dated, first-day tags go in [[items]]."""
    path = tmp_path / "base.toml"
    rule = (
        '[[rules]]\nid = "base-list"\naction = "list"\nitems = ["holmium"]\ntags = ["listed"]\n'
        'text = "x"\ncitation = "x"\n\n'
    )
    path.write_text(TEXT.replace("[[measures]]", rule + "[[measures]]", 1), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_regime(path)
    assert any(
        p.field == "rules[2].action" and "belongs in a measure" in p.expected for p in caught.value.problems
    )


def test_cli_bad_suspension_exits_2(tmp_path: Path) -> None:
    """Exportsim check on a regime suspending an unknown measure exits 2 naming file and field."""
    path = tmp_path / "bad.toml"
    path.write_text(TEXT.replace('suspends = ["m57"]', 'suspends = ["m58"]'), encoding="utf-8")
    result = run("check", "--regime", path, "--item", "holmium", "--to", "US", "--on", "2025-11-08")
    failed(result, str(path), "measures[3].suspends", "'m58'")


def test_shipped_properties_pass_on_dated_listings(regime: Regime) -> None:
    """Every shipped property, the dated-listing one included, holds on the test regime."""
    from simulator.testing import run_properties  # noqa: PLC0415 - Hypothesis only here

    failures = [r for r in run_properties(regime, max_examples=60) if not r.passed]
    assert failures == []


def test_generated_regimes_list_delist_and_suspend() -> None:
    """The generated regimes the compiled tables are held to include listings, delistings and suspensions."""
    regimes = [generated_regime(random.Random(seed).randint, 6, 3) for seed in range(30)]
    rules = [r for g in regimes for m in g.measures for r in m.rules]
    assert {"list", "delist"} <= {r.action for r in rules}
    assert any(m.suspends for g in regimes for m in g.measures)
    assert all(regime_problems(g) == [] for g in regimes)
