"""The interactive questionnaire. The only module that imports questionary.

The CLI imports this module only for `soknad veileder`, because questionary and
prompt_toolkit take about a tenth of a second to import and the other commands never
prompt.

Questions come from the rule base, in its order, and are turned into prompts here and
nowhere else. Every answer goes through `answers.parse_value`, the same validation that
`--svar` files and `soknad sjekk` use.
"""

from __future__ import annotations

import datetime as dt
import errno
import logging
import os
import re
import shutil
import signal
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any, TextIO

import questionary
from questionary import Choice
from questionary.prompts import common as qcommon

from . import engine
from .answers import parse_text, parse_value
from .files import terminal_unicode
from .interrupt import Stopped, hold, terminal_gone
from .model import AnswerValue, Question, RuleBase

# A prompt cut short by a closed terminal can fail again as prompt_toolkit tidies up, inside
# asyncio, which then logs the whole chain to stderr. The guide says what happened itself.
logging.getLogger("asyncio").addHandler(logging.NullHandler())
logging.getLogger("asyncio").propagate = False

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


# Where the questions go: stdout, or the terminal itself when stdout is a file
# (`soknad veileder > resultat.txt`). Set by `on_screen`.
_screen: TextIO = sys.stdout

# A closed terminal: reading or writing it fails with one of these before, or instead of, SIGHUP.
_GONE = (errno.EIO, errno.ENXIO, errno.EBADF, errno.ENOTTY)


@contextmanager
def on_screen(screen: TextIO) -> Iterator[None]:
    """Ask on `screen`, a terminal, whatever stdout is."""
    global _screen
    from prompt_toolkit.application import create_app_session
    from prompt_toolkit.output import create_output

    before = _screen
    _screen = screen
    try:
        if screen is sys.stdout:
            yield
        else:
            with create_app_session(output=create_output(stdout=screen)):
                yield
    finally:
        _screen = before


def _columns() -> int:
    try:
        return os.get_terminal_size(_screen.fileno()).columns
    except (OSError, ValueError):
        return shutil.get_terminal_size().columns


def _width() -> int:
    """Columns for text: the terminal's, less one so a full line never makes the cursor wrap,
    and at most 100 so a line stays readable."""
    return max(20, min(100, _columns() - 1))


def fit(text: str, width: int, first: int = 0, indent: int = 0) -> str:
    """`text` wrapped at spaces to `width` columns, the first line starting at column `first`
    and the others indented by `indent`. A word is never split, a hyphenated one («NKR 6–7»,
    «kompetanse-») neither, and an address longer than a line keeps its own line whole, for the
    terminal to fold: that way it can still be clicked and copied."""
    return _wrap_tokens([("", text)], width, first, indent)[0][1] if text else text


def _wrap_tokens(tokens: list[tuple[str, str]], width: int, first: int = 0, indent: int = 2) -> list[tuple[str, str]]:
    """prompt_toolkit text fragments wrapped at spaces, keeping each fragment's style.

    prompt_toolkit itself breaks a line at the last column, in the middle of a word («Ent|er»);
    this puts the line breaks between words instead, before it gets the chance.
    """
    out: list[tuple[str, str]] = []
    column = first
    pending = ""  # spaces not yet written: dropped if a line break comes instead
    pending_style = ""
    for style, text in tokens:
        for piece in re.findall(r"\n| +|[^ \n]+", text):
            if piece == "\n":
                out.append((style, "\n"))
                column, pending = 0, ""
            elif piece.startswith(" "):
                pending, pending_style = pending + piece, style
            else:
                if column + len(pending) + len(piece) > width and column > indent:
                    out.append((style, "\n" + " " * indent))
                    column, pending = indent, ""
                if pending:
                    out.append((pending_style, pending))
                    column += len(pending)
                    pending = ""
                out.append((style, piece))
                column += len(piece)
    if pending:
        out.append((pending_style, pending))
    # Merge neighbours of one style, so a caller that reads the last fragment gets it whole.
    merged: list[tuple[str, str]] = []
    for style, text in out:
        if merged and merged[-1][0] == style:
            merged[-1] = (style, merged[-1][1] + text)
        else:
            merged.append((style, text))
    return merged


def say(text: str, style: str = "") -> None:
    """Print text wrapped at word boundaries to the terminal's width."""
    filled = "\n".join(fit(part, _width()) for part in text.split("\n"))
    if _plain():
        print(filled, file=_screen, flush=True)
    else:
        questionary.print(filled, style=style)


def _plain() -> bool:
    """A terminal that takes no escape codes (TERM=dumb) gets numbered questions instead."""
    return os.environ.get("TERM") == "dumb"


