"""Scenarios built or changed in Python meet the checks files meet, at ``simulate`` and ``run``.

An API user who sets a bad value with ``attrs.evolve`` gets the file's error (an
:class:`InputError` naming the field and what was expected) before anything runs, not a
``ZeroDivisionError`` or a hang deep in the model.
"""

from __future__ import annotations

from collections.abc import Callable

import attrs
import pytest

from simulator import run, simulate
from simulator.errors import InputError
from simulator.rules.values import Regime
from simulator.scenario.distributions import fixed
from simulator.scenario.values import Scenario, Source

World = tuple[Scenario, Regime]


def _fab(scenario: Scenario, **fields: object) -> Scenario:
    return attrs.evolve(scenario, chipmakers=(attrs.evolve(scenario.chipmakers[0], **fields),))


def _use(scenario: Scenario, **fields: object) -> Scenario:
    fab = scenario.chipmakers[0]
    return _fab(scenario, materials=(attrs.evolve(fab.materials[0], **fields),))


def _product(scenario: Scenario, **fields: object) -> Scenario:
    maker = scenario.suppliers[0]
    product = attrs.evolve(maker.products[0], **fields)
    return attrs.evolve(
        scenario, suppliers=(attrs.evolve(maker, products=(product,)), *scenario.suppliers[1:])
    )


BAD: list[tuple[str, Callable[[Scenario], Scenario], str, str]] = [
    (
        "zero review period",
        lambda s: _fab(s, review_period_days=0.0),
        "chipmakers[0].review_period_days",
        "expected a finite number of days >= 0.01, got 0.0",
    ),
    (
        "negative quantity",
        lambda s: _use(s, use_t_per_unit=-1.0),
        "chipmakers[0].materials[0].use_t_per_unit",
        "expected a finite number >= 0 and at most 1e15, got -1.0",
    ),
    (
        "unknown supplier",
        lambda s: _use(s, sources=(Source("nobody", 1.0),)),
        "chipmakers[0].materials[0].sources[0].supplier",
        "expected a supplier of photoresist; got 'nobody'",
    ),
    (
        "NaN stock",
        lambda s: _use(s, start_inventory_days=float("nan")),
        "chipmakers[0].materials[0].start_inventory_days",
        "expected a finite number >= 0 and at most 1e15, got nan",
    ),
    (
        "infinite lead time",
        lambda s: _product(s, lead_time_days=fixed(float("inf"))),
        "suppliers[0].products[0].lead_time_days.value",
        "expected a number from 0 to 1e9, got inf",
    ),
    (
        "fractional examiners",
        lambda s: attrs.evolve(s, authority=attrs.evolve(s.authority, examiners=5.5)),
        "authority.examiners",
        "expected a whole number >= 1, got 5.5",
    ),
]


@pytest.mark.parametrize(("edit", "field", "expected"), [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_simulate_refuses_a_bad_value_set_in_python(
    one_fab: World, edit: Callable[[Scenario], Scenario], field: str, expected: str
) -> None:
    """``simulate`` raises the file's InputError, naming the scenario and field, for a value set in Python."""
    scenario, regime = one_fab
    with pytest.raises(InputError) as caught:
        simulate(edit(scenario), regime)
    assert caught.value.source == "scenario 'one-fab'"
    assert [(p.field, p.expected) for p in caught.value.problems] == [(field, expected)]


@pytest.mark.parametrize(("edit", "field", "expected"), [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_run_refuses_a_bad_value_set_in_python(
    one_fab: World, edit: Callable[[Scenario], Scenario], field: str, expected: str
) -> None:
    """``run`` raises the same InputError before any replication starts."""
    scenario, regime = one_fab
    with pytest.raises(InputError) as caught:
        run(edit(scenario), regime=regime, replications=2, seed=1)
    assert [(p.field, p.expected) for p in caught.value.problems] == [(field, expected)]


@pytest.mark.parametrize("seed", [-1, 1.5])
def test_a_seed_given_in_place_of_the_scenarios_is_checked(one_fab: World, seed: object) -> None:
    """A negative or fractional seed given to ``simulate`` or ``run`` is refused at the field ``seed``."""
    scenario, regime = one_fab
    with pytest.raises(InputError) as by_simulate:
        simulate(scenario, regime, seed=seed)  # type: ignore[arg-type]
    with pytest.raises(InputError) as by_run:
        run(scenario, regime=regime, seed=seed)
    assert [(p.field, p.expected) for p in by_simulate.value.problems] == [
        ("seed", f"expected a whole number >= 0, got {seed!r}")
    ]
    [problem] = by_run.value.problems
    assert (problem.field, problem.expected) == (
        "seed",
        f"expected a whole number from 0 to 2**63-1; got {seed!r}",
    )


def test_a_sound_scenario_built_in_python_still_runs(one_fab: World) -> None:
    """The check passes a sound scenario changed in Python: a 14-day review period runs as before."""
    scenario, regime = one_fab
    records = simulate(_fab(scenario, review_period_days=14.0), regime)
    assert records.scenario == "one-fab"
    assert records.horizon_days == 214.0
