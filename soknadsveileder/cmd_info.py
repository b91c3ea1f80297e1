"""Commands that show the rule base: `ordninger`, `valider` and `skjema`."""

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from .answers import close_match
from .command import (
    EXIT_USAGE,
    Command,
    DateOption,
    RulesOption,
    answer_values,
    app,
    complete_from,
    err,
    fail,
    load_maintained,
    load_rules,
    pipe_safe,
    rules_for_completion,
    today,
    warn,
)
from .files import stdout_ascii


def _filter_answer(rules: Any, question_id: str, raw: str | None) -> dict[str, Any]:
    from .answers import parse_text

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


def _scheme_ids(ctx: typer.Context) -> list[str]:
    return [s.id for s in rules_for_completion(ctx).schemes]


@app.command(cls=Command)
@pipe_safe
def ordninger(
    ordning: Annotated[
        str | None,
        typer.Argument(
            metavar="ORDNING",
            help="Vis én ordning i sin helhet (id-en fra listen).",
            show_default=False,
            autocompletion=complete_from(_scheme_ids),
        ),
    ] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Skriv JSON til stdout i stedet for en tabell.")] = False,
    bransje: Annotated[
        str | None,
        typer.Option(
            metavar="BRANSJE",
            help="Vis bare ordninger som kan passe bransjen. Flere med komma: industri,maritim.",
            show_default=False,
            autocompletion=complete_from(answer_values("bransje")),
        ),
    ] = None,
    behov: Annotated[
        str | None,
        typer.Option(
            metavar="BEHOV",
            help="Vis bare ordninger som kan passe utdanningsbehovet.",
            show_default=False,
            autocompletion=complete_from(answer_values("behov")),
        ),
    ] = None,
    regler: RulesOption = None,
    dato: DateOption = None,
) -> None:
    """Vis ordningene: hvem de er for, nivå, hvem som søker, midler og frist."""
    from . import engine

    when = today(dato)
    rules = load_rules(regler)
    answers = {**_filter_answer(rules, "bransje", bransje), **_filter_answer(rules, "behov", behov)}
    schemes = engine.possible_schemes(rules, answers, when)
    if ordning is not None:
        ids = [s.id for s in rules.schemes]
        if ordning not in ids:
            close = close_match(ordning, ids)
            hint = f"Mente du '{close}'?" if close else "Kjente ordninger: " + ", ".join(ids)
            fail(f"Fant ingen ordning med id '{ordning}'.", EXIT_USAGE, hint)
        schemes = [engine.scheme_on(rules.scheme(ordning), when)]
    warnings = engine.rule_base_warnings(rules, when)
    if json_out:
        from .jsonout import scheme_json

        data: Any = [scheme_json(s, when, rules) for s in schemes]
        typer.echo(json.dumps(data[0] if ordning else data, ensure_ascii=stdout_ascii(), indent=2))
        warn(warnings)
        return
    from . import render

    console = render.make_console()
    if ordning is not None:
        render.scheme_detail(console, rules, schemes[0], when)
    elif schemes:
        render.schemes_view(console, rules, schemes, when)
    else:
        # Not a dead end: say where else to look.
        console.print("Ingen av ordningene i regelverket passer filteret. Andre muligheter:")
        console.print(render.bullets(("•", render.esc(f"{a.name}: {a.text}")) for a in rules.alternatives))
    render.print_warnings(console, warnings)


@app.command(cls=Command)
@pipe_safe
def kilder(
    markdown: Annotated[
        bool,
        typer.Option("--markdown", help="Skriv et Markdown-dokument til gjennomgang (som docs/kildegjennomgang.md)."),
    ] = False,
    regler: RulesOption = None,
) -> None:
    """Vis hver tekst brukeren kan lese, med kilden og sitatet fra kilden som støtter den."""
    from .claims import audit_markdown

    text = audit_markdown(load_maintained(regler))
    if markdown or not sys.stdout.isatty():
        typer.echo(text, nl=False)
        return
    from rich.markdown import Markdown

    from . import render

    render.make_console().print(Markdown(text))


@app.command(cls=Command)
@pipe_safe
def valider(
    fil: Annotated[
        Path | None,
        typer.Argument(
            metavar="FIL",
            help="Regelverket som skal sjekkes. Standard: --regler, $SOKNAD_REGLER, data/schemes.yaml i "
            "arbeidskopien du står i, eller det som følger med.",
            show_default=False,
        ),
    ] = None,
    streng: Annotated[
        bool, typer.Option("--streng", help="Regn advarslene som feil (kode 1), for eksempel før en commit.")
    ] = False,
    regler: RulesOption = None,
) -> None:
    """Sjekk et regelverk: alle feil og advarsler med fil, linje og et råd."""
    from .command import EXIT_DATA, note_edited_checkout, rule_base_failed
    from .lint import lint
    from .problems import RuleBaseError
    from .rulebuilder import build_located
    from .rules import bundled_path, read_text

    path = fil or regler
    if path is None:
        # A maintainer edits data/schemes.yaml in the checkout and runs `soknad valider`:
        # check that file, and say loudly that the other commands still use the old one.
        path = note_edited_checkout()
        if path is not None:
            err(f"Merk: sjekker derfor {path}.")
    real = path if path is not None else bundled_path()
    try:
        located = build_located(read_text(real), str(real), real)  # fresh, with lines: no cache
    except RuleBaseError as e:
        rule_base_failed(e)
    rules = located.rules
    warnings = lint(located)
    for warning in warnings:
        err(warning.show(str(real)))
    typer.echo(
        f"{real}: gyldig. {len(rules.questions)} spørsmål, {_count(len(rules.schemes), 'ordning', 'ordninger')}, "
        f"{_count(len(rules.checklist_items), 'sjekkpunkt', 'sjekkpunkter')} "
        f"(versjon {rules.version}, oppdatert {rules.updated.isoformat()})"
        + (f", {len(warnings)} {'advarsel' if len(warnings) == 1 else 'advarsler'}." if warnings else ".")
    )
    if warnings and streng:
        fail(f"{len(warnings)} {'advarsel' if len(warnings) == 1 else 'advarsler'} med --streng.", EXIT_DATA)


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


@app.command(cls=Command)
@pipe_safe
def skjema(
    del_: Annotated[
        str | None,
        typer.Argument(
            metavar="[svar|resultat]",
            help="Vis bare skjemaet for svar eller for resultat.",
            show_default=False,
            autocompletion=complete_from(lambda ctx: ("svar", "resultat")),
        ),
    ] = None,
    regler: RulesOption = None,
) -> None:
    """Skriv JSON Schema for svarpostene og resultatlinjene til soknad sjekk."""
    from .schema import schemas

    rules = load_rules(regler)
    all_schemas = schemas(rules)
    if del_ is not None and del_ not in all_schemas:
        fail(f"Ukjent del '{del_}'.", EXIT_USAGE, "Bruk svar eller resultat.")
    typer.echo(json.dumps(all_schemas[del_] if del_ else all_schemas, ensure_ascii=stdout_ascii(), indent=2))
