"""The interactive questionnaire. The only module that imports questionary.

The CLI imports this module only for `soknad veileder`, because questionary and
prompt_toolkit take about a tenth of a second to import and the other commands never
prompt.

Questions come from the rule base, in its order, and are turned into prompts here and
nowhere else. Every answer goes through `answers.parse_value`, the same validation that
`--svar` files and `soknad sjekk` use.
"""

from __future__ import annotations

import os
import shutil
import sys
import textwrap
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from typing import Any

import questionary
from questionary import Choice
from questionary.prompts import common as qcommon

from . import engine
from .answers import parse_text, parse_value
from .model import AnswerValue, Question, RuleBase

_UNKNOWN = "__vet_ikke__"
_DONE = "__ferdig__"


class Interrupted(Exception):
    """The user pressed Ctrl-C, closed the input, or the program got SIGTERM or SIGHUP.

    Carries the answers given so far, and what stopped it (for the exit code).
    """

    def __init__(self, answers: dict[str, AnswerValue], cause: BaseException) -> None:
        super().__init__("avbrutt")
        self.answers = answers
        self.cause = cause


def _width() -> int:
    return max(20, min(100, shutil.get_terminal_size().columns) - 2)


def shorten(text: str, width: int) -> str:
    """Cut `text` to `width` at a word boundary, ending in «…»; never in the middle of a word."""
    if len(text) <= width:
        return text
    cut = text[: max(1, width - 1)]
    space = cut.rfind(" ")
    return (cut[:space] if space > 0 else cut).rstrip(" ,.;:(«") + "…"


def say(text: str, style: str = "") -> None:
    """Print text wrapped at word boundaries to the terminal's width."""
    filled = "\n".join(textwrap.fill(part, _width()) if part else "" for part in text.split("\n"))
    if _plain():
        print(filled, flush=True)
    else:
        questionary.print(filled, style=style)


def _plain() -> bool:
    """A terminal that takes no escape codes (TERM=dumb) gets numbered questions instead."""
    return os.environ.get("TERM") == "dumb"


def ask(question: Question, current: AnswerValue = None) -> AnswerValue:
    """Ask one question and return the parsed answer (None for "vet ikke")."""
    say(question.help, "italic fg:ansibrightblack")
    if _plain():
        return _ask_plain(question, current)
    if question.type == "tall":
        return _ask_number(question, current)
    if question.multiple:
        return _ask_several(question, current)
    if question.type == "ja_nei":
        options = [Choice("Ja", value="ja"), Choice("Nei", value="nei")]
    else:
        options = [Choice(c.label, value=c.value) for c in question.choices]
    if question.allow_unknown:
        options.append(Choice("Vet ikke", value=_UNKNOWN))
    default = _choice_value(question, current)
    picked = _run(
        questionary.select(
            question.text,
            choices=options,
            default=default if any(o.value == default for o in options) else None,
            instruction="(piltaster og Enter)",
        )
    )
    if picked == _UNKNOWN:
        return None
    raw: object = picked == "ja" if question.type == "ja_nei" else picked
    return parse_value(question, raw)


def _ask_several(question: Question, current: AnswerValue) -> AnswerValue:
    """A checkbox: one or more values, or «Vet ikke» alone."""
    chosen = set(current) if isinstance(current, tuple) else set()
    options = [Choice(c.label, value=c.value, checked=c.value in chosen) for c in question.choices]
    if question.allow_unknown:
        options.append(Choice("Vet ikke", value=_UNKNOWN))

    def validate(picked: list[str]) -> bool | str:
        if not picked:
            return "Velg med mellomromstasten (minst ett svar)" + (
                ", eller «Vet ikke»." if question.allow_unknown else "."
            )
        if _UNKNOWN in picked and len(picked) > 1:
            return "«Vet ikke» kan ikke velges sammen med andre svar."
        return True

    with _answered_in_norwegian():
        prompt = questionary.checkbox(
            question.text,
            choices=options,
            validate=validate,
            instruction="(mellomrom velger, piltaster flytter, Enter bekrefter)",
        )
    picked = _run(prompt)
    if picked == [_UNKNOWN]:
        return None
    return parse_value(question, list(picked))


