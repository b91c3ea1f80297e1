"""A member list uploaded in the browser: read and checked as `soknad sjekk` does.

The same readers (`tables.open_csv`, `tables.open_xlsx`), the same checker and the same
writers (`sinks.CsvSink`, `sinks.XlsxSink`) as the command line, so a list gives the same
file in the browser as in the terminal. Only the limits are the browser's own: a size, a
row count, a column count, and for Excel how much the zip file may unpack to, each checked
before the work that it protects. Nothing is kept: the upload lives in memory for the
request, and the result file is made in a temporary folder that is gone before the page is
sent.
"""

from __future__ import annotations

import concurrent.futures
import concurrent.futures.process
import datetime as dt
import io
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from ..batch import RawRecord
from ..checking import EXCEL_CSV, PLAIN_CSV, Checker, Tally
from ..model import RuleBase
from ..sinks import CsvSink, Sink, XlsxSink
from ..tables import TableProblem, TableStats, open_csv, open_xlsx

MAX_BYTES = 5_000_000  # an upload; a member list of 10 000 rows is well under 1 MB
MAX_ROWS = 10_000  # companies in one list
MAX_COLUMNS = 200  # a member list has the questions, id, navn and some columns of its own
MAX_UNPACKED = 100_000_000  # what an .xlsx may unpack to, all parts together
MAX_PARTS = 500  # files inside an .xlsx; a workbook of a few sheets has some 20
T = TypeVar("T")
SHOWN_ERRORS = 50  # rows with an error listed on the page; the file has them all


