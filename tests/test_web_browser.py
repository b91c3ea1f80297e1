"""`soknad web` in real Chromium through Playwright: the server is started as a user starts it
(`soknad web --port 0 --dato …`), and the browser is the OS package `chromium`, given to
Playwright by path; Playwright downloads nothing.

The flows: a shipyard from the start page to the result, a change on the review page, «Vet
ikke» throughout, a member list up and an xlsx down, a saved answer file round-tripped, the
result printed to PDF, and the whole guide without JavaScript and with the keyboard alone.
axe-core runs on every page type. Screenshots at 320 and 1280 px go to `skjermbilder/` (not
committed). Expectations are written by hand, from the golden cases.

Run them alone with: .venv/bin/python -m pytest tests/test_web_browser.py
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook

from .helpers import ROOT, servers_left, stop_server, subprocess_env
from .nginx import NGINX, PREFIX, Nginx
from .webpage import outcome, text_of

playwright_api = pytest.importorskip("playwright.sync_api")

CHROMIUM = os.environ.get("SOKNAD_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
if CHROMIUM is None:
    if os.environ.get("CI"):
        raise RuntimeError("CI needs the OS package chromium for the browser tests (.ci/run installs it).")
    pytest.skip("no chromium on this machine: apt-get install chromium", allow_module_level=True)

SHOTS = ROOT / "skjermbilder"
SCHEMES = ["bransjeprogram-industri-bygg", "bransjeprogram-maritim", "industrifagskolen", "utsatte-industriklynger"]
# Chromium as root in a container, with nothing that calls out to the network.
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


class Server:
    """`soknad web` for one date, reached directly, or (`proxied`) through nginx at /soknad/
    with the documented snippet, started with --root-path and --proxy as the docs say."""

    def __init__(self, date: str, proxied: bool = False) -> None:
        import tempfile

        # The server logs a line per request to stderr: to a file, which never fills up as an
        # unread pipe would (and then stop the server), read when it stops.
        self.log = tempfile.TemporaryFile(mode="w+", encoding="utf-8")  # noqa: SIM115 (closed in stop)
        options = ["--root-path", PREFIX, "--proxy", "127.0.0.1"] if proxied else []
        self.process = subprocess.Popen(
            [sys.executable, "-m", "soknadsveileder", "web", "--port", "0", "--dato", date, *options],
            stdout=subprocess.PIPE,
            stderr=self.log,
            env=subprocess_env(),
            cwd=ROOT,
            text=True,
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        match = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        assert match, line
        self.url = match.group(0).rstrip("/")
        self.nginx = Nginx(int(match.group(1))) if proxied else None
        if self.nginx is not None:
            self.url = self.nginx.url

    def stop(self) -> str:
        if self.nginx is not None:
            self.nginx.stop()
        return stop_server(self.process, self.log)


# The whole suite runs twice where nginx is installed (.ci/run installs it): directly, and
# through the proxy at /soknad/, as a county would host it (issue 26).
WAYS = ["direkte", "nginx"] if NGINX is not None or os.environ.get("CI") else ["direkte"]


@pytest.fixture(scope="module", params=WAYS)
def servers(request) -> Iterator[dict[str, Server]]:
    started: dict[str, Server] = {}
    proxied = request.param == "nginx"

    class Lazy(dict):
        def __missing__(self, date: str) -> Server:
            # Kept in the dict itself: before, each lookup started a server of its own, and
            # only the last one per date was stopped (24 left running after every suite).
            self[date] = started[date] = Server(date, proxied)
            return self[date]

    yield Lazy()
    for server in started.values():
        err = server.stop()
        assert "Traceback" not in err, err
    assert servers_left() == []  # every server started is stopped


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with playwright_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, servers):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    context.set_default_timeout(15_000)
    tab = context.new_page()
    tab.errors = []
    tab.on("pageerror", lambda e: tab.errors.append(str(e)))
    # A 4xx page is logged as a failed resource; the tests that ask for one check its status.
    tab.on(
        "console",
        lambda m: tab.errors.append(m.text) if m.type == "error" and "status of 4" not in m.text else None,
    )
    tab.base = servers["2021-03-01"].url
    yield tab
    context.close()
    assert tab.errors == []  # no script error, no resource refused by the CSP, nothing missing


AXE = Path(__import__("axe_playwright_python").__file__).parent / "axe.min.js"


def axe(tab) -> list[dict]:
    """axe-core's violations on the page: every rule of WCAG 2.1 A and AA, and best practice.
    The script is run through the DevTools protocol, which the page's CSP does not govern."""
    tab.evaluate(AXE.read_text(encoding="utf-8"))
    result = tab.evaluate(
        "async () => await axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})"
    )
    return [{"id": v["id"], "nodes": [n["html"][:120] for n in v["nodes"]]} for v in result["violations"]]


