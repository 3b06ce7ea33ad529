"""Studies, statistics and sweeps as a library: common random numbers, coverage, precision, sweeps.

Oracles are exact where the model allows it (one-fab with fixed times, a uniform review whose
mean is known) and relational where it does not (a paired interval against the unpaired one,
a stopping rule against :meth:`Study.precise` computed on the same replications).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import attrs
import numpy as np
import pytest
from scipy.stats import t as student_t

from simulator.errors import ExportsimError
from simulator.model import simulate
from simulator.rules.values import Regime
from simulator.scenario.distributions import Distribution, fixed
from simulator.scenario.loading import load_scenario, load_variants
from simulator.scenario.overrides import override
from simulator.scenario.values import ItemReview, Scenario
from simulator.studies.experiments import Accumulator, Plan, Study, Variant, comparison, study
from simulator.studies.parallel import Outcome
from simulator.studies.stats import RESERVOIR, Running
from simulator.studies.sweep import Axis, Condition, grid, latin_hypercube, parse_axis

ROOT = Path(__file__).resolve().parents[1]
JAPAN = ROOT / "scenarios" / "japan-2019.toml"
HEADLINE = ("stockout_days", "production_loss_fraction")
# One-fab's single application is filed 0.07 days after the shock (day 33.07 against day 33).
FILING_DELAY = 0.07


def single_application(scenario: Scenario, review: Distribution, denial: float = 0.0) -> Scenario:
    """One-fab where every order joins one application, reviewed by ``review`` days."""
    scenario = override(scenario, "suppliers.maker.contract_days", 1000)
    terms = ItemReview("photoresist", review, denial_probability=denial)
    return attrs.evolve(scenario, authority=attrs.evolve(scenario.authority, items=(terms,)))


def width(interval: list[float]) -> float:
    """The width of a [low, high] interval."""
    return interval[1] - interval[0]


# ---------------------------------------------------------------- common random numbers


def test_pairing_narrows_time_to_recover_intervals() -> None:
    """Against full-90-day reviews, paired time-to-recover CIs are narrower wherever both sides vary."""
    variants = [Variant(*v) for v in load_variants(JAPAN, ("base", "full-90-day-reviews"))]
    data = comparison(study(variants, 20190704, Plan(replications=16)))
    differences = data["differences"]["full-90-day-reviews"]["chipmakers"]
    variants = [data["variants"][name]["chipmakers"] for name in ("base", "full-90-day-reviews")]
    checked, narrower = [], []
    for chipmaker, materials in differences.items():
        for material, metrics in materials.items():
            ttr = metrics["ttr_days"]
            if ttr["mean"] != 0:
                checked.append((chipmaker, material))
                paired, unpaired = width(ttr["ci95"]), width(ttr["unpaired_ci95"])
                if any(width(v[chipmaker][material]["ttr_days"]["ci95"]) == 0 for v in variants):
                    # one side never varies (censored at the horizon throughout): nothing to pair away
                    assert paired == pytest.approx(unpaired), (chipmaker, material, ttr)
                else:
                    assert paired < unpaired, (chipmaker, material, ttr)
                    narrower.append((chipmaker, material))
    assert len(checked) == 10, checked  # every chipmaker and material pair
    assert len(narrower) == 10, narrower  # every pair varies on both sides


def test_shifted_review_shifts_first_approval_exactly(one_fab: tuple[Scenario, Regime]) -> None:
    """A review 10 days longer per draw moves first approval by exactly 10 days in every replication."""
    scenario, regime = one_fab
    base = single_application(scenario, Distribution("uniform", low=60.0, high=120.0))
    later = single_application(scenario, Distribution("uniform", low=70.0, high=130.0))
    result = study([Variant("base", base, regime), Variant("later", later, regime)], 3, Plan(replications=20))
    diff = comparison(result)["differences"]["later"]["licensing"]["photoresist"]["first_approval_day"]
    assert diff["mean"] == pytest.approx(10.0)
    assert diff["ci95"] == pytest.approx([10.0, 10.0])
    assert diff["excludes_zero"] is True
    assert width(diff["unpaired_ci95"]) > 10.0


def test_fixing_the_review_time_keeps_each_applications_denial_draw(one_fab: tuple[Scenario, Regime]) -> None:
    """Fixing only the review time keeps the first application's approve-or-deny draw in every replication."""
    scenario, regime = one_fab
    drawn = single_application(scenario, Distribution("uniform", low=60.0, high=120.0), denial=0.5)
    fixed_time = single_application(scenario, fixed(90.0), denial=0.5)
    shifted = single_application(scenario, Distribution("uniform", low=70.0, high=130.0), denial=0.5)

    def first_outcome(world: Scenario, replication: int) -> str:
        return simulate(world, regime, replication, 5).applications[0].outcome

    outcomes = [(first_outcome(drawn, r), first_outcome(fixed_time, r)) for r in range(40)]
    assert {a for a, _ in outcomes} == {"approved", "denied"}
    # The oracle is reachable: a review drawn from another uniform range keeps every outcome.
    assert [first_outcome(shifted, r) for r in range(40)] == [a for a, _ in outcomes]
    mismatched = [r for r, (a, b) in enumerate(outcomes) if a != b]
    assert mismatched == [], f"first application decided differently in replications {mismatched}"


