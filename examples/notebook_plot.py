"""Use the Python API as in a notebook: run, take the records as a DataFrame, plot.

Runs a few replications of the replay keeping their records, and plots Samsung's daily
photoresist stock in each replication against the policy measures, with pandas and
matplotlib. The picture goes to a temporary folder unless a path is given.

    python examples/notebook_plot.py [OUTPUT.png] [REPLICATIONS]
"""

import sys
import tempfile
from pathlib import Path

import matplotlib as mpl

mpl.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd

import simulator

SCENARIO = Path(__file__).parents[1] / "scenarios" / "japan-2019.toml"


def main(output: str = "", replications: int = 5) -> None:
    """Run, then plot one stock series per replication and mark the measures."""
    result = simulator.run(SCENARIO, replications=replications, records=True)
    assert result.records is not None
    stock = result.records.daily_inventory()
    samsung = stock[(stock.chipmaker == "samsung") & (stock.material == "photoresist")]
    by_day = samsung.pivot(index="date", columns="replication", values="stock_t")
    by_day.index = pd.to_datetime(by_day.index)
    figure, ax = plt.subplots(figsize=(9, 3.5))
    ax.plot(by_day.index, by_day.to_numpy(), linewidth=0.8, alpha=0.7)
    for measure in result.measures:
        ax.axvline(pd.Timestamp(measure["date"]), color="firebrick", linestyle="--", linewidth=0.8)
    ax.set_ylabel("Samsung photoresist stock (t)")
    figure.tight_layout()
    target = Path(output) if output else Path(tempfile.mkdtemp()) / "samsung-photoresist.png"
    figure.savefig(target, dpi=100)
    print("wrote", target)


if __name__ == "__main__":
    main(*sys.argv[1:2], *(int(a) for a in sys.argv[2:3]))
