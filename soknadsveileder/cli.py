"""The `soknad` command line: the app, its shared options, and the entry point.

The commands live in `cmd_*.py`; this module gives them the app to register on, the options
they share, and `fail` for one-line Norwegian errors. Nothing here knows any rules, and
nothing heavy is imported until a command needs it, so `soknad --version` and `--help` start
about as fast as typer itself.

Exit codes: 0 ok, 1 invalid data (or, for `endringer`, a difference), 2 usage error or
unreadable input, 70 a bug, 129/130/143 stopped by SIGHUP, Ctrl-C or SIGTERM.
"""

import datetime as dt
import functools
import os
import re
import signal
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, ParamSpec

import typer

# typer ships its own copy of click since 0.26 (hence the version floor in pyproject.toml).
# Its exceptions are the ones to catch when the app runs with standalone_mode=False.
from typer._click import exceptions as click
from typer.core import TyperCommand, TyperGroup

from . import __version__, interrupt
from .answers import close_match
from .files import FileProblem, os_problem, silence, silence_stdout
from .interrupt import exit_code

if TYPE_CHECKING:
    from .model import RuleBase
    from .problems import RuleBaseError

P = ParamSpec("P")
EXIT_OK, EXIT_DATA, EXIT_USAGE, EXIT_BUG, EXIT_INTERRUPTED = 0, 1, 2, 70, 130
ENV_VAR = "SOKNAD_REGLER"


class _NorwegianHelp:
    """Help in Norwegian: the --help option's own text, and the whole page (`helptext`)."""

    def get_help_option(self, ctx: Any) -> Any:
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help = "Vis denne hjelpen og avslutt."
        return option

    def format_help(self, ctx: Any, formatter: Any) -> None:
        from .helptext import format_help

        format_help(self, ctx, formatter, _answer_values)  # type: ignore[arg-type]


class Command(_NorwegianHelp, TyperCommand):
    pass


class _Group(_NorwegianHelp, TyperGroup):
    pass


