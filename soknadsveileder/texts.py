"""Plain-text pieces shared by every output: the screen, Markdown, JSON and the tables.

No rich here, so the JSON commands do not pay for importing it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from . import engine
from .dates import long_date as long_date
from .model import (
    APPLICANT_TYPES,
    FUNDS_KINDS,
    AnswerValue,
    Assessment,
    DeadlineState,
    Funds,
    Note,
    Result,
    Round,
    RuleBase,
    Scheme,
    Source,
)
from .model import Status as Status

STATUS_LABEL = {Status.AKTUELL: "Aktuell", Status.KANSKJE: "Kanskje", Status.IKKE_AKTUELL: "Ikke aktuell"}


_PHASE = {"passert": "passert", "trolig_passert": "trolig passert", "kan_vaere_passert": "kan være passert"}
# Phases that say nothing of a date: a round not announced yet, one without a closing date,
# and one whose period is over.
_ROUND_PHASE = {"ikke_lyst_ut": "ikke lyst ut ennå", "lopende": "løpende", "runde_over": "runden er over"}


def deadline_text(d: DeadlineState) -> str:
    """'15. september 2021 kl. 17.00 (åpen, 14 dager igjen)'; no count to an approximate date."""
    if d.phase in _ROUND_PHASE:
        return f"{d.text} ({_ROUND_PHASE[d.phase]})"
    if d.date is None:
        return f"{d.text} (datoen er ukjent)"
    if d.phase in _PHASE:
        return f"{d.text} ({_PHASE[d.phase]})"
    if d.days_left is None and d.earliest is not None and not d.approximate:
        return f"{d.text} (åpen; kildene gir to datoer)"
    if d.days_left is None:
        return f"{d.text} (åpen; fristen er omtrentlig)"
    if d.days_left == 0:
        return f"{d.text} (i dag)"
    return f"{d.text} (åpen, {d.days_left} dager igjen)"


def deadline_phase(d: DeadlineState) -> str:
    """One or two words for a table cell: 'åpen', 'trolig passert', 'ukjent' …"""
    if d.phase in _ROUND_PHASE:
        return _ROUND_PHASE[d.phase]
    if d.date is None:
        return "ukjent"
    return _PHASE.get(d.phase, "åpen")


def later_mark(year: int, today_year: int) -> str:
    """' (senere)' for a fact from after the date a result is seen from, so that a result
    dated in 2021 does not present 2024 news as known."""
    return " (senere)" if year > today_year else ""


def funds_short(scheme: Scheme) -> str:
    """'ca. 7 mill. kr igjen', '20 mill. kr lyst ut' or 'ukjent'."""
    return _funds_short(scheme.funds)


def _funds_short(f: Funds) -> str:
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


def round_line(scheme: Scheme) -> str | None:
    """'Vurdert etter runden 2024–2027 (kilde: Parat24 2024)': which round a result rests on."""
    r = scheme.round
    if r is None:
        return None
    return f"Vurdert etter runden {r.label} (kilde: {short_citation(r.source)})."


def round_lines(scheme: Scheme, today: dt.date) -> list[tuple[Round, str]]:
    """Every round of a scheme as a line of its time line, oldest first, each with its
    period, deadline as seen from `today`, money, who applied where the round says, and
    its source; the round in force is marked, and a round after `today` is «(senere)»."""
    out = []
    for r in scheme.rounds:
        period = f"fra {long_date(r.starts)}" + (f" til {long_date(r.ends)}" if r.ends else "")
        funds = _funds_short(r.funds)
        money = f"{funds} ({r.funds.year})" if funds != "ukjent" else f"beløpet er ukjent ({r.funds.year})"
        parts = [f"{r.label} ({period})", f"frist {deadline_text(engine.round_deadline_state(r, today))}", money]
        if r.applicant is not None:
            parts.append(f"søker: {r.applicant[1]}")
        line = "; ".join(parts) + (" (senere)" if r.starts > today else "")
        if r is scheme.round:
            line += " – gjelder på datoen"
        out.append((r, f"{line} (kilde: {short_citation(r.source)})"))
    return out


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
            "Ingen ordning som passer, har en runde i kildene som er åpen nå. "
            f"Se «{earlier_heading(result)}» og «Andre muligheter»."
        )
    if any(a.status is Status.KANSKJE for a in assessments):
        return (
            "Ingen ordning passer sikkert ut fra svarene. Se hva som mangler, eller hva dere bør spørre om, "
            "under «Kanskje aktuelle»."
        )
    return f"Ingen av de {len(assessments)} ordningene passer ut fra svarene."


def earlier_heading(result: Result) -> str:
    """The heading for schemes that fitted, but whose last known round is over."""
    schemes = [result.assessment(sid) for sid in result.earlier]
    years = {_closing_year(a.deadline) for a in schemes}
    if len(years) == 1 and None not in years:
        return f"Passet i {years.pop()} – runden er over"
    return "Passet tidligere – runden er over"


def _closing_year(d: DeadlineState) -> int | None:
    if d.phase == "runde_over" and d.ends is not None:
        return d.ends.year
    return d.date.year if d.date is not None else None


EARLIER_INTRO = (
    "Disse ordningene passer til svarene, men runden som gjaldt på datoen, er over. Det betyr ikke at ordningen er "
    "lagt ned: se «Etter fristen» ved hver av dem for hva kildene sier, og spør forvalteren om det kommer en ny "
    "runde."
)


def note_line(note: Note, today_year: int) -> str:
    """A note with its source: 'Tekst (kilde: Kompetanse Norge 2021)'."""
    return f"{note.text}{later_mark(note.source.year, today_year)} (kilde: {short_citation(note.source)})"


def status_cell(a: Assessment) -> str:
    """A scheme's status in a spreadsheet cell, with its deadline when that has passed or may
    have: 'aktuell (frist passert 2021)'. An adviser filters on it and mails the file on, so
    the cell itself must say that a 2021 call cannot be applied to."""
    return a.status.value + _deadline_mark(a)


#: The result's columns (besides the schemes) as a workbook names them for people.
RESULT_COLUMNS = {
    "nr": "Nr.",
    "linje": "Rad i listen",
    "id": "Id",
    "navn": "Navn",
    "ok": "Vurdert",
    "anbefalte": "Anbefalt",
    "passet_tidligere": "Passet tidligere (runden er over)",
    "mangler": "Mangler svar på",
    "feil": "Feil",
}
ABOUT = "Om resultatet"  # the workbook's sheet of notes, and the start of CSV's note cell

#: A status as a person reads it in a workbook; the values stay in the JSON and the CSV.
STATUS_WORDS = {Status.AKTUELL: "Passer", Status.KANSKJE: "Kanskje", Status.IKKE_AKTUELL: "Passer ikke"}


def status_words_cell(a: Assessment) -> str:
    """The same for people: 'Passer (frist passert 2021)'."""
    return STATUS_WORDS[a.status] + _deadline_mark(a)


def _deadline_mark(a: Assessment) -> str:
    d = a.deadline
    if a.status is Status.IKKE_AKTUELL:
        return ""
    if d.phase == "runde_over" and d.ends is not None:
        return f" (runden over {d.ends.year})"
    if d.phase == "ikke_lyst_ut":
        return " (ikke lyst ut ennå)"
    if d.phase not in _PHASE or d.date is None:
        return ""
    return f" (frist {_PHASE[d.phase]} {d.date.year})"


def about_result(rules: RuleBase, today: dt.date) -> list[str]:
    """What a result file says about itself: the rule base, the date, the warnings, and
    what happened after each deadline that has passed. Written into the file, since an
    adviser mails the file and the messages on the screen stay behind."""
    lines = [
        f"Vurdert {today.isoformat()} med regelverk {rules.version} (oppdatert {rules.updated.isoformat()}).",
        *engine.rule_base_warnings(rules, today),
    ]
    for s in engine.in_force(rules, today).schemes:
        d = engine.deadline_state(s, today)
        line = (
            f"{s.name}: " + (f"runden {s.round.label}, " if s.round is not None else "") + f"frist {deadline_text(d)}."
        )
        lines.append(line + (f" Etter fristen: {s.after_deadline}" if d.passed else ""))
    alternatives = [f"Andre muligheter: {alt.name}: {alt.text}" for alt in rules.alternatives]
    lines += alternatives
    lines.append(
        "«anbefalte» viser ordninger dere kan gjøre noe med nå; «passet_tidligere» viser ordninger som passer, "
        "men der den siste runden kildene viser, er over."
    )
    return lines
