"""Where `soknad sjekk` writes: JSON Lines, a table for people, CSV, or an Excel workbook.

Every sink takes the checked records in input order and writes one row per record, never
dropping one. A file given with -o is written whole or not at all: rows go to a temporary
file beside it, renamed into place at the end and removed if anything goes wrong.

Text that came from the input (an id, a name, an error that quotes a value) is never turned
into a spreadsheet formula: a cell that would start with =, +, -, @, a tab or a carriage
return gets a leading apostrophe in CSV (the prefix spreadsheet tools recommend), and is
stored as plain text in Excel.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import os
import re
import stat
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from . import engine
from .files import OutputFile
from .texts import about_result

if TYPE_CHECKING:
    from .checked import Body, Checked
    from .model import RuleBase

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_TAILS = 4096  # formatted assessments kept by the CSV sink


def defuse(value: object) -> str:
    """A cell as text that no spreadsheet will run as a formula."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    return "'" + text if isinstance(value, str) and text.startswith(_FORMULA_START) else text


def columns(rules: RuleBase) -> list[str]:
    """The columns of CSV and Excel output, in order."""
    schemes = [s.id for s in rules.schemes]
    return ["nr", "linje", "id", "navn", "ok", "anbefalte", "passet_tidligere", *schemes, "mangler", "feil"]


ABOUT = "Om resultatet"  # the Excel sheet, and the first cell of CSV's note rows


def row_cells(checked: Checked, rules: RuleBase) -> list[object]:
    """One row: `nr` is the record's place in the input (1, 2, 3 … over all the files), as
    in JSON; `linje` the line or row in its file, where the adviser finds it."""
    head = checked.head
    own = [head["nr"], head.get("linje"), head.get("id"), head.get("navn")]
    if checked.body is None:
        errors = "; ".join(f"{e['felt']}: {e['melding']}" if e["felt"] else e["melding"] for e in checked.errors)
        return [*own, "nei", "", "", *([""] * len(rules.schemes)), "", errors]
    return [*own, *checked.body.cells]


class _Target:
    """stdout, or a file through the one writing path (`files.OutputFile`)."""

    def __init__(self, path: Path | None, binary: bool) -> None:
        self.file = OutputFile(path, binary) if path is not None else None
        if self.file is not None:
            self.stream: IO[Any] = self.file.stream
        elif binary:
            self.stream = sys.stdout.buffer
        else:
            self.stream = utf8_stdout()

    def commit(self) -> None:
        if self.file is None:
            self.stream.flush()
            self._release()
        else:
            self.file.commit()

    def abort(self) -> None:
        if self.file is not None:
            self.file.abort()
        else:
            with contextlib.suppress(Exception):
                self.stream.flush()
            self._release()

    def _release(self) -> None:
        # A UTF-8 wrapper around stdout's buffer must let go of it, or closing the wrapper
        # (when it is collected) would close stdout under everything printed after it.
        if isinstance(self.stream, io.TextIOWrapper) and self.stream is not sys.stdout:
            with contextlib.suppress(ValueError):
                self.stream.detach()


def utf8_stdout() -> IO[str]:
    """stdout for data: UTF-8 whatever the locale (LC_ALL=C must not turn Ørsta into ?rsta)."""
    encoding = (getattr(sys.stdout, "encoding", None) or "").lower().replace("-", "").replace("_", "")
    if encoding in ("utf8", "utf8sig") or not hasattr(sys.stdout, "buffer"):
        return sys.stdout
    sys.stdout.flush()
    return io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="", write_through=True)


class Sink:
    def write(self, checked: Checked) -> None:
        raise NotImplementedError

    def finish(self) -> None:
        """All rows are written: flush, or put the file in place."""

    def abort(self) -> None:
        """Stopped: what is complete on stdout stays; a file is not written at all."""

    @property
    def flushes_each(self) -> bool:
        return False


