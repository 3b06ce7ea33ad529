"""The study CLI: ``compare``, ``sweep``, ``plot``, ``--precision`` and every executor.

The same seed must give the same JSON serially, on local processes and on a Dask cluster (a
``LocalCluster`` of two worker processes, started once for this module). Sweep figures for
tests/scenarios/one-fab.toml are hand-checked: stock just after each weekly arrival in steady
state is X - 7.07 t at day 28.07 for a cover target of X days, so it runs out on day 21 + X,
while the first licensed delivery arrives on day 125.07: for covers of 89 days and more (the
range swept here) stock-out days are max(0, 104.07 - X).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from helpers import failed, run, without_time

ROOT = Path(__file__).resolve().parents[1]
ONE_FAB = ROOT / "tests" / "scenarios" / "one-fab.toml"
JAPAN = ROOT / "scenarios" / "japan-2019.toml"
NO_CURBS = ROOT / "scenarios" / "no-curbs-2019.toml"
JAPAN_VARIANTS = [
    "no-curbs",
    "korea-stays-in-group-a",
    "full-90-day-reviews",
    "no-substitutes",
    "all-three-specific-bulk",
    "two-weeks-stock",
    "one-month-stock",
    "two-and-a-half-months-stock",
    "no-patience",
    "no-shock-conservation",
    "no-gongju",
    "no-made-ahead-cap",
    "no-sourcing-shift",
    "no-conservation",
    "ordered-ahead",
    "clean-repeat-filings",
    "soulbrain-shared-proportionally",
]
COVER = "chipmakers.fab.materials.*.cover_target_days"
SWEEP_HEADER = ["point", COVER, "metric", "mean", "ci95_low", "ci95_high", "p10", "p50", "p90", "holds"]
PNG = b"\x89PNG\r\n\x1a\n"


def ok(*args: str | Path) -> Result:
    """Invoke the CLI and check that it succeeded."""
    result = run(*args)
    assert result.exit_code == 0, result.output
    return result


def leaf_paths(tree: dict[str, Any], prefix: tuple[str, ...] = ()) -> dict[tuple[str, ...], dict[str, Any]]:
    """Every summary (a mapping with a ``mean``) in a nested result, by its path."""
    found = {}
    for key, value in tree.items():
        if isinstance(value, dict) and "mean" in value:
            found[(*prefix, key)] = value
        elif isinstance(value, dict):
            found.update(leaf_paths(value, (*prefix, key)))
    return found


def csv_rows(text: str) -> list[dict[str, str]]:
    """Parse CSV text into rows keyed by the header."""
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture(scope="module")
def cluster() -> Iterator[Any]:
    """A Dask LocalCluster with two single-threaded worker processes, closed after the module."""
    from distributed import LocalCluster  # noqa: PLC0415 - the cluster is only built for these tests

    local = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0")
    try:
        yield local
    finally:
        local.close()


def on_dask(cluster: Any, *args: str | Path) -> Result:
    """Invoke the CLI with ``--executor dask`` on ``cluster``; check that its scheduler ran the jobs."""
    before = cluster.scheduler.transition_counter
    result = ok(*args, "--executor", "dask", "--scheduler", cluster.scheduler_address)
    assert cluster.scheduler.transition_counter > before
    assert "run_job" in cluster.scheduler.task_prefixes
    return result


# ---------------------------------------------------------------- determinism across executors


def test_run_is_identical_serially_on_processes_and_on_dask(cluster: Any) -> None:
    """``run`` with one seed prints the same JSON serially, with --workers 2 and on Dask."""
    args = ("run", JAPAN, "--replications", "4", "--seed", "17", "--format", "json")
    serial = without_time(ok(*args).stdout)
    workers = without_time(ok(*args, "--workers", "2").stdout)
    dask = without_time(on_dask(cluster, *args).stdout)
    assert serial["replications"] == 4
    assert serial == workers
    assert serial == dask


def test_compare_is_identical_serially_on_processes_and_on_dask(cluster: Any) -> None:
    """``compare`` with one seed prints the same JSON serially, with --workers 2 and on Dask."""
    args = ("compare", JAPAN, "--variant", "full-90-day-reviews", "--variant", "two-weeks-stock")
    args += ("--replications", "4", "--seed", "17", "--format", "json")
    serial = without_time(ok(*args).stdout)
    workers = without_time(ok(*args, "--workers", "2").stdout)
    dask = without_time(on_dask(cluster, *args).stdout)
    assert list(serial["variants"]) == ["base", "full-90-day-reviews", "two-weeks-stock"]
    assert serial == workers
    assert serial == dask


def test_dask_without_scheduler_is_a_user_error() -> None:
    """``--executor dask`` without ``--scheduler`` exits 2 and says what is missing."""
    failed(run("run", ONE_FAB, "--executor", "dask"), "--scheduler")


# ---------------------------------------------------------------- --precision


@pytest.mark.parametrize(("workers", "first_batch"), [(1, 10), (3, 12)])
def test_precision_on_a_deterministic_scenario_stops_at_the_first_batch(
    workers: int, first_batch: int
) -> None:
    """On one-fab every half-width is 0, so ``--precision`` runs just max(10, 4 x workers) replications."""
    result = ok("run", ONE_FAB, "--precision", "0.05", "--workers", str(workers), "--format", "json")
    summary = json.loads(result.stdout)
    assert summary["replications"] == first_batch
    assert summary["provenance"]["replications"] == first_batch


def test_max_replications_caps_precision() -> None:
    """``--max-replications`` below the first batch is the number of replications run."""
    summary = json.loads(
        ok("run", ONE_FAB, "--precision", "0.05", "--max-replications", "4", "--format", "json").stdout
    )
    assert summary["replications"] == 4


# ---------------------------------------------------------------- compare


def test_compare_json_has_the_documented_shape() -> None:
    """``compare --format json`` has the documented keys, ``run``'s base summary and every difference."""
    data = json.loads(
        ok(
            "compare",
            JAPAN,
            "--variant",
            "full-90-day-reviews",
            "--replications",
            "3",
            "--seed",
            "4",
            "--format",
            "json",
        ).stdout
    )
    assert list(data) == [
        "variants",
        "differences",
        "baseline",
        "paired",
        "seed",
        "replications",
        "provenance",
    ]
    assert (data["baseline"], data["seed"], data["replications"]) == ("base", 4, 3)
    provenance = data["provenance"]
    assert set(provenance) == {"exportsim", "scenarios", "regimes", "seed", "replications", "created"}
    assert (provenance["seed"], provenance["replications"]) == (4, 3)
    assert set(provenance["scenarios"]) == set(provenance["regimes"]) == {"base", "full-90-day-reviews"}
    assert provenance["scenarios"]["base"] != provenance["scenarios"]["full-90-day-reviews"]
    assert provenance["regimes"]["base"] == provenance["regimes"]["full-90-day-reviews"]
    assert all(len(h) == 64 for h in (*provenance["scenarios"].values(), *provenance["regimes"].values()))

    single = json.loads(ok("run", JAPAN, "--replications", "3", "--seed", "4", "--format", "json").stdout)
    sections = ("chipmakers", "companies", "suppliers", "licensing", "flows")
    assert data["variants"]["base"] == {k: single[k] for k in sections}

    assert list(data["differences"]) == ["full-90-day-reviews"]
    differences = leaf_paths(data["differences"]["full-90-day-reviews"])
    base, other = leaf_paths(data["variants"]["base"]), leaf_paths(data["variants"]["full-90-day-reviews"])
    assert set(differences) == set(base) | set(other)
    assert set(sections) == {path[0] for path in differences}
    for path, stats in differences.items():
        assert {"mean", "ci95", "excludes_zero", "unpaired_ci95"} <= set(stats), path
    path = ("chipmakers", "samsung", "photoresist", "stockout_days")
    paired = differences[path]
    low, high = paired["ci95"]
    assert low <= paired["mean"] <= high
    assert paired["excludes_zero"] == (low > 0 or high < 0)
    centre = other[path]["mean"] - base[path]["mean"]
    assert paired["mean"] == pytest.approx(centre)
    assert sum(paired["unpaired_ci95"]) / 2 == pytest.approx(centre)


