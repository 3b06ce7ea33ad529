"""Quantile functions against oracles computed without them: closed forms and published tables.

The gamma's quantiles are checked against the exponential (shape 1), the chi-square table
(shape k/2, scale 2), the square of a normal (shape 1/2) and Erlang's closed-form CDF; the
lognormal's against :class:`statistics.NormalDist`. Draws keep one uniform each.
"""

from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.scenario.distributions import Distribution
from simulator.testing import distributions

PROBABILITIES = np.linspace(0.001, 0.999, 999)

CHI_SQUARE_TABLE = [  # (degrees of freedom, probability, quantile), as printed in statistical tables
    (1, 0.05, 0.00393214),
    (1, 0.95, 3.841459),
    (2, 0.10, 0.2107210),
    (2, 0.95, 5.991465),
    (5, 0.05, 1.145476),
    (5, 0.50, 4.351460),
    (5, 0.95, 11.070498),
    (10, 0.05, 3.940299),
    (10, 0.50, 9.341818),
    (10, 0.95, 18.307038),
    (10, 0.99, 23.209251),
]


def chi_square(dof: int) -> Distribution:
    """A gamma of shape dof/2 and scale 2: mean dof, sd sqrt(2 dof)."""
    return Distribution("gamma", mean=float(dof), sd=math.sqrt(2.0 * dof))


def test_gamma_of_shape_one_is_the_exponential() -> None:
    """A gamma whose sd equals its mean is the exponential: quantile -mean * log(1 - u)."""
    gamma = Distribution("gamma", mean=7.5, sd=7.5).quantiles(PROBABILITIES)
    assert gamma == pytest.approx(-7.5 * np.log1p(-PROBABILITIES), rel=1e-13)


def test_gamma_tenth_percentile_at_shape_one() -> None:
    """The 10th percentile at shape 1 is -log(0.9) of the mean (Wilson-Hilferty's was 6.6% low)."""
    assert Distribution("gamma", mean=1.0, sd=1.0).quantile(0.1) == pytest.approx(-math.log(0.9), rel=1e-14)


@pytest.mark.parametrize(("dof", "probability", "quantile"), CHI_SQUARE_TABLE)
def test_gamma_matches_the_chi_square_table(dof: int, probability: float, quantile: float) -> None:
    """The chi-square distribution's printed quantiles, to the table's seven figures."""
    assert chi_square(dof).quantile(probability) == pytest.approx(quantile, rel=2e-7, abs=1e-8)


def test_gamma_of_shape_one_half_is_a_squared_normal() -> None:
    """Chi-square with one degree of freedom is Z**2: its u-quantile is the (1+u)/2 normal one squared."""
    normal = NormalDist()
    expected = [normal.inv_cdf((1 + u) / 2) ** 2 for u in PROBABILITIES]
    assert chi_square(1).quantiles(PROBABILITIES) == pytest.approx(expected, rel=1e-11)


def test_erlang_quantiles_invert_its_closed_form_cdf() -> None:
    """Shape 3, scale 2: the CDF 1 - exp(-y)(1 + y + y**2/2) at y = x/2 gives back each probability."""
    x = Distribution("gamma", mean=6.0, sd=math.sqrt(12.0)).quantiles(PROBABILITIES)
    y = x / 2
    assert 1 - np.exp(-y) * (1 + y + y**2 / 2) == pytest.approx(PROBABILITIES, abs=1e-13)


def test_lognormal_is_the_exponential_of_a_normal_quantile() -> None:
    """exp(mu + sigma z) with mu, sigma from the mean and sd, z the normal quantile; 0 at u = 0."""
    mean, sd = 4.1, 3.3
    sigma2 = math.log1p((sd / mean) ** 2)
    normal = NormalDist(math.log(mean) - sigma2 / 2, math.sqrt(sigma2))
    expected = [math.exp(normal.inv_cdf(u)) for u in PROBABILITIES]
    lognormal = Distribution("lognormal", mean=mean, sd=sd)
    assert lognormal.quantiles(PROBABILITIES) == pytest.approx(expected, rel=1e-13)
    assert lognormal.quantile(0.0) == 0.0


@pytest.mark.parametrize("kind", ["gamma", "lognormal"])
@pytest.mark.parametrize(("mean", "sd"), [(10.0, 3.0), (10.0, 10.0), (10.0, 14.0)])
def test_many_draws_have_the_stated_mean_and_sd(kind: str, mean: float, sd: float) -> None:
    """200,000 seeded draws: the mean within 4 standard errors, the sd within 5% (shapes 11, 1, 0.5)."""
    distribution = Distribution(kind, mean=mean, sd=sd)  # type: ignore[arg-type]
    draws = distribution.sampler(np.random.default_rng(11))
    values = np.array([draws() for _ in range(200_000)])
    assert abs(values.mean() - mean) < 4 * sd / math.sqrt(len(values))
    assert values.std(ddof=1) == pytest.approx(sd, rel=0.05)


@settings(max_examples=200)
@given(
    distributions().filter(lambda d: d.dist in ("gamma", "lognormal")),
    st.integers(0, 2**32 - 1),
)
def test_batched_and_single_draws_agree_bit_for_bit(distribution: Distribution, seed: int) -> None:
    """A batch of quantiles equals the same uniforms' quantiles one at a time: one uniform a draw."""
    single, batched = np.random.default_rng(seed), np.random.default_rng(seed)
    draw = distribution.sampler(batched, batch=7)
    assert [distribution.sample(single) for _ in range(20)] == [draw() for _ in range(20)]
