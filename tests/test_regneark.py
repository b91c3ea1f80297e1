"""Advisers work in spreadsheets: CSV and Excel in and out of `soknad sjekk`, a template and
a summary. All through the real CLI.

Expected statuses are written by hand from the golden cases (tests/cases/): a shipyard that
needs fagbrev fits both bransjeprogram; bygg with a ready fagskole module is a «kanskje» for
Industrifagskolen only; «annen» fits nothing.
"""

from __future__ import annotations

import csv
import io
import json
import sys

import pytest
from openpyxl import Workbook, load_workbook

from .helpers import OPEN_DATE, soknad, soknad_in_process

soknad_process = soknad

SCHEMES = ["bransjeprogram-industri-bygg", "bransjeprogram-maritim", "industrifagskolen", "utsatte-industriklynger"]
VERFT = {s: st for s, st in zip(SCHEMES, ["aktuell", "aktuell", "ikke_aktuell", "ikke_aktuell"], strict=True)}
# A ready fagskole module in bygg: Industrifagskolen was for «industri og bygg» from the 2021
# budget (Regjeringen 2022); the bransjeprogram may fund a repeated 2020 course (NVL 2021).
# On OPEN_DATE (1 March 2021) the autumn calls of Industrifagskolen and the clusters were not
# announced yet (the article names HK-dir, from 1 July 2021): the cell says so.
BYGG = {
    s: st
    for s, st in zip(SCHEMES, ["kanskje", "ikke_aktuell", "aktuell (ikke lyst ut ennå)", "ikke_aktuell"], strict=True)
}
ANNEN = dict.fromkeys(SCHEMES, "ikke_aktuell")


@pytest.fixture(autouse=True, params=["prosess", "cliRunner"])
def _way(request, monkeypatch):
    """Every test twice: soknad as a process (what a shell sees), and through CliRunner
    (what mutmut sees: the CSV and Excel reading is otherwise «no tests» to it)."""
    monkeypatch.setattr(
        sys.modules[__name__], "soknad", soknad_in_process if request.param == "cliRunner" else soknad_process
    )


def sjekk(*args, **kw):
    return soknad("sjekk", "--dato", OPEN_DATE, *args, **kw)


def out_rows(text: str, delimiter: str = ",") -> list[dict[str, str]]:
    """The result rows, by column. The header's last cell holds the notes «Om resultatet»,
    and no row has a cell under it; every row has exactly the other columns."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=delimiter)
    header = next(reader)
    if header[-1].startswith("Om resultatet: "):
        header.pop()
    return [dict(zip(header, row, strict=True)) for row in reader]


def about_cell(text: str, delimiter: str = ",") -> str:
    """The notes «Om resultatet»: the header's last cell."""
    return next(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=delimiter))[-1]


def statuses(row: dict[str, str]) -> dict[str, str]:
    return {s: row[s] for s in SCHEMES}


ROWS = [
    ["id", "navn", "bransje", "behov", "tilbud", "praksis_aar"],
    ["1", "Verft AS", "industri, maritim", "fagbrev", "", "6"],
    ["2", "Bygg AS", "bygg", "fagskole", "finnes", ""],
    ["3", "Annen AS", "annen", "", "", ""],
]


@pytest.mark.parametrize(
    ("delimiter", "encoding", "bom", "newline"),
    [
        (",", "utf-8", False, "\n"),
        (";", "utf-8", True, "\r\n"),  # what Norwegian Excel saves
        (";", "cp1252", False, "\r\n"),  # older Excel
        (",", "utf-8", True, "\n"),
    ],
    ids=["komma-utf8", "semikolon-bom-crlf", "windows-1252", "komma-bom"],
)
def test_each_dialect_encoding_and_bom(tmp_path, delimiter, encoding, bom, newline):
    text = io.StringIO()
    csv.writer(text, delimiter=delimiter, lineterminator=newline).writerows(
        [*ROWS, ["4", "Ærlig Øystein Åsen AS", "annen", "", "", ""]]
    )
    path = tmp_path / "medlemmer.csv"
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.getvalue().encode(encoding))
    result = sjekk(str(path), "--format", "csv")
    assert result.returncode == 0, result.stderr
    rows = out_rows(result.stdout)
    assert [r["id"] for r in rows] == ["1", "2", "3", "4"]
    assert [r["linje"] for r in rows] == ["2", "3", "4", "5"]  # the spreadsheet's own row numbers
    assert [r["nr"] for r in rows] == ["1", "2", "3", "4"]  # the records in order, as in JSON
    assert [statuses(r) for r in rows[:3]] == [VERFT, BYGG, ANNEN]
    assert rows[3]["navn"] == "Ærlig Øystein Åsen AS"  # æøå intact, whatever the encoding
    said = result.stderr.count("leser den som Windows-1252")
    assert said == (1 if encoding == "cp1252" else 0)  # said once, only when it is true


