"""Pure evaluation: (rule base, answers, date) -> assessments. No I/O and no clock.

Conditions use Kleene three-valued logic. An answer that is missing or "vet ikke" is
unknown (None); it is never replaced by a default, because a default is how screeners end
up recommending schemes a company cannot get. A multi-valued answer (several sectors)
meets ``er``/``en_av`` when any of its values does.

A criterion is met, failed, unknown, or unclear: it fails, but the rule base says the
sources neither include nor exclude such answers (`Unclear`). Unclear makes a scheme
``kanskje`` with a text that says what to ask, never ``ikke_aktuell``.

Ranking of recommended schemes (status ``aktuell``), best first:

1. the highest sum of ``rangering`` points whose condition holds (the rule base gives a
   scheme that funds exactly the needed education more points than one that only funds
   development of a new offer);
2. more remaining funds before less; unknown funds count as none;
3. the order of the schemes in the rule base.

A scheme whose round in force has closed is never recommended: it is listed apart, as
having fitted earlier, in the same order.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections.abc import Callable, Iterable, Mapping
from enum import Enum
from functools import lru_cache
from itertools import combinations

from .dates import long_date
from .model import (
    AllOf,
    Alternative,
    Answered,
    Answers,
    AnswerValue,
    AnyOf,
    Assessment,
    Between,
    ChecklistEntry,
    Condition,
    Criterion,
    Deadline,
    DeadlinePhase,
    DeadlineState,
    Equals,
    Not,
    OneOf,
    Question,
    Result,
    Round,
    RuleBase,
    Scheme,
    Source,
    Status,
    Unclear,
)
from .space import all_conditions, betweens

Truth = bool | None
ANSWER_PREFIX = "Svar på: "  # starts the change that lists unanswered question ids


def check(condition: Condition, answers: Answers) -> Truth:
    """Evaluate a condition in Kleene logic: True, False, or None for unknown."""
    if isinstance(condition, Equals):
        value = answers.get(condition.question)
        if isinstance(value, tuple):
            return condition.value in value
        return None if value is None else value == condition.value
    if isinstance(condition, OneOf):
        value = answers.get(condition.question)
        if isinstance(value, tuple):
            return any(v in condition.values for v in value)
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


# How long after an approximate date ("midten av september") the deadline is only
# "trolig passert": the sources give a part of a month, not a day.
APPROXIMATE_MARGIN = dt.timedelta(days=31)


def round_in_force(scheme: Scheme, today: dt.date) -> Round | None:
    """The round of a scheme in force on `today`: the last one that has started by then.

    Before the first round starts, that round is the one ahead (its deadline reads «ikke
    lyst ut ennå»); after the last one, the last one stays, and its deadline or end says
    that it is over. None for a scheme without rounds.
    """
    chosen = scheme.rounds[0] if scheme.rounds else None
    for r in scheme.rounds:
        if r.starts > today:
            break
        chosen = r
    return chosen


@lru_cache(maxsize=1024)
def _round_view(scheme: Scheme, r: Round) -> Scheme:
    return scheme.in_round(r)


def in_force(rules: RuleBase, today: dt.date) -> RuleBase:
    """The rule base as it stood on `today`: each scheme as in its round in force then.

    This is the one place that picks rounds. The copy is the same object for every date
    with the same rounds in force, so that caches keyed on the rule base keep working.
    """
    base = rules.base if rules.base is not None else rules
    chosen = tuple(round_in_force(s, today) for s in base.schemes)
    if all(r is None for r in chosen):
        return base
    return _rules_view(base, chosen)


@lru_cache(maxsize=64)
def _rules_view(base: RuleBase, chosen: tuple[Round | None, ...]) -> RuleBase:
    schemes = tuple(s if r is None else _round_view(s, r) for s, r in zip(base.schemes, chosen, strict=True))
    return RuleBase(
        base.version,
        base.updated,
        base.questions,
        schemes,
        base.checklist_items,
        base.sources,
        base.alternatives,
        base.path,
        base,
    )


def scheme_on(scheme: Scheme, today: dt.date) -> Scheme:
    """One scheme as in its round in force on `today`; a round's copy stays as it is."""
    if scheme.round is not None or not scheme.rounds:
        return scheme
    r = round_in_force(scheme, today)
    assert r is not None
    return _round_view(scheme, r)


