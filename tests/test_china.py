"""China's 2025 rare-earth regime (simulator/regimes/china.toml) as a user meets it.

The checks issue #12 names: a magnet needs no licence on 3 Apr 2025 and an individual one,
reviewed in 45 working days and explained with Announcement No. 18, from 4 Apr; holmium is
not controlled on 8 Nov 2025, its listing suspended the day before; the shipped properties
pass on the regime; and bad regime input is reported at its field, exit 2.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from helpers import failed, run

from simulator.regimes.loading import bundled_text

ROOT = Path(__file__).parents[1]


def check(*args: str) -> dict:  # type: ignore[type-arg]
    result = run("check", "--regime", "china", "--format", "json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_a_magnet_needs_no_licence_the_day_before_announcement_18() -> None:
    """On 3 Apr 2025 nothing is listed yet."""
    assert check("--item", "ndfeb-magnet", "--to", "US", "--on", "2025-04-03")["licence"] == "none"


def test_from_4_april_a_magnet_needs_an_individual_licence_of_45_working_days() -> None:
    """The text names the period on China's calendar, when it ends, and the announcement that listed it.

    Filed on Friday 4 Apr 2025 (Qingming, a holiday, as are 5 and 6 Apr) the first working day
    counted is Mon 7 Apr. The oracle of docs/sources/china-2025.md: 45 working days after 7 Apr
    (not counted) end on Thu 12 Jun; counting 7 Apr as well, the 45th is Wed 11 Jun.
    """
    result = run("check", "--regime", "china", "--item", "ndfeb-magnet", "--to", "US", "--on", "2025-04-04")
    text = " ".join(result.stdout.split())  # explanations wrap at 100 columns
    assert "licence: individual" in text
    assert "45 working days (China's calendar); filed on 2025-04-04, it ends on 2025-06-11" in text
    assert "ndfeb-magnet is listed from 2025-04-04 by 2025-04-04-announcement-18" in text


def test_holmium_is_not_controlled_on_8_november_2025() -> None:
    """Announcement No. 57 was due on 8 Nov 2025; No. 70 suspended it on 7 Nov, and the text says so."""
    data = check("--item", "holmium", "--to", "DE", "--on", "2025-11-08")
    assert data["licence"] == "none"
    texts = " ".join(json.dumps(data).split())
    assert "is suspended by 2025-11-07-announcement-70 from 2025-11-07 until 2026-11-10" in texts


def test_the_shipped_properties_pass_on_china() -> None:
    """`regime check china --properties` runs every shipped property, the clock ones included."""
    result = run("regime", "check", "china", "--properties")
    assert result.exit_code == 0, result.output
    for name in (
        "listed-exactly-while-listing-in-force",
        "working-period-ends-on-a-working-day",
        "a-holiday-never-shortens-a-period",
    ):
        assert f"property {name}: ok" in result.stdout


BAD = [
    (
        "from = 2025-04-04\nto = 2025-04-06",
        'from = "soon"\nto = 2025-04-06',
        "calendar.holidays[2].from",
        "date",
    ),
    (
        'suspends = ["2025-10-09-announcement-57"]',
        'suspends = ["2025-10-09-announcement-99"]',
        "measures[2].suspends",
        "2025-10-09-announcement-99",
    ),
    (
        'requires = ["compliance-programme"]',
        'requires = ["compliance-program"]',
        "licences[0].requires",
        "compliance-programme",
    ),
]


@pytest.mark.parametrize(("old", "new", "field", "expected"), BAD, ids=["holiday", "suspends", "requires"])
def test_bad_regime_input_is_reported_at_its_field(
    tmp_path: Path, old: str, new: str, field: str, expected: str
) -> None:
    """A holiday that is not a date, a suspension of an unknown measure, an undeclared attribute."""
    text = bundled_text("china.toml")
    assert text.count(old) == 1
    path = tmp_path / "china-bad.toml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    failed(run("regime", "check", str(path)), "china-bad.toml", field, expected)


def test_the_china_2025_replay_follows_the_law() -> None:
    """In scenarios/china-2025.toml the shipments carry the licence the law gives on their day.

    JL Mag ships under licences per batch until 1 Dec 2025 and under its general licence from
    2 Dec; the other Chinese makers need a licence for every shipment from 4 Apr 2025; nothing
    needs one before, or from outside China; and most of the defence buyer's applications are
    refused.
    """
    from simulator.model import simulate  # noqa: PLC0415 - the model only for this test
    from simulator.scenario.loading import load_scenario  # noqa: PLC0415

    scenario, law = load_scenario(ROOT / "scenarios" / "china-2025.toml")
    records = simulate(scenario, law, replication=0)
    listed, general = scenario.day(dt.date(2025, 4, 4)), scenario.day(dt.date(2025, 12, 2))
    for shipment in records.shipments:
        if shipment.origin != "CN" or shipment.time < listed:
            assert shipment.licence == "none", shipment
        elif shipment.supplier == "jl-mag" and shipment.time >= general:
            assert shipment.licence == "general", shipment
        else:
            assert shipment.licence == "individual", shipment
    assert any(s.licence == "general" for s in records.shipments)
    defence = [a for a in records.applications if a.chipmaker == "us-defence" and a.outcome != "pending"]
    assert sum(a.outcome == "denied" for a in defence) > len(defence) / 2


def test_an_all_weekend_calendar_is_refused_at_its_field(tmp_path: Path) -> None:
    """A calendar with no working weekday would never end a review (review finding)."""
    text = bundled_text("china.toml").replace(
        'weekend = ["Sat", "Sun"]', 'weekend = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]'
    )
    path = tmp_path / "no-work.toml"
    path.write_text(text, encoding="utf-8")
    failed(
        run("regime", "check", str(path)), "no-work.toml", "calendar.weekend", "at least one working weekday"
    )


def test_the_last_day_of_the_calendar_as_an_until_is_open_ended(tmp_path: Path) -> None:
    """A suspension until 9999-12-31 compiles and decides (it used to overflow a date)."""
    assert bundled_text("china.toml").count("until = 2026-11-10") == 1
    text = bundled_text("china.toml").replace("until = 2026-11-10", "until = 9999-12-31")
    path = tmp_path / "for-ever.toml"
    path.write_text(text, encoding="utf-8")
    data = json.loads(
        run(
            "check",
            "--regime",
            str(path),
            "--item",
            "holmium",
            "--to",
            "DE",
            "--on",
            "2030-01-01",
            "--format",
            "json",
        ).stdout
    )
    assert data["licence"] == "none"


def test_review_terms_of_every_authority_are_checked(tmp_path: Path) -> None:
    """An unknown item in a second authority's review terms is reported at its own path."""
    from helpers import problem_fields  # noqa: PLC0415

    text = (ROOT / "scenarios" / "korea-2019-reciprocal.toml").read_text(encoding="utf-8")
    text = text.replace(
        '[[authorities]]\ncountry = "KR"\nexaminers = 10',
        '[[authorities]]\ncountry = "KR"\nexaminers = 10\n  [[authorities.items]]\n  item = "no-such-item"',
    )
    assert problem_fields(tmp_path / "bad.toml", text) == ["authorities[0].items[0].item"]


