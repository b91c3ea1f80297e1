"""Commands that assess companies: `veileder` (one, interactively) and `sjekk` (many)."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from .cli import (
    EXIT_DATA,
    EXIT_USAGE,
    Command,
    DateOption,
    RulesOption,
    app,
    complete_from,
    err,
    fail,
    load_rules,
    pipe_safe,
    today,
)
from .files import FileProblem, read_bytes, write_atomic
from .interrupt import exit_code

if TYPE_CHECKING:
    from .model import AnswerValue, RuleBase


# --- soknad veileder ----------------------------------------------------------------------


def _read_answers(path: Path, rules: RuleBase) -> dict[str, AnswerValue]:
    from .answers import AnswerError, parse_record
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
        err(f"Merk: svarene i {path} ble lagret med regelverk {saved.get('versjon')}; nå brukes {rules.version}.")
    try:
        return parse_record(rules, value)
    except AnswerError as e:
        lines = [f"{path}: {error.field + ': ' if error.field else ''}{error.message}" for error in e.errors]
        fail("\n".join(lines), EXIT_DATA)


def _answers_document(rules: RuleBase, when: dt.date, answers: dict[str, AnswerValue]) -> str:
    """A saved answer file: the answers plus the rule base and date they were given for."""
    document = {
        "regelverk": {"versjon": rules.version, "oppdatert": rules.updated.isoformat()},
        "dato": when.isoformat(),
        "svar": answers,
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _check_output_dir(path: Path | None, option: str) -> None:
    if path is not None and not path.parent.is_dir():
        fail(f"{option} {path}: mappen {path.parent} finnes ikke.", EXIT_USAGE)
    if path is not None and path.is_dir():
        fail(f"{option} {path}: dette er en mappe, ikke en fil.", EXIT_USAGE)


def _still_to_ask(rules: RuleBase, given: dict[str, AnswerValue]) -> list[str]:
    """The questions the guide would ask, in order, if each were answered «vet ikke»."""
    from . import engine

    answers = dict(given)
    asked = []
    while (question := engine.next_question(rules, answers)) is not None:
        asked.append(question.id)
        answers[question.id] = None
    return asked


def _write(path: Path, text: str, done: str) -> None:
    try:
        write_atomic(path, text)
    except FileProblem as e:
        fail(str(e), EXIT_USAGE, "Ingenting ble skrevet; en eksisterende fil er uendret.")
    err(f"{done} {path}.")


@app.command(cls=Command)
@pipe_safe
def veileder(
    svar: Annotated[
        Path | None,
        typer.Option(
            "--svar", metavar="FIL", help="Les svar fra en JSON-fil; bare resten blir spurt om.", show_default=False
        ),
    ] = None,
    lagre_svar: Annotated[
        Path | None,
        typer.Option(
            "--lagre-svar", metavar="FIL", help="Lagre svarene som JSON (kan leses med --svar).", show_default=False
        ),
    ] = None,
    sjekkliste: Annotated[
        Path | None,
        typer.Option(
            "--sjekkliste", metavar="FIL", help="Skriv resultatet og sjekklisten som Markdown.", show_default=False
        ),
    ] = None,
    regler: RulesOption = None,
    dato: DateOption = None,
) -> None:
    """Still spørsmål i terminalen og anbefal ordninger med begrunnelse og sjekkliste."""
    from . import engine

    when = today(dato)
    rules = load_rules(regler)
    _check_output_dir(lagre_svar, "--lagre-svar")
    _check_output_dir(sjekkliste, "--sjekkliste")
    given = _read_answers(svar, rules) if svar else {}
    terminal = sys.stdin.isatty() and sys.stdout.isatty()
    if not terminal:
        missing = _still_to_ask(rules, given)
        if svar is None:
            fail(
                "soknad veileder trenger en terminal for å stille spørsmål.",
                EXIT_USAGE,
                "Gi alle svarene med --svar FIL, eller bruk «soknad sjekk» for JSON inn og ut.",
            )
        if missing:
            fail(
                f"soknad veileder trenger en terminal for å spørre om det som mangler i {svar}: "
                + ", ".join(missing)
                + ".",
                EXIT_USAGE,
                "Legg svarene til i filen (null betyr «vet ikke»), eller kjør veilederen i en terminal.",
            )
    answers = given
    if terminal:
        from . import prompting  # questionary costs ~100 ms to import; only this path needs it

        try:
            answers = prompting.collect(rules, given)
        except prompting.Interrupted as stop:
            if lagre_svar is not None:
                _write(lagre_svar, _answers_document(rules, when, stop.answers), "Svarene så langt er lagret i")
            fail("Avbrutt.", exit_code(stop.cause))
    from . import render
    from .markdown import result_markdown

    result = engine.evaluate(rules, answers, when)
    render.result_screen(render.make_console(), rules, result, answers)
    if lagre_svar is not None:
        _write(lagre_svar, _answers_document(rules, when, answers), "Svarene er lagret i")
    if sjekkliste is not None:
        _write(sjekkliste, result_markdown(rules, result, answers), "Resultatet og sjekklisten er skrevet til")


# --- soknad sjekk -------------------------------------------------------------------------


@app.command(cls=Command)
@pipe_safe
def sjekk(
    filer: Annotated[
        list[Path] | None,
        typer.Argument(
            metavar="FIL", help="JSON-filer med svar. Uten filer, eller med -, leses stdin.", show_default=False
        ),
    ] = None,
    format: Annotated[
        str,
        typer.Option(
            "--format",
            metavar="[json|tabell]",
            help="json (JSON Lines) eller tabell.",
            autocompletion=complete_from(lambda ctx: ("json", "tabell")),
        ),
    ] = "json",
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
    when = today(dato)
    rules = load_rules(regler)
    try:
        code = run_batch(rules, when, filer or [], format, fail_if_none)
    except FileProblem as e:
        fail(str(e), EXIT_USAGE)
    raise typer.Exit(code)
