"""Pictures of results: inventory fan charts, monthly flows by origin, and comparisons.

Part of the report layer: it reads result values or a result folder written by
``exportsim run --out`` and writes PNG or SVG files (by the file name's ending). matplotlib
runs headless (Agg), imported only here.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import matplotlib as mpl

mpl.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from simulator.errors import InputError, Problem

FORMATS = ("png", "svg")
_BAND = "#9ecae1"
_LINE = "#08519c"


def check_format(path: Path) -> None:
    """Raise an :class:`InputError` unless ``path`` ends in a supported picture format."""
    if path.suffix.lstrip(".").lower() not in FORMATS:
        raise InputError(str(path), [Problem("", f"expected a file ending in .{' or .'.join(FORMATS)}")])


def inventory_fan(
    series: dict[tuple[str, str], np.ndarray], start: dt.date, measures: list[dict[str, str]], path: Path
) -> Path:
    """Per chipmaker and material: median stock and its 10-90% band over replications.

    Args:
        series: (chipmaker, material) -> array of shape (replications, days), tonnes.
        start: the first day of the series.
        measures: ``{"id", "date"}`` of the policy measures, drawn as dated vertical lines.
        path: the file to write (.png or .svg).
    """
    check_format(path)
    return _save(inventory_fan_figure(series, start, measures), path)


def inventory_fan_figure(
    series: dict[tuple[str, str], np.ndarray], start: dt.date, measures: list[dict[str, str]]
) -> Figure:
    """The figure :func:`inventory_fan` writes, unsaved (for :func:`svg_text`)."""
    keys = sorted(series)
    columns = 2 if len(keys) > 1 else 1
    rows = -(-len(keys) // columns)
    figure, axes = plt.subplots(rows, columns, figsize=(7 * columns, 2.6 * rows), squeeze=False, sharex=True)
    for ax, key in zip(axes.flat, keys, strict=False):
        _fan(ax, series[key], start, measures)
        ax.set_title(f"{key[0]}: {key[1]}", fontsize=10)
        ax.set_ylabel("stock (t)")
    for ax in list(axes.flat)[len(keys) :]:
        ax.set_visible(False)
    figure.suptitle(
        "Inventory: median and 10-90% band over replications; dashed lines: measures", fontsize=11
    )
    return figure


def _fan(ax: Any, data: np.ndarray, start: dt.date, measures: list[dict[str, str]]) -> None:
    days = [start + dt.timedelta(days=n) for n in range(data.shape[1])]
    low, median, high = np.percentile(data, [10, 50, 90], axis=0)
    ax.fill_between(days, low, high, color=_BAND, label="10-90%")
    ax.plot(days, median, color=_LINE, linewidth=1.2, label="median")
    for measure in measures:
        when = dt.date.fromisoformat(measure["date"])
        if days[0] <= when <= days[-1]:
            ax.axvline(when, color="#a50f15", linestyle="--", linewidth=0.8)
            ax.annotate(
                measure["id"][:22], (when, ax.get_ylim()[1]), fontsize=6, rotation=90, va="top", ha="right"
            )
    ax.set_ylim(bottom=0)


def flows_by_origin(flows: dict[str, dict[str, dict[str, float]]], path: Path) -> Path:
    """Monthly imports (mean tonnes over replications) per material, stacked by origin country."""
    check_format(path)
    return _save(flows_by_origin_figure(flows), path)


def flows_by_origin_figure(flows: dict[str, dict[str, dict[str, float]]]) -> Figure:
    """The figure :func:`flows_by_origin` writes, unsaved (for :func:`svg_text`)."""
    materials = sorted(flows)
    figure, axes = plt.subplots(len(materials), 1, figsize=(10, 2.4 * len(materials)), squeeze=False)
    for ax, material in zip(axes.flat, materials, strict=True):
        months = sorted({m for origin in flows[material].values() for m in origin})
        bottom = np.zeros(len(months))
        for origin, by_month in sorted(flows[material].items()):
            heights = np.array([by_month.get(m, 0.0) for m in months])
            ax.bar(months, heights, bottom=bottom, label=origin)
            bottom += heights
        ax.set_title(material, fontsize=10)
        ax.set_ylabel("t / month")
        ax.tick_params(axis="x", labelrotation=90, labelsize=6)
        ax.legend(fontsize=7, loc="upper right")
    figure.suptitle(
        "Monthly imports of the chipmakers' countries by origin (mean over replications)", fontsize=11
    )
    return figure


def comparison_bars(data: dict[str, Any], path: Path, metric: str = "stockout_days") -> Path:
    """Each variant's mean of ``metric`` per chipmaker and material, with 95% intervals."""
    check_format(path)
    return _save(comparison_bars_figure(data, metric), path)


