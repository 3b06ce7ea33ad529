"""Property-test your own regime with the shipped Hypothesis strategies.

The strategies in simulator.testing generate applications (items, destinations, dates near
every measure, exporter profiles) for any regime; the shipped properties check what every
sound regime must satisfy. Here a derived regime that forgets the individual licence for
arms is caught, and Japan's regime passes. Hypothesis keeps its files in a temporary folder
(``temporary_storage``), so the script leaves no ``.hypothesis`` folder behind.

    python examples/property_test_regime.py
"""

import attrs
from hypothesis import given, settings

from simulator import Rule, load_regime
from simulator.testing import applications, individual_route, run_properties, temporary_storage

JAPAN = load_regime("japan")


@settings(max_examples=50, derandomize=True, database=None)
@given(applications(JAPAN))
def check_every_listed_good_has_a_route(application):  # type: ignore[no-untyped-def]
    """Your own property, written with the shipped strategy."""
    individual_route(JAPAN, application)


def main() -> None:
    """Run one property by hand, then every shipped property on a sound and a broken regime."""
    with temporary_storage():  # run_properties does this itself
        check_every_listed_good_has_a_route()
    mistake = Rule(
        id="forgot-arms", action="withdraw", text="a mistake", citation="none",
        items=("arms",), destinations=("*",), licences=("individual",),
    )  # fmt: skip
    broken = attrs.evolve(JAPAN, id="japan-broken", rules=(*JAPAN.rules, mistake))
    for regime in (JAPAN, broken):
        failed = [r.name for r in run_properties(regime, max_examples=40) if not r.passed]
        print(f"{regime.id}: {'all properties hold' if not failed else 'fails ' + ', '.join(failed)}")


if __name__ == "__main__":
    main()
