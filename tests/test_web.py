"""`soknad web` through Starlette's TestClient: every route, its status, headers and error
pages; the golden cases and a sample of the answer space against `soknad sjekk`; hostile
input. The browser itself is in test_web_browser.py.

Expectations are written by hand: the golden cases (tests/cases/), the shipyard's questions
in the order the rule base asks them, and the messages of the terminal guide.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import random
import zipfile
from pathlib import Path

import pytest
import yaml
from openpyxl import Workbook, load_workbook
from starlette.testclient import TestClient

from soknadsveileder.rules import load
from soknadsveileder.web import create_app

from .helpers import OPEN_DATE, TESTS, soknad
from .webpage import address, client, outcome, text_of

CASES = sorted((TESTS / "cases").glob("*.yaml"))
SCHEMES = ["bransjeprogram-industri-bygg", "bransjeprogram-maritim", "industrifagskolen", "utsatte-industriklynger"]
VERFT = {"bransje": ["industri", "maritim"], "behov": "fagbrev", "kompetanse": "ufaglaert", "praksis_aar": 6}


@pytest.fixture(scope="module")
def web():
    return client(OPEN_DATE)


def follow(c, url: str) -> tuple[list[str], object]:
    """Follow redirects by hand, returning every address passed and the last response."""
    passed = []
    response = c.get(url)
    while response.status_code == 303:
        url = response.headers["location"]
        passed.append(url)
        assert len(passed) < 20, f"redirects without end: {passed[-3:]}"
        response = c.get(url)
    return passed, response


def answer(c, page: str, qid: str, *values: str):
    """Send a question's form as the browser does: its hidden fields, then the inputs."""
    query = page.split("?", 1)[1] + "&" if "?" in page else ""
    sent = "".join(f"&{qid}={v}" for v in values)
    return follow(c, f"/svar?{query}_sporsmal={qid}{sent}")


# --- The guide, one question per page -----------------------------------------------------


def test_a_shipyard_is_asked_what_the_terminal_asks_in_its_order(web):
    # bransje, then behov; fagbrev makes kompetanse and praksis_aar relevant; nothing else can
    # change the result (klynge only matters for higher education).
    passed, page = follow(web, "/sporsmal")
    assert passed == ["/sporsmal/bransje"]
    asked = ["bransje"]
    given = {
        "bransje": ["industri", "maritim"],
        "behov": ["fagbrev"],
        "kompetanse": ["ufaglaert"],
        "praksis_aar": ["6"],
    }
    url = passed[-1]
    while url.startswith("/sporsmal/"):
        assert len(asked) < 10, asked
        qid = url.split("/")[2].split("?")[0]
        passed, page = answer(web, url, qid, *given[qid])
        url = passed[-1]
        if url.startswith("/sporsmal/"):
            asked.append(url.split("/")[2].split("?")[0])
    assert asked == ["bransje", "behov", "kompetanse", "praksis_aar"]
    assert url == "/oversikt?bransje=industri&bransje=maritim&behov=fagbrev&kompetanse=ufaglaert&praksis_aar=6"
    assert page.status_code == 200
    text = text_of(page.text)
    assert "Industri, Maritim sektor" in text and "Ufaglært (uten fag- eller svennebrev)" in text
    result = web.get(url.replace("/oversikt", "/resultat"))
    got = outcome(result.text)
    assert got["anbefalte"] == ["bransjeprogram-industri-bygg", "bransjeprogram-maritim"]
    assert got["status"] == dict(zip(SCHEMES, ["aktuell", "aktuell", "ikke_aktuell", "ikke_aktuell"], strict=True))


def test_changing_an_answer_asks_exactly_what_the_change_makes_relevant(web):
    # From fagbrev to fagskole: kompetanse and praksis_aar no longer apply and go; tilbud
    # (is there a ready module?) is asked; then the review again.
    review = "/oversikt?" + address(VERFT)
    page = web.get(review)
    assert f'href="/sporsmal/behov?{address(VERFT)}"'.replace("&", "&amp;") in page.text  # the «Endre» link
    form = web.get(f"/sporsmal/behov?{address(VERFT)}")
    assert 'value="fagbrev" checked' in form.text  # the current answer is ticked
    passed, _ = answer(
        web, f"/sporsmal/behov?{address({k: v for k, v in VERFT.items() if k != 'behov'})}", "behov", "fagskole"
    )
    assert passed[-1] == "/sporsmal/tilbud?bransje=industri&bransje=maritim&behov=fagskole"
    passed, page = answer(web, passed[-1], "tilbud", "finnes")
    assert passed[-1] == "/oversikt?bransje=industri&bransje=maritim&behov=fagskole&tilbud=finnes"


def test_the_back_link_goes_to_the_previous_answer(web):
    page = web.get("/sporsmal/kompetanse?bransje=industri&behov=fagbrev")
    assert 'href="/sporsmal/behov?bransje=industri&amp;behov=fagbrev"' in page.text
    assert 'class="ds-link tilbake" href="/"' in web.get("/sporsmal/bransje").text


def test_vet_ikke_throughout_ends_in_kanskje_everywhere_with_what_to_answer(web):
    passed, _ = follow(web, "/sporsmal")
    url = passed[-1]
    asked = []
    while url.startswith("/sporsmal/"):
        assert len(asked) < 10, asked
        qid = url.split("/")[2].split("?")[0]
        asked.append(qid)
        passed, _ = answer(web, url, qid, "")
        url = passed[-1]
    # Unknown sector and need: kanskje for every scheme. With the sector unknown, klynge is
    # still asked, since a «nei» would rule out the clusters scheme (as in the terminal,
    # test_prompting.test_vet_ikke_records_unknown); every other question waits for behov.
    assert asked == ["bransje", "behov", "klynge"]
    assert url == "/oversikt?bransje=&behov=&klynge="
    got = outcome(web.get("/resultat?bransje=&behov=&klynge=").text)
    assert got["status"] == dict.fromkeys(SCHEMES, "kanskje")
    assert got["anbefalte"] == [] and got["mangler"] == ["bransje", "behov", "klynge"]


def test_an_approximate_number_is_read_as_the_whole_number_below_it(web):
    """Issue 25 §7: the help says an approximate number will do, so «6,5» and «ca. 6» are 6,
    as in a spreadsheet cell and at the terminal's prompt; the address carries the 6."""
    for typed in ("6,5", "ca. 6"):
        page = web.get(f"/svar?bransje=industri&behov=fagbrev&_sporsmal=praksis_aar&praksis_aar={typed}")
        assert page.status_code == 303 and "praksis_aar=6" in page.headers["location"], typed


