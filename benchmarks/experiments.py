"""Benchmark studies: replications per second with 1 and 2 workers, a comparison, and memory.

Targets (issue 4): two workers give at least 1.8x the throughput of one; a two-variant,
1,000-replication comparison of japan-2019 in under 20 seconds; peak resident memory of a
10,000-replication run under 300 MB (measured with /usr/bin/time -v in a child process).
Run: ``python benchmarks/experiments.py`` (add ``--skip-memory`` to leave out the long run).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

from simulator.scenario.loading import load_scenario, load_variants
from simulator.studies.experiments import Plan, Variant, study

SCENARIO = Path(__file__).parents[1] / "scenarios" / "japan-2019.toml"


def throughput(workers: int, replications: int) -> float:
    """Replications per second of japan-2019 with ``workers`` local processes."""
    scenario, regime = load_scenario(SCENARIO)
    started = time.perf_counter()
    study([Variant("base", scenario, regime)], 1, Plan(replications=replications, workers=workers))
    return replications / (time.perf_counter() - started)


def comparison_seconds(replications: int, workers: int) -> float:
    """Seconds for a two-variant comparison (base against no-curbs)."""
    variants = [Variant(n, s, r) for n, s, r in load_variants(SCENARIO, ("base", "no-curbs"))]
    started = time.perf_counter()
    study(variants, 1, Plan(replications=replications, workers=workers))
    return time.perf_counter() - started


def peak_memory_mb(replications: int) -> float:
    """Peak resident memory of ``exportsim run`` with this many replications, via /usr/bin/time -v.

    With one worker: the whole run (simulation and summaries) is then one process, and time's
    maximum resident set size is the run's peak. With worker processes it would be only the
    largest single process's.
    """
    timer = shutil.which("time") or "/usr/bin/time"
    if not Path(timer).exists():
        raise SystemExit("no /usr/bin/time: cannot measure peak memory (or run with --skip-memory)")
    run = [sys.executable, "-m", "simulator", "run", str(SCENARIO), "--replications", str(replications)]
    command = [timer, "-v", *run, "--workers", "1", "--quiet", "--format", "json"]
    result = subprocess.run(command, capture_output=True, text=True, check=True)
    match = re.search(r"Maximum resident set size \(kbytes\): (\d+)", result.stderr)
    if match is None:
        raise SystemExit(f"{timer} -v printed no maximum resident set size")
    return int(match.group(1)) / 1024


def main() -> None:
    """Print the figures."""
    one = throughput(1, 200)
    two = throughput(2, 200)
    print(f"japan-2019: {one:.1f} replications/s with 1 worker, {two:.1f} with 2: {two / one:.2f}x")
    for workers in (1, 2):
        seconds = comparison_seconds(1000, workers)
        print(f"two-variant comparison, 1,000 replications, {workers} worker(s): {seconds:.1f} s")
    if "--skip-memory" not in sys.argv:
        peak = peak_memory_mb(10_000)
        print(f"peak resident memory, 10,000 replications in one process: {peak:.0f} MB")


if __name__ == "__main__":
    main()
