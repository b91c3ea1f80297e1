"""Rounds: the round in force on a date, its deadline, and what it changes.

`tests/regler/runder.yaml` has one scheme with three rounds. Every expectation below is read
off that file by hand: 2021 runs from 1 January 2021 (announced 1 March, deadline 15
September), 2022 from 16 September 2021 to 31 December 2022 (rolling, and it widens
«nivaa» to fagbrev and swaps the checklist), and «2024 og senere» from 1 January 2024
(no deadline known). 2023 falls in the gap after 2022 ended.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from soknadsveileder import engine
from soknadsveileder.model import Status
from soknadsveileder.rules import RuleBaseError, load

from .helpers import TESTS

RUNDER = TESTS / "regler" / "runder.yaml"
BROKEN = TESTS / "regler" / "ugyldige"


@pytest.fixture(scope="module")
def runder():
    return load(RUNDER)


# (date, round in force, deadline phase, days left): each boundary from both sides.
ROUND_ON = [
    ("2020-12-31", "2021", "ikke_lyst_ut", None),  # before the first round: the first, ahead
    ("2021-01-01", "2021", "ikke_lyst_ut", None),  # the round has started, its call is not out
    ("2021-02-28", "2021", "ikke_lyst_ut", None),
    ("2021-03-01", "2021", "aapen", 198),  # announced: 1 March to 15 September is 198 days
    ("2021-09-15", "2021", "aapen", 0),  # the deadline day itself is open
    ("2021-09-16", "2022", "lopende", None),  # the next round starts the day after
    ("2022-12-31", "2022", "lopende", None),  # its last day (`til`) still counts
    ("2023-01-01", "2022", "runde_over", None),  # after it and before the next: over
    ("2023-12-31", "2022", "runde_over", None),
    ("2024-01-01", "2024", "ukjent", None),
    ("2030-06-01", "2024", "ukjent", None),  # the last round, open-ended, stays
]


@pytest.mark.parametrize(("day", "round_id", "phase", "days"), ROUND_ON, ids=[d for d, *_ in ROUND_ON])
def test_the_round_in_force_and_its_deadline_on_each_side_of_each_boundary(runder, day, round_id, phase, days):
    today = dt.date.fromisoformat(day)
    result = engine.evaluate(runder, {"bransje": "industri", "behov": "fagskole"}, today)
    a = result.assessment("ordning-a")
    assert a.scheme.round is not None and a.scheme.round.id == round_id
    assert a.deadline.phase == phase
    assert a.deadline.days_left == days
    assert engine.deadline_state(runder.scheme("ordning-a"), today).phase == phase  # the scheme as loaded, too


def test_a_round_changes_the_status_and_the_next_one_keeps_the_change(runder):
    """2021 takes only fagskole («Bare fagskole i 2021»); 2022 widens it to fagbrev, and 2024
    says nothing about it, so the 2022 condition carries on."""
    fagbrev = {"bransje": "industri", "behov": "fagbrev"}

    def status(day: str) -> Status:
        return engine.evaluate(runder, fagbrev, dt.date.fromisoformat(day)).assessment("ordning-a").status

    assert status("2021-09-15") is Status.IKKE_AKTUELL
    assert status("2021-09-16") is Status.AKTUELL
    assert status("2024-01-01") is Status.AKTUELL
    reasons = engine.evaluate(runder, fagbrev, dt.date(2021, 9, 1)).assessment("ordning-a").reasons
    assert "Bare fagskole i 2021." in reasons


def test_the_checklist_and_what_comes_after_are_the_rounds(runder):
    answers = {"bransje": "industri", "behov": "fagskole"}
    early = engine.evaluate(runder, answers, dt.date(2021, 3, 1))
    late = engine.evaluate(runder, answers, dt.date(2022, 3, 1))
    assert [e.item for e in early.checklist if e.item] == ["kontakt"]
    assert [e.item for e in late.checklist if e.item] == ["ny-kontakt"]
    gap = engine.evaluate(runder, answers, dt.date(2023, 6, 1))
    assert gap.recommended == () and gap.earlier == ("ordning-a",)
    assert gap.assessment("ordning-a").scheme.after_deadline == "Runden 2022 er over. Spør HK-dir om en ny."
    assert gap.checklist == ()  # no checklist for a round that is over …
    assert gap.alternatives == ()  # … and this rule base has no other possibilities to show


def test_not_announced_yet_is_recommended_with_a_warning(runder):
    result = engine.evaluate(runder, {"bransje": "industri", "behov": "fagskole"}, dt.date(2021, 2, 1))
    assert result.recommended == ("ordning-a",)
    warnings = [e.text for e in result.checklist if e.kind == "advarsel"]
    assert any("ikke lyst ut ennå" in w for w in warnings), warnings


def test_funds_of_the_round_are_described_as_what_they_are(runder):
    answers = {"bransje": "industri", "behov": "fagskole"}
    texts = [e.text for e in engine.evaluate(runder, answers, dt.date(2022, 3, 1)).checklist]
    assert "Ordning A: kildene sier ikke hvor mye programmet fikk for 2022." in texts
    texts = [e.text for e in engine.evaluate(runder, answers, dt.date(2021, 3, 1)).checklist]
    assert "Ordning A: det var 1\u00a0mill.\u00a0kr igjen for 2021." in texts


def test_the_questions_asked_follow_the_round(runder):
    """In 2021 only fagskole counts, so «behov» decides; the guide asks it in every round."""
    assert engine.next_question(runder, {"bransje": "industri"}, dt.date(2021, 3, 1)).id == "behov"
    assert engine.next_question(runder, {"bransje": "annen"}, dt.date(2022, 3, 1)) is None


def test_the_same_answers_on_dates_in_different_rounds_have_different_signatures(runder):
    answers = {"bransje": "industri", "behov": "fagbrev"}
    before = engine.signature(runder, answers, dt.date(2021, 9, 15))
    after = engine.signature(runder, answers, dt.date(2021, 9, 16))
    assert before != after
    assert engine.signature(runder, answers, dt.date(2021, 9, 16)) == engine.signature(
        runder, answers, dt.date(2022, 12, 31)
    )


def test_sjekk_and_ordninger_carry_the_round(cli):
    line = cli(
        "sjekk", "--regler", str(RUNDER), "--dato", "2022-03-01", input='{"bransje": "industri", "behov": "fagbrev"}'
    )
    assert line.exit_code == 0, line.output
    record = json.loads(line.stdout.splitlines()[0])
    runde = record["vurderinger"][0]["runde"]
    assert runde == {
        "id": "2022",
        "navn": "2022",
        "fra": "2021-09-16",
        "utlyst": None,
        "til": "2022-12-31",
        "kilde": {"tittel": "Ny artikkel", "utgiver": "Utgiver", "url": None, "aar": 2022},
        "sitat": "Sitat fra den nye kilden.",
    }
    assert record["vurderinger"][0]["frist"]["status"] == "lopende"
    detail = cli("ordninger", "ordning-a", "--regler", str(RUNDER), "--dato", "2023-06-01")
    assert detail.exit_code == 0, detail.output
    out = " ".join(detail.stdout.split())
    assert "Vurdert etter runden 2022 (kilde: Utgiver 2022)." in out
    assert (
        "→ 2022 (fra 16. september 2021 til 31. desember 2022); frist søknader tas imot fortløpende (runden er over)"
        in out
    )
    assert "• 2024 og senere (fra 1. januar 2024); frist kildene gir ingen frist (ikke lyst ut ennå)" in out
    assert "(senere)" in out


# --- The loader's rules for rounds, one broken file each ------------------------------------


def test_a_source_missing_from_the_scheme_is_said_once_not_as_a_missing_belegg(tmp_path):
    """First hour: a round's source that is not in the scheme's «kilder» gave a second,
    wrong error, «uten belegg», for a belegg that was there."""
    path = tmp_path / "regler.yaml"
    path.write_text(RUNDER.read_text(encoding="utf-8").replace("    kilder: [artikkel, ny]", "    kilder: [artikkel]"))
    with pytest.raises(RuleBaseError) as err:
        load(path)
    messages = [i.message for i in err.value.issues]
    assert "Kilden 'ny' står ikke under 'kilder' for denne ordningen." in messages
    assert not any("uten belegg" in m for m in messages), messages


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (
            "runder-overlapper",
            "Runden '2022' starter 2022-06-01, før runden '2021' er over (2022-12-31). Rundene overlapper.",
        ),
        ("runder-rekkefolge", "Runden '2020' starter 2020-01-01, ikke etter runden før den ('2022', 2021-09-16)."),
        ("runde-uten-kilde", "Mangler nøkkelen 'kilde'."),
        ("runde-ukjent-vilkaar", "Runden endrer vilkåret 'niva', men ordningen har ikke et slikt vilkår."),
        ("runde-uten-belegg", "Runden '2022' sier noe om 'soker' uten belegg for det."),
        ("runde-lopende-med-dato", "En løpende frist har ingen dato."),
        ("runde-utlyst-for-fra", "'utlyst' kan ikke være før 'fra'."),
        ("runde-frist-for-fra", "Fristen 2021-06-01 er før runden starter (2021-09-16)."),
        ("runder-og-frist", "'frist' står i hver runde når ordningen har «runder»."),
    ],
)
def test_each_rule_for_rounds_has_its_own_error(name, message):
    with pytest.raises(RuleBaseError) as err:
        load(BROKEN / f"{name}.yaml")
    assert message in [i.message for i in err.value.issues], err.value.issues