# ---------------------------------------------------------------- confidence interval coverage


def test_ci95_covers_known_mean_about_95_percent(one_fab: tuple[Scenario, Regime]) -> None:
    """First approval is 0.07 + U(60, 120) days: the 95% CI covers 90.07 for 88-99% of 200 seeds.

    Three replications a seed, so that Student's t (4.303) and the normal 1.96 differ enough
    to tell apart: with 1.96 the interval covers about 84%.
    """
    scenario, regime = one_fab
    world = single_application(scenario, Distribution("uniform", low=60.0, high=120.0))
    records = simulate(world, regime, 0, 1)
    [application] = records.applications
    first = application.decided - records.material_shock_day["photoresist"]
    assert FILING_DELAY + 60 <= first <= FILING_DELAY + 120
    true_mean = FILING_DELAY + 90.0
    covered, means = 0, []
    for seed in range(200):
        result = study([Variant("w", world, regime)], seed, Plan(replications=3))
        licensing = result.summaries[0].values
        assert licensing[("licensing", "photoresist", "applications")].mean == 1.0
        summary = licensing[("licensing", "photoresist", "first_approval_day")].summary()
        low, high = summary["ci95"]
        covered += low <= true_mean <= high
        means.append(summary["mean"])
    assert 0.88 <= covered / 200 <= 0.99, covered
    assert float(np.mean(means)) == pytest.approx(true_mean, abs=2.0)


# ---------------------------------------------------------------- --precision


@pytest.mark.parametrize("workers", [1, 3])
def test_precision_stops_after_first_batch_when_deterministic(
    one_fab: tuple[Scenario, Regime], workers: int
) -> None:
    """On one-fab every half-width is 0, so a precision study stops at max(10, 4 x workers) replications."""
    scenario, regime = one_fab
    plan = Plan(precision=0.01, workers=workers)
    result = study([Variant("w", scenario, regime)], 1, plan)
    assert result.count == max(10, 4 * workers)
    assert result.precise(0.01)


def test_precision_never_exceeds_the_cap(one_fab: tuple[Scenario, Regime]) -> None:
    """A cap below the first batch is the number of replications run."""
    scenario, regime = one_fab
    result = study([Variant("w", scenario, regime)], 1, Plan(precision=0.01, max_replications=7))
    assert result.count == 7


def test_precision_stops_once_precise() -> None:
    """On japan-2019 at precision 1.5 the study grows in batches and stops at the first precise one.

    The batch before the last is not precise yet, so it cannot have stopped early; and it stops
    as soon as it is precise, before the cap.
    """
    scenario, regime = load_scenario(JAPAN)
    variants = [Variant("base", scenario, regime)]
    planned: list[int] = []
    result = study(
        variants,
        1,
        Plan(precision=1.5, max_replications=200, workers=2),
        on_progress=lambda _, target: planned.append(target),
    )
    targets = sorted(set(planned))
    assert targets[0] == 10, targets
    assert len(targets) >= 3, targets
    assert result.count == targets[-1] < 200
    assert result.precise(1.5)
    assert not study(variants, 1, Plan(replications=targets[-2])).precise(1.5)


def test_precision_adds_replications_until_precise_or_capped() -> None:
    """On japan-2019 (precision 0.5, cap 200) an imprecise first batch grows to the cap."""
    scenario, regime = load_scenario(JAPAN)
    variants = [Variant("base", scenario, regime)]
    first = study(variants, 1, Plan(replications=10))
    planned: list[int] = []
    batch = Accumulator()

    def first_ten(outcome: Outcome) -> None:
        if outcome.number < 10:
            batch.add(outcome.metrics[0])

    result = study(
        variants,
        1,
        Plan(precision=0.5, max_replications=200, workers=2),
        on_outcome=first_ten,
        on_progress=lambda _, target: planned.append(target),
    )
    assert planned[0] == 10
    assert planned == sorted(planned)
    assert batch.summary() == first.summaries[0].summary()  # the same first batch
    assert not first.precise(0.5)  # with seed 1 the first batch is too noisy, so the study goes on
    assert result.count == 200  # seed 1 is still imprecise at the cap
    assert not result.precise(0.5)
    imprecise = [
        (path, running.mean, running.half_width)
        for path, running in result.summaries[0].values.items()
        if path[-1] in HEADLINE and running.half_width > 0.5 * abs(running.mean)
    ]
    assert (imprecise == []) == result.precise(0.5), imprecise


