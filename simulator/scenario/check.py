"""Checks of what a scenario means: references resolve, shares add up, numbers are in range.

Structure (types, unknown keys) is checked where files are read; this module checks meaning
and reports every problem with its field path, so that a user fixes a file in one pass.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator

from simulator.errors import Problem
from simulator.regimes.reading import FIRST_YEAR, LAST_YEAR
from simulator.rules.exporters import attribute_problems
from simulator.rules.laws import Laws
from simulator.scenario.bounds import MAX_QUANTITY, non_negative, whole
from simulator.scenario.licensing import ANY_ITEM
from simulator.scenario.licensing_checks import licensing_problems, review_key
from simulator.scenario.values import (
    Authority,
    Chipmaker,
    IntensityCut,
    MaterialUse,
    Qualification,
    Scenario,
    Supplier,
    Surge,
    TradeFlow,
)

_MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")
MIN_REVIEW_PERIOD_DAYS = 0.01
"""A fab reviews its stock at most a hundred times a day (a shorter period would never end a run)."""
MIN_PATIENCE_DAYS = 0.01
"""An order loses patience at most a hundred times a day (5e-324 days re-armed it at one instant)."""
MAX_HORIZON_DAYS = 73_050.0
"""The longest scenario, in days: 200 years."""


def scenario_problems(scenario: Scenario, items: set[str], bulk_licences: set[str]) -> list[Problem]:
    """Return every problem of meaning in ``scenario``.

    Args:
        scenario: the scenario to check.
        items: the regime's item ids.
        bulk_licences: the regime's bulk licence kinds (those a supplier can hold).
    """
    return [
        *_period_problems(scenario),
        *_material_problems(scenario, items),
        *_supplier_problems(scenario, bulk_licences),
        *_chipmaker_problems(scenario),
        *_lane_problems(scenario),
        *_trade_flows_problems(scenario),
        *_authority_problems(scenario, items),
        *_distribution_problems(scenario),
    ]


def laws_problems(scenario: Scenario, laws: Laws) -> list[Problem]:
    """Return every problem of meaning in ``scenario`` under ``laws``.

    That is :func:`scenario_problems` with the items and bulk licences of all the regimes, and
    each exporter's materials checked against the regime governing its exports.
    """
    items = {i.id for r in laws.regimes for i in r.items}
    bulk = {k.id for r in laws.regimes for k in r.licences if not k.per_application}
    problems = scenario_problems(scenario, items, bulk) + licensing_problems(scenario, laws)
    problems += _before_the_law(scenario, laws)
    materials = {m.id: m.item for m in scenario.materials}
    for n, supplier in enumerate(scenario.suppliers):
        regime = laws.of(supplier.country)
        problems += _attribute_problems(laws, supplier, n)
        for k, product in enumerate(supplier.products):
            item = materials.get(product.material)
            if regime is not None and item is not None and not regime.has_item(item):
                expected = f"an item of regime {regime.id!r}, which governs exports from {supplier.country}"
                field = f"suppliers[{n}].products[{k}].material"
                problems.append(Problem(field, f"expected {expected}; {item!r} is not"))
    return problems


def _before_the_law(scenario: Scenario, laws: Laws) -> list[Problem]:
    """A run must not start before a regime it runs under begins: the rules say nothing then."""
    return [
        Problem(
            "scenario.start",
            f"expected a date on or after {r.valid_from}, when regime {r.id!r} begins; got {scenario.start}",
        )
        for r in laws.regimes
        if scenario.start < r.valid_from
    ]


def _attribute_problems(laws: Laws, supplier: Supplier, n: int) -> list[Problem]:
    """Names in ``has``/``lacks`` must be attributes of the regime governing the supplier's exports.

    A supplier that no regime governs is never decided; its names must still be some regime's.
    """
    regime = laws.of(supplier.country)
    problems = []
    for name in ("has", "lacks"):
        names = getattr(supplier, name)
        field = f"suppliers[{n}].{name}"
        if regime is not None:
            problems += attribute_problems(regime, names, field)
            continue
        known = sorted({a.id for r in laws.regimes for a in r.attributes})
        listing = ", ".join(known) or "none declared"
        expected = f"expected an exporter attribute of the scenario's regimes ({listing})"
        problems += [Problem(field, f"{expected}; got {x!r}") for x in names if x not in known]
    return problems


def _period_problems(scenario: Scenario) -> Iterator[Problem]:
    for name in ("start", "end"):
        date = getattr(scenario, name)
        if not FIRST_YEAR <= date.year <= LAST_YEAR:  # a period has no open end
            expected = f"expected a date in the years {FIRST_YEAR} to {LAST_YEAR}, got {date}"
            yield Problem(f"scenario.{name}", expected)
    if scenario.end < scenario.start:
        yield Problem("scenario.end", f"expected a date on or after start ({scenario.start})")
    elif scenario.horizon_days > MAX_HORIZON_DAYS:
        expected = f"expected at most {MAX_HORIZON_DAYS:g} days after start (about 200 years)"
        yield Problem("scenario.end", f"{expected}; the scenario spans {scenario.horizon_days:g}")
    if not whole(scenario.replications, 1):
        yield Problem("scenario.replications", f"expected a whole number >= 1, got {scenario.replications!r}")
    if not whole(scenario.seed, 0):
        yield Problem("scenario.seed", f"expected a whole number >= 0, got {scenario.seed!r}")
    if not 0 <= scenario.warm_up_days < scenario.horizon_days:  # written so that NaN fails too
        expected = f"expected a number >= 0 and less than the scenario's {scenario.horizon_days:g} days"
        yield Problem("scenario.warm_up_days", f"{expected}, got {scenario.warm_up_days}")


def _material_problems(scenario: Scenario, items: set[str]) -> Iterator[Problem]:
    for n, material in enumerate(scenario.materials):
        if material.item not in items:
            yield Problem(
                f"materials[{n}].item", f"expected an item of the regime ({', '.join(sorted(items))})"
            )
        if material.id != material.item and not material.id.startswith(f"{material.item}-"):
            yield Problem(
                f"materials[{n}].id", f"expected its item id {material.item!r} or '{material.item}-GRADE'"
            )
        yield from non_negative(material, f"materials[{n}]", "value_usd_per_t", "storage_cap_days")
        if not 0 < material.controlled_share <= 1:
            yield Problem(
                f"materials[{n}].controlled_share",
                f"expected a number in (0, 1], got {material.controlled_share}",
            )
        if not material.trade_code.strip():
            yield Problem(f"materials[{n}].trade_code", "expected a trade code, e.g. '2811.11'; got ''")


def _supplier_problems(scenario: Scenario, bulk_licences: set[str]) -> Iterator[Problem]:
    materials = {m.id for m in scenario.materials}
    for n, supplier in enumerate(scenario.suppliers):
        yield from non_negative(
            supplier,
            f"suppliers[{n}]",
            "contract_days",
            "renew_days",
            "licences_at_start_days",
            "made_ahead_days",
        )
        for licence in supplier.bulk_licences:
            if licence not in bulk_licences:
                yield Problem(
                    f"suppliers[{n}].bulk_licences", _unknown("regime's bulk licence", licence, bulk_licences)
                )
        yield from _duplicates(
            [p.material for p in supplier.products], f"suppliers[{n}].products", "material"
        )
        for k, product in enumerate(supplier.products):
            path = f"suppliers[{n}].products[{k}]"
            if product.material not in materials:
                yield Problem(f"{path}.material", _unknown("material", product.material, materials))
            if not 0 < product.capacity_t_per_day <= MAX_QUANTITY:  # written so that NaN fails too
                yield Problem(f"{path}.capacity_t_per_day", "expected a number > 0 and at most 1e15")
            for e, expansion in enumerate(product.expansions):
                if not 0 < expansion.capacity_t_per_day <= MAX_QUANTITY:
                    expected = "expected a number > 0 and at most 1e15"
                    yield Problem(f"{path}.expansions[{e}].capacity_t_per_day", expected)
                yield from non_negative(expansion, f"{path}.expansions[{e}]", "ramp_days")
            yield from _surge_problems(product.surge, f"{path}.surge")
        if supplier.available_from and not scenario.start <= supplier.available_from <= scenario.end:
            yield Problem(f"suppliers[{n}].available_from", _within(scenario))


def _surge_problems(surge: Surge | None, path: str) -> Iterator[Problem]:
    if surge is None:
        return
    if not 0 < surge.extra_t_per_day <= MAX_QUANTITY:
        expected = "expected a number > 0 and at most 1e15 (tonnes a day)"
        yield Problem(f"{path}.extra_t_per_day", f"{expected}, got {surge.extra_t_per_day}")
    for name in ("lag_days", "backlog_days"):
        days = getattr(surge, name)
        if not 0 <= days < math.inf:  # written so that NaN fails too
            yield Problem(f"{path}.{name}", f"expected a finite number of days >= 0, got {days}")


def _chipmaker_problems(scenario: Scenario) -> Iterator[Problem]:
    for n, chipmaker in enumerate(scenario.chipmakers):
        path = f"chipmakers[{n}]"
        yield from non_negative(
            chipmaker, path, "output_units_per_day", "value_usd_per_unit", "cover_target_days"
        )
        if not MIN_REVIEW_PERIOD_DAYS <= chipmaker.review_period_days < math.inf:  # NaN fails too
            expected = f"expected a finite number of days >= {MIN_REVIEW_PERIOD_DAYS}"
            yield Problem(f"{path}.review_period_days", f"{expected}, got {chipmaker.review_period_days}")
        if chipmaker.patience_days is not None and not chipmaker.patience_days >= MIN_PATIENCE_DAYS:
            yield Problem(f"{path}.patience_days", f"expected a number of days >= {MIN_PATIENCE_DAYS}")
        for k, use in enumerate(chipmaker.materials):
            yield from _use_problems(scenario, use, f"{path}.materials[{k}]")
        yield from _duplicates([u.material for u in chipmaker.materials], f"{path}.materials", "material")
        yield from _qualifications_problems(scenario, chipmaker, path)
        yield from _intensity_cut_problems(chipmaker.intensity_cut, f"{path}.intensity_cut")


def _qualifications_problems(scenario: Scenario, chipmaker: Chipmaker, path: str) -> Iterator[Problem]:
    used = [u.material for u in chipmaker.materials]
    for k, qualification in enumerate(chipmaker.qualifications):
        yield from _qualification_problems(scenario, qualification, f"{path}.qualifications[{k}]")
        if qualification.material not in used:
            expected = f"expected a material this chipmaker uses ({', '.join(used)})"
            yield Problem(
                f"{path}.qualifications[{k}].material", f"{expected}; got {qualification.material!r}"
            )


def _intensity_cut_problems(cut: IntensityCut | None, path: str) -> Iterator[Problem]:
    if cut is None:
        return
    if not 0 < cut.factor <= 1:
        yield Problem(f"{path}.factor", "expected a number in (0, 1]")
    yield from non_negative(cut, path, "below_cover_days", "shock_cover_days")
    if cut.max_days is not None and not cut.max_days > 0:
        yield Problem(f"{path}.max_days", "expected a number of days > 0")
    if not 0 <= cut.output_loss_fraction <= 1:
        yield Problem(f"{path}.output_loss_fraction", "expected a fraction in [0, 1]")


def _duplicates(values: list[str], path: str, what: str) -> Iterator[Problem]:
    for duplicate in sorted({v for v in values if values.count(v) > 1}):
        yield Problem(path, f"expected one entry per {what}; {duplicate!r} repeats")


def _use_problems(scenario: Scenario, use: MaterialUse, path: str) -> Iterator[Problem]:
    makers = _makers(scenario)
    yield from non_negative(use, path, "cover_target_days", "pull_forward_days")
    if use.material not in {m.id for m in scenario.materials}:
        yield Problem(
            f"{path}.material", _unknown("material", use.material, {m.id for m in scenario.materials})
        )
    yield from non_negative(use, path, "use_t_per_unit", "start_inventory_days", "weight_return_days")
    if not 0 <= use.licence_weight <= 1:
        yield Problem(f"{path}.licence_weight", "expected a weight in [0, 1]")
    yield from _duplicates([s.supplier for s in use.sources], f"{path}.sources", "supplier")
    for k, source in enumerate(use.sources):
        if use.material not in makers.get(source.supplier, set()):
            yield Problem(
                f"{path}.sources[{k}].supplier",
                f"expected a supplier of {use.material}; got {source.supplier!r}",
            )
        if not 0 <= source.share <= 1:
            yield Problem(f"{path}.sources[{k}].share", "expected a share between 0 and 1")
    total = sum(s.share for s in use.sources)
    if use.sources and not math.isclose(total, 1.0, abs_tol=1e-9):
        yield Problem(f"{path}.sources", f"expected shares that sum to 1, got {total:g}")


def _qualification_problems(scenario: Scenario, qualification: Qualification, path: str) -> Iterator[Problem]:
    if qualification.material not in _makers(scenario).get(qualification.supplier, set()):
        yield Problem(
            f"{path}.supplier",
            f"expected a supplier of {qualification.material}; got {qualification.supplier!r}",
        )
    if not 0 < qualification.share <= 1:
        yield Problem(f"{path}.share", "expected a share in (0, 1]")
    if qualification.start and not scenario.start <= qualification.start <= scenario.end:
        yield Problem(f"{path}.start", _within(scenario))


def _lane_problems(scenario: Scenario) -> Iterator[Problem]:
    pairs = [(lane.origin, lane.destination) for lane in scenario.lanes]
    for duplicate in sorted({p for p in pairs if pairs.count(p) > 1}):
        yield Problem(
            "lanes", f"expected one lane per origin and destination; {duplicate[0]}-{duplicate[1]} repeats"
        )
    countries = {s.id: s.country for s in scenario.suppliers}
    for n, chipmaker in enumerate(scenario.chipmakers):
        named = {s.supplier for u in chipmaker.materials for s in u.sources}
        named |= {q.supplier for q in chipmaker.qualifications}
        for supplier in sorted(named & set(countries)):
            origin = countries[supplier]
            if origin != chipmaker.country and (origin, chipmaker.country) not in pairs:
                lane = f"expected a [[lanes]] entry from {origin} to {chipmaker.country}"
                yield Problem(f"chipmakers[{n}]", f"{lane} (supplier {supplier!r})")


def _trade_flows_problems(scenario: Scenario) -> Iterator[Problem]:
    codes = {m.trade_code for m in scenario.materials}
    for n, flow in enumerate(scenario.trade_flows):
        path = f"trade_flows[{n}]"
        if flow.trade_code not in codes:
            known = ", ".join(sorted(codes))
            expected = f"expected the trade code of one of the scenario's materials ({known})"
            yield Problem(f"{path}.trade_code", f"{expected}; got {flow.trade_code!r}")
        if flow.origin == flow.destination:
            expected = "expected a destination other than the origin (customs count what crosses a border)"
            yield Problem(f"{path}.destination", f"{expected}; both are {flow.origin}")
        yield from non_negative(flow, path, "tonnes_per_month")
        yield from _monthly_problems(scenario, flow, path)


def _monthly_problems(scenario: Scenario, flow: TradeFlow, path: str) -> Iterator[Problem]:
    first, last = scenario.start.strftime("%Y-%m"), scenario.end.strftime("%Y-%m")
    for month, tonnes in flow.monthly.items():
        where = f"{path}.monthly.{month}"
        if not _MONTH.fullmatch(month):
            yield Problem(where, f"expected a month label YYYY-MM (e.g. '2019-07'); got {month!r}")
        elif not first <= month <= last:
            yield Problem(where, f"expected a month within the scenario ({first} to {last}); got {month!r}")
        if not 0 <= tonnes <= MAX_QUANTITY:  # written so that NaN fails too
            yield Problem(where, f"expected a number >= 0 and at most 1e15, got {tonnes}")


def _authority_problems(scenario: Scenario, items: set[str]) -> Iterator[Problem]:
    """Review terms naming no item or material, or repeating a key, in every authority."""
    known = items | {m.id for m in scenario.materials}
    places = [("authority", scenario.authority)]
    places += [(f"authorities[{k}]", a) for k, a in enumerate(scenario.authorities)]
    for path, authority in places:
        keys = [(t.item, tuple(sorted(t.destinations)), t.end_use) for t in authority.items]
        for n, key in enumerate(keys):
            if key[0] not in known | {ANY_ITEM}:
                yield Problem(f"{path}.items[{n}].item", _unknown("item or material", key[0], known))
            elif keys.count(key) > 1 and keys.index(key) < n:
                expected = f"expected one entry per item or material; {review_key(*key)} repeats"
                yield Problem(f"{path}.items[{n}].item", expected)


def _distribution_problems(scenario: Scenario) -> Iterator[Problem]:
    for n, lane in enumerate(scenario.lanes):
        yield from lane.days.problems(f"lanes[{n}].days")
    authorities = [("authority", scenario.authority)]
    authorities += [(f"authorities[{k}]", a) for k, a in enumerate(scenario.authorities)]
    for path, authority in authorities:
        yield from _authority_problems_of(authority, path)
    for n, chipmaker in enumerate(scenario.chipmakers):
        for k, qualification in enumerate(chipmaker.qualifications):
            yield from qualification.days.problems(f"chipmakers[{n}].qualifications[{k}].days")
    for n, supplier in enumerate(scenario.suppliers):
        for k, product in enumerate(supplier.products):
            yield from product.lead_time_days.problems(f"suppliers[{n}].products[{k}].lead_time_days")


def _authority_problems_of(authority: Authority, path: str) -> Iterator[Problem]:
    if not whole(authority.examiners, 1):
        yield Problem(f"{path}.examiners", f"expected a whole number >= 1, got {authority.examiners!r}")
    if authority.review_days is not None:
        yield from authority.review_days.problems(f"{path}.review_days")
    for n, terms in enumerate(authority.items):
        where = f"{path}.items[{n}]"
        for name in ("review_days", "repeat_review_days"):
            days = getattr(terms, name)
            if days is not None:
                yield from days.problems(f"{where}.{name}")
        yield from terms.correction_days.problems(f"{where}.correction_days")
        for name in ("returned_probability", "denial_probability", "repeat_returned_probability"):
            probability = getattr(terms, name)
            if probability is not None and not 0 <= probability <= 1:
                yield Problem(f"{where}.{name}", "expected a probability between 0 and 1")


def _makers(scenario: Scenario) -> dict[str, set[str]]:
    return {s.id: {p.material for p in s.products} for s in scenario.suppliers}


def _unknown(kind: str, name: str, known: set[str]) -> str:
    return f"expected one of the scenario's {kind}s ({', '.join(sorted(known))}); got {name!r}"


def _within(scenario: Scenario) -> str:
    return f"expected a date within the scenario ({scenario.start} to {scenario.end})"
