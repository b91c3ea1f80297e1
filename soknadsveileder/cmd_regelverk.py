"""Commands for the maintainers of the rule base: `endringer` and `graf`."""

import json
import time
from pathlib import Path
from typing import Annotated

import typer

from .command import EXIT_USAGE, Command, DateOption, app, complete_from, fail, pipe_safe, read_rule_base, today

EXIT_CHANGED = 1  # as `diff`: 0 the same, 1 different, 2 trouble


@app.command(cls=Command)
@pipe_safe
def endringer(
    gammel: Annotated[
        str,
        typer.Argument(metavar="GAMMEL", help="Regelverket før: en fil, eller REV:sti, som HEAD:data/schemes.yaml."),
    ],
    ny: Annotated[str, typer.Argument(metavar="NY", help="Regelverket etter: en fil, eller REV:sti.")],
    json_out: Annotated[bool, typer.Option("--json", help="Skriv JSON for skript.")] = False,
    markdown: Annotated[
        bool, typer.Option("--markdown", help="Skriv Markdown, for eksempel til en pull request.")
    ] = False,
    dato: DateOption = None,
) -> None:
    """Vis hva en endring i regelverket betyr for bedriftene, prøvd på alle mulige svar."""
    from .changes import compare
    from .changes_report import report_json, report_markdown, report_text

    if json_out and markdown:
        fail("Velg enten --json eller --markdown.", EXIT_USAGE)
    old, new = read_rule_base(gammel), read_rule_base(ny)
    started = time.perf_counter()
    report = compare(old, new, today(dato))
    seconds = time.perf_counter() - started
    if json_out:
        typer.echo(json.dumps(report_json(report, gammel, ny), ensure_ascii=False, indent=2))
    elif markdown:
        typer.echo(report_markdown(report, gammel, ny, seconds), nl=False)
    else:
        from .render import make_console

        report_text(make_console(), report, gammel, ny, seconds)
    raise typer.Exit(EXIT_CHANGED if report.changed else 0)


@app.command(cls=Command)
@pipe_safe
def graf(
    fil: Annotated[
        Path | None,
        typer.Argument(
            metavar="FIL",
            help="Regelverket som skal tegnes, som for «soknad valider». Standard: --regler, $SOKNAD_REGLER, "
            "data/schemes.yaml i arbeidskopien du står i hvis den er endret, eller det som følger med.",
            show_default=False,
        ),
    ] = None,
    format: Annotated[
        str,
        typer.Option(
            "--format",
            metavar="[mermaid|dot]",
            help="mermaid (vises på GitHub) eller dot (Graphviz).",
            autocompletion=complete_from(lambda ctx: ("mermaid", "dot")),
        ),
    ] = "mermaid",
    regler: Annotated[
        Path | None,
        typer.Option(
            "--regler", envvar="SOKNAD_REGLER", metavar="FIL", help="Bruk et annet regelverk enn det som følger med."
        ),
    ] = None,
    dato: DateOption = None,
) -> None:
    """Tegn flyten: spørsmålene i rekkefølge med når de stilles, og vilkårene for hver ordning i
    runden som gjelder på datoen."""
    from . import engine
    from .command import load_maintained
    from .graph import dot, mermaid

    if format not in ("mermaid", "dot"):
        fail(f"--format: ukjent format '{format}'.", EXIT_USAGE, "Bruk mermaid eller dot.")
    rules = engine.in_force(load_maintained(fil or regler), today(dato))
    typer.echo(mermaid(rules) if format == "mermaid" else dot(rules), nl=False)
