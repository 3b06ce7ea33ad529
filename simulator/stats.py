"""Summaries over replications: mean, 95% confidence interval and percentiles.

The confidence interval is Student's t on the replication means (exact for normal outputs,
asymptotically right otherwise). NaN values (a metric that does not apply in a replication,
such as time to survive without a shock) are left out.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np

# Two-sided 97.5% quantiles of Student's t for 1..30 degrees of freedom; 1.96 beyond.
_T975 = (
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
    2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
    2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
)  # fmt: skip


def t975(dof: int) -> float:
    """Student's t quantile for a two-sided 95% interval.

    >>> t975(9)
    2.262
    """
    return _T975[dof - 1] if dof <= len(_T975) else 1.96


def summarise(values: Iterable[float]) -> dict[str, float | list[float] | None]:
    """Return ``mean``, ``ci95`` ([low, high]), ``p10``, ``p50`` and ``p90`` of ``values``.

    >>> summarise([1.0, 2.0, 3.0])["mean"]
    2.0
    """
    data = np.array([v for v in values if not math.isnan(v)], dtype=float)
    if data.size == 0:
        return {"mean": None, "ci95": None, "p10": None, "p50": None, "p90": None}
    mean = float(data.mean())
    half = t975(data.size - 1) * float(data.std(ddof=1)) / math.sqrt(data.size) if data.size > 1 else 0.0
    p10, p50, p90 = (float(q) for q in np.percentile(data, [10, 50, 90]))
    return {"mean": mean, "ci95": [mean - half, mean + half], "p10": p10, "p50": p50, "p90": p90}
