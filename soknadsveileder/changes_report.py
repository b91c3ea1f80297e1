"""`soknad endringer` as text for people, Markdown for a pull request, and JSON for scripts."""

from __future__ import annotations

import textwrap
from typing import Any

from rich.console import Console
from rich.markup import escape

from .changes import Change, Report

_TITLES = {
    "status": "Status",
    "rekkefølge": "Rekkefølgen på anbefalte ordninger",
    "sjekkliste": "Sjekklisten",
    "andre": "Andre muligheter",
}


def _arrow(change: Change, report: Report) -> str:
    """A change in words: names, not ids, for schemes and other possibilities."""
    name = report.name if change.what != "sjekkliste" else str  # a checklist step has only its id
    if change.what == "status":
        return f"{name(change.scheme or '')}: {change.before} → {change.after}"
    if change.what == "rekkefølge":
        before, after = (name(x) if x != "-" else "(ingen)" for x in (change.before, change.after))
        return f"{before} → {after}"
    added = f"vises nå: {name(change.after)}" if change.after != "-" else ""
    removed = f"vises ikke lenger: {name(change.before)}" if change.before != "-" else ""
    return "; ".join(p for p in (added, removed) if p)


def _plural(n: int, one: str, many: str) -> str:
    # No thousands separator: a terminal would break a line at it («11» | «520»).
    return f"{n} {one if n == 1 else many}"


def _sections(report: Report) -> list[tuple[str, list[str]]]:
    """(heading, lines) for everything that changed, in the order a reader needs them."""
    out: list[tuple[str, list[str]]] = []
    for what in _TITLES:
        lines = []
        for c in (c for c in report.changes if c.what == what):
            lines.append(f"{_arrow(c, report)} ({_plural(c.count, 'svarsett', 'svarsett')}), når:")
            lines += [f"  - {rule}" for rule in c.rules]
        if lines:
            out.append((_TITLES[what], lines))
    if report.facts:
        facts = [
            f"{report.name(sid)}: {fact}: {before or '(ingen)'} → {after or '(ingen)'}"
            for sid, fact, before, after in report.facts
        ]
        out.append(("Fakta", facts))
    added_removed = [f"ny ordning: {report.name(s)} ({s})" for s in report.schemes_added]
    added_removed += [f"fjernet ordning: {report.name(s)} ({s})" for s in report.schemes_removed]
    added_removed += [f"nytt spørsmål: {q}" for q in report.questions_added]
    added_removed += [f"fjernet spørsmål: {q}" for q in report.questions_removed]
    added_removed += [f"ny annen mulighet: {report.name(a)}" for a in report.alternatives_added]
    added_removed += [f"fjernet annen mulighet: {report.name(a)}" for a in report.alternatives_removed]
    for qid, added, removed in report.values_changed:
        parts = [f"nye verdier {', '.join(added)}" if added else "", f"fjernet {', '.join(removed)}" if removed else ""]
        added_removed.append(f"spørsmålet {qid}: " + "; ".join(p for p in parts if p))
    if added_removed:
        out.append(("Ordninger og spørsmål", added_removed))
    return out


def _intro(report: Report, old: str, new: str, seconds: float) -> str:
    same = (
        f" Merk: versjonen er ikke endret ({report.new_version} i begge); skriv en ny «versjon» i det nye."
        if report.old_version == report.new_version
        else ""
    )
    when = f" Vurdert per {report.date} (fristene avhenger av datoen; endre med --dato)." if report.date else ""
    return (
        f"Fra regelverk {report.old_version} ({old}) til {report.new_version} ({new}).{when} "
        f"Prøvd på alle {_plural(report.answer_sets, 'mulige svarsett', 'mulige svarsett')} "
        + f"på {f'{seconds:.1f}'.replace('.', ',')} s.{same}"
    )


def report_text(console: Console, report: Report, old: str, new: str, seconds: float) -> None:
    # Wrapped here at word boundaries, so that no line ends in a space (rich pads its tables),
    # and a rule's wrapped lines hang under its first word.
    width = max(console.width, 20)

    def say(text: str, indent: str = "", style: str = "") -> None:
        hang = " " * len(indent)
        lines = textwrap.wrap(
            text,
            width=width,
            initial_indent=indent,
            subsequent_indent=hang,
            break_on_hyphens=False,
            break_long_words=False,
        )
        for line in lines or [""]:
            console.print(
                f"[{style}]{escape(line)}[/{style}]" if style else escape(line), soft_wrap=True, highlight=False
            )

    say(_intro(report, old, new, seconds))
    if not report.changed:
        say("Ingen endringer for noen svar, og ingen endrede fakta.")
        return
    for heading, lines in _sections(report):
        console.print()
        say(heading, style="bold")
        for line in lines:
            if line.startswith("  - "):  # a rule
                say(line[4:], indent="  - ")
            else:
                say(line, indent="" if not line.startswith("  ") else "  ")


def report_markdown(report: Report, old: str, new: str, seconds: float) -> str:
    out = [
        f"## Endringer i regelverket: {report.old_version} → {report.new_version}",
        "",
        _intro(report, old, new, seconds),
        "",
    ]
    if not report.changed:
        return "\n".join([*out, "Ingen endringer for noen svar, og ingen endrede fakta.", ""])
    for heading, lines in _sections(report):
        out += [f"### {heading}", ""]
        for line in lines:
            out.append(f"  {line[2:]}" if line.startswith("  - ") else f"- {line}")
        out.append("")
    return "\n".join(out)


def report_json(report: Report, old: str, new: str) -> dict[str, Any]:
    return {
        "fra": {"kilde": old, "versjon": report.old_version},
        "til": {"kilde": new, "versjon": report.new_version},
        "svarsett": report.answer_sets,
        "endret": report.changed,
        "status": [
            {"ordning": c.scheme, "fra": c.before, "til": c.after, "svarsett": c.count, "naar": c.rules}
            for c in report.changes
            if c.what == "status"
        ],
        "rekkefolge": [
            {"fra": c.before, "til": c.after, "svarsett": c.count, "naar": c.rules}
            for c in report.changes
            if c.what == "rekkefølge"
        ],
        "sjekkliste": [
            {"fjernet": c.before, "ny": c.after, "svarsett": c.count, "naar": c.rules}
            for c in report.changes
            if c.what == "sjekkliste"
        ],
        "andre_muligheter": [
            {"fjernet": c.before, "ny": c.after, "svarsett": c.count, "naar": c.rules}
            for c in report.changes
            if c.what == "andre"
        ],
        "fakta": [{"ordning": s, "fakta": f, "fra": a, "til": b} for s, f, a, b in report.facts],
        "ordninger": {"nye": report.schemes_added, "fjernet": report.schemes_removed},
        "andre_muligheter_i_regelverket": {"nye": report.alternatives_added, "fjernet": report.alternatives_removed},
        "sporsmal": {
            "nye": report.questions_added,
            "fjernet": report.questions_removed,
            "verdier": [{"sporsmal": q, "nye": a, "fjernet": r} for q, a, r in report.values_changed],
        },
    }
