"""Spreadsheets in: answer records from CSV and Excel (.xlsx), read as a person sees the sheet.

`open_csv` and `open_xlsx` find the list in a file and give a `Table`; its `records()` are
the rows as JSON would give them, so the one parser (`answers.parse_record`) checks them,
and its errors name the column (the field) and the row (`linje`). `soknad sjekk`, the web
page /liste and the template's round trip all read through here.

Where the list is:

* **The header row** is the first of the first `HEADER_SEARCH` rows that names at least two
  questions, by id or by the question's text, in any case (``Bransje``, ``praksis aar``); the
  first that names one, if none names two. `header_row` (``--overskriftsrad``) sets it
  instead. Rows above it (a title, an empty row, a date) are not records. The row used is
  said when it is not the first.
* **The sheet** of an .xlsx is the first, or the one `sheet` (``--ark``) names. If the first
  has no header row and exactly one other sheet has, that sheet is read, and that is said;
  otherwise `TableProblem` lists the sheets.
* **Merged cells.** A value merged down over several rows belongs to each of those rows.

How a row is read:

* an empty cell is "vet ikke";
* a yes/no cell takes ja, nei, true or false, in any case; a number cell a whole number, and
  where the question says an approximate number will do, «ca. 5», «5,5» or «omtrent 5» as 5,
  rounded down, with a note (`TableStats.rounded`);
* a cell may hold several values separated by commas (``industri, maritim``);
* a column that is not a question is the adviser's own (Org.nr, Kontaktperson, Kommentar): it
  is not read as an answer, and comes back in the result as it was (`Table.own_of`); one that
  looks like a misspelt question is reported as JSON's unknown field is, with a «mente du»
  hint, on each row that fills it in, and comes back too;
* a question column named twice, or a row with more cells than the header, makes the row an
  error line; a completely empty row is skipped and counted.

CSV is UTF-8, with or without a byte-order mark, or Windows-1252, as older Norwegian Excel
writes it: that is decided for the file (see `_decoded_lines`) and said once. The delimiter
is ``;`` (Norwegian Excel) or ``,``, whichever gives a header row. `Table.dialect` keeps the
form the file came in, so that a result written as CSV can follow it.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from .answers import PASSTHROUGH, approximate, whole_number
from .batch import RawRecord
from .model import Question, RuleBase

HEADER_SEARCH = 20  # rows looked at for the header row
_SHOWN_ROUNDED = 5  # rounded cells named in the note; the rest are counted
_YES = frozenset({"ja", "true"})
_NO = frozenset({"nei", "false"})


class TableProblem(Exception):
    """The file holds no list that can be read: no header row, no such sheet, not a workbook.

    `kind` says what the user can do about it: "ark" (choose a sheet), "overskrift" (say
    which row holds the headers), "fil" (save the file again) or "bred" (a sheet wider than
    the limit asked for). `sheets` lists the
    workbook's sheets, for a choice. The message speaks of rows, columns and sheets; the
    command line and the web page each add how to choose there.
    """

    def __init__(
        self, message: str, kind: str = "overskrift", sheets: Iterable[str] = (), suggested: str | None = None
    ) -> None:
        super().__init__(message)
        self.kind = kind
        self.sheets = list(sheets)
        self.suggested = suggested  # the sheet most likely meant, for an example or a preselection


@dataclass
class TableStats:
    """What the readers found beyond the rows, for the summary and the result's notes."""

    empty_rows: int = 0
    warned_cp1252: bool = False
    header_notes: list[str] = field(default_factory=list)  # warnings: a misspelt or doubled column
    info: list[str] = field(default_factory=list)  # how the list was found: the row, the sheet, merges
    #: cells read as an approximate number: (file and sheet, row, column, what was typed, the number)
    rounded: list[tuple[str, int, str, str, int]] = field(default_factory=list)
    rounded_count: int = 0
    #: rows read as a note under the list, not a company: (file and sheet, row, its text)
    note_rows: list[tuple[str, int, str]] = field(default_factory=list)
    note_count: int = 0
    #: cells of own columns with a formula and no stored value: (file and sheet, cell)
    unworked_own: list[tuple[str, str]] = field(default_factory=list)
    announce: bool = True  # say on stderr that a CSV is read as Windows-1252 (soknad web says it on the page)

    def notes(self) -> list[str]:
        """Everything worth telling about the reading, neutral facts first."""
        lines = list(self.info)
        if self.rounded_count:
            places = {where for where, *_ in self.rounded}
            shown = "; ".join(
                f"{where + ', ' if len(places) > 1 else ''}rad {line}, {column}: «{text}» som {value}"
                for where, line, column, text, value in self.rounded
            )
            more = self.rounded_count - len(self.rounded)
            rest = f"; og {more} til" if more > 0 else ""
            cells = "celle" if self.rounded_count == 1 else "celler"
            source = f"{next(iter(places))}: " if len(places) == 1 else ""
            lines.append(
                f"{source}{self.rounded_count} {cells} med et omtrentlig tall er lest som et helt tall, rundet ned "
                f"({shown}{rest})."
            )
        if self.note_count:
            shown_rows = ", ".join(f"rad {row} («{text}»)" for _, row, text in self.note_rows)
            left = self.note_count - len(self.note_rows)
            tail = f" og {left} til" if left > 0 else ""
            which = "raden" if self.note_count == 1 else f"{self.note_count} rader"
            lines.append(
                f"{self.note_rows[0][0]}: {which} har tekst i bare én celle og ingen svar, id eller navn, og er "
                f"lest som notater under listen, ikke som bedrifter: {shown_rows}{tail}."
            )
        if self.unworked_own:
            cells = ", ".join(cell for _, cell in self.unworked_own[:_SHOWN_ROUNDED])
            lines.append(
                f"{self.unworked_own[0][0]}: cellene {cells} i egne kolonner har en formel uten lagret verdi, og "
                "kommer tomme tilbake. Åpne filen i Excel eller LibreOffice og lagre den, så lagres verdiene."
            )
        return lines + self.header_notes


