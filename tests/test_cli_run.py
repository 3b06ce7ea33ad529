"""The simulation CLI: ``exportsim run`` and ``exportsim validate``.

Figures for tests/scenarios/one-fab.toml (fixed times) are hand-checked, not computed by the
model; error cases pin exit code 2, a message on stderr naming the file and field path, every
problem of a file at once, and no traceback.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import math
from pathlib import Path
from typing import Any

import pytest
from helpers import run, without_time

ROOT = Path(__file__).resolve().parents[1]
ONE_FAB = ROOT / "tests" / "scenarios" / "one-fab.toml"
JAPAN = ROOT / "scenarios" / "japan-2019.toml"
NO_CURBS = ROOT / "scenarios" / "no-curbs-2019.toml"
STATS = {"mean", "ci95", "interval", "p10", "p50", "p90"}
RUN_METRICS = {"stockout_days", "production_loss_fraction", "tts_days", "ttr_days"}
LICENCE_METRICS = {"applications", "approved", "denied", "first_approval_day", "lead_time_days"}
HEADERS = {
    "replications.csv": ["replication", "metric", "value"],
    "daily_inventory.csv": ["replication", "chipmaker", "material", "date", "stock_t"],
    "applications.csv": [
        "replication", "material", "item", "supplier", "chipmaker",
        "quantity_t", "filed_day", "decided_day", "outcome", "returned", "filed_date", "decided_date",
    ],
    "shipments.csv": [
        "replication", "day", "supplier", "origin", "destination",
        "chipmaker", "material", "quantity_t", "value_usd", "licence", "date",
    ],
    "flows.csv": ["replication", "month", "material", "origin", "destination", "quantity_t", "value_usd"],
    "revenue.csv": ["replication", "month", "supplier", "revenue_usd"],
    "customs_flows.csv": ["replication", "trade_code", "destination", "origin", "month", "tonnes"],
}  # fmt: skip


def run_json(*args: str | Path) -> dict[str, Any]:
    """Run ``exportsim run ... --format json`` and return the parsed summary."""
    result = run("run", *args, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def broken(tmp_path: Path, *edits: tuple[str, str], name: str = "broken.toml") -> Path:
    """Write one-fab.toml with each (old, new) edit applied once; return the new file's path."""
    text = ONE_FAB.read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def leaves(tree: dict[str, Any], depth: int) -> list[Any]:
    """Return the values ``depth`` levels down a nested mapping."""
    if depth == 0:
        return [tree]
    return [leaf for value in tree.values() for leaf in leaves(value, depth - 1)]


def test_json_summary_has_the_documented_shape() -> None:
    """``run --format json`` prints one object with the documented keys, every metric summarised."""
    summary = run_json(ONE_FAB)
    assert {"scenario", "seed", "replications", "chipmakers", "licensing", "flows"} <= set(summary)
    assert (summary["scenario"], summary["seed"], summary["replications"]) == ("one-fab", 1, 1)
    assert set(summary["chipmakers"]["fab"]["photoresist"]) >= RUN_METRICS
    assert set(summary["licensing"]["photoresist"]) >= LICENCE_METRICS
    assert "2019-06" in summary["flows"]["photoresist"]["JP"]
    metrics = [
        *[m for node in leaves(summary["chipmakers"], 2) for m in node.values()],
        *[m for node in leaves(summary["licensing"], 1) for m in node.values()],
        *leaves(summary["flows"], 3),
    ]
    assert len(metrics) >= len(RUN_METRICS) + len(LICENCE_METRICS) + 1
    for metric in metrics:
        assert set(metric) == STATS, metric
        assert len(metric["ci95"]) == 2


def test_one_fab_hand_checked_figures() -> None:
    """One-fab gives the hand-checked first approval, time to survive, stock-out days and June flow."""
    summary = run_json(ONE_FAB)
    # The order exported on 4 Jul 2019 (day 33.07) waits a fixed 90-day review.
    assert summary["licensing"]["photoresist"]["first_approval_day"]["mean"] == pytest.approx(90.07, abs=1e-6)
    fab = summary["chipmakers"]["fab"]["photoresist"]
    assert fab["tts_days"]["mean"] == pytest.approx(18.0)
    assert fab["stockout_days"]["mean"] == pytest.approx(133.0)
    assert summary["flows"]["photoresist"]["JP"]["2019-06"]["mean"] == pytest.approx(21.0)


def test_same_seed_gives_identical_json() -> None:
    """Two runs of a stochastic scenario with the same seed print identical JSON but for the time stamp."""
    args = ("run", JAPAN, "--replications", "2", "--seed", "11", "--format", "json")
    first, second = run(*args), run(*args)
    assert first.exit_code == second.exit_code == 0, first.output
    assert without_time(first.stdout) == without_time(second.stdout)


