"""Every possible set of answers to a rule base (or to two of them), for checks that must
hold for all: `soknad endringer`, the lint in `soknad valider`, and the diagram.

Each choice question takes every value and "unknown"; a `flervalg` question takes every
non-empty set of values; a number takes one value from each interval between the bounds of
the conditions that read it (nothing else can change a result), and "unknown". The space is
small: 11 520 answer sets for the shipped rule base.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from .model import AllOf, AnswerValue, AnyOf, Between, Condition, Not, Question, RuleBase


@dataclass(frozen=True)
class Dimension:
    """One question of the space and the values it takes (None is "unknown")."""

    id: str
    values: tuple[AnswerValue, ...]
    question: Question

    def label(self, value: AnswerValue) -> str:
        """A value as a person reads it in a report: «industri+maritim», «1–4», «ukjent»."""
        if value is None:
            return "ukjent"
        if isinstance(value, tuple):
            return "+".join(value)
        if isinstance(value, bool):
            return "ja" if value else "nei"
        if isinstance(value, int) and self.question.type == "tall":
            return _interval_label(self, value)
        return str(value)


def _interval_label(dim: Dimension, value: int) -> str:
    numbers = sorted(v for v in dim.values if isinstance(v, int) and not isinstance(v, bool))
    i = numbers.index(value)
    high = numbers[i + 1] - 1 if i + 1 < len(numbers) else dim.question.maximum
    if high == value:
        return str(value)
    return f"{value}–{high}" if high is not None else f"{value} eller mer"


def all_conditions(rules: RuleBase) -> list[Condition]:
    criteria = [c for s in rules.schemes for c in (*s.criteria, *(c for r in s.rounds for c in r.criteria))]
    ranking = [x for s in rules.schemes for x in (*s.ranking, *(x for r in s.rounds for x in r.ranking or ()))]
    conditions: list[Condition] = [c.condition for c in criteria]
    conditions += [u.when for c in criteria for u in c.unclear]
    conditions += [r.when for r in ranking]
    conditions += [i.when for i in rules.checklist_items.values() if i.when is not None]
    conditions += [q.when for q in rules.questions if q.when is not None]
    conditions += [a.when for a in rules.alternatives if a.when is not None]
    return conditions


def betweens(condition: Condition) -> Iterator[Between]:
    if isinstance(condition, Between):
        yield condition
    elif isinstance(condition, AllOf | AnyOf):
        for c in condition.items:
            yield from betweens(c)
    elif isinstance(condition, Not):
        yield from betweens(condition.item)


def _number_starts(question: Question, rule_bases: Iterable[RuleBase]) -> tuple[int, ...]:
    """The first value of each interval in which every numeric condition is constant."""
    low = question.minimum if question.minimum is not None else 0
    starts = {low}
    for rules in rule_bases:
        for condition in all_conditions(rules):
            for b in betweens(condition):
                if b.question == question.id:
                    if b.minimum is not None:
                        starts.add(b.minimum)
                    if b.maximum is not None:
                        starts.add(b.maximum + 1)
    high = question.maximum
    return tuple(sorted(s for s in starts if s >= low and (high is None or s <= high)))


def dimensions(*rule_bases: RuleBase) -> list[Dimension]:
    """The questions of all the rule bases, in order of first appearance, with their values.

    A question or value known to only one of them is still enumerated; the other reads it
    as unknown (see `restrict`).
    """
    by_id: dict[str, list[Question]] = {}
    for rules in rule_bases:
        for q in rules.questions:
            by_id.setdefault(q.id, []).append(q)
    dims = []
    for qid, versions in by_id.items():
        q = versions[-1]
        values: list[AnswerValue]
        if q.type == "tall":
            values = list(_number_starts(q, rule_bases))
        elif q.type == "ja_nei":
            values = [True, False]
        else:
            choices = list(dict.fromkeys(c.value for v in versions for c in v.choices))
            if any(v.multiple for v in versions):
                values = [c for n in range(1, len(choices) + 1) for c in itertools.combinations(choices, n)]
            else:
                values = list(choices)
        dims.append(Dimension(qid, (*values, None), q))
    return dims


def answer_sets(dims: Sequence[Dimension]) -> Iterator[dict[str, AnswerValue]]:
    for combo in itertools.product(*(d.values for d in dims)):
        yield dict(zip((d.id for d in dims), combo, strict=True))


def restrict(rules: RuleBase, answers: dict[str, AnswerValue]) -> dict[str, AnswerValue]:
    """The answers as `rules` can read them: unknown questions and values become unknown."""
    out: dict[str, AnswerValue] = {}
    for q in rules.questions:
        if q.id not in answers:
            continue
        value = answers[q.id]
        if isinstance(value, tuple):
            allowed = {c.value for c in q.choices}
            kept = tuple(v for v in value if v in allowed)
            out[q.id] = kept if q.multiple and kept else (kept[0] if len(kept) == 1 else None)
        elif isinstance(value, str) and value not in {c.value for c in q.choices}:
            out[q.id] = None
        elif isinstance(value, str) and q.multiple:
            out[q.id] = (value,)
        else:
            out[q.id] = value
    return out
