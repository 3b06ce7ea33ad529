"""Confidence intervals of replication means: within each metric's range, named, and covering.

Oracles: Student's t from scipy.stats (independent of the model's scipy.special), binomial
intervals as R's binom.test prints them, exact binomial coverage sums, and a seeded coverage
simulation held to a binomial tolerance around its known value.
"""

from __future__ import annotations

import math

import attrs
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.stats import binom
from scipy.stats import t as student_t

from simulator.model.ranges import FRACTION, INDICATOR, NON_NEGATIVE, UNBOUNDED, MetricRange, range_of
from simulator.rendering.report import comparison_text, run_text
from simulator.rules.values import Regime
from simulator.scenario.distributions import Distribution
from simulator.scenario.overrides import override
from simulator.scenario.values import ItemReview, Scenario
from simulator.studies.experiments import Accumulator, Plan, Variant, comparison, run, study
from simulator.studies.stats import INTERVALS, Running, clopper_pearson

TRIALS = 2_000
TOLERANCE = 4 * math.sqrt(0.95 * 0.05 / TRIALS)  # 4 binomial standard errors: about ±0.019


def running(values: list[float], within: MetricRange = UNBOUNDED) -> Running:
    """A running summary of ``values`` in ``within``."""
    summary = Running("metric", within)
    for value in values:
        summary.add(value)
    return summary


# ---------------------------------------------------------------- oracles


def test_stockout_days_interval_stops_at_zero() -> None:
    """Stock-out days 0 in 8 runs and 59 in 2: t's [mean - h, mean + h] becomes [0, mean + h]."""
    values = [0.0] * 8 + [59.0] * 2
    half = student_t.ppf(0.975, 9) * np.std(values, ddof=1) / math.sqrt(10)
    low, high, method = running(values, NON_NEGATIVE).interval()
    assert 11.8 - half < 0  # the unclipped interval would cross zero
    assert (low, high, method) == (0.0, pytest.approx(11.8 + half), "t-clipped")


@pytest.mark.parametrize(
    ("ones", "count", "expected"),
    [
        (19, 20, (0.7512672, 0.9987349)),  # the probability the issue showed as 0.950 [0.845, 1.1]
        (0, 10, (0.0, 0.3084971)),
        (3, 10, (0.0667395, 0.6524529)),
        (20, 20, (0.8315665, 1.0)),
    ],
)
def test_indicator_means_get_clopper_pearson(ones: int, count: int, expected: tuple[float, float]) -> None:
    """A 0/1 indicator's mean gets the Clopper-Pearson interval, as R's binom.test(ones, count) gives it."""
    summary = running([1.0] * ones + [0.0] * (count - ones), INDICATOR).summary()
    assert summary["interval"] == "clopper-pearson"
    assert summary["ci95"] == pytest.approx(list(expected), abs=5e-8)


def test_values_outside_the_range_fall_back_to_plain_t() -> None:
    """A value the range says cannot occur makes the interval Student's t, unclipped, and says so."""
    values = [0.0, 1.0, 0.0, 2.0]  # not a 0/1 indicator after all
    low, high, method = running(values, INDICATOR).interval()
    half = student_t.ppf(0.975, 3) * np.std(values, ddof=1) / 2
    assert (low, high, method) == (pytest.approx(0.75 - half), pytest.approx(0.75 + half), "t")


def test_a_fraction_that_is_not_0_or_1_is_clipped_t() -> None:
    """An indicator's range with values between 0 and 1 gets t clipped to [0, 1], not a binomial interval."""
    low, high, method = running([0.0, 0.5, 1.0], INDICATOR).interval()
    assert (low, high, method) == (0.0, 1.0, "t-clipped")


def test_precision_judges_the_unclipped_t_half_width() -> None:
    """``half_width`` (what --precision compares) stays Student's t's when the interval is clipped."""
    values = [0.0, 0.0, 0.0, 10.0]
    summary = running(values, NON_NEGATIVE)
    expected = student_t.ppf(0.975, 3) * np.std(values, ddof=1) / 2
    assert summary.half_width == pytest.approx(expected)
    low, _, _ = summary.interval()
    assert summary.mean - low < summary.half_width


def test_metric_ranges_are_the_documented_ones() -> None:
    """Days and tonnes are non-negative, production loss a fraction, tts_lt_ttr an indicator, others open."""
    plant = ("chipmakers", "fab", "photoresist")
    assert range_of((*plant, "stockout_days")) == NON_NEGATIVE
    assert range_of((*plant, "production_loss_fraction")) == FRACTION
    assert range_of(("companies", "samsung", "production_loss_usd")) == NON_NEGATIVE
    assert range_of((*plant, "tts_lt_ttr")) == INDICATOR
    assert range_of(("customs", "3707.90", "KR", "JP", "2019-07")) == NON_NEGATIVE
    assert range_of(("licensing", "photoresist", "something_new")) == UNBOUNDED
    assert INDICATOR.difference() == MetricRange(-1.0, 1.0)


# ---------------------------------------------------------------- properties


def _values(within: MetricRange) -> st.SearchStrategy[list[float]]:
    if within.indicator:
        element = st.sampled_from([0.0, 1.0])
    else:
        high = within.high if math.isfinite(within.high) else 1e6
        low = within.low if math.isfinite(within.low) else -1e6
        element = st.floats(low, high)
    return st.lists(element, min_size=1, max_size=50)


RANGES = [NON_NEGATIVE, FRACTION, INDICATOR, FRACTION.difference(), NON_NEGATIVE.difference()]


