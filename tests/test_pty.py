"""`soknad veileder` in a real pseudo-terminal, as a person would use it."""

from __future__ import annotations

import io
import json
import signal
import sys

import pexpect
import pytest

from .helpers import ROOT, subprocess_env

DOWN, ENTER, SPACE = "\x1b[B", "\r", " "


def spawn(*args: str) -> pexpect.spawn:
    child = pexpect.spawn(
        sys.executable,
        ["-m", "soknadsveileder", "veileder", "--dato", "2021-03-01", *args],
        cwd=str(ROOT),
        env=subprocess_env(TERM="xterm", COLUMNS="100", LINES="40"),
        encoding="utf-8",
        timeout=20,
        dimensions=(40, 100),
    )
    return child


def test_guide_reaches_the_result_screen(tmp_path):
    saved, markdown = tmp_path / "svar.json", tmp_path / "sjekkliste.md"
    child = spawn("--lagre-svar", str(saved), "--sjekkliste", str(markdown))
    child.expect("Hvilken bransje")
    child.expect("mellomrom velger")  # the checkbox explains itself in Norwegian
    child.send(SPACE + DOWN + DOWN + SPACE + ENTER)  # a shipyard: Industri and Maritim sektor
    child.expect("Industri, Maritim sektor")  # the answered line names both, in Norwegian
    child.expect("Hva slags utdanning")
    child.send(DOWN + DOWN + ENTER)  # høyere
    child.expect("i en klynge")
    child.send(ENTER)  # Ja
    child.expect("Stemmer de")
    child.send(ENTER)  # Vis resultatet
    child.expect("Anbefalte ordninger")
    child.expect("1. Kompetanseløft for utsatte industriklynger")
    child.expect("2. Bransjeprogram for maritim sektor")
    child.expect("Sjekkliste")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before
    document = json.loads(saved.read_text(encoding="utf-8"))
    assert document["svar"] == {"bransje": ["industri", "maritim"], "behov": "hoyere", "klynge": True}
    assert document["regelverk"]["versjon"] == "2026.2" and document["dato"] == "2021-03-01"
    text = markdown.read_text(encoding="utf-8")
    assert "### 1. Kompetanseløft for utsatte industriklynger" in text
    assert "- [ ] " in text


def test_saved_answers_are_accepted_by_svar(tmp_path):
    saved = tmp_path / "svar.json"
    saved.write_text(
        json.dumps({"regelverk": {"versjon": "2021.1"}, "dato": "2021-03-01", "svar": {"bransje": "industri"}}),
        encoding="utf-8",
    )
    child = spawn("--svar", str(saved))
    child.expect("Hva slags utdanning")  # bransje came from the file
    child.send(DOWN + DOWN + ENTER)
    child.expect("i en klynge")
    child.send(DOWN + ENTER)  # Nei
    child.expect("Stemmer de")
    child.send(ENTER)
    # Higher education without a cluster: the bransjeprogram is a maybe (finding 3).
    child.expect("Ingen ordning passer sikkert ut fra svarene")
    child.expect("Kanskje aktuelle")
    child.expect("Andre muligheter")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


@pytest.mark.parametrize("answered", [0, 1])
def test_ctrl_c_exits_130_and_saves_the_answers_so_far(tmp_path, answered):
    saved = tmp_path / "svar.json"
    child = spawn("--lagre-svar", str(saved))
    child.expect("Hvilken bransje")
    if answered:
        child.send(SPACE + ENTER)
        child.expect("Hva slags utdanning")
    child.sendcontrol("c")
    child.expect("Avbrutt")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert "Traceback" not in (child.before or "")
    expected = {"bransje": ["industri"]} if answered else {}
    assert json.loads(saved.read_text(encoding="utf-8"))["svar"] == expected


def test_progress_bar_on_a_terminal_for_a_large_file(tmp_path):
    big = tmp_path / "stor.jsonl"
    big.write_text('{"bransje": "industri", "behov": "hoyere", "klynge": true}\n' * 60_000, encoding="utf-8")
    out = tmp_path / "ut.jsonl"
    # stdout goes to a file, stderr stays on the terminal: the bar belongs on stderr only.
    child = pexpect.spawn(
        "/bin/bash",
        ["-c", f"{sys.executable} -m soknadsveileder sjekk {big} > {out}"],
        cwd=str(ROOT),
        env=subprocess_env(TERM="xterm", COLUMNS="100"),
        encoding="utf-8",
        timeout=60,
    )
    child.expect("━")  # rich's bar
    child.expect("60000 poster lest")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert sum(1 for _ in out.open(encoding="utf-8")) == 60_000
    assert "━" not in out.read_text(encoding="utf-8")