def test_compare_two_files_takes_differences_from_the_first() -> None:
    """Comparing japan-2019 with no-curbs-2019 (no stock-outs) gives differences of minus japan's means."""
    data = json.loads(ok("compare", JAPAN, NO_CURBS, "--replications", "2", "--format", "json").stdout)
    assert list(data["variants"]) == ["japan-2019", "no-curbs-2019"]
    assert data["baseline"] == "japan-2019"
    assert data["seed"] == 20190704
    assert list(data["differences"]) == ["no-curbs-2019"]
    japan = data["variants"]["japan-2019"]["chipmakers"]
    checked = 0
    for chipmaker, materials in japan.items():
        for material, metrics in materials.items():
            assert (
                data["variants"]["no-curbs-2019"]["chipmakers"][chipmaker][material]["stockout_days"]["mean"]
                == 0
            )
            diff = data["differences"]["no-curbs-2019"]["chipmakers"][chipmaker][material]["stockout_days"]
            assert diff["mean"] == pytest.approx(-metrics["stockout_days"]["mean"])
            checked += 1
    assert checked == 10  # every chipmaker and material of japan-2019


def test_compare_csv_is_tidy_and_matches_json() -> None:
    """``compare --format csv`` has the header variant,kind,metric,statistic,value and the JSON's numbers."""
    args = ("compare", JAPAN, "--variant", "two-weeks-stock", "--replications", "2", "--seed", "9")
    data = json.loads(ok(*args, "--format", "json").stdout)
    text = ok(*args, "--format", "csv").stdout
    assert text.splitlines()[0] == "variant,kind,metric,statistic,value"
    rows = csv_rows(text)
    assert {r["variant"] for r in rows} == {"base", "two-weeks-stock"}
    assert {r["kind"] for r in rows} == {"summary", "difference"}
    assert {r["variant"] for r in rows if r["kind"] == "difference"} == {"two-weeks-stock"}
    cell = {(r["variant"], r["kind"], r["metric"], r["statistic"]): r["value"] for r in rows}
    metric = "chipmakers/sk-hynix/photoresist/stockout_days"
    summary = data["variants"]["two-weeks-stock"]["chipmakers"]["sk-hynix"]["photoresist"]["stockout_days"]
    difference = data["differences"]["two-weeks-stock"]["chipmakers"]["sk-hynix"]["photoresist"][
        "stockout_days"
    ]
    assert float(cell[("two-weeks-stock", "summary", metric, "mean")]) == summary["mean"]
    assert float(cell[("two-weeks-stock", "summary", metric, "ci95_high")]) == summary["ci95"][1]
    assert (
        float(cell[("two-weeks-stock", "difference", metric, "unpaired_ci95_low")])
        == difference["unpaired_ci95"][0]
    )
    assert cell[("two-weeks-stock", "difference", metric, "excludes_zero")] == str(
        difference["excludes_zero"]
    )
    summaries = {r["metric"] for r in rows if r["kind"] == "summary" and r["variant"] == "base"}
    assert summaries == {"/".join(p) for p in leaf_paths(data["variants"]["base"])}


