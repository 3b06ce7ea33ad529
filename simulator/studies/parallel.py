"""Running replications serially, on local processes, or on a Dask cluster, with equal results.

Work is cut into jobs (a chunk of replication numbers, for every variant); each replication
draws only from streams keyed by the seed and its number, and results are consumed in
replication order, so serial, ``--workers N`` and Dask runs give bit-identical summaries.
Jobs and results cross process boundaries by pickle; they are the project's own values,
never anything read from a user's file.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import multiprocessing
import signal
from collections.abc import Callable, Iterator
from multiprocessing.pool import Pool
from typing import Any

import attrs

from simulator.errors import ExportsimError
from simulator.model import prepare, replicate
from simulator.model.metrics import flatten, replication_metrics
from simulator.model.records import RunRecords
from simulator.rules.laws import Laws
from simulator.rules.values import Regime
from simulator.scenario.values import Scenario

Flat = list[tuple[tuple[str, ...], float]]
"""One replication's metrics as (path, value) pairs."""

Mapper = Callable[[Callable[["Job"], list["Outcome"]], list["Job"]], Iterator[list["Outcome"]]]


@attrs.frozen
class Job:
    """Replications ``numbers`` of every (scenario, regime) variant, from one seed.

    With ``customs`` the metrics include the imports as customs count them.
    """

    variants: tuple[tuple[Scenario, Regime | Laws], ...]
    seed: int
    numbers: tuple[int, ...]
    keep_records: bool = False
    customs: bool = False


@attrs.frozen
class Outcome:
    """One replication's metrics for each variant (and its records, when asked for)."""

    number: int
    metrics: tuple[Flat, ...]
    records: tuple[RunRecords, ...] = ()


STUDY_COLLECTOR_THRESHOLDS = (100_000, 50, 1_000)
"""The cyclic collector's thresholds in a process that runs studies (Python's are 700, 10, 10)."""


def tune_collector_for_studies() -> None:
    """Make the cyclic collector pass over young objects every 100,000 allocations, not 700.

    The older generations are collected less often too (every 50 and 1,000 passes of the one
    below, not 10 and 10).

    A replication allocates objects by the thousand, nearly all freed at once by reference
    counting, and the collector's frequent passes over them cost about a sixth of a study's
    time (29 against 34 replications a second on japan-2019). The setting is the process's, so
    only the edges call this: the ``exportsim`` command as it starts, and each worker process
    of a local pool. Library calls (``simulate``, ``study``) never change it; a Dask cluster's
    workers are its operator's to tune.
    """
    gc.set_threshold(*STUDY_COLLECTOR_THRESHOLDS)


def run_job(job: Job) -> list[Outcome]:
    """Run a job's replications; the function every executor calls."""
    outcomes = []
    setups = [prepare(scenario, regime) for scenario, regime in job.variants]
    for number in job.numbers:
        runs = [replicate(setup, number, job.seed) for setup in setups]
        metrics = tuple(
            list(flatten(replication_metrics(run, scenario, job.customs)))
            for run, (scenario, _) in zip(runs, job.variants, strict=True)
        )
        outcomes.append(Outcome(number, metrics, tuple(runs) if job.keep_records else ()))
    return outcomes


def jobs(
    variants: tuple[tuple[Scenario, Regime | Laws], ...],
    seed: int,
    numbers: range,
    workers: int,
    keep: bool,
    customs: bool = False,
) -> list[Job]:
    """Cut replications into jobs: small enough to balance ``workers``, large enough to be worth sending."""
    size = max(1, min(25, len(numbers) // (4 * workers) or 1))
    chunks = [tuple(numbers[i : i + size]) for i in range(0, len(numbers), size)]
    return [Job(variants, seed, chunk, keep, customs) for chunk in chunks]


@contextlib.contextmanager
def executor(workers: int = 1, kind: str = "local", scheduler: str | None = None) -> Iterator[Mapper]:
    """Yield a function mapping :func:`run_job` over jobs, results in job order.

    Args:
        workers: local processes (1: run in this process).
        kind: ``local`` (processes on this machine) or ``dask`` (a Dask distributed cluster).
        scheduler: the Dask scheduler's address, e.g. ``tcp://10.0.0.5:8786``.
    """
    if kind == "dask":
        with _dask_client(scheduler) as client:
            yield lambda fn, items: (f.result() for f in client.map(fn, items, pure=False))
    elif workers > 1:
        pool = multiprocessing.Pool(workers, initializer=_start_worker)
        try:
            yield functools.partial(polled_imap, pool)
        except BaseException:
            pool.terminate()  # at once (failed or interrupted): no waiting for running jobs
            pool.join()
            raise
        pool.close()
        pool.join()
    else:
        yield map


WAKE_SECONDS = 0.25
"""How often a study waiting on a local pool looks up (its progress callback runs)."""


def polled_imap(pool: Pool, fn: Callable[[Job], list[Outcome]], jobs: list[Job]) -> Iterator[list[Outcome]]:
    """``pool.imap(fn, jobs)``, but an empty list every :data:`WAKE_SECONDS` while it waits.

    The study then calls its progress callback, where the command line raises an interrupt
    whose exception was lost (a signal landing in a finaliser); without it, a run whose
    workers the same signal ended would wait for their lost results for ever.
    """
    results = pool.imap(fn, jobs)
    while True:
        try:
            yield results.next(timeout=WAKE_SECONDS)
        except multiprocessing.TimeoutError:
            yield []
        except StopIteration:
            return


def _start_worker() -> None:
    """Set up a pool's worker process: the study collector, and the caller's to interrupt.

    Ctrl-C reaches every process of the terminal's group; a worker ignores it (its parent
    stops it), and ends at SIGTERM without running any handler it inherited.
    """
    tune_collector_for_studies()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


@contextlib.contextmanager
def _dask_client(scheduler: str | None) -> Iterator[Any]:
    try:
        from distributed import Client  # noqa: PLC0415 - optional extra, imported only when asked for
    except ImportError:
        raise ExportsimError("--executor dask needs the dask extra: pip install 'exportsim[dask]'") from None
    if scheduler is None:
        raise ExportsimError("--executor dask needs --scheduler ADDRESS (e.g. tcp://127.0.0.1:8786)")
    try:
        client = Client(scheduler, timeout="10s")  # type: ignore[no-untyped-call]  # distributed is untyped
    except OSError as exc:
        raise ExportsimError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
    try:
        yield client
    finally:
        client.close()  # type: ignore[no-untyped-call]
