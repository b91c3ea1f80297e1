"""Issue 25: an adviser's real workbooks through `soknad sjekk`, as an office makes them.

A title row and an empty row over the headers, a «Les meg» sheet first, «Industri» merged
down over three firms, own columns with numbers, dates, a formula's stored value and codes
with leading zeros, a hidden column, years typed «ca. 5». Every test runs twice: as a process
and through CliRunner.

The oracle is written by hand: `tests.workbooks.OFFICE_FLAT` is the list as a person reads
the sheet, and the statuses below are the golden cases' (tests/cases/), on 1 September 2021:
industry with a fagskole need and no answer on a ready module is «aktuell» for
Industrifagskolen (the module can be found or made) and «kanskje» for the bransjeprogram,
which funds new offers; the maritime programme's 2021 round closed in April.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import sys

import pytest
from openpyxl import Workbook, load_workbook

from .helpers import soknad, soknad_in_process
from .workbooks import OFFICE_FLAT, OFFICE_ROWS, office_workbook, two_lists_workbook

soknad_process = soknad
DATE = "2021-09-01"
SCHEMES = ["bransjeprogram-industri-bygg", "bransjeprogram-maritim", "industrifagskolen", "utsatte-industriklynger"]
NAMES = [
    "Bransjeprogram for industri- og byggenæringen",
    "Bransjeprogram for maritim sektor",
    "Industrifagskolen",
    "Kompetanseløft for utsatte industriklynger",
]
OWN = ["Org.nr.", "Kontaktperson", "Kommentar", "Innmeldt", "Ansatte", "Intern kode"]


@pytest.fixture(autouse=True, params=["prosess", "cliRunner"])
def _way(request, monkeypatch):
    monkeypatch.setattr(
        sys.modules[__name__], "soknad", soknad_in_process if request.param == "cliRunner" else soknad_process
    )


def sjekk(*args: str, **kw):
    return soknad("sjekk", "--dato", DATE, *args, **kw)


def json_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines()]


def test_the_office_list_is_read_as_a_person_reads_it(tmp_path):
    """§1, §2, §5, §7: the second sheet, the header on row 3, the merged sector in each of its
    rows, «ca. 5» as 5; each said once, in words."""
    book = office_workbook(tmp_path / "medlemmer.xlsx")
    run = sjekk(str(book), "--format", "json")
    assert run.returncode == 0, run.stderr
    got = json_lines(run.stdout)
    assert [line["linje"] for line in got] == [4, 5, 6, 7, 8]  # rows 1–3 are not records
    # The same answers typed out by hand, one JSON line each, give the same assessments.
    flat = tmp_path / "flat.jsonl"
    flat.write_text("".join(json.dumps(record) + "\n" for record in OFFICE_FLAT), encoding="utf-8")
    want = json_lines(sjekk(str(flat)).stdout)
    for mine, theirs in zip(got, want, strict=True):
        assert mine["vurderinger"] == theirs["vurderinger"] and mine["mangler"] == theirs["mangler"]
    stderr = run.stderr
    assert "det første arket («Les meg») har ingen overskriftsrad med spørsmål; leser arket «Medlemmer»." in stderr
    assert "medlemmer.xlsx: leser arket «Medlemmer», med overskriftene på rad 3; radene over er ikke lest." in stderr
    assert "2 celler fikk verdien sin slik (2 i kolonnen «bransje»)." in stderr
    assert "3 celler med et omtrentlig tall er lest som et helt tall, rundet ned" in stderr
    assert "rad 5, praksis_aar: «ca. 5» som 5; rad 7, praksis_aar: «5,5» som 5" in stderr
    # Issue 25 §3: the own columns travel in JSON as «kolonner», a date as ISO text.
    assert got[0]["kolonner"] == {
        "Org.nr.": 974760673,
        "Kontaktperson": "Kari Nordmann",
        "Kommentar": "Ring etter 1. mars",
        "Innmeldt": "2019-03-01T00:00:00",
        "Ansatte": 25,
        "Intern kode": "0042",
    }


def test_the_result_workbook_for_people_with_the_own_columns_typed(tmp_path):
    """§3, §6: scheme names over the columns, words in the cells, the ids in «Om resultatet»,
    and the own columns after the result's, each with its type."""
    book = office_workbook(tmp_path / "medlemmer.xlsx")
    out = tmp_path / "resultat.xlsx"
    run = sjekk(str(book), "-o", str(out))
    assert run.returncode == 0, run.stderr
    result = load_workbook(out)
    sheet = result["Resultat"]
    header = [c.value for c in sheet[1]]
    assert header[7:11] == NAMES and header[13:] == OWN
    rows = [dict(zip(header, row, strict=True)) for row in sheet.iter_rows(min_row=2)]
    assert [r["Navn"].value for r in rows] == [row[2] for row in OFFICE_ROWS]
    sunnhordland, stord, fitjar, bomlo, kvinnherad = rows
    assert sunnhordland["Industrifagskolen"].value == "Passer"
    assert sunnhordland["Bransjeprogram for industri- og byggenæringen"].value == "Kanskje"
    assert sunnhordland["Mangler svar på"].value == (
        "Finnes det en ferdig fagskolemodul som passer, eller må et nytt tilbud utvikles?"
    )
    assert kvinnherad["Bransjeprogram for maritim sektor"].value == "Passer (frist passert 2021)"
    assert kvinnherad["Passet tidligere (runden er over)"].value == "Bransjeprogram for maritim sektor"
    # Typed as in the list: a number, a date shown as a date, a formula's stored value, text.
    assert sunnhordland["Org.nr."].value == 974760673 and sunnhordland["Org.nr."].data_type == "n"
    assert sunnhordland["Innmeldt"].value == dt.datetime(2019, 3, 1)
    assert sunnhordland["Innmeldt"].number_format == "DD.MM.YYYY"
    assert sunnhordland["Ansatte"].value == 25
    assert sunnhordland["Intern kode"].value == "0042" and sunnhordland["Intern kode"].data_type == "s"
    assert fitjar["Kommentar"].value == "=SUM er ikke en formel her" and fitjar["Kommentar"].data_type == "s"
    assert stord["Kommentar"].value is None and bomlo["Kontaktperson"].value == "Anne Lie"
    about = [tuple(r) for r in result["Om resultatet"].iter_rows(values_only=True)]
    assert ("Industrifagskolen", "industrifagskolen") in about and ("Kanskje", "kanskje") in about
    assert ("Org.nr.", "egen kolonne fra listen, uendret") in about
    assert (f"{book}: leser arket «Medlemmer», med overskriftene på rad 3; radene over er ikke lest.", None) in about


