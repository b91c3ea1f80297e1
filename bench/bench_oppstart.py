"""Start-up cost of `soknad ordninger --json` and `soknad --version`, against baselines.

    python bench/bench_oppstart.py [--runs 20]

Baselines, in the same interpreter and venv:
- a two-command typer app that prints ``[]`` (building a typer app imports more of typer,
  pydantic included, than importing it does);
- ``python -c 'import typer'``, for `--version`.

Prints the median wall time of each over --runs runs and the ratios (targets: 1.15 for
`ordninger --json` against the typer app; `--version` close to importing typer), and
whether the command imported questionary, prompt_toolkit or rich (only `veileder` may
prompt; JSON needs no rich).

Bytecode is compiled first and written, as it is after `pip install`: a shell with
PYTHONDONTWRITEBYTECODE=1 would otherwise compile every module on every run.
"""

from __future__ import annotations

import argparse
import compileall
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

ORDNINGER = [sys.executable, "-m", "soknadsveileder", "ordninger", "--json", "--dato", "2021-09-01"]
VERSION = [sys.executable, "-m", "soknadsveileder", "--version"]
IMPORT_TYPER = [sys.executable, "-c", "import typer"]
TYPER_APP = [
    sys.executable,
    "-c",
    "import typer\n"
    "app = typer.Typer()\n"
    "@app.command()\ndef a(x: int = 0) -> None:\n    print('[]')\n"
    "@app.command()\ndef b() -> None:\n    pass\n"
    "app(['a'])\n",
]
PROBE = (
    "import runpy, sys\n"
    "sys.argv = ['soknad', 'ordninger', '--json', '--dato', '2021-09-01']\n"
    "try:\n    runpy.run_module('soknadsveileder', run_name='__main__')\n"
    "except SystemExit:\n    pass\n"
    "print(sorted(m for m in ('questionary', 'prompt_toolkit', 'rich') if m in sys.modules), file=sys.stderr)\n"
)


def seconds(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - started


def medians(commands: list[list[str]], runs: int) -> list[float]:
    """Median wall time of each command, the commands taking turns run by run, so that a
    busy moment on the machine falls on all of them alike."""
    times: list[list[float]] = [[] for _ in commands]
    for _ in range(runs):
        for i, command in enumerate(commands):
            times[i].append(seconds(command))
    return [statistics.median(t) for t in times]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    os.environ["PYTHONPATH"] = str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")
    compileall.compile_dir(ROOT / "soknadsveileder", quiet=1)
    commands = [ORDNINGER, TYPER_APP, VERSION, IMPORT_TYPER]
    medians(commands, 2)  # warm the page cache, the bytecode and the rule-base cache
    ordninger, typer_app, version, import_typer = medians(commands, args.runs)
    imported = subprocess.run(
        [sys.executable, "-c", PROBE], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=True
    ).stderr.strip()
    print(f"soknad ordninger --json:        {ordninger * 1000:4.0f} ms (median av {args.runs})")
    print(f"en typer-app med to kommandoer: {typer_app * 1000:4.0f} ms")
    print(f"  forhold: {ordninger / typer_app:.2f} (mål ≤ 1,15)")
    print(f"soknad --version:               {version * 1000:4.0f} ms")
    print(f"python -c 'import typer':       {import_typer * 1000:4.0f} ms")
    print(f"  forhold: {version / import_typer:.2f}")
    print(f"importert av ordninger --json: {imported} (skal være [])")


if __name__ == "__main__":
    main()