def test_an_excel_made_file_with_numbers_booleans_and_an_empty_row(tmp_path):
    book = Workbook()
    first = book.active
    first.title = "Medlemmer"
    first.append(["id", "navn", "bransje", "behov", "klynge", "praksis_aar"])
    first.append([101, "Verft AS", "industri, maritim", "fagbrev", None, 6])  # a number cell
    first.append([102, "Klynge AS", "industri", "hoyere", True, None])  # a boolean cell
    first.append([None, None, None, None, None, None])  # an empty row: skipped, counted
    first.append([103, "Desimal AS", "bygg", "fagbrev", None, 5.0])  # a whole number stored as 5.0
    first.append([104, "Tall i tekst AS", "industri", 7, None, None])  # a number where a choice goes
    other = book.create_sheet("Annet")
    other.append(["id", "bransje"])
    other.append(["x", "annen"])
    path = tmp_path / "medlemmer.xlsx"
    book.save(path)
    result = sjekk(str(path), "--format", "csv")
    rows = out_rows(result.stdout)
    assert [r["id"] for r in rows] == ["101", "102", "103", "104"]
    assert statuses(rows[0]) == VERFT
    assert rows[1]["utsatte-industriklynger"] == "aktuell (ikke lyst ut ennå)"  # TRUE in Excel is a yes
    assert rows[2]["bransjeprogram-industri-bygg"] == "aktuell"
    assert rows[3]["ok"] == "nei" and "behov: Forventet en av fagbrev, fagskole, hoyere, fant «7»." in rows[3]["feil"]
    assert "1 tom rad hoppet over" in result.stderr and result.returncode == 1
    sheet = sjekk(str(path), "--ark", "Annet", "--format", "csv")
    assert [r["id"] for r in out_rows(sheet.stdout)] == ["x"]
    missing = sjekk(str(path), "--ark", "Finnes ikke")
    # Issue 25 §5: a sheet that is not there is a usage error with the sheets, not a data row.
    assert missing.returncode == 2 and missing.stdout == ""
    assert "Fant ikke arket «Finnes ikke»" in missing.stderr and "Arkene heter «Medlemmer», «Annet»." in missing.stderr
    assert "Tips: Velg arket med --ark NAVN" in missing.stderr


def test_xlsx_on_stdin_with_inndata(tmp_path):
    book = Workbook()
    book.active.append(["bransje"])
    book.active.append(["maritim"])
    buffer = io.BytesIO()
    book.save(buffer)
    result = sjekk("--inndata", "xlsx", input=buffer.getvalue())
    assert json.loads(result.stdout)["anbefalte"] == ["bransjeprogram-maritim"]


def test_every_bad_input_gives_its_row_and_no_record_is_lost(tmp_path):
    path = tmp_path / "feil.csv"
    path.write_text(
        "id;navn;bransj;behov\n"
        "1;Stavefeil AS;industri;fagbrev\n"
        ";;;\n"
        "2;For mange AS;industri;fagbrev;ekstra\n"
        "3;Greit AS;;fagbrev\n",
        encoding="utf-8",
    )
    result = sjekk(str(path), "--format", "csv")
    rows = out_rows(result.stdout)
    assert len(rows) == 3  # three records in (one empty row skipped), three out
    assert [(r["nr"], r["linje"], r["id"], r["ok"]) for r in rows] == [
        ("1", "2", "1", "nei"),
        ("2", "4", "2", "nei"),
        ("3", "5", "3", "ja"),
    ]
    assert rows[0]["feil"] == (
        "bransj: Kolonnen 'bransj' er ikke et spørsmål. Mente du 'bransje'? Rett kolonnenavnet, eller tøm cellen."
    )
    assert rows[1]["feil"] == "Raden har flere celler enn overskriften har kolonner (4)."
    assert "rad 1: ukjent kolonne 'bransj'. Mente du 'bransje'?" in result.stderr
    assert "1 tom rad hoppet over" in result.stderr
    duplicate = tmp_path / "dobbel.csv"
    duplicate.write_text("id,bransje,bransje\n1,bygg,industri\n2,bygg,bygg\n", encoding="utf-8")
    rows = out_rows(sjekk(str(duplicate), "--format", "csv").stdout)
    assert [(r["id"], r["ok"]) for r in rows] == [("1", "nei"), ("2", "nei")]
    assert all("Kolonnen 'bransje' står to ganger i overskriften (kolonne 2 og 3)." in r["feil"] for r in rows)