def test_csv_out_follows_the_list_it_came_from(tmp_path):
    """§4: to a file, CSV follows the input: a `;`/cp1252 list and an .xlsx give what Norwegian
    Excel opens in columns; a plain list gives a plain file. --komma and --excel choose."""
    text = "id;navn;bransje;behov;Org.nr;Innmeldt;Beløp\r\n17;Ørsta Mek AS;industri;fagbrev;0123;01.02.2020;5,5\r\n"
    cp1252 = tmp_path / "norsk.csv"
    cp1252.write_bytes(text.encode("cp1252"))
    out = tmp_path / "ut.csv"
    assert sjekk(str(cp1252), "-o", str(out)).returncode == 0
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and data.count(b"\r\n") == 2 and b"\n" not in data.replace(b"\r\n", b"")
    header, row = (next(csv.reader([line], delimiter=";")) for line in data.decode("utf-8-sig").splitlines())
    values = dict(zip(header, row, strict=False))
    # The own cells come back exactly as written: the leading zero, the date, the decimal comma.
    assert (values["id"], values["navn"], values["Org.nr"], values["Innmeldt"], values["Beløp"]) == (
        "17",
        "Ørsta Mek AS",
        "0123",
        "01.02.2020",
        "5,5",
    )
    plain = tmp_path / "plain.csv"
    plain.write_text(text.replace(";", ",").replace("5,5", "5.5").replace("\r\n", "\n"), encoding="utf-8")
    assert sjekk(str(plain), "-o", str(out)).returncode == 0
    data = out.read_bytes()
    assert not data.startswith(b"\xef\xbb\xbf") and b"\r" not in data and data.startswith(b"nr,linje,id,navn,")
    # An .xlsx came from Excel: Excel's form, with its dates and decimals written the Norwegian way.
    book = office_workbook(tmp_path / "medlemmer.xlsx")
    assert sjekk(str(book), "-o", str(out)).returncode == 0
    lines = out.read_bytes().decode("utf-8-sig").split("\r\n")
    header = next(csv.reader([lines[0]], delimiter=";"))
    first = dict(zip(header, next(csv.reader([lines[1]], delimiter=";")), strict=False))
    assert (first["Org.nr."], first["Innmeldt"], first["Ansatte"], first["Intern kode"]) == (
        "974760673",
        "01.03.2019",
        "25",
        "0042",
    )
    fitjar = dict(zip(header, next(csv.reader([lines[3]], delimiter=";")), strict=False))
    assert fitjar["Kommentar"] == "'=SUM er ikke en formel her"  # never a formula in a spreadsheet
    # Each part of the form on its own: a UTF-8 list with a BOM and commas, and one with CRLF.
    bom = tmp_path / "bom.csv"
    bom.write_bytes(b"\xef\xbb\xbfnavn,bransje\nA AS,bygg\n")
    assert sjekk(str(bom), "-o", str(out)).returncode == 0
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfnr,linje,") and data.count(b"\r\n") == 2
    crlf = tmp_path / "crlf.csv"
    crlf.write_bytes(b"navn,bransje\r\nA AS,bygg\r\n")
    assert sjekk(str(crlf), "-o", str(out)).returncode == 0
    data = out.read_bytes()
    assert data.startswith(b"nr,linje,") and data.count(b"\r\n") == 2
    # Chosen by hand: --komma for a program, --excel for Excel.
    assert sjekk(str(cp1252), "-o", str(out), "--komma").returncode == 0
    assert out.read_bytes().startswith(b"nr,linje,id,navn,")
    assert sjekk(str(plain), "-o", str(out), "--excel").returncode == 0
    assert out.read_bytes().startswith(b"\xef\xbb\xbfnr;linje;id;navn;")
    both = sjekk(str(plain), "-o", str(out), "--excel", "--komma")
    assert both.returncode == 2 and "--excel og --komma kan ikke brukes sammen." in both.stderr
    # To stdout, CSV stays plain, for the next program in the pipe.
    assert sjekk(str(cp1252), "--format", "csv").stdout.startswith("nr,linje,id,navn,")


