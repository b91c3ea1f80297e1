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
from .tables import CsvDialect, column_letter, typed
from .texts import ABOUT, RESULT_COLUMNS, STATUS_WORDS, about_result

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
    """The columns of CSV output, in order; an adviser's own columns come after them."""
    schemes = [s.id for s in rules.schemes]
    return ["nr", "linje", "id", "navn", "ok", "anbefalte", "passet_tidligere", *schemes, "mangler", "feil"]


def people_columns(rules: RuleBase) -> list[str]:
    """The same columns as a workbook names them for people: the schemes by their names."""
    names = {s.id: s.name for s in rules.schemes}
    return [RESULT_COLUMNS.get(c) or names[c] for c in columns(rules)]


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


def own_text(value: object, semicolon: bool) -> str:
    """An own column's value from a workbook as CSV text that a spreadsheet reads back as the
    same: 5,5 and 07.12.2026 in a `;` file (Norwegian Excel), 5.5 and 2026-12-07 otherwise.
    Text is returned as it is."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "ja" if value else "nei"
    if isinstance(value, float):
        text = repr(value) if not value.is_integer() else str(int(value))
        return text.replace(".", ",") if semicolon else text
    if isinstance(value, dt.datetime):
        shown = value.strftime("%d.%m.%Y") if semicolon else value.date().isoformat()
        return shown if value.time() == dt.time() else f"{shown} {value.strftime('%H:%M')}"
    if isinstance(value, dt.date):
        return value.strftime("%d.%m.%Y") if semicolon else value.isoformat()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    return str(value)


class _Text:
    """CSV text made here, not taken from the input: written as it is."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def __str__(self) -> str:
        return self.text


class CsvSink(Sink):
    """CSV in the given form (`tables.CsvDialect`): plain (`,`, UTF-8, LF), or what Norwegian
    Excel opens in columns with æøå intact (`;`, UTF-8 with a BOM, CRLF).

    The notes about the result (`texts.about_result`) are the header row's last cell: the one
    row that a spreadsheet keeps in place when the table is sorted or filtered, so they never
    end up among the members, and the file still carries them when it is mailed on.
    """

    def __init__(
        self,
        rules: RuleBase,
        path: Path | None,
        dialect: CsvDialect,
        today: dt.date,
        own_names: Sequence[str] = (),
    ) -> None:
        self.rules = rules
        self.today = today
        self.target = _Target(path, binary=False)
        stream = self.target.stream
        excel = dialect.bom or dialect.cp1252
        if excel:
            # Excel reads UTF-8 only when the file starts with a byte-order mark.
            stream.write("\ufeff")
        self.delimiter = dialect.delimiter
        self.newline = "\r\n" if dialect.crlf or excel else "\n"
        self.semicolon = self.delimiter == ";"
        self.own_width = len(own_names)
        self.writer = csv.writer(stream, delimiter=self.delimiter, lineterminator=self.newline)
        header = [*columns(rules), *own_names]
        if engine.rule_base_warnings(rules, today) or any(s.rounds for s in rules.schemes):
            # When the rule base warns (a deadline passed, old data) or has rounds, the file
            # says by itself which round each scheme was assessed under.
            header.append(defuse(f"{ABOUT}: " + " ".join(about_result(rules, today))))
        self.writer.writerow(header)
        # What csv.writer quotes (QUOTE_MINIMAL): a field with the delimiter, a quote or a line break.
        self._special = re.compile(f'[{re.escape(self.delimiter)}"\r\n]')
        self._plain = re.compile(f'^[=+\\-@\t\r]|[{re.escape(self.delimiter)}"\r\n]')  # what needs either
        self._tails: dict[Body, str] = {}

    def write(self, checked: Checked) -> None:
        head, body = checked.head, checked.body
        if body is None:
            cells = row_cells(checked, self.rules)
            cells[2], cells[3], cells[-1] = defuse(cells[2]), defuse(cells[3]), defuse(cells[-1])
            self.writer.writerow([*cells, *(defuse(v) if isinstance(v, str) else v for v in self._own(checked))])
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
        if self.own_width:
            tail += d + d.join(field(v) if isinstance(v, str) else v.text for v in self._own(checked))
        self.target.stream.write(f"{own}{d}{tail}{self.newline}")

    def _own(self, checked: Checked) -> list[Any]:
        """The row's own columns: text from the input as it is (a `str`, to be defused and
        quoted), anything else already as CSV text (a `_Text`, never defused: -5 is a number)."""
        if not self.own_width:
            return []
        values = checked.own or (None,) * self.own_width
        return [v if isinstance(v, str) else _Text(own_text(v, self.semicolon)) for v in values]

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
        self.target.commit()

    def abort(self) -> None:
        self.target.abort()


_GREEN, _YELLOW = "C6EFCE", "FFEB9C"


