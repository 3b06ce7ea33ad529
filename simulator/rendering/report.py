"""Rendering results for people and programs: text and JSON-ready mappings.

Functions here turn frozen values into strings or plain dicts; they never print or write
files, so the CLI stays a thin shell around them and tests can read what a user would see.
"""

from __future__ import annotations

import datetime as dt
import math
import textwrap
from collections.abc import Collection, Iterable, Mapping
from typing import Any

from simulator.rendering.tables import WIDTH, table_text
from simulator.rules.check import Finding
from simulator.rules.engine import announced_on, boundaries, lookup_item
from simulator.rules.listing import suspension_notes
from simulator.rules.periods import period_words
from simulator.rules.values import Decision, Interval, LicenceKind, Reason, Regime
from simulator.studies.stats import INTERVALS

_WIDTH = 96


def decision_mapping(decision: Decision) -> dict[str, Any]:
    """Return a decision as JSON-ready data (the ``check --format json`` schema)."""
    return {
        "item": decision.item,
        "destination": decision.destination,
        "on": decision.on.isoformat(),
        "licence": decision.licence,
        "standard_processing_days": decision.standard_processing_days,
        "validity_days": decision.validity_days,
        "explanation": [reason_mapping(r) for r in decision.explanation],
        "regime": decision.regime,
    }


def reason_mapping(reason: Reason) -> dict[str, str]:
    """Return one reason as ``{rule, text, citation}``."""
    return {"rule": reason.rule, "text": reason.text, "citation": reason.citation}


def decision_text(decision: Decision) -> str:
    """Return a decision as a compliance officer would read it."""
    lines = [
        f"{decision.item} to {decision.destination} on {decision.on} (regime {decision.regime})",
        f"  licence: {decision.licence}",
    ]
    if decision.standard_processing_days is not None:
        lines.append(f"  standard processing period: {_period_text(decision)}")
    if decision.validity_days is not None:
        lines.append(f"  validity: {decision.validity_days} days")
    lines.append("why:")
    for n, reason in enumerate(decision.explanation, 1):
        lines += _wrapped(f"{n}. [{reason.rule}] {reason.text}", "  ", "     ")
        lines += _wrapped(f"({reason.citation})", "     ", "     ")
    return "\n".join(lines)


def _period_text(decision: Decision) -> str:
    if decision.processing_clock != "working":
        return f"{decision.standard_processing_days} days"
    ends = decision.standard_period_ends
    known = f"ends on {ends}" if ends else "end not known (past the calendar's years)"
    return f"{decision.standard_period}; filed on {decision.on}, it {known}"


def _wrapped(text: str, first: str, rest: str) -> list[str]:
    return textwrap.wrap(text, _WIDTH, initial_indent=first, subsequent_indent=rest)


def timeline_mapping(intervals: Iterable[Interval]) -> list[dict[str, Any]]:
    """Return a timeline as JSON-ready data: ``from``, ``until``, ``licence``, ``measure``."""
    return [
        {
            "from": i.start.isoformat(),
            "until": i.until.isoformat() if i.until else None,
            "licence": i.licence,
            "measure": i.measure,
        }
        for i in intervals
    ]


def timeline_text(
    item: str, destination: str, intervals: Iterable[Interval], regime: Regime, width: int = WIDTH
) -> str:
    """Return a timeline under ``regime`` as a table, with when each measure was announced.

    Below it, a note for each suspension of a measure naming the item (``regime timeline``).
    """
    rows = [
        [
            i.start.isoformat(),
            i.until.isoformat() if i.until else "(open)",
            i.licence,
            _iso(announced_on(regime, i.measure, i.start)),
            i.measure or "(regime start)",
        ]
        for i in intervals
    ]
    columns = ("from", "until", "licence", "announced", "measure")
    lines = [f"{item} to {destination}", table_text(columns, (), rows, width=width, indent=2)]
    lines += _wrapped_all(suspension_notes(regime, lookup_item(regime, item)), "  note: ", "        ")
    return "\n".join(lines)


def _paragraphs(width: int, *texts: str) -> list[str]:
    """Each text wrapped to ``width``, ids broken only where longer than a line."""
    return [line for text in texts for line in textwrap.wrap(text, width, break_on_hyphens=False)]