@pytest.mark.parametrize(
    ("qid", "sent", "message"),
    [
        ("bransje", [], "Velg minst ett svar, eller «Vet ikke»."),
        ("bransje", ["", "industri"], "«Vet ikke» kan ikke velges sammen med andre svar."),
        ("behov", [], "Velg et svar."),
        ("praksis_aar", ["seks"], "Forventet et heltall, fant"),
        ("praksis_aar", ["6 til 7"], "Forventet et heltall, fant"),
        ("praksis_aar", ["99"], "Tallet kan være høyst 60, fant 99."),
    ],
    ids=["ingen-bransje", "vet-ikke-og-bransje", "intet-behov", "ord", "intervall", "for-stort"],
)
def test_a_wrong_answer_is_said_on_the_question_page_with_a_summary_that_links_to_it(web, qid, sent, message):
    before = "bransje=industri&behov=fagbrev" if qid == "praksis_aar" else ""
    values = "".join(f"&{qid}={v}" for v in sent)
    page = web.get(f"/svar?{before}&_sporsmal={qid}{values}")
    assert page.status_code == 400
    assert message in text_of(page.text)
    assert 'class="ds-error-summary"' in page.text
    target = f"svar-{qid}" if qid == "praksis_aar" else f"svar-{qid}-0"
    assert f'href="#{target}"' in page.text and f'id="{target}"' in page.text
    assert 'aria-invalid="true"' in page.text
    assert page.text.count("<title>Feil: ") == 1
    if qid == "praksis_aar":  # what was typed stays in the field
        assert f'value="{sent[0]}"' in page.text


def test_a_question_that_does_not_apply_is_not_asked(web):
    # tilbud is asked only for a fagskole need.
    response = web.get("/sporsmal/tilbud?behov=fagbrev")
    assert response.status_code == 303 and response.headers["location"].startswith("/sporsmal?")


# --- The result ---------------------------------------------------------------------------


def _case(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_golden_cases_give_the_same_result_in_the_browser(path):
    case = _case(path)
    want = case["forventet"]
    page = client(case["dato"]).get("/resultat?" + address(case["svar"]))
    if not case["svar"]:  # nothing answered: the browser starts the questions instead
        assert page.status_code == 303 and page.headers["location"] == "/sporsmal"
        return
    assert page.status_code == 200
    got = outcome(page.text)
    assert got["status"] == want["status"]
    assert got["anbefalte"] == want["anbefalte"]
    assert got["mangler"] == want["mangler"]
    assert got["passet_tidligere"] == want.get("passet_tidligere", [])
    if "andre_muligheter" in want:
        assert got["andre_muligheter"] == want["andre_muligheter"]
    text = text_of(page.text)
    for wanted in want.get("sjekkliste_inneholder", []):
        assert " ".join(wanted.split()) in text, wanted


def test_the_result_has_every_section_the_terminal_has():
    # A year after the rule base was checked: a warning. The shipyard's maritime round (2023)
    # is over, and the bransjeprogram is «kanskje» for a fagbrev in 2024–2027: what happened
    # after the deadline, the other possibilities and the checklist section.
    page = client("2027-12-08").get("/resultat?" + address({**VERFT, "bransje": ["industri", "maritim"]}))
    text = text_of(page.text)
    for heading in [
        "Advarsel:",
        "Anbefalte ordninger",
        "Passer ikke",
        "Andre muligheter",
        "Sjekkliste",
        "Etter fristen",
    ]:
        assert heading in text, heading
    assert "Regelverket ble sist oppdatert 7. desember 2026, for mer enn ett år siden." in text
    assert "Vurdert etter runden 2024–2027" in text and "Passet tidligere – runden er over" not in text
    assert "Passet i 2023 – runden er over" in text
    assert '<a class="ds-link" href="https://' in page.text  # sources as links


def test_the_checklist_download_is_the_markdown_of_the_terminal(web, tmp_path):
    answers = {**VERFT}
    saved = tmp_path / "svar.json"
    saved.write_text(json.dumps(answers), encoding="utf-8")
    out = tmp_path / "sjekkliste.md"
    run = soknad("veileder", "--svar", str(saved), "--sjekkliste", str(out), "--dato", OPEN_DATE)
    assert run.returncode == 0, run.stderr
    response = web.get("/resultat/sjekkliste.md?" + address(answers))
    assert response.status_code == 200
    assert response.headers["content-disposition"] == f'attachment; filename="sjekkliste-{OPEN_DATE}.md"'
    assert response.text == out.read_text(encoding="utf-8")


def test_the_answers_download_reads_back_in_the_terminal_and_in_the_browser(web, tmp_path):
    response = web.get("/resultat/svar.json?" + address(VERFT))
    document = response.json()
    assert document["svar"] == {**VERFT}
    assert document["dato"] == OPEN_DATE and set(document["regelverk"]) == {"versjon", "oppdatert"}
    saved = tmp_path / "svar.json"
    saved.write_bytes(response.content)
    run = soknad("veileder", "--svar", str(saved), "--dato", OPEN_DATE)
    assert run.returncode == 0 and "Anbefalte ordninger" in run.stdout
    back = web.post("/fortsett", files={"fil": ("svar.json", response.content, "application/json")})
    assert back.status_code == 200
    assert f'href="/sporsmal?{address(VERFT).replace("&", "&amp;")}"' in back.text


def test_a_saved_file_from_an_older_rule_base_says_what_changed(tmp_path):
    old = load(TESTS / "regler" / "minimal.yaml")
    assert old.version != load().version
    document = {"regelverk": {"versjon": old.version, "oppdatert": "2021-01-01"}, "dato": "2021-05-01", "svar": {}}
    c = client(OPEN_DATE, earlier=lambda version: None)
    page = c.post("/fortsett", files={"fil": ("svar.json", json.dumps(document).encode(), "application/json")})
    assert page.status_code == 200
    assert f"Svarene ble lagret med regelverk {old.version}" in text_of(page.text)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "Filen er tom."),
        (b"\xff\xfe{}", "ikke gyldig UTF-8"),
        (b'{"bransje": "tull"}', 'bransje: "tull" er ikke en gyldig verdi'),
        (b"{", "JSON"),
    ],
    ids=["tom", "ikke-utf8", "ugyldig-svar", "ufullstendig"],
)
def test_a_bad_saved_file_is_a_400_that_says_why(web, content, message):
    page = web.post("/fortsett", files={"fil": ("svar.json", content, "application/json")})
    assert page.status_code == 400
    assert message in text_of(page.text)
    assert 'class="ds-error-summary"' in page.text


