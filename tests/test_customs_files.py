"""Customs in files: the new scenario fields as loaded and checked, and the series ``run`` writes.

Bad inputs are one-fab (tests/scenarios/one-fab.toml) with one edit each; the figures written
are one-fab's hand-checked series (see tests/test_customs.py).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import matplotlib.pyplot as plt
import pytest
from helpers import failed, problem_fields, run

from simulator.rendering import plots
from simulator.scenario.loading import load_scenario
from simulator.scenario.values import TradeFlow
from simulator.studies.experiments import Accumulator

ONE_FAB_PATH = Path(__file__).parent / "scenarios" / "one-fab.toml"
ONE_FAB = ONE_FAB_PATH.read_text(encoding="utf-8")
_VALUE = "value_usd_per_t = 1000000.0"
_SHARE = _VALUE + '\ncontrolled_share = 0.6\ntrade_code = "3707.90"'
_FLOW = """
[[trade_flows]]
trade_code = "3707.90"
origin = "US"
destination = "KR"
tonnes_per_month = 5.0
monthly = { "2019-08" = 12.0 }
source = "KITA, resist imports from the US, Jan-May 2019"
"""
MONTHS = ("2019-06", "2019-07", "2019-08", "2019-09", "2019-10", "2019-11", "2019-12")


def _with_customs(*edits: tuple[str, str], flow: str = _FLOW) -> str:
    """One-fab with resist counted under 3707.90 at a share of 0.6, a US flow, and ``edits``."""
    text = ONE_FAB.replace(_VALUE, _SHARE, 1) + flow
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


def test_customs_fields_load(tmp_path: Path) -> None:
    """The share, trade code, trade flow and warm-up load as written; a material's code defaults to its id."""
    path = tmp_path / "customs.toml"
    path.write_text(_with_customs(("seed = 1", "seed = 1\nwarm_up_days = 14")), encoding="utf-8")
    scenario, _ = load_scenario(path)
    material = scenario.materials[0]
    assert (material.controlled_share, material.trade_code, scenario.warm_up_days) == (0.6, "3707.90", 14.0)
    flow = TradeFlow(
        "3707.90", "US", "KR", 5.0, {"2019-08": 12.0}, "KITA, resist imports from the US, Jan-May 2019"
    )
    assert scenario.trade_flows == (flow,)
    plain, _ = load_scenario(ONE_FAB_PATH)
    assert (plain.materials[0].controlled_share, plain.materials[0].trade_code) == (1.0, "photoresist")
    assert (plain.trade_flows, plain.warm_up_days) == ((), 0.0)


_S, _M, _T = "controlled_share = 0.6", '"2019-08" = 12.0', "tonnes_per_month = 5.0"
_CODE, _OD = 'trade_code = "3707.90"\norigin', 'origin = "US"\ndestination = "KR"'
_FIELD = "materials[0].controlled_share"
BAD = [
    ("share zero", (_S, "controlled_share = 0.0"), _FIELD),
    ("share above one", (_S, "controlled_share = 1.5"), _FIELD),
    ("share NaN", (_S, "controlled_share = nan"), _FIELD),
    ("share a string", (_S, 'controlled_share = "60%"'), _FIELD),
    ("unknown trade code", (_CODE, 'trade_code = "3707.9"\norigin'), "trade_flows[0].trade_code"),
    ("month 13", (_M, '"2019-13" = 12.0'), "trade_flows[0].monthly.2019-13"),
    ("month without zero", (_M, '"2019-8" = 12.0'), "trade_flows[0].monthly.2019-8"),
    ("month by name", (_M, "August = 12.0"), "trade_flows[0].monthly.August"),
    ("month outside the period", (_M, '"2020-08" = 12.0'), "trade_flows[0].monthly.2020-08"),
    ("negative month", (_M, '"2019-08" = -1.0'), "trade_flows[0].monthly.2019-08"),
    ("month a string", (_M, '"2019-08" = "12"'), "trade_flows[0].monthly['2019-08']"),
    ("negative baseline", (_T, "tonnes_per_month = -5.0"), "trade_flows[0].tonnes_per_month"),
    ("NaN baseline", (_T, "tonnes_per_month = nan"), "trade_flows[0].tonnes_per_month"),
    ("no baseline", (_T + "\n", ""), "trade_flows[0].tonnes_per_month"),
    ("lower-case origin", (_OD, 'origin = "us"\ndestination = "KR"'), "trade_flows[0].origin"),
    ("unknown destination", (_OD, 'origin = "US"\ndestination = "XK"'), "trade_flows[0].destination"),
    ("domestic flow", (_OD, 'origin = "KR"\ndestination = "KR"'), "trade_flows[0].destination"),
    ("unknown key", (_T, _T + "\nvalue_usd = 1.0"), "trade_flows[0]"),
    ("warm-up as long as the run", ("seed = 1", "seed = 1\nwarm_up_days = 214"), "scenario.warm_up_days"),
    ("negative warm-up", ("seed = 1", "seed = 1\nwarm_up_days = -1"), "scenario.warm_up_days"),
    ("warm-up true", ("seed = 1", "seed = 1\nwarm_up_days = true"), "scenario.warm_up_days"),
]


