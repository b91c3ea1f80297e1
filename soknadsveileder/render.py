"""Rich screens onto a Console passed in: the scheme table, one scheme, and the result.

Every text that comes from the rule base or from a user goes through `esc` before it
meets rich markup; a ``[fagskole]`` in a description would otherwise vanish silently.
JSON and Markdown are rendered elsewhere (`jsonout`, `markdown`) without rich.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterable, Mapping
from typing import Any

import rich._wrap
from rich import box
from rich.console import Console, Group
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from . import engine
from .files import terminal_unicode
from .model import AnswerValue, Assessment, DeadlineState, Result, RuleBase, Scheme, Source, Status
from .texts import (
    EARLIER_INTRO,
    applicant_labels,
    deadline_phase,
    deadline_text,
    earlier_heading,
    first_failure,
    funds_short,
    funds_text,
    later_mark,
    nkr_text,
    note_line,
    nothing_fits,
    question_texts,
    round_line,
    round_lines,
    short_citation,
)

_BAR_WIDTH = 10

# rich breaks a line at any Unicode space, the no-break space in «750 000 kr» too. Only
# ASCII spaces are break points here, so an amount is never split over two lines.
rich._wrap.re_word = re.compile(r"[ \t\n\r\f\v]*[^ \t\n\r\f\v]+[ \t\n\r\f\v]*")


# The spaces inside an amount as a maintainer types it («750 000 kr», «20 mill. kr»): they
# become no-break spaces on screen, so an amount in a rule-base text is never split either.
_AMOUNT_SPACE = re.compile(
    r"(?<=\d) (?=\d{3}(?!\d))|(?<=\d) (?=(?:kr|kroner|mill\.|millioner)(?!\w))|(?<=mill\.) (?=kr)"
)


def esc(text: str) -> str:
    """Text from the rule base or a user, safe for rich markup, amounts kept whole."""
    return escape(_AMOUNT_SPACE.sub("\u00a0", text))


class _Console(Console):
    def on_broken_pipe(self) -> None:
        # rich would exit with status 1; a reader that went away is not an error, and the
        # CLI decides what it is.
        self.quiet = True
        raise BrokenPipeError

    @property
    def encoding(self) -> str:
        # rich draws ASCII boxes when the encoding is not UTF-8; the locale counts too.
        return super().encoding if terminal_unicode() else "ascii"


def heading(console: Console, title: str) -> None:
    """A section heading: a rule with the title in it where it fits, and otherwise the title
    wrapped between words above a plain rule. rich would cut it («utlys…»)."""
    if Text.from_markup(title).cell_len + 6 <= console.width:
        console.rule(title)
    else:
        console.print(title)
        console.rule()


class Marks:
    """The list marks of the screens, in ASCII where the terminal shows only that."""

    def __init__(self, console: Console) -> None:
        plain = console.options.ascii_only
        self.ok, self.no, self.star, self.box = ("+", "x", "*", "[ ]") if plain else ("✓", "✗", "★", "☐")
        self.bar, self.empty = ("#", ".") if plain else ("█", "·")


class References:
    """The sources a screen cites, numbered. Each address is printed last, whole, on a line of
    its own, for the terminal to fold: a broken address can be neither clicked nor copied, and
    inside a panel or a table rich would have to break it."""

    def __init__(self) -> None:
        self.cited: dict[str, tuple[int, Source]] = {}

    def cite(self, source: Source) -> str:
        if not source.url:
            return source.name
        if source.id not in self.cited:
            self.cited[source.id] = (len(self.cited) + 1, source)
        return f"{source.name} [{self.cited[source.id][0]}]"

    def print(self, console: Console) -> None:
        if not self.cited:
            return
        heading(console, "[bold]Adressene til kildene[/bold]")
        for n, source in self.cited.values():
            console.print(Text(f"[{n}] {source.url}"), soft_wrap=True)


READABLE_WIDTH = 100  # on a wide terminal, lines longer than this are hard to read
NARROW = 60  # below this, a table is crushed: lists instead


def make_console(stderr: bool = False, max_width: int | None = READABLE_WIDTH) -> Console:
    """The console every screen is printed on.

    No escape codes at all with NO_COLOR (rich alone would still send bold and dim) or
    TERM=dumb (rich's own rule), and at most `max_width` columns.
    """
    plain = bool(os.environ.get("NO_COLOR"))
    console = _Console(stderr=stderr, color_system=None if plain else "auto")
    if max_width is not None and console.width > max_width:
        console.width = max_width
    return console


def funds_bar(amount: int | None, largest: int, marks: Marks) -> str:
    if amount is None or largest <= 0:
        return marks.empty * _BAR_WIDTH
    filled = max(1, round(_BAR_WIDTH * amount / largest)) if amount else 0
    return marks.bar * filled + marks.empty * (_BAR_WIDTH - filled)


def print_warnings(console: Console, warnings: Iterable[str]) -> None:
    for w in warnings:
        console.print(Panel(Text(w), title="Advarsel", border_style="yellow", expand=False))


def bullets(rows: Iterable[tuple[str, str]]) -> Table:
    """A list with a hanging indent, so wrapped lines stay clear of the marks."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(justify="right", no_wrap=True)
    grid.add_column(ratio=1, overflow="fold")  # a long address folds; it is never cut
    for mark, text in rows:
        grid.add_row(f" {mark}", text)
    return grid


# --- soknad ordninger ---------------------------------------------------------------------


def deadline_short(d: DeadlineState) -> str:
    """Two short lines for the table: the date, and how it stands (days only to an exact date)."""
    if d.date is None:
        if d.phase == "runde_over":
            return f"ukjent\n[red]{deadline_phase(d)}[/red]"
        if d.phase in ("ikke_lyst_ut", "lopende"):
            return f"ukjent\n[green]{deadline_phase(d)}[/green]"
        return "ukjent"
    date = ("ca. " if d.approximate else "") + d.date.strftime("%d.%m.%Y")
    if d.earliest is not None:
        date = d.earliest.strftime("%d.%m.") + " eller\n" + date
    phase = deadline_phase(d)
    if d.passed:
        return f"{date}\n[red]{phase}[/red]"
    if d.phase in ("kan_vaere_passert", "ikke_lyst_ut"):
        return f"{date}\n[yellow]{phase}[/yellow]"
    if d.days_left is None:
        return f"{date}\n[green]åpen[/green]"
    left = "i dag" if d.days_left == 0 else f"{d.days_left} dager igjen"
    return f"{date}\n[green]{left}[/green]"


def schemes_view(console: Console, rules: RuleBase, schemes: Iterable[Scheme], today: dt.date) -> None:
    """The overview: a table, or a list on a narrow terminal. Ids are never broken."""
    if console.width < NARROW:
        schemes_list(console, schemes, today)
    else:
        schemes_table(console, rules, schemes, today)


def _id_line(scheme: Scheme) -> Text:
    # The id is what a user types next (`soknad ordninger ID`): never wrapped or cut.
    return Text(scheme.id, style="dim", no_wrap=True, overflow="ignore")


def schemes_table(console: Console, rules: RuleBase, schemes: Iterable[Scheme], today: dt.date) -> None:
    schemes = list(schemes)
    largest = max((s.funds.amount or 0 for s in schemes), default=0)
    table = Table(
        title=f"Ordninger (regelverk {esc(rules.version)}, per {today.isoformat()})",
        box=box.SIMPLE_HEAD,
        show_lines=True,
        pad_edge=False,
    )
    table.add_column("Ordning, målgruppe og søker", ratio=1, min_width=max(len(s.id) for s in schemes))
    table.add_column("Nivå", no_wrap=True)
    table.add_column("Midler og frist", no_wrap=True)
    footnotes: list[str] = []
    for s in schemes:
        d = engine.deadline_state(s, today)
        lines = [Text(s.name, style="bold"), Text(s.for_whom), Text("Søker: " + applicant_labels(s), style="italic")]
        if s.round is not None:
            lines.append(Text(f"Runde: {s.round.label}"))
        if s.notes:
            some = (
                "merknader: soknad ordninger ID viser dem"
                if len(s.notes) > 1
                else "merknad: soknad ordninger ID viser den"
            )
            lines.append(Text(f"{len(s.notes)} {some}"))
        if d.passed:
            footnotes.append(f"{s.name}: {s.after_deadline}")
            lines.append(Text(f"Etter fristen: se note {len(footnotes)} under tabellen", style="yellow"))
        what = Group(*lines, _id_line(s))
        amount, _, kind = funds_short(s).rpartition(" ") if s.funds.amount is not None else ("ukjent", "", "")
        if kind == "ut":  # "lyst ut" is two words
            amount, kind = amount.removesuffix(" lyst"), "lyst ut"
        parts = [
            esc(amount),
            esc(kind),
            f"[cyan]{funds_bar(s.funds.amount, largest, Marks(console))}[/cyan]",
            deadline_short(d),
        ]
        money = "\n".join(p for p in parts if p)
        table.add_row(what, nkr_text(s.nkr_levels), money)
    console.print(table)
    if footnotes:
        console.print("[bold]Etter fristen[/bold]")
        console.print(bullets((f"{n}.", esc(text)) for n, text in enumerate(footnotes, 1)))


def schemes_list(console: Console, schemes: Iterable[Scheme], today: dt.date) -> None:
    for s in schemes:
        d = engine.deadline_state(s, today)
        console.print(Text(s.name, style="bold"))
        console.print(_id_line(s))
        rows = [("", f"Runde: {esc(s.round.label)}")] if s.round is not None else []
        rows += [
            ("", f"For: {esc(s.for_whom)}"),
            ("", f"Nivå: {nkr_text(s.nkr_levels)}"),
            ("", f"Søker: {esc(applicant_labels(s))}"),
            ("", f"Midler: {esc(funds_text(s))}"),
            ("", f"Frist: {esc(deadline_text(d))}"),
        ]
        if d.passed:
            rows.append(("", f"Etter fristen: {esc(s.after_deadline)}"))
        rows += [("i", f"Merknad: {esc(note_line(n, today.year))}") for n in s.notes]
        console.print(bullets(rows))
        console.print()


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
        f"[bold]Nivå:[/bold] {esc(scheme.level_text)}",
        f"[bold]Midler:[/bold] {esc(funds_text(scheme))}",
        f"[bold]Frist:[/bold] {esc(deadline_text(d))}",
    ]
    shown = round_line(scheme)
    if shown is not None:
        lines.insert(4, esc(shown))
        lines.insert(5, "")
    if d.passed:
        lines.append(f"[bold]Etter fristen:[/bold] {esc(scheme.after_deadline)}")
    console.print(Panel("\n".join(lines), expand=False))
    console.print("[bold]Vilkår[/bold]")
    rows = [
        ("•", f"Aktuell når {esc(c.requirement)}. [dim](kilde: {esc(short_citation(c.source))})[/dim]")
        for c in scheme.criteria
    ]
    rows += [
        ("?", f"{esc(u.text)} [dim](kilde: {esc(short_citation(u.source))})[/dim]")
        for c in scheme.criteria
        for u in c.unclear
    ]
    console.print(bullets(rows))
    console.print("[bold]Sjekkliste[/bold]")
    items = [rules.checklist_items[i] for i in scheme.checklist]
    console.print(
        bullets(
            (
                Marks(console).box,
                esc(i.text)
                + f" [dim](kilde: {esc(short_citation(i.source))}"
                + ("; avhenger av svarene" if i.when else "")
                + ")[/dim]",
            )
            for i in items
        )
    )
    if scheme.rounds:
        console.print("[bold]Runder[/bold]")
        console.print(bullets(("→" if r is scheme.round else "•", esc(line)) for r, line in round_lines(scheme, today)))
    console.print("[bold]Historikk[/bold]")
    console.print(
        bullets(
            (
                str(h.year),
                f"{esc(h.text)}{later_mark(h.year, today.year)} [dim](kilde: {esc(short_citation(h.source))})[/dim]",
            )
            for h in scheme.history
        )
    )
    if scheme.notes:
        console.print("[bold]Merknader[/bold]")
        console.print(bullets(("•", esc(note_line(n, today.year))) for n in scheme.notes))
    console.print("[bold]Kilder[/bold]")
    refs = References()
    console.print(
        bullets(("•", esc(refs.cite(s)) + (f" [dim]– {esc(s.note)}[/dim]" if s.note else "")) for s in scheme.sources)
    )
    console.print("[dim]Sitatene fra kildene: soknad kilder[/dim]")
    refs.print(console)


