"""``python -m simulator`` runs the ``exportsim`` command line."""

from simulator.cli import main

main(prog_name="exportsim")
