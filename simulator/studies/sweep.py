"""Sweeps: a scenario run over a grid (or a Latin hypercube) of field values.

Each axis is a dotted path (see :mod:`simulator.scenario.overrides`) with values written
``start:stop:step`` (both ends included), ``a,b,c`` or a single value. A sweep point is the
scenario with every axis set, checked like a scenario of its own, then run as a study.
``find`` answers "how much would have been enough?": the smallest value of a single swept
field whose condition holds with 95% confidence.
"""

from __future__ import annotations

import itertools
import math
import operator
import re
from collections.abc import Callable, Iterator
from typing import Any

import attrs
import numpy as np

from simulator.errors import ExportsimError, InputError
from simulator.model.metrics import PLANT_METRICS
from simulator.rules.laws import Laws, laws_of
from simulator.rules.values import Regime
from simulator.scenario.check import laws_problems
from simulator.scenario.overrides import override_all, parse_value
from simulator.scenario.values import Override, Scenario
from simulator.studies.experiments import Plan, Variant, study
from simulator.studies.parallel import Outcome
from simulator.studies.stats import Running

_OPERATORS: dict[str, Callable[[float, float], bool]] = {
    "<=": operator.le, ">=": operator.ge, "==": operator.eq, "<": operator.lt, ">": operator.gt,
}  # fmt: skip
_AGGREGATES: dict[str, Callable[[list[float]], float]] = {"max": max, "min": min, "sum": sum}
_CONDITION = re.compile(r"^\s*(max|min|sum)\s+([a-z_]+)\s*(<=|>=|==|<|>)\s*(-?[0-9.eE+-]+)\s*$")


@attrs.frozen
class Axis:
    """One swept field and its values (or its range, for a Latin hypercube)."""

    path: str
    values: tuple[Override, ...]

    @property
    def bounds(self) -> tuple[float, float]:
        """The lowest and highest numeric value."""
        numbers = [float(v) for v in self.values if not isinstance(v, bool | str)]
        if not numbers:
            raise ExportsimError(f"--set {self.path}: a Latin hypercube needs numeric values")
        return min(numbers), max(numbers)


def parse_axis(text: str) -> Axis:
    """Read ``PATH=start:stop:step``, ``PATH=a,b,c`` or ``PATH=value``.

    >>> parse_axis("authority.examiners=10:30:10").values
    (10, 20, 30)
    """
    path, sep, spec = text.partition("=")
    if not sep or not path or not spec:
        raise ExportsimError(f"--set {text!r}: expected PATH=start:stop:step, PATH=a,b,c or PATH=value")
    if spec.count(":") == 2:
        return Axis(path, _range(path, *spec.split(":")))
    return Axis(path, tuple(parse_value(v) for v in spec.split(",")))


def _range(path: str, start: str, stop: str, step: str) -> tuple[Override, ...]:
    numbers = [parse_value(v) for v in (start, stop, step)]
    numeric = all(isinstance(v, int | float) and not isinstance(v, bool) for v in numbers)
    if not numeric or float(numbers[2]) <= 0:
        raise ExportsimError(f"--set {path}: expected numbers start:stop:step with step > 0")
    first, last, by = (float(v) for v in numbers)
    if last < first:
        raise ExportsimError(f"--set {path}: expected start <= stop, got {start}:{stop}")
    count = math.floor((last - first) / by + 1e-9) + 1
    values = [round(first + n * by, 12) for n in range(count)]  # count >= 1: last >= first
    integer = all(isinstance(v, int) and not isinstance(v, bool) for v in numbers)
    return tuple(int(v) if integer else v for v in values)


def grid(axes: list[Axis]) -> list[dict[str, Override]]:
    """Every combination of the axes' values."""
    return [
        dict(zip((a.path for a in axes), combo, strict=True))
        for combo in itertools.product(*(a.values for a in axes))
    ]


