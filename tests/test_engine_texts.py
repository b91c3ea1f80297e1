"""What the engine says, word for word, and the corners the shipped rule base never reaches:
an unknown deadline, a rule base updated on 29 February, an `ikke` condition left open,
and the boundaries of how amounts are written. Expected texts are written out by hand.

Added after a mutation run (mutmut) showed that changing these texts or bounds left every
test passing.
"""

from __future__ import annotations

import datetime as dt

import pytest

from soknadsveileder import engine
from soknadsveileder.answers import parse_record
from soknadsveileder.model import Equals, Not
from soknadsveileder.rules import load, parse

from .helpers import MINIMAL

RULES = load()
LATE = dt.date(2026, 12, 2)


def minimal(**replace: str):
    text = MINIMAL.read_text(encoding="utf-8")
    for old, new in replace.items():
        assert old in text, old
        text = text.replace(old, new)
    return parse(text, "minimal.yaml")


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        (999_999, "999\u00a0999 kr"),  # under a million: the whole number, grouped
        (750_000, "750\u00a0000 kr"),
        (1_000_000, "1 mill. kr"),  # from a million: in millions, no ",0"
        (7_000_000, "7 mill. kr"),
        (1_500_000, "1,5 mill. kr"),
        (82_700_000, "82,7 mill. kr"),
    ],
)
def test_amounts_in_norwegian(amount, text):
    assert engine.format_nok(amount) == text


def test_the_checklist_warns_about_each_passed_deadline_and_says_what_the_money_was():
    answers = parse_record(RULES, {"bransje": "bygg", "behov": "fagbrev", "kompetanse": "ufaglaert"})
    result = engine.evaluate(RULES, answers, LATE)
    warnings = [e.text for e in result.checklist if e.kind == "advarsel"]
    assert warnings == [
        "Bransjeprogram for industri- og byggenæringen: fristen (midten av september 2021) er passert. "
        "Finn den gjeldende utlysningen før dere går videre; se «Etter fristen» ved ordningen.",
        "Bransjeprogram for industri- og byggenæringen: det var omtrent 7 mill. kr igjen for 2021.",
    ]
    # The sources come last, each once, though several reasons cite the same article.
    sources = [e.text for e in result.checklist if e.kind == "kilde"]
    assert sources == ["Norsk Industri (2021): Støtte til kompetanseløft for utsatte industriklynger"]
    assert [e.kind for e in result.checklist][-1] == "kilde"
    assert result.date == LATE


def test_a_passed_deadline_has_no_days_left_and_an_open_one_counts_them():
    scheme = RULES.schemes[0]
    passed = engine.deadline_state(scheme, LATE)
    assert (passed.passed, passed.days_left) == (True, None)
    open_ = engine.deadline_state(scheme, dt.date(2021, 9, 1))
    assert (open_.passed, open_.days_left) == (False, 14)


def test_an_unknown_deadline_is_said_plainly_and_sends_the_user_to_the_administrator():
    rules = minimal(
        **{'      dato: "2021-09-15"': "      dato: null", "tekst: midten av september 2021": "tekst: ikke kjent"}
    )
    (scheme,) = rules.schemes
    state = engine.deadline_state(scheme, LATE)
    assert (state.date, state.passed, state.days_left, state.approximate, state.text) == (
        None,
        None,
        None,
        True,
        "ikke kjent",
    )
    result = engine.evaluate(rules, {"bransje": "industri"}, LATE)
    assert "Ordning A: fristen er ikke kjent. Spør HK-dir." in [e.text for e in result.checklist]
    assert not any("er passert" in w for w in result.warnings)  # no date: nothing has passed


def test_the_stale_warning_word_for_word_and_a_29_february_update():
    stale = engine.rule_base_warnings(minimal(), LATE)
    assert stale[0] == (
        "Regelverket ble sist oppdatert 2021-08-15, for mer enn ett år siden. "
        "Sjekk gjeldende utlysninger hos HK-dir før dere søker."
    )
    assert stale[1] == (
        "Alle fristene i regelverket er passert per 2026-12-02; den siste var 2021-09-15. Under hver ordning "
        "står det hva kildene sier skjedde etterpå, og hvor dere finner gjeldende utlysninger."
    )
    leap = minimal(**{'oppdatert: "2021-08-15"': 'oppdatert: "2024-02-29"'})
    # A year after 29 February 2024 is 28 February 2025: stale from 1 March, not before.
    assert not engine.is_stale(leap, dt.date(2025, 2, 28))
    assert engine.is_stale(leap, dt.date(2025, 3, 1))
    assert not engine.is_stale(minimal(), dt.date(2022, 8, 15))
    assert engine.is_stale(minimal(), dt.date(2022, 8, 16))


def test_an_open_ikke_condition_names_the_question_it_waits_for():
    condition = Not(Equals("klynge", True))
    assert engine.undecided(condition, {}) == ["klynge"]
    assert engine.undecided(condition, {"klynge": False}) == []


def test_unclear_sources_are_said_as_such_and_the_note_says_what_to_ask():
    answers = parse_record(RULES, {"bransje": "bygg", "behov": "fagskole", "tilbud": "finnes"})
    a = engine.evaluate(RULES, answers, LATE).assessment("industrifagskolen")
    assert a.status.value == "kanskje"
    assert a.reasons[0] == "Kildene er uklare om ordningen gjelder for svarene deres; se hva dere bør spørre om."
    assert a.unclear == (
        "Artikkelen fra 2021 omtaler Industrifagskolen som et tilbud til industrien, men utlysningen i 2022 "
        "gjaldt fag knyttet til både industri og bygg. Spør fagskolen om modulen dere trenger, kan tas "
        "gjennom Industrifagskolen.",
    )
    assert a.changes == a.unclear  # nothing else is missing: no «Blir aktuell hvis», no «Svar på»