def screenshots(tab, name: str) -> None:
    """The page at 320 and 1280 px, and that it never scrolls sideways at 180 or 320 px, nor at
    640 px (1280 px at 200 % zoom)."""
    SHOTS.mkdir(exist_ok=True)
    for width in (180, 320, 640, 1280):
        tab.set_viewport_size({"width": width, "height": 900})
        overflow = tab.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{name} scrolls sideways at {width} px"
        if width in (320, 1280):
            tab.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
    tab.set_viewport_size({"width": 1280, "height": 900})


def tick(tab, label: str) -> None:
    tab.get_by_label(label, exact=True).check()


def next_(tab) -> None:
    tab.get_by_role("button", name="Neste").click()


def shipyard_to_review(tab) -> None:
    tab.goto(tab.base + "/")
    tab.get_by_role("link", name="Start veilederen").last.click()
    assert tab.get_by_role("heading", level=1).inner_text() == "Hvilken bransje hører bedriften til?"
    tick(tab, "Industri")
    tick(tab, "Maritim sektor")
    next_(tab)
    tick(tab, "Fagbrev (NKR 4), også fagbrev nummer to")
    next_(tab)
    tick(tab, "Ufaglært (uten fag- eller svennebrev)")
    next_(tab)
    tab.get_by_label("Hvor mange års praksis i faget har de ansatte?").fill("6")
    next_(tab)
    assert tab.get_by_role("heading", level=1).inner_text() == "Se over svarene"


def test_a_shipyard_from_the_start_page_to_the_result(page):
    shipyard_to_review(page)
    page.get_by_role("link", name="Se resultatet").click()
    got = outcome(page.content())
    assert got["anbefalte"] == ["bransjeprogram-industri-bygg", "bransjeprogram-maritim"]
    assert got["status"] == dict(zip(SCHEMES, ["aktuell", "aktuell", "ikke_aktuell", "ikke_aktuell"], strict=True))
    assert "Sjekkliste" in page.inner_text("main")


def test_changing_an_answer_on_the_review_page(page):
    shipyard_to_review(page)
    page.get_by_role("link", name="Endre svaret på «Hva slags utdanning trenger de ansatte?»").click()
    assert page.get_by_label("Fagbrev (NKR 4), også fagbrev nummer to").is_checked()
    tick(page, "Fagskolemoduler (NKR 5)")
    next_(page)
    # The one question the change makes relevant, then the review again without kompetanse
    # and praksis_aar, which no longer apply.
    assert page.get_by_role("heading", level=1).inner_text().startswith("Finnes det en ferdig fagskolemodul")
    tick(page, "En ferdig modul passer")
    next_(page)
    review = page.inner_text("main")
    assert "Fagskolemoduler (NKR 5)" in review and "En ferdig modul passer" in review
    assert "Hvor mange års praksis" not in review


def test_vet_ikke_throughout(page):
    page.goto(page.base + "/sporsmal")
    asked = []
    while page.url.split("?")[0].rsplit("/", 2)[-2] == "sporsmal":
        assert len(asked) < 10, asked
        asked.append(page.get_by_role("heading", level=1).inner_text())
        tick(page, "Vet ikke")
        next_(page)
    assert asked == [
        "Hvilken bransje hører bedriften til?",
        "Hva slags utdanning trenger de ansatte?",
        "Er bedriften med i en utsatt industriklynge, der minst tre industribedrifter samarbeider?",
    ]
    page.get_by_role("link", name="Se resultatet").click()
    got = outcome(page.content())
    assert got["status"] == dict.fromkeys(SCHEMES, "kanskje") and got["anbefalte"] == []


