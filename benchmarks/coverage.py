"""Coverage of the 95% intervals, by simulation: how often each holds a mean known in advance.

For each case (a distribution whose mean is known, standing for a kind of metric) and each
number of replications n, draw ``--trials`` samples of n values and count how often each
interval contains the true mean:
- the project's: :func:`simulator.studies.stats.mean_interval` with the case's metric range,
  as ``exportsim run`` computes it (Clopper-Pearson for 0/1 indicators, Student's t clipped to
  the range otherwise);
- plain Student's t, unclipped, for reference, with how often it leaves the metric's range;
- the alternatives: a percentile bootstrap (999 resamples, on the first ``--bootstrap-trials``
  samples) for the continuous cases, Wilson's score interval for the indicators.

The Monte Carlo standard error of a coverage c from T trials is sqrt(c (1 - c) / T). Seeded
(numpy SeedSequence from the case and n): the same command prints the same table.
Run: ``python benchmarks/coverage.py`` (``--markdown`` for docs/experiments.md's table).
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.special import ndtri

from simulator.model.ranges import FRACTION, INDICATOR, NON_NEGATIVE, UNBOUNDED, MetricRange
from simulator.scenario.distributions import Distribution
from simulator.studies.stats import mean_interval, t975

SEED = 20240613
SIZES = (2, 3, 5, 10, 20, 40)
RESAMPLES = 999
Draw = Callable[[np.random.Generator, tuple[int, int]], np.ndarray]


@dataclass(frozen=True)
class Case:
    """A distribution with a known mean, standing for a kind of metric, and that metric's range."""

    name: str
    mean: float
    within: MetricRange
    draw: Draw


def _zero_inflated(zero: float, mean_if_not: float) -> Draw:
    """0 with probability ``zero``, else exponential: stock-out days when most runs have none."""

    def draw(rng: np.random.Generator, size: tuple[int, int]) -> np.ndarray:
        return np.where(rng.random(size) < zero, 0.0, rng.exponential(mean_if_not, size))

    return draw


def _gamma(mean: float, sd: float) -> Draw:
    """The project's own (exact) gamma quantiles of uniform draws."""
    gamma = Distribution("gamma", mean=mean, sd=sd)
    return lambda rng, size: gamma.quantiles(rng.random(size))


def _bernoulli(p: float) -> Case:
    return Case(f"bernoulli({p})", p, INDICATOR, lambda rng, size: (rng.random(size) < p).astype(float))


CASES = (
    Case("normal(10, 3)", 10.0, UNBOUNDED, lambda rng, size: rng.normal(10.0, 3.0, size)),
    Case("exponential(10)", 10.0, NON_NEGATIVE, lambda rng, size: rng.exponential(10.0, size)),
    Case("gamma(shape 0.5, mean 10)", 10.0, NON_NEGATIVE, _gamma(10.0, 10.0 * math.sqrt(2.0))),
    Case("0 w.p. 0.5, else exp(24)", 12.0, NON_NEGATIVE, _zero_inflated(0.5, 24.0)),
    Case("0 w.p. 0.9, else exp(40)", 4.0, NON_NEGATIVE, _zero_inflated(0.9, 40.0)),
    Case("beta(2, 2)", 0.5, FRACTION, lambda rng, size: rng.beta(2.0, 2.0, size)),
    Case("beta(0.5, 8)", 0.5 / 8.5, FRACTION, lambda rng, size: rng.beta(0.5, 8.0, size)),
    *(_bernoulli(p) for p in (0.02, 0.1, 0.5, 0.95)),
)


@dataclass(frozen=True)
class Row:
    """One case at one n: coverages (fractions of trials) and how many trials each had."""

    case: Case
    n: int
    trials: int
    methods: str
    project: float
    t: float
    t_leaves: float
    reference: str
    reference_coverage: float
    reference_trials: int