# --- The schemes --------------------------------------------------------------------------


def test_the_schemes_pages(web, rules):
    page = web.get("/ordninger")
    assert page.status_code == 200
    for s in rules.schemes:
        assert f'href="/ordninger/{s.id}"' in page.text
    detail = text_of(web.get("/ordninger/industrifagskolen").text)
    for heading in ["Vilkår", "Sjekkliste", "Historikk", "Kilder", "Hvem søker"]:
        assert heading in detail
    assert web.get("/ordninger/finnes-ikke").status_code == 404


# --- Status codes, headers and error pages ------------------------------------------------

PAGES = [
    "/",
    "/sporsmal/bransje",
    "/oversikt?" + address(VERFT),
    "/resultat?bransje=",
    "/ordninger",
    "/ordninger/industrifagskolen",
    "/liste",
    "/fortsett",
]


@pytest.mark.parametrize("url", PAGES)
def test_every_page_has_the_security_headers_and_is_norwegian(web, url):
    response = web.get(url)
    assert response.status_code == 200
    csp = response.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert '<html lang="nb"' in response.text
    assert "<script>" not in response.text and " style=" not in response.text


def test_404_and_405_are_norwegian_pages_with_the_headers(web):
    missing = web.get("/finnes-ikke")
    assert missing.status_code == 404 and "Fant ikke siden" in missing.text
    assert "content-security-policy" in missing.headers
    wrong = web.post("/resultat")
    assert wrong.status_code == 405 and "Det går ikke an her" in wrong.text


BRANSJE_UNREAD = "Svaret på «Hvilken bransje hører bedriften til?» kunne ikke leses, så du får spørsmålet på nytt."


@pytest.mark.parametrize(
    ("query", "plain", "detail"),
    [
        ("bransje=tull", BRANSJE_UNREAD, '"tull" er ikke en gyldig verdi'),
        (
            "bransj=industri",
            "Adressen har en del som ikke hører til veilederen: «bransj».",
            "Ukjent felt 'bransj'. Mente du 'bransje'?",
        ),
        (
            "behov=fagbrev&behov=fagskole",
            "Svaret på «Hva slags utdanning trenger de ansatte?» kunne ikke leses, så du får spørsmålet på nytt.",
            "Spørsmålet tar ett svar, men fikk 2.",
        ),
        (
            "praksis_aar=-3&behov=fagbrev",
            "Svaret på «Hvor mange års praksis i faget har de ansatte?» kunne ikke leses, så du får spørsmålet på nytt.",
            "Tallet må være minst 0",
        ),
        (
            "klynge=kanskje",
            "Svaret på «Er bedriften med i en utsatt industriklynge, der minst tre industribedrifter samarbeider?» "
            "kunne ikke leses, så du får spørsmålet på nytt.",
            "Svar ja eller nei",
        ),
        ("bransje=%FF%FE", BRANSJE_UNREAD, "er ikke en gyldig verdi"),
        ("bransje=" + "x" * 500, BRANSJE_UNREAD, "Svaret er for langt"),
        ("bransje=" + "x" * 101, BRANSJE_UNREAD, "Svaret er for langt"),
        ("bransje=" + "x" * 100, BRANSJE_UNREAD, "er ikke en gyldig verdi"),  # the longest value that is read
        ("&".join(["bransje=industri"] * 300), "flere enn noen svar kan ha", None),  # said once, plainly
        ("bransje=%00%1b[31m", BRANSJE_UNREAD, '"\\u0000\\u001b[31m" er ikke en gyldig verdi'),
    ],
    ids=[
        "verdi",
        "nokkel",
        "to-svar",
        "negativt",
        "ja-nei",
        "ikke-utf8",
        "langt",
        "101",
        "100",
        "mange",
        "kontrolltegn",
    ],
)
def test_a_tampered_address_is_a_400_page_with_a_way_back(web, query, plain, detail):
    """Issue 26 §6: the 400 page speaks to someone who clicked a link (the question by its
    text, no ids), keeps the good answers, and has the command line's words folded away for
    whoever made the link."""
    for route in ("/resultat", "/oversikt", "/sporsmal", "/sporsmal/bransje", "/resultat/sjekkliste.md"):
        response = web.get(f"{route}?{query}")
        assert response.status_code == 400, route
        assert ">Noen av svarene i adressen kan ikke leses</h1>" in response.text, route
        alert = response.text.split('class="ds-alert"', 1)[1].split("</div>", 1)[0]
        assert plain in text_of(alert), route
        if detail is None:
            assert "<details" not in response.text
        else:
            details = response.text.split("<details", 1)[1].split("</details>", 1)[0]
            assert detail not in text_of(alert) and detail in text_of(details), route
        assert "Feilkode" not in response.text
        assert "Traceback" not in response.text
        assert 'href="/"' in response.text


def test_a_crash_is_a_norwegian_500_page_without_a_traceback(monkeypatch):
    from soknadsveileder.web import engine

    def broken(*args, **kwargs):
        raise RuntimeError("planted")

    monkeypatch.setattr(engine, "evaluate", broken)
    with TestClient(create_app(today=dt.date(2021, 3, 1)), raise_server_exceptions=False) as crashing:
        response = crashing.get("/resultat?bransje=maritim")
    assert response.status_code == 500
    assert ">Noe gikk galt hos oss</h1>" in response.text
    assert "Feilen er ikke din." in text_of(response.text)
    assert "planted" not in response.text and "Traceback" not in response.text
    assert "content-security-policy" in response.headers


def test_a_malformed_form_is_a_norwegian_400_page(web):
    # multipart without a boundary: Starlette cannot read the form at all
    response = web.post("/liste", content=b"x", headers={"content-type": "multipart/form-data"})
    assert response.status_code == 400
    assert ">Noe er feil i forespørselen</h1>" in response.text
    assert "Skjemaet kunne ikke leses" in text_of(response.text)
    assert "Traceback" not in response.text


def test_true_and_false_in_an_address_read_as_ja_and_nei(web):
    # A saved file says true/false; an address typed from it gives the same result.
    for typed, said in (("true", "ja"), ("FALSE", "nei")):
        base = "/resultat?bransje=industri&behov=hoyere&klynge="
        assert outcome(web.get(base + typed).text) == outcome(web.get(base + said).text)


