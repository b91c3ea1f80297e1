"""Issue 26 §10: the deployment docs, run. nginx (Debian's package) with the snippet in
docs/drift/nginx-soknad.conf in front of `soknad web` started as the systemd unit in
docs/drift/soknad-web.service starts it, and Chromium walking the guide through the proxy at
/soknad/: with and without JavaScript, at 320 and 180 CSS px, with axe-core on every page,
and on a 360 px phone with 200 % text. .ci/run installs nginx when it is missing."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from . import test_web_browser as browser_tests
from .helpers import ROOT, stop_server, subprocess_env
from .nginx import NGINX, Nginx, free_port
from .test_web_browser import axe
from .webpage import outcome

playwright_api = pytest.importorskip("playwright.sync_api")

if NGINX is None:
    if os.environ.get("CI"):
        raise RuntimeError("CI needs the OS package nginx for the proxy test (.ci/run installs it).")
    pytest.skip("no nginx on this machine: apt-get install nginx", allow_module_level=True)

DRIFT = ROOT / "docs" / "drift"
browser = browser_tests.browser  # the same Chromium, as a fixture of this module too
SHIPYARD = ["bransjeprogram-industri-bygg", "bransjeprogram-maritim"]  # fagbrev, March 2021: both


def unit_command(port: int) -> tuple[list[str], dict[str, str]]:
    """ExecStart and Environment= of the documented unit, with this checkout's soknad and a
    free port in place of /opt/soknad and 8000."""
    unit = (DRIFT / "soknad-web.service").read_text(encoding="utf-8")
    line = re.search(r"^ExecStart=(.+)$", unit, re.MULTILINE)
    assert line, "the unit has no ExecStart"
    words = shlex.split(line.group(1))
    assert words[0].endswith("/bin/soknad") and words[1] == "web"
    command = [sys.executable, "-m", "soknadsveileder", *words[1:]]
    command[command.index("--port") + 1] = str(port)
    env = dict(re.findall(r"^Environment=(\w+)=(\S+)$", unit, re.MULTILINE))
    return command, env


class Proxy:
    """`soknad web` as the unit runs it, and nginx with the documented snippet in front."""

    def __init__(self, date: str) -> None:
        import tempfile

        self.app_port = free_port()
        command, env = unit_command(self.app_port)
        self.app_log = tempfile.TemporaryFile(mode="w+", encoding="utf-8")  # noqa: SIM115 (closed in stop)
        self.app = subprocess.Popen(
            [*command, "--dato", date],
            stdout=subprocess.DEVNULL,
            stderr=self.app_log,
            env=subprocess_env(**env),
            cwd=ROOT,
        )
        self.nginx = Nginx(self.app_port)
        self.port = self.nginx.port
        self.base = self.nginx.url
        self._wait()

    def _wait(self) -> None:
        import urllib.request

        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.base + "/helse", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        raise AssertionError("nginx or soknad web did not answer:\n" + self.stop())

    def stop(self) -> str:
        self.nginx.stop()
        return stop_server(self.app, self.app_log)


@pytest.fixture(scope="module")
def proxy() -> Iterator[Proxy]:
    served = Proxy("2021-03-01")
    yield served
    log = served.stop()
    assert "Traceback" not in log, log
    assert "soknad web: serverer regelverk" in log
    # The unit's log: a line per request, through the prefix, never the answers.
    assert re.search(r"^\S+Z GET /soknad/resultat 200 [0-9.]+ ms$", log, re.MULTILINE), log
    requests = [line for line in log.splitlines() if re.match(r"^\S+Z (GET|POST) ", line)]
    assert requests and not any("?" in line or "=" in line for line in requests), log


def walk(tab, base: str, audit=None) -> list[str]:
    """A shipyard through the guide from the county's front door to the result; every page
    on the way must pass axe and fit the screen. `audit` is where axe runs when `tab` has no
    JavaScript: a page that opens the same address with JavaScript but without our script,
    which is what a reader without JavaScript gets. Returns the addresses checked."""
    tab.goto(base + "/")
    checked = [tab.url]

    def check() -> None:
        where = tab
        if audit is not None:
            audit.goto(tab.url)
            where = audit
        assert axe(where) == [], tab.url
        width = where.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert width <= 0, f"{tab.url} scrolls sideways"
        checked.append(tab.url)

    check()
    tab.get_by_role("link", name="Start veilederen").last.click()
    for label in ("Industri", "Maritim sektor"):
        tab.get_by_label(label, exact=True).check()
    tab.get_by_role("button", name="Neste").click()
    check()
    tab.get_by_label("Fagbrev (NKR 4), også fagbrev nummer to", exact=True).check()
    tab.get_by_role("button", name="Neste").click()
    tab.get_by_label("Ufaglært (uten fag- eller svennebrev)", exact=True).check()
    tab.get_by_role("button", name="Neste").click()
    tab.get_by_label("Hvor mange års praksis i faget har de ansatte?").fill("6")
    tab.get_by_role("button", name="Neste").click()
    assert tab.get_by_role("heading", level=1).inner_text() == "Se over svarene"
    check()
    tab.get_by_role("link", name="Se resultatet").click()
    assert outcome(tab.content())["anbefalte"] == SHIPYARD
    check()
    for path in ("/ordninger", "/ordninger/industrifagskolen", "/liste", "/fortsett", "/om", "/finnes-ikke"):
        tab.goto(base + path)
        check()
    return checked


@pytest.mark.parametrize("javascript", [True, False], ids=["med-js", "uten-js"])
@pytest.mark.parametrize("width", [320, 180])
def test_the_guide_through_nginx_at_a_sub_path(browser, proxy, javascript, width):
    size = {"width": width, "height": 800}
    context = browser.new_context(viewport=size, java_script_enabled=javascript)
    tab = context.new_page()
    audit = None
    if not javascript:
        scripted = browser.new_context(viewport=size)
        scripted.route("**/static/soknad.js", lambda route: route.abort())
        audit = scripted.new_page()
    asked: list[str] = []
    tab.on("request", lambda r: asked.append(r.url))
    problems: list[str] = []
    tab.on(
        "console", lambda m: problems.append(m.text) if m.type == "error" and "status of 404" not in m.text else None
    )
    tab.on("response", lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 500 else None)
    walk(tab, proxy.base, audit)
    context.close()
    if audit is not None:
        audit.context.close()
    own = [u for u in asked if u.startswith(f"http://127.0.0.1:{proxy.port}/")]
    assert own, asked
    # Every page, form, style, script and redirect stayed under /soknad/: none fell through to
    # the county's own site at /.
    assert [u for u in own if not u.startswith(proxy.base + "/")] == []
    assert problems == []


def test_a_phone_with_200_percent_text(browser, proxy):
    """A 360 px phone: at 100 % text the header is one line, the site's name and a link to
    the menu at the foot of the page. At 200 % text it collapses to those two short lines,
    well inside the first screen, and no page scrolls sideways."""
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
    tab = context.new_page()
    paths = ["/", "/sporsmal/bransje", "/resultat?bransje=industri&bransje=maritim&behov=fagbrev", "/ordninger",
             "/ordninger/bransjeprogram-maritim", "/liste", "/fortsett", "/om"]  # fmt: skip
    for path in paths:
        tab.goto(proxy.base + path)
        name = tab.locator(".merke").bounding_box()
        menu = tab.locator(".meny-lenke").bounding_box()
        assert name is not None and menu is not None
        assert abs(name["y"] - menu["y"]) < 4, path  # one line
        assert not tab.locator(".meny-topp").is_visible()
        # A browser's text size setting: the root font size, which every rem in the CSS follows.
        tab.evaluate("document.documentElement.style.fontSize = '200%'")
        overflow = tab.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{path} scrolls sideways at 360 px with 200 % text"
        header = tab.locator(".topp").bounding_box()
        assert header is not None and header["height"] <= 740 / 4, (path, header)
        assert not tab.locator(".meny-topp").is_visible()
    tab.get_by_role("link", name="Meny").click()
    assert tab.url.endswith("#meny")
    footer_menu = tab.get_by_role("navigation", name="Meny")
    assert footer_menu.is_visible()
    assert footer_menu.get_by_role("link", name="Ordningene").is_visible()
    context.close()


def test_share_copy_print_and_the_boxes(browser, proxy):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=f"http://127.0.0.1:{proxy.port}")
    tab = context.new_page()
    query = "bransje=industri&bransje=maritim&behov=fagbrev&kompetanse=ufaglaert&praksis_aar=6"
    tab.goto(f"{proxy.base}/resultat?{query}&fbclid=IwAR0abc")
    shared = f"{proxy.base}/resultat?{query}"  # the proxy's host and port, the prefix, no tracker
    assert tab.locator("[data-del]").inner_text() == shared
    tab.get_by_role("button", name="Kopier adressen").click()
    tab.get_by_role("status").filter(has_text="Adressen er kopiert.").wait_for()
    assert tab.evaluate("navigator.clipboard.readText()") == shared
    # On screen a step is a bullet, not a box that looks as if it could be ticked.
    box = "getComputedStyle(document.querySelector('.sjekkliste .boks'), '::before').content"
    assert tab.evaluate(box) == '"•"'
    # On paper: boxes to tick, and the address, without a button to copy it.
    tab.emulate_media(media="print")
    assert tab.evaluate(box) == '"☐"'
    assert tab.locator("[data-del]").is_visible()
    assert not tab.get_by_role("button", name="Kopier adressen").is_visible()
    assert not tab.locator(".innhold").is_visible()
    pdf = tab.pdf()
    assert pdf.startswith(b"%PDF")
    context.close()


def test_the_downloaded_checklist_opens_on_a_phone(browser, proxy):
    context = browser.new_context(viewport={"width": 360, "height": 740}, accept_downloads=True, is_mobile=True)
    tab = context.new_page()
    tab.goto(proxy.base + "/resultat?bransje=industri&bransje=maritim&behov=fagbrev&kompetanse=ufaglaert")
    with tab.expect_download() as got:
        tab.get_by_role("link", name="Last ned resultatet og sjekklisten").click()
    download = got.value
    assert download.suggested_filename == "sjekkliste-2021-03-01.html"
    saved = Path(tempfile.mkdtemp()) / download.suggested_filename
    download.save_as(saved)
    # Opened from the phone's downloads, with no server behind it.
    phone = context.new_page()
    phone.goto(saved.as_uri())
    assert phone.get_by_role("heading", level=1).inner_text() == "Resultat og sjekkliste"
    assert outcome(phone.content())["anbefalte"] == SHIPYARD
    assert phone.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
    assert axe(phone) == []
    shutil.rmtree(saved.parent)
    context.close()


@pytest.mark.parametrize("size", [5_600_000, 9_000_000])
def test_a_list_over_the_limit_gets_the_guides_own_page_through_nginx(proxy, size):
    """Not nginx's «502 Bad Gateway» (the guide answered before nginx had sent the body) nor
    its English 413: the guide's page, every time."""
    import http.client

    body = b'--grense\r\nContent-Disposition: form-data; name="fil"; filename="stor.csv"\r\n\r\n'
    body += b"x" * size + b"\r\n--grense--\r\n"
    for _ in range(5):
        connection = http.client.HTTPConnection("127.0.0.1", proxy.port, timeout=60)
        connection.request("POST", "/soknad/liste", body, {"Content-Type": "multipart/form-data; boundary=grense"})
        response = connection.getresponse()
        page = response.read().decode("utf-8", "replace")
        connection.close()
        assert response.status == 413, page[:300]
        assert "Filen er for stor: største fil som kan lastes opp er 5 MB." in page


