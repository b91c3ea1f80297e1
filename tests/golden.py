"""Golden files: every output surface of `soknad`, as a person read and approved it.

Each case runs the real command and turns what it wrote into text: stdout, a file it wrote,
or an Excel workbook read back cell by cell. The test (`tests/test_golden.py`) runs every
case twice, as a subprocess (as a user's shell would) and in-process through typer's
CliRunner (so that mutmut, which sees only in-process tests, sees these too), and compares
the text with `tests/golden/<name>`, a file that was read and approved by hand. A test
never writes a golden file. To see what changed, and to
approve it:

    .venv/bin/python -m tests.golden            # show the diff of every golden file that differs
                                                # (and of the exhaustive snapshot, tests/snapshot.py)
    .venv/bin/python -m tests.golden --godta    # show it, then write the new files

Then read `git diff tests/golden/` once more before committing: approving is a person's job.
"""

from __future__ import annotations

import difflib
import json
import re
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from .helpers import ROOT, TESTS, soknad, soknad_in_process

GOLDEN = TESTS / "golden"
MINIMAL = TESTS / "regler" / "minimal.yaml"
MINIMAL_NEW = GOLDEN / "regler" / "minimal-ny.yaml"
WIDTH = "100"  # the terminal result at a fixed width

# A shipyard that wants its unskilled workers to take a trade certificate: industri and
# maritim, the example the README and the docs use too.
VERFT = {"bransje": ["industri", "maritim"], "behov": "fagbrev", "kompetanse": "ufaglaert", "praksis_aar": 6}
# A cluster of industrial companies that need short university modules.
KLYNGE = {"bransje": ["industri"], "behov": "hoyere", "klynge": True}
# Nothing known beyond the sector: every scheme a «kanskje» or a «passer ikke».
UKJENT = {"bransje": ["bygg"], "behov": None}
# An industrial company that knows neither its need nor its cluster: «Svar på» two questions.
VET_IKKE = {"bransje": ["industri"], "behov": None, "klynge": None}

MEMBERS = (
    "ID;Navn;Bransje;Behov;Kompetanse;Tilbud;Klynge;Praksis_aar;Kommentar\n"
    "1;Verft AS;Industri, Maritim sektor;Fagbrev;Ufaglært;;;6;ring i mars\n"
    "2;Sveis AS;industri;høyere;;;ja;;\n"
    "3;Rør AS;Bygg;Fagskolemoduler (NKR 5);;En ferdig modul passer;;;\n"
    "4;Feil AS;industrii;fagbrev;;;;;\n"
)


@dataclass
class Case:
    """One golden file: the command, what it is given, and how its output becomes text."""

    name: str
    args: list[str]
    answers: dict[str, object] | None = None  # written to svar.json, given as --svar
    members: str | None = None  # written to medlemmer.csv (cp1252, as Norwegian Excel saves it)
    output: str | None = None  # a file the command writes, read instead of stdout
    copies: tuple[Path, ...] = ()  # files copied into the folder, named there by their own name
    read: Callable[[Path], str] = field(default=lambda p: p.read_text(encoding="utf-8"))
    codes: tuple[int, ...] = (0,)
    page: str | None = None  # a page of `soknad web` (args[0] is the date), read as text instead
    # False for --help: click's CliRunner forces help to 80 columns, where a terminal of 100
    # gets 78, so only the subprocess shows what a user sees.
    in_process: bool = True


class _PageText(HTMLParser):
    """A web page as a reader meets it, one block per line: headings marked with #, list items
    with -, each link followed by its address, form fields by their name."""

    BLOCKS = frozenset(
        [
            "p",
            "div",
            "li",
            "h1",
            "h2",
            "h3",
            "h4",
            "tr",
            "dt",
            "dd",
            "legend",
            "label",
            "summary",
            "title",
            "br",
            "section",
            "article",
        ]
    )

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = [""]
        self.links: list[str | None] = []
        self.hidden = 0

    def _break(self) -> None:
        if self.lines[-1].strip():
            self.lines.append("")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag in ("script", "style"):
            self.hidden += 1
        if tag in self.BLOCKS:
            self._break()
            if tag[0] == "h" and tag[1:].isdigit():
                self.lines[-1] = "#" * int(tag[1:]) + " "
            elif tag == "li":
                self.lines[-1] = "- "
        if tag == "a":
            self.links.append(a.get("href"))
        elif tag in ("input", "select", "textarea", "button") and a.get("type") != "hidden":
            name = a.get("name") or ""
            value = f"={a['value']}" if tag == "input" and a.get("type") in ("radio", "checkbox") else ""
            self.lines[-1] += f" [{tag} {a.get('type') or ''} {name}{value}]".replace("  ", " ")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self.hidden -= 1
        if tag == "a" and self.links:
            href = self.links.pop()
            self.lines[-1] += f" <{href}>"
        if tag in self.BLOCKS:
            self._break()

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.lines[-1] += re.sub(r"\s+", " ", data)

    def text(self) -> str:
        lines = (" ".join(line.split()) for line in self.lines)
        return "\n".join(line for line in lines if line) + "\n"