def test_a_member_list_up_and_the_xlsx_down(page, tmp_path):
    rows = [
        ["id", "navn", "bransje", "behov", "tilbud", "praksis_aar"],
        ["1", "Verft AS", "industri, maritim", "fagbrev", "", "6"],
        ["2", "Bygg AS", "bygg", "fagskole", "finnes", ""],
        ["3", "Ørsta Annen AS", "annen", "", "", ""],
    ]
    source = tmp_path / "medlemmer.csv"
    source.write_bytes("\r\n".join(";".join(r) for r in rows).encode("cp1252") + b"\r\n")
    page.goto(page.base + "/liste")
    page.get_by_label("Medlemsliste (.xlsx eller .csv)").set_input_files(str(source))
    page.get_by_role("button", name="Sjekk listen").click()
    assert "3 poster lest, 3 gyldige, 0 med feil, 1 uten anbefalt ordning" in page.inner_text("main")
    with page.expect_download() as info:
        page.get_by_role("link", name=re.compile("Last ned resultatet")).click()
    target = tmp_path / info.value.suggested_filename
    info.value.save_as(target)
    assert target.name == "resultat-2021-03-01.xlsx"
    sheet = load_workbook(target)["Resultat"]
    table = list(sheet.iter_rows(values_only=True))
    header = list(table[0])
    names = [
        "Bransjeprogram for industri- og byggenæringen",
        "Bransjeprogram for maritim sektor",
        "Industrifagskolen",
        "Kompetanseløft for utsatte industriklynger",
    ]
    got = {r[header.index("Navn")]: [r[header.index(s)] for s in names] for r in table[1:]}
    assert got == {
        "Verft AS": ["Passer", "Passer", "Passer ikke", "Passer ikke"],
        # 1 March 2021: Industrifagskolen's autumn call was not out yet (HK-dir, from July).
        "Bygg AS": ["Kanskje", "Passer ikke", "Passer (ikke lyst ut ennå)", "Passer ikke"],
        "Ørsta Annen AS": ["Passer ikke"] * 4,
    }


def upload(tab, source, first: bool = False) -> None:
    """Choose a list in the form on /liste (opened first if asked) and send it."""
    if first:
        tab.goto(tab.base + "/liste")
    tab.get_by_label("Medlemsliste (.xlsx eller .csv)").set_input_files(str(source))
    tab.get_by_role("button", name="Sjekk listen").click()


def _office_list_in_the_browser(tab, tmp_path, source) -> list[tuple]:
    """Upload the office's workbook at /liste, check what the page says of the reading, and
    return the downloaded result's rows."""
    upload(tab, source, first=True)
    main = tab.inner_text("main")
    assert "5 poster lest, 5 gyldige, 0 med feil" in main
    assert "det første arket («Les meg») har ingen overskriftsrad med spørsmål; leser arket «Medlemmer»." in main
    assert "leser arket «Medlemmer», med overskriftene på rad 3; radene over er ikke lest." in main
    assert "2 celler fikk verdien sin slik (2 i kolonnen «bransje»)." in main
    assert "«ca. 5» som 5" in main
    with tab.expect_download() as info:
        tab.get_by_role("link", name=re.compile("Last ned resultatet")).click()
    target = tmp_path / f"nett-{info.value.suggested_filename}"
    info.value.save_as(target)
    return list(load_workbook(target)["Resultat"].iter_rows(values_only=True))