def test_the_notes_are_in_the_header_row_where_sorting_cannot_move_them(tmp_path):
    """§4: sorted or filtered in a spreadsheet, the header row stays put; the notes are its
    last cell, so they never land among the members, and the file still carries them."""
    path = tmp_path / "liste.csv"
    path.write_text("navn,bransje\nB AS,bygg\nA AS,industri\n", encoding="utf-8")
    out = sjekk(str(path), "--format", "csv").stdout
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0][-1].startswith("Om resultatet: Vurdert 2021-09-01 med regelverk ")
    assert len(rows) == 3 and all(len(row) == len(rows[0]) - 1 for row in rows[1:])
    # Sorted by name as a spreadsheet sorts (header kept), the notes stay where they were.
    body = sorted(rows[1:], key=lambda row: row[3])
    assert [row[3] for row in body] == ["A AS", "B AS"] and not any("Om resultatet" in c for r in body for c in r)


def test_the_header_row_is_found_or_given(tmp_path):
    """§1: the first of the first 20 rows that names two questions; --overskriftsrad N."""
    path = tmp_path / "tittel.csv"
    title = "Medlemmer 2026 – bransje og behov;;\r\n;;\r\nSist oppdatert;07.12.2026;\r\n"
    path.write_text(title + "navn;bransje;behov\r\nVerft AS;industri;fagbrev\r\n", encoding="utf-8")
    run = sjekk(str(path), "--format", "json")
    assert run.returncode == 0 and [line["linje"] for line in json_lines(run.stdout)] == [5]
    assert "tittel.csv: overskriftene står på rad 4; radene over er ikke lest." in run.stderr
    # A header that names one question only is found too, if no row names two.
    single = tmp_path / "en.csv"
    single.write_text("Liste\nnavn,bransje\nA AS,bygg\n", encoding="utf-8")
    assert [line["linje"] for line in json_lines(sjekk(str(single)).stdout)] == [3]
    # Row 20 is the last one looked at.
    twenty = tmp_path / "tjue.csv"
    twenty.write_text("Notat\n" * 19 + "navn,bransje,behov\nA AS,bygg,fagbrev\n", encoding="utf-8")
    assert [line["linje"] for line in json_lines(sjekk(str(twenty)).stdout)] == [21]
    # Below row 20 it is not looked for: exit 2, with --overskriftsrad in the hint.
    deep = tmp_path / "dypt.csv"
    deep.write_text("Notat\n" * 20 + "navn,bransje,behov\nA AS,bygg,fagbrev\n", encoding="utf-8")
    lost = sjekk(str(deep))
    assert lost.returncode == 2 and lost.stdout == ""
    assert "Fant ingen overskriftsrad i " in lost.stderr and "ingen av de første 20 radene" in lost.stderr
    assert "Tips: Si hvilken rad som har kolonnenavnene med --overskriftsrad N" in lost.stderr
    given = sjekk(str(deep), "--overskriftsrad", "21")
    assert given.returncode == 0 and [line["linje"] for line in json_lines(given.stdout)] == [22]
    # A given row that names no question, or is past the end, is refused by name.
    wrong = sjekk(str(path), "--overskriftsrad", "1")
    assert wrong.returncode == 2 and "tittel.csv: rad 1 har ingen kolonne med et spørsmål" in wrong.stderr
    past = sjekk(str(path), "--overskriftsrad", "9")
    assert past.returncode == 2 and "har bare 5 rader; overskriftsraden kan ikke være rad 9" in past.stderr
    zero = sjekk(str(path), "--overskriftsrad", "0")
    assert zero.returncode == 2 and "--overskriftsrad" in zero.stderr
    # The same in a workbook: the title row above the header, and --overskriftsrad there too.
    book = office_workbook(tmp_path / "medlemmer.xlsx")
    assert sjekk(str(book), "--ark", "Medlemmer", "--overskriftsrad", "3").returncode == 0
    bad = sjekk(str(book), "--ark", "Medlemmer", "--overskriftsrad", "1")
    assert bad.returncode == 2 and "rad 1 har ingen kolonne med et spørsmål (fant: Medlemsliste Vestlandet 2026)" in (
        bad.stderr
    )