@dataclass(frozen=True)
class CsvDialect:
    """The form a CSV came in: delimiter, a UTF-8 byte-order mark, Windows line ends, and
    whether it was Windows-1252 (Norwegian Excel's «CSV (semikolonseparert)»)."""

    delimiter: str = ","
    bom: bool = False
    crlf: bool = False
    cp1252: bool = False

    @property
    def for_excel(self) -> bool:
        """Made by Excel for Excel: written back so that Excel opens it in columns."""
        return self.delimiter == ";" or self.bom or self.cp1252


_FOLD = str.maketrans({"æ": "ae", "ø": "o", "å": "aa", "_": " "})
_NOT_WORD = re.compile(r"[^0-9a-z]+")
#: What a column with the company's name is called in member lists; read as `navn` when
#: no column is called that.
NAME_ALIASES = frozenset(
    {"bedrift", "bedriftsnavn", "firma", "firmanavn", "virksomhet", "virksomhetsnavn", "foretak", "foretaksnavn"}
)


def _norm(text: object) -> str:
    """A column name as compared: any case, æøå as ae, o and aa (as in the ids), and anything
    but letters and digits as one space: «Praksis (år)» is «praksis aar»."""
    return " ".join(_NOT_WORD.sub(" ", str(text).lstrip("\ufeff").casefold().translate(_FOLD)).split())


def _key(text: object) -> str:
    """The same without spaces, so that «Praksisår», «praksis år» and «praksis_aar» are one."""
    return _norm(text).replace(" ", "")


def column_names(rules: RuleBase) -> dict[str, str]:
    """What a header cell may say, as `_key` gives it, and the id it stands for."""
    names = {_key(name): name for name in PASSTHROUGH}
    for q in rules.questions:
        names[_key(q.text)] = q.id
        names[_key(q.id)] = q.id
    return names


def questions_named(cells: Iterable[object], names: dict[str, str], questions: dict[str, Question]) -> int:
    """How many different questions a row names."""
    found = {names.get(_key(c)) for c in cells if c is not None and str(c).strip()}
    return len(found & questions.keys())


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
        if isinstance(value, float) and question is not None and question.type == "tall":
            if value.is_integer():
                return int(value)
            if question.approximate and value == value and abs(value) != float("inf"):
                rounded = approximate(repr(value))
                return value if rounded is None else rounded
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
    number = whole_number(text)
    if question.approximate and not isinstance(number, int):
        rounded = approximate(text)
        return number if rounded is None else rounded
    return number


def rounded_value(question: Question, value: object) -> int | None:
    """The number an approximate cell («ca. 5», «5,5», 5.5) is read as; None for any other."""
    if isinstance(value, float) and not value.is_integer():
        read = cell_value(question, value)
        return read if isinstance(read, int) else None
    if not isinstance(value, str) or not value.strip() or isinstance(whole_number(value), int):
        return None
    return approximate(value)


