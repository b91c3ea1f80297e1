"""The engine: Kleene logic, golden cases from tests/cases/, and exhaustive invariants."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from soknadsveileder import engine
from soknadsveileder.answers import parse_record
from soknadsveileder.model import AllOf, Answered, AnyOf, Between, Equals, Not, OneOf, Status

from .helpers import TESTS
from .snapshot import ANSWER_VALUES, all_answer_sets, exhaustive

CASES = sorted((TESTS / "cases").glob("*.yaml"))
SNAPSHOTS = TESTS / "snapshots"
OPEN = dt.date(2021, 3, 1)

T, F, U = True, False, None


# --- Kleene logic -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "conj", "disj"),
    [
        (T, T, T, T),
        (T, F, F, T),
        (T, U, U, T),
        (F, F, F, F),
        (F, U, F, U),
        (U, U, U, U),
    ],
)
def test_kleene_truth_tables(a, b, conj, disj):
    answers = {"x": a, "y": b}
    x, y = Equals("x", True), Equals("y", True)
    assert engine.check(AllOf((x, y)), answers) is conj
    assert engine.check(AllOf((y, x)), answers) is conj
    assert engine.check(AnyOf((x, y)), answers) is disj
    assert engine.check(AnyOf((y, x)), answers) is disj
    assert engine.check(Not(x), answers) is (None if a is None else not a)


def test_leaf_conditions_with_unknown_answers():
    assert engine.check(Equals("b", "industri"), {}) is None
    assert engine.check(Equals("b", "industri"), {"b": None}) is None
    assert engine.check(OneOf("b", frozenset({"industri", "bygg"})), {"b": "bygg"}) is True
    assert engine.check(Between("n", 1, 4), {"n": 4}) is True
    assert engine.check(Between("n", 1, 4), {"n": 5}) is False
    assert engine.check(Between("n", 5, None), {}) is None
    assert engine.check(Answered("n", False), {}) is True
    assert engine.check(Answered("n", True), {"n": 0}) is True


def test_a_missing_answer_is_never_a_default(rules):
    result = engine.evaluate(rules, {}, OPEN)
    assert {a.status for a in result.assessments} == {Status.KANSKJE}
    assert result.recommended == ()
    assert result.checklist == ()


# --- Golden cases -------------------------------------------------------------------------


CASE_EXPECTATIONS = {
    "status",
    "anbefalte",
    "mangler",
    "runde",
    "frist",
    "sjekkliste_inneholder",
    "sjekkliste_uten",
    "endringer",
    "poeng",
    "andre_muligheter",
    "passet_tidligere",
    "grunner_uten",
}


def load_case(path: Path) -> dict:
    case = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert set(case) == {"navn", "dato", "svar", "forventet"}, path.name
    assert set(case["forventet"]) <= CASE_EXPECTATIONS, path.name  # a misspelt key would check nothing
    return case


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_golden_case(path, rules):
    case = load_case(path)
    want = case["forventet"]
    answers = parse_record(rules, case["svar"])  # the one parsing path, as for every user
    result = engine.evaluate(rules, answers, dt.date.fromisoformat(case["dato"]))
    assert {a.scheme.id: a.status.value for a in result.assessments} == want["status"]
    assert list(result.recommended) == want["anbefalte"]
    assert list(result.missing) == want["mangler"]
    # The round in force and how its deadline stands, per scheme, written from the dates in
    # data/schemes.yaml and the sources, not taken from the engine.
    assert {a.scheme.id: a.scheme.round.id for a in result.assessments if a.scheme.round} == want["runde"]
    assert {a.scheme.id: a.deadline.phase for a in result.assessments} == want["frist"]
    checklist = "\n".join(e.text for e in result.checklist)
    for text in want.get("sjekkliste_inneholder", []):
        assert text in checklist, text
    for text in want.get("sjekkliste_uten", []):
        assert text not in checklist, text
    for scheme_id, texts in want.get("endringer", {}).items():
        changes = " ".join(result.assessment(scheme_id).changes)
        for text in texts:
            assert text in changes, text
    for scheme_id, points in want.get("poeng", {}).items():
        assert result.assessment(scheme_id).score == points, scheme_id
        assert bool(result.assessment(scheme_id).score_reasons) == (points > 0), scheme_id
    if "andre_muligheter" in want:
        assert [alt.id for alt in result.alternatives] == want["andre_muligheter"]
    assert list(result.earlier) == want.get("passet_tidligere", [])
    for scheme_id, texts in want.get("grunner_uten", {}).items():
        reasons = " ".join(result.assessment(scheme_id).reasons)
        for text in texts:
            assert text not in reasons, text


def test_golden_cases_cover_every_scheme_and_status():
    seen: set[tuple[str, str]] = set()
    phases = set()
    for path in CASES:
        case = load_case(path)
        seen.update(case["forventet"]["status"].items())
        phases.update(case["forventet"]["frist"].values())
    for scheme in (
        "bransjeprogram-industri-bygg",
        "bransjeprogram-maritim",
        "industrifagskolen",
        "utsatte-industriklynger",
    ):
        assert (scheme, "aktuell") in seen and (scheme, "ikke_aktuell") in seen
    assert any(status == "kanskje" for _, status in seen)
    assert phases >= {"aapen", "ikke_lyst_ut", "trolig_passert", "passert", "ukjent", "runde_over"}


# --- Ranking and checklist ----------------------------------------------------------------


def test_developing_a_new_module_ranks_the_bransjeprogram_first(rules):
    """Norsk Industri's 2021 guide: new modules «vil skje gjennom bransjeprogrammene»; a ready
    module is Industrifagskolen's (findings 4 and 28)."""
    new = engine.evaluate(rules, {"bransje": "industri", "behov": "fagskole", "tilbud": "nytt"}, OPEN)
    assert new.recommended == ("bransjeprogram-industri-bygg", "industrifagskolen")
    ready = engine.evaluate(rules, {"bransje": "industri", "behov": "fagskole", "tilbud": "finnes"}, OPEN)
    assert ready.recommended == ("industrifagskolen",)
    assert ready.assessment("bransjeprogram-industri-bygg").status is Status.KANSKJE


