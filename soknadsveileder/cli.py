"""The `soknad` command line: parses options, picks exit codes, prints errors. No rules here.

Exit codes: 0 ok, 1 invalid data, 2 usage error or unreadable input, 130 interrupted.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import json
import os
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, NoReturn, ParamSpec

import typer

# typer ships its own copy of click since 0.26 (hence the version floor in pyproject.toml).
# Its exceptions are the ones to catch when the app runs with standalone_mode=False.
from typer._click import exceptions as click
from typer.core import TyperCommand, TyperGroup

from . import __version__, engine
from .answers import AnswerError, parse_record, parse_text
from .files import FileProblem, os_problem, read_bytes, silence_stdout, write_atomic
from .model import AnswerValue, RuleBase
from .rules import ENV_VAR, RuleBaseError, load

P = ParamSpec("P")
EXIT_OK, EXIT_DATA, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


class _NorwegianHelp:
    """Gives the --help option a Norwegian text; click's own is English."""

    def get_help_option(self, ctx: Any) -> Any:
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help = "Vis denne hjelpen og avslutt."
        return option


class _Command(_NorwegianHelp, TyperCommand):
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
    _err(f"Feil: {message}" if code != EXIT_INTERRUPTED else message)
    if hint:
        _err(f"Tips: {hint}")
    raise typer.Exit(code)


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
        "--regler", envvar=ENV_VAR, help="Bruk et annet regelverk (YAML) enn det som følger med.", show_default=False
    ),
]
DateOption = Annotated[
    str | None,
    typer.Option(
        "--dato",
        callback=_check_date,
        help="Vurder per denne datoen (ÅÅÅÅ-MM-DD). Standard er i dag.",
        show_default=False,
    ),
]


def _today(value: str | None) -> dt.date:
    # The only place that reads the clock: the engine is always given a date.
    return dt.date.fromisoformat(value) if value else dt.date.today()


def _load(path: Path | None) -> RuleBase:
    try:
        return load(path)
    except RuleBaseError as e:
        unreadable = any(i.line == 0 for i in e.issues)
        for issue in e.issues:
            _err(str(issue))
        if not unreadable:
            _err(f"Fant {len(e.issues)} feil i regelverket. Rett dem og kjør «soknad valider».")
        raise typer.Exit(EXIT_USAGE if unreadable else EXIT_DATA) from None


def _err(message: str) -> None:
    typer.echo(message, err=True)


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


def _pipe_safe(command: Callable[P, None]) -> Callable[P, None]:
    """A closed stdout (`soknad ordninger | head`) ends the command quietly with exit 0."""

    @functools.wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> None:
        try:
            command(*args, **kwargs)
            sys.stdout.flush()
        except BrokenPipeError:
            silence_stdout()
            raise typer.Exit(EXIT_OK) from None

    return wrapper


# --- soknad ordninger ---------------------------------------------------------------------


def _filter_answer(rules: RuleBase, question_id: str, raw: str | None) -> dict[str, AnswerValue]:
    if raw is None:
        return {}
    try:
        question = rules.question(question_id)
    except KeyError:
        fail(f"Regelverket har ikke spørsmålet '{question_id}', så det kan ikke filtreres på det.", EXIT_USAGE)
    try:  # typed text, as at a prompt: --bransje industri,maritim
        return {question_id: parse_text(question, raw)}
    except ValueError as e:
        fail(f"--{question_id}: {e}", EXIT_USAGE)