def deadline_state(scheme: Scheme, today: dt.date) -> DeadlineState:
    """The deadline of the round in force, seen from `today`; days are counted only to an
    exact date.

    * before the round's call was announced: «ikke lyst ut ennå», not passed;
    * exact date: open with days left, or passed;
    * approximate date: open (no count) up to the date, "trolig passert" for a month after
      it, then passed;
    * sources that disagree (`earliest`): open before the earliest date, "kan være
      passert" between the two, and as above after the latest;
    * no closing date («løpende») or none known: open or unknown until the round's last
      day, if the sources give one, and «runden er over» after it.
    """
    scheme = scheme_on(scheme, today)
    return _deadline(scheme.deadline, scheme.round, today)


def round_deadline_state(r: Round, today: dt.date) -> DeadlineState:
    """The deadline of one round seen from `today`, for a time line of every round."""
    return _deadline(r.deadline, r, today)


def _deadline(d: Deadline, r: Round | None, today: dt.date) -> DeadlineState:
    ends = r.ends if r is not None else None
    if r is not None and today < (r.announced or r.starts):
        return DeadlineState(d.date, False, None, d.approximate, d.text, "ikke_lyst_ut", d.earliest, ends)
    if d.date is None or d.rolling:
        if ends is not None and today > ends:
            return DeadlineState(d.date, True, None, d.approximate, d.text, "runde_over", d.earliest, ends)
        if d.rolling:
            return DeadlineState(d.date, False, None, d.approximate, d.text, "lopende", d.earliest, ends)
        return DeadlineState(None, None, None, d.approximate, d.text, "ukjent", None, ends)
    if d.date < today:
        probably = d.approximate and today <= d.date + APPROXIMATE_MARGIN
        phase: DeadlinePhase = "trolig_passert" if probably else "passert"
        return DeadlineState(d.date, True, None, d.approximate, d.text, phase, d.earliest, ends)
    if d.earliest is not None and d.earliest < today:
        return DeadlineState(d.date, False, None, d.approximate, d.text, "kan_vaere_passert", d.earliest, ends)
    days = None if d.approximate or d.earliest is not None else (d.date - today).days
    return DeadlineState(d.date, False, days, d.approximate, d.text, "aapen", d.earliest, ends)


def rule_base_warnings(rules: RuleBase, today: dt.date) -> tuple[str, ...]:
    """Loud warnings about the rule base as a whole: it is old, or every deadline passed."""
    rules = in_force(rules, today)
    out = []
    if is_stale(rules, today):
        out.append(
            f"Regelverket ble sist oppdatert {long_date(rules.updated)}, for mer enn ett år siden. "
            "Sjekk gjeldende utlysninger hos HK-dir før dere søker."
        )
    every = [deadline_state(s, today) for s in rules.schemes]
    states = [d for d in every if d.date is not None]
    if states and all(d.passed for d in every):
        last = max(states, key=lambda d: (d.date, not d.approximate))
        assert last.date is not None
        probably = "trolig " if any(d.phase == "trolig_passert" for d in states) else ""
        when = ("ca. " if last.approximate else "") + long_date(last.date)
        out.append(
            f"Alle fristene i regelverket er {probably}passert per {long_date(today)}; den siste var {when}. "
            "Ved hver ordning står det hva kildene sier skjedde etterpå, og hvor dere finner gjeldende "
            "utlysninger."
        )
    return tuple(out)


def can_act(a: Assessment) -> bool:
    """Whether a user can still act on a scheme: the round in force has not closed. A round
    that is not announced yet, takes applications as they come, or has no known deadline
    counts as open; the checklist says what to find out. A fitting scheme whose last known
    round has closed is listed as having fitted earlier (`Result.earlier`), never as
    recommended, and never as something nobody can apply for: the sources do not know."""
    return a.deadline.passed is not True


def possible_schemes(rules: RuleBase, answers: Answers, today: dt.date) -> list[Scheme]:
    """The schemes that the answers do not rule out (status aktuell or kanskje) on `today`."""
    rules = in_force(rules, today)
    kept = effective(rules, answers)
    return [s for s in rules.schemes if _status(s, kept)[0] is not Status.IKKE_AKTUELL]


