"""Every file the tool writes goes one way: whole or nothing for a regular file, through a
symlink to its target, and straight into a device or a FIFO, which is never replaced."""

from __future__ import annotations

import contextlib
import json
import os
import stat
import threading
from pathlib import Path

import pytest

from .helpers import OPEN_DATE, soknad

RECORD = json.dumps({"id": "Ørsta Verft", "bransje": ["industri", "maritim"], "behov": "fagbrev"})
ANSWERS = {"bransje": ["industri"], "behov": "hoyere", "klynge": True}

# Each way of writing a file, as (arguments before the path, arguments after, stdin).
WRITERS = {
    "sjekk -o": (["sjekk", "--dato", OPEN_DATE, "-o"], [], RECORD),
    "veileder --sjekkliste": (["veileder", "--dato", OPEN_DATE, "--svar", "SVAR", "--sjekkliste"], [], None),
    "veileder --lagre-svar": (["veileder", "--dato", OPEN_DATE, "--svar", "SVAR", "--lagre-svar"], [], None),
    "mal -o": (["mal", "-o"], [], None),
}


def run_writer(name: str, target: Path, tmp_path: Path):
    before, after, stdin = WRITERS[name]
    svar = tmp_path / "svar.json"
    svar.write_text(json.dumps(ANSWERS), encoding="utf-8")
    args = [str(svar) if a == "SVAR" else a for a in before]
    return soknad(*args, str(target), *after, input=stdin)


@pytest.mark.parametrize("name", list(WRITERS))
def test_a_fifo_is_written_into_and_stays_a_fifo(tmp_path, name):
    fifo = tmp_path / "rør"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()), daemon=True)
    reader.start()
    result = run_writer(name, fifo, tmp_path)
    reader.join(timeout=30)
    alive = reader.is_alive()
    if alive:  # the writer never opened the pipe: let the reader go before failing
        with contextlib.suppress(OSError), open(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK), "wb"):
            pass
    assert result.returncode == 0, result.stderr
    assert not alive and stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert got and got[0]  # the content went through the pipe
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary file


@pytest.mark.skipif(os.geteuid() != 0, reason="mknod needs root (CI runs as root)")
@pytest.mark.parametrize("name", list(WRITERS))
def test_a_character_device_is_written_into_and_never_replaced(tmp_path, name):
    device = tmp_path / "null"
    os.mknod(device, 0o666 | stat.S_IFCHR, os.makedev(1, 3))  # the same device as /dev/null
    result = run_writer(name, device, tmp_path)
    assert result.returncode == 0, result.stderr
    assert stat.S_ISCHR(os.lstat(device).st_mode)  # still the device, not a regular file
    assert os.lstat(device).st_rdev == os.makedev(1, 3)


@pytest.mark.parametrize("name", list(WRITERS))
def test_a_symlink_is_written_through_and_stays_a_link(tmp_path, name):
    real = tmp_path / "mappe" / "ekte.fil"
    real.parent.mkdir()
    real.write_text("gammelt innhold", encoding="utf-8")
    link = tmp_path / "lenke.fil"
    link.symlink_to(real)
    result = run_writer(name, link, tmp_path)
    assert result.returncode == 0, result.stderr
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_bytes() and real.read_text(encoding="utf-8", errors="replace") != "gammelt innhold"
    assert [p.name for p in real.parent.iterdir()] == ["ekte.fil"]  # no temporary file left there


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write into a read-only folder")
def test_a_read_only_folder_is_a_clear_error_and_nothing_is_written(tmp_path):
    folder = tmp_path / "lesbar"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        result = run_writer("sjekk -o", folder / "ut.jsonl", tmp_path)
        assert result.returncode == 2
        assert "Mangler tilgang" in result.stderr and "Traceback" not in result.stderr
        assert list(folder.iterdir()) == []
    finally:
        folder.chmod(0o700)


