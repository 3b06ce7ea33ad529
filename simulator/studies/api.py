"""The Python entry points: one call per task, the same calls the CLI makes.

``run``, ``compare`` and ``sweep`` each take a scenario file's path or a loaded
:class:`~simulator.Scenario`, default to the scenario's own replications and seed, check
their arguments as the CLI checks its options (an :class:`~simulator.InputError` naming the
call and the argument), and return a frozen result (:mod:`simulator.studies.results`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

from simulator.errors import ExportsimError, InputError, Problem
from simulator.rules.laws import Laws
from simulator.rules.values import Regime
from simulator.scenario.bounds import whole
from simulator.scenario.loading import load_scenario, load_variants, regime_of
from simulator.scenario.values import Override, Scenario
from simulator.studies import experiments
from simulator.studies.experiments import Plan, Variant, comparison, study, world_differences
from simulator.studies.parallel import Outcome
from simulator.studies.results import ComparisonResult, Records, RunResult, SweepResult
from simulator.studies.sweep import (
    Axis,
    Condition,
    PointResult,
    grid,
    latin_hypercube,
    parse_axis,
    smallest_meeting,
)
from simulator.studies.sweep import sweep as sweep_points
from simulator.studies.tables import Calendar

MAX_SEED = 2**63 - 1
"""The largest seed a study takes."""

ScenarioLike = str | Path | Scenario
Progress = Callable[[int, int], None]


@attrs.frozen
class Execution:
    """How many replications and where: the arguments ``run``, ``compare`` and ``sweep`` share."""

    replications: int | None = None
    seed: int | None = None
    precision: float | None = None
    max_replications: int = 10_000
    workers: int = 1
    executor: str = "local"
    scheduler: str | None = None

    def problems(self) -> list[Problem]:
        """What is wrong with these arguments, each named as the keyword it came in."""
        found = [
            *_whole("replications", self.replications, 1),
            *_whole("seed", self.seed, 0, MAX_SEED),
            *_whole("max_replications", self.max_replications, 1),
            *_whole("workers", self.workers, 1),
        ]
        if self.precision is not None and not (
            isinstance(self.precision, float | int) and 0 < self.precision < 1
        ):
            found.append(Problem("precision", f"expected a fraction between 0 and 1; got {self.precision!r}"))
        if self.executor not in ("local", "dask"):
            found.append(Problem("executor", f"expected 'local' or 'dask'; got {self.executor!r}"))
        if self.scheduler is not None and self.executor != "dask":
            found.append(Problem("scheduler", "goes with executor='dask' (the local executor takes workers)"))
        return found

    def plan(self, scenario: Scenario, call: str) -> Plan:
        """The plan for ``scenario``: its own replications unless given; raises InputError naming ``call``."""
        problems = self.problems()
        if self.precision is not None and (self.replications or 0) > self.max_replications:
            problems.append(
                Problem("replications", "with precision is the first batch: at most max_replications")
            )
        if problems:
            raise InputError(f"{call}()", problems)
        return Plan(
            replications=self.replications or scenario.replications,
            precision=self.precision,
            max_replications=self.max_replications,
            first_batch=self.replications,
            workers=self.workers,
            executor=self.executor,
            scheduler=self.scheduler,
        )

    def seed_for(self, scenario: Scenario) -> int:
        """The seed given, else the scenario's."""
        return scenario.seed if self.seed is None else self.seed


def _whole(name: str, value: object, low: int, high: int | None = None) -> list[Problem]:
    if value is None:
        return []
    within = whole(value, low) and (high is None or int(value) <= high)  # type: ignore[call-overload]
    if within:
        return []
    span = f"from {low} to {'2**63-1' if high == MAX_SEED else high}" if high is not None else f">= {low}"
    return [Problem(name, f"expected a whole number {span}; got {value!r}")]


def _loaded(
    scenario: ScenarioLike, regime: Regime | Laws | None, call: str
) -> tuple[Scenario, Regime | Laws]:
    if isinstance(scenario, str | Path):
        loaded, law = load_scenario(scenario)
        return loaded, law if regime is None else regime
    if not isinstance(scenario, Scenario):
        raise InputError(
            f"{call}()",
            [Problem("scenario", f"expected a path or a Scenario; got {type(scenario).__name__}")],
        )
    return scenario, regime_of(scenario) if regime is None else regime


