"""Rendering results for people and for other programs: text, output files and pictures.

:mod:`~simulator.rendering.report` renders tables and explanations as text (laid out by
:mod:`~simulator.rendering.tables`, which wraps rather than overflows),
:mod:`~simulator.rendering.output` writes a run's records as CSV and JSON, and
:mod:`~simulator.rendering.plots` draws fan charts and flows. Only these modules and the CLI
touch the terminal and files.
"""