def test_the_way_back_keeps_the_good_answers(web):
    page = web.get("/resultat?bransje=industri&behov=tull")
    assert 'href="/sporsmal?bransje=industri"' in page.text
    assert 'href="/sporsmal"' in web.get("/resultat?bransje=fisk").text  # to the questions, not the start


def test_a_result_without_answers_starts_the_questions(web):
    response = web.get("/resultat")
    assert response.status_code == 303 and response.headers["location"] == "/sporsmal"


def test_the_review_links_back_to_the_last_question(web):
    page = web.get("/oversikt?" + address(VERFT)).text
    assert 'class="ds-link tilbake" href="/sporsmal/praksis_aar?' in page


def test_the_level_is_said_once(web):
    text = text_of(web.get("/ordninger/industrifagskolen").text)
    assert "(NKR 5) (NKR 5)" not in text and "Fagskolemoduler (NKR 5)" in text


# --- For advisers: a member list ----------------------------------------------------------

LIST = [
    ["id", "navn", "bransje", "behov", "tilbud", "praksis_aar"],
    ["1", "Verft AS", "industri, maritim", "fagbrev", "", "6"],
    ["2", "Bygg AS", "bygg", "fagskole", "finnes", ""],
    ["3", "Ålesund Annen AS", "annen", "", "", ""],
]
# By hand from the golden cases (see test_regneark.py).
LIST_STATUSES = {
    "1": ["aktuell", "aktuell", "ikke_aktuell", "ikke_aktuell"],
    # 1 March 2021: Industrifagskolen's autumn call was not announced yet (HK-dir, from July).
    "2": ["kanskje", "ikke_aktuell", "aktuell (ikke lyst ut ennå)", "ikke_aktuell"],
    "3": ["ikke_aktuell"] * 4,
}
# The same in the workbook's words for people (issue 25 §6), keyed by the id as a number.
LIST_WORDS = {
    1: ["Passer", "Passer", "Passer ikke", "Passer ikke"],
    2: ["Kanskje", "Passer ikke", "Passer (ikke lyst ut ennå)", "Passer ikke"],
    3: ["Passer ikke"] * 4,
}
SCHEME_NAMES = [
    "Bransjeprogram for industri- og byggenæringen",
    "Bransjeprogram for maritim sektor",
    "Industrifagskolen",
    "Kompetanseløft for utsatte industriklynger",
]


def norwegian_excel_csv() -> bytes:
    """What older Norwegian Excel saves: semicolons, Windows-1252, CRLF."""
    return "\r\n".join(";".join(row) for row in LIST).encode("cp1252") + b"\r\n"


def test_a_list_from_norwegian_excel_gives_an_xlsx_with_the_summary_on_the_page(web, tmp_path):
    page = web.post(
        "/liste", files={"fil": ("medlemmer.csv", norwegian_excel_csv(), "text/csv")}, data={"format": "xlsx"}
    )
    assert page.status_code == 200
    text = text_of(page.text)
    assert "3 poster lest, 3 gyldige, 0 med feil, 1 uten anbefalt ordning" in text
    assert "lest som Windows-1252" in text
    import base64
    import re

    href = re.search(r'href="data:([^;]+);base64,([^"]+)" download="([^"]+)"', page.text)
    assert href is not None and href.group(3) == f"resultat-{OPEN_DATE}.xlsx"
    book = load_workbook(io.BytesIO(base64.b64decode(href.group(2))))
    rows = list(book["Resultat"].iter_rows(values_only=True))
    header = list(rows[0])
    got = {r[header.index("Id")]: [r[header.index(s)] for s in SCHEME_NAMES] for r in rows[1:]}
    assert got == LIST_WORDS
    assert rows[3][header.index("Navn")] == "Ålesund Annen AS"
    # The same workbook as `soknad sjekk`, cell for cell.
    source = tmp_path / "medlemmer.csv"
    source.write_bytes(norwegian_excel_csv())
    run = soknad("sjekk", str(source), "-o", str(tmp_path / "ut.xlsx"), "--dato", OPEN_DATE)
    assert run.returncode == 0, run.stderr
    cli_rows = list(load_workbook(tmp_path / "ut.xlsx")["Resultat"].iter_rows(values_only=True))
    assert rows == cli_rows


def test_a_header_with_a_byte_cp1252_lacks_is_read_not_a_crash(web):
    # 0x81 has no character in Windows-1252: the header is read with a replacement, which is
    # not a letter, so the column is «behov» as a person sees it (as soknad sjekk does), not a 500.
    content = b"bransje;behov\x81\r\nindustri;fagbrev\r\n"
    page = web.post("/liste", files={"fil": ("m.csv", content, "text/csv")})
    assert page.status_code == 200
    assert "1 post lest, 1 gyldig, 0 med feil" in text_of(page.text)


def test_a_list_as_csv_for_norwegian_excel(web):
    page = web.post("/liste", files={"fil": ("m.csv", norwegian_excel_csv(), "text/csv")}, data={"format": "excel-csv"})
    import base64
    import re

    href = re.search(r'href="data:text/csv;base64,([^"]+)" download="resultat-2021-03-01.csv"', page.text)
    assert href is not None
    content = base64.b64decode(href.group(1))
    assert content.startswith(b"\xef\xbb\xbf") and b"\r\n" in content
    lines = content.decode("utf-8-sig").splitlines()
    assert lines[0].split(";")[:4] == ["nr", "linje", "id", "navn"]


def _zip_bomb() -> bytes:
    """A valid zip named like a workbook, whose one part unpacks to 200 MB of zeros."""
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z,
        z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part,
    ):
        block = b"\0" * 1_000_000
        for _ in range(200):
            part.write(block)
    return buffer.getvalue()


def _empty_xlsx() -> bytes:
    buffer = io.BytesIO()
    Workbook().save(buffer)
    return buffer.getvalue()


