"""The questionnaire in-process, driven by prompt_toolkit's pipe input."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from prompt_toolkit.application import create_app_session
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from soknadsveileder import prompting

from .snapshot import OPEN

DOWN, UP, ENTER, CTRL_C, BACKSPACE, SPACE = "\x1b[B", "\x1b[A", "\r", "\x03", "\x7f", " "
INDUSTRI = SPACE + ENTER  # the sector checkbox: tick the first box (Industri) and confirm


@contextmanager
def typed(keys: str) -> Iterator[None]:
    """Every prompt in the block reads from `keys`, as if a user typed them."""
    with create_pipe_input() as pipe, create_app_session(input=pipe, output=DummyOutput()):
        pipe.send_text(keys)
        pipe.close()  # then end of input: a test that runs out of keys fails instead of hanging
        yield


def test_full_run_asks_only_what_matters(rules):
    # bransje: Industri; behov: third choice (høyere); klynge: Ja; review: Vis resultatet.
    with typed(INDUSTRI + DOWN + DOWN + ENTER + ENTER + ENTER):
        answers = prompting.collect(rules, {}, OPEN)
    assert answers == {"bransje": ("industri",), "behov": "hoyere", "klynge": True}


def test_several_sectors_in_the_checkbox(rules):
    # Tick Industri and Maritim sektor (third box); behov fagbrev; kompetanse: Vet ikke;
    # praksis: 6; klynge is not asked (it changes nothing for fagbrev); review.
    keys = SPACE + DOWN + DOWN + SPACE + ENTER
    keys += ENTER  # behov: fagbrev
    keys += DOWN * 4 + ENTER  # kompetanse: Vet ikke (fifth)
    keys += "6" + ENTER  # praksis_aar
    keys += ENTER  # review
    with typed(keys):
        answers = prompting.collect(rules, {}, OPEN)
    assert answers == {"bransje": ("industri", "maritim"), "behov": "fagbrev", "kompetanse": None, "praksis_aar": 6}


def test_checkbox_refuses_nothing_and_vet_ikke_with_a_sector(rules):
    # Enter with nothing ticked is refused; Industri together with «Vet ikke» (fifth box) is
    # refused; untick Industri and «Vet ikke» alone is accepted as unknown.
    keys = ENTER  # refused: nothing chosen
    keys += SPACE + DOWN * 4 + SPACE + ENTER  # refused: Industri and Vet ikke
    keys += UP * 4 + SPACE + ENTER  # untick Industri: Vet ikke alone
    keys += DOWN * 3 + ENTER  # behov: Vet ikke
    with typed(keys + ENTER * 8):  # whatever else is asked: the first choice, then review
        answers = prompting.collect(rules, {}, OPEN)
    assert answers["bransje"] is None and answers["behov"] is None


def test_vet_ikke_records_unknown(rules):
    # bransje: Industri; behov: Vet ikke (fourth); klynge: Vet ikke (third); review.
    with typed(INDUSTRI + DOWN * 3 + ENTER + DOWN * 2 + ENTER + ENTER):
        answers = prompting.collect(rules, {}, OPEN)
    assert answers == {"bransje": ("industri",), "behov": None, "klynge": None}


def test_review_screen_changes_an_answer_and_asks_what_became_relevant(rules):
    keys = INDUSTRI + DOWN + DOWN + ENTER + ENTER  # industri, hoyere, klynge ja
    keys += DOWN + DOWN + ENTER  # review: change "behov"
    keys += UP + ENTER  # the prompt starts on the current answer (hoyere); up is fagskole
    keys += DOWN + ENTER  # newly relevant: tilbud -> nytt
    keys += ENTER  # review: Vis resultatet
    with typed(keys):
        answers = prompting.collect(rules, {}, OPEN)
    assert answers["behov"] == "fagskole"
    assert answers["tilbud"] == "nytt"


def test_changing_an_answer_drops_answers_to_questions_that_no_longer_apply(rules):
    keys = INDUSTRI + DOWN + DOWN + ENTER + ENTER  # industri, hoyere, klynge ja
    keys += DOWN + ENTER  # review: change "bransje"
    keys += SPACE + DOWN + DOWN + SPACE + ENTER  # the box starts ticked: untick Industri, tick Maritim
    keys += ENTER  # review: Vis resultatet
    with typed(keys):
        answers = prompting.collect(rules, {}, OPEN)
    assert answers == {"bransje": ("maritim",), "behov": "hoyere"}


def test_number_prompt_validates_with_the_shared_parser(rules):
    keys = DOWN + SPACE + ENTER + ENTER + ENTER  # bygg, fagbrev, ufaglaert
    keys += "abc" + ENTER + BACKSPACE * 3 + "99" + ENTER  # both refused: not a number, over 60
    keys += BACKSPACE * 2 + "7" + ENTER
    keys += ENTER  # review
    with typed(keys):
        answers = prompting.collect(rules, {}, OPEN)
    assert answers["praksis_aar"] == 7


def test_given_answers_are_not_asked_again(rules):
    with typed(ENTER + ENTER):  # klynge: Ja; review
        answers = prompting.collect(rules, {"bransje": ("industri",), "behov": "hoyere"}, OPEN)
    assert answers == {"bransje": ("industri",), "behov": "hoyere", "klynge": True}


@pytest.mark.parametrize(("keys", "so_far"), [(CTRL_C, {}), (INDUSTRI + CTRL_C, {"bransje": ("industri",)})])
def test_ctrl_c_stops_with_the_answers_so_far(rules, keys, so_far):
    with typed(keys), pytest.raises(prompting.Interrupted) as stop:
        prompting.collect(rules, {}, OPEN)
    assert stop.value.answers == so_far


def test_changing_a_vet_ikke_answer_starts_on_vet_ikke(rules):
    """From the review, «Endre» on a «Vet ikke» answer starts on «Vet ikke», not on the first
    choice: Enter alone keeps the answer (a first-hour finding)."""
    keys = INDUSTRI + DOWN * 3 + ENTER + DOWN * 2 + ENTER  # behov: Vet ikke; klynge: Vet ikke
    keys += DOWN * 2 + ENTER  # review: change «behov»
    keys += ENTER  # keep what it was
    keys += DOWN * 3 + ENTER  # review again: change «klynge» (a yes/no with «Vet ikke»)
    keys += ENTER + ENTER  # keep it; then «Vis resultatet»
    with typed(keys):
        answers = prompting.collect(rules, {}, OPEN)
    assert answers == {"bransje": ("industri",), "behov": None, "klynge": None}


def test_years_typed_with_a_unit_or_a_fraction(rules):
    from soknadsveileder.answers import parse_text

    years = rules.question("praksis_aar")
    assert parse_text(years, "6 år") == 6 and parse_text(years, " 6 ÅR ") == 6
    # The help says an approximate number will do: rounded down, never up (issue 25 §7).
    assert parse_text(years, "6,5") == 6 and parse_text(years, "ca. 6") == 6 and parse_text(years, "5,99") == 5
    with pytest.raises(ValueError, match="Forventet et heltall"):
        parse_text(years, "seks år")
