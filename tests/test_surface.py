"""Every surface finished: Norwegian help, completion, widths, plain terminals, file modes,
locales, and what the guide says without a terminal. Through the real CLI."""

from __future__ import annotations

import itertools
import json
import os
import re
import stat

import pytest
import typer.main

from soknadsveileder.cli import app

from .helpers import MINIMAL, OPEN_DATE, assert_no_traceback, soknad

COMMANDS = sorted(typer.main.get_command(app).commands)  # type: ignore[attr-defined]
# Words of typer's and click's English help and errors; none may reach a user.
ENGLISH = re.compile(
    r"\b(Usage|Options|Commands|Arguments|default|env var|required|Show|Try|Error|Aborted|"
    r"Possible|Did you mean|Missing|Invalid|No such|selections|done)\b|<(bool|str|path|int)>|list\[",
)


# --- Help -----------------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["", *COMMANDS])
def test_help_has_no_english_word(cli, command):
    for args in ([command, "--help"], ["help", command]) if command else (["--help"], ["help"]):
        result = cli(*[a for a in args if a])
        assert result.exit_code == 0, (args, result.output)
        text = result.stdout.replace("--help", "").replace("«soknad help", "")
        assert not ENGLISH.search(text), (args, ENGLISH.search(text), text)
        assert text.startswith("Bruk: soknad")


def test_soknad_help_is_soknad_dash_dash_help(cli):
    assert cli("help").stdout == cli("--help").stdout
    assert cli("help", "sjekk").stdout == cli("sjekk", "--help").stdout
    result = soknad("help", "sjek")
    assert result.returncode == 2 and "Ukjent kommando 'sjek'" in result.stderr and "Mente du 'sjekk'?" in result.stderr


def test_help_names_metavars_values_and_defaults_in_norwegian(cli):
    text = cli("ordninger", "--help").stdout
    assert "--bransje BRANSJE" in text and "Verdier: industri, bygg, maritim, annen." in text
    assert "--behov BEHOV" in text and "Verdier: fagbrev, fagskole, hoyere." in text
    assert "--dato ÅÅÅÅ-MM-DD" in text and "--regler FIL" in text and "[miljøvariabel: SOKNAD_REGLER]" in text
    assert re.search(r"--json\s+Skriv JSON", text)  # an on/off flag: no metavar
    sjekk = cli("sjekk", "--help").stdout
    assert "--format [json|tabell|csv|xlsx]" in sjekk and "[FIL...]" in sjekk
    assert "tabell på en terminal" in " ".join(sjekk.split())  # the default, said in words


@pytest.mark.parametrize(
    ("args", "message", "help_of"),
    [
        (["ordninger", "--finnes-ikke"], "Ukjent valg: --finnes-ikke.", "soknad ordninger"),
        (["ordninger", "--jsn"], "Ukjent valg: --jsn. Mente du --json?", "soknad ordninger"),
        (["sjekk", "--dato"], "Valget --dato trenger en verdi.", "soknad sjekk"),
        (["ordninger", "--json=ja"], "Valget --json tar ingen verdi.", "soknad ordninger"),
        (["ordninger", "a", "b"], "Uventet argument: b.", "soknad ordninger"),
        (["veileder", "--dato", "2021-13-01"], "ikke en gyldig dato", "soknad veileder"),
        (["ordnnger"], "Ukjent kommando 'ordnnger'. Mente du 'ordninger'?", "soknad"),
        (["fullforing"], "Mangler argumentet SKALL.", "soknad fullforing"),
    ],
)
def test_usage_errors_are_norwegian_and_point_to_the_right_help(args, message, help_of):
    result = soknad(*args)
    assert result.returncode == 2, result.stderr
    assert message in result.stderr, result.stderr
    assert f"Se «{help_of} --help»." in result.stderr
    assert not ENGLISH.search(result.stderr), result.stderr
    assert_no_traceback(result.stderr)


# --- Completion -------------------------------------------------------------------------------


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_scripts(shell):
    result = soknad("fullforing", shell)
    assert result.returncode == 0
    assert "_SOKNAD_COMPLETE" in result.stdout
    assert soknad("fullforing", "tcsh").returncode == 2