class UploadRefused(Exception):
    """The upload is not read: too large, too many rows or columns, or not a spreadsheet.
    `status` is the HTTP status; the message is for the page. `sheets` are the workbook's
    sheets when the user must choose one, and `field` the form field the error belongs to."""

    def __init__(
        self,
        message: str,
        status: int = 400,
        sheets: list[str] | None = None,
        field: str = "fil",
        suggested: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.sheets = sheets or []
        self.field = field
        self.suggested = suggested


@dataclass
class Checked:
    """What the page shows and offers: counts, notes, and the result file."""

    tally: Tally
    stats: TableStats
    content: bytes
    media_type: str
    filename: str
    notes: list[str] = field(default_factory=list)
    #: (row in the file, the company's id or name, what is wrong), the first `SHOWN_ERRORS`
    errors: list[tuple[int | None, str, str]] = field(default_factory=list)


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
    except (zipfile.BadZipFile, ValueError):
        raise UploadRefused(
            "Filen kunne ikke leses som en Excel-fil (.xlsx). Er det en CSV-fil med feil navn? "
            "Lagre den på nytt som «Excel-arbeidsbok (.xlsx)» eller som CSV."
        ) from None
    if len(parts) > MAX_PARTS:
        raise UploadRefused(f"Filen har {len(parts)} deler; en Excel-fil har sjelden mer enn noen titalls.", 413)
    unpacked = sum(p.file_size for p in parts)
    if unpacked > MAX_UNPACKED:
        raise UploadRefused(
            f"Filen pakker seg ut til {unpacked // 1_000_000} MB, mer enn grensen på "
            f"{MAX_UNPACKED // 1_000_000} MB. Er det en medlemsliste?",
            413,
        )


def _check_csv_width(data: bytes) -> None:
    first = data[: data.find(b"\n")] if b"\n" in data else data
    columns = max(first.count(b";"), first.count(b",")) + 1
    if columns > MAX_COLUMNS:
        raise UploadRefused(f"Første rad har {columns} kolonner; grensen er {MAX_COLUMNS}.", 413)


def _refused(problem: TableProblem) -> UploadRefused:
    """A file with no list that can be read, with what to do about it on this page."""
    if problem.kind == "bred":
        return UploadRefused(str(problem), 413)
    if problem.kind == "ark":
        return UploadRefused(
            f"{problem} Velg arket under, og last opp filen igjen.",
            sheets=problem.sheets,
            field="ark",
            suggested=problem.suggested,
        )
    if problem.kind == "overskrift":
        return UploadRefused(
            f"{problem} Skriv nummeret på raden med kolonnenavnene i feltet «Overskriftsrad», og last opp filen "
            "igjen, eller se malen.",
            sheets=problem.sheets,
            field="overskriftsrad",
        )
    return UploadRefused(str(problem))


def check_upload(
    rules: RuleBase,
    today: dt.date,
    data: bytes,
    filename: str,
    output: str,
    earlier: Callable[[str], RuleBase | None] | None = None,
    sheet: str | None = None,
    header_row: int | None = None,
) -> Checked:
    """Check every row of an uploaded list; `output` is "xlsx", "csv" or "excel-csv"."""
    if not data.strip():
        raise UploadRefused("Filen er tom.")
    if len(data) > MAX_BYTES:
        raise UploadRefused(f"Filen er større enn {MAX_BYTES // 1_000_000} MB.", 413)
    kind = kind_of(filename, data)
    source = Path(filename).name or "opplastet fil"
    stats = TableStats(announce=False)  # the page says it, not the server's log
    try:
        if kind == "xlsx":
            check_xlsx_size(data)
            table = open_xlsx(io.BytesIO(data), rules, source, stats, sheet or None, header_row, MAX_COLUMNS)
        else:
            _check_csv_width(data)
            table = open_csv(io.BytesIO(data), rules, source, stats, header_row)
    except TableProblem as e:
        raise _refused(e) from None
    rows: list[RawRecord] = []
    try:
        for raw in table.records():  # read first, so a list over the limit writes nothing
            if len(rows) == MAX_ROWS:
                raise UploadRefused(
                    f"Listen har mer enn {MAX_ROWS} rader. Del den i flere filer, eller bruk «soknad sjekk» "
                    "på kommandolinjen, som ikke har noen grense.",
                    413,
                )
            rows.append(raw)
    finally:
        table.close()
    if not rows:
        if not table.columns:
            raise UploadRefused("Fant ingen liste i filen: den har ingen rader med innhold.")
        raise UploadRefused("Fant ingen bedrifter i listen: det er ingen rader under overskriftsraden.")
    checker = Checker(rules, today, earlier)
    tally = Tally(rules)
    errors: list[tuple[int | None, str, str]] = []
    with tempfile.TemporaryDirectory(prefix="soknad-web-") as folder:
        target = Path(folder) / ("resultat.xlsx" if output == "xlsx" else "resultat.csv")
        own = table.all_own_names
        sink: Sink
        if output == "xlsx":
            sink = XlsxSink(rules, target, today, own)
        else:
            sink = CsvSink(rules, target, EXCEL_CSV if output == "excel-csv" else PLAIN_CSV, today, own)
        try:
            for nr, raw in enumerate(rows, 1):
                checked = checker.check(nr, raw)
                tally.add(checked)
                sink.write(checked)
                if checked.body is None and len(errors) < SHOWN_ERRORS:
                    who = " ".join(str(checked.head[k]) for k in ("id", "navn") if checked.head.get(k) is not None)
                    what = "; ".join(
                        f"{e['felt']}: {e['melding']}" if e["felt"] else e["melding"] for e in checked.errors
                    )
                    errors.append((checked.head.get("linje"), who, what))
            if isinstance(sink, XlsxSink):
                sink.notes = stats.notes()
            sink.finish()
        except BaseException:
            sink.abort()
            raise
        content = target.read_bytes()
    notes = list(stats.notes())
    if stats.warned_cp1252:
        notes.insert(0, f"{source} er ikke UTF-8; den er lest som Windows-1252 (eldre Excel).")
    stem = f"resultat-{today.isoformat()}"
    if output == "xlsx":
        media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        return Checked(tally, stats, content, media, f"{stem}.xlsx", notes, errors)
    return Checked(tally, stats, content, "text/csv; charset=utf-8", f"{stem}.csv", notes, errors)


# --- Off the server's process ---------------------------------------------------------------
#
# Reading a workbook is CPU work, much of it in C code that holds the GIL for long spells
# (unzipping, parsing XML). In a thread, ten uploads at once stalled every other user's pages
# for a second or more; measured with bench/bench_opplasting.py. So lists are read in a
# helper process of their own, one at a time, and the server's event loop only waits for the
# answer. The helper is started on the first upload (servers without uploads never pay for
# it), with «spawn», so it shares no threads or sockets with the server.

_pool: concurrent.futures.ProcessPoolExecutor | None = None


def _child(parent: int) -> None:
    """The helper's set-up. Ctrl-C in a terminal reaches the whole process group: the server
    stops the helper itself, and the helper prints no traceback of its own. And a helper whose
    server is gone (killed, crashed) ends within a second instead of living on."""
    import os
    import signal
    import threading
    import time

    signal.signal(signal.SIGINT, signal.SIG_IGN)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(0)

    threading.Thread(target=watch, daemon=True).start()


def _helper() -> concurrent.futures.ProcessPoolExecutor:
    global _pool
    if _pool is None:
        import multiprocessing
        import os

        _pool = concurrent.futures.ProcessPoolExecutor(
            max_workers=1,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_child,
            initargs=(os.getpid(),),
        )
    return _pool


def stop_helper() -> None:
    """At the server's shutdown: the helper goes, and uploads still queued are dropped."""
    global _pool
    if _pool is not None:
        pool, _pool = _pool, None
        # Waiting lets the executor's own thread finish before the interpreter does: without it,
        # a stop just after an upload printed «Exception ignored … Bad file descriptor» and
        # warnings of leaked semaphores. A list being read is finished first, as uvicorn
        # finishes the request that waits for it.
        pool.shutdown(wait=True, cancel_futures=True)


async def in_helper(function: Callable[..., T], *args: object) -> T:
    """`function(*args)` in the helper process; the caller's event loop goes on meanwhile.
    The function, its arguments and its result (or exception) must pickle."""
    import asyncio

    global _pool
    try:
        return await asyncio.wrap_future(_helper().submit(function, *args))
    except concurrent.futures.process.BrokenProcessPool:
        _pool = None  # the next upload starts a new helper
        raise
