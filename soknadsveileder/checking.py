"""`soknad sjekk`: records in, one JSON line per record out, streamed.

`Checker` turns a raw record into an output object. It is where batch speed comes from:
answers take few distinct values, so assessments are cached by answers and a thousand
companies with the same answers cost one evaluation. The cache is bounded, so memory stays
flat however long the input is.

`run_batch` does the I/O: files or stdin in, stdout out, a count and an optional progress
bar on stderr, Ctrl-C and a closed pipe handled without losing or cutting a line.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, BinaryIO

from . import engine
from .answers import PASSTHROUGH, AnswerError, FieldError, clean, parse_record, passthrough_ok, unwrap_saved
from .batch import RawRecord, read_records
from .files import os_problem, silence_stdout, stdout_ascii
from .interrupt import exit_code
from .jsonout import result_json
from .model import AnswerValue, RuleBase

_C1 = re.compile("[\u007f-\u009f\u2028\u2029]")
_PROGRESS_MIN_BYTES = 1_000_000
_CACHE_SIZE = 4096


# Decided once per run: the cached assessment bodies are spliced into every line.
ASCII_ONLY = stdout_ascii()


def dumps_line(obj: dict[str, Any]) -> str:
    """One JSON line. C1 control characters are escaped too, so none reach a terminal raw."""
    text = json.dumps(obj, ensure_ascii=ASCII_ONLY)
    if _C1.search(text):
        text = _C1.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    return text + "\n"


@dataclass(frozen=True)
class Checked:
    """One output line and what the summary needs to know about it."""

    line: str
    ok: bool
    fits: bool  # some scheme is recommended


class Checker:
    """Turns raw records into output lines.

    The assessment part of a line depends only on the answers, which take few distinct
    values across a batch, so it is evaluated and serialised once per distinct set of
    answers (a bounded cache) and spliced after the record's own fields.
    """

    def __init__(self, rules: RuleBase, today: dt.date) -> None:
        self.rules = rules
        self.today = today
        self._cache: dict[tuple[tuple[str, AnswerValue], ...], tuple[str, bool]] = {}

    def _cached_body(self, answers: dict[str, AnswerValue]) -> tuple[str, bool]:
        key = engine.signature(self.rules, answers)
        body = self._cache.get(key)
        if body is None:
            if len(self._cache) >= _CACHE_SIZE:
                self._cache.clear()  # bounded: memory stays flat however many distinct answers
            body = self._cache[key] = self._body_uncached(key, answers)
        return body

    def _body_uncached(self, key: tuple[tuple[str, AnswerValue], ...], answers: Any) -> tuple[str, bool]:
        result = engine.evaluate(self.rules, answers, self.today)
        text = dumps_line({"ok": True, **result_json(result)})
        return text[1:], bool(result.recommended)  # without the opening brace

    def check(self, nr: int, raw: RawRecord, source: str | None = None) -> Checked:
        head: dict[str, Any] = {"nr": nr, "linje": raw.line}
        if source is not None:
            head["fil"] = source
        if raw.error is not None:
            return _failed(head, [FieldError(None, raw.error)])
        errors: list[FieldError] = []
        try:
            record = unwrap_saved(raw.value)
            # id and navn go through even when an answer is wrong, so the line can be found.
            if isinstance(record, dict):
                head.update({k: record[k] for k in PASSTHROUGH if k in record and passthrough_ok(record[k])})
            answers = parse_record(self.rules, record)
        except AnswerError as e:
            errors.extend(e.errors)
        if errors:
            return _failed(head, errors)
        body, fits = self._cached_body(answers)
        return Checked(dumps_line(head)[:-2] + ", " + body, True, fits)


def _failed(head: dict[str, Any], errors: list[FieldError]) -> Checked:
    feil = [{"felt": e.field, "melding": e.message} for e in errors]
    return Checked(dumps_line({**head, "ok": False, "feil": feil}), False, False)


# --- I/O ----------------------------------------------------------------------------------


class Tally:
    def __init__(self) -> None:
        self.read = self.ok = self.errors = self.none_fit = 0

    def add(self, checked: Checked) -> None:
        self.read += 1
        if checked.ok:
            self.ok += 1
            self.none_fit += not checked.fits
        else:
            self.errors += 1

    def summary(self) -> str:
        records = "post" if self.read == 1 else "poster"
        valid = "gyldig" if self.ok == 1 else "gyldige"
        text = f"soknad sjekk: {self.read} {records} lest, {self.ok} {valid}, {self.errors} med feil"
        return text + f", {self.none_fit} uten anbefalt ordning."


def _open_inputs(paths: list[Path], stack: ExitStack) -> list[tuple[str | None, BinaryIO, int]]:
    """Open every input before reading any, so a bad path fails before output starts."""
    opened: list[tuple[str | None, BinaryIO, int]] = []
    for path in paths or [Path("-")]:
        if str(path) == "-":
            opened.append((None, sys.stdin.buffer, 0))
            continue
        try:
            if path.is_dir():
                raise IsADirectoryError(21, "Is a directory")
            f = stack.enter_context(path.open("rb"))
            opened.append((str(path), f, path.stat().st_size))
        except OSError as e:
            raise os_problem(path, e, writing=False) from None
    return opened


def _records(inputs: list[tuple[str | None, BinaryIO, int]], progress: Any) -> Iterator[tuple[str | None, RawRecord]]:
    several = len(inputs) > 1
    for name, stream, size in inputs:
        task = progress.add_task(name or "stdin", total=size) if progress is not None and size else None
        for n, record in enumerate(read_records(stream), 1):
            if task is not None and n % 512 == 0:
                progress.update(task, completed=stream.tell())
            yield (name if several else None), record
        if task is not None:
            progress.update(task, completed=size)


def run_batch(rules: RuleBase, today: dt.date, paths: list[Path], fmt: str, fail_if_none: bool) -> int:
    checker = Checker(rules, today)
    tally = Tally()
    out = sys.stdout
    rows: list[dict[str, Any]] = []
    with ExitStack() as stack:
        inputs = _open_inputs(paths, stack)
        progress = _progress(stack, inputs)
        # Someone typing records at a terminal sees each result at once, and how to stop.
        flush_each = sys.stdin.isatty() and any(name is None for name, _, _ in inputs)
        if fmt == "json":  # the table shows them itself; JSON keeps stdout pure
            for warning in engine.rule_base_warnings(rules, today):
                sys.stderr.write(f"Advarsel: {warning}\n")
        if flush_each:
            sys.stderr.write("soknad sjekk: leser JSON fra tastaturet, én post per linje. Ctrl-D avslutter.\n")
        try:
            for nr, (name, record) in enumerate(_records(inputs, progress), 1):
                checked = checker.check(nr, record, name)
                tally.add(checked)
                if fmt == "json":
                    out.write(checked.line)
                    if flush_each:
                        out.flush()
                else:
                    rows.append(_row(rules, json.loads(checked.line)))
            if fmt == "tabell":
                _print_table(rules, today, rows)
            out.flush()
        except KeyboardInterrupt as e:
            # A line is written whole or not at all, so what is buffered is complete lines:
            # flush them, so nothing already assessed is lost. SIGTERM and SIGHUP too.
            _flush_quietly(out)
            sys.stderr.write(tally.summary() + " Avbrutt.\n")
            return exit_code(e)
        except BrokenPipeError:
            # The reader went away (`| head`). Not an error: stop quietly and at once.
            silence_stdout()
            return 0
        except OSError as e:
            # stdout itself failed (a full disk, say). Say so; the lines before are intact.
            silence_stdout()
            reason = os_problem(Path("stdout"), e, writing=True).reason
            sys.stderr.write(f"Feil: kunne ikke skrive resultatet. {reason}\n" + tally.summary() + "\n")
            return 2
    if tally.read == 0:
        sys.stderr.write("soknad sjekk: fant ingen poster i inndata.\n")
    else:
        sys.stderr.write(tally.summary() + "\n")
    if tally.errors or (fail_if_none and tally.none_fit):
        return 1
    return 0


def _flush_quietly(out: IO[str]) -> None:
    try:
        out.flush()
    except BrokenPipeError:
        silence_stdout()


def _progress(stack: ExitStack, inputs: list[tuple[str | None, BinaryIO, int]]) -> Any:
    """A progress bar on stderr, only for a terminal and large files; never when piped."""
    if not sys.stderr.isatty() or sum(size for _, _, size in inputs) < _PROGRESS_MIN_BYTES:
        return None
    from rich.console import Console
    from rich.progress import Progress

    return stack.enter_context(Progress(console=Console(stderr=True), transient=True))


def _row(rules: RuleBase, result: dict[str, Any]) -> dict[str, Any]:
    names = {s.id: s.name for s in rules.schemes}
    who = clean(str(result.get("navn", result.get("id", ""))))
    row: dict[str, Any] = {"nr": result["nr"], "hvem": who, "ok": result["ok"], "ordninger": [], "andre": []}
    if not result["ok"]:
        return {**row, "anbefalt": "; ".join(f["melding"] for f in result["feil"]), "kanskje": ""}
    maybe = [v for v in result["vurderinger"] if v["status"] == "kanskje"]
    if result["anbefalte"]:
        text = ", ".join(names[i] for i in result["anbefalte"])
    else:
        text = "Ingen sikkert; se Kanskje" if maybe else "Ingen passer"
    # A maybe names what it waits for: the requirement, or what to ask where the sources are unclear.
    extra = "\n".join(f"{names[v['id']]}: {v['endringer'][0]}" for v in maybe if v["endringer"])
    row["ordninger"] = list(result["anbefalte"]) + [v["id"] for v in maybe]
    row["andre"] = [alt["id"] for alt in result["andre_muligheter"]]
    return {**row, "anbefalt": text, "kanskje": extra}


def _print_table(rules: RuleBase, today: dt.date, rows: list[dict[str, Any]]) -> None:
    """The results for people: warnings, one row per record, then the notes of the schemes
    shown and the other possibilities, each once, so nothing in the rule base is left out."""
    from rich.markup import escape
    from rich.table import Table

    from .render import bullets, make_console, print_warnings

    console = make_console()
    print_warnings(console, engine.rule_base_warnings(rules, today))
    table = Table(title="Resultat per post")
    table.add_column("Nr", justify="right")
    table.add_column("Bedrift")
    table.add_column("Anbefalt")
    table.add_column("Kanskje")
    for r in rows:
        style = "" if r["ok"] else "red"
        label = r["anbefalt"] if r["ok"] else "Feil: " + r["anbefalt"]
        table.add_row(str(r["nr"]), escape(r["hvem"]), escape(label), escape(r["kanskje"]), style=style)
    console.print(table)
    shown = {sid for r in rows for sid in r["ordninger"]}
    for scheme in rules.schemes:
        if scheme.id in shown and scheme.notes:
            console.print(f"[bold]Merknader om {escape(scheme.name)}[/bold]")
            console.print(bullets(("•", escape(note)) for note in scheme.notes))
    others = {aid for r in rows for aid in r["andre"]}
    if others:
        console.print("[bold]Andre muligheter[/bold] for poster uten en anbefalt ordning med åpen frist")
        console.print(
            bullets(
                ("•", f"[bold]{escape(alt.name)}:[/bold] {escape(alt.text)} ({escape(alt.source.citation)})")
                for alt in rules.alternatives
                if alt.id in others
            )
        )