def bash_complete(words: str) -> list[str]:
    cword = len(words.split()) - (0 if words.endswith(" ") else 1)
    result = soknad(_SOKNAD_COMPLETE="complete_bash", COMP_WORDS=words, COMP_CWORD=str(cword))
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_bash_completes_commands_options_scheme_ids_and_values():
    assert {"ordninger", "veileder", "sjekk", "valider"} <= set(bash_complete("soknad "))
    assert bash_complete("soknad ordn") == ["ordninger"]
    assert "--bransje" in bash_complete("soknad ordninger --b")
    assert bash_complete("soknad ordninger industri") == ["industrifagskolen"]
    assert set(bash_complete("soknad ordninger bransjeprogram")) == {
        "bransjeprogram-industri-bygg",
        "bransjeprogram-maritim",
    }
    assert bash_complete("soknad ordninger --bransje ma") == ["maritim"]
    # After a comma, the part after it (issue 15): «industri,m<Tab>» gives «industri,maritim».
    assert bash_complete("soknad ordninger --bransje industri,m") == ["industri,maritim"]
    assert bash_complete("soknad ordninger --bransje industri,") == [
        "industri,bygg",
        "industri,maritim",
        "industri,annen",
    ]
    assert bash_complete("soknad ordninger --behov f") == ["fagbrev", "fagskole"]
    assert bash_complete("soknad sjekk --format t") == ["tabell"]
    assert bash_complete("soknad help sj") == ["sjekk"]


def test_zsh_and_fish_complete_too():
    zsh = soknad(_SOKNAD_COMPLETE="complete_zsh", _TYPER_COMPLETE_ARGS="soknad ordninger ind")
    assert "industrifagskolen" in zsh.stdout
    fish = soknad(
        _SOKNAD_COMPLETE="complete_fish",
        _TYPER_COMPLETE_FISH_ACTION="get-args",
        _TYPER_COMPLETE_ARGS="soknad ordninger --behov ho",
    )
    assert "hoyere" in fish.stdout


# --- Widths -----------------------------------------------------------------------------------


@pytest.mark.parametrize("width", [30, 40, 50, 59, 60, 70, 80, 100, 120, 200])
def test_scheme_ids_are_never_broken(rules, width):
    out = soknad("ordninger", "--dato", OPEN_DATE, COLUMNS=str(width)).stdout
    lines = [line.strip() for line in out.splitlines()]
    for scheme in rules.schemes:
        assert any(scheme.id in line for line in lines), (width, scheme.id)
    if width >= 60:
        assert "Midler og frist" in out  # a table
    else:
        assert "Midler og frist" not in out and "Frist: " in out  # a list


def test_80_columns_is_readable_and_piped_output_is_80_wide(rules):
    piped = soknad("ordninger", "--dato", OPEN_DATE, COLUMNS="")
    for out in (soknad("ordninger", "--dato", OPEN_DATE, COLUMNS="80").stdout, piped.stdout):
        assert max(len(line) for line in out.splitlines()) <= 80
        assert "Midler og frist" in out


def test_result_panels_keep_a_readable_width_on_a_wide_terminal(tmp_path):
    svar = tmp_path / "svar.json"
    svar.write_text(json.dumps({"bransje": "maritim", "behov": "hoyere"}), encoding="utf-8")
    out = soknad("veileder", "--svar", str(svar), "--dato", OPEN_DATE, COLUMNS="200").stdout
    # Every line but the addresses, which are printed whole for the terminal to fold.
    lines = [line for line in out.splitlines() if not re.match(r"\[\d+\] https://", line)]
    assert max(len(line) for line in lines) <= 100


