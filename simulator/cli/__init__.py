"""The ``exportsim`` command line: click only, thin.

Each command parses its options, calls the library, and echoes what :mod:`simulator.rendering.report`
renders. Any :class:`~simulator.errors.ExportsimError` becomes a message on stderr and exit
code 2, with no traceback. Rules commands live in :mod:`simulator.cli.rules`, studies (run,
compare, sweep, plot) in :mod:`simulator.cli.study`.
"""

from __future__ import annotations

import click

from simulator.cli import rules, study
from simulator.cli.options import Group
from simulator.studies.parallel import tune_collector_for_studies


@click.group(cls=Group)
@click.version_option(package_name="exportsim")
def main() -> None:
    """exportsim: export-licensing rules and the supply they govern."""


for command in (*rules.COMMANDS, *study.COMMANDS):
    main.add_command(command)


def entry() -> None:
    """The ``exportsim`` program: a process of its own, so it tunes the collector for studies first."""
    tune_collector_for_studies()
    main(prog_name="exportsim")


__all__ = ["entry", "main"]
