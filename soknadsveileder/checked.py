"""One checked record of `soknad sjekk`, and its assessment: what every output reads.

Kept apart from the batch (`checking`) and the outputs (`sinks`), which both use it, so
that each imports only downwards.
"""

from __future__ import annotations

import json
import re
from typing import Any

from .files import stdout_ascii
from .jsonout import result_json
from .model import Result
from .texts import status_cell, status_words_cell

CACHE_FIELDS = 65_536  # small entries: a field value, or a tuple of classes

_C1 = re.compile("[\u007f-\u009f\u2028\u2029]")


# Decided once per run: the cached assessment bodies are spliced into every line.
ASCII_ONLY = stdout_ascii()


def dumps_line(obj: dict[str, Any]) -> str:
    """One JSON line."""
    return _dumps(obj) + "\n"


def _dumps(value: object) -> str:
    """JSON text. C1 control characters are escaped too, so none reach a terminal raw."""
    text = json.dumps(value, ensure_ascii=ASCII_ONLY)
    if _C1.search(text):
        text = _C1.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    return text


class Body:
    """The assessment of one set of answers, and what each output and the summary use.

    Its JSON is made the first time a JSON line needs it, so CSV and Excel do not pay for
    it. It is kept as pieces, one per list element, shared with every other assessment that
    has the same piece: a scheme's assessment, a checklist entry. An assessment is some 12 KB
    of text, but most of it is the same from one set of answers to the next, so thousands of
    cached assessments cost little memory.
    """

    def __init__(self, result: Result, pieces: dict[str, str], questions: dict[str, str]) -> None:
        self.result: Result | None = result
        self.recommended = result.recommended
        self.earlier = result.earlier
        self.statuses = tuple(a.status.value for a in result.assessments)  # in the rule base's order
        self.missing = result.missing
        # the CSV and Excel columns from `ok` to `feil`; a status says when its deadline passed
        self.cells = (
            "ja",
            ", ".join(self.recommended),
            ", ".join(self.earlier),
            *(status_cell(a) for a in result.assessments),
            ", ".join(self.missing),
            "",
        )
        # the same for people, in a workbook: scheme names, «Passer», the questions' text
        # (`questions`: id → text)
        names = {a.scheme.id: a.scheme.name for a in result.assessments}
        self.people_cells = (
            "Ja",
            "; ".join(names[i] for i in self.recommended),
            "; ".join(names[i] for i in self.earlier),
            *(status_words_cell(a) for a in result.assessments),
            "; ".join(questions.get(q, q) for q in self.missing),
            "",
        )
        self.tally_key = (self.statuses, self.missing)
        self._pieces = pieces
        self._json: tuple[str, ...] | None = None

    @property
    def json(self) -> tuple[str, ...]:
        """The JSON object's members after the record's own, ending the line: in pieces to join."""
        if self._json is None:
            assert self.result is not None
            parts = ['"ok": true']
            for name, value in result_json(self.result).items():
                if isinstance(value, list) and value:
                    parts.append(self._piece(f", {_dumps(name)}: ["))
                    for i, item in enumerate(value):
                        parts += [", "] if i else []
                        parts.append(self._piece(_dumps(item)))
                    parts.append("]")
                else:
                    parts.append(self._piece(f", {_dumps(name)}: {_dumps(value)}"))
            parts.append("}\n")
            self._json = tuple(parts)
            self.result = None  # the pieces are all a JSON line needs from now on
        return self._json

    def _piece(self, text: str) -> str:
        known = self._pieces.get(text)
        if known is None:
            make_room(self._pieces, CACHE_FIELDS)
            known = self._pieces[text] = text
        return known


class Checked:
    """One record checked: what the outputs and the summary need. The JSON line is made
    only if asked for, so CSV and Excel output do not pay for it. A spreadsheet row carries
    its own columns (`own`) and the table it comes from, which names them."""

    __slots__ = ("body", "errors", "head", "own", "table")

    def __init__(self, head: dict[str, Any], body: Body | None = None, errors: tuple[dict[str, Any], ...] = ()):
        self.head = head
        self.body = body
        self.errors = errors
        self.own: tuple[Any, ...] | None = None
        self.table: Any = None

    @property
    def ok(self) -> bool:
        return self.body is not None

    @property
    def fits(self) -> bool:
        """Some scheme is recommended."""
        return self.body is not None and bool(self.body.recommended)

    @property
    def line(self) -> str:
        head = self.head
        if self.own is not None:
            head = {**head, "kolonner": own_json(self.table.all_own_names, self.own)}
        if self.body is not None:
            return dumps_line(head)[:-2] + ", " + "".join(self.body.json)
        return dumps_line({**head, "ok": False, "feil": list(self.errors)})


def own_json(names: list[str], values: tuple[Any, ...]) -> dict[str, Any]:
    """A row's own columns in JSON: text, numbers and yes/no as they are, a date as ISO text."""
    out: dict[str, Any] = {}
    for name, value in zip(names, values, strict=True):
        if value is None or isinstance(value, str | int | float | bool):
            out[name] = value
        elif hasattr(value, "isoformat"):
            out[name] = value.isoformat()
        else:
            out[name] = str(value)
    return out


def make_room(cache: dict[Any, Any], size: int) -> None:
    """Drop the oldest entry of a full cache. Oldest first keeps what a batch still uses,
    where clearing all would evaluate it again."""
    if len(cache) >= size:
        del cache[next(iter(cache))]
