"""Helpers for the tests: paths, and the CLI as a real subprocess."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parent.parent
TESTS = ROOT / "tests"
MINIMAL = TESTS / "regler" / "minimal.yaml"

# The saved rule base is from 2021, so tests pass a date instead of trusting the clock.
OPEN_DATE = "2021-03-01"  # before every deadline, also the earliest maritime one (8 April)


def subprocess_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "SOKNAD_REGLER"}
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env["PROMPT_TOOLKIT_NO_CPR"] = "1"
    env["PYTHONIOENCODING"] = "utf-8"
    env.update(extra)
    return env


def soknad(
    *args: str, input: bytes | str | None = None, cwd: Path | None = None, timeout: float = 60, **env: str
) -> subprocess.CompletedProcess[str]:
    """Run `python -m soknadsveileder` as a real process, as a user's shell would."""
    data = input.encode() if isinstance(input, str) else input
    proc = subprocess.run(
        [sys.executable, "-m", "soknadsveileder", *args],
        input=data if data is not None else b"",
        capture_output=True,
        cwd=cwd or ROOT,
        env=subprocess_env(**env),
        timeout=timeout,
    )
    return subprocess.CompletedProcess(
        proc.args, proc.returncode, proc.stdout.decode("utf-8", "replace"), proc.stderr.decode("utf-8", "replace")
    )


def assert_no_traceback(text: str) -> None:
    assert "Traceback (most recent call last)" not in text, text


def shell(command: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """Run a bash command line (pipes, redirections) from the repository root."""
    return subprocess.run(
        command,
        shell=True,
        executable="/bin/bash",
        capture_output=True,
        text=True,
        env=subprocess_env(),
        cwd=ROOT,
        timeout=timeout,
    )


def soknad_in_process(
    *args: str, input: bytes | str | None = None, cwd: Path | None = None, **env: str
) -> subprocess.CompletedProcess[str]:
    """The same as `soknad`, through typer's CliRunner in this process: mutmut sees these runs."""
    import contextlib

    from typer.testing import CliRunner

    from soknadsveileder.cli import app

    with contextlib.chdir(cwd or ROOT):
        result = CliRunner().invoke(app, list(args), input=input, env={"SOKNAD_REGLER": None, **env})
    # The bytes as written: click's Result.stdout turns CRLF into LF, which the CSV tests check.
    stdout, stderr = (data.decode("utf-8", "replace") for data in (result.stdout_bytes, result.stderr_bytes))
    return subprocess.CompletedProcess(list(args), result.exit_code, stdout, stderr)


def stop_server(process: subprocess.Popen, log: IO[str]) -> str:
    """Ctrl-C to a server started by a test, as a person stops it (a kill if it hangs), and
    what it wrote to `log`, a temporary file that is closed here."""
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
    try:
        process.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
    log.seek(0)
    text = log.read()
    log.close()
    return text


def servers_left() -> list[str]:
    """`soknad web` processes this test run started and has not stopped: its children."""
    left = []
    me = str(os.getpid())
    for entry in Path("/proc").iterdir():
        try:
            if not entry.name.isdigit() or (entry / "stat").read_text().rsplit(")", 1)[1].split()[1] != me:
                continue
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except (OSError, IndexError):
            continue
        if "soknadsveileder web" in command:
            left.append(f"{entry.name}: {command}")
    return left