def _project(samples: np.ndarray, within: MetricRange) -> tuple[np.ndarray, np.ndarray, set[str]]:
    """The project's interval of each sample's mean (one row a sample)."""
    n = samples.shape[1]
    means, variances = samples.mean(axis=1), samples.var(axis=1, ddof=1)
    least, most = samples.min(axis=1), samples.max(axis=1)
    binary = np.all((samples == 0.0) | (samples == 1.0), axis=1)
    found = [
        mean_interval(n, float(m), float(v), within, (float(lo), float(hi)), bool(b))
        for m, v, lo, hi, b in zip(means, variances, least, most, binary, strict=True)
    ]
    lows, highs, methods = zip(*found, strict=True)
    return np.array(lows), np.array(highs), set(methods)


def _t(samples: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    n = samples.shape[1]
    means = samples.mean(axis=1)
    half = t975(n - 1) * np.sqrt(samples.var(axis=1, ddof=1) / n)
    return means - half, means + half


def _wilson(samples: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    n, z = samples.shape[1], float(ndtri(0.975))
    p = samples.mean(axis=1)
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return centre - half, centre + half


def _bootstrap(samples: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Percentile bootstrap: the 2.5% and 97.5% points of the means of resamples with replacement."""
    lows, highs = [], []
    for sample in samples:
        means = sample[rng.integers(len(sample), size=(RESAMPLES, len(sample)))].mean(axis=1)
        low, high = np.percentile(means, [2.5, 97.5])
        lows.append(low)
        highs.append(high)
    return np.array(lows), np.array(highs)


def _covered(low: np.ndarray, high: np.ndarray, mean: float) -> float:
    return float(np.mean((low <= mean) & (mean <= high)))


def measure(case: Case, n: int, trials: int, bootstrap_trials: int) -> Row:
    """Coverage of every interval for ``case`` at ``n`` replications over ``trials`` samples."""
    index = CASES.index(case)
    rng = np.random.default_rng(np.random.SeedSequence([SEED, index, n]))
    samples = case.draw(rng, (trials, n))
    low, high, methods = _project(samples, case.within)
    t_low, t_high = _t(samples)
    leaves = float(np.mean((t_low < case.within.low) | (t_high > case.within.high)))
    if case.within.indicator:
        reference, (r_low, r_high), r_trials = "wilson", _wilson(samples), trials
    else:
        r_trials = min(trials, bootstrap_trials)
        reference, (r_low, r_high) = "bootstrap", _bootstrap(samples[:r_trials], rng)
    return Row(
        case, n, trials, ", ".join(sorted(methods)), _covered(low, high, case.mean),
        _covered(t_low, t_high, case.mean), leaves, reference, _covered(r_low, r_high, case.mean), r_trials,
    )  # fmt: skip


def _with_se(coverage: float, trials: int) -> str:
    """A coverage and its Monte Carlo standard error, sqrt(c (1 - c) / trials)."""
    return f"{coverage:.3f} ({math.sqrt(coverage * (1 - coverage) / trials):.3f})"


def _cells(row: Row) -> list[str]:
    reference = f"{row.reference} {_with_se(row.reference_coverage, row.reference_trials)}"
    leaves = f"{row.t_leaves:.1%}" if row.case.within.bounded else ""
    return [
        row.case.name, str(row.n), f"{row.trials:,}", row.methods,
        _with_se(row.project, row.trials), f"{row.t:.3f}", leaves, reference,
    ]  # fmt: skip


HEADER = [
    "case", "n", "trials", "project's interval", "coverage (MC SE)", "plain t", "t leaves range",
    "alternative (MC SE)",
]  # fmt: skip


def main() -> None:
    """Print the coverage table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=20_000)
    parser.add_argument("--bootstrap-trials", type=int, default=2_000)
    parser.add_argument("--markdown", action="store_true", help="a Markdown table")
    args = parser.parse_args()
    rows = [_cells(measure(c, n, args.trials, args.bootstrap_trials)) for c in CASES for n in SIZES]
    if args.markdown:
        print("| " + " | ".join(HEADER) + " |")
        print("|" + "|".join("---" for _ in HEADER) + "|")
        for cells in rows:
            print("| " + " | ".join(cells) + " |")
        return
    widths = [max(len(r[i]) for r in [HEADER, *rows]) for i in range(len(HEADER))]
    for cells in [HEADER, *rows]:
        print("  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip())


if __name__ == "__main__":
    main()
