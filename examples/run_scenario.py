"""Run a scenario and print its headline metrics.

Replays Japan's 2019 curbs (scenarios/japan-2019.toml) and prints, per chipmaker and
material, the mean stock-out days and the share of planned output lost, with 95% intervals.

    python examples/run_scenario.py [REPLICATIONS]
"""

import sys
from pathlib import Path

import simulator

SCENARIO = Path(__file__).parents[1] / "scenarios" / "japan-2019.toml"


def main(replications: int = 20) -> None:
    """Run the replay and print its headline metrics."""
    result = simulator.run(SCENARIO, replications=replications)
    for chipmaker, materials in result.summary["chipmakers"].items():
        for material in materials:
            days = result.estimate("chipmakers", chipmaker, material, "stockout_days")
            lost = result.estimate("chipmakers", chipmaker, material, "production_loss_fraction")
            line = f"stock-out {days.mean:6.1f} d [{days.low:.1f}, {days.high:.1f}]  lost {lost.mean:.1%}"
            print(f"{chipmaker:11} {material:25} {line}")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:2]))