def run(
    scenario: ScenarioLike,
    *,
    regime: Regime | Laws | None = None,
    variant: str | None = None,
    records: bool = False,
    on_outcome: Callable[[Outcome], None] | None = None,
    on_progress: Progress | None = None,
    **execution: Any,
) -> RunResult:
    """Run a scenario's replications and summarise them.

    Args:
        scenario: a scenario file's path, or a loaded :class:`~simulator.Scenario`.
        regime: the law to run under (default: the regime the scenario names).
        variant: a variant declared in the scenario file (a path only).
        records: keep every replication's records (``result.records``, as DataFrames).
        on_outcome: called with each replication's outcome, records included, in order.
        on_progress: called with (replications done, replications planned so far).
        **execution: ``replications``, ``seed``, ``precision``, ``max_replications``,
            ``workers``, ``executor`` ('local' or 'dask'), ``scheduler`` (see :class:`Execution`).

    Returns:
        The summary over replications; its ``to_dict()`` is what ``exportsim run --format json`` prints.

    Raises:
        InputError: the file, or an argument, is wrong (named as it was given).
    """
    how = _execution(execution, "run")
    world, law = _variant_of(scenario, variant, regime) if variant else _loaded(scenario, regime, "run")
    plan = attrs.evolve(how.plan(world, "run"), keep_records=records or on_outcome is not None)
    kept: list[Outcome] = []
    hook = _keeping(kept, on_outcome) if records else on_outcome
    data = experiments.run(world, law, plan, how.seed_for(world), on_outcome=hook, on_progress=on_progress)
    kept_records = Records(tuple(kept), Calendar.of(world)) if records else None
    return RunResult.of(data, world, law, kept_records, _source(scenario))


def _source(scenario: ScenarioLike) -> Path | None:
    return Path(scenario) if isinstance(scenario, str | Path) else None


def _execution(arguments: Mapping[str, Any], call: str) -> Execution:
    unknown = sorted(set(arguments) - set(attrs.fields_dict(Execution)))
    if unknown:
        known = ", ".join(attrs.fields_dict(Execution))
        raise InputError(
            f"{call}()", [Problem(u, f"is not an argument; expected one of {known}") for u in unknown]
        )
    return Execution(**arguments)


def _keeping(kept: list[Outcome], then: Callable[[Outcome], None] | None) -> Callable[[Outcome], None]:
    def keep(outcome: Outcome) -> None:
        kept.append(outcome)
        if then is not None:
            then(outcome)

    return keep


def _variant_of(
    scenario: ScenarioLike, name: str, regime: Regime | Laws | None
) -> tuple[Scenario, Regime | Laws]:
    if not isinstance(scenario, str | Path):
        raise InputError(
            "run()", [Problem("variant", "goes with a scenario file's path, not a loaded Scenario")]
        )
    [(_, world, law)] = load_variants(scenario, (name,))
    return world, law if regime is None else regime


def compare(
    scenarios: ScenarioLike | Sequence[ScenarioLike],
    variants: Sequence[str] = (),
    *,
    unpaired: bool = False,
    on_progress: Progress | None = None,
    **execution: Any,
) -> ComparisonResult:
    """Compare variants with common random numbers: replication r of each shares its random numbers.

    Args:
        scenarios: one scenario (path or Scenario) with ``variants`` named in its file, or
            several scenarios of one world; differences are taken from the first.
        variants: variants of a single scenario file ('base' is the file's own; it comes
            first unless named). Empty with one file: every variant it declares.
        unpaired: compare scenarios of different worlds (horizon, warm-up, seed) with Welch's
            unpaired intervals instead of refusing them.
        on_progress: called with (replications done, replications planned so far).
        **execution: as for :func:`run`.

    Raises:
        InputError: a file, a variant or an argument is wrong; or the worlds differ and
            ``unpaired`` is False.
    """
    how = _execution(execution, "compare")
    many = [scenarios] if isinstance(scenarios, str | Path | Scenario) else list(scenarios)
    sources = tuple(_source(one) for one in many)
    chosen = _variants(many, sources, tuple(variants))
    first = chosen[0].scenario
    paired = _one_world(chosen, how.seed, unpaired)
    plan = how.plan(first, "compare")
    result = study(chosen, how.seed_for(first), plan, on_progress=on_progress)
    return ComparisonResult.of(comparison(result, plan, paired), tuple(chosen), sources)