class JsonSink(Sink):
    def __init__(self, path: Path | None, flush_each: bool) -> None:
        self.target = _Target(path, binary=False)
        self.flush_each = flush_each

    def write(self, checked: Checked) -> None:
        self.target.stream.write(checked.line)
        if self.flush_each:
            self.target.stream.flush()

    def finish(self) -> None:
        self.target.commit()

    def abort(self) -> None:
        self.target.abort()


class CsvSink(Sink):
    """CSV, or with `excel` what a Norwegian Excel opens with æøå intact: ; and a BOM, CRLF."""

    def __init__(self, rules: RuleBase, path: Path | None, excel: bool, today: dt.date) -> None:
        self.rules = rules
        self.today = today
        self.target = _Target(path, binary=False)
        stream = self.target.stream
        if excel:
            # Excel reads UTF-8 only when the file starts with a byte-order mark.
            stream.write("\ufeff")
        self.delimiter, self.newline = (";", "\r\n") if excel else (",", "\n")
        self.writer = csv.writer(stream, delimiter=self.delimiter, lineterminator=self.newline)
        self.writer.writerow(columns(rules))
        # What csv.writer quotes (QUOTE_MINIMAL): a field with the delimiter, a quote or a line break.
        self._special = re.compile(f'[{re.escape(self.delimiter)}"\r\n]')
        self._plain = re.compile(f'^[=+\\-@\t\r]|[{re.escape(self.delimiter)}"\r\n]')  # what needs either
        self._tails: dict[Body, str] = {}

    def write(self, checked: Checked) -> None:
        head, body = checked.head, checked.body
        if body is None:
            cells = row_cells(checked, self.rules)
            cells[2], cells[3], cells[-1] = defuse(cells[2]), defuse(cells[3]), defuse(cells[-1])
            self.writer.writerow(cells)
            return
        # The quick way for most rows: only nr, linje, id and navn are the record's own. The rest
        # is the assessment's, formatted once per assessment by csv.writer itself.
        tail = self._tails.get(body)
        if tail is None:
            buffer = io.StringIO()
            csv.writer(buffer, delimiter=self.delimiter, lineterminator="").writerow(body.cells)
            if len(self._tails) >= _TAILS:
                del self._tails[next(iter(self._tails))]
            tail = self._tails[body] = buffer.getvalue()
        d, field = self.delimiter, self._field
        own = f"{head['nr']}{d}{head.get('linje') or ''}{d}{field(head.get('id'))}{d}{field(head.get('navn'))}"
        self.target.stream.write(f"{own}{d}{tail}{self.newline}")

    def _field(self, value: object) -> str:
        """A cell from the input, defused, and quoted where csv.writer would quote it."""
        if value is None:
            return ""
        if type(value) is str and self._plain.search(value) is None:
            return value  # the common case: nothing to defuse or quote
        text = defuse(value)
        if self._special.search(text):
            return '"' + text.replace('"', '""') + '"'
        return text

    def finish(self) -> None:
        # When the rule base warns (a deadline passed, old data) or has rounds, the notes go
        # after the rows, after an empty row, each in the first cell: a spreadsheet shows them
        # under the table, and the mailed file says by itself which round each scheme was
        # assessed under. Without either, nothing is added.
        if engine.rule_base_warnings(self.rules, self.today) or any(s.rounds for s in self.rules.schemes):
            self.writer.writerow([])
            for line in about_result(self.rules, self.today):
                self.writer.writerow([defuse(f"{ABOUT}: {line}")])
        self.target.commit()

    def abort(self) -> None:
        self.target.abort()


_GREEN, _YELLOW = "C6EFCE", "FFEB9C"


