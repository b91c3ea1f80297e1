"""`soknad sjekk` and `soknad skjema` through the real CLI."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from soknadsveileder import engine
from soknadsveileder.answers import parse_record

from .helpers import OPEN_DATE, TESTS, soknad

GOOD = {"id": "a", "bransje": "industri", "behov": "hoyere", "klynge": True}
MIXED = [
    json.dumps(GOOD),
    json.dumps({"navn": "Feil AS", "bransj": "industri"}),
    "",
    json.dumps({"bransje": "maritim", "behov": "fagbrev", "praksis_aar": 6}),
    "{ikke json",
    json.dumps({"bransje": "bygg", "behov": "doktorgrad"}),
    json.dumps({}),
]


def lines(stdout: str) -> list[dict]:
    return [json.loads(line) for line in stdout.splitlines()]


def test_mixed_records_keep_count_and_order(cli):
    result = cli("sjekk", "--dato", OPEN_DATE, input="\n".join(MIXED) + "\n")
    out = lines(result.stdout)
    assert [o["nr"] for o in out] == [1, 2, 3, 4, 5, 6]  # the blank line is skipped
    assert [o["linje"] for o in out] == [1, 2, 4, 5, 6, 7]
    assert [o["ok"] for o in out] == [True, False, True, False, False, True]
    assert out[0]["id"] == "a" and out[0]["anbefalte"] == ["utsatte-industriklynger"]
    assert out[1]["navn"] == "Feil AS"
    assert out[1]["feil"] == [{"felt": "bransj", "melding": "Ukjent felt 'bransj'. Mente du 'bransje'?"}]
    assert out[2]["anbefalte"] == ["bransjeprogram-maritim"]
    assert out[3]["feil"][0]["felt"] is None and "Ugyldig JSON" in out[3]["feil"][0]["melding"]
    assert out[4]["feil"][0]["felt"] == "behov" and "doktorgrad" in out[4]["feil"][0]["melding"]
    assert out[5]["anbefalte"] == [] and set(out[5]["mangler"]) >= {"bransje", "behov"}
    assert result.exit_code == 1
    assert "6 poster lest, 3 gyldige, 3 med feil" in result.stderr


def test_output_shape(cli, rules):
    out = lines(cli("sjekk", "--dato", OPEN_DATE, input=json.dumps(GOOD)).stdout)[0]
    assert {"nr", "ok", "anbefalte", "vurderinger", "mangler", "sjekkliste"} <= out.keys()
    assert [v["id"] for v in out["vurderinger"]] == [s.id for s in rules.schemes]
    for v in out["vurderinger"]:
        assert v["status"] in {"aktuell", "kanskje", "ikke_aktuell"}
        assert v["grunner"] and all(isinstance(g, str) for g in v["grunner"])
        assert v["frist"]["passert"] is False and v["runde"]["kilde"]["tittel"]
    # 1 March 2021: the spring round of the programmes (8 April; maritim 8 or 15 April), and
    # the autumn calls of the other two (mid-September), not announced yet.
    assert [(v["runde"]["id"], v["frist"]["dato"], v["frist"]["status"]) for v in out["vurderinger"]] == [
        ("2021-var", "2021-04-08", "aapen"),
        ("2021", "2021-04-15", "aapen"),
        ("2021", "2021-09-15", "ikke_lyst_ut"),
        ("2021", "2021-09-15", "ikke_lyst_ut"),
    ]
    assert any(item["type"] == "steg" for item in out["sjekkliste"])


@pytest.mark.parametrize(
    "payload",
    [
        "\n".join(json.dumps(r) for r in [GOOD, {"bransje": "annen"}]) + "\n",  # JSON Lines
        json.dumps([GOOD, {"bransje": "annen"}]),  # one array on one line
        json.dumps([GOOD, {"bransje": "annen"}], indent=2),  # a pretty-printed array
    ],
    ids=["jsonl", "liste", "liste-pen"],
)
def test_every_input_form(cli, payload):
    result = cli("sjekk", "--dato", OPEN_DATE, input=payload)
    out = lines(result.stdout)
    assert [o["ok"] for o in out] == [True, True]
    assert out[0]["anbefalte"] == ["utsatte-industriklynger"] and out[1]["anbefalte"] == []
    assert result.exit_code == 0


@pytest.mark.parametrize("payload", [json.dumps(GOOD), json.dumps(GOOD, indent=2)], ids=["objekt", "objekt-pent"])
def test_single_object(cli, payload):
    out = lines(cli("sjekk", "--dato", OPEN_DATE, input=payload).stdout)
    assert len(out) == 1 and out[0]["id"] == "a" and out[0]["ok"]


def test_a_first_line_that_is_a_list_followed_by_more_lines_is_json_lines(cli):
    result = cli("sjekk", input="[1, 2]\n\n" + json.dumps(GOOD) + "\n[]\n")
    out = lines(result.stdout)
    assert [(o["linje"], o["ok"]) for o in out] == [(1, False), (3, True), (4, False)]
    assert "fant en liste" in out[0]["feil"][0]["melding"]
    single = lines(cli("sjekk", input="[]\n").stdout)
    assert single == []  # one line holding an empty list: the array form, with no records


def test_files_and_stdin_dash_are_read_in_order(tmp_path):
    first, second = tmp_path / "a.jsonl", tmp_path / "b.json"
    first.write_text(json.dumps({"id": 1, "bransje": "bygg"}) + "\n", encoding="utf-8")
    second.write_text(json.dumps([{"id": 3}]), encoding="utf-8")
    result = soknad("sjekk", "--dato", OPEN_DATE, str(first), "-", str(second), input=json.dumps({"id": 2}))
    out = lines(result.stdout)
    assert [(o["nr"], o["id"]) for o in out] == [(1, 1), (2, 2), (3, 3)]
    assert out[0]["fil"] == str(first) and "fil" not in out[1]
    assert result.returncode == 0


def test_several_files_in_process_name_the_file_of_each_line(cli, tmp_path):
    """The same as above through CliRunner, with a CSV file among them and a bad row."""
    first, second = tmp_path / "a.jsonl", tmp_path / "b.csv"
    first.write_text(json.dumps({"id": 1, "bransje": "bygg"}) + "\n", encoding="utf-8")
    second.write_text("id,bransje,ukjent\n2,maritim,\n3,feil,\n", encoding="utf-8")
    result = cli("sjekk", "--dato", OPEN_DATE, str(first), str(second))
    out = lines(result.stdout)
    assert [(o["nr"], o["linje"], o["fil"], o["id"], o["ok"]) for o in out] == [
        (1, 1, str(first), 1, True),
        (2, 2, str(second), "2", True),
        (3, 3, str(second), "3", False),
    ]
    assert result.exit_code == 1


def test_exit_codes(cli, tmp_path):
    assert cli("sjekk", input=json.dumps({"bransje": "annen"})).exit_code == 0
    assert cli("sjekk", "--feil-hvis-ingen", input=json.dumps({"bransje": "annen"})).exit_code == 1
    assert cli("sjekk", "--feil-hvis-ingen", "--dato", OPEN_DATE, input=json.dumps(GOOD)).exit_code == 0
    # The English name still works for old scripts, but is not offered in --help.
    assert cli("sjekk", "--fail-if-none", input=json.dumps({"bransje": "annen"})).exit_code == 1
    assert "--fail-if-none" not in cli("sjekk", "--help").stdout
    assert cli("sjekk", input='{"bransje": 1}').exit_code == 1
    missing = cli("sjekk", str(tmp_path / "finnes-ikke.jsonl"))
    assert missing.exit_code == 2 and "Filen finnes ikke" in missing.stderr and missing.stdout == ""
    assert cli("sjekk", str(tmp_path)).exit_code == 2
    assert cli("sjekk", "--format", "xml", input="{}").exit_code == 2
    assert cli("sjekk", "--dato", "i morgen", input="{}").exit_code == 2


def test_format_tabell(cli):
    result = cli("sjekk", "--format", "tabell", "--dato", OPEN_DATE, input="\n".join(MIXED))
    assert "Kompetanseløft for utsatte" in result.stdout
    assert "Feil AS" in result.stdout and "Feil:" in result.stdout
    assert "{" not in result.stdout
    assert result.exit_code == 1


def test_output_validates_against_the_published_schema(cli):
    schema = json.loads(cli("skjema").stdout)
    jsonschema.Draft202012Validator.check_schema(schema["svar"])
    jsonschema.Draft202012Validator.check_schema(schema["resultat"])
    for record in MIXED:
        if record and record.startswith("{") and record != "{ikke json":
            value = json.loads(record)
            ok = cli("sjekk", input=record)
            valid = jsonschema.Draft202012Validator(schema["svar"]).is_valid(value)
            assert valid == (ok.exit_code == 0), record
    for out in lines(cli("sjekk", "--dato", OPEN_DATE, input="\n".join(MIXED)).stdout):
        jsonschema.validate(out, schema["resultat"])


def test_schema_follows_the_rule_base(cli):
    schema = json.loads(cli("skjema", "svar").stdout)["else"]  # a record; "then" is a saved file
    sectors = ["industri", "bygg", "maritim", "annen"]
    assert schema["properties"]["bransje"]["anyOf"] == [
        {"enum": sectors},
        {"type": "array", "items": {"enum": sectors}, "minItems": 1, "uniqueItems": True},
        {"type": "null"},
    ]
    assert schema["properties"]["behov"]["enum"] == ["fagbrev", "fagskole", "hoyere", None]
    assert schema["properties"]["klynge"]["type"] == ["boolean", "null"]
    minimal = json.loads(cli("skjema", "svar", "--regler", str(TESTS / "regler" / "minimal.yaml")).stdout)["else"]
    assert set(minimal["properties"]) == {"id", "navn", "bransje", "klynge"}
    assert cli("skjema", "tull").exit_code == 2


@pytest.mark.parametrize("path", sorted((TESTS / "cases").glob("*.yaml")), ids=lambda p: p.stem)
def test_golden_cases_give_the_same_statuses_through_sjekk(cli, rules, path: Path):
    case = yaml.safe_load(path.read_text(encoding="utf-8"))
    result = cli("sjekk", "--dato", case["dato"], input=json.dumps(case["svar"]))
    out = lines(result.stdout)[0]
    direct = engine.evaluate(rules, parse_record(rules, case["svar"]), dt.date.fromisoformat(case["dato"]))
    assert {v["id"]: v["status"] for v in out["vurderinger"]} == case["forventet"]["status"]
    assert out["anbefalte"] == list(direct.recommended) == case["forventet"]["anbefalte"]
    assert out["mangler"] == list(direct.missing)


def test_a_huge_array_on_one_line_is_streamed(tmp_path):
    n = 30_000  # about 2 MB: past the first-line limit, so it is read element by element
    path = tmp_path / "liste.json"
    path.write_text(json.dumps([{"id": i, "bransje": "bygg"} for i in range(n)]), encoding="utf-8")
    result = soknad("sjekk", str(path), timeout=120)
    out = result.stdout.splitlines()
    assert len(out) == n and json.loads(out[-1])["id"] == n - 1
    assert result.returncode == 0
    cut = tmp_path / "avkuttet.json"
    cut.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    result = soknad("sjekk", str(cut), timeout=120)
    last = json.loads(result.stdout.splitlines()[-1])
    assert last["ok"] is False and "Resten av listen kan ikke leses" in last["feil"][0]["melding"]
    assert result.returncode == 1


def test_a_large_generated_input_keeps_every_record(tmp_path):
    n = 20_000
    path = tmp_path / "mange.jsonl"
    options = [
        {"bransje": b, "behov": n_} for b in ("industri", "bygg", "maritim", "annen") for n_ in ("fagbrev", "hoyere")
    ]
    with path.open("w", encoding="utf-8") as f:
        for i in range(n):
            record = {"id": i, **options[i % len(options)]}
            f.write(("{bad" if i % 997 == 0 else json.dumps(record)) + "\n")
    result = soknad("sjekk", "--dato", OPEN_DATE, str(path), timeout=120)
    out = result.stdout.splitlines()
    assert len(out) == n
    assert [json.loads(line)["nr"] for line in out[:3]] == [1, 2, 3]
    assert json.loads(out[-1])["nr"] == n
    bad = n // 997 + 1
    assert f"{n} poster lest, {n - bad} gyldige, {bad} med feil" in result.stderr
    assert "━" not in result.stderr  # no progress bar when stderr is not a terminal


def _whole_space(rules):
    """Every combination worth telling apart, and each record's result alone, without any
    cache: the oracle for the batch tests below."""
    import itertools

    from soknadsveileder.jsonout import result_json

    sectors = ["industri", "bygg", "maritim", "annen"]
    space = {
        "bransje": [None] + [list(c) for n in range(1, 5) for c in itertools.combinations(sectors, n)],
        "behov": ["fagbrev", "fagskole", "hoyere", None],
        "kompetanse": ["ufaglaert", "fagskole", None],
        "tilbud": ["finnes", "nytt", None],
        "klynge": [True, False, None],
        "praksis_aar": [0, 1, 4, 5, 60, None],
    }
    records = [
        {"id": i, **dict(zip(space, combo, strict=True))} for i, combo in enumerate(itertools.product(*space.values()))
    ]
    when = dt.date.fromisoformat(OPEN_DATE)
    alone = {}
    for record in records:
        answers = parse_record(rules, record)
        alone[record["id"]] = json.loads(
            json.dumps({"id": record["id"], "ok": True, **result_json(engine.evaluate(rules, answers, when))})
        )
    return records, alone


@pytest.mark.parametrize("way", ["subprocess", "cli"])
def test_one_batch_of_the_whole_answer_space_equals_each_record_alone_and_shuffled(tmp_path, rules, cli, way):
    """The batch caches assessments by the answers that count. A cache key missing an answer
    (klynge), or a number interval off by one (praksis 0 and 1, 4 and 5), would give one
    record another's result. Every record alone, without the cache, is the oracle. In-process
    too (CliRunner), so that a mutation tool sees which code the test runs."""
    import random

    records, alone = _whole_space(rules)
    shuffled = records[:]
    random.Random(8).shuffle(shuffled)
    for batch in (records, shuffled):
        path = tmp_path / "alle.jsonl"
        path.write_text("".join(json.dumps(r) + "\n" for r in batch), encoding="utf-8")
        if way == "subprocess":
            result = soknad("sjekk", "--dato", OPEN_DATE, str(path), timeout=300)
            code, stdout = result.returncode, result.stdout
        else:
            run = cli("sjekk", "--dato", OPEN_DATE, str(path))
            code, stdout = run.exit_code, run.stdout
        assert code == 0
        out = [json.loads(line) for line in stdout.splitlines()]
        assert [o["id"] for o in out] == [r["id"] for r in batch]  # one line per record, in order
        for line in out:
            del line["nr"], line["linje"]
            assert line == alone[line["id"]], line["id"]


def test_one_csv_batch_of_the_whole_answer_space_equals_each_record_alone(tmp_path, rules, cli):
    """The same for a spreadsheet, which takes another way through the caches: each cell
    read once per column, and a row looked up by the codes of its cells."""
    import csv
    import io
    import random

    records, alone = _whole_space(rules)
    random.Random(9).shuffle(records)
    questions = [q.id for q in rules.questions]

    def cell(value):
        if value is None:
            return ""
        if isinstance(value, bool):
            return "ja" if value else "nei"
        return ", ".join(value) if isinstance(value, list) else str(value)

    path = tmp_path / "alle.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, delimiter=";")
        writer.writerow(["id", *questions])
        writer.writerows([[r["id"], *(cell(r[q]) for q in questions)] for r in records])
    run = cli("sjekk", "--dato", OPEN_DATE, str(path), "--format", "csv")
    assert run.exit_code == 0
    header, _, body = run.stdout.partition("\n")
    assert '"Om resultatet: ' in header  # the notes are the header row's last cell
    rows = list(csv.DictReader(io.StringIO(header + "\n" + body)))
    assert [int(row["id"]) for row in rows] == [r["id"] for r in records]
    for row in rows:
        want = alone[int(row["id"])]
        assert row["anbefalte"] == ", ".join(want["anbefalte"]), row
        assert row["mangler"] == ", ".join(want["mangler"]), row
        # On 1 March 2021 the autumn calls of Industrifagskolen and the clusters were not
        # announced yet (article: HK-dir, from 1 July 2021); the cell says so where they fit.
        later = {"industrifagskolen", "utsatte-industriklynger"}
        assert {v["id"]: row[v["id"]] for v in want["vurderinger"]} == {
            v["id"]: v["status"]
            + (" (ikke lyst ut ennå)" if v["id"] in later and v["status"] != "ikke_aktuell" else "")
            for v in want["vurderinger"]
        }, row


def test_format_tabell_on_a_narrow_terminal_lists_the_records_and_cuts_no_name(cli):
    """Under 100 columns the table would cut «Industrifagskolen»: a list instead."""
    records = [
        json.dumps({"id": "Verksted AS", "bransje": "industri", "behov": "fagskole", "tilbud": "finnes"}),
        json.dumps({"id": "Feil AS", "bransje": "industrii"}),
    ]
    narrow = cli("sjekk", "--format", "tabell", "--dato", OPEN_DATE, input="\n".join(records), env={"COLUMNS": "80"})
    lines = [line.rstrip() for line in narrow.stdout.splitlines()]
    assert lines[:3] == ["Linje 1: Verksted AS", "  Anbefalt: Industrifagskolen", lines[2]]
    assert lines[2].startswith("  Kanskje: Bransjeprogram for industri- og")
    assert "Linje 2: Feil AS" in lines
    error = lines[lines.index("Linje 2: Feil AS") + 1]
    assert error.startswith("  Feil: bransje:") and "Anbefalt" not in error  # an error is not a recommendation
    assert "…" not in narrow.stdout
    wide = cli("sjekk", "--format", "tabell", "--dato", OPEN_DATE, input=records[0], env={"COLUMNS": "120"})
    assert "Resultat per post" in wide.stdout and "│ Industrifagskolen │" in wide.stdout


def test_format_tabell_prints_each_address_whole(cli):
    """The other possibilities cite their sources; an address is never broken (first hour)."""
    record = json.dumps({"id": "X", "bransje": "annen"})
    out = cli("sjekk", "--format", "tabell", "--dato", "2026-12-03", input=record, env={"COLUMNS": "80"}).stdout
    assert "Adressene til kildene" in out
    lines = [line for line in out.splitlines() if "https://" in line]
    assert lines and all(
        line.split(" ", 1)[1].startswith("https://") and " " not in line.split(" ", 1)[1] for line in lines
    )
    assert any(
        line.endswith("kd/nyheter/2021/nytt-bransjeprogram/id2872782/") and "regjeringen.no/no/dokumentarkiv" in line
        for line in lines
    )
