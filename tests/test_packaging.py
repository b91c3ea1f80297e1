"""A plain wheel, installed in a fresh virtual environment, works outside the repository."""

from __future__ import annotations

import json
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

from .helpers import ROOT


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """Build the wheel, install it without its dependencies into a new venv, and point the
    venv at the dependencies of the running environment, so no network is needed."""
    tmp = tmp_path_factory.mktemp("hjul")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(tmp / "dist"), str(ROOT)],
        check=True,
        timeout=300,
    )
    (wheel,) = (tmp / "dist").glob("soknadsveileder-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "soknadsveileder/data/schemes.yaml" in names
    assert "soknadsveileder/data/versjoner/2021.1.yaml" in names
    assert "soknadsveileder/web/templates/base.html" in names
    assert "soknadsveileder/web/static/designsystemet/designsystemet-css-1.22.0.css" in names
    env_dir = tmp / "venv"
    venv.create(env_dir, with_pip=False)
    python = env_dir / "bin" / "python"
    purelib = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--quiet", str(wheel)],
        check=True,
        timeout=300,
    )
    # Only now, so pip does not see a copy installed in the running environment.
    Path(purelib, "avhengigheter.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    return env_dir


def run(env_dir: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(env_dir / "bin" / "soknad"), *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=60,
        env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"},
    )


def test_installed_package_is_the_wheel(installed, tmp_path):
    where = subprocess.run(
        [installed / "bin" / "python", "-c", "import soknadsveileder; print(soknadsveileder.__file__)"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=True,
    ).stdout
    assert where.startswith(str(installed)), where


def test_bundled_rule_base_works_outside_the_repository(installed, tmp_path):
    result = run(installed, "ordninger", "--json", "--dato", "2021-03-01", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert len(json.loads(result.stdout)) == 4
    result = run(installed, "valider", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "site-packages/soknadsveileder/data/schemes.yaml" in result.stdout


def test_the_installed_package_compares_answers_saved_under_2021_1(installed, tmp_path):
    saved = tmp_path / "svar.json"
    saved.write_text(
        json.dumps(
            {
                "regelverk": {"versjon": "2021.1"},
                "svar": {"bransje": "bygg", "behov": "fagbrev", "kompetanse": "hoyere"},
            }
        ),
        encoding="utf-8",
    )
    result = run(installed, "sjekk", str(saved), "--dato", "2026-12-02", cwd=tmp_path)
    since = json.loads(result.stdout)["endret_siden"]
    # In 2026 the round 2024–2027 is in force: a fagbrev is «kanskje» there (fact-check H2).
    assert since["endringer"] == [{"ordning": "bransjeprogram-industri-bygg", "fra": "ikke_aktuell", "til": "kanskje"}]


def test_console_script_and_version(installed, tmp_path):
    result = run(installed, "--version", cwd=tmp_path)
    assert result.returncode == 0 and result.stdout.startswith("soknad ")


def test_a_maintainer_editing_the_checkout_is_told_which_file_is_in_use(installed, tmp_path):
    """After `pip install .`, the commands read the installed copy. A maintainer who edits
    data/schemes.yaml in the checkout and runs `soknad valider` gets their file checked, and
    every command says loudly that the installed rule base is the one in use."""
    checkout = tmp_path / "soknadsveileder"
    (checkout / "data").mkdir(parents=True)
    (checkout / "pyproject.toml").write_text((ROOT / "pyproject.toml").read_text(encoding="utf-8"), encoding="utf-8")
    original = (ROOT / "data" / "schemes.yaml").read_text(encoding="utf-8")
    (checkout / "data" / "schemes.yaml").write_text(original, encoding="utf-8")
    unchanged = run(installed, "valider", cwd=checkout)
    assert unchanged.returncode == 0 and unchanged.stderr == ""  # the same content: nothing to say

    edited = checkout / "data" / "schemes.yaml"
    edited.write_text(original.replace('versjon: "2026.3"', "versjon: 2026.1\n  feil: ja"), encoding="utf-8")
    result = run(installed, "valider", cwd=checkout / "data")  # from a folder inside the checkout too
    assert result.returncode == 1, result.stdout
    assert f"Merk: {edited} er endret, men soknad bruker regelverket som ble installert" in result.stderr
    assert "site-packages/soknadsveileder/data/schemes.yaml" in result.stderr
    assert f"sjekker derfor {edited}" in result.stderr and f"{edited}:" in result.stderr  # its errors

    listing = run(installed, "ordninger", "--json", cwd=checkout)
    assert listing.returncode == 0  # still the installed rules, said plainly
    assert f"Merk: {edited} er endret" in listing.stderr and f"--regler {edited}" in listing.stderr
    assert run(installed, "ordninger", "--json", cwd=tmp_path).stderr.count("Merk") == 0

    # The maintainer's other commands in the yearly update (steps 4 and 5) read the edited
    # file too, as `valider` does: the source review and the diagram must be of the new rules.
    edited.write_text(original.replace('versjon: "2026.3"', 'versjon: "2027.1"'), encoding="utf-8")
    review = run(installed, "kilder", "--markdown", cwd=checkout)
    assert review.stdout.startswith("# Kildegjennomgang: regelverk 2027.1"), review.stdout[:80]
    assert f"Merk: {edited} er endret; bruker den" in review.stderr
    graph = run(installed, "graf", cwd=checkout)
    assert graph.returncode == 0 and f"Merk: {edited} er endret; bruker den" in graph.stderr


def test_every_import_points_down():
    """Issue 15 §7: no import circle in the package, also not through an import inside a
    function (which hides a circle from Python, not from a reader)."""
    import ast

    package = ROOT / "soknadsveileder"
    imports: dict[str, set[str]] = {}
    for path in package.glob("*.py"):
        found = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level == 1:
                found |= {node.module.split(".")[0]} if node.module else {a.name for a in node.names}
        imports[path.stem] = found & {p.stem for p in package.glob("*.py")}
    circles = []
    for start in imports:
        stack = [(start, [start])]
        while stack:
            module, path = stack.pop()
            for nxt in imports[module]:
                if nxt == start:
                    circles.append(" → ".join([*path, start]))
                elif nxt not in path:
                    stack.append((nxt, [*path, nxt]))
    assert not circles, circles


def test_the_installed_package_serves_the_browser_guide(installed, tmp_path):
    """`soknad web` from the wheel: the pages, and the vendored CSS, with no network."""
    import re
    import signal
    import urllib.request

    server = subprocess.Popen(
        [str(installed / "bin" / "soknad"), "web", "--port", "0", "--dato", "2021-03-01"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"},
    )
    try:
        assert server.stdout is not None
        line = server.stdout.readline()
        address = re.search(r"http://127\.0\.0\.1:\d+/", line)
        assert address, line
        with urllib.request.urlopen(address.group(0)) as response:
            page = response.read().decode("utf-8")
        assert "Start veilederen" in page
        css = re.search(r'href="(/static/designsystemet/designsystemet-css-[0-9.]+\.css)"', page)
        assert css
        with urllib.request.urlopen(address.group(0).rstrip("/") + css.group(1)) as response:
            assert response.status == 200 and b".ds-button" in response.read()
    finally:
        server.send_signal(signal.SIGINT)
        _, err = server.communicate(timeout=20)
    assert "Traceback" not in err, err
