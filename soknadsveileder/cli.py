"""The `soknad` command line: the entry point, and the commands about the program itself.

The commands that do the work live in `cmd_*.py`, on the app from `command`; this module
imports them, adds `help` and `fullforing`, and runs the app so that a user never sees a
traceback. Nothing heavy is imported until a command needs it, so `soknad --version` and
`--help` start about as fast as typer itself.

Exit codes: 0 ok, 1 invalid data (or, for `endringer`, a difference), 2 usage error or
unreadable input, 70 a bug, 129/130/143 stopped by SIGHUP, Ctrl-C or SIGTERM.
"""

import os
import re
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, NoReturn

import typer

# typer ships its own copy of click since 0.26 (hence the version floor in pyproject.toml).
# Its exceptions are the ones to catch when the app runs with standalone_mode=False.
from typer._click import exceptions as click

from . import __version__, cmd_info, cmd_regelverk, cmd_run, cmd_web, interrupt  # noqa: F401  (each registers its commands on `app`)
from .answers import close_match
from .command import (
    EXIT_BUG,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_USAGE,
    Command,
    app,
    complete_from,
    fail,
)
from .files import FileProblem, os_problem, silence, silence_stdout
from .interrupt import exit_code

# --- soknad --version, help, fullføring ---------------------------------------------------


def _version(value: bool) -> None:
    if value:
        typer.echo(f"soknad {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Vis versjonen og avslutt.")
    ] = False,
) -> None:
    """Søkeveileder for offentlig finansiert kompetanseutvikling i industri, bygg og maritim sektor."""


def _command_names(ctx: typer.Context) -> list[str]:
    root = ctx.find_root()
    return list(root.command.list_commands(root))  # type: ignore[attr-defined]


@app.command("help", cls=Command)
def help_(
    ctx: typer.Context,
    kommando: Annotated[
        str | None,
        typer.Argument(
            metavar="KOMMANDO",
            help="Kommandoen du vil se hjelpen til.",
            show_default=False,
            autocompletion=complete_from(_command_names),
        ),
    ] = None,
) -> None:
    """Vis hjelpen til soknad eller til én kommando."""
    root = ctx.find_root()
    if kommando is None:
        typer.echo(root.get_help())
        return
    group = root.command
    command = group.get_command(root, kommando)  # type: ignore[attr-defined]
    if command is None:
        names = _command_names(ctx)
        close = close_match(kommando, names)
        hint = f"Mente du '{close}'?" if close else "Kommandoene: " + ", ".join(names)
        fail(f"Ukjent kommando '{kommando}'.", EXIT_USAGE, hint)
    sub = typer.Context(command, info_name=kommando, parent=root)
    typer.echo(command.get_help(sub))


SHELLS = ("bash", "zsh", "fish")


@app.command("fullforing", cls=Command)
def fullforing(
    skall: Annotated[
        str,
        typer.Argument(
            metavar="SKALL",
            help="bash, zsh eller fish.",
            show_default=False,
            autocompletion=complete_from(lambda ctx: SHELLS),
        ),
    ],
) -> None:
    """Skriv skriptet som gir tab-fullføring i skallet.

    \b
    Slik installerer du det, og start et nytt skall etterpå:
      bash (krever pakken bash-completion):
        mkdir -p ~/.local/share/bash-completion/completions
        soknad fullforing bash > ~/.local/share/bash-completion/completions/soknad
      zsh:
        mkdir -p ~/.zfunc && soknad fullforing zsh > ~/.zfunc/_soknad
        og i ~/.zshrc, før compinit: fpath=(~/.zfunc $fpath)
      fish:
        mkdir -p ~/.config/fish/completions
        soknad fullforing fish > ~/.config/fish/completions/soknad.fish
    """
    from typer._completion_shared import get_completion_script

    if skall not in SHELLS:
        fail(f"Ukjent skall '{skall}'.", EXIT_USAGE, "Bruk bash, zsh eller fish.")
    typer.echo(get_completion_script(prog_name="soknad", complete_var="_SOKNAD_COMPLETE", shell=skall))


# --- Entry point --------------------------------------------------------------------------

