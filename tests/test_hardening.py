"""Hostile input, faults and interruptions, all through the real CLI in a subprocess.

Whatever comes in, `soknad` answers with a Norwegian message and an exit code: 0 ok,
1 invalid data, 2 usage error or unreadable input, 130 interrupted. Never a traceback,
never a lost, duplicated or half-written record or file.
"""

from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from .helpers import MINIMAL, OPEN_DATE, ROOT, assert_no_traceback, shell, soknad, subprocess_env

GOOD = json.dumps({"id": "ok", "bransje": "industri", "behov": "hoyere", "klynge": True})


def check(data: bytes, *args: str) -> tuple[subprocess.CompletedProcess[str], list[dict]]:
    result = soknad("sjekk", "--dato", OPEN_DATE, *args, input=data, timeout=120)
    assert_no_traceback(result.stderr)
    return result, [json.loads(line) for line in result.stdout.splitlines()]


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (b'{"bransje": "industri\xff"}', "ikke gyldig UTF-8"),
        (b'{"bransje": "ind\x00ustri"}', "kontrolltegn"),
        (b'{"bransje": "\x1b[31mindustri"}', "kontrolltegn"),
        (b'{"bransje": "industri"', "slutter for tidlig"),
        (b'{"praksis_aar": NaN}', "NaN er ikke et gyldig tall"),
        (b'{"praksis_aar": 1e999}', "for stort"),
        (b'{"bransje": "bygg", "bransje": "industri"}', "står to ganger"),
        (b"42", "fant tallet 42"),
        (b'"x"', 'fant teksten "x"'),
        (b"null", "fant null"),
        (b"[" * 200_000, "for mange nivåer inni hverandre"),
        (b'{"a":' * 200_000, "for mange nivåer inni hverandre"),
    ],
    ids=[
        "utf8",
        "nul",
        "escape",
        "avkuttet",
        "nan",
        "1e999",
        "duplikat",
        "tall",
        "tekst",
        "null",
        "dyp-liste",
        "dypt-objekt",
    ],
)
def test_a_bad_record_becomes_an_error_line_and_the_others_are_assessed(bad, message):
    result, out = check(GOOD.encode() + b"\n" + bad + b"\n" + GOOD.encode() + b"\n")
    assert [o["nr"] for o in out] == [1, 2, 3]
    assert [o["ok"] for o in out] == [True, False, True]
    assert message in out[1]["feil"][0]["melding"]
    assert out[1]["linje"] == 2
    assert result.returncode == 1


def test_bad_first_records_do_not_change_how_the_rest_is_read():
    # A first line that is not complete JSON must not swallow the lines after it.
    result, out = check(b'{"bransje": \n[1,2\n\xff\xfe\n' + GOOD.encode() + b"\n")
    assert [o["ok"] for o in out] == [False, False, False, True]
    assert [o["linje"] for o in out] == [1, 2, 3, 4]
    assert result.returncode == 1


def test_deep_nesting_as_the_whole_input():
    result, out = check(b"[" * 200_000)
    assert len(out) == 1 and "for mange nivåer inni hverandre" in out[0]["feil"][0]["melding"]
    assert result.returncode == 1


def test_byte_order_mark_is_accepted():
    result, out = check(b"\xef\xbb\xbf" + GOOD.encode() + b"\n")
    assert out[0]["ok"] and result.returncode == 0


def test_control_characters_never_reach_the_terminal_raw():
    record = {"id": "\x1b[2J\x07\u009b31m", "navn": "A\x00S", "bransje": "\x1b]0;tittel\x07"}
    raw = json.dumps(record).encode()  # JSON escapes keep the input valid
    result = soknad("sjekk", input=raw)
    assert_no_traceback(result.stderr)
    for stream in (result.stdout, result.stderr):
        assert not any(ch in stream for ch in "\x1b\x00\x07\u009b"), repr(stream)
    out = json.loads(result.stdout)
    assert out["id"] == record["id"]  # passed through exactly, only escaped
    table = soknad("sjekk", "--format", "tabell", input=raw)
    assert not any(ch in table.stdout for ch in "\x1b\x00\x07\u009b")


def test_a_20_mb_line():
    big = json.dumps({"id": "x" * 20_000_000, "bransje": "bygg"}).encode()
    result, out = check(big + b"\n" + GOOD.encode() + b"\n")
    assert [o["ok"] for o in out] == [True, True]
    message_lines = [o for o in out if not o["ok"]]
    assert not message_lines
    huge_value = json.dumps({"bransje": "y" * 20_000_000}).encode()
    result, out = check(huge_value + b"\n")
    assert len(result.stdout) < 2000  # the message quotes a short, cut-off piece
    assert "…" in out[0]["feil"][0]["melding"]


