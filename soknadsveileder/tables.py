"""Spreadsheets in: answer records from CSV and Excel (.xlsx), one row at a time.

The first row names the columns: question ids, and optionally `id` and `navn`. Each later
row becomes a record as JSON would give it, so the one parser (`answers.parse_record`)
checks it, and its errors name the column (the field) and the row (`linje`):

* an empty cell is "vet ikke";
* a yes/no cell takes ja, nei, true or false, in any case; a number cell a whole number;
* a cell may hold several values separated by commas (``industri, maritim``);
* a column the rule base does not know is left out, with one note on stderr; one that
  looks like a misspelt question is reported as JSON's unknown field is, with a «mente du»
  hint, on each row that fills it in;
* a column named twice, or a row with more cells than the header, makes the row an error
  line; a completely empty row is skipped and counted.

CSV is UTF-8, with or without a byte-order mark, or Windows-1252, as older Norwegian Excel
writes it: that is decided for the file (see `_decoded_lines`) and said once on stderr. The
delimiter is ``;`` (Norwegian Excel) or ``,``, whichever the header uses.
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from .answers import PASSTHROUGH, whole_number
from .batch import RawRecord
from .model import Question, RuleBase

_YES = frozenset({"ja", "true"})
_NO = frozenset({"nei", "false"})


@dataclass
class TableStats:
    """What the readers skipped, for the summary line."""

    empty_rows: int = 0
    warned_cp1252: bool = False
    header_notes: list[str] = field(default_factory=list)
    announce: bool = True  # say on stderr that a CSV is read as Windows-1252 (soknad web says it on the page)


def cell_value(question: Question | None, value: object) -> object:
    """A cell as the JSON value it stands for; `EMPTY` for an empty cell.

    Only the shape is read here (text to yes/no, number or list); whether the value is
    allowed is for the parser to say, with the same messages as for JSON.
    """
    if type(value) is str:  # every CSV cell, and most Excel cells: the quick way first
        text = value.strip()
    elif value is None:
        return EMPTY
    elif isinstance(value, bool) or (isinstance(value, int | float) and question is not None):
        if isinstance(value, float) and value.is_integer() and question is not None and question.type == "tall":
            return int(value)
        return value
    else:
        text = str(value).strip()
    if not text:
        return EMPTY
    if question is None:
        return text
    kind = question.type
    if kind == "valg":
        if question.multiple and "," in text:
            return [question.value_for(part.strip()) for part in text.split(",")]
        return question.value_for(text)
    if kind == "ja_nei":
        word = text.lower()
        return True if word in _YES else False if word in _NO else text
    return whole_number(text)


EMPTY = object()


class Table:
    """The header of a sheet, and its rows as raw records; for the CSV and Excel readers.

    A CSV row whose cells line up with the header goes on as its cells, and the checker
    reads them column by column (`checking.Checker`); `record` is the same reading for
    every other row, and the reference the quick way is tested against.
    """

    def __init__(self, rules: RuleBase, source: str, stats: TableStats) -> None:
        self.questions = {q.id: q for q in rules.questions}
        self.source = source
        self.stats = stats
        self.header: list[str] = []
        self.columns: list[tuple[str, Question | None]] = []
        self.duplicate: str | None = None

    def set_header(self, cells: Iterable[object], line: int) -> None:
        from .answers import close_match

        self.header = [str(c).strip().lstrip("\ufeff") if c is not None else "" for c in cells]
        while self.header and not self.header[-1]:
            self.header.pop()
        # «ID», «Navn» and «Bransje» as people write them: case and spaces do not count.
        known = {name.casefold(): name for name in [*self.questions, *PASSTHROUGH]}
        self.header = [known.get(" ".join(name.casefold().split()), name) for name in self.header]
        ignored: set[str] = set()
        seen: dict[str, int] = {}
        for i, name in enumerate(self.header, 1):
            if name in seen:
                self.duplicate = f"Kolonnen '{name}' står to ganger i overskriften (kolonne {seen[name]} og {i})."
                self.stats.header_notes.append(f"{self.source}: rad {line}: {self.duplicate}")
            seen.setdefault(name, i)
            if name and name not in self.questions and name not in PASSTHROUGH:
                # A member list has columns of its own (org.nr., kontaktperson, kommentar): those
                # are left alone. A misspelt question is not: its answers would be lost, so the
                # rows that fill it in get an error that says so.
                close = close_match(name, [*self.questions, *PASSTHROUGH])
                if close:
                    note = f"ukjent kolonne '{name}'. Mente du '{close}'? Rader med noe i den får en feil."
                else:
                    ignored.add(name)
                    note = f"kolonnen '{name}' er ikke et spørsmål, og blir ikke lest."
                self.stats.header_notes.append(f"{self.source}: rad {line}: {note}")
        self.columns = [("" if name in ignored else name, self.questions.get(name)) for name in self.header]

    def record(self, cells: list[object], line: int) -> RawRecord | None:
        unworked = [(name, c) for (name, _), c in zip(self.columns, cells, strict=False) if isinstance(c, Unworked)]
        if unworked:
            return self._unworked(cells, line, unworked)
        record: dict[str, Any] = {}
        for (name, question), cell in zip(self.columns, cells, strict=False):
            if cell is None or not name:
                continue
            value = cell_value(question, cell)
            if value is not EMPTY:
                record[name] = value if question is not None or name not in PASSTHROUGH else _passthrough(cell)
        width = len(self.columns)
        extra = len(cells) > width and any(c is not None and str(c).strip() for c in cells[width:])
        if not record and not extra and all(c is None or (isinstance(c, str) and not c.strip()) for c in cells):
            self.stats.empty_rows += 1
            return None
        if self.duplicate is not None or extra:
            # An error row still carries its id and name, so the adviser can find the company.
            names = {k: record[k] for k in PASSTHROUGH if k in record}
            error = self.duplicate or f"Raden har flere celler enn overskriften har kolonner ({width})."
            return RawRecord(line, names, error=error)
        return RawRecord(line, record)

    def _unworked(self, cells: list[object], line: int, unworked: list[tuple[str, Unworked]]) -> RawRecord:
        """A row with a formula whose value was never worked out: an error that names the cell,
        never an empty answer, which would read as «vet ikke»."""
        known = [cell if not isinstance(cell, Unworked) else None for cell in cells[: len(self.columns)]]
        names = {
            name: _passthrough(cell)
            for (name, _), cell in zip(self.columns, known, strict=False)
            if name in PASSTHROUGH and cell is not None
        }
        where = ", ".join(f"{cell.coordinate} (kolonnen '{name}')" for name, cell in unworked)
        which = "Cellen" if len(unworked) == 1 else "Cellene"
        error = (
            f"{which} {where} har en formel uten lagret verdi. Åpne filen i Excel eller LibreOffice og lagre "
            "den, så lagres verdien; eller skriv inn verdien selv."
        )
        return RawRecord(line, names, error=error)

    def row_record(self, cells: list[str], line: int) -> RawRecord:
        """A CSV row the quick way could not take, as a record for the parser."""
        return self.record(list(cells), line) or RawRecord(line, {})


def _passthrough(cell: object) -> object:
    if isinstance(cell, float) and cell.is_integer():
        return int(cell)
    return cell.strip() if isinstance(cell, str) else cell


# --- CSV --------------------------------------------------------------------------------


def _decoded_lines(stream: BinaryIO, note: Callable[[], None]) -> Iterator[str]:
    """Lines as text: UTF-8, or Windows-1252 for a file that is not.

    The encoding is a property of the file, decided on its first line with letters beyond
    ASCII: Windows-1252 when that line is not valid UTF-8, or is valid only by accident
    («å––» in Windows-1252 is the bytes of «喖»). A later line that is not UTF-8 turns the
    rest of the file to Windows-1252 too. Lines are decoded one at a time, so a large file
    is still read as a stream.
    """
    mode = None  # "utf-8" or "cp1252", once a line beyond ASCII has decided it
    for raw in stream:
        if mode != "cp1252":
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                mode = "cp1252"
            else:
                if mode is None and not raw.isascii():
                    mode = "cp1252" if _by_accident(text.lstrip("\ufeff")) else "utf-8"
                if mode != "cp1252":
                    yield text
                    continue
            note()
        yield raw.decode("cp1252", errors="replace")


def _by_accident(text: str) -> bool:
    """Valid UTF-8 that a member list would hardly hold: C1 control codes, or letters from
    Hebrew and Arabic onwards (CJK …), which is what Windows-1252's «å», «æ» or «Ø» followed
    by punctuation decode to. Greek and Cyrillic count as real: a name may be written so."""
    return any(0x80 <= ord(c) <= 0x9F or (ord(c) >= 0x0590 and not 0x2000 <= ord(c) <= 0x214F) for c in text)


def read_csv(stream: BinaryIO, rules: RuleBase, source: str, stats: TableStats) -> Iterator[RawRecord]:
    def note() -> None:
        if not stats.warned_cp1252:
            stats.warned_cp1252 = True
            if stats.announce:
                sys.stderr.write(f"soknad sjekk: {source} er ikke UTF-8; leser den som Windows-1252 (eldre Excel).\n")

    lines = _decoded_lines(stream, note)
    first = next(lines, None)
    if first is None:
        return
    first = first.lstrip("\ufeff")
    delimiter = ";" if first.count(";") > first.count(",") else ","

    def all_lines() -> Iterator[str]:
        yield first
        yield from lines

    rows = Table(rules, source, stats)
    reader = csv.reader(all_lines(), delimiter=delimiter)
    start = 1
    for n, cells in enumerate(reader):
        line = start
        start = reader.line_num + 1
        if n == 0:
            rows.set_header(cells, line)
            continue
        if rows.duplicate is None and len(cells) == len(rows.columns):
            if not "".join(cells).strip():
                stats.empty_rows += 1
                continue
            yield RawRecord(line, cells=cells, table=rows)  # the checker reads the cells
            continue
        record = rows.record(list(cells), line)
        if record is not None:
            yield record


# --- Excel ----------------------------------------------------------------------------------


class Unworked:
    """A formula cell with no stored value: a file written by a program that does not work
    formulas out (openpyxl, some exports). Its value is unknown, not empty."""

    def __init__(self, coordinate: str) -> None:
        self.coordinate = coordinate


_parser_patched = False


def _mark_unworked_formulas() -> None:
    """Make openpyxl's read-only reader give `Unworked` for a formula with no stored value.

    With `data_only`, openpyxl reads a formula cell's stored value, and gives None when there
    is none: the same as an empty cell. The cell's XML still has the formula, so a parser
    that checks for it can tell the two apart.
    """
    global _parser_patched
    if _parser_patched:
        return
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet import _read_only, _reader

    class Parser(_reader.WorkSheetParser):
        def parse_cell(self, element: Any) -> dict[str, Any]:
            cell: dict[str, Any] = super().parse_cell(element)
            if self.data_only and cell["value"] is None and element.find(_reader.FORMULA_TAG) is not None:
                cell["value"] = Unworked(f"{get_column_letter(cell['column'])}{cell['row']}")
            return cell

    _read_only.WorkSheetParser = Parser  # type: ignore[attr-defined]
    _parser_patched = True


def read_xlsx(
    stream: BinaryIO, rules: RuleBase, source: str, stats: TableStats, sheet: str | None = None
) -> Iterator[RawRecord]:
    """The first sheet (or `sheet`), streamed with openpyxl in read-only mode."""
    import zipfile

    from openpyxl import load_workbook  # costs 150 ms: only for Excel

    _mark_unworked_formulas()

    try:
        book = load_workbook(stream, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as e:
        yield RawRecord(1, error=f"Kunne ikke lese {source} som en Excel-fil (.xlsx): {e}.")
        return
    try:
        if sheet is not None and sheet not in book.sheetnames:
            names = ", ".join(book.sheetnames)
            yield RawRecord(1, error=f"Fant ikke arket '{sheet}' i {source}. Arkene heter: {names}.")
            return
        worksheet = book[sheet] if sheet is not None else book.worksheets[0]
        rows = Table(rules, source, stats)
        for line, cells in enumerate(worksheet.iter_rows(values_only=True), 1):
            if line == 1:
                rows.set_header(cells, line)
                continue
            record = rows.record(list(cells), line)
            if record is not None:
                yield record
    finally:
        book.close()