def _wide_xlsx() -> bytes:
    book = Workbook()
    book.active.append([f"k{i}" for i in range(300)])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "status", "message"),
    [
        ("bombe.xlsx", _zip_bomb(), 413, "pakker seg ut til 200 MB"),
        ("bred.csv", b"," * 1_000_000 + b"\n", 413, "Første rad har 1000001 kolonner; grensen er 200."),
        ("bred.xlsx", _wide_xlsx(), 413, "Arket «Sheet» har 300 kolonner; grensen er 200."),
        ("mange.csv", b"bransje\n" + b"industri\n" * 10_001, 413, "Listen har mer enn 10000 rader"),
        ("tom.csv", b"", 400, "Filen er tom."),
        ("gammel.xls", b"\xd0\xcf\x11\xe0" + b"\0" * 100, 400, "ikke en .xlsx- eller .csv-fil"),
        ("falsk.xlsx", b"PK\x03\x04ikke en zip", 400, "Filen kunne ikke leses som en Excel-fil (.xlsx)."),
        ("tom.xlsx", _empty_xlsx(), 400, "Fant ingen liste i filen: den har ingen rader med innhold."),
    ],
    ids=["zip-bombe", "million-kolonner-csv", "brede-xlsx", "for-mange-rader", "tom", "xls", "falsk-xlsx", "tom-xlsx"],
)
def test_hostile_lists_get_a_clean_4xx(web, name, content, status, message):
    response = web.post("/liste", files={"fil": (name, content, "application/octet-stream")}, data={"format": "xlsx"})
    assert response.status_code == status
    assert message in text_of(response.text).replace("\u00a0", "")
    assert "Traceback" not in response.text
    assert web.get("/").status_code == 200


def _chunked_upload(web):
    """An upload over the limit with no Content-Length: refused while it arrives."""

    def chunks():
        boundary = b"--grense\r\n"
        yield boundary + b'Content-Disposition: form-data; name="fil"; filename="s.csv"\r\n\r\n'
        for _ in range(80):
            yield b"industri\n" * 10_000

    return web.post("/liste", content=chunks(), headers={"content-type": "multipart/form-data; boundary=grense"})


def test_an_oversized_upload_is_refused_while_it_is_read(web):
    big = b"bransje\n" + b"industri\n" * 700_000  # 6.3 MB
    response = web.post("/liste", files={"fil": ("stor.csv", big, "text/csv")})
    assert response.status_code == 413 and "Filen er for stor" in response.text

    # Without a Content-Length (chunked), the limit holds as the body arrives.
    response = _chunked_upload(web)
    assert response.status_code == 413
    assert web.get("/").status_code == 200
    # Any other address: the general 413 page, in Norwegian.
    other = web.post("/resultat", content=b"x" * 5_100_000, headers={"content-type": "application/octet-stream"})
    assert other.status_code == 413 and ">Forespørselen er for stor</h1>" in other.text
    assert "Filen er for stor: største fil som kan lastes opp er 5 MB." in text_of(other.text)


def test_rows_with_errors_are_listed_on_the_page(web):
    content = "id;navn;bransje;behov\r\n1;Fisk AS;fiskeri;fagbrev\r\n2;Verft AS;industri;fagbrev\r\n".encode("cp1252")
    page = web.post("/liste", files={"fil": ("m.csv", content, "text/csv")}, data={"format": "xlsx"})
    text = text_of(page.text)
    assert "2 poster lest, 1 gyldig, 1 med feil" in text
    assert "Rader med feil Disse radene ble ikke vurdert." in text
    assert "2 1 Fisk AS bransje: «fiskeri» er ikke en gyldig verdi." in text  # row 2 of the file


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("feil-overskrifter.csv", "Bedrift;Næring;Utdanning\r\nVerft AS;Industri;Fagbrev\r\n".encode("cp1252")),
        ("README.md", b"# soknad\n\nBedrifter i industri, bygg og maritim sektor\n"),
    ],
    ids=["egne-overskrifter", "ikke-en-liste"],
)
def test_a_list_without_a_single_question_column_is_refused(web, name, content):
    page = web.post("/liste", files={"fil": (name, content, "text/csv")}, data={"format": "xlsx"})
    assert page.status_code == 400
    text = text_of(page.text)
    assert f"Fant ingen overskriftsrad i {name}: ingen av de første 20 radene har en kolonne med et spørsmål." in text
    assert "bransje, behov, kompetanse, tilbud, klynge, praksis_aar" in text
    assert "Skriv nummeret på raden med kolonnenavnene i feltet «Overskriftsrad»" in text


def test_the_template_is_the_one_soknad_mal_writes(web, tmp_path):
    response = web.get("/liste/mal.xlsx")
    assert response.status_code == 200
    assert response.headers["content-disposition"] == 'attachment; filename="mal.xlsx"'
    run = soknad("mal", "-o", str(tmp_path / "mal.xlsx"), "--dato", OPEN_DATE)
    assert run.returncode == 0
    web_rows = list(load_workbook(io.BytesIO(response.content))["Svar"].iter_rows(values_only=True))
    cli_rows = list(load_workbook(tmp_path / "mal.xlsx")["Svar"].iter_rows(values_only=True))
    assert web_rows == cli_rows and web_rows[2][:2] == ("id", "navn")


def test_an_upload_over_the_limit_shows_the_form_again(web):
    big = b"bransje\n" + b"industri\n" * 700_000
    for path, form_label in (("/liste", "Medlemsliste (.xlsx eller .csv)"), ("/fortsett", "Svarfil (.json)")):
        response = web.post(path, files={"fil": ("stor.csv", big, "text/csv")})
        assert response.status_code == 413
        assert form_label in response.text and "Filen er for stor" in text_of(response.text)
    assert "soknad sjekk" in text_of(web.post("/liste", files={"fil": ("s.csv", big, "text/csv")}).text)


@pytest.mark.parametrize("port", ["99999", "abc", "-1"])
def test_a_bad_port_is_said_in_norwegian(port):
    result = soknad("web", "--port", port)
    assert result.returncode == 2
    assert f"'{port}' er ikke en port. Bruk et tall fra 1 til 65535, eller 0 for en ledig." in result.stderr


def test_a_list_without_a_file_says_so(web):
    response = web.post("/liste", data={"format": "xlsx"})
    assert response.status_code == 400 and "Velg en fil" in text_of(response.text)


# --- The browser and `soknad sjekk` cannot disagree ----------------------------------------


