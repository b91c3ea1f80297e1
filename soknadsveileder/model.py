"""The domain model: a rule base of questions and schemes, answers, and assessments.

Everything here is an immutable value. The loader (`rules.py`) builds it from YAML, the
engine (`engine.py`) reads it, and nothing mutates it afterwards.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Literal, TypeAlias

AnswerValue: TypeAlias = str | tuple[str, ...] | bool | int | None
"""A parsed answer: a choice value, several choice values (a question with `flervalg`, in the
order of the question's choices), a yes/no, a whole number, or None for unknown."""

QuestionType: TypeAlias = Literal["valg", "ja_nei", "tall"]

#: Applicant kinds a scheme may name. Keys are data ids, values the labels users see.
APPLICANT_TYPES: Mapping[str, str] = {
    "fagskole": "Fagskole",
    "universitet": "Universitet",
    "hogskole": "Høgskole",
    "fylkeskommune": "Fylkeskommune",
    "studieforbund": "Studieforbund",
    "utdanningsinstitusjon": "Utdanningsinstitusjon",
    "annen": "Annen tilbyder",
}

FundsKind: TypeAlias = Literal["igjen", "lyst_ut"]
#: What a funds figure is: money left of a year's budget, or the sum a call announced.
FUNDS_KINDS: Mapping[str, str] = {"igjen": "igjen", "lyst_ut": "lyst ut"}


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


@dataclass(frozen=True)
class Question:
    id: str
    type: QuestionType
    text: str
    help: str
    allow_unknown: bool
    choices: tuple[Choice, ...] = ()
    minimum: int | None = None
    maximum: int | None = None
    when: Condition | None = None
    multiple: bool = False  # `flervalg`: a choice question that takes one or more values

    def label_for(self, value: AnswerValue) -> str:
        """The human label of an answer value, as shown in review and result screens."""
        if value is None:
            return "Vet ikke"
        if self.type == "ja_nei":
            return "Ja" if value else "Nei"
        if isinstance(value, tuple):
            return ", ".join(self.label_for(v) for v in value)
        for choice in self.choices:
            if choice.value == value:
                return choice.label
        return str(value)

    def known_values(self) -> tuple[AnswerValue, ...]:
        """Every known value of a choice or yes/no question; empty for numbers."""
        if self.type == "valg":
            return tuple(c.value for c in self.choices)
        if self.type == "ja_nei":
            return (True, False)
        return ()


# --- Conditions -------------------------------------------------------------------------
# Conditions are typed data over answer ids. The engine evaluates them with Kleene
# three-valued logic: True, False, or None when an answer they need is unknown.


@dataclass(frozen=True)
class Equals:
    question: str
    value: str | bool


@dataclass(frozen=True)
class OneOf:
    question: str
    values: frozenset[str]


@dataclass(frozen=True)
class Between:
    """A whole-number answer within [minimum, maximum]; a missing bound is open."""

    question: str
    minimum: int | None
    maximum: int | None


@dataclass(frozen=True)
class Answered:
    """Whether a question has a known answer. Never unknown itself."""

    question: str
    answered: bool


@dataclass(frozen=True)
class AllOf:
    items: tuple[Condition, ...]


@dataclass(frozen=True)
class AnyOf:
    items: tuple[Condition, ...]


@dataclass(frozen=True)
class Not:
    item: Condition


Condition: TypeAlias = Equals | OneOf | Between | Answered | AllOf | AnyOf | Not


def condition_questions(condition: Condition) -> frozenset[str]:
    """Every question id a condition reads."""
    if isinstance(condition, AllOf | AnyOf):
        return frozenset().union(*(condition_questions(c) for c in condition.items))
    if isinstance(condition, Not):
        return condition_questions(condition.item)
    return frozenset({condition.question})


@dataclass(frozen=True)
class Source:
    """Where a fact comes from. `url` is the page itself, or None when no page is known."""

    id: str
    title: str
    publisher: str
    year: int
    url: str | None = None
    note: str | None = None

    @property
    def citation(self) -> str:
        """'Publisher (2021): Title', plus the address when there is one."""
        text = f"{self.publisher} ({self.year}): {self.title}"
        return f"{text}, {self.url}" if self.url else text


@dataclass(frozen=True)
class Unclear:
    """Answers for which the sources neither include nor exclude a company.

    A criterion that fails for such answers makes the scheme ``kanskje`` instead of
    ``ikke_aktuell``, with `text` saying what the company should ask.
    """

    when: Condition
    text: str
    source: Source


@dataclass(frozen=True)
class Criterion:
    """One eligibility condition of a scheme, with the texts shown to the user."""

    id: str
    condition: Condition
    holds_text: str
    fails_text: str
    requirement: str  # phrased to follow "blir aktuell hvis …"
    source: Source
    unclear: Unclear | None = None


@dataclass(frozen=True)
class RankRule:
    when: Condition
    points: int
    text: str


@dataclass(frozen=True)
class Funds:
    amount: int | None  # NOK; None when the sources do not say
    year: int
    approximate: bool
    kind: FundsKind = "igjen"


@dataclass(frozen=True)
class Deadline:
    date: dt.date | None
    approximate: bool
    text: str


@dataclass(frozen=True)
class HistoryEntry:
    year: int
    text: str
    source: Source


@dataclass(frozen=True)
class ChecklistItem:
    id: str
    text: str
    when: Condition | None = None
    source: Source | None = None


@dataclass(frozen=True)
class Alternative:
    """A scheme outside the rule base's own, shown when none of those can be used."""

    id: str
    name: str
    text: str
    source: Source
    when: Condition | None = None


@dataclass(frozen=True)
class Scheme:
    id: str
    name: str
    description: str
    administrator: str
    applicant_types: tuple[str, ...]
    applicant_text: str
    for_whom: str
    nkr_levels: tuple[int, ...]
    level_text: str
    funds: Funds
    deadline: Deadline
    criteria: tuple[Criterion, ...]
    checklist: tuple[str, ...]
    sources: tuple[Source, ...]
    history: tuple[HistoryEntry, ...]
    after_deadline: str  # what the sources say happened next, and where to look now
    ranking: tuple[RankRule, ...] = ()
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, eq=False)  # hashed by identity, so per-rule-base work can be cached
class RuleBase:
    version: str
    updated: dt.date
    questions: tuple[Question, ...]
    schemes: tuple[Scheme, ...]
    checklist_items: Mapping[str, ChecklistItem]
    sources: Mapping[str, Source]
    alternatives: tuple[Alternative, ...] = ()
    path: Path | None = None

    def question(self, question_id: str) -> Question:
        for q in self.questions:
            if q.id == question_id:
                return q
        raise KeyError(question_id)

    def scheme(self, scheme_id: str) -> Scheme:
        for s in self.schemes:
            if s.id == scheme_id:
                return s
        raise KeyError(scheme_id)


