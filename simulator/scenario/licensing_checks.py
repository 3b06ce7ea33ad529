"""Checks of the licensing terms a scenario adds: held licences, review terms by place, and routes.

A route is a supplier's exports of a material's item to a buyer's country. Each must have an
authorisation under the regime governing the supplier on every day of the run the law can
change, or the run would stop midway; the check names the item, supplier, destination and day.

Apart from :mod:`simulator.scenario.check` so that each module stays short; it is called from
there, and reports problems with their field paths in the same way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from simulator.errors import Problem, RuleError
from simulator.regimes.loading import countries
from simulator.rules.compiled import compile_regime
from simulator.rules.engine import boundaries
from simulator.rules.exporters import exporter_of
from simulator.rules.laws import Laws
from simulator.rules.values import Regime
from simulator.scenario.values import Authority, Scenario, Supplier


def licensing_problems(scenario: Scenario, laws: Laws) -> list[Problem]:
    """Every problem of the scenario's held licences, end uses and review-term keys under ``laws``."""
    problems = [p for n, s in enumerate(scenario.suppliers) for p in _held_problems(scenario, laws, s, n)]
    for n, chipmaker in enumerate(scenario.chipmakers):
        if not chipmaker.end_use.strip():
            problems.append(Problem(f"chipmakers[{n}].end_use", "expected an end-use class, e.g. 'civil'"))
    authorities = [("authority", scenario.authority)]
    authorities += [(f"authorities[{k}]", a) for k, a in enumerate(scenario.authorities)]
    for path, authority in authorities:
        problems += _review_key_problems(laws, authority, path)
    return problems + list(_route_problems(scenario, laws))


def _route_problems(scenario: Scenario, laws: Laws) -> Iterator[Problem]:
    """A problem for each source (or qualified substitute) the regime leaves without a route on some day."""
    materials = {m.id: m.item for m in scenario.materials}
    suppliers = {s.id: s for s in scenario.suppliers}
    for n, chipmaker in enumerate(scenario.chipmakers):
        for m, use in enumerate(chipmaker.materials):
            ways = [(f"materials[{m}].sources[{k}]", s.supplier) for k, s in enumerate(use.sources)]
            ways += [
                (f"qualifications[{q}]", t.supplier)
                for q, t in enumerate(chipmaker.qualifications)
                if t.material == use.material and t.enabled
            ]
            for where, supplier_id in ways:
                item, supplier = materials.get(use.material), suppliers.get(supplier_id)
                regime = laws.of(supplier.country) if supplier is not None else None
                if (
                    item is None
                    or supplier is None
                    or regime is None
                    or item not in {i.id for i in regime.items}
                ):
                    continue  # unknown names are reported elsewhere; other trade needs nothing
                day = _day_without_route(scenario, regime, item, supplier, chipmaker.country)
                if day is not None:
                    yield Problem(
                        f"chipmakers[{n}].{where}",
                        f"expected an authorisation route: regime {regime.id!r} gives none for {item} from "
                        f"{supplier.id} ({supplier.country}) to {chipmaker.country} on {day}",
                    )


def _day_without_route(
    scenario: Scenario, regime: Regime, item: str, supplier: Supplier, destination: str
) -> dt.date | None:
    """The first day of the run (start or a day the law changes) with no route, if any."""
    table = compile_regime(regime)
    if not {*supplier.has, *supplier.lacks} <= {a.id for a in regime.attributes}:
        return None  # unknown attribute names are reported at their own fields
    exporter = exporter_of(regime, supplier.has, supplier.lacks, frozenset(supplier.bulk_licences))
    days = [scenario.start, *(d for d, _ in boundaries(regime) if scenario.start < d <= scenario.end)]
    for day in days:
        if day < regime.valid_from:
            continue
        try:
            table.licence(item, destination, day, exporter)
        except RuleError:
            return day
    return None


def _held_problems(scenario: Scenario, laws: Laws, supplier: Supplier, n: int) -> Iterator[Problem]:
    regime = laws.of(supplier.country)
    regimes = laws.regimes if regime is None else (regime,)
    bulk = sorted({k.id for r in regimes for k in r.licences if not k.per_application})
    buyers = [c.id for c in scenario.chipmakers]
    for k, held in enumerate(supplier.held_licences):
        path = f"suppliers[{n}].held_licences[{k}]"
        if held.kind not in bulk:
            governing = f"of regime {regime.id!r}" if regime is not None else "of the scenario's regimes"
            expected = f"expected a bulk licence kind {governing} ({', '.join(bulk) or 'none'})"
            yield Problem(f"{path}.kind", f"{expected}; got {held.kind!r}")
        if held.until is not None and held.until < held.start:
            yield Problem(f"{path}.until", f"expected a date on or after start ({held.start})")
        for c, customer in enumerate(held.customers):
            if customer not in buyers:
                expected = f"expected a chipmaker id of the scenario ({', '.join(buyers)})"
                yield Problem(f"{path}.customers[{c}]", f"{expected}; got {customer!r}")


def _review_key_problems(laws: Laws, authority: Authority, path: str) -> Iterator[Problem]:
    known = set(countries())
    groups = sorted({f"group:{g.id}" for r in laws.regimes for g in r.groups})
    for n, terms in enumerate(authority.items):
        where = f"{path}.items[{n}]"
        for d, destination in enumerate(terms.destinations):
            if destination not in known and destination not in groups:
                expected = f"expected an ISO 3166 alpha-2 country code or a group ({', '.join(groups)})"
                yield Problem(f"{where}.destinations[{d}]", f"{expected}; got {destination!r}")
        if terms.end_use is not None and not terms.end_use.strip():
            yield Problem(f"{where}.end_use", "expected an end-use class, e.g. 'defence'")


def review_key(item: str, destinations: tuple[str, ...], end_use: str | None) -> str:
    """How a problem names an entry's key: its item, and its destinations and end use if any.

    >>> review_key("resist", ("US",), None), review_key("*", (), "defence")
    ("'resist' for US", "'*' for end use 'defence'")
    """
    parts = [f"{item!r}"]
    if destinations:
        parts.append(f"for {', '.join(destinations)}")
    if end_use is not None:
        parts.append(f"for end use {end_use!r}")
    return " ".join(parts)