def test_cell_rules_yes_no_numbers_and_several_values(tmp_path):
    path = tmp_path / "celler.csv"
    path.write_text(
        'id,bransje,behov,klynge,praksis_aar\n1,"maritim, industri",hoyere,JA,\n2,industri,hoyere,False,\n'
        "3,industri,fagbrev,,fem\n4,industri,fagbrev,,-1\n",
        encoding="utf-8",
    )
    rows = out_rows(sjekk(str(path), "--format", "csv").stdout)
    assert (
        rows[0]["utsatte-industriklynger"] == "aktuell (ikke lyst ut ennå)"
        and rows[0]["bransjeprogram-maritim"] == "aktuell"
    )
    assert rows[1]["utsatte-industriklynger"] == "ikke_aktuell"
    assert rows[2]["feil"] == "praksis_aar: Forventet et heltall, fant «fem»."
    assert rows[3]["feil"] == "praksis_aar: Tallet må være minst 0, fant -1."


def test_the_same_text_in_columns_of_different_types_is_read_by_each_column(tmp_path):
    """Each column reads its cells by its own question: «ja» is yes in `klynge` but no
    industry in `bransje`, «6» a number in `praksis_aar` but no education in `behov`."""
    path = tmp_path / "samme.csv"
    path.write_text(
        "bransje,behov,klynge,praksis_aar\nindustri,hoyere,ja,6\nja,hoyere,ja,\nmaritim,6,,6\nindustri,hoyere,ja,6\n",
        encoding="utf-8",
    )
    rows = out_rows(sjekk(str(path), "--format", "csv").stdout)
    assert [r["ok"] for r in rows] == ["ja", "nei", "nei", "ja"]
    assert rows[0]["utsatte-industriklynger"] == rows[3]["utsatte-industriklynger"] == "aktuell (ikke lyst ut ennå)"
    assert rows[1]["feil"].startswith("bransje: ") and "«ja»" in rows[1]["feil"]
    assert rows[2]["feil"].startswith("behov: ") and "«6»" in rows[2]["feil"]


def test_formula_injection_never_becomes_a_formula(tmp_path):
    path = tmp_path / "farlig.csv"
    evil = ['=HYPERLINK("http://x")', "+SUM(1)", "-2+3", "@cmd"]
    path.write_text(
        "id;navn;bransje\n" + "".join(f"{i};{name};annen\n" for i, name in enumerate(evil, 1)), encoding="utf-8"
    )
    rows = out_rows(sjekk(str(path), "--format", "csv").stdout)
    assert [r["navn"] for r in rows] == ["'" + name for name in evil]
    out = tmp_path / "ut.xlsx"
    assert sjekk(str(path), "--format", "xlsx", "-o", str(out)).returncode == 0
    sheet = load_workbook(out).active
    names = [sheet.cell(row=r, column=4) for r in range(2, 2 + len(evil))]  # nr, linje, id, navn
    assert [c.data_type for c in names] == ["s"] * len(evil)  # text, never a formula
    assert [c.value for c in names] == evil  # and shown as it was written


def test_excel_csv_bytes(tmp_path):
    path = tmp_path / "m.csv"
    path.write_text("id,bransje\n1,annen\n", encoding="utf-8")
    data = sjekk(str(path), "--format", "csv", "--excel").stdout.encode("utf-8")
    assert data.startswith("\ufeff".encode())
    first, row, end = data.split(b"\r\n")
    columns = ["nr", "linje", "id", "navn", "ok", "anbefalte", "passet_tidligere", *SCHEMES, "mangler", "feil"]
    assert first.decode("utf-8-sig").startswith(";".join(columns) + ';"Om resultatet: Vurdert 2021-03-01 med ')
    # The notes are the header row's last cell: the one row that sorting and filtering leave
    # in place (issue 25 §4). No row has a cell under it, and nothing follows the rows.
    assert row.decode().count(";") == len(columns) - 1 and end == b""
    assert b"\n" not in data.replace(b"\r\n", b"")


