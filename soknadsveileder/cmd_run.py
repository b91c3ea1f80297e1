"""Commands that assess companies: `veileder` (one, interactively) and `sjekk` (many)."""

import datetime as dt
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TextIO

import typer

from .command import (
    EXIT_DATA,
    EXIT_USAGE,
    Command,
    DateOption,
    EarlierRulesOption,
    RulesOption,
    app,
    complete_from,
    earlier_rules,
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
    from .saved import Saved
    from .tables import TableProblem


# --- soknad veileder ----------------------------------------------------------------------


def _read_answers(path: Path, rules: "RuleBase") -> "tuple[dict[str, AnswerValue], Saved | None]":
    from .answers import AnswerError, parse_record
    from .batch import loads
    from .saved import adapt

    try:
        data = read_bytes(path)
        value = loads(data.decode("utf-8-sig"))
    except FileProblem as e:
        fail(str(e), EXIT_USAGE)
    except UnicodeDecodeError:
        fail(f"{path}: filen er ikke gyldig UTF-8.", EXIT_DATA)
    except ValueError as e:
        fail(f"{path}: {e}", EXIT_DATA)
    record, saved = adapt(rules, value)
    if saved is not None:
        err(f"Merk: svarene i {path} ble lagret med regelverk {saved.version}; nå brukes {rules.version}.")
        for note in saved.notes:
            err(f"Merk: {note}")
    try:
        return parse_record(rules, record), saved
    except AnswerError as e:
        lines = [f"{path}: {error.field + ': ' if error.field else ''}{error.message}" for error in e.errors]
        fail("\n".join(lines), EXIT_DATA)


def _answers_document(rules: "RuleBase", when: dt.date, answers: "dict[str, AnswerValue]") -> str:
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


def _check_sheet_name(path: Path | None) -> None:
    """A table (`sjekk`, `mal`) is written as .xlsx or text; text in a file named .ods, .xls
    or .numbers would be a spreadsheet that nothing can open."""
    if path is not None and path.suffix.lower() in UNREADABLE_SHEETS:
        fail(
            f"-o {path}: {path.suffix}-filer kan ikke skrives.",
            EXIT_USAGE,
            "Bruk .xlsx eller .csv; LibreOffice, Numbers og Excel åpner begge.",
        )


def _check_not_an_input(output: Path | None, inputs: list[Path]) -> None:
    """-o must not be one of the files read: the result would replace the member list."""
    if output is None or not output.exists():
        return
    for path in inputs:
        try:
            same = path.exists() and output.samefile(path)
        except OSError:
            same = False
        if same:
            fail(
                f"-o {output} er den samme filen som leses inn ({path}); resultatet ville erstattet den.",
                EXIT_USAGE,
                "Skriv resultatet til en annen fil, for eksempel -o resultat.xlsx.",
            )


def _still_to_ask(rules: "RuleBase", given: "dict[str, AnswerValue]", when: "dt.date") -> list[str]:
    """The questions the guide would ask, in order, if each were answered «vet ikke»."""
    from . import engine

    answers = dict(given)
    asked = []
    while (question := engine.next_question(rules, answers, when)) is not None:
        asked.append(question.id)
        answers[question.id] = None
    return asked


def _write(path: Path, text: str | bytes, done: str, more: str = "") -> None:
    try:
        write_atomic(path, text)
    except FileProblem as e:
        fail(str(e), EXIT_USAGE, "Ingenting ble skrevet; en eksisterende fil er uendret.")
    err(f"{done} {path}.{more}")


ExcelOption = Annotated[
    bool, typer.Option("--excel", help="CSV slik norsk Excel vil ha den: semikolon, UTF-8 med BOM, CRLF.")
]


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
    tidligere_regelverk: EarlierRulesOption = None,
    regler: RulesOption = None,
    dato: DateOption = None,
) -> None:
    """Still spørsmål i terminalen og anbefal ordninger med begrunnelse og sjekkliste.

    Sendes utdata til en fil (soknad veileder > resultat.txt), stilles spørsmålene likevel i
    terminalen, og resultatet skrives til filen. Etter resultatet kan du lagre sjekklisten og
    svarene, hvis du ikke alt har gitt --sjekkliste og --lagre-svar.
    """

    when = today(dato)
    rules = load_rules(regler)
    _check_output_dir(lagre_svar, "--lagre-svar")
    _check_output_dir(sjekkliste, "--sjekkliste")
    given, saved = _read_answers(svar, rules) if svar else ({}, None)
    earlier = earlier_rules(tidligere_regelverk) if saved is not None else None
    screen = _screen()
    if screen is None:
        missing = _still_to_ask(rules, given, when)
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
        _result(rules, when, given, saved, earlier, lagre_svar, sjekkliste)
        return
    from . import prompting  # questionary costs ~100 ms to import; only this path needs it

    with prompting.on_screen(screen):
        try:
            answers = prompting.collect(rules, given, when)
        except prompting.Interrupted as stop:
            if lagre_svar is not None:
                _write(lagre_svar, _answers_document(rules, when, stop.answers), "Svarene så langt er lagret i")
            fail("Avbrutt.", exit_code(stop.cause))
        markdown = _result(rules, when, answers, saved, earlier, lagre_svar, sjekkliste)
        if screen is not sys.stdout:
            prompting.say("Resultatet er skrevet til utdata-filen, ikke til skjermen.")
        offers = [
            (sjekkliste, "resultatet og sjekklisten (Markdown)", f"sjekkliste-{when.isoformat()}.md", markdown),
            (lagre_svar, "svarene, så du kan endre dem senere", f"svar-{when.isoformat()}.json", None),
        ]
        for given_path, what, name, text in offers:
            if given_path is not None:
                continue
            path = prompting.offer_to_save(what, _free_name(Path(name)))
            if path is None:
                continue
            content = text if text is not None else _answers_document(rules, when, answers)
            hint = f"\nLes dem inn igjen med:\n  soknad veileder --svar {path}" if text is None else ""
            _write(path, content, "Lagret i", hint)


