"""The notebook-first API: simulator.run, compare and sweep, their results and their frames."""

from __future__ import annotations

import csv
import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import attrs
import pandas as pd
import pytest
from helpers import run as cli
from helpers import without_time

import simulator as s
from simulator.studies.results import DIFFERENCE_COLUMNS, SWEEP_COLUMNS
from simulator.studies.tables import TABLES
from simulator.studies.tidy import COLUMNS

ROOT = Path(__file__).parents[1]
ONE_FAB = ROOT / "tests" / "scenarios" / "one-fab.toml"
JAPAN = ROOT / "scenarios" / "japan-2019.toml"
STOCKOUT = ("chipmakers", "fab", "photoresist", "stockout_days")


def _row(frame: pd.DataFrame, **where: str) -> float:
    chosen = frame
    for column, value in where.items():
        chosen = chosen[chosen[column] == value]
    assert len(chosen) == 1, chosen
    return float(chosen.value.iloc[0])


def test_run_defaults_to_the_scenarios_replications_and_seed() -> None:
    """``run(path)`` needs no plan or seed: it takes the scenario file's own."""
    scenario, _ = s.load_scenario(ONE_FAB)
    result = s.run(ONE_FAB)
    assert (result.replications, result.seed) == (scenario.replications, scenario.seed)
    assert result.scenario == scenario


def test_run_frame_is_long_with_documented_columns() -> None:
    """The frame has one row per figure and statistic; one-fab's stock-out is 133 days (hand-worked)."""
    frame = s.run(ONE_FAB, replications=2).to_frame()
    assert tuple(frame.columns) == COLUMNS
    assert _row(frame, section="chipmakers", subject="fab", metric="stockout_days", statistic="mean") == 133
    approved = _row(frame, section="licensing", material="photoresist", metric="approved", statistic="mean")
    assert approved == 5
    zero = _row(
        frame, section="flows", material="photoresist", origin="JP", month="2019-08", statistic="mean"
    )
    assert zero == 0  # a month without imports is a row with 0 t, not missing
    assert set(frame.section) == {"chipmakers", "companies", "suppliers", "licensing", "flows", "customs"}


def test_estimate_reads_one_figure_and_names_a_wrong_key() -> None:
    """``estimate(*path)`` gives a figure's mean and interval; a misspelt key lists the ones there are."""
    result = s.run(ONE_FAB, replications=2)
    estimate = result.estimate(*STOCKOUT)
    assert (estimate.mean, estimate.low, estimate.high) == (133, 133, 133)
    with pytest.raises(s.UnknownNameError, match="did you mean stockout_days"):
        result.estimate("chipmakers", "fab", "photoresist", "stockout_dys")


def test_cli_json_equals_the_api_results_export() -> None:
    """``exportsim run --format json`` prints exactly ``run(...).to_dict()``, creation time aside."""
    printed = cli("run", JAPAN, "--replications", "2", "--format", "json")
    assert printed.exit_code == 0, printed.output
    exported = json.loads(s.run(JAPAN, replications=2).to_json())
    del exported["provenance"]["created"]
    assert without_time(printed.stdout) == exported


def test_records_frames_equal_the_csv_files(tmp_path: Path) -> None:
    """``records=True`` gives each ``--out`` table as a DataFrame with the CSV's columns and rows."""
    result = s.run(ONE_FAB, replications=2, records=True)
    assert result.records is not None
    assert cli("run", ONE_FAB, "--replications", "2", "--out", tmp_path / "out").exit_code == 0
    for name, columns in TABLES.items():
        frame = result.records.frame(name)
        assert tuple(frame.columns) == columns
        with (tmp_path / "out" / f"{name}.csv").open(newline="", encoding="utf-8") as handle:
            written = list(csv.reader(handle))[1:]
        assert len(frame) == len(written) > 0, name
        as_text = [["" if pd.isna(v) else str(v) for v in row] for row in frame.itertuples(index=False)]
        assert as_text == written, name


def test_records_dates_and_days_agree() -> None:
    """A shipment's ``date`` is the scenario's start plus its ``day``, rounded down."""
    result = s.run(ONE_FAB, replications=1, records=True)
    assert result.records is not None
    shipments = result.records.shipments()
    days = pd.to_datetime("2019-06-01") + pd.to_timedelta(shipments.day.astype(float).apply(int), unit="D")
    assert list(days.dt.strftime("%Y-%m-%d")) == list(shipments.date)


