"""Shared fixtures and the Hypothesis profiles (``ci`` is derandomized and used when CI is set)."""

from __future__ import annotations

import os

import pytest
from hypothesis import settings

from simulator.loading import load_regime
from simulator.rules.values import Regime

settings.register_profile("ci", derandomize=True, max_examples=150, deadline=None, database=None)
settings.register_profile("dev", max_examples=100, deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else os.environ.get("HYPOTHESIS_PROFILE", "dev"))


@pytest.fixture(scope="session")
def japan() -> Regime:
    """Japan's bundled regime."""
    return load_regime("japan")
