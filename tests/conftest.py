"""Shared fixtures and the Hypothesis profiles (``ci`` is derandomized and used when CI is set).

Hypothesis keeps its files (example database, caches) under ``.pytest_cache/hypothesis``, with
pytest's own cache, rather than in a ``.hypothesis`` folder wherever the suite is run from.
"""

from __future__ import annotations

import os
from pathlib import Path

import attrs
import pytest
from hypothesis import settings
from hypothesis.configuration import set_hypothesis_home_dir

from simulator.regimes.loading import load_regime
from simulator.rules.values import Regime, Rule
from simulator.scenario.loading import load_scenario
from simulator.scenario.values import Scenario

set_hypothesis_home_dir(Path(__file__).parents[1] / ".pytest_cache" / "hypothesis")
settings.register_profile("ci", derandomize=True, max_examples=150, deadline=None, database=None)
settings.register_profile("dev", max_examples=100, deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else os.environ.get("HYPOTHESIS_PROFILE", "dev"))


@pytest.fixture(scope="session")
def one_fab() -> tuple[Scenario, Regime]:
    """The deterministic one-supplier, one-fab scenario (tests/scenarios/one-fab.toml) and its regime."""
    scenario, regime = load_scenario(Path(__file__).parent / "scenarios" / "one-fab.toml")
    assert isinstance(regime, Regime)
    return scenario, regime


@pytest.fixture(scope="session")
def japan_2019() -> tuple[Scenario, Regime]:
    """The bundled scenario scenarios/japan-2019.toml and its regime."""
    scenario, regime = load_scenario(Path(__file__).parents[1] / "scenarios" / "japan-2019.toml")
    assert isinstance(regime, Regime)
    return scenario, regime


@pytest.fixture(scope="session")
def japan() -> Regime:
    """Japan's bundled regime."""
    return load_regime("japan")


@pytest.fixture(scope="session")
def japan_without_arms_route(japan: Regime) -> Regime:
    """Japan's regime with the individual licence withdrawn for arms: a regime with a gap."""
    no_route = Rule(
        id="no-individual",
        action="withdraw",
        text="Individual licences withdrawn for arms (a defect on purpose).",
        citation="test",
        items=("arms",),
        destinations=("*",),
        licences=("individual",),
    )
    return attrs.evolve(japan, rules=(*japan.rules, no_route))
