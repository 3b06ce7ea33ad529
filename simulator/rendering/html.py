"""A self-contained HTML report of a run or a comparison, for a reader without the tool.

``exportsim run --report`` and ``compare --report`` hand this page on. It leads with the
scenario's question and the answer (the headline table, the licensing figures, the paired
differences of a comparison), then the pictures, then where every input came from: the
scenario file and its notes, the sources of its inputs, the regime with its citation and dated
measures, and the result's own provenance. The page builds on the mappings the CLI writes as
JSON, so the two never disagree.

It opens without a network: the style is inline, there are no scripts or fonts to load, and
the pictures are inline SVG with their text drawn as paths. Every string from a file or a
result is escaped (:mod:`~simulator.rendering.markup`). Nothing depends on when the page was
made except the time the result itself records, so the same result gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs
import numpy as np

from simulator.errors import InputError, Problem
from simulator.model.metrics import daily_inventory
from simulator.model.records import RunRecords
from simulator.rendering import html_tables as tables
from simulator.rendering import plots
from simulator.rendering.markup import (
    Cell,
    definitions,
    element,
    escape,
    page,
    section,
    text,
)
from simulator.rendering.output import write_text_atomically
from simulator.rendering.provenance import Subject, regime_sections, scenario_section, subject_of
from simulator.rendering.report import precision_line
from simulator.rules.laws import Laws
from simulator.rules.values import Regime
from simulator.scenario.values import Scenario
from simulator.studies.experiments import Variant
from simulator.studies.results import ComparisonResult, RunResult

__all__ = [
    "Picture",
    "Subject",
    "check_report_path",
    "comparison_page",
    "comparison_pictures",
    "report",
    "run_page",
    "run_pictures",
    "write_comparison",
    "write_report",
    "write_run",
]

SUFFIXES = (".html", ".htm")

_READING = (
    "Cells: the mean over replications, its 95% confidence interval beneath it (none where every"
    " replication agrees). Days, tonnes (t), millions of US dollars, or a fraction of planned"
    " output (of its value, for a company); time to survive is censored at the horizon. n/a: not"
    " defined in that run, e.g. the times to survive and recover where no measure cuts supply."
)


@attrs.frozen
class Picture:
    """One figure of a report: a title, a caption and the SVG it is drawn as."""

    title: str
    caption: str
    svg: str


def run_pictures(
    summary: Mapping[str, Any], series: Mapping[tuple[str, str], np.ndarray], start: dt.date
) -> list[Picture]:
    """The run's fan chart (when there is stock to draw) and monthly imports (when any crossed a border).

    Args:
        summary: the ``exportsim run --format json`` mapping.
        series: (chipmaker, material) -> daily stock of each replication kept (replications x days).
        start: the scenario's first day.
    """
    pictures: list[Picture] = []
    if series:
        figure = plots.inventory_figure(dict(series), start, list(summary.get("measures", [])))
        pictures.append(
            Picture(
                "Inventory of each chipmaker and material",
                "Stock in tonnes: the median over replications and the band of the 10th to 90th"
                " percentile; dashed lines are the regime's measures.",
                plots.svg_text(figure, "exportsim-report-0"),
            )
        )
    if summary.get("flows"):
        pictures.append(_flows_picture(summary["flows"], "", len(pictures)))
    return pictures


def comparison_pictures(data: Mapping[str, Any]) -> list[Picture]:
    """Stock-out days and output lost by variant, then each variant's monthly imports."""
    pictures: list[Picture] = []
    first = data["variants"][data["baseline"]]
    if first.get("chipmakers"):
        for metric in ("stockout_days", "production_loss_fraction"):
            figure = plots.comparison_bars_figure(dict(data), metric)
            pictures.append(
                Picture(
                    f"{tables.PLANT_METRICS[metric].capitalize()} by variant",
                    "Each variant's mean per chipmaker and material, with its 95% interval.",
                    plots.svg_text(figure, f"exportsim-report-{len(pictures)}"),
                )
            )
    for name, summary in data["variants"].items():
        if summary.get("flows"):
            pictures.append(_flows_picture(summary["flows"], name, len(pictures)))
    return pictures


