"""The examples in README.md and docs/*.md, run: the machinery of tests/test_docs.py, and
the command that shows how the examples differ from what soknad prints now, and writes
them anew when a person approves it:

    .venv/bin/python -m tests.docs            # show the diff of every example that differs
    .venv/bin/python -m tests.docs --godta    # show it, then write the new output into the pages

Then read `git diff README.md docs/`: the text around an example may need to change with
it. A test never writes a page.
"""

from __future__ import annotations

import difflib
import functools
import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .helpers import ROOT, subprocess_env

PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
HOW_TO_UPDATE = ".venv/bin/python -m tests.docs (og --godta), og se over git diff"
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


def make_bin_dir(folder: Path) -> Path:
    """A `soknad` on PATH that runs this checkout with this Python, as tests/helpers.py does."""
    folder.mkdir(parents=True, exist_ok=True)
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


def check(block: Block, workdir: Path, bin_dir: Path) -> tuple[list[str], list[str]]:
    """Run a block's commands in `workdir`: what differs from the page (empty when nothing
    does), and the block's lines with today's output in the places shown."""
    for name in ("data", "tests"):
        (workdir / name).symlink_to(ROOT / name, target_is_directory=True)
    for name, lines in files_shown_before(block).items():
        write(workdir / name, lines)
    failures: list[str] = []
    new_lines: list[str] = []
    rc = 0
    for step in steps(block):
        if step.command == "echo $?":
            actual = [str(rc)]
        else:
            actual, rc = run(step.command, workdir, bin_dir)
        actual = trimmed(actual)
        shown = trimmed(step.shown)
        current = realigned(shown, actual)
        new_lines += [f"$ {step.command}", *current]
        if not matches(shown, actual):
            diff = "\n".join(difflib.unified_diff(shown, current, "vist", "skrevet ut", lineterm=""))
            if not matches(current, actual):  # the places left out no longer fit: show it all
                diff += "\n\nHele utskriften:\n" + "\n".join(actual)
            failures.append(f"$ {step.command}\n{diff}")
    return failures, new_lines


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


def main(argv: list[str]) -> int:
    approve = "--godta" in argv
    differing = 0
    with tempfile.TemporaryDirectory(prefix="soknad-eksempler-") as tmp:
        bin_dir = make_bin_dir(Path(tmp) / "bin")
        for n, block in enumerate(examples()):
            workdir = Path(tmp) / f"eksempel-{n}"
            workdir.mkdir()
            failures, new_lines = check(block, workdir, bin_dir)
            if not failures:
                continue
            differing += 1
            print(f"== {block.where}\n" + "\n\n".join(failures) + "\n")
            if approve:
                rewrite(block, new_lines)
    if not differing:
        print("Alle eksemplene viser det soknad skriver ut.")
    elif approve:
        print(f"{differing} eksempler er skrevet på nytt; les git diff README.md docs/ før du committer.")
    else:
        print(f"{differing} eksempler viser ikke det soknad skriver ut. Godkjenn med --godta.")
    return 1 if differing and not approve else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