@pytest.mark.parametrize("javascript", [True, False], ids=["med-js", "uten-js"])
def test_an_office_workbook_in_the_browser_gives_what_the_terminal_gives(browser, servers, tmp_path, javascript):
    """Issue 25 in Chromium, with and without JavaScript: the title row, the «Les meg» sheet,
    the merged sector and «ca. 5» are read as in the terminal, the own columns come back, and
    the downloaded workbook is the one `soknad sjekk` writes, cell for cell."""
    from .workbooks import office_workbook

    source = office_workbook(tmp_path / "medlemmer.xlsx")
    context = browser.new_context(java_script_enabled=javascript, accept_downloads=True)
    tab = context.new_page()
    tab.base = servers["2021-03-01"].url
    rows = _office_list_in_the_browser(tab, tmp_path, source)
    context.close()
    header = rows[0]
    assert header[7] == "Bransjeprogram for industri- og byggenæringen"
    assert header[13:] == ("Org.nr.", "Kontaktperson", "Kommentar", "Innmeldt", "Ansatte", "Intern kode")
    assert rows[1][13:] == (
        974760673,
        "Kari Nordmann",
        "Ring etter 1. mars",
        __import__("datetime").datetime(2019, 3, 1),
        25,
        "0042",
    )
    out = tmp_path / "terminal.xlsx"
    run = subprocess.run(
        [sys.executable, "-m", "soknadsveileder", "sjekk", str(source), "-o", str(out), "--dato", "2021-03-01"],
        capture_output=True, text=True, env=subprocess_env(), cwd=ROOT, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert rows == list(load_workbook(out)["Resultat"].iter_rows(values_only=True))


def test_a_list_as_csv_for_excel_the_template_and_cell_messages_in_the_browser(page, tmp_path):
    """Issue 25 §4, §6, §8 in Chromium: the CSV for Norwegian Excel carries the own columns
    with Norwegian dates and the notes in its header row; an error names the cell's value in
    spreadsheet words; the template has its title row and own columns."""
    from .workbooks import office_workbook

    source = office_workbook(tmp_path / "medlemmer.xlsx")
    page.goto(page.base + "/liste")
    page.get_by_label("CSV for norsk Excel (semikolon)").check()
    upload(page, source)
    with page.expect_download() as info:
        page.get_by_role("link", name=re.compile("Last ned resultatet")).click()
    target = tmp_path / "resultat.csv"
    info.value.save_as(target)
    data = target.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfnr;linje;id;navn;") and b"\r\n" in data
    import csv

    header, first = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))[:2]
    assert header[-1].startswith("Om resultatet: Vurdert 2021-03-01 med regelverk")
    own = dict(zip(header[13:19], first[13:19], strict=True))
    assert own == {
        "Org.nr.": "974760673",
        "Kontaktperson": "Kari Nordmann",
        "Kommentar": "Ring etter 1. mars",
        "Innmeldt": "01.03.2019",
        "Ansatte": "25",
        "Intern kode": "0042",
    }
    bad = tmp_path / "feil.csv"
    bad.write_text("navn;bransje;klynge\nA AS;industri;kanskje\n", encoding="utf-8")
    upload(page, bad, first=True)
    assert "Skriv ja eller nei, fant «kanskje»." in page.inner_text("main")
    page.goto(page.base + "/liste")
    with page.expect_download() as info:
        page.get_by_role("link", name="Last ned en mal (Excel)").click()
    template = tmp_path / "mal.xlsx"
    info.value.save_as(template)
    rows = list(load_workbook(template)["Svar"].iter_rows(max_row=3, values_only=True))
    assert rows[0][0] == "Medlemsliste – én bedrift per rad (mal fra soknad)"
    assert rows[2][-2:] == ("Org.nr.", "Kommentar")


def test_the_sheet_and_the_header_row_are_chosen_on_the_page(page, tmp_path):
    """Issue 25 §1, §5 on /liste: a workbook with two lists asks for the sheet with a list
    of its sheets; a list whose headers are below row 20 asks for the header row. Each error
    is on its field, and the page passes axe."""
    from .workbooks import two_lists_workbook

    source = two_lists_workbook(tmp_path / "to.xlsx")
    upload(page, source, first=True)
    assert "flere ark har det: «Vest», «Nord»" in page.inner_text("main")
    choice = page.get_by_label("Ark (valgfritt)")
    assert choice.get_attribute("aria-invalid") == "true"
    assert choice.locator("option").all_inner_texts() == ["Det første arket", "Les meg", "Vest", "Nord"]
    assert axe(page) == []
    choice.select_option("Nord")
    upload(page, source)
    assert "1 post lest, 1 gyldig" in page.inner_text("main")
    deep = tmp_path / "dypt.csv"
    deep.write_text("Notat\n" * 21 + "navn,bransje,behov\nA AS,bygg,fagbrev\n", encoding="utf-8")
    upload(page, deep, first=True)
    assert "ingen av de første 20 radene har en kolonne med et spørsmål" in page.inner_text("main")
    row = page.get_by_label("Overskriftsrad (valgfritt)")
    assert row.get_attribute("aria-invalid") == "true"
    assert axe(page) == []
    row.fill("22")
    upload(page, deep)
    assert "1 post lest, 1 gyldig" in page.inner_text("main")
    assert "overskriftene står på rad 22; radene over er ikke lest." in page.inner_text("main")


