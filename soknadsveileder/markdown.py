"""The result and checklist as a Markdown document, for `soknad veileder --sjekkliste`.

It carries everything the result screen shows: reasons with their sources, notes, what
happened after a passed deadline, and the other possibilities.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .engine import ANSWER_PREFIX
from .model import AnswerValue, Assessment, Result, RuleBase, Status
from .texts import (
    EARLIER_INTRO,
    answers_lines,
    deadline_text,
    earlier_heading,
    first_failure,
    funds_text,
    later_mark,
    note_line,
    nothing_fits,
    question_texts,
    round_line,
    short_citation,
)

_PREFIX = {"steg": "- [ ] ", "advarsel": "- **Advarsel:** ", "merknad": "- Merk: ", "kilde": "- Kilde: "}


def _details(a: Assessment, today_year: int) -> list[str]:
    shown = round_line(a.scheme)
    out = [f"- {shown}"] if shown is not None else []
    out.append(f"- Frist: {deadline_text(a.deadline)}")
    if a.deadline.passed:
        out.append(f"- Etter fristen: {a.scheme.after_deadline}")
    out += [f"- Midler: {funds_text(a.scheme)}", f"- Hvem søker: {a.scheme.applicant_text}"]
    out += [f"- Merknad: {note_line(n, today_year)}" for n in a.scheme.notes]
    out.append("- Kilder: " + "; ".join(s.citation for s in a.sources))
    return out


def result_markdown(
    rules: RuleBase, result: Result, answers: Mapping[str, AnswerValue], since: Mapping[str, Any] | None = None
) -> str:
    out = [
        "# Søkeveileder: resultat",
        "",
        f"Vurdert {result.date.isoformat()} med regelverk {rules.version} (oppdatert {rules.updated.isoformat()}).",
        "",
    ]
    for w in result.warnings:
        out += [f"> **Advarsel:** {w}", ""]
    if since is not None:
        out += ["## Siden svarene ble lagret", ""]
        out += [f"- {line}" for line in [*since["tekst"], *since["merknader"]]]
        out.append("")
    out += ["## Svar", ""]
    out += [f"- {q} **{a}**" if q.endswith("?") else f"- {q}: **{a}**" for q, a in answers_lines(rules, answers)]
    out += ["", "## Anbefalte ordninger", ""]
    if not result.recommended:
        out += [nothing_fits(result), ""]
    for rank, sid in enumerate(result.recommended, 1):
        a = result.assessment(sid)
        out += [f"### {rank}. {a.scheme.name}", ""]
        out += [f"- ✓ {r}" for r in a.reasons] + [f"- ★ {r}" for r in a.score_reasons]
        out += [*_details(a, result.date.year), ""]
    if result.earlier:
        out += [f"## {earlier_heading(result)}", "", EARLIER_INTRO, ""]
        for sid in result.earlier:
            a = result.assessment(sid)
            out += [f"### {a.scheme.name}", ""]
            out += [f"- ✓ {r}" for r in a.reasons]
            out += [*_details(a, result.date.year), ""]
    maybe = [a for a in result.assessments if a.status is Status.KANSKJE]
    if maybe:
        out += ["## Kanskje aktuelle", ""]
        for a in maybe:
            out += [f"### {a.scheme.name}", ""]
            out += [f"- {c}" for c in a.changes if not c.startswith(ANSWER_PREFIX)]
            if a.unknown:
                out.append("- Svar på: " + "; ".join(question_texts(rules, a.unknown)))
            out += [*_details(a, result.date.year), ""]
    no = [a for a in result.assessments if a.status is Status.IKKE_AKTUELL]
    if no:
        out += ["## Passer ikke", ""]
        for a in no:
            reason, source = first_failure(a)
            out.append(f"- **{a.scheme.name}**: {reason} (kilde: {short_citation(source)})")
            if a.deadline.passed:
                out.append(f"  - Etter fristen: {a.scheme.after_deadline}")
        out.append("")
    if result.alternatives:
        out += ["## Andre muligheter", ""]
        year = result.date.year
        out += [
            f"- **{alt.name}**: {alt.text}{later_mark(alt.source.year, year)} (kilde: {alt.source.citation})"
            for alt in result.alternatives
        ]
        out.append("")
    out += ["## Sjekkliste", ""]
    later = " Avklar først det som står under «Kanskje aktuelle»." if maybe else ""
    out += [_PREFIX[e.kind] + e.text for e in result.checklist] or [
        "Ingen sjekkliste, siden ingen ordning er anbefalt." + later
    ]
    return "\n".join(out) + "\n"
