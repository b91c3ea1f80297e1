"""The one parsing path for answers.

An answer typed at a prompt, read from ``--svar``, sent to ``soknad sjekk`` or read from a
spreadsheet cell passes through `parse_value` (a JSON value) and `parse_record` (a whole
record), so whatever is accepted in one place is accepted in all of them, with the same
Norwegian messages. Text that a person typed (a prompt, a spreadsheet cell) is first read
by `parse_text` into the JSON value it stands for, then checked the same way.

The contract is the JSON Schema from `soknad skjema` (`schema.py`): a record passes here
exactly when it passes the schema. A number is a JSON number, not a string holding one.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass

from .model import Answers as Answers
from .model import AnswerValue, Question, RuleBase

#: Fields of a record that are not answers but are passed through to the output.
PASSTHROUGH = ("id", "navn")
#: The keys of a saved answer file (`soknad veileder --lagre-svar`).
SAVED_FILE_KEYS = frozenset({"svar", "regelverk", "dato"})
_MAX_SHOWN = 40
# Control characters, line separators, and lone surrogates (from a "\ud800" escape), which
# no terminal or UTF-8 file can take.
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
_YES = frozenset({"ja", "true"})
_NO = frozenset({"nei", "false"})


@dataclass(frozen=True)
class FieldError:
    field: str | None
    message: str


class AnswerError(Exception):
    """One or more answers are invalid. Carries one `FieldError` per problem."""

    def __init__(self, errors: list[FieldError]) -> None:
        self.errors = errors
        super().__init__("; ".join(e.message for e in errors))


def show(value: object) -> str:
    """A value as JSON spells it (``true``, ``["a", "b"]``, ``"x"``), short and printable.

    Input may hold escape sequences or megabytes of text; neither may reach a terminal.
    """
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = repr(value)
    return clean(text)


def name(key: object) -> str:
    """A field name from input, quoted and printable: 'bransj'."""
    return f"'{clean(str(key))}'"


def clean(text: str) -> str:
    """Escape control characters and shorten, so input is safe to print anywhere."""
    text = _UNPRINTABLE.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
    return text if len(text) <= _MAX_SHOWN else text[: _MAX_SHOWN - 1] + "…"


def close_match(word: str, options: list[str], cutoff: float = 0.6) -> str | None:
    """The option nearest to a misspelt word, for «Mente du …?»; None when none is near."""
    import difflib  # only an error needs it

    found = difflib.get_close_matches(word, options, n=1, cutoff=cutoff)
    return found[0] if found else None


def parse_value(question: Question, raw: object, *, cell: bool = False) -> AnswerValue:
    """Validate one JSON answer. None is "vet ikke". Raises ValueError with a Norwegian message.

    A question with `flervalg` takes one value or a list of values, and always gives a
    tuple in the order of the question's choices, so equal answers compare equal. With
    `cell`, the value came from a spreadsheet cell, and the message speaks of cells, not JSON.
    """
    if raw is None:
        return None
    if question.multiple:
        return _parse_several(question, raw, cell)
    if question.type == "valg":
        allowed = [c.value for c in question.choices]
        if not isinstance(raw, str):
            raise ValueError(f"Forventet en av {', '.join(allowed)}, fant {_shown(raw, cell)}.")
        return _choice(allowed, raw, cell)
    if question.type == "ja_nei":
        if isinstance(raw, bool):
            return raw
        if cell:
            raise ValueError(f"Skriv ja eller nei, fant {_shown(raw, cell)}.")
        hint = ""
        if isinstance(raw, str) and raw.strip().lower() in _YES | _NO:
            word = "true" if raw.strip().lower() in _YES else "false"
            hint = f" Skriv {word} uten anførselstegn."
        raise ValueError(f"Skriv ja eller nei (i JSON: true eller false), fant {show(raw)}.{hint}")
    return _parse_number(question, raw, cell)


def _shown(value: object, cell: bool) -> str:
    """A value in a message: as JSON spells it, or for a cell as a person typed it: «ja»."""
    if cell and isinstance(value, str | int | float) and not isinstance(value, bool):
        return f"«{clean(str(value))}»"
    return show(value)


def parse_text(question: Question, text: str) -> AnswerValue:
    """Read what a person typed (a prompt, a spreadsheet cell), then check it as JSON.

    Empty is "vet ikke"; yes/no takes ja, nei, true or false in any case; a number takes
    whole numbers; several values are separated by commas (``industri, maritim``).
    """
    text = text.strip()
    if not text:
        return None
    raw: object = text
    if question.type == "ja_nei":
        word = text.lower()
        if word in _YES | _NO:
            raw = word in _YES
    elif question.type == "tall":
        number = whole_number(text)
        if question.approximate and not isinstance(number, int):
            rounded = approximate(text)
            number = number if rounded is None else rounded
        if isinstance(number, int):
            raw = number
        elif re.fullmatch(r"[+-]?[0-9]+[.,][0-9]+", number):
            raw = number  # the number check says how to write it
        else:
            raise ValueError(f"Forventet et heltall, fant {show(text)}.")
    elif question.multiple and "," in text:
        raw = [part.strip() for part in text.split(",")]
    return parse_value(question, raw)


def whole_number(text: str) -> int | str:
    """A typed number as an int: «6», «6 år», «+3». Anything else comes back as it was, for
    the parser to say what is wrong with it."""
    bare = re.sub(r"\s*år$", "", text.strip(), flags=re.IGNORECASE)
    return int(bare) if re.fullmatch(r"[+-]?[0-9]+", bare) else text


_APPROXIMATE = re.compile(
    r"(?:(?:ca|cirka|circa|omtrent|rundt|omkring|om lag)\.?\s*|~\s*)?([+-]?[0-9]+)(?:[.,]([0-9]+))?(?:\s*år)?",
    re.IGNORECASE,
)


def approximate(text: str) -> int | None:
    """An approximate number as people type it, as the whole number at or below it: «ca. 5»,
    «omtrent 5», «5 år» and «5,5» are all 5. None for anything else. Only for a question whose
    help says that an approximate number will do (`Question.approximate`): rounding down
    never lets 4,9 years count as the 5 a condition asks for."""
    from decimal import ROUND_FLOOR, Decimal

    found = _APPROXIMATE.fullmatch(text.strip())
    if found is None:
        return None
    whole, fraction = found.groups()
    if fraction is None:
        return int(whole)
    return int(Decimal(f"{whole}.{fraction}").to_integral_value(rounding=ROUND_FLOOR))


def _choice(allowed: list[str], raw: str, cell: bool = False) -> str:
    if raw not in allowed:
        close = close_match(raw, allowed)
        if cell:
            hint = f" Mente du «{close}»?" if close else f" Gyldige verdier: {', '.join(allowed)}."
        else:
            hint = f" Mente du '{close}'?" if close else f" Gyldige verdier: {', '.join(allowed)}."
        raise ValueError(f"{_shown(raw, cell)} er ikke en gyldig verdi.{hint}")
    return raw


def _parse_several(question: Question, raw: object, cell: bool = False) -> tuple[str, ...]:
    allowed = [c.value for c in question.choices]
    if isinstance(raw, str):
        if cell and raw not in allowed:
            # «industri;bygg», «industri / maritim», «industri og bygg»: several values, written
            # with something other than a comma. «Mente du «industri»?» would lose the second.
            parts = [p.strip() for p in re.split(r"[;/+&]|\s+og\s+", raw) if p.strip()]
            values = [question.value_for(p) for p in parts]
            if len(values) > 1 and all(v in allowed for v in values):
                listed = ", ".join(values)
                raise ValueError(f"{_shown(raw, cell)}: skill flere verdier med komma, slik: «{listed}».")
        return (_choice(allowed, raw, cell),)
    if not isinstance(raw, list | tuple):
        raise ValueError(f"Forventet en av {', '.join(allowed)}, eller en liste av dem, fant {show(raw)}.")
    if not raw:
        if cell:
            raise ValueError("Cellen har bare komma. Skriv minst én verdi, eller la cellen stå tom for «vet ikke».")
        raise ValueError("Listen er tom. Velg minst én verdi, eller la feltet være null for «vet ikke».")
    seen: set[str] = set()
    for item in raw:
        if not isinstance(item, str):
            raise ValueError(f"Hvert element i listen må være en av {', '.join(allowed)}, fant {show(item)}.")
        _choice(allowed, item, cell)
        if item in seen:
            raise ValueError(f"{_shown(item, cell)} står to ganger i {'cellen' if cell else 'listen'}.")
        seen.add(item)
    return tuple(v for v in allowed if v in seen)


def _parse_number(question: Question, raw: object, cell: bool = False) -> int:
    # JSON Schema's "integer" is any number with no fraction, 5.0 included, but never a
    # boolean or a string: the same here.
    value: int
    if isinstance(raw, bool) or (cell and isinstance(raw, str) and not re.search(r"[0-9]", raw)):
        raise ValueError(f"Forventet et heltall, fant {_shown(raw, cell)}.")
    if isinstance(raw, int):
        value = raw
    elif isinstance(raw, float) and math.isfinite(raw) and raw.is_integer():
        value = int(raw)
    elif isinstance(raw, str) and re.fullmatch(r"\s*[+-]?[0-9]+\s*", raw):
        raise ValueError(f"Forventet et heltall, fant teksten {show(raw)}. Skriv tallet uten anførselstegn.")
    elif isinstance(raw, float | str) and re.fullmatch(r"\s*[+-]?[0-9]+[.,][0-9]+\s*", str(raw)):
        whole = re.split(r"[.,]", str(raw).strip())[0]
        raise ValueError(f"Skriv et helt tall, fant {_shown(raw, cell)}; rund ned: {whole}.")
    else:
        raise ValueError(f"Forventet et heltall, fant {_shown(raw, cell)}.")
    if question.minimum is not None and value < question.minimum:
        raise ValueError(f"Tallet må være minst {question.minimum}, fant {value}.")
    if question.maximum is not None and value > question.maximum:
        raise ValueError(f"Tallet kan være høyst {question.maximum}, fant {value}.")
    return value


def unwrap_saved(record: object) -> object:
    """The answers of a saved answer file (``{"svar": …, "regelverk": …, "dato": …}``).

    Anything else is returned as it is. A file with the saved keys and others besides is an
    error, not silently read as one or the other.
    """
    if not (isinstance(record, Mapping) and "svar" in record and "regelverk" in record):
        return record
    extra = [k for k in record if k not in SAVED_FILE_KEYS]
    if extra:
        fields = ", ".join(name(k) for k in extra)
        raise AnswerError([FieldError(None, f"En lagret svarfil har bare svar, regelverk og dato, ikke {fields}.")])
    if not isinstance(record["svar"], Mapping) or not isinstance(record["regelverk"], Mapping):
        raise AnswerError([FieldError(None, "I en lagret svarfil må svar og regelverk være JSON-objekter.")])
    if "dato" in record and not isinstance(record["dato"], str):
        raise AnswerError([FieldError("dato", f"Forventet en dato som tekst, fant {show(record['dato'])}.")])
    return record["svar"]


def parse_record(rules: RuleBase, record: object, *, cell: bool = False) -> dict[str, AnswerValue]:
    """Validate a whole answer record (a JSON object). Reports every bad field at once.

    Keys are question ids; `PASSTHROUGH` keys are allowed and ignored here. A saved answer
    file is unwrapped first. With `cell`, the record is a spreadsheet row, and the messages
    speak of cells.
    """
    record = unwrap_saved(record)
    if not isinstance(record, Mapping):
        raise AnswerError([FieldError(None, f"Forventet et JSON-objekt med svar, fant {_json_kind(record)}.")])
    known = {q.id: q for q in rules.questions}
    answers: dict[str, AnswerValue] = {}
    errors: list[FieldError] = []
    for key, raw in record.items():
        if key in PASSTHROUGH:
            if not passthrough_ok(raw):
                where = f"Cellen i kolonnen «{key}»" if cell else f"«{key}»"
                errors.append(FieldError(key, f"{where} må være tekst eller et heltall, fant {_shown(raw, cell)}."))
            continue
        question = known.get(key)
        if question is None:
            errors.append(unknown_field(key, list(known), cell))
            continue
        try:
            answers[key] = parse_value(question, raw, cell=cell)
        except ValueError as e:
            errors.append(FieldError(key, str(e)))
    if errors:
        raise AnswerError(errors)
    return answers


def unknown_field(key: object, known: list[str], cell: bool = False) -> FieldError:
    """A field no question has, with the nearest one or the list of them; for a spreadsheet
    (`cell`), a column whose name is close to a question's, so its answers would be lost."""
    close = close_match(str(key), known)
    if cell:
        hint = f" Mente du '{close}'? Rett kolonnenavnet" if close else f" Spørsmålene er {', '.join(known)}"
        return FieldError(clean(str(key)), f"Kolonnen {name(key)} er ikke et spørsmål.{hint}, eller tøm cellen.")
    hint = f" Mente du '{close}'?" if close else f" Kjente felt: {', '.join(known)}."
    return FieldError(clean(str(key)), f"Ukjent felt {name(key)}.{hint}")


def passthrough_ok(value: object) -> bool:
    """`id` and `navn`: text or a whole number, as the schema says (5.0 counts as whole)."""
    if type(value) is str and value.isascii():  # the common case, first: it is checked per record
        return True
    if isinstance(value, bool):
        return False
    if isinstance(value, int) or (isinstance(value, float) and math.isfinite(value) and value.is_integer()):
        return True
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate from a \ud800 escape
            return False
        return True
    return False


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
