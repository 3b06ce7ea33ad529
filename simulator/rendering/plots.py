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
import textwrap
from collections import defaultdict
from pathlib import Path
from typing import Any

import matplotlib as mpl

mpl.use("Agg")
import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

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
    return _save(inventory_figure(series, start, measures), path)


def inventory_figure(
    series: dict[tuple[str, str], np.ndarray], start: dt.date, measures: list[dict[str, str]]
) -> Figure:
    """The figure of :func:`inventory_fan`, readable at any horizon.

    Each measure within the horizon is a dashed line numbered in a strip of headroom above the
    band, never over it; the key below the panels names each number in full. Dates are ticked
    by matplotlib's automatic locator with concise labels, so they never crowd.
    """
    keys = sorted(series)
    columns = 2 if len(keys) > 1 else 1
    rows = -(-len(keys) // columns)
    figure, axes = plt.subplots(
        rows,
        columns,
        figsize=(7 * columns, 2.6 * rows + 0.6),
        squeeze=False,
        sharex=True,
        layout="constrained",
    )
    days = start + np.arange(max(data.shape[1] for data in series.values())) * dt.timedelta(days=1)
    shown = [(n, m) for n, m in enumerate(_measures_within(measures, days[0], days[-1]), 1)]
    for ax, key in zip(axes.flat, keys, strict=False):
        _fan(ax, series[key], days[: series[key].shape[1]], shown)
        ax.set_title(f"{key[0]}: {key[1]}", fontsize=10)
        ax.set_ylabel("stock (t)")
    for ax in list(axes.flat)[len(keys) :]:
        ax.set_visible(False)
        axes.flat[list(axes.flat).index(ax) - columns].xaxis.set_tick_params(labelbottom=True)
    _date_axis(axes.flat[0])
    figure.suptitle("Inventory: median and 10-90% band over replications", fontsize=11)
    _key(figure, axes.flat[0], shown, columns)
    return figure


def _measures_within(measures: list[dict[str, str]], first: Any, last: Any) -> list[dict[str, str]]:
    """The measures dated within the series, in date order."""
    dated = sorted(measures, key=lambda m: m["date"])
    return [m for m in dated if first <= np.datetime64(m["date"]) <= last]


def _fan(ax: Any, data: np.ndarray, days: np.ndarray, measures: list[tuple[int, dict[str, str]]]) -> None:
    low, median, high = np.percentile(data, [10, 50, 90], axis=0)
    ax.fill_between(days, low, high, color=_BAND, label="10-90% of replications")
    ax.plot(days, median, color=_LINE, linewidth=1.2, label="median")
    top = max(float(np.max(high)), 1e-9)
    ax.set_ylim(0, top / (1 - _HEADROOM))  # the strip above the data is the measures' own
    rows = [-1.0, -1.0]  # where the last number in each row stands, as a fraction of the panel's width
    for n, measure in measures:
        when = np.datetime64(measure["date"])
        ax.axvline(when, color=_MEASURE, linestyle="--", linewidth=0.8)
        row = _row(ax, when, rows)
        ax.annotate(
            str(n),
            (when, 1 - _HEADROOM * (0.3 + 0.4 * row)),
            xycoords=ax.get_xaxis_transform(),
            ha="center",
            va="center",
            fontsize=7,
            color=_MEASURE,
            bbox=_LABEL_BOX,
        )


_HEADROOM = 0.2
"""The share of each panel's height above the band, where the measures are numbered in two rows."""
_MEASURE = "#a50f15"
_LABEL_BOX = {"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": _MEASURE, "linewidth": 0.5}
_APART = 0.035
"""How close, as a fraction of the panel's width, two numbers may be in one row."""


def _row(ax: Any, when: np.datetime64, rows: list[float]) -> int:
    """The row a measure's number goes in: the first whose last number is far enough, else the farther."""
    low, high = ax.get_xlim()
    x = (mdates.date2num(when) - low) / (high - low)  # type: ignore[no-untyped-call]
    row = next((n for n, last in enumerate(rows) if x - last >= _APART), int(rows[1] < rows[0]))
    rows[row] = x
    return row


def _date_axis(ax: Any) -> None:
    """Dates ticked for the horizon: a few labels, each no longer than it needs to be."""
    locator = mdates.AutoDateLocator(minticks=3, maxticks=8)  # type: ignore[no-untyped-call]  # untyped in matplotlib
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))  # type: ignore[no-untyped-call]


def _key(figure: Any, ax: Any, measures: list[tuple[int, dict[str, str]]], columns: int) -> None:
    """The legend below the panels: the band, the median, and each measure by its number, in full."""
    handles, labels = ax.get_legend_handles_labels()
    for n, measure in measures:
        handles.append(Line2D([], [], color=_MEASURE, linestyle="none", marker=f"${n}$", markersize=6))
        dated = measure["id"].startswith(measure["date"])
        named = measure["id"] if dated else f"{measure['id']} ({measure['date']})"
        labels.append("\n".join(textwrap.wrap(named, 40)))
    figure.legend(handles, labels, loc="outside lower center", ncols=2 * columns, fontsize=8, frameon=False)


def flows_by_origin(flows: dict[str, dict[str, dict[str, float]]], path: Path) -> Path:
    """Monthly imports (mean tonnes over replications) per material, stacked by origin country."""
    check_format(path)
    return _save(flows_figure(flows), path)


def flows_figure(flows: dict[str, dict[str, dict[str, float]]]) -> Figure:
    """The figure of :func:`flows_by_origin`: a bar per month, zero months kept and marked ``0``."""
    materials = sorted(flows)
    figure, axes = plt.subplots(len(materials), 1, figsize=(10, 2.4 * len(materials)), squeeze=False)
    for ax, material in zip(axes.flat, materials, strict=True):
        months = sorted({m for origin in flows[material].values() for m in origin})
        bottom = np.zeros(len(months))
        for origin, by_month in sorted(flows[material].items()):
            heights = np.array([by_month.get(m, 0.0) for m in months])
            ax.bar(months, heights, bottom=bottom, label=origin)
            bottom += heights
        for n in np.flatnonzero(bottom == 0):  # no imports that month: say so, not just leave a gap
            ax.annotate("0", (n, 0), xytext=(0, 2), textcoords="offset points", ha="center", fontsize=7)
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
    if figure.get_layout_engine() is None:
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
    if figure.get_layout_engine() is None:
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
