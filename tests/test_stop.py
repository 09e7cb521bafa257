# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""Stop requests (dlc_common.run.stop): a signal is recorded for the next safe point."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

from dlc_common.run import stop


def test_a_signal_inside_catch_is_recorded_and_the_handlers_come_back() -> None:
    before = {s: signal.getsignal(s) for s in stop.STOP_SIGNALS}
    with stop.catch():
        assert stop.requested() is None
        os.kill(os.getpid(), signal.SIGUSR1)  # would end the process outside catch()
        assert stop.requested() == signal.SIGUSR1
        os.kill(os.getpid(), signal.SIGTERM)
        assert stop.requested() == signal.SIGUSR1  # the first request is the one reported
    assert {s: signal.getsignal(s) for s in stop.STOP_SIGNALS} == before


def test_an_inner_catch_keeps_the_outer_request_and_a_new_outer_one_starts_clean() -> None:
    with stop.catch():
        os.kill(os.getpid(), signal.SIGTERM)  # between two seeds, say
        with stop.catch():  # fit of the next seed
            assert stop.requested() == signal.SIGTERM
        assert stop.requested() == signal.SIGTERM
    with stop.catch():
        assert stop.requested() is None


def test_catching_wraps_a_function() -> None:
    @stop.catching
    def train() -> int | None:
        os.kill(os.getpid(), signal.SIGUSR1)
        return stop.requested()

    assert train() == signal.SIGUSR1
    assert signal.getsignal(signal.SIGUSR1) is signal.SIG_DFL


def test_first_ctrl_c_asks_to_stop_and_the_second_ends_the_process_at_once() -> None:
    code = (
        "import os, signal, time\n"
        "from dlc_common.run import stop\n"
        "with stop.catch():\n"
        "    os.kill(os.getpid(), signal.SIGINT)\n"
        "    print('requested', stop.requested(), flush=True)\n"
        "    os.kill(os.getpid(), signal.SIGINT)\n"
        "    time.sleep(5)\n"
        "    print('still running', flush=True)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == -signal.SIGINT, result.stdout + result.stderr
    assert result.stdout == f"requested {int(signal.SIGINT)}\n"
    assert "Ctrl-C again to abort at once" in result.stderr
    assert "Traceback" not in result.stderr and "KeyboardInterrupt" not in result.stderr


def test_once_exiting_further_stop_signals_are_ignored_even_after_catch() -> None:
    code = (
        "import os, signal, sys\n"
        "from dlc_common.run import stop\n"
        "with stop.catch():\n"
        "    os.kill(os.getpid(), signal.SIGUSR1)\n"
        "    stop.ignore_further()\n"
        "os.kill(os.getpid(), signal.SIGTERM)  # srun ending the step while we exit\n"
        "os.kill(os.getpid(), signal.SIGUSR1)\n"
        "sys.exit(75)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 75, result.stderr
