"""Issue 26: hosting the browser guide for colleagues. A path prefix behind a proxy, proxy
headers only from named addresses, several workers checked before they start, a rule base
read again when its file changes, shared addresses, plain words, and uploads read off the
server's process. The browser and the proxy itself are in test_proxy.py.

Expected values are written by hand: the addresses, the sentences and the numbers below
are what a reader of the issue would write down, not what the code returns."""

from __future__ import annotations

import datetime as dt
import http.client
import io
import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from soknadsveileder.rules import load
from soknadsveileder.web import create_app, under_root, upload

from .helpers import ROOT, stop_server, subprocess_env
from .webpage import text_of

VERFT = "bransje=industri&bransje=maritim&behov=fagbrev&kompetanse=ufaglaert&praksis_aar=6"
SOKNAD = [sys.executable, "-m", "soknadsveileder"]


def links(html: str) -> list[str]:
    """Every address in a page that points into the guide: links, forms, styles, scripts."""
    found = re.findall(r'(?:href|action|src)="([^"]*)"', html)
    return [a for a in found if a.startswith("/")]


# --- The path prefix ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "root", "want_path", "want_root"),
    [
        # uvicorn --root-path behind a proxy that strips /soknad: uvicorn adds it back
        ("/soknad/sporsmal", "/soknad", "/soknad/sporsmal", "/soknad"),
        # a server that passes the path on as it came
        ("/sporsmal", "/soknad", "/soknad/sporsmal", "/soknad"),
        # a proxy that keeps /soknad, and uvicorn adds it again
        ("/soknad/soknad/sporsmal", "/soknad", "/soknad/sporsmal", "/soknad"),
        ("/soknad/soknad", "/soknad", "/soknad/", "/soknad"),
        ("/soknad", "/soknad", "/soknad/", "/soknad"),
        ("/soknad/", "/soknad/", "/soknad/", "/soknad"),
        # a name that only starts like the prefix is a path under it, not the prefix
        ("/soknadx/sporsmal", "/soknad", "/soknad/soknadx/sporsmal", "/soknad"),
        ("/sporsmal", "", "/sporsmal", ""),
    ],
)
def test_every_way_a_prefix_arrives_reaches_the_same_route(path, root, want_path, want_root):
    scope, got_root = under_root({"type": "http", "path": path, "root_path": root})
    assert (scope["path"], scope["root_path"] if got_root else "", got_root) == (want_path, want_root, want_root)


PAGE_ADDRESSES = [
    ("get", "/", 200),
    ("get", "/sporsmal/bransje", 200),
    ("get", "/svar?bransje=industri&_sporsmal=behov&behov=tull", 400),
    ("get", "/oversikt?" + VERFT, 200),
    ("get", "/resultat?" + VERFT, 200),
    ("get", "/ordninger", 200),
    ("get", "/ordninger/industrifagskolen", 200),
    ("get", "/om", 200),
    ("get", "/liste", 200),
    ("get", "/fortsett", 200),
    ("get", "/resultat?bransje=tull&behov=fagbrev", 400),
    ("get", "/finnes-ikke", 404),
    ("post", "/resultat", 405),
]


@pytest.mark.parametrize(("method", "path", "status"), PAGE_ADDRESSES, ids=[p for _, p, _ in PAGE_ADDRESSES])
def test_every_link_form_and_stylesheet_carries_the_prefix(method, path, status):
    web = TestClient(create_app(today=dt.date(2026, 12, 7)), root_path="/soknad", follow_redirects=False)
    response = getattr(web, method)("/soknad" + path)
    assert response.status_code == status
    found = links(response.text)
    assert found, path
    assert [a for a in found if not a.startswith("/soknad/")] == []
    assert '<link rel="stylesheet" href="/soknad/static/soknad.css">' in response.text
    if status == 400 and "bransje=tull" in path:  # the way back keeps the good answer
        assert 'href="/soknad/sporsmal?behov=fagbrev"' in response.text