class Met(Enum):
    """How one criterion stands for some answers."""

    YES = "oppfylt"
    NO = "ikke_oppfylt"
    UNKNOWN = "ukjent"
    UNCLEAR = "uavklart"


def criterion_state(criterion: Criterion, answers: Answers) -> Met:
    truth = check(criterion.condition, answers)
    if truth is True:
        return Met.YES
    if truth is None:
        return Met.UNKNOWN
    if unclear_cases(criterion, answers):
        return Met.UNCLEAR
    return Met.NO


def unclear_cases(criterion: Criterion, answers: Answers) -> tuple[Unclear, ...]:
    """The `uavklart` cases of a failed criterion that hold for these answers."""
    return tuple(u for u in criterion.unclear if check(u.when, answers) is True)


def is_stale(rules: RuleBase, today: dt.date) -> bool:
    """A rule base last updated more than a year before `today`."""
    try:
        year_later = rules.updated.replace(year=rules.updated.year + 1)
    except ValueError:  # 29 February
        year_later = rules.updated.replace(year=rules.updated.year + 1, day=28)
    return today > year_later


def _status(scheme: Scheme, answers: Answers) -> tuple[Status, tuple[Met, ...]]:
    states = tuple(criterion_state(c, answers) for c in scheme.criteria)
    if Met.NO in states:
        return Status.IKKE_AKTUELL, states
    if Met.UNKNOWN in states or Met.UNCLEAR in states:
        return Status.KANSKJE, states
    return Status.AKTUELL, states


def join_words(words: Iterable[str]) -> str:
    """['a', 'b', 'c'] -> 'a, b og c'."""
    items = list(words)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " og " + items[-1]


def _asked_any(criterion: Criterion, answers: Answers, is_open: Callable[[str], bool] | None) -> bool:
    """Whether any unknown answer of an undecided criterion belongs to a question that applies."""
    if is_open is None:
        return True
    return any(is_open(q) for q in undecided(criterion.condition, answers))


def assess(
    scheme: Scheme,
    answers: Answers,
    today: dt.date,
    worth_asking: Callable[[str], bool] | None = None,
    is_open: Callable[[str], bool] | None = None,
) -> Assessment:
    """Assess one scheme against answers that have already been through `effective`.

    `worth_asking` limits the unknown answers named in "Svar på: …" to those the guide
    would ask about now (see `_worth_asking`); None names every one. `is_open` says whether
    a question applies to the answers at all; None takes every question as applying.
    """
    status, states = _status(scheme, answers)
    reasons: list[str] = []
    needed: list[str] = []  # requirements that must all hold: one sentence
    unclear: list[str] = []
    unknown: list[str] = []
    sources: list[Source] = []
    for criterion, state in zip(scheme.criteria, states, strict=True):
        source = criterion.source
        if state is Met.YES:
            reasons.append(criterion.holds_text)
        elif state is Met.NO:
            reasons.append(criterion.fails_text)
            needed.append(criterion.requirement)
        elif state is Met.UNCLEAR:
            reasons.append("Kildene er uklare om ordningen gjelder for svarene deres; se hva dere bør spørre om.")
            cases = unclear_cases(criterion, answers)
            unclear.extend(u.text for u in cases if u.text not in unclear)
            source = cases[0].source
            for extra in cases[1:]:
                if extra.source not in sources:
                    sources.append(extra.source)
        elif status is Status.IKKE_AKTUELL and not _asked_any(criterion, answers, is_open):
            # Nothing can be asked for these answers: the question does not apply to them.
            reasons.append(f"Ikke spurt om {criterion.requirement}, siden det ikke gjelder for svarene deres.")
        else:
            reasons.append(f"Ikke avklart ennå om {criterion.requirement}.")
            if status is Status.KANSKJE:
                needed.append(criterion.requirement)
            for q in undecided(criterion.condition, answers):
                if q not in unknown and (worth_asking is None or worth_asking(q)):
                    unknown.append(q)
        if source not in sources:
            sources.append(source)
    changes = [f"Blir aktuell hvis {join_words(needed)}."] if needed else []
    changes += unclear
    if status is Status.KANSKJE and unknown:
        changes.append(ANSWER_PREFIX + ", ".join(unknown) + ".")
    ranked = [r for r in scheme.ranking if check(r.when, answers) is True]
    for r in ranked:
        if r.source not in sources:
            sources.append(r.source)
    for note in scheme.notes:
        if note.source not in sources:
            sources.append(note.source)
    if scheme.round is not None and scheme.round.source not in sources:
        sources.append(scheme.round.source)
    return Assessment(
        scheme=scheme,
        status=status,
        reasons=tuple(reasons),
        changes=tuple(changes),
        unknown=tuple(unknown) if status is Status.KANSKJE else (),
        deadline=deadline_state(scheme, today),
        score=sum(r.points for r in ranked),
        score_reasons=tuple(r.text for r in ranked),
        unclear=tuple(unclear),
        sources=tuple(sources),
    )


