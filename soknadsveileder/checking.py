"""`soknad sjekk`: records in, one JSON line per record out, streamed.

`Checker` turns a raw record into a checked one. It is where batch speed comes from:
answers take few distinct values, so each field value is parsed once, and a thousand
companies whose answers reduce to the same thing cost one evaluation. The caches are
bounded, so memory stays flat however long the input is. tests/test_batch_cache.py holds
them to what the parser and the engine give without any cache.

`run_batch` does the I/O: files or stdin in, stdout out, a count and an optional progress
bar on stderr, Ctrl-C and a closed pipe handled without losing or cutting a line.
"""

from __future__ import annotations

import datetime as dt
import sys
from bisect import bisect_right
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from itertools import count
from operator import itemgetter
from pathlib import Path
from typing import IO, Any, BinaryIO

from . import engine
from .answers import PASSTHROUGH, AnswerError, FieldError, clean, parse_record, passthrough_ok, unwrap_saved
from .batch import RawRecord, read_records
from .checked import CACHE_FIELDS, Body, Checked, make_room
from .files import FileProblem, os_problem, silence_stdout
from .interrupt import exit_code
from .model import AnswerValue, Question, RuleBase
from .saved import adapt, changed_since
from .sinks import CsvSink, JsonSink, Sink, XlsxSink
from .tables import EMPTY, CsvDialect, Table, TableStats, cell_value, combine_own, open_csv, open_xlsx
from .texts import deadline_text, later_mark, note_line, round_line

_PROGRESS_MIN_BYTES = 1_000_000
_CACHE_SIZE = 4096  # assessments; a JSON one is about 12 KB of text
_TABLE_WIDTH = 100  # below this, `--format tabell` lists the records instead


_PASSTHROUGH = frozenset(PASSTHROUGH)
Signature = tuple[object, ...]
_ABSENT = object()  # a question the record does not mention (distinct from null, "vet ikke")


class _RowPlan:
    """How the quick way reads the rows of one table.

    `pick` takes a row's answer cells (the columns named by a question; `id` and `navn`
    are `passthrough`). Per answer column, `seen` holds each cell read before with its code
    and what the parser made of it, and `codes` the codes alone, for a lookup in C
    (`map(dict.get, ...)`). A code stands for a class (`Checker._parse_field`): "5" and
    "12" years of practice share one, as they share every result. `classes` gives the
    codes out, and `bodies` maps the codes of a row to its assessment.
    """

    def __init__(self, columns: list[tuple[str, Question | None]]) -> None:
        indexes = [i for i, (name, _) in enumerate(columns) if name and name not in _PASSTHROUGH]
        self.answer_columns = [columns[i] for i in indexes]
        order = {name: n for n, name in enumerate(PASSTHROUGH)}
        self.passthrough = sorted(
            ((name, i) for i, (name, _) in enumerate(columns) if name in _PASSTHROUGH), key=lambda p: order[p[0]]
        )
        self.pick: Callable[[list[str]], tuple[str, ...]] = (
            itemgetter(*indexes) if len(indexes) > 1 else lambda cells: tuple(cells[i] for i in indexes)
        )
        self.seen: list[dict[str, tuple[int, Any]]] = [{} for _ in indexes]
        self.classes: list[dict[tuple[type, object], int]] = [{} for _ in indexes]
        self.codes: list[dict[str, int]] = [{} for _ in indexes]
        self.bodies: dict[tuple[int | None, ...], Body] = {}