def test_an_excel_workbook_out(tmp_path):
    path = tmp_path / "m.csv"
    csv_text = io.StringIO()
    csv.writer(csv_text).writerows(ROWS)
    path.write_text(csv_text.getvalue(), encoding="utf-8")
    out = tmp_path / "resultat.xlsx"
    result = sjekk(str(path), "--format", "xlsx", "-o", str(out))
    assert result.returncode == 0, result.stderr
    book = load_workbook(out)
    sheet = book.active
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:M4"
    header = [c.value for c in sheet[1]]
    # Issue 25 §6: for people, the columns by name and the cells in words.
    assert header[:7] == [
        "Nr.",
        "Rad i listen",
        "Id",
        "Navn",
        "Vurdert",
        "Anbefalt",
        "Passet tidligere (runden er over)",
    ]
    assert header[7:11] == [
        "Bransjeprogram for industri- og byggenæringen",
        "Bransjeprogram for maritim sektor",
        "Industrifagskolen",
        "Kompetanseløft for utsatte industriklynger",
    ]
    assert header[11:] == ["Mangler svar på", "Feil"]
    verft = {h: c for h, c in zip(header, sheet[2], strict=True)}
    assert verft["Bransjeprogram for maritim sektor"].value == "Passer"
    assert verft["Bransjeprogram for maritim sektor"].fill.start_color.rgb.endswith("C6EFCE")  # green
    assert verft["Industrifagskolen"].value == "Passer ikke" and verft["Vurdert"].value == "Ja"
    assert verft["Anbefalt"].value == "Bransjeprogram for industri- og byggenæringen; Bransjeprogram for maritim sektor"
    assert verft["Id"].value == 1 and verft["Rad i listen"].value == 2  # a CSV's 1 is a number, as in Excel
    bygg = {h: c for h, c in zip(header, sheet[3], strict=True)}
    assert bygg["Bransjeprogram for industri- og byggenæringen"].value == "Kanskje"
    assert bygg["Bransjeprogram for industri- og byggenæringen"].fill.start_color.rgb.endswith("FFEB9C")  # yellow
    assert bygg["Industrifagskolen"].value == "Passer (ikke lyst ut ennå)"
    # The ids stay available to machines, in the sheet «Om resultatet».
    about = [tuple(r) for r in book["Om resultatet"].iter_rows(values_only=True)]
    assert ("Bransjeprogram for maritim sektor", "bransjeprogram-maritim") in about
    assert ("Anbefalt", "anbefalte") in about and ("Passer ikke", "ikke_aktuell") in about
    assert sheet.column_dimensions["F"].width >= 40  # anbefalte
    # A workbook never goes to a pipe; -o to a missing folder writes nothing.
    piped = sjekk(str(path), "--format", "xlsx")
    assert piped.returncode == 2 and "Gi filen med -o" in piped.stderr and piped.stdout == ""
    nowhere = sjekk(str(path), "--format", "xlsx", "-o", str(tmp_path / "mangler" / "ut.xlsx"))
    assert nowhere.returncode == 2 and not (tmp_path / "mangler").exists()


def test_csv_out_to_a_file_is_whole_or_nothing(tmp_path):
    path = tmp_path / "m.json"
    path.write_text(json.dumps([{"id": i, "bransje": "annen"} for i in range(5)]), encoding="utf-8")
    out = tmp_path / "ut.csv"
    result = sjekk(str(path), "--format", "csv", "-o", str(out))
    assert result.returncode == 0 and result.stdout == ""
    assert len(out_rows(out.read_text(encoding="utf-8"))) == 5
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temporary file left


def test_the_template_round_trip(tmp_path):
    template = soknad("mal", "--dato", OPEN_DATE).stdout
    # Issue 25 §8: a title row above the headers, and columns of the adviser's own. The
    # examples answer only what the guide asks (by hand, from the `naar` of each question in
    # data/schemes.yaml): kompetanse and praksis_aar only for fagbrev, tilbud only for fagskole.
    assert template.splitlines() == [
        "Medlemsliste – én bedrift per rad (mal fra soknad)",
        "",
        "id,navn,bransje,behov,kompetanse,tilbud,klynge,praksis_aar,Org.nr.,Kommentar",
        "1,Eksempel AS,industri,fagbrev,ufaglaert,,,0,923456789,Eksempel: slett raden",
        '2,Eksempel to AS,"industri, maritim",hoyere,,,nei,,987654321,Egne kolonner kommer tilbake i resultatet',
    ]
    # The examples are valid as they are; the first is a fagbrev case in industry.
    rows = out_rows(sjekk("--inndata", "csv", "--format", "csv", input=template).stdout)
    assert [r["ok"] for r in rows] == ["ja", "ja"]
    assert rows[0]["anbefalte"] == "bransjeprogram-industri-bygg"
    assert [r["Org.nr."] for r in rows] == ["923456789", "987654321"]  # own columns come back
    # An adviser fills in a company of their own, and gets the expected statuses.
    filled = template + '10,Verft AS,"industri, maritim",fagbrev,,,,6\n11,Bygg AS,bygg,fagskole,,finnes,,\n'
    rows = out_rows(sjekk("--inndata", "csv", "--format", "csv", input=filled).stdout)
    assert [statuses(r) for r in rows[2:]] == [VERFT, BYGG]