def _flows_picture(flows: Mapping[str, Any], variant: str, n: int) -> Picture:
    figure = plots.flows_figure(plots.mean_flows(dict(flows)))
    title = "Monthly imports by origin" + (f": {variant}" if variant else "")
    caption = (
        "Tonnes the model shipped across a border each month, by material and origin country"
        " (mean over replications), from the end of the warm-up."
    )
    return Picture(title, caption, plots.svg_text(figure, f"exportsim-report-{n}"))


def run_page(summary: Mapping[str, Any], subject: Subject, pictures: Sequence[Picture]) -> str:
    """The HTML report of one run: its question, headline and licensing tables, pictures, provenance.

    Args:
        summary: the ``exportsim run --format json`` mapping.
        subject: the scenario and its law, with the file they came from.
        pictures: the figures to embed, in order (:func:`run_pictures`).
    """
    scenario = subject.scenario
    name = scenario.title or scenario.id
    lead = f"exportsim run of {scenario.id}: {_replications(summary)}"
    sections = [
        _question(subject),
        section("headline", "Who runs short, when, at what cost", *tables.headline(summary)),
        section("licensing", "Licensing", tables.licensing(summary)),
        _figures(pictures),
        section("responses", "Responses and suppliers", *tables.responses(summary)),
        scenario_section(subject, summary["provenance"]["scenarios"].get(scenario.id, "")),
        *regime_sections([subject], summary["provenance"]["regimes"]),
        _provenance(summary),
    ]
    return page(name, lead, sections, text("p", _READING))


def comparison_page(data: Mapping[str, Any], subjects: Sequence[Subject], pictures: Sequence[Picture]) -> str:
    """The HTML report of a comparison: each variant, the differences from the first, provenance.

    Args:
        data: the ``exportsim compare --format json`` mapping.
        subjects: the variants' scenarios and laws, in the mapping's order (the baseline first).
        pictures: the figures to embed, in order (:func:`comparison_pictures`).
    """
    first = subjects[0].scenario
    pairing = "paired, common random numbers" if data.get("paired", True) else "unpaired, Welch's intervals"
    lead = (
        f"exportsim comparison of {len(subjects)} variants: {_replications(data)};"
        f" differences from {data['baseline']} ({pairing})"
    )
    hashes = data["provenance"]["scenarios"]
    files: dict[str, Subject] = {}
    for subject in subjects:
        files.setdefault(subject.path, subject)  # each file by its first variant
    sections = [
        _question(subjects[0]),
        section("variants", "Variants", tables.variants(subjects)),
        section("differences", "Differences from the baseline", *tables.differences(data)),
        section("licensing", "Licensing", tables.licensing_differences(data)),
        _figures(pictures),
        *(scenario_section(s, hashes.get(s.name, "")) for s in files.values()),
        *regime_sections(subjects, data["provenance"]["regimes"]),
        _provenance(data),
    ]
    marks = "* and bold: the 95% interval of the difference excludes zero."
    return page(f"Comparison: {first.title or first.id}", lead, sections, text("p", f"{_READING} {marks}"))


def _replications(data: Mapping[str, Any]) -> str:
    return f"{data['replications']} replication(s), seed {data['seed']}"


_QUESTION = re.compile(r"^Question:\s*(.+)", re.DOTALL)


def _question(subject: Subject) -> str:
    """The question the scenario file asks, else its title, else its notes' first paragraph."""
    paragraphs = [p.replace("\n", " ") for p in subject.notes.split("\n\n") if p.strip()]
    asked = [m.group(1) for p in paragraphs if (m := _QUESTION.match(p))]
    question = asked[0][:1].upper() + asked[0][1:] if asked else ""
    question = question or subject.scenario.title or next(iter(paragraphs), subject.scenario.id)
    return section("question", "The question", text("blockquote", question, css="question"))


def _figures(pictures: Sequence[Picture]) -> str:
    if not pictures:
        return section("figures", "Figures", text("p", "Nothing to draw.", css="note"))
    return section("figures", "Figures", *(_figure(p, n) for n, p in enumerate(pictures)))


def _figure(picture: Picture, n: int) -> str:
    return element(
        "figure",
        text("h3", picture.title)
        + _inline(picture.svg, f"f{n}-", picture.title)
        + text("figcaption", picture.caption),
        id=f"figure-{n}",
    )


_REFERENCE = re.compile(r'(\bid="|href="#|url\(#)')


