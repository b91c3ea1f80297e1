"""Advice that reaches the user whole: several sectors everywhere, every note and source on
every surface, history and other possibilities after 2021. All through the real CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from soknadsveileder.rules import load

from .helpers import OPEN_DATE, soknad

LATE = "2026-11-29"
VERFT = {"id": "Verft AS", "bransje": ["industri", "maritim"], "behov": "fagbrev", "praksis_aar": 6}


def lines(stdout: str) -> list[dict]:
    return [json.loads(line) for line in stdout.splitlines()]


def statuses(record: dict) -> dict[str, str]:
    return {v["id"]: v["status"] for v in record["vurderinger"]}


# --- Several sectors ----------------------------------------------------------------------


def test_one_sector_or_a_list_in_sjekk(cli):
    records = [VERFT, {**VERFT, "bransje": ["maritim", "industri"]}, {**VERFT, "bransje": "industri"}]
    out = lines(cli("sjekk", "--dato", OPEN_DATE, input="\n".join(map(json.dumps, records))).stdout)
    assert out[0]["anbefalte"] == ["bransjeprogram-industri-bygg", "bransjeprogram-maritim"]
    assert statuses(out[1]) == statuses(out[0])  # the order of the list does not matter
    assert out[2]["anbefalte"] == ["bransjeprogram-industri-bygg"]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ([], "Listen er tom"),
        (["industri", "industri"], '"industri" står to ganger i listen'),
        (["industri", "maritm"], "Mente du 'maritim'?"),
        (["industri", 3], "Hvert element i listen må være en av industri, bygg, maritim, annen, fant 3"),
        ({"industri": True}, "eller en liste av dem"),
    ],
    ids=["tom", "duplikat", "ukjent", "tall", "objekt"],
)
def test_bad_sector_lists_are_refused_with_a_clear_error(cli, value, message):
    result = cli("sjekk", input=json.dumps({"id": "x", "bransje": value}))
    out = lines(result.stdout)[0]
    assert out["ok"] is False and out["feil"][0]["felt"] == "bransje"
    assert message in out["feil"][0]["melding"]
    assert result.exit_code == 1


def test_annen_with_another_sector_is_allowed(cli):
    out = lines(cli("sjekk", "--dato", OPEN_DATE, input=json.dumps({"bransje": ["annen", "maritim"]})).stdout)[0]
    assert out["ok"] and statuses(out)["bransjeprogram-maritim"] == "aktuell"


@pytest.mark.parametrize("saved", [{"bransje": "maritim"}, {"bransje": ["maritim", "industri"]}])
def test_svar_files_with_one_sector_or_several(tmp_path, saved):
    path = tmp_path / "svar.json"
    # An answer file as --lagre-svar wrote it under 2021.1, before sectors became a list,
    # and as it writes one now.
    old = isinstance(saved["bransje"], str)
    version = "2021.1" if old else load().version
    document = {"regelverk": {"versjon": version}, "dato": "2021-03-01", "svar": {**saved, "behov": "hoyere"}}
    if "industri" in saved["bransje"]:
        document["svar"]["klynge"] = False  # asked for industry; the file must hold every answer
    path.write_text(json.dumps(document), encoding="utf-8")
    out = tmp_path / "ny.json"
    result = soknad("veileder", "--svar", str(path), "--lagre-svar", str(out), "--dato", OPEN_DATE)
    assert result.returncode == 0, result.stderr
    assert "Bransjeprogram for maritim sektor" in result.stdout
    assert ("ble lagret med regelverk 2021.1" in result.stderr) == old
    sectors = saved["bransje"] if isinstance(saved["bransje"], list) else [saved["bransje"]]
    order = ["industri", "bygg", "maritim", "annen"]
    assert json.loads(out.read_text(encoding="utf-8"))["svar"]["bransje"] == sorted(sectors, key=order.index)


def test_ordninger_filter_takes_several_sectors(cli):
    result = cli("ordninger", "--json", "--bransje", "maritim,industri", "--behov", "fagbrev")
    assert [d["id"] for d in json.loads(result.stdout)] == ["bransjeprogram-industri-bygg", "bransjeprogram-maritim"]
    assert cli("ordninger", "--bransje", "industri,marit").exit_code == 2


# --- Notes and sources on every surface -----------------------------------------------------

APRIL = "oppga 8. april 2021 som frist for alle bransjeprogrammene"  # a note on the maritime scheme
BYGG_BP = "Spør fagskolen om modulen kan holdes med midler fra bransjeprogrammet"  # a ready module in bygg
NI_URL = "https://www.norskindustri.no/dette-jobber-vi-med/kompetanse/aktuelt/stotte-til-kompetanseloft-for-utsatte-industriklynger/"


def test_sjekk_json_carries_sources_and_notes_for_each_assessment(cli):
    out = lines(cli("sjekk", "--dato", OPEN_DATE, input=json.dumps(VERFT)).stdout)[0]
    by_id = {v["id"]: v for v in out["vurderinger"]}
    maritim = by_id["bransjeprogram-maritim"]
    # Each note names its source, with the words of it, and that source is among the result's.
    april = next(n for n in maritim["merknader"] if APRIL in n["tekst"])
    assert april["kilde"]["tittel"] == "55 millioner til kompetansetiltak i bransjeprogrammene"
    assert april["sitat"] == "Søknadsfrist for alle bransjeprogrammene er 8. april."
    assert maritim["kilder"][0] == {
        "tittel": "Støtte til kompetanseløft for utsatte industriklynger",
        "utgiver": "Norsk Industri",
        "url": NI_URL,
        "aar": 2021,
    }
    assert {n["kilde"]["tittel"] for n in maritim["merknader"]} <= {k["tittel"] for k in maritim["kilder"]}
    clusters = by_id["utsatte-industriklynger"]  # its conditions rest on the 2021 call
    assert clusters["kilder"][0]["url"] == (
        "https://www.kompetansenorge.no/soke-om-tilskudd/tilskudd-til-kompetanseloft-for-utsatte-industriklynger/"
    )
    # «lyst ut», not left: no figure under the old name (finding 9).
    assert clusters["midler_igjen"] is None and clusters["midler"]["belop"] == 20_000_000
    record = {"bransje": "bygg", "behov": "fagskole", "tilbud": "finnes"}
    bygg = lines(cli("sjekk", "--dato", OPEN_DATE, input=json.dumps(record)).stdout)[0]
    bp = {v["id"]: v for v in bygg["vurderinger"]}["bransjeprogram-industri-bygg"]
    assert bp["status"] == "kanskje" and any(BYGG_BP in e for e in bp["endringer"])
    assert {k["tittel"] for k in bp["kilder"]} >= {"55 millioner til 10 bransjeprogrammer"}
    assert {v["midler"]["art"] for v in bygg["vurderinger"]} == {"igjen", "lyst_ut"}


def test_result_screen_and_markdown_show_notes_sources_and_what_to_ask(tmp_path):
    svar, md = tmp_path / "svar.json", tmp_path / "resultat.md"
    svar.write_text(
        json.dumps({"bransje": ["bygg", "maritim"], "behov": "fagskole", "tilbud": "finnes"}), encoding="utf-8"
    )
    result = soknad("veileder", "--svar", str(svar), "--sjekkliste", str(md), "--dato", OPEN_DATE, COLUMNS="200")
    assert result.returncode == 0, result.stderr
    text = md.read_text(encoding="utf-8")
    for surface in (" ".join(result.stdout.split()), " ".join(text.split())):
        assert APRIL in surface  # maritime is recommended: its notes sit next to it
        assert BYGG_BP in surface  # the bransjeprogram is a maybe for a ready module, with what to ask
        assert "(kilde: Kompetanse Norge 2021)" in surface  # a note names its source
        assert "Kilder: Norsk Industri (2021): Støtte til kompetanseløft for utsatte industriklynger" in surface
        assert "NVL (2021): 55 millioner til 10 bransjeprogrammer" in surface
        assert "shared/kilder" not in surface
    assert "# Søkeveileder: resultat" in text


def test_format_tabell_shows_notes_and_other_possibilities(cli):
    records = [VERFT, {"id": "Annen AS", "bransje": "annen"}]
    result = cli("sjekk", "--format", "tabell", "--dato", OPEN_DATE, input="\n".join(map(json.dumps, records)))
    flat = " ".join(result.stdout.split())
    assert (
        "Bransjeprogram for maritim sektor Vurdert etter runden våren 2021 (kilde: Kompetanse Norge 2021). "
        "Frist: 8. eller 15. april 2021" in flat
    )
    assert APRIL in flat
    assert "Andre muligheter" in flat and "Kompetansepluss" in flat
    assert "Ingen passer" in flat  # every scheme ruled out: said plainly


# --- After 2021 ----------------------------------------------------------------------------


def test_ordninger_shows_history_and_the_way_forward(cli):
    detail = " ".join(cli("ordninger", "industrifagskolen", "--dato", LATE).stdout.split())
    # In 2026 Industrifagskolen is in its round «2025 og senere»: no deadline is known, since
    # the fagskole applies; the way forward is the round's checklist, not a closed call.
    assert "Historikk" in detail and "Sju fagskoler" in detail
    assert "Vurdert etter runden 2025 og senere, uten kjent" in detail  # wrapped in a panel
    assert "gjengitt av Lister24 2024)." in detail
    assert "Spør en fagskole om den har Industrifagskolen-moduler nå" in detail
    assert "Etter fristen:" not in detail
    maritime = " ".join(cli("ordninger", "bransjeprogram-maritim", "--dato", LATE).stdout.split())
    assert "Etter fristen: Det siste kildene viser, er 10 millioner kroner i 2023." in maritime
    data = json.loads(cli("ordninger", "--json", "--dato", "2021-09-01").stdout)
    first = data[0]
    assert first["midler_igjen"] == 7_000_000 and first["midler"]["art"] == "igjen"
    assert {"aar", "tekst", "kilde", "sitat", "senere"} == set(first["historikk"][0])
    assert set(first["historikk"][0]["kilde"]) >= {"tittel", "url", "aar"}
    # What `ordninger ID` shows is in the JSON too: conditions and checklist, with sources (finding 30).
    assert [c["id"] for c in first["vilkaar"]] == ["bransje", "nivaa"]
    assert [u["kilde"]["tittel"] for u in first["vilkaar"][1]["uavklart"]] == [
        "55 millioner til 10 bransjeprogrammer",
        "Regjeringa opprettar nytt bransjeprogram",
    ]
    assert first["sjekkliste"][0]["id"] == "soker-institusjon"
    assert first["sjekkliste"][0]["sitat"] == "Det er utdanningsinstitusjonen som søker midlar."
    clusters = next(d for d in data if d["id"] == "utsatte-industriklynger")
    assert clusters["midler"] == {"belop": 20_000_000, "aar": 2021, "omtrentlig": False, "art": "lyst_ut"}


def test_after_the_deadline_the_result_says_what_happened_and_what_else_there_is(cli):
    answers = {"bransje": "industri", "behov": "hoyere", "klynge": True}
    late = lines(cli("sjekk", "--dato", LATE, input=json.dumps(answers)).stdout)[0]
    # The clusters call closed in 2021 and no later one is known: it fitted, but is not
    # recommended (finding 6). The bransjeprogram's round 2024–2027 funds short university
    # courses (FLT 2022), so it is recommended, with no deadline known: the other
    # possibilities are shown too.
    assert late["anbefalte"] == ["bransjeprogram-industri-bygg"]
    assert late["passet_tidligere"] == ["utsatte-industriklynger"]
    assert "klynge-behov" not in json.dumps(late["sjekkliste"])
    clusters = {v["id"]: v for v in late["vurderinger"]}["utsatte-industriklynger"]
    assert clusters["etter_fristen"].startswith("Kildene viser ingen utlysning etter 2021.")
    assert clusters["runde"]["id"] == "2021"
    maritim = {v["id"]: v for v in late["vurderinger"]}["bransjeprogram-maritim"]
    assert "ikke med i tildelingen i april 2024" in maritim["etter_fristen"]  # for every scheme, not only a fit
    assert [a["id"] for a in late["andre_muligheter"]] == [
        "lonnsrefusjon-industri",
        "bedriftsintern-opplaering",
        "kompetansepluss",
        "bransjeprogram-andre-bransjer",
        "treparts-bransjeprogram",
    ]
    assert late["andre_muligheter"][1]["senere"] is False  # the BIO figures are from 2024
    assert set(late["andre_muligheter"][1]["kilde"]) >= {"tittel", "url", "aar"}
    on_time = lines(cli("sjekk", "--dato", "2021-09-01", input=json.dumps(answers)).stdout)[0]
    assert on_time["andre_muligheter"] == []  # an open call fits: nothing else is pushed
    # Only the maritime call (April 2021) had closed by 1 September 2021.
    assert [v["etter_fristen"] is None for v in on_time["vurderinger"]] == [True, False, True, True]


def test_a_bad_answers_file_is_named_with_what_is_wrong(cli, tmp_path, monkeypatch):
    # In-process (mutmut sees it): each way an answers file can be wrong, word for word.
    monkeypatch.chdir(tmp_path)
    Path("latin.json").write_bytes(b"\xff\xfe")
    Path("rot.json").write_text('{"bransje": ', encoding="utf-8")
    Path("feil.json").write_text('{"bransje": "fisk", "praksis_aar": 99}', encoding="utf-8")
    expected = {
        "finnes-ikke.json": (2, ["Feil: finnes-ikke.json: Filen finnes ikke."]),
        "latin.json": (1, ["Feil: latin.json: filen er ikke gyldig UTF-8."]),
        "rot.json": (1, ["Feil: rot.json: Ugyldig JSON: verdien slutter for tidlig."]),
        "feil.json": (
            1,
            [
                'Feil: feil.json: bransje: "fisk" er ikke en gyldig verdi. Gyldige verdier: industri, bygg, maritim, annen.',
                "feil.json: praksis_aar: Tallet kan være høyst 60, fant 99.",
            ],
        ),
    }
    for name, (code, lines) in expected.items():
        result = cli("veileder", "--svar", name, "--dato", OPEN_DATE)
        assert (result.exit_code, result.stderr.splitlines(), result.stdout) == (code, lines, ""), name


def test_lagre_svar_writes_the_answers_with_the_rule_base_and_the_date(cli, rules, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("svar.json").write_text(
        '{"bransje": "maritim", "behov": "fagbrev", "kompetanse": "fagbrev", "praksis_aar": 2}', encoding="utf-8"
    )
    result = cli("veileder", "--svar", "svar.json", "--dato", "2021-03-01", "--lagre-svar", "lagret.json")
    assert result.exit_code == 0, result.stderr
    assert "Svarene er lagret i lagret.json." in result.stderr
    saved = json.loads(Path("lagret.json").read_text(encoding="utf-8"))
    assert saved == {
        "regelverk": {"versjon": rules.version, "oppdatert": rules.updated.isoformat()},  # data/schemes.yaml's
        "dato": "2021-03-01",
        "svar": {"bransje": ["maritim"], "behov": "fagbrev", "kompetanse": "fagbrev", "praksis_aar": 2},
    }
