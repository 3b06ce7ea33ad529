"""Studies: many replications of a scenario, their comparison, sweeps, and where they run.

:mod:`~simulator.studies.experiments` runs replications and compares variants with common
random numbers, :mod:`~simulator.studies.parallel` runs them serially, on local processes or
on Dask with equal results, :mod:`~simulator.studies.sweep` varies inputs over grids and
Latin hypercubes, and :mod:`~simulator.studies.stats` keeps bounded-memory summaries.
"""