def test_the_excel_template_round_trip(tmp_path):
    path = tmp_path / "mal.xlsx"
    assert soknad("mal", "-o", str(path), "--dato", OPEN_DATE).returncode == 0
    book = load_workbook(path)
    assert book.sheetnames == ["Svar", "Verdier"]
    sheet = book["Svar"]
    assert sheet["A1"].value == "Medlemsliste – én bedrift per rad (mal fra soknad)"
    assert [str(r) for r in sheet.merged_cells.ranges] == ["A1:J1"]  # a title over the table
    header = [c.value for c in sheet[3]]
    questions = ["bransje", "behov", "kompetanse", "tilbud", "klynge", "praksis_aar"]
    assert header == ["id", "navn", *questions, "Org.nr.", "Kommentar"]
    assert sheet.freeze_panes == "A4"
    validated = {str(v.sqref).split(":")[0].rstrip("0123456789") for v in sheet.data_validations.dataValidation}
    letters = {h: chr(65 + i) for i, h in enumerate(header)}
    assert {letters[q] for q in ("bransje", "behov", "kompetanse", "tilbud", "klynge", "praksis_aar")} <= validated
    assert all(str(v.sqref).split(":")[0][-1] == "4" for v in sheet.data_validations.dataValidation)  # from row 4
    lists = {v.formula1 for v in sheet.data_validations.dataValidation if v.type == "list"}
    assert '"industri,bygg,maritim,annen"' in lists and '"ja,nei"' in lists
    guide = [row[0] for row in book["Verdier"].iter_rows(values_only=True)]
    assert "bransje" in guide and "praksis_aar" in guide
    sheet.append([10, "Verft AS", "industri, maritim", "fagbrev", None, None, None, 6, 911111111, None])
    sheet.append([11, "Bygg AS", "bygg", "fagskole", None, "finnes", None, None, None, "ring"])
    book.save(path)
    rows = out_rows(sjekk(str(path), "--format", "csv").stdout)
    assert [statuses(r) for r in rows[2:]] == [VERFT, BYGG]


@pytest.mark.parametrize("way", ["subprocess", "cli"])
def test_the_summary_counts(tmp_path, cli, way):
    path = tmp_path / "m.csv"
    csv_text = io.StringIO()
    clusters = [[str(n), "Klynge?", "industri", "hoyere", "", ""] for n in (4, 5, 6)]
    csv.writer(csv_text).writerows([*ROWS, *clusters])
    path.write_text(csv_text.getvalue(), encoding="utf-8")

    def run(*args, **env):  # in-process as well, so that a mutation tool sees the summary's code run
        return cli("sjekk", "--dato", OPEN_DATE, *args, env=env) if way == "cli" else sjekk(*args, **env)

    result = run(str(path), "--oppsummering", COLUMNS="120")
    assert json.loads(result.stdout.splitlines()[0])["id"] == "1"  # JSON stays on stdout
    summary = result.stderr
    # Verft: both bransjeprogram; Bygg: Industrifagskolen, and the bransjeprogram maybe (a
    # ready module); Annen: nothing; the last three (industri, hoyere, klynge unknown): the
    # clusters scheme maybe with klynge missing, and the bransjeprogram maybe (higher education).
    assert "│ Bransjeprogram for industri- og byggenæringen │       1 │       4 │            1 │" in summary
    assert "│ Industrifagskolen                             │       1 │       0 │            5 │" in summary
    assert "│ Kompetanseløft for utsatte industriklynger    │       0 │       3 │            3 │" in summary
    assert "klynge: 3 poster" in summary
    table = run(str(path), "--format", "tabell", "--oppsummering", COLUMNS="120")
    assert "Oppsummering" in table.stdout and "Oppsummering" not in table.stderr


@pytest.mark.parametrize("excel", [False, True], ids=["csv", "excel"])
def test_names_with_delimiters_quotes_and_line_breaks_come_back_as_written(tmp_path, excel):
    """The CSV sink formats a row's own cells (nr, id, navn) itself and the rest once per
    assessment; whatever the name holds, a CSV reader must get back the name that went in."""
    names = [
        "a,b",
        "a;b",
        'sa "hei"',
        "linje\nskift",
        "retur\r\nlinje",
        '"',
        ",",
        ";",
        "æøå AS",
        "=1+2",
        "-",
        "x" * 300,
    ]
    path = tmp_path / "navn.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["id", "navn", "bransje"])
        writer.writerows([[f"id,{i}", name, "annen"] for i, name in enumerate(names)])
    out = sjekk(str(path), "--format", "csv", *(["--excel"] if excel else []))
    rows = out_rows(out.stdout, ";" if excel else ",")
    # Written out, not computed with the defusing rule: a formula start gets an apostrophe,
    # everything else comes back as it went in (the reader strips the spaces around a cell).
    expected = [
        "a,b",
        "a;b",
        'sa "hei"',
        "linje\nskift",
        "retur\r\nlinje",
        '"',
        ",",
        ";",
        "æøå AS",
        "'=1+2",
        "'-",
        "x" * 300,
    ]
    assert [r["navn"] for r in rows] == expected
    assert [r["id"] for r in rows] == [f"id,{i}" for i in range(len(names))]
    assert all(statuses(r) == ANNEN and r["ok"] == "ja" for r in rows)


