"""One contract, one validator: the JSON Schema from `soknad skjema` and the parser agree.

The table below is the contract written out by hand, per question type; the property test
then checks, for generated records, that "the schema accepts" equals "soknad sjekk
accepts".
"""

from __future__ import annotations

import datetime as dt
import json

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from soknadsveileder.answers import AnswerError, parse_record, parse_text, parse_value
from soknadsveileder.batch import RawRecord
from soknadsveileder.checking import Checker
from soknadsveileder.rules import load
from soknadsveileder.schema import answer_schema

from .helpers import OPEN_DATE

RULES = load()
SCHEMA = jsonschema.Draft202012Validator(answer_schema(RULES))
REJECT = object()

# (question, JSON value, parsed value or REJECT), one row per case worth knowing.
TABLE = [
    ("bransje", "industri", ("industri",)),
    ("bransje", ["maritim", "industri"], ("industri", "maritim")),
    ("bransje", ["annen", "bygg"], ("bygg", "annen")),
    ("bransje", None, None),
    ("bransje", [], REJECT),
    ("bransje", ["industri", "industri"], REJECT),
    ("bransje", ["industri", None], REJECT),
    ("bransje", "Industri", REJECT),
    ("bransje", "industri, maritim", REJECT),  # a list in JSON is a list
    ("bransje", True, REJECT),
    ("behov", "fagbrev", "fagbrev"),
    ("behov", ["fagbrev"], REJECT),  # only `flervalg` questions take a list
    ("behov", "", REJECT),
    ("behov", 4, REJECT),
    ("klynge", True, True),
    ("klynge", False, False),
    ("klynge", "false", REJECT),  # a quoted false must never be taken as true
    ("klynge", "true", REJECT),
    ("klynge", "ja", REJECT),
    ("klynge", 0, REJECT),
    ("klynge", 1, REJECT),
    ("praksis_aar", 0, 0),
    ("praksis_aar", 60, 60),
    ("praksis_aar", 5.0, 5),  # JSON Schema's integer: a number without a fraction
    ("praksis_aar", -1, REJECT),
    ("praksis_aar", 61, REJECT),
    ("praksis_aar", 4.9, REJECT),
    ("praksis_aar", True, REJECT),
    ("praksis_aar", "5", REJECT),
    ("praksis_aar", "", REJECT),
    ("praksis_aar", [5], REJECT),
]


@pytest.mark.parametrize(("qid", "value", "expected"), TABLE, ids=[f"{q}={json.dumps(v)}" for q, v, _ in TABLE])
def test_accepted_and_rejected_json_values(qid, value, expected):
    question = RULES.question(qid)
    if expected is REJECT:
        with pytest.raises(ValueError):
            parse_value(question, value)
    else:
        assert parse_value(question, value) == expected
    assert SCHEMA.is_valid({qid: value}) == (expected is not REJECT)


@pytest.mark.parametrize(
    ("qid", "value", "message"),
    [
        ("klynge", "false", 'fant "false". Skriv false uten anførselstegn.'),
        ("klynge", "Ja", 'fant "Ja". Skriv true uten anførselstegn.'),
        ("praksis_aar", "5", 'fant teksten "5". Skriv tallet uten anførselstegn.'),
        ("praksis_aar", True, "fant true."),
        ("bransje", ["industri", 3], "fant 3."),
        ("behov", ["a", "b"], 'fant ["a", "b"].'),
    ],
)
def test_messages_show_values_as_json_spells_them(qid, value, message):
    with pytest.raises(ValueError) as err:
        parse_value(RULES.question(qid), value)
    assert str(err.value).endswith(message), str(err.value)


@pytest.mark.parametrize(
    ("qid", "text", "expected"),
    [
        ("klynge", " JA ", True),
        ("klynge", "nei", False),
        ("klynge", "False", False),
        ("klynge", "", None),
        ("praksis_aar", "7", 7),
        ("praksis_aar", " 0 ", 0),
        # The help says an approximate number will do (`omtrentlig`): rounded down, never up.
        ("praksis_aar", "4,5", 4),
        ("praksis_aar", "4.99", 4),
        ("praksis_aar", "ca. 5", 5),
        ("praksis_aar", "ca 5 år", 5),
        ("praksis_aar", "omtrent 5", 5),
        ("praksis_aar", "cirka 0,5", 0),
        ("bransje", "industri, maritim", ("industri", "maritim")),
        ("bransje", "bygg", ("bygg",)),
        ("behov", "hoyere", "hoyere"),
    ],
)
def test_typed_text_becomes_the_json_value_it_stands_for(qid, text, expected):
    assert parse_text(RULES.question(qid), text) == expected


@pytest.mark.parametrize(
    ("qid", "text"),
    [
        ("klynge", "kanskje"),
        ("praksis_aar", "fem"),
        ("praksis_aar", "ca. fem"),
        ("praksis_aar", "4,5,5"),
        ("praksis_aar", "5-6"),
    ],
)
def test_typed_text_that_means_nothing_is_refused(qid, text):
    with pytest.raises(ValueError):
        parse_text(RULES.question(qid), text)


def test_a_saved_file_is_unwrapped_only_when_it_is_one():
    saved = {"regelverk": {"versjon": "2026.3"}, "dato": "2026-11-29", "svar": {"behov": "fagbrev"}}
    assert parse_record(RULES, saved) == {"behov": "fagbrev"}
    assert SCHEMA.is_valid(saved)
    for bad in ({**saved, "behov": "hoyere"}, {**saved, "regelverk": "2026.3"}, {**saved, "dato": 20261129}):
        with pytest.raises(AnswerError):
            parse_record(RULES, bad)
        assert not SCHEMA.is_valid(bad)


