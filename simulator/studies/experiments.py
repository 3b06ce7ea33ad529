"""Studies: replications of one or more variants, their summaries and paired differences.

Replication *r* of every variant draws from streams keyed by (seed, r): variants compared
side by side share their random numbers (common random numbers), so a difference comes from
the rules, not from luck. Summaries are accumulated in replication order as results arrive,
in bounded memory; per-replication records go to the caller only when asked for.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
from collections.abc import Callable, Iterable, Sequence
from importlib.metadata import version
from typing import Any

import attrs
import cattrs

from simulator.model.ranges import range_of
from simulator.regimes.loading import dump_regime
from simulator.rules.engine import boundaries
from simulator.rules.laws import Laws, laws_of
from simulator.rules.values import Regime
from simulator.scenario.loading import check_scenario
from simulator.scenario.values import Scenario
from simulator.studies.parallel import Outcome, executor, jobs, run_job
from simulator.studies.stats import Running, clipped, t975

Path = tuple[str, ...]
_ZERO_WHEN_ABSENT = ("flows", "customs")
"""Metric trees whose series a replication may lack (an origin it never saw): absent counts as 0 t."""
_HEADLINE = ("stockout_days", "production_loss_fraction")


@attrs.frozen
class Variant:
    """A named world under a named law."""

    name: str
    scenario: Scenario
    regime: Regime | Laws


@attrs.frozen
class Plan:
    """How many replications, and where to run them.

    With ``precision`` set, replications are added until the 95% half-width of every headline
    metric (stock-out days and production loss per chipmaker and material) is within that
    fraction of its mean, up to ``max_replications``. The first batch is ``first_batch`` when
    given (``exportsim run --replications N --precision X``), else max(10, 4 x workers); either is
    cut to ``max_replications``. ``replications`` is then unused.
    """

    replications: int = 20
    precision: float | None = None
    max_replications: int = 10_000
    first_batch: int | None = None
    workers: int = 1
    executor: str = "local"
    scheduler: str | None = None
    keep_records: bool = False
    customs: bool = False
    """Also summarise the imports as customs count them (``exportsim run`` does)."""


@attrs.define
class Accumulator:
    """Summaries of every metric path, accumulated as replications finish, in bounded memory.

    A flow (material, origin, month) or customs series absent from a replication counts as
    0 tonnes there. With ``differences``, each value is a difference between two variants'
    values of the metric, whose range is wider (:meth:`MetricRange.difference`).
    """

    values: dict[Path, Running] = attrs.field(factory=dict)
    count: int = 0
    differences: bool = False

    def add(self, pairs: Iterable[tuple[Path, float]]) -> None:
        """Add one replication's metrics as (path, value) pairs."""
        seen = set()
        for path, value in pairs:
            running = self.values.get(path)
            if running is None:
                within = range_of(path).difference() if self.differences else range_of(path)
                running = self.values[path] = Running("/".join(path), within)
                for _ in range(self.count if path[0] in _ZERO_WHEN_ABSENT else 0):
                    running.add(0.0)
            running.add(value)
            seen.add(path)
        for path, running in self.values.items():
            if path[0] in _ZERO_WHEN_ABSENT and path not in seen:
                running.add(0.0)
        self.count += 1

    def summary(self) -> dict[str, Any]:
        """Every metric path's summary (mean, ci95, interval, p10, p50, p90), nested."""
        return _nest({path: running.summary() for path, running in self.values.items()})


def _nest(flat: dict[Path, Any]) -> dict[str, Any]:
    nested: dict[str, Any] = {}
    for path, value in sorted(flat.items()):
        node = nested
        for key in path[:-1]:
            node = node.setdefault(key, {})
        node[path[-1]] = value
    return nested


@attrs.define
class Study:
    """What a study accumulated: per variant, and per variant against the first (paired)."""

    variants: list[Variant]
    seed: int
    summaries: list[Accumulator]
    differences: list[Accumulator]

    @property
    def count(self) -> int:
        """Replications run."""
        return self.summaries[0].count

    def add(self, outcome: Outcome) -> None:
        """Add one replication of every variant, and its differences from the first."""
        for accumulator, pairs in zip(self.summaries, outcome.metrics, strict=True):
            accumulator.add(pairs)
        first = dict(outcome.metrics[0])
        for accumulator, pairs in zip(self.differences, outcome.metrics[1:], strict=True):
            accumulator.add(_difference(dict(pairs), first))

    def precise(self, target: float) -> bool:
        """Whether every headline metric's 95% half-width is within ``target`` of its mean."""
        for accumulator in self.summaries:
            for path, running in accumulator.values.items():
                if path[-1] in _HEADLINE and running.half_width > target * abs(running.mean):
                    return False
        return True