def test_checklist_never_repeats_an_item(rules):
    answers = {"bransje": "industri", "behov": "fagskole", "tilbud": "nytt"}
    texts = [e.text for e in engine.evaluate(rules, answers, OPEN).checklist]
    assert len(texts) == len(set(texts))
    assert sum("tillitsvalgte" in t for t in texts) == 1


def test_a_passed_deadline_keeps_the_status_but_moves_a_scheme_without_a_later_call(rules):
    """Finding 6: the clusters call closed 15 September 2021 and no later call is known, so the
    day after it fits but is no longer recommended; it has no checklist, since there is no call."""
    answers = {"bransje": "industri", "behov": "hoyere", "klynge": True}
    late = engine.evaluate(rules, answers, dt.date(2021, 9, 16))
    clusters = late.assessment("utsatte-industriklynger")
    assert clusters.status is Status.AKTUELL and clusters.deadline.passed is True
    assert late.recommended == () and late.earlier == ("utsatte-industriklynger",)
    assert late.checklist == () and late.alternatives  # never a dead end
    on_time = engine.evaluate(rules, answers, dt.date(2021, 9, 15))
    assert on_time.assessment("utsatte-industriklynger").deadline.days_left == 0
    assert on_time.recommended == ("utsatte-industriklynger",) and on_time.earlier == ()


