"""Issue 25: LibreOffice opens the result files with the columns split right.

LibreOffice Calc, headless (Debian's `libreoffice-calc-nogui`), converts each result file to
a workbook: the .xlsx as it is, the two CSV forms with the separator each one uses. The
converted workbook is read back, and every row must have the result's columns in place,
with æøå, the date and the leading zeros intact.

LibreOffice is some 300 MB, so `.ci/run` does not install it and these tests are skipped
where `soffice` is missing. The check is run by hand before a release, as
docs/utvikling.md says: ``apt-get install libreoffice-calc-nogui`` and
``.venv/bin/python -m pytest tests/test_libreoffice.py``.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook

from .helpers import soknad
from .workbooks import OFFICE_ROWS, office_workbook

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
pytestmark = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed (libreoffice-calc-nogui)")

DATE = "2021-09-01"
# LibreOffice's CSV filter: separator, text delimiter, character set (76 = UTF-8), first line,
# column types, language (1044 Norwegian bokmål, as Norwegian Excel; 1033 English), quoted
# as text, detect special numbers (dates).
CSV_FILTERS = {";": "CSV:59,34,76,1,,1044,false,true", ",": "CSV:44,34,76,1,,1033,false,true"}


def _open_in_calc(source: Path, tmp_path: Path, separator: str | None = None) -> list[tuple]:
    """The first sheet of `source` as LibreOffice Calc reads it, saved by Calc as .xlsx."""
    out = tmp_path / "calc"
    out.mkdir(exist_ok=True)
    command = [SOFFICE, "--headless", "--norestore", f"-env:UserInstallation=file://{tmp_path}/profil"]
    if separator is not None:
        command += [f"--infilter={CSV_FILTERS[separator]}"]
    command += ["--convert-to", "xlsx", "--outdir", str(out), str(source)]
    env = {**os.environ, "HOME": str(tmp_path)}
    run = subprocess.run(command, capture_output=True, text=True, timeout=180, env=env, check=False)
    converted = out / f"{source.stem}.xlsx"
    assert run.returncode == 0 and converted.exists(), run.stdout + run.stderr
    return list(load_workbook(converted).worksheets[0].iter_rows(values_only=True))


def _check(rows: list[tuple], people: bool) -> None:
    header = rows[0]
    name = "Navn" if people else "navn"
    scheme = "Industrifagskolen" if people else "industrifagskolen"
    assert header[3] == name and header[9] == scheme
    own = header.index("Org.nr.")
    assert header[own : own + 6] == ("Org.nr.", "Kontaktperson", "Kommentar", "Innmeldt", "Ansatte", "Intern kode")
    body = [row for row in rows[1:] if any(c is not None for c in row)]
    assert [row[3] for row in body] == [row[2] for row in OFFICE_ROWS]  # æøå intact, one firm a row
    first = body[0]
    assert first[9] == ("Passer" if people else "aktuell")
    assert first[own] == 974760673  # the number split into its own column, as a number
    assert first[own + 3] == dt.datetime(2019, 3, 1)  # a date, read as a date
    assert first[own + 5] == "0042" or first[own + 5] == 42  # the code (Calc may read it as a number)


def test_libreoffice_opens_the_xlsx(tmp_path):
    book = office_workbook(tmp_path / "medlemmer.xlsx")
    out = tmp_path / "resultat.xlsx"
    assert soknad("sjekk", str(book), "-o", str(out), "--dato", DATE).returncode == 0
    rows = _open_in_calc(out, tmp_path)
    _check(rows, people=True)
    assert rows[1][rows[0].index("Intern kode")] == "0042"  # text in the workbook stays text


@pytest.mark.parametrize(("separator", "flag"), [(";", "--excel"), (",", "--komma")], ids=["excel", "komma"])
def test_libreoffice_opens_both_csv_forms(tmp_path, separator, flag):
    book = office_workbook(tmp_path / "medlemmer.xlsx")
    out = tmp_path / "resultat.csv"
    assert soknad("sjekk", str(book), "-o", str(out), flag, "--dato", DATE).returncode == 0
    rows = _open_in_calc(out, tmp_path, separator)
    _check(rows, people=False)
    assert str(rows[0][-1]).startswith("Om resultatet: Vurdert 2021-09-01")  # the notes, in the header
