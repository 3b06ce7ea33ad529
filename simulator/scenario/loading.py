"""Reading scenario files: the world, its regimes and its variants, checked before anything runs.

Built on :mod:`simulator.regimes.loading` (the strict converter, regimes); like it, the only other
place that parses files. A file may amend a base scenario, name several regimes, and declare
variants changed by dotted path.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import attrs

from simulator.errors import InputError, Problem, UnknownNameError, clip
from simulator.regimes.loading import (
    countries,
    dropped_ids,
    load_regime,
    raise_if_any,
    read_toml,
    structure_entries,
)
from simulator.regimes.reading import MAX_DERIVATION_DEPTH, is_file
from simulator.regimes.references import reference_problem, resolve_reference
from simulator.rules.laws import Laws, laws_of
from simulator.rules.values import Regime
from simulator.scenario.bounds import whole
from simulator.scenario.check import laws_problems
from simulator.scenario.overrides import override_all
from simulator.scenario.values import Scenario, VariantSpec

_SCENARIO_TABLE = "scenario"


def load_scenario(path: str | Path) -> tuple[Scenario, Regime | Laws]:
    """Load a scenario file and the regime(s) it names, checking both before anything runs.

    A regime named by a path is read relative to the file that names it (a base scenario's
    regimes beside the base), wherever that is; a plain name is a bundled regime
    (:func:`~simulator.regimes.references.resolve_reference`). With ``export_regimes`` the second
    value is :class:`Laws` (the main regime first), else the one :class:`Regime`.

    Raises:
        InputError: every problem of the file, with its field path.
    """
    path = Path(path)
    source = str(path)
    flat = _scenario_data(path, ())
    scenario, problems = structure_entries(flat, Scenario, source, root=_SCENARIO_TABLE)
    laws, meaning = _scenario_laws(scenario)
    meaning += [*_country_problems(scenario), *_duplicate_ids(scenario)]
    if laws is not None:
        meaning += laws_problems(scenario, laws)
    raise_if_any(source, problems, meaning, _dropped(flat, problems))
    if laws is None:  # unreachable: a missing regime is one of the problems raised above
        raise InputError(source, [Problem("scenario.regime", "expected a regime")])
    return scenario, _single_or_laws(laws)


def check_scenario(scenario: Scenario, regime: Regime | Laws, seed: int | None = None) -> None:
    """Check a scenario built in Python as a file is checked: the same rules, paths and messages.

    :mod:`simulator.scenario.check` is the one shared check; :func:`load_scenario` applies it to
    files, and this applies it to values built or changed in Python (``attrs.evolve``,
    :func:`~simulator.scenario.overrides.override`): ``simulate`` and the studies call it once
    before they run.

    Args:
        scenario: the scenario.
        regime: the regime, or regimes, it runs under.
        seed: a seed given in place of the scenario's, checked too (at the field ``seed``).

    Raises:
        InputError: every problem, with its field path, under the source ``scenario 'ID'``.
    """
    problems = [
        *_country_problems(scenario),
        *_duplicate_ids(scenario),
        *laws_problems(scenario, laws_of(regime)),
    ]
    if seed is not None and not whole(seed, 0):
        problems.append(Problem("seed", f"expected a whole number >= 0, got {clip(repr(seed))}"))
    if problems:
        raise InputError(f"scenario {clip(repr(scenario.id))}", problems)


def _dropped(flat: Mapping[str, Any], problems: list[Problem]) -> set[str]:
    """The ids of the entries left out for problems of form, and the trade codes of such materials.

    So that a trade flow naming a dropped material's code is not reported as well.
    """
    dropped = dropped_ids(flat, problems)
    materials = flat.get("materials")
    entries = materials if isinstance(materials, list) else []
    codes = {m.get("trade_code") for m in entries if isinstance(m, dict) and str(m.get("id")) in dropped}
    return dropped | {c for c in codes if isinstance(c, str)}


def regime_of(scenario: Scenario) -> Regime | Laws:
    """The regime(s) a scenario built or changed in Python names, loaded and checked against it.

    A scenario loaded from a file names its regime files by absolute path; relative ones are
    read from the current folder.

    Raises:
        InputError: the regime cannot be loaded, or does not fit the scenario.
    """
    laws, problems = _scenario_laws(scenario)
    if laws is not None:
        problems += laws_problems(scenario, laws)
    if problems or laws is None:
        raise InputError(f"scenario {scenario.id!r}", problems)
    return _single_or_laws(laws)


def _single_or_laws(laws: Laws) -> Regime | Laws:
    return laws if len(laws.regimes) > 1 else laws.primary


def _scenario_laws(scenario: Scenario) -> tuple[Laws | None, list[Problem]]:
    regime, problems = _scenario_regime(scenario.regime)
    others = []
    for n, ref in enumerate(scenario.export_regimes):
        other, found = _scenario_regime(ref)
        problems += [attrs.evolve(p, field=f"scenario.export_regimes[{n}]") for p in found]
        others += [other] if other is not None else []
    countries = [r.country for r in (regime, *others) if r is not None]
    for country in sorted({c for c in countries if countries.count(c) > 1}):
        expected = f"expected one regime per exporting country; {country} has two"
        problems.append(Problem("scenario.export_regimes", expected))
    return (Laws((regime, *others)) if regime is not None else None), problems


def _scenario_data(path: Path, seen: tuple[Path, ...]) -> dict[str, Any]:
    """Read a scenario file as one flat mapping, resolving ``base`` (a scenario it amends).

    A derived file's header fields replace the base's, and each table it has replaces the
    base's table of that name whole. A regime path is resolved against the file that names it.
    """
    data = read_toml(path)
    if not isinstance(data.get(_SCENARIO_TABLE), dict):
        raise InputError(str(path), [Problem(_SCENARIO_TABLE, "expected a [scenario] table")])
    data = _regimes_resolved(data, path)
    flat = {**{k: v for k, v in data.items() if k != _SCENARIO_TABLE}, **data[_SCENARIO_TABLE]}
    base = flat.pop("base", None)
    if base is None:
        return flat
    base_path = path.parent / str(base)
    if not is_file(base_path):
        expected = f"expected a scenario file; {clip(str(base_path))} does not exist"
        raise InputError(str(path), [Problem("scenario.base", expected)])
    if base_path.resolve() in seen or base_path.resolve() == path.resolve():
        raise InputError(
            str(path), [Problem("scenario.base", f"derivation cycle through {clip(repr(base))}")]
        )
    if len(seen) >= MAX_DERIVATION_DEPTH:
        expected = f"expected at most {MAX_DERIVATION_DEPTH} bases in a chain of derived scenarios"
        raise InputError(str(path), [Problem("scenario.base", expected)])
    try:
        base_data = _scenario_data(base_path, (*seen, path.resolve()))
    except InputError as exc:  # name the file and field that pointed to the broken base too
        raise InputError(f"{exc.source} (the base named by {path}, scenario.base)", exc.problems) from None
    return {**base_data, **flat}


def _regimes_resolved(data: dict[str, Any], path: Path) -> dict[str, Any]:
    """The file's data with every regime file it names made absolute.

    Its own regime, its exporters' and its variants': so that they keep pointing beside this
    file when a scenario elsewhere derives from it.
    """
    header = dict(data[_SCENARIO_TABLE])
    if isinstance(header.get("regime"), str):
        header["regime"] = resolve_reference(header["regime"], path)
    if isinstance(header.get("export_regimes"), list):
        header["export_regimes"] = [
            resolve_reference(r, path) if isinstance(r, str) else r for r in header["export_regimes"]
        ]
    resolved = {**data, _SCENARIO_TABLE: header}
    if isinstance(data.get("variants"), list):
        resolved["variants"] = [
            {**v, "regime": resolve_reference(v["regime"], path)}
            if isinstance(v, dict) and isinstance(v.get("regime"), str)
            else v
            for v in data["variants"]
        ]
    return resolved


def _scenario_regime(ref: str) -> tuple[Regime | None, list[Problem]]:
    """Load a bundled regime by name, or a regime file by its path as :func:`_regimes_resolved` made it."""
    missing = reference_problem(ref)
    if missing:
        return None, [Problem("scenario.regime", missing)]
    try:
        return load_regime(ref), []
    except (UnknownNameError, InputError) as exc:
        return None, [Problem("scenario.regime", str(exc).replace("\n", "; "))]


def _country_problems(scenario: Scenario) -> Iterator[Problem]:
    known = countries()
    located = [
        *((f"suppliers[{n}].country", s.country) for n, s in enumerate(scenario.suppliers)),
        *((f"chipmakers[{n}].country", c.country) for n, c in enumerate(scenario.chipmakers)),
        *((f"lanes[{n}].origin", lane.origin) for n, lane in enumerate(scenario.lanes)),
        *((f"lanes[{n}].destination", lane.destination) for n, lane in enumerate(scenario.lanes)),
        *((f"trade_flows[{n}].origin", f.origin) for n, f in enumerate(scenario.trade_flows)),
        *((f"trade_flows[{n}].destination", f.destination) for n, f in enumerate(scenario.trade_flows)),
        *((f"authorities[{n}].country", a.country) for n, a in enumerate(scenario.authorities)),
    ]
    for field, code in located:
        if code not in known:
            yield Problem(field, f"expected an ISO 3166 alpha-2 country code; got {clip(repr(code))}")
    yield from _authority_countries(scenario)


def _authority_countries(scenario: Scenario) -> Iterator[Problem]:
    """One ``[[authorities]]`` per country, and only for a country some supplier exports from."""
    named = [a.country for a in scenario.authorities]
    exporting = {s.country for s in scenario.suppliers}
    for n, country in enumerate(named):
        if named.index(country) < n:
            yield Problem(
                f"authorities[{n}].country", f"expected one authority per country; {country} repeats"
            )
        elif country in countries() and country not in exporting:
            expected = f"expected a country a supplier exports from ({', '.join(sorted(exporting))})"
            yield Problem(f"authorities[{n}].country", f"{expected}; got {country!r}")


def _duplicate_ids(scenario: Scenario) -> Iterator[Problem]:
    for table in ("materials", "suppliers", "chipmakers"):
        ids = [entry.id for entry in getattr(scenario, table)]
        for duplicate in sorted({i for i in ids if ids.count(i) > 1}):
            yield Problem(table, f"expected unique ids; {duplicate!r} appears {ids.count(duplicate)} times")
    names = [variant.name for variant in scenario.variants]
    for duplicate in sorted({name for name in names if names.count(name) > 1} | ({"base"} & set(names))):
        expected = "expected unique variant names other than 'base' (the file's own scenario)"
        yield Problem(
            "variants", f"{expected}; {duplicate!r} is {'reserved' if duplicate == 'base' else 'repeated'}"
        )


def load_variants(path: str | Path, names: tuple[str, ...]) -> list[tuple[str, Scenario, Regime | Laws]]:
    """Load a scenario and the variants named (``base`` is the file's own scenario).

    With no names, every variant is returned after the base. Each variant is checked like a
    scenario of its own, problems reported at ``variants[N]...``.

    Raises:
        InputError: the file, or a variant, has problems; or a name is not declared.
    """
    path = Path(path)
    scenario, regime = load_scenario(path)
    specs = {spec.name: (n, spec) for n, spec in enumerate(scenario.variants)}
    wanted = names or ("base", *specs)
    unknown = [name for name in wanted if name != "base" and name not in specs]
    if unknown:
        raise InputError(str(path), [Problem("variants", _one_of_variants(unknown, specs))])
    return [
        (name, scenario, regime) if name == "base" else _variant(path, scenario, regime, *specs[name])
        for name in wanted
    ]


def _one_of_variants(unknown: list[str], specs: Mapping[str, Any]) -> str:
    declared = ", ".join(["base", *specs])
    return f"no variant {', '.join(repr(u) for u in unknown)}; the file declares {declared}"


def _variant(
    path: Path, base: Scenario, law: Regime | Laws, n: int, spec: VariantSpec
) -> tuple[str, Scenario, Regime | Laws]:
    scenario, problems = override_all(base, spec.set, f"variants[{n}].set")
    laws = laws_of(law)
    if spec.regime is not None:
        regime, found = _scenario_regime(spec.regime)
        problems += [attrs.evolve(p, field=f"variants[{n}].regime") for p in found]
        laws = Laws((regime, *laws.regimes[1:])) if regime is not None else laws
    problems += [attrs.evolve(p, field=f"variants[{n}] -> {p.field}") for p in laws_problems(scenario, laws)]
    if problems:
        raise InputError(str(path), problems)
    return spec.name, attrs.evolve(scenario, id=f"{base.id}:{spec.name}"), _single_or_laws(laws)