class Checker:
    """Turns raw records into checked records.

    Speed comes from the answers taking few distinct values across a batch. Each field of a
    plain record is parsed once per distinct value and reduced to what can change a result:
    a number to the interval it falls in between the bounds of the conditions, anything else
    to its parsed value. The tuple of those, one per question, names the assessment, which is
    evaluated and serialised once and spliced after the record's own fields. Anything else
    (a saved answer file, nested values, an invalid id) takes the full parser every time.
    Every cache is bounded, so memory stays flat however long the input is.
    """

    def __init__(
        self, rules: RuleBase, today: dt.date, earlier: Callable[[str], RuleBase | None] | None = None
    ) -> None:
        self.rules = rules
        self.today = today
        self.earlier = earlier or (lambda version: None)
        self._cache: dict[Signature, Body] = {}
        self._positions = {q.id: i for i, q in enumerate(rules.questions)}
        self._ids = [q.id for q in rules.questions]
        self._texts = {q.id: q.text for q in rules.questions}
        self._cuts = engine.number_cuts(rules)
        self._fields: dict[tuple[object, ...], tuple[int, object, AnswerValue] | FieldError] = {}
        self._cell_fields: dict[tuple[object, ...], tuple[int, object, AnswerValue] | FieldError] = {}
        self._signatures: dict[tuple[object, ...], Signature] = {}
        self._pieces: dict[str, str] = {}  # JSON text shared by assessments (see Body)
        self._tables: dict[Table, _RowPlan] = {}
        self._codes = count()

    def _cached_body(self, answers: dict[str, AnswerValue], key: Signature | None = None) -> Body:
        if key is None:
            key = engine.signature(self.rules, answers, self.today)
        body = self._cache.get(key)
        if body is None:
            make_room(self._cache, _CACHE_SIZE)  # bounded: memory stays flat however many answers
            body = self._cache[key] = self._body_uncached(answers)
        return body

    def _body_uncached(self, answers: Any) -> Body:
        return Body(engine.evaluate(self.rules, answers, self.today), self._pieces, self._texts)

    def check(self, nr: int, raw: RawRecord, source: str | None = None) -> Checked:
        checked = self._check(nr, raw, source)
        checked.own, checked.table = raw.own, raw.table
        return checked

    def _check(self, nr: int, raw: RawRecord, source: str | None) -> Checked:
        head: dict[str, Any] = {"nr": nr, "linje": raw.line}
        if source is not None:
            head["fil"] = source
        value = raw.value
        if raw.error is not None:
            if isinstance(value, dict):  # a spreadsheet row: its id and name still go through
                head.update({k: value[k] for k in PASSTHROUGH if k in value and passthrough_ok(value[k])})
            return Checked(head, None, _errors([FieldError(None, raw.error)]))
        if raw.cells is not None:  # a CSV row: read straight from its cells
            checked = self._check_row(head, raw.table, raw.cells)
            if checked is not None:
                return checked
            value = raw.table.row_record(raw.cells, raw.line).value
        cell = raw.table is not None  # a spreadsheet row: its messages speak of cells
        if type(value) is dict and not ("svar" in value and "regelverk" in value):
            checked = self._check_plain(head, value, cell)
            if checked is not None:
                return checked
        return self._check_uncached(head, value, cell)

    def _check_plain(self, head: dict[str, Any], record: dict[str, Any], cell: bool = False) -> Checked | None:
        """A plain record of plain values, by the caches; None if it is not one."""
        classes: list[object] = [_ABSENT] * len(self._positions)
        parsed_fields = []
        errors: list[FieldError] = []
        fields = self._cell_fields if cell else self._fields
        for field, value in record.items():
            if field in _PASSTHROUGH:
                if not passthrough_ok(value):
                    return None  # its error message quotes the value: the full parser says it
                continue
            kind = type(value)
            if kind is str or kind is int or kind is bool or value is None:
                key: tuple[object, ...] = (field, kind, value)
            elif kind is float:
                key = (field, kind, repr(value))  # -0.0 and nan are not 0.0, nor equal to it
            elif kind is list and all(type(v) is str for v in value):
                key = (field, kind, tuple(value))
            else:
                return None
            parsed = fields.get(key)
            if parsed is None:
                parsed = self._parse_field(field, value, cell)
                make_room(fields, CACHE_FIELDS)
                fields[key] = parsed
            if isinstance(parsed, FieldError):
                errors.append(parsed)
            else:
                classes[parsed[0]] = parsed[1]
                parsed_fields.append(parsed)
        head.update({k: record[k] for k in PASSTHROUGH if k in record})
        if errors:
            return Checked(head, None, _errors(errors))
        return Checked(head, self._body_of(classes, parsed_fields))

    def _check_row(self, head: dict[str, Any], table: Table, cells: list[str]) -> Checked | None:
        """A CSV row by the caches: each column reads each distinct cell once, by
        `tables.cell_value` and then the parser, as the same row as a record would be.

        A row whose cells have all been read before is one lookup: each cell has a code
        in its column, and the codes of a row name its assessment (`_RowPlan`)."""
        plan = self._tables.get(table)
        if plan is None:
            make_room(self._tables, 64)
            plan = self._tables[table] = _RowPlan(table.columns)
        names = []
        for name, i in plan.passthrough:
            text = cells[i].strip()
            if text:
                if not text.isascii() and not passthrough_ok(text):
                    return None  # its error message quotes the value: the full parser says it
                names.append((name, text))
        head.update(names)  # only now: a row that went back above takes the full parser's way
        answer_cells = plan.pick(cells)
        body = plan.bodies.get(tuple(map(dict.get, plan.codes, answer_cells)))
        if body is None:
            read = self._read_cells(plan, answer_cells)
            if isinstance(read, tuple):
                return Checked(head, None, read)
            body = read
        return Checked(head, body)

    def _read_cells(self, plan: _RowPlan, answer_cells: tuple[str, ...]) -> Body | tuple[dict[str, Any], ...]:
        """The way for a row the lookup missed: cell by cell, each new cell by the parser."""
        classes: list[object] = [_ABSENT] * len(self._positions)
        parsed_fields: list[tuple[int, object, AnswerValue]] = []
        errors: list[FieldError] = []
        codes = []
        for column, cell in enumerate(answer_cells):
            entry = plan.seen[column].get(cell)
            if entry is None:
                entry = self._read_cell(plan, column, cell)
            code, parsed = entry
            codes.append(code)
            if parsed is None:
                continue
            if isinstance(parsed, FieldError):
                errors.append(parsed)
            else:
                classes[parsed[0]] = parsed[1]
                parsed_fields.append(parsed)
        if errors:
            return _errors(errors)
        body = self._body_of(classes, parsed_fields)
        make_room(plan.bodies, CACHE_FIELDS)
        plan.bodies[tuple(codes)] = body
        return body

    def _read_cell(
        self, plan: _RowPlan, column: int, cell: str
    ) -> tuple[int, tuple[int, object, AnswerValue] | FieldError | None]:
        """A cell not seen before in its column: its code, and what the parser made of it
        (None for an empty cell). Cells that reduce to the same class share the code."""
        name, question = plan.answer_columns[column]
        value = cell_value(question, cell)
        parsed = None if value is EMPTY else self._parse_field(name, value, True)
        cls = parsed if parsed is None or isinstance(parsed, FieldError) else parsed[1]
        classes = plan.classes[column]
        code = classes.get((type(cls), cls))
        if code is None:
            make_room(classes, CACHE_FIELDS)
            code = classes[(type(cls), cls)] = next(self._codes)
        seen, code_of = plan.seen[column], plan.codes[column]
        make_room(seen, CACHE_FIELDS)
        make_room(code_of, CACHE_FIELDS)  # the two hold the same cells, in the same order
        entry = seen[cell] = (code, parsed)
        code_of[cell] = code
        return entry

    def _body_of(self, classes: list[object], parsed_fields: list[tuple[int, object, AnswerValue]]) -> Body:
        # The classes name the signature without computing it; the assessment is looked up
        # by signature, so it is held once however many class tuples lead to it.
        key = tuple(classes)
        signature = self._signatures.get(key)
        body = self._cache.get(signature) if signature is not None else None
        if body is None:
            answers = {self._ids[p[0]]: p[2] for p in parsed_fields}
            if signature is None:
                signature = engine.signature(self.rules, answers, self.today)
                make_room(self._signatures, CACHE_FIELDS)
                self._signatures[key] = signature
            body = self._cached_body(answers, signature)
        return body

    def _parse_field(
        self, field: str, value: object, cell: bool = False
    ) -> tuple[int, object, AnswerValue] | FieldError:
        """One field by the one parser: its position, class and value; or its error."""
        try:
            parsed = parse_record(self.rules, {field: value}, cell=cell)[field]
        except AnswerError as e:
            return e.errors[0]
        cuts = self._cuts.get(field)
        if cuts is not None and type(parsed) is int:
            return self._positions[field], ("intervall", bisect_right(cuts, parsed)), parsed
        return self._positions[field], parsed, parsed

    def _check_uncached(self, head: dict[str, Any], value: object, cell: bool = False) -> Checked:
        errors: list[FieldError] = []
        saved = None
        if isinstance(value, dict):  # even when the record is malformed, the line can be found
            head.update({k: value[k] for k in PASSTHROUGH if k in value and passthrough_ok(value[k])})
        try:
            # A file saved under another version of the rules: what it cannot be read as
            # today is set aside with a note, and the line says what changed since.
            value, saved = adapt(self.rules, value)
            record = unwrap_saved(value)
            # id and navn go through even when an answer is wrong, so the line can be found.
            if isinstance(record, dict):
                head.update({k: record[k] for k in PASSTHROUGH if k in record and passthrough_ok(record[k])})
            answers = parse_record(self.rules, value, cell=cell)  # it unwraps a saved file itself, once
        except AnswerError as e:
            errors.extend(e.errors)
        if errors:
            return Checked(head, None, _errors(errors))
        if saved is not None:
            old = self.earlier(saved.version)
            head["endret_siden"] = changed_since(saved, old, self.rules, answers, self.today)
        return Checked(head, self._cached_body(answers))


