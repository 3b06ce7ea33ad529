"""Benchmark the rules engine: compiling, one decision, and batch throughput.

Targets (issues 2 and 12): compiling a regime of 20 licence kinds and 10 exporter attributes
takes under 1 s; a compiled lookup costs a few microseconds; the batch API decides at least
1,000,000 applications per second. Run: ``python benchmarks/rules.py``.

Each figure is printed with a reference measured in the same run, so that a busy machine
shows as a slower reference rather than a slower engine: compiling against one
``engine.assess`` of every route on every day the law changes (the reading of the law any
compiler must do), a compiled lookup against a bare dict look-up and bisection on lists of
the same length.

Today's figures, measured on this machine at commit 033eb36, before the table was rebuilt
around states (a row of outcomes per exporter profile, 2^(kinds+1) profiles) and before
attributes were data (only two qualifications existed, so 10 attributes could not be said):

* Japan (4 kinds): compile 33.9 ms; lookup 1.37 us; engine.decide 42.3 us; batch 25.4 M/s.
* Japan's regime grown to more kinds: 8 kinds 0.35 s, 10 kinds 1.87 s, 12 kinds 8.86 s, about
  x4.7 for every two kinds more, so 20 kinds would take over an hour (and a row of 2^21 bytes
  per state); 20 kinds and 10 attributes: not expressible.
"""

from __future__ import annotations

import bisect
import datetime as dt
import random
import time
import timeit

import numpy as np

from simulator.regimes.loading import load_regime
from simulator.rules.compiled import DecisionTable
from simulator.rules.engine import assess, boundaries, decide
from simulator.rules.values import Application, ExporterProfile, Regime
from simulator.testing.regimes import generated_regime

BATCH = 1_000_000
TODAY = {
    "japan": {"compile": "33.9 ms", "lookup": "1.37 us", "decide": "42.3 us", "batch": "25.4 M/s"},
    "generated": {
        "compile": "over an hour (extrapolated; 12 kinds took 8.86 s)",
        "lookup": "-",
        "decide": "-",
    },
}
"""Figures measured before this change (see the module docstring)."""


def _per_call(stmt: object, number: int) -> float:
    return min(timeit.repeat(stmt, number=number, repeat=5)) / number  # type: ignore[arg-type]


def _best(stmt: object, repeat: int = 3) -> float:
    return min(timeit.repeat(stmt, number=1, repeat=repeat))  # type: ignore[arg-type]


def _read_every_route(regime: Regime, table: DecisionTable) -> None:
    """The reference for compiling: assess every route on every boundary day once."""
    for item in regime.items:
        for country in table.named_countries:
            for day, _ in boundaries(regime):
                assess(regime, item, country, day)
        for group in regime.groups:
            for day, _ in boundaries(regime):
                assess(regime, item, None, day, group)


def _report(
    name: str, regime: Regime, item: str, country: str, day: dt.date, exporter: ExporterProfile
) -> DecisionTable:
    today = TODAY[name]
    started = time.perf_counter()
    table = DecisionTable(regime)
    compiled = time.perf_counter() - started
    compiled = min(compiled, _best(lambda: DecisionTable(regime)))
    reference = _best(lambda: _read_every_route(regime, table))
    shape = f"{len(regime.licences)} kinds, {len(regime.attributes)} attributes, {len(table.states)} states"
    print(f"{name} ({shape}):")
    ratio = compiled / reference
    print(f"  compile: {1e3 * compiled:.1f} ms = {ratio:.2f} x reading every route; today {today['compile']}")
    lookup = _per_call(lambda: table.licence(item, country, day, exporter), 100_000)
    starts = list(range(len(boundaries(regime))))
    slots = {n: n for n in range(64)}
    bare = _per_call(lambda: bisect.bisect_right(starts, slots.get(7, 0)), 100_000)
    ratio = lookup / bare
    print(f"  compiled lookup: {1e6 * lookup:.2f} us = {ratio:.1f} x a bare look-up; today {today['lookup']}")
    application = Application(item, country, day, exporter)
    explained = _per_call(lambda: decide(regime, application), 2_000)
    ratio = explained / lookup
    print(f"  engine.decide: {1e6 * explained:.1f} us = {ratio:.0f} x the lookup; today {today['decide']}")
    return table


def _batch(
    regime: Regime, table: DecisionTable, countries: list[str], exporters: list[ExporterProfile]
) -> None:
    rng = np.random.default_rng(2019)
    items = rng.integers(0, len(table.items), BATCH)
    destinations = np.array([table.destination_code(c) for c in countries])[
        rng.integers(0, len(countries), BATCH)
    ]
    first, last = regime.valid_from.toordinal(), max(d for d, _ in boundaries(regime)).toordinal() + 365
    ordinals = rng.integers(first, last + 1, BATCH)
    codes = np.array([table.profile_code(e) for e in exporters])
    profiles = codes[rng.integers(0, len(codes), BATCH)]
    batch = _best(lambda: table.decide_many(items, destinations, ordinals, profiles), repeat=5)
    print(
        f"  batch of {BATCH:,} (DecisionTable.decide_many): {batch:.3f} s = {BATCH / batch:,.0f} decisions/s"
    )


def _exporters(regime: Regime, count: int) -> list[ExporterProfile]:
    rng = random.Random(12)
    names = [a.id for a in regime.attributes]
    return [ExporterProfile(frozenset(n for n in names if rng.random() < 0.5)) for _ in range(count)]


def main() -> None:
    """Print the figures."""
    japan = load_regime("japan")
    day = dt.date(2019, 9, 10)
    table = _report("japan", japan, "hydrogen-fluoride", "KR", day, ExporterProfile())
    _batch(japan, table, ["KR", "US", "CN", "KP", "TR", "IR", "VN", "DE"], _exporters(japan, 8))
    print(f"  today: batch {TODAY['japan']['batch']}")

    generated = generated_regime(random.Random(2019).randint, kinds=20, attributes=10)
    table = _report(
        "generated", generated, "listed-0", "KR", dt.date(2023, 1, 1), _exporters(generated, 1)[0]
    )
    _batch(generated, table, ["KR", "US", "CN", "IR", "VN", "DE", "TR", "IN"], _exporters(generated, 64))


if __name__ == "__main__":
    main()
