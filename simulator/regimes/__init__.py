"""Regimes as data (``japan.toml``, ``korea.toml`` and Japan's table of expected decisions) and their loading.

:mod:`~simulator.regimes.loading` reads regime files into the rules engine's frozen values:
the only place that parses them. The engine itself (:mod:`simulator.rules`) stays pure.
"""