def test_a_sample_of_the_answer_space_gives_what_soknad_sjekk_gives(rules):
    """For answer sets drawn from every question's values (and «vet ikke»), on a date in every
    combination of rounds and after the last (tests/snapshot.py), the result page's statuses,
    recommended order, earlier schemes and missing questions equal `soknad sjekk`'s. A
    differential check: the oracle for each side is the approved snapshot and the cases."""
    from .snapshot import DATES

    rng = random.Random(20261203)
    values = {
        "bransje": [["industri"], ["bygg"], ["maritim"], ["annen"], ["industri", "maritim"], ["bygg", "annen"], None],
        "behov": ["fagbrev", "fagskole", "hoyere", None],
        "kompetanse": ["ufaglaert", "fagbrev", "fagskole", "hoyere", None],
        "tilbud": ["finnes", "nytt", None],
        "klynge": [True, False, None],
        "praksis_aar": [0, 1, 4, 5, 6, 60, None],
    }
    assert set(values) == {q.id for q in rules.questions}  # a new question must be added here
    records = []
    for n in range(100):
        record = {"id": str(n)}
        for qid, options in values.items():
            if rng.random() < 0.8:
                record[qid] = rng.choice(options)
        records.append(record)
    for date in (d.isoformat() for d in DATES):
        run = soknad("sjekk", "--dato", date, input="\n".join(json.dumps(r) for r in records))
        assert run.returncode == 0, run.stderr
        expected = [json.loads(line) for line in run.stdout.splitlines()]
        c = client(date)
        for record, want in zip(records, expected, strict=True):
            answers = {k: v for k, v in record.items() if k != "id"}
            got = outcome(c.get("/resultat?" + address(answers)).text)
            assert got["status"] == {v["id"]: v["status"] for v in want["vurderinger"]}, record
            assert got["anbefalte"] == want["anbefalte"], record
            assert got["passet_tidligere"] == want["passet_tidligere"], record
            assert got["mangler"] == want["mangler"], record


# --- The command ----------------------------------------------------------------------------


def test_soknad_web_help(cli):
    result = cli("web", "--help")
    assert result.exit_code == 0
    for option in ("--port", "--host", "--apne", "--regler", "--dato"):
        assert option in result.stdout


def test_a_port_in_use_is_one_clear_line():
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        run = soknad("web", "--port", str(port))
    assert run.returncode == 2
    assert f"Feil: Port {port} på 127.0.0.1 er allerede i bruk." in run.stderr
    assert "Traceback" not in run.stderr


