"""Reading answer records for `soknad sjekk`: JSON Lines, one object or an array, streamed.

Records come out one at a time, so memory stays flat however long the input is. A record
that cannot be read becomes a `RawRecord` with an error instead of stopping the batch, so
the output always has exactly one line per input record.

How the input form is told apart, from its first non-blank line:

* ``[`` starts an array. Its elements are decoded one by one from a growing buffer. The
  one exception: a first line that holds a whole array and is followed by more lines is
  JSON Lines whose first record is a list.
* Anything else is JSON Lines. If the first line alone is an incomplete JSON value (a
  pretty-printed object), the input is read whole, up to `DOCUMENT_LIMIT`, and parsed as
  one document; if that fails too, it is read line by line after all.
"""

from __future__ import annotations

import codecs
import json
import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO

DOCUMENT_LIMIT = 16 * 1024 * 1024
FIRST_LINE_LIMIT = 1024 * 1024
ELEMENT_LIMIT = 32 * 1024 * 1024
_CHUNK = 64 * 1024
_WS = " \t\r\n"


@dataclass(slots=True)
class RawRecord:
    line: int | None  # 1-based line where the record starts, when known
    value: Any = None
    error: str | None = None
    # A CSV row whose cells line up with the header: its cells, and the reader that knows
    # the columns (`tables.Table`). `value` is then built only if the checker asks for it.
    cells: list[str] | None = None
    table: Any = None  # the `tables.Table` a spreadsheet row comes from
    own: tuple[Any, ...] | None = None  # the row's own columns (`tables.Table.own_of`)


class _JSONValueError(ValueError):
    pass


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _JSONValueError(f"feltet '{_short(key)}' står to ganger")
        result[key] = value
    return result


def _reject_constant(name: str) -> Any:
    raise _JSONValueError(f"{name} er ikke et gyldig tall i JSON")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _JSONValueError(f"tallet {_short(text)} er for stort")
    return value


_DECODER = json.JSONDecoder(
    object_pairs_hook=_no_duplicates, parse_constant=_reject_constant, parse_float=_finite_float
)

_JSON_MESSAGES = {
    "Expecting value": "forventet en verdi",
    "Expecting property name enclosed in double quotes": "forventet et feltnavn i doble anførselstegn",
    "Unterminated string starting at": "teksten mangler avsluttende anførselstegn",
    "Expecting ',' delimiter": "forventet komma",
    "Expecting ':' delimiter": "forventet kolon",
    "Extra data": "ekstra innhold etter JSON-verdien",
    "Invalid control character at": "ugyldig kontrolltegn (for eksempel NUL eller linjeskift) i tekst",
    "Invalid \\escape": "ugyldig escape-sekvens",
    "Invalid \\uXXXX escape": "ugyldig \\u-escape",
}


def _short(text: str) -> str:
    from .answers import clean

    return clean(text)


def _decode_error_message(e: json.JSONDecodeError) -> str:
    if e.pos >= len(e.doc.rstrip()):
        return "Ugyldig JSON: verdien slutter for tidlig."
    return f"Ugyldig JSON: {_JSON_MESSAGES.get(e.msg, e.msg)} (kolonne {e.colno})."


def loads(text: str) -> Any:
    """Parse one JSON value strictly. Raises ValueError with a Norwegian message."""
    try:
        value, end = _DECODER.raw_decode(text, _skip_ws(text, 0))
    except json.JSONDecodeError as e:
        raise ValueError(_decode_error_message(e)) from None
    except _JSONValueError as e:
        raise ValueError(f"Ugyldig JSON: {e}.") from None
    except RecursionError:
        raise ValueError("Ugyldig JSON: verdien har for mange nivåer inni hverandre.") from None
    if _skip_ws(text, end) != len(text):
        raise ValueError(f"Ugyldig JSON: ekstra innhold etter JSON-verdien (tegn {end + 1}).")
    return value