def test_redirects_downloads_and_the_413_page_carry_the_prefix():
    web = TestClient(create_app(today=dt.date(2026, 12, 7)), root_path="/soknad", follow_redirects=False)
    assert web.get("/soknad/sporsmal?bransje=industri").headers["location"] == "/soknad/sporsmal/behov?bransje=industri"
    assert web.get("/soknad/resultat").headers["location"] == "/soknad/sporsmal"
    answered = web.get("/soknad/svar?_sporsmal=bransje&bransje=bygg")
    assert answered.headers["location"] == "/soknad/sporsmal?bransje=bygg"
    for download in ("sjekkliste.html", "sjekkliste.md", "svar.json"):
        got = web.get(f"/soknad/resultat/{download}?{VERFT}")
        assert got.status_code == 200 and "attachment" in got.headers["content-disposition"], download
    assert web.get("/soknad/static/soknad.js").status_code == 200
    big = web.post(
        "/soknad/liste", content=b"x" * 10, headers={"content-length": str(upload.MAX_BYTES + 100_000)}
    )  # declared too large: refused before the body is read
    assert big.status_code == 413
    assert [a for a in links(big.text) if not a.startswith("/soknad/")] == []


# --- A real server: --root-path, --proxy, bad options ---------------------------------------


class Served:
    """`soknad web` in a process of its own, with its log in a file."""

    def __init__(self, *options: str, env: dict[str, str] | None = None) -> None:
        import tempfile

        self.log = tempfile.TemporaryFile(mode="w+", encoding="utf-8")  # noqa: SIM115 (closed in stop)
        self.process = subprocess.Popen(
            [*SOKNAD, "web", "--port", "0", "--dato", "2026-12-07", *options],
            stdout=subprocess.PIPE,
            stderr=self.log,
            env=env or subprocess_env(),
            cwd=ROOT,
            text=True,
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        match = re.search(r"http://127\.0\.0\.1:(\d+)(/\S*)", line)
        assert match, line + self.stop()
        self.port = int(match.group(1))
        self.shown = match.group(0)
        self.wait_until_ready()

    def wait_until_ready(self) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if self.get("/helse")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise AssertionError("the server did not answer /helse:\n" + self.stop())

    def get(self, path: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], str]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        body = response.read().decode("utf-8", "replace")
        connection.close()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, body

    def stop(self) -> str:
        return stop_server(self.process, self.log)


def share_address(html: str) -> str:
    match = re.search(r'<a class="ds-link" href="([^"]+)" data-del>', html)
    assert match, html[:500]
    return match.group(1).replace("&amp;", "&")


def test_soknad_web_under_a_prefix_with_a_named_proxy():
    server = Served("--root-path", "/soknad/", "--proxy", "127.0.0.1")
    try:
        assert server.shown == f"http://127.0.0.1:{server.port}/soknad/"
        # A proxy that strips /soknad: the request comes as /sporsmal.
        status, headers, _ = server.get("/sporsmal?bransje=industri")
        assert (status, headers["location"]) == (303, "/soknad/sporsmal/behov?bransje=industri")
        # A proxy that keeps it: /soknad/sporsmal.
        status, headers, _ = server.get("/soknad/sporsmal?bransje=industri")
        assert (status, headers["location"]) == (303, "/soknad/sporsmal/behov?bransje=industri")
        # The address to share is the one the user sees: the proxy's host, its https, the prefix.
        status, _, page = server.get(
            "/resultat?" + VERFT, {"Host": "intranett.example.no", "X-Forwarded-Proto": "https"}
        )
        assert status == 200
        assert share_address(page) == "https://intranett.example.no/soknad/resultat?" + VERFT
    finally:
        log = server.stop()
    assert "Traceback" not in log
    assert " GET /soknad/sporsmal 303 " in log and "bransje" not in log


def test_proxy_headers_from_an_address_not_named_are_ignored():
    server = Served()  # no --proxy: nobody may say the user came with https
    try:
        _, _, page = server.get("/resultat?" + VERFT, {"Host": "intranett.example.no", "X-Forwarded-Proto": "https"})
        assert share_address(page) == "http://intranett.example.no/resultat?" + VERFT
    finally:
        assert "Traceback" not in server.stop()
    other = Served("--proxy", "10.0.0.5")  # a proxy named, but the request comes from 127.0.0.1
    try:
        _, _, page = other.get("/resultat?" + VERFT, {"Host": "intranett.example.no", "X-Forwarded-Proto": "https"})
        assert share_address(page).startswith("http://intranett.example.no/")
    finally:
        assert "Traceback" not in other.stop()