def _rank_key(index: int, a: Assessment) -> tuple[int, int, int]:
    amount = a.scheme.funds.amount or 0
    return (-a.score, -amount, index)


def _recommended(assessments: Iterable[Assessment]) -> tuple[Assessment, ...]:
    ranked = sorted((_rank_key(i, a), a) for i, a in enumerate(assessments) if a.status is Status.AKTUELL)
    return tuple(a for _, a in ranked)


def evaluate(rules: RuleBase, answers: Answers, today: dt.date) -> Result:
    """Assess every scheme, rank the recommended ones and build their checklist.

    A scheme that fits but can no longer be acted on (`can_act`) is listed apart, as having
    fitted earlier; it gets no checklist, since there is no call to apply to.
    """
    rules = in_force(rules, today)
    kept = effective(rules, answers)

    def is_open(question_id: str) -> bool:
        return is_asked(rules.question(question_id), kept)

    assessments = tuple(assess(s, kept, today, _worth_asking(rules, kept, s), is_open) for s in rules.schemes)
    recommended: list[Assessment] = []
    earlier: list[str] = []
    for a in _recommended(assessments):  # every fitting scheme, best first
        if can_act(a):
            recommended.append(a)
        else:
            earlier.append(a.scheme.id)
    return Result(
        date=today,
        assessments=assessments,
        recommended=tuple(a.scheme.id for a in recommended),
        missing=missing(rules, assessments, kept),
        checklist=checklist(rules, tuple(recommended), kept),
        warnings=rule_base_warnings(rules, today),
        alternatives=alternatives(rules, recommended, kept),
        earlier=tuple(earlier),
    )


def _worth_asking(rules: RuleBase, answers: Answers, scheme: Scheme) -> Callable[[str], bool]:
    """Whether the guide would ask a question now because of this scheme.

    It would when the question applies and some answer to it alone changes the scheme's
    status: ``klynge`` while ``bransje`` is unknown (a no rules out the clusters scheme), but
    not ``tilbud`` while ``behov`` is unknown (no answer to it decides anything yet).
    """
    current = _status(scheme, answers)[0]

    def worth(question_id: str) -> bool:
        if not is_asked(rules.question(question_id), answers):
            return False
        return any(_status(scheme, variant)[0] is not current for variant in _variants_of(rules, answers, question_id))

    return worth


def alternatives(rules: RuleBase, recommended: Iterable[Assessment], answers: Answers) -> tuple[Alternative, ...]:
    """Other schemes worth a look, when no recommended scheme has a deadline known to be open.

    A user is never left with nothing: when nothing fits, every fitting call has closed, or
    the sources give no deadline for the round in force (so nobody knows that it is open),
    the schemes outside the rule base whose conditions the answers allow are shown.
    """
    if any(a.deadline.passed is False for a in recommended):
        return ()
    return tuple(alt for alt in rules.alternatives if alt.when is None or check(alt.when, answers) is not False)


# --- What can still change ----------------------------------------------------------------