def ask(question: Question, current: AnswerValue = None, answered: bool = False) -> AnswerValue:
    """Ask one question and return the parsed answer (None for "vet ikke").

    `answered` says that `current` is the user's answer, so None is «Vet ikke» and the
    prompt starts there, not on the first choice."""
    say(question.help, "italic fg:ansibrightblack")
    if _plain():
        return _ask_plain(question, current, answered)
    if question.type == "tall":
        return _ask_number(question, current)
    if question.multiple:
        return _ask_several(question, current, answered)
    marks = _marks()
    options = [_choice(label, value, 3) for label, value in _options(question)]
    default = _UNKNOWN if answered and current is None else _choice_value(question, current)
    with _fitted(marks):
        prompt = questionary.select(
            question.text,
            choices=options,
            default=default if any(o.value == default for o in options) else None,
            instruction="(piltaster og Enter)",
            pointer=marks.pointer,
        )
        picked = _run(prompt)
    if picked == _UNKNOWN:
        return None
    raw: object = picked == "ja" if question.type == "ja_nei" else picked
    return parse_value(question, raw)


def _choice(label: str, value: object, indent: int, checked: bool = False) -> Choice:
    """An option whose label wraps under itself: `indent` is the pointer's (and box's) width."""
    key = _UNKNOWN if value is None else ("ja" if value is True else "nei" if value is False else value)
    return Choice(fit(label, _width(), indent, indent), value=key, checked=checked)


class _Marks:
    """The pointer and check boxes: Unicode where the terminal shows it, ASCII where not."""

    def __init__(self, ascii_only: bool) -> None:
        self.pointer = ">" if ascii_only else "»"
        self.on, self.off = ("[x]", "[ ]") if ascii_only else ("●", "○")


def _marks() -> _Marks:
    return _Marks(not terminal_unicode())


def _ask_several(question: Question, current: AnswerValue, answered: bool = False) -> AnswerValue:
    """A checkbox: one or more values, or «Vet ikke» alone."""
    chosen: set[object] = set(current) if isinstance(current, tuple) else set()
    if answered and current is None:
        chosen.add(None)  # «Vet ikke» ticked
    marks = _marks()
    indent = 3 + len(marks.on) + 1  # « » », the box and a space
    options = [_choice(label, value, indent, value in chosen) for label, value in _options(question)]

    def validate(picked: list[str]) -> bool | str:
        if not picked:
            more = ", eller «Vet ikke»." if question.allow_unknown else "."
            return fit("Velg med mellomromstasten (minst ett svar)" + more, _width())
        if _UNKNOWN in picked and len(picked) > 1:
            return fit("«Vet ikke» kan ikke velges sammen med andre svar.", _width())
        return True

    with _fitted(marks, several=True):
        prompt = questionary.checkbox(
            question.text,
            choices=options,
            validate=validate,
            instruction="(mellomrom velger, piltaster flytter, Enter bekrefter)",
            pointer=marks.pointer,
        )
        picked = _run(prompt)
    if picked == [_UNKNOWN]:
        return None
    return parse_value(question, list(picked))


@contextmanager
def _fitted(marks: _Marks, several: bool = False) -> Iterator[None]:
    """Lay out a select or checkbox prompt to fit the terminal, in Norwegian.

    The layout is built while `questionary.select` or `.checkbox` runs, from a function that
    gives the prompt line. Wrapping that function for the duration of the call lets the line
    break between words, shows a validation message under it, and lets the answered line name the choices in the user's own words
    («Industri, Maritim sektor») where questionary would say «done (2 selections)». The check
    boxes are module constants in questionary, read as it draws, so they are swapped
    until the prompt is answered.
    """
    original = qcommon.create_inquirer_layout
    boxes = {name: getattr(qcommon, name) for name in ("INDICATOR_SELECTED", "INDICATOR_UNSELECTED")}

    def layout(ic: Any, get_prompt_tokens: Callable[[], list[tuple[str, str]]], **kwargs: Any) -> Any:
        def tokens() -> list[tuple[str, str]]:
            out = get_prompt_tokens()
            if ic.is_answered and out and out[-1][0] == "class:answer":
                chosen = ic.get_selected_values() if several else [ic.get_pointed_at()]
                titles = [" ".join(str(c.title).split()) for c in chosen]
                out = [*out[:-1], ("class:answer", ", ".join(titles))]
            if ic.error_message and not ic.is_answered:  # under the question, not at the bottom
                out = [*out, ("", "\n"), *ic.error_message]
            return _wrap_tokens(out, _width())

        made = original(ic, tokens, **kwargs)
        # questionary shows the message in a bottom toolbar, which prompt_toolkit leaves out
        # on a terminal that does not report the cursor's position: drop it for the line above.
        made.container.children.pop()  # type: ignore[attr-defined]  # an HSplit
        return made

    qcommon.create_inquirer_layout = layout
    qcommon.INDICATOR_SELECTED = marks.on  # type: ignore[attr-defined]
    qcommon.INDICATOR_UNSELECTED = marks.off  # type: ignore[attr-defined]
    try:
        yield
    finally:
        qcommon.create_inquirer_layout = original
        for name, value in boxes.items():
            setattr(qcommon, name, value)