def test_the_sheet_is_chosen_or_asked_for(tmp_path):
    """§5: the only other sheet with a list is used and said; otherwise exit 2 with the names."""
    path = two_lists_workbook(tmp_path / "to.xlsx")
    run = sjekk(str(path))
    assert run.returncode == 2 and run.stdout == ""
    assert f"Det første arket i {path} («Les meg») har ingen overskriftsrad med spørsmål, og flere ark har det: " in (
        run.stderr
    )
    assert "«Vest», «Nord». Arkene heter «Les meg», «Vest», «Nord»." in run.stderr
    assert "Tips: Velg arket med --ark NAVN, for eksempel --ark Vest." in run.stderr  # the first with a list
    chosen = sjekk(str(path), "--ark", "nord")  # the name in any case
    assert chosen.returncode == 0 and json_lines(chosen.stdout)[0]["navn"] == "Nord AS"
    missing = sjekk(str(path), "--ark", "Sør")
    assert missing.returncode == 2 and f"Fant ikke arket «Sør» i {path}." in missing.stderr
    # No sheet with a list at all: exit 2, never «fant ingen poster» and exit 0.
    empty = Workbook()
    empty.active.append(["Bare tekst her"])
    empty.create_sheet("Annet").append(["Heller ikke her"])
    nothing = tmp_path / "ingen.xlsx"
    empty.save(nothing)
    none = sjekk(str(nothing))
    assert none.returncode == 2 and "Ingen av de andre arkene har det heller; arkene heter «Sheet», «Annet»." in (
        none.stderr
    )


