"""Warnings about a valid rule base: things that are allowed but almost surely a mistake.

`soknad valider` prints them with file and line and a hint; `--streng` makes them errors.
Most are found by trying every possible set of answers (`space`), which takes well under a
second for the shipped rule base.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlparse

from . import engine
from .claims import Claim, claims, missing_numbers
from .describe import condition_text
from .model import (
    EVIDENCE_FIELDS,
    AllOf,
    AnswerValue,
    AnyOf,
    Condition,
    Equals,
    Not,
    OneOf,
    RuleBase,
    Scheme,
    Status,
)
from .rulebuilder import Located
from .space import Dimension, all_conditions, answer_sets, dimensions


@dataclass(frozen=True)
class LintWarning:
    kind: str  # a short id, for tests and for anyone filtering
    line: int
    message: str
    hint: str

    def show(self, file: str) -> str:
        return f"{file}:{self.line}: advarsel: {self.message} ({self.hint})"


@dataclass(frozen=True)
class _Outcome:
    statuses: tuple[Status, ...]
    recommended: tuple[str, ...]
    steps: tuple[str, ...]
    alternatives: tuple[str, ...]


def lint(located: Located, today: dt.date | None = None) -> list[LintWarning]:
    rules = located.rules
    dims = dimensions(rules)
    outcomes = _outcomes(rules, dims, today or rules.updated)
    found: list[LintWarning] = []
    found += _never_aktuell(located, outcomes)
    found += _unused_values(located)
    found += _steps_never_shown(located, outcomes)
    found += _questions_without_effect(located, dims, outcomes)
    found += _constant_conditions(located, dims)
    found += _unreachable_questions(located, dims)
    found += _unclear_never_applies(located, dims)
    found += _uncited_sources(located)
    found += _front_page_urls(located)
    found += _updated_too_early(located)
    found += _facts_without_evidence(located)
    found += _quotes_without_numbers(located)
    found += _replaced_keys(located)
    return sorted(found, key=lambda w: w.line)


def _replaced_keys(located: Located) -> Iterator[LintWarning]:
    """`senere_utlysning` and `kjent_til` (to 2026.2) are read but do nothing: rounds do it now."""
    for line, key in located.legacy:
        yield LintWarning(
            "erstattet-av-runder",
            line,
            f"'{key}' er erstattet av «runder» (regelverk 2026.3) og brukes ikke.",
            "skriv hver utlysning eller periode som en runde under «runder»; se docs/vedlikehold.md",
        )


def _outcomes(rules: RuleBase, dims: list[Dimension], today: dt.date) -> dict[tuple[AnswerValue, ...], _Outcome]:
    """The outcome of every answer set, each distinct set of answers that count evaluated once.

    Each is seen from several dates: `today`, the day before the first deadline, when every
    call was open, and the day each round was announced, so that every round counts. A
    checklist step shows only for a scheme that can be acted on, so a step of a scheme whose
    call closed long ago still counts as shown, as it was then.
    """
    dates = _dates(rules, today)
    by_effective: dict[tuple[tuple[str, AnswerValue], ...], _Outcome] = {}
    out = {}
    for answers in answer_sets(dims):
        kept = engine.effective(rules, answers)
        key = tuple(kept.items())
        outcome = by_effective.get(key)
        if outcome is None:
            results = [engine.evaluate(rules, kept, when) for when in dates]
            outcome = by_effective[key] = _Outcome(
                tuple(
                    _best(a.status for a in column) for column in zip(*(r.assessments for r in results), strict=True)
                ),
                tuple(sid for r in results for sid in (*r.recommended, "|")),
                tuple(e.item for r in results for e in r.checklist if e.item),
                tuple(a.id for r in results for a in r.alternatives),
            )
        out[tuple(answers.values())] = outcome
    return out


def _dates(rules: RuleBase, today: dt.date) -> tuple[dt.date, ...]:
    """`today`, the day before the first deadline, and the day each round opened."""
    schemes = [s.in_round(r) for s in rules.schemes for r in s.rounds]
    schemes += [s for s in rules.schemes if not s.rounds]
    dated = [d for s in schemes for d in (s.deadline.earliest, s.deadline.date) if d is not None]
    opened = {r.announced or r.starts for s in rules.schemes for r in s.rounds}
    first = {min(dated) - dt.timedelta(days=1)} if dated else set()
    return (*tuple(sorted(first | opened)), today)


def _best(statuses: Iterator[Status]) -> Status:
    """The status a scheme reaches at best over the dates: aktuell before kanskje."""
    seen = set(statuses)
    for s in (Status.AKTUELL, Status.KANSKJE):
        if s in seen:
            return s
    return Status.IKKE_AKTUELL


def _never_aktuell(located: Located, outcomes: dict[tuple[AnswerValue, ...], _Outcome]) -> Iterator[LintWarning]:
    seen = {i for o in outcomes.values() for i, s in enumerate(o.statuses) if s is Status.AKTUELL}
    for i, scheme in enumerate(located.rules.schemes):
        if i not in seen:
            yield LintWarning(
                "aldri-aktuell",
                located.line(scheme),
                f"Ordningen '{scheme.id}' blir aldri aktuell, uansett svar.",
                "se etter vilkår som ikke kan holde samtidig",
            )


def _referenced_values(condition: Condition) -> Iterator[tuple[str, str | bool]]:
    if isinstance(condition, Equals):
        yield condition.question, condition.value
    elif isinstance(condition, OneOf):
        for v in condition.values:
            yield condition.question, v
    elif isinstance(condition, Not):
        yield from _referenced_values(condition.item)
    elif isinstance(condition, AllOf | AnyOf):
        for c in condition.items:
            yield from _referenced_values(c)


def _unused_values(located: Located) -> Iterator[LintWarning]:
    rules = located.rules
    used = {pair for c in all_conditions(rules) for pair in _referenced_values(c)}
    for q in rules.questions:
        for choice in q.choices:
            if (q.id, choice.value) not in used:
                yield LintWarning(
                    "ubrukt-verdi",
                    located.line(choice),
                    f"Verdien '{choice.value}' for '{q.id}' brukes ikke av noe vilkår, rangering, sjekkpunkt "
                    "eller annen mulighet, så den endrer ingenting.",
                    "bruk den i et vilkår, eller fjern den",
                )


def _steps_never_shown(located: Located, outcomes: dict[tuple[AnswerValue, ...], _Outcome]) -> Iterator[LintWarning]:
    shown = {step for o in outcomes.values() for step in o.steps}
    for item in located.rules.checklist_items.values():
        if item.id not in shown:
            yield LintWarning(
                "sjekkpunkt-vises-aldri",
                located.line(item),
                f"Sjekkpunktet '{item.id}' vises aldri, uansett svar.",
                "legg det til i sjekklisten til en ordning, eller sjekk 'naar'",
            )


def _questions_without_effect(
    located: Located, dims: list[Dimension], outcomes: dict[tuple[AnswerValue, ...], _Outcome]
) -> Iterator[LintWarning]:
    for d, dim in enumerate(dims):
        seen: dict[tuple[AnswerValue, ...], _Outcome] = {}
        matters = False
        for values, outcome in outcomes.items():
            rest = values[:d] + values[d + 1 :]
            first = seen.setdefault(rest, outcome)
            if first != outcome:
                matters = True
                break
        if not matters:
            yield LintWarning(
                "sporsmal-uten-virkning",
                located.line(dim.question),
                f"Svaret på '{dim.id}' endrer aldri noe: ikke status, rekkefølge, sjekkliste eller andre muligheter.",
                "bruk spørsmålet i et vilkår eller sjekkpunkt, eller fjern det",
            )


def _constant_conditions(located: Located, dims: list[Dimension]) -> Iterator[LintWarning]:
    rules = located.rules
    asked = {id(q.when) for q in rules.questions if q.when is not None}  # reported as unreachable
    sets = list(answer_sets(dims))
    for condition in all_conditions(rules):
        if id(condition) in asked:
            continue
        truths = {engine.check(condition, answers) for answers in sets}
        if False not in truths or True not in truths:
            always = "sann" if False not in truths else "usann"
            yield LintWarning(
                "konstant-betingelse",
                located.line(condition),
                f"Betingelsen «{condition_text(condition, rules)}» er alltid {always}, uansett svar.",
                "sjekk verdiene; en betingelse som alltid holder, kan fjernes",
            )


def _unreachable_questions(located: Located, dims: list[Dimension]) -> Iterator[LintWarning]:
    rules = located.rules
    for q in rules.questions:
        if q.when is None:
            continue
        if not any(engine.check(q.when, engine.effective(rules, a)) is True for a in answer_sets(dims)):
            yield LintWarning(
                "uoppnaaelig-sporsmal",
                located.line(q.when),
                f"Spørsmålet '{q.id}' blir aldri stilt: «{condition_text(q.when, rules)}» holder aldri.",
                "sjekk 'naar' mot svarene på spørsmålene før",
            )


def _uncited_sources(located: Located) -> Iterator[LintWarning]:
    rules = located.rules
    cited = {id(c.source) for c in claims(rules)}
    for source in rules.sources.values():
        if id(source) not in cited:
            yield LintWarning(
                "ubrukt-kilde",
                located.line(source),
                f"Kilden '{source.id}' brukes ikke av noen påstand (vilkår, historikk, sjekkpunkt, merknad, "
                "belegg eller annen mulighet).",
                "vis til den der den støtter en påstand, eller fjern den",
            )


def _front_page_urls(located: Located) -> Iterator[LintWarning]:
    for source in located.rules.sources.values():
        if source.url is None:
            continue
        parts = urlparse(source.url)
        if parts.path.strip("/") == "" and not parts.query:
            yield LintWarning(
                "forside-url",
                located.line(source),
                f"Adressen til kilden '{source.id}' er bare forsiden til {parts.netloc}.",
                "vis til selve siden kilden kom fra, eller la 'url' stå tom",
            )


def _updated_too_early(located: Located) -> Iterator[LintWarning]:
    rules = located.rules
    # A deadline after `oppdatert` is what a yearly update brings; an event in the history
    # from after it cannot have been checked then.
    facts = [(dt.date(h.year, 1, 1), f"historikken for '{s.id}' ({h.year})") for s in rules.schemes for h in s.history]
    late = [(when, what) for when, what in facts if when > rules.updated]
    if late:
        _, what = max(late)
        yield LintWarning(
            "oppdatert-for-tidlig",
            located.updated_line,
            f"'oppdatert' ({rules.updated.isoformat()}) er eldre enn {what}.",
            "sett 'oppdatert' til datoen da innholdet sist ble gått gjennom",
        )


def _facts_without_evidence(located: Located) -> Iterator[LintWarning]:
    """Every fact of a scheme that a user reads has a `belegg` with a quote, in every round."""
    for scheme in located.rules.schemes:
        views: list[tuple[Scheme, str, object]] = [
            (scheme.in_round(r), f" i runden «{r.label}»", r) for r in scheme.rounds
        ]
        for view, where, part in views or [(scheme, "", scheme)]:
            backed = {e.field for e in view.evidence}
            for field in EVIDENCE_FIELDS:
                if field not in backed:
                    yield LintWarning(
                        "uten-belegg",
                        located.line(part),
                        f"Ordningen «{scheme.name}» har ikke belegg for '{field}'{where}.",
                        f"legg til et belegg med «gjelder: {field}», en kilde og et sitat som støtter teksten",
                    )


def _quotes_without_numbers(located: Located) -> Iterator[LintWarning]:
    """A claim whose numbers are in none of its quotes has drifted from its source.

    This catches a changed amount, date or count. It cannot catch a changed word, a
    quote from the wrong page, or a claim that says more than its quote: a person reads
    those in `soknad kilder`.
    """
    rules = located.rules
    owners = {s.name: s for s in rules.schemes}
    grouped: dict[tuple[str, str], list[Claim]] = {}  # a shared checklist step is checked once
    for claim in claims(rules):
        grouped.setdefault((claim.kind, claim.text), []).append(claim)
    for (kind, _), found in grouped.items():
        missing = missing_numbers(found)
        if missing:
            owner = owners.get(found[0].group)
            # The line of the text itself where it is known (the funds, a note), else its scheme.
            part = found[0].part
            line = located.lines.get(id(part)) if part is not None else None
            yield LintWarning(
                "sitat-uten-tall",
                line or (located.line(owner) if owner is not None else 1),
                f"{found[0].group}, {kind}: tallene {', '.join(sorted(missing))} står ikke i sitatet.",
                "sitatet skal inneholde tallene teksten bygger på; rett teksten eller sitatet",
            )


def _unclear_never_applies(located: Located, dims: list[Dimension]) -> Iterator[LintWarning]:
    """An `uavklart` case matters only for answers where its condition fails and its `naar`
    holds. One that meets no such answers (the condition was widened, the `naar` names a
    value the condition now takes) can no longer apply, and its advice is never shown."""
    rules = located.rules
    kept_sets = {tuple(engine.effective(rules, a).items()) for a in answer_sets(dims)}
    answer_list = [dict(k) for k in kept_sets]
    for scheme in rules.schemes:
        every = [*scheme.criteria, *(c for r in scheme.rounds for c in r.criteria)]
        for criterion in every:
            for unclear in criterion.unclear:
                if not any(
                    engine.check(criterion.condition, a) is False and engine.check(unclear.when, a) is True
                    for a in answer_list
                ):
                    yield LintWarning(
                        "uavklart-gjelder-aldri",
                        located.line(unclear),
                        f"Et «uavklart» for vilkåret '{criterion.id}' i '{scheme.id}' gjelder aldri: for ingen svar "
                        f"holder «{condition_text(unclear.when, rules)}» mens vilkåret ikke holder.",
                        "fjern det, eller rett 'naar' så det gjelder svar som vilkåret ikke tar med",
                    )