def test_empty_input():
    for data in (b"", b"\n\n  \n"):
        result, out = check(data)
        assert out == [] and result.returncode == 0
        assert "fant ingen poster" in result.stderr


def test_lone_surrogate_in_an_id_is_an_error_not_a_crash():
    result, out = check(b'{"id": "\\ud800", "bransje": "bygg"}\n')
    assert out[0]["ok"] is False and out[0]["feil"][0]["felt"] == "id"
    assert result.returncode == 1


# --- Pipes and signals --------------------------------------------------------------------


@pytest.fixture(scope="module")
def big_input(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("stor") / "stor.jsonl"
    line = (GOOD + "\n").encode()
    path.write_bytes(line * 100_000)
    return path


def test_head_ends_quietly_and_at_once(big_input):
    started = time.perf_counter()
    proc = shell(f"{sys.executable} -m soknadsveileder sjekk --dato {OPEN_DATE} {big_input} | head -n 1")
    elapsed = time.perf_counter() - started
    assert proc.returncode == 0
    assert json.loads(proc.stdout)["nr"] == 1
    assert proc.stderr == ""
    # Assessing all 100 000 records takes several seconds; stopping at once takes well under.
    assert elapsed < 5, elapsed


def test_pipe_status_of_sjekk_itself_is_0(big_input):
    proc = shell(
        f"{sys.executable} -m soknadsveileder sjekk {big_input} | head -c 10 >/dev/null; echo ${{PIPESTATUS[0]}}"
    )
    assert proc.stdout.strip() == "0"


def test_ctrl_c_mid_batch_keeps_every_complete_line():
    proc = subprocess.Popen(
        [sys.executable, "-m", "soknadsveileder", "sjekk", "--dato", OPEN_DATE],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=subprocess_env(),
        cwd=ROOT,
    )
    assert proc.stdin and proc.stdout and proc.stderr
    sent = 3000
    chunks: list[bytes] = []
    reader = threading.Thread(target=lambda: chunks.extend(iter(lambda: proc.stdout.read(65536), b"")))
    reader.start()
    # stdin stays open, as when a user at a terminal presses Ctrl-C in the middle.
    proc.stdin.write(((GOOD + "\n") * sent).encode())
    proc.stdin.flush()
    deadline = time.monotonic() + 30
    while not chunks and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(1.0)  # let it assess what it has read; it then waits for more input
    proc.send_signal(signal.SIGINT)
    proc.wait(timeout=30)
    reader.join(timeout=30)
    err = proc.stderr.read()
    proc.stdin.close()
    output = b"".join(chunks)
    assert proc.returncode == 130, err
    assert output.endswith(b"\n")
    numbers = [json.loads(line)["nr"] for line in output.splitlines()]
    assert numbers == list(range(1, sent + 1))  # every record read was written, whole
    assert b"Avbrutt" in err and b"Traceback" not in err


# --- Files --------------------------------------------------------------------------------


@pytest.mark.parametrize("option", ["--svar", "--regler"])
def test_missing_directory_and_unreadable_inputs(tmp_path, option):
    args = ["veileder", "--dato", OPEN_DATE]
    for target, message in ((tmp_path / "nei.json", "finnes ikke"), (tmp_path, "mappe")):
        result = soknad(*args, option, str(target))
        assert result.returncode == 2, result.stderr
        assert message in result.stderr.lower()
        assert_no_traceback(result.stderr)


# Root reads any file, so under root the permission fault is simulated: the real CLI runs
# with open() refusing the one file, exactly as the kernel would for another user.
_REFUSE_OPEN = """
import builtins, errno, os, runpy, sys
target = os.environ["SOKNAD_TEST_NEKT"]
real_open = builtins.open
def refusing_open(file, *args, **kwargs):
    if os.fspath(file) == target:
        raise PermissionError(errno.EACCES, "Permission denied", target)
    return real_open(file, *args, **kwargs)
builtins.open = refusing_open
import io
io.open = refusing_open
sys.argv = ["soknad", *sys.argv[1:]]
runpy.run_module("soknadsveileder", run_name="__main__")
"""


@pytest.mark.parametrize("command", [["sjekk"], ["veileder", "--svar"], ["ordninger", "--regler"]])
def test_unreadable_input_files(tmp_path, command):
    path = tmp_path / "hemmelig.json"
    path.write_text(GOOD, encoding="utf-8")
    path.chmod(0)
    if os.geteuid() == 0:
        argv = [sys.executable, "-c", _REFUSE_OPEN, *command, str(path)]
    else:
        argv = [sys.executable, "-m", "soknadsveileder", *command, str(path)]
    proc = subprocess.run(
        argv, capture_output=True, text=True, env=subprocess_env(SOKNAD_TEST_NEKT=str(path)), cwd=ROOT, timeout=60
    )
    assert proc.returncode == 2, proc.stderr
    assert "Mangler tilgang" in proc.stderr
    assert proc.stdout == ""
    assert_no_traceback(proc.stderr)


def test_output_in_a_directory_that_does_not_exist_fails_before_any_question(tmp_path):
    svar = tmp_path / "svar.json"
    svar.write_text(json.dumps({"bransje": "annen"}), encoding="utf-8")
    for option in ("--lagre-svar", "--sjekkliste"):
        result = soknad("veileder", "--svar", str(svar), option, str(tmp_path / "finnes" / "ikke.md"))
        assert result.returncode == 2
        assert "finnes ikke" in result.stderr and result.stdout == ""


def limit_file_size() -> None:
    # A tiny file-size limit makes every larger write fail, as a full disk would.
    resource.setrlimit(resource.RLIMIT_FSIZE, (200, 200))


def test_a_failed_write_leaves_the_existing_file_untouched(tmp_path):
    svar = tmp_path / "svar.json"
    svar.write_text(json.dumps({"bransje": "industri", "behov": "hoyere", "klynge": True}), encoding="utf-8")
    target = tmp_path / "sjekkliste.md"
    target.write_text("gammelt innhold\n", encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "soknadsveileder", "veileder", "--svar", str(svar), "--sjekkliste", str(target)],
        capture_output=True,
        text=True,
        env=subprocess_env(PYTHONDONTWRITEBYTECODE="1"),
        cwd=ROOT,
        preexec_fn=limit_file_size,
        timeout=60,
    )
    assert proc.returncode == 2, proc.stderr
    assert str(target) in proc.stderr
    assert_no_traceback(proc.stderr)
    assert target.read_text(encoding="utf-8") == "gammelt innhold\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sjekkliste.md", "svar.json"]  # no temp file left


