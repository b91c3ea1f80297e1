"""The batch checker's caches give what the full parser and the engine give, record by record.

`soknad sjekk` reduces each field of a plain record to what can change a result and reuses
the outcome for every record with the same reduction. One checker is shared by every example
here, so a key that merges two different records (``true`` and ``1``, ``1`` and ``1.0``, a
number on each side of a bound) shows up as a wrong line. The reference is computed without
any cache: `parse_record`, then `engine.evaluate`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from typing import Any

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from soknadsveileder import engine
from soknadsveileder.answers import PASSTHROUGH, AnswerError, parse_record, passthrough_ok
from soknadsveileder.batch import RawRecord
from soknadsveileder.checking import Checker
from soknadsveileder.jsonout import result_json
from soknadsveileder.rules import load
from soknadsveileder.tables import Table, TableStats, read_csv

RULES = load()
TODAY = dt.date(2021, 3, 1)
SHARED = Checker(RULES, TODAY)

_choices = sorted({c.value for q in RULES.questions for c in q.choices})
_scalars = st.one_of(
    st.sampled_from(_choices),
    st.sampled_from(["", " industri", "INDUSTRI", "ja", "true", "1", "=1+1", "industri, maritim"]),
    st.booleans(),
    st.integers(-2, 60),  # praksis_aar's bounds and beyond
    st.sampled_from([0.0, -0.0, 1.0, 3.0, 2.5, float("nan"), 1e300]),
    st.none(),
)
_values = st.one_of(
    _scalars,
    st.lists(st.sampled_from([*_choices, "ukjent", ""]), max_size=3),
    st.lists(_scalars, max_size=2),
    st.fixed_dictionaries({"a": st.integers(0, 2)}),
)
_keys = st.sampled_from([*(q.id for q in RULES.questions), *PASSTHROUGH, "bransj", "svar", "regelverk"])
records = st.dictionaries(_keys, _values, max_size=8)


def reference(nr: int, record: dict[str, Any], cell: bool = False) -> dict[str, Any]:
    head: dict[str, Any] = {"nr": nr, "linje": nr}
    head.update({k: record[k] for k in PASSTHROUGH if k in record and passthrough_ok(record[k])})
    try:
        answers = parse_record(RULES, record, cell=cell)
    except AnswerError as e:
        return {**head, "ok": False, "feil": [{"felt": f.field, "melding": f.message} for f in e.errors]}
    return {**head, "ok": True, **result_json(engine.evaluate(RULES, answers, TODAY))}


def _same(got: dict[str, Any], want: dict[str, Any]) -> bool:
    # NaN is never equal to itself: compare the JSON texts, key order included.
    return json.dumps(got, sort_keys=False) == json.dumps(want, sort_keys=False)


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(records)
def test_the_cached_path_equals_the_parser_and_the_engine(record):
    for nr in (1, 2):  # the second time the answer comes from the caches
        got = json.loads(SHARED.check(nr, RawRecord(nr, record)).line)
        assert _same(got, reference(nr, record)), record


def test_equal_in_python_but_different_answers_are_kept_apart():
    """`True == 1 == 1.0` in Python; as answers they are not the same."""
    checker = Checker(RULES, TODAY)
    base = {"bransje": "industri", "behov": "hoyere"}
    first = json.loads(checker.check(1, RawRecord(1, {**base, "klynge": True})).line)
    assert first["ok"] is True and "utsatte-industriklynger" in first["anbefalte"]
    one = json.loads(checker.check(2, RawRecord(2, {**base, "klynge": 1})).line)
    assert one["ok"] is False and one["feil"][0]["felt"] == "klynge"
    whole = json.loads(checker.check(3, RawRecord(3, {"bransje": "maritim", "praksis_aar": 6})).line)
    as_float = json.loads(checker.check(4, RawRecord(4, {"bransje": "maritim", "praksis_aar": 6.0})).line)
    assert whole["ok"] is True and as_float["ok"] is True
    half = json.loads(checker.check(5, RawRecord(5, {"bransje": "maritim", "praksis_aar": 6.5})).line)
    assert half["ok"] is False


def test_id_and_name_come_from_each_record_not_the_cache():
    checker = Checker(RULES, TODAY)
    answers = {"bransje": "bygg", "behov": "fagbrev"}
    lines = [
        json.loads(checker.check(n, RawRecord(n, {"navn": f"Firma {n}", **answers, "id": n})).line) for n in (1, 2, 3)
    ]
    assert [(o["id"], o["navn"]) for o in lines] == [(1, "Firma 1"), (2, "Firma 2"), (3, "Firma 3")]
    assert [list(o)[:4] for o in lines] == [["nr", "linje", "id", "navn"]] * 3  # the order the schema shows
    bad_id = json.loads(checker.check(4, RawRecord(4, {"id": True, **answers})).line)
    assert bad_id["ok"] is False and bad_id["feil"][0]["felt"] == "id"


_cells = st.sampled_from(
    [*_choices, "", " ", "ja", "JA", "nei", "False", "6", "06", "-1", "12", "13", "fem", "industri, maritim", " bygg "]
)
_columns = st.lists(
    st.sampled_from([*(q.id for q in RULES.questions), *PASSTHROUGH, "ukjent", ""]), min_size=1, max_size=9, unique=True
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_columns, st.lists(st.lists(_cells, min_size=9, max_size=9), min_size=1, max_size=6))
def test_csv_rows_read_from_their_cells_equal_the_record_path(header, rows):
    """A CSV row is read straight from its cells, by caches per column; the reference reads
    the same row as a record (`Table.record`) and gives it to the parser and the engine."""
    assume(header[-1] != "")  # an unnamed last column is dropped, and its rows take the slow way
    assume(any(name in {q.id for q in RULES.questions} for name in header))  # a list names a question (issue 25)
    text = io.StringIO()
    csv.writer(text).writerows([header, *(row[: len(header)] for row in rows)])
    stats = TableStats()
    records = list(read_csv(io.BytesIO(text.getvalue().encode()), RULES, "t.csv", stats))
    table = Table(RULES, "t.csv", TableStats())
    table.set_header(header, 1)
    for raw in records:
        assert raw.cells is not None  # every row lines up with the header here
        record = table.record(list(raw.cells), raw.line)
        assert record is not None and record.error is None
        got = json.loads(SHARED.check(raw.line, raw).line)
        want = reference(raw.line, record.value, cell=True)
        want["linje"] = raw.line
        # Every column that is not a question, nor id or navn, comes back as it was written
        # (issue 25 §3), an empty cell as null; an unnamed one is named by its place.
        own = {
            name or f"kolonne {i + 1}": cell if cell != "" else None
            for i, (name, cell) in enumerate(zip(header, raw.cells, strict=True))
            if name not in {q.id for q in RULES.questions} | set(PASSTHROUGH)
        }
        if own:
            head = {k: want.pop(k) for k in ["nr", "linje", *PASSTHROUGH] if k in want}
            want = {**head, "kolonner": own, **want}
        assert _same(got, want), (header, raw.cells)
    # A row with text in one own cell only and no answer, id or name is a note under the list
    # («Sum: 6 bedrifter»), not a company (issue 25): by hand, from the cells.
    known = {q.id for q in RULES.questions} | set(PASSTHROUGH)
    notes = [
        row
        for row in rows
        if not any(c.strip() for name, c in zip(header, row, strict=False) if name in known)
        and sum(1 for c in row[: len(header)] if c.strip()) == 1
    ]
    assert stats.note_count == len(notes)
    assert len(records) + stats.empty_rows + stats.note_count == len(rows)
