"""Saved answers meet a newer rule base.

A file from `soknad veileder --lagre-svar` records the version of the rule base it was
answered under. Read under another version:

* answers to questions that no longer exist, and values that are no longer allowed, are
  set aside with a note that names them (the guide then asks again);
* the result says what changed for these answers since they were saved, when the old rule
  base is at hand: given with --tidligere-regelverk, or kept from an earlier run on this
  machine (`rules.archived`). Otherwise it says plainly that the version differs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from . import engine
from .answers import PASSTHROUGH, AnswerError, parse_record, unwrap_saved
from .model import AnswerValue, RuleBase, Status
from .space import restrict


@dataclass
class Saved:
    """What a saved answer file brings along besides the answers themselves."""

    version: str
    notes: list[str] = field(default_factory=list)  # answers set aside, by name
    answers: Mapping[str, Any] | None = None  # as saved, for the rule base they were given under


def saved_version(record: object) -> str | None:
    """The rule-base version a saved answer file was written under; None for plain answers."""
    if isinstance(record, Mapping) and "svar" in record and isinstance(record.get("regelverk"), Mapping):
        version = record["regelverk"].get("versjon")
        return str(version) if version is not None else None
    return None


def adapt(rules: RuleBase, record: object) -> tuple[object, Saved | None]:
    """For a saved file of another version: its answers without those this rule base cannot
    read, and the notes that name them. Anything else is returned as it is."""
    version = saved_version(record)
    if version is None or version == rules.version:
        return record, None
    saved = Saved(version)
    try:
        answers = unwrap_saved(record)
    except Exception:
        return record, saved  # a malformed file: the parser reports it
    if not isinstance(answers, Mapping):
        return record, saved
    saved.answers = answers
    questions = {q.id: q for q in rules.questions}
    kept: dict[str, Any] = {}
    for key, value in answers.items():
        question = questions.get(key)
        if key in PASSTHROUGH:
            kept[key] = value
        elif question is None:
            saved.notes.append(
                f"Svaret på '{key}' er tatt bort: spørsmålet finnes ikke i regelverk {rules.version} "
                f"(svarene ble lagret med {version})."
            )
        elif version in question.discard_from:
            saved.notes.append(
                f"Svaret på '{key}' er tatt bort: spørsmålet spør om noe annet nå enn i regelverk {version}, "
                "så det stilles på nytt."
            )
        elif question.type == "valg" and _unknown_values(question.choices, value):
            gone = ", ".join(_unknown_values(question.choices, value))
            saved.notes.append(
                f"Svaret '{gone}' på '{key}' er ikke lenger et gyldig svar i regelverk {rules.version} "
                f"(svarene ble lagret med {version}), så spørsmålet stilles på nytt."
            )
        else:
            kept[key] = value
    return kept, saved


def _unknown_values(choices: Any, value: object) -> list[str]:
    allowed = {c.value for c in choices}
    values = value if isinstance(value, list) else [value]
    return [str(v) for v in values if isinstance(v, str) and v not in allowed]


_MOVES = {
    (Status.KANSKJE, Status.AKTUELL): "blitt aktuell",
    (Status.IKKE_AKTUELL, Status.AKTUELL): "blitt aktuell",
    (Status.AKTUELL, Status.KANSKJE): "ikke lenger sikkert aktuell (nå kanskje)",
    (Status.AKTUELL, Status.IKKE_AKTUELL): "ikke lenger aktuell",
    (Status.IKKE_AKTUELL, Status.KANSKJE): "blitt kanskje aktuell",
    (Status.KANSKJE, Status.IKKE_AKTUELL): "ikke lenger aktuell",
}


def changed_since(
    saved: Saved, old: RuleBase | None, new: RuleBase, answers: Mapping[str, AnswerValue], today: dt.date
) -> dict[str, Any]:
    """What changed for these answers between the saved version and this one (`endret_siden`)."""
    if old is None:
        return {
            "regelverk": saved.version,
            "endringer": None,
            "tekst": [
                f"Svarene ble lagret med regelverk {saved.version}, og nå brukes {new.version}. Regelverk "
                f"{saved.version} er ikke tilgjengelig her, så det kan ikke vises hva som er endret; "
                "gi det med --tidligere-regelverk."
            ],
            "merknader": saved.notes,
        }
    # The old rules get the answers as they were saved, so that "before" is what the user
    # was told then, even for an answer set aside since; failing that, today's answers.
    try:
        then = parse_record(old, dict(saved.answers)) if saved.answers is not None else None
    except AnswerError:
        then = None
    if then is None:
        then = restrict(old, dict(answers))
    before = engine.evaluate(old, engine.effective(old, then), today)
    after = engine.evaluate(new, engine.effective(new, dict(answers)), today)
    was = {a.scheme.id: a for a in before.assessments}
    texts = []
    changes = []
    for a in after.assessments:
        b = was.get(a.scheme.id)
        if b is None:
            move = "kommet til" + (" og er aktuell" if a.status is Status.AKTUELL else f" ({a.status.value})")
        elif b.status is a.status:
            continue
        else:
            move = _MOVES[(b.status, a.status)]
        changes.append({"ordning": a.scheme.id, "fra": b.status.value if b else None, "til": a.status.value})
        texts.append(f"Siden svarene ble lagret (regelverk {saved.version}) er {a.scheme.name} {move}.")
    for sid, b in was.items():
        if sid not in {a.scheme.id for a in after.assessments}:
            changes.append({"ordning": sid, "fra": b.status.value, "til": None})
            texts.append(f"Siden svarene ble lagret (regelverk {saved.version}) er {b.scheme.name} falt bort.")
    if not texts:
        texts.append(
            f"Svarene ble lagret med regelverk {saved.version}; for disse svarene har ingen ordning endret status."
        )
    return {"regelverk": saved.version, "endringer": changes, "tekst": texts, "merknader": saved.notes}
