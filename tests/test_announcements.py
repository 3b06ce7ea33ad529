"""Announced measures: dated in the regime, read, checked, dumped, explained, and deciding nothing.

The expected dates are docs/sources/japan-2019.md's (§1.6 and §2), not the regime file's.
"""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

import attrs
import pytest
from helpers import failed, run

from simulator.errors import InputError
from simulator.regimes.loading import dump_regime, load_regime, parse_regime, parse_toml
from simulator.rules.compiled import DecisionTable
from simulator.rules.engine import announced_on, decide, timeline
from simulator.rules.exporters import every_profile
from simulator.rules.values import Application, ExporterProfile, Measure, Regime, Rule

D = dt.date
ANNOUNCED = {
    "2009-06-16-north-korea-ban": None,
    "2019-07-04-three-items-individual": D(2019, 7, 1),
    "2019-08-28-korea-to-group-b": D(2019, 8, 2),
    "2019-12-20-resist-specific-bulk": None,
    "2023-03-23-three-items-special-general-bulk": D(2023, 3, 16),
    "2023-07-21-korea-to-group-a": D(2023, 6, 27),
}
"""Each Japanese measure's announcement as docs/sources/japan-2019.md dates it (none where it gives none)."""
EXPORTERS = [ExporterProfile(held) for held, _ in every_profile(load_regime("japan"))]
CITED = {
    "2019-07-04-three-items-individual": "1 Jul 2019",
    "2019-08-28-korea-to-group-b": "2 Aug 2019",
    "2023-03-23-three-items-special-general-bulk": "16 Mar 2023",
    "2023-07-21-korea-to-group-a": "27 Jun 2023",
}
MEASURE = """
[[measures]]
id = "m-announced"
title = "An announced measure"
effective = 2021-01-01
announced = {announced}
citation = "Hypothetical, for testing"
"""


def _derived(tmp_path: Path, announced: str) -> Path:
    path = tmp_path / "derived.toml"
    header = '[regime]\nid = "announcing"\nbase = "japan"\n'
    path.write_text(header + MEASURE.format(announced=announced), encoding="utf-8")
    return path


def _problems(path: Path) -> list[str]:
    with pytest.raises(InputError) as caught:
        load_regime(path)
    assert caught.value.source == str(path)
    return [str(p) for p in caught.value.problems]


def _unannounced(regime: Regime) -> Regime:
    measures = tuple(attrs.evolve(m, announced=None) for m in regime.measures)
    return attrs.evolve(regime, measures=measures)


def test_japan_dates_the_announcements_of_its_sources(japan: Regime) -> None:
    """Japan's measures carry the announcement dates of docs/sources/japan-2019.md, each in its citation."""
    assert {m.id: m.announced for m in japan.measures} == ANNOUNCED
    for measure_id, words in CITED.items():
        assert words in japan.measure(measure_id).citation, measure_id


@pytest.mark.parametrize(
    ("announced", "expected"),
    [
        ("2021-01-02", "measures[0].announced: expected a date on or before effective (2021-01-01)"),
        ('"soon"', "measures[0].announced: expected a date (YYYY-MM-DD), got str 'soon'"),
        ("20201231", "measures[0].announced: expected a date (YYYY-MM-DD), got int 20201231"),
    ],
)
def test_a_bad_announcement_is_reported_with_file_and_field(
    tmp_path: Path, announced: str, expected: str
) -> None:
    """An announcement after the effective date, or not a date, is refused at its field in the file."""
    assert _problems(_derived(tmp_path, announced)) == [expected]


def test_a_whole_regime_file_reports_a_late_announcement(tmp_path: Path, japan: Regime) -> None:
    """In a whole regime file an announcement after the effective date is reported at that measure's path."""
    text = dump_regime(japan).replace("announced = 2019-08-02", "announced = 2019-08-29", 1)
    path = tmp_path / "late.toml"
    path.write_text(text, encoding="utf-8")
    index = [m.id for m in japan.measures].index("2019-08-28-korea-to-group-b")
    expected = f"measures[{index}].announced: expected a date on or before effective (2019-08-28)"
    assert _problems(path) == [expected]
    failed(run("regime", "check", path), str(path), expected)


def test_announcement_on_the_effective_day_is_sound(tmp_path: Path) -> None:
    """A measure announced on the day it takes effect loads."""
    regime = load_regime(_derived(tmp_path, "2021-01-01"))
    assert regime.measure("m-announced").announced == D(2021, 1, 1)


def test_dump_and_reload_keeps_announcements(tmp_path: Path, japan: Regime) -> None:
    """A regime with announcements, whole or derived, reads back from its dump equal, announcements too."""
    text = dump_regime(japan)
    assert "announced = 2019-07-01" in text
    assert parse_regime(parse_toml(text, "dump"), "dump") == japan
    derived = load_regime(_derived(tmp_path, "2020-12-01"))
    again = parse_regime(parse_toml(dump_regime(derived), "dump"), "dump")
    assert again == derived
    assert again.measure("m-announced").announced == D(2020, 12, 1)
    assert again.measure("2019-08-28-korea-to-group-b").announced == D(2019, 8, 2)


