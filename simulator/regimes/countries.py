"""The ISO 3166-1 alpha-2 country codes, shipped as data so that codes are checked without a dependency.

A code of the right shape (``XX``, ``QQ``) is not a country; regimes and scenarios both check
their codes against this list. The list is ``simulator/data/countries.toml`` (its header names
its source).
"""

from __future__ import annotations

import functools
import importlib.resources
import tomllib

from simulator.errors import UnknownNameError, close_matches


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
