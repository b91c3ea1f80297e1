"""What an edit of the rule base changes for companies: `soknad endringer GAMMEL NY`.

Both rule bases are tried on every possible set of answers (`space`): every value of every
question of either, several sectors at once, "unknown", and one number from each interval
between the bounds of their conditions. A question or value that only one of them knows
is "unknown" to the other. The answer sets whose outcome differs are grouped by what
changed, and each group is described by the fewest readable rules found ("bransje har bygg
og behov er fagskole").
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

from . import engine
from .engine import format_nok
from .model import AnswerValue, RuleBase, Scheme, Status
from .space import Dimension, answer_sets, dimensions, restrict

Point = tuple[AnswerValue, ...]
Cube = tuple[frozenset[AnswerValue], ...]


@dataclass(frozen=True)
class _Seen:
    statuses: dict[str, Status]
    recommended: tuple[str, ...]
    steps: frozenset[str]
    alternatives: frozenset[str]


@dataclass
class Change:
    """One kind of change, and the answers it happens for."""

    what: str  # "status", "rekkefølge" or "sjekkliste"
    scheme: str | None
    before: str
    after: str
    rules: list[str] = field(default_factory=list)
    count: int = 0


@dataclass
class Report:
    old_version: str
    new_version: str
    answer_sets: int
    changes: list[Change]
    facts: list[tuple[str, str, str, str]]  # scheme, fact, before, after
    schemes_added: list[str]
    schemes_removed: list[str]
    questions_added: list[str]
    questions_removed: list[str]
    values_changed: list[tuple[str, list[str], list[str]]]  # question, added, removed
    alternatives_added: list[str] = field(default_factory=list)
    alternatives_removed: list[str] = field(default_factory=list)
    date: str = ""  # the date the two rule bases were evaluated at (deadlines depend on it)
    names: dict[str, str] = field(default_factory=dict)  # scheme and alternative ids -> their names

    def name(self, ids: str) -> str:
        """«Industrifagskolen, Bransjeprogram for maritim sektor» for ids joined by commas."""
        return ", ".join(self.names.get(i, i) for i in ids.split(", "))

    @property
    def changed(self) -> bool:
        return bool(
            self.changes
            or self.facts
            or self.schemes_added
            or self.schemes_removed
            or self.questions_added
            or self.questions_removed
            or self.values_changed
            or self.alternatives_added
            or self.alternatives_removed
        )


def compare(old: RuleBase, new: RuleBase, today: dt.date) -> Report:
    dims = dimensions(old, new)
    groups: dict[tuple[str, str | None, str, str], set[Point]] = {}
    count = 0
    cache_old: dict[Any, _Seen] = {}
    cache_new: dict[Any, _Seen] = {}
    for answers in answer_sets(dims):
        count += 1
        point = tuple(answers.values())
        before = _seen(old, restrict(old, answers), today, cache_old)
        after = _seen(new, restrict(new, answers), today, cache_new)
        for key in _differences(before, after):
            groups.setdefault(key, set()).add(point)
    changes = []
    for (what, scheme, a, b), points in sorted(groups.items(), key=lambda kv: _order(kv[0], old, new)):
        rules = sorted(describe_cube(cube, dims) for cube in cover(points, dims))  # stable between runs
        changes.append(Change(what, scheme, a, b, rules, len(points)))
    old_q, new_q = {q.id: q for q in old.questions}, {q.id: q for q in new.questions}
    values_changed = []
    for qid in old_q.keys() & new_q.keys():
        was = [c.value for c in old_q[qid].choices]
        now = [c.value for c in new_q[qid].choices]
        if was != now:
            values_changed.append((qid, [v for v in now if v not in was], [v for v in was if v not in now]))
    old_s, new_s = {s.id: s for s in old.schemes}, {s.id: s for s in new.schemes}
    return Report(
        old_version=old.version,
        new_version=new.version,
        answer_sets=count,
        changes=changes,
        facts=[f for sid in old_s.keys() & new_s.keys() for f in _fact_changes(old_s[sid], new_s[sid])],
        schemes_added=[s for s in new_s if s not in old_s],
        schemes_removed=[s for s in old_s if s not in new_s],
        questions_added=[q for q in new_q if q not in old_q],
        questions_removed=[q for q in old_q if q not in new_q],
        values_changed=sorted(values_changed),
        alternatives_added=[a.id for a in new.alternatives if a.id not in {b.id for b in old.alternatives}],
        alternatives_removed=[a.id for a in old.alternatives if a.id not in {b.id for b in new.alternatives}],
        date=today.isoformat(),
        names={
            **{a.id: a.name for a in (*old.alternatives, *new.alternatives)},
            **{s.id: s.name for s in (*old.schemes, *new.schemes)},
        },
    )


def _seen(rules: RuleBase, answers: dict[str, AnswerValue], today: dt.date, cache: dict[Any, _Seen]) -> _Seen:
    kept = engine.effective(rules, answers)
    key = tuple(kept.items())
    seen = cache.get(key)
    if seen is None:
        result = engine.evaluate(rules, kept, today)
        seen = cache[key] = _Seen(
            {a.scheme.id: a.status for a in result.assessments},
            result.recommended,
            frozenset(e.item for e in result.checklist if e.item),
            frozenset(a.id for a in result.alternatives),
        )
    return seen


def _differences(before: _Seen, after: _Seen) -> Iterable[tuple[str, str | None, str, str]]:
    statuses_differ = False
    for sid in list(dict.fromkeys([*before.statuses, *after.statuses])):
        a, b = before.statuses.get(sid), after.statuses.get(sid)
        if a != b:
            statuses_differ = True
            yield ("status", sid, a.value if a else "finnes ikke", b.value if b else "finnes ikke")
    if statuses_differ:
        return  # the order and the checklist follow from the statuses
    if before.recommended != after.recommended:
        yield ("rekkefølge", None, ", ".join(before.recommended) or "-", ", ".join(after.recommended) or "-")
    elif before.steps != after.steps:
        added, removed = sorted(after.steps - before.steps), sorted(before.steps - after.steps)
        yield ("sjekkliste", None, ", ".join(removed) or "-", ", ".join(added) or "-")
    if before.alternatives != after.alternatives:
        added, removed = (
            sorted(after.alternatives - before.alternatives),
            sorted(before.alternatives - after.alternatives),
        )
        yield ("andre", None, ", ".join(removed) or "-", ", ".join(added) or "-")


def _order(key: tuple[str, str | None, str, str], old: RuleBase, new: RuleBase) -> tuple[Any, ...]:
    ids = [s.id for s in new.schemes] + [s.id for s in old.schemes]
    what, scheme, a, b = key
    kinds = ["status", "rekkefølge", "sjekkliste", "andre"]
    return (kinds.index(what), ids.index(scheme) if scheme in ids else -1, a, b)


# --- Facts --------------------------------------------------------------------------------


# The facts that belong to a scheme as a whole; the others can differ from round to round.
_SCHEME_FACTS = ("navn", "kilder", "historikk")


def _fact_changes(a: Scheme, b: Scheme) -> Iterable[tuple[str, str, str, str]]:
    """The facts that differ, per round where the schemes have rounds: «runde 2022: frist»."""
    if not a.rounds and not b.rounds:
        yield from _facts_differing(a, b, "", None)
        return
    yield from _facts_differing(a, b, "", _SCHEME_FACTS)
    shown = ("runder", _round_list(a), _round_list(b))
    if shown[1] != shown[2]:
        yield (a.id, *shown)
    theirs = {r.id: r for r in b.rounds}
    for r in a.rounds:
        if r.id in theirs:
            yield from _facts_differing(a.in_round(r), b.in_round(theirs[r.id]), f"runde {r.id}: ", None, _SCHEME_FACTS)
    if not a.rounds or not b.rounds:  # rounds on one side only: compare the scheme's own facts too
        yield from _facts_differing(a, b, "", None, _SCHEME_FACTS)


def _round_list(s: Scheme) -> str:
    """«2021 (fra 2021-01-01), 2024-2027 (fra 2024-01-01 til 2027-12-31)», or «ingen»."""
    parts = [f"{r.id} (fra {r.starts.isoformat()}{f' til {r.ends.isoformat()}' if r.ends else ''})" for r in s.rounds]
    return ", ".join(parts) or "ingen"


def _facts_differing(
    a: Scheme, b: Scheme, prefix: str, only: tuple[str, ...] | None, skip: tuple[str, ...] = ()
) -> Iterable[tuple[str, str, str, str]]:
    def deadline(s: Scheme) -> str:
        d = s.deadline
        return f"{d.date.isoformat() if d.date else 'ukjent'} ({d.text}{', omtrentlig' if d.approximate else ''})"

    def funds(s: Scheme) -> str:
        f = s.funds
        amount = "ukjent" if f.amount is None else format_nok(f.amount)
        return f"{amount} {f.kind.replace('_', ' ')} ({f.year}{', omtrentlig' if f.approximate else ''})"

    facts = {
        "navn": (a.name, b.name),
        "frist": (deadline(a), deadline(b)),
        "midler": (funds(a), funds(b)),
        "søker": (
            f"{', '.join(a.applicant_types)}: {a.applicant_text}",
            f"{', '.join(b.applicant_types)}: {b.applicant_text}",
        ),
        "nivå": (f"{a.nkr_levels} {a.level_text}", f"{b.nkr_levels} {b.level_text}"),
        "kilder": (", ".join(s.id for s in a.sources), ", ".join(s.id for s in b.sources)),
        "etter fristen": (a.after_deadline, b.after_deadline),
        "merknader": (" | ".join(n.text for n in a.notes), " | ".join(n.text for n in b.notes)),
        "historikk": (
            " | ".join(f"{h.year}: {h.text}" for h in a.history),
            " | ".join(f"{h.year}: {h.text}" for h in b.history),
        ),
        "beskrivelse": (a.description, b.description),
        "for hvem": (a.for_whom, b.for_whom),
        "vilkår": (_criteria(a), _criteria(b)),
        "sjekkliste": (", ".join(a.checklist), ", ".join(b.checklist)),
        "rangering": (" | ".join(r.text for r in a.ranking), " | ".join(r.text for r in b.ranking)),
        "utlyst": (_announced(a), _announced(b)),
    }
    for name, (before, after) in facts.items():
        if (only is None or name in only) and name not in skip and before != after:
            yield (a.id, prefix + name, before, after)


def _criteria(s: Scheme) -> str:
    return " | ".join(
        f"{c.id}: {c.requirement}" + "".join(f" (uavklart: {u.text})" for u in c.unclear) for c in s.criteria
    )


def _announced(s: Scheme) -> str:
    r = s.round
    return r.announced.isoformat() if r is not None and r.announced is not None else "-"


# --- Fewest readable rules ------------------------------------------------------------------


def cover(points: set[Point], dims: Sequence[Dimension]) -> list[Cube]:
    """Sub-cubes of the answer space (a set of values per question) that together hold
    exactly `points`: few, so each can be read as one rule."""
    cubes = _split(points, len(dims), [len(d.values) for d in dims])
    return _merge(cubes)


def _split(points: set[Point], n: int, sizes: list[int]) -> list[Cube]:
    if not points:
        return []
    sets = [frozenset(p[i] for p in points) for i in range(n)]
    if len(points) == math.prod(len(s) for s in sets):
        return [tuple(sets)]
    # Split on the question with the fewest values present, so the big ones (sectors) stay
    # whole as long as possible and can be named as one rule.
    d = min((i for i in range(n) if len(sets[i]) > 1), key=lambda i: (len(sets[i]), -sizes[i]))
    parts: dict[AnswerValue, set[Point]] = {}
    for p in points:
        parts.setdefault(p[d], set()).add(p)
    cubes = []
    for value, sub in parts.items():
        for cube in _split(sub, n, sizes):
            cubes.append((*cube[:d], frozenset([value]), *cube[d + 1 :]))
    return _merge(cubes)


def _merge(cubes: list[Cube]) -> list[Cube]:
    """Join cubes that differ in one question only, until none do."""
    changed = True
    while changed:
        changed = False
        for d in range(len(cubes[0]) if cubes else 0):
            merged: dict[Cube, frozenset[AnswerValue]] = {}
            for cube in cubes:
                rest = cube[:d] + cube[d + 1 :]
                merged[rest] = merged.get(rest, frozenset()) | cube[d]
            if len(merged) < len(cubes):
                changed = True
                cubes = [(*rest[:d], values, *rest[d:]) for rest, values in merged.items()]
    return cubes


def describe_cube(cube: Cube, dims: Sequence[Dimension]) -> str:
    parts = [_describe_values(dim, values) for dim, values in zip(dims, cube, strict=True)]
    return " og ".join(p for p in parts if p) or "alle svar"


def _describe_values(dim: Dimension, values: frozenset[AnswerValue]) -> str:
    domain = set(dim.values)
    if values == domain:
        return ""
    unknown = " eller er ukjent" if None in values else ""
    known = values - {None}
    if not known:
        return f"{dim.id} er ukjent"
    if dim.question.multiple:
        return _describe_sets(dim, known) + unknown
    if dim.question.type == "tall":
        return f"{dim.id} er " + _describe_numbers(dim, known) + unknown
    labels = [dim.label(v) for v in dim.values if v in known]
    return f"{dim.id} er {_or(labels)}{unknown}"


def _describe_sets(dim: Dimension, known: frozenset[AnswerValue]) -> str:
    """Several-value answers by what they contain: «bransje har bygg», «… har ikke annen»."""
    subsets = [v for v in dim.values if isinstance(v, tuple)]
    choices = sorted({c for s in subsets for c in s}, key=[c.value for c in dim.question.choices].index)
    groups = [set(g) for size in range(1, len(choices) + 1) for g in combinations(choices, size)]
    for group in groups:
        if known == {s for s in subsets if group & set(s)}:
            return f"{dim.id} har {_or(_ordered(group, choices))}"
        if known == {s for s in subsets if not group & set(s)}:
            return f"{dim.id} har ikke {_or(_ordered(group, choices))}"
    for group in groups:
        for without in groups:
            if not group & without and known == {s for s in subsets if group & set(s) and not without & set(s)}:
                return f"{dim.id} har {_or(_ordered(group, choices))}, men ikke {_or(_ordered(without, choices))}"
    labels = [dim.label(v) for v in subsets if v in known]
    shown = labels if len(labels) <= 6 else [*labels[:5], f"{len(labels) - 5} andre"]
    return f"{dim.id} er {_or(shown)}"


def _ordered(group: set[str], choices: list[str]) -> list[str]:
    return [c for c in choices if c in group]


def _describe_numbers(dim: Dimension, known: frozenset[AnswerValue]) -> str:
    starts = [v for v in dim.values if isinstance(v, int) and not isinstance(v, bool)]
    runs: list[list[int]] = []
    for v in starts:
        if v in known:
            if runs and starts.index(v) == starts.index(runs[-1][-1]) + 1:
                runs[-1].append(v)
            else:
                runs.append([v])
    texts = []
    for run in runs:
        last = starts.index(run[-1])
        high = starts[last + 1] - 1 if last + 1 < len(starts) else dim.question.maximum
        low = run[0]
        if high is None or (dim.question.maximum is not None and high == dim.question.maximum and low > 0):
            texts.append(f"minst {low}")
        elif low == high:
            texts.append(str(low))
        else:
            texts.append(f"{low}–{high}")
    return _or(texts)


def _or(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " eller " + items[-1]