def _page(case: Case) -> str:
    """The page of `soknad web` at case.page on the date case.args[0], through Starlette's
    TestClient, as text (`_PageText`)."""
    import datetime as dt

    from starlette.testclient import TestClient

    from soknadsveileder.web import create_app

    with TestClient(create_app(today=dt.date.fromisoformat(case.args[0])), follow_redirects=False) as client:
        response = client.get(case.page or "/")
    assert response.status_code in case.codes, f"{case.name}: {response.status_code}"
    reader = _PageText()
    reader.feed(response.text)
    return reader.text()


def _workbook(path: Path) -> str:
    """An .xlsx as text: each sheet, each row's cells, and the fill of a coloured cell."""
    from openpyxl import load_workbook

    book = load_workbook(path)
    out = []
    for sheet in book.worksheets:
        out.append(f"== ark «{sheet.title}» (utskrift: {sheet.page_setup.orientation}, frosset: {sheet.freeze_panes})")
        for row in sheet.iter_rows():
            cells = []
            for cell in row:
                value = "" if cell.value is None else str(cell.value)
                color = cell.fill.start_color.rgb if cell.fill is not None and cell.fill.fill_type else None
                cells.append(f"{value} [{str(color)[-6:]}]" if color else value)
            out.append(" | ".join(cells).rstrip(" |"))
        for rule in sheet.data_validations.dataValidation:  # what Excel enforces when typing
            out.append(
                f"-- gyldighet {rule.sqref}: {rule.type} {rule.formula1}; viser feil: {rule.showErrorMessage} "
                f"({rule.errorStyle or 'stop'}); "
                f"feilmelding: {rule.error}; hjelp: {rule.prompt}"
            )
    return "\n".join(out) + "\n"


CASES = [
    Case("ordninger.json", ["ordninger", "--json", "--dato", "2021-09-01"]),
    Case("ordninger-tabell.txt", ["ordninger", "--dato", "2026-12-03"]),
    Case("ordning-industrifagskolen.txt", ["ordninger", "industrifagskolen", "--dato", "2026-12-03"]),
    Case("resultat-verft-2021.txt", ["veileder", "--dato", "2021-09-01"], answers=VERFT),
    Case("resultat-verft-2026.txt", ["veileder", "--dato", "2026-12-03"], answers=VERFT),
    Case("resultat-klynge-2021.txt", ["veileder", "--dato", "2021-09-01"], answers=KLYNGE),
    Case("resultat-ukjent-2026.txt", ["veileder", "--dato", "2026-12-03"], answers=UKJENT),
    Case("resultat-klynge-2026.txt", ["veileder", "--dato", "2026-12-03"], answers=KLYNGE),
    Case(
        "sjekkliste-vet-ikke-2026.md",
        ["veileder", "--dato", "2026-12-03", "--sjekkliste", "sjekkliste.md"],
        answers=VET_IKKE,
        output="sjekkliste.md",
    ),
    Case(
        "sjekkliste-verft-2026.md",
        ["veileder", "--dato", "2026-12-03", "--sjekkliste", "sjekkliste.md"],
        answers=VERFT,
        output="sjekkliste.md",
    ),
    Case("sjekk.jsonl", ["sjekk", "medlemmer.csv", "--dato", "2021-09-01"], members=MEMBERS, codes=(1,)),
    Case(
        "sjekk.csv", ["sjekk", "medlemmer.csv", "--format", "csv", "--dato", "2026-12-03"], members=MEMBERS, codes=(1,)
    ),
    Case(
        "sjekk-xlsx.txt",
        ["sjekk", "medlemmer.csv", "-o", "resultat.xlsx", "--dato", "2026-12-03"],
        members=MEMBERS,
        output="resultat.xlsx",
        read=_workbook,
        codes=(1,),
    ),
    *(
        Case(
            f"endringer.{suffix}",
            ["endringer", MINIMAL.name, MINIMAL_NEW.name, "--dato", "2021-09-01", *flag],
            copies=(MINIMAL, MINIMAL_NEW),
            codes=(1,),
        )
        for suffix, flag in (("txt", []), ("md", ["--markdown"]), ("json", ["--json"]))
    ),
    Case("mal-xlsx.txt", ["mal", "-o", "mal.xlsx", "--dato", "2026-12-03"], output="mal.xlsx", read=_workbook),
    Case("skjema.json", ["skjema"]),
    Case("valider.txt", ["valider"]),
    Case("valider-minimal.txt", ["valider", MINIMAL.name], copies=(MINIMAL,)),
    Case("graf.mmd", ["graf", "--dato", "2026-12-07"]),
    Case("hjelp.txt", ["--help"], in_process=False),
    Case("hjelp-sjekk.txt", ["sjekk", "--help"], in_process=False),
    # The browser guide: the start page, one question, the shipyard's result, the cluster's
    # (nothing to apply for now), and a page that does not exist.
    Case("web-start-2026.txt", ["2026-12-03"], page="/", codes=(200,)),
    Case("web-sporsmal-behov.txt", ["2026-12-03"], page="/sporsmal/behov?bransje=industri", codes=(200,)),
    Case(
        "web-resultat-verft-2026.txt",
        ["2026-12-03"],
        page="/resultat?bransje=industri&bransje=maritim&behov=fagbrev&kompetanse=ufaglaert&praksis_aar=6",
        codes=(200,),
    ),
    Case(
        "web-resultat-klynge-2026.txt",
        ["2026-12-03"],
        page="/resultat?bransje=industri&behov=hoyere&klynge=ja",
        codes=(200,),
    ),
    Case("web-404.txt", ["2026-12-03"], page="/finnes-ikke", codes=(404,)),
]


