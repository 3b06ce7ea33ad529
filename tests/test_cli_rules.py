"""The rules-engine CLI: ``exportsim check`` and ``exportsim regime timeline|show|check``.

Expected decisions are hand-checked against regimes/japan.toml (domain facts), not computed
by the engine; error cases pin exit code 2, a message on stderr and no traceback.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from click.testing import CliRunner, Result

from simulator.cli import main
from simulator.regimes.loading import bundled_text

KEYS = {"item", "destination", "on", "licence", "standard_processing_days", "validity_days"}
KEYS |= {"explanation", "regime"}
LICENCES = {"none", "general-bulk", "special-general-bulk", "specific-bulk", "individual"}
LICENCES |= {"prohibited"}
IND = "individual"
NO_CONT, NO_ICP = ("--lacks", "continuing"), ("--lacks", "icp")
CONCERN = ("--has", "end-use-concern")

STAYS_IN_A = """\
[regime]
id = "korea-stays-in-a"
base = "japan"
remove_measures = ["2019-08-28-korea-to-group-b"]
"""

GAPPY = """\
[regime]
id = "gappy"
base = "japan"

[[rules]]
id = "no-individual"
action = "withdraw"
licences = ["individual"]
items = ["arms"]
destinations = ["*"]
text = "Arms may not go under an individual licence."
citation = "Hypothetical rule for testing"
"""


def run(*args: str) -> Result:
    """Invoke the CLI in-process with ``args``."""
    return CliRunner().invoke(main, list(args))


def write(tmp_path: Path, name: str, text: str) -> str:
    """Write a regime file (``{path}`` in ``text`` becomes its own path); return the path."""
    path = tmp_path / name
    path.write_text(text.replace("{path}", str(path)), encoding="utf-8")
    return str(path)


def decide(item: str, to: str, on: str, *flags: str) -> dict[str, Any]:
    """Run ``check --format json`` and return the parsed decision."""
    result = run("check", "--item", item, "--to", to, "--on", on, "--format", "json", *flags)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def timeline(item: str, to: str, *flags: str) -> list[dict[str, Any]]:
    """Run ``regime timeline --format json`` and return the parsed intervals."""
    result = run("regime", "timeline", "--item", item, "--to", to, "--format", "json", *flags)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


# ---------------------------------------------------------------- check


@pytest.mark.parametrize(
    ("shipment", "flags", "expected"),
    [
        (("hydrogen-fluoride", "KR", "2019-07-03"), (), ("general-bulk", None, 1095)),
        (("hydrogen-fluoride", "KR", "2019-07-04"), (), (IND, 90, 183)),
        (("photoresist", "KR", "2019-12-19"), (), (IND, 90, 183)),
        (("photoresist", "KR", "2019-12-20"), (), ("specific-bulk", None, 1095)),
        (("photoresist", "KR", "2019-12-20"), NO_CONT, (IND, 90, 183)),
        (("unlisted", "KR", "2019-09-01"), CONCERN, (IND, 90, 183)),
        (("unlisted", "KR", "2019-09-01"), (), ("none", None, None)),
        (("unlisted", "KR", "2019-07-01"), CONCERN, ("none", None, None)),
        (("machine-tools", "KR", "2020-01-10"), (), ("special-general-bulk", None, 1095)),
        (("machine-tools", "KR", "2020-01-10"), NO_ICP, ("specific-bulk", None, 1095)),
        (("machine-tools", "KR", "2020-01-10"), (*NO_ICP, *NO_CONT), (IND, 90, 183)),
        (("arms", "KP", "2009-06-15"), (), (IND, 90, 183)),
        (("arms", "KP", "2019-01-01"), (), ("prohibited", None, None)),
        (("unlisted", "KP", "2019-01-01"), (), ("prohibited", None, None)),
        (("food-or-wood", "KP", "2019-01-01"), (), ("prohibited", None, None)),
        (("hydrogen-fluoride", "KP", "2019-01-01"), NO_ICP, ("prohibited", None, None)),
    ],
)
def test_check_decisions(
    shipment: tuple[str, ...], flags: tuple[str, ...], expected: tuple[Any, ...]
) -> None:
    """Each hand-checked shipment gets its licence, standard processing period and validity."""
    decision = decide(*shipment, *flags)
    got = (decision["licence"], decision["standard_processing_days"], decision["validity_days"])
    assert got == expected


def test_check_json_schema() -> None:
    """The JSON decision has exactly the documented keys and echoes the request (code upper-cased)."""
    decision = decide("hydrogen-fluoride", "kr", "2019-07-04")
    assert set(decision) == KEYS
    echoed = (decision["item"], decision["destination"], decision["on"], decision["regime"])
    assert echoed == ("hydrogen-fluoride", "KR", "2019-07-04", "japan")
    assert decision["licence"] in LICENCES
    assert all(set(entry) == {"rule", "text", "citation"} for entry in decision["explanation"])


def test_check_explanation_names_the_measure_rule() -> None:
    """HF to Korea on 4 Jul 2019 (not the day before) is explained by the bulk-withdrawal rule."""
    after = [e["rule"] for e in decide("hydrogen-fluoride", "KR", "2019-07-04")["explanation"]]
    before = [e["rule"] for e in decide("hydrogen-fluoride", "KR", "2019-07-03")["explanation"]]
    assert "three-items-korea-no-bulk" in after
    assert "three-items-korea-no-bulk" not in before


@pytest.mark.parametrize(
    ("shipment", "flags"),
    [
        (("hydrogen-fluoride", "KR", "2019-07-04"), ()),
        (("photoresist", "KR", "2019-12-20"), ()),
        (("unlisted", "KR", "2019-09-01"), CONCERN),
        (("unlisted", "KR", "2019-09-01"), ()),
        (("arms", "KP", "2019-01-01"), ()),
    ],
)
def test_check_explanation_is_cited(shipment: tuple[str, ...], flags: tuple[str, ...]) -> None:
    """Every explanation entry has a rule id, a text and a non-empty citation."""
    explanation = decide(*shipment, *flags)["explanation"]
    assert explanation
    for entry in explanation:
        assert entry["rule"].strip(), entry
        assert entry["text"].strip(), entry
        assert entry["citation"].strip(), entry


def test_check_defaults_are_an_established_exporter() -> None:
    """Without options the exporter holds japan.toml's defaults: ICP, continuing relationship, no concern."""
    shipment = ("machine-tools", "KR", "2020-01-10")
    assert decide(*shipment) == decide(*shipment, "--has", "icp", "--has", "continuing")
    assert decide(*shipment) == decide(*shipment, "--lacks", "end-use-concern")
    assert decide("unlisted", "KR", "2019-09-01")["licence"] == "none"


