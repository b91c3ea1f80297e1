"""Issue 23 §6, in part: a test run started in the background (SIGINT ignored, and SIGHUP
under nohup) gives the processes it starts the signals a user's terminal gives them, so the
tests of Ctrl-C and of a closed terminal fail only for the code (tests/conftest.py)."""

from __future__ import annotations

import signal
import subprocess
import sys

from .helpers import ROOT, subprocess_env

PROBE = (
    "import signal; print(signal.getsignal(signal.SIGINT) is signal.default_int_handler, "
    "signal.getsignal(signal.SIGHUP) == signal.SIG_DFL)"
)


def test_a_child_of_the_test_run_stops_on_ctrl_c_and_hangup():
    seen = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, env=subprocess_env())
    assert seen.stdout.split() == ["True", "True"]


def test_a_run_started_in_the_background_gives_its_children_a_terminals_signals():
    def as_in_the_background() -> None:  # `pytest &` in a script, and nohup
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGHUP, signal.SIG_IGN)

    inner = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
         f"{__file__}::test_a_child_of_the_test_run_stops_on_ctrl_c_and_hangup"],
        preexec_fn=as_in_the_background, cwd=ROOT, capture_output=True, text=True, timeout=120,
        env=subprocess_env(),
    )  # fmt: skip
    assert inner.returncode == 0, inner.stdout + inner.stderr