def _errors(errors: list[FieldError]) -> tuple[dict[str, Any], ...]:
    return tuple({"felt": e.field, "melding": e.message} for e in errors)


# --- I/O ----------------------------------------------------------------------------------

INPUT_KINDS = ("json", "csv", "xlsx")


class Tally:
    """Counts for the line on stderr and for --oppsummering."""

    def __init__(self, rules: RuleBase) -> None:
        self.rules = rules
        self.read = self.ok = self.errors = self.none_fit = 0
        # Counted per distinct outcome while reading (few), spread out over schemes at the end.
        self._outcomes: dict[tuple[tuple[str, ...], tuple[str, ...]], int] = {}

    def add(self, checked: Checked) -> None:
        self.read += 1
        body = checked.body
        if body is None:
            self.errors += 1
            return
        self.ok += 1
        self.none_fit += not body.recommended
        key = body.tally_key
        self._outcomes[key] = self._outcomes.get(key, 0) + 1

    @property
    def statuses(self) -> dict[str, dict[str, int]]:
        """For each scheme id, how many records had each status."""
        counts: dict[str, dict[str, int]] = {s.id: {} for s in self.rules.schemes}
        for (statuses, _), n in self._outcomes.items():
            for scheme, status in zip(self.rules.schemes, statuses, strict=True):
                counts[scheme.id][status] = counts[scheme.id].get(status, 0) + n
        return counts

    @property
    def missing(self) -> dict[str, int]:
        """For each question id, how many valid records lack an answer the guide would ask for."""
        counts: dict[str, int] = {}
        for (_, missing), n in self._outcomes.items():
            for question in missing:
                counts[question] = counts.get(question, 0) + n
        return counts

    def summary(self, empty_rows: int = 0) -> str:
        records = "post" if self.read == 1 else "poster"
        valid = "gyldig" if self.ok == 1 else "gyldige"
        text = f"soknad sjekk: {self.read} {records} lest, {self.ok} {valid}, {self.errors} med feil"
        text += f", {self.none_fit} uten anbefalt ordning"
        if empty_rows:
            text += f"; {empty_rows} {'tom rad' if empty_rows == 1 else 'tomme rader'} hoppet over"
        return text + "."


