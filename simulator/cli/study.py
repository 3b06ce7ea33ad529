"""Study commands: ``run`` and ``validate`` a scenario, ``compare`` variants."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import attrs
import click

from simulator import report
from simulator.cli.options import dump_json, progress, study_options
from simulator.errors import ExportsimError
from simulator.experiments import Plan, Variant, comparison, run, study
from simulator.loading import load_scenario, load_variants
from simulator.output import RunWriter, write_comparison_csv
from simulator.scenario import Scenario

_SCENARIO = click.Path(dir_okay=False, path_type=Path)


def _plan(scenario: Scenario, count: int | None, options: dict[str, Any]) -> Plan:
    return Plan(
        replications=count or scenario.replications,
        precision=options["precision"],
        max_replications=options["max_replications"],
        workers=options["workers"],
        executor=options["executor_kind"],
        scheduler=options["scheduler"],
    )


@click.command("run")
@click.argument("scenario_path", metavar="SCENARIO", type=_SCENARIO)
@study_options
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option(
    "--out", type=click.Path(file_okay=False, path_type=Path), help="Also write CSV series and records here."
)
def run_command(
    scenario_path: Path, seed: int | None, count: int | None, fmt: str, out: Path | None, **options: Any
) -> None:
    """Simulate a scenario and summarise who runs short of what, when, and at what cost."""
    scenario, law = load_scenario(scenario_path)
    seed = scenario.seed if seed is None else seed
    plan = _plan(scenario, count, options)
    writer = RunWriter(out, scenario) if out else None
    try:
        with progress(options["quiet"], scenario.id) as on_progress:
            plan = attrs.evolve(plan, keep_records=writer is not None)
            summary = run(
                scenario, law, plan, seed, on_outcome=writer.add if writer else None, on_progress=on_progress
            )
    except BaseException:
        if writer:
            writer.discard()
        raise
    if writer:
        writer.publish(summary)
    click.echo(dump_json(summary) if fmt == "json" else report.run_text(summary))


@click.command()
@click.argument("scenario_path", metavar="SCENARIO", type=_SCENARIO)
def validate(scenario_path: Path) -> None:
    """Check a scenario file (and its variants) and print every problem, or "ok"."""
    variants = load_variants(scenario_path, ())
    names = ", ".join(name for name, _, _ in variants)
    click.echo(f"{scenario_path}: ok ({variants[0][1].id}; variants: {names})")


@click.command()
@click.argument("scenario_paths", metavar="SCENARIO...", nargs=-1, required=True, type=_SCENARIO)
@click.option(
    "--variant",
    "names",
    multiple=True,
    help="A variant declared in the scenario (repeat; 'base' is the file's own).",
)
@study_options
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True
)
def compare(
    scenario_paths: tuple[Path, ...],
    names: tuple[str, ...],
    seed: int | None,
    count: int | None,
    fmt: str,
    **options: Any,
) -> None:
    """Compare variants with paired confidence intervals (common random numbers).

    Either one scenario with --variant names (the base comes first unless named), or several
    scenario files over the same world. Differences are taken from the first.
    """
    variants = _variants(scenario_paths, names)
    first = variants[0].scenario
    seed = first.seed if seed is None else seed
    with progress(options["quiet"], "compare") as on_progress:
        result = study(variants, seed, _plan(first, count, options), on_progress=on_progress)
    data = comparison(result)
    if fmt == "json":
        click.echo(dump_json(data))
    elif fmt == "csv":
        click.echo(write_comparison_csv(data), nl=False)
    else:
        click.echo(report.comparison_text(data))


def _variants(paths: tuple[Path, ...], names: tuple[str, ...]) -> list[Variant]:
    if len(paths) > 1:
        if names:
            raise ExportsimError("--variant goes with a single scenario file; give either variants or files")
        return [Variant(s.id, s, r) for s, r in (load_scenario(p) for p in paths)]
    wanted = names if not names or "base" in names else ("base", *names)
    return [Variant(name, s, r) for name, s, r in load_variants(paths[0], wanted)]


COMMANDS = (run_command, validate, compare)