def _wrapped_all(texts: Iterable[str], first: str, rest: str) -> list[str]:
    return [line for text in texts for line in _wrapped(text, first, rest)]


def _iso(day: dt.date | None) -> str:
    return day.isoformat() if day else ""


def _announced(day: dt.date | None) -> str:
    return f" (announced {day.isoformat()})" if day else ""


def regime_text(regime: Regime, width: int = WIDTH) -> str:
    """Return a readable summary of a regime: groups, items, licences and measures."""
    lines = [f"{regime.id}: {regime.title}"]
    if regime.derived_from:
        lines.append(f"  derived from: {regime.derived_from}")
    lines += [f"  in force from: {regime.valid_from}", f"  citation: {regime.citation}", "groups:"]
    members = _members_by_group(regime)
    for group in sorted(regime.groups, key=lambda g: g.rank):
        listed = members.get(group.id, [])
        if group.id == regime.default_group:
            listed = [*listed, "every country listed in no group"]
        lines += _wrapped(f"{group.id}: {group.title}: {', '.join(listed)}", "  ", "      ")
    items = [[i.id, i.reference] for i in regime.items]
    lines += [
        "items:",
        table_text(("item", "control-list entry"), (), items, width=width, indent=2),
    ]
    kinds = [[kind.id, _terms(regime, kind)] for kind in sorted(regime.licences, key=lambda k: k.rank)]
    lines.append("licence kinds (least burdensome first):")
    lines.append(table_text(("licence", "terms"), (), kinds, width=width, indent=2))
    lines += _attribute_lines(regime) + _calendar_lines(regime)
    lines.append("measures:")
    for day, measure in boundaries(regime)[1:]:
        title = _measure_title(regime, measure) + _announced(announced_on(regime, measure, day))
        lines += _wrapped(f"{day}  {measure}: {title}", "  ", "               ")
    return "\n".join(lines)


def _terms(regime: Regime, kind: LicenceKind) -> str:
    """A licence kind's validity, review period and prerequisites, in words."""
    review = f", review {kind.standard_processing_days} d" if kind.per_application else ""
    review = f", review {period_words(regime, kind)}" if kind.in_working_days else review
    return f"valid {kind.validity_days} d{review}; requires {', '.join(kind.requires) or 'nothing'}"


def _attribute_lines(regime: Regime) -> list[str]:
    """The exporter attributes as ``--has``/``--lacks`` name them, each with its default."""
    if not regime.attributes:
        return ["exporter attributes: none"]
    lines = ["exporter attributes (--has/--lacks; the established exporter's default):"]
    trigger = regime.catch_all.trigger if regime.catch_all else None
    for attribute in regime.attributes:
        role = "; triggers the catch-all" if attribute.id == trigger else ""
        text = f"{attribute.id}: {'held' if attribute.default else 'not held'}{role}. {attribute.title}"
        lines += _wrapped(text, "  ", "      ")
    return lines


def _calendar_lines(regime: Regime) -> list[str]:
    """The regime's calendar, for working-day periods: its weekend, years and days off."""
    calendar = regime.calendar
    if calendar is None:
        return []
    years = ", ".join(str(y) for y in calendar.years) or "no year"
    text = (
        f"calendar: {calendar.name()}: weekend {', '.join(calendar.weekend)}; covers {years}; "
        f"{len(calendar.holidays)} public holidays, {len(calendar.workdays)} make-up working days"
    )
    return _wrapped(text, "", "  ")


def _measure_title(regime: Regime, measure_id: str | None) -> str:
    return regime.measure(measure_id).title if measure_id else ""


def _members_by_group(regime: Regime) -> Mapping[str, list[str]]:
    groups: dict[str, list[str]] = {}
    for entry in regime.members:
        groups.setdefault(entry.group, []).extend(entry.countries)
    return groups


def findings_text(regime: Regime, findings: Iterable[Finding]) -> str:
    """Return the result of a regime check: ``ok`` or one line per finding."""
    found = list(findings)
    if not found:
        return f"{regime.id}: ok (no gaps, no overlaps)"
    lines = [f"{regime.id}: {len(found)} problem(s)"]
    lines += [f"  {f.kind}: {f.message} [rules: {', '.join(f.rules) or 'none'}]" for f in found]
    return "\n".join(lines)