EMPTY = object()


class Table:
    """The header of a sheet and how its rows are read; `records()` gives the rows.

    A CSV row whose cells line up with the header goes on as its cells, and the checker
    reads them column by column (`checking.Checker`); `record` is the same reading for
    every other row, and the reference the quick way is tested against.
    """

    def __init__(self, rules: RuleBase, source: str, stats: TableStats) -> None:
        self.questions = {q.id: q for q in rules.questions}
        self.names = column_names(rules)
        self.source = source
        self.stats = stats
        self.header: list[str] = []
        self.columns: list[tuple[str, Question | None]] = []
        self.duplicate: str | None = None
        self.header_line = 1
        self.kind = "csv"
        self.sheet: str | None = None
        self.dialect = CsvDialect()
        #: the adviser's own columns: their places in a row, and their names in the result
        self.own: list[int] = []
        self.own_names: list[str] = []
        self.own_slots: list[int] = []  # where each goes among all own columns of a run
        self.own_width = 0
        self.all_own_names: list[str] = []  # the own columns of the whole run (`combine_own`)
        self._approx: list[tuple[int, Question]] = []
        self._answered: list[int] = []  # the columns read as answers, id or navn
        self._approx_seen: dict[object, int | None] = {}
        self._rows: Iterator[tuple[int, list[Any]]] = iter(())
        self._close: Callable[[], None] = lambda: None

    @property
    def decimal_comma(self) -> bool:
        """Numbers in the text of this file are written 5,5 (a `;` list) rather than 5.5."""
        return self.dialect.delimiter == ";"

    def set_header(self, cells: Iterable[object], line: int, letters: bool = False) -> None:
        from .answers import close_match

        self.header_line = line
        self.header = [str(c).strip().lstrip("\ufeff") if c is not None else "" for c in cells]
        while self.header and not self.header[-1]:
            self.header.pop()
        # «ID», «Navn», «Bransje», «Praksis (år)» and the question's text as people write them.
        given = list(self.header)
        self.header = [self.names.get(_key(name), name) if name else "" for name in self.header]
        if "navn" not in self.header:
            alias = next((i for i, name in enumerate(given) if name and _key(name) in NAME_ALIASES), None)
            if alias is not None:
                self.header[alias] = "navn"
                self.stats.info.append(f"{self.where()}: kolonnen «{given[alias]}» er lest som bedriftens navn.")
        seen: dict[str, int] = {}
        answer_like = [*self.questions, *PASSTHROUGH]
        own: list[int] = []
        for i, name in enumerate(self.header, 1):
            known = name in self.questions or name in PASSTHROUGH
            if known and name in seen:
                first, second = (column_letter(n) if letters else n for n in (seen[name], i))
                self.duplicate = f"Kolonnen '{name}' står to ganger i overskriften (kolonne {first} og {second})."
                self.stats.header_notes.append(f"{self.where(line)}: {self.duplicate}")
            seen.setdefault(name, i)
            if known:
                continue
            own.append(i - 1)
            if not name:
                continue
            # A member list has columns of its own (org.nr., kontaktperson, kommentar): those
            # come back as they are. A misspelt question is not left alone: its answers would
            # be lost, so the rows that fill it in get an error that says so.
            close = close_match(_norm(name).replace(" ", "_"), answer_like, cutoff=0.8)
            if close:
                note = f"ukjent kolonne '{name}'. Mente du '{close}'? Rader med noe i den får en feil."
                self.stats.header_notes.append(f"{self.where(line)}: {note}")
        # A column that shares a word with a question not in the list («Praksis», «Behov 2026»)
        # is read as the adviser's own, and that is said: its answers are not read.
        for i in own:
            name = given[i]
            if not name or self._misspelt(name):
                continue
            words = {w for w in _norm(name).split() if len(w) >= 5}
            meant = [q for q in self.questions if q not in self.header and words & set(q.split("_"))]
            if meant:
                self.stats.header_notes.append(
                    f"{self.where(line)}: kolonnen '{name}' leses ikke som svar. Mente du '{meant[0]}'? Gi kolonnen "
                    "det navnet, så leses svarene."
                )
        self.columns = [
            (name if i not in own or self._misspelt(name) else "", self.questions.get(name))
            for i, name in enumerate(self.header)
        ]
        self.own = own
        self.own_names = _unique_names([given[i] for i in own], own, letters)
        self.own_slots = list(range(len(own)))
        self.own_width = len(own)
        self.all_own_names = list(self.own_names)
        self._approx = [(i, q) for i, (_, q) in enumerate(self.columns) if q is not None and q.approximate]
        self._answered = [i for i, (name, _) in enumerate(self.columns) if name]
        if self.own_names:
            listed = ", ".join(self.own_names)
            self.stats.info.append(
                f"{self.where()}: egne kolonner kommer tilbake i resultatet, etter resultatkolonnene: {listed}"
                + ("" if listed.endswith(".") else ".")
            )

    def _misspelt(self, name: str) -> bool:
        from .answers import close_match

        return (
            bool(name) and close_match(_norm(name).replace(" ", "_"), [*self.questions, *PASSTHROUGH], 0.8) is not None
        )

    def where(self, line: int | None = None) -> str:
        """The file (and sheet), and a row, for a note: «liste.xlsx, arket «Medlemmer», rad 3»."""
        text = self.source if self.sheet is None else f"{self.source}, arket «{self.sheet}»"
        return text if line is None else f"{text}: rad {line}"

    def own_of(self, cells: list[Any]) -> tuple[Any, ...] | None:
        """A row's own columns, in their places among all own columns of the run."""
        if not self.own_width:
            return None
        out: list[Any] = [None] * self.own_width
        width = len(cells)
        for i, slot in zip(self.own, self.own_slots, strict=True):
            if i < width:
                value = cells[i]
                if isinstance(value, Unworked):
                    self.stats.unworked_own.append((self.where(), value.coordinate))
                    value = None
                out[slot] = None if value == "" else value
        return tuple(out)

    def is_note(self, cells: list[Any], line: int) -> bool:
        """A row with text in one cell only and no answer, id or name: a sum or a note under
        the list («Sum: 6 bedrifter», «Kilde: medlemsregisteret»), not a company. Counted."""
        width = len(cells)
        if any(_filled(cells[i]) for i in self._answered if i < width):
            return False
        filled = [c for c in cells if _filled(c)]
        if len(filled) != 1:
            return False
        self.stats.note_count += 1
        if len(self.stats.note_rows) < _SHOWN_ROUNDED:
            self.stats.note_rows.append((self.where(), line, str(filled[0]).strip()[:60]))
        return True

    def note_rounded(self, cells: list[Any], line: int) -> None:
        """Count the approximate numbers of a row («ca. 5» read as 5)."""
        seen = self._approx_seen
        for i, question in self._approx:
            if i >= len(cells):
                continue
            cell = cells[i]
            key = (type(cell), cell)
            value = seen[key] if key in seen else seen.setdefault(key, rounded_value(question, cell))
            if value is not None:
                stats = self.stats
                stats.rounded_count += 1
                if len(stats.rounded) < _SHOWN_ROUNDED:
                    stats.rounded.append((self.where(), line, question.id, str(cell).strip(), value))

    def record(self, cells: list[object], line: int) -> RawRecord | None:
        unworked = [
            (name, c) for (name, _), c in zip(self.columns, cells, strict=False) if name and isinstance(c, Unworked)
        ]
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
        if not record and not extra and self.is_note(cells, line):
            return None
        own = self.own_of(cells)
        if self.duplicate is not None or extra:
            # An error row still carries its id and name, so the adviser can find the company.
            names = {k: record[k] for k in PASSTHROUGH if k in record}
            error = self.duplicate or f"Raden har flere celler enn overskriften har kolonner ({width})."
            return RawRecord(line, names, error=error, table=self, own=own)
        if self._approx:
            self.note_rounded(cells, line)
        return RawRecord(line, record, table=self, own=own)

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
        return RawRecord(line, names, error=error, table=self, own=self.own_of(cells))

    def row_record(self, cells: list[str], line: int) -> RawRecord:
        """A CSV row the quick way could not take, as a record for the parser."""
        return self.record(list(cells), line) or RawRecord(line, {})

    def records(self) -> Iterator[RawRecord]:
        """The rows below the header, as records; empty rows are counted, not given."""
        try:
            yield from self._records()
        finally:
            self.close()

    def _records(self) -> Iterator[RawRecord]:
        quick = self.kind == "csv" and self.duplicate is None
        width = len(self.columns)
        for line, cells in self._rows:
            if quick and len(cells) == width:
                if not "".join(cells).strip():
                    self.stats.empty_rows += 1
                    continue
                if (
                    self.own_width
                    and not "".join([cells[i] for i in self._answered]).strip()
                    and self.is_note(cells, line)
                ):
                    continue
                if self._approx:
                    self.note_rounded(cells, line)
                # the checker reads the cells
                yield RawRecord(line, cells=cells, table=self, own=self.own_of(cells) if self.own_width else None)
                continue
            record = self.record(list(cells), line)
            if record is not None:
                yield record

    def close(self) -> None:
        close, self._close = self._close, lambda: None
        close()


