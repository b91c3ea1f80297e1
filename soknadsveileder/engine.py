"""Pure evaluation: (rule base, answers, date) -> assessments. No I/O and no clock.

Conditions use Kleene three-valued logic. An answer that is missing or "vet ikke" is
unknown (None); it is never replaced by a default, because a default is how screeners end
up recommending schemes a company cannot get.

Ranking of recommended schemes (status ``aktuell``), best first:

1. the highest sum of ``rangering`` points whose condition holds (the rule base gives a
   scheme that funds exactly the needed education more points than one that only funds
   development of a new offer);
2. an open deadline before a passed one;
3. more remaining funds before less; unknown funds count as none;
4. the order of the schemes in the rule base.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections.abc import Iterable, Mapping
from functools import lru_cache

from .answers import Answers
from .model import (
    AllOf,
    Answered,
    AnswerValue,
    AnyOf,
    Assessment,
    Between,
    ChecklistEntry,
    Condition,
    DeadlineState,
    Equals,
    Not,
    OneOf,
    Question,
    Result,
    RuleBase,
    Scheme,
    Status,
)

Truth = bool | None
ANSWER_PREFIX = "Svar på: "  # starts the change that lists unanswered question ids


def check(condition: Condition, answers: Answers) -> Truth:
    """Evaluate a condition in Kleene logic: True, False, or None for unknown."""
    if isinstance(condition, Equals):
        value = answers.get(condition.question)
        return None if value is None else value == condition.value
    if isinstance(condition, OneOf):
        value = answers.get(condition.question)
        return None if value is None else value in condition.values
    if isinstance(condition, Between):
        value = answers.get(condition.question)
        if value is None or isinstance(value, bool) or not isinstance(value, int):
            return None
        low_ok = condition.minimum is None or value >= condition.minimum
        high_ok = condition.maximum is None or value <= condition.maximum
        return low_ok and high_ok
    if isinstance(condition, Answered):
        return (answers.get(condition.question) is not None) == condition.answered
    if isinstance(condition, AllOf):
        return _all(check(c, answers) for c in condition.items)
    if isinstance(condition, AnyOf):
        return _any(check(c, answers) for c in condition.items)
    inner = check(condition.item, answers)
    return None if inner is None else not inner


def undecided(condition: Condition, answers: Answers) -> list[str]:
    """The unknown answers that an undecided condition still waits for.

    Only undecided parts count: in ``alle`` with one part already false, or ``minst_en``
    with one part already true, nothing unknown can change the result any more.
    """
    if check(condition, answers) is not None:
        return []
    if isinstance(condition, AllOf | AnyOf):
        found: list[str] = []
        for part in condition.items:
            found.extend(q for q in undecided(part, answers) if q not in found)
        return found
    if isinstance(condition, Not):
        return undecided(condition.item, answers)
    return [condition.question]


def _all(values: Iterable[Truth]) -> Truth:
    result: Truth = True
    for v in values:
        if v is False:
            return False
        if v is None:
            result = None
    return result


def _any(values: Iterable[Truth]) -> Truth:
    result: Truth = False
    for v in values:
        if v is True:
            return True
        if v is None:
            result = None
    return result


def effective(rules: RuleBase, answers: Answers) -> dict[str, AnswerValue]:
    """The answers that count: those to questions whose `naar` condition does not fail.

    A question that is skipped has no answer, even if a file supplied one.
    """
    kept: dict[str, AnswerValue] = {}
    for q in rules.questions:
        if q.id in answers and is_asked(q, kept):
            kept[q.id] = answers[q.id]
    return kept


def is_asked(question: Question, answers: Answers) -> bool:
    """Whether a question applies at all, given the answers so far."""
    return question.when is None or check(question.when, answers) is not False


def deadline_state(scheme: Scheme, today: dt.date) -> DeadlineState:
    d = scheme.deadline
    if d.date is None:
        return DeadlineState(None, None, None, d.approximate, d.text)
    passed = d.date < today
    return DeadlineState(d.date, passed, None if passed else (d.date - today).days, d.approximate, d.text)


def rule_base_warnings(rules: RuleBase, today: dt.date) -> tuple[str, ...]:
    """Loud warnings about the rule base as a whole: it is old, or every deadline passed."""
    out = []
    if is_stale(rules, today):
        out.append(
            f"Regelverket er fra {rules.updated.isoformat()}, mer enn ett år gammelt. Tallene gjelder "
            f"{rules.updated.year}; sjekk gjeldende utlysning hos forvalteren (HK-dir) før dere søker."
        )
    dated = [deadline_state(s, today) for s in rules.schemes if s.deadline.date is not None]
    if dated and all(d.passed for d in dated):
        out.append(
            f"Alle fristene i regelverket er passert per {today.isoformat()}. Sjekk om det finnes nye "
            "utlysninger hos forvalteren (HK-dir)."
        )
    return tuple(out)


def possible_schemes(rules: RuleBase, answers: Answers) -> list[Scheme]:
    """The schemes that the answers do not rule out (status aktuell or kanskje)."""
    kept = effective(rules, answers)
    return [s for s in rules.schemes if _status(s, kept)[0] is not Status.IKKE_AKTUELL]


def is_stale(rules: RuleBase, today: dt.date) -> bool:
    """A rule base last updated more than a year before `today`."""
    try:
        year_later = rules.updated.replace(year=rules.updated.year + 1)
    except ValueError:  # 29 February
        year_later = rules.updated.replace(year=rules.updated.year + 1, day=28)
    return today > year_later


def _status(scheme: Scheme, answers: Answers) -> tuple[Status, tuple[Truth, ...]]:
    truths = tuple(check(c.condition, answers) for c in scheme.criteria)
    if any(t is False for t in truths):
        return Status.IKKE_AKTUELL, truths
    if any(t is None for t in truths):
        return Status.KANSKJE, truths
    return Status.AKTUELL, truths


def assess(scheme: Scheme, answers: Answers, today: dt.date) -> Assessment:
    """Assess one scheme against answers that have already been through `effective`."""
    status, truths = _status(scheme, answers)
    reasons: list[str] = []
    changes: list[str] = []
    unknown: list[str] = []
    for criterion, truth in zip(scheme.criteria, truths, strict=True):
        if truth is True:
            reasons.append(criterion.holds_text)
        elif truth is False:
            reasons.append(criterion.fails_text)
            changes.append(f"Blir aktuell hvis {criterion.requirement}.")
        else:
            reasons.append(f"Ikke avklart ennå om {criterion.requirement}.")
            unknown.extend(q for q in undecided(criterion.condition, answers) if q not in unknown)
            if status is Status.KANSKJE:
                changes.append(f"Blir aktuell hvis {criterion.requirement}.")
    if status is Status.KANSKJE and unknown:
        changes.append(ANSWER_PREFIX + ", ".join(unknown) + ".")
    score_reasons = tuple(r.text for r in scheme.ranking if check(r.when, answers) is True)
    score = sum(r.points for r in scheme.ranking if check(r.when, answers) is True)
    return Assessment(
        scheme=scheme,
        status=status,
        reasons=tuple(reasons),
        changes=tuple(changes),
        unknown=tuple(unknown),
        deadline=deadline_state(scheme, today),
        score=score,
        score_reasons=score_reasons,
    )


def _rank_key(index: int, a: Assessment) -> tuple[int, int, int, int]:
    amount = a.scheme.funds.amount or 0
    return (-a.score, 1 if a.deadline.passed else 0, -amount, index)


def _recommended(assessments: Iterable[Assessment]) -> tuple[Assessment, ...]:
    ranked = sorted((_rank_key(i, a), a) for i, a in enumerate(assessments) if a.status is Status.AKTUELL)
    return tuple(a for _, a in ranked)


def evaluate(rules: RuleBase, answers: Answers, today: dt.date) -> Result:
    """Assess every scheme, rank the recommended ones and build their checklist."""
    kept = effective(rules, answers)
    assessments = tuple(assess(s, kept, today) for s in rules.schemes)
    recommended = _recommended(assessments)
    return Result(
        date=today,
        assessments=assessments,
        recommended=tuple(a.scheme.id for a in recommended),
        missing=missing(rules, assessments, kept),
        checklist=checklist(rules, recommended, kept),
        warnings=rule_base_warnings(rules, today),
    )


# --- What can still change ----------------------------------------------------------------


@lru_cache(maxsize=32)
def _probes(rules: RuleBase) -> Mapping[str, tuple[AnswerValue, ...]]:
    """For each question, known values that together reach every possible outcome.

    Choice and yes/no questions try every value. A number can only change a result where
    it crosses a bound of some numeric condition, so the bounds and their neighbours are
    enough.
    """
    bounds: dict[str, set[int]] = {q.id: set() for q in rules.questions}
    for c in _all_conditions(rules):
        for b in _between(c):
            for edge in (b.minimum, b.maximum):
                if edge is not None:
                    bounds[b.question].update({edge - 1, edge, edge + 1})
    probes: dict[str, tuple[AnswerValue, ...]] = {}
    for q in rules.questions:
        if q.type == "tall":
            points = {
                p
                for p in bounds[q.id]
                if (q.minimum is None or p >= q.minimum) and (q.maximum is None or p <= q.maximum)
            }
            probes[q.id] = tuple(sorted(points))
        else:
            probes[q.id] = q.known_values()
    return probes


@lru_cache(maxsize=32)
def _cuts(rules: RuleBase) -> Mapping[str, tuple[int, ...]]:
    """For each number question, the values at which some condition can change."""
    cuts: dict[str, set[int]] = {q.id: set() for q in rules.questions if q.type == "tall"}
    for c in _all_conditions(rules):
        for b in _between(c):
            if b.minimum is not None:
                cuts[b.question].add(b.minimum)
            if b.maximum is not None:
                cuts[b.question].add(b.maximum + 1)
    return {q: tuple(sorted(v)) for q, v in cuts.items()}


def signature(rules: RuleBase, answers: Answers) -> tuple[tuple[str, AnswerValue], ...]:
    """A key that is equal for any two sets of answers with the same result.

    Skipped questions are dropped, and a number is replaced by the interval it falls in
    between the bounds of the numeric conditions. Batch checks cache on this key.
    """
    kept = effective(rules, answers)
    cuts = _cuts(rules)
    key = []
    for qid, value in sorted(kept.items()):
        if qid in cuts and isinstance(value, int) and not isinstance(value, bool):
            value = bisect_right(cuts[qid], value)
        key.append((qid, value))
    return tuple(key)


def _all_conditions(rules: RuleBase) -> list[Condition]:
    conditions: list[Condition] = [c.condition for s in rules.schemes for c in s.criteria]
    conditions += [r.when for s in rules.schemes for r in s.ranking]
    conditions += [i.when for i in rules.checklist_items.values() if i.when is not None]
    conditions += [q.when for q in rules.questions if q.when is not None]
    return conditions


def _between(condition: Condition) -> Iterable[Between]:
    if isinstance(condition, Between):
        yield condition
    elif isinstance(condition, AllOf | AnyOf):
        for c in condition.items:
            yield from _between(c)
    elif isinstance(condition, Not):
        yield from _between(condition.item)


def _variants(rules: RuleBase, answers: Answers, question: Question) -> Iterable[dict[str, AnswerValue]]:
    for value in _probes(rules)[question.id]:
        yield effective(rules, {**answers, question.id: value})


def missing(rules: RuleBase, assessments: Iterable[Assessment], answers: Answers) -> tuple[str, ...]:
    """Unanswered question ids that could still change some scheme's status.

    Kleene logic only ever settles a condition as more becomes known, so an ``aktuell`` or
    ``ikke_aktuell`` scheme stays so. Only a ``kanskje`` scheme can change, and only through
    the unknown answers of its undecided conditions. This includes answers that matter in
    combination with another (``kompetanse`` matters once ``behov`` is known), so a batch
    user learns every field worth filling in, not just the next one.
    """
    wanted = {q for a in assessments if a.status is Status.KANSKJE for q in a.unknown}
    return tuple(q.id for q in rules.questions if q.id in wanted and is_asked(q, answers))


def _outcome(rules: RuleBase, answers: Answers) -> tuple[object, ...]:
    """Everything an answer could change: statuses, ranking and checklist steps."""
    assessments = [assess(s, answers, _NO_DATE) for s in rules.schemes]
    recommended = _recommended(assessments)
    steps = tuple(e.text for e in _steps(rules, recommended, answers))
    return (tuple(a.status for a in assessments), tuple(a.scheme.id for a in recommended), steps)


# Deadlines do not depend on answers, so any fixed date gives the same comparison.
_NO_DATE = dt.date(2000, 1, 1)


def next_question(rules: RuleBase, answers: Answers) -> Question | None:
    """The first question, in rule-base order, whose answer could still change the outcome.

    Questions already in `answers` (including "vet ikke") are not asked again, nor are
    questions whose `naar` condition fails. None means nothing more can change.
    """
    kept = effective(rules, answers)
    current = _outcome(rules, kept)
    for q in rules.questions:
        if q.id in answers or not is_asked(q, kept):
            continue
        if any(_outcome(rules, v) != current for v in _variants(rules, kept, q)):
            return q
    return None


# --- Checklist --------------------------------------------------------------------------


def _steps(rules: RuleBase, recommended: Iterable[Assessment], answers: Answers) -> list[ChecklistEntry]:
    seen: set[str] = set()
    steps: list[ChecklistEntry] = []
    for a in recommended:
        for item_id in a.scheme.checklist:
            item = rules.checklist_items[item_id]
            if item_id in seen or (item.when is not None and check(item.when, answers) is not True):
                continue
            seen.add(item_id)
            steps.append(ChecklistEntry(item.text))
    return steps


def checklist(rules: RuleBase, recommended: tuple[Assessment, ...], answers: Answers) -> tuple[ChecklistEntry, ...]:
    """Steps for the recommended schemes, then deadline and funds warnings, then sources.

    Nothing repeats: a step shared by two schemes appears once, as does a shared source.
    """
    if not recommended:
        return ()
    entries = _steps(rules, recommended, answers)
    for a in recommended:
        entries.extend(ChecklistEntry(w, "advarsel") for w in warnings(a))
    seen: set[tuple[str, str]] = set()
    for a in recommended:
        for source in a.scheme.sources:
            key = (source.title, source.reference)
            if key not in seen:
                seen.add(key)
                entries.append(ChecklistEntry(f"{source.title} ({source.year}): {source.reference}", "kilde"))
    return tuple(entries)


def warnings(a: Assessment) -> list[str]:
    """The deadline and funds warnings for one scheme, in plain words."""
    scheme, d = a.scheme, a.deadline
    out: list[str] = []
    if d.passed:
        out.append(
            f"{scheme.name}: fristen ({d.text}) er passert. Sjekk om {scheme.administrator} har en ny utlysning."
        )
    elif d.date is None:
        out.append(f"{scheme.name}: fristen er ikke kjent. Spør {scheme.administrator}.")
    elif d.approximate:
        out.append(f"{scheme.name}: fristen er omtrentlig ({d.text}). Finn den nøyaktige datoen i utlysningen.")
    funds = scheme.funds
    if funds.amount is None:
        out.append(f"{scheme.name}: det er ikke kjent hvor mye penger som er igjen for {funds.year}.")
    else:
        about = "omtrent " if funds.approximate else ""
        out.append(
            f"{scheme.name}: det var {about}{format_nok(funds.amount)} igjen for {funds.year}. "
            "Pengene deles ut etter søknad og kan være brukt opp."
        )
    return out


def format_nok(amount: int) -> str:
    """20000000 -> '20 mill. kr'; 750000 -> '750 000 kr'."""
    if amount >= 1_000_000:
        millions = amount / 1_000_000
        shown = f"{millions:.1f}".replace(".", ",").removesuffix(",0")
        return f"{shown} mill. kr"
    return f"{amount:,}".replace(",", "\u00a0") + " kr"
