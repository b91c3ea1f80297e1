"""Output: rich screens onto a Console passed in, and JSON and Markdown renderings.

Every text that comes from the rule base or from a user goes through `esc` before it
meets rich markup; a ``[fagskole]`` in a description would otherwise vanish silently.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from rich import box
from rich.console import Console, Group
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from . import engine
from .model import APPLICANT_TYPES, AnswerValue, Assessment, DeadlineState, Result, RuleBase, Scheme, Status

_BAR_WIDTH = 10
STATUS_LABEL = {Status.AKTUELL: "Aktuell", Status.KANSKJE: "Kanskje", Status.IKKE_AKTUELL: "Ikke aktuell"}


def esc(text: str) -> str:
    return escape(text)


class _Console(Console):
    def on_broken_pipe(self) -> None:
        # rich would exit with status 1; a reader that went away is not an error, and the
        # CLI decides what it is.
        self.quiet = True
        raise BrokenPipeError


def make_console(stderr: bool = False) -> Console:
    """The console every screen is printed on."""
    return _Console(stderr=stderr)


# --- Plain values -------------------------------------------------------------------------


def deadline_text(d: DeadlineState) -> str:
    if d.date is None:
        return f"{d.text} (dato ukjent)"
    if d.passed:
        return f"{d.text}: passert"
    if d.days_left == 0:
        return f"{d.text}: i dag"
    about = "omtrent " if d.approximate else ""
    return f"{d.text}: åpen, {about}{d.days_left} dager igjen"


def funds_text(scheme: Scheme) -> str:
    f = scheme.funds
    if f.amount is None:
        return f"ukjent ({f.year})"
    return f"{'ca. ' if f.approximate else ''}{engine.format_nok(f.amount)} ({f.year})"


def funds_bar(amount: int | None, largest: int) -> str:
    if amount is None or largest <= 0:
        return "·" * _BAR_WIDTH
    filled = max(1, round(_BAR_WIDTH * amount / largest)) if amount else 0
    return "█" * filled + "·" * (_BAR_WIDTH - filled)


def funds_short(scheme: Scheme) -> str:
    f = scheme.funds
    if f.amount is None:
        return "ukjent"
    return ("ca. " if f.approximate else "") + engine.format_nok(f.amount)


# --- JSON ---------------------------------------------------------------------------------


def deadline_json(d: DeadlineState) -> dict[str, Any]:
    return {
        "dato": d.date.isoformat() if d.date else None,
        "passert": d.passed,
        "dager_igjen": d.days_left,
        "omtrentlig": d.approximate,
        "tekst": d.text,
    }


def scheme_json(scheme: Scheme, today: dt.date) -> dict[str, Any]:
    return {
        "id": scheme.id,
        "navn": scheme.name,
        "beskrivelse": scheme.description,
        "forvalter": scheme.administrator,
        "soker": {"typer": list(scheme.applicant_types), "tekst": scheme.applicant_text},
        "for_hvem": scheme.for_whom,
        "nivaa": {"nkr": list(scheme.nkr_levels), "tekst": scheme.level_text},
        "midler_igjen": scheme.funds.amount,
        "midler": {"belop": scheme.funds.amount, "aar": scheme.funds.year, "omtrentlig": scheme.funds.approximate},
        "frist": deadline_json(engine.deadline_state(scheme, today)),
        "kilder": [
            {"tittel": s.title, "aar": s.year, "url": s.url, "dokument": s.document, "merknad": s.note}
            for s in scheme.sources
        ],
        "merknader": list(scheme.notes),
    }


def assessment_json(a: Assessment) -> dict[str, Any]:
    return {
        "id": a.scheme.id,
        "navn": a.scheme.name,
        "status": a.status.value,
        "grunner": list(a.reasons),
        "endringer": list(a.changes),
        "mangler": list(a.unknown),
        "frist": deadline_json(a.deadline),
        "midler_igjen": a.scheme.funds.amount,
        "poeng": a.score,
    }


def result_json(result: Result) -> dict[str, Any]:
    """The assessment part of a `soknad sjekk` output line."""
    return {
        "anbefalte": list(result.recommended),
        "vurderinger": [assessment_json(a) for a in result.assessments],
        "mangler": list(result.missing),
        "sjekkliste": [{"type": e.kind, "tekst": e.text} for e in result.checklist],
        "advarsler": list(result.warnings),
    }


# --- Warnings -----------------------------------------------------------------------------


def print_warnings(console: Console, warnings: Iterable[str]) -> None:
    for w in warnings:
        console.print(Panel(Text(w), title="Advarsel", border_style="yellow", expand=False))


# --- soknad ordninger ---------------------------------------------------------------------


def deadline_short(d: DeadlineState) -> str:
    """Two short lines for the table: the date, and open/passed with days left."""
    if d.date is None:
        return "ukjent"
    date = ("ca. " if d.approximate else "") + d.date.strftime("%d.%m.%Y")
    if d.passed:
        return f"{date}\n[red]passert[/red]"
    left = "i dag" if d.days_left == 0 else f"{d.days_left} dager igjen"
    return f"{date}\n[green]{left}[/green]"


def applicant_labels(scheme: Scheme) -> str:
    return ", ".join(APPLICANT_TYPES.get(t, t) for t in scheme.applicant_types)


def nkr_text(levels: tuple[int, ...]) -> str:
    """(4, 5, 6, 7) -> 'NKR 4–7'; (4, 6) -> 'NKR 4, 6'."""
    ordered = sorted(levels)
    if len(ordered) > 1 and ordered == list(range(ordered[0], ordered[-1] + 1)):
        return f"NKR {ordered[0]}–{ordered[-1]}"
    return "NKR " + ", ".join(map(str, ordered))


def schemes_table(console: Console, rules: RuleBase, schemes: Iterable[Scheme], today: dt.date) -> None:
    schemes = list(schemes)
    largest = max((s.funds.amount or 0 for s in schemes), default=0)
    table = Table(
        title=f"Ordninger (regelverk {esc(rules.version)}, per {today.isoformat()})",
        box=box.SIMPLE_HEAD,
        show_lines=True,
        pad_edge=False,
    )
    table.add_column("Ordning og målgruppe", ratio=3, overflow="fold")
    table.add_column("Nivå", ratio=1)
    table.add_column("Søker", ratio=2)
    table.add_column("Midler igjen", ratio=2)
    table.add_column("Frist", ratio=2)
    for s in schemes:
        table.add_row(
            f"[bold]{esc(s.name)}[/bold]\n{esc(s.for_whom)}\n[dim]{esc(s.id)}[/dim]",
            nkr_text(s.nkr_levels),
            esc(applicant_labels(s)),
            f"{esc(funds_short(s))}\n[cyan]{funds_bar(s.funds.amount, largest)}[/cyan]",
            deadline_short(engine.deadline_state(s, today)),
        )
    console.print(table)


def scheme_detail(console: Console, rules: RuleBase, scheme: Scheme, today: dt.date) -> None:
    d = engine.deadline_state(scheme, today)
    lines = [
        f"[bold]{esc(scheme.name)}[/bold]  [dim]({esc(scheme.id)})[/dim]",
        "",
        esc(scheme.description),
        "",
        f"[bold]Forvalter:[/bold] {esc(scheme.administrator)}",
        f"[bold]Hvem søker:[/bold] {esc(scheme.applicant_text)}",
        f"[bold]For hvem:[/bold] {esc(scheme.for_whom)}",
        f"[bold]Nivå:[/bold] {esc(scheme.level_text)}; {nkr_text(scheme.nkr_levels)}",
        f"[bold]Midler igjen:[/bold] {esc(funds_text(scheme))}",
        f"[bold]Frist:[/bold] {esc(deadline_text(d))}",
    ]
    console.print(Panel("\n".join(lines), expand=False))
    console.print("[bold]Vilkår[/bold]")
    console.print(_bullets(("•", f"Aktuell når {esc(c.requirement)}.") for c in scheme.criteria))
    console.print("[bold]Sjekkliste[/bold]")
    items = [rules.checklist_items[i] for i in scheme.checklist]
    console.print(_bullets(("☐", esc(i.text) + (" [dim](når svarene passer)[/dim]" if i.when else "")) for i in items))
    console.print("[bold]Kilder[/bold]")
    console.print(
        _bullets(
            ("•", f"{esc(s.title)} ({s.year}): {esc(s.reference)}" + (f" – {esc(s.note)}" if s.note else ""))
            for s in scheme.sources
        )
    )
    if scheme.notes:
        console.print("[bold]Merknader[/bold]")
        console.print(_bullets(("•", esc(n)) for n in scheme.notes))


# --- The result screen --------------------------------------------------------------------


def answers_lines(rules: RuleBase, answers: Mapping[str, AnswerValue]) -> list[tuple[str, str]]:
    """(question text, answer label) for every answered question, in rule-base order."""
    return [(q.text, q.label_for(answers[q.id])) for q in rules.questions if q.id in answers]


def result_screen(console: Console, rules: RuleBase, result: Result, answers: Mapping[str, AnswerValue]) -> None:
    print_warnings(console, result.warnings)
    by_status = {s: [a for a in result.assessments if a.status is s] for s in Status}
    recommended = [result.assessment(i) for i in result.recommended]

    console.rule("[bold green]Anbefalte ordninger[/bold green]")
    if not recommended:
        console.print("Ingen ordning passer sikkert ut fra svarene.")
    for rank, a in enumerate(recommended, 1):
        rows = [("✓", esc(r)) for r in a.reasons] + [("★", esc(r)) for r in a.score_reasons]
        rows += [
            ("", f"Frist: {esc(deadline_text(a.deadline))}"),
            ("", f"Midler igjen: {esc(funds_text(a.scheme))}"),
            ("", f"Søker: {esc(a.scheme.applicant_text)}"),
        ]
        body = Group(f"[bold]{rank}. {esc(a.scheme.name)}[/bold]", _bullets(rows))
        style = "red" if a.deadline.passed else "green"
        console.print(Panel(body, border_style=style, expand=True))

    if by_status[Status.KANSKJE]:
        console.rule("[bold yellow]Kanskje aktuelle[/bold yellow]")
        for a in by_status[Status.KANSKJE]:
            console.print(f"[bold]? {esc(a.scheme.name)}[/bold]")
            rows = [("→", esc(c)) for c in a.changes if not c.startswith(engine.ANSWER_PREFIX)]
            # People read questions, not ids: name the unanswered ones by their text.
            rows += [("?", "Svar på: " + esc(rules.question(q).text)) for q in a.unknown]
            console.print(_bullets(rows))

    if by_status[Status.IKKE_AKTUELL]:
        console.rule("[bold]Passer ikke[/bold]")
        rows = [
            ("✗", f"[bold]{esc(a.scheme.name)}:[/bold] {esc(first_failure(a))}") for a in by_status[Status.IKKE_AKTUELL]
        ]
        console.print(_bullets(rows))

    console.rule("[bold]Sjekkliste[/bold]")
    if not result.checklist:
        later = " Avklar først det som mangler under «Kanskje aktuelle»." if by_status[Status.KANSKJE] else ""
        console.print("Ingen sjekkliste, siden ingen ordning er anbefalt." + later)
    marks = {"steg": "☐", "advarsel": "[yellow]![/yellow]", "kilde": "[dim]Kilde[/dim]"}
    console.print(_bullets([(marks[e.kind], esc(e.text)) for e in result.checklist]))


def _bullets(rows: Iterable[tuple[str, str]]) -> Table:
    """A list with a hanging indent, so wrapped lines stay clear of the marks."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(justify="right", no_wrap=True)
    grid.add_column(ratio=1)
    for mark, text in rows:
        grid.add_row(f" {mark}", text)
    return grid


