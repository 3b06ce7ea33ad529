"""The shipped properties hold for Japan's regime and catch regimes that break them."""

from __future__ import annotations

import datetime as dt

import attrs
import pytest
from hypothesis import given

from simulator import testing
from simulator.regimes.loading import load_regime
from simulator.rules.values import Application, Regime, Rule
from simulator.testing import (
    PROPERTIES,
    applications,
    constant_between_measures,
    deterministic,
    individual_route,
    run_properties,
)

JAPAN = load_regime("japan")


@given(applications(JAPAN))
def test_japan_deterministic(application: Application) -> None:
    """Japan's decisions are deterministic and the compiled table agrees."""
    deterministic(JAPAN, application)


@given(applications(JAPAN))
def test_japan_constant_between_measures(application: Application) -> None:
    """Japan's decisions change only on measure boundaries."""
    constant_between_measures(JAPAN, application)


@given(applications(JAPAN))
def test_japan_individual_route(application: Application) -> None:
    """Every listed good has an individual-licence route in Japan's regime unless prohibited."""
    individual_route(JAPAN, application)


def test_all_properties_pass_for_japan(japan: Regime) -> None:
    """run_properties reports every shipped property as passing on Japan's regime."""
    results = run_properties(japan, max_examples=40)
    assert [r.name for r in results] == list(PROPERTIES)
    assert all(r.passed for r in results), [r for r in results if not r.passed]


def _failed(regime: Regime) -> set[str]:
    return {r.name for r in run_properties(regime, max_examples=100) if not r.passed}


def test_missing_individual_route_detected(japan_without_arms_route: Regime) -> None:
    """Withdrawing individual licences for arms is caught by the individual-route property."""
    assert "individual-route" in _failed(japan_without_arms_route)


def test_inverted_trust_detected(japan: Regime) -> None:
    """Granting general bulk to Group D but not Group C is caught by the trust property."""
    rule = Rule(
        id="d-bulk",
        action="grant",
        text="t",
        citation="c",
        items=("@bulk-eligible",),
        destinations=("group:D",),
        licences=("general-bulk",),
    )
    assert "never-stricter-for-more-trust" in _failed(attrs.evolve(japan, rules=(*japan.rules, rule)))


def test_catch_all_on_group_a_detected(japan: Regime) -> None:
    """A regime that takes Group A's catch-all exemption away fails the exemption property."""
    exempt_lost = attrs.evolve(
        japan, groups=tuple(attrs.evolve(g, catch_all_exempt=False) for g in japan.groups)
    )
    assert "most-trusted-group-exempt-from-catch-all" in _failed(exempt_lost)


def test_exemption_for_the_untrusted_detected(japan: Regime) -> None:
    """Exempting Group D from the catch-all but not Group C breaks trust monotonicity."""
    inverted = attrs.evolve(
        japan,
        groups=tuple(attrs.evolve(g, catch_all_exempt=g.id in ("A", "D")) for g in japan.groups),
    )
    assert "never-stricter-for-more-trust" in _failed(inverted)


def test_constancy_catches_a_missing_boundary(japan: Regime, monkeypatch: pytest.MonkeyPatch) -> None:
    """Were the 4 July 2019 boundary lost, the constancy property would catch the change it hides."""
    real = testing.boundaries
    missing = dt.date(2019, 7, 4)
    monkeypatch.setattr(testing, "boundaries", lambda r: tuple(b for b in real(r) if b[0] != missing))
    with pytest.raises(AssertionError, match="individual"):
        constant_between_measures(japan, Application("photoresist", "KR", dt.date(2019, 7, 10)))
