"""The tables of the HTML report: the headline, licensing and responses of a run; a comparison's differences.

Each function reads the mapping ``exportsim run`` or ``compare`` writes as JSON and returns
table markup (:mod:`~simulator.rendering.markup` escapes every name). Metrics are headed in
words with their JSON key beneath, so a reader can find a figure in the JSON too.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from simulator.rendering.markup import Cell, Html, difference, heading_cell, numeric, statistic, table, text
from simulator.rendering.provenance import Subject

PLANT_METRICS = {
    "stockout_days": "stock-out days",
    "production_loss_fraction": "output lost (fraction)",
    "tts_days": "time to survive (days)",
    "ttr_days": "time to recover (days)",
}
COMPARED_METRICS = {**PLANT_METRICS, "tts_lt_ttr": "P(survive < recover)"}
LICENSING_METRICS = {
    "applications": "applications",
    "approved": "approved",
    "denied": "denied",
    "returned": "returned",
    "first_approval_day": "first approval (days after the shock)",
    "lead_time_days": "review time (days, filing to decision)",
}
RESPONSE_METRICS = {
    "shock_stock_days": "stock on the shock day (days)",
    "order_up_to_days": "order-up-to target (days)",
    "conservation_days": "conservation days",
    "resourced_t": "re-sourced (t)",
}
SUPPLIER_METRICS = {"output_t": "made (t)", "held_t": "held at the end (t)", "resourced_away_t": "lost (t)"}

_NO_CHIPMAKERS = "The scenario has no chipmakers, so no one can run short."
_LICENSING_NOTE = (
    "Individual-licence applications filed per run, by outcome ('returned' counts documents sent"
    " back); the first approval in days after the material's shock; the mean review time of the"
    " decided applications, queueing and corrections included."
)
_MUSD = 1e-6
"""US dollars to millions."""


def _note(words: str) -> str:
    return text("p", words, css="note")


def _headings(metrics: Mapping[str, str]) -> list[Cell]:
    return [heading_cell(label, key, "num") for key, label in metrics.items()]


def _by_plant(
    tree: Mapping[str, Mapping[str, Mapping[str, Any]]], metrics: Mapping[str, str]
) -> list[list[Cell]]:
    return [
        [chipmaker, material, *(statistic(stats[m]) for m in metrics)]
        for chipmaker, materials in tree.items()
        for material, stats in materials.items()
    ]


def headline(summary: Mapping[str, Any]) -> list[str]:
    """Each chipmaker and material's stock-outs, output lost and times; each company's loss."""
    chipmakers = summary.get("chipmakers", {})
    if not chipmakers:
        return [_note(_NO_CHIPMAKERS)]
    header: list[Cell] = ["chipmaker", "material", *_headings(PLANT_METRICS)]
    money = heading_cell("output lost (US$ m)", "production_loss_usd", "num")
    companies = [
        [company, statistic(m["production_loss_fraction"]), statistic(m["production_loss_usd"], _MUSD)]
        for company, m in summary.get("companies", {}).items()
    ]
    company_header: list[Cell] = [
        "company",
        heading_cell("output lost (fraction)", "production_loss_fraction", "num"),
        money,
    ]
    return [table(header, _by_plant(chipmakers, PLANT_METRICS)), table(company_header, companies)]


def licensing(summary: Mapping[str, Any]) -> str:
    """Per material: applications by outcome, the first approval and the review time."""
    materials = summary.get("licensing", {})
    if not materials:
        return _note("No material needed an individual licence.")
    rows = [[material, *(statistic(m[k]) for k in LICENSING_METRICS)] for material, m in materials.items()]
    header: list[Cell] = ["material", *_headings(LICENSING_METRICS)]
    return table(header, rows) + _note(_LICENSING_NOTE)


def responses(summary: Mapping[str, Any]) -> list[str]:
    """Each fab's stock on the shock day, conservation and re-sourcing; what each supplier made."""
    parts = []
    if summary.get("chipmakers"):
        header: list[Cell] = ["chipmaker", "material", *_headings(RESPONSE_METRICS)]
        parts.append(table(header, _by_plant(summary["chipmakers"], RESPONSE_METRICS)))
    suppliers = summary.get("suppliers", {})
    rows = [[s, *(statistic(m[k]) for k in SUPPLIER_METRICS)] for s, m in suppliers.items()]
    parts.append(table(["supplier", *_headings(SUPPLIER_METRICS)], rows))
    return parts


def _names(data: Mapping[str, Any]) -> tuple[str, list[str]]:
    names = list(data["variants"])
    return names[0], names[1:]


def _against(base: str, others: Sequence[str]) -> list[Cell]:
    return [numeric(base), *(numeric(f"{name} - {base}") for name in others)]


def _get(tree: Mapping[str, Any], *path: str) -> Mapping[str, Any]:
    for key in path:
        tree = tree.get(key, {})
    return tree


def differences(data: Mapping[str, Any]) -> list[str]:
    """The baseline's headline figures beside each variant's difference from it, marked where significant."""
    base, others = _names(data)
    plants = data["variants"][base].get("chipmakers", {})
    if not plants:
        return [_note(_NO_CHIPMAKERS)]
    rows: list[list[Cell]] = [
        [
            chipmaker,
            material,
            heading_cell(label, metric),
            statistic(stats[metric]),
            *(
                difference(_get(data["differences"][n], "chipmakers", chipmaker, material, metric))
                for n in others
            ),
        ]
        for chipmaker, materials in plants.items()
        for material, stats in materials.items()
        for metric, label in COMPARED_METRICS.items()
    ]
    money: list[list[Cell]] = [
        [
            company,
            statistic(m["production_loss_usd"], _MUSD),
            *(
                difference(_get(data["differences"][n], "companies", company, "production_loss_usd"), _MUSD)
                for n in others
            ),
        ]
        for company, m in data["variants"][base].get("companies", {}).items()
    ]
    plant_header: list[Cell] = ["chipmaker", "material", "metric", *_against(base, others)]
    return [
        table(plant_header, rows),
        table(["company", *_against(base, others)], money, "Output lost, millions of US dollars"),
    ]


def licensing_differences(data: Mapping[str, Any]) -> str:
    """The baseline's licensing figures beside each variant's difference from them."""
    base, others = _names(data)
    materials = data["variants"][base].get("licensing", {})
    if not materials:
        return _note("No material needed an individual licence in the baseline.")
    rows: list[list[Cell]] = [
        [
            material,
            heading_cell(label, metric),
            statistic(stats[metric]),
            *(difference(_get(data["differences"][n], "licensing", material, metric)) for n in others),
        ]
        for material, stats in materials.items()
        for metric, label in LICENSING_METRICS.items()
    ]
    return table(["material", "metric", *_against(base, others)], rows) + _note(_LICENSING_NOTE)


def variants(subjects: Sequence[Subject]) -> str:
    """What each variant is: its title, its regimes, the fields it sets and its file."""
    rows: list[list[Cell]] = [
        [s.name, s.title or s.scenario.title, s.law_ids, Html(_settings(s)), s.path] for s in subjects
    ]
    return table(["variant", "what it is", "regime", "fields set", "scenario file"], rows)


def _settings(subject: Subject) -> str:
    return "<br>".join(text("code", f"{path} = {value}") for path, value in subject.settings.items())
