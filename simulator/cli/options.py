"""Shared pieces of the command line: the error-handling group, common options, progress."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import click

from simulator.cli.interrupts import (
    EXIT_INTERRUPTED,
    EXIT_TERMINATED,
    Terminated,
    handled_signals,
    raise_if_pending,
)
from simulator.errors import ExportsimError
from simulator.rendering import html
from simulator.rendering.tables import WIDTH
from simulator.rules.exporters import exporter_of
from simulator.rules.values import ExporterProfile, Regime

F = TypeVar("F", bound=Callable[..., Any])


class UserError(click.ClickException):
    """A problem with what the user asked for: printed plainly, exit code 2."""

    exit_code = 2


class Group(click.Group):
    """A click group that turns the project's errors into plain messages and exit code 2."""

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command; report a user's error without a traceback, an interruption in one line."""
        try:
            with handled_signals():
                return super().invoke(ctx)
        except ExportsimError as exc:
            raise UserError(str(exc)) from None
        except click.NoSuchOption as exc:
            raise _attribute_hint(exc) from None
        except Terminated:
            click.echo("exportsim: terminated (SIGTERM); nothing was written", err=True)
            raise click.exceptions.Exit(EXIT_TERMINATED) from None
        except KeyboardInterrupt:
            click.echo("exportsim: interrupted (SIGINT); nothing was written", err=True)
            raise click.exceptions.Exit(EXIT_INTERRUPTED) from None


def _attribute_hint(exc: click.NoSuchOption) -> click.NoSuchOption:
    """Point a flag like ``--no-X`` (the exporter options before attributes were data) to ``--lacks X``."""
    command = exc.ctx.command if exc.ctx else None
    if command is None or "has" not in {p.name for p in command.params}:
        return exc
    name = exc.option_name.removeprefix("--")
    lacks = name.startswith("no-")
    word = name.removeprefix("no-")
    message = exc.message.rstrip(".") + (
        f"; exporter attributes are the regime's, named with --has NAME and --lacks NAME"
        f" (perhaps {'--lacks' if lacks else '--has'} {word}; 'exportsim regime show' lists them)"
    )
    return click.NoSuchOption(exc.option_name, message, exc.possibilities, exc.ctx)


MAX_SEED = 2**63 - 1
"""The largest seed a study takes (numpy's ``SeedSequence`` takes any integer from 0)."""


class CalendarDate(click.ParamType[dt.date]):
    """A date written YYYY-MM-DD that is a day of the calendar (not 2019-02-30)."""

    name = "date"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> dt.date:
        """``value`` as a date; a wrong form or an impossible day fails naming the option."""
        if isinstance(value, dt.date):
            return value
        text = str(value)
        if _DATE.fullmatch(text) is None:
            self.fail(f"{text!r} is not a date written YYYY-MM-DD", param, ctx)
        try:
            return dt.date.fromisoformat(text)
        except ValueError as exc:
            self.fail(f"{text} is not a valid calendar date ({exc})", param, ctx)


