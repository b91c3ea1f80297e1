"""A member list uploaded in the browser: read and checked as `soknad sjekk` does.

The same readers (`tables.read_csv`, `tables.read_xlsx`), the same checker and the same
writers (`sinks.CsvSink`, `sinks.XlsxSink`) as the command line, so a list gives the same
file in the browser as in the terminal. Only the limits are the browser's own: a size, a
row count, a column count, and for Excel how much the zip file may unpack to, each checked
before the work that it protects. Nothing is kept: the upload lives in memory for the
request, and the result file is made in a temporary folder that is gone before the page is
sent.
"""

from __future__ import annotations

import datetime as dt
import io
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..batch import RawRecord
from ..checking import Checker, Tally
from ..model import RuleBase
from ..sinks import CsvSink, Sink, XlsxSink
from ..tables import TableStats, read_csv, read_xlsx

MAX_BYTES = 5_000_000  # an upload; a member list of 10 000 rows is well under 1 MB
MAX_ROWS = 10_000  # companies in one list
MAX_COLUMNS = 200  # a member list has the questions, id, navn and some columns of its own
MAX_UNPACKED = 100_000_000  # what an .xlsx may unpack to, all parts together
MAX_PARTS = 500  # files inside an .xlsx; a workbook of a few sheets has some 20


class UploadRefused(Exception):
    """The upload is not read: too large, too many rows or columns, or not a spreadsheet.
    `status` is the HTTP status; the message is for the page."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


@dataclass
class Checked:
    """What the page shows and offers: counts, notes, and the result file."""

    tally: Tally
    stats: TableStats
    content: bytes
    media_type: str
    filename: str
    notes: list[str] = field(default_factory=list)


def kind_of(filename: str, data: bytes) -> str:
    """ "xlsx" or "csv", by the name and the first bytes (an .xlsx is a zip file)."""
    name = filename.lower()
    if data[:4] == b"PK\x03\x04" or name.endswith(".xlsx"):
        return "xlsx"
    if name.endswith((".xls", ".ods", ".numbers")):
        raise UploadRefused(
            "Filen er ikke en .xlsx- eller .csv-fil. Lagre listen som «Excel-arbeidsbok (.xlsx)» eller "
            "«CSV UTF-8» og last den opp igjen."
        )
    return "csv"


def check_xlsx_size(data: bytes) -> None:
    """Refuse a zip that would unpack to more than `MAX_UNPACKED`, before anything unpacks it.

    The sizes come from the zip's own directory; Python's zipfile never unpacks a part
    beyond the size written there, so a part that lies is cut short, not followed.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, ValueError) as e:
        raise UploadRefused(f"Kunne ikke lese filen som en Excel-fil (.xlsx): {e}.") from None
    if len(parts) > MAX_PARTS:
        raise UploadRefused(f"Filen har {len(parts)} deler; en Excel-fil har sjelden mer enn noen titalls.", 413)
    unpacked = sum(p.file_size for p in parts)
    if unpacked > MAX_UNPACKED:
        raise UploadRefused(
            f"Filen pakker seg ut til {unpacked // 1_000_000} MB, mer enn grensen på "
            f"{MAX_UNPACKED // 1_000_000} MB. Er det en medlemsliste?",
            413,
        )


def _check_columns_csv(data: bytes) -> None:
    first = data[: data.find(b"\n")] if b"\n" in data else data
    columns = max(first.count(b";"), first.count(b",")) + 1
    if columns > MAX_COLUMNS:
        raise UploadRefused(f"Første rad har {columns} kolonner; grensen er {MAX_COLUMNS}.", 413)


def _check_columns_xlsx(data: bytes) -> None:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:
        return
    try:
        sheet = book.worksheets[0] if book.worksheets else None
        width = sheet.max_column if sheet is not None else None
    finally:
        book.close()
    if width is not None and width > MAX_COLUMNS:
        raise UploadRefused(f"Arket har {width} kolonner; grensen er {MAX_COLUMNS}.", 413)


def check_upload(
    rules: RuleBase,
    today: dt.date,
    data: bytes,
    filename: str,
    output: str,
    earlier: Callable[[str], RuleBase | None] | None = None,
) -> Checked:
    """Check every row of an uploaded list; `output` is "xlsx", "csv" or "excel-csv"."""
    if not data.strip():
        raise UploadRefused("Filen er tom.")
    if len(data) > MAX_BYTES:
        raise UploadRefused(f"Filen er større enn {MAX_BYTES // 1_000_000} MB.", 413)
    kind = kind_of(filename, data)
    source = Path(filename).name or "opplastet fil"
    stats = TableStats()
    if kind == "xlsx":
        check_xlsx_size(data)
        _check_columns_xlsx(data)
        records = read_xlsx(io.BytesIO(data), rules, source, stats)
    else:
        _check_columns_csv(data)
        records = read_csv(io.BytesIO(data), rules, source, stats)
    rows: list[RawRecord] = []
    for raw in records:  # read first, so a list over the limit writes nothing
        if len(rows) == MAX_ROWS:
            raise UploadRefused(
                f"Listen har mer enn {MAX_ROWS} rader. Del den i flere filer, eller bruk «soknad sjekk» "
                "på kommandolinjen, som ikke har noen grense.",
                413,
            )
        rows.append(raw)
    checker = Checker(rules, today, earlier)
    tally = Tally(rules)
    with tempfile.TemporaryDirectory(prefix="soknad-web-") as folder:
        target = Path(folder) / ("resultat.xlsx" if output == "xlsx" else "resultat.csv")
        sink: Sink = (
            XlsxSink(rules, target, today) if output == "xlsx" else CsvSink(rules, target, output == "excel-csv", today)
        )
        try:
            for nr, raw in enumerate(rows, 1):
                checked = checker.check(nr, raw)
                tally.add(checked)
                sink.write(checked)
            sink.finish()
        except BaseException:
            sink.abort()
            raise
        content = target.read_bytes()
    notes = list(stats.header_notes)
    if stats.warned_cp1252:
        notes.insert(0, f"{source} er ikke UTF-8; den er lest som Windows-1252 (eldre Excel).")
    stem = f"resultat-{today.isoformat()}"
    if output == "xlsx":
        media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        return Checked(tally, stats, content, media, f"{stem}.xlsx", notes)
    return Checked(tally, stats, content, "text/csv; charset=utf-8", f"{stem}.csv", notes)
