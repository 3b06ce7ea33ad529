"""The values each metric can take, so that an interval for its mean stays where the mean can be.

Days, tonnes, counts and dollars lost are never negative; production loss is a fraction of
planned output, in [0, 1]; ``tts_lt_ttr`` is an indicator (1 when the fab runs out before
supply recovers, else 0), whose mean over replications is a probability. The statistics
(:mod:`simulator.studies.stats`) keep each interval within its metric's range and give an
indicator's mean a binomial interval. A metric not listed here is taken as unbounded.
"""

from __future__ import annotations

import math

from attrs import frozen


@frozen
class MetricRange:
    """The values one replication's metric can take: [low, high], and whether only 0 or 1."""

    low: float = -math.inf
    high: float = math.inf
    indicator: bool = False

    def difference(self) -> MetricRange:
        """The range of a difference between two values of the metric, [low - high, high - low].

        >>> FRACTION.difference()
        MetricRange(low=-1.0, high=1.0, indicator=False)
        """
        return MetricRange(self.low - self.high, self.high - self.low)

    @property
    def bounded(self) -> bool:
        """Whether either end is finite."""
        return math.isfinite(self.low) or math.isfinite(self.high)


UNBOUNDED = MetricRange()
NON_NEGATIVE = MetricRange(0.0)
FRACTION = MetricRange(0.0, 1.0)
INDICATOR = MetricRange(0.0, 1.0, indicator=True)

_BY_NAME = {
    **dict.fromkeys(
        (
            "stockout_days", "conservation_days", "tts_days", "ttr_days", "shock_stock_days",
            "order_up_to_days", "first_approval_day", "lead_time_days",
        ),
        NON_NEGATIVE,
    ),
    **dict.fromkeys(
        ("resourced_t", "output_t", "held_t", "resourced_away_t", "applications", "approved", "denied",
         "returned", "production_loss_usd"),
        NON_NEGATIVE,
    ),
    "production_loss_fraction": FRACTION,
    "tts_lt_ttr": INDICATOR,
}  # fmt: skip
_SERIES = {"flows": NON_NEGATIVE, "customs": NON_NEGATIVE}
"""Monthly tonnes, whose paths end in a month rather than a metric's name."""


def range_of(path: tuple[str, ...]) -> MetricRange:
    """The range of the metric at ``path`` (as :func:`simulator.model.metrics.flatten` yields it).

    >>> range_of(("chipmakers", "fab", "photoresist", "tts_lt_ttr")).indicator
    True
    >>> range_of(("flows", "photoresist", "JP", "2019-07")) == NON_NEGATIVE
    True
    """
    return _SERIES.get(path[0]) or _BY_NAME.get(path[-1], UNBOUNDED)