def test_run_takes_a_scenario_built_in_python() -> None:
    """A loaded scenario changed with attrs.evolve runs under the regime it names, like its file."""
    scenario, _ = s.load_scenario(ONE_FAB)
    same = s.run(attrs.evolve(scenario, replications=2))
    assert same.to_dict()["chipmakers"] == s.run(ONE_FAB, replications=2).to_dict()["chipmakers"]


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        ({"seed": -1}, "seed: expected a whole number from 0"),
        ({"replications": 0}, "replications: expected a whole number >= 1"),
        ({"replications": 2.5}, "replications: expected a whole number >= 1; got 2.5"),
        ({"workers": True}, "workers: expected a whole number >= 1; got True"),
        ({"executor": "threads"}, "executor: expected 'local' or 'dask'"),
        ({"scheduler": "tcp://x:1"}, "scheduler: goes with executor='dask'"),
        ({"precision": 1.5}, "precision: expected a fraction between 0 and 1"),
        ({"replicas": 3}, "replicas: is not an argument; expected one of replications"),
    ],
)
def test_bad_arguments_name_the_call_and_the_argument(arguments: dict[str, object], expected: str) -> None:
    """A wrong argument is an InputError naming ``run()`` and the keyword, before anything runs."""
    with pytest.raises(s.InputError, match="run\\(\\)") as raised:
        s.run(ONE_FAB, **arguments)  # type: ignore[arg-type]
    assert expected in str(raised.value)


def test_compare_frame_marks_differences_that_exclude_zero() -> None:
    """A comparison's frame has a summary row per variant and difference rows with ``excludes_zero``."""
    result = s.compare(JAPAN, ["no-gongju"], replications=3)
    assert result.variants == ("base", "no-gongju")
    frame = result.to_frame()
    assert tuple(frame.columns) == DIFFERENCE_COLUMNS
    differences = frame[(frame.kind == "difference") & (frame.statistic == "mean")]
    assert set(differences.variant) == {"no-gongju"}
    path = ("chipmakers", "sk-hynix", "hydrogen-fluoride-gas", "stockout_days")
    difference = result.difference("no-gongju", *path)
    row = differences[(differences.subject == path[1]) & (differences.material == path[2])]
    row = row[row.metric == path[3]]
    assert float(row.value.iloc[0]) == difference.mean
    assert bool(row.excludes_zero.iloc[0]) == difference.excludes_zero
    base, other = (result.estimate(v, *path).mean for v in result.variants)
    assert difference.mean == pytest.approx(
        other - base
    )  # paired: the mean difference is the difference of means


def test_compare_of_two_files_with_one_id_keeps_both(tmp_path: Path) -> None:
    """Two files sharing a scenario id are two variants, named by their files' stems, not one merged."""
    copy = tmp_path / "copy.toml"
    copy.write_text(ONE_FAB.read_text(encoding="utf-8"), encoding="utf-8")
    result = s.compare([ONE_FAB, copy], replications=2)
    assert result.variants == ("one-fab", "copy")
    assert result.difference("copy", *STOCKOUT).mean == 0


def test_sweep_finds_the_cover_that_is_enough() -> None:
    """One-fab runs out unless its cover target is at least 104.07 days (hand-worked), so 105 is found."""
    result = s.sweep(
        ONE_FAB,
        {"chipmakers.fab.materials.*.cover_target_days": "103:106:1"},
        find="max stockout_days == 0",
        replications=2,
    )
    assert result.answer == 105
    assert [p.holds for p in result.points] == [False, False, True, True]
    frame = result.to_frame()
    assert tuple(frame.columns) == SWEEP_COLUMNS
    assert sorted(set(frame.swept_value)) == [103, 104, 105, 106]
    assert list(result.condition_frame().holds) == [False, False, True, True]


def test_results_show_as_html_tables() -> None:
    """In Jupyter a result shows its headline figures as an HTML table."""
    html = s.run(ONE_FAB, replications=2)._repr_html_()
    assert "<table" in html
    assert "stockout_days" in html
    assert "one-fab" in html
    assert "<table" in s.compare(JAPAN, ["no-gongju"], replications=2)._repr_html_()


def test_the_issues_one_liner_works_from_the_repository_root() -> None:
    """``python -c "import simulator as s; r = s.run(...); print(r.to_frame().head())"`` prints a frame."""
    code = "import simulator as s; r = s.run('scenarios/japan-2019.toml', replications=2)"
    code += "; print(r.to_frame().head())"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert "interval" in done.stdout
    assert "chipmakers" in done.stdout


def _python_block(text: str, heading: str) -> str:
    section = text.split(heading, 1)[1]
    return section.split("```python\n", 1)[1].split("```", 1)[0]


def test_the_readmes_notebook_section_runs() -> None:
    """The README's notebook section runs as written from the repository root and prints its frames."""
    code = _python_block((ROOT / "README.md").read_text(encoding="utf-8"), "## From Python, in a notebook")
    env = {**os.environ, "MPLBACKEND": "Agg"}
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False, env=env
    )
    assert done.returncode == 0, done.stderr
    assert "Estimate(mean=" in done.stdout
    assert "hydrogen-fluoride-liquid" in done.stdout
    assert list(ROOT.glob("*.png")) == []


