"""Several regimes in force at once: a scenario's laws, each governing exports from its own country.

A scenario names one regime and may add others (Korea's beside Japan's, so that trade both
ways is governed); the model asks which regime governs a supplier's exports by its country.
"""

from __future__ import annotations

from attrs import frozen

from simulator.rules.values import Regime


@frozen
class Laws:
    """Several regimes in force at once, each governing exports from its own country."""

    regimes: tuple[Regime, ...]

    @property
    def primary(self) -> Regime:
        """The first regime: the one a scenario names as its ``regime``."""
        return self.regimes[0]

    def of(self, country: str) -> Regime | None:
        """The regime governing exports from ``country``, if any."""
        return next((r for r in self.regimes if r.country == country), None)


def laws_of(law: Regime | Laws) -> Laws:
    """Treat a single regime as the laws of one country."""
    return law if isinstance(law, Laws) else Laws((law,))
