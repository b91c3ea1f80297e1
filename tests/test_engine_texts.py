"""What the engine says, word for word, and the corners the shipped rule base never reaches:
an unknown deadline, a rule base updated on 29 February, an `ikke` condition left open,
and the boundaries of how amounts are written. Expected texts are written out by hand.

Added after a mutation run (mutmut) showed that changing these texts or bounds left every
test passing.
"""

from __future__ import annotations

import datetime as dt

import pytest

from soknadsveileder import engine, texts
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
        # Every space a no-break space: an amount is never split over two lines.
        (999_999, "999\u00a0999\u00a0kr"),  # under a million: the whole number, grouped
        (750_000, "750\u00a0000\u00a0kr"),
        (1_000_000, "1\u00a0mill.\u00a0kr"),  # from a million: in millions, no ",0"
        (7_000_000, "7\u00a0mill.\u00a0kr"),
        (1_500_000, "1,5\u00a0mill.\u00a0kr"),
        (82_700_000, "82,7\u00a0mill.\u00a0kr"),
    ],
)
def test_amounts_in_norwegian(amount, text):
    assert engine.format_nok(amount) == text


@pytest.mark.parametrize(
    ("day", "want"),
    [
        # Before the article (HK-dir, from 1 July 2021) the autumn round is not out yet.
        (
            dt.date(2021, 6, 1),
            "Bransjeprogram for industri- og byggenæringen: runden er ikke lyst ut ennå (midten av september "
            "2021). Følg med på utlysningen hos Direktoratet for høyere utdanning og kompetanse (HK-dir), og "
            "forbered dere med stegene over.",
        ),
        # «Søknadsfristane er i midten av september 2021»: open, with no day to count to.
        (
            dt.date(2021, 9, 1),
            "Bransjeprogram for industri- og byggenæringen: fristen er omtrentlig (midten av september 2021). "
            "Finn den nøyaktige datoen i utlysningen.",
        ),
        # 2024–2027: no stored source gives a deadline (fact-check 2026-12-07).
        (
            LATE,
            "Bransjeprogram for industri- og byggenæringen: fristen er ikke kjent (tilbyderne søkte i 2024 om "
            "midler for 2024–2027; kildene viser ingen ny frist). Spør Direktoratet for høyere utdanning og "
            "kompetanse (HK-dir).",
        ),
    ],
)
def test_the_checklist_says_how_the_deadline_of_the_round_stands(day, want):
    answers = parse_record(
        RULES,
        {"bransje": "bygg", "behov": "hoyere"}
        if day == LATE
        else {"bransje": "bygg", "behov": "fagbrev", "kompetanse": "ufaglaert"},
    )
    result = engine.evaluate(RULES, answers, day)
    warnings = [e.text for e in result.checklist if e.kind == "advarsel"]
    assert warnings[0] == want


def test_the_checklist_says_what_the_money_of_the_round_was():
    """«Vi har igjen ca 7 millionar» (2021) and «som har fått 11 millionar kroner» (2024)."""
    answers = parse_record(RULES, {"bransje": "bygg", "behov": "fagbrev", "kompetanse": "ufaglaert"})
    result = engine.evaluate(RULES, answers, dt.date(2021, 9, 1))
    # A fact to note («Merk»), not a warning: issue 26 §8 keeps «Advarsel» for warnings.
    notes = [e.text for e in result.checklist if e.kind == "merknad"]
    assert notes == [
        "Bransjeprogram for industri- og byggenæringen: det var omtrent 7\u00a0mill.\u00a0kr igjen for 2021."
    ]
    assert not any("mill." in e.text for e in result.checklist if e.kind == "advarsel")
    higher = engine.evaluate(RULES, parse_record(RULES, {"bransje": "bygg", "behov": "hoyere"}), LATE)
    notes = [e.text for e in higher.checklist if e.kind == "merknad"]
    assert notes == ["Bransjeprogram for industri- og byggenæringen: programmet fikk 11\u00a0mill.\u00a0kr for 2024."]
    # The sources come last, each once: the article (conditions and ranking), then the
    # notes' and the round's sources.
    sources = [e.text for e in result.checklist if e.kind == "kilde"]
    assert sources == [
        "Norsk Industri (2021): Støtte til kompetanseløft for utsatte industriklynger, "
        "https://www.norskindustri.no/dette-jobber-vi-med/kompetanse/aktuelt/"
        "stotte-til-kompetanseloft-for-utsatte-industriklynger/",
        "NVL (2021): 55 millioner til 10 bransjeprogrammer, https://nvl.org/Content/55-millioner-til-10-bransjeprogrammer",
    ]
    assert [e.kind for e in result.checklist][-1] == "kilde"