def _variants(
    many: list[ScenarioLike], sources: tuple[Path | None, ...], names: tuple[str, ...]
) -> list[Variant]:
    if not many:
        raise InputError("compare()", [Problem("scenarios", "expected at least one scenario")])
    if len(many) > 1:
        if names:
            raise InputError(
                "compare()", [Problem("variants", "go with a single scenario file; give either")]
            )
        worlds = [_loaded(one, None, "compare") for one in many]
        columns = column_names([s.id for s, _ in worlds], sources)
        return [Variant(name, s, r) for name, (s, r) in zip(columns, worlds, strict=True)]
    if isinstance(many[0], Scenario):
        if names:
            raise InputError("compare()", [Problem("variants", "go with a scenario file's path")])
        world, law = _loaded(many[0], None, "compare")
        return [Variant(world.id, world, law)]
    wanted = names if not names or "base" in names else ("base", *names)
    return [Variant(name, s, r) for name, s, r in load_variants(many[0], wanted)]


def column_names(ids: list[str], sources: Sequence[Path | None]) -> list[str]:
    """Each compared scenario's name: its id, unless another shares it.

    Files sharing an id are named by their file name's stem, then by their path as given (a
    scenario built in Python, with no file, keeps its id), then numbered, so that each is a
    column of its own and none is merged into another's.

    >>> column_names(["a", "a", "b"], (Path("x/one.toml"), Path("y/two.toml"), Path("z.toml")))
    ['one', 'two', 'b']
    >>> column_names(["a", "a"], (None, None))
    ['a #1', 'a #2']
    """
    names = list(ids)
    stems = [p.stem if p else i for p, i in zip(sources, ids, strict=True)]
    paths = [str(p) if p else i for p, i in zip(sources, ids, strict=True)]
    for other in (stems, paths):
        shared = {n for n in names if names.count(n) > 1}
        names = [alternative if n in shared else n for n, alternative in zip(names, other, strict=True)]
    return [n if names.count(n) == 1 else f"{n} #{k + 1}" for k, n in enumerate(names)]


def _one_world(variants: list[Variant], seed: int | None, unpaired: bool) -> bool:
    """Whether to pair the variants: other worlds are refused unless ``unpaired`` (a given seed is shared)."""
    first = variants[0]
    for variant in variants[1:]:
        other = variant.scenario if seed is None else attrs.evolve(variant.scenario, seed=first.scenario.seed)
        differences = world_differences(first.scenario, other)
        if differences and not unpaired:
            raise ExportsimError(
                f"compare: {variant.name!r} describes another world than {first.name!r}"
                f" ({'; '.join(differences)}); expected variants of one world to pair,"
                " or compare them unpaired (--unpaired, unpaired=True)"
            )
    return not unpaired


def sweep(
    scenario: ScenarioLike,
    fields: Mapping[str, str | Sequence[Override]],
    *,
    samples: int | None = None,
    find: str | None = None,
    regime: Regime | Laws | None = None,
    on_progress: Progress | None = None,
    **execution: Any,
) -> SweepResult:
    """Run a scenario at each point of a grid (or a Latin hypercube) of field values.

    Args:
        scenario: a scenario file's path, or a loaded Scenario.
        fields: each dotted field path and its values: ``"start:stop:step"``, ``"a,b,c"`` or a
            list of values, e.g. ``{"authority.examiners": "10:30:10"}``.
        samples: a Latin hypercube of this many points over the ranges, instead of the grid.
        find: a condition such as ``"max stockout_days == 0"`` (one field only): the result's
            ``answer`` is the smallest value meeting it with 95% confidence.
        regime: the law to run under (default: the regime the scenario names).
        on_progress: called with (points done, points in all).
        **execution: as for :func:`run`.
    """
    how = _execution(execution, "sweep")
    world, law = _loaded(scenario, regime, "sweep")
    axes = [_axis(path, values) for path, values in fields.items()]
    condition = Condition.parse(find) if find else None
    if condition is not None and len(axes) != 1:
        raise InputError("sweep()", [Problem("find", "answers for one swept field: give exactly one field")])
    seed = how.seed_for(world)
    points = latin_hypercube(axes, samples, seed) if samples else grid(axes)
    results: list[PointResult] = []

    def waiting(*_: int) -> None:  # a point's replications done: a safe point for the caller too
        if on_progress is not None:
            on_progress(len(results), len(points))

    plan = how.plan(world, "sweep")
    for result in sweep_points(world, law, points, seed, plan, condition, on_wait=waiting):
        results.append(result)
        if on_progress is not None:
            on_progress(len(results), len(points))
    answer = smallest_meeting(results, axes[0].path) if condition else None
    return SweepResult(tuple(a.path for a in axes), tuple(results), find, answer)


def _axis(path: str, values: str | Sequence[Override]) -> Axis:
    if isinstance(values, str):
        return parse_axis(f"{path}={values}")
    if not values:
        raise InputError("sweep()", [Problem(f"fields[{path!r}]", "expected at least one value")])
    return Axis(path, tuple(values))
