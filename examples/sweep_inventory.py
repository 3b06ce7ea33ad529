"""Sweep starting inventory to find the stock that would have been enough.

On the small deterministic world of tests/scenarios/one-fab.toml (one Japanese resist maker,
one Korean fab, a fixed 90-day review), sweep the fab's cover target and find the smallest
that avoids any stock-out with 95% confidence. By hand: the stock just after each weekly
arrival is X - 7.07 t, it runs out on day 21 + X, and the first licensed delivery arrives on
day 125.07, so X must be at least 104.07 days.

    python examples/sweep_inventory.py
"""

from pathlib import Path

import simulator

SCENARIO = Path(__file__).parents[1] / "tests" / "scenarios" / "one-fab.toml"
COVER = "chipmakers.fab.materials.*.cover_target_days"


def main() -> None:
    """Sweep the cover target from 95 to 115 days and report the smallest that is enough."""
    result = simulator.sweep(SCENARIO, {COVER: "95:115:1"}, find="max stockout_days == 0", replications=3)
    frame = result.condition_frame()
    for cover, most in zip(frame[COVER], frame["mean"], strict=True):
        print(f"cover {cover:3} days: max stock-out days {most:6.2f}")
    print("enough from", result.answer, "days of cover")


if __name__ == "__main__":
    main()