def _difference(pairs: dict[Path, float], first: dict[Path, float]) -> Iterable[tuple[Path, float]]:
    for path in pairs.keys() | first.keys():
        default = 0.0 if path[0] in _ZERO_WHEN_ABSENT else math.nan
        yield path, pairs.get(path, default) - first.get(path, default)


def study(
    variants: list[Variant],
    seed: int,
    plan: Plan,
    on_outcome: Callable[[Outcome], None] | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> Study:
    """Run replications of every variant with common random numbers.

    Args:
        variants: the worlds and laws to compare; differences are taken from the first.
        seed: the seed every replication's streams are spawned from.
        plan: how many replications and where to run them.
        on_outcome: called with each replication's outcome, in replication order.
        on_progress: called with (replications done, replications planned so far).

    Raises:
        InputError: a variant's scenario (or ``seed``) breaks a rule its file would be refused
            for (:func:`~simulator.scenario.loading.check_scenario`), checked once before any run.
    """
    for variant in variants:
        check_scenario(variant.scenario, variant.regime, seed)
    result = Study(
        variants,
        seed,
        [Accumulator() for _ in variants],
        [Accumulator(differences=True) for _ in variants[1:]],
    )
    pairs = tuple((v.scenario, v.regime) for v in variants)
    with executor(plan.workers, plan.executor, plan.scheduler) as mapper:
        target = _first_batch(plan)
        while result.count < target:
            numbers = range(result.count, target)
            batch = jobs(pairs, seed, numbers, plan.workers, plan.keep_records, plan.customs)
            for outcomes in mapper(run_job, batch):
                for outcome in outcomes:
                    result.add(outcome)
                    if on_outcome is not None:
                        on_outcome(outcome)
                if on_progress is not None:
                    on_progress(result.count, target)
            target = _next_target(result, plan)
    return result


def _first_batch(plan: Plan) -> int:
    if plan.precision is None:
        return plan.replications
    return min(plan.max_replications, plan.first_batch or max(10, 4 * plan.workers))


def precision_summary(result: Study, plan: Plan) -> dict[str, Any] | None:
    """Whether a ``--precision`` study met its target: the half-widths reached, the replications used.

    Each headline metric's ``relative_half_width`` is its 95% half-width over its mean's size
    (None when the mean is 0 and the half-width is not). The half-width is Student's t's, before
    the summary's interval is clipped to the metric's range. None without a precision target.
    """
    if plan.precision is None:
        return None
    widths: dict[str, dict[str, float | None]] = {}
    for variant, accumulator in zip(result.variants, result.summaries, strict=True):
        for path, running in sorted(accumulator.values.items()):
            if path[-1] in _HEADLINE:
                key = "/".join(path) if len(result.variants) == 1 else f"{variant.name}:{'/'.join(path)}"
                widths[key] = {"half_width": running.half_width, "relative_half_width": _relative(running)}
    return {
        "target": plan.precision,
        "met": result.precise(plan.precision),
        "replications": result.count,
        "max_replications": plan.max_replications,
        "half_widths": widths,
    }


def _relative(running: Running) -> float | None:
    if running.half_width == 0:
        return 0.0
    return running.half_width / abs(running.mean) if running.mean != 0 else None


def _next_target(result: Study, plan: Plan) -> int:
    """How many replications in all the study should have: more only while imprecise."""
    if plan.precision is None or result.precise(plan.precision) or result.count >= plan.max_replications:
        return result.count
    needed = max(
        result.count * (running.half_width / (plan.precision * abs(running.mean))) ** 2
        for accumulator in result.summaries
        for path, running in accumulator.values.items()
        if path[-1] in _HEADLINE and running.mean != 0
    )
    return min(plan.max_replications, max(result.count + 10, math.ceil(needed)))


def run(scenario: Scenario, regime: Regime | Laws, plan: Plan, seed: int, **hooks: Any) -> dict[str, Any]:
    """Run one scenario and return the JSON-ready summary of ``exportsim run``, customs series included."""
    variant = Variant(scenario.id, scenario, regime)
    result = study([variant], seed, attrs.evolve(plan, customs=True), **hooks)
    head = {"scenario": scenario.id, "seed": seed, "replications": result.count}
    summary = result.summaries[0].summary()
    precision = precision_summary(result, plan)
    return {
        **head,
        **({"precision": precision} if precision else {}),
        **summary,
        "measures": measures_within(scenario, regime),
        "provenance": provenance(result),
    }


def measures_within(scenario: Scenario, regime: Regime | Laws) -> list[dict[str, str]]:
    """The measures that change the law during the scenario: ``{"id", "date"}``."""
    return [
        {"id": measure, "date": day.isoformat()}
        for law in laws_of(regime).regimes
        for day, measure in boundaries(law)
        if measure is not None and scenario.start <= day <= scenario.end
    ]


_WORLD = ("start", "end", "warm_up_days", "seed")
"""What variants must share to be paired: the horizon, the measured window and the seed."""


def world_differences(first: Scenario, other: Scenario) -> list[str]:
    """How ``other`` describes another world than ``first``, e.g. ``["start 2019-06-01, not 2019-01-01"]``.

    Empty when their replications can be paired (the same horizon, warm-up and seed).
    """
    return [
        f"{field} {getattr(other, field)}, not {getattr(first, field)}"
        for field in _WORLD
        if getattr(other, field) != getattr(first, field)
    ]


def comparison(result: Study, plan: Plan | None = None, paired: bool = True) -> dict[str, Any]:
    """The JSON-ready result of ``exportsim compare``: summaries and differences.

    Args:
        result: the study.
        plan: its plan; with a precision target, its outcome too (:func:`precision_summary`).
        paired: False for variants of different worlds: each difference's ``ci95``,
            ``interval`` and ``excludes_zero`` are then Welch's unpaired ones (``paired_ci95``
            keeps the other).
    """
    names = [v.name for v in result.variants]
    precision = precision_summary(result, plan) if plan else None
    differences = {
        name: _differences(diff, result.summaries[0], own)
        for name, diff, own in zip(names[1:], result.differences, result.summaries[1:], strict=True)
    }
    return {
        **({"precision": precision} if precision else {}),
        "variants": {name: acc.summary() for name, acc in zip(names, result.summaries, strict=True)},
        "differences": differences if paired else _unpaired_tree(differences),
        "baseline": names[0],
        "paired": paired,
        "seed": result.seed,
        "replications": result.count,
        "provenance": provenance(result),
    }


def _differences(diff: Accumulator, first: Accumulator, own: Accumulator) -> dict[str, Any]:
    flat = {}
    for path, running in diff.values.items():
        summary = running.summary()
        summary["excludes_zero"] = _excludes_zero(running.interval()[:2] if running.count else None)
        summary["unpaired_ci95"] = _unpaired(first.values.get(path), own.values.get(path), running)
        flat[path] = summary
    return _nest(flat)


def _unpaired_tree(tree: dict[str, Any]) -> dict[str, Any]:
    """Differences with Welch's interval as their ``ci95``, for variants that cannot be paired."""
    if "unpaired_ci95" not in tree:
        return {
            key: _unpaired_tree(value) if isinstance(value, dict) else value for key, value in tree.items()
        }
    ci = tree["unpaired_ci95"]
    method = None if ci is None else "welch-clipped" if tree["interval"] == "t-clipped" else "welch"
    return {
        **tree,
        "paired_ci95": tree["ci95"],
        "ci95": ci,
        "interval": method,
        "excludes_zero": _excludes_zero(ci),
    }


def _excludes_zero(interval: Sequence[float] | None) -> bool:
    return interval is not None and (interval[0] > 0 or interval[1] < 0)


def _unpaired(first: Running | None, other: Running | None, difference: Running) -> list[float] | None:
    """Welch's 95% interval of the difference of means, as if the runs were independent.

    It is clipped to the difference's range as the paired interval is (``difference``'s method).
    """
    if first is None or other is None or first.count < 2 or other.count < 2:
        return None
    a, b = first.variance / first.count, other.variance / other.count
    se = math.sqrt(a + b)
    centre = other.mean - first.mean
    if se == 0:
        return [centre, centre]
    dof = (a + b) ** 2 / (a**2 / (first.count - 1) + b**2 / (other.count - 1))  # Welch-Satterthwaite
    half = t975(max(1.0, dof)) * se
    if difference.count and difference.interval()[2] == "t-clipped":
        return list(clipped(centre - half, centre + half, difference.within))
    return [centre - half, centre + half]


def provenance(result: Study) -> dict[str, Any]:
    """Where a result came from: package version, content hashes, seed, replications, time."""
    return {
        "exportsim": version("exportsim"),
        "scenarios": {
            v.name: _sha256(json.dumps(_world(v.scenario), sort_keys=True, default=str))
            for v in result.variants
        },
        "regimes": {
            v.name: _sha256("".join(dump_regime(r) for r in laws_of(v.regime).regimes))
            for v in result.variants
        },
        "seed": result.seed,
        "replications": result.count,
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }


def _world(scenario: Scenario) -> dict[str, Any]:
    """The scenario without its regime references (a regime's content is hashed on its own)."""
    data = cattrs.unstructure(scenario)
    return {k: v for k, v in data.items() if k not in ("regime", "export_regimes")}


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