def test_seed_option_sets_the_seed_and_changes_draws() -> None:
    """``--seed`` overrides the scenario's seed in the output and changes a stochastic run's results."""
    assert run_json(ONE_FAB, "--seed", "5")["seed"] == 5
    eleven = run_json(JAPAN, "--replications", "2", "--seed", "11")
    twelve = run_json(JAPAN, "--replications", "2", "--seed", "12")
    assert (eleven["seed"], twelve["seed"]) == (11, 12)
    assert eleven["licensing"] != twelve["licensing"]


def test_replications_option_appears_in_output() -> None:
    """``--replications 3`` runs three replications and says so in the summary."""
    assert run_json(ONE_FAB, "--replications", "3")["replications"] == 3


def test_out_writes_every_file(tmp_path: Path) -> None:
    """``--out DIR`` writes the summary and seven CSVs, one inventory row per day, with no staging left."""
    out = tmp_path / "out"
    result = run("run", ONE_FAB, "--replications", "2", "--format", "json", "--out", out)
    assert result.exit_code == 0, result.output
    assert {p.name for p in out.iterdir()} == {"summary.json", *HEADERS}
    assert json.loads((out / "summary.json").read_text(encoding="utf-8")) == json.loads(result.stdout)
    for name, header in HEADERS.items():
        with (out / name).open(newline="", encoding="utf-8") as handle:
            rows = list(csv.reader(handle))
        assert rows[0] == header, name
        assert len(rows) > 1, name
    with (out / "daily_inventory.csv").open(newline="", encoding="utf-8") as handle:
        inventory = list(csv.DictReader(handle))
    assert len(inventory) == 214 * 1 * 2  # days x chipmaker-materials x replications
    assert {r["replication"] for r in inventory} == {"0", "1"}
    assert (inventory[0]["date"], inventory[213]["date"]) == ("2019-06-01", "2019-12-31")
    with (out / "applications.csv").open(newline="", encoding="utf-8") as handle:
        first = next(csv.DictReader(handle))
    filed = dt.date(2019, 6, 1) + dt.timedelta(days=math.floor(float(first["filed_day"])))
    assert first["filed_date"] == filed.isoformat()  # day 0 is the scenario's start, 2019-06-01
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_table_names_chipmakers_and_materials() -> None:
    """The default table format has a row for the fab's photoresist and a licensing row."""
    result = run("run", ONE_FAB)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert any(line.split()[:2] == ["fab", "photoresist"] for line in lines if line.strip())
    assert any(line.startswith("photoresist") for line in lines)


def test_no_curbs_has_no_stockouts() -> None:
    """Without the 2019 measures no chipmaker runs out of any material."""
    summary = run_json(NO_CURBS, "--replications", "1")
    means = [metrics["stockout_days"]["mean"] for metrics in leaves(summary["chipmakers"], 2)]
    assert len(means) == 10  # every chipmaker and material of the japan-2019 world
    assert all(mean == 0 for mean in means), means


@pytest.mark.parametrize("path", [ONE_FAB, JAPAN, NO_CURBS], ids=lambda p: p.stem)
def test_validate_accepts_shipped_scenarios(path: Path) -> None:
    """``validate`` prints ok and exits 0 for every shipped scenario."""
    result = run("validate", path)
    assert result.exit_code == 0, result.output
    assert "ok" in result.stdout