def test_run_of_a_variant_equals_compares_column() -> None:
    """``run(path, variant=name)`` runs that variant, as compare's column of the same name."""
    alone = s.run(JAPAN, variant="no-gongju", replications=2)
    compared = s.compare(JAPAN, ["no-gongju"], replications=2)
    path = ("chipmakers", "lg-display", "hydrogen-fluoride-liquid", "stockout_days")
    assert alone.estimate(*path) == compared.estimate("no-gongju", *path)
    assert alone.scenario.id == "japan-2019:no-gongju"


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        (
            lambda: s.run(s.load_scenario(ONE_FAB)[0], variant="x"),
            "variant: goes with a scenario file's path",
        ),
        (lambda: s.run(42), "scenario: expected a path or a Scenario; got int"),  # type: ignore[arg-type]
        (lambda: s.compare([]), "scenarios: expected at least one scenario"),
        (lambda: s.compare([ONE_FAB, ONE_FAB], ["x"]), "variants: go with a single scenario file"),
        (lambda: s.sweep(ONE_FAB, {"authority.examiners": []}), "expected at least one value"),
        (
            lambda: s.sweep(
                ONE_FAB, {"authority.examiners": [1], "seed": [1]}, find="max stockout_days == 0"
            ),
            "find: answers for one swept field",
        ),
    ],
)
def test_wrong_calls_say_what_was_expected(call: Callable[[], object], expected: str) -> None:
    """A call given the wrong kind of scenario, variants or fields says which argument and what it takes."""
    with pytest.raises(s.InputError) as raised:
        call()
    assert expected in str(raised.value)


def test_sweep_takes_lists_of_values_and_scenarios_built_in_python() -> None:
    """A sweep's field takes a list of values, and its scenario may be one loaded and changed in Python."""
    scenario, _ = s.load_scenario(ONE_FAB)
    result = s.sweep(attrs.evolve(scenario, replications=1), {"authority.examiners": [1, 2]})
    assert [p.point["authority.examiners"] for p in result.points] == [1, 2]
    assert "<p><b>2 points</b>" in result._repr_html_()


def test_compare_of_one_loaded_scenario_has_no_differences() -> None:
    """A single loaded Scenario compares as its own baseline, with no differences to show."""
    scenario, _ = s.load_scenario(ONE_FAB)
    result = s.compare(scenario, replications=2)
    assert result.variants == ("one-fab",)
    assert result.differences == {}
    assert "1 variants" in result._repr_html_()


def test_report_writes_the_page_the_cli_writes(tmp_path: Path) -> None:
    """``simulator.report(result, path)`` writes the ``--report`` page, byte for byte but the time."""
    result = s.run(ONE_FAB, replications=2, records=True)
    mine = s.report(result, tmp_path / "api.html").read_text(encoding="utf-8")
    printed = cli("run", ONE_FAB, "--replications", "2", "--report", tmp_path / "cli.html")
    assert printed.exit_code == 0, printed.output
    theirs = (tmp_path / "cli.html").read_text(encoding="utf-8")
    stamp = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00")
    assert mine.count("<svg") == 2  # the fan chart and the flows
    assert stamp.sub("", mine) == stamp.sub("", theirs)


def test_report_of_a_comparison_and_a_wrong_suffix(tmp_path: Path) -> None:
    """A comparison's report marks its differences; a path not ending in .html is refused, naming it."""
    compared = s.compare(JAPAN, ["no-gongju"], replications=2)
    page = s.report(compared, tmp_path / "c.html").read_text(encoding="utf-8")
    assert "no-gongju" in page
    with pytest.raises(s.InputError, match=r"c\.txt: expected a report file ending in \.html"):
        s.report(compared, tmp_path / "c.txt")
    assert not (tmp_path / "c.txt").exists()


def test_numpy_whole_numbers_are_whole_numbers() -> None:
    """A notebook's ``numpy.int64(2)`` is as good as 2 for replications and seed; 2.0 is not."""
    import numpy as np  # noqa: PLC0415

    result = s.run(ONE_FAB, replications=np.int64(2), seed=np.int64(3))
    assert (result.replications, result.seed) == (2, 3)
    with pytest.raises(s.InputError, match=r"replications: expected a whole number >= 1; got 2\.0"):
        s.run(ONE_FAB, replications=2.0)


def test_sweep_reports_progress_while_a_point_runs() -> None:
    """``sweep``'s progress callback runs while a point's replications run, not only between points.

    That is where the command line raises an interrupt lost in a finaliser, so a sweep on a
    local pool whose workers the same signal ended does not wait for ever.
    """
    calls: list[tuple[int, int]] = []
    s.sweep(ONE_FAB, {"authority.examiners": [1, 2]}, replications=2, on_progress=lambda *a: calls.append(a))
    assert calls[0] == (0, 2)  # the first point still running
    assert calls[-1] == (2, 2)
    assert (1, 2) in calls
