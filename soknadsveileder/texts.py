"""Plain-text pieces shared by every output: the screen, Markdown, JSON and the tables.

No rich here, so the JSON commands do not pay for importing it.
"""

from __future__ import annotations

from collections.abc import Mapping

from . import engine
from .model import APPLICANT_TYPES, FUNDS_KINDS, AnswerValue, Assessment, DeadlineState, RuleBase, Scheme, Source
from .model import Status as Status

STATUS_LABEL = {Status.AKTUELL: "Aktuell", Status.KANSKJE: "Kanskje", Status.IKKE_AKTUELL: "Ikke aktuell"}


def deadline_text(d: DeadlineState) -> str:
    """'midten av september 2021 (åpen, omtrent 14 dager igjen)'."""
    if d.date is None:
        return f"{d.text} (datoen er ukjent)"
    if d.passed:
        return f"{d.text} (passert)"
    if d.days_left == 0:
        return f"{d.text} (i dag)"
    about = "omtrent " if d.approximate else ""
    return f"{d.text} (åpen, {about}{d.days_left} dager igjen)"


def funds_short(scheme: Scheme) -> str:
    """'ca. 7 mill. kr igjen', '20 mill. kr lyst ut' or 'ukjent'."""
    f = scheme.funds
    if f.amount is None:
        return "ukjent"
    return ("ca. " if f.approximate else "") + engine.format_nok(f.amount) + " " + FUNDS_KINDS[f.kind]


def funds_text(scheme: Scheme) -> str:
    """The funds with their year: 'ca. 7 mill. kr igjen (2021)'."""
    return f"{funds_short(scheme)} ({scheme.funds.year})"


def applicant_labels(scheme: Scheme) -> str:
    return ", ".join(APPLICANT_TYPES.get(t, t) for t in scheme.applicant_types)


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


def nothing_fits(assessments: tuple[Assessment, ...]) -> str:
    """The sentence for a result with no recommended scheme, true to why."""
    if any(a.status is Status.KANSKJE for a in assessments):
        return "Ingen ordning passer sikkert ut fra svarene. Se hva som mangler under «Kanskje aktuelle»."
    return f"Ingen av de {len(assessments)} ordningene passer ut fra svarene."
