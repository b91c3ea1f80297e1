"""The answers of the browser guide, carried in the address: no state on the server.

An address like ``/oversikt?bransje=industri&bransje=maritim&behov=fagbrev&praksis_aar=``
holds every answer given so far, in the order they were given. A value is written as the
terminal takes it typed: a choice id, ``ja`` or ``nei``, a whole number, and the empty
string for «Vet ikke». A question with `flervalg` repeats its key. Keys that start with
``_`` steer the pages (which question a form answers) and are never answers: question ids
are lower-case letters, digits and ``_`` inside, so the two cannot meet.

Reading goes through the one parser of the command line (`answers.parse_text` and
`parse_value`), so an address the browser accepts is an answer set `soknad sjekk` accepts,
with the same Norwegian messages when it is not.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from urllib.parse import urlencode

from ..answers import AnswerError, FieldError, clean, parse_text, parse_value, unknown_field
from ..model import AnswerValue, Question, RuleBase

#: The empty value stands for «Vet ikke», as an empty line does in the terminal.
UNKNOWN = ""
_MAX_PAIRS = 200  # far more than any rule base has answers; a longer address is not ours
_MAX_VALUE = 100  # characters; no choice id or number is longer


def control(key: str) -> bool:
    """A key that steers the pages (``_sporsmal``), not an answer."""
    return key.startswith("_")


#: Parameters that links pick up on their way through e-mail, chat and social media: Google
#: Analytics and Ads, Facebook and Messenger, Microsoft, Mailchimp, HubSpot, Instagram,
#: Yandex, Twitter, LinkedIn. They are not answers, and are dropped.
_TRACKERS = re.compile(
    r"utm_[a-z0-9_]*|fbclid|gclid|gbraid|wbraid|dclid|msclkid|mc_[a-z]+|igshid|yclid|twclid|li_fat_id"
    r"|_ga|_gl|_hsenc|_hsmi|mkt_tok"
)
#: What a sentence or an HTML page leaves at the end of a pasted link.
_TRAILING = ").,;:!?»”'\""


def shared(rules: RuleBase, pairs: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """An address as it comes back after being shared: without the trackers' parameters,
    with ``&amp;`` read as ``&`` (a link copied out of HTML), and without a ``)`` or ``.``
    that a sentence put after the last value. A key that is a question is never dropped."""
    ids = {q.id for q in rules.questions}
    kept: list[tuple[str, str]] = []
    for key, value in pairs:
        while key.startswith("amp;"):
            key = key[4:]
        if key not in ids and _TRACKERS.fullmatch(key.lower()):
            continue
        kept.append((key, value))
    if kept and kept[-1][0] in ids:
        key, value = kept[-1]
        kept[-1] = (key, value.rstrip(_TRAILING))
    return kept


def value_text(question: Question, value: AnswerValue) -> list[str]:
    """An answer as the strings the address and the form carry."""
    if value is None:
        return [UNKNOWN]
    if isinstance(value, tuple):
        return list(value)
    if isinstance(value, bool):
        return ["ja" if value else "nei"]
    return [str(value)]


def encode(rules: RuleBase, answers: Mapping[str, AnswerValue]) -> list[tuple[str, str]]:
    """The (key, value) pairs of an address, in the order the answers were given."""
    pairs: list[tuple[str, str]] = []
    for qid, value in answers.items():
        pairs += [(qid, text) for text in value_text(rules.question(qid), value)]
    return pairs


def query(rules: RuleBase, answers: Mapping[str, AnswerValue], **control_keys: str) -> str:
    """``?bransje=industri&…``, or the empty string when there is nothing to carry."""
    pairs = encode(rules, answers) + [(f"_{k}", v) for k, v in control_keys.items()]
    return "?" + urlencode(pairs) if pairs else ""


def group(pairs: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    """The values of each key, keys in the order they first appear."""
    grouped: dict[str, list[str]] = {}
    for key, value in pairs:
        grouped.setdefault(key, []).append(value)
    return grouped


def parse_one(question: Question, values: Sequence[str]) -> AnswerValue:
    """The values a form or an address gives for one question. Raises ValueError with the
    message a person should see, in the words of the terminal guide."""
    if any(len(v) > _MAX_VALUE for v in values):
        raise ValueError(f"Svaret er for langt: {clean(max(values, key=len))}")
    if question.multiple:
        if not values:
            more = ", eller «Vet ikke»." if question.allow_unknown else "."
            raise ValueError("Velg minst ett svar" + more)
        if UNKNOWN in values:
            if len(values) > 1:
                raise ValueError("«Vet ikke» kan ikke velges sammen med andre svar.")
            _allow_unknown(question)
            return None
        return parse_value(question, list(values))
    if not values:
        raise ValueError("Velg et svar." if question.type != "tall" else "Skriv et tall.")
    if len(values) > 1:
        raise ValueError(f"Spørsmålet tar ett svar, men fikk {len(values)}.")
    text = values[0]
    if question.type == "ja_nei" and text.strip().lower() not in ("ja", "nei", "true", "false", ""):
        raise ValueError(f"Svar ja eller nei, fant «{clean(text)}».")
    if not text.strip():
        _allow_unknown(question)
        return None
    return parse_text(question, text)


def _allow_unknown(question: Question) -> None:
    """«Vet ikke» is an answer only where the rule base allows it (`vet_ikke`)."""
    if not question.allow_unknown:
        raise ValueError("Velg et svar." if question.type != "tall" else "Skriv et tall.")


def decode(rules: RuleBase, pairs: Iterable[tuple[str, str]]) -> dict[str, AnswerValue]:
    """The answers an address carries, in the order given. Every bad key or value is
    reported at once (`AnswerError`); keys that steer the pages are skipped."""
    pairs = list(pairs)
    if len(pairs) > _MAX_PAIRS:
        raise AnswerError([FieldError(None, f"Adressen har {len(pairs)} verdier; det er flere enn noen svar kan ha.")])
    known = {q.id: q for q in rules.questions}
    answers: dict[str, AnswerValue] = {}
    errors: list[FieldError] = []
    for key, values in group(p for p in pairs if not control(p[0])).items():
        question = known.get(key)
        if question is None:
            errors.append(unknown_field(key, list(known)))
            continue
        try:
            answers[key] = parse_one(question, values)
        except ValueError as e:
            errors.append(FieldError(key, str(e)))
    if errors:
        raise AnswerError(errors)
    return answers