@pytest.mark.parametrize(
    ("option", "said"),
    [
        (["--root-path", "soknad"], "'soknad' er ikke en sti. Skriv stien veilederen ligger under hos proxyen"),
        (["--root-path", "/søknad"], "'/søknad' er ikke en sti."),
        (["--proxy", "proxy.intern"], "'proxy.intern' er ikke en IP-adresse eller et nett."),
        (["--proxy", "10.0.0.5,10.0.0.300"], "'10.0.0.300' er ikke en IP-adresse eller et nett."),
        (["--workers", "0"], "'0' er ikke et antall prosesser. Bruk et tall fra 1 til 64."),
        (["--workers", "65"], "'65' er ikke et antall prosesser."),
        (["--workers", "to"], "'to' er ikke et antall prosesser."),
    ],
)
def test_a_bad_hosting_option_is_one_norwegian_line_and_exit_2(option, said):
    result = subprocess.run(
        [*SOKNAD, "web", "--port", "0", *option], capture_output=True, text=True, env=subprocess_env(), timeout=30
    )
    assert result.returncode == 2
    assert said in " ".join(result.stderr.split())
    assert "Traceback" not in result.stderr and result.stdout == ""


# --- Several workers -------------------------------------------------------------------------


def test_workers_start_only_after_the_rule_base_is_checked(tmp_path):
    broken = tmp_path / "regler.yaml"
    broken.write_text('versjon: "1"\nordninger: [\n', encoding="utf-8")
    started = time.monotonic()
    result = subprocess.run(
        [*SOKNAD, "web", "--port", "0", "--workers", "2", "--regler", str(broken)],
        capture_output=True,
        text=True,
        env=subprocess_env(),
        timeout=60,
    )
    assert time.monotonic() - started < 10
    assert result.returncode != 0
    assert re.search(rf"{re.escape(str(broken))}:\d+: ", result.stderr), result.stderr
    assert "Traceback" not in result.stderr and "kjører på" not in result.stdout
    dated = subprocess.run(
        [*SOKNAD, "web", "--port", "0", "--workers", "2", "--dato", "01.09.2021"],
        capture_output=True,
        text=True,
        env=subprocess_env(),
        timeout=60,
    )
    assert dated.returncode == 2 and "Traceback" not in dated.stderr
    assert "01.09.2021" in dated.stderr


def test_two_workers_serve_the_same_rule_base_and_stop_on_ctrl_c(tmp_path):
    rules = tmp_path / "regler.yaml"
    rules.write_text((ROOT / "data" / "schemes.yaml").read_text(encoding="utf-8").replace(
        'versjon: "2026.3"', 'versjon: "2026.3-fylket"'
    ), encoding="utf-8")  # fmt: skip
    server = Served("--workers", "2", "--regler", str(rules), "--root-path", "/soknad")
    try:
        bodies = {server.get("/helse")[2] for _ in range(20)}
        assert bodies == {"ok: regelverk 2026.3-fylket, oppdatert 2026-12-07\n"}
        status, headers, _ = server.get("/sporsmal?bransje=industri")
        assert (status, headers["location"]) == (303, "/soknad/sporsmal/behov?bransje=industri")
        # Each worker is dated by --dato, as one process is.
        assert "Vurdert per 7. desember 2026." in text_of(server.get("/resultat?" + VERFT)[2])
        status, page = post_list(server.port, tmp_path)  # a helper process starts in a worker
        assert status == 200 and "Resultat for medlemslisten" in page
    finally:
        started = time.monotonic()
        log = server.stop()
        assert time.monotonic() - started < 15
    # Stopped as one process stops: «Avbrutt.» and 130, with nothing from Python.
    assert server.process.returncode == 130
    assert log.rstrip().endswith("Avbrutt.")
    assert "Traceback" not in log and "Exception ignored" not in log and "leaked" not in log
    assert log.count(f"soknad web: serverer regelverk 2026.3-fylket, oppdatert 2026-12-07, fra {rules}") == 2


