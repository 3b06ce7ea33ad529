"""Benchmark the supply model: cost per event against bare SimPy, and time per replication.

Target (issue 10, supply model v2): the model's cost per event on scenarios/japan-2019.toml
within 7.5x of a bare SimPy loop of timeouts measured in the same run. The run leaves Python's
collector as it is (as a library call does); ``exportsim`` tunes it for studies.
Run: ``python benchmarks/model.py``.
"""

from __future__ import annotations

import time
from pathlib import Path

import simpy

from simulator.model import simulate
from simulator.rules.compiled import compile_regime
from simulator.scenario.loading import load_scenario

SCENARIO = Path(__file__).parents[1] / "scenarios" / "japan-2019.toml"
BARE_EVENTS = 200_000


def bare_simpy_seconds_per_event() -> float:
    """Seconds per event of one process yielding plain timeouts."""

    def ticker(env: simpy.Environment):  # type: ignore[no-untyped-def]
        while True:
            yield env.timeout(1.0)

    env = simpy.Environment()
    env.process(ticker(env))
    started = time.perf_counter()
    env.run(until=BARE_EVENTS)
    return (time.perf_counter() - started) / BARE_EVENTS


def main() -> None:
    """Print the figures: the best of three rounds, model and bare SimPy measured alternately."""
    scenario, regime = load_scenario(SCENARIO)
    compile_regime(regime)
    simulate(scenario, regime, replication=0)  # warm caches
    runs, rounds = 20, []
    for _ in range(3):
        events, started = 0, time.perf_counter()
        for replication in range(runs):
            events += simulate(scenario, regime, replication=replication).events
        elapsed = time.perf_counter() - started
        rounds.append((elapsed, events, bare_simpy_seconds_per_event()))
    elapsed, events, _ = min(rounds)
    bare = min(b for _, _, b in rounds)
    per_event = elapsed / events
    ratios = sorted(e / n / b for e, n, b in rounds)
    print(f"japan-2019: {1e3 * elapsed / runs:.1f} ms per replication, {events / runs:,.0f} events each")
    print(f"model: {1e6 * per_event:.2f} us per event ({events / elapsed:,.0f} events/s)")
    print(f"bare SimPy timeouts: {1e6 * bare:.2f} us per event ({1 / bare:,.0f} events/s)")
    each = ", ".join(f"{r:.1f}x" for r in ratios)
    print(f"model cost per event / bare SimPy: {per_event / bare:.1f}x (each round: {each})")


if __name__ == "__main__":
    main()