@dataclass
class Input:
    name: str | None  # None for stdin
    stream: BinaryIO
    size: int
    kind: str


def input_kind(path: Path, given: str | None) -> str:
    """By --inndata, else by the file's extension; JSON for anything else."""
    if given is not None:
        return given
    suffix = path.suffix.lower()
    return {".csv": "csv", ".xlsx": "xlsx"}.get(suffix, "json")


def _open_inputs(paths: list[Path], stack: ExitStack, kind: str | None) -> list[Input]:
    """Open every input before reading any, so a bad path fails before output starts."""
    opened: list[Input] = []
    for path in paths or [Path("-")]:
        if str(path) == "-":
            stream: BinaryIO = sys.stdin.buffer
            if kind == "xlsx":  # a zip file needs to seek: stdin goes to a temporary file first
                import shutil
                import tempfile

                stream = stack.enter_context(tempfile.TemporaryFile())  # noqa: SIM115 (the stack closes it)
                shutil.copyfileobj(sys.stdin.buffer, stream)
                stream.seek(0)
            opened.append(Input(None, stream, 0, kind or "json"))
            continue
        try:
            if path.is_dir():
                raise IsADirectoryError(21, "Is a directory")
            f = stack.enter_context(path.open("rb"))
            opened.append(Input(str(path), f, path.stat().st_size, input_kind(path, kind)))
        except OSError as e:
            raise os_problem(path, e, writing=False) from None
    return opened