def test_announcements_change_no_decision(japan: Regime) -> None:
    """Japan decides, by both engines, exactly as it would without its announcement dates."""
    plain = _unannounced(japan)
    ours, theirs = DecisionTable(japan), DecisionTable(plain)
    assert ours.states == theirs.states
    days = sorted({m.effective + dt.timedelta(days=k) for m in japan.measures for k in (-3, -1, 0)})
    for item, to, day, exporter in itertools.product(
        [i.id for i in japan.items], ["KR", "US", "KP", "CN"], days, EXPORTERS
    ):
        application = Application(item, to, day, exporter)
        assert decide(japan, application).licence == decide(plain, application).licence
        assert ours.licence(item, to, day, exporter) == theirs.licence(item, to, day, exporter)
    assert timeline(japan, "photoresist", "KR", ExporterProfile()) == timeline(
        plain, "photoresist", "KR", ExporterProfile()
    )


def test_timeline_names_when_each_measure_was_announced(japan: Regime) -> None:
    """Each interval's starting measure has its announcement: resist's 20 Dec 2019 move has none."""
    intervals = timeline(japan, "photoresist", "KR", ExporterProfile())
    assert [(i.start, i.measure, announced_on(japan, i.measure, i.start)) for i in intervals] == [
        (D(2004, 1, 1), None, None),
        (D(2019, 7, 4), "2019-07-04-three-items-individual", D(2019, 7, 1)),
        (D(2019, 12, 20), "2019-12-20-resist-specific-bulk", None),
        (D(2023, 3, 23), "2023-03-23-three-items-special-general-bulk", D(2023, 3, 16)),
        (D(2023, 7, 21), "2023-07-21-korea-to-group-a", D(2023, 6, 27)),
    ]


def test_a_measure_ending_is_not_announced(japan: Regime) -> None:
    """The interval a measure's ``until`` ends names that measure but no announcement: its start had it."""
    ban = Measure(
        id="brief-ban",
        title="A temporary ban on resist to Korea",
        effective=D(2021, 1, 1),
        until=D(2021, 6, 30),
        announced=D(2020, 12, 1),
        citation="Hypothetical, for testing",
        rules=(
            Rule(
                id="brief-ban-rule",
                action="prohibit",
                text="No resist to Korea for half a year.",
                citation="Hypothetical",
                items=("photoresist",),
                destinations=("KR",),
            ),
        ),
    )
    regime = attrs.evolve(japan, measures=(*japan.measures, ban))
    intervals = {i.start: i for i in timeline(regime, "photoresist", "KR", ExporterProfile())}
    starts, ends = intervals[D(2021, 1, 1)], intervals[D(2021, 7, 1)]
    assert (starts.licence, starts.measure, ends.measure) == ("prohibited", "brief-ban", "brief-ban")
    assert announced_on(regime, starts.measure, starts.start) == D(2020, 12, 1)
    assert announced_on(regime, ends.measure, ends.start) is None


def test_explanation_says_when_the_measure_was_announced(japan: Regime) -> None:
    """A rule of an announced measure, and the group such a measure assigned, say when it was announced."""
    decision = decide(japan, Application("hydrogen-fluoride", "KR", D(2019, 9, 1)))
    texts = {r.rule: r.text for r in decision.explanation}
    withdrawal = (
        "Measure 2019-07-04-three-items-individual was announced on 2019-07-01 and took effect on 2019-07-04."
    )
    assert texts["three-items-korea-no-bulk"].endswith(withdrawal)
    assert texts["korea-group-b"].endswith("was announced on 2019-08-02 and took effect on 2019-08-28.")
    assert "announced" not in texts["individual-licence"]
    resist = decide(japan, Application("photoresist", "KR", D(2020, 1, 10)))
    assert "announced" not in next(
        r.text for r in resist.explanation if r.rule == "resist-korea-specific-bulk"
    )


def test_cli_shows_announcements() -> None:
    """``check``, ``regime timeline`` and ``regime show`` say when the measures they show were announced."""
    check = run("check", "--item", "hydrogen-fluoride", "--to", "KR", "--on", "2019-07-10")
    assert check.exit_code == 0, check.output
    assert "2019-07-04-three-items-individual was announced on 2019-07-01" in " ".join(check.stdout.split())
    shown = run("regime", "timeline", "--item", "hydrogen-fluoride", "--to", "KR")
    assert shown.exit_code == 0, shown.output
    assert "announced" in shown.stdout.splitlines()[1]
    assert "individual            2019-07-01  2019-07-04-three-items-individual" in shown.stdout
    assert "general-bulk                      (regime start)" in shown.stdout
    summary = run("regime", "show", "japan")
    assert "placed in Group B (announced 2019-08-02)" in " ".join(summary.stdout.split())