def _screen() -> "TextIO | None":
    """Where to ask: the terminal, as stdout or, when stdout goes to a file, opened by name.
    None without a terminal to type on."""
    if not sys.stdin.isatty():
        return None
    if sys.stdout.isatty():
        return sys.stdout
    try:
        return open("/dev/tty", "w", encoding="utf-8")
    except OSError:
        return None


def _free_name(path: Path) -> Path:
    """`path`, or with -2, -3 … before the extension, so a suggestion never replaces a file."""
    n = 2
    candidate = path
    while candidate.exists():
        candidate = path.with_name(f"{path.stem}-{n}{path.suffix}")
        n += 1
    return candidate


def _result(
    rules: "RuleBase",
    when: dt.date,
    answers: "dict[str, AnswerValue]",
    saved: "Saved | None",
    earlier: "Callable[[str], RuleBase | None] | None",
    lagre_svar: Path | None,
    sjekkliste: Path | None,
) -> str:
    """Show the result on stdout, write the files asked for; return the result as Markdown."""
    from . import engine, render
    from .markdown import result_markdown

    result = engine.evaluate(rules, answers, when)
    since = None
    if saved is not None and earlier is not None:
        from .saved import changed_since

        since = changed_since(saved, earlier(saved.version), rules, answers, when)
    render.result_screen(render.make_console(), rules, result, answers, since)
    sys.stdout.flush()
    markdown = result_markdown(rules, result, answers, since)
    if lagre_svar is not None:
        _write(lagre_svar, _answers_document(rules, when, answers), "Svarene er lagret i")
    if sjekkliste is not None:
        _write(sjekkliste, markdown, "Resultatet og sjekklisten er skrevet til")
    return markdown


# --- soknad sjekk -------------------------------------------------------------------------


FORMATS = ("json", "tabell", "csv", "xlsx")
BY_EXTENSION = {".xlsx": "xlsx", ".csv": "csv", ".jsonl": "json", ".json": "json"}
UNREADABLE_SHEETS = (".xls", ".ods", ".numbers")


def output_format(given: str | None, output: Path | None, excel: bool) -> str:
    """What `soknad sjekk` writes: --format, or what the -o file's name says, or what suits
    where the output goes. A --format that contradicts the file's name is a usage error, so a
    file called resultat.xlsx never holds JSON."""
    by_name = BY_EXTENSION.get(output.suffix.lower()) if output is not None else None
    if given is not None:
        if by_name is not None and by_name != given:
            fail(
                f"--format {given} passer ikke med -o {output}, som er en {output.suffix}-fil.",  # type: ignore[union-attr]
                EXIT_USAGE,
                f"Bruk --format {by_name}, eller gi filen en endelse som passer.",
            )
        return given
    if excel:
        return "csv"
    if by_name is not None:
        return by_name
    if output is None and sys.stdout.isatty():
        return "tabell"  # a person at a terminal: a table, not JSON Lines
    return "json"