def _stable(text: str) -> str:
    """What may differ from run to run and machine to machine, replaced by a fixed word."""
    text = text.replace(str(ROOT) + "/", "")
    text = re.sub(r"på \d+,\d s\.", "på N s.", text)  # endringer's run time
    text = re.sub(r'"sekunder": [0-9.]+', '"sekunder": N', text)
    return "\n".join(line.rstrip() for line in text.split("\n"))


def _in_process(args: list[str], work: Path) -> tuple[int, str, str]:
    result = soknad_in_process(*args, cwd=work, COLUMNS=WIDTH, NO_COLOR="1")
    return result.returncode, result.stdout, result.stderr


def _subprocess(args: list[str], work: Path) -> tuple[int, str, str]:
    result = soknad(*args, cwd=work, COLUMNS=WIDTH, NO_COLOR="1")
    return result.returncode, result.stdout, result.stderr


def produce(case: Case, in_process: bool = False) -> str:
    """Run the case's command in a fresh folder; its output as the text to compare."""
    if case.page is not None:
        return _stable(_page(case))
    with tempfile.TemporaryDirectory(prefix="soknad-golden-") as folder:
        work = Path(folder)
        if case.answers is not None:
            (work / "svar.json").write_text(json.dumps(case.answers, ensure_ascii=False), encoding="utf-8")
        for source in case.copies:  # named by a short path: a long one would wrap the text
            (work / source.name).write_bytes(source.read_bytes())
        if case.members is not None:
            (work / "medlemmer.csv").write_bytes(case.members.replace("\n", "\r\n").encode("cp1252"))
        args = [*case.args, *(["--svar", "svar.json"] if case.answers is not None else [])]
        code, stdout, stderr = (_in_process if in_process else _subprocess)(args, work)
        assert code in case.codes, f"{case.name}: kode {code}\n{stderr}"
        text = case.read(work / case.output) if case.output else stdout
        return _stable(text)


def diff(case: Case, new: str) -> str:
    return _unified(GOLDEN / case.name, new)


def _unified(path: Path, new: str) -> str:
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    name = path.relative_to(TESTS).as_posix()
    return "".join(difflib.unified_diff(old.splitlines(True), new.splitlines(True), f"a/{name}", f"b/{name}"))


def main(argv: list[str]) -> int:
    """Show the diff of every golden file and snapshot that differs; with --godta, write them."""
    from soknadsveileder.rules import load

    from .snapshot import exhaustive

    approve = "--godta" in argv
    files = [(GOLDEN / case.name, produce(case)) for case in CASES]
    files += [(TESTS / "snapshots" / name, text) for name, text in exhaustive(load()).items()]
    changed = 0
    for path, new in files:
        shown = _unified(path, new)
        if shown:
            changed += 1
            sys.stdout.write(shown)
            if approve:
                path.write_text(new, encoding="utf-8")
    verb = "skrevet på nytt" if approve else "endret"
    print(f"\n{changed} av {len(files)} filer {verb}." if changed else f"Alle {len(files)} filer stemmer.")
    return 1 if changed and not approve else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
