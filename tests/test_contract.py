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
        ("bransje", "industri, maritim", ("industri", "maritim")),
        ("bransje", "bygg", ("bygg",)),
        ("behov", "hoyere", "hoyere"),
    ],
)
def test_typed_text_becomes_the_json_value_it_stands_for(qid, text, expected):
    assert parse_text(RULES.question(qid), text) == expected


@pytest.mark.parametrize(("qid", "text"), [("klynge", "kanskje"), ("praksis_aar", "4,5"), ("praksis_aar", "fem")])
def test_typed_text_that_means_nothing_is_refused(qid, text):
    with pytest.raises(ValueError):
        parse_text(RULES.question(qid), text)


def test_a_saved_file_is_unwrapped_only_when_it_is_one():
    saved = {"regelverk": {"versjon": "2026.1"}, "dato": "2026-11-29", "svar": {"behov": "fagbrev"}}
    assert parse_record(RULES, saved) == {"behov": "fagbrev"}
    assert SCHEMA.is_valid(saved)
    for bad in ({**saved, "behov": "hoyere"}, {**saved, "regelverk": "2026.1"}, {**saved, "dato": 20261129}):
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
    records.map(lambda r: {"svar": r, "regelverk": {"versjon": "2026.1"}, "dato": "2026-11-29"}),
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
