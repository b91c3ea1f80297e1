"""Start-up cost of `soknad ordninger --json`, against two baselines.

The baselines are importing typer, rich and yaml, and a two-command typer app that prints
``[]`` (building a typer app imports more of typer, pydantic included, than the import).

    python bench/bench_oppstart.py [--runs 20]

Prints the median wall time of each over --runs runs, the difference, and whether the
command imported questionary or prompt_toolkit (it must not: only `veileder` prompts).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

COMMAND = [sys.executable, "-m", "soknadsveileder", "ordninger", "--json"]
BASELINE = [sys.executable, "-c", "import typer, rich.console, yaml"]
TYPER_APP = [
    sys.executable,
    "-c",
    "import typer, rich.console, yaml\n"
    "app = typer.Typer()\n"
    "@app.command()\ndef a(x: int = 0) -> None:\n    print('[]')\n"
    "@app.command()\ndef b() -> None:\n    pass\n"
    "app(['a'])\n",
]
PROBE = (
    "import runpy, sys\n"
    "sys.argv = ['soknad', 'ordninger', '--json']\n"
    "try:\n    runpy.run_module('soknadsveileder', run_name='__main__')\n"
    "except SystemExit:\n    pass\n"
    "print(sorted(m for m in ('questionary', 'prompt_toolkit') if m in sys.modules), file=sys.stderr)\n"
)


def median_seconds(command: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    os.environ["PYTHONPATH"] = str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")
    median_seconds(COMMAND, 2)  # warm the page cache and the bytecode cache
    command = median_seconds(COMMAND, args.runs)
    baseline = median_seconds(BASELINE, args.runs)
    typer_app = median_seconds(TYPER_APP, args.runs)
    imported = subprocess.run(
        [sys.executable, "-c", PROBE], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=True
    ).stderr.strip()
    print(f"soknad ordninger --json: {command * 1000:.0f} ms (median av {args.runs})")
    print(f"import typer, rich, yaml: {baseline * 1000:.0f} ms")
    print(f"en typer-app med to kommandoer: {typer_app * 1000:.0f} ms")
    print(f"forskjell mot typer-appen: {(command - typer_app) * 1000:.0f} ms")
    print(f"questionary/prompt_toolkit importert: {imported}")


if __name__ == "__main__":
    main()