# --- The result screen --------------------------------------------------------------------


def _facts(a: Assessment, today: dt.date, refs: References) -> list[tuple[str, str]]:
    """Deadline, what came after it, funds, applicant, notes and sources of one scheme."""
    shown = round_line(a.scheme)
    rows = [("", esc(shown))] if shown is not None else []
    rows.append(("", f"Frist: {esc(deadline_text(a.deadline))}"))
    if a.deadline.passed:
        rows.append(("", f"Etter fristen: {esc(a.scheme.after_deadline)}"))
    rows += [("", f"Midler: {esc(funds_text(a.scheme))}"), ("", f"Hvem søker: {esc(a.scheme.applicant_text)}")]
    rows += [("i", f"Merknad: {esc(note_line(n, today.year))}") for n in a.scheme.notes]
    rows.append(("", "[dim]Kilder: " + esc("; ".join(refs.cite(s) for s in a.sources)) + "[/dim]"))
    return rows


def result_screen(
    console: Console,
    rules: RuleBase,
    result: Result,
    answers: Mapping[str, AnswerValue],
    since: Mapping[str, Any] | None = None,
) -> None:
    marks, refs = Marks(console), References()
    console.print(f"[dim]Vurdert {result.date.isoformat()} med regelverk {esc(rules.version)}.[/dim]")
    print_warnings(console, result.warnings)
    if since is not None:
        lines = [*since["tekst"], *since["merknader"]]
        console.print(Panel(Text("\n".join(lines)), title="Siden svarene ble lagret", border_style="cyan"))
    by_status = {s: [a for a in result.assessments if a.status is s] for s in Status}

    heading(console, "[bold green]Anbefalte ordninger[/bold green]")
    if not result.recommended:
        console.print(esc(nothing_fits(result)))
    for rank, sid in enumerate(result.recommended, 1):
        a = result.assessment(sid)
        rows = [(marks.ok, esc(r)) for r in a.reasons] + [(marks.star, esc(r)) for r in a.score_reasons]
        body = Group(f"[bold]{rank}. {esc(a.scheme.name)}[/bold]", bullets(rows + _facts(a, result.date, refs)))
        console.print(Panel(body, border_style="red" if a.deadline.passed else "green", expand=True))

    if result.earlier:
        heading(console, f"[bold]{esc(earlier_heading(result))}[/bold]")
        console.print(esc(EARLIER_INTRO))
        for sid in result.earlier:
            a = result.assessment(sid)
            rows = [(marks.ok, esc(r)) for r in a.reasons]
            body = Group(f"[bold]{esc(a.scheme.name)}[/bold]", bullets(rows + _facts(a, result.date, refs)))
            console.print(Panel(body, border_style="yellow", expand=True))

    if by_status[Status.KANSKJE]:
        heading(console, "[bold yellow]Kanskje aktuelle[/bold yellow]")
        for a in by_status[Status.KANSKJE]:
            console.print(f"[bold]? {esc(a.scheme.name)}[/bold]")
            rows = [
                ("!" if c in a.unclear else "→", esc(c)) for c in a.changes if not c.startswith(engine.ANSWER_PREFIX)
            ]
            rows += [("?", "Svar på: " + esc(text)) for text in question_texts(rules, a.unknown)]
            console.print(bullets(rows + _facts(a, result.date, refs)))

    if by_status[Status.IKKE_AKTUELL]:
        heading(console, "[bold]Passer ikke[/bold]")
        rows = []
        for a in by_status[Status.IKKE_AKTUELL]:
            reason, source = first_failure(a)
            cite = f" [dim](kilde: {esc(short_citation(source))})[/dim]"
            rows.append((marks.no, f"[bold]{esc(a.scheme.name)}:[/bold] {esc(reason)}{cite}"))
            if a.deadline.passed:
                rows.append(("", f"[dim]Etter fristen:[/dim] {esc(a.scheme.after_deadline)}"))
        console.print(bullets(rows))

    if result.alternatives:
        heading(console, "[bold]Andre muligheter[/bold]")
        rows = [
            (
                "•",
                f"[bold]{esc(alt.name)}:[/bold] {esc(alt.text)}{later_mark(alt.source.year, result.date.year)} "
                f"[dim](kilde: {esc(refs.cite(alt.source))})[/dim]",
            )
            for alt in result.alternatives
        ]
        console.print(bullets(rows))

    heading(console, "[bold]Sjekkliste[/bold]")
    if not result.checklist:
        later = " Avklar først det som står under «Kanskje aktuelle»." if by_status[Status.KANSKJE] else ""
        console.print("Ingen sjekkliste, siden ingen ordning er anbefalt." + later)
    kinds = {"steg": marks.box, "advarsel": "[yellow]![/yellow]", "merknad": "Merk:", "kilde": "[dim]Kilde:[/dim]"}
    console.print(
        bullets((kinds[e.kind], esc(refs.cite(e.source) if e.source is not None else e.text)) for e in result.checklist)
    )
    refs.print(console)