def test_lacks_wins_over_has() -> None:
    """An attribute named by both --has and --lacks is not held."""
    shipment = ("photoresist", "KR", "2019-12-20")
    assert decide(*shipment, "--has", "continuing", *NO_CONT)["licence"] == IND


def test_regime_show_lists_attributes() -> None:
    """The regime summary lists each exporter attribute with its default, and the catch-all's trigger."""
    result = run("regime", "show", "japan")
    assert "icp: held" in result.stdout
    assert "end-use-concern: not held; triggers the catch-all" in result.stdout
    assert "exporter attributes: none" in run("regime", "show", "korea").stdout


def test_check_text_output() -> None:
    """The text decision shows the licence, review and validity periods and the cited rules."""
    result = run("check", "--item", "hydrogen-fluoride", "--to", "KR", "--on", "2019-07-04")
    assert result.exit_code == 0, result.output
    for expected in ("licence: individual", "90 days", "183 days", "three-items-korea-no-bulk"):
        assert expected in result.stdout
    assert "METI circular of 1 Jul 2019" in result.stdout


# ---------------------------------------------------------------- regime timeline


def test_timeline_photoresist_to_korea() -> None:
    """Resist to Korea: general-bulk, individual, specific-bulk, special-general-bulk, general-bulk."""
    intervals = timeline("photoresist", "KR")
    assert [(i["from"], i["licence"]) for i in intervals] == [
        ("2004-01-01", "general-bulk"),
        ("2019-07-04", "individual"),
        ("2019-12-20", "specific-bulk"),
        ("2023-03-23", "special-general-bulk"),
        ("2023-07-21", "general-bulk"),
    ]
    assert intervals[-1]["measure"] == "2023-07-21-korea-to-group-a"
    assert intervals[1]["measure"] == "2019-07-04-three-items-individual"
    assert intervals[0]["until"] == "2019-07-03"