def test_a_result_file_says_itself_that_the_deadlines_have_passed(tmp_path):
    """Finding 25: an adviser mails the file, and the warnings on stderr stay behind. So each
    status cell says when its deadline passed, and the file carries the warning."""
    path = tmp_path / "m.csv"
    path.write_text("id,bransje,behov,klynge\n1,industri,hoyere,ja\n2,maritim,fagbrev,\n", encoding="utf-8")
    out = soknad("sjekk", str(path), "--format", "csv", "--dato", "2026-12-03").stdout
    rows = out_rows(out)
    # The clusters call of 2021 fits, but its round is over: not recommended. The
    # bransjeprogram's round 2024–2027 funds university courses (FLT 2022): recommended.
    assert rows[0]["anbefalte"] == "bransjeprogram-industri-bygg"
    assert rows[0]["passet_tidligere"] == "utsatte-industriklynger"
    assert rows[0]["utsatte-industriklynger"] == "aktuell (frist passert 2021)"
    assert rows[0]["bransjeprogram-industri-bygg"] == "aktuell"
    assert rows[0]["industrifagskolen"] == "ikke_aktuell"
    # The maritime programme got money last in 2023 (NHO Sjøfart): that round is over.
    assert rows[1]["anbefalte"] == "" and rows[1]["passet_tidligere"] == "bransjeprogram-maritim"
    assert rows[1]["bransjeprogram-maritim"] == "aktuell (runden over 2023)"
    assert len(out.splitlines()) == 3  # the header and two rows: the notes are in the header
    notes = about_cell(out)
    assert notes.startswith("Om resultatet: Vurdert 2026-12-03 med regelverk 2026.3 (oppdatert 2026-12-07). ")
    assert (
        " Kompetanseløft for utsatte industriklynger: runden 2021, frist 15. september 2021 kl. 17.00 (passert)."
        in notes
    )
    assert (
        " Bransjeprogram for maritim sektor: runden 2023, frist kildene gir ingen frist for 2023 (runden er over)."
        in notes
    )
    # A row with nothing to act on is not a dead end in the file either.
    assert " Andre muligheter: Bedriftsintern opplæring (BIO):" in notes
    # In March 2021 the file says which round each scheme was assessed under, too.
    early = soknad("sjekk", str(path), "--format", "csv", "--dato", "2021-03-01").stdout
    assert len(early.splitlines()) == 3
    assert " Bransjeprogram for industri- og byggenæringen: runden våren 2021, frist" in about_cell(early)
    # The workbook has a sheet of its own for the same notes.
    book_path = tmp_path / "r.xlsx"
    assert soknad("sjekk", str(path), "--format", "xlsx", "-o", str(book_path), "--dato", "2026-12-03").returncode == 0
    book = load_workbook(book_path)
    assert book.sheetnames == ["Resultat", "Om resultatet"]
    about = [row[0] for row in book["Om resultatet"].iter_rows(values_only=True)]
    assert about[0] == "Vurdert 2026-12-03 med regelverk 2026.3 (oppdatert 2026-12-07)."
    assert any(
        line and line.startswith("Bransjeprogram for industri- og byggenæringen: runden 2024–2027") for line in about
    )
    cells = {c.value for c in book["Resultat"][2]}
    assert "Passer (frist passert 2021)" in cells


def test_a_list_saved_from_norwegian_excel_with_labels_and_capitals(tmp_path):
    """Issue 15: headers and cells as people type them. A list like this had 4 rows in and 4
    rows rejected, though the tool knew the fix («Mente du 'hoyere'?»)."""
    text = (
        "ID;Navn;Bransje;Behov;Kompetanse;Klynge\r\n"
        "1;Ørsta Mek AS;Industri, Maritim sektor;Fagbrev;Ufaglært;\r\n"
        "2;Bygg AS;BYGG;Fagskolemoduler (NKR 5);;nei\r\n"
        "3;Høy AS;industri;høyere;;Ja\r\n"
        "4;Feil AS;Industrri;fagbrev;;jaa\r\n"
    )
    path = tmp_path / "medlemmer.csv"
    path.write_bytes(text.encode("cp1252"))
    result = sjekk(str(path), "--format", "csv")
    rows = out_rows(result.stdout)
    assert [(r["id"], r["navn"], r["ok"]) for r in rows] == [
        ("1", "Ørsta Mek AS", "ja"),
        ("2", "Bygg AS", "ja"),
        ("3", "Høy AS", "ja"),
        ("4", "Feil AS", "nei"),
    ]
    assert rows[0]["anbefalte"] == "bransjeprogram-industri-bygg, bransjeprogram-maritim"
    assert statuses(rows[1]) == BYGG | {"bransjeprogram-industri-bygg": "kanskje"}
    assert rows[2]["anbefalte"] == "utsatte-industriklynger"
    # The row that is wrong says so in spreadsheet words, naming the column.
    assert rows[3]["feil"] == (
        "bransje: «Industrri» er ikke en gyldig verdi. Mente du «industri»?; klynge: Skriv ja eller nei, fant «jaa»."
    )
    assert "ukjent kolonne" not in result.stderr  # ID, Navn and Bransje are known columns
    # JSON input stays strict: an id, not a label.
    strict = soknad("sjekk", "--dato", OPEN_DATE, input=json.dumps({"bransje": "Industri"}))
    assert strict.returncode == 1 and "Mente du 'industri'?" in strict.stdout


