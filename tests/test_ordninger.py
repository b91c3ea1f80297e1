"""`soknad ordninger`, `--version`, `--help` and the exit codes of the CLI as a whole."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import typer.main

from soknadsveileder import __version__
from soknadsveileder.cli import app

from .helpers import MINIMAL, OPEN_DATE, assert_no_traceback, soknad, subprocess_env


def test_table_shows_every_scheme_with_level_applicant_funds_and_deadline(cli, rules):
    result = cli("ordninger", "--dato", "2021-09-01")
    assert result.exit_code == 0, result.output
    out = result.stdout
    for scheme in rules.schemes:
        assert scheme.id in out.replace("\n", "") or scheme.id[:15] in out
    assert "NKR 4–5" in out and "NKR 6–7" in out
    assert "ca.\u00a07\u00a0mill.\u00a0kr" in out and "20\u00a0mill.\u00a0kr" in out and "ukjent" in out
    # Days only to an exact date (the clusters call, 15 September). The maritime call closed
    # in April (8 or 15 April, Kompetanse Norge), and the table says what came after.
    assert "14 dager igjen" in out and "kan være passert" not in out and "trolig passert" not in out
    assert out.count("Runde: høsten 2021") == 1 and out.count("Runde: våren 2021") == 1
    assert "Etter fristen: se note 1 under tabellen" in out
    assert "1. Bransjeprogram for maritim sektor: Vårrunden i 2021" in " ".join(out.split())
    assert "█" in out  # the funds bar
    assert "Advarsel" not in out


def test_passed_deadlines_and_stale_rule_base_warn(cli):
    result = cli("ordninger", "--dato", "2026-11-29")
    assert result.exit_code == 0
    assert "passert" in result.stdout and "runden er over" in result.stdout
    # Industrifagskolen's round from 2025 has no known end, and no source gives the 2024–2027
    # deadline: not every deadline has passed, and nothing claims so.
    assert "Alle fristene i regelverket er passert" not in result.stdout
    assert "Etter fristen" in result.stdout  # what came after, for the rounds that are over (finding 26)
    stale = cli("ordninger", "--dato", "2027-12-08")  # a year after the rule base was last checked
    assert "for mer enn ett år siden" in stale.stdout


def test_a_stale_rule_base_warns_even_while_a_deadline_is_open(cli, tmp_path):
    text = MINIMAL.read_text(encoding="utf-8").replace('dato: "2021-09-15"', 'dato: "2030-01-01"')
    path = tmp_path / "regler.yaml"
    path.write_text(text, encoding="utf-8")
    result = cli("ordninger", "--regler", str(path), "--dato", "2023-01-01")
    assert "for mer enn ett år siden" in result.stdout
    assert "Alle fristene" not in result.stdout


def test_json_lists_every_scheme_with_the_contracted_fields(cli, rules):
    result = cli("ordninger", "--json", "--dato", OPEN_DATE)
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert [d["id"] for d in data] == [s.id for s in rules.schemes]
    first = data[0]
    assert {"id", "navn", "soker", "nivaa", "midler_igjen", "frist", "runde", "runder"} <= first.keys()
    # 1 March 2021: the spring round, «innen 8. april 2021» (NVL), no sum per programme.
    assert first["runde"]["id"] == "2021-var" and first["midler_igjen"] is None
    assert first["frist"] == {**first["frist"], "dato": "2021-04-08", "passert": False, "dager_igjen": 38}
    assert first["nivaa"]["nkr"] == [4, 5]
    assert [r["id"] for r in first["runder"]] == ["2020", "2021-var", "2021-host", "2022", "2023", "2024-2027"]
    assert [r["senere"] for r in first["runder"]] == [False, False, True, True, True, True]
    autumn = json.loads(cli("ordninger", "--json", "--dato", "2021-09-01").stdout)[0]
    assert autumn["midler_igjen"] == 7_000_000 and autumn["frist"]["dato"] == "2021-09-15"
    maritim = next(d for d in data if d["id"] == "bransjeprogram-maritim")
    assert maritim["midler_igjen"] is None
    after = json.loads(cli("ordninger", "--json", "--dato", "2026-01-01").stdout)
    assert [d["frist"]["status"] for d in after] == ["ukjent", "runde_over", "ukjent", "passert"]
    assert [d["frist"]["passert"] for d in after] == [None, True, None, True]


def test_json_goes_to_stdout_alone_and_warnings_to_stderr(tmp_path):
    result = soknad("ordninger", "--json", "--dato", "2026-11-29")
    assert result.returncode == 0
    json.loads(result.stdout)  # nothing but JSON
    assert result.stderr == ""  # not every deadline has passed in 2026 (Industrifagskolen)
    stale = soknad("ordninger", "--json", "--dato", "2027-12-08")
    assert "for mer enn ett år siden" in stale.stderr and "Advarsel" not in stale.stdout
    on_time = soknad("ordninger", "--json", "--dato", OPEN_DATE)
    assert on_time.stderr == ""


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--bransje", "maritim"], ["bransjeprogram-maritim"]),
        # Industrifagskolen is for bygg too: the 2021 budget earmarked it for «industri og bygg».
        (["--bransje", "bygg"], ["bransjeprogram-industri-bygg", "industrifagskolen"]),
        # No source rules higher education out of the bransjeprogram in 2021 (finding 3).
        (["--bransje", "industri", "--behov", "hoyere"], ["bransjeprogram-industri-bygg", "utsatte-industriklynger"]),
        (["--behov", "fagskole"], ["bransjeprogram-industri-bygg", "bransjeprogram-maritim", "industrifagskolen"]),
        (["--bransje", "annen"], []),
    ],
)
def test_filters_narrow_the_list(cli, args, expected):
    result = cli("ordninger", "--json", *args)
    assert result.exit_code == 0, result.output
    assert [d["id"] for d in json.loads(result.stdout)] == expected


def test_bad_filter_value_is_a_usage_error_with_a_hint(cli):
    result = cli("ordninger", "--bransje", "industr")
    assert result.exit_code == 2
    assert "Mente du 'industri'?" in result.stderr


def test_one_scheme_in_full(cli):
    result = cli("ordninger", "utsatte-industriklynger", "--dato", OPEN_DATE)
    assert result.exit_code == 0
    out = result.stdout
    assert "Kompetanseløft for utsatte industriklynger" in out
    assert "Aktuell når bedriften er med i en utsatt klynge" in out
    assert "Vurdert etter runden 2021 (kilde: Kompetanse Norge 2021)." in " ".join(out.split())
    assert "Runder" in out and "ikke lyst ut ennå" in out
    assert "Sjekkliste" in out and "Kilder" in out and "kompetansenorge.no" in out
    one = json.loads(cli("ordninger", "industrifagskolen", "--json").stdout)
    assert one["id"] == "industrifagskolen"


def test_unknown_scheme_id_suggests_the_nearest(cli):
    result = cli("ordninger", "industrifagskole")
    assert result.exit_code == 2
    assert "Mente du 'industrifagskolen'?" in result.stderr


def test_markup_in_data_is_shown_literally(cli, tmp_path):
    text = MINIMAL.read_text(encoding="utf-8").replace("navn: Ordning A", "navn: Ordning [fagskole] A")
    path = tmp_path / "regler.yaml"
    path.write_text(text, encoding="utf-8")
    result = cli("ordninger", "--regler", str(path), "--dato", OPEN_DATE)
    assert "[fagskole]" in result.stdout


def test_invalid_rule_base_is_exit_1_on_every_command(cli):
    broken = str(MINIMAL.parent / "ugyldige" / "feil-type.yaml")
    for command in (["ordninger"], ["veileder"], ["sjekk"], ["skjema"], ["valider"]):
        result = cli(*command, "--regler", broken, input="")
        assert result.exit_code == 1, (command, result.output)
        assert "belop" in result.stderr


def test_version(cli):
    result = cli("--version")
    assert result.exit_code == 0 and __version__ in result.stdout


def test_every_command_has_norwegian_help(cli):
    group = typer.main.get_command(app)
    assert set(group.commands) == {  # type: ignore[attr-defined]
        "ordninger",
        "kilder",
        "valider",
        "veileder",
        "sjekk",
        "skjema",
        "help",
        "fullforing",
        "endringer",
        "graf",
        "mal",
        "web",
    }
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        assert command.help, name
        result = cli(name, "--help")
        assert result.exit_code == 0
        if name not in ("help", "fullforing", "endringer"):  # these take no --regler
            assert "--regler FIL" in result.stdout, name
        assert "Vis denne hjelpen og avslutt" in result.stdout, name
    assert "Vis denne hjelpen og avslutt" in cli("--help").stdout


def test_usage_errors_are_norwegian_exit_2_from_the_real_entry_point():
    result = soknad("ordninger", "--finnes-ikke")
    assert result.returncode == 2
    assert "Ukjent valg: --finnes-ikke" in result.stderr
    assert "soknad ordninger --help" in result.stderr
    result = soknad("ordninger", "--dato", "2021-02-30")
    assert result.returncode == 2
    assert "ikke en gyldig dato" in result.stderr
    result = soknad("tull")
    assert result.returncode == 2 and "Ukjent kommando" in result.stderr
    assert_no_traceback(result.stderr)


def test_no_command_shows_help():
    result = soknad()
    assert result.returncode == 2
    assert "ordninger" in result.stdout and "veileder" in result.stdout
    assert "Feil" not in result.stderr


def test_console_script_entry_point_and_module_agree():
    result = soknad("--version")
    assert result.returncode == 0 and result.stdout.strip() == f"soknad {__version__}"


@pytest.mark.parametrize(
    "args", [["ordninger", "--json"], ["sjekk", "--dato", "2021-03-01"]], ids=["ordninger", "sjekk"]
)
def test_other_commands_import_neither_questionary_nor_the_web_stack(args):
    # Run the real entry point in one process, then look at what it imported.
    code = (
        "import runpy, sys\n"
        f"sys.argv = ['soknad', *{args!r}]\n"
        "try:\n"
        "    runpy.run_module('soknadsveileder', run_name='__main__')\n"
        "except SystemExit as e:\n"
        "    assert e.code == 0, e.code\n"
        "heavy = ('questionary', 'prompt_toolkit', 'starlette', 'jinja2', 'uvicorn', 'multipart')\n"
        "loaded = [m for m in heavy if m in sys.modules]\n"
        "print('importert:', loaded, file=sys.stderr)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], input='{"bransje": "bygg"}', capture_output=True, text=True, env=subprocess_env()
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.strip().endswith("importert: []"), proc.stderr


def test_a_filter_that_leaves_nothing_points_elsewhere(cli):
    """Not a dead end: a company in another sector learns where else to look."""
    result = cli("ordninger", "--bransje", "annen")
    assert result.exit_code == 0
    flat = " ".join(result.stdout.split())
    assert "Ingen av ordningene i regelverket passer filteret. Andre muligheter:" in flat
    assert "Bransjeprogram for andre bransjer: Høsten 2021 fantes det ti bransjeprogram" in flat


def test_facts_from_after_the_date_are_marked_later(cli):
    """Finding 31: seen from 2021, the 2022 history and the 2024 figures were not yet known."""
    detail = " ".join(cli("ordninger", "industrifagskolen", "--dato", "2021-09-01").stdout.split())
    assert "Omtrent 20 millioner kroner var igjen, med søknadsfrist i midten av september. (kilde" in detail
    assert "Sju fagskoler fikk 23 millioner kroner i året i tre år, til rundt 70 kurs og moduler." in detail
    assert "Det er dobbelt så mange" not in detail
    assert "året før. (senere) (kilde: Regjeringen 2022)" in detail
    now = " ".join(cli("ordninger", "industrifagskolen", "--dato", "2026-12-03").stdout.split())
    assert "(senere)" not in now
    data = json.loads(cli("ordninger", "industrifagskolen", "--json", "--dato", "2021-09-01").stdout)
    # 2020 (twice), 2021 (twice), 2022 (twice), 2024: the history seen from September 2021.
    assert [h["senere"] for h in data["historikk"]] == [False, False, False, False, True, True, True]


def test_the_table_marks_notes_and_keeps_the_warnings_promise(cli):
    table = cli("ordninger", "--dato", "2026-12-03").stdout
    flat = " ".join(table.split())
    assert "2 merknader: soknad ordninger ID viser dem" in table and "1 merknad: soknad ordninger ID viser den" in table
    assert "Etter fristen: se note 1 under tabellen" in flat
    # One footnote per scheme whose round is over, in table order, with what the sources say
    # happened next: maritime (2023 is the last round) and the clusters (2021).
    assert "1. Bransjeprogram for maritim sektor: Det siste kildene viser, er 10 millioner kroner i 2023." in flat
    assert "2. Kompetanseløft for utsatte industriklynger: Kildene viser ingen utlysning etter 2021." in flat