def test_a_read_only_folder_as_root_refuses_through_a_read_only_file_system(tmp_path):
    """As root the permission bits do not stop a write, so the folder check is the one above;
    here the existing file is kept whole when the new content cannot be produced."""
    out = tmp_path / "resultat.jsonl"
    out.write_text("gammelt\n", encoding="utf-8")
    result = soknad("sjekk", "--dato", OPEN_DATE, "-o", str(out), input="{ikke json")
    assert result.returncode == 1  # a bad record is an error line, the file is still written whole
    assert out.read_text(encoding="utf-8").startswith('{"nr": 1')
    missing = soknad("sjekk", "--dato", OPEN_DATE, "-o", str(tmp_path / "finnes-ikke" / "ut.jsonl"), input=RECORD)
    assert missing.returncode == 2 and "finnes ikke" in missing.stderr


def test_data_on_stdout_is_utf8_whatever_the_locale(tmp_path):
    """LC_ALL=C must not turn Ørsta into ?rsta in CSV; JSON escapes what it cannot show."""
    path = tmp_path / "m.csv"
    path.write_text("id,navn,bransje\n1,Ørsta AS,annen\n", encoding="utf-8")
    c_locale = {"LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0", "PYTHONIOENCODING": ""}
    result = soknad("sjekk", str(path), "--format", "csv", "--dato", OPEN_DATE, **c_locale)
    assert result.returncode == 0, result.stderr
    assert "2,1,Ørsta AS,ja," in result.stdout
    as_json = soknad("sjekk", str(path), "--dato", OPEN_DATE, **c_locale)
    assert json.loads(as_json.stdout)["navn"] == "Ørsta AS"


# --- Output that is what its name says --------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "starts"),
    [
        ("resultat.xlsx", b"PK"),
        ("resultat.csv", b"nr,linje,id,navn,ok"),
        ("resultat.jsonl", b'{"nr": 1'),
        ("r.json", b'{"nr"'),
    ],
)
def test_the_output_format_follows_the_file_name(tmp_path, name, starts):
    out = tmp_path / name
    result = soknad("sjekk", "--dato", OPEN_DATE, "-o", str(out), input=RECORD)
    assert result.returncode == 0, result.stderr
    assert out.read_bytes().startswith(starts)


def test_a_format_that_contradicts_the_file_name_is_a_usage_error_before_any_input(tmp_path):
    out = tmp_path / "resultat.xlsx"
    result = soknad("sjekk", "--format", "json", "-o", str(out), str(tmp_path / "finnes-ikke.csv"))
    assert result.returncode == 2 and not out.exists()
    assert "--format json passer ikke med -o" in result.stderr and "Bruk --format xlsx" in result.stderr
    assert "finnes ikke" not in result.stderr  # the usage error comes before the input is opened
    # --excel means CSV: to a .csv file, or to stdout, without --format.
    excel = soknad("sjekk", "--excel", "--dato", OPEN_DATE, input=RECORD)
    assert excel.returncode == 0 and excel.stdout.startswith("\ufeffnr;linje;id;navn;ok")


@pytest.mark.parametrize("suffix", [".xls", ".ods", ".numbers"])
def test_an_old_or_foreign_spreadsheet_gets_one_clear_message(tmp_path, suffix):
    path = tmp_path / f"medlemmer{suffix}"
    path.write_bytes(b"\xd0\xcf\x11\xe0" + b"\x00" * 600)
    result = soknad("sjekk", str(path))
    assert result.returncode == 2
    assert result.stdout == ""
    assert f"{path}: {suffix}-filer kan ikke leses." in result.stderr
    assert "Lagre regnearket som .xlsx eller CSV" in result.stderr
    assert len(result.stderr.splitlines()) == 2


@pytest.mark.parametrize("command", [["mal"], ["sjekk", "--dato", OPEN_DATE]])
@pytest.mark.parametrize("name", ["resultat.ods", "resultat.XLS", "resultat.numbers"])
def test_a_table_is_never_written_as_text_under_a_spreadsheet_name(tmp_path, cli, command, name):
    # Text in resultat.ods is a spreadsheet that LibreOffice cannot open: refused, nothing written.
    target = tmp_path / name
    result = cli(*command, "-o", str(target), input=RECORD)
    assert result.exit_code == 2 and result.stdout == ""
    assert f"Feil: -o {target}: {target.suffix}-filer kan ikke skrives." in result.stderr
    assert "Bruk .xlsx eller .csv" in result.stderr
    assert list(tmp_path.iterdir()) == []
