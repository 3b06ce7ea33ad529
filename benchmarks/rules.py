"""Benchmark the rules engine: cost of one decision, and batch throughput.

Targets (issue 2): a compiled lookup costs a few microseconds; the batch API decides at least
1,000,000 applications per second. Run: ``python benchmarks/rules.py``.
"""

from __future__ import annotations

import datetime as dt
import time
import timeit

import numpy as np

from simulator.regimes.loading import load_regime
from simulator.rules.compiled import DecisionTable
from simulator.rules.engine import decide
from simulator.rules.values import Application, ExporterProfile

BATCH = 1_000_000


def _per_call(stmt: object, number: int) -> float:
    return min(timeit.repeat(stmt, number=number, repeat=5)) / number  # type: ignore[arg-type]


def main() -> None:
    """Print the figures."""
    regime = load_regime("japan")
    started = time.perf_counter()
    table = DecisionTable(regime)
    print(f"compile regime: {1e3 * (time.perf_counter() - started):.1f} ms")
    exporter, day = ExporterProfile(), dt.date(2019, 9, 10)
    lookup = _per_call(lambda: table.licence("hydrogen-fluoride", "KR", day, exporter), 100_000)
    print(f"compiled lookup (DecisionTable.licence): {1e6 * lookup:.2f} us per decision")
    application = Application("hydrogen-fluoride", "KR", day, exporter)
    explained = _per_call(lambda: decide(regime, application), 2_000)
    print(f"explained decision (engine.decide): {1e6 * explained:.1f} us per decision")

    rng = np.random.default_rng(2019)
    countries = ["KR", "US", "CN", "KP", "TR", "IR", "VN", "DE"]
    items = rng.integers(0, len(table.items), BATCH)
    destinations = np.array([table.destination_code(c) for c in countries])[
        rng.integers(0, len(countries), BATCH)
    ]
    first, last = regime.valid_from.toordinal(), dt.date(2024, 12, 31).toordinal()
    ordinals = rng.integers(first, last + 1, BATCH)
    profiles = rng.integers(0, table.matrix.shape[1], BATCH)
    batch = min(
        timeit.repeat(lambda: table.decide_many(items, destinations, ordinals, profiles), number=1, repeat=5)
    )
    print(f"batch of {BATCH:,} (DecisionTable.decide_many): {batch:.3f} s = {BATCH / batch:,.0f} decisions/s")


if __name__ == "__main__":
    main()