@pytest.mark.parametrize("columns", ["40", "80", "200"])
@pytest.mark.parametrize("dato", ["2021-09-01", "2026-12-03"])  # the autumn 2021 calls, and 2024–2027
def test_the_result_never_breaks_an_address_or_an_amount(tmp_path, columns, dato):
    """Issue 15 §4: an address is whole on one line, an amount is never split."""
    svar = tmp_path / "svar.json"
    answers = {"bransje": ["industri", "bygg"], "behov": "fagbrev", "kompetanse": "ufaglaert", "praksis_aar": 3}
    svar.write_text(json.dumps(answers), encoding="utf-8")
    out = soknad("veileder", "--svar", str(svar), "--dato", dato, COLUMNS=columns).stdout
    lines = out.splitlines()
    # The sources are cited by number, and their addresses listed last, each whole.
    assert "[1] https://www.norskindustri.no/dette-jobber-vi-med/kompetanse/aktuelt/" in out
    addresses = [line for line in lines if line.startswith("[")]
    assert addresses and all(re.fullmatch(r"\[\d+\] https://\S+", line) for line in addresses)
    assert sum("https://" in line for line in lines) == len(addresses)  # nowhere else, never in pieces
    # A no-break space inside the amount: rich keeps it whole (7 million in 2021, 11 in 2024).
    assert ("7\u00a0mill.\u00a0kr" if dato.startswith("2021") else "11\u00a0mill.\u00a0kr") in out
    assert "…" not in out  # no heading or text cut short (rich cut long headings: «utlys…»)
    for before, after in itertools.pairwise(lines):
        assert not (re.search(r"\d$", before.rstrip(" │|")) and re.match(r"[│| ]*\s*(mill\.|kr|\d{3}\b)", after))


@pytest.mark.parametrize("env", [{"TERM": "dumb"}, {"NO_COLOR": "1"}])
def test_no_escape_codes_for_dumb_terminals_or_no_color(tmp_path, env):
    svar = tmp_path / "svar.json"
    svar.write_text(json.dumps({"bransje": "maritim", "behov": "hoyere"}), encoding="utf-8")
    force = {"FORCE_COLOR": "1", "TTY_COMPATIBLE": "1", **env}  # as if on a terminal
    outputs = [
        soknad("ordninger", "--dato", OPEN_DATE, **force),
        soknad("ordninger", "utsatte-industriklynger", **force),
        soknad("veileder", "--svar", str(svar), "--dato", OPEN_DATE, **force),
        soknad("sjekk", "--format", "tabell", input=json.dumps({"bransje": "bygg"}), **force),
    ]
    for result in outputs:
        assert "\x1b" not in result.stdout + result.stderr, result.args
    colour = soknad("ordninger", "--dato", OPEN_DATE, FORCE_COLOR="1", TTY_COMPATIBLE="1")
    assert "\x1b[" in colour.stdout  # the check above can fail: colour does reach a terminal


# --- Files and locales -------------------------------------------------------------------------


def test_written_files_follow_the_umask_and_keep_their_mode(tmp_path):
    svar = tmp_path / "svar.json"
    svar.write_text(json.dumps({"bransje": "annen"}), encoding="utf-8")
    saved, md = tmp_path / "lagret.json", tmp_path / "resultat.md"
    old = os.umask(0o022)
    try:
        result = soknad("veileder", "--svar", str(svar), "--lagre-svar", str(saved), "--sjekkliste", str(md))
    finally:
        os.umask(old)
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(saved.stat().st_mode) == 0o644 and stat.S_IMODE(md.stat().st_mode) == 0o644
    saved.chmod(0o640)
    assert soknad("veileder", "--svar", str(svar), "--lagre-svar", str(saved)).returncode == 0
    assert stat.S_IMODE(saved.stat().st_mode) == 0o640  # an overwritten file keeps its mode


@pytest.mark.parametrize(
    "args",
    [
        ["ordninger", "--dato", OPEN_DATE],
        ["ordninger", "industrifagskolen"],
        ["ordninger", "--json"],
        ["--help"],
        ["valider"],
        ["skjema", "svar"],
        ["sjekk", "--format", "tabell"],
        ["sjekk"],
    ],
)
def test_a_terminal_that_cannot_show_utf8_gets_replacements_not_a_crash(args):
    result = soknad(
        *args, input=json.dumps({"bransje": "bygg"}), LC_ALL="C", LANG="C", PYTHONUTF8="0", PYTHONIOENCODING=""
    )
    assert result.returncode == 0, result.stderr
    assert_no_traceback(result.stderr)
    if "--json" in args:  # JSON escapes what the terminal cannot show: nothing is lost
        assert json.loads(result.stdout)[0]["navn"] == "Bransjeprogram for industri- og byggenæringen"
    if args == ["sjekk"]:
        assert "Bransjeprogram for industri- og byggenæringen" in result.stdout.encode().decode("unicode_escape")
        assert json.loads(result.stdout)["vurderinger"][0]["navn"].endswith("byggenæringen")