def combine_own(tables: list[Table]) -> list[str]:
    """The own columns of several lists in one result: each name once, in the order first
    seen, and each table told where its own columns go."""
    names: list[str] = []
    places: dict[str, int] = {}
    for table in tables:
        slots = []
        for name in table.own_names:
            key = _norm(name)
            if key not in places:
                places[key] = len(names)
                names.append(name)
            slots.append(places[key])
        table.own_slots = slots
    for table in tables:
        table.all_own_names = names
        table.own_width = len(names) if table.own_names else 0
    return names


def _unique_names(names: list[str], places: list[int], letters: bool) -> list[str]:
    """Own columns' names in the result: an unnamed one after its place («kolonne F»), and a
    name that comes twice, or is one of the result's own columns, made distinct."""
    from .texts import ABOUT, RESULT_COLUMNS

    # The result's own column names, ids and people's: a column of the list with one of them
    # gets a distinct name.
    reserved = {_norm(n) for n in [*RESULT_COLUMNS, *RESULT_COLUMNS.values(), ABOUT]}
    taken = set(reserved)
    out: list[str] = []
    for name, place in zip(names, places, strict=True):
        base = name or f"kolonne {column_letter(place + 1) if letters else place + 1}"
        candidate = f"{base} (fra listen)" if _norm(base) in reserved else base
        n = 1
        while _norm(candidate) in taken:
            n += 1
            candidate = f"{base} ({n})"
        taken.add(_norm(candidate))
        out.append(candidate)
    return out


