"""`soknad veileder` in a real pseudo-terminal, as a person would use it."""

from __future__ import annotations

import io
import json
import os
import random
import signal
import sys
import time

import pexpect
import pyte
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
    child.expect("utsatt industriklynge")
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
    assert document["regelverk"]["versjon"] == "2026.3" and document["dato"] == "2021-03-01"
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
    child.expect("utsatt industriklynge")
    child.send(DOWN + ENTER)  # Nei
    child.expect("Stemmer de")
    child.send(ENTER)
    # Higher education without a cluster: the bransjeprogram is a maybe (finding 3).
    child.expect("Ingen ordning passer sikkert ut fra svarene")
    child.expect("Kanskje aktuelle")
    child.expect("Andre muligheter")
    child.expect("Vil du lagre resultatet og sjekklisten")  # no --sjekkliste: offered
    child.send(DOWN + ENTER)  # Nei
    child.expect("Vil du lagre svarene")  # no --lagre-svar: offered
    child.send(DOWN + ENTER)  # Nei
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["svar.json"]  # «Nei» saves nothing


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
    # The same words for all three: not «Feil: Avbrutt.» for a signal and «Avbrutt.» for Ctrl-C.
    said = screen.getvalue()
    assert "Svarene så langt er lagret i" in said and "Avbrutt." in said and "Feil:" not in said
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
    child.expect("utsatt industriklynge")
    child.expect("Svar med nummer")
    child.sendline("1")  # Ja
    child.expect("Trykk Enter")
    child.sendline("")
    child.expect("1. Kompetanseløft for utsatte industriklynger")
    child.expect("Vil du lagre svarene, så du kan endre dem senere\\? \\(J/n\\)")  # --sjekkliste given
    child.sendline("kanskje")
    child.expect("Skriv ja eller nei")
    child.sendline("n")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert "\x1b" not in seen.getvalue()
    assert markdown.exists()
    assert "Vil du lagre resultatet" not in seen.getvalue()


# --- Every width, every way out ------------------------------------------------------------


class Screen:
    """What a user sees: the child's output run through a terminal emulator (pyte)."""

    def __init__(self, child: pexpect.spawn, columns: int, rows: int) -> None:
        self.columns = columns
        self.screen = pyte.Screen(columns, rows)
        self.stream = pyte.Stream(self.screen)
        self.raw = io.StringIO()
        child.logfile_read = self

    def write(self, text: str) -> None:
        self.raw.write(text)
        self.stream.feed(text)

    def flush(self) -> None:
        pass

    def words(self) -> set[str]:
        return {word for line in self.screen.display for word in line.split()}


def _guide(columns: int, *args: str, cwd: str | None = None, **env: str) -> tuple[pexpect.spawn, Screen]:
    rows = 400  # tall enough that nothing scrolls away: the whole run stays on the screen
    child = pexpect.spawn(
        sys.executable,
        ["-m", "soknadsveileder", "veileder", "--dato", "2021-03-01", *args],
        cwd=cwd or str(ROOT),
        env=subprocess_env(TERM="xterm", COLUMNS=str(columns), LINES=str(rows), **env),
        encoding="utf-8",
        timeout=20,
        dimensions=(rows, columns),
    )
    return child, Screen(child, columns, rows)


def _whole(screen: Screen, *texts: str) -> None:
    """Every word of `texts` is on the screen whole: none was broken at the edge."""
    seen = screen.words()
    broken = {w for text in texts for w in text.split() if w not in seen}
    assert not broken, f"{screen.columns} kolonner: brutt eller borte: {sorted(broken)}"


