"""Interruptions of a command: SIGINT (Ctrl-C) and SIGTERM stop it cleanly, promptly.

Only the command line installs signal handlers, and only while a command runs: library calls
never change a process's signal handling. SIGTERM is raised in the main thread as
:class:`Terminated`, a kind of ``KeyboardInterrupt``, so every ``finally`` and ``except
BaseException`` (a run's staging folder, a pool's workers) cleans up as for Ctrl-C. The first
signal ignores any further one, so that a second cannot cut the cleanup short.

An exception raised while Python runs a finaliser (a simulation's generator closed by the
garbage collector) is lost: Python reports it as "Exception ignored" and carries on. So the
signal is also kept, such a report of it is silenced, and :func:`raise_if_pending`, called at
safe points (each batch of replications done), raises it again.
"""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

EXIT_INTERRUPTED = 130
"""The exit code after SIGINT (128 + 2), as shells report a process Ctrl-C stopped."""
EXIT_TERMINATED = 143
"""The exit code after SIGTERM (128 + 15)."""


class Terminated(KeyboardInterrupt):
    """SIGTERM arrived: the command stops as for Ctrl-C, with its own exit code."""


_pending: list[int] = []
"""The signal that arrived while a command runs (the command line's own state, no library's)."""


def raise_if_pending() -> None:
    """Raise the interrupt again, should the handler's exception have been lost in a finaliser."""
    if _pending:
        raise Terminated if _pending[0] == signal.SIGTERM else KeyboardInterrupt


@contextmanager
def handled_signals() -> Iterator[None]:
    """Turn SIGINT and SIGTERM into ``KeyboardInterrupt`` and :class:`Terminated` while in the block.

    The previous handlers come back afterwards. A signal the process was started ignoring (as
    under ``nohup``) stays ignored; outside the main thread (where Python allows no handlers)
    the block runs as it is.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous: dict[signal.Signals, Any] = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    signals = [s for s, handler in previous.items() if handler is not signal.SIG_IGN]  # nohup's stay ignored

    def interrupt(signum: int, _: FrameType | None) -> None:
        for s in signals:
            signal.signal(s, signal.SIG_IGN)
        _pending.append(signum)
        raise Terminated if signum == signal.SIGTERM else KeyboardInterrupt

    reported = sys.unraisablehook

    def unraisable(report: Any) -> None:
        if not isinstance(report.exc_value, KeyboardInterrupt):  # a lost interrupt is raised again later
            reported(report)

    for s in signals:
        signal.signal(s, interrupt)
    _pending.clear()
    sys.unraisablehook = unraisable
    try:
        yield
    finally:
        sys.unraisablehook = reported
        _pending.clear()
        for number, handler in previous.items():
            signal.signal(number, handler)
