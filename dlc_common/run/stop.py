# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""Stop requests: a signal asks the run to stop at its next safe point, never in mid-step.

SLURM sends SIGUSR1 before a time limit when asked (``--signal=B:USR1@300``) and SIGTERM on
preemption or ``scancel``; a person at a terminal presses Ctrl-C (SIGINT). Each of them only
*records* a request here. The training loop reads the request at fixed points (the end of an
epoch, the end of a seed) and, with several workers, agrees on it through a collective that
every worker calls at that same point, so that all of them stop after the same epoch. A
handler never changes what a worker does on its own: a flag that one worker sees and another
does not yet is what made workers leave a training all-reduce for a stop barrier.

The first Ctrl-C asks for a graceful stop (backup, exit 75, the same command resumes); a
second one aborts at once with the default action of SIGINT, without a traceback.

This module needs the standard library only: a command installs the handlers before it
imports TensorFlow or sets up a strategy, so a signal during start-up is not lost either.
"""

from __future__ import annotations

import contextlib
import functools
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Any, ParamSpec, TypeVar

__all__ = ["STOP_SIGNALS", "catch", "catching", "clear", "ignore_further", "requested"]

P = ParamSpec("P")
R = TypeVar("R")

STOP_SIGNALS = (signal.SIGTERM, signal.SIGUSR1, signal.SIGINT)


class _Requests:
    """The process's stop request and the handlers that record it (one per process)."""

    def __init__(self) -> None:
        self.signum: int | None = None
        self.depth = 0
        self.previous: dict[int, Any] = {}
        self.exiting = False

    def handle(self, signum: int, frame: Any) -> None:
        if self.signum is None:
            self.signum = signum
        if signum == signal.SIGINT:
            # The kernel's default action for the next Ctrl-C: it ends the process at once,
            # even inside a long TensorFlow op, where a Python handler would wait for the op.
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            print(
                "\ndlc: Ctrl-C: stopping after this epoch with a backup (the same command "
                "resumes); press Ctrl-C again to abort at once",
                file=sys.stderr,
                flush=True,
            )


_REQUESTS = _Requests()


def requested() -> int | None:
    """The signal that asked this process to stop, or None."""
    return _REQUESTS.signum


def clear() -> None:
    """Forget a stop request (a new run in the same process starts with none)."""
    _REQUESTS.signum = None


@contextlib.contextmanager
def catch(signals: Sequence[int] = STOP_SIGNALS) -> Iterator[None]:
    """Record stop signals instead of dying of them, inside the block; nests.

    The outermost block starts with no request and puts back the handlers there were before;
    an inner block (``fit`` inside a command that already catches) keeps the request that the
    outer one recorded, so a signal between two seeds still stops the run at the next seed.
    Off the main thread, where Python cannot install handlers, it records nothing.
    """
    main = threading.current_thread() is threading.main_thread()
    outermost = _REQUESTS.depth == 0
    if outermost:
        clear()
        if main:
            for signum in signals:
                _REQUESTS.previous[signum] = signal.signal(signum, _REQUESTS.handle)
    _REQUESTS.depth += 1
    try:
        yield
    finally:
        _REQUESTS.depth -= 1
        if outermost:
            if not _REQUESTS.exiting:  # else the process is on its way out with status 75
                for signum, handler in _REQUESTS.previous.items():
                    signal.signal(signum, handler)
            _REQUESTS.previous.clear()


def catching(function: Callable[P, R]) -> Callable[P, R]:
    """``function`` run inside ``catch()``."""

    @functools.wraps(function)
    def caught(*args: P.args, **kwargs: P.kwargs) -> R:
        with catch():
            return function(*args, **kwargs)

    return caught


def ignore_further() -> None:
    """Finish exiting with status 75 even if told to stop again: the backup is saved."""
    # srun ends a job step as soon as one task has exited with a non-zero status: the other
    # workers, still exiting, would die of its SIGTERM and report 143 instead of 75.
    if threading.current_thread() is threading.main_thread():
        _REQUESTS.exiting = True
        for signum in STOP_SIGNALS:
            signal.signal(signum, signal.SIG_IGN)