def test_a_saved_answer_file_round_trips(page, tmp_path):
    shipyard_to_review(page)
    page.get_by_role("link", name="Se resultatet").click()
    first = outcome(page.content())
    with page.expect_download() as info:
        page.get_by_role("link", name="Last ned svarene (JSON)").click()
    saved = tmp_path / "svar.json"
    info.value.save_as(saved)
    assert info.value.suggested_filename == "svar-2021-03-01.json"
    page.goto(page.base + "/fortsett")
    page.get_by_label("Svarfil (.json)").set_input_files(str(saved))
    page.get_by_role("button", name="Les inn svarene").click()
    assert "Ufaglært (uten fag- eller svennebrev)" in page.inner_text("main")
    page.get_by_role("link", name="Fortsett", exact=True).click()  # nothing left to ask: the review
    page.get_by_role("link", name="Se resultatet").click()
    assert outcome(page.content()) == first


def test_the_result_printed_to_pdf_has_the_checklist(page, tmp_path):
    from pypdf import PdfReader

    shipyard_to_review(page)
    page.get_by_role("link", name="Se resultatet").click()
    page.emulate_media(media="print")
    assert not page.locator("header.topp").is_visible()  # no navigation on paper
    pdf = page.pdf(format="A4", print_background=True)
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
    assert "Sjekkliste" in text
    assert "Bransjeprogram for industri- og byggenæringen" in text
    assert "Last ned svarene" not in text and "Start veilederen" not in text
    assert "(https://" in text  # link addresses written out


def test_the_whole_guide_without_javascript(browser, servers):
    context = browser.new_context(java_script_enabled=False, accept_downloads=True)
    tab = context.new_page()
    tab.base = servers["2021-03-01"].url
    shipyard_to_review(tab)
    tab.get_by_role("link", name="Se resultatet").click()
    assert outcome(tab.content())["anbefalte"] == ["bransjeprogram-industri-bygg", "bransjeprogram-maritim"]
    # The print and copy buttons are JavaScript's only additions; without them, the page says
    # how to print (in words a phone user can follow too: no keyboard shortcut) and shows the
    # address to share.
    assert tab.get_by_role("button", name="Skriv ut resultatet og sjekklisten").count() == 0
    assert tab.get_by_role("button", name="Kopier adressen").count() == 0
    main = tab.inner_text("main")
    assert "Skriv ut med nettleserens utskrift." in main and "Ctrl+P" not in main
    assert tab.locator("[data-del]").inner_text() == tab.url
    context.close()


