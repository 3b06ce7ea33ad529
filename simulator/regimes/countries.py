"""The ISO 3166-1 alpha-2 country codes, shipped as data so that codes are checked without a dependency.

A code of the right shape (``XX``, ``QQ``) is not a country; regimes and scenarios both check
their codes against this list. The list is ``simulator/data/countries.toml`` (its header names
its source).
"""

from __future__ import annotations

import functools
import importlib.resources
import tomllib
from collections.abc import Iterator

from simulator.errors import Problem, UnknownNameError, close_matches
from simulator.rules.derive import RegimeChanges
from simulator.rules.values import Regime


@functools.lru_cache(maxsize=1)
def countries() -> dict[str, str]:
    """Return ISO 3166-1 alpha-2 codes mapped to short country names."""
    text = (
        importlib.resources.files("simulator").joinpath("data").joinpath("countries.toml").read_text("utf-8")
    )
    return dict(tomllib.loads(text)["countries"])


def lookup_country(code: str) -> str:
    """Return ``code`` upper-cased if it is an ISO country code, else raise with close matches."""
    upper = code.upper()
    known = countries()
    if upper not in known:
        by_name = {f"{c} ({name})": name for c, name in known.items()}
        matches = close_matches(code, [*known, *by_name.values()])
        hints = [
            f"{c} ({known[c]})" if c in known else next(k for k, v in by_name.items() if v == c)
            for c in matches
        ]
        raise UnknownNameError("country code", code, hints, matched=True)
    return upper


def regime_country_problems(regime: Regime | RegimeChanges) -> Iterator[Problem]:
    """Country codes of the right shape that are not ISO 3166-1 alpha-2 countries.

    In a whole regime, or in what a derived regime's file adds (at that file's field paths).
    """
    known = countries()
    located = [("regime.country", regime.country)] if isinstance(regime, Regime) else []
    located += [(f"members[{n}].countries", c) for n, m in enumerate(regime.members) for c in m.countries]
    rules = [(f"rules[{n}]", r) for n, r in enumerate(regime.rules)]
    rules += [
        (f"measures[{n}].rules[{k}]", r) for n, m in enumerate(regime.measures) for k, r in enumerate(m.rules)
    ]
    located += [(f"{path}.destinations", d) for path, r in rules for d in r.destinations if _shaped(d)]
    for field, code in located:
        if code not in known:
            yield Problem(field, f"expected an ISO 3166-1 alpha-2 country code; {code!r} is none")


def _shaped(selector: str) -> bool:
    return len(selector) == 2 and selector.isalpha() and selector.isupper()