def test_the_units_exit_statuses_are_the_programs(tmp_path):
    """The unit stops restarting on 1 and 2 and counts 143 as a clean stop: those must be
    what `soknad web` gives for a broken rule base, a bad option, and systemctl stop."""
    unit = (DRIFT / "soknad-web.service").read_text(encoding="utf-8")
    assert re.search(r"^RestartPreventExitStatus=1 2$", unit, re.MULTILINE)
    assert re.search(r"^SuccessExitStatus=143$", unit, re.MULTILINE)
    broken = tmp_path / "regler.yaml"
    broken.write_text("versjon: [\n", encoding="utf-8")
    command, env = unit_command(free_port())
    assert subprocess.run([*command, "--regler", str(broken)], capture_output=True, env=subprocess_env(**env),
                          timeout=60).returncode == 1  # fmt: skip
    assert subprocess.run([*command, "--workers", "0"], capture_output=True, env=subprocess_env(**env),
                          timeout=60).returncode == 2  # fmt: skip
    served = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=subprocess_env(**env), text=True
    )
    assert served.stdout is not None and "kjører på" in served.stdout.readline()
    time.sleep(1)
    served.terminate()  # systemctl stop
    _, err = served.communicate(timeout=30)
    assert served.returncode == 143 and "Traceback" not in err