def _check_row(value: str | None) -> str | None:
    """Validate --overskriftsrad while options are parsed: a usage error (exit 2) in words."""
    if value is not None and not (value.strip().isdigit() and 1 <= int(value) <= 1_000_000):
        raise typer.BadParameter(f"'{value}' er ikke et radnummer. Skriv nummeret på raden, fra 1 og oppover.")
    return value


@app.command(cls=Command)
@pipe_safe
def sjekk(
    filer: Annotated[
        list[Path] | None,
        typer.Argument(
            metavar="FIL",
            help="Filer med svar: JSON, CSV (.csv) eller Excel (.xlsx). Uten filer, eller med -, leses stdin.",
            show_default=False,
        ),
    ] = None,
    format: Annotated[
        str | None,
        typer.Option(
            "--format",
            metavar="[json|tabell|csv|xlsx]",
            help="json (JSON Lines), tabell for mennesker, csv, eller xlsx (Excel, med -o). Uten --format: "
            "etter filendelsen i -o (.xlsx, .csv, .jsonl/.json), csv med --excel, tabell på en terminal, "
            "ellers json.",
            show_default=False,
            autocompletion=complete_from(lambda ctx: FORMATS),
        ),
    ] = None,
    inndata: Annotated[
        str | None,
        typer.Option(
            "--inndata",
            metavar="[json|csv|xlsx]",
            help="Formatet på inndata når filendelsen ikke sier det, for eksempel på stdin.",
            show_default=False,
            autocompletion=complete_from(lambda ctx: ("json", "csv", "xlsx")),
        ),
    ] = None,
    ark: Annotated[
        str | None,
        typer.Option(
            "--ark",
            metavar="NAVN",
            help="Arket i Excel-filen. Uten --ark: det første, eller det eneste andre arket med en liste når det "
            "første ikke har en.",
            show_default=False,
        ),
    ] = None,
    overskriftsrad: Annotated[
        str | None,
        typer.Option(
            "--overskriftsrad",
            metavar="N",
            callback=_check_row,
            help="Raden med kolonnenavnene i regnearket (1 er den første). Uten den: den første av de 20 første "
            "radene som har minst to spørsmål som kolonnenavn.",
            show_default=False,
        ),
    ] = None,
    utfil: Annotated[
        Path | None,
        typer.Option(
            "-o",
            "--utfil",
            metavar="FIL",
            help="Skriv resultatet til en fil, helt eller ikke i det hele tatt.",
            show_default=False,
        ),
    ] = None,
    excel: ExcelOption = False,
    komma: Annotated[
        bool,
        typer.Option(
            "--komma",
            help="CSV med komma, UTF-8 uten BOM og LF, for et program. Uten --komma og --excel følger en CSV-fil "
            "formen listen kom i.",
        ),
    ] = False,
    oppsummering: Annotated[
        bool,
        typer.Option(
            "--oppsummering",
            help="Vis hvor mange poster hver ordning passer for, og hvilke svar som oftest mangler.",
        ),
    ] = False,
    fail_if_none: Annotated[
        bool, typer.Option("--feil-hvis-ingen", help="Avslutt med kode 1 også når ingen ordning passer en post.")
    ] = False,
    # The English name from before, kept for scripts that use it; not shown in --help.
    fail_if_none_old: Annotated[bool, typer.Option("--fail-if-none", hidden=True)] = False,
    tidligere_regelverk: EarlierRulesOption = None,
    regler: RulesOption = None,
    dato: DateOption = None,
) -> None:
    """Vurder mange bedrifter fra JSON, CSV eller Excel, og skriv én rad per post."""
    from .checking import INPUT_KINDS, Options, run_batch
    from .sinks import binary_target_ok
    from .tables import TableProblem

    if format is not None and format not in FORMATS:
        fail(f"--format: ukjent format '{format}'.", EXIT_USAGE, "Bruk json, tabell, csv eller xlsx.")
    for path in filer or []:
        if path.suffix.lower() in UNREADABLE_SHEETS:
            fail(
                f"{path}: {path.suffix}-filer kan ikke leses.",
                EXIT_USAGE,
                "Lagre regnearket som .xlsx eller CSV (i Excel: Fil > Lagre som), og prøv igjen.",
            )
    _check_sheet_name(utfil)
    format = output_format(format, utfil, excel)
    if inndata is not None and inndata not in INPUT_KINDS:
        fail(f"--inndata: ukjent format '{inndata}'.", EXIT_USAGE, "Bruk json, csv eller xlsx.")
    if excel and komma:
        fail("--excel og --komma kan ikke brukes sammen.", EXIT_USAGE, "Velg én av dem.")
    if (excel or komma) and utfil is not None and BY_EXTENSION.get(utfil.suffix.lower(), "csv") != "csv":
        option = "--excel" if excel else "--komma"
        fail(
            f"{option} gjelder CSV, men -o {utfil} er en {utfil.suffix}-fil.",
            EXIT_USAGE,
            f"Ta bort {option} for å få en Excel-fil, eller skriv til en .csv-fil.",
        )
    if komma and format != "csv":
        fail("--komma gjelder CSV.", EXIT_USAGE, "Bruk --format csv --komma.")
    if excel and format != "csv":
        fail("--excel gjelder CSV.", EXIT_USAGE, "Bruk --format csv --excel.")
    if format == "xlsx" and not binary_target_ok(utfil):
        fail(
            "En Excel-fil skrives ikke til en terminal eller et rør.",
            EXIT_USAGE,
            "Gi filen med -o, for eksempel -o resultat.xlsx.",
        )
    _check_output_dir(utfil, "-o")
    _check_not_an_input(utfil, filer or [])
    when = today(dato)
    rules = load_rules(regler)
    options = Options(
        paths=filer or [],
        fmt=format,
        fail_if_none=fail_if_none or fail_if_none_old,
        earlier=earlier_rules(tidligere_regelverk),
        kind=inndata,
        sheet=ark,
        header_row=int(overskriftsrad) if overskriftsrad is not None else None,
        output=utfil,
        csv_form="excel" if excel else "komma" if komma else None,
        summary=oppsummering,
    )
    try:
        code = run_batch(rules, when, options)
    except FileProblem as e:
        fail(str(e), EXIT_USAGE)
    except TableProblem as e:
        fail(str(e), EXIT_USAGE, table_hint(e))
    raise typer.Exit(code)