@contextmanager
def _answered_in_norwegian() -> Iterator[None]:
    """After a checkbox is answered, questionary shows «done (2 selections)» in English.

    The layout is built while `questionary.checkbox` runs, from a function that gives the
    prompt line. Wrapping that function for the duration of the call lets the answered line
    name the choices instead, in the user's own words: «Industri, Maritim sektor».
    """
    original = qcommon.create_inquirer_layout

    def layout(ic: Any, get_prompt_tokens: Callable[[], list[tuple[str, str]]], **kwargs: Any) -> Any:
        def tokens() -> list[tuple[str, str]]:
            out = get_prompt_tokens()
            if ic.is_answered and out and out[-1][0] == "class:answer":
                titles = [str(c.title) for c in ic.get_selected_values()]
                out = [*out[:-1], ("class:answer", ", ".join(titles))]
            return out

        return original(ic, tokens, **kwargs)

    qcommon.create_inquirer_layout = layout
    try:
        yield
    finally:
        qcommon.create_inquirer_layout = original


def _run(prompt: questionary.Question) -> Any:
    """Ask, and let a SIGINT from outside (kill -INT) stop the program as Ctrl-C does.

    prompt_toolkit catches SIGINT while a prompt runs and turns it into a key press that
    questionary's prompts do not handle, so `kill -INT` did nothing. Without that handler,
    Python raises KeyboardInterrupt, and prompt_toolkit restores the terminal on the way out.
    """
    return prompt.application.run(handle_sigint=False)


def _choice_value(question: Question, current: AnswerValue) -> str | None:
    if current is None:
        return None
    if question.type == "ja_nei":
        return "ja" if current else "nei"
    return str(current)


def _ask_number(question: Question, current: AnswerValue) -> AnswerValue:
    def validate(text: str) -> bool | str:
        if not text.strip():
            return True if question.allow_unknown else "Skriv et tall."
        try:
            parse_text(question, text)
        except ValueError as e:
            return str(e)
        return True

    hint = " (la feltet stå tomt for «vet ikke»)" if question.allow_unknown else ""
    text = _run(
        questionary.text(
            question.text + hint,
            default="" if current is None else str(current),
            validate=validate,
        )
    )
    return parse_text(question, text)


def _options(question: Question) -> list[tuple[str, object]]:
    """(label, JSON value) for each answer a choice question can take, «Vet ikke» last."""
    if question.type == "ja_nei":
        options: list[tuple[str, object]] = [("Ja", True), ("Nei", False)]
    else:
        options = [(c.label, c.value) for c in question.choices]
    if question.allow_unknown:
        options.append(("Vet ikke", None))
    return options


def _ask_plain(question: Question, current: AnswerValue) -> AnswerValue:
    """One question as numbered lines, read with input(): no escape codes at all."""
    now = f" (nå: {question.label_for(current)})" if current is not None else ""
    if question.type == "tall":
        prompt = f"{question.text}{now} Skriv et tall" + (
            ", eller ingenting for «vet ikke»" if question.allow_unknown else ""
        )
        while True:
            try:
                return parse_text(question, input(prompt + ": "))
            except ValueError as e:
                print(e, flush=True)
    options = _options(question)
    print(question.text + now, flush=True)
    for n, (label, _) in enumerate(options, 1):
        print(f"  {n}) {label}", flush=True)
    several = " (flere med komma)" if question.multiple else ""
    while True:
        reply = input(f"Svar med nummer{several}: ").strip()
        try:
            picked = [options[int(part) - 1][1] for part in reply.split(",") if part.strip()]
            if not picked or any(int(part) < 1 for part in reply.split(",") if part.strip()):
                raise ValueError
        except (ValueError, IndexError):
            print(f"Skriv et nummer fra 1 til {len(options)}.", flush=True)
            continue
        if None in picked:
            if len(picked) == 1:
                return None
            print("«Vet ikke» kan ikke velges sammen med andre svar.", flush=True)
            continue
        try:
            return parse_value(question, picked if question.multiple else picked[0])
        except ValueError as e:
            print(e, flush=True)