def comparison_bars_figure(data: dict[str, Any], metric: str = "stockout_days") -> Figure:
    """The figure :func:`comparison_bars` writes, unsaved (for :func:`svg_text`)."""
    names = list(data["variants"])
    base = data["variants"][names[0]].get("chipmakers", {})
    keys = [(c, m) for c, materials in base.items() for m in materials]
    figure, ax = plt.subplots(figsize=(max(8, 0.9 * len(keys) * len(names) / 2), 4.5))
    width = 0.8 / len(names)
    for n, name in enumerate(names):
        stats = [data["variants"][name]["chipmakers"][c][m][metric] for c, m in keys]
        means = np.array([s["mean"] or 0.0 for s in stats])
        errors = np.array(
            [[s["mean"] - s["ci95"][0], s["ci95"][1] - s["mean"]] if s["ci95"] else [0, 0] for s in stats]
        ).T
        ax.bar(np.arange(len(keys)) + n * width, means, width, yerr=errors, capsize=2, label=name)
    ax.set_xticks(
        np.arange(len(keys)) + 0.4 - width / 2,
        [f"{c}\n{m}" for c, m in keys],
        fontsize=7,
        rotation=45,
        ha="right",
    )
    ax.set_ylabel(metric)
    ax.legend(fontsize=8)
    ax.set_title(f"{metric} by variant: mean and 95% interval", fontsize=11)
    return figure


def _save(figure: Any, path: Path) -> Path:
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return path


_NO_METADATA = {"Date": None, "Creator": None, "Format": None, "Type": None}


def svg_text(figure: Figure, salt: str) -> str:
    """The figure as SVG text, closed afterwards: the same figure and ``salt`` give the same bytes.

    Text is drawn as paths (no fonts needed to show it) and no metadata is written (neither a
    creation date nor the creator's address); the ``salt`` seeds the ids matplotlib derives for
    clip paths and markers.
    """
    figure.tight_layout()
    buffer = io.StringIO()
    with mpl.rc_context({"svg.hashsalt": salt, "svg.fonttype": "path"}):
        figure.savefig(buffer, format="svg", metadata=_NO_METADATA)
    plt.close(figure)
    return buffer.getvalue()


def plot_result_dir(folder: Path, fmt: str = "png") -> list[Path]:
    """Draw the pictures of a folder written by ``exportsim run --out``; return the files written."""
    summary_file = folder / "summary.json"
    if not summary_file.is_file():
        raise InputError(
            str(folder), [Problem("summary.json", "expected a folder written by 'exportsim run --out'")]
        )
    summary = json.loads(summary_file.read_text(encoding="utf-8"))
    series, start = read_daily_inventory(folder / "daily_inventory.csv")
    measures = summary.get("measures", [])
    return [
        inventory_fan(series, start, measures, folder / f"inventory.{fmt}"),
        flows_by_origin(mean_flows(summary.get("flows", {})), folder / f"flows.{fmt}"),
    ]


def read_daily_inventory(path: Path) -> tuple[dict[tuple[str, str], np.ndarray], dt.date]:
    """Read ``daily_inventory.csv`` into arrays (replications x days) per chipmaker and material."""
    rows: dict[tuple[str, str], dict[int, list[float]]] = defaultdict(lambda: defaultdict(list))
    first = None
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            rows[(row["chipmaker"], row["material"])][int(row["replication"])].append(float(row["stock_t"]))
            first = first or dt.date.fromisoformat(row["date"])
    if first is None:
        raise InputError(str(path), [Problem("", "expected daily inventory rows")])
    return {key: np.array([reps[r] for r in sorted(reps)]) for key, reps in rows.items()}, first


def mean_flows(flows: dict[str, Any]) -> dict[str, dict[str, dict[str, float]]]:
    """The mean tonnes of a summary's ``flows`` (material -> origin -> month -> statistics)."""
    return {
        material: {
            origin: {month: stats["mean"] or 0.0 for month, stats in months.items()}
            for origin, months in origins.items()
        }
        for material, origins in flows.items()
    }