app = typer.Typer(
    name="soknad",
    cls=_Group,
    help="Søkeveileder for offentlig finansiert kompetanseutvikling i industri, bygg og maritim sektor.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def fail(message: str, code: int, hint: str | None = None) -> NoReturn:
    """Stop with a one-line message (and a hint) on stderr and an exit code."""
    err(f"Feil: {message}" if code < 128 else message)  # stopped (129, 130, 143): not an error
    if hint:
        err(f"Tips: {hint}")
    raise typer.Exit(code)


def err(message: str) -> None:
    """A line on stderr. On a terminal it wraps between words, never inside one: a terminal
    would break «meld fra» as «meld fr|a». Piped, it stays one line per line, for grep."""
    if sys.stderr.isatty():
        import shutil
        import textwrap

        width = max(20, shutil.get_terminal_size().columns - 1)
        message = "\n".join(
            textwrap.fill(
                line,
                width,
                subsequent_indent=line[: len(line) - len(line.lstrip())],
                break_long_words=False,
                break_on_hyphens=False,
            )
            if len(line) > width
            else line
            for line in message.split("\n")
        )
    try:
        typer.echo(message, err=True)
    except OSError:  # a terminal that was closed: nobody left to tell
        silence(sys.stderr)


def warn(warnings: Iterable[str]) -> None:
    """Warnings for JSON outputs go to stderr, so stdout stays pure JSON."""
    for w in warnings:
        err(f"Advarsel: {w}")


# --- Shared options -----------------------------------------------------------------------


def _check_date(value: str | None) -> str | None:
    """Validate --dato while options are parsed, so a bad date is a usage error (exit 2)."""
    if value is not None:
        try:
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
                raise ValueError
            dt.date.fromisoformat(value)
        except ValueError:
            raise typer.BadParameter(
                f"'{value}' er ikke en gyldig dato. Bruk formen ÅÅÅÅ-MM-DD, for eksempel 2021-09-01."
            ) from None
    return value


RulesOption = Annotated[
    Path | None,
    typer.Option(
        "--regler",
        envvar=ENV_VAR,
        metavar="FIL",
        help="Bruk et annet regelverk (YAML) enn det som følger med.",
        show_default=False,
    ),
]
DateOption = Annotated[
    str | None,
    typer.Option(
        "--dato",
        callback=_check_date,
        metavar="ÅÅÅÅ-MM-DD",
        help="Vurder per denne datoen. Standard er i dag.",
        show_default=False,
    ),
]


EarlierRulesOption = Annotated[
    str | None,
    typer.Option(
        "--tidligere-regelverk",
        metavar="KILDE",
        help="Regelverket lagrede svar ble gitt under (en fil, eller REV:sti i git), for å vise hva som er "
        "endret siden. Standard: en versjon denne maskinen har brukt før.",
        show_default=False,
    ),
]


def earlier_rules(spec: str | None) -> "Callable[[str], RuleBase | None]":
    """The rule base a saved answer file was written under, by version; None when not at hand.

    --tidligere-regelverk names it; otherwise a version this machine has used is found in the
    cache. Each version is looked up once.
    """
    from .rules import archived

    given = None
    if spec is not None:
        from .cmd_regelverk import read_rule_base

        given = read_rule_base(spec)
    found: dict[str, RuleBase | None] = {}

    def lookup(version: str) -> "RuleBase | None":
        if given is not None and given.version == version:
            return given
        if version not in found:
            found[version] = archived(version)
        return found[version]

    return lookup


def today(value: str | None) -> dt.date:
    # The only place that reads the clock: the engine is always given a date.
    return dt.date.fromisoformat(value) if value else dt.date.today()


def load_rules(path: Path | None, *, quiet: bool = False) -> "RuleBase":
    """Load the rule base, or stop with every issue on stderr (exit 1, or 2 if unreadable).

    Without --regler, a maintainer working in a checkout is told when the file they edit
    is not the one in use (an installed copy), unless `quiet`.
    """
    from .rules import RuleBaseError, load

    if path is None and not quiet:
        note_edited_checkout()
    try:
        return load(path)
    except RuleBaseError as e:
        rule_base_failed(e)


def rule_base_failed(e: "RuleBaseError") -> NoReturn:
    """Every issue on stderr; exit 1 for an invalid rule base, 2 for one that cannot be read."""
    unreadable = any(i.line == 0 for i in e.issues)
    for issue in e.issues:
        err(str(issue))
        if issue.excerpt:
            err(issue.excerpt)
    if not unreadable:
        them = "den" if len(e.issues) == 1 else "dem"
        err(f"Fant {len(e.issues)} feil i regelverket. Rett {them} og kjør «soknad valider».")
    raise typer.Exit(EXIT_USAGE if unreadable else EXIT_DATA) from None


def note_edited_checkout() -> Path | None:
    """Warn when the checkout's data/schemes.yaml differs from the rule base in use.

    Returns the checkout file when it differs, so `valider` can check it instead.
    """
    from .rules import bundled_path, edited_checkout_file

    edited = edited_checkout_file(Path.cwd())
    if edited is not None:
        err(
            f"Merk: {edited} er endret, men soknad bruker regelverket som ble installert: "
            f"{bundled_path()}. Bruk --regler {edited}, eller installer på nytt (pip install .)."
        )
    return edited


def _answer_values() -> dict[str, list[str]]:
    """The allowed values of --bransje and --behov, from the bundled rule base."""
    from .rules import RuleBaseError, load

    try:
        rules = load(None)
    except RuleBaseError:
        return {}
    return {q.id: [c.value for c in q.choices] for q in rules.questions if q.id in ("bransje", "behov")}


def pipe_safe(command: Callable[P, None]) -> Callable[P, None]:
    """A closed stdout (`soknad ordninger | head`) ends the command quietly with exit 0.

    And a stop ends it with «Avbrutt.» and the code that says which: 130 for Ctrl-C, 143 for
    SIGTERM, 129 for SIGHUP or a terminal that was closed. This must happen here, inside the
    command: typer turns a KeyboardInterrupt into a silent exit 130 and an end of input into
    Abort, and the difference would be lost.
    """

    @functools.wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> None:
        try:
            command(*args, **kwargs)
            sys.stdout.flush()
        except BrokenPipeError:
            silence_stdout()
            raise typer.Exit(EXIT_OK) from None
        except (KeyboardInterrupt, EOFError, OSError) as e:
            code = interrupt.stop_code(e)
            if code is None:
                raise
            interrupt.hold()
            fail("Avbrutt.", code)

    return wrapper


# --- Completion ---------------------------------------------------------------------------


def complete_from(values: Callable[[typer.Context], Iterable[str]]) -> Callable[[typer.Context, str], list[str]]:
    """A typer completion callback: the values that start with what is typed so far."""

    def complete(ctx: typer.Context, incomplete: str) -> list[str]:
        # Several values with commas («--bransje industri,m»): complete the last one.
        done, comma, last = incomplete.rpartition(",")
        try:
            chosen = {part.strip() for part in done.split(",")} if comma else set()
            return [done + comma + v for v in values(ctx) if v.startswith(last) and v not in chosen]
        except Exception:  # a broken rule base must not break the user's shell
            return []

    return complete


def rules_for_completion(ctx: typer.Context) -> "RuleBase":
    from .rules import load

    path = ctx.params.get("regler") or os.environ.get(ENV_VAR)
    return load(Path(path) if path else None)


def answer_values(question_id: str) -> Callable[[typer.Context], list[str]]:
    def values(ctx: typer.Context) -> list[str]:
        question = rules_for_completion(ctx).question(question_id)
        return [c.value for c in question.choices]

    return values


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


# The commands register themselves on `app`; imported last, as they import from here.
from . import cmd_info, cmd_regelverk, cmd_run  # noqa: E402, F401
