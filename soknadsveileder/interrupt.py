"""Stopping: Ctrl-C, and the signals that mean the same (SIGTERM, SIGHUP).

A signal becomes `Stopped`, a KeyboardInterrupt, so every place that already saves what it
has on Ctrl-C (the guide's answers, the batch's complete lines) does so for a closed
terminal or a `kill` too. Only the exit code differs: 128 plus the signal's number.
"""

from __future__ import annotations

import errno
import signal
import sys


class Stopped(KeyboardInterrupt):
    """SIGTERM or SIGHUP, handled as Ctrl-C."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def exit_code(e: BaseException) -> int:
    """130 for Ctrl-C, 143 for SIGTERM, 129 for SIGHUP."""
    return 128 + (e.signum if isinstance(e, Stopped) else signal.SIGINT)


_held = False


def handler(signum: int, frame: object) -> None:
    """The handler for SIGTERM and SIGHUP: stop as Ctrl-C does, unless already stopping."""
    if not _held:
        raise Stopped(signum)


def hold() -> None:
    """From now on the program is stopping, saving what it has: a second signal (a closed
    terminal sends SIGHUP just as its reads fail) must not cut the saving short."""
    global _held
    _held = True


def terminal_gone() -> bool:
    """Whether the terminal was closed under us (hung up): its settings can no longer be read.

    Reading a closed terminal gives end of input and writing it fails with EIO, often just
    before SIGHUP arrives; this tells that apart from Ctrl-D or a full disk.
    """
    try:
        import termios
    except ImportError:
        return False
    for stream in (sys.stdin, sys.stdout):
        try:
            termios.tcgetattr(stream.fileno())
        except termios.error as e:
            if e.args and e.args[0] == errno.EIO:
                return True
        except (OSError, ValueError):
            pass
    return False


def stop_code(e: BaseException) -> int | None:
    """The exit code for what stopped the program: a signal, Ctrl-C, or a closed terminal
    (129, like SIGHUP); None when `e` (an end of input, an I/O error) is not a stop."""
    if isinstance(e, KeyboardInterrupt):
        return exit_code(e)
    if isinstance(e, EOFError | OSError) and terminal_gone():
        return 128 + signal.SIGHUP
    return None