def test_the_template_reaches_a_real_member_list_and_the_result_prints_on_one_page_wide(tmp_path):
    path = tmp_path / "mal.xlsx"
    assert soknad("mal", "-o", str(path), "--dato", OPEN_DATE).returncode == 0
    sheet = load_workbook(path)["Svar"]
    rules = {str(v.sqref): v for v in sheet.data_validations.dataValidation}
    assert all(ref.endswith("10003") for ref in rules)  # 10 000 companies under the header on row 3
    header = [c.value for c in sheet[3]]
    bransje = rules[f"{chr(65 + header.index('bransje'))}4:{chr(65 + header.index('bransje'))}10003"]
    assert bransje.showErrorMessage is False  # «industri, maritim» is valid: no warning over it
    behov = rules[f"{chr(65 + header.index('behov'))}4:{chr(65 + header.index('behov'))}10003"]
    assert behov.showErrorMessage is True
    row = {h: c for h, c in zip(header, sheet[4], strict=True)}
    assert row["id"].data_type == "n" and row["praksis_aar"].data_type == "n"  # numbers as numbers
    # The result workbook prints landscape, fitted to the page width, header on every page.
    members = tmp_path / "m.csv"
    members.write_text("id,bransje\n1,industri\n", encoding="utf-8")
    out = tmp_path / "resultat.xlsx"
    assert sjekk(str(members), "-o", str(out)).returncode == 0
    result = load_workbook(out)["Resultat"]
    assert result.page_setup.orientation == "landscape"
    assert result.page_setup.fitToWidth == 1 and result.page_setup.fitToHeight == 0
    assert result.sheet_properties.pageSetUpPr.fitToPage is True
    assert result.print_title_rows == "$1:$1"  # the header row on every printed page


def _with_stored_value(path, cell: str, xml_value: str, kind: str) -> None:
    """Give a formula cell the value Excel would have stored with it (openpyxl stores none)."""
    import zipfile

    data = {}
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            data[name] = z.read(name)
    sheet = data["xl/worksheets/sheet1.xml"].decode("utf-8")
    start = sheet.index(f'<c r="{cell}">')
    end = sheet.index("</c>", start)
    formula = sheet[start:end].replace("<v />", "")
    sheet = (
        sheet[:start]
        + f'<c r="{cell}" t="{kind}">'
        + formula[len(f'<c r="{cell}">') :]
        + f"<v>{xml_value}</v>"
        + sheet[end:]
    )
    data["xl/worksheets/sheet1.xml"] = sheet.encode("utf-8")
    with zipfile.ZipFile(path, "w") as z:
        for name, content in data.items():
            z.writestr(name, content)


def test_a_formula_without_a_stored_value_is_an_error_that_names_the_cell(tmp_path):
    """Issue 15 §3: never silently empty (which would read as «vet ikke»), in any column."""
    book = Workbook()
    sheet = book.active
    sheet.append(["id", "navn", "bransje", "behov", "klynge"])
    sheet.append(["1", "Verft AS", "industri", '="hoy"&"ere"', True])  # no stored value
    sheet.append(["=1+1", "Sveis AS", "industri", "fagskole", "=TRUE()"])  # two, one of them the id
    sheet.append(["3", "Bygg AS", "bygg", '="fag"&"skole"', None])  # stored by «Excel» below
    path = tmp_path / "formler.xlsx"
    book.save(path)
    _with_stored_value(path, "D4", "fagskole", "str")
    rows = out_rows(sjekk(str(path), "--format", "csv", "--dato", "2021-09-01").stdout)
    assert [(r["linje"], r["ok"]) for r in rows] == [("2", "nei"), ("3", "nei"), ("4", "ja")]
    assert rows[0]["feil"].startswith("Cellen D2 (kolonnen 'behov') har en formel uten lagret verdi.")
    assert rows[0]["navn"] == "Verft AS"  # the error row still says which company
    assert rows[1]["feil"].startswith("Cellene A3 (kolonnen 'id'), E3 (kolonnen 'klynge') har en formel")
    assert rows[2]["industrifagskolen"] == "aktuell"  # a stored value is read as the value