def review(rules: RuleBase, answers: Mapping[str, AnswerValue]) -> str | None:
    """Show every answer; return the id of one to change, or None to see the result."""
    asked = [q for q in rules.questions if q.id in answers]
    if _plain():
        print("Dette er svarene dine:", flush=True)
        for n, q in enumerate(asked, 1):
            print(f"  {n}) {q.text} {q.label_for(answers[q.id])}", flush=True)
        while True:
            reply = input("Trykk Enter for å se resultatet, eller skriv nummeret på et svar du vil endre: ").strip()
            if not reply:
                return None
            if reply.isdigit() and 1 <= int(reply) <= len(asked):
                return asked[int(reply) - 1].id
    options = [Choice("Vis resultatet", value=_DONE)]
    width = _width() - 4  # the pointer and its space
    for q in asked:
        label = shorten(q.label_for(answers[q.id]), width // 2)
        options.append(Choice(shorten(f"Endre «{label}» ({q.text})", width), value=q.id))
    picked = _run(
        questionary.select(
            "Dette er svarene dine. Stemmer de?",
            choices=options,
            instruction="(velg et svar for å endre det)",
        )
    )
    return None if picked == _DONE else str(picked)


def prune(rules: RuleBase, answers: dict[str, AnswerValue]) -> None:
    """Drop answers to questions that no longer apply after a change."""
    kept = engine.effective(rules, answers)
    for key in [k for k in answers if k not in kept]:
        del answers[key]


def fill(rules: RuleBase, answers: dict[str, AnswerValue]) -> None:
    """Ask, in rule-base order, each question whose answer can still change the outcome."""
    while (question := engine.next_question(rules, answers)) is not None:
        answers[question.id] = ask(question)


def collect(rules: RuleBase, given: Mapping[str, AnswerValue]) -> dict[str, AnswerValue]:
    """Run the whole questionnaire: ask, review, change, until the user is satisfied.

    Answers in `given` (from ``--svar``) are not asked again, but can be changed in review.
    """
    answers = dict(given)
    terminal = _terminal_mode()
    try:
        say("Søkeveileder: svar på noen få spørsmål. Du kan se over og endre svarene før resultatet.")
        say("Ctrl-C avbryter.\n", "fg:ansibrightblack")
        prune(rules, answers)
        while True:
            fill(rules, answers)
            change = review(rules, answers)
            if change is None:
                return answers
            question = rules.question(change)
            answers[change] = ask(question, answers.get(change))
            prune(rules, answers)
    except (KeyboardInterrupt, EOFError) as e:
        _give_back(terminal)
        raise Interrupted(answers, e) from None


def _terminal_mode() -> list[Any] | None:
    """The terminal's settings before any prompt, to put back if a prompt is cut short."""
    try:
        import termios

        return termios.tcgetattr(sys.stdin.fileno())
    except (ImportError, OSError, ValueError):  # termios.error is an OSError
        return None


def _give_back(mode: list[Any] | None) -> None:
    """Give the terminal back as it was: its settings, and a visible cursor.

    prompt_toolkit does this itself when a prompt ends, but a signal (SIGTERM, SIGHUP,
    kill -INT) can come while it draws a prompt, after it has hidden the cursor and before
    it can undo it; then the user's shell would be left without a cursor.
    """
    with suppress(Exception):
        if mode is not None:
            import termios

            termios.tcsetattr(sys.stdin.fileno(), termios.TCSADRAIN, mode)
        if not _plain() and sys.stdout.isatty():
            sys.stdout.write("\x1b[?25h")
            sys.stdout.flush()
