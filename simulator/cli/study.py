"""Study commands: ``run`` and ``validate`` a scenario, ``compare`` variants, ``sweep``, ``plot``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from simulator.cli.options import dump_json, plot_option, progress, report_option, study_options, text_width
from simulator.errors import ExportsimError
from simulator.rendering import html, plots, report
from simulator.rendering.output import (
    FanCollector,
    RunWriter,
    sweep_csv,
    write_comparison_csv,
    write_text_atomically,
)
from simulator.scenario.loading import load_scenario, load_variants
from simulator.studies import api
from simulator.studies.parallel import Outcome
from simulator.studies.sweep import Condition, parse_axis

_SCENARIO = click.Path(dir_okay=False, path_type=Path)


def _execution(count: int | None, seed: int | None, options: dict[str, Any]) -> dict[str, Any]:
    """The API's execution arguments from the shared options, checked here to name the options."""
    if options["scheduler"] is not None and options["executor_kind"] != "dask":
        raise ExportsimError("--scheduler needs --executor dask (the local executor takes --workers)")
    cap = options["max_replications"]
    if options["precision"] is not None and count is not None and count > cap:
        raise ExportsimError(
            f"--replications {count} with --precision is the first batch:"
            f" expected at most --max-replications {cap}"
        )
    return {
        "replications": count,
        "seed": seed,
        "precision": options["precision"],
        "max_replications": cap,
        "workers": options["workers"],
        "executor": options["executor_kind"],
        "scheduler": options["scheduler"],
    }


@click.command("run")
@click.argument("scenario_path", metavar="SCENARIO", type=_SCENARIO)
@study_options
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option(
    "--out", type=click.Path(file_okay=False, path_type=Path), help="Also write CSV series and records here."
)
@plot_option("Also draw the inventory fan chart (.png or .svg).")
@report_option
def run_command(
    scenario_path: Path,
    seed: int | None,
    count: int | None,
    fmt: str,
    out: Path | None,
    plot_file: Path | None,
    report_file: Path | None,
    **options: Any,
) -> None:
    """Simulate a scenario: who runs short, when, at what cost.

    Prints each chipmaker and material's stock-out days, lost output, time to survive and time
    to recover, and the licensing figures, as means with 95% intervals.
    """
    if plot_file:
        plots.check_format(plot_file)
    scenario, law = load_scenario(scenario_path)
    if plot_file and not scenario.chipmakers:
        raise ExportsimError(f"--plot {plot_file}: {scenario_path} has no chipmakers, so no stock to draw")
    execution = _execution(count, seed, options)
    writer = RunWriter(out, scenario) if out else None
    fans = FanCollector() if plot_file or report_file else None
    try:  # the folder is published last, once the report and the plot have succeeded
        with progress(options["quiet"], scenario.id) as on_progress:
            hook = _hooks(writer, fans)
            result = api.run(scenario, regime=law, on_outcome=hook, on_progress=on_progress, **execution)
        summary = result.to_dict()
        text = dump_json(summary) if fmt == "json" else report.run_text(summary, text_width())
        if fans and plot_file:
            picture = writer.staged(plot_file) if writer else plot_file  # published with the folder
            plots.inventory_fan(fans.series(), scenario.start, summary["measures"], picture)
        if fans and report_file:
            html.write_run(report_file, summary, scenario_path, scenario, law, fans.series())
        if writer:
            writer.publish(summary)
    except BaseException:
        if writer:
            writer.discard()
        raise
    click.echo(text)
    _exit_unless_precise(summary)


PRECISION_NOT_MET = 3
"""The exit code of a ``--precision`` study stopped by ``--max-replications`` before its target."""


def _exit_unless_precise(data: dict[str, Any]) -> None:
    """Say so on stderr and exit 3 when ``--max-replications`` stopped a study short of its target."""
    precision = data.get("precision")
    if precision and not precision["met"]:
        click.echo(report.precision_line(precision), err=True)
        raise click.exceptions.Exit(PRECISION_NOT_MET)


def _hooks(writer: RunWriter | None, fans: FanCollector | None) -> Callable[[Outcome], None] | None:
    hooks = [hook.add for hook in (writer, fans) if hook is not None]

    def both(outcome: Outcome) -> None:
        for hook in hooks:
            hook(outcome)

    return both if hooks else None