# ---------------------------------------------------------------- accumulating metrics


def test_absent_flow_counts_as_zero_and_other_metrics_do_not() -> None:
    """A flow missing from a replication (before or after it first appears) counts as 0 tonnes."""
    accumulator = Accumulator()
    flow = ("flows", "photoresist", "JP", "2019-07")
    accumulator.add([(("licensing", "photoresist", "applications"), 2.0)])
    accumulator.add([(flow, 6.0), (("licensing", "photoresist", "applications"), 4.0)])
    accumulator.add([])
    assert accumulator.count == 3
    assert accumulator.values[flow].count == 3
    assert accumulator.values[flow].mean == pytest.approx(2.0)
    assert accumulator.values[("licensing", "photoresist", "applications")].count == 2
    assert accumulator.summary()["licensing"]["photoresist"]["applications"]["mean"] == pytest.approx(3.0)


def test_precise_compares_half_width_with_target_times_mean(one_fab: tuple[Scenario, Regime]) -> None:
    """``Study.precise(x)`` holds exactly when each headline half-width is at most x times its mean."""
    scenario, regime = one_fab
    result = Study([Variant("w", scenario, regime)], 1, [Accumulator()], [])
    path = ("chipmakers", "fab", "photoresist", "stockout_days")
    for value in (10.0, 12.0, 14.0):
        result.summaries[0].add([(path, value)])
    t2 = 0.95 / math.sqrt(2 * 0.975 * 0.025)  # Student's t quantile in closed form for 2 degrees of freedom
    half = t2 * 2.0 / math.sqrt(3)  # sd 2 of 3 values
    assert result.count == 3
    assert result.precise(half / 12.0 + 1e-9)
    assert not result.precise(half / 12.0 - 1e-9)


# ---------------------------------------------------------------- bounded memory


def test_running_keeps_a_bounded_reservoir_and_exact_moments() -> None:
    """However many values are added, at most RESERVOIR are kept, and mean and variance match numpy."""
    values = np.random.default_rng(8).lognormal(0.0, 1.0, 3 * RESERVOIR + 17)
    running = Running("metric")
    for value in values:
        running.add(float(value))
    assert len(running._sample) == RESERVOIR
    assert running.count == len(values)
    assert running.mean == pytest.approx(float(np.mean(values)), rel=1e-12)
    assert running.variance == pytest.approx(float(np.var(values, ddof=1)), rel=1e-9)
    t = float(student_t.ppf(0.975, len(values) - 1))  # scipy.stats, beside the model's scipy.special
    assert running.half_width == pytest.approx(t * float(np.std(values, ddof=1)) / math.sqrt(len(values)))


def test_reservoir_is_a_uniform_sample_of_all_values() -> None:
    """Past RESERVOIR values added in increasing order, the median is still near the true one."""
    count = 3 * RESERVOIR
    running = Running("ordered")
    for value in range(count):
        running.add(float(value))
    p50 = running.summary()["p50"]
    assert isinstance(p50, float)
    # The reservoir's median has a standard deviation of about 80 here; the first 4,096 give 2,048.
    assert abs(p50 - (count - 1) / 2) < 400


def test_percentiles_are_exact_up_to_the_reservoir() -> None:
    """With at most RESERVOIR values (NaNs skipped), p10, p50 and p90 equal numpy's percentiles."""
    values = np.random.default_rng(3).normal(5.0, 2.0, RESERVOIR)
    running = Running("exact")
    for value in values:
        running.add(float(value))
    running.add(math.nan)
    summary = running.summary()
    assert running.count == RESERVOIR
    expected = np.percentile(values, [10, 50, 90])
    assert [summary["p10"], summary["p50"], summary["p90"]] == pytest.approx(list(expected), rel=0, abs=0)
    assert summary["ci95"] == pytest.approx(
        [running.mean - running.half_width, running.mean + running.half_width]
    )


def test_same_values_give_the_same_reservoir_summary() -> None:
    """Two summaries of one metric name fed the same values agree exactly, past the reservoir."""
    values = np.random.default_rng(5).random(RESERVOIR + 1000)
    first, second = Running("same"), Running("same")
    for value in values:
        first.add(float(value))
        second.add(float(value))
    assert first.summary() == second.summary()


def test_empty_running_summary_is_all_none() -> None:
    """A metric that never applied (only NaN values) summarises to None everywhere."""
    running = Running()
    running.add(math.nan)
    assert running.summary() == dict.fromkeys(("mean", "ci95", "interval", "p10", "p50", "p90"))