# --- Reloading an edited rule base ----------------------------------------------------------


def test_an_edited_rule_base_is_served_and_a_broken_one_is_not(tmp_path):
    path = tmp_path / "regler.yaml"
    original = (ROOT / "data" / "schemes.yaml").read_text(encoding="utf-8")
    path.write_text(original, encoding="utf-8")
    log = io.StringIO()
    web = TestClient(create_app(load(path), dt.date(2026, 12, 7), log=log, reload_every=0))
    assert web.get("/helse").text == "ok: regelverk 2026.3, oppdatert 2026-12-07\n"

    path.write_text(original.replace('versjon: "2026.3"', 'versjon: "2026.4"'), encoding="utf-8")
    os.utime(path, ns=(time.time_ns(), time.time_ns() + 1_000_000))
    assert web.get("/helse").text == "ok: regelverk 2026.4, oppdatert 2026-12-07\n"
    assert f"soknad web: lest inn på nytt, serverer nå regelverk 2026.4, oppdatert 2026-12-07, fra {path}\n" in (
        log.getvalue()
    )

    # Saved half-way, or with a mistake: the rule base in force goes on serving.
    path.write_text(original.replace('versjon: "2026.3"', 'versjon: "2026.5"').replace("ordninger:", "ordninger: ["), encoding="utf-8")  # fmt: skip
    os.utime(path, ns=(time.time_ns(), time.time_ns() + 2_000_000))
    assert web.get("/helse").text == "ok: regelverk 2026.4, oppdatert 2026-12-07\n"
    assert web.get("/resultat?" + VERFT).status_code == 200
    said = [line for line in log.getvalue().splitlines() if "er endret, men" in line]
    assert len(said) == 1, log.getvalue()
    assert said[0].startswith(f"soknad web: {path} er endret, men regelverket kan ikke brukes: {path}:")
    assert said[0].endswith("Serverer fortsatt regelverk 2026.4, oppdatert 2026-12-07, fra " + str(path) + ".")
    web.get("/helse")  # the broken file is tried once, not on every request
    assert sum("er endret, men" in line for line in log.getvalue().splitlines()) == 1

    path.write_text(original.replace('versjon: "2026.3"', 'versjon: "2026.5"'), encoding="utf-8")
    os.utime(path, ns=(time.time_ns(), time.time_ns() + 3_000_000))
    assert web.get("/helse").text == "ok: regelverk 2026.5, oppdatert 2026-12-07\n"


def test_the_file_is_looked_at_no_more_often_than_asked(tmp_path):
    path = tmp_path / "regler.yaml"
    original = (ROOT / "data" / "schemes.yaml").read_text(encoding="utf-8")
    path.write_text(original, encoding="utf-8")
    web = TestClient(create_app(load(path), dt.date(2026, 12, 7), reload_every=3600))
    path.write_text(original.replace('versjon: "2026.3"', 'versjon: "2026.4"'), encoding="utf-8")
    assert web.get("/helse").text == "ok: regelverk 2026.3, oppdatert 2026-12-07\n"


# --- The result: shared, printed, downloaded ---------------------------------------------------


def test_the_result_says_its_address_can_be_shared_and_gives_it():
    web = TestClient(create_app(today=dt.date(2021, 3, 1)), base_url="http://intranett.example.no")
    page = web.get("/resultat?" + VERFT + "&utm_source=nyhetsbrev").text
    assert share_address(page) == "http://intranett.example.no/resultat?" + VERFT  # without the tracker
    text = text_of(page)
    assert "Adressen til denne siden kan deles. Den som åpner den, ser det samme resultatet" in text
    section = page.split('id="filer-tittel"', 1)[1]
    share = section.split('class="ds-paragraph delt-adresse"', 1)[0]
    assert "ikke-utskrift" not in page.split('id="filer-tittel"', 1)[0].rsplit("<section", 1)[1]  # printed
    assert "data-kopier" in section and "ikke-utskrift" not in share
    # Another host asking for the same answers gets its own address, never the first one's.
    other = TestClient(web.app, base_url="https://annen.example.no")
    assert share_address(other.get("/resultat?" + VERFT).text) == "https://annen.example.no/resultat?" + VERFT