def test_csv_ids_become_numbers_in_the_workbook_but_keep_their_zeros(tmp_path):
    """§3: from a CSV, id 17 is the number 17 in the result workbook (a VLOOKUP against the
    member list finds it); 0017 stays text, as Excel would keep it with its zeros."""
    path = tmp_path / "ider.csv"
    path.write_text("id;navn;bransje\n17;A AS;bygg\n0017;B AS;bygg\n1,5;C AS;bygg\n", encoding="utf-8")
    out = tmp_path / "ut.xlsx"
    assert sjekk(str(path), "-o", str(out)).returncode == 0
    ids = [row[2] for row in load_workbook(out)["Resultat"].iter_rows(min_row=2, values_only=True)]
    assert ids == [17, "0017", 1.5]


def test_messages_to_a_spreadsheet_speak_of_cells_and_columns(tmp_path):
    """§6: no JSON words to someone who gave a spreadsheet."""
    path = tmp_path / "feil.csv"
    path.write_text("navn;bransje;klynge;praksis_aar\nA AS;industri;kanskje;mange\n", encoding="utf-8")
    row = json_lines(sjekk(str(path)).stdout)[0]
    messages = " ".join(e["melding"] for e in row["feil"])
    assert messages == "Skriv ja eller nei, fant «kanskje». Forventet et heltall, fant «mange»."
    assert "JSON" not in messages and "true" not in messages and "anførselstegn" not in messages