@pytest.mark.parametrize(
    ("item", "to", "flags"),
    [
        ("photoresist", "KR", ()),
        ("photoresist", "KR", NO_CONT),
        ("hydrogen-fluoride", "KR", ()),
        ("unlisted", "KR", CONCERN),
        ("machine-tools", "KR", NO_ICP),
        ("arms", "KP", ()),
        ("computers", "US", ()),
    ],
)
def test_timeline_is_contiguous(item: str, to: str, flags: tuple[str, ...]) -> None:
    """Intervals start with the regime, follow day by day, differ from neighbours and end open."""
    intervals = timeline(item, to, *flags)
    assert intervals[0]["from"] == "2004-01-01"
    assert intervals[-1]["until"] is None
    for interval in intervals:
        assert set(interval) == {"from", "until", "licence", "measure"}
        assert interval["licence"] in LICENCES
    for before, after in itertools.pairwise(intervals):
        assert before["until"] is not None
        next_day = dt.date.fromisoformat(before["until"]) + dt.timedelta(days=1)
        assert dt.date.fromisoformat(after["from"]) == next_day
        assert before["licence"] != after["licence"]


@pytest.mark.parametrize(("item", "to"), [("photoresist", "KR"), ("unlisted", "KR"), ("arms", "KP")])
def test_timeline_agrees_with_check(item: str, to: str) -> None:
    """``check`` decides the first and last day of every interval as the interval's licence."""
    intervals = timeline(item, to, *CONCERN)
    assert intervals
    for interval in intervals:
        for day in (interval["from"], interval["until"] or "2030-01-01"):
            assert decide(item, to, day, *CONCERN)["licence"] == interval["licence"], day


def test_timeline_text_output() -> None:
    """The text timeline lists each interval with its measure and marks the last as open."""
    result = run("regime", "timeline", "--item", "photoresist", "--to", "KR")
    assert result.exit_code == 0, result.output
    for expected in ("(open)", "(regime start)", "2019-12-20-resist-specific-bulk"):
        assert expected in result.stdout


# ---------------------------------------------------------------- regime show / check


def test_regime_show_text() -> None:
    """The japan summary lists groups, items, licence kinds and dated measures."""
    result = run("regime", "show", "japan")
    assert result.exit_code == 0, result.output
    for expected in ("japan:", "groups:", "hydrogen-fluoride", IND, "2019-08-28-korea-to-group-b"):
        assert expected in result.stdout


def test_regime_show_toml_round_trips(tmp_path: Path) -> None:
    """A derived regime shown as TOML is whole (no base) and decides like the derived regime."""
    derived = write(tmp_path, "stays.toml", STAYS_IN_A)
    shown = run("regime", "show", derived, "--format", "toml")
    assert shown.exit_code == 0, shown.output
    header = tomllib.loads(shown.stdout)["regime"]
    assert header["id"] == "korea-stays-in-a"
    assert "base" not in header
    whole = write(tmp_path, "whole.toml", shown.stdout)
    shipment = ("machine-tools", "KR", "2020-01-10")
    assert decide(*shipment, "--regime", whole) == decide(*shipment, "--regime", derived)
    assert "derived from: japan" in run("regime", "show", derived).stdout


