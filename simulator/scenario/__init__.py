"""Scenarios: the world a replay simulates, as frozen values, and everything that makes them.

:mod:`~simulator.scenario.values` holds the values, :mod:`~simulator.scenario.distributions`
the random durations they use, :mod:`~simulator.scenario.check` what a scenario must mean,
:mod:`~simulator.scenario.loading` the reading of scenario files (the only module here that
parses), and :mod:`~simulator.scenario.overrides` the dotted-path changes that variants and
sweeps make.
"""