@pytest.mark.parametrize(("name", "edit", "field"), BAD, ids=[c[0] for c in BAD])
def test_bad_customs_input_is_reported_at_its_field(
    tmp_path: Path, name: str, edit: tuple[str, str], field: str
) -> None:
    """Each bad customs input is refused before the model runs, at its own field path and only there."""
    fields = problem_fields(tmp_path / "bad.toml", _with_customs(edit))
    assert fields == [field], (name, fields)


def test_an_empty_trade_code_is_refused(tmp_path: Path) -> None:
    """A material's trade code may not be blank (it would name no customs series)."""
    text = _with_customs(('trade_code = "3707.90"', 'trade_code = " "'), flow="")
    assert problem_fields(tmp_path / "bad.toml", text) == ["materials[0].trade_code"]


def test_a_warm_up_just_short_of_the_run_is_accepted(tmp_path: Path) -> None:
    """A warm-up of 213.5 days leaves half a day of one-fab's 214 to report, and loads."""
    path = tmp_path / "late.toml"
    path.write_text(_with_customs(("seed = 1", "seed = 1\nwarm_up_days = 213.5")), encoding="utf-8")
    assert load_scenario(path)[0].warm_up_days == 213.5


def test_flow_naming_a_dropped_materials_code_is_not_reported_again(tmp_path: Path) -> None:
    """A material left out for a problem of form takes its trade code along: no follow-on 'unknown code'."""
    text = _with_customs((_SHARE, _SHARE.replace("1000000.0", '"expensive"')))
    assert problem_fields(tmp_path / "bad.toml", text) == ["materials[0].value_usd_per_t"]


def test_validate_names_the_file_and_field(tmp_path: Path) -> None:
    """``exportsim validate`` exits 2 and names the file, the month's field path and what was expected."""
    path = tmp_path / "bad.toml"
    path.write_text(_with_customs(('"2019-08" = 12.0', '"2019-13" = 12.0')), encoding="utf-8")
    failed(run("validate", path), f"{path}: trade_flows[0].monthly.2019-13: expected a month label YYYY-MM")


# ---------------------------------------------------------------- what run writes