def test_a_full_disk_on_stdout():
    proc = shell(f"{sys.executable} -m soknadsveileder ordninger --json > /dev/full")
    assert proc.returncode == 2
    assert "Disken er full" in proc.stderr
    assert_no_traceback(proc.stderr)


def test_writes_are_complete_files(tmp_path):
    svar = tmp_path / "svar.json"
    svar.write_text(json.dumps({"bransje": "annen"}), encoding="utf-8")
    target = tmp_path / "ut.json"
    result = soknad("veileder", "--svar", str(svar), "--lagre-svar", str(target))
    assert result.returncode == 0
    # A sector answer is saved as a list, the form that holds one sector or several.
    assert json.loads(target.read_text(encoding="utf-8"))["svar"] == {"bransje": ["annen"]}


# --- The guide without a terminal, and bad answer files ------------------------------------


def test_veileder_without_a_terminal_points_to_sjekk():
    result = soknad("veileder")
    assert result.returncode == 2
    assert "soknad sjekk" in result.stderr and "--svar" in result.stderr
    assert result.stdout == ""


def test_veileder_with_complete_answers_needs_no_terminal(tmp_path):
    svar = tmp_path / "svar.json"
    svar.write_text(json.dumps({"bransje": "industri", "behov": "hoyere", "klynge": True}), encoding="utf-8")
    result = soknad("veileder", "--svar", str(svar), "--dato", OPEN_DATE)
    assert result.returncode == 0
    assert "Kompetanseløft for utsatte industriklynger" in result.stdout


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\xff\xfe", "ikke gyldig UTF-8"),
        (b'{"bransje": ', "slutter for tidlig"),
        (b'{"bransje": "tull"}', 'bransje: "tull" er ikke en gyldig verdi'),
        (b"[1, 2]", "Forventet et JSON-objekt"),
    ],
)
def test_bad_answer_files_are_exit_1(tmp_path, content, message):
    svar = tmp_path / "svar.json"
    svar.write_bytes(content)
    result = soknad("veileder", "--svar", str(svar))
    assert result.returncode == 1, result.stderr
    assert message in result.stderr
    assert_no_traceback(result.stderr)


def test_hostile_rule_bases_on_every_command(tmp_path):
    for content in (b"", b"\x00\x01\x02", b"- a\n- b\n", b"a: !!python/object/apply:os.system [true]\n"):
        path = tmp_path / "regler.yaml"
        path.write_bytes(content)
        for command in ("ordninger", "sjekk", "skjema", "veileder"):
            result = soknad(command, "--regler", str(path), input=b"{}")
            assert result.returncode == 1, (content, command, result.stderr)
            assert str(path) in result.stderr
            assert_no_traceback(result.stderr)
    assert soknad("ordninger", "--regler", str(MINIMAL)).returncode == 0
