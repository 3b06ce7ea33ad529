"""The ``exportsim`` command line: click only, thin.

Each command parses its options, calls the library, and echoes what :mod:`simulator.report`
renders. Any :class:`~simulator.errors.ExportsimError` becomes a message on stderr and exit
code 2, with no traceback.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from simulator import report
from simulator.errors import ExportsimError
from simulator.experiments import run
from simulator.loading import dump_regime, load_regime, load_scenario, lookup_country
from simulator.output import RunWriter
from simulator.rules.check import check_regime
from simulator.rules.engine import decide, lookup_item, timeline
from simulator.rules.values import Application, ExporterProfile, Regime

F = TypeVar("F", bound=Callable[..., Any])


class UserError(click.ClickException):
    """A problem with what the user asked for: printed plainly, exit code 2."""

    exit_code = 2


class _Group(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ExportsimError as exc:
            raise UserError(str(exc)) from None


def _exporter_options(command: F) -> F:
    options = [
        click.option(
            "--icp/--no-icp",
            default=True,
            show_default=True,
            help="The exporter runs an internal compliance programme.",
        ),
        click.option(
            "--continuing/--no-continuing",
            default=True,
            show_default=True,
            help="The exporter has a continuing relationship with the importer.",
        ),
        click.option(
            "--end-use-concern",
            is_flag=True,
            help="The exporter knows of, or has been informed of, a WMD end-use concern.",
        ),
        click.option(
            "--regime",
            "regime_ref",
            default="japan",
            show_default=True,
            help="Bundled regime name or regime file.",
        ),
        click.option(
            "--format",
            "fmt",
            type=click.Choice(["text", "json"]),
            default="text",
            show_default=True,
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _profile(icp: bool, continuing: bool, end_use_concern: bool) -> ExporterProfile:
    return ExporterProfile(icp=icp, continuing=continuing, end_use_concern=end_use_concern)


def _echo_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False))


@click.group(cls=_Group)
@click.version_option(package_name="exportsim")
def main() -> None:
    """exportsim: export-licensing rules and the supply they govern."""


@main.command()
@click.option("--item", required=True, help="Control-list item id, or 'unlisted' for the catch-all.")
@click.option("--to", "destination", required=True, help="Destination, ISO 3166 alpha-2 code.")
@click.option("--on", "on", required=True, type=click.DateTime(["%Y-%m-%d"]), help="Export date, YYYY-MM-DD.")
@_exporter_options
def check(
    item: str,
    destination: str,
    on: dt.datetime,
    icp: bool,
    continuing: bool,
    end_use_concern: bool,
    regime_ref: str,
    fmt: str,
) -> None:
    """Decide one shipment and explain the decision, citing the law."""
    regime = load_regime(regime_ref)
    application = Application(
        item=lookup_item(regime, item).id,
        destination=lookup_country(destination),
        on=on.date(),
        exporter=_profile(icp, continuing, end_use_concern),
    )
    decision = decide(regime, application)
    if fmt == "json":
        _echo_json(report.decision_mapping(decision))
    else:
        click.echo(report.decision_text(decision))


@main.group(cls=_Group)
def regime() -> None:
    """Inspect and check export-control regimes."""


@regime.command("timeline")
@click.option("--item", required=True, help="Control-list item id, or 'unlisted'.")
@click.option("--to", "destination", required=True, help="Destination, ISO 3166 alpha-2 code.")
@_exporter_options
def regime_timeline(
    item: str,
    destination: str,
    icp: bool,
    continuing: bool,
    end_use_concern: bool,
    regime_ref: str,
    fmt: str,
) -> None:
    """Show the date intervals over which the decision stays the same."""
    law = load_regime(regime_ref)
    country = lookup_country(destination)
    intervals = timeline(law, lookup_item(law, item).id, country, _profile(icp, continuing, end_use_concern))
    if fmt == "json":
        _echo_json(report.timeline_mapping(intervals))
    else:
        click.echo(report.timeline_text(item, country, intervals))


@regime.command("show")
@click.argument("regime_ref", default="japan", metavar="[NAME|FILE]")
@click.option("--format", "fmt", type=click.Choice(["text", "toml"]), default="text", show_default=True)
def regime_show(regime_ref: str, fmt: str) -> None:
    """Summarise a regime, or print it whole as TOML (derived regimes resolved)."""
    law = load_regime(regime_ref)
    click.echo(report.regime_text(law) if fmt == "text" else dump_regime(law), nl=fmt == "text")


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
    """Check a regime for gaps and overlaps (and, with --properties, its properties).

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


@main.command("run")
@click.argument("scenario_path", metavar="SCENARIO", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--seed", type=int, help="Random seed (default: the scenario's).")
@click.option(
    "--replications", "count", type=click.IntRange(1), help="Replications (default: the scenario's)."
)
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option(
    "--out", type=click.Path(file_okay=False, path_type=Path), help="Also write CSV series and records here."
)
def run_command(scenario_path: Path, seed: int | None, count: int | None, fmt: str, out: Path | None) -> None:
    """Simulate a scenario and summarise who runs short of what, when, and at what cost."""
    scenario, law = load_scenario(scenario_path)
    seed = scenario.seed if seed is None else seed
    count = count or scenario.replications
    writer = RunWriter(out, scenario) if out else None
    try:
        summary = run(scenario, law, count, seed, on_replication=writer.add if writer else None)
    except BaseException:
        if writer:
            writer.discard()
        raise
    if writer:
        writer.publish(summary)
    click.echo(json.dumps(summary, indent=2) if fmt == "json" else report.run_text(summary))


@main.command()
@click.argument("scenario_path", metavar="SCENARIO", type=click.Path(dir_okay=False, path_type=Path))
def validate(scenario_path: Path) -> None:
    """Check a scenario file and print every problem, or "ok"."""
    scenario, _ = load_scenario(scenario_path)
    click.echo(f"{scenario_path}: ok ({scenario.id})")