def test_the_result_starts_with_links_to_its_sections():
    web = TestClient(create_app(today=dt.date(2022, 6, 1)))
    page = web.get("/resultat?bransje=industri&bransje=maritim&behov=fagskole").text
    nav = page.split('aria-labelledby="innhold-tittel"', 1)[1].split("</nav>", 1)[0]
    assert re.findall(r'<a class="ds-link" href="#([a-z-]+)">([^<]+)</a>', nav) == [
        ("svar-tittel", "Svarene dine"),
        ("anbefalt-tittel", "Anbefalte ordninger"),
        ("tidligere-tittel", "Passet i 2021 – runden er over"),
        ("kanskje-tittel", "Kanskje aktuelle"),
        ("ikke-tittel", "Passer ikke"),
        ("andre-tittel", "Andre muligheter"),
        ("sjekkliste-tittel", "Sjekkliste"),
        ("filer-tittel", "Del eller ta vare på resultatet"),
    ]
    for anchor in re.findall(r'href="#([a-z-]+)"', nav):
        assert f'id="{anchor}"' in page, anchor
    # Without a «kanskje», an earlier round or a scheme that does not fit, no link to them.
    few = web.get("/resultat?bransje=maritim&behov=hoyere").text
    shown = few.split('aria-labelledby="innhold-tittel"', 1)[1].split("</nav>", 1)[0]
    for anchor in re.findall(r'href="#([a-z-]+)"', shown):
        assert f'id="{anchor}"' in few, anchor


def test_the_checklist_downloads_as_a_page_a_phone_opens():
    web = TestClient(create_app(today=dt.date(2021, 3, 1)), base_url="http://intranett.example.no")
    got = web.get("/resultat/sjekkliste.html?" + VERFT)
    assert got.status_code == 200
    assert got.headers["content-type"] == "text/html; charset=utf-8"
    assert got.headers["content-disposition"] == 'attachment; filename="sjekkliste-2021-03-01.html"'
    assert got.headers["cache-control"] == "no-store"
    html = got.text
    assert "<style>" in html and "<script" not in html and "/static/" not in html  # stands alone
    assert 'href="http://intranett.example.no/resultat?' + VERFT.replace("&", "&amp;") + '"' in html
    text = text_of(html)
    assert "Vurdert per 1. mars 2021" in text
    # Hand-written from the sources: a shipyard needing fagbrev in March 2021 gets both
    # bransjeprogrammer recommended, and the checklist's first step is the applicant's.
    assert re.findall(r'data-ordning="([a-z-]+)" data-status="aktuell"', html) == [
        "bransjeprogram-industri-bygg",
        "bransjeprogram-maritim",
    ]
    assert "Det er utdanningsinstitusjonen som søker om midlene, ikke bedriften." in text


# --- Plain words ---------------------------------------------------------------------------

PLAIN_PAGES = ["/", "/sporsmal/bransje", "/oversikt?" + VERFT, "/resultat?" + VERFT, "/ordninger",
               "/ordninger/bransjeprogram-maritim", "/liste", "/fortsett", "/om", "/finnes-ikke",
               "/resultat?bransje=tull"]  # fmt: skip


@pytest.mark.parametrize("date", ["2021-03-01", "2021-04-10", "2022-06-01", "2026-12-07", "2027-12-08"])
def test_pages_speak_plainly_to_people_who_never_saw_a_terminal(date):
    web = TestClient(create_app(today=dt.date.fromisoformat(date)))
    for path in PLAIN_PAGES:
        html = web.get(path).text
        text = text_of(re.sub(r'href="[^"]*"', "", html))
        assert not re.search(r"\b20\d\d-\d\d-\d\d\b", text), (path, re.findall(r".{40}\b20\d\d-\d\d-\d\d\b", text))
        assert "kommandoen soknad" not in text and "Feilkode" not in text, path
        main = text_of(html.split("<main", 1)[1].split("</main>", 1)[0])
        if path != "/om":  # the version is for the footer and the «Om» page
            assert "Regelverk 2026.3" not in main and "regelverk 2026.3" not in main, path
        footer = text_of(html.split("<footer", 1)[1])
        assert "Regelverk 2026.3, oppdatert 7. desember 2026." in footer
        # «Advarsel» only on the warnings: the alert about the rule base, and the checklist's
        # deadline warnings; what the sources say of the money is a «Merk».
        for found in re.finditer(r"Advarsel", html):
            before = html[: found.start()]
            inside = before.rfind('data-color="warning"') > before.rfind("</div>") or before.endswith(
                '<li class="varsel"><span class="ds-sr-only">'
            )
            assert inside, (path, html[found.start() - 200 : found.start()])


