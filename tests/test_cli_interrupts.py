"""Interrupting ``exportsim run --out`` by SIGINT or SIGTERM, serially and with workers.

Each case starts the real program in its own process group, waits until the run has begun
writing (its hidden staging folder exists), sends the signal and checks what is left: one line
on stderr, exit 130 or 143, and no folder at all, staging or target. The pool's part (workers
that leave Ctrl-C to their parent and are stopped at once) is pinned on its own.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from simulator.studies import parallel
from simulator.studies.parallel import executor

ROOT = Path(__file__).resolve().parents[1]
JAPAN = ROOT / "scenarios" / "japan-2019.toml"
PROGRAM = "from simulator.cli import entry; entry()"

pytestmark = pytest.mark.skipif(
    os.name != "posix" or not hasattr(signal, "SIGTERM"), reason="needs POSIX signals and process groups"
)


def started(folder: Path, *options: str) -> subprocess.Popen[str]:
    """Start a long ``run --out folder/out`` and return once it is simulating."""
    command = [sys.executable, "-c", PROGRAM, "run", str(JAPAN), "--replications", "2000", "--quiet"]
    process = subprocess.Popen(
        [*command, "--out", str(folder / "out"), *options],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while not any(folder.iterdir()):
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the run never started writing"
        time.sleep(0.05)
    time.sleep(0.5)  # into the replications
    return process


@pytest.mark.parametrize("workers", ["1", "2"])
@pytest.mark.parametrize(
    ("signum", "code", "line"),
    [
        pytest.param(signal.SIGINT, 130, "exportsim: interrupted (SIGINT); nothing was written", id="SIGINT"),
        pytest.param(
            signal.SIGTERM, 143, "exportsim: terminated (SIGTERM); nothing was written", id="SIGTERM"
        ),
    ],
)
def test_a_signal_stops_the_run_leaving_nothing(
    tmp_path: Path, signum: signal.Signals, code: int, line: str, workers: str
) -> None:
    """A signal to the program's process group stops it with one line and its exit code, and no folder."""
    process = started(tmp_path, "--workers", workers)
    os.killpg(process.pid, signum)  # as a terminal's Ctrl-C reaches every process of the group
    try:
        stdout, stderr = process.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)  # a run that never stopped is not left behind
        raise
    assert (process.returncode, stderr.splitlines(), stdout) == (code, [line], "")
    assert list(tmp_path.iterdir()) == []


def _finish_later(marker: str) -> None:
    time.sleep(3)
    Path(marker).touch()


def _handlers(_: object) -> tuple[object, object]:
    return signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)


def test_a_failing_study_stops_its_pool_without_waiting_for_running_jobs(tmp_path: Path) -> None:
    """An exception while jobs run ends the workers at once: a job that would finish later never does."""
    marker = tmp_path / "finished"

    def fail_while_running() -> None:
        with executor(workers=2) as mapper:
            mapper(_finish_later, [str(marker)])  # type: ignore[arg-type]
            time.sleep(0.5)  # the job is running
            raise RuntimeError("interrupted")

    with pytest.raises(RuntimeError):
        fail_while_running()
    time.sleep(3.5)
    assert not marker.exists()


def test_pool_workers_leave_ctrl_c_to_their_parent() -> None:
    """A worker ignores SIGINT (its parent stops it) and dies at SIGTERM, whatever it inherited."""
    with executor(workers=2) as mapper:
        found = set(mapper(_handlers, [1, 2, 3, 4]))  # type: ignore[arg-type]
    assert found == {(signal.SIG_IGN, signal.SIG_DFL)}


def test_an_interrupt_lost_in_a_finaliser_is_raised_at_the_next_safe_point(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Ctrl-C landing in a generator's finaliser is lost to Python; the next batch's progress raises it.

    The lost exception's "Exception ignored" report is silenced too, so the command prints only
    its own one line.
    """
    from simulator.cli.interrupts import handled_signals  # noqa: PLC0415
    from simulator.cli.options import progress  # noqa: PLC0415

    def closing() -> Iterator[None]:
        try:
            yield
        finally:
            os.kill(os.getpid(), signal.SIGINT)  # arrives while the collector closes the generator

    with handled_signals(), progress(True, "test") as on_progress:
        generator = closing()
        next(generator)
        del generator  # the finaliser runs: its KeyboardInterrupt is lost, as Python ignores it
        gc.collect()
        with pytest.raises(KeyboardInterrupt):
            on_progress(1, 2)
    assert "Exception ignored" not in capsys.readouterr().err


def _slow(seconds: float) -> list[object]:
    time.sleep(seconds)
    return [seconds]


def test_a_pool_wakes_its_study_while_it_waits() -> None:
    """Waiting on a worker, the pool's mapper yields empty batches, so a lost interrupt is raised soon.

    A signal that ends the workers and whose exception the parent loses in a finaliser left the
    parent waiting for the workers' results for ever; the study's progress callback, called on
    each empty batch, is where the command line raises it again.
    """
    with multiprocessing.Pool(1) as pool:
        batches = list(parallel.polled_imap(pool, _slow, [1.0, 0.0]))  # type: ignore[arg-type]
    assert batches[-2:] == [[1.0], [0.0]]
    assert batches[:-2] == [[]] * len(batches[:-2])
    assert len(batches[:-2]) >= int(1.0 / parallel.WAKE_SECONDS) - 1