@app.command(cls=_Command)
@_pipe_safe
def ordninger(
    ordning: Annotated[
        str | None, typer.Argument(help="Vis én ordning i sin helhet (id-en fra listen).", show_default=False)
    ] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Skriv JSON til stdout i stedet for en tabell.")] = False,
    bransje: Annotated[
        str | None,
        typer.Option(
            help="Vis bare ordninger som kan passe bransjen (flere med komma: industri,maritim).", show_default=False
        ),
    ] = None,
    behov: Annotated[
        str | None, typer.Option(help="Vis bare ordninger som kan passe dette utdanningsbehovet.", show_default=False)
    ] = None,
    regler: RulesOption = None,
    dato: DateOption = None,
) -> None:
    """Vis ordningene: hvem de er for, nivå, søker, midler igjen og frist."""
    today = _today(dato)
    rules = _load(regler)
    answers = {**_filter_answer(rules, "bransje", bransje), **_filter_answer(rules, "behov", behov)}
    schemes = engine.possible_schemes(rules, answers)
    if ordning is not None:
        ids = [s.id for s in rules.schemes]
        if ordning not in ids:
            close = difflib.get_close_matches(ordning, ids, n=1)
            hint = f"Mente du '{close[0]}'?" if close else "Kjente ordninger: " + ", ".join(ids)
            fail(f"Fant ingen ordning med id '{ordning}'.", EXIT_USAGE, hint)
        schemes = [rules.scheme(ordning)]
    if json_out:
        from .jsonout import scheme_json

        data: Any = [scheme_json(s, today) for s in schemes]
        typer.echo(json.dumps(data[0] if ordning else data, ensure_ascii=False, indent=2))
        return
    from . import render

    console = render.make_console()
    if ordning is not None:
        render.scheme_detail(console, rules, schemes[0], today)
    elif schemes:
        render.schemes_table(console, rules, schemes, today)
    else:
        console.print("Ingen ordninger passer filteret.")
    render.print_warnings(console, engine.rule_base_warnings(rules, today))


# --- soknad valider -----------------------------------------------------------------------


@app.command(cls=_Command)
@_pipe_safe
def valider(
    fil: Annotated[
        Path | None,
        typer.Argument(
            help="Regelverket som skal sjekkes. Standard: --regler, $SOKNAD_REGLER eller det som følger med.",
            show_default=False,
        ),
    ] = None,
    regler: RulesOption = None,
) -> None:
    """Sjekk et regelverk og vis alle feil med fil, linje og sti."""
    rules = _load(fil or regler)
    items = len(rules.checklist_items)
    typer.echo(
        f"{rules.path}: gyldig. {len(rules.questions)} spørsmål, {len(rules.schemes)} ordninger, "
        f"{items} sjekkpunkter (versjon {rules.version}, oppdatert {rules.updated.isoformat()})."
    )


# --- soknad veileder ----------------------------------------------------------------------


def _read_answers(path: Path, rules: RuleBase) -> dict[str, AnswerValue]:
    from .batch import loads

    try:
        data = read_bytes(path)
        value = loads(data.decode("utf-8-sig"))
    except FileProblem as e:
        fail(str(e), EXIT_USAGE)
    except UnicodeDecodeError:
        fail(f"{path}: filen er ikke gyldig UTF-8.", EXIT_DATA)
    except ValueError as e:
        fail(f"{path}: {e}", EXIT_DATA)
    saved = value.get("regelverk") if isinstance(value, dict) else None
    if isinstance(saved, dict) and saved.get("versjon") != rules.version:
        _err(f"Merk: svarene i {path} ble lagret med regelverk {saved.get('versjon')}; nå brukes {rules.version}.")
    try:
        return parse_record(rules, value)
    except AnswerError as e:
        lines = [f"{path}: {err.field + ': ' if err.field else ''}{err.message}" for err in e.errors]
        fail("\n".join(lines), EXIT_DATA)