# --- Results ----------------------------------------------------------------------------


class Status(StrEnum):
    AKTUELL = "aktuell"
    KANSKJE = "kanskje"
    IKKE_AKTUELL = "ikke_aktuell"


@dataclass(frozen=True)
class DeadlineState:
    date: dt.date | None
    passed: bool | None
    days_left: int | None
    approximate: bool
    text: str


@dataclass(frozen=True)
class Assessment:
    scheme: Scheme
    status: Status
    reasons: tuple[str, ...]
    changes: tuple[str, ...]  # what would make the scheme fit; empty when it already does
    unknown: tuple[str, ...]  # question ids whose answers this scheme still waits for
    deadline: DeadlineState
    score: int
    score_reasons: tuple[str, ...] = ()
    unclear: tuple[str, ...] = ()  # what to ask where the sources neither include nor exclude
    sources: tuple[Source, ...] = ()  # the sources of the reasons, each once


@dataclass(frozen=True)
class ChecklistEntry:
    text: str
    kind: Literal["steg", "advarsel", "kilde"] = "steg"
    item: str | None = None  # the `sjekkpunkter` id of a step


@dataclass(frozen=True)
class Result:
    date: dt.date
    assessments: tuple[Assessment, ...]
    recommended: tuple[str, ...]
    missing: tuple[str, ...]
    checklist: tuple[ChecklistEntry, ...]
    warnings: tuple[str, ...]  # about the rule base as a whole: stale, every deadline passed
    alternatives: tuple[Alternative, ...] = ()  # when no recommended scheme has an open deadline

    def assessment(self, scheme_id: str) -> Assessment:
        for a in self.assessments:
            if a.scheme.id == scheme_id:
                return a
        raise KeyError(scheme_id)