def test_compare_table_names_variants_and_rows() -> None:
    """The default table says how many variants and replications, the baseline, and has a row per metric."""
    result = ok("compare", JAPAN, "--variant", "no-curbs", "--replications", "2", "--seed", "3")
    lines = result.stdout.splitlines()
    assert (
        lines[0]
        == "2 variants, 2 replication(s), seed 3; differences from 'base' (paired, common random numbers)"
    )
    assert lines[2].split()[-2:] == ["base", "no-curbs"]
    assert any(line.split()[:3] == ["samsung", "photoresist", "stockout_days"] for line in lines)


def test_compare_with_no_variant_names_compares_all() -> None:
    """``compare`` of one file without --variant compares the base with every declared variant."""
    data = json.loads(ok("compare", JAPAN, "--replications", "1", "--format", "json").stdout)
    assert list(data["variants"]) == ["base", *JAPAN_VARIANTS]
    assert list(data["differences"]) == JAPAN_VARIANTS


def test_compare_unknown_variant_lists_the_declared_ones() -> None:
    """An unknown --variant exits 2 naming it and every variant the file declares."""
    result = run("compare", JAPAN, "--variant", "no-curb", "--replications", "1")
    failed(result, str(JAPAN), "'no-curb'", ", ".join(["base", *JAPAN_VARIANTS]))


def test_compare_variant_with_two_files_is_refused() -> None:
    """``--variant`` together with two scenario files exits 2."""
    failed(run("compare", JAPAN, NO_CURBS, "--variant", "no-curbs"), "--variant")


