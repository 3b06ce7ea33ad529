"""Rendering results for people and for other programs: text, output files and pictures.

:mod:`~simulator.rendering.report` renders tables and explanations as text (laid out by
:mod:`~simulator.rendering.tables`, which wraps rather than overflows),
:mod:`~simulator.rendering.output` writes a run's records as CSV and JSON,
:mod:`~simulator.rendering.plots` draws fan charts and flows, and
:mod:`~simulator.rendering.html` makes the self-contained HTML report of a run or comparison.
Only these modules and the CLI touch the terminal and files.
"""
