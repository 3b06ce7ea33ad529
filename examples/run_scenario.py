"""Run a scenario and print its headline metrics.

Replays Japan's 2019 curbs (scenarios/japan-2019.toml) and prints, per chipmaker and
material, the mean stock-out days and the share of planned output lost, with 95% intervals.

    python examples/run_scenario.py [REPLICATIONS]
"""

import sys
from pathlib import Path

from simulator import load_scenario, run
from simulator.studies.experiments import Plan

SCENARIO = Path(__file__).parents[1] / "scenarios" / "japan-2019.toml"


def main(replications: int = 20) -> None:
    """Run the replay and print its headline metrics."""
    scenario, regime = load_scenario(SCENARIO)
    summary = run(scenario, regime, Plan(replications=replications), seed=scenario.seed)
    for chipmaker, materials in summary["chipmakers"].items():
        for material, metrics in materials.items():
            days, lost = metrics["stockout_days"], metrics["production_loss_fraction"]
            low, high = days["ci95"]
            line = f"stock-out {days['mean']:6.1f} d [{low:.1f}, {high:.1f}]  lost {lost['mean']:.1%}"
            print(f"{chipmaker:11} {material:25} {line}")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:2]))
