"""``python -m simulator`` runs the ``exportsim`` command line."""

from simulator.cli import entry

entry()