@pytest.mark.parametrize("columns", [40, 80, 200])
def test_prompts_options_and_messages_wrap_between_words(tmp_path, columns):
    """Written from issue 15: no «Ent|er», no «utvikle|s», no option cut off, at any width."""
    child, screen = _guide(columns, "--sjekkliste", str(tmp_path / "s.md"), "--lagre-svar", str(tmp_path / "s.json"))
    child.expect("Enter bekrefter\\)")
    child.expect("Vet ikke")
    _whole(
        screen,
        "Hvilken bransje hører bedriften til?",
        "(mellomrom velger, piltaster flytter, Enter bekrefter)",
        "Kryss i tillegg av for «Industri» eller «Bygg» hvis bedriften også hører dit, for eksempel",
        "Industri Bygg Maritim sektor En annen bransje Vet ikke",
    )
    child.send(ENTER)  # nothing ticked: refused, with a message
    child.expect("mellomromstasten")
    child.expect("ikke»\\.")
    _whole(screen, "Velg med mellomromstasten (minst ett svar), eller «Vet ikke».")
    child.send(SPACE + ENTER)  # Industri
    child.expect("utdanning")
    child.expect("Vet ikke")
    _whole(
        screen,
        "Hva slags utdanning trenger de ansatte? (piltaster og Enter)",
        "Fagbrev (NKR 4), også fagbrev nummer to",
        "Korte moduler fra universitet eller høgskole (NKR 6–7)",
    )
    child.send(DOWN + ENTER)  # fagskole
    child.expect("fagskolemodul")
    child.expect("Vet ikke")
    _whole(screen, "Finnes det en ferdig fagskolemodul som passer, eller må et nytt tilbud utvikles?")
    child.send(DOWN + DOWN + ENTER)  # tilbud: Vet ikke; klynge changes nothing here, so not asked
    child.expect("Stemmer de")
    child.expect("utvikles\\?\\)")
    _whole(screen, "Endre «Fagskolemoduler (NKR 5)» (Hva slags utdanning trenger de ansatte?)")
    child.send(ENTER)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    # The result: every address whole in what was sent (the terminal folds it, nobody breaks it),
    # and no amount split over two lines.
    sent = screen.raw.getvalue()
    for url in (
        "https://www.norskindustri.no/dette-jobber-vi-med/kompetanse/aktuelt/"
        "stotte-til-kompetanseloft-for-utsatte-industriklynger/",
        "https://nvl.org/Content/55-millioner-til-10-bransjeprogrammer",
    ):
        assert url in sent
    _whole(screen, "20\u00a0mill.\u00a0kr")


def test_lc_all_c_keeps_the_check_boxes_visible(tmp_path):
    child, screen = _guide(
        80, "--sjekkliste", str(tmp_path / "s.md"), "--lagre-svar", str(tmp_path / "s.json"), LC_ALL="C"
    )
    child.expect("Vet ikke")
    child.send(SPACE)  # tick Industri
    child.expect("\\[x\\]")
    lines = [line.strip() for line in screen.screen.display]
    assert "> [x] Industri" in lines and "[ ] Bygg" in lines
    child.send(ENTER + DOWN + DOWN + ENTER + ENTER + ENTER)  # høyere, klynge ja, review
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    shown = "\n".join(screen.screen.display)
    assert "+ Bedriften er i industrien" in shown and "* " in shown  # not ✓ and ★
    assert not set("✓✗☐★●○─│╭█") & set(shown)  # («» are quotation marks in the text)


def test_the_answered_line_names_the_choice_moved_to(tmp_path):
    """A select with a default: the answered line shows what the user picked, not the default."""
    saved = tmp_path / "svar.json"
    saved.write_text(json.dumps({"bransje": ["industri"], "behov": "hoyere", "klynge": True}), encoding="utf-8")
    child, screen = _guide(80, "--svar", str(saved), cwd=str(tmp_path))
    child.expect("Stemmer de")
    child.send(ENTER)
    child.expect("Vil du lagre resultatet og sjekklisten")
    child.send(DOWN + ENTER)  # Nei
    child.expect("Vil du lagre svarene")
    child.expect("Nei")
    lines = [line.rstrip() for line in screen.screen.display]
    assert "? Vil du lagre resultatet og sjekklisten (Markdown)? Nei" in lines
    child.send(ENTER)  # Ja
    child.expect("Filnavn")
    child.send(ENTER)  # the suggested name
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["svar-2021-03-01.json", "svar.json"]


def test_after_the_result_the_guide_offers_to_save_and_never_replaces_a_file_unasked(tmp_path):
    (tmp_path / "sjekkliste-2021-03-01.md").write_text("mitt eget notat\n", encoding="utf-8")
    child, _ = _guide(80, cwd=str(tmp_path))
    child.expect("Vet ikke")
    child.send(SPACE + ENTER + DOWN + DOWN + ENTER + ENTER)  # industri, høyere, klynge ja
    child.expect("Stemmer de")
    child.send(ENTER)
    child.expect("Vil du lagre resultatet og sjekklisten")
    child.send(ENTER)  # Ja
    child.expect("Filnavn")
    child.send(ENTER)  # the suggestion is a free name: -2
    child.expect("Vil du lagre svarene")
    child.send(ENTER)  # Ja
    child.expect("Filnavn")
    child.send("\x7f" * 40 + "sjekkliste-2021-03-01.md" + ENTER)  # an existing file: asked first
    child.expect("finnes fra før")
    child.send(ENTER)  # the default is Nei: asked for a name again
    child.expect("Filnavn")
    child.send("\x7f" * 40 + "mine-svar.json" + ENTER)
    child.expect("Les dem inn igjen med:\r\n  soknad veileder --svar mine-svar.json")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert (tmp_path / "sjekkliste-2021-03-01.md").read_text(encoding="utf-8") == "mitt eget notat\n"
    markdown = (tmp_path / "sjekkliste-2021-03-01-2.md").read_text(encoding="utf-8")
    assert "### 1. Kompetanseløft for utsatte industriklynger" in markdown
    assert json.loads((tmp_path / "mine-svar.json").read_text(encoding="utf-8"))["svar"] == {
        "bransje": ["industri"],
        "behov": "hoyere",
        "klynge": True,
    }


