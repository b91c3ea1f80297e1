"""Fixtures: the bundled rule base, and the CLI in-process through typer's CliRunner."""

from __future__ import annotations

import atexit
import os
import shutil
import signal
import tempfile
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import settings
from typer.testing import CliRunner

from soknadsveileder.cli import app
from soknadsveileder.model import RuleBase
from soknadsveileder.rules import load

# The property tests check answers, not speed: a run on a loaded two-core machine (CI, or
# mutmut alongside) must not fail because one example took longer than 200 ms.
settings.register_profile("soknad", deadline=None)
settings.load_profile("soknad")

# prompt_toolkit asks a real terminal for the cursor position; pipes and ptys in tests
# never answer, so switch the question off for every prompt the tests drive.
os.environ["PROMPT_TOOLKIT_NO_CPR"] = "1"
# Started in the background (`pytest &` in a script, CI runners, nohup), the test run itself
# ignores SIGINT, and SIGHUP under nohup, and every process it starts inherits that: the
# tests of Ctrl-C and of a closed terminal then fail for every change. A signal that is
# handled, not ignored, is reset to its default at exec, so handling them here gives every
# child the dispositions a user's terminal gives it (issue 23 §6; see docs/utvikling.md).
if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)
for _name in ("SIGHUP", "SIGTERM"):
    _number = getattr(signal, _name, None)
    if _number is not None and signal.getsignal(_number) == signal.SIG_IGN:
        signal.signal(_number, signal.SIG_DFL)
# The rule-base cache goes to a folder of the test run, not the user's home; every
# subprocess inherits it, so the CLI runs exercise the cache as users do.
os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="soknad-test-cache-")
atexit.register(shutil.rmtree, os.environ["XDG_CACHE_HOME"], ignore_errors=True)


@pytest.fixture(scope="session")
def rules() -> RuleBase:
    return load()


@pytest.fixture(params=["prosess", "cliRunner"])
def run(request: pytest.FixtureRequest) -> Callable[..., Any]:
    """`soknad` both ways: as a real subprocess, and in-process through CliRunner."""
    from .helpers import soknad, soknad_in_process

    return soknad if request.param == "prosess" else soknad_in_process


@pytest.fixture
def cli() -> Callable[..., Any]:
    """Invoke the typer app in-process with CliRunner; returns the click Result."""
    runner = CliRunner()

    def invoke(*args: str, input: str | bytes | None = None, env: dict[str, str | None] | None = None) -> Any:
        return runner.invoke(app, list(args), input=input, env={"SOKNAD_REGLER": None, **(env or {})})

    return invoke
