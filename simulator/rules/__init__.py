"""The rules engine: export-control regimes as dated, cited data, and decisions under them.

Pure: no SimPy, no I/O. Loading regime files lives in :mod:`simulator.regimes.loading`.
"""
