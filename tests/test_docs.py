"""The examples in README.md and docs/*.md are what soknad prints, and the links lead somewhere.

How an example is written (docs/utvikling.md says the same for maintainers):

- An example is a ```console block. A line that starts with `$ ` is a command (a line ending
  in ` \\` goes on to the next); the lines after it, up to the next `$ ` or the end of the
  block, are what it prints, stdout and stderr in the order a terminal would show them. Spaces at the end of a line, and blank
  lines at the end of the output, do not count.
- A line that is only `…` stands for one or more lines left out. A line ending in ` …`
  stands for a line that begins with the text before ` …`.
- `$ cat FIL` at the start of a block makes FIL with the lines shown: that is how an example
  shows the file it reads. Later on the page the file is there too. `$ echo $?` shows the exit code of the command
  before it.
- The commands run in bash, in a fresh folder that has the files shown with `$ cat` earlier
  on the same page, and `data/` and `tests/` from the repository. `soknad` is this checkout,
  the output is not a terminal (as in a pipe), 80 columns wide unless the command sets
  COLUMNS, in UTF-8.
- Other blocks (```sh, ```text, ```yaml …) are never run, so they must not hold a `$ soknad`
  line: an illustration that cannot be run is written without the `$ `.

When the program's output changes, rewrite the examples with
    SOKNAD_OPPDATER_EKSEMPLER=1 .venv/bin/python -m pytest tests/test_docs.py
and read `git diff README.md docs/` line by line: the text around an example may need to
change with it.
"""

from __future__ import annotations

import difflib
import functools
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from .helpers import ROOT, subprocess_env

PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
UPDATE = "SOKNAD_OPPDATER_EKSEMPLER"
HOW_TO_UPDATE = f"{UPDATE}=1 .venv/bin/python -m pytest tests/test_docs.py, og se over git diff"
ELLIPSIS = "…"
FENCE = re.compile(r"^(?P<indent> *)(?P<fence>```+)(?P<lang>[^`\s]*)[^`]*$")


@dataclass(frozen=True)
class Block:
    page: Path
    line: int  # of the opening fence, counted from 1
    lang: str
    lines: tuple[str, ...]  # without the fences and the block's own indentation
    raw: str  # the block as written, fences and all, to find it again when rewriting

    @property
    def where(self) -> str:
        return f"{self.page.relative_to(ROOT)}:{self.line}"


@dataclass(frozen=True)
class Step:
    command: str
    shown: tuple[str, ...]


def blocks(page: Path) -> list[Block]:
    found, lines = [], page.read_text(encoding="utf-8").splitlines()
    i = 0
    while i < len(lines):
        opening = FENCE.match(lines[i])
        if not opening:
            i += 1
            continue
        indent, fence = len(opening["indent"]), opening["fence"]
        end = i + 1
        while end < len(lines) and lines[end].strip() != fence:
            end += 1
        body = tuple(text[indent:] if not text[:indent].strip() else text.lstrip() for text in lines[i + 1 : end])
        raw = "".join(text + "\n" for text in lines[i : end + 1])
        found.append(Block(page, i + 1, opening["lang"], body, raw))
        i = end + 1
    return found


def steps(block: Block) -> list[Step]:
    result: list[Step] = []
    command: list[str] = []
    shown: list[str] = []
    for text in block.lines:
        if command and command[-1].endswith("\\") and not shown:
            command.append(text)
        elif text.startswith("$ "):
            if command:
                result.append(Step("\n".join(command), tuple(shown)))
            command, shown = [text[2:]], []
        elif command:
            shown.append(text)
        else:
            assert not text.strip(), f"{block.where}: utdata før den første kommandoen («$ »)"
    if command:
        result.append(Step("\n".join(command), tuple(shown)))
    return result


def examples() -> list[Block]:
    return [block for page in PAGES for block in blocks(page) if block.lang == "console"]


def trimmed(lines: list[str] | tuple[str, ...]) -> list[str]:
    out = [text.rstrip() for text in lines]
    while out and not out[-1]:
        out.pop()
    return out


def matches(shown: list[str], actual: list[str]) -> bool:
    """Line by line, where `…` alone skips one or more lines and ` …` at the end ends a line early."""

    @functools.cache
    def at(i: int, j: int) -> bool:
        if i == len(shown):
            return j == len(actual)
        if shown[i] == ELLIPSIS:
            return any(at(i + 1, k) for k in range(j + 1, len(actual) + 1))
        if j == len(actual):
            return False
        if shown[i].endswith(" " + ELLIPSIS):
            same = actual[j].startswith(shown[i][: -len(ELLIPSIS)].rstrip())
        else:
            same = shown[i] == actual[j]
        return same and at(i + 1, j + 1)

    return at(0, 0)