def test_a_passed_deadline_has_no_days_left_and_an_open_one_counts_them():
    clusters = RULES.scheme("utsatte-industriklynger")  # «Søknadsfrist 15. september kl 17:00»
    passed = engine.deadline_state(clusters, LATE)
    assert (passed.passed, passed.days_left, passed.phase) == (True, None, "passert")
    open_ = engine.deadline_state(clusters, dt.date(2021, 9, 1))
    assert (open_.passed, open_.days_left, open_.phase) == (False, 14, "aapen")
    assert texts.deadline_text(open_) == "15. september 2021 kl. 17.00 (åpen, 14 dager igjen)"
    on_the_day = engine.deadline_state(clusters, dt.date(2021, 9, 15))
    assert texts.deadline_text(on_the_day) == "15. september 2021 kl. 17.00 (i dag)"
    day_after = engine.deadline_state(clusters, dt.date(2021, 9, 16))
    assert texts.deadline_text(day_after) == "15. september 2021 kl. 17.00 (passert)"


@pytest.mark.parametrize(
    ("day", "phase", "said"),
    [
        # «i midten av september 2021»: no day to count to (finding 8).
        (dt.date(2021, 9, 14), "aapen", "midten av september 2021 (åpen; fristen er omtrentlig)"),
        (dt.date(2021, 9, 15), "aapen", "midten av september 2021 (åpen; fristen er omtrentlig)"),
        (dt.date(2021, 9, 16), "trolig_passert", "midten av september 2021 (trolig passert)"),
        (dt.date(2021, 10, 16), "trolig_passert", "midten av september 2021 (trolig passert)"),
        # The 2022 round starts the day after the month (FLT: confirmed 10 February 2022).
        (dt.date(2021, 10, 17), "ikke_lyst_ut", "kildene gir ingen frist for 2022 (ikke lyst ut ennå)"),
    ],
)
def test_an_approximate_deadline_counts_no_days_and_is_only_probably_passed(day, phase, said):
    state = engine.deadline_state(RULES.scheme("bransjeprogram-industri-bygg"), day)
    assert (state.phase, state.days_left) == (phase, None)
    assert texts.deadline_text(state) == said


def test_an_approximate_deadline_with_no_next_round_has_passed_a_month_after():
    (scheme,) = minimal().schemes  # «midten av september 2021», no rounds
    assert engine.deadline_state(scheme, dt.date(2021, 10, 16)).phase == "trolig_passert"
    later = engine.deadline_state(scheme, dt.date(2021, 10, 17))
    assert (later.phase, later.passed) == ("passert", True)
    assert texts.deadline_text(later) == "midten av september 2021 (passert)"


