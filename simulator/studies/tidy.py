"""Summary trees as tidy rows: one row per subject, metric and statistic.

A run's summary is a tree keyed by section (``chipmakers``, ``companies``, ``suppliers``,
``licensing``, ``flows``, ``customs``) whose leaves are a metric's statistics. Analysts want
it long instead: each level of the tree gets a named column, so that
``frame[frame.metric == "stockout_days"]`` or a pivot by material works whatever the
scenario. :data:`COLUMNS` names them; a level a section lacks is None.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

KEYS = ("section", "subject", "material", "trade_code", "origin", "destination", "month", "metric")
"""The columns that say which figure a row holds."""

COLUMNS = (*KEYS, "statistic", "value", "interval")
"""The columns of a run's tidy frame (:meth:`simulator.RunResult.to_frame`); ``interval`` names
the method of the metric's 95% interval (``t-clipped``, ``clopper-pearson``, ...)."""

SECTION_LEVELS: dict[str, tuple[str, ...]] = {
    "chipmakers": ("subject", "material", "metric"),
    "companies": ("subject", "metric"),
    "suppliers": ("subject", "metric"),
    "licensing": ("material", "metric"),
    "flows": ("material", "origin", "month"),
    "customs": ("trade_code", "destination", "origin", "month"),
}
"""What each level of a section's tree names; flows and customs leaves are imports in tonnes."""

_IMPORTS = "imports_t"


def is_statistics(node: Any) -> bool:
    """Whether a tree node is a leaf: one metric's statistics."""
    return isinstance(node, Mapping) and "mean" in node


def statistic_cells(stats: Mapping[str, Any]) -> Iterator[tuple[str, Any]]:
    """A leaf's statistics as (name, value); an interval ``ci95`` gives ``ci95_low`` and ``ci95_high``.

    >>> list(statistic_cells({"mean": 2.0, "ci95": [1.0, 3.0]}))
    [('mean', 2.0), ('ci95_low', 1.0), ('ci95_high', 3.0)]
    """
    for name, value in stats.items():
        if isinstance(value, list | tuple):
            low, high = value if len(value) == 2 else (None, None)
            yield f"{name}_low", low
            yield f"{name}_high", high
        elif value is None or (isinstance(value, int | float) and not isinstance(value, bool)):
            yield name, value  # a flag (excludes_zero) is a column of its own, not a statistic


def summary_rows(summary: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
    """Every statistic of every metric of a run's summary, as a row keyed by :data:`COLUMNS`.

    >>> tree = {"licensing": {"resist": {"approved": {"mean": 5.0}}}}
    >>> [(r["material"], r["metric"], r["statistic"], r["value"]) for r in summary_rows(tree)]
    [('resist', 'approved', 'mean', 5.0)]
    """
    for section, levels in SECTION_LEVELS.items():
        for path, stats in leaves(summary.get(section, {})):
            keys = dict.fromkeys(KEYS)
            keys.update(zip(levels, path, strict=False))
            keys["section"] = section
            if "metric" not in levels:
                keys["metric"] = _IMPORTS
            leaf = {"interval": stats.get("interval"), "excludes_zero": stats.get("excludes_zero")}
            for statistic, value in statistic_cells(stats):
                yield {**keys, "statistic": statistic, "value": value, **leaf}


def leaves(tree: Mapping[str, Any], prefix: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    """(path, statistics) for every leaf of a summary tree, in the tree's order."""
    for key, node in tree.items():
        if is_statistics(node):
            yield (*prefix, key), node
        elif isinstance(node, Mapping):
            yield from leaves(node, (*prefix, key))
