"""Use the Python API from a notebook-style script and draw a plot.

Loads the replay, runs a few replications keeping their records, and plots Samsung's daily
photoresist stock in each replication against the policy measures, with matplotlib. The
picture goes to OUTPUT.png, or without it to a new temporary folder (the path is printed).

    python examples/notebook_plot.py [OUTPUT.png] [REPLICATIONS]
"""

import datetime as dt
import sys
import tempfile
from pathlib import Path

import matplotlib as mpl

mpl.use("Agg")
import matplotlib.pyplot as plt

from simulator import load_scenario, simulate
from simulator.model.metrics import daily_inventory
from simulator.studies.experiments import measures_within

SCENARIO = Path(__file__).parents[1] / "scenarios" / "japan-2019.toml"


def main(output: str | None = None, replications: int = 5) -> None:
    """Simulate, then plot one stock series per replication and mark the measures."""
    if output is None:  # never into the folder the script is run from
        output = str(Path(tempfile.mkdtemp(prefix="exportsim-")) / "samsung-photoresist.png")
    scenario, regime = load_scenario(SCENARIO)
    figure, ax = plt.subplots(figsize=(9, 3.5))
    for replication in range(replications):
        records = simulate(scenario, regime, replication=replication)
        ax.plot(daily_inventory(records, "samsung", "photoresist"), linewidth=0.8, alpha=0.7)
    for measure in measures_within(scenario, regime):
        day = scenario.day(dt.date.fromisoformat(measure["date"]))
        ax.axvline(day, color="firebrick", linestyle="--", linewidth=0.8)
    ax.set_xlabel(f"days since {scenario.start}")
    ax.set_ylabel("Samsung photoresist stock (t)")
    figure.tight_layout()
    figure.savefig(output, dpi=100)
    print("wrote", output)


if __name__ == "__main__":
    main(*sys.argv[1:2], *(int(a) for a in sys.argv[2:3]))
