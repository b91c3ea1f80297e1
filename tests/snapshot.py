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
import functools
import itertools
from collections.abc import Iterator

from soknadsveileder import engine

OPEN = dt.date(2021, 3, 1)  # before every deadline

# One date in each combination of rounds in data/schemes.yaml, and after the last, read off the
# file by hand: the first line of each answer set is at OPEN, and each later date adds only what
# differs from the date before it.
DATES = [
    OPEN,  # industri og bygg «våren 2021», maritim 2021, the other two not announced yet
    dt.date(2020, 6, 1),  # industri og bygg 2020; every other scheme's first round ahead
    dt.date(2021, 6, 1),  # industri og bygg «høsten 2021» not announced; maritim closed in April
    dt.date(2021, 9, 1),  # the autumn 2021 calls open
    dt.date(2021, 9, 20),  # «midten av september» trolig passert; the clusters call closed
    dt.date(2021, 12, 1),  # industri og bygg 2022 and Industrifagskolen 2022–2024 ahead
    dt.date(2022, 6, 1),  # both announced, no deadline known
    dt.date(2023, 6, 1),  # industri og bygg 2023, maritim 2023
    dt.date(2024, 6, 1),  # industri og bygg 2024–2027; maritim 2023 over
    dt.date(2026, 12, 7),  # Industrifagskolen «2025 og senere»
    dt.date(2028, 6, 1),  # after 2024–2027: every round over but Industrifagskolen's
]


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
    return f"{shown} -> " + " | ".join(f"{k}: {v}" if k else v for k, v in _fields(result, labels))


def _fields(result, labels: list[str] | None) -> list[tuple[str, str]]:
    """The outcome as (name, value) pairs, so that a later date can show only what changed."""
    fields = [("", " ".join(f"{a.scheme.id}:{a.status.value}" for a in result.assessments))]
    fields += [
        ("anbefalt", ",".join(result.recommended) or "-"),
        ("tidligere", ",".join(result.earlier) or "-"),
        ("mangler", ",".join(result.missing) or "-"),
        ("sjekkliste", ",".join(e.item for e in result.checklist if e.item) or "-"),
    ]
    return fields + ([("tekster", " ".join(labels))] if labels else [])


def _changed(before: list[tuple[str, str]], after: list[tuple[str, str]]) -> str:
    parts = []
    for (name, old), (_, new) in zip(before, after, strict=True):
        if old == new:
            continue
        if not name:  # the statuses: only the schemes whose status changed
            changed = [n for o, n in zip(old.split(), new.split(), strict=True) if o != n]
            parts.append(" ".join(changed))
        else:
            parts.append(f"{name}: {new}")
    return " | ".join(parts)


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


@functools.cache
def exhaustive(rules) -> dict[str, str]:
    """The two snapshot files, as text (once per rule base: each of its tests reads them)."""
    catalogue = _Catalogue()
    lines = []
    seen: set = set()
    for answers in all_answer_sets(rules):
        kept = engine.effective(rules, answers)
        key = tuple(sorted(kept.items(), key=lambda kv: kv[0]))
        if key in seen:  # the same answers that count: the same outcome
            continue
        seen.add(key)
        line, before = "", None
        for when in DATES:
            result = engine.evaluate(rules, answers, when)
            fields = _fields(result, _labels(catalogue, result))
            if before is None:
                line = outcome_line(rules, kept, result, _labels(catalogue, result))
            elif fields != before:
                line += f" || {when.isoformat()}: {_changed(before, fields)}"
            before = fields
        lines.append(line)
    return {"utfall.txt": "\n".join(lines) + "\n", "tekster.txt": "\n\n".join(catalogue.entries) + "\n"}


def _labels(catalogue: _Catalogue, result) -> list[str]:
    """The label of each assessment's texts and of the other possibilities shown."""
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
    return labels