def table_hint(problem: "TableProblem") -> str:
    """What to do on the command line about a file with no list that can be read."""
    if problem.kind == "ark":
        import shlex

        example = shlex.quote(problem.suggested or (problem.sheets[0] if problem.sheets else "Ark1"))
        return f"Velg arket med --ark NAVN, for eksempel --ark {example}."
    if problem.kind == "fil":
        return ""
    return "Si hvilken rad som har kolonnenavnene med --overskriftsrad N, eller se malen: soknad mal -o mal.xlsx."


# --- soknad mal -----------------------------------------------------------------------------


@app.command(cls=Command)
@pipe_safe
def mal(
    utfil: Annotated[
        Path | None,
        typer.Option(
            "-o",
            "--utfil",
            metavar="FIL",
            help="Skriv malen til en fil: .xlsx gir en Excel-fil med nedtrekkslister, ellers CSV.",
            show_default=False,
        ),
    ] = None,
    excel: ExcelOption = False,
    regler: RulesOption = None,
    dato: DateOption = None,
) -> None:
    """Skriv en mal til utfylling: en tittelrad, en kolonne per spørsmål, egne kolonner og to eksempelrader.

    Eksempelradene svarer bare på det veilederen ville spurt om på datoen (--dato, ellers i dag).
    """
    from .template import template_csv, template_xlsx

    _check_output_dir(utfil, "-o")
    _check_sheet_name(utfil)
    when = today(dato)
    rules = load_rules(regler)
    if utfil is not None and utfil.suffix.lower() == ".xlsx":
        _write(utfil, template_xlsx(rules, when), "Malen er skrevet til")
        return
    text = template_csv(rules, when, excel)
    if utfil is not None:
        _write(utfil, text.encode("utf-8"), "Malen er skrevet til")
    else:
        sys.stdout.write(text)