_RUN_METRICS = ("stockout_days", "production_loss_fraction", "tts_days", "ttr_days")
_LICENCE_METRICS = ("applications", "approved", "denied", "first_approval_day", "lead_time_days")
_SUPPLIER_METRICS = ("output_t", "held_t", "resourced_away_t")
_RESPONSE_METRICS = ("shock_stock_days", "order_up_to_days", "conservation_days", "resourced_t")
_RUN_PARTS = ("chipmakers", "companies", "suppliers", "licensing")
_RUN_SHOWN = {*_RUN_METRICS, *_RESPONSE_METRICS, *_SUPPLIER_METRICS, *_LICENCE_METRICS, "production_loss_usd"}
_COMPARED = (*_RUN_METRICS, "tts_lt_ttr")


def run_text(summary: Mapping[str, Any], width: int = WIDTH) -> str:
    """Return a run's summary as readable tables, no line wider than ``width``: means with 95% intervals."""
    lines = _paragraphs(
        width,
        f"{summary['scenario']}: {summary['replications']} replication(s), seed {summary['seed']}",
        *([precision_line(summary["precision"])] if "precision" in summary else []),
    )
    chipmakers = summary.get("chipmakers", {})  # a scenario may have no chipmakers
    plants = [(c, m, metrics) for c, materials in chipmakers.items() for m, metrics in materials.items()]
    companies = summary.get("companies", {}).items()
    tables = [
        (("chipmaker", "material"), _RUN_METRICS, [[c, m, *_cells(s, _RUN_METRICS)] for c, m, s in plants]),
        (("responses", ""), _RESPONSE_METRICS, [[c, m, *_cells(s, _RESPONSE_METRICS)] for c, m, s in plants]),
        (("company",), _COMPANY_METRICS, [[c, *_company_cells(s)] for c, s in companies]),
        (("supplier",), _SUPPLIER_METRICS, _named_rows(summary.get("suppliers", {}), _SUPPLIER_METRICS)),
        (("licensing",), _LICENCE_METRICS, _named_rows(summary.get("licensing", {}), _LICENCE_METRICS)),
    ]
    for keys, figures, rows in tables:
        lines += ["", table_text(keys, figures, rows, width=width)]
    lines += [
        "",
        *_paragraphs(
            min(width, _WIDTH),
            "mean [95% CI]; days, tonnes, millions of US dollars, or a fraction of planned output (of its"
            " value, for a company); time to survive is censored at the horizon",
        ),
        *interval_note([summary.get(part, {}) for part in _RUN_PARTS], _RUN_SHOWN),
    ]
    return "\n".join(lines)


def interval_note(trees: Iterable[Mapping[str, Any]], shown: Collection[str]) -> list[str]:
    """A footnote naming the interval methods (``interval``) of the metrics ``shown`` in ``trees``.

    >>> interval_note([{"fab": {"stockout_days": {"mean": 1.0, "interval": "t-clipped"}}}], ["stockout_days"])
    ["95% CI: Student's t clipped to the metric's range (t-clipped)"]
    """
    found = {stats.get("interval") for tree in trees for name, stats in _summaries(tree) if name in shown}
    methods = sorted(m for m in found if isinstance(m, str))
    if not methods:
        return []
    return _wrapped("95% CI: " + "; ".join(f"{INTERVALS[m]} ({m})" for m in methods), "", "  ")


def _summaries(tree: Mapping[str, Any]) -> Iterable[tuple[str, Mapping[str, Any]]]:
    for key, value in tree.items():
        if isinstance(value, Mapping) and "mean" in value:
            yield key, value
        elif isinstance(value, Mapping):
            yield from _summaries(value)


_COMPANY_METRICS = ("production_loss_fraction", "production_loss_musd")


def _cells(metrics: Mapping[str, Any], names: Iterable[str]) -> list[str]:
    return [_cell(metrics[name]) for name in names]


