"""The exhaustive snapshot: every answer set the guide can meet, and what a user would read.

`utfall.txt` has one line per distinct set of answers that count: the statuses, the
recommended order, the missing questions and the checklist steps, and, by label, the texts
of each scheme's assessment and the other possibilities shown. `tekster.txt` lists each
label's texts once: the reasons, the ranking reasons, «Blir aktuell hvis» (what would make
the scheme fit) and what is unclear. Both were read by hand once; since then a change shows
as a diff (`python -m tests.golden`), and is approved there, never by a test.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator

from soknadsveileder import engine

OPEN = dt.date(2021, 3, 1)  # before every deadline


_SECTORS = ["industri", "bygg", "maritim", "annen"]
# Every known answer to each question, written out by hand (None, «vet ikke», comes on top).
ANSWER_VALUES: dict[str, list[object]] = {
    "bransje": [c for n in range(1, 5) for c in itertools.combinations(_SECTORS, n)],
    "behov": ["fagbrev", "fagskole", "hoyere"],
    "kompetanse": ["ufaglaert", "fagbrev", "fagskole", "hoyere"],
    "tilbud": ["finnes", "nytt"],
    "klynge": [True, False],
    "praksis_aar": [0, 1, 4, 5],
}


def all_answer_sets(rules) -> Iterator[dict[str, object]]:
    """Every combination of answers, each also unknown (None), written out by hand.

    The values are listed here, not taken from the engine, so a probe the engine forgets
    cannot hide an outcome: bransje takes every non-empty set of sectors, and praksis_aar
    takes 0, 1, 4 and 5, the two sides of each bound in the checklist (1 and 5 years).
    """
    # «Vet ikke» first for the sector and last for the rest: the order the snapshot was approved in.
    options = {qid: [None, *values] if qid == "bransje" else [*values, None] for qid, values in ANSWER_VALUES.items()}
    assert list(options) == [q.id for q in rules.questions], "a new question needs its values here"
    for combo in itertools.product(*options.values()):
        yield dict(zip(options, combo, strict=True))


def _show(v) -> str:
    if isinstance(v, tuple):
        return "+".join(v)
    return "?" if v is None else str(v).lower()


def outcome_line(rules, answers, result, labels: list[str] | None = None) -> str:
    """One readable line: the answers that count, and every outcome a user could see."""
    shown = " ".join(f"{q.id}={_show(answers[q.id])}" for q in rules.questions if q.id in answers)
    statuses = " ".join(f"{a.scheme.id}:{a.status.value}" for a in result.assessments)
    steps = ",".join(e.item for e in result.checklist if e.item) or "-"
    line = (
        f"{shown} -> {statuses} | anbefalt: {','.join(result.recommended) or '-'}"
        f" | mangler: {','.join(result.missing) or '-'} | sjekkliste: {steps}"
    )
    return line + (f" | tekster: {' '.join(labels)}" if labels else "")


class _Catalogue:
    """Each distinct bundle of texts once, under a label: «industrifagskolen#3»."""

    def __init__(self) -> None:
        self.labels: dict[tuple[object, ...], str] = {}
        self.entries: list[str] = []
        self.counts: dict[str, int] = {}

    def label(self, prefix: str, key: tuple[object, ...], describe) -> str:
        found = self.labels.get(key)
        if found is None:
            self.counts[prefix] = self.counts.get(prefix, 0) + 1
            found = self.labels[key] = f"{prefix}#{self.counts[prefix]}"
            self.entries.append("\n".join([found, *describe()]))
        return found


def exhaustive(rules) -> dict[str, str]:
    """The two snapshot files, as text."""
    catalogue = _Catalogue()
    lines = []
    seen: set = set()
    for answers in all_answer_sets(rules):
        kept = engine.effective(rules, answers)
        key = tuple(sorted(kept.items(), key=lambda kv: kv[0]))
        if key in seen:  # the same answers that count: the same outcome
            continue
        seen.add(key)
        result = engine.evaluate(rules, answers, OPEN)
        labels = []
        for a in result.assessments:
            bundle = (a.scheme.id, a.status, a.reasons, a.score_reasons, a.changes, a.unclear)

            def describe(a=a) -> list[str]:
                out = [f"  status: {a.status.value}"]
                out += [f"  grunn: {r}" for r in a.reasons]
                out += [f"  rangering: {r}" for r in a.score_reasons]
                out += [f"  blir aktuell hvis: {c}" for c in a.changes]
                out += [f"  uavklart: {u}" for u in a.unclear]
                return out

            labels.append(catalogue.label(a.scheme.id, bundle, describe))
        alternatives = tuple(alt.id for alt in result.alternatives)
        labels.append(
            catalogue.label(
                "andre",
                ("andre", alternatives),
                lambda alts=alternatives: [f"  vises: {a}" for a in alts] or ["  (ingen)"],
            )
        )
        lines.append(outcome_line(rules, kept, result, labels))
    return {"utfall.txt": "\n".join(lines) + "\n", "tekster.txt": "\n\n".join(catalogue.entries) + "\n"}