def first_failure(a: Assessment) -> str:
    """The one-line reason a scheme does not fit: its first failing condition."""
    for reason, criterion in zip(a.reasons, a.scheme.criteria, strict=True):
        if reason == criterion.fails_text:
            return reason
    return a.reasons[0]


def result_markdown(rules: RuleBase, result: Result, answers: Mapping[str, AnswerValue]) -> str:
    """The result and checklist as a Markdown document, for `--sjekkliste`."""
    out = [
        "# Søknadsveileder: resultat",
        "",
        f"Vurdert {result.date.isoformat()} med regelverk {rules.version} (oppdatert {rules.updated.isoformat()}).",
        "",
    ]
    for w in result.warnings:
        out += [f"> **Advarsel:** {w}", ""]
    out += ["## Svar", ""]
    out += [f"- {q}: **{a}**" for q, a in answers_lines(rules, answers)]
    out += ["", "## Anbefalte ordninger", ""]
    if not result.recommended:
        out.append("Ingen ordning passer sikkert ut fra svarene.")
    for rank, sid in enumerate(result.recommended, 1):
        a = result.assessment(sid)
        out += [f"### {rank}. {a.scheme.name}", ""]
        out += [f"- {r}" for r in a.reasons + a.score_reasons]
        out += [f"- Frist: {deadline_text(a.deadline)}", f"- Midler igjen: {funds_text(a.scheme)}", ""]
    maybe = [a for a in result.assessments if a.status is Status.KANSKJE]
    if maybe:
        out += ["## Kanskje aktuelle", ""]
        for a in maybe:
            out.append(f"- **{a.scheme.name}**: " + " ".join(a.changes))
        out.append("")
    no = [a for a in result.assessments if a.status is Status.IKKE_AKTUELL]
    if no:
        out += ["## Passer ikke", ""]
        out += [f"- **{a.scheme.name}**: {first_failure(a)}" for a in no]
        out.append("")
    out += ["## Sjekkliste", ""]
    prefix = {"steg": "- [ ] ", "advarsel": "- **Advarsel:** ", "kilde": "- Kilde: "}
    out += [prefix[e.kind] + e.text for e in result.checklist] or ["Ingen sjekkliste, siden ingen ordning er anbefalt."]
    return "\n".join(out) + "\n"