@pytest.mark.parametrize(
    ("edits", "expected"),
    [
        pytest.param([("seed = 1", 'seed = 1\ncolour = "red"')], ["scenario:", "colour"], id="unknown-key"),
        pytest.param(
            [("cover_target_days = 30.0", "cover_target_days = 30.0\nspeed = 3")],
            ["chipmakers[0]:", "speed"],
            id="unknown-chipmaker-key",
        ),
        pytest.param(
            [("capacity_t_per_day = 100.0", 'capacity_t_per_day = "fast"')],
            ["suppliers[0].products[0].capacity_t_per_day:", "fast"],
            id="wrong-type",
        ),
        pytest.param(
            [("use_t_per_unit = 1.0", "use_t_per_unit = -1")],
            ["chipmakers[0].materials[0].use_t_per_unit:", ">= 0"],
            id="negative-rate",
        ),
        pytest.param(
            [("share = 1.0", "share = 0.5")], ["chipmakers[0].materials[0].sources:", "sum to 1"], id="shares"
        ),
        pytest.param(
            [('supplier = "maker"', 'supplier = "nobody"')],
            ["chipmakers[0].materials[0].sources[0].supplier:", "nobody"],
            id="missing-supplier",
        ),
        pytest.param(
            [('material = "photoresist"\n  use', 'material = "resin"\n  use')],
            ["chipmakers[0].materials[0].material:", "resin"],
            id="missing-material",
        ),
        pytest.param(
            [("bulk_licences", "available_from = 2021-01-01\nbulk_licences")],
            ["suppliers[0].available_from:", "2019-12-31"],
            id="available-from-outside",
        ),
        pytest.param(
            [
                (
                    "[[lanes]]",
                    '  [[chipmakers.qualifications]]\n  supplier = "maker"\n  material = "photoresist"\n'
                    '  share = 0.5\n  start = 2018-01-01\n  days = { dist = "fixed", value = 10.0 }\n\n'
                    "[[lanes]]",
                )
            ],
            ["chipmakers[0].qualifications[0].start:", "2019-06-01"],
            id="qualification-start-outside",
        ),
        pytest.param(
            [('regime = "japan"', 'regime = "atlantis"')], ["scenario.regime:", "atlantis"], id="regime"
        ),
        pytest.param([('country = "KR"', 'country = "XX"')], ["chipmakers[0].country:", "XX"], id="country"),
        pytest.param([("seed = 1", "seed = = 1")], ["not valid TOML", "line 7"], id="toml-syntax"),
        pytest.param([("[scenario]", "[scenari]")], ["scenario:", "[scenario]"], id="no-scenario-table"),
        pytest.param(
            [("seed = 1", 'seed = 1\nbase = "nowhere.toml"')], ["scenario.base:", "nowhere.toml"], id="base"
        ),
    ],
)
def test_validate_reports_problem(tmp_path: Path, edits: list[tuple[str, str]], expected: list[str]) -> None:
    """A broken scenario exits 2 with one stderr line naming the file, the field path and the fault."""
    path = broken(tmp_path, *edits)
    result = run("validate", path)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert any(str(path) in line and all(e in line for e in expected) for line in lines), result.stderr


def test_validate_reports_every_problem_at_once(tmp_path: Path) -> None:
    """Five problems in one file are each listed with their path in one message, and nothing else."""
    path = broken(
        tmp_path,
        ("seed = 1", 'seed = 1\ncolour = "red"'),
        ("capacity_t_per_day = 100.0", 'capacity_t_per_day = "fast"'),
        ("share = 1.0", "share = 0.5"),
        ("use_t_per_unit = 1.0", "use_t_per_unit = -1"),
        ('origin = "JP"', 'origin = "ZZ"'),
    )
    result = run("validate", path)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    fields = [
        "scenario",
        "suppliers[0].products[0].capacity_t_per_day",
        "chipmakers[0].materials[0].sources",
        "chipmakers[0].materials[0].use_t_per_unit",
        "lanes[0].origin",
    ]
    lines = [line for line in result.stderr.splitlines() if str(path) in line]
    for field in fields:
        assert any(f"{path}: {field}: " in line for line in lines), (field, result.stderr)
    assert len(lines) == len(fields), result.stderr


def test_run_on_broken_file_creates_nothing(tmp_path: Path) -> None:
    """``run`` on an invalid scenario exits 2 without a traceback and leaves no output folder."""
    path = broken(tmp_path, ("share = 1.0", "share = 0.5"))
    out = tmp_path / "out"
    result = run("run", path, "--out", out)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert "chipmakers[0].materials[0].sources" in result.stderr
    assert [p.name for p in tmp_path.iterdir()] == [path.name]


def test_paths_relative_to_the_working_directory(monkeypatch: pytest.MonkeyPatch) -> None:
    """From the repository root, as the README runs it, regime files beside a relative path are found.

    Both the scenario's own regime file and its variants' regime files.
    """
    monkeypatch.chdir(ROOT)
    assert run("validate", "scenarios/no-curbs-2019.toml").exit_code == 0
    result = run(
        "compare", "scenarios/japan-2019.toml", "--variant", "no-curbs", "--replications", "1", "--quiet"
    )
    assert result.exit_code == 0, result.output


def test_run_text_reports_responses_and_suppliers() -> None:
    """The text shows the one fab's stock on hand on the shock day against its target, and its maker.

    On day 33 the fab holds 18 of its 30 days (tests/test_responses.py works it out); the
    maker makes every tonne the fab orders and nothing is re-sourced away from it.
    """
    text = run("run", ONE_FAB, "--replications", "2").stdout
    responses = next(line.split() for line in text.splitlines() if line.startswith("responses"))
    assert responses[1:3] == ["shock_stock_days", "order_up_to_days"]
    fab = [line.split() for line in text.splitlines() if line.startswith("fab ")]
    assert fab[1][2:4] == ["18.0", "30.0"]  # the responses row follows the headline row
    header = next(line.split() for line in text.splitlines() if line.startswith("supplier"))
    assert header == ["supplier", "output_t", "held_t", "resourced_away_t"]
    maker = next(line.split() for line in text.splitlines() if line.startswith("maker "))
    assert maker[-1] == "0.000"