class XlsxSink(Sink):
    """An Excel workbook, written as it goes with openpyxl in write-only mode."""

    def __init__(self, rules: RuleBase, path: Path | None, today: dt.date) -> None:
        from openpyxl import Workbook
        from openpyxl.styles import Font, PatternFill

        self.rules = rules
        self.today = today
        self.path = path
        self.count = 0
        self.book = Workbook(write_only=True)
        self.sheet = self.book.create_sheet("Resultat")
        names = columns(rules)
        widths = {
            "nr": 6,
            "linje": 6,
            "id": 16,
            "navn": 30,
            "ok": 5,
            "anbefalte": 45,
            "passet_tidligere": 30,
            "mangler": 24,
        }
        widths["feil"] = 60
        for i, name in enumerate(names, 1):
            letter = _letter(i)
            self.sheet.column_dimensions[letter].width = widths.get(name, max(len(name), 12) + 2)
        self.sheet.freeze_panes = "A2"
        # Printed, the result is one page wide in landscape, with the header on every page.
        self.sheet.page_setup.orientation = "landscape"
        self.sheet.page_setup.fitToWidth = 1
        self.sheet.page_setup.fitToHeight = 0
        self.sheet.sheet_properties.pageSetUpPr.fitToPage = True
        self.sheet.print_title_rows = "1:1"
        self.fills = {
            "aktuell": PatternFill("solid", start_color=_GREEN),
            "kanskje": PatternFill("solid", start_color=_YELLOW),
        }
        self.scheme_columns = range(7, 7 + len(rules.schemes))
        self.bold = Font(bold=True)
        self.sheet.append([self._cell(name, font=self.bold) for name in names])
        self.width = len(names)

    def _cell(self, value: object, *, fill: Any = None, font: Any = None) -> Any:
        from openpyxl.cell import WriteOnlyCell

        cell = WriteOnlyCell(self.sheet, value=defuse_xlsx(value))
        if isinstance(value, str):
            cell.data_type = "s"  # text, never a formula
        if fill is not None:
            cell.fill = fill
        if font is not None:
            cell.font = font
        return cell

    def write(self, checked: Checked) -> None:
        cells = row_cells(checked, self.rules)
        row = []
        for i, value in enumerate(cells):
            fill = self.fills.get(str(value).split(" ")[0]) if i in self.scheme_columns else None
            row.append(self._cell(value, fill=fill))
        self.sheet.append(row)
        self.count += 1

    def finish(self) -> None:
        self.sheet.auto_filter.ref = f"A1:{_letter(self.width)}{self.count + 1}"
        about = self.book.create_sheet(ABOUT)
        about.column_dimensions["A"].width = 120
        for line in about_result(self.rules, self.today):
            about.append([self._cell(line)])
        target = _Target(self.path, binary=True)
        try:
            if self.path is None:
                buffer = io.BytesIO()
                self.book.save(buffer)
                target.stream.write(buffer.getvalue())
            else:
                self.book.save(target.stream)
            target.commit()
        except BaseException:
            target.abort()
            raise

    def abort(self) -> None:
        with contextlib.suppress(Exception):
            self.book.close()


def defuse_xlsx(value: object) -> str | float:
    """In Excel a text cell is stored as text; only `None` and numbers need nothing."""
    if value is None:
        return ""
    return value if isinstance(value, int | float) and not isinstance(value, bool) else str(value)


def _letter(n: int) -> str:
    letters = ""
    while n:
        n, rest = divmod(n - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def binary_target_ok(path: Path | None) -> bool:
    """A workbook may go to a file, or to stdout when stdout is a regular file, never to a
    terminal or a pipe."""
    if path is not None:
        return True
    try:
        return stat.S_ISREG(os.fstat(sys.stdout.fileno()).st_mode)
    except (OSError, ValueError):
        return False


def summary_rows(rules: RuleBase, counts: dict[str, dict[str, int]], missing: dict[str, int]) -> Sequence[Any]:
    """For --oppsummering: (scheme, aktuell, kanskje, ikke_aktuell), and the questions most
    often missing."""
    rows = [(s.name, *(counts[s.id].get(k, 0) for k in ("aktuell", "kanskje", "ikke_aktuell"))) for s in rules.schemes]
    asked = sorted(missing.items(), key=lambda kv: (-kv[1], [q.id for q in rules.questions].index(kv[0])))
    return rows, asked