@lru_cache(maxsize=32)
def _probes(rules: RuleBase) -> Mapping[str, tuple[AnswerValue, ...]]:
    """For each question, known values that together reach every possible outcome.

    Choice and yes/no questions try every value. A number can only change a result where
    it crosses a bound of some numeric condition, so the bounds and their neighbours are
    enough.
    """
    bounds: dict[str, set[int]] = {q.id: set() for q in rules.questions}
    for c in all_conditions(rules):
        for b in betweens(c):
            for edge in (b.minimum, b.maximum):
                if edge is not None:
                    bounds[b.question].update({edge - 1, edge, edge + 1})
    probes: dict[str, tuple[AnswerValue, ...]] = {}
    for q in rules.questions:
        if q.multiple:
            values = [c.value for c in q.choices]
            probes[q.id] = tuple(c for n in range(1, len(values) + 1) for c in combinations(values, n))
        elif q.type == "tall":
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
def number_cuts(rules: RuleBase) -> Mapping[str, tuple[int, ...]]:
    """For each number question, the values at which some condition can change."""
    cuts: dict[str, set[int]] = {q.id: set() for q in rules.questions if q.type == "tall"}
    for c in all_conditions(rules):
        for b in betweens(c):
            if b.minimum is not None:
                cuts[b.question].add(b.minimum)
            if b.maximum is not None:
                cuts[b.question].add(b.maximum + 1)
    return {q: tuple(sorted(v)) for q, v in cuts.items()}


def signature(rules: RuleBase, answers: Answers, today: dt.date) -> tuple[object, ...]:
    """A key that is equal for any two sets of answers with the same result on `today`.

    Skipped questions are dropped, and a number is replaced by the interval it falls in
    between the bounds of the numeric conditions of the rounds in force. Batch checks cache
    on this key together with the date.
    """
    rules = in_force(rules, today)
    kept = effective(rules, answers)
    cuts = number_cuts(rules)
    key = []
    for qid, value in sorted(kept.items()):
        if qid in cuts and isinstance(value, int) and not isinstance(value, bool):
            value = bisect_right(cuts[qid], value)
        key.append((qid, value))
    return (tuple(r.id if r is not None else None for r in (s.round for s in rules.schemes)), *key)


def _variants_of(rules: RuleBase, answers: Answers, question_id: str) -> Iterable[dict[str, AnswerValue]]:
    """The answers with each probe value of one question in turn, as they would count."""
    for value in _probes(rules)[question_id]:
        yield effective(rules, {**answers, question_id: value})


def missing(rules: RuleBase, assessments: Iterable[Assessment], answers: Answers) -> tuple[str, ...]:
    """Unanswered question ids whose answer could now change some scheme's status.

    Kleene logic only ever settles a condition as more becomes known, so an ``aktuell`` or
    ``ikke_aktuell`` scheme stays so. Only a ``kanskje`` scheme can change, and only through
    the unknown answers of its undecided conditions, as far as the guide would ask them now
    (`_worth_asking`). A batch user fills these in and sees the next ones in the new result,
    exactly as the guide would ask them.
    """
    wanted = {q for a in assessments if a.status is Status.KANSKJE for q in a.unknown}
    return tuple(q.id for q in rules.questions if q.id in wanted and is_asked(q, answers))


def _outcome(rules: RuleBase, answers: Answers) -> tuple[object, ...]:
    """Everything an answer could change: statuses, ranking and checklist steps."""
    assessments = [assess(s, answers, _NO_DATE) for s in rules.schemes]
    recommended = _recommended(assessments)
    steps = tuple(e.text for e in _steps(rules, recommended, answers))
    return (tuple(a.status for a in assessments), tuple(a.scheme.id for a in recommended), steps)


# Deadlines do not depend on answers, so any fixed date gives the same comparison; the
# rounds are already chosen (`in_force`) before this is used.
_NO_DATE = dt.date(2000, 1, 1)


def next_question(rules: RuleBase, answers: Answers, today: dt.date) -> Question | None:
    """The first question, in rule-base order, whose answer could still change the outcome
    under the rounds in force on `today`.

    Questions already in `answers` (including "vet ikke") are not asked again, nor are
    questions whose `naar` condition fails. None means nothing more can change.
    """
    rules = in_force(rules, today)
    kept = effective(rules, answers)
    current = _outcome(rules, kept)
    for q in rules.questions:
        if q.id in answers or not is_asked(q, kept):
            continue
        if any(_outcome(rules, v) != current for v in _variants_of(rules, kept, q.id)):
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
            steps.append(ChecklistEntry(item.text, item=item_id))
    return steps


