"""The command line's hard edges (issue #13): options refused at the option, honest results.

Each case pins a user error as exit 2 with a one-line message naming the option, the value
and what was expected, and no traceback.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import failed, run

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