def test_each_date_gets_the_round_in_force_for_the_bundled_schemes(rules):
    """The industri og bygg programme: after the autumn 2021 deadline («midten av september»)
    it is «trolig passert» for a month, then the 2022 round is in force, not yet announced (FLT:
    confirmed 10 February 2022); from then its deadline is unknown. Industrifagskolen stays
    actionable after its three-year frame (2022–2024): the fagskole applies, and the 2024
    letter promised to «styrke Industrifagskolen» (fact-check 2026-12-07, H1)."""
    answers = {"bransje": "industri", "behov": "hoyere"}
    autumn = engine.evaluate(rules, answers, dt.date(2021, 10, 16))
    assert autumn.assessment("bransjeprogram-industri-bygg").deadline.phase == "trolig_passert"
    assert autumn.assessment("bransjeprogram-industri-bygg").status is Status.KANSKJE
    waiting = engine.evaluate(rules, answers, dt.date(2021, 10, 17))
    assert waiting.assessment("bransjeprogram-industri-bygg").deadline.phase == "ikke_lyst_ut"
    assert waiting.recommended == ("bransjeprogram-industri-bygg",)  # 2022: university courses fit
    assert any(e.kind == "advarsel" and "ikke lyst ut ennå" in e.text for e in waiting.checklist)
    fagskole = {"bransje": "industri", "behov": "fagskole", "tilbud": "finnes"}
    for day in (dt.date(2024, 12, 31), dt.date(2025, 1, 1), dt.date(2026, 12, 7)):
        result = engine.evaluate(rules, fagskole, day)
        assert result.recommended == ("industrifagskolen",), day
        assert result.earlier == (), day
    items = [e.item for e in engine.evaluate(rules, fagskole, dt.date(2026, 12, 7)).checklist if e.item]
    assert items[0] == "spor-fagskole-industrifagskolen"


def test_stale_rule_base(rules):
    assert not engine.is_stale(rules, rules.updated.replace(year=rules.updated.year + 1))
    assert engine.is_stale(rules, rules.updated.replace(year=rules.updated.year + 1) + dt.timedelta(days=1))


# --- Adaptive questioning -----------------------------------------------------------------


def test_next_question_follows_rule_base_order_and_stops(rules):
    asked = []
    answers: dict = {}
    plan = {"bransje": "industri", "behov": "hoyere", "klynge": True}
    while (q := engine.next_question(rules, answers, OPEN)) is not None:
        asked.append(q.id)
        answers[q.id] = plan[q.id]
    assert asked == ["bransje", "behov", "klynge"]


def test_nothing_is_asked_once_nothing_can_change(rules):
    assert engine.next_question(rules, {"bransje": "annen"}, OPEN) is None


def test_skipped_questions_are_not_asked_and_do_not_count(rules):
    answers = {"bransje": "bygg", "behov": "fagbrev", "kompetanse": "ufaglaert"}
    q = engine.next_question(rules, answers, OPEN)
    assert q is not None and q.id == "praksis_aar"  # changes the checklist; klynge is skipped
    assert "klynge" not in engine.effective(rules, {**answers, "klynge": True})


# --- Exhaustive ---------------------------------------------------------------------------


RANK = {Status.IKKE_AKTUELL: 0, Status.KANSKJE: 1, Status.AKTUELL: 2}


def test_exhaustive_invariants(rules):
    count = 0
    seen: set = set()
    for answers in all_answer_sets(rules):
        count += 1
        kept = engine.effective(rules, answers)
        key = tuple(sorted(kept.items(), key=lambda kv: kv[0]))
        if key in seen:  # the same answers that count: the same outcome, checked once
            continue
        seen.add(key)
        result = engine.evaluate(rules, answers, OPEN)
        assert len(result.assessments) == len(rules.schemes)
        # The statuses themselves are pinned by the approved snapshot (utfall.txt); what is
        # checked here are properties stated without the engine's own functions.
        for a in result.assessments:
            assert a.reasons, a.scheme.id
            assert a.sources, a.scheme.id  # every reason traceable
            if a.status is not Status.AKTUELL:
                assert a.changes, a.scheme.id
        # Before any deadline, every scheme that fits can be acted on.
        assert set(result.recommended) == {a.scheme.id for a in result.assessments if a.status is Status.AKTUELL}
        assert result.earlier == ()
        # Nothing recommended with an open deadline: never a dead end.
        if not result.recommended:
            assert result.alternatives
        # Making a known answer unknown never turns "ikke_aktuell" into "aktuell".
        for qid, value in kept.items():
            if value is None:
                continue
            weaker = engine.evaluate(rules, {**answers, qid: None}, OPEN)
            for before, after in zip(result.assessments, weaker.assessments, strict=True):
                if before.status is Status.IKKE_AKTUELL:
                    assert after.status is not Status.AKTUELL, (answers, qid)
                if before.status is Status.AKTUELL:
                    assert after.status is not Status.IKKE_AKTUELL, (answers, qid)
        # One more sector never makes a scheme fit less: a condition holds when any sector does.
        if isinstance(answers["bransje"], tuple):
            for extra in {"industri", "bygg", "maritim", "annen"} - set(answers["bransje"]):
                wider = engine.evaluate(rules, {**answers, "bransje": (*answers["bransje"], extra)}, OPEN)
                for before, after in zip(result.assessments, wider.assessments, strict=True):
                    assert RANK[after.status] >= RANK[before.status], (answers, extra, before.scheme.id)
        # `mangler` holds every question the guide would ask whose answer alone changes a status.
        for q in rules.questions:
            if kept.get(q.id) is None and engine.is_asked(q, kept):
                for v in ANSWER_VALUES[q.id]:  # the values written out by hand, not the engine's probes
                    changed = engine.evaluate(rules, {**answers, q.id: v}, OPEN)
                    if [a.status for a in changed.assessments] != [a.status for a in result.assessments]:
                        assert q.id in result.missing, (answers, q.id)
    # bransje 15+1, behov 3+1, kompetanse 4+1, tilbud 2+1, klynge 2+1, praksis 4+1.
    assert count == 16 * 4 * 5 * 3 * 3 * 5