def test_years_as_people_type_them(tmp_path):
    """Issue 25 §7: the help of praksis_aar says an approximate number will do, so «ca. 5»,
    «5,5», «5 år» and «omtrent 5» are 5, and 4,9 is 4: rounded down, with a note. Which
    number each became is read off the one condition that turns on it, by hand from the rule
    base: the praksiskandidat route is an other possibility from 5 years (Oslo: «fem års»)."""
    path = tmp_path / "aar.csv"
    typed = ["3 år", "ca. 5", "5,5", "5 år", "omtrent 5", "4,9", "Ca 6", "fem"]
    path.write_text(
        "id;bransje;behov;kompetanse;praksis_aar\n"
        + "".join(f"{i};industri;fagbrev;ufaglaert;{t}\n" for i, t in enumerate(typed, 1)),
        encoding="utf-8",
    )
    result = soknad("sjekk", str(path), "--format", "json", "--dato", "2026-12-07")
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    route = ["praksiskandidat-voksen" in [a["id"] for a in line.get("andre_muligheter", [])] for line in lines]
    assert route == [False, True, True, True, True, False, True, False]
    assert [line["ok"] for line in lines] == [True] * 7 + [False]
    assert lines[7]["feil"] == [{"felt": "praksis_aar", "melding": "Forventet et heltall, fant «fem»."}]
    assert (
        "aar.csv: 5 celler med et omtrentlig tall er lest som et helt tall, rundet ned (rad 3, praksis_aar: «ca. 5» "
        "som 5; rad 4, praksis_aar: «5,5» som 5; rad 6, praksis_aar: «omtrent 5» som 5; rad 7, praksis_aar: «4,9» "
        "som 4; rad 8, praksis_aar: «Ca 6» som 6)." in result.stderr
    )
    # JSON input keeps its contract: a number is a number.
    strict = soknad("sjekk", "--dato", "2026-12-07", input='{"praksis_aar": 5.5, "behov": "fagbrev"}')
    assert "Skriv et helt tall, fant 5.5; rund ned: 5." in strict.stdout


def test_own_columns_come_back_and_a_misspelt_question_is_not_lost(tmp_path):
    """A member list has columns of its own; a typo in a question's column loses answers."""
    path = tmp_path / "liste.csv"
    path.write_text(
        "ID;Navn;Bransje;Kommentar;Org.nr;Kompetense\n1;A AS;Industri;ring i mars;0123;\n2;B AS;Bygg;;;ufaglært\n",
        encoding="utf-8",
    )
    result = sjekk(str(path), "--format", "csv", "--dato", "2021-09-01")
    rows = out_rows(result.stdout)
    assert [(r["navn"], r["ok"]) for r in rows] == [("A AS", "ja"), ("B AS", "nei")]
    assert rows[1]["feil"] == (
        "Kompetense: Kolonnen 'Kompetense' er ikke et spørsmål. Mente du 'kompetanse'? Rett kolonnenavnet, eller "
        "tøm cellen."
    )
    # Issue 25 §3: the own columns, the misspelt one too, come back after the result's, as written.
    assert [(r["Kommentar"], r["Org.nr"], r["Kompetense"]) for r in rows] == [
        ("ring i mars", "0123", ""),
        ("", "", "ufaglært"),
    ]
    assert "egne kolonner kommer tilbake i resultatet, etter resultatkolonnene: Kommentar, Org.nr, Kompetense." in (
        result.stderr
    )
    assert "Mente du 'kompetanse'? Rader med noe i den får en feil." in result.stderr


def test_the_output_is_never_one_of_the_inputs(tmp_path):
    """`soknad sjekk liste.csv -o liste.csv` would replace the member list with the result."""
    path = tmp_path / "liste.csv"
    original = "id;bransje\n1;industri\n"
    path.write_text(original, encoding="utf-8")
    result = sjekk(str(path), "-o", str(path))
    assert result.returncode == 2 and "er den samme filen som leses inn" in result.stderr
    assert path.read_text(encoding="utf-8") == original


@pytest.mark.parametrize(
    ("name", "encoding", "said"),
    [
        ("Brå––Verft AS", "cp1252", 1),  # «å––» in Windows-1252 is valid UTF-8 («喖»): still Windows-1252
        ("Ørsta «Verft» AS", "cp1252", 1),  # «Ø»» would be Arabic as UTF-8
        ("Олена Ørsta AS", "utf-8", 0),  # Cyrillic in UTF-8 is a real name, not an accident
    ],
)
def test_the_encoding_is_decided_for_the_file(tmp_path, name, encoding, said):
    """Found by the property test: a Windows-1252 line that happens to be valid UTF-8 was read
    as UTF-8, and a name turned into Chinese."""
    path = tmp_path / "liste.csv"
    path.write_bytes(f"id;navn;bransje\n1;{name};annen\n2;Æra AS;annen\n".encode(encoding))
    result = sjekk(str(path), "--format", "csv")
    rows = out_rows(result.stdout)
    assert [r["navn"] for r in rows] == [name, "Æra AS"]
    assert result.stderr.count("leser den som Windows-1252") == said
