"""Rules commands: ``check`` a shipment, and ``regime timeline|show|check``."""

from __future__ import annotations

import datetime as dt

import click

from simulator.cli.options import CalendarDate, Group, dump_json, exporter_options, profile, text_width
from simulator.regimes.loading import dump_regime, load_regime, lookup_country
from simulator.rendering import report
from simulator.rules.check import check_regime
from simulator.rules.engine import decide, lookup_item, timeline
from simulator.rules.values import Application, Regime


@click.command()
@click.option("--item", required=True, help="Control-list item id, or 'unlisted' for the catch-all.")
@click.option("--to", "destination", required=True, help="Destination, ISO 3166 alpha-2 code.")
@click.option("--on", "on", required=True, type=CalendarDate(), help="Export date, YYYY-MM-DD.")
@exporter_options
def check(
    item: str,
    destination: str,
    on: dt.date,
    has: tuple[str, ...],
    lacks: tuple[str, ...],
    regime_ref: str,
    fmt: str,
) -> None:
    """Decide one shipment and explain the decision, citing the law."""
    regime = load_regime(regime_ref)
    application = Application(
        item=lookup_item(regime, item).id,
        destination=lookup_country(destination),
        on=on,
        exporter=profile(regime, has, lacks),
    )
    decision = decide(regime, application)
    if fmt == "json":
        click.echo(dump_json(report.decision_mapping(decision)))
    else:
        click.echo(report.decision_text(decision))


@click.group(cls=Group)
def regime() -> None:
    """Inspect and check export-control regimes."""


@regime.command("timeline")
@click.option("--item", required=True, help="Control-list item id, or 'unlisted'.")
@click.option("--to", "destination", required=True, help="Destination, ISO 3166 alpha-2 code.")
@exporter_options
def regime_timeline(
    item: str,
    destination: str,
    has: tuple[str, ...],
    lacks: tuple[str, ...],
    regime_ref: str,
    fmt: str,
) -> None:
    """Show when the decision for an item changes.

    Lists the date intervals over which the decision stays the same, each with the measure
    that starts it and, in text, the day that measure was announced.
    """
    law = load_regime(regime_ref)
    country = lookup_country(destination)
    intervals = timeline(law, lookup_item(law, item).id, country, profile(law, has, lacks))
    if fmt == "json":
        click.echo(dump_json(report.timeline_mapping(intervals)))
    else:
        click.echo(report.timeline_text(item, country, intervals, law, text_width()))


@regime.command("show")
@click.argument("regime_ref", default="japan", metavar="[NAME|FILE]")
@click.option("--format", "fmt", type=click.Choice(["text", "toml"]), default="text", show_default=True)
def regime_show(regime_ref: str, fmt: str) -> None:
    """Summarise a regime, or print it as TOML.

    With --format toml a derived regime is printed whole, resolved against its base.
    """
    law = load_regime(regime_ref)
    click.echo(report.regime_text(law, text_width()) if fmt == "text" else dump_regime(law), nl=fmt == "text")


@regime.command("check")
@click.argument("regime_ref", default="japan", metavar="[NAME|FILE]")
@click.option("--properties", is_flag=True, help="Also run the shipped Hypothesis properties on the regime.")
@click.option(
    "--examples",
    default=200,
    show_default=True,
    type=click.IntRange(1),
    help="Examples per property.",
)
def regime_check(regime_ref: str, properties: bool, examples: int) -> None:
    """Check a regime for gaps, overlaps and properties.

    Gaps and overlaps always; with --properties also the shipped Hypothesis properties.

    Exits 1 when anything is found.
    """
    law = load_regime(regime_ref)
    findings = check_regime(law)
    click.echo(report.findings_text(law, findings))
    failed = _run_properties(law, examples) if properties else 0
    if findings or failed:
        raise SystemExit(1)


def _run_properties(law: Regime, examples: int) -> int:
    from simulator.testing import run_properties  # noqa: PLC0415 - Hypothesis loads only when asked for

    results = run_properties(law, examples)
    for result in results:
        click.echo(f"  property {result.name}: {'ok' if result.passed else 'FAILED'}")
        if result.detail:
            click.echo("    " + result.detail.replace("\n", "\n    "))
    return sum(not r.passed for r in results)


COMMANDS = (check, regime)
