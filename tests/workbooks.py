"""Member lists made the way an office makes them, for the CLI and the browser tests alike.

`office_workbook` is the list an adviser keeps in Excel: a «Les meg» sheet first, then the
list under a merged title row and an empty row, with columns of the adviser's own (org.nr.,
contact, comment, a date, a formula with the value Excel stored, a hidden column with codes
that have leading zeros), «Industri» merged down over three firms, and years typed as
people type them («ca. 5», «5,5»).

`OFFICE_FLAT` is the same list as a person reading the sheet sees it, written out by hand:
the answers of every row, with the merged value in each row it covers and the approximate
numbers rounded down. It is the oracle for the reading; nothing in it comes from the code.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

OFFICE_TITLE = "Medlemsliste Vestlandet 2026"
OFFICE_HEADER = [
    "Org.nr.",
    "Navn",
    "Bransje",
    "Behov",
    "Kompetanse",
    "Praksis_aar",
    "Kontaktperson",
    "Kommentar",
    "Innmeldt",
    "Ansatte",
    "Intern kode",
]
# (row in the sheet, org.nr., name, sector as typed (None: under a merge), need, education,
#  years as typed, contact, comment, joined, employees (a formula's stored value), code)
OFFICE_ROWS = [
    (4, 974760673, "Sunnhordland Verft AS", "Industri", "fagskole", "Fagskole", None, "Kari Nordmann",
     "Ring etter 1. mars", dt.datetime(2019, 3, 1), 25, "0042"),
    (5, 912345678, "Stord Sveis AS", None, "fagbrev", "ufaglaert", "ca. 5", "Ola Hansen", None,
     dt.datetime(2021, 6, 15), 12, "0043"),
    (6, 998877665, "Fitjar Mek AS", None, "hoyere", "Fagbrev", None, "Per Vik", "=SUM er ikke en formel her",
     dt.datetime(2023, 1, 9), 40, "0044"),
    (7, 923456789, "Bømlo Bygg AS", "Bygg", "fagbrev", "ufaglaert", "5,5", "Anne Lie", "Ny i år",
     dt.datetime(2026, 2, 2), 8, "0045"),
    (8, 934567890, "Kvinnherad Marine AS", "Maritim sektor", "fagskole", "fagbrev", "omtrent 4", None, None,
     dt.datetime(2020, 11, 30), 61, "0046"),
]  # fmt: skip

# What a person reading the sheet sees, by hand: the answers of each row.
OFFICE_FLAT = [
    {"id": 4, "bransje": "industri", "behov": "fagskole", "kompetanse": "fagskole"},
    {"id": 5, "bransje": "industri", "behov": "fagbrev", "kompetanse": "ufaglaert", "praksis_aar": 5},
    {"id": 6, "bransje": "industri", "behov": "hoyere", "kompetanse": "fagbrev"},
    {"id": 7, "bransje": "bygg", "behov": "fagbrev", "kompetanse": "ufaglaert", "praksis_aar": 5},
    {"id": 8, "bransje": "maritim", "behov": "fagskole", "kompetanse": "fagbrev", "praksis_aar": 4},
]


def office_workbook(path: Path) -> Path:
    """Write the office's member list to `path` (an .xlsx) and return it."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    readme = book.active
    assert readme is not None
    readme.title = "Les meg"
    readme.append(["Slik bruker du listen"])
    readme.append(["Én bedrift per rad i arket «Medlemmer». Spør Kari om noe er uklart."])
    sheet = book.create_sheet("Medlemmer")
    sheet.append([OFFICE_TITLE])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.merge_cells("A1:K1")
    sheet.append([])
    sheet.append(OFFICE_HEADER)
    for row, orgnr, name, sector, need, education, years, contact, comment, joined, _, code in OFFICE_ROWS:
        cells = [orgnr, name, sector, need, education, years, contact, comment, joined, f"=10+{row}", code]
        sheet.append(cells)
        sheet.cell(row=row, column=9).number_format = "DD.MM.YYYY"
        sheet.cell(row=row, column=8).data_type = "s"  # text, even when it starts with =
    sheet.merge_cells("C4:C6")
    sheet.column_dimensions["K"].hidden = True
    book.save(path)
    # Excel stores a formula's value with it; openpyxl does not, so put the value in.
    _store_values(path, "xl/worksheets/sheet2.xml", {f"J{row}": str(value) for row, *_, value, _ in OFFICE_ROWS})
    return path


def two_lists_workbook(path: Path) -> Path:
    """A «Les meg» sheet, then two sheets with a list each: which one is meant, only the
    adviser knows."""
    from openpyxl import Workbook

    book = Workbook()
    readme = book.active
    assert readme is not None
    readme.title = "Les meg"
    readme.append(["To lister i én arbeidsbok."])
    for name, sector in (("Vest", "industri"), ("Nord", "bygg")):
        sheet = book.create_sheet(name)
        sheet.append(["navn", "bransje", "behov"])
        sheet.append([f"{name} AS", sector, "fagbrev"])
    book.save(path)
    return path


def _store_values(path: Path, part: str, values: dict[str, str]) -> None:
    """Give formula cells the numbers Excel would have stored with them."""
    with zipfile.ZipFile(path) as z:
        data = {name: z.read(name) for name in z.namelist()}
    sheet = data[part].decode("utf-8")
    for cell, value in values.items():
        start = sheet.index(f'<c r="{cell}"')
        end = sheet.index("</c>", start)
        sheet = (
            sheet[:start]
            + sheet[start:end].replace("<v />", "").replace("<v></v>", "")
            + f"<v>{value}</v>"
            + sheet[end:]
        )
    data[part] = sheet.encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, content in data.items():
            z.writestr(name, content)