@pytest.mark.parametrize(
    ("day", "phase", "passed"),
    [
        (dt.date(2021, 4, 8), "aapen", False),  # «Søknadsfrist for alle bransjeprogrammene er 8. april»
        (dt.date(2021, 4, 9), "kan_vaere_passert", False),
        (dt.date(2021, 4, 15), "kan_vaere_passert", False),  # «Søknadsfristen var 15. april 2021»
        (dt.date(2021, 4, 16), "passert", True),  # the September money had no sum for maritime (M1)
    ],
)
def test_sources_that_disagree_about_the_maritime_deadline_give_a_may_have_passed(day, phase, passed):
    maritime = RULES.scheme("bransjeprogram-maritim")
    state = engine.deadline_state(maritime, day)
    assert (state.phase, state.passed, state.days_left) == (phase, passed, None)
    if phase == "aapen":  # two exact dates, not an approximate one
        assert (
            texts.deadline_text(state)
            == "8. eller 15. april 2021 ifølge Kompetanse Norge (åpen; kildene gir to datoer)"
        )
    if phase == "kan_vaere_passert":
        assert texts.deadline_text(state) == ("8. eller 15. april 2021 ifølge Kompetanse Norge (kan være passert)")
        result = engine.evaluate(RULES, {"bransje": "maritim", "behov": "fagbrev"}, day)
        assert result.recommended == ("bransjeprogram-maritim",)  # it may still be open
        assert (
            "Bransjeprogram for maritim sektor: kildene er uenige om fristen (8. eller 15. april 2021 ifølge "
            "Kompetanse Norge), og den kan være passert. Sjekk utlysningen."
        ) in [e.text for e in result.checklist]


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
        "Regelverket ble sist oppdatert 15. august 2021, for mer enn ett år siden. "
        "Sjekk gjeldende utlysninger hos HK-dir før dere søker."
    )
    # The minimal rule base's only deadline is approximate: «ca.», never a plain date (finding 8).
    assert stale[1] == (
        "Alle fristene i regelverket er passert per 2. desember 2026; den siste var ca. 15. september 2021. Ved hver ordning "
        "står det hva kildene sier skjedde etterpå, og hvor dere finner gjeldende utlysninger."
    )
    soon_after = engine.rule_base_warnings(minimal(), dt.date(2021, 9, 20))
    assert soon_after[0].startswith(
        "Alle fristene i regelverket er trolig passert per 20. september 2021; den siste var ca. 15. september 2021."
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
    """In the autumn 2021 round; from 2022 the ready module gets the later sources' advice."""
    autumn = dt.date(2021, 9, 1)
    answers = parse_record(RULES, {"bransje": "bygg", "behov": "fagskole", "tilbud": "finnes"})
    a = engine.evaluate(RULES, answers, autumn).assessment("bransjeprogram-industri-bygg")
    assert a.status.value == "kanskje"
    assert a.reasons == (
        "Bedriften er i industrien eller byggenæringen.",
        "Kildene er uklare om ordningen gjelder for svarene deres; se hva dere bør spørre om.",
    )
    # The case of a ready module, with its own advice (finding 2), and its source: NVL 2021.
    assert a.unclear == (
        "Artikkelen nevner bare nye fagskoletilbud, men ingen kilde utelukker en ferdig modul. I april-runden i "
        "2021 kunne midlene brukes til å gjenta kurs som programmet selv hadde hatt i 2020. Spør fagskolen om "
        "modulen kan holdes med midler fra bransjeprogrammet eller fra Industrifagskolen.",
    )
    assert a.changes == a.unclear  # nothing else is missing: no «Blir aktuell hvis», no «Svar på»
    assert "nvl-2021" in {s.id for s in a.sources}
    # Higher education gets the other case's advice, citing Regjeringen 2021 (finding 3).
    higher = engine.evaluate(RULES, parse_record(RULES, {"bransje": "bygg", "behov": "hoyere"}), autumn)
    b = higher.assessment("bransjeprogram-industri-bygg")
    assert b.status.value == "kanskje" and len(b.unclear) == 1
    assert b.unclear[0].startswith("Artikkelen nevner bare fagbrev og fagskole for programmet i 2021")
    assert "regjeringen-2021" in {s.id for s in b.sources}
    # The clusters question is never asked for bygg: not «ikke avklart ennå» (finding 42).
    clusters = higher.assessment("utsatte-industriklynger")
    assert clusters.reasons == (
        "Ordningen er for industribedrifter.",
        "Ikke spurt om bedriften er med i en utsatt klynge med minst tre samarbeidende industribedrifter, siden det "
        "ikke gjelder for svarene deres.",
        "De ansatte trenger korte moduler fra universitet eller høgskole.",
    )
    later = engine.evaluate(RULES, answers, LATE).assessment("bransjeprogram-industri-bygg")
    assert later.status.value == "kanskje"
    assert later.unclear == (
        "De senere kildene om programmet nevner både utvikling og drift av tilbud. Spør fagskolen om en ferdig "
        "modul kan holdes med midler fra programmet; ellers kan Industrifagskolen passe.",
    )
    assert "byggogbevar-2024" in {s.id for s in later.sources}