def realigned(shown: list[str], actual: list[str]) -> list[str]:
    """The shown lines made current, keeping the places where lines are left out: each run of
    shown lines is replaced by the run of actual lines most like it. For the updater only."""
    if ELLIPSIS not in shown and not any(text.endswith(" " + ELLIPSIS) for text in shown):
        return actual
    runs: list[list[str]] = [[]]
    for text in shown:
        if text == ELLIPSIS:
            runs.append([])
        else:
            runs[-1].append(text)
    out: list[str] = []
    start = 0
    for n, run in enumerate(runs):
        if n:
            out.append(ELLIPSIS)
            start += 1
        if not run:
            continue
        last = len(actual) - len(run)
        if n == 0:
            candidates = [0]
        elif n == len(runs) - 1:
            candidates = [max(last, start)]
        else:
            candidates = list(range(start, max(last, start) + 1))

        def likeness(s: int, run: list[str] = run) -> float:
            return sum(difflib.SequenceMatcher(None, a, b).ratio() for a, b in zip(run, actual[s:], strict=False))

        best = max(candidates, key=likeness)
        for text, new in zip(run, actual[best : best + len(run)], strict=False):
            if text.endswith(" " + ELLIPSIS):
                keep = len(text) - len(ELLIPSIS) - 1
                out.append(new[:keep] + " " + ELLIPSIS if len(new) > keep else new)
            else:
                out.append(new)
        start = best + len(run)
    return out


@pytest.fixture(scope="module")
def bin_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A `soknad` on PATH that runs this checkout with the test's Python, as tests/helpers.py does."""
    folder = tmp_path_factory.mktemp("bin")
    script = folder / "soknad"
    script.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m soknadsveileder "$@"\n', encoding="utf-8")
    script.chmod(0o755)
    return folder


def run(command: str, cwd: Path, bin_dir: Path) -> tuple[list[str], int]:
    # One pipe for both streams, and no buffering, so that messages on stderr come where a
    # terminal would show them among the output.
    env = subprocess_env(COLUMNS="80", LC_ALL="C.UTF-8", LANG="C.UTF-8", PYTHONUNBUFFERED="1")
    for name in ("FORCE_COLOR", "LINES", "TTY_COMPATIBLE", "TTY_INTERACTIVE"):
        env.pop(name, None)
    env["PATH"] = f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"
    proc = subprocess.run(
        ["/bin/bash", "-c", command],
        input=b"",
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        cwd=cwd,
        env=env,
        timeout=180,
    )
    return proc.stdout.decode("utf-8", "replace").splitlines(), proc.returncode


def inputs(block: Block) -> dict[str, tuple[str, ...]]:
    """The files a block shows with `$ cat FIL` before any other command: what its example reads.
    A `cat` after a command shows what the command wrote, and must find the file there."""
    files: dict[str, tuple[str, ...]] = {}
    for step in steps(block):
        match = re.fullmatch(r"cat ([\w.-]+)", step.command)
        if not match:
            break
        files[match[1]] = step.shown
    return files


def files_shown_before(block: Block) -> dict[str, tuple[str, ...]]:
    """The files shown on the page up to this block, so an example can read one shown above it."""
    files: dict[str, tuple[str, ...]] = {}
    for earlier in blocks(block.page):
        if earlier.line > block.line:
            break
        if earlier.lang == "console":
            files.update(inputs(earlier))
    return files


def write(path: Path, lines: tuple[str, ...]) -> None:
    path.write_text("".join(text + "\n" for text in lines), encoding="utf-8")


