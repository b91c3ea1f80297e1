"""What every command shares: the app they register on, the options, and how they speak.

The commands live in `cmd_*.py` and import from here; `cli` imports them and runs the app.
So every import points down: cli → cmd_* → command. `fail` and `err` give one-line
Norwegian errors on stderr, `pipe_safe` ends a command quietly on a closed pipe and with the
right code when it is stopped. Nothing here knows any rules, and nothing heavy is imported
until a command needs it.
"""

import datetime as dt
import functools
import os
import re
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, ParamSpec

import typer
from typer.core import TyperCommand, TyperGroup

from . import interrupt
from .files import silence, silence_stdout

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


def earlier_rules(spec: str | None) -> "EarlierRules":
    """The rule base a saved answer file was written under, by version; None when not at hand.

    --tidligere-regelverk names it; otherwise a version this machine has used is found in the
    cache. Each version is looked up once.
    """
    return EarlierRules(read_rule_base(spec) if spec is not None else None)


class EarlierRules:
    """`earlier_rules`' lookup: an object, not a closure, so that it can go to the process
    that reads uploaded lists (`web.upload`)."""

    def __init__(self, given: "RuleBase | None") -> None:
        self.given = given
        self.found: dict[str, RuleBase | None] = {}

    def __call__(self, version: str) -> "RuleBase | None":
        from .rules import archived

        if self.given is not None and self.given.version == version:
            return self.given
        if version not in self.found:
            self.found[version] = archived(version)
        return self.found[version]


def read_rule_base(spec: str) -> "RuleBase":
    """A rule base from a file, or from git as REV:sti. Any problem is exit 2, as `diff` does."""
    from .problems import RuleBaseError
    from .rules import load_spec

    try:
        return load_spec(spec)
    except RuleBaseError as e:
        for issue in e.issues:
            err(str(issue))
        fail(
            "Regelverket kan ikke leses, så det kan ikke sammenlignes.",
            EXIT_USAGE,
            "En git-revisjon skrives REV:sti, som HEAD:data/schemes.yaml; en fil kan sjekkes med «soknad valider».",
        )


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
        err(f"Feil: {issue}" if issue.line == 0 else str(issue))  # «Feil:» as for any file not read
        if issue.excerpt:
            err(issue.excerpt)
    if not unreadable:
        them = "den" if len(e.issues) == 1 else "dem"
        err(f"Fant {len(e.issues)} feil i regelverket. Rett {them} og kjør «soknad valider».")
    raise typer.Exit(EXIT_USAGE if unreadable else EXIT_DATA) from None


def load_maintained(path: Path | None) -> "RuleBase":
    """The rule base for a maintainer's command (`valider`, `kilder`, `graf`): the file given,
    or else the checkout's data/schemes.yaml when it has been edited, as `valider` does. A
    maintainer in the middle of the yearly update means the file being edited."""
    from .rules import edited_checkout_file

    if path is None:
        edited = edited_checkout_file(Path.cwd())
        if edited is not None:
            err(f"Merk: {edited} er endret; bruker den, ikke regelverket som ble installert.")
            return load_rules(edited, quiet=True)
    return load_rules(path)


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