def test_what_a_first_hour_with_real_lists_tripped_over(tmp_path):
    """Found by trying the finished work as a new adviser would (issue 25's first hour)."""
    # «Praksis (år)», «Praksisår» and «praksis år» are the question's column: «x» in it is
    # an error in that column, which shows the column was read as the question.
    for header in ("Praksis (år)", "Praksisår", "praksis år"):
        path = tmp_path / "aar.csv"
        path.write_text(f"navn;bransje;behov;{header}\nA AS;industri;fagbrev;x\n", encoding="utf-8")
        row = json_lines(sjekk(str(path)).stdout)[0]
        assert row["feil"] == [{"felt": "praksis_aar", "melding": "Forventet et heltall, fant «x»."}], header
    # A column that only shares a word with a question is the adviser's own, and that is said.
    path = tmp_path / "ord.csv"
    path.write_text("navn;bransje;Behov 2026;Års praksis\nA AS;industri;fagbrev;5\n", encoding="utf-8")
    run = sjekk(str(path))
    row = json_lines(run.stdout)[0]
    assert row["ok"] is True and row["kolonner"] == {"Behov 2026": "fagbrev", "Års praksis": "5"}
    assert "kolonnen 'Behov 2026' leses ikke som svar. Mente du 'behov'? Gi kolonnen det navnet" in run.stderr
    assert "kolonnen 'Års praksis' leses ikke som svar. Mente du 'praksis_aar'?" in run.stderr
    # A sum or a source line under the list is a note, not a company, and is named.
    path = tmp_path / "sum.csv"
    path.write_text(
        "navn;bransje;Org.nr\nA AS;bygg;1\nB AS;industri;2\n;;\nSum: 2 bedrifter;;\n;;Kilde: registeret\n",
        encoding="utf-8",
    )
    run = sjekk(str(path))
    assert [line["navn"] for line in json_lines(run.stdout)] == ["A AS", "B AS", "Sum: 2 bedrifter"]
    assert "raden har tekst i bare én celle og ingen svar, id eller navn" in run.stderr
    assert "rad 6 («Kilde: registeret»)" in run.stderr and "2 poster" not in run.stderr
    # «Bedrift» is the company's name when no column is called «navn»; beside «Navn» it is not.
    path = tmp_path / "bedrift.csv"
    path.write_text("Bedrift;Bransje\nA AS;bygg\n", encoding="utf-8")
    run = sjekk(str(path))
    assert (
        json_lines(run.stdout)[0]["navn"] == "A AS" and "kolonnen «Bedrift» er lest som bedriftens navn" in run.stderr
    )
    path.write_text("Navn;Bedrift;Bransje\nKari;A AS;bygg\n", encoding="utf-8")
    line = json_lines(sjekk(str(path)).stdout)[0]
    assert line["navn"] == "Kari" and line["kolonner"] == {"Bedrift": "A AS"}
    # Several sectors written with another separator: told to use a comma, not «Mente du».
    path = tmp_path / "skille.csv"
    path.write_text("navn;bransje\nA AS;industri/ bygg\nB AS;Industri og Maritim sektor\n", encoding="utf-8")
    messages = [line["feil"][0]["melding"] for line in json_lines(sjekk(str(path)).stdout)]
    assert messages == [
        "«industri/ bygg»: skill flere verdier med komma, slik: «industri, bygg».",
        "«Industri og Maritim sektor»: skill flere verdier med komma, slik: «industri, maritim».",
    ]
    # The other sheet with a list is named, not left out unsaid.
    book = tmp_path / "to.xlsx"
    two = Workbook()
    two.active.title = "Bergen"
    two.active.append(["navn", "bransje"])
    two.active.append(["A AS", "bygg"])
    two.create_sheet("Sogn").append(["navn", "bransje"])
    two.save(book)
    run = sjekk(str(book))
    assert run.returncode == 0 and f"{book}: leser arket «Bergen», med overskriftene på rad 1." in run.stderr
    assert f"Advarsel: {book}: arket «Sogn» har også en liste, og er ikke lest. Velg arket for å lese det." in (
        run.stderr
    )
    # Norwegian, and the right exit code, for the options that went wrong.
    excel = sjekk(str(path), "--excel", "-o", str(tmp_path / "r.xlsx"))
    assert excel.returncode == 2 and "--excel gjelder CSV, men -o " in excel.stderr
    assert not (tmp_path / "r.xlsx").exists()
    for bad in ("0", "abc"):
        row = sjekk(str(path), "--overskriftsrad", bad)
        assert row.returncode == 2 and f"'{bad}' er ikke et radnummer" in row.stderr and "Input" not in row.stderr
    ark = sjekk(str(path), "--ark", "Medlemmer")
    assert "Advarsel: --ark Medlemmer gjelder bare Excel-filer (.xlsx), og er ikke brukt." in ark.stderr
    fake = tmp_path / "csv.xlsx"
    fake.write_bytes(path.read_bytes())
    broken = sjekk(str(fake))
    assert broken.returncode == 2 and "filen er ikke en hel .xlsx-arbeidsbok (er det en CSV-fil med feil endelse?)" in (
        broken.stderr
    )
    assert "zip" not in broken.stderr


def test_own_columns_of_several_lists_line_up_in_one_result(tmp_path):
    """§3 with two files: each own column once, in the order first seen, and every row's
    values under its own column's name; a file without a column leaves it empty."""
    first = tmp_path / "vest.csv"
    first.write_text("navn;bransje;Kommentar\nA AS;bygg;ring\n", encoding="utf-8")
    second = tmp_path / "nord.csv"
    second.write_text("Org.nr;navn;bransje;Kommentar;Kontakt\n0123;B AS;industri;ny;Kari\n", encoding="utf-8")
    third = tmp_path / "sor.csv"
    third.write_text("navn;bransje\nC AS;bygg\n", encoding="utf-8")
    run = sjekk(str(first), str(second), str(third), "--format", "csv")
    rows = list(csv.reader(io.StringIO(run.stdout)))
    header = rows[0][:-1]  # the last cell is the notes
    assert header[13:] == ["Kommentar", "Org.nr", "Kontakt"]
    assert [row[3:4] + row[13:] for row in rows[1:]] == [
        ["A AS", "ring", "", ""],
        ["B AS", "ny", "0123", "Kari"],
        ["C AS", "", "", ""],
    ]