def open_tables(
    inputs: list[Input], rules: RuleBase, stats: TableStats, sheet: str | None, header_row: int | None
) -> list[Table | None]:
    """Find the list in each spreadsheet input (None for JSON) before any row is read, so a
    file with no list fails before output starts, and the own columns of every file are
    known for the result's header. Raises `tables.TableProblem`."""
    tables: list[Table | None] = []
    for item in inputs:
        source = item.name or "stdin"
        if item.kind == "csv":
            tables.append(open_csv(item.stream, rules, source, stats, header_row))
        elif item.kind == "xlsx":
            tables.append(open_xlsx(item.stream, rules, source, stats, sheet, header_row))
        else:
            tables.append(None)
    combine_own([t for t in tables if t is not None])
    return tables


def _records(inputs: list[Input], tables: list[Table | None], progress: Any) -> Iterator[tuple[str | None, RawRecord]]:
    several = len(inputs) > 1
    for item, table in zip(inputs, tables, strict=True):
        task = progress.add_task(item.name or "stdin", total=item.size) if progress is not None and item.size else None
        records = table.records() if table is not None else read_records(item.stream)
        for n, record in enumerate(records, 1):
            if task is not None and n % 512 == 0 and item.kind != "xlsx":
                progress.update(task, completed=item.stream.tell())
            yield (item.name if several else None), record
        if task is not None:
            progress.update(task, completed=item.size)


@dataclass
class Options:
    """How `soknad sjekk` reads and writes, beyond the rules and the date."""

    paths: list[Path]
    fmt: str = "json"  # json, tabell, csv or xlsx
    fail_if_none: bool = False
    earlier: Callable[[str], RuleBase | None] | None = None
    kind: str | None = None  # --inndata
    sheet: str | None = None  # --ark
    header_row: int | None = None  # --overskriftsrad
    output: Path | None = None  # -o
    csv_form: str | None = None  # "excel" (--excel), "komma" (--komma), or None: as the list came
    summary: bool = False


EXCEL_CSV = CsvDialect(";", bom=True, crlf=True)
PLAIN_CSV = CsvDialect(",")


def csv_dialect(form: str | None, output: Path | None, tables: list[Table | None]) -> CsvDialect:
    """The form of CSV written: as asked; else, to a file, the form the first list came in
    (an .xlsx came from Excel, so Excel's form); else plain, for a program to read."""
    if form == "excel":
        return EXCEL_CSV
    if form == "komma" or output is None:
        return PLAIN_CSV
    first = next((t for t in tables if t is not None), None)
    if first is None:
        return PLAIN_CSV
    if first.kind == "xlsx":
        return EXCEL_CSV
    return first.dialect


def _sink(rules: RuleBase, today: dt.date, options: Options, flush_each: bool, tables: list[Table | None]) -> Sink:
    own = all_own_names(tables)
    if options.fmt == "csv":
        return CsvSink(rules, options.output, csv_dialect(options.csv_form, options.output, tables), today, own)
    if options.fmt == "xlsx":
        return XlsxSink(rules, options.output, today, own)
    if options.fmt == "tabell":
        return TableSink(rules, today, options.output)
    return JsonSink(options.output, flush_each)


def all_own_names(tables: list[Table | None]) -> list[str]:
    return next((t.all_own_names for t in tables if t is not None), [])