def test_the_money_is_a_note_and_the_deadline_a_warning():
    # 1 September 2021: the autumn round, with about 7 million left and a deadline «in the
    # middle of September» (Norsk Industri 2021).
    web = TestClient(create_app(today=dt.date(2021, 9, 1)))
    html = web.get("/resultat?" + VERFT).text
    assert (
        '<li class="merknad"><span class="merk">Merk:</span> Bransjeprogram for industri- og byggenæringen: '
        "det var omtrent 7\u00a0mill.\u00a0kr igjen for 2021.</li>"
    ) in html
    assert (
        '<li class="varsel"><span class="ds-sr-only">Advarsel: </span>Bransjeprogram for industri- og '
        "byggenæringen: fristen er omtrentlig (midten av september 2021)."
    ) in html


def test_a_recommended_scheme_whose_deadline_may_have_passed_says_why_it_is_recommended():
    # 10 April 2021: Kompetanse Norge gave 8 April for every bransjeprogram, its maritime page
    # 15 April. The maritime programme is still recommended, and the card says why.
    web = TestClient(create_app(today=dt.date(2021, 4, 10)))
    html = web.get("/resultat?bransje=maritim&behov=fagbrev&kompetanse=ufaglaert&praksis_aar=6").text
    card = html.split('data-ordning="bransjeprogram-maritim" data-status="aktuell"', 1)[1].split("</article>", 1)[0]
    text = text_of(card)
    assert "8. eller 15. april 2021 ifølge Kompetanse Norge (kan være passert)" in text
    assert (
        "Anbefalt fordi den siste datoen kildene gir, ikke er passert. Den første er det, så sjekk fristen i "
        "utlysningen før dere går videre."
    ) in text
    # A week later both dates have passed: no longer recommended, and not said to be.
    later = (
        TestClient(create_app(today=dt.date(2021, 4, 16)))
        .get("/resultat?bransje=maritim&behov=fagbrev&kompetanse=ufaglaert&praksis_aar=6")
        .text
    )
    assert 'data-ordning="bransjeprogram-maritim" data-status="aktuell" data-tidligere' in later
    assert "Anbefalt fordi" not in later


# --- Uploads off the server's process ----------------------------------------------------------


def post_list(port: int, folder: Path) -> tuple[int, str]:
    """A one-company member list (.xlsx) sent to /liste as the browser's form sends it."""
    import uuid

    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["navn", "bransje", "behov"])
    book.active.append(["Verft AS", "maritim", "fagbrev"])
    source = folder / "m.xlsx"
    book.save(source)
    boundary = uuid.uuid4().hex
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="fil"; filename="m.xlsx"\r\n\r\n'.encode()
        + source.read_bytes()
        + f"\r\n--{boundary}--\r\n".encode()
    )
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request("POST", "/liste", body, {"Content-Type": f"multipart/form-data; boundary={boundary}"})
    response = connection.getresponse()
    return response.status, response.read().decode()


def test_a_list_is_read_in_the_helper_process_and_the_helper_dies_with_its_server(tmp_path):
    server = Served()
    try:
        status, page = post_list(server.port, tmp_path)
        assert status == 200 and "Resultat for medlemslisten" in page
        helpers = _children(server.process.pid)
        assert any("multiprocessing" in command for command in helpers.values()), helpers
        server.process.kill()  # no shutdown at all: the helper must notice by itself
        server.process.wait()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(Path(f"/proc/{pid}").exists() for pid in helpers):
            time.sleep(0.2)
        alive = [pid for pid in helpers if Path(f"/proc/{pid}").exists() and "zombie" not in _state(pid)]
        assert alive == [], "the helper outlived its server"
    finally:
        log = server.stop()
    assert "Traceback" not in log