def _serve(*args: str, env: dict[str, str] | None = None):
    import re
    import subprocess
    import sys

    from .helpers import ROOT, subprocess_env

    server = subprocess.Popen(
        [sys.executable, "-m", "soknadsveileder", "web", "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=subprocess_env(**(env or {})),
        cwd=ROOT,
    )
    assert server.stdout is not None
    line = server.stdout.readline()
    match = re.search(r"http://([0-9.]+):(\d+)/", line)
    assert match, line
    return server, int(match.group(2))


def test_the_real_server_answers_hostile_requests_with_4xx_and_stays_up():
    import http.client
    import signal

    server, port = _serve("--dato", OPEN_DATE)
    try:

        def request(method: str, path: str, body=None, headers=None) -> int:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            try:
                connection.request(method, path, body=body, headers=headers or {})
                return connection.getresponse().status
            except (ConnectionResetError, BrokenPipeError):
                return 413  # the server closed the connection after its 413
            finally:
                connection.close()

        assert request("GET", "/resultat?bransje=%FF") == 400
        assert request("GET", "/" + "a" * 5000) == 404
        assert request("DELETE", "/") == 405
        head = b'--b\r\nContent-Disposition: form-data; name="fil"; filename="s.csv"\r\n\r\n'
        chunks = (head if i == 0 else b"industri\n" * 8000 for i in range(200))  # 14 MB, chunked
        assert request("POST", "/liste", chunks, {"Content-Type": "multipart/form-data; boundary=b"}) == 413
        assert request("POST", "/liste", _zip_bomb(), {"Content-Type": "multipart/form-data; boundary=b"}) in (400, 413)
        assert request("POST", "/fortsett", b"\xff\xfe", {"Content-Type": "multipart/form-data; boundary=b"}) == 400
        assert request("GET", "/") == 200
    finally:
        server.send_signal(signal.SIGINT)
        _, err = server.communicate(timeout=20)
    assert "Traceback" not in err, err
    assert server.returncode == 130 and err.strip().endswith("Avbrutt.")


def test_another_host_than_this_machine_is_warned_about():
    import signal

    server, port = _serve("--host", "0.0.0.0")
    assert server.stdout is not None
    second = server.stdout.readline()
    server.send_signal(signal.SIGINT)
    _, err = server.communicate(timeout=20)
    assert "gjør veilederen tilgjengelig for andre maskiner" in err
    # The address printed first is one a browser on this machine can open (_serve reads it
    # as 127.0.0.1), not 0.0.0.0; the second is for the other machines.
    assert second.strip() == f"Fra andre maskiner: http://{__import__('socket').gethostname()}:{port}/"


def test_a_result_page_is_never_served_for_another_day_or_other_answers():
    # The server's clock moves on while it runs: the same address a day later says one day
    # less. And answers that differ only in a number that changes nothing still show it.
    import datetime as dt

    from starlette.testclient import TestClient

    from soknadsveileder.web import create_app

    today = [dt.date(2021, 9, 1)]
    c = TestClient(create_app(clock=lambda: today[0]))
    url = "/resultat?bransje=industri&behov=hoyere&klynge=ja"
    assert "(åpen, 14 dager igjen)" in text_of(c.get(url).text)
    today[0] = dt.date(2021, 9, 2)
    assert "(åpen, 13 dager igjen)" in text_of(c.get(url).text)
    six = text_of(c.get("/resultat?" + address(VERFT)).text)
    seven = text_of(c.get("/resultat?" + address({**VERFT, "praksis_aar": 7})).text)
    assert "Hvor mange års praksis i faget har de ansatte? 6" in six
    assert "Hvor mange års praksis i faget har de ansatte? 7" in seven
    # The links carry the answers in the order they were given, also when the same answers
    # were asked for in another order just before.
    assert (
        'href="/oversikt?bransje=industri&amp;behov=fagbrev"' in c.get("/resultat?bransje=industri&behov=fagbrev").text
    )
    assert (
        'href="/oversikt?behov=fagbrev&amp;bransje=industri"' in c.get("/resultat?behov=fagbrev&bransje=industri").text
    )


def test_every_kind_of_answer_travels_unchanged_through_the_links(web):
    # ja and nei, a number, «Vet ikke», and several values: the review links to the result
    # with exactly the answers it was given, and each «Endre» form ticks the answer given.
    query = "bransje=industri&bransje=bygg&behov=hoyere&klynge=nei"
    review = web.get("/oversikt?" + query).text
    assert 'href="/resultat?' + query.replace("&", "&amp;") + '"' in review
    assert 'value="nei" checked' in web.get("/sporsmal/klynge?" + query).text
    assert 'value="ja" checked' in web.get("/sporsmal/klynge?" + query.replace("nei", "ja")).text
    unknown = "bransje=&behov=&klynge="
    assert 'href="/resultat?' + unknown.replace("&", "&amp;") + '"' in web.get("/oversikt?" + unknown).text
    assert 'value="" checked' in web.get("/sporsmal/behov?" + unknown).text


@pytest.mark.parametrize(("columns", "status"), [(200, 200), (201, 413)])
def test_the_column_limit_is_exactly_200(web, columns, status):
    header = ",".join(["bransje", *[f"egen{i}" for i in range(columns - 1)]])
    content = (header + "\nindustri" + "," * (columns - 1) + "\n").encode()
    response = web.post("/liste", files={"fil": ("m.csv", content, "text/csv")}, data={"format": "csv"})
    assert response.status_code == status


def test_an_answer_to_a_question_that_does_not_apply_is_left_out(web):
    # tilbud is asked only for a fagskole need; with fagbrev it neither counts nor shows.
    page = text_of(web.get("/resultat?bransje=industri&behov=fagbrev&tilbud=finnes").text)
    assert "Finnes det en ferdig fagskolemodul" not in page
    saved = web.get("/resultat/svar.json?bransje=industri&behov=fagbrev&tilbud=finnes").json()
    assert saved["svar"] == {"bransje": ["industri"], "behov": "fagbrev"}


def test_apne_opens_the_address_in_the_browser(tmp_path):
    # Python's webbrowser runs $BROWSER with the address; here a script that writes it down.
    import signal
    import time

    opened = tmp_path / "åpnet.txt"
    browser = tmp_path / "nettleser"
    browser.write_text(f'#!/bin/sh\necho "$1" > {opened}\n')
    browser.chmod(0o755)
    server, port = _serve("--apne", env={"BROWSER": str(browser)})
    for _ in range(100):
        if opened.exists() and opened.read_text().strip():
            break
        time.sleep(0.1)
    server.send_signal(signal.SIGINT)
    server.communicate(timeout=20)
    assert opened.read_text().strip() == f"http://127.0.0.1:{port}/"


def test_a_2021_file_says_which_answer_is_asked_again_without_contradicting_itself():
    # Under 2021.1, tilbud had the value «ferdig»; today it is «finnes». The statuses for the
    # answers that remain are the same, so the page says no status changed (not «nothing»).
    document = {
        "regelverk": {"versjon": "2021.1", "oppdatert": "2021-06-01"},
        "dato": "2021-06-01",
        "svar": {"bransje": "industri", "behov": "fagskole", "tilbud": "ferdig"},
    }
    page = client(OPEN_DATE).post(
        "/fortsett", files={"fil": ("s.json", json.dumps(document).encode(), "application/json")}
    )
    text = text_of(page.text)
    assert "Svarene ble lagret med regelverk 2021.1; for disse svarene har ingen ordning endret status." in text
    assert "Svaret 'ferdig' på 'tilbud' er ikke lenger et gyldig svar i regelverk" in text
    assert "ingenting er endret" not in text
    # Fortsett asks tilbud again.
    assert 'href="/sporsmal?bransje=industri&amp;behov=fagskole"' in page.text


def test_every_answer_set_on_every_date_reaches_the_page_as_sjekk_reads_it(rules):
    """The whole answer space (tests/snapshot.py), on a date in every combination of rounds and
    after the last: the address the pages write carries the same answers back, and the result
    page's sections list the recommended and earlier schemes and their rounds as `soknad
    sjekk`'s JSON does (the HTTP round trip itself is sampled above)."""
    from urllib.parse import parse_qsl

    from soknadsveileder import engine
    from soknadsveileder.answers import parse_record
    from soknadsveileder.jsonout import result_json
    from soknadsveileder.web import result_view
    from soknadsveileder.web import state as web_state

    from .snapshot import DATES, all_answer_sets

    seen = set()
    checked = 0
    for answers in all_answer_sets(rules):
        kept = engine.effective(rules, answers)
        key = tuple(kept.items())
        if key in seen:
            continue
        seen.add(key)
        record = {k: (list(v) if isinstance(v, tuple) else v) for k, v in kept.items()}
        read = parse_record(rules, record)  # how sjekk reads the record
        carried = web_state.decode(rules, parse_qsl(web_state.query(rules, kept).lstrip("?")))
        # «Vet ikke» and no answer are the same to a result; every known answer comes back.
        assert {k: v for k, v in carried.items() if v is not None} == {
            k: v for k, v in read.items() if v is not None
        }, record
        for day in DATES:
            want = result_json(engine.evaluate(rules, read, day))
            view = result_view(rules, engine.evaluate(rules, carried, day))
            assert [r["a"].scheme.id for r in view["recommended"]] == want["anbefalte"], (record, day)
            assert [r["a"].scheme.id for r in view["earlier"]] == want["passet_tidligere"], (record, day)
            rounds = {v["id"]: (v["runde"] or {}).get("navn") for v in want["vurderinger"]}
            for r in view["recommended"]:
                assert dict(r["facts"])["Runde"].startswith(f"Vurdert etter runden {rounds[r['a'].scheme.id]} "), day
            checked += 1
    assert checked == len(seen) * len(DATES) > 30_000


def test_the_sheet_and_the_header_row_are_fields_of_the_list_page(web, tmp_path):
    """Issue 25 §1 and §5 on /liste: a workbook with two lists gets a 400 on the sheet field,
    with the sheets offered and the first list preselected; chosen, it is read. A header row
    below row 20 gets a 400 on the row field; given, it is read, and a bad number is refused."""
    from .workbooks import two_lists_workbook

    book = two_lists_workbook(tmp_path / "to.xlsx").read_bytes()
    files = {"fil": ("to.xlsx", book, "application/octet-stream")}
    page = web.post("/liste", files=files)
    assert page.status_code == 400 and 'aria-invalid="true"' in page.text.split('id="ark"')[1].split(">")[0]
    assert '<option value="Vest" selected>Vest</option>' in page.text and '<option value="Nord">' in page.text
    chosen = web.post("/liste", files=files, data={"ark": "Nord"})
    assert chosen.status_code == 200 and "1 post lest, 1 gyldig" in text_of(chosen.text)
    assert "leser arket «Nord», med overskriftene på rad 1." in text_of(chosen.text)
    deep = ("Notat\n" * 21 + "navn,bransje,behov\nA AS,bygg,fagbrev\n").encode()
    files = {"fil": ("dypt.csv", deep, "text/csv")}
    lost = web.post("/liste", files=files)
    assert lost.status_code == 400 and 'href="#overskriftsrad"' in lost.text
    found = web.post("/liste", files=files, data={"overskriftsrad": "22"})
    assert found.status_code == 200 and "overskriftene står på rad 22; radene over er ikke lest." in text_of(found.text)
    bad = web.post("/liste", files=files, data={"overskriftsrad": "tre"})
    assert bad.status_code == 400 and "Overskriftsraden må være et radnummer fra 1 til 1000, fant «tre»." in text_of(
        bad.text
    )
    assert 'value="tre"' in bad.text  # what was typed stays in the field


# By hand from the CSP the pages are written for: every response carries these, exactly.
SECURITY = {
    "content-security-policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
    ),
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
}