def test_the_whole_guide_with_the_keyboard_alone(page):
    page.goto(page.base + "/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Hopp til innholdet"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "innhold"

    def tab_to(text: str) -> None:
        for _ in range(60):
            page.keyboard.press("Tab")
            if (
                page.evaluate("document.activeElement.textContent.trim()") == text
                or page.evaluate(
                    "document.activeElement.labels && document.activeElement.labels[0] "
                    "&& document.activeElement.labels[0].textContent.trim()"
                )
                == text
            ):
                return
        raise AssertionError(f"never reached {text!r} with Tab")

    tab_to("Start veilederen")
    page.keyboard.press("Enter")
    page.wait_for_url("**/sporsmal/bransje")
    tab_to("Industri")
    page.keyboard.press("Space")
    tab_to("Maritim sektor")
    page.keyboard.press("Space")
    tab_to("Neste")
    page.keyboard.press("Enter")
    page.wait_for_url("**/sporsmal/behov?*")
    tab_to("Fagbrev (NKR 4), også fagbrev nummer to")
    page.keyboard.press("Space")
    page.keyboard.press("Enter")  # Enter in a form sends it
    page.wait_for_url("**/sporsmal/kompetanse?*")
    tab_to("Ufaglært (uten fag- eller svennebrev)")
    page.keyboard.press("Space")
    page.keyboard.press("Enter")
    page.wait_for_url("**/sporsmal/praksis_aar?*")
    tab_to("Hvor mange års praksis i faget har de ansatte?")
    page.keyboard.type("6")
    page.keyboard.press("Enter")
    page.wait_for_url("**/oversikt?*")
    tab_to("Se resultatet")
    page.keyboard.press("Enter")
    page.wait_for_url("**/resultat?*")
    assert outcome(page.content())["anbefalte"] == ["bransjeprogram-industri-bygg", "bransjeprogram-maritim"]
    # The focus is visible: the focused element draws an outline or a box shadow.
    tab_to("Endre svarene")
    style = page.evaluate(
        "(() => { const s = getComputedStyle(document.activeElement); return [s.outlineStyle, s.boxShadow]; })()"
    )
    assert style[0] != "none" or style[1] != "none"


# --- Every page type: axe-core, and screenshots at 320 and 1280 px ------------------------

VERFT = "bransje=industri&bransje=maritim&behov=fagbrev&kompetanse=ufaglaert&praksis_aar=6"
# 2022: every 2021 deadline has passed. Industri and maritim with a fagskole need gives every
# section: warnings, a recommended scheme, one that fitted earlier, a «kanskje», one that does
# not fit, the other possibilities and the checklist.
ALL_SECTIONS = ("2022-06-01", "/resultat?bransje=industri&bransje=maritim&behov=fagskole")
PAGES = {
    "start": ("2021-03-01", "/"),
    "sporsmal": ("2021-03-01", "/sporsmal/bransje"),
    "sporsmal-feil": ("2021-03-01", "/svar?bransje=industri&behov=fagbrev&_sporsmal=praksis_aar&praksis_aar=seks"),
    "oversikt": ("2021-03-01", "/oversikt?" + VERFT),
    "resultat": ("2021-03-01", "/resultat?" + VERFT),
    "resultat-alle-deler": ALL_SECTIONS,
    "ordninger": ("2021-03-01", "/ordninger"),
    "ordning": ("2021-03-01", "/ordninger/bransjeprogram-maritim"),
    "liste": ("2021-03-01", "/liste"),
    "fortsett": ("2021-03-01", "/fortsett"),
    "feil-400": ("2021-03-01", "/resultat?bransje=tull"),
    "feil-404": ("2021-03-01", "/finnes-ikke"),
}


@pytest.mark.parametrize("name", list(PAGES))
def test_every_page_type_passes_axe_and_fits_320_px(browser, servers, name):
    date, path = PAGES[name]
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    refused = []
    tab.on("console", lambda m: refused.append(m.text) if m.type == "error" and "status of 4" not in m.text else None)
    response = tab.goto(servers[date].url + path)
    assert response is not None and response.status in (200, 400, 404)
    if name == "resultat-alle-deler":
        text = text_of(tab.content())
        for heading in [
            "Advarsel:",
            "Anbefalte ordninger",
            "Passet",
            "Kanskje aktuelle",
            "Passer ikke",
            "Andre muligheter",
            "Sjekkliste",
        ]:
            assert heading in text, heading
    assert axe(tab) == []
    screenshots(tab, name)
    assert refused == []
    context.close()


def test_the_list_result_and_a_read_answer_file_pass_axe(page, tmp_path):
    source = tmp_path / "m.csv"
    source.write_text("bransje;behov\nindustri;fagbrev\nbygg;\nfiskeri;fagbrev\n", encoding="utf-8")
    page.goto(page.base + "/liste")
    page.get_by_label("Medlemsliste (.xlsx eller .csv)").set_input_files(str(source))
    page.get_by_role("button", name="Sjekk listen").click()
    assert "Rader med feil" in page.inner_text("main")  # the error table is checked too
    assert axe(page) == []
    screenshots(page, "liste-resultat")
    saved = tmp_path / "svar.json"
    saved.write_text('{"bransje": ["industri"], "behov": "hoyere"}', encoding="utf-8")
    page.goto(page.base + "/fortsett")
    page.get_by_label("Svarfil (.json)").set_input_files(str(saved))
    page.get_by_role("button", name="Les inn svarene").click()
    assert axe(page) == []
    screenshots(page, "fortsett-lest")


def test_an_error_summary_takes_the_focus_and_its_link_moves_it_to_the_field(page):
    page.goto(page.base + "/svar?bransje=industri&behov=fagbrev&_sporsmal=praksis_aar&praksis_aar=seks")
    assert page.evaluate("document.activeElement.id") == "feiloppsummering"
    page.get_by_role("link", name='Forventet et heltall, fant "seks".').click()
    assert page.evaluate("document.activeElement.id") == "svar-praksis_aar"
    page.keyboard.press("Control+A")
    page.keyboard.type("6")
    page.keyboard.press("Enter")
    page.wait_for_url("**/sporsmal/kompetanse?*praksis_aar=6")