def test_without_a_terminal_the_guide_names_the_missing_answers(tmp_path):
    svar = tmp_path / "svar.json"
    svar.write_text(json.dumps({"bransje": "industri"}), encoding="utf-8")
    result = soknad("veileder", "--svar", str(svar))
    assert result.returncode == 2
    assert f"det som mangler i {svar}: behov, klynge." in result.stderr
    assert "null betyr «vet ikke»" in result.stderr


def test_sjekk_warns_on_stderr_and_in_the_table(cli):
    record = json.dumps({"bransje": "maritim", "behov": "hoyere"})
    # More than a year after the rule base was checked (7 December 2026), it says so.
    late = soknad("sjekk", "--dato", "2027-12-08", input=record)
    assert late.stderr.startswith(
        "Advarsel: Regelverket ble sist oppdatert 7. desember 2026, for mer enn ett år siden."
    )
    assert json.loads(late.stdout)["advarsler"]  # the structured field stays
    table = cli("sjekk", "--format", "tabell", "--dato", "2027-12-08", input=record)
    assert "for mer enn ett år siden" in " ".join(table.stdout.split())
    assert "Advarsel" not in soknad("sjekk", "--dato", OPEN_DATE, input=record).stderr


def test_minimal_rule_base_completes_too():
    result = soknad(
        _SOKNAD_COMPLETE="complete_bash",
        COMP_WORDS="soknad ordninger --regler " + str(MINIMAL) + " ord",
        COMP_CWORD="4",
    )
    assert result.stdout.split() == ["ordning-a"]


def test_fullforing_help_says_how_to_install_on_a_fresh_account(cli):
    """For users who installed with pipx and have no README: the lines, with mkdir -p first."""
    text = cli("fullforing", "--help").stdout
    assert "mkdir -p ~/.local/share/bash-completion/completions" in text
    assert "soknad fullforing bash > ~/.local/share/bash-completion/completions/soknad" in text
    assert "pakken bash-completion" in text and "mkdir -p ~/.config/fish/completions" in text


def test_the_terminal_and_the_markdown_name_the_same_schemes_as_sjekk_in_every_round(tmp_path):
    """On a date in every combination of rounds and after the last (tests/snapshot.py), for a
    sample of answer sets, the terminal result and the Markdown checklist list the recommended
    schemes in `soknad sjekk`'s order, and those that fitted earlier, and say which round each
    is assessed under. A differential check between surfaces; the outcomes themselves are
    pinned by the approved snapshot and the cases."""
    import random

    from soknadsveileder.rules import load

    from .helpers import soknad_in_process
    from .snapshot import DATES

    rules = load()
    names = {s.id: s.name for s in rules.schemes}
    rng = random.Random(2026_12_07)
    values = {
        "bransje": [["industri"], ["bygg"], ["maritim"], ["industri", "maritim"], ["annen"]],
        "behov": ["fagbrev", "fagskole", "hoyere", None],
        "kompetanse": ["ufaglaert", "fagbrev"],
        "tilbud": ["finnes", "nytt", None],
        "klynge": [True, False, None],
        "praksis_aar": [0, 6, None],
    }
    samples = [{q: rng.choice(v) for q, v in values.items()} for _ in range(6)]
    for day in (d.isoformat() for d in DATES):
        for answers in samples:
            svar = tmp_path / "svar.json"
            svar.write_text(json.dumps(answers), encoding="utf-8")
            line = soknad_in_process("sjekk", "--dato", day, input=json.dumps(answers)).stdout
            want = json.loads(line)
            md = tmp_path / "sjekkliste.md"
            md.unlink(missing_ok=True)
            screen = soknad_in_process(
                "veileder", "--svar", str(svar), "--dato", day, "--sjekkliste", str(md), COLUMNS="200"
            ).stdout
            text = md.read_text(encoding="utf-8")
            recommended = re.findall(r"^### \d+\. (.+)$", text, re.M)
            assert recommended == [names[i] for i in want["anbefalte"]], (day, answers)
            shown = re.findall(r"│ (\d+)\. (.+?)\s+│", screen)
            assert [name for _, name in shown] == recommended, (day, answers)
            for sid in want["passet_tidligere"]:
                assert f"### {names[sid]}" in text.split("## Passet")[1], (day, answers)
            for v in want["vurderinger"]:
                if v["status"] != "ikke_aktuell":
                    said = f"Vurdert etter runden {v['runde']['navn']}"
                    assert said in text and said in " ".join(screen.split()), (day, answers, said)
