"""The one parsing path for answers.

An answer typed at a prompt, read from ``--svar`` or sent to ``soknad sjekk`` passes
through `parse_value` and `parse_record`, so whatever is accepted in one place is accepted
in all of them, with the same Norwegian messages.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass

from .model import AnswerValue, Question, RuleBase

#: Fields of a record that are not answers but are passed through to the output.
PASSTHROUGH = ("id", "navn")
_MAX_SHOWN = 40
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


@dataclass(frozen=True)
class FieldError:
    field: str | None
    message: str


class AnswerError(Exception):
    """One or more answers are invalid. Carries one `FieldError` per problem."""

    def __init__(self, errors: list[FieldError]) -> None:
        self.errors = errors
        super().__init__("; ".join(e.message for e in errors))


Answers = Mapping[str, AnswerValue]
"""Question id -> parsed value. A key that is present with None means "vet ikke"."""


def show(value: object) -> str:
    """A short, printable rendering of user input for error messages.

    Input may hold escape sequences or megabytes of text; neither may reach a terminal.
    """
    text = clean(value if isinstance(value, str) else repr(value))
    return f"'{text}'" if isinstance(value, str) else text


def clean(text: str) -> str:
    """Escape control characters and shorten, so input is safe to print anywhere."""
    text = _UNPRINTABLE.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
    return text if len(text) <= _MAX_SHOWN else text[: _MAX_SHOWN - 1] + "…"


def parse_value(question: Question, raw: object) -> AnswerValue:
    """Validate one answer. None is "vet ikke". Raises ValueError with a Norwegian message.

    A question with `flervalg` takes one value or a list of values, and always gives a
    tuple in the order of the question's choices, so equal answers compare equal.
    """
    if raw is None:
        return None
    if question.multiple:
        return _parse_several(question, raw)
    if question.type == "valg":
        allowed = [c.value for c in question.choices]
        if not isinstance(raw, str):
            raise ValueError(f"Forventet en av {', '.join(allowed)}, fant {show(raw)}.")
        return _choice(allowed, raw)
    if question.type == "ja_nei":
        if isinstance(raw, bool):
            return raw
        raise ValueError(f"Forventet true eller false, fant {show(raw)}.")
    return _parse_number(question, raw)


def _choice(allowed: list[str], raw: str) -> str:
    if raw not in allowed:
        close = difflib.get_close_matches(raw, allowed, n=1, cutoff=0.6)
        hint = f" Mente du '{close[0]}'?" if close else f" Gyldige verdier: {', '.join(allowed)}."
        raise ValueError(f"{show(raw)} er ikke en gyldig verdi.{hint}")
    return raw


def _parse_several(question: Question, raw: object) -> tuple[str, ...]:
    allowed = [c.value for c in question.choices]
    if isinstance(raw, str):
        return (_choice(allowed, raw),)
    if not isinstance(raw, list | tuple):
        raise ValueError(f"Forventet en av {', '.join(allowed)}, eller en liste av dem, fant {show(raw)}.")
    if not raw:
        raise ValueError("Listen er tom. Velg minst én verdi, eller la feltet være null for «vet ikke».")
    seen: set[str] = set()
    for item in raw:
        if not isinstance(item, str):
            raise ValueError(f"Hvert element i listen må være en av {', '.join(allowed)}, fant {show(item)}.")
        _choice(allowed, item)
        if item in seen:
            raise ValueError(f"{show(item)} står to ganger i listen.")
        seen.add(item)
    return tuple(v for v in allowed if v in seen)


def _parse_number(question: Question, raw: object) -> int:
    value: int
    if isinstance(raw, bool):
        raise ValueError(f"Forventet et heltall, fant {show(raw)}.")
    if isinstance(raw, int):
        value = raw
    elif isinstance(raw, float) and math.isfinite(raw) and raw.is_integer():
        value = int(raw)
    elif isinstance(raw, str) and raw.strip().isdigit() and raw.strip().isascii():
        value = int(raw.strip())
    else:
        raise ValueError(f"Forventet et heltall, fant {show(raw)}.")
    if question.minimum is not None and value < question.minimum:
        raise ValueError(f"Tallet må være minst {question.minimum}, fant {value}.")
    if question.maximum is not None and value > question.maximum:
        raise ValueError(f"Tallet kan være høyst {question.maximum}, fant {value}.")
    return value


def parse_record(rules: RuleBase, record: object) -> dict[str, AnswerValue]:
    """Validate a whole answer record (a JSON object). Reports every bad field at once.

    Keys are question ids; `PASSTHROUGH` keys are allowed and ignored here. A saved answer
    file (``{"svar": {...}, "regelverk": {...}}``) is unwrapped first.
    """
    if isinstance(record, Mapping) and isinstance(record.get("svar"), Mapping) and "regelverk" in record:
        record = record["svar"]
    if not isinstance(record, Mapping):
        raise AnswerError([FieldError(None, f"Forventet et JSON-objekt med svar, fant {_json_kind(record)}.")])
    known = {q.id: q for q in rules.questions}
    answers: dict[str, AnswerValue] = {}
    errors: list[FieldError] = []
    for key, raw in record.items():
        if key in PASSTHROUGH:
            continue
        question = known.get(key)
        if question is None:
            close = difflib.get_close_matches(str(key), list(known), n=1, cutoff=0.6)
            hint = f" Mente du '{close[0]}'?" if close else f" Kjente felt: {', '.join(known)}."
            errors.append(FieldError(clean(str(key)), f"Ukjent felt {show(key)}.{hint}"))
            continue
        try:
            answers[key] = parse_value(question, raw)
        except ValueError as e:
            errors.append(FieldError(key, str(e)))
    if errors:
        raise AnswerError(errors)
    return answers


def _json_kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return f"tallet {show(value)}"
    if isinstance(value, str):
        return f"teksten {show(value)}"
    if isinstance(value, list):
        return "en liste"
    return "en ukjent verdi"
