"""Plain-text pieces shared by every output: the screen, Markdown, JSON and the tables.

No rich here, so the JSON commands do not pay for importing it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from . import engine
from .model import (
    APPLICANT_TYPES,
    FUNDS_KINDS,
    AnswerValue,
    Assessment,
    DeadlineState,
    Note,
    Result,
    RuleBase,
    Scheme,
    Source,
)
from .model import Status as Status

STATUS_LABEL = {Status.AKTUELL: "Aktuell", Status.KANSKJE: "Kanskje", Status.IKKE_AKTUELL: "Ikke aktuell"}


_PHASE = {"passert": "passert", "trolig_passert": "trolig passert", "kan_vaere_passert": "kan være passert"}


def deadline_text(d: DeadlineState) -> str:
    """'15. september 2021 kl. 17.00 (åpen, 14 dager igjen)'; no count to an approximate date."""
    if d.date is None:
        return f"{d.text} (datoen er ukjent)"
    if d.phase in _PHASE:
        return f"{d.text} ({_PHASE[d.phase]})"
    if d.days_left is None:
        return f"{d.text} (åpen; fristen er omtrentlig)"
    if d.days_left == 0:
        return f"{d.text} (i dag)"
    return f"{d.text} (åpen, {d.days_left} dager igjen)"


def deadline_phase(d: DeadlineState) -> str:
    """One or two words for a table cell: 'åpen', 'trolig passert', 'ukjent' …"""
    if d.date is None:
        return "ukjent"
    return _PHASE.get(d.phase, "åpen")


def later_mark(year: int, today_year: int) -> str:
    """' (senere)' for a fact from after the date a result is seen from, so that a result
    dated in 2021 does not present 2024 news as known."""
    return " (senere)" if year > today_year else ""


def funds_short(scheme: Scheme) -> str:
    """'ca. 7 mill. kr igjen', '20 mill. kr lyst ut' or 'ukjent'."""
    f = scheme.funds
    if f.amount is None:
        return "ukjent"
    return ("ca.\u00a0" if f.approximate else "") + engine.format_nok(f.amount) + " " + FUNDS_KINDS[f.kind]


def funds_text(scheme: Scheme) -> str:
    """The funds with their year: 'ca. 7 mill. kr igjen (2021)'."""
    return f"{funds_short(scheme)} ({scheme.funds.year})"


def applicant_labels(scheme: Scheme) -> str:
    """'universitet eller høgskole': the kinds of applicant, in the flow of a sentence."""
    labels = [APPLICANT_TYPES.get(t, t).lower() for t in scheme.applicant_types]
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " eller " + labels[-1]


def nkr_text(levels: tuple[int, ...]) -> str:
    """(4, 5, 6, 7) -> 'NKR 4–7'; (4, 6) -> 'NKR 4, 6'."""
    ordered = sorted(levels)
    if len(ordered) > 1 and ordered == list(range(ordered[0], ordered[-1] + 1)):
        return f"NKR {ordered[0]}–{ordered[-1]}"
    return "NKR " + ", ".join(map(str, ordered))


def short_citation(source: Source) -> str:
    """'Norsk Industri 2021', for a reason's source inline."""
    return f"{source.publisher} {source.year}"


def first_failure(a: Assessment) -> tuple[str, Source]:
    """The one-line reason a scheme does not fit, and its source: its first failing condition."""
    for reason, criterion in zip(a.reasons, a.scheme.criteria, strict=True):
        if reason == criterion.fails_text:
            return reason, criterion.source
    return a.reasons[0], a.scheme.criteria[0].source


def answers_lines(rules: RuleBase, answers: Mapping[str, AnswerValue]) -> list[tuple[str, str]]:
    """(question text, answer label) for every answered question, in rule-base order."""
    return [(q.text, q.label_for(answers[q.id])) for q in rules.questions if q.id in answers]


def question_texts(rules: RuleBase, ids: tuple[str, ...]) -> list[str]:
    """People read questions, not ids: the texts of unanswered questions."""
    return [rules.question(q).text for q in ids]


def nothing_fits(result: Result) -> str:
    """The sentence for a result with no recommended scheme, true to why."""
    assessments = result.assessments
    if result.earlier:
        return (
            "Ingen ordning som passer, har åpen frist eller en senere utlysning i kildene. "
            f"Se «{earlier_heading(result)}» og «Andre muligheter»."
        )
    if any(a.status is Status.KANSKJE for a in assessments):
        return (
            "Ingen ordning passer sikkert ut fra svarene. Se hva som mangler, eller hva dere bør spørre om, "
            "under «Kanskje aktuelle»."
        )
    return f"Ingen av de {len(assessments)} ordningene passer ut fra svarene."


def earlier_heading(result: Result) -> str:
    """The heading for schemes that fitted, but whose call closed with no later one known."""
    schemes = [result.assessment(sid) for sid in result.earlier]
    years = {a.deadline.date.year for a in schemes if a.deadline.date is not None}
    if len(years) == 1 and all(a.scheme.later_call is None for a in schemes):
        return f"Passet i {years.pop()} – ingen senere utlysning funnet"
    return "Passet tidligere – ingen åpen utlysning funnet"


EARLIER_INTRO = (
    "Disse ordningene passer til svarene, men fristen er passert, og kildene viser ingen utlysning som gjelder "
    "nå. Dere kan ikke søke på dem nå; se «Etter fristen» ved hver av dem."
)


def note_line(note: Note, today_year: int) -> str:
    """A note with its source: 'Tekst (kilde: Kompetanse Norge 2021)'."""
    return f"{note.text}{later_mark(note.source.year, today_year)} (kilde: {short_citation(note.source)})"


def status_cell(a: Assessment) -> str:
    """A scheme's status in a spreadsheet cell, with its deadline when that has passed or may
    have: 'aktuell (frist passert 2021)'. An adviser filters on it and mails the file on, so
    the cell itself must say that a 2021 call cannot be applied to."""
    d = a.deadline
    if a.status is Status.IKKE_AKTUELL or d.date is None or d.phase == "aapen":
        return a.status.value
    return f"{a.status.value} (frist {_PHASE[d.phase]} {d.date.year})"


def about_result(rules: RuleBase, today: dt.date) -> list[str]:
    """What a result file says about itself: the rule base, the date, the warnings, and
    what happened after each deadline that has passed. Written into the file, since an
    adviser mails the file and the messages on the screen stay behind."""
    lines = [
        f"Vurdert {today.isoformat()} med regelverk {rules.version} (oppdatert {rules.updated.isoformat()}).",
        *engine.rule_base_warnings(rules, today),
    ]
    for s in rules.schemes:
        d = engine.deadline_state(s, today)
        line = f"{s.name}: frist {deadline_text(d)}."
        lines.append(line + (f" Etter fristen: {s.after_deadline}" if d.passed else ""))
    alternatives = [f"Andre muligheter: {alt.name}: {alt.text}" for alt in rules.alternatives]
    lines += alternatives
    lines.append(
        "«anbefalte» viser ordninger dere kan gjøre noe med nå; «passet_tidligere» viser ordninger som passer, "
        "men der fristen er passert uten at kildene viser en utlysning som gjelder nå."
    )
    return lines
