"""Summaries over replications: mean, 95% confidence interval and percentiles, in bounded memory.

Means and variances are accumulated by Welford's method; percentiles come from a uniform
reservoir sample of at most :data:`RESERVOIR` values (exact up to that many replications).
The reservoir's random choices come from a generator seeded by the metric's name, so the
same values added in the same order give the same summary, however they were computed.
The confidence interval is Student's t on the replication means, with its exact quantile
(scipy) at every sample size. NaN values (a metric that
does not apply in a replication, such as time to survive without a shock) are left out.
"""

from __future__ import annotations

import functools
import math
import zlib

import numpy as np
from scipy.special import stdtrit

RESERVOIR = 4096

Summary = dict[str, float | list[float] | None]


@functools.lru_cache(maxsize=1024)
def t975(dof: float) -> float:
    """Student's t quantile for a two-sided 95% interval, exact at every sample size.

    >>> round(t975(9), 4), round(t975(39), 4), round(t975(10_000), 4)
    (2.2622, 2.0227, 1.9602)
    """
    return float(stdtrit(dof, 0.975))


class Running:
    """One metric's running summary: count, Welford moments and a bounded reservoir."""

    __slots__ = ("_rng", "_sample", "count", "m2", "mean")

    def __init__(self, name: str = "") -> None:
        self.count = 0
        self.mean = 0.0
        self.m2 = 0.0
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
        """Half-width of the 95% confidence interval of the mean (0 for fewer than 2 values)."""
        if self.count < 2:
            return 0.0
        return t975(self.count - 1) * math.sqrt(self.variance / self.count)

    @property
    def variance(self) -> float:
        """Sample variance (0 for fewer than 2 values)."""
        return self.m2 / (self.count - 1) if self.count > 1 else 0.0

    def summary(self) -> Summary:
        """``mean``, ``ci95`` ([low, high]), ``p10``, ``p50`` and ``p90``; None when empty."""
        if self.count == 0:
            return {"mean": None, "ci95": None, "p10": None, "p50": None, "p90": None}
        half = self.half_width
        p10, p50, p90 = (float(q) for q in np.percentile(self._sample, [10, 50, 90]))
        return {
            "mean": self.mean,
            "ci95": [self.mean - half, self.mean + half],
            "p10": p10,
            "p50": p50,
            "p90": p90,
        }