def test_compare_variant_with_a_wrong_path_is_reported_with_its_path(tmp_path: Path) -> None:
    """A variant setting a field that does not exist exits 2 naming the variant's entry and the path."""
    path = tmp_path / "variants.toml"
    path.write_text(
        ONE_FAB.read_text(encoding="utf-8")
        + '\n[[variants]]\nname = "fine"\nset = { "authority.examiners" = 5 }\n'
        + '\n[[variants]]\nname = "oops"\n'
        + 'set = { "chipmakers.fab.materials.photoresist.start_stock" = 5.0 }\n',
        encoding="utf-8",
    )
    result = run("compare", path, "--variant", "oops")
    failed(
        result, f"{path}: variants[1].set.chipmakers.fab.materials.photoresist.start_stock:", "start_stock"
    )
    assert "start_inventory_days" in result.stderr  # the fields that do exist


def test_compare_plot_writes_svg(tmp_path: Path) -> None:
    """``compare --plot FILE.svg`` draws an SVG file as well as printing the comparison."""
    target = tmp_path / "bars.svg"
    ok("compare", JAPAN, "--variant", "no-curbs", "--replications", "2", "--plot", target)
    text = target.read_text(encoding="utf-8")
    assert "<svg" in text
    assert text.rstrip().endswith("</svg>")


# ---------------------------------------------------------------- sweep


def test_find_agrees_with_the_hand_computation() -> None:
    """Sweeping one-fab's cover target 95..115 finds 105 days; stock-out days are max(0, 104.07 - X)."""
    result = ok("sweep", ONE_FAB, "--set", f"{COVER}=95:115:1", "--find", "max stockout_days == 0")
    assert result.stderr.strip() == (
        f"smallest {COVER} meeting 'max stockout_days == 0' with 95% confidence: 105"
    )
    rows = csv_rows(result.stdout)
    assert result.stdout.splitlines()[0].split(",") == SWEEP_HEADER
    stockout = {
        int(r[COVER]): float(r["mean"])
        for r in rows
        if r["metric"] == "chipmakers/fab/photoresist/stockout_days"
    }
    assert sorted(stockout) == list(range(95, 116))
    for cover, days in stockout.items():
        assert days == pytest.approx(max(0.0, 104.07 - cover), abs=1e-6), cover
    holds = {int(r[COVER]): r["holds"] for r in rows if r["metric"] == "max stockout_days"}
    assert holds == {x: str(x >= 105) for x in range(95, 116)}


def test_sweep_csv_has_one_row_per_point_and_metric() -> None:
    """Without --find, the CSV on stdout has one row per point and metric path and an empty holds column."""
    result = ok("sweep", ONE_FAB, "--set", "authority.examiners=1,2", "--set", f"{COVER}=30:40:10")
    assert result.stderr == ""
    header, *_ = result.stdout.splitlines()
    assert header.split(",") == ["point", "authority.examiners", *SWEEP_HEADER[1:]]
    rows = csv_rows(result.stdout)
    keys = [(r["point"], r["metric"]) for r in rows]
    assert len(keys) == len(set(keys))
    metrics = {r["metric"] for r in rows}
    assert len(rows) == 4 * len(metrics)
    assert "licensing/photoresist/first_approval_day" in metrics
    points = sorted({(r["point"], r["authority.examiners"], r[COVER]) for r in rows})
    assert points == [("0", "1", "30"), ("1", "1", "40"), ("2", "2", "30"), ("3", "2", "40")]
    assert all(r["holds"] == "" for r in rows)


def test_sweep_out_writes_the_file_and_prints_the_answer(tmp_path: Path) -> None:
    """``--out FILE`` writes the CSV there and prints the --find answer on stdout."""
    target = tmp_path / "sub" / "sweep.csv"
    result = ok(
        "sweep", ONE_FAB, "--set", f"{COVER}=100:110:5", "--find", "max stockout_days == 0", "--out", target
    )
    assert (
        result.stdout.strip() == f"smallest {COVER} meeting 'max stockout_days == 0' with 95% confidence: 105"
    )
    rows = csv_rows(target.read_text(encoding="utf-8"))
    assert {r[COVER] for r in rows} == {"100", "105", "110"}
    assert [p.name for p in target.parent.iterdir()] == ["sweep.csv"]


def test_sweep_find_reports_when_nothing_meets_the_condition() -> None:
    """When no swept value meets the condition the command says so."""
    result = ok("sweep", ONE_FAB, "--set", f"{COVER}=95:100:5", "--find", "max stockout_days == 0")
    assert "no swept value meets 'max stockout_days == 0'" in result.stderr


