"""The command line's hard edges (issue #13): options refused at the option, honest results.

Each case pins a user error as exit 2 with a one-line message naming the option, the value
and what was expected, and no traceback.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import failed, run

from simulator.cli import study
from simulator.model import prepare, replicate
from simulator.model.metrics import PLANT_METRICS, replication_metrics
from simulator.scenario.loading import load_scenario

ROOT = Path(__file__).resolve().parents[1]
ONE_FAB = ROOT / "tests" / "scenarios" / "one-fab.toml"
COVER = "chipmakers.fab.cover_target_days"


@pytest.mark.parametrize(
    "command",
    [
        pytest.param(["run", ONE_FAB], id="run"),
        pytest.param(["compare", ONE_FAB, ONE_FAB], id="compare"),
        pytest.param(["sweep", ONE_FAB, "--set", f"{COVER}=30,40"], id="sweep"),
    ],
)
@pytest.mark.parametrize("seed", ["-1", str(2**63)])
def test_a_seed_out_of_range_is_refused_at_the_option(command: list[str | Path], seed: str) -> None:
    """``--seed`` below 0 or from 2**63 exits 2 naming the option and the range, not numpy's error."""
    failed(run(*command, "--seed", seed, "--replications", "1"), "--seed", seed, "0<=x<=")


def test_the_largest_seed_runs() -> None:
    """``--seed 2**63-1`` is accepted."""
    assert run("run", ONE_FAB, "--seed", str(2**63 - 1), "--replications", "1").exit_code == 0


@pytest.mark.parametrize("command", [["run", ONE_FAB], ["sweep", ONE_FAB, "--set", f"{COVER}=30,40"]])
def test_scheduler_without_the_dask_executor_is_refused(command: list[str | Path]) -> None:
    """``--scheduler`` with the local executor exits 2 saying it needs ``--executor dask``."""
    failed(run(*command, "--scheduler", "tcp://127.0.0.1:8786"), "--scheduler", "--executor dask")


def test_a_misspelt_find_metric_lists_the_valid_names() -> None:
    """``--find`` with an unknown metric exits 2 naming it and listing every metric it can take."""
    result = run("sweep", ONE_FAB, "--set", f"{COVER}=30,40", "--find", "max stockout_dayz == 0")
    failed(result, "--find", "'stockout_dayz'", *PLANT_METRICS)


def test_plant_metrics_are_the_metrics_of_each_chipmaker_and_material() -> None:
    """The names ``--find`` takes are exactly those a replication reports per chipmaker and material."""
    scenario, law = load_scenario(ONE_FAB)
    records = replicate(prepare(scenario, law), 0, 1)
    plants = replication_metrics(records, scenario)["chipmakers"]
    assert tuple(plants["fab"]["photoresist"]) == PLANT_METRICS


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        pytest.param("2019-02-30", "2019-02-30 is not a valid calendar date", id="february-30"),
        pytest.param("2019-13-01", "2019-13-01 is not a valid calendar date", id="month-13"),
        pytest.param("1 July 2019", "'1 July 2019' is not a date written YYYY-MM-DD", id="form"),
    ],
)
def test_an_impossible_check_date_is_called_so(on: str, expected: str) -> None:
    """``check --on`` says a well-formed but impossible day is not a calendar date, naming the option."""
    result = run("check", "--item", "photoresist", "--to", "KR", "--on", on)
    failed(result, "--on", expected)
    assert "%Y" not in result.stderr


def test_a_calendar_date_is_checked() -> None:
    """``check --on 2019-02-28`` decides as before."""
    assert run("check", "--item", "photoresist", "--to", "KR", "--on", "2019-02-28").exit_code == 0


# ---------------------------------------------------------------- --out, published whole


def no_chipmakers(tmp_path: Path) -> Path:
    """one-fab.toml without its chipmaker: a world of a supplier and a lane."""
    text = ONE_FAB.read_text(encoding="utf-8")
    path = tmp_path / "no-chipmakers.toml"
    path.write_text(text[: text.index("[[chipmakers]]")] + text[text.index("[[lanes]]") :], encoding="utf-8")
    return path