class XlsxSink(Sink):
    """An Excel workbook for people, written as it goes with openpyxl in write-only mode.

    The columns are named for people (the schemes by name), and the cells say «Passer»,
    «Kanskje» or «Passer ikke», with the deadline they carry on the date. The ids that the
    CSV and JSON use are in the «Om resultatet» sheet, column by column and word by word,
    for whoever reads the workbook by machine. An adviser's own columns come after the
    result's, with their types: a number, a date, text with its leading zeros.
    """

    def __init__(
        self,
        rules: RuleBase,
        path: Path | None,
        today: dt.date,
        own_names: Sequence[str] = (),
    ) -> None:
        from openpyxl import Workbook
        from openpyxl.styles import Alignment, Font, PatternFill

        self.rules = rules
        self.today = today
        self.path = path
        self.count = 0
        self.notes: list[str] = []  # how the lists were read, set before `finish`
        self.own_names = list(own_names)
        self.book = Workbook(write_only=True)
        self.sheet = self.book.create_sheet("Resultat")
        ids = columns(rules)
        names = [*people_columns(rules), *self.own_names]
        widths = {
            "nr": 6,
            "linje": 8,
            "id": 14,
            "navn": 30,
            "ok": 9,
            "anbefalte": 45,
            "passet_tidligere": 30,
            "mangler": 40,
            "feil": 60,
        }
        for i, name in enumerate(names, 1):
            key = ids[i - 1] if i <= len(ids) else None
            width = widths.get(key) if key is not None else None
            self.sheet.column_dimensions[column_letter(i)].width = width or min(max(len(name), 12) + 2, 40)
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
        self.first_scheme = 7  # the index of the first scheme column
        self.bold = Font(bold=True)
        self.wrap = Alignment(wrap_text=True, vertical="top")
        self.sheet.append([self._cell(name, font=self.bold, alignment=self.wrap) for name in names])
        self.width = len(names)
        self.base = len(ids)

    def _cell(self, value: object, *, fill: Any = None, font: Any = None, alignment: Any = None) -> Any:
        from openpyxl.cell import WriteOnlyCell

        cell = WriteOnlyCell(self.sheet, value=defuse_xlsx(value))  # type: ignore[arg-type]
        if isinstance(value, str):
            cell.data_type = "s"  # text, never a formula
        elif isinstance(value, dt.datetime):
            cell.number_format = "DD.MM.YYYY" if value.time() == dt.time() else "DD.MM.YYYY HH:MM"
        elif isinstance(value, dt.date):
            cell.number_format = "DD.MM.YYYY"
        elif isinstance(value, dt.time):
            cell.number_format = "HH:MM"
        if fill is not None:
            cell.fill = fill
        if font is not None:
            cell.font = font
        if alignment is not None:
            cell.alignment = alignment
        return cell

    def write(self, checked: Checked) -> None:
        head, body = checked.head, checked.body
        table = checked.table
        from_text = table is not None and table.kind == "csv"  # CSV text: 17 is a number, 0123 text
        comma = table.decimal_comma if from_text else False
        ident, name = head.get("id"), head.get("navn")
        if from_text:
            ident, name = typed(ident, comma), typed(name, comma)
        own_cells = [head["nr"], head.get("linje"), ident, name]
        if body is None:
            errors = "; ".join(f"{e['felt']}: {e['melding']}" if e["felt"] else e["melding"] for e in checked.errors)
            cells = [*own_cells, "Nei", "", "", *([""] * len(self.rules.schemes)), "", errors]
            statuses: tuple[str, ...] = ()
        else:
            cells = [*own_cells, *body.people_cells]
            statuses = body.statuses
        row = [self._cell(v) for v in cells]
        for i, status in enumerate(statuses):
            fill = self.fills.get(status)
            if fill is not None:
                row[self.first_scheme + i] = self._cell(cells[self.first_scheme + i], fill=fill)
        if self.own_names:
            values = checked.own or (None,) * len(self.own_names)
            row += [self._cell(typed(v, comma) if from_text else v) for v in values]
        self.sheet.append(row)
        self.count += 1

    def finish(self) -> None:
        self.sheet.auto_filter.ref = f"A1:{column_letter(self.width)}{self.count + 1}"
        about = self.book.create_sheet(ABOUT)
        about.column_dimensions["A"].width = 40
        about.column_dimensions["B"].width = 80
        for line in about_result(self.rules, self.today):
            about.append([self._cell(line)])
        if self.notes:
            about.append([])
            about.append([self._cell("Slik ble listen lest", font=self.bold)])
            for line in self.notes:
                about.append([self._cell(line)])
        # For machines: each column's id in the CSV and JSON, and each word's status value.
        about.append([])
        about.append([self._cell("Kolonne", font=self.bold), self._cell("Id i CSV og JSON", font=self.bold)])
        for name, ident in zip(people_columns(self.rules), columns(self.rules), strict=True):
            about.append([self._cell(name), self._cell(ident)])
        for name in self.own_names:
            about.append([self._cell(name), self._cell("egen kolonne fra listen, uendret")])
        about.append([])
        about.append([self._cell("I cellene", font=self.bold), self._cell("Status i CSV og JSON", font=self.bold)])
        for status, word in STATUS_WORDS.items():
            about.append([self._cell(word), self._cell(status.value)])
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


def defuse_xlsx(value: object) -> object:
    """In Excel a text cell is stored as text; `None`, numbers, yes/no and dates need nothing."""
    if value is None:
        return ""
    if isinstance(value, int | float | dt.date | dt.time):
        return value
    return str(value)


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