def test_a_held_licence_until_the_last_day_of_the_calendar_runs(tmp_path: Path) -> None:
    """A general licence held until 9999-12-31 is held to the end (it used to overflow a date)."""
    text = (ROOT / "scenarios" / "china-2025.toml").read_text(encoding="utf-8")
    text = text.replace(
        "start = 2025-12-02            # [V]", "start = 2025-12-02\n  until = 9999-12-31  # [V]"
    )
    path = tmp_path / "held.toml"
    path.write_text(text, encoding="utf-8")
    result = run("run", str(path), "--replications", "1", "--format", "json")
    assert result.exit_code == 0, result.output


GAP_REGIME = """
[regime]
id = "resist-gap"
base = "japan"
title = "Japan's regime with no licence at all for resist to Korea from 1 Aug 2019 (a broken what-if)"
citation = "Test"

[[measures]]
id = "2019-08-01-no-individual-resist"
title = "Individual licences for resist to Korea withdrawn"
effective = 2019-08-01
citation = "Test"
  [[measures.rules]]
  id = "no-individual-resist"
  action = "withdraw"
  licences = ["individual"]
  items = ["photoresist"]
  destinations = ["KR"]
  text = "No individual licence for resist to Korea."
  citation = "Test"
"""


def test_validate_names_the_route_a_regime_leaves_without_authorisation(tmp_path: Path) -> None:
    """From 1 Aug 2019 resist to Korea has no route: validate names it at the source.

    Bulk licences are withdrawn on 4 Jul and individual ones on 1 Aug; validate names the item,
    supplier, destination and day, instead of the run stopping midway with a route number.
    """
    (tmp_path / "gap.toml").write_text(GAP_REGIME, encoding="utf-8")
    text = (ROOT / "tests" / "scenarios" / "one-fab.toml").read_text(encoding="utf-8")
    assert text.count('regime = "japan"') == 1
    path = tmp_path / "one-fab-gap.toml"
    path.write_text(text.replace('regime = "japan"', 'regime = "gap.toml"'), encoding="utf-8")
    failed(
        run("validate", str(path)),
        "chipmakers[0].materials[0].sources[0]",
        "regime 'resist-gap' gives none for photoresist from maker (JP) to KR on 2019-08-01",
    )