def test_a_scenario_without_chipmakers_reports_cleanly(tmp_path: Path) -> None:
    """A run of a world without chipmakers prints its tables and publishes its folder, exit 0."""
    result = run("run", no_chipmakers(tmp_path), "--replications", "2", "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert "licensing" in result.stdout
    assert (tmp_path / "out" / "summary.json").is_file()


def test_a_run_failing_after_simulating_publishes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When the report fails, neither the --out folder nor a staging folder is left behind."""

    def broken_report(summary: object, width: int) -> str:
        raise RuntimeError("report failed")

    monkeypatch.setattr(study.report, "run_text", broken_report)
    result = run("run", ONE_FAB, "--replications", "2", "--out", tmp_path / "out")
    assert isinstance(result.exception, RuntimeError)
    assert list(tmp_path.iterdir()) == []


def test_a_second_run_replaces_the_folder_as_a_whole(tmp_path: Path) -> None:
    """Re-running ``run --out DIR`` leaves only the new run's files, not an earlier run's extras."""
    out = tmp_path / "out"
    assert run("run", ONE_FAB, "--replications", "1", "--out", out).exit_code == 0
    (out / "stale-inventory.png").write_bytes(b"old picture")
    assert run("run", ONE_FAB, "--replications", "2", "--out", out).exit_code == 0
    assert not (out / "stale-inventory.png").exists()
    assert json.loads((out / "summary.json").read_text(encoding="utf-8"))["replications"] == 2
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


RUN_FILES = {
    "applications.csv",
    "customs_flows.csv",
    "daily_inventory.csv",
    "flows.csv",
    "replications.csv",
    "revenue.csv",
    "shipments.csv",
    "summary.json",
}
"""Everything ``run --out`` writes."""


def test_a_plot_into_the_out_folder_is_published_with_it(tmp_path: Path) -> None:
    """``--plot DIR/inventory.png`` with ``--out DIR`` (new) gives the run's files and the picture, exit 0."""
    out = tmp_path / "out"
    result = run("run", ONE_FAB, "--replications", "1", "--out", out, "--plot", out / "inventory.png")
    assert result.exit_code == 0, result.output
    assert {p.name for p in out.iterdir()} == RUN_FILES | {"inventory.png"}
    assert (out / "inventory.png").read_bytes().startswith(b"\x89PNG")
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_a_rerun_leaves_no_picture_of_the_run_before(tmp_path: Path) -> None:
    """After ``plot DIR`` and a ``--plot`` into DIR, a new run with another --plot leaves only its own files.

    The earlier run's inventory.png and flows.png go; the new run's fan.png, drawn into the
    folder, is there.
    """
    out = tmp_path / "out"
    first = run("run", ONE_FAB, "--replications", "1", "--out", out, "--plot", out / "inventory.png")
    assert first.exit_code == 0, first.output
    assert run("plot", out).exit_code == 0
    assert {"inventory.png", "flows.png"} <= {p.name for p in out.iterdir()}
    second = run("run", ONE_FAB, "--replications", "2", "--out", out, "--plot", out / "pictures" / "fan.png")
    assert second.exit_code == 0, second.output
    assert {p.name for p in out.iterdir()} == RUN_FILES | {"pictures"}
    assert [p.name for p in (out / "pictures").iterdir()] == ["fan.png"]
    assert json.loads((out / "summary.json").read_text(encoding="utf-8"))["replications"] == 2
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_a_plot_outside_the_out_folder_is_written_where_asked(tmp_path: Path) -> None:
    """``--plot`` beside ``--out`` is written at its own path, and the folder holds the run's files only."""
    out, picture = tmp_path / "out", tmp_path / "fan.svg"
    assert run("run", ONE_FAB, "--replications", "1", "--out", out, "--plot", picture).exit_code == 0
    assert picture.read_text(encoding="utf-8").lstrip().startswith("<?xml")
    assert {p.name for p in out.iterdir()} == RUN_FILES


def test_a_folder_of_other_files_is_never_replaced(tmp_path: Path) -> None:
    """``--out`` naming a folder that holds files but no run's summary exits 2 and keeps them."""
    (tmp_path / "thesis.tex").write_text("precious", encoding="utf-8")
    failed(run("run", ONE_FAB, "--replications", "1", "--out", tmp_path), "--out", "summary.json")
    assert [p.name for p in tmp_path.iterdir()] == ["thesis.tex"]


def test_a_plot_of_a_world_without_chipmakers_is_refused(tmp_path: Path) -> None:
    """``--plot`` for a scenario without chipmakers exits 2 before simulating, naming the option."""
    result = run("run", no_chipmakers(tmp_path), "--plot", tmp_path / "fan.png", "--out", tmp_path / "o")
    failed(result, "--plot", "no chipmakers")
    assert [p.name for p in tmp_path.iterdir()] == ["no-chipmakers.toml"]


# ---------------------------------------------------------------- --precision, never silent


def noisy(tmp_path: Path) -> Path:
    """one-fab.toml with random lead and review times, so its intervals have width."""
    text = ONE_FAB.read_text(encoding="utf-8")
    for fixed, random in (
        ("value = 5.0", "low = 5.0, mode = 30.0, high = 80.0"),
        ("value = 90.0", "low = 30.0, mode = 90.0, high = 200.0"),
    ):
        old = f'{{ dist = "fixed", {fixed} }}'
        assert old in text, old
        text = text.replace(old, f'{{ dist = "triangular", {random} }}', 1)
    path = tmp_path / "noisy.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_met_precision_target_is_reported_in_json_and_table() -> None:
    """``--precision`` reports the target, that it was met, the half-widths and the replications."""
    result = run("run", ONE_FAB, "--precision", "0.05", "--format", "json")
    assert result.exit_code == 0, result.output
    precision = json.loads(result.stdout)["precision"]
    assert (precision["target"], precision["met"], precision["replications"]) == (0.05, True, 10)
    widths = precision["half_widths"]["chipmakers/fab/photoresist/stockout_days"]
    assert widths == {"half_width": 0.0, "relative_half_width": 0.0}
    table = run("run", ONE_FAB, "--precision", "0.05").stdout
    assert "precision: target ±5% met after 10 replication(s)" in table


@pytest.mark.parametrize("command", ["run", "compare"])
def test_a_precision_target_missed_at_the_cap_exits_3_and_says_so(tmp_path: Path, command: str) -> None:
    """Stopped by ``--max-replications`` short of the target: exit 3, the half-widths reached, a line."""
    args = (command, noisy(tmp_path), "--precision", "0.001", "--max-replications", "4")
    result = run(*args, "--format", "json")
    assert result.exit_code == 3, result.output
    precision = json.loads(result.stdout)["precision"]
    assert (precision["met"], precision["replications"], precision["max_replications"]) == (False, 4, 4)
    assert all(w["relative_half_width"] > 0.001 for w in precision["half_widths"].values())
    assert "NOT met: stopped at --max-replications 4" in result.stderr
    table = run(*args)
    assert table.exit_code == 3
    assert "precision: target ±0.1% NOT met" in table.stdout


def test_replications_with_precision_is_the_first_batch() -> None:
    """``--replications 3 --precision`` starts with 3 replications (and stops there when precise)."""
    result = run("run", ONE_FAB, "--replications", "3", "--precision", "0.05", "--format", "json")
    assert json.loads(result.stdout)["replications"] == 3


def test_a_first_batch_over_the_cap_is_refused() -> None:
    """``--replications`` above ``--max-replications`` with ``--precision`` exits 2 naming both."""
    result = run("run", ONE_FAB, "--replications", "50", "--precision", "0.05", "--max-replications", "20")
    failed(result, "--replications 50", "--max-replications 20")


# ---------------------------------------------------------------- compare: one world, or unpaired


def other_world(tmp_path: Path, *edits: tuple[str, str]) -> Path:
    """one-fab.toml as 'other-world', with each (old, new) edit of its [scenario] table."""
    text = ONE_FAB.read_text(encoding="utf-8").replace('id = "one-fab"', 'id = "other-world"', 1)
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    path = tmp_path / "other-world.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_compare_refuses_to_pair_other_worlds(tmp_path: Path) -> None:
    """Files with another start and seed exit 2 naming the fields and ``--unpaired``, not "paired" figures."""
    other = other_world(tmp_path, ("start = 2019-06-01", "start = 2019-07-01"), ("seed = 1", "seed = 2"))
    result = run("compare", ONE_FAB, other, "--replications", "2")
    failed(result, "'other-world'", "start 2019-07-01, not 2019-06-01", "seed 2, not 1", "--unpaired")


def test_compare_unpaired_uses_welch_intervals_and_says_so(tmp_path: Path) -> None:
    """With ``--unpaired`` the differences' ci95 is Welch's, the JSON says unpaired, and so does the table."""
    other = other_world(tmp_path, ("end = 2019-12-31", "end = 2019-11-30"))
    args = ("compare", ONE_FAB, other, "--replications", "3", "--unpaired")
    data = json.loads(run(*args, "--format", "json").stdout)
    assert data["paired"] is False
    stats = data["differences"]["other-world"]["chipmakers"]["fab"]["photoresist"]["stockout_days"]
    assert stats["ci95"] == stats["unpaired_ci95"]
    assert "paired_ci95" in stats
    assert "(unpaired: Welch's intervals)" in run(*args).stdout


def test_a_given_seed_is_shared_so_only_the_horizon_must_match(tmp_path: Path) -> None:
    """Files differing only in seed pair under ``--seed``, since every variant then draws from it."""
    other = other_world(tmp_path, ("seed = 1", "seed = 2"))
    failed(run("compare", ONE_FAB, other, "--replications", "2"), "seed 2, not 1")
    result = run("compare", ONE_FAB, other, "--replications", "2", "--seed", "5", "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["paired"] is True