def run_batch(rules: RuleBase, today: dt.date, options: Options) -> int:
    checker = Checker(rules, today, options.earlier)
    tally = Tally(rules)
    stats = TableStats()
    with ExitStack() as stack:
        inputs = _open_inputs(options.paths, stack, options.kind)
        tables = open_tables(inputs, rules, stats, options.sheet, options.header_row)
        for table in tables:
            if table is not None:
                stack.callback(table.close)
        if options.sheet is not None and not any(item.kind == "xlsx" for item in inputs):
            stats.header_notes.append(f"--ark {options.sheet} gjelder bare Excel-filer (.xlsx), og er ikke brukt.")
        # How each list was found (the sheet, the header row, its own columns) is said before
        # any row is read, so it comes before a table on the screen, not after it.
        early = [*stats.info, *stats.header_notes]
        _say_notes(stats, early, ())
        progress = _progress(stack, inputs)
        # Someone typing records at a terminal sees each result at once, and how to stop.
        flush_each = sys.stdin.isatty() and any(item.name is None for item in inputs)
        if options.fmt != "tabell":  # the table shows them itself; JSON and files stay pure
            for warning in engine.rule_base_warnings(rules, today):
                sys.stderr.write(f"Advarsel: {warning}\n")
        if flush_each:
            sys.stderr.write("soknad sjekk: leser JSON fra tastaturet, én post per linje. Ctrl-D avslutter.\n")
        sink = _sink(rules, today, options, flush_each, tables)
        try:
            for nr, (name, record) in enumerate(_records(inputs, tables, progress), 1):
                checked = checker.check(nr, record, name)
                tally.add(checked)
                sink.write(checked)
            if options.summary and options.fmt == "tabell":
                assert isinstance(sink, TableSink)
                sink.summary = tally
            if isinstance(sink, XlsxSink):
                sink.notes = stats.notes()
            sink.finish()
        except KeyboardInterrupt as e:
            # A line is written whole or not at all, so what is buffered is complete lines:
            # flush them, so nothing already assessed is lost. SIGTERM and SIGHUP too. A
            # file given with -o is not written at all.
            sink.abort()
            _flush_quietly(sys.stdout)
            sys.stderr.write(tally.summary(stats.empty_rows) + " Avbrutt.\n")
            return exit_code(e)
        except BrokenPipeError:
            # The reader went away (`| head`). Not an error: stop quietly and at once.
            sink.abort()
            silence_stdout()
            return 0
        except OSError as e:
            # stdout itself failed (a full disk, say). Say so; the lines before are intact.
            sink.abort()
            silence_stdout()
            reason = os_problem(Path("stdout"), e, writing=True).reason
            sys.stderr.write(f"Feil: kunne ikke skrive resultatet. {reason}\n" + tally.summary() + "\n")
            return 2
        except BaseException:
            sink.abort()
            raise
    _say_notes(stats, stats.notes(), early)
    if tally.read == 0:
        sys.stderr.write("soknad sjekk: fant ingen poster i inndata.\n")
    else:
        sys.stderr.write(tally.summary(stats.empty_rows) + "\n")
    if options.summary and options.fmt != "tabell":
        from .render import make_console

        print_summary(make_console(stderr=True), rules, tally)
    if options.output is not None:
        sys.stderr.write(f"Resultatet er skrevet til {options.output}.\n")
    if tally.errors or (options.fail_if_none and tally.none_fit):
        return 1
    return 0


def _say_notes(stats: TableStats, notes: list[str], said: Any) -> None:
    """The notes on reading the lists, on stderr, each once: a warning as «Advarsel»."""
    from .command import err

    for note in notes:
        if note not in said:
            err(("Advarsel: " if note in stats.header_notes else "soknad sjekk: ") + note)


def _flush_quietly(out: IO[str]) -> None:
    try:
        out.flush()
    except BrokenPipeError:
        silence_stdout()


def _progress(stack: ExitStack, inputs: list[Input]) -> Any:
    """A progress bar on stderr, only for a terminal and large files; never when piped."""
    if not sys.stderr.isatty() or sum(item.size for item in inputs) < _PROGRESS_MIN_BYTES:
        return None
    from rich.console import Console
    from rich.progress import Progress

    # Not redirecting stdout: the records go to stdout, the bar alone to stderr.
    bar = Progress(console=Console(stderr=True), transient=True, redirect_stdout=False, redirect_stderr=False)
    return stack.enter_context(bar)


# --- For people: the table and the summary ---------------------------------------------------


