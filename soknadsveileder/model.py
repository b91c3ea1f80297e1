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

FundsKind: TypeAlias = Literal["igjen", "lyst_ut", "tildelt"]
#: What a funds figure is: money left of a year's budget, the sum a call announced, or the
#: sum a programme was granted for a year.
FUNDS_KINDS: Mapping[str, str] = {"igjen": "igjen", "lyst_ut": "lyst ut", "tildelt": "tildelt"}


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
    # `omtrentlig`: a number question whose help says an approximate number will do; typed
    # text such as «ca. 5» or «5,5» is read as the whole number below it (`answers.approximate`)
    approximate: bool = False

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
    """Money in a year: left of a budget (igjen), announced in a call (lyst_ut), or granted
    to the programme (tildelt)."""

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
    rolling: bool = False  # `lopende`: applications are taken as they come, with no closing date


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
    # `runder`: the scheme's rounds, oldest first. The engine evaluates the round in force on
    # the date (`engine.in_force`), as a copy of the scheme with the round's facts in place.
    rounds: tuple[Round, ...] = ()
    round: Round | None = None  # the round this copy of the scheme is for; None for the scheme itself
    _base: Scheme | None = None  # for a round's copy: the scheme itself

    def in_round(self, r: Round) -> Scheme:
        """The scheme as it was in one of its rounds.

        Rounds build on each other, oldest first: each round's facts, conditions, checklist
        and ranking replace what held before it, and the rest carries on from the round
        before (and, before the first, from the scheme itself). Notes and «etter fristen» say
        something about one round, so they never carry on: a round without them has the
        scheme's own.
        """
        view = self.base_of()
        for each in self.rounds:
            view = view._apply(each)
            if each is r:
                return view
        raise ValueError(f"runden {r.id} hører ikke til {self.id}")

    def base_of(self) -> Scheme:
        """The scheme as the rule base declares it, before any round."""
        return self._base if self._base is not None else self

    def _apply(self, r: Round) -> Scheme:
        replaced = {c.id: c for c in r.criteria}
        fields = set(r.fields)
        base = self.base_of()
        kept = tuple(e for e in self.evidence if e.field not in fields and e.field != "etter_fristen")
        after = () if "etter_fristen" in fields else tuple(e for e in base.evidence if e.field == "etter_fristen")
        evidence = kept + after + r.evidence
        return Scheme(
            id=self.id,
            name=self.name,
            description=r.description if r.description is not None else self.description,
            administrator=self.administrator,
            applicant_types=r.applicant[0] if r.applicant is not None else self.applicant_types,
            applicant_text=r.applicant[1] if r.applicant is not None else self.applicant_text,
            for_whom=r.for_whom if r.for_whom is not None else self.for_whom,
            nkr_levels=r.levels[0] if r.levels is not None else self.nkr_levels,
            level_text=r.levels[1] if r.levels is not None else self.level_text,
            funds=r.funds,
            deadline=r.deadline,
            criteria=tuple(replaced.get(c.id, c) for c in self.criteria),
            checklist=r.checklist if r.checklist is not None else self.checklist,
            sources=self.sources,
            history=self.history,
            after_deadline=r.after_deadline if r.after_deadline is not None else base.after_deadline,
            ranking=r.ranking if r.ranking is not None else self.ranking,
            notes=r.notes if r.notes is not None else base.notes,
            evidence=evidence,
            rounds=self.rounds,
            round=r,
            _base=self.base_of(),
        )


@record(eq=False)
class Round:
    """One round of a scheme (`runder`): a call or a funding period, and what held in it.

    A round is in force from `starts` until the next round starts. `announced` is the day
    its call was published, when that came later than `starts`: until then the deadline
    reads «ikke lyst ut ennå». `ends` is the last day of its period, when the sources give
    one; after the end of the last round, no round is known to be in force. Every field
    below `quote` is None (or empty) where the round keeps what the scheme says.
    """

    id: str
    label: str  # `navn`: «høsten 2021», «2024–2027»
    starts: dt.date
    funds: Funds
    deadline: Deadline
    source: Source
    quote: str
    announced: dt.date | None = None
    ends: dt.date | None = None
    description: str | None = None
    applicant: tuple[tuple[str, ...], str] | None = None
    for_whom: str | None = None
    levels: tuple[tuple[int, ...], str] | None = None
    after_deadline: str | None = None
    criteria: tuple[Criterion, ...] = ()  # replace the scheme's criteria with the same id
    checklist: tuple[str, ...] | None = None
    ranking: tuple[RankRule, ...] | None = None
    notes: tuple[Note, ...] | None = None
    evidence: tuple[Evidence, ...] = ()
    fields: tuple[str, ...] = ()  # the `EVIDENCE_FIELDS` this round sets itself


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
    # For a copy made by `engine.in_force`: the rule base as loaded, with every round.
    base: RuleBase | None = None

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


DeadlinePhase: TypeAlias = Literal[
    "aapen", "lopende", "ikke_lyst_ut", "kan_vaere_passert", "trolig_passert", "passert", "runde_over", "ukjent"
]


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
    ends: dt.date | None = None  # the last day of the round, for «runde_over»


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
    """A line of the result's checklist: a step, a warning, a fact to note (the money) or a source."""

    text: str
    kind: Literal["steg", "advarsel", "merknad", "kilde"] = "steg"
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
