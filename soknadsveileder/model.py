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

from .record import record

AnswerValue: TypeAlias = str | tuple[str, ...] | bool | int | None
"""A parsed answer: a choice value, several choice values (a question with `flervalg`, in the
order of the question's choices), a yes/no, a whole number, or None for unknown."""

Answers: TypeAlias = Mapping[str, AnswerValue]
"""Question id -> parsed value. A key that is present with None means "vet ikke"."""

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


@record(eq=False)
class Choice:
    """One value of a choice question, and the label users see."""

    value: str
    label: str


@record(eq=False)
class Question:
    """A question of the guide, as the rule base declares it."""

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
    # `forkast_svar_fra`: versions whose saved answers to this question are set aside,
    # because the question then asked something else
    discard_from: tuple[str, ...] = ()

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

    def value_for(self, typed: str) -> str:
        """The choice a person meant by what they typed in a spreadsheet cell, or the text
        as it was when nothing matches (the parser then says what is allowed).

        The id or the label, in any case and spacing, with æ, ø and å where the id has ae, o
        and a: «Industri», «BYGG», «høyere», «ufaglært» and «Maritim sektor» all work.
        """
        wanted = _loose(typed)
        for choice in self.choices:
            if wanted in (_loose(choice.value), _loose(choice.label)):
                return choice.value
        return typed

    def known_values(self) -> tuple[AnswerValue, ...]:
        """Every known value of a choice or yes/no question; empty for numbers."""
        if self.type == "valg":
            return tuple(c.value for c in self.choices)
        if self.type == "ja_nei":
            return (True, False)
        return ()


_ASCII = str.maketrans({"æ": "ae", "ø": "o", "å": "a"})


def _loose(text: str) -> str:
    """Text as the ids are written: lower case, single spaces, æøå as in the ids."""
    return " ".join(text.casefold().split()).translate(_ASCII)


# The rule base's classes are `record`s (see record.py: frozen dataclasses without generated
# code, for start-up); the engine's per-evaluation results are stdlib dataclasses. Things
# with an identity (a question, a source, a scheme, an assessment) compare by identity
# (`eq=False`): two sources with the same text are still two sources. Values (the
# conditions, funds, deadlines, checklist lines) compare by value.

# --- Conditions -------------------------------------------------------------------------
# Conditions are typed data over answer ids. The engine evaluates them with Kleene
# three-valued logic: True, False, or None when an answer they need is unknown.


@record
class Equals:
    """The answer is this value; for several values, one of them is."""

    question: str
    value: str | bool


@record
class OneOf:
    """The answer is one of these values; for several values, at least one is."""

    question: str
    values: frozenset[str]


@record
class Between:
    """A whole-number answer within [minimum, maximum]; a missing bound is open."""

    question: str
    minimum: int | None
    maximum: int | None


@record
class Answered:
    """Whether a question has a known answer. Never unknown itself."""

    question: str
    answered: bool


@record
class AllOf:
    """Every part holds (Kleene: false wins over unknown)."""

    items: tuple[Condition, ...]


@record
class AnyOf:
    """At least one part holds (Kleene: true wins over unknown)."""

    items: tuple[Condition, ...]


@record
class Not:
    """The part does not hold; unknown stays unknown."""

    item: Condition


Condition: TypeAlias = Equals | OneOf | Between | Answered | AllOf | AnyOf | Not


def condition_questions(condition: Condition) -> frozenset[str]:
    """Every question id a condition reads."""
    if isinstance(condition, AllOf | AnyOf):
        return frozenset().union(*(condition_questions(c) for c in condition.items))
    if isinstance(condition, Not):
        return condition_questions(condition.item)
    return frozenset({condition.question})


@record(eq=False)
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
        return f"{self.name}, {self.url}" if self.url else self.name

    @property
    def name(self) -> str:
        """'Publisher (2021): Title', without the address."""
        return f"{self.publisher} ({self.year}): {self.title}"


@record(eq=False)
class Unclear:
    """Answers for which the sources neither include nor exclude a company.

    A criterion that fails for such answers makes the scheme ``kanskje`` instead of
    ``ikke_aktuell``, with `text` saying what the company should ask. A criterion may have
    several, each for its own answers and with its own advice.
    """

    when: Condition
    text: str
    source: Source
    quote: str


@record(eq=False)
class Note:
    """A `merknad`: a remark on a scheme, with its source and the words that support it."""

    text: str
    source: Source
    quote: str


#: The scheme facts that `belegg` entries back, by their YAML keys, with their labels.
EVIDENCE_FIELDS: Mapping[str, str] = {
    "beskrivelse": "Beskrivelse",
    "soker": "Hvem søker",
    "for_hvem": "For hvem",
    "nivaa": "Nivå",
    "midler": "Midler",
    "frist": "Frist",
    "etter_fristen": "Etter fristen",
}