def column_letter(n: int) -> str:
    """A column's letters in a spreadsheet: 1 is A, 27 is AA."""
    letters = ""
    while n:
        n, rest = divmod(n - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _filled(cell: object) -> bool:
    return cell is not None and (not isinstance(cell, str) or bool(cell.strip()))


def _passthrough(cell: object) -> object:
    if isinstance(cell, float) and cell.is_integer():
        return int(cell)
    return cell.strip() if isinstance(cell, str) else cell


_INTEGER = re.compile(r"-?(?:0|[1-9][0-9]{0,14})")
_DECIMAL = {",": re.compile(r"-?(?:0|[1-9][0-9]{0,14}),[0-9]+"), ".": re.compile(r"-?(?:0|[1-9][0-9]{0,14})\.[0-9]+")}
_NORWEGIAN_DATE = re.compile(r"([0-9]{1,2})\.([0-9]{1,2})\.([0-9]{4})")
_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")


def typed(text: object, decimal_comma: bool) -> object:
    """The text of a CSV cell as the value a spreadsheet makes of it: 17 a number, 5,5 a
    number in a `;` list, 07.12.2026 and 2026-12-07 a date. Text that a spreadsheet would
    change stays text: a leading zero (0123, an account or phone number), more than 15
    digits, a number with spaces. Anything not text is returned as it is."""
    if not isinstance(text, str):
        return text
    value = text.strip()
    if not value:
        return None
    if _INTEGER.fullmatch(value):
        return int(value)
    if _DECIMAL["," if decimal_comma else "."].fullmatch(value):
        return float(value.replace(",", "."))
    found = _NORWEGIAN_DATE.fullmatch(value)
    if found:
        day, month, year = (int(g) for g in found.groups())
    else:
        found = _ISO_DATE.fullmatch(value)
        if found is None:
            return text
        year, month, day = (int(g) for g in found.groups())
    try:
        return dt.date(year, month, day)
    except ValueError:
        return text


def _find_header(rows: list[list[Any]], table: Table, header_row: int | None) -> int | None:
    """The index of the header row among `rows`: see the module's doc."""
    if header_row is not None:
        index = header_row - 1
        return index if index < len(rows) and questions_named(rows[index], table.names, table.questions) else None
    one = None
    for i, row in enumerate(rows[:HEADER_SEARCH]):
        named = questions_named(row, table.names, table.questions)
        if named >= 2:
            return i
        if named == 1 and one is None:
            one = i
    return one


def _no_header(table: Table, rows: list[list[Any]], header_row: int | None) -> TableProblem:
    ids = ", ".join(table.questions)
    if header_row is not None:
        if header_row > len(rows):
            return TableProblem(
                f"{table.where()} har bare {len(rows)} rader; overskriftsraden kan ikke være rad {header_row}."
            )
        found = ", ".join(str(c).strip() for c in rows[header_row - 1] if c is not None and str(c).strip())[:200]
        return TableProblem(
            f"{table.where(header_row)} har ingen kolonne med et spørsmål (fant: {found or 'ingenting'}). "
            f"Overskriftene skal være spørsmålenes id-er: {ids}."
        )
    return TableProblem(
        f"Fant ingen overskriftsrad i {table.where()}: ingen av de første {HEADER_SEARCH} radene har en kolonne "
        f"med et spørsmål. Overskriftene skal være spørsmålenes id-er ({ids}), eller spørsmålene slik de står "
        "i veilederen."
    )


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


def open_csv(stream: BinaryIO, rules: RuleBase, source: str, stats: TableStats, header_row: int | None = None) -> Table:
    """Find the list in a CSV: its delimiter and header row. Raises `TableProblem`."""

    cp1252 = [False]

    def note() -> None:
        cp1252[0] = True
        if not stats.warned_cp1252:
            stats.warned_cp1252 = True
            if stats.announce:
                sys.stderr.write(f"soknad sjekk: {source} er ikke UTF-8; leser den som Windows-1252 (eldre Excel).\n")

    table = Table(rules, source, stats)
    lines = _decoded_lines(stream, note)
    # The lines the header row can be in, and some to spare for cells with line breaks.
    wanted = max(HEADER_SEARCH, header_row or 0) + 20
    head: list[str] = []
    for text in lines:
        head.append(text)
        if len(head) >= wanted:
            break
    if not head:
        return table  # an empty file: no records
    bom = head[0].startswith("\ufeff")
    head[0] = head[0].lstrip("\ufeff")
    crlf = head[0].endswith("\r\n")
    best: tuple[int, int, str, list[list[str]], int | None] | None = None
    for rank, delimiter in enumerate(_delimiters(head)):
        rows = list(csv.reader(head, delimiter=delimiter))
        index = _find_header(rows, table, header_row)
        named = questions_named(rows[index], table.names, table.questions) if index is not None else 0
        if best is None or named > best[0]:
            best = (named, rank, delimiter, rows, index)
    assert best is not None
    named, _, delimiter, rows, index = best
    table.dialect = CsvDialect(delimiter, bom, crlf, cp1252[0])
    if not any(any(c.strip() for c in row) for row in rows):
        return table  # only empty lines
    if index is None or named == 0:
        raise _no_header(table, rows, header_row)

    def all_lines() -> Iterator[str]:
        yield from head
        yield from lines

    def numbered() -> Iterator[tuple[int, list[str]]]:
        reader = csv.reader(all_lines(), delimiter=delimiter)
        start = 1
        for n, cells in enumerate(reader):
            line = start
            start = reader.line_num + 1
            if n < index:
                continue
            if n == index:
                stats.info.append(f"{table.where()}: overskriftene står på rad {line}{_ABOVE if line > 1 else '.'}")
                table.set_header(cells, line)
                continue
            yield line, cells

    table._rows = _primed(numbered())  # the header is read now, not when the first row is asked for
    table.dialect = CsvDialect(delimiter, bom, crlf, cp1252[0])
    return table


def _primed(rows: Iterator[tuple[int, list[Any]]]) -> Iterator[tuple[int, list[Any]]]:
    """Run `rows` up to its first row, so that what comes before it (the header) is read now."""
    first = next(rows, None)
    if first is None:
        return iter(())

    def chained() -> Iterator[tuple[int, list[Any]]]:
        yield first
        yield from rows

    return chained()


def _delimiters(head: list[str]) -> tuple[str, str]:
    """`;` and `,`, the likelier first: the one the first line with either uses more."""
    for text in head:
        semicolons, commas = text.count(";"), text.count(",")
        if semicolons or commas:
            return (";", ",") if semicolons > commas else (",", ";")
    return (",", ";")


def read_csv(
    stream: BinaryIO, rules: RuleBase, source: str, stats: TableStats, header_row: int | None = None
) -> Iterator[RawRecord]:
    """The records of a CSV (see `open_csv`)."""
    return open_csv(stream, rules, source, stats, header_row).records()


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
    from openpyxl.worksheet import _read_only, _reader

    class Parser(_reader.WorkSheetParser):
        def parse_cell(self, element: Any) -> dict[str, Any]:
            cell: dict[str, Any] = super().parse_cell(element)
            if self.data_only and cell["value"] is None and element.find(_reader.FORMULA_TAG) is not None:
                cell["value"] = Unworked(f"{column_letter(cell['column'])}{cell['row']}")
            return cell

    _read_only.WorkSheetParser = Parser  # type: ignore[attr-defined]
    _parser_patched = True


_MERGE = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?mergeCell\s+ref="([A-Z]{1,3})([0-9]+)(?::([A-Z]{1,3})([0-9]+))?"')


def _column_number(letters: bytes) -> int:
    n = 0
    for c in letters:
        n = n * 26 + c - 64
    return n


def merged_ranges(book: Any, worksheet: Any) -> list[tuple[int, int, int, int]]:
    """The sheet's merged cells as (first row, first column, last row, last column), 1-based.

    openpyxl's read-only mode does not give them, and in the file they come after the rows,
    so the sheet's XML is scanned for them first, a chunk at a time: memory stays flat.
    """
    found: set[tuple[int, int, int, int]] = set()
    tail = b""
    with book._archive.open(worksheet._worksheet_path) as source:
        while True:
            chunk = source.read(1 << 20)
            if not chunk:
                break
            data = tail + chunk
            if b"mergeCell" in data:
                for m in _MERGE.finditer(data):
                    c1, r1 = _column_number(m.group(1)), int(m.group(2))
                    c2, r2 = (_column_number(m.group(3)), int(m.group(4))) if m.group(3) else (c1, r1)
                    found.add((r1, c1, r2, c2))
            tail = data[-300:]
    return sorted(found)


def open_xlsx(
    stream: BinaryIO,
    rules: RuleBase,
    source: str,
    stats: TableStats,
    sheet: str | None = None,
    header_row: int | None = None,
    max_columns: int | None = None,
) -> Table:
    """Find the list in a workbook: its sheet and header row. Raises `TableProblem`, also for
    a sheet wider than `max_columns` (the web's limit), before any of its rows is read."""
    import zipfile

    from openpyxl import load_workbook  # costs 150 ms: only for Excel

    _mark_unworked_formulas()
    try:
        book = load_workbook(stream, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError):
        raise TableProblem(
            f"Kunne ikke lese {source} som en Excel-fil (.xlsx): filen er ikke en hel .xlsx-arbeidsbok (er det en "
            "CSV-fil med feil endelse?). Åpne den i Excel eller LibreOffice og lagre den på nytt som "
            "«Excel-arbeidsbok (.xlsx)» eller som CSV.",
            "fil",
        ) from None
    try:
        return _open_sheet(book, rules, source, stats, sheet, header_row, max_columns)
    except BaseException:
        book.close()
        raise


def _open_sheet(
    book: Any,
    rules: RuleBase,
    source: str,
    stats: TableStats,
    sheet: str | None,
    header_row: int | None,
    max_columns: int | None,
) -> Table:
    names = list(book.sheetnames)
    listed = ", ".join(f"«{n}»" for n in names)
    if sheet is not None and sheet not in names:
        same = [n for n in names if n.casefold().strip() == sheet.casefold().strip()]
        if len(same) != 1:
            raise TableProblem(f"Fant ikke arket «{sheet}» i {source}. Arkene heter {listed}.", "ark", names)
        sheet = same[0]

    def head_of(name: str) -> tuple[Table, list[list[Any]], int | None]:
        worksheet = book[name]
        width = worksheet.max_column  # what the workbook says of itself, before a row is read
        if max_columns is not None and width is not None and width > max_columns:
            raise TableProblem(f"Arket «{name}» har {width} kolonner; grensen er {max_columns}.", "bred")
        worksheet.reset_dimensions()  # a wrong <dimension> must not cut rows off
        table = Table(rules, source, stats)
        table.kind, table.sheet = "xlsx", name if len(names) > 1 else None
        wanted = max(HEADER_SEARCH, header_row or 0)
        rows = [list(r) for r in worksheet.iter_rows(max_row=wanted, values_only=True)]
        return table, rows, _find_header(rows, table, header_row)

    chosen = sheet if sheet is not None else names[0]
    table, rows, index = head_of(chosen)
    empty = not any(c is not None and str(c).strip() for row in rows for c in row)
    if index is None and sheet is None and header_row is None and len(names) > 1:
        others = [(n, *head_of(n)) for n in names[1:]]
        lists = [o for o in others if o[3] is not None]
        if len(lists) == 1:
            chosen, table, rows, index = lists[0]
            what = "er tomt" if empty else "har ingen overskriftsrad med spørsmål"
            stats.info.append(f"{source}: det første arket («{names[0]}») {what}; leser arket «{chosen}».")
        elif lists:
            which = ", ".join(f"«{o[0]}»" for o in lists)
            raise TableProblem(
                f"Det første arket i {source} («{names[0]}») har ingen overskriftsrad med spørsmål, og flere ark "
                f"har det: {which}. Arkene heter {listed}.",
                "ark",
                names,
                lists[0][0],
            )
        elif not empty:
            raise TableProblem(
                str(_no_header(table, rows, header_row))
                + f" Ingen av de andre arkene har det heller; arkene heter {listed}.",
                "ark",
                names,
            )
    if index is None:
        if empty and header_row is None:
            book.close()
            return table  # an empty sheet: no records
        problem = _no_header(table, rows, header_row)
        raise TableProblem(str(problem) + (f" Arkene heter {listed}." if len(names) > 1 else ""), problem.kind, names)
    worksheet = book[chosen]
    line = index + 1
    stats.info.append(f"{source}: leser arket «{chosen}», med overskriftene på rad {line}{_ABOVE if line > 1 else '.'}")
    if sheet is None and len(names) > 1:
        # Another sheet with a list is not read unless asked for: say so, never leave it out unsaid.
        others = [n for n in names if n != chosen and head_of(n)[2] is not None]
        if others:
            which = ", ".join(f"«{n}»" for n in others)
            stats.header_notes.append(
                f"{source}: {'arket' if len(others) == 1 else 'arkene'} {which} har også en liste, og er ikke lest. "
                "Velg arket for å lese det."
            )
    table.set_header(rows[index], line, letters=True)
    merges = merged_ranges(book, worksheet)
    table._rows = _sheet_rows(worksheet, table, index + 1, merges)
    table._close = book.close
    return table


_ABOVE = "; radene over er ikke lest."


def _sheet_rows(
    worksheet: Any, table: Table, header: int, merges: list[tuple[int, int, int, int]]
) -> Iterator[tuple[int, list[Any]]]:
    """The rows below the header, with the value of a cell merged down in each row it covers."""
    # Rows that a merge from the header row reaches down into belong to the header.
    first = max([header, *(r2 for r1, _, r2, _ in merges if r1 <= header <= r2)]) + 1
    starts: dict[int, list[tuple[int, int]]] = {}
    for r1, c1, r2, _ in merges:
        if r2 > r1 and r1 >= first:
            starts.setdefault(r1, []).append((c1 - 1, r2))
    carry: dict[int, tuple[object, int]] = {}  # column → (value, last row it reaches)
    filled: dict[int, int] = {}  # column → rows that got a value this way
    for line, values in enumerate(worksheet.iter_rows(values_only=True), 1):
        if line < first:
            continue
        cells = list(values)
        if carry:
            for column, (value, last) in list(carry.items()):
                if line > last:
                    del carry[column]
                    continue
                while len(cells) <= column:
                    cells.append(None)
                if cells[column] is None:
                    cells[column] = value
                    filled[column] = filled.get(column, 0) + 1
        if line in starts:
            for column, last in starts[line]:
                if column < len(cells) and cells[column] is not None:
                    carry[column] = (cells[column], last)
        yield line, cells
    if filled:
        names = table.header
        parts = [
            f"{n} i kolonnen «{names[c] if c < len(names) and names[c] else column_letter(c + 1)}»"
            for c, n in sorted(filled.items())
        ]
        table.stats.info.append(
            f"{table.where()}: sammenslåtte celler gjelder hver rad de dekker; "
            f"{sum(filled.values())} {'celle' if sum(filled.values()) == 1 else 'celler'} fikk verdien sin slik "
            f"({', '.join(parts)})."
        )


def read_xlsx(
    stream: BinaryIO,
    rules: RuleBase,
    source: str,
    stats: TableStats,
    sheet: str | None = None,
    header_row: int | None = None,
) -> Iterator[RawRecord]:
    """The records of a workbook's list (see `open_xlsx`)."""
    return open_xlsx(stream, rules, source, stats, sheet, header_row).records()