def _children(pid: int) -> dict[int, str]:
    out = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
                parent = int(stat.rsplit(")", 1)[1].split()[1])
                if parent == pid:
                    out[int(entry.name)] = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            except (OSError, ValueError):
                continue
    return out


def _state(pid: int) -> str:
    try:
        return "zombie" if (Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]) == "Z" else "alive"
    except OSError:
        return "zombie"


def test_the_readmes_uvicorn_command_works_under_the_prefix():
    """The bare uvicorn command as the README writes it (its rule base, port and worker count
    swapped for this machine's): the prefix on every link, proxy headers from the named address."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```sh\n(SOKNAD_REGLER=\S+ \.venv/bin/uvicorn soknadsveileder\.web:app.*?)\n```", readme, re.S)
    assert block, "the README has no uvicorn command"
    words = shlex.split(block.group(1).replace("\\\n", " "))
    assert words[0].startswith("SOKNAD_REGLER=") and words[1] == ".venv/bin/uvicorn"
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    command = [sys.executable, "-m", "uvicorn", *words[2:]]
    command[command.index("--port") + 1] = str(port)
    command[command.index("--workers") + 1] = "2"
    for wanted in ("--root-path", "--forwarded-allow-ips", "--no-access-log"):
        assert wanted in command, wanted
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        env=subprocess_env(SOKNAD_DATO="2021-03-01"), cwd=ROOT,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                connection.request("GET", "/helse")
                if connection.getresponse().status == 200:
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)

        def get(path: str, headers: dict[str, str]) -> http.client.HTTPResponse:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            connection.request("GET", path, headers=headers)
            return connection.getresponse()

        moved = get("/sporsmal?bransje=industri", {})
        assert (moved.status, moved.getheader("location")) == (303, "/soknad/sporsmal/behov?bransje=industri")
        page = get("/resultat?" + VERFT, {"Host": "intranett.example.no", "X-Forwarded-Proto": "https"})
        assert share_address(page.read().decode()) == "https://intranett.example.no/soknad/resultat?" + VERFT
    finally:
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=30)
    assert "Traceback" not in err
    assert "bransje" not in err  # no access log with the answers


def test_set_up_mistakes_behind_a_proxy_are_said_once_in_the_log():
    """A guide started without --root-path behind the documented snippet, or without --proxy:
    the log says what to do, once per kind, and the pages are served as before."""
    log = io.StringIO()
    web = TestClient(create_app(today=dt.date(2026, 12, 7), log=log))
    for _ in range(3):
        assert web.get("/", headers={"X-Forwarded-Prefix": "/soknad"}).status_code == 200
        assert web.get("/soknad/sporsmal").status_code == 404
        web.get("/resultat?" + VERFT, headers={"X-Forwarded-Proto": "https"})
    hints = [line for line in log.getvalue().splitlines() if line.startswith("soknad web: ") and "serverer" not in line]
    assert hints == [
        "soknad web: proxyen sier at veilederen ligger under /soknad (X-Forwarded-Prefix), men den er startet "
        "uten --root-path. Start den med --root-path /soknad, ellers peker lenkene feil.",
        "soknad web: fikk /soknad/sporsmal…, som ikke finnes. Ligger veilederen under /soknad bak en proxy som "
        "ikke tar stien bort? Start den med --root-path /soknad.",
        "soknad web: testclient sier at brukeren kom med https (X-Forwarded-Proto), men er ikke nevnt i --proxy, "
        "så det overses, og adressen resultatet sier kan deles, begynner med http://. Er testclient proxyen, start "
        "med --proxy testclient.",
    ]
    # Set up right, nothing is said.
    quiet = io.StringIO()
    right = TestClient(create_app(today=dt.date(2026, 12, 7), log=quiet), root_path="/soknad")
    right.get("/soknad/", headers={"X-Forwarded-Prefix": "/soknad"})
    right.get("/soknad/finnes/ikke")
    assert [line for line in quiet.getvalue().splitlines() if "soknad web: " in line and "serverer" not in line] == []