def test_the_result_goes_to_a_file_while_the_questions_stay_on_the_terminal(tmp_path):
    """`soknad veileder > resultat.txt`: asked on the terminal, the result in the file."""
    out = tmp_path / "resultat.txt"
    command = f"{sys.executable} -m soknadsveileder veileder --dato 2021-03-01 --lagre-svar s.json > {out}"
    child = pexpect.spawn(
        "/bin/sh",
        ["-c", command],
        cwd=str(tmp_path),
        env=subprocess_env(TERM="xterm", COLUMNS="80"),
        encoding="utf-8",
        timeout=20,
        dimensions=(40, 80),
    )
    child.expect("Hvilken bransje")
    child.send(SPACE + ENTER + DOWN + DOWN + ENTER + ENTER)
    child.expect("Stemmer de")
    child.send(ENTER)
    child.expect("skrevet til utdata-filen")
    child.expect("Vil du lagre resultatet og sjekklisten")
    child.send(DOWN + ENTER)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    text = out.read_text(encoding="utf-8")
    assert "1. Kompetanseløft for utsatte industriklynger" in text
    assert "Hvilken bransje" not in text and "\x1b" not in text  # questions on the terminal only
    assert "Vil du lagre svarene" not in (child.before or "")  # --lagre-svar given: not offered


def _exit_code(pid: int, within: float) -> int:
    """The exit code of a child that should end by itself; a hang fails the test, not the run."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        time.sleep(0.05)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    raise AssertionError(f"the guide was still running {within} s after its terminal was closed")


def test_closing_the_terminal_at_any_moment_saves_the_answers_and_exits_129(tmp_path):
    """The pty's master is closed at random points, 24 times: hangup (SIGHUP) and EIO on the
    terminal race, and either way the guide saves what it has and ends with 129, quietly."""
    rng = random.Random(15)
    keys = [SPACE + ENTER, DOWN + ENTER, DOWN + DOWN + ENTER, ENTER]  # industri, fagskole, vet ikke, ja
    outcomes = []
    for attempt in range(24):
        saved = tmp_path / f"svar-{attempt}.json"
        errors = tmp_path / f"feil-{attempt}.txt"
        # Half the runs keep stderr on the terminal (it goes away too), half send it to a file
        # where the words can be read afterwards.
        redirect = f" 2> {errors}" if attempt % 2 else ""
        command = f"exec {sys.executable} -m soknadsveileder veileder --dato 2021-03-01 --lagre-svar {saved}"
        child = pexpect.spawn(
            "/bin/sh",
            ["-c", command + redirect],
            env=subprocess_env(TERM="xterm", COLUMNS="80"),
            encoding="utf-8",
            timeout=20,
            dimensions=(40, 80),
        )
        child.expect("Hvilken bransje")
        for key in keys[: rng.randrange(len(keys) + 1)]:
            child.send(key)
        time.sleep(rng.uniform(0, 0.4))
        pid = child.pid
        child.ptyproc.fileobj.close()  # the terminal window closes
        code = _exit_code(pid, within=15)
        assert code in (129, -signal.SIGHUP), f"forsøk {attempt}: {code}"
        outcomes.append(code)
        if saved.exists():
            answers = json.loads(saved.read_text(encoding="utf-8"))["svar"]
            expected = {"bransje": ["industri"], "behov": "fagskole", "tilbud": None, "klynge": True}
            assert answers.items() <= expected.items(), answers
        if redirect:
            said = errors.read_text(encoding="utf-8")
            assert "Traceback" not in said and "Error" not in said, said
            if code == 129:
                assert "Avbrutt." in said
    assert outcomes.count(129) >= 12  # mostly a clean exit of our own, not a death by signal