def checklist(rules: RuleBase, recommended: tuple[Assessment, ...], answers: Answers) -> tuple[ChecklistEntry, ...]:
    """Steps for the recommended schemes, then deadline warnings and what the sources say of
    the money (a fact, «merknad», not a warning), then sources.

    Nothing repeats: a step shared by two schemes appears once, as does a shared source.
    """
    if not recommended:
        return ()
    entries = _steps(rules, recommended, answers)
    for a in recommended:
        entries.extend(ChecklistEntry(w, "advarsel") for w in warnings(a))
        entries.append(ChecklistEntry(f"{a.scheme.name}: {funds_sentence(a.scheme)}", "merknad"))
    seen: set[str] = set()
    for a in recommended:
        for source in a.sources:
            if source.id not in seen:
                seen.add(source.id)
                entries.append(ChecklistEntry(source.citation, "kilde", source=source))
    return tuple(entries)


def warnings(a: Assessment) -> list[str]:
    """The deadline warnings for one scheme, in plain words: none for a known date ahead."""
    scheme, d = a.scheme, a.deadline
    out: list[str] = []
    if d.phase == "runde_over":
        label = scheme.round.label if scheme.round is not None else ""
        out.append(f"{scheme.name}: runden {label} er over. Se «Etter fristen» ved ordningen.")
    elif d.passed:
        probably = "trolig " if d.phase == "trolig_passert" else ""
        out.append(
            f"{scheme.name}: fristen ({d.text}) er {probably}passert. Finn den gjeldende utlysningen før dere går "
            "videre; se «Etter fristen» ved ordningen."
        )
    elif d.phase == "ikke_lyst_ut":
        out.append(
            f"{scheme.name}: runden er ikke lyst ut ennå ({d.text}). Følg med på utlysningen hos "
            f"{scheme.administrator}, og forbered dere med stegene over."
        )
    elif d.phase == "lopende":
        out.append(f"{scheme.name}: {d.text}. Sjekk i utlysningen at den fortsatt er åpen.")
    elif d.date is None:
        said = "" if d.text.casefold() in ("ikke kjent", "ukjent") else f" ({d.text})"
        out.append(f"{scheme.name}: fristen er ikke kjent{said}. Spør {scheme.administrator}.")
    elif d.phase == "kan_vaere_passert":
        out.append(
            f"{scheme.name}: kildene er uenige om fristen ({d.text}), og den kan være passert. Sjekk utlysningen."
        )
    elif d.approximate:
        out.append(f"{scheme.name}: fristen er omtrentlig ({d.text}). Finn den nøyaktige datoen i utlysningen.")
    return out


def funds_sentence(scheme: Scheme) -> str:
    """What the sources say about the money, telling money left from money announced."""
    funds = scheme.funds
    about = "omtrent " if funds.approximate else ""
    if funds.kind == "lyst_ut":
        if funds.amount is None:
            return f"kildene sier ikke hvor mye som ble lyst ut for {funds.year}."
        return f"utlysningen for {funds.year} var på {about}{format_nok(funds.amount)}."
    if funds.kind == "tildelt":
        if funds.amount is None:
            return f"kildene sier ikke hvor mye programmet fikk for {funds.year}."
        return f"programmet fikk {about}{format_nok(funds.amount)} for {funds.year}."
    if funds.amount is None:
        return f"kildene sier ikke hvor mye midler som var igjen for {funds.year}."
    return f"det var {about}{format_nok(funds.amount)} igjen for {funds.year}."


def format_nok(amount: int) -> str:
    """20000000 -> '20 mill. kr'; 750000 -> '750 000 kr'.

    The spaces are no-break spaces, so no line is ever broken inside an amount.
    """
    if amount >= 1_000_000:
        millions = amount / 1_000_000
        shown = f"{millions:.1f}".replace(".", ",").removesuffix(",0")
        return f"{shown}\u00a0mill.\u00a0kr"
    return f"{amount:,}".replace(",", "\u00a0") + "\u00a0kr"
