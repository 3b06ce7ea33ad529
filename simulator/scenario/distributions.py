"""Random durations and quantities, each drawn from exactly one uniform number.

Every value is the distribution's quantile of one uniform draw (inverse-transform sampling).
So a stream yields the n-th value from its n-th uniform, whatever the kind or parameters of
the distribution: two variants that differ only in a review-time distribution still pair
draw for draw (common random numbers), and a ``fixed`` value uses up its uniform too.
Every kind's quantile function is exact: the gamma's is the inverse of the regularised
incomplete gamma function and the lognormal's the exponential of the normal quantile (both
scipy's, vectorised over a batch; see docs/model.md).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from typing import Literal

import numpy as np
import numpy.typing as npt
from attrs import frozen
from scipy.special import gammaincinv, ndtri

from simulator.errors import Problem

DistributionKind = Literal["fixed", "uniform", "triangular", "exponential", "gamma", "lognormal"]
Floats = npt.NDArray[np.float64]

_PARAMETERS = {
    "fixed": ("value",),
    "uniform": ("low", "high"),
    "triangular": ("low", "mode", "high"),
    "exponential": ("mean",),
    "gamma": ("mean", "sd"),
    "lognormal": ("mean", "sd"),
}
MAX_PARAMETER = 1e9
"""The largest parameter of a distribution (days: far beyond any run's end). Much larger ones
overflow the quantiles to infinity or NaN: a triangular's from about 1e154."""


@frozen
class Distribution:
    """A random duration or quantity, in the unit its field names.

    ``fixed`` uses ``value``; ``uniform`` ``low``/``high``; ``triangular`` ``low``/``mode``/
    ``high``; ``exponential`` ``mean``; ``gamma`` and ``lognormal`` ``mean``/``sd``.
    """

    dist: DistributionKind
    value: float | None = None
    low: float | None = None
    mode: float | None = None
    high: float | None = None
    mean: float | None = None
    sd: float | None = None

    def quantiles(self, uniforms: Floats) -> Floats:
        """The values at these cumulative probabilities (uniforms in [0, 1))."""
        return _QUANTILES[self.dist](self, np.asarray(uniforms, dtype=float))

    def sample(self, rng: np.random.Generator) -> float:
        """Draw one value, using exactly one uniform from ``rng``."""
        return self.quantile(rng.random())

    def quantile(self, uniform: float) -> float:
        """The value at one cumulative probability: :meth:`quantiles` of one, bit for bit.

        Single draws (a review time, a qualification) are too small for numpy's array
        machinery, so the kinds whose quantile needs only IEEE-exact arithmetic (+, -, *, /,
        sqrt) are worked out in plain floats; the others go through numpy, whose log and exp
        may differ from :mod:`math`'s in the last bit.
        """
        scalar = _SCALAR.get(self.dist)
        if scalar is not None:
            return scalar(self, uniform)
        return float(self.quantiles(np.array([uniform]))[0])

    def sampler(self, rng: np.random.Generator, batch: int = 256) -> Callable[[], float]:
        """Return a function drawing successive values from ``rng``, a batch of uniforms at a time."""
        buffer: list[float] = []

        def draw() -> float:
            if not buffer:
                buffer.extend(reversed(self.quantiles(rng.random(batch)).tolist()))
            return buffer.pop()

        return draw

    @property
    def expected(self) -> float:
        """The distribution's mean."""
        if self.dist == "fixed":
            return _f(self.value)
        if self.dist in ("uniform", "triangular"):
            points = [self.low, self.high] if self.dist == "uniform" else [self.low, self.mode, self.high]
            return sum(_f(p) for p in points) / len(points)
        return _f(self.mean)

    def problems(self, path: str) -> Iterator[Problem]:
        """Yield what is missing or out of range for this kind of distribution."""
        if self.dist not in _PARAMETERS:
            yield Problem(f"{path}.dist", f"expected one of {', '.join(_PARAMETERS)}; got {self.dist!r}")
            return
        for name in _PARAMETERS[self.dist]:
            value = getattr(self, name)
            if value is None:
                yield Problem(f"{path}.{name}", f"required for dist = {self.dist!r}")
            elif not 0 <= value <= MAX_PARAMETER:  # written so that NaN fails too
                yield Problem(f"{path}.{name}", f"expected a number from 0 to 1e9, got {value}")
        if self.dist in ("uniform", "triangular") and not self._ordered():
            yield Problem(path, "expected low <= mode <= high")

    def _ordered(self) -> bool:
        points = [p for p in (self.low, self.mode, self.high) if p is not None]
        return points == sorted(points)


def fixed(value: float) -> Distribution:
    """Return a distribution that always gives ``value``."""
    return Distribution("fixed", value=value)


ZERO_DAYS = fixed(0.0)
"""No delay at all."""


def _f(value: float | None) -> float:
    return float(value) if value is not None else math.nan


def _fixed(d: Distribution, u: Floats) -> Floats:
    return np.full_like(u, _f(d.value))


def _uniform(d: Distribution, u: Floats) -> Floats:
    return _f(d.low) + u * (_f(d.high) - _f(d.low))


def _triangular(d: Distribution, u: Floats) -> Floats:
    low, mode, high = _f(d.low), _f(d.mode), _f(d.high)
    if high == low:
        return np.full_like(u, low)
    split = (mode - low) / (high - low)
    rising = low + np.sqrt(u * (high - low) * (mode - low))
    falling = high - np.sqrt((1 - u) * (high - low) * (high - mode))
    return np.where(u < split, rising, falling)


def _scalar_triangular(d: Distribution, u: float) -> float:
    low, mode, high = _f(d.low), _f(d.mode), _f(d.high)
    if high == low:
        return low
    if u < (mode - low) / (high - low):
        return low + math.sqrt(u * (high - low) * (mode - low))
    return high - math.sqrt((1 - u) * (high - low) * (high - mode))


def _exponential(d: Distribution, u: Floats) -> Floats:
    return -_f(d.mean) * np.log1p(-u)


def _squared(x: float) -> float:
    """``x ** 2``, or infinity where that overflows (``x * x`` would differ in the last bit)."""
    try:
        return x**2
    except OverflowError:
        return math.inf


def _lognormal(d: Distribution, u: Floats) -> Floats:
    mean, sd = _f(d.mean), _f(d.sd)
    if mean <= 0 or sd == 0:
        return np.full_like(u, max(mean, 0.0))
    sigma2 = math.log1p(_squared(sd / mean))
    if sigma2 == math.inf:
        return np.zeros_like(u)  # the limit of every quantile below 1 as sigma grows
    normal: Floats = ndtri(u)  # -inf at u = 0, whose quantile is then exactly 0
    return np.exp(math.log(mean) - sigma2 / 2 + math.sqrt(sigma2) * normal)


def _gamma(d: Distribution, u: Floats) -> Floats:
    mean, sd = _f(d.mean), _f(d.sd)
    if mean <= 0 or sd == 0:
        return np.full_like(u, max(mean, 0.0))
    shape = _squared(mean / sd)
    if shape == math.inf:
        return np.full_like(u, mean)  # no spread left
    if shape == 0.0:
        return np.zeros_like(u)  # the limit as the shape vanishes
    standard: Floats = gammaincinv(shape, u)  # the quantile of a gamma of this shape and scale 1
    return standard * (mean / shape)  # scale = sd**2 / mean = mean / shape


_QUANTILES: dict[str, Callable[[Distribution, Floats], Floats]] = {
    "fixed": _fixed,
    "uniform": _uniform,
    "triangular": _triangular,
    "exponential": _exponential,
    "gamma": _gamma,
    "lognormal": _lognormal,
}
_SCALAR: dict[str, Callable[[Distribution, float], float]] = {
    "fixed": lambda d, _: _f(d.value),
    "uniform": lambda d, u: _f(d.low) + u * (_f(d.high) - _f(d.low)),
    "triangular": _scalar_triangular,
}
"""Quantiles of one uniform in plain floats, for the kinds where that is exact (see ``quantile``)."""