@pytest.mark.parametrize("name", ["utfall.txt", "tekster.txt"])
def test_the_exhaustive_snapshot_is_the_approved_one(rules, name):
    """Every outcome and every text a user could read, for every answer set (tests/snapshot.py);
    a change is shown and approved with `python -m tests.golden`, never by a test."""
    text = exhaustive(rules)[name]
    assert (SNAPSHOTS / name).read_text(encoding="utf-8") == text, (
        f"{name} har endret seg. Se hva med: .venv/bin/python -m tests.golden, og godta med --godta."
    )


# --- Ranking tiebreaks and the all-passed warning, on a rule base made for them -------------

RANGERING = TESTS / "regler" / "rangering.yaml"


def test_ranking_tiebreaks_points_then_funds_then_file_order():
    """Written from the README's rule: D has most points, then by funds (B 9, A 5, E 5, C 1),
    and A before E, equal in everything, by file order. A passed deadline moves a scheme from
    the recommended to those that fitted earlier, in the same order."""
    from soknadsveileder.rules import load

    rules = load(RANGERING)
    result = engine.evaluate(rules, {"bransje": ("industri",)}, dt.date(2021, 9, 1))
    assert result.recommended == ("a-apen-5", "e-apen-5", "c-apen-1")
    assert result.earlier == ("d-to-poeng", "b-passert-9")  # 1 August has passed
    assert result.warnings == ()  # some deadlines are still open
    on_the_day = engine.evaluate(rules, {"bransje": ("industri",)}, dt.date(2021, 10, 1))
    assert on_the_day.recommended == ("a-apen-5", "e-apen-5", "c-apen-1")  # 1 October is still open
    assert not any(w.startswith("Alle fristene") for w in on_the_day.warnings)
    late = engine.evaluate(rules, {"bransje": ("industri",)}, dt.date(2021, 10, 2))
    assert late.recommended == ()
    assert late.earlier == ("d-to-poeng", "b-passert-9", "a-apen-5", "e-apen-5", "c-apen-1")
    assert any(w.startswith("Alle fristene i regelverket er passert per 2. oktober 2021") for w in late.warnings)


def test_a_checklist_step_waits_for_its_condition_to_hold():
    """A step whose condition is unknown is not shown: with praksis unknown, neither route to
    a fagbrev is claimed; the step that says how to find out is."""
    from soknadsveileder.rules import load

    rules = load()
    result = engine.evaluate(rules, {"bransje": ("bygg",), "behov": "fagbrev"}, OPEN)
    items = [e.item for e in result.checklist if e.item]
    assert "fagbrev-vei-ukjent" in items and "fagbrev-kompetanse-ukjent" in items
    assert not {"praksiskandidat", "fagbrev-paa-jobb", "fagbrev-under-ett-aar", "fagbrev-formalisere"} & set(items)
