"""Writing run outputs to a folder: CSV series and records, and the JSON summary.

Files are first written to a temporary staging folder beside the target, which replaces the
target as a whole by renames only when the caller publishes (everything succeeded), so a
failed or interrupted run leaves nothing half-written.

The rule for a folder written again: ``--out DIR`` is the run's own folder. A new run replaces
it whole, so nothing of an earlier run is left: neither its records nor the pictures that
``exportsim plot DIR`` or ``--plot DIR/FILE`` drew in it. A picture the new run draws into the
folder is written into the staging folder and published with it. The folder is recognised as
a run's by its ``summary.json``; a target that holds anything else (no ``summary.json``) is
refused, never replaced, so a user's own files are never deleted.
"""

from __future__ import annotations

import csv
import io
import json
import secrets
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from simulator.errors import ExportsimError
from simulator.model.metrics import daily_inventory
from simulator.scenario.values import Scenario
from simulator.studies.parallel import Outcome
from simulator.studies.sweep import Condition, PointResult
from simulator.studies.tables import TABLES, Calendar, rows
from simulator.studies.tidy import leaves


class RunWriter:
    """Collects a run's per-replication records as CSV, then publishes them with the summary."""

    def __init__(self, folder: Path, scenario: Scenario) -> None:
        self.folder = folder
        self._calendar = Calendar.of(scenario)
        _check_replaceable(folder)
        folder.parent.mkdir(parents=True, exist_ok=True)
        self._staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}-", dir=folder.parent))
        self._files = {
            name: (self._staging / f"{name}.csv").open("w", newline="", encoding="utf-8") for name in TABLES
        }
        self._writers = {name: csv.writer(f) for name, f in self._files.items()}
        for name, header in TABLES.items():
            self._writers[name].writerow(header)

    def add(self, outcome: Outcome) -> None:
        """Append one replication's rows to every table (see :mod:`simulator.studies.tables`)."""
        for name, writer in self._writers.items():
            writer.writerows(rows(name, outcome, self._calendar))

    def staged(self, path: Path) -> Path:
        """Where to write ``path`` now: into the staging folder if it lies in the target, else as given.

        A picture drawn into the folder (``--plot DIR/fan.png`` with ``--out DIR``) is then
        published with the run rather than left in the folder the run replaces.
        """
        try:
            inner = path.resolve().relative_to(self.folder.resolve())
        except ValueError:
            return path
        return self._staging / inner

    def publish(self, summary: dict[str, Any]) -> None:
        """Write the summary, then put the staging folder in the target's place, as a whole."""
        self._close()
        (self._staging / "summary.json").write_text(json.dumps(summary, indent=2), encoding="utf-8")
        _check_replaceable(self.folder)
        if not self.folder.exists():
            self._staging.rename(self.folder)
            return
        retired = Path(tempfile.mkdtemp(prefix=f".{self.folder.name}-old-", dir=self.folder.parent))
        self.folder.rename(retired / self.folder.name)
        self._staging.rename(self.folder)
        shutil.rmtree(retired, ignore_errors=True)

    def discard(self) -> None:
        """Remove everything written so far (the run failed)."""
        self._close()
        shutil.rmtree(self._staging, ignore_errors=True)

    def _close(self) -> None:
        for handle in self._files.values():
            handle.close()


def _check_replaceable(folder: Path) -> None:
    """Refuse a target folder that holds anything but a previous run's output (or nothing).

    Raises:
        ExportsimError: naming the folder and what it would have to be.
    """
    if folder.is_dir() and any(folder.iterdir()) and not (folder / "summary.json").is_file():
        raise ExportsimError(
            f"--out {folder}: holds files that are not a run's output (no summary.json);"
            " expected a new or empty folder, or one an earlier 'exportsim run --out' wrote"
        )


def write_comparison_csv(data: dict[str, Any]) -> str:
    """A comparison as tidy CSV: one row per variant, metric path and statistic."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(("variant", "kind", "metric", "statistic", "value"))
    for kind, tree in (("summary", data["variants"]), ("difference", data["differences"])):
        for variant, metrics in tree.items():
            for path, stats in _leaves(metrics):
                writer.writerows((variant, kind, path, stat, value) for stat, value in _cells(stats))
    return buffer.getvalue()


def _leaves(tree: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    return (("/".join(path), stats) for path, stats in leaves(tree))


def _cells(stats: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    for stat, value in stats.items():
        if isinstance(value, list):
            yield f"{stat}_low", value[0]
            yield f"{stat}_high", value[1]
        else:
            yield stat, value


def sweep_csv(results: list[PointResult], paths: list[str], condition: Condition | None) -> str:
    """Sweep results as tidy CSV: one row per point and metric path."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        ("point", *paths, "metric", "mean", "ci95_low", "ci95_high", "p10", "p50", "p90", "holds")
    )
    for n, result in enumerate(results):
        values = [result.point[p] for p in paths]
        for path, stats in _leaves(result.summary):
            writer.writerow((n, *values, path, *_stats_row(stats), ""))
        if condition is not None and result.condition is not None:
            label = f"{condition.aggregate} {condition.metric}"
            writer.writerow((n, *values, label, *_stats_row(result.condition.summary()), result.holds))
    return buffer.getvalue()


def _stats_row(stats: dict[str, Any]) -> tuple[Any, ...]:
    ci = stats["ci95"] or (None, None)
    return (stats["mean"], ci[0], ci[1], stats["p10"], stats["p50"], stats["p90"])


def write_text_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file, so that nothing is half-written.

    The temporary file, beside ``path`` and made with the usual permissions, is removed when
    anything fails or interrupts the write; ``path`` then keeps what it held before.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    staged = path.with_name(f".{path.name}-{secrets.token_hex(6)}")
    handle = staged.open("x", encoding="utf-8")  # a new file, never someone else's
    try:
        with handle:
            handle.write(text)
        staged.replace(path)
    except BaseException:
        staged.unlink(missing_ok=True)
        raise


class FanCollector:
    """Keeps the daily inventory of at most ``limit`` replications, for fan charts."""

    def __init__(self, limit: int = 500) -> None:
        self.limit = limit
        self._series: dict[tuple[str, str], list[Any]] = {}

    def add(self, outcome: Outcome) -> None:
        """Keep this replication's daily inventories (until the limit is reached)."""
        records = outcome.records[0]
        for key in records.inventory:
            kept = self._series.setdefault(key, [])
            if len(kept) < self.limit:
                kept.append(daily_inventory(records, *key))

    def series(self) -> dict[tuple[str, str], Any]:
        """(chipmaker, material) -> array of shape (replications, days)."""
        return {key: np.array(rows) for key, rows in self._series.items()}
