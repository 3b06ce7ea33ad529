"""Summaries over replications: mean, 95% confidence interval and percentiles, in bounded memory.

Means and variances are accumulated by Welford's method; percentiles come from a uniform
reservoir sample of at most :data:`RESERVOIR` values (exact up to that many replications).
The reservoir's random choices come from a generator seeded by the metric's name, so the
same values added in the same order give the same summary, however they were computed.
NaN values (a metric that does not apply in a replication, such as time to survive without
a shock) are left out.

The confidence interval stays within the metric's range (:mod:`simulator.model.ranges`) and
names its method (:data:`INTERVALS`): an indicator's mean, a probability, gets the
Clopper-Pearson interval, whose coverage is at least 95% at every sample size; other metrics
get Student's t on the replication means (its exact quantile, scipy's), clipped to the range.
Clipping never lowers coverage, since the true mean lies in the range; benchmarks/coverage.py
measures what each method covers (docs/experiments.md). The half-width that ``--precision``
judges is always Student's t's, before clipping.
"""

from __future__ import annotations

import functools
import math
import zlib

import numpy as np
from scipy.special import betaincinv, stdtrit

from simulator.model.ranges import UNBOUNDED, MetricRange

RESERVOIR = 4096

Summary = dict[str, float | list[float] | str | None]

INTERVALS = {
    "t": "Student's t",
    "t-clipped": "Student's t clipped to the metric's range",
    "clopper-pearson": "Clopper-Pearson for a 0/1 indicator's probability",
    "welch": "Welch's t (unpaired)",
    "welch-clipped": "Welch's t (unpaired) clipped to the difference's range",
}
"""Each ``interval`` method a summary may name, as a reader would."""


@functools.lru_cache(maxsize=1024)
def t975(dof: float) -> float:
    """Student's t quantile for a two-sided 95% interval, exact at every sample size.

    >>> round(t975(9), 4), round(t975(39), 4), round(t975(10_000), 4)
    (2.2622, 2.0227, 1.9602)
    """
    return float(stdtrit(dof, 0.975))


def t_half_width(count: int, variance: float) -> float:
    """Student's t 95% half-width of a mean of ``count`` values of this sample variance (0 below 2)."""
    return t975(count - 1) * math.sqrt(variance / count) if count > 1 else 0.0


def mean_interval(
    count: int, mean: float, variance: float, within: MetricRange, extremes: tuple[float, float], binary: bool
) -> tuple[float, float, str]:
    """The 95% interval of a mean of ``count`` values in ``within``, and its method's name.

    Args:
        count: how many values (at least 1).
        mean: their mean.
        variance: their sample variance.
        within: the range the values lie in; with values outside it (``extremes``, the least
            and the greatest), Student's t unclipped.
        extremes: the least and the greatest value.
        binary: whether every value is 0 or 1 (an indicator's mean then gets Clopper-Pearson).

    >>> low, high, method = mean_interval(10, 11.8, 400.0, MetricRange(0.0), (0.0, 60.0), False)
    >>> low, round(high, 1), method  # t alone: [-2.5, 26.1]
    (0.0, 26.1, 't-clipped')
    """
    half = t_half_width(count, variance)
    low, high = mean - half, mean + half
    if extremes[0] < within.low or extremes[1] > within.high:
        return low, high, "t"
    if within.indicator and binary:
        return *clopper_pearson(round(mean * count), count), "clopper-pearson"
    if not within.bounded:
        return low, high, "t"
    return *clipped(low, high, within), "t-clipped"


def clopper_pearson(successes: int, trials: int) -> tuple[float, float]:
    """The Clopper-Pearson 95% interval of a probability: at least 95% coverage for every p and n.

    >>> [round(v, 7) for v in clopper_pearson(0, 10)], [round(v, 7) for v in clopper_pearson(3, 10)]
    ([0.0, 0.3084971], [0.0667395, 0.6524529])
    """
    low = 0.0 if successes == 0 else float(betaincinv(successes, trials - successes + 1, 0.025))
    high = 1.0 if successes == trials else float(betaincinv(successes + 1, trials - successes, 0.975))
    return low, high


def clipped(low: float, high: float, within: MetricRange) -> tuple[float, float]:
    """An interval's intersection with a range.

    >>> clipped(-2.6, 26.1, MetricRange(0.0))
    (0.0, 26.1)
    """
    return min(max(low, within.low), within.high), max(min(high, within.high), within.low)


class Running:
    """One metric's running summary: count, Welford moments, extremes and a bounded reservoir.

    ``within`` is the range the metric's values lie in; should a value fall outside it after
    all, the interval is Student's t unclipped, and an indicator's only while every value is 0 or 1.
    """

    __slots__ = ("_binary", "_rng", "_sample", "count", "least", "m2", "mean", "most", "within")

    def __init__(self, name: str = "", within: MetricRange = UNBOUNDED) -> None:
        self.count = 0
        self.mean = 0.0
        self.m2 = 0.0
        self.least, self.most = math.inf, -math.inf
        self.within = within
        self._binary = True
        self._sample: list[float] = []
        self._rng = np.random.default_rng(zlib.crc32(name.encode("utf-8")))

    def add(self, value: float) -> None:
        """Add one replication's value (NaN is skipped)."""
        if math.isnan(value):
            return
        self.count += 1
        delta = value - self.mean
        self.mean += delta / self.count
        self.m2 += delta * (value - self.mean)
        self.least, self.most = min(self.least, value), max(self.most, value)
        self._binary = self._binary and value in (0.0, 1.0)
        self._keep(value)

    def _keep(self, value: float) -> None:
        """Reservoir sampling: the ``count``-th value replaces a kept one with probability RESERVOIR/count."""
        if len(self._sample) < RESERVOIR:
            self._sample.append(value)
        else:
            slot = int(self._rng.integers(self.count))
            if slot < RESERVOIR:
                self._sample[slot] = value

    @property
    def half_width(self) -> float:
        """Student's t 95% half-width of the mean (0 for fewer than 2 values), before any clipping."""
        return t_half_width(self.count, self.variance)

    @property
    def variance(self) -> float:
        """Sample variance (0 for fewer than 2 values)."""
        return self.m2 / (self.count - 1) if self.count > 1 else 0.0

    def interval(self) -> tuple[float, float, str]:
        """The 95% confidence interval of the mean, within the metric's range, and its method's name.

        Raises:
            ValueError: no value has been added.
        """
        if self.count == 0:
            raise ValueError("no values: a mean's interval needs at least one")
        extremes = (self.least, self.most)
        return mean_interval(self.count, self.mean, self.variance, self.within, extremes, self._binary)

    def summary(self) -> Summary:
        """``mean``, ``ci95`` ([low, high]), ``interval`` (its method), ``p10``, ``p50``, ``p90``.

        All None when empty.
        """
        if self.count == 0:
            return dict.fromkeys(("mean", "ci95", "interval", "p10", "p50", "p90"))
        low, high, method = self.interval()
        p10, p50, p90 = (float(q) for q in np.percentile(self._sample, [10, 50, 90]))
        return {
            "mean": self.mean,
            "ci95": [low, high],
            "interval": method,
            "p10": p10,
            "p50": p50,
            "p90": p90,
        }