@record(eq=False)
class Evidence:
    """A `belegg`: the words of a source behind one of a scheme's facts (`EVIDENCE_FIELDS`)."""

    field: str
    source: Source
    quote: str


@record(eq=False)
class Criterion:
    """One eligibility condition of a scheme, with the texts shown to the user."""

    id: str
    condition: Condition
    holds_text: str
    fails_text: str
    requirement: str  # phrased to follow "blir aktuell hvis …"
    source: Source
    quote: str  # `sitat`: the words of the source that the condition rests on
    unclear: tuple[Unclear, ...] = ()


@record(eq=False)
class RankRule:
    """Points for the ranking of recommended schemes, with the reason shown as ★."""

    when: Condition
    points: int
    text: str
    source: Source
    quote: str


@record
class Funds:
    """Money in a year: left of a budget (igjen) or announced in a call (lyst_ut)."""

    amount: int | None  # NOK; None when the sources do not say
    year: int
    approximate: bool
    kind: FundsKind = "igjen"


@record
class Deadline:
    """An application deadline; `date` is None when the sources give none.

    `earliest` is set when the sources disagree: the deadline may have been as early as
    that date, and was no later than `date`. Between the two it may have passed.
    """

    date: dt.date | None
    approximate: bool
    text: str
    earliest: dt.date | None = None


@record(eq=False)
class HistoryEntry:
    """Something the sources say happened to a scheme in a year."""

    year: int
    text: str
    source: Source
    quote: str


@record(eq=False)
class ChecklistItem:
    """A step of the checklist, shown when its condition holds."""

    id: str
    text: str
    source: Source
    quote: str
    when: Condition | None = None


@record(eq=False)
class Alternative:
    """A scheme outside the rule base's own, shown when none of those can be used."""

    id: str
    name: str
    text: str
    source: Source
    quote: str
    when: Condition | None = None


@record(eq=False)
class Scheme:
    """A funding scheme: who it is for, its facts, conditions, checklist and sources."""

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
    notes: tuple[Note, ...] = ()
    evidence: tuple[Evidence, ...] = ()  # `belegg`: the sources of the facts above
    # `senere_utlysning`: the year of the latest call after `deadline` that the history
    # shows, or None. A scheme that fits, whose deadline has passed and that has no later
    # call known on the date of the result, is no longer recommended (`Result.earlier`).
    later_call: int | None = None
    # `kjent_til`: the last year the sources show the scheme funded or open, if they say. From
    # the year after it, no open call is known, and the scheme is no longer recommended.
    known_until: int | None = None


@record(eq=False)  # hashed by identity, so per-rule-base work can be cached
class RuleBase:
    """Everything in data/schemes.yaml, checked."""

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


DeadlinePhase: TypeAlias = Literal["aapen", "kan_vaere_passert", "trolig_passert", "passert", "ukjent"]


@dataclass(frozen=True)
class DeadlineState:
    """A deadline seen from a date.

    `passed` is True once the latest possible date is behind us, also when that date was
    only approximate; `phase` says how sure that is. `days_left` is counted only to an
    exact date.
    """

    date: dt.date | None
    passed: bool | None
    days_left: int | None
    approximate: bool
    text: str
    phase: DeadlinePhase = "ukjent"
    earliest: dt.date | None = None


@dataclass(frozen=True, eq=False)
class Assessment:
    """How one scheme fits one set of answers, and why."""

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
    """A line of the result's checklist: a step, a warning or a source."""

    text: str
    kind: Literal["steg", "advarsel", "kilde"] = "steg"
    item: str | None = None  # the `sjekkpunkter` id of a step
    source: Source | None = None  # the source of a «kilde» line


@dataclass(frozen=True, eq=False)
class Result:
    """Everything the engine says about one set of answers on one date."""

    date: dt.date
    assessments: tuple[Assessment, ...]
    recommended: tuple[str, ...]  # fit, and can still be acted on: best first
    missing: tuple[str, ...]
    checklist: tuple[ChecklistEntry, ...]
    warnings: tuple[str, ...]  # about the rule base as a whole: stale, every deadline passed
    alternatives: tuple[Alternative, ...] = ()  # when no recommended scheme has an open deadline
    # Schemes that fit, but whose deadline has passed with no later call known: best first.
    earlier: tuple[str, ...] = ()

    def assessment(self, scheme_id: str) -> Assessment:
        for a in self.assessments:
            if a.scheme.id == scheme_id:
                return a
        raise KeyError(scheme_id)
