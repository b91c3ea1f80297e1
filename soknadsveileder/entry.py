"""The `soknad` console script. `soknad --version` answers before typer is even imported."""

from __future__ import annotations

import sys

from . import __version__


def main() -> None:
    if sys.argv[1:] == ["--version"]:
        print(f"soknad {__version__}")
        return
    from .cli import main as cli_main

    cli_main()