class TableSink(Sink):
    """A table for people: one row per record, then the notes and other possibilities."""

    def __init__(self, rules: RuleBase, today: dt.date, path: Path | None) -> None:
        self.rules = rules
        self.today = today
        self.rows: list[tuple[Checked, str, str, str, str]] = []
        self.summary: Tally | None = None
        if path is not None:
            raise FileProblem(path, "--format tabell skrives bare til skjermen; bruk csv eller xlsx til en fil.")

    def write(self, checked: Checked) -> None:
        names = {s.id: s.name for s in self.rules.schemes}
        who = clean(str(checked.head.get("navn", checked.head.get("id", ""))))
        if checked.body is None:
            label = "Feil: " + "; ".join(
                f"{e['felt']}: {e['melding']}" if e["felt"] else e["melding"] for e in checked.errors
            )
            self.rows.append((checked, who, label, "", ""))
            return
        body = checked.body
        maybe = [s.id for s, st in zip(self.rules.schemes, body.statuses, strict=True) if st == "kanskje"]
        if body.recommended:
            label = ", ".join(names[i] for i in body.recommended)
        elif body.earlier:
            label = "Ingen med åpen runde; se Passet tidligere og Andre muligheter"
        else:
            label = "Ingen sikkert; se Kanskje" if maybe else "Ingen passer"
        earlier = ", ".join(names[i] for i in body.earlier)
        self.rows.append((checked, who, label, ", ".join(names[i] for i in maybe), earlier))

    def finish(self) -> None:
        from rich.markup import escape
        from rich.table import Table

        from .render import References, bullets, make_console, print_warnings

        console = make_console()
        refs = References()
        print_warnings(console, engine.rule_base_warnings(self.rules, self.today))
        # A table where there is room for every word of a scheme's name; a list where there is
        # not, so that no name is ever cut («Industrifagskol…»).
        wide = console.width >= _TABLE_WIDTH
        table = Table(title=f"Resultat per post, vurdert per {self.today.isoformat()}")
        table.add_column("Linje", justify="right")  # where the adviser finds the row in the file
        for heading in ("Bedrift", "Anbefalt", "Kanskje", "Passet tidligere (runden er over)"):
            table.add_column(heading)
        shown: set[str] = set()
        others: set[str] = set()
        for checked, who, label, maybe, earlier in self.rows:
            style = "" if checked.ok else "red"
            line = str(checked.head.get("linje") or "")
            if wide:
                table.add_row(line, escape(who), escape(label), escape(maybe), escape(earlier), style=style)
            else:
                console.print(f"[bold]Linje {line}: {escape(who)}[/bold]", style=style)
                parts = [("Anbefalt: ", label), ("Kanskje: ", maybe), ("Passet tidligere: ", earlier)]
                if not checked.ok:
                    parts = [("", label)]  # «Feil: …»
                console.print(bullets(("", f"{name}{escape(text)}") for name, text in parts if text), style=style)
            if checked.body is not None:
                statuses = zip(self.rules.schemes, checked.body.statuses, strict=True)
                shown |= {s.id for s, st in statuses if st in ("aktuell", "kanskje")}
                if not any(
                    st == "aktuell" and engine.deadline_state(s, self.today).passed is False
                    for s, st in zip(self.rules.schemes, checked.body.statuses, strict=True)
                ):
                    others.add("ja")
        if wide:
            console.print(table)
        year = self.today.year
        for scheme in engine.in_force(self.rules, self.today).schemes:
            if scheme.id not in shown:
                continue
            d = engine.deadline_state(scheme, self.today)
            shown_round = round_line(scheme)
            rows = [("", escape(shown_round))] if shown_round is not None else []
            rows.append(("", "Frist: " + escape(deadline_text(d))))
            if d.passed:
                rows.append(("", "Etter fristen: " + escape(scheme.after_deadline)))
            rows += [("•", "Merknad: " + escape(note_line(note, year))) for note in scheme.notes]
            console.print(f"[bold]{escape(scheme.name)}[/bold]")
            console.print(bullets(rows))
        if others and self.rules.alternatives:
            console.print("[bold]Andre muligheter[/bold] for poster uten en anbefalt ordning med åpen frist")
            console.print(
                bullets(
                    (
                        "•",
                        f"[bold]{escape(alt.name)}:[/bold] {escape(alt.text)}{later_mark(alt.source.year, year)} "
                        f"({escape(refs.cite(alt.source))})",
                    )
                    for alt in self.rules.alternatives
                )
            )
        refs.print(console)  # the addresses whole, each on a line of its own
        if self.summary is not None:
            print_summary(console, self.rules, self.summary)


def print_summary(console: Any, rules: RuleBase, tally: Tally) -> None:
    """How many records each scheme fits, and the questions most often unanswered."""
    from rich.markup import escape
    from rich.table import Table

    table = Table(title="Oppsummering")
    table.add_column("Ordning")
    for heading in ("Aktuell", "Kanskje", "Ikke aktuell"):
        table.add_column(heading, justify="right")
    for scheme in rules.schemes:
        counts = tally.statuses[scheme.id]
        table.add_row(escape(scheme.name), *(str(counts.get(k, 0)) for k in ("aktuell", "kanskje", "ikke_aktuell")))
    console.print(table)
    if tally.missing:
        order = [q.id for q in rules.questions]
        ranked = sorted(tally.missing.items(), key=lambda kv: (-kv[1], order.index(kv[0])))
        console.print(
            "[bold]Spørsmål som oftest mangler svar[/bold] (ring først bedriftene som mangler disse svarene):"
        )
        for qid, count in ranked:
            console.print(f"  {escape(qid)}: {count} {'post' if count == 1 else 'poster'}")