_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def exporter_options(command: F) -> F:
    """Add the exporter-profile, regime and format options of ``check`` and ``regime timeline``."""
    options = [
        click.option(
            "--has",
            multiple=True,
            metavar="ATTRIBUTE",
            help="An exporter attribute of the regime the exporter holds (repeatable).",
        ),
        click.option(
            "--lacks",
            multiple=True,
            metavar="ATTRIBUTE",
            help="An exporter attribute it does not hold (repeatable). Without either option,"
            " the exporter is the regime's established exporter: each attribute at its default"
            " ('exportsim regime show' lists them).",
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
    return _with(options, command)


def _with(options: Sequence[Callable[[Any], Any]], command: F) -> F:
    """Apply click option decorators in the order they are listed."""
    for option in reversed(options):
        command = option(command)
    return command


def plot_option(help_text: str) -> Callable[[F], F]:
    """The ``--plot FILE`` option of ``run`` and ``compare``."""
    return click.option(
        "--plot", "plot_file", type=click.Path(dir_okay=False, path_type=Path), help=help_text
    )


def report_option(command: F) -> F:
    """The ``--report FILE.html`` option of ``run`` and ``compare``, its ending checked before any run."""

    def checked(ctx: click.Context, param: click.Parameter, value: Path | None) -> Path | None:
        if value is not None and value.suffix.lower() not in html.SUFFIXES:
            raise click.BadParameter(f"{value}: expected a file ending in .html or .htm", ctx, param)
        return value

    return click.option(
        "--report",
        "report_file",
        type=click.Path(dir_okay=False, path_type=Path),
        callback=checked,
        help="Also write a self-contained HTML report (.html): the question, tables, figures, sources.",
    )(command)


def profile(regime: Regime, has: Sequence[str], lacks: Sequence[str]) -> ExporterProfile:
    """The exporter ``--has`` and ``--lacks`` describe, under ``regime``.

    Raises:
        InputError: an attribute the regime does not declare, naming the option and those it does.
    """
    return exporter_of(regime, has, lacks, fields=("--has", "--lacks"))


def study_options(command: F) -> F:
    """Add the replication, parallelism and progress options of ``run``, ``compare`` and ``sweep``."""
    options = [
        click.option(
            "--seed",
            type=click.IntRange(0, MAX_SEED),
            help="Random seed, 0 to 2**63-1 (default: the scenario's).",
        ),
        click.option(
            "--replications", "count", type=click.IntRange(1), help="Replications (default: the scenario's)."
        ),
        click.option(
            "--precision",
            type=click.FloatRange(0, min_open=True),
            help="Add replications until every headline 95% half-width is within this fraction of its mean.",
        ),
        click.option(
            "--max-replications",
            type=click.IntRange(1),
            default=10_000,
            show_default=True,
            help="Cap for --precision.",
        ),
        click.option(
            "--workers", type=click.IntRange(1), default=1, show_default=True, help="Local worker processes."
        ),
        click.option(
            "--executor",
            "executor_kind",
            type=click.Choice(["local", "dask"]),
            default="local",
            show_default=True,
        ),
        click.option(
            "--scheduler", help="Dask scheduler address, with --executor dask (e.g. tcp://127.0.0.1:8786)."
        ),
        click.option("--quiet", is_flag=True, help="No progress bar."),
    ]
    return _with(options, command)


@contextmanager
def progress(quiet: bool, label: str) -> Iterator[Callable[[int, int], None]]:
    """Yield an ``on_progress(done, planned)`` callback drawing a bar on stderr.

    The bar appears only on a terminal, without --quiet, once the work has taken a second.
    """
    if quiet or not sys.stderr.isatty():
        yield lambda *_: raise_if_pending()
        return
    from rich.console import Console  # noqa: PLC0415 - only needed on a terminal
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn  # noqa: PLC0415

    columns = (TextColumn(label), BarColumn(), MofNCompleteColumn(), _rate_column(), TimeRemainingColumn())
    bar = Progress(*columns, console=Console(stderr=True), transient=True)
    task = bar.add_task(label, total=None)
    started = time.monotonic()

    def update(done: int, planned: int) -> None:
        raise_if_pending()  # a safe point: an interrupt lost in a finaliser is raised here
        if not bar.live.is_started and time.monotonic() - started > 1.0:
            bar.start()
        bar.update(task, completed=done, total=planned)

    try:
        yield update
    finally:
        bar.stop()


def text_width() -> int:
    """The width to render text tables at: the terminal's, or a fixed one when output is not a terminal.

    Piped or captured output (files, ``CliRunner``) is the same wherever it is made.
    """
    if not sys.stdout.isatty():
        return WIDTH
    return max(shutil.get_terminal_size((WIDTH, 24)).columns, 40)


def dump_json(data: Any) -> str:
    """``data`` as indented JSON text."""
    return json.dumps(data, indent=2, ensure_ascii=False)


def _rate_column() -> Any:
    from rich.progress import ProgressColumn, Task  # noqa: PLC0415
    from rich.text import Text  # noqa: PLC0415

    class Rate(ProgressColumn):
        """Replications a second, one decimal."""

        def render(self, task: Task) -> Text:
            return Text(f"{task.speed:.1f}/s" if task.speed else "-/s")

    return Rate()