def _skip_ws(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in _WS:
        pos += 1
    return pos


def _is_incomplete(text: str) -> bool:
    """Whether `text` is a valid start of a JSON value that simply stops too early."""
    try:
        loads(text)
    except ValueError:
        try:
            _DECODER.raw_decode(text, _skip_ws(text, 0))
        except json.JSONDecodeError as e:
            return e.pos >= len(text.rstrip())
        except (_JSONValueError, RecursionError):
            return False
        return False
    return False


def read_records(stream: BinaryIO) -> Iterator[RawRecord]:
    """Yield the records of one input stream, in order."""
    return _read_lines(stream, 0, detect=True)


def _read_lines(stream: BinaryIO | _Prefixed, line_no: int, *, detect: bool) -> Iterator[RawRecord]:
    first = detect
    while True:
        # Until the form is known, read at most FIRST_LINE_LIMIT: a huge array on one line
        # must be streamed element by element, not read whole.
        raw = stream.readline(FIRST_LINE_LIMIT) if first and not isinstance(stream, _Prefixed) else stream.readline()
        if not raw:
            return
        line_no += 1
        if first and raw.startswith(codecs.BOM_UTF8):
            raw = raw[len(codecs.BOM_UTF8) :]
        if not raw.strip():
            continue
        if first and not isinstance(stream, _Prefixed) and not raw.endswith(b"\n") and len(raw) >= FIRST_LINE_LIMIT - 3:
            if raw.lstrip().startswith(b"["):
                yield from _read_array(raw, stream, line_no)
                return
            raw += stream.readline()  # a long first record: read the rest of its line
        try:
            text = raw.decode("utf-8").rstrip("\r\n")
        except UnicodeDecodeError:
            first = False
            yield RawRecord(line_no, error="Linjen er ikke gyldig UTF-8.")
            continue
        if first and not isinstance(stream, _Prefixed):
            first = False
            if text.lstrip().startswith("["):
                record = _record(text, line_no)
                if record.error is not None or not isinstance(record.value, list):
                    yield from _read_array(raw, stream, line_no)
                    return
                # A whole array on the first line: the input is that array, unless more
                # lines follow, in which case it is JSON Lines whose first record is a list.
                peeked = _peek_content(stream)
                if not peeked.strip():
                    yield from (RawRecord(line_no, v) for v in record.value)
                    return
                yield record
                stream = _Prefixed(peeked, stream)
                continue
            if _is_incomplete(text):
                yield from _read_document(raw, stream, line_no)
                return
        first = False
        yield _record(text, line_no)


def _peek_content(stream: BinaryIO) -> bytes:
    """Blank lines up to and including the next line with content (or EOF)."""
    peeked = b""
    while True:
        raw = stream.readline()
        peeked += raw
        if not raw or raw.strip():
            return peeked


def _record(text: str, line_no: int | None) -> RawRecord:
    try:
        return RawRecord(line_no, loads(text))
    except ValueError as e:
        return RawRecord(line_no, error=str(e))


def _read_document(start: bytes, stream: BinaryIO, line_no: int) -> Iterator[RawRecord]:
    """A first line that is an incomplete value: try the whole input as one document."""
    parts = [start]
    size = len(parts[0])
    while size <= DOCUMENT_LIMIT:
        chunk = stream.read(_CHUNK)
        if not chunk:
            break
        parts.append(chunk)
        size += len(chunk)
    data = b"".join(parts)
    if size <= DOCUMENT_LIMIT:
        try:
            value = loads(data.decode("utf-8"))
        except (ValueError, UnicodeDecodeError):
            pass
        else:
            if isinstance(value, list):
                yield from (RawRecord(None, v) for v in value)
            else:
                yield RawRecord(line_no, value)
            return
    # Not one document after all: fall back to JSON Lines over what was read and the rest.
    yield from _read_lines(_Prefixed(data, stream), line_no - 1, detect=False)


class _Prefixed:
    """A binary stream that first replays bytes already read."""

    def __init__(self, prefix: bytes, stream: BinaryIO) -> None:
        self._lines = iter(prefix.splitlines(keepends=True))
        self._stream = stream
        self._carry = b""

    def readline(self) -> bytes:
        for line in self._lines:
            if line.endswith(b"\n"):
                return self._carry + line if self._carry else line
            self._carry += line  # the last piece of the prefix may end mid-line
        carry, self._carry = self._carry, b""
        return carry + self._stream.readline()


class _ArrayBuffer:
    """Decoded text of a stream, consumed from the front, topped up a chunk at a time."""

    def __init__(self, start: bytes, stream: BinaryIO) -> None:
        self._decoder = codecs.getincrementaldecoder("utf-8")()
        self._stream = stream
        self.text = self._decoder.decode(start)
        self.pos = 0
        self.eof = False

    def more(self) -> bool:
        """Append the next chunk (dropping what is consumed); False at the end of input."""
        if self.eof:
            return False
        chunk = self._stream.read(_CHUNK)
        self.eof = not chunk
        self.text = self.text[self.pos :] + self._decoder.decode(chunk, final=self.eof)
        self.pos = 0
        return not self.eof

    def skip_ws(self) -> int:
        """Skip white space; return how many line breaks were passed."""
        end = _skip_ws(self.text, self.pos)
        lines = self.text.count("\n", self.pos, end)
        self.pos = end
        return lines

    def only_ws_left(self) -> bool:
        while True:
            self.skip_ws()
            if self.pos < len(self.text):
                return False
            if not self.more():
                return True


def _read_array(start: bytes, stream: BinaryIO, line_no: int) -> Iterator[RawRecord]:
    """Decode the elements of a top-level array one at a time, from a growing buffer."""
    line = line_no
    try:
        buf = _ArrayBuffer(start, stream)
        line += buf.skip_ws()
        buf.pos += 1  # the "["
        expect_comma = False
        while True:
            line += buf.skip_ws()
            if buf.pos >= len(buf.text):
                if buf.more():
                    continue
                yield RawRecord(line, error="Ugyldig JSON: listen mangler avsluttende ].")
                return
            char = buf.text[buf.pos]
            if char == "]":
                buf.pos += 1
                if not buf.only_ws_left():
                    yield RawRecord(line, error="Ugyldig JSON: ekstra innhold etter listen.")
                return
            if expect_comma:
                if char != ",":
                    yield RawRecord(line, error="Ugyldig JSON: forventet komma mellom elementene i listen.")
                    return
                buf.pos += 1
                expect_comma = False
                continue
            try:
                value, end = _DECODER.raw_decode(buf.text, buf.pos)
            except json.JSONDecodeError as e:
                # Most likely the element is not complete in the buffer yet: read more and
                # try again, up to ELEMENT_LIMIT, after which it is a real syntax error.
                if len(buf.text) - buf.pos <= ELEMENT_LIMIT and buf.more():
                    continue
                yield RawRecord(line, error=_decode_error_message(e) + " Resten av listen kan ikke leses.")
                return
            except _JSONValueError as e:
                # The element is well-formed JSON with a bad value; skip past it and go on.
                yield RawRecord(line, error=f"Ugyldig JSON: {e}.")
                skip = _element_end(buf.text, buf.pos)
                if skip is None:
                    return
                end = skip
            except RecursionError:
                yield RawRecord(
                    line,
                    error="Ugyldig JSON: verdien har for mange nivåer inni hverandre. Resten av listen kan ikke leses.",
                )
                return
            else:
                yield RawRecord(line, value)
            line += buf.text.count("\n", buf.pos, end)
            buf.pos = end
            expect_comma = True
    except UnicodeDecodeError:
        yield RawRecord(line, error="Inndata er ikke gyldig UTF-8. Resten av listen kan ikke leses.")


def _element_end(buf: str, pos: int) -> int | None:
    """End of the JSON element at `pos`, found with a lenient decoder."""
    try:
        _, end = json.JSONDecoder().raw_decode(buf, pos)
    except (json.JSONDecodeError, RecursionError):
        return None
    return end