@pytest.mark.parametrize("block", examples(), ids=lambda block: block.where)
def test_the_example_prints_what_it_shows(block: Block, tmp_path: Path, bin_dir: Path) -> None:
    for name in ("data", "tests"):
        (tmp_path / name).symlink_to(ROOT / name, target_is_directory=True)
    for name, lines in files_shown_before(block).items():
        write(tmp_path / name, lines)
    failures, new_lines, rc = [], [], 0
    for step in steps(block):
        if step.command == "echo $?":
            actual = [str(rc)]
        else:
            actual, rc = run(step.command, tmp_path, bin_dir)
        actual = trimmed(actual)
        shown = trimmed(step.shown)
        current = realigned(shown, actual)
        new_lines += [f"$ {step.command}", *current]
        if not matches(shown, actual):
            diff = "\n".join(difflib.unified_diff(shown, current, "vist", "skrevet ut", lineterm=""))
            if not matches(current, actual):  # the places left out no longer fit: show it all
                diff += "\n\nHele utskriften:\n" + "\n".join(actual)
            failures.append(f"$ {step.command}\n{diff}")
    if failures and os.environ.get(UPDATE):
        rewrite(block, new_lines)
        pytest.skip(f"{block.where}: eksempelet er skrevet på nytt; se over git diff {block.page.name}.")
    if failures:
        message = f"{block.where}: eksempelet viser ikke det soknad skriver ut. Kjør {HOW_TO_UPDATE}.\n\n"
        pytest.fail(message + "\n\n".join(failures), pytrace=False)


def rewrite(block: Block, new_lines: list[str]) -> None:
    """Put the current output into the page, finding the block by its text: an earlier block
    on the same page may have grown or shrunk since the page was read."""
    text = block.page.read_text(encoding="utf-8")
    first, *_, last = block.raw.splitlines()
    indent = first[: len(first) - len(first.lstrip(" "))]
    flat = [line for entry in new_lines for line in entry.split("\n")]
    new = "".join((indent + line if line else "") + "\n" for line in [first.lstrip(" "), *flat, last.lstrip(" ")])
    assert text.count(block.raw) == 1, f"{block.where}: fant ikke eksempelet igjen; rett det for hånd"
    block.page.write_text(text.replace(block.raw, new), encoding="utf-8")


def test_every_example_with_output_is_run() -> None:
    """A `$ soknad` line outside a console block would be an example nobody checks."""
    hidden = [
        block.where
        for page in PAGES
        for block in blocks(page)
        if block.lang != "console" and any(text.startswith("$ ") for text in block.lines)
    ]
    assert not hidden, f"Skriv eksemplene som ```console, så testene kjører dem: {hidden}"
    assert all(steps(block) for block in examples())


def test_the_conventions_left_out_lines_and_cut_lines() -> None:
    assert matches(["a", ELLIPSIS, "d"], ["a", "b", "c", "d"])
    assert not matches(["a", ELLIPSIS, "b"], ["a", "b"])  # «…» is at least one line
    assert matches(['{"nr": 1, …'], ['{"nr": 1, "id": "x"}'])
    assert not matches(["a"], ["a", "b"])
    assert realigned(["a", ELLIPSIS, "d 1"], ["a", "b", "c", "d 2"]) == ["a", ELLIPSIS, "d 2"]
    assert realigned(["abc …"], ["abd x y"]) == ["abd …"]


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation (backticks, dashes) gone, spaces as '-'."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def anchors(page: Path) -> set[str]:
    fenced = {n for block in blocks(page) for n in range(block.line, block.line + len(block.lines) + 2)}
    lines = page.read_text(encoding="utf-8").splitlines()
    return {slug(text.lstrip("#")) for n, text in enumerate(lines, 1) if text.startswith("#") and n not in fenced}


@pytest.mark.parametrize("page", PAGES, ids=lambda page: str(page.relative_to(ROOT)))
def test_the_links_between_the_pages_lead_somewhere(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    broken = []
    for target in re.findall(r"\]\(([^)\s]+)\)", text):
        if re.match(r"[a-z]+:", target):
            continue
        path, _, anchor = target.partition("#")
        goal = (page.parent / path).resolve() if path else page
        if not goal.exists() or (anchor and goal.suffix == ".md" and anchor not in anchors(goal)):
            broken.append(target)
    assert not broken, f"{page.relative_to(ROOT)}: lenker som ikke fører noe sted: {broken}"


def test_every_docs_page_starts_with_a_way_back_to_the_readme() -> None:
    for page in PAGES[1:]:
        if page.name == "kildegjennomgang.md":  # written by `soknad kilder --markdown`
            continue
        assert "](../README.md)" in page.read_text(encoding="utf-8").splitlines()[0], page.name


def test_the_diagram_for_maintainers_is_what_soknad_graf_draws(cli) -> None:
    """Mermaid, so GitHub draws it; compared exactly, since a diagram has no trailing spaces to forgive."""
    page = ROOT / "docs" / "vedlikehold.md"
    (diagram,) = [block for block in blocks(page) if block.lang == "mermaid"]
    assert "".join(line + "\n" for line in diagram.lines) == cli("graf").stdout, (
        "Kjør soknad graf, og lim det inn i ```mermaid-blokken i docs/vedlikehold.md"
    )