def test_both_ways_to_a_413_carry_the_security_headers(web):
    """A body declared too large is refused before it is read; one that turns out too large
    (chunked, no Content-Length) while it is read. Both 413 pages carry the same security
    headers as every other page: the first used to be sent past the guard that adds them."""
    declared = web.post("/liste", content=b"x" * 5_100_000, headers={"content-type": "application/octet-stream"})
    streamed = _chunked_upload(web)
    for response in (declared, streamed):
        assert response.status_code == 413
        assert {k: response.headers.get(k) for k in SECURITY} == SECURITY


@pytest.mark.parametrize(
    "tail",
    [
        "&utm_source=facebook&utm_medium=social&fbclid=IwAR3x",
        "&gclid=abc&mc_cid=1&mc_eid=2&_ga=2.1",
        ")",
        ".",
        "&amp;klynge=ja",
    ],
    ids=["utm-fbclid", "gclid-mailchimp", "parentes", "punktum", "amp"],
)
def test_a_shared_link_gives_the_same_result(web, tail):
    """Issue 26 §6: what links pick up when shared (a tracker's parameters, a «)» or «.» from
    the sentence around it, «&amp;» from a page copied as text) changes nothing."""
    plain = "/resultat?bransje=industri&behov=hoyere&klynge=ja"
    shared = plain.replace("&klynge=ja", "") + tail if tail.startswith("&amp;") else plain + tail
    want = outcome(web.get(plain).text)
    got = web.get(shared)
    assert got.status_code == 200, tail
    assert outcome(got.text) == want


def test_a_tracker_like_key_that_is_no_tracker_is_still_an_error(web):
    """Only the trackers' names are dropped: any other unknown key is still a 400 that names it."""
    page = web.get("/resultat?bransje=industri&utm=1")
    assert page.status_code == 400 and "Ukjent felt 'utm'." in text_of(page.text)
    assert "Adressen har en del som ikke hører til veilederen: «utm»." in text_of(page.text)


def test_the_health_address_names_the_rule_base_and_nothing_else(web):
    """Issue 26 §4: for a load balancer, 200 with the version served; no answers, no cookie."""
    response = web.get("/helse?bransje=industri")
    assert response.status_code == 200
    assert response.text == "ok: regelverk 2026.3, oppdatert 2026-12-07\n"
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert response.headers["cache-control"] == "no-store" and "set-cookie" not in response.headers
    assert {k: response.headers.get(k) for k in SECURITY} == SECURITY


def test_the_log_has_a_line_per_request_and_never_the_answers():
    """Issue 26 §3: the rule base served at start, then per request the time, method, path
    without the query string, status and duration; the answers are in the query string."""
    import re

    from starlette.testclient import TestClient

    from soknadsveileder.web import create_app

    log = io.StringIO()
    web = TestClient(create_app(today=dt.date(2021, 3, 1), log=log))
    web.get("/resultat?bransje=industri&behov=hoyere&klynge=ja")
    web.get("/finnes-ikke?bransje=bygg")
    web.post("/liste", content=b"x" * 5_100_000, headers={"content-type": "application/octet-stream"})
    lines = log.getvalue().splitlines()
    assert re.fullmatch(r"soknad web: serverer regelverk 2026\.3, oppdatert 2026-12-07, fra .*schemes\.yaml", lines[0])
    stamp = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"
    assert re.fullmatch(stamp + r" GET /resultat 200 \d+\.\d ms", lines[1])
    assert re.fullmatch(stamp + r" GET /finnes-ikke 404 \d+\.\d ms", lines[2])
    assert re.fullmatch(stamp + r" POST /liste 413 \d+\.\d ms", lines[3])
    assert len(lines) == 4 and not any(word in log.getvalue() for word in ("bransje", "industri", "?"))


@pytest.mark.parametrize(
    ("env", "said"),
    [
        ({"SOKNAD_REGLER": "tests/regler/ugyldige/duplisert-nokkel.yaml"}, "regelverket kan ikke brukes: "),
        ({"SOKNAD_DATO": "01.09.2021"}, "SOKNAD_DATO='01.09.2021' er ikke en dato; bruk formen ÅÅÅÅ-MM-DD"),
    ],
    ids=["ødelagt-regelverk", "ugyldig-dato"],
)
def test_the_bare_uvicorn_command_with_a_broken_setting_serves_503_and_says_why_once(env, said):
    """Issue 26 §2: `uvicorn soknadsveileder.web:app` with a rule base or a SOKNAD_DATO that
    cannot be used logs one Norwegian line, and every address, /helse too, answers 503, so a
    load balancer takes it out. No traceback, and no crash loop."""
    import socket
    import subprocess
    import sys
    import time
    import urllib.error
    import urllib.request

    from .helpers import ROOT, subprocess_env

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "soknadsveileder.web:app", "--port", str(port), "--no-access-log"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=subprocess_env(**env),
        cwd=ROOT,
    )
    try:
        statuses = {}
        for path in ("/helse", "/", "/resultat?bransje=industri"):
            for _ in range(100):
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5)
                except urllib.error.HTTPError as e:
                    statuses[path] = (e.code, e.headers.get("content-security-policy") is not None)
                    break
                except OSError:
                    time.sleep(0.1)
        assert statuses == dict.fromkeys(("/helse", "/", "/resultat?bransje=industri"), (503, True))
        assert server.poll() is None  # still serving, not crashed
    finally:
        server.terminate()
        _, err = server.communicate(timeout=20)
    assert err.count("soknad web: ") == 1 and f"soknad web: {said}" in err, err
    assert "Traceback" not in err