# --- The property ---------------------------------------------------------------------------

VALUES = [c.value for q in RULES.questions for c in q.choices]
json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 70),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.sampled_from([*VALUES, "ja", "false", "5", "", " industri"]),
    st.text(max_size=6),
)
json_values = st.one_of(
    json_scalars,
    st.lists(st.one_of(st.sampled_from(VALUES), json_scalars), max_size=4),
    st.dictionaries(st.text(max_size=3), json_scalars, max_size=2),
)
keys = st.sampled_from([q.id for q in RULES.questions] + ["id", "navn", "bransj", "svar", "regelverk", "dato"])
records = st.dictionaries(keys, json_values, max_size=5)
inputs = st.one_of(
    records,
    records.map(lambda r: {"svar": r, "regelverk": {"versjon": "2026.3"}, "dato": "2026-11-29"}),
    st.fixed_dictionaries({"svar": json_values, "regelverk": json_values}, optional={"dato": json_values}),
    json_values,
)
CHECKER = Checker(RULES, dt.date.fromisoformat(OPEN_DATE))


@given(inputs)
@settings(max_examples=1500, deadline=None)
def test_the_schema_accepts_exactly_what_sjekk_accepts(record):
    # Through JSON and back, as a record reaches `soknad sjekk`.
    record = json.loads(json.dumps(record))
    checked = CHECKER.check(1, RawRecord(1, record))
    assert SCHEMA.is_valid(record) == checked.ok, (record, checked.line)


@pytest.mark.parametrize(
    ("record", "kind"),
    [
        (None, "null"),
        (True, "true"),
        (False, "false"),
        (5, "tallet 5"),
        (2.5, "tallet 2.5"),
        ("bygg", 'teksten "bygg"'),
        (["bygg"], "en liste"),
    ],
)
def test_a_record_that_is_not_an_object_is_named_as_json_spells_it(record, kind):
    with pytest.raises(AnswerError) as err:
        parse_record(RULES, record)
    (error,) = err.value.errors
    assert error.field is None
    assert error.message == f"Forventet et JSON-objekt med svar, fant {kind}."


def test_values_in_messages_keep_their_letters_and_are_cut_at_forty_characters():
    # A value is shown as written, æøå included (not \u00f8), so a user can find it.
    with pytest.raises(ValueError) as err:
        parse_value(RULES.question("behov"), "høgskole")
    assert str(err.value).startswith('"høgskole" er ikke en gyldig verdi.')
    # Up to 40 characters (quotes included) are shown whole; longer is cut to 40 with «…».
    whole, cut = "x" * 38, "y" * 39
    for value, shown in ((whole, f'"{whole}"'), (cut, '"' + "y" * 38 + "…")):
        with pytest.raises(ValueError) as err:
            parse_value(RULES.question("behov"), value)
        assert str(err.value).startswith(f"{shown} er ikke en gyldig verdi."), str(err.value)
    # Control characters and line separators are escaped, never printed: in a field name,
    # and in a value (JSON leaves U+2028 as it is).
    with pytest.raises(AnswerError) as record_err:
        parse_record(RULES, {"a\x1bb": 1})
    assert record_err.value.errors[0].message.startswith("Ukjent felt 'a\\x1bb'.")
    with pytest.raises(ValueError) as err:
        parse_value(RULES.question("behov"), "a\u2028b")
    assert str(err.value).startswith('"a\\x2028b" er ikke')


def test_typed_text_with_commas_is_one_value_for_a_question_with_one_answer():
    # «fagbrev, fagskole» typed for behov (one answer) is one misspelt value, not a list.
    with pytest.raises(ValueError) as err:
        parse_text(RULES.question("behov"), "fagbrev, fagskole")
    assert str(err.value).startswith('"fagbrev, fagskole" er ikke en gyldig verdi.')
    with pytest.raises(ValueError) as err:
        parse_text(RULES.question("praksis_aar"), "fem")
    assert str(err.value) == 'Forventet et heltall, fant "fem".'


@pytest.mark.parametrize(
    ("record", "field", "message"),
    [
        ({"praksis_aar": -1}, "praksis_aar", "Tallet må være minst 0, fant -1."),
        ({"praksis_aar": 61}, "praksis_aar", "Tallet kan være høyst 60, fant 61."),
        ({"id": True}, "id", "«id» må være tekst eller et heltall, fant true."),
        ({"navn": "\ud800"}, "navn", '«navn» må være tekst eller et heltall, fant "\\xd800".'),  # a lone surrogate
        (
            {"svar": {}, "regelverk": {}, "ekstra": 1, "mer": 2},
            None,
            "En lagret svarfil har bare svar, regelverk og dato, ikke 'ekstra', 'mer'.",
        ),
        ({"svar": [], "regelverk": {}}, None, "I en lagret svarfil må svar og regelverk være JSON-objekter."),
        ({"svar": {}, "regelverk": {}, "dato": 20210901}, "dato", "Forventet en dato som tekst, fant 20210901."),
    ],
)
def test_record_errors_word_for_word(record, field, message):
    with pytest.raises(AnswerError) as err:
        parse_record(RULES, record)
    assert [(e.field, e.message) for e in err.value.errors] == [(field, message)]