def latin_hypercube(axes: list[Axis], samples: int, seed: int) -> list[dict[str, Override]]:
    """``samples`` points spread over the axes' ranges, one per stratum of each axis."""
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(2**31,)))
    points: list[dict[str, Override]] = [{} for _ in range(samples)]
    for axis in axes:
        low, high = axis.bounds
        strata = (rng.permutation(samples) + rng.random(samples)) / samples
        integer = all(isinstance(v, int) for v in axis.values)
        for point, u in zip(points, strata, strict=True):
            value = low + float(u) * (high - low)
            point[axis.path] = round(value) if integer else value
    return points


def point_scenario(scenario: Scenario, regime: Regime | Laws, point: dict[str, Override]) -> Scenario:
    """The scenario at a sweep point, checked; raise with every problem."""
    scenario, problems = override_all(scenario, point, "--set")
    problems += laws_problems(scenario, laws_of(regime))
    if problems:
        raise InputError(f"sweep point {point}", problems)
    return scenario


@attrs.frozen
class Condition:
    """``AGGREGATE METRIC OPERATOR VALUE``, e.g. ``max stockout_days == 0``.

    The aggregate is taken over every chipmaker and material in each replication; the
    condition holds with 95% confidence when the whole 95% interval of the aggregate's mean
    satisfies it (for ``==``: the interval is the value itself, i.e. every replication equals it).
    """

    aggregate: str
    metric: str
    operator: str
    value: float

    @classmethod
    def parse(cls, text: str) -> Condition:
        """Read a condition such as ``max stockout_days == 0``."""
        match = _CONDITION.match(text)
        if match is None:
            expected = (
                "expected e.g. 'max stockout_days == 0' (max|min|sum, a metric, <= >= == < >, a number)"
            )
            raise ExportsimError(f"--find {text!r}: {expected}")
        aggregate, metric, op, value = match.groups()
        if metric not in PLANT_METRICS:
            names = ", ".join(PLANT_METRICS)
            raise ExportsimError(f"--find {text!r}: no metric {metric!r}; expected one of {names}")
        return cls(aggregate, metric, op, float(value))

    def measure(self, outcome: Outcome) -> float:
        """This replication's aggregate of the metric."""
        values = [
            v
            for path, v in outcome.metrics[0]
            if path[0] == "chipmakers" and path[-1] == self.metric and not math.isnan(v)
        ]
        return _AGGREGATES[self.aggregate](values) if values else math.nan

    def holds(self, running: Running) -> bool:
        """Whether the condition holds for the whole 95% interval of the mean."""
        if running.count == 0:
            return False
        low, high = running.mean - running.half_width, running.mean + running.half_width
        check = _OPERATORS[self.operator]
        return check(low, self.value) and check(high, self.value)


@attrs.frozen
class PointResult:
    """One sweep point: its values, its summary and (with a condition) whether it holds."""

    point: dict[str, Override]
    summary: dict[str, Any]
    condition: Running | None
    holds: bool | None


def sweep(
    scenario: Scenario,
    regime: Regime | Laws,
    points: list[dict[str, Override]],
    seed: int,
    plan: Plan,
    condition: Condition | None = None,
    on_wait: Callable[[int, int], None] | None = None,
) -> Iterator[PointResult]:
    """Run each point as a study (common random numbers across points) and yield its result.

    ``on_wait`` is each point's study's progress callback (replications done, planned).
    """
    for point in points:
        world = point_scenario(scenario, regime, point)
        running = Running("condition")
        hook = _measuring(condition, running) if condition else None
        result = study([Variant("point", world, regime)], seed, plan, on_outcome=hook, on_progress=on_wait)
        holds = condition.holds(running) if condition else None
        yield PointResult(point, result.summaries[0].summary(), running if condition else None, holds)


def _measuring(condition: Condition, running: Running) -> Callable[[Outcome], None]:
    return lambda outcome: running.add(condition.measure(outcome))


def smallest_meeting(results: list[PointResult], path: str) -> Override | None:
    """The smallest value of ``path`` at which the condition holds, or None."""
    meeting = [r.point[path] for r in results if r.holds]
    return min(meeting, key=float) if meeting else None