def test_regime_check_japan_ok() -> None:
    """The bundled regime has no gaps or overlaps and passes every shipped property."""
    plain = run("regime", "check", "japan")
    assert plain.exit_code == 0, plain.output
    assert "ok" in plain.stdout
    checked = run("regime", "check", "--properties", "--examples", "30")
    assert checked.exit_code == 0, checked.output
    assert "property individual-route: ok" in checked.stdout
    assert "FAILED" not in checked.stdout


def test_regime_check_finds_gap(tmp_path: Path) -> None:
    """Withdrawing the individual licence for arms is reported as gaps naming arms, exit code 1."""
    result = run("regime", "check", write(tmp_path, "gappy.toml", GAPPY))
    assert result.exit_code == 1, result.output
    assert "gap" in result.stdout
    assert "arms" in result.stdout
    assert "Traceback" not in result.output


def test_regime_check_properties_fail(tmp_path: Path) -> None:
    """With --properties the individual-route property fails on the gappy regime (exit code 1)."""
    path = write(tmp_path, "gappy.toml", GAPPY)
    result = run("regime", "check", "--properties", path, "--examples", "30")
    assert result.exit_code == 1, result.output
    assert "property individual-route: FAILED" in result.stdout


def test_python_m_simulator_help() -> None:
    """``python -m simulator --help`` runs the CLI and lists its commands."""
    command = [sys.executable, "-m", "simulator", "--help"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert "check" in done.stdout
    assert "regime" in done.stdout


# ---------------------------------------------------------------- derived regimes


def test_derived_regime_korea_stays_in_group_a(tmp_path: Path) -> None:
    """Removing Korea's move to Group B gives machine tools the general bulk licence in 2020."""
    path = write(tmp_path, "stays.toml", STAYS_IN_A)
    derived = decide("machine-tools", "KR", "2020-01-10", "--regime", path)
    assert (derived["licence"], derived["regime"]) == ("general-bulk", "korea-stays-in-a")
    assert decide("machine-tools", "KR", "2020-01-10")["licence"] == "special-general-bulk"


def test_derived_regime_thirty_day_processing(tmp_path: Path) -> None:
    """A replacement individual licence kind with a 30-day period is used; japan keeps 90."""
    japan = tomllib.loads(bundled_text("japan.toml"))
    individual = next(kind for kind in japan["licences"] if kind["id"] == IND)
    thirty = {**individual, "standard_processing_days": 30}
    changes = {"regime": {"id": "thirty-days", "base": "japan"}, "licences": [thirty]}
    path = write(tmp_path, "thirty.toml", tomli_w.dumps(changes))
    decision = decide("hydrogen-fluoride", "KR", "2019-07-04", "--regime", path)
    got = (decision["licence"], decision["standard_processing_days"], decision["validity_days"])
    assert got == (IND, 30, 183)
    assert decide("hydrogen-fluoride", "KR", "2019-07-04")["standard_processing_days"] == 90


# ---------------------------------------------------------------- errors

KR_NOW = ("check", "--to", "KR", "--on", "2019-07-04")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((*KR_NOW, "--item", "hydrogen-flouride"), ("did you mean", "hydrogen-fluoride")),
        (("check", "--item", "arms", "--to", "KOR", "--on", "2019-07-04"), ("did you mean", "KR")),
        (("check", "--item", "arms", "--to", "KR", "--on", "2019-13-01"), ("2019-13-01",)),
        (("check", "--item", "arms", "--to", "KR", "--on", "2003-01-01"), ("2003-01-01",)),
        ((*KR_NOW, "--item", "arms", "--regime", "atlantis"), ("atlantis",)),
        (("regime", "timeline", "--item", "photoressist", "--to", "KR"), ("photoresist",)),
        (("regime", "timeline", "--item", "arms", "--to", "KOR"), ("did you mean", "KR")),
        (("regime", "show", "atlantis"), ("atlantis",)),
        (("regime", "check", "atlantis"), ("atlantis",)),
        (("regime", "check", "--examples", "0"), ("--examples",)),
        ((*KR_NOW, "--item", "arms", "--has", "icq"), ("--has", "'icq'", "icp, continuing, end-use-concern")),
        ((*KR_NOW, "--item", "arms", "--lacks", "ICP"), ("--lacks", "'ICP'", "regime japan")),
        (
            (*KR_NOW, "--item", "hydrogen-fluoride", "--regime", "korea", "--has", "icp"),
            ("--has", "declares none"),
        ),
        (("regime", "timeline", "--item", "arms", "--to", "KR", "--lacks", "x"), ("--lacks", "'x'")),
        ((*KR_NOW, "--item", "arms", "--no-icp"), ("--no-icp", "--lacks icp")),
        ((*KR_NOW, "--item", "arms", "--end-use-concern"), ("--has end-use-concern",)),
    ],
)
def test_user_errors(args: tuple[str, ...], expected: tuple[str, ...]) -> None:
    """Bad input exits 2 with a plain message on stderr naming the problem, and no traceback."""
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    assert result.stdout == ""
    for text in expected:
        assert text in result.stderr, result.stderr