_CLICK_MESSAGES: list[tuple[str, Callable[[re.Match[str]], str]]] = [
    (r"^No such option: (\S*)(?: \(Possible options: (.*)\))?$", lambda m: _no_such_option(m[1], m[2])),
    (
        r"^No such command '(.*)'\.(?: Did you mean '(.*)'\?)?$",
        lambda m: f"Ukjent kommando '{m[1]}'." + (f" Mente du '{m[2]}'?" if m[2] else ""),
    ),
    (r"^Missing command\.$", lambda m: "Mangler kommando."),
    (r"^Missing argument '(.*)'\.(?: (.*))?$", lambda m: f"Mangler argumentet {m[1]}."),
    (r"^Missing parameter: (.*)$", lambda m: f"Mangler {m[1]}."),
    (r"^Option '(.*)' requires an argument\.$", lambda m: f"Valget {m[1]} trenger en verdi."),
    (r"^Option '(.*)' requires (\d+) arguments\.$", lambda m: f"Valget {m[1]} trenger {m[2]} verdier."),
    (r"^Option '(.*)' does not take a value\.$", lambda m: f"Valget {m[1]} tar ingen verdi."),
    (r"^Got unexpected extra argument(?:s|\(s\))? \((.*)\)$", lambda m: f"Uventet argument: {m[1]}."),
    (r"^Invalid value for (.*?): (.*)$", lambda m: f"Ugyldig verdi for {m[1]}: {_translate(m[2])}"),
    (r"^Invalid value: (.*)$", lambda m: f"Ugyldig verdi: {_translate(m[1])}"),
    (r"^Value (.*) is not a valid (.*)\.$", lambda m: f"{m[1]} er ikke et gyldig {m[2]}."),
]


def _no_such_option(option: str, possible: str | None) -> str:
    text = f"Ukjent valg: {option}."
    if possible:
        close = close_match(option, [p.strip() for p in possible.split(",")])
        text += f" Mente du {close}?" if close else f" Mulige valg: {possible}."
    return text


def _translate(message: str) -> str:
    for pattern, build in _CLICK_MESSAGES:
        match = re.match(pattern, message, re.DOTALL)
        if match:
            return str(build(match))
    return message


def _command_path(e: click.UsageError) -> str:
    """The command whose help answers a usage error: `soknad sjekk`, not just `soknad`.

    The parser raises some errors (an option without its value) before a context exists;
    then the command is the first word on the command line that names one.
    """
    if e.ctx is not None and e.ctx.parent is not None:
        return e.ctx.command_path
    names = set(typer.main.get_command(app).list_commands(None))  # type: ignore[attr-defined]
    words = [w for w in sys.argv[1:] if not w.startswith("-")]
    return f"soknad {words[0]}" if words and words[0] in names else "soknad"


def _exit(message: str, code: int, hint: str | None = None) -> NoReturn:
    try:
        fail(message, code, hint)
    except typer.Exit:
        _leave(code)


def _prepare_streams() -> None:
    """A terminal or pipe that cannot show æøå gets a replacement character, never a crash."""
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
        if encoding != "utf8" and hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")


def _complete_in_shell() -> None:
    """Answer a completion request from the shell script of `soknad fullforing`."""
    if os.environ.get("_SOKNAD_COMPLETE"):
        from typer._completion_classes import completion_init

        completion_init()


def main() -> None:
    """Run the CLI. A user never sees a traceback: every failure ends as a message."""
    _prepare_streams()
    _complete_in_shell()
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, interrupt.handler)
    try:
        code = app(standalone_mode=False, prog_name="soknad")
        sys.stdout.flush()
    except click.NoArgsIsHelpError as e:  # `soknad` alone: the help, and a usage exit code
        typer.echo(e.format_message())
        sys.exit(EXIT_USAGE)
    except click.UsageError as e:
        if not e.format_message():
            sys.exit(EXIT_USAGE)
        _exit(_translate(e.format_message()), EXIT_USAGE, f"Se «{_command_path(e)} --help».")
    except KeyboardInterrupt as e:
        _exit("Avbrutt.", exit_code(e))
    except typer.Abort as e:
        # click turns Ctrl-C, a signal and an end of input into Abort; what it was decides the code
        _exit("Avbrutt.", interrupt.stop_code(e.__context__ or e) or EXIT_INTERRUPTED)
    except BrokenPipeError:
        silence_stdout()  # the reader went away (`| head`): not an error
        sys.exit(EXIT_OK)
    except OSError as e:
        if (code := interrupt.stop_code(e)) is not None:
            _exit("Avbrutt.", code)  # the terminal was closed while the result was shown
        silence_stdout()
        _exit(f"Kunne ikke skrive utdata. {os_problem(Path('stdout'), e, writing=True).reason}", EXIT_USAGE)
    except FileProblem as e:
        _exit(str(e), EXIT_USAGE)
    except click.ClickException as e:
        _exit(_translate(e.format_message()), e.exit_code)
    except Exception as e:
        if os.environ.get("SOKNAD_DEBUG"):
            raise
        _exit(f"Uventet feil ({type(e).__name__}). Kjør med SOKNAD_DEBUG=1 for detaljer, og meld fra.", EXIT_BUG)
    _leave(code if isinstance(code, int) else EXIT_OK)


def _leave(code: int) -> NoReturn:
    """Exit with `code`. Python flushes stdout and stderr on the way out, and if that fails
    (a closed terminal) it exits with 120 instead; a stream that cannot be flushed now is
    pointed at /dev/null first, so the exit code stays the one that says what happened."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            silence(stream)
    sys.exit(code)