def _answers_document(rules: RuleBase, today: dt.date, answers: dict[str, AnswerValue]) -> str:
    """A saved answer file: the answers plus the rule base and date they were given for."""
    document = {
        "regelverk": {"versjon": rules.version, "oppdatert": rules.updated.isoformat()},
        "dato": today.isoformat(),
        "svar": answers,
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _check_output_dir(path: Path | None, option: str) -> None:
    if path is not None and not path.parent.is_dir():
        fail(f"{option} {path}: mappen {path.parent} finnes ikke.", EXIT_USAGE)
    if path is not None and path.is_dir():
        fail(f"{option} {path}: dette er en mappe, ikke en fil.", EXIT_USAGE)


@app.command(cls=_Command)
@_pipe_safe
def veileder(
    svar: Annotated[
        Path | None,
        typer.Option("--svar", help="Les svar fra en JSON-fil; bare resten blir spurt om.", show_default=False),
    ] = None,
    lagre_svar: Annotated[
        Path | None,
        typer.Option("--lagre-svar", help="Lagre svarene som JSON (kan leses med --svar).", show_default=False),
    ] = None,
    sjekkliste: Annotated[
        Path | None,
        typer.Option("--sjekkliste", help="Skriv resultatet og sjekklisten som Markdown.", show_default=False),
    ] = None,
    regler: RulesOption = None,
    dato: DateOption = None,
) -> None:
    """Still spørsmål i terminalen og anbefal ordninger med begrunnelse og sjekkliste."""
    today = _today(dato)
    rules = _load(regler)
    _check_output_dir(lagre_svar, "--lagre-svar")
    _check_output_dir(sjekkliste, "--sjekkliste")
    given = _read_answers(svar, rules) if svar else {}
    terminal = sys.stdin.isatty() and sys.stdout.isatty()
    needs_prompt = engine.next_question(rules, given) is not None
    if not terminal and (needs_prompt or svar is None):
        fail(
            "soknad veileder trenger en terminal for å stille spørsmål.",
            EXIT_USAGE,
            "Gi alle svarene med --svar FIL, eller bruk «soknad sjekk» for JSON inn og ut.",
        )
    answers = given
    if terminal:
        from . import prompting  # questionary costs ~100 ms to import; only this path needs it

        try:
            answers = prompting.collect(rules, given)
        except prompting.Interrupted as stop:
            if lagre_svar is not None:
                _write(lagre_svar, _answers_document(rules, today, stop.answers), "Svarene så langt er lagret i")
            fail("Avbrutt.", EXIT_INTERRUPTED)
    from . import render
    from .markdown import result_markdown

    result = engine.evaluate(rules, answers, today)
    render.result_screen(render.make_console(), rules, result, answers)
    if lagre_svar is not None:
        _write(lagre_svar, _answers_document(rules, today, answers), "Svarene er lagret i")
    if sjekkliste is not None:
        _write(sjekkliste, result_markdown(rules, result, answers), "Resultatet og sjekklisten er skrevet til")


def _write(path: Path, text: str, done: str) -> None:
    try:
        write_atomic(path, text)
    except FileProblem as e:
        fail(str(e), EXIT_USAGE, "Ingenting ble skrevet; en eksisterende fil er uendret.")
    _err(f"{done} {path}.")


# --- soknad sjekk -------------------------------------------------------------------------


@app.command(cls=_Command)
@_pipe_safe
def sjekk(
    filer: Annotated[
        list[Path] | None,
        typer.Argument(help="JSON-filer med svar. Uten filer, eller med -, leses stdin.", show_default=False),
    ] = None,
    format: Annotated[str, typer.Option("--format", help="json (JSON Lines) eller tabell.")] = "json",
    fail_if_none: Annotated[
        bool, typer.Option("--fail-if-none", help="Avslutt med kode 1 også når ingen ordning passer en post.")
    ] = False,
    regler: RulesOption = None,
    dato: DateOption = None,
) -> None:
    """Vurder svar fra JSON (JSON Lines, ett objekt eller en liste) og skriv én JSON-linje per post."""
    from .checking import run_batch

    if format not in ("json", "tabell"):
        fail(f"--format: ukjent format '{format}'.", EXIT_USAGE, "Bruk json eller tabell.")
    today = _today(dato)
    rules = _load(regler)
    try:
        code = run_batch(rules, today, filer or [], format, fail_if_none)
    except FileProblem as e:
        fail(str(e), EXIT_USAGE)
    raise typer.Exit(code)


# --- soknad skjema ------------------------------------------------------------------------


@app.command(cls=_Command)
@_pipe_safe
def skjema(
    del_: Annotated[
        str | None,
        typer.Argument(
            metavar="[svar|resultat]", help="Vis bare skjemaet for svar eller for resultat.", show_default=False
        ),
    ] = None,
    regler: RulesOption = None,
) -> None:
    """Skriv JSON Schema for svarpostene og resultatlinjene til soknad sjekk."""
    from .schema import schemas

    rules = _load(regler)
    all_schemas = schemas(rules)
    if del_ is not None and del_ not in all_schemas:
        fail(f"Ukjent del '{del_}'.", EXIT_USAGE, "Bruk svar eller resultat.")
    typer.echo(json.dumps(all_schemas[del_] if del_ else all_schemas, ensure_ascii=False, indent=2))


# --- Entry point --------------------------------------------------------------------------

_CLICK_MESSAGES: list[tuple[str, Callable[[re.Match[str]], str]]] = [
    (
        r"^No such option: (.*?)(?: Did you mean (.*)\?)?$",
        lambda m: f"Ukjent valg: {m[1]}." + (f" Mente du {m[2]}?" if m[2] else ""),
    ),
    (r"^No such command '(.*)'\.$", lambda m: f"Ukjent kommando '{m[1]}'."),
    (r"^Missing argument '(.*)'\.$", lambda m: f"Mangler argumentet {m[1]}."),
    (r"^Option '(.*)' requires an argument\.$", lambda m: f"Valget {m[1]} trenger en verdi."),
    (r"^Got unexpected extra argument(?:s|\(s\))? \((.*)\)$", lambda m: f"Uventet argument: {m[1]}."),
    (r"^Invalid value for (.*?): (.*)$", lambda m: f"Ugyldig verdi for {m[1]}: {m[2]}"),
    (r"^Invalid value: (.*)$", lambda m: f"Ugyldig verdi: {m[1]}"),
]


def _translate(message: str) -> str:
    for pattern, build in _CLICK_MESSAGES:
        match = re.match(pattern, message, re.DOTALL)
        if match:
            return str(build(match))
    return message


def _exit(message: str, code: int, hint: str | None = None) -> NoReturn:
    try:
        fail(message, code, hint)
    except typer.Exit:
        sys.exit(code)


def main() -> None:
    """Run the CLI. A user never sees a traceback: every failure ends as a message."""
    try:
        code = app(standalone_mode=False, prog_name="soknad")
        sys.stdout.flush()
    except click.UsageError as e:
        if not e.format_message():  # `soknad` alone: the help text is already printed
            sys.exit(EXIT_USAGE)
        command = e.ctx.command_path if e.ctx else "soknad"
        _exit(_translate(e.format_message()), EXIT_USAGE, f"Se «{command} --help».")
    except (typer.Abort, KeyboardInterrupt):
        _exit("Avbrutt.", EXIT_INTERRUPTED)
    except BrokenPipeError:
        silence_stdout()  # the reader went away (`| head`): not an error
        sys.exit(EXIT_OK)
    except OSError as e:
        silence_stdout()
        _exit(f"Kunne ikke skrive utdata. {os_problem(Path('stdout'), e, writing=True).reason}", EXIT_USAGE)
    except FileProblem as e:
        _exit(str(e), EXIT_USAGE)
    except click.ClickException as e:
        _exit(e.format_message(), e.exit_code)
    except Exception as e:
        if os.environ.get("SOKNAD_DEBUG"):
            raise
        _exit(f"Uventet feil ({type(e).__name__}). Kjør med SOKNAD_DEBUG=1 for detaljer, og meld fra.", 70)
    sys.exit(code if isinstance(code, int) else EXIT_OK)