def _run(prompt: questionary.Question) -> Any:
    """Ask, and let a SIGINT from outside (kill -INT) stop the program as Ctrl-C does.

    prompt_toolkit catches SIGINT while a prompt runs and turns it into a key press that
    questionary's prompts do not handle, so `kill -INT` did nothing. Without that handler,
    Python raises KeyboardInterrupt, and prompt_toolkit restores the terminal on the way out.
    """
    return prompt.application.run(handle_sigint=False, set_exception_handler=False)


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
            return fit(str(e), _width())
        return True

    hint = " (la feltet stå tomt for «vet ikke»)" if question.allow_unknown else ""
    with _messages_on_several_lines():
        prompt = questionary.text(
            fit(question.text + hint, _width(), 2, 2),  # after «? »
            default="" if current is None else str(current),
            validate=validate,
        )
    return parse_text(question, _run(prompt))


@contextmanager
def _messages_on_several_lines() -> Iterator[None]:
    """A text prompt shows its validation message on one line, cut at the terminal's edge.

    prompt_toolkit builds that line from `ValidationToolbar`, with a fixed height of one,
    when the prompt is made; for the call, it gets one as tall as the (wrapped) message.
    """
    from prompt_toolkit.filters import has_validation_error
    from prompt_toolkit.layout import ConditionalContainer, Window
    from prompt_toolkit.widgets import ValidationToolbar

    class Toolbar(ValidationToolbar):
        def __init__(self, show_position: bool = False) -> None:
            super().__init__(show_position)
            self.container = ConditionalContainer(
                content=Window(self.control, dont_extend_height=True), filter=has_validation_error
            )

    module = sys.modules["prompt_toolkit.shortcuts.prompt"]
    original = module.ValidationToolbar
    module.ValidationToolbar = Toolbar  # type: ignore[attr-defined]
    try:
        yield
    finally:
        module.ValidationToolbar = original  # type: ignore[attr-defined]


def _options(question: Question) -> list[tuple[str, object]]:
    """(label, JSON value) for each answer a choice question can take, «Vet ikke» last."""
    if question.type == "ja_nei":
        options: list[tuple[str, object]] = [("Ja", True), ("Nei", False)]
    else:
        options = [(c.label, c.value) for c in question.choices]
    if question.allow_unknown:
        options.append(("Vet ikke", None))
    return options


def _print(text: str, indent: int = 0) -> None:
    """A line of the plain mode, wrapped to the terminal; continuation lines indented."""
    print(fit(text, _width(), 0, indent), file=_screen, flush=True)


def _input(prompt: str) -> str:
    """A line typed after `prompt`, which is wrapped to the terminal, on the screen."""
    _screen.write(fit(prompt, _width()) + " ")
    _screen.flush()
    line = sys.stdin.readline()
    if not line:
        raise EOFError
    return line.rstrip("\n")


def _ask_plain(question: Question, current: AnswerValue, answered: bool = False) -> AnswerValue:
    """One question as numbered lines, read with input(): no escape codes at all."""
    now = f" (nå: {question.label_for(current)})" if current is not None or answered else ""
    if question.type == "tall":
        prompt = f"{question.text}{now} Skriv et tall" + (
            ", eller ingenting for «vet ikke»" if question.allow_unknown else ""
        )
        while True:
            try:
                return parse_text(question, _input(prompt + ":"))
            except ValueError as e:
                _print(str(e))
    options = _options(question)
    _print(question.text + now)
    for n, (label, _) in enumerate(options, 1):
        _print(f"  {n}) {label}", 5)
    several = " (flere med komma)" if question.multiple else ""
    while True:
        reply = _input(f"Svar med nummer{several}:").strip()
        try:
            picked = [options[int(part) - 1][1] for part in reply.split(",") if part.strip()]
            if not picked or any(int(part) < 1 for part in reply.split(",") if part.strip()):
                raise ValueError
        except (ValueError, IndexError):
            _print(f"Skriv et nummer fra 1 til {len(options)}.")
            continue
        if None in picked:
            if len(picked) == 1:
                return None
            _print("«Vet ikke» kan ikke velges sammen med andre svar.")
            continue
        try:
            return parse_value(question, picked if question.multiple else picked[0])
        except ValueError as e:
            _print(str(e))