def test_sweep_samples_draws_a_latin_hypercube() -> None:
    """``--samples 6`` runs six points, one in each sixth of the range, the same for the same seed."""
    args = ("sweep", ONE_FAB, "--set", "chipmakers.fab.materials.*.start_inventory_days=0.0:60.0:1.0")
    first = ok(*args, "--samples", "6", "--seed", "3").stdout
    assert first == ok(*args, "--samples", "6", "--seed", "3").stdout
    rows = csv_rows(first)
    values = {int(r["point"]): float(r["chipmakers.fab.materials.*.start_inventory_days"]) for r in rows}
    assert sorted(values) == list(range(6))
    assert sorted(int(v // 10) for v in values.values()) == list(range(6))


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        pytest.param(["--set", "authority.examiners"], ["--set", "PATH=start:stop:step"], id="no-values"),
        pytest.param(["--set", "authority.examiners=1:5:0"], ["step > 0"], id="zero-step"),
        pytest.param(
            ["--set", "authority.wizards=1,2"], ["authority.wizards", "no field 'wizards'"], id="path"
        ),
        pytest.param(["--set", "authority.examiners=many"], ["authority.examiners", "'many'"], id="value"),
        pytest.param(
            [
                "--set",
                "authority.examiners=1,2",
                "--set",
                f"{COVER}=30,40",
                "--find",
                "max stockout_days == 0",
            ],
            ["exactly one --set"],
            id="find-two-axes",
        ),
        pytest.param(
            ["--set", "authority.examiners=1,2", "--find", "most stockout_days"],
            ["--find"],
            id="bad-condition",
        ),
        pytest.param(["--set", "regime=a,b", "--samples", "3"], ["numeric"], id="samples-words"),
        pytest.param(
            ["--set", "authority.examiners=1,2", "--samples", "0"], ["--samples"], id="samples-zero"
        ),
    ],
)
def test_sweep_errors(args: list[str], expected: list[str]) -> None:
    """A bad --set, --find or --samples exits 2 with a message naming the fault, and no traceback."""
    failed(run("sweep", ONE_FAB, *args), *expected)


# ---------------------------------------------------------------- plots


@pytest.fixture(scope="module")
def result_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder written by ``run --out`` for two replications of japan-2019."""
    folder = tmp_path_factory.mktemp("plots") / "japan"
    ok("run", JAPAN, "--replications", "2", "--out", folder)
    return folder


def test_plot_writes_png_files(result_dir: Path) -> None:
    """``plot DIR`` writes inventory.png and flows.png, real non-empty PNGs, and lists them."""
    result = ok("plot", result_dir)
    written = [Path(line) for line in result.stdout.splitlines()]
    assert written == [result_dir / "inventory.png", result_dir / "flows.png"]
    for path in written:
        data = path.read_bytes()
        assert data.startswith(PNG)
        assert len(data) > 1000


def test_plot_svg_format(result_dir: Path) -> None:
    """``plot DIR --format svg`` writes inventory.svg and flows.svg as SVG text."""
    ok("plot", result_dir, "--format", "svg")
    for name in ("inventory.svg", "flows.svg"):
        text = (result_dir / name).read_text(encoding="utf-8")
        assert text.startswith("<?xml")
        assert "<svg" in text


def test_plot_without_summary_is_a_user_error(tmp_path: Path) -> None:
    """``plot`` on a folder that ``run --out`` did not write exits 2 naming summary.json."""
    failed(run("plot", tmp_path), str(tmp_path), "summary.json")


def test_run_plot_writes_the_fan_chart(tmp_path: Path) -> None:
    """``run --plot FILE.png`` draws a PNG fan chart and still prints the summary."""
    target = tmp_path / "fan.png"
    result = ok("run", ONE_FAB, "--replications", "2", "--plot", target, "--format", "json")
    assert json.loads(result.stdout)["replications"] == 2
    data = target.read_bytes()
    assert data.startswith(PNG)
    assert len(data) > 1000


def test_run_plot_with_another_ending_is_refused(tmp_path: Path) -> None:
    """``run --plot FILE.gif`` exits 2 saying which endings are drawn."""
    failed(run("run", ONE_FAB, "--plot", tmp_path / "fan.gif"), ".png or .svg")
    assert not (tmp_path / "fan.gif").exists()


# ---------------------------------------------------------------- validate


def test_validate_lists_the_variants() -> None:
    """``validate`` of japan-2019 says ok and lists the base and every declared variant, in order."""
    result = ok("validate", JAPAN)
    assert (
        result.stdout.strip() == f"{JAPAN}: ok (japan-2019; variants: {', '.join(['base', *JAPAN_VARIANTS])})"
    )