def _company_cells(metrics: Mapping[str, Any]) -> list[str]:
    return [_cell(metrics["production_loss_fraction"]), _cell(_scaled(metrics["production_loss_usd"], 1e-6))]


def _named_rows(table: Mapping[str, Mapping[str, Any]], names: Iterable[str]) -> list[list[str]]:
    return [[name, *_cells(metrics, names)] for name, metrics in table.items()]


def precision_line(precision: Mapping[str, Any]) -> str:
    """One line on a ``--precision`` target: met or not, the widest half-width, the replications.

    >>> widths = {"a": {"half_width": 2.0, "relative_half_width": 0.25}}
    >>> precision_line({"target": 0.05, "met": False, "max_replications": 4, "half_widths": widths})
    'precision: target ±5% NOT met: stopped at --max-replications 4; widest half-width ±25.0% (a)'
    """
    widths = precision["half_widths"]
    relative = {k: v["relative_half_width"] for k, v in widths.items()}
    widest = max(relative, key=lambda k: math.inf if relative[k] is None else relative[k], default=None)
    reach = "" if widest is None else f"; widest half-width {_percent(relative[widest])} ({widest})"
    target = f"precision: target ±{precision['target'] * 100:g}%"
    if precision["met"]:
        return f"{target} met after {precision['replications']} replication(s){reach}"
    return f"{target} NOT met: stopped at --max-replications {precision['max_replications']}{reach}"


def _percent(fraction: float | None) -> str:
    return "unbounded (mean 0)" if fraction is None else f"±{fraction:.1%}"


def _scaled(stats: Mapping[str, Any], factor: float) -> dict[str, Any]:
    """A metric's mean and interval in another unit (US dollars to millions)."""
    if stats["mean"] is None:
        return dict(stats)
    return {**stats, "mean": stats["mean"] * factor, "ci95": [v * factor for v in stats["ci95"]]}


def _cell(stats: Mapping[str, Any]) -> str:
    if stats["mean"] is None:
        return "n/a"
    low, high = stats["ci95"]
    if abs(high - low) < 1e-9 * max(1.0, abs(stats["mean"])):
        return _number(stats["mean"])
    return f"{_number(stats['mean'])} [{_number(low)}, {_number(high)}]"


def _number(value: float) -> str:
    return f"{value:.3f}" if abs(value) < 1 else f"{value:.1f}"


def comparison_text(data: Mapping[str, Any], width: int = WIDTH) -> str:
    """A comparison as a table no wider than ``width``: the first variant's means, the others' differences."""
    names = list(data["variants"])
    pairing = "paired" if data.get("paired", True) else "unpaired"
    how = "paired, common random numbers" if data.get("paired", True) else "unpaired: Welch's intervals"
    lines = _paragraphs(
        width,
        f"{len(names)} variants, {data['replications']} replication(s), seed {data['seed']};"
        f" differences from {data['baseline']!r} ({how})",
        *([precision_line(data["precision"])] if "precision" in data else []),
    )
    lines.append("")
    base = data["variants"][names[0]].get("chipmakers", {})
    rows = [
        [chipmaker, material, metric, *(_variant_cell(data, n, chipmaker, material, metric) for n in names)]
        for chipmaker, materials in base.items()
        for material in materials
        for metric in (*_RUN_METRICS, "tts_lt_ttr")
    ]
    lines.append(table_text(("chipmaker", "material", "metric"), names, rows, width=width))
    lines += [
        "",
        *_paragraphs(
            width,
            f"cells: mean [95% CI]; for variants after the first, the {pairing} difference from the first",
            "* marks a difference whose 95% interval excludes zero",
        ),
        *interval_note([base, *(d.get("chipmakers", {}) for d in data["differences"].values())], _COMPARED),
    ]
    return "\n".join(lines)


def _variant_cell(data: Mapping[str, Any], name: str, chipmaker: str, material: str, metric: str) -> str:
    if name == data["baseline"]:
        return _cell(data["variants"][name]["chipmakers"][chipmaker][material][metric])
    stats = data["differences"][name]["chipmakers"][chipmaker][material][metric]
    mark = "*" if stats.get("excludes_zero") else ""
    return f"{'+' if (stats['mean'] or 0) > 0 else ''}{_cell(stats)}{mark}"