def review(rules: RuleBase, answers: Mapping[str, AnswerValue]) -> str | None:
    """Show every answer; return the id of one to change, or None to see the result."""
    asked = [q for q in rules.questions if q.id in answers]
    if _plain():
        _print("Dette er svarene dine:")
        for n, q in enumerate(asked, 1):
            _print(f"  {n}) {q.text} {q.label_for(answers[q.id])}", 5)
        while True:
            reply = _input("Trykk Enter for å se resultatet, eller skriv nummeret på et svar du vil endre:").strip()
            if not reply:
                return None
            if reply.isdigit() and 1 <= int(reply) <= len(asked):
                return asked[int(reply) - 1].id
    marks = _marks()
    options = [Choice("Vis resultatet", value=_DONE)]
    for q in asked:
        label = f"Endre «{q.label_for(answers[q.id])}» ({q.text})"
        options.append(Choice(fit(label, _width(), 3, 3), value=q.id))
    with _fitted(marks):
        prompt = questionary.select(
            "Dette er svarene dine. Stemmer de?",
            choices=options,
            instruction="(velg et svar for å endre det)",
            pointer=marks.pointer,
        )
        picked = _run(prompt)
    return None if picked == _DONE else str(picked)


def prune(rules: RuleBase, answers: dict[str, AnswerValue]) -> None:
    """Drop answers to questions that no longer apply after a change."""
    kept = engine.effective(rules, answers)
    for key in [k for k in answers if k not in kept]:
        del answers[key]


def fill(rules: RuleBase, answers: dict[str, AnswerValue], today: dt.date) -> None:
    """Ask, in rule-base order, each question whose answer can still change the outcome."""
    while (question := engine.next_question(rules, answers, today)) is not None:
        answers[question.id] = ask(question)


def collect(rules: RuleBase, given: Mapping[str, AnswerValue], today: dt.date) -> dict[str, AnswerValue]:
    """Run the whole questionnaire on `today`'s rounds: ask, review, change, until the user
    is satisfied.

    Answers in `given` (from ``--svar``) are not asked again, but can be changed in review.
    """
    answers = dict(given)
    terminal = _terminal_mode()
    try:
        say("Søkeveileder: svar på noen få spørsmål. Du kan se over og endre svarene før resultatet.")
        say("Ctrl-C avbryter.\n", "fg:ansibrightblack")
        prune(rules, answers)
        while True:
            fill(rules, answers, today)
            change = review(rules, answers)
            if change is None:
                return answers
            question = rules.question(change)
            answers[change] = ask(question, answers.get(change), answered=change in answers)
            prune(rules, answers)
    except (KeyboardInterrupt, EOFError, OSError) as e:
        hold()
        if isinstance(e, OSError) and e.errno not in _GONE:
            raise
        _give_back(terminal)
        gone = not isinstance(e, KeyboardInterrupt) and terminal_gone()
        raise Interrupted(answers, Stopped(signal.SIGHUP) if gone else e) from None


def offer_to_save(what: str, suggestion: Path) -> Path | None:
    """Ask whether to save `what`, and where; None for no. An existing file is replaced
    only when the user says so."""
    try:
        if not _yes_no(f"Vil du lagre {what}?"):
            return None
        name = str(suggestion)
        while True:
            name = _text("Filnavn:", name).strip()
            path = Path(name).expanduser()
            if not name:
                say("Ingen filnavn: ingenting ble lagret.")
                return None
            if path.is_dir():
                say(f"{path} er en mappe. Skriv navnet på en fil.")
            elif not path.parent.is_dir():
                say(f"Mappen {path.parent} finnes ikke.")
            elif not path.exists() or _yes_no(f"{path} finnes fra før. Vil du erstatte den?", default=False):
                return path
    except EOFError:
        if terminal_gone():
            raise
        return None  # Ctrl-D: nothing (more) to save


def _yes_no(text: str, default: bool = True) -> bool:
    if _plain():
        while True:
            reply = _input(text + (" (J/n)" if default else " (j/N)")).strip().lower()
            if not reply:
                return default
            if reply in ("j", "ja", "n", "nei"):
                return reply.startswith("j")
            _print("Skriv ja eller nei.")
    marks = _marks()
    with _fitted(marks):
        prompt = questionary.select(
            text,
            choices=[Choice("Ja", value="ja"), Choice("Nei", value="nei")],
            default="ja" if default else "nei",
            instruction="(piltaster og Enter)",
            pointer=marks.pointer,
        )
        return bool(_run(prompt) == "ja")


def _text(text: str, default: str) -> str:
    if _plain():
        return _input(f"{text} (Enter for {default})") or default
    return str(_run(questionary.text(fit(text, _width(), 2, 2), default=default)))


def _terminal_mode() -> list[Any] | None:
    """The terminal's settings before any prompt, to put back if a prompt is cut short.

    None when there are none to get.
    """
    try:
        import termios
    except ImportError:  # not on this system
        return None
    try:
        return termios.tcgetattr(sys.stdin.fileno())
    except (termios.error, OSError, ValueError):  # termios.error is not an OSError
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