BAD_FILES = {
    "syntax": ('[regime\nid = "broken"\n', ("not valid TOML",)),
    "no-header": ('[[groups]]\nid = "A"\n', ("[regime]",)),
    "unknown-base": ('[regime]\nid = "x"\nbase = "atlantis"\n', ("regime.base", "atlantis")),
    "own-base": ('[regime]\nid = "x"\nbase = "{path}"\n', ("regime.base", "cycle")),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
@pytest.mark.parametrize("command", ["check", "show"])
def test_bad_regime_files(tmp_path: Path, case: str, command: str) -> None:
    """A malformed regime file exits 2 with a stderr message naming the file and the problem."""
    text, expected = BAD_FILES[case]
    path = write(tmp_path, f"{case}.toml", text)
    args = ["regime", "show", path] if command == "show" else [*KR_NOW, "--item", "arms"]
    result = run(*args, *(["--regime", path] if command == "check" else []))
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert result.stdout == ""
    assert f"{case}.toml" in result.stderr
    for text in expected:
        assert text in result.stderr, result.stderr


def test_missing_regime_file(tmp_path: Path) -> None:
    """A regime path that does not exist exits 2 with a stderr message naming the path."""
    result = run(*KR_NOW, "--item", "arms", "--regime", str(tmp_path / "missing.toml"))
    assert result.exit_code == 2, result.output
    assert "missing.toml" in result.stderr
    assert "Traceback" not in result.output


MANY_PROBLEMS = """\
[regime]
id = "many-problems"
base = "japan"
colour = "blue"

[[measures]]
id = "2025-01-01-something"
title = "Something, one day"
effective = "soon"
citation = "none"
source = "none"

[[rules]]
id = "platinum-for-all"
action = "grant"
licences = ["platinum"]
items = ["arms"]
destinations = ["*"]
text = "A licence kind nobody defined."
citation = "none"
"""


def test_every_file_problem_reported_at_once(tmp_path: Path) -> None:
    """A wrong type, unknown key and unknown licence are reported together, each located."""
    result = run("regime", "show", write(tmp_path, "many.toml", MANY_PROBLEMS))
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    for expected in ("measures[0].effective", "soon", "colour", "platinum"):
        assert expected in result.stderr, result.stderr
    located = re.compile(r"^\S*many\.toml: [A-Za-z_][\w.\[\]-]*: \S")
    lines = [line.removeprefix("Error: ") for line in result.stderr.strip().splitlines()]
    assert len(lines) == 3  # the three problems, one a line
    for line in lines:
        assert located.match(line), f"no file and field path in {line!r}"