def test_sjekk_at_a_terminal_shows_a_table_for_people():
    """No --format at a terminal: the table, once the input ends (issue 15)."""
    child = pexpect.spawn(
        sys.executable,
        ["-m", "soknadsveileder", "sjekk", "--dato", "2021-03-01"],
        cwd=str(ROOT),
        env=subprocess_env(TERM="xterm", COLUMNS="100"),
        encoding="utf-8",
        timeout=20,
    )
    child.expect("Ctrl-D avslutter")
    child.sendline('{"id": "tastet", "bransje": "maritim"}')
    child.sendeof()
    child.expect("Resultat per post")
    child.expect("Bransjeprogram for maritim sektor")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def test_sjekk_as_json_at_a_terminal_answers_each_line_at_once():
    child = pexpect.spawn(
        sys.executable,
        ["-m", "soknadsveileder", "sjekk", "--format", "json", "--dato", "2021-03-01"],
        cwd=str(ROOT),
        env=subprocess_env(TERM="xterm"),
        encoding="utf-8",
        timeout=20,
    )
    child.expect("Ctrl-D avslutter")
    child.sendline('{"id": "tastet", "bransje": "maritim"}')
    child.expect('"id": "tastet", "ok": true, "anbefalte": \\["bransjeprogram-maritim"\\]')
    child.sendeof()
    child.expect("1 post lest, 1 gyldig")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGTERM, 143), (signal.SIGHUP, 129), (signal.SIGINT, 130)])
def test_a_signal_at_a_prompt_stops_like_ctrl_c_and_saves_the_answers(tmp_path, signum, code):
    """kill, a closed terminal (SIGHUP) and kill -INT all end the guide as Ctrl-C does."""
    saved = tmp_path / "svar.json"
    child = spawn("--lagre-svar", str(saved))
    screen = io.StringIO()
    child.logfile_read = screen  # everything the terminal was sent, from the start
    child.expect("mellomrom velger")
    child.send(SPACE + ENTER)  # Industri
    child.expect("Hva slags utdanning")
    child.expect("piltaster og Enter")  # the prompt is up and waiting
    child.kill(signum)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == code, child.before
    assert "Traceback" not in (child.before or "")
    assert json.loads(saved.read_text(encoding="utf-8"))["svar"] == {"bransje": ["industri"]}
    # The terminal is given back: a cursor that was hidden is shown again on the way out.
    # (The signal may come before the prompt has hidden it; then there is nothing to undo.)
    sent = screen.getvalue()
    assert sent.rfind("\x1b[?25l") < sent.rfind("\x1b[?25h") or "\x1b[?25l" not in sent


def test_a_dumb_terminal_gets_numbered_questions_and_no_escape_codes(tmp_path):
    markdown = tmp_path / "resultat.md"
    child = pexpect.spawn(
        sys.executable,
        ["-m", "soknadsveileder", "veileder", "--dato", "2021-03-01", "--sjekkliste", str(markdown)],
        cwd=str(ROOT),
        env=subprocess_env(TERM="dumb", COLUMNS="80"),
        encoding="utf-8",
        timeout=20,
        dimensions=(40, 80),
    )
    child.logfile_read = seen = io.StringIO()  # everything the terminal got
    child.expect("1\\) Industri")
    child.expect("Svar med nummer \\(flere med komma\\)")
    child.sendline("9")  # refused: there is no 9
    child.expect("Skriv et nummer fra 1 til 5")
    child.sendline("1,3")  # Industri and Maritim sektor
    child.expect("Svar med nummer")
    child.sendline("3")  # høyere
    child.expect("i en klynge")
    child.expect("Svar med nummer")
    child.sendline("1")  # Ja
    child.expect("Trykk Enter")
    child.sendline("")
    child.expect("1. Kompetanseløft for utsatte industriklynger")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert "\x1b" not in seen.getvalue()
    assert markdown.exists()
