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

from simulator.rules.check import Finding
from simulator.rules.engine import announced_on, boundaries, lookup_item
from simulator.rules.listing import suspension_notes
from simulator.rules.periods import period_words
from simulator.rules.values import Decision, Interval, Reason, Regime
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


def timeline_text(item: str, destination: str, intervals: Iterable[Interval], regime: Regime) -> str:
    """Return a timeline under ``regime`` as an aligned table, with when each measure was announced.

    Below it, a note for each suspension of a measure naming the item (``regime timeline``).
    """
    header = f"  {'from':<11} {'until':<11} {'licence':<21} {'announced':<11} measure"
    lines = [f"{item} to {destination}", header]
    for i in intervals:
        until = i.until.isoformat() if i.until else "(open)"
        announced_day = announced_on(regime, i.measure, i.start)
        announced = announced_day.isoformat() if announced_day else ""
        lines.append(
            f"  {i.start.isoformat():<11} {until:<11} {i.licence:<21} {announced:<11} "
            f"{i.measure or '(regime start)'}"
        )
    lines += _wrapped_all(suspension_notes(regime, lookup_item(regime, item)), "  note: ", "        ")
    return "\n".join(lines)


def _wrapped_all(texts: Iterable[str], first: str, rest: str) -> list[str]:
    return [line for text in texts for line in _wrapped(text, first, rest)]


def _announced(day: dt.date | None) -> str:
    return f" (announced {day.isoformat()})" if day else ""


def regime_text(regime: Regime) -> str:
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
    lines.append("items:")
    lines += [f"  {i.id:<22} {i.reference}" for i in regime.items]
    lines.append("licence kinds (least burdensome first):")
    for kind in sorted(regime.licences, key=lambda k: k.rank):
        review = f", review {kind.standard_processing_days} d" if kind.per_application else ""
        review = f", review {period_words(regime, kind)}" if kind.in_working_days else review
        needs = ", ".join(kind.requires) or "nothing"
        lines.append(f"  {kind.id:<22} valid {kind.validity_days} d{review}; requires {needs}")
    lines += _attribute_lines(regime) + _calendar_lines(regime)
    lines.append("measures:")
    for day, measure in boundaries(regime)[1:]:
        title = _measure_title(regime, measure) + _announced(announced_on(regime, measure, day))
        lines += _wrapped(f"{day}  {measure}: {title}", "  ", "               ")
    return "\n".join(lines)


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


def run_text(summary: Mapping[str, Any]) -> str:
    """Return a run's summary as readable tables: means with 95% intervals."""
    lines = [
        f"{summary['scenario']}: {summary['replications']} replication(s), seed {summary['seed']}",
        *([precision_line(summary["precision"])] if "precision" in summary else []),
        "",
    ]
    chipmakers = summary.get("chipmakers", {})  # a scenario may have no chipmakers
    plant = max([13, *(len(c) + 2 for c in chipmakers)])
    key = plant + 28
    lines.append(f"{'chipmaker':<{plant}}{'material':<28}" + "".join(f"{m:>26}" for m in _RUN_METRICS))
    for chipmaker, materials in chipmakers.items():
        for material, metrics in materials.items():
            cells = "".join(f"{_cell(metrics[m]):>26}" for m in _RUN_METRICS)
            lines.append(f"{chipmaker:<{plant}}{material:<28}{cells}")
    lines += ["", f"{'responses':<{key}}" + "".join(f"{m:>26}" for m in _RESPONSE_METRICS)]
    for chipmaker, materials in chipmakers.items():
        for material, metrics in materials.items():
            cells = "".join(f"{_cell(metrics[m]):>26}" for m in _RESPONSE_METRICS)
            lines.append(f"{chipmaker:<{plant}}{material:<28}{cells}")
    lines += ["", f"{'company':<{key}}{'production_loss_fraction':>26}{'production_loss_musd':>26}"]
    for company, metrics in summary.get("companies", {}).items():
        fraction, usd = metrics["production_loss_fraction"], metrics["production_loss_usd"]
        lines.append(f"{company:<{key}}{_cell(fraction):>26}{_cell(_scaled(usd, 1e-6)):>26}")
    lines += ["", f"{'supplier':<{key}}" + "".join(f"{m:>26}" for m in _SUPPLIER_METRICS)]
    for supplier, metrics in summary.get("suppliers", {}).items():
        lines.append(f"{supplier:<{key}}" + "".join(f"{_cell(metrics[m]):>26}" for m in _SUPPLIER_METRICS))
    lines += ["", f"{'licensing':<{key}}" + "".join(f"{m:>26}" for m in _LICENCE_METRICS)]
    for material, metrics in summary.get("licensing", {}).items():
        lines.append(f"{material:<{key}}" + "".join(f"{_cell(metrics[m]):>26}" for m in _LICENCE_METRICS))
    lines += [
        "",
        "mean [95% CI]; days, tonnes, millions of US dollars, or a fraction of planned output (of its",
        "value, for a company); time to survive is censored at the horizon",
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


def comparison_text(data: Mapping[str, Any]) -> str:
    """A comparison as tables: each variant's headline means, then paired differences."""
    names = list(data["variants"])
    pairing = "paired" if data.get("paired", True) else "unpaired"
    lines = [
        f"{len(names)} variants, {data['replications']} replication(s), seed {data['seed']}; "
        f"differences from {data['baseline']!r} "
        + (
            "(paired, common random numbers)" if data.get("paired", True) else "(unpaired: Welch's intervals)"
        ),
        *([precision_line(data["precision"])] if "precision" in data else []),
        "",
    ]
    header = f"{'chipmaker':<13}{'material':<28}{'metric':<26}" + "".join(f"{n[:24]:>26}" for n in names)
    lines.append(header)
    base = data["variants"][names[0]].get("chipmakers", {})
    for chipmaker, materials in base.items():
        for material in materials:
            for metric in (*_RUN_METRICS, "tts_lt_ttr"):
                cells = [_variant_cell(data, name, chipmaker, material, metric) for name in names]
                lines.append(
                    f"{chipmaker:<13}{material:<28}{metric:<26}" + "".join(f"{c:>26}" for c in cells)
                )
    lines += [
        "",
        f"cells: mean [95% CI]; for variants after the first, the {pairing} difference from the first",
        "* marks a difference whose 95% interval excludes zero",
        *interval_note([base, *(d.get("chipmakers", {}) for d in data["differences"].values())], _COMPARED),
    ]
    return "\n".join(lines)


def _variant_cell(data: Mapping[str, Any], name: str, chipmaker: str, material: str, metric: str) -> str:
    if name == data["baseline"]:
        return _cell(data["variants"][name]["chipmakers"][chipmaker][material][metric])
    stats = data["differences"][name]["chipmakers"][chipmaker][material][metric]
    mark = "*" if stats.get("excludes_zero") else ""
    return f"{'+' if (stats['mean'] or 0) > 0 else ''}{_cell(stats)}{mark}"
