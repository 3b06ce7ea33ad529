"""Where a report's inputs came from: the scenario file, its notes and sources, the regimes.

A report is only worth handing on if its reader can trace each figure to what it rests on. This
module describes the scenario a result was made from (its file, the file's opening notes, the
source of each input, its content hash) and each regime in force (its reference, citation,
source and the measures dated within the scenario) as sections of the HTML report.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

import attrs

from simulator.regimes.loading import bundled_regimes
from simulator.rendering.markup import Cell, Html, date, definitions, details, linked, section, table, text
from simulator.rules.laws import Laws, laws_of
from simulator.rules.values import Regime
from simulator.scenario.values import Override, Scenario


@attrs.frozen
class Subject:
    """A scenario a report is about, with its law and where both came from.

    ``path`` is the scenario file as given, ``notes`` the file's opening comment, and for a
    variant declared in a scenario, ``title``, ``settings`` and ``regimes`` (the regimes it
    names, bundled names or files) are its own.
    """

    name: str
    scenario: Scenario
    law: Regime | Laws
    path: str = ""
    notes: str = ""
    title: str = ""
    settings: Mapping[str, Override] = attrs.field(factory=dict)
    regimes: tuple[str, ...] = ()

    @property
    def law_ids(self) -> str:
        """The ids of the regimes in force, the main one first."""
        return ", ".join(r.id for r in laws_of(self.law).regimes)


def subject_of(
    name: str, scenario: Scenario, law: Regime | Laws, path: Path, variant_of: Scenario | None = None
) -> Subject:
    """Describe ``scenario`` read from ``path``; ``variant_of`` is the scenario declaring it, if a variant."""
    spec = next((v for v in variant_of.variants if v.name == name), None) if variant_of else None
    main = spec.regime if spec and spec.regime else scenario.regime
    return Subject(
        name,
        scenario,
        law,
        str(path),
        opening_comment(path),
        spec.title if spec else "",
        dict(spec.set) if spec else {},
        (main, *scenario.export_regimes),
    )


def opening_comment(path: Path) -> str:
    """The comment lines a TOML file opens with, without their ``#``; empty if it cannot be read.

    Paragraphs stay apart (an empty comment line between them).
    """
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return ""
    notes = []
    for line in lines:
        if not line.startswith("#"):
            break
        notes.append(line[1:].removeprefix(" ").rstrip())
    return "\n".join(notes).strip()


def scenario_section(subject: Subject, digest: str) -> str:
    """The scenario: its file and notes, its period, and each input's source."""
    scenario = subject.scenario
    facts: list[tuple[str, Cell]] = [
        ("id", scenario.id),
        ("title", scenario.title),
        ("file", subject.path),
        (
            "period",
            f"{scenario.start.isoformat()} to {scenario.end.isoformat()} ({scenario.horizon_days:g} days)",
        ),
        (
            "warm-up",
            f"{scenario.warm_up_days:g} days left out of the metrics" if scenario.warm_up_days else "",
        ),
        ("regime", _reference(subject)),
        ("source", linked(scenario.source) if scenario.source else ""),
        ("content hash (SHA-256)", digest),
    ]
    parts = [definitions(facts)]
    if subject.notes:
        parts.append(
            details("Notes of the scenario file", text("pre", subject.notes, css="notes"), opened=True)
        )
    rows = list(_sources(scenario))
    if rows:
        sources = table(["input", "id", "what", "source"], rows)
        parts.append(details(f"The inputs and their sources ({len(rows)})", sources))
    return section(f"scenario-{scenario.id}", f"Scenario {scenario.id}", *parts)


def _reference(subject: Subject) -> str:
    """The regimes the scenario names: bundled ones by name, files relative to the scenario's folder."""
    folder = Path(subject.path).resolve().parent
    refs = subject.regimes or (subject.scenario.regime, *subject.scenario.export_regimes)
    return "; ".join(
        f"bundled regime {r}" if r in bundled_regimes() else _relative(Path(r), folder) for r in refs
    )


def _relative(path: Path, folder: Path) -> str:
    resolved = (folder / path).resolve()
    return str(resolved.relative_to(folder)) if resolved.is_relative_to(folder) else str(path)


def _sources(scenario: Scenario) -> Iterator[list[Cell]]:
    """(kind, id, what, source) of every input that cites a source or has a title."""
    for m in scenario.materials:
        yield _source_row("material", m.id, m.title or f"item {m.item}", m.source)
    for s in scenario.suppliers:
        yield _source_row("supplier", s.id, f"in {s.country}", s.source)
        for product in s.products:
            for e in product.expansions:
                yield _source_row(
                    "expansion", s.id, f"{product.material} from {e.start.isoformat()}", e.source
                )
            if product.surge is not None:
                yield _source_row("surge", s.id, product.material, product.surge.source)
    for c in scenario.chipmakers:
        yield _source_row("chipmaker", c.id, c.title or f"in {c.country}", c.source)
        for q in c.qualifications:
            yield _source_row("qualification", c.id, f"{q.material} from {q.supplier}", q.source)
    for f in scenario.trade_flows:
        yield _source_row("trade flow", f.trade_code, f"{f.origin} to {f.destination}", f.source)


def _source_row(kind: str, name: str, what: str, source: str) -> list[Cell]:
    return [kind, name, what, linked(source) if source else Html(text("span", "not given", css="na"))]


def regime_sections(subjects: Sequence[Subject], digests: Mapping[str, str]) -> list[str]:
    """One section per distinct regime in force, each with the measures dated within its scenario."""
    seen: dict[str, tuple[Regime, Subject]] = {}
    for subject in subjects:
        for regime in laws_of(subject.law).regimes:
            seen.setdefault(regime.id, (regime, subject))
    hashes = {subject.name: digests.get(subject.name, "") for subject in subjects}
    return [_regime_section(regime, subject, hashes[subject.name]) for regime, subject in seen.values()]


def _regime_section(regime: Regime, subject: Subject, digest: str) -> str:
    facts: list[tuple[str, Cell]] = [
        ("id", regime.id),
        ("title", regime.title),
        ("country", regime.country),
        ("derived from", regime.derived_from or ""),
        ("in force from", regime.valid_from.isoformat()),
        ("reviewed through", regime.reviewed_through.isoformat() if regime.reviewed_through else ""),
        ("authority", regime.authority),
        ("citation", linked(regime.citation) if regime.citation else ""),
        ("source", linked(regime.source) if regime.source else ""),
        ("content hash of the law (SHA-256)", digest),
    ]
    start, end = subject.scenario.start, subject.scenario.end
    dated = [m for m in regime.measures if start <= m.effective <= end]
    rows = [
        [
            date(m.effective),
            date(m.announced),
            date(m.until),
            Html(f"{text('strong', m.title)}<br>{text('span', m.id, css='key')}"),
            linked(m.citation),
            linked(m.source) if m.source else "",
            m.confidence,
        ]
        for m in sorted(dated, key=lambda m: (m.effective, m.id))
    ]
    header: list[Cell] = ["effective", "announced", "until", "measure", "citation", "source", "confidence"]
    measures = (
        table(header, rows, f"Measures taking effect from {start.isoformat()} to {end.isoformat()}")
        if rows
        else text("p", "No measure of this regime takes effect within the scenario.", css="note")
    )
    return section(f"regime-{regime.id}", f"Regime {regime.id}", definitions(facts), measures)