def test_run_json_and_csv_have_the_customs_series(tmp_path: Path) -> None:
    """``run`` gives one-fab's hand-checked customs series: means in the JSON, each replication in the CSV."""
    scenario, out = tmp_path / "customs.toml", tmp_path / "out"
    scenario.write_text(_with_customs(), encoding="utf-8")
    result = run("run", scenario, "--replications", "2", "--format", "json", "--out", out)
    assert result.exit_code == 0, result.output
    by_origin = json.loads(result.stdout)["customs"]["3707.90"]["KR"]
    expected = {"JP": [35.0, 0, 0, 0, 50.0, 0, 0], "US": [5.0, 5, 12, 5, 5, 5, 5]}
    for origin, tonnes in expected.items():
        assert [by_origin[origin][m]["mean"] for m in MONTHS] == pytest.approx(tonnes)
        assert set(by_origin[origin]["2019-07"]) == {"mean", "ci95", "interval", "p10", "p50", "p90"}
    with (out / "customs_flows.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 2 * 2 * len(MONTHS)  # replications x origins x months, zero months included
    first = [(r["origin"], r["month"], float(r["tonnes"])) for r in rows if r["replication"] == "0"]
    assert first == [
        (o, m, pytest.approx(t)) for o, ts in expected.items() for m, t in zip(MONTHS, ts, strict=True)
    ]
    assert {(r["trade_code"], r["destination"]) for r in rows} == {("3707.90", "KR")}


def test_run_text_is_unchanged_by_customs(tmp_path: Path) -> None:
    """The table output says nothing of customs: it is the same with and without trade flows."""
    scenario = tmp_path / "customs.toml"
    scenario.write_text(_with_customs(), encoding="utf-8")
    with_flows, plain = run("run", scenario), run("run", ONE_FAB_PATH)
    assert with_flows.exit_code == plain.exit_code == 0, with_flows.output
    assert with_flows.stdout == plain.stdout


def test_absent_customs_series_counts_as_zero() -> None:
    """A customs series missing from a replication counts as 0 tonnes there, as a flow does."""
    accumulator = Accumulator()
    series = ("customs", "3707.90", "KR", "JP", "2019-07")
    accumulator.add([])
    accumulator.add([(series, 9.0)])
    accumulator.add([])
    assert (accumulator.values[series].count, accumulator.values[series].mean) == (3, pytest.approx(3.0))


def test_flows_csv_leaves_out_the_warm_up(tmp_path: Path) -> None:
    """With a 130-day warm-up flows.csv has October's last 23 t (from 9 Oct), nothing earlier, 0 t after."""
    scenario, out = tmp_path / "late.toml", tmp_path / "out"
    scenario.write_text(ONE_FAB.replace("seed = 1", "seed = 1\nwarm_up_days = 130", 1), encoding="utf-8")
    result = run("run", scenario, "--out", out)
    assert result.exit_code == 0, result.output
    with (out / "flows.csv").open(newline="", encoding="utf-8") as handle:
        rows = [(r["month"], float(r["quantity_t"])) for r in csv.DictReader(handle)]
    assert rows == [("2019-10", pytest.approx(23.0)), ("2019-11", 0.0), ("2019-12", 0.0)]


def test_a_month_without_imports_is_0_in_csv_json_and_picture(tmp_path: Path) -> None:
    """One-fab imports nothing from July to September: 0 t in flows.csv, in the JSON and on the chart.

    Its resist comes 21 t in June and 30 t in October (tests/test_customs.py works them out);
    each zero month is a row, a JSON entry, and a bar of height 0 marked ``0``.
    """
    out = tmp_path / "out"
    assert run("run", ONE_FAB_PATH, "--replications", "1", "--out", out).exit_code == 0
    tonnes = [21.0, 0.0, 0.0, 0.0, 30.0, 0.0, 0.0]
    with (out / "flows.csv").open(newline="", encoding="utf-8") as handle:
        rows = [(r["month"], float(r["quantity_t"]), float(r["value_usd"])) for r in csv.DictReader(handle)]
    assert rows == [
        (m, pytest.approx(t), pytest.approx(t * 1e6)) for m, t in zip(MONTHS, tonnes, strict=True)
    ]
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    series = summary["flows"]["photoresist"]["JP"]
    assert [series[m]["mean"] for m in MONTHS] == [pytest.approx(t) for t in tonnes]
    figure = plots.flows_figure({"photoresist": {"JP": {m: s["mean"] for m, s in series.items()}}})
    ax = figure.axes[0]
    assert [label.get_text() for label in ax.get_xticklabels()] == list(MONTHS)
    assert [bar.get_height() for bar in ax.patches] == [pytest.approx(t) for t in tonnes]
    marked = [text.xy[0] for text in ax.texts if text.get_text() == "0"]
    assert marked == [1, 2, 3, 5, 6]
    plt.close(figure)