def _inline(svg: str, prefix: str, label: str) -> str:
    """Matplotlib's SVG for an HTML page: no XML prolog, ids unique in the page, labelled for readers."""
    body = svg[svg.index("<svg") :]
    body = _REFERENCE.sub(lambda m: m.group(1) + prefix, body)
    return body.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" ', 1)


def _provenance(data: Mapping[str, Any]) -> str:
    """The result's own record: the version, replications, seed, pairing, precision and time made."""
    made = data["provenance"]
    paired = data.get("paired")
    pairs: list[tuple[str, Cell]] = [
        ("exportsim", made.get("exportsim", "")),
        ("replications", str(data["replications"])),
        ("seed", str(data["seed"])),
        ("pairing", "" if paired is None else "paired (common random numbers)" if paired else "unpaired"),
        ("precision", precision_line(data["precision"]) if "precision" in data else ""),
        ("result created", made.get("created", "")),
    ]
    return section("provenance", "How this result was made", definitions(pairs))


def check_report_path(path: Path) -> None:
    """Raise an :class:`InputError` unless ``path`` ends in .html or .htm."""
    if path.suffix.lower() not in SUFFIXES:
        raise InputError(str(path), [Problem("", "expected a report file ending in .html or .htm")])


def write_report(path: Path, page_text: str) -> None:
    """Write a page through a temporary file beside ``path``: the old file or nothing, never half a page.

    Raises:
        InputError: the file cannot be written, naming it and why.
    """
    check_report_path(path)
    try:
        write_text_atomically(path, page_text)
    except OSError as exc:
        raise InputError(
            str(path), [Problem("", f"expected a report file that can be written ({exc.strerror or exc})")]
        ) from None


def write_run(
    path: Path,
    summary: Mapping[str, Any],
    scenario_path: Path,
    scenario: Scenario,
    law: Regime | Laws,
    series: Mapping[tuple[str, str], np.ndarray],
) -> None:
    """Write the report of ``exportsim run`` (:func:`run_page`) to ``path``, atomically.

    Args:
        path: the .html file to write.
        summary: the ``exportsim run --format json`` mapping.
        scenario_path: the scenario file the run was loaded from.
        scenario: the scenario run.
        law: its regime (or regimes).
        series: the daily stock of the replications kept, for the fan chart.
    """
    subject = subject_of(scenario.id, scenario, law, scenario_path)
    write_report(path, run_page(summary, subject, run_pictures(summary, series, scenario.start)))


def write_comparison(
    path: Path, data: Mapping[str, Any], variants: Sequence[Variant], paths: Sequence[Path]
) -> None:
    """Write the report of ``exportsim compare`` (:func:`comparison_page`) to ``path``, atomically.

    Args:
        path: the .html file to write.
        data: the ``exportsim compare --format json`` mapping.
        variants: the variants compared, the baseline first.
        paths: one scenario file declaring the variants, or one file per variant.
    """
    first = variants[0].scenario if len(paths) == 1 else None
    files = list(paths) if len(paths) == len(variants) and len(paths) > 1 else [paths[0]] * len(variants)
    subjects = [
        subject_of(v.name, v.scenario, v.regime, f, first) for v, f in zip(variants, files, strict=True)
    ]
    write_report(path, comparison_page(data, subjects, comparison_pictures(data)))


_IN_PYTHON = Path("(a scenario built in Python)")


def report(result: RunResult | ComparisonResult, path: str | Path) -> Path:
    """Write a result's HTML report to ``path`` (.html), the page ``--report`` writes.

    A run's fan chart needs its records (``run(..., records=True)``); without them the page
    has the tables and the flow chart only.

    Raises:
        InputError: the path does not end in .html, or cannot be written.
    """
    target = Path(path)
    check_report_path(target)
    if isinstance(result, RunResult):
        series = _fan_series(result.records.runs) if result.records is not None else {}
        write_run(
            target, result.to_dict(), result.source or _IN_PYTHON, result.scenario, result.regime, series
        )
    else:
        paths = [p or _IN_PYTHON for p in result.sources] or [_IN_PYTHON]
        write_comparison(target, result.to_dict(), result.worlds, paths)
    return target


def _fan_series(runs: Sequence[RunRecords]) -> dict[tuple[str, str], np.ndarray]:
    if not runs:
        return {}
    return {key: np.array([daily_inventory(run, *key) for run in runs]) for key in runs[0].inventory}
