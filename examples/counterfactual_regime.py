"""Write a counterfactual regime derived from Japan's.

"What if all three items had gone to the specific bulk licence on 20 Dec 2019, not resist
alone?" The counterfactual is a new regime derived from the base; the base is unchanged.
The same change can be written as a file (scenarios/regimes/all-three-specific-bulk-2019.toml).

    python examples/counterfactual_regime.py
"""

import datetime as dt

import attrs

from simulator import Application, ExporterProfile, RegimeChanges, decide, derive, load_regime, timeline


def main() -> None:
    """Derive the counterfactual and compare hydrogen fluoride's timeline under both."""
    japan = load_regime("japan")
    eased = japan.measure("2019-12-20-resist-specific-bulk")
    widened = attrs.evolve(
        eased.rules[0], items=("hydrogen-fluoride", "fluorinated-polyimide", "photoresist")
    )
    changes = RegimeChanges(
        id="all-three-eased", base="japan", measures=(attrs.evolve(eased, rules=(widened,)),)
    )
    counterfactual = derive(japan, changes)
    for regime in (japan, counterfactual):
        print(regime.id)
        for interval in timeline(regime, "hydrogen-fluoride", "KR", ExporterProfile()):
            print(f"  {interval.start} .. {interval.until or 'open'}: {interval.licence}")
    day = dt.date(2020, 1, 10)
    print("on", day, ":", decide(counterfactual, Application("hydrogen-fluoride", "KR", day)).licence)


if __name__ == "__main__":
    main()
