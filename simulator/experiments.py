"""Replications and their summaries: from many runs of the model to means and intervals.

Replication *r* draws from streams keyed by (seed, r), so the same seed gives the same
results however the replications are scheduled. Summaries are accumulated as replications
finish; per-replication records are handed to the caller, who decides whether to keep them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import attrs

from simulator.model import simulate
from simulator.model.metrics import chipmaker_metrics, licensing_metrics, monthly_flows
from simulator.model.records import RunRecords
from simulator.rules.values import Regime
from simulator.scenario import Scenario
from simulator.stats import summarise

Path = tuple[str, ...]
_FLOWS = "flows"


def replication_metrics(records: RunRecords, scenario: Scenario) -> dict[str, Any]:
    """The headline metrics of one replication, nested as in ``exportsim run --format json``."""
    return {
        "chipmakers": chipmaker_metrics(records, scenario),
        "licensing": licensing_metrics(records),
        _FLOWS: monthly_flows(records, scenario),
    }


def replications(
    scenario: Scenario, regime: Regime, count: int, seed: int, first: int = 0
) -> Iterator[tuple[RunRecords, dict[str, Any]]]:
    """Yield (records, metrics) for replications ``first`` to ``first + count - 1``."""
    for replication in range(first, first + count):
        records = simulate(scenario, regime, replication=replication, seed=seed)
        yield records, replication_metrics(records, scenario)


@attrs.define
class Accumulator:
    """Collects each metric path's values as replications finish; flows absent in a run count 0."""

    values: dict[Path, list[float]] = attrs.field(factory=dict)
    count: int = 0

    def add(self, metrics: dict[str, Any]) -> None:
        """Add one replication's metrics."""
        for path, value in flatten(metrics):
            self.values.setdefault(path, [0.0] * self.count if path[0] == _FLOWS else []).append(value)
        self.count += 1
        for path, values in self.values.items():
            if path[0] == _FLOWS and len(values) < self.count:
                values.append(0.0)

    def summary(self) -> dict[str, Any]:
        """Every metric path's summary (mean, ci95, p10, p50, p90), nested."""
        nested: dict[str, Any] = {}
        for path, values in sorted(self.values.items()):
            node = nested
            for key in path[:-1]:
                node = node.setdefault(key, {})
            node[path[-1]] = summarise(values)
        return nested


def flatten(tree: dict[str, Any], prefix: Path = ()) -> Iterator[tuple[Path, float]]:
    """Yield (path, value) for every number in a nested mapping."""
    for key, value in tree.items():
        if isinstance(value, dict):
            yield from flatten(value, (*prefix, key))
        else:
            yield (*prefix, key), float(value)


def run(
    scenario: Scenario,
    regime: Regime,
    count: int,
    seed: int,
    on_replication: Callable[[RunRecords, dict[str, Any]], None] | None = None,
) -> dict[str, Any]:
    """Run ``count`` replications and return the JSON-ready summary of ``exportsim run``.

    Args:
        scenario: the world to simulate.
        regime: the law in force.
        count: how many replications.
        seed: the seed all replications' streams are spawned from.
        on_replication: called with each replication's records and metrics as it finishes
            (to write them out, say); nothing is kept otherwise.
    """
    accumulator = Accumulator()
    for records, metrics in replications(scenario, regime, count, seed):
        accumulator.add(metrics)
        if on_replication is not None:
            on_replication(records, metrics)
    return {"scenario": scenario.id, "seed": seed, "replications": count, **accumulator.summary()}
