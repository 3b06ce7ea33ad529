"""Sweep starting inventory to find the stock that would have been enough.

On the small deterministic world of tests/scenarios/one-fab.toml (one Japanese resist maker,
one Korean fab, a fixed 90-day review), sweep the fab's cover target and find the smallest
that avoids any stock-out with 95% confidence. By hand: the stock just after each weekly
arrival is X - 7.07 t, it runs out on day 21 + X, and the first licensed delivery arrives on
day 125.07, so X must be at least 104.07 days.

    python examples/sweep_inventory.py
"""

from pathlib import Path

from simulator import load_scenario
from simulator.studies.experiments import Plan
from simulator.studies.sweep import Condition, grid, parse_axis, smallest_meeting, sweep

SCENARIO = Path(__file__).parents[1] / "tests" / "scenarios" / "one-fab.toml"


def main() -> None:
    """Sweep the cover target from 95 to 115 days and report the smallest that is enough."""
    scenario, regime = load_scenario(SCENARIO)
    axis = parse_axis("chipmakers.fab.materials.*.cover_target_days=95:115:1")
    condition = Condition.parse("max stockout_days == 0")
    results = list(sweep(scenario, regime, grid([axis]), scenario.seed, Plan(replications=3), condition))
    for result in results:
        print(f"cover {result.point[axis.path]:3} days: max stock-out days {result.condition.mean:6.2f}")  # type: ignore[union-attr]
    print("enough from", smallest_meeting(results, axis.path), "days of cover")


if __name__ == "__main__":
    main()