# ---------------------------------------------------------------- sweeps


def test_grid_is_the_cartesian_product_in_order() -> None:
    """Grid points run through the last axis fastest, in the order the values were written."""
    axes = [Axis("a", (1, 2)), Axis("b", ("x", "y", "z"))]
    assert grid(axes) == [
        {"a": 1, "b": "x"},
        {"a": 1, "b": "y"},
        {"a": 1, "b": "z"},
        {"a": 2, "b": "x"},
        {"a": 2, "b": "y"},
        {"a": 2, "b": "z"},
    ]


def test_latin_hypercube_puts_one_point_in_each_stratum() -> None:
    """With N samples, each axis's range is cut into N equal strata holding one point each."""
    axes = [parse_axis("a=0.0:1.0:0.5"), parse_axis("b=10.0:30.0:5.0"), parse_axis("c=-4.0,6.0")]
    samples = 25
    points = latin_hypercube(axes, samples, seed=7)
    assert len(points) == samples
    for axis in axes:
        low, high = axis.bounds
        strata = sorted(math.floor((p[axis.path] - low) / (high - low) * samples) for p in points)
        assert strata == list(range(samples)), axis.path


def test_latin_hypercube_is_reproducible_for_a_seed() -> None:
    """The same seed gives the same points; another seed gives others."""
    axes = [parse_axis("a=0.0:1.0:0.5"), parse_axis("b=5:50:5")]
    assert latin_hypercube(axes, 12, seed=1) == latin_hypercube(axes, 12, seed=1)
    assert latin_hypercube(axes, 12, seed=1) != latin_hypercube(axes, 12, seed=2)
    assert all(isinstance(p["b"], int) and 5 <= p["b"] <= 50 for p in latin_hypercube(axes, 12, seed=1))


@pytest.mark.parametrize(
    ("text", "path", "values"),
    [
        ("authority.examiners=10:30:10", "authority.examiners", (10, 20, 30)),
        ("x=1:2:0.25", "x", (1.0, 1.25, 1.5, 1.75, 2.0)),
        ("x=0.1:0.3:0.1", "x", (0.1, 0.2, 0.3)),
        ("x=0:1:0.3", "x", (0.0, 0.3, 0.6, 0.9)),
        ("x=7:7:1", "x", (7,)),
        ("x=1,2.5,true,korea", "x", (1, 2.5, True, "korea")),
        ("a.b.c=14", "a.b.c", (14,)),
    ],
)
def test_parse_axis_values(text: str, path: str, values: tuple[Any, ...]) -> None:
    """Ranges include both ends (when the step reaches the stop); lists and single values parse by kind."""
    axis = parse_axis(text)
    assert axis.path == path
    assert axis.values == values
    assert [type(v) for v in axis.values] == [type(v) for v in values]


@pytest.mark.parametrize("text", ["x", "=1:2:1", "x=", "x=1:b:1", "x=1:5:0", "x=1:5:-1", "x=true:5:1"])
def test_parse_axis_rejects_bad_specs(text: str) -> None:
    """A spec without a path or values, or a range that is not numeric with a positive step, is refused."""
    with pytest.raises(ExportsimError, match="--set"):
        parse_axis(text)


def test_latin_hypercube_needs_numbers() -> None:
    """A Latin hypercube over an axis of words is refused with the axis's path."""
    with pytest.raises(ExportsimError, match="--set x"):
        latin_hypercube([parse_axis("x=a,b")], 4, seed=1)


@pytest.mark.parametrize(
    "text", ["stockout_days == 0", "max stockout_days = 0", "avg tts_days > 1", "max x == y"]
)
def test_condition_rejects_bad_text(text: str) -> None:
    """A --find condition that is not AGGREGATE METRIC OPERATOR NUMBER is refused."""
    with pytest.raises(ExportsimError, match="--find"):
        Condition.parse(text)


def test_condition_holds_only_when_the_whole_interval_does() -> None:
    """``max stockout_days <= 5`` holds when the CI's upper end is at most 5, not just the mean."""
    condition = Condition.parse("max stockout_days <= 5")
    assert (condition.aggregate, condition.metric, condition.operator, condition.value) == (
        "max",
        "stockout_days",
        "<=",
        5.0,
    )
    tight, loose = Running(), Running()
    for value in (4.0, 4.5, 5.0):
        tight.add(value)
    for value in (0.0, 4.0, 8.0):
        loose.add(value)
    assert condition.holds(tight) is False  # the interval's top lies above 5
    assert condition.holds(loose) is False
    exact = Running()
    for _ in range(3):
        exact.add(4.0)
    assert condition.holds(exact) is True
    assert condition.holds(Running()) is False
