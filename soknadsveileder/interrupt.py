"""Stopping: Ctrl-C, and the signals that mean the same (SIGTERM, SIGHUP).

A signal becomes `Stopped`, a KeyboardInterrupt, so every place that already saves what it
has on Ctrl-C (the guide's answers, the batch's complete lines) does so for a closed
terminal or a `kill` too. Only the exit code differs: 128 plus the signal's number.
"""

from __future__ import annotations

import signal


class Stopped(KeyboardInterrupt):
    """SIGTERM or SIGHUP, handled as Ctrl-C."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def exit_code(e: BaseException) -> int:
    """130 for Ctrl-C, 143 for SIGTERM, 129 for SIGHUP."""
    return 128 + (e.signum if isinstance(e, Stopped) else signal.SIGINT)