@click.command()
@click.argument("scenario_path", metavar="SCENARIO", type=_SCENARIO)
def validate(scenario_path: Path) -> None:
    """Check a scenario file and its variants.

    Prints every problem at once, with its file and field path (exit code 2), or "ok".
    """
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
@plot_option("Also draw stock-out days by variant with CIs (.png or .svg).")
@click.option(
    "--unpaired",
    is_flag=True,
    help="Compare variants of different worlds (horizon, warm-up, seed) with unpaired (Welch) intervals.",
)
@report_option
def compare(
    scenario_paths: tuple[Path, ...],
    names: tuple[str, ...],
    seed: int | None,
    unpaired: bool,
    count: int | None,
    fmt: str,
    plot_file: Path | None,
    report_file: Path | None,
    **options: Any,
) -> None:
    """Compare variants with paired confidence intervals.

    Replication r of every variant uses the same random numbers (common random numbers).

    Either one scenario with --variant names (the base comes first unless named), or several
    scenario files over the same world. Differences are taken from the first.
    """
    if plot_file:
        plots.check_format(plot_file)
    if len(scenario_paths) > 1 and names:
        raise ExportsimError("--variant goes with a single scenario file; give either variants or files")
    execution = _execution(count, seed, options)
    with progress(options["quiet"], "compare") as on_progress:
        result = api.compare(scenario_paths, names, unpaired=unpaired, on_progress=on_progress, **execution)
    data = result.to_dict()
    if plot_file:
        plots.comparison_bars(data, plot_file)
    if report_file:
        html.write_comparison(report_file, data, result.worlds, scenario_paths)
    if fmt == "json":
        click.echo(dump_json(data))
    elif fmt == "csv":
        click.echo(write_comparison_csv(data), nl=False)
    else:
        click.echo(report.comparison_text(data, text_width()))
    _exit_unless_precise(data)


@click.command("sweep")
@click.argument("scenario_path", metavar="SCENARIO", type=_SCENARIO)
@click.option(
    "--set",
    "axes",
    multiple=True,
    required=True,
    metavar="PATH=SPEC",
    help="A field and its values: start:stop:step, a,b,c or one value (repeat).",
)
@click.option(
    "--samples",
    type=click.IntRange(1),
    help="A Latin hypercube of this many points over the ranges, instead of the grid.",
)
@click.option(
    "--find",
    "find",
    metavar="CONDITION",
    help="e.g. 'max stockout_days == 0': the smallest value (one --set) meeting it with 95% confidence.",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the CSV here (default: standard output).",
)
@study_options
def sweep_command(
    scenario_path: Path,
    axes: tuple[str, ...],
    samples: int | None,
    find: str | None,
    out: Path | None,
    seed: int | None,
    count: int | None,
    **options: Any,
) -> None:
    """Run a scenario over a grid of field values.

    Writes a tidy CSV of summaries per point; --find reports the smallest value meeting a
    condition with 95% confidence.
    """
    parsed = [parse_axis(a) for a in axes]
    condition = Condition.parse(find) if find else None
    if condition is not None and len(parsed) != 1:
        raise ExportsimError("--find answers for one swept field: give exactly one --set")
    execution = _execution(count, seed, options)
    with progress(options["quiet"], "sweep") as on_progress:
        fields = {axis.path: axis.values for axis in parsed}
        result = api.sweep(
            scenario_path, fields, samples=samples, find=find, on_progress=on_progress, **execution
        )
    table = sweep_csv(list(result.points), list(result.fields), condition)
    if out is None:
        click.echo(table, nl=False)
    else:
        write_text_atomically(out, table)
    if condition is not None:
        answer = result.answer
        verdict = (
            f"smallest {parsed[0].path} meeting '{find}' with 95% confidence: {answer}"
            if answer is not None
            else f"no swept value meets '{find}' with 95% confidence"
        )
        click.echo(verdict, err=out is None)


@click.command("plot")
@click.argument("result_dir", type=click.Path(file_okay=False, exists=True, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(list(plots.FORMATS)), default="png", show_default=True)
def plot_command(result_dir: Path, fmt: str) -> None:
    """Draw fan charts and imports from a run's --out.

    Writes inventory and flows pictures into RESULT_DIR, the folder of 'exportsim run --out'.
    """
    for written in plots.plot_result_dir(result_dir, fmt):
        click.echo(str(written))


COMMANDS = (run_command, validate, compare, sweep_command, plot_command)