@given(st.sampled_from(RANGES).flatmap(lambda r: st.tuples(st.just(r), _values(r))))
def test_intervals_never_leave_their_range(case: tuple[MetricRange, list[float]]) -> None:
    """Whatever values a metric takes within its range, its interval lies within it and holds the mean."""
    within, values = case
    summary = running(values, within)
    low, high, method = summary.interval()
    assert within.low <= low <= summary.mean <= high <= within.high, (low, summary.mean, high)
    expected = "clopper-pearson" if within.indicator else "t-clipped" if within.bounded else "t"
    assert method == expected


# ---------------------------------------------------------------- coverage


def _coverage(draw: np.ndarray, true_mean: float, within: MetricRange) -> float:
    covered = 0
    for sample in draw:
        low, high, _ = running(sample.tolist(), within).interval()
        covered += low <= true_mean <= high
    return covered / len(draw)


def test_t_interval_covers_a_normal_mean_95_percent_at_5_replications() -> None:
    """Normal samples of 5: Student's t is exact, so 2,000 seeded trials cover within 4 SE of 0.95."""
    draw = np.random.default_rng(5).normal(10.0, 3.0, (TRIALS, 5))
    assert abs(_coverage(draw, 10.0, UNBOUNDED) - 0.95) < TOLERANCE


def exact_clopper_pearson_coverage(p: float, n: int) -> float:
    """The probability that the interval of X ~ Binomial(n, p) holds p, summed over X."""
    intervals = [clopper_pearson(x, n) for x in range(n + 1)]
    return float(sum(binom.pmf(x, n, p) for x, (lo, hi) in enumerate(intervals) if lo <= p <= hi))


def test_simulated_indicator_coverage_matches_the_exact_binomial_sum() -> None:
    """An event of probability 0.1, 20 replications: 2,000 seeded trials within 4 SE of the exact sum."""
    exact = exact_clopper_pearson_coverage(0.1, 20)
    draw = (np.random.default_rng(20).random((TRIALS, 20)) < 0.1).astype(float)
    se = math.sqrt(exact * (1 - exact) / TRIALS)
    assert abs(_coverage(draw, 0.1, INDICATOR) - exact) < 4 * se


@pytest.mark.parametrize("n", [1, 2, 3, 5, 10, 20, 40])
def test_clopper_pearson_covers_at_least_95_percent_for_every_p(n: int) -> None:
    """Exact coverage, over a grid of p from 0.005 to 0.995, never falls below 0.95 (Wilson's does)."""
    worst = min(exact_clopper_pearson_coverage(float(p), n) for p in np.linspace(0.005, 0.995, 199))
    assert worst >= 0.95 - 1e-12


# ---------------------------------------------------------------- in studies and tables


def _reviewed(scenario: Scenario, low: float, high: float) -> Scenario:
    scenario = override(scenario, "suppliers.maker.contract_days", 1000)
    terms = ItemReview("photoresist", Distribution("uniform", low=low, high=high))
    return attrs.evolve(scenario, authority=attrs.evolve(scenario.authority, items=(terms,)))


def test_run_summary_names_each_method_and_the_table_too(one_fab: tuple[Scenario, Regime]) -> None:
    """``run``'s JSON says which interval each metric has, and the table's footnote names the method."""
    scenario, regime = one_fab
    summary = run(_reviewed(scenario, 60.0, 150.0), regime, Plan(replications=4), 2)
    metrics = summary["chipmakers"]["fab"]["photoresist"]
    assert metrics["tts_lt_ttr"]["interval"] == "clopper-pearson"
    assert metrics["stockout_days"]["interval"] == "t-clipped"
    assert metrics["stockout_days"]["ci95"][0] >= 0
    assert "95% CI: Student's t clipped to the metric's range (t-clipped)" in run_text(summary)


@pytest.mark.parametrize("paired", [True, False])
def test_differences_stay_within_the_difference_range(one_fab: tuple[Scenario, Regime], paired: bool) -> None:
    """A fraction's or an indicator's difference stays in [-1, 1]; days' differences are open; all named."""
    scenario, regime = one_fab
    variants = [
        Variant(n, _reviewed(scenario, lo, hi), regime) for n, lo, hi in [("a", 60, 90), ("b", 30, 200)]
    ]
    data = comparison(study(variants, 4, Plan(replications=3)), paired=paired)
    differences = data["differences"]["b"]["chipmakers"]["fab"]["photoresist"]
    clipped, open_ended = ("t-clipped", "t") if paired else ("welch-clipped", "welch")
    for name in ("production_loss_fraction", "tts_lt_ttr"):
        low, high = differences[name]["ci95"]
        assert (differences[name]["interval"], -1 <= low <= high <= 1) == (clipped, True), name
    assert differences["stockout_days"]["interval"] == open_ended
    assert set(INTERVALS) >= {differences[m]["interval"] for m in differences}
    assert "Clopper-Pearson for a 0/1 indicator's probability (clopper-pearson)" in comparison_text(data)


def test_difference_accumulator_widens_each_range() -> None:
    """Differences of a fraction may be negative: their accumulator's range is [-1, 1], not [0, 1]."""
    accumulator = Accumulator(differences=True)
    path = ("chipmakers", "fab", "photoresist", "production_loss_fraction")
    for value in (-0.4, -0.6, 0.1):
        accumulator.add([(path, value)])
    assert accumulator.values[path].within == MetricRange(-1.0, 1.0)
    assert accumulator.values[path].interval()[2] == "t-clipped"
