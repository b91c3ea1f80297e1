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

When the program's output changes, see the difference and approve it with
    .venv/bin/python -m tests.docs [--godta]
and read `git diff README.md docs/` line by line: the text around an example may need to
change with it. A test never rewrites a page.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from .docs import (
    ELLIPSIS,
    HOW_TO_UPDATE,
    PAGES,
    Block,
    blocks,
    check,
    examples,
    make_bin_dir,
    matches,
    realigned,
    steps,
)
from .helpers import ROOT


@pytest.fixture(scope="module")
def bin_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_bin_dir(tmp_path_factory.mktemp("bin"))


@pytest.mark.parametrize("block", examples(), ids=lambda block: block.where)
def test_the_example_prints_what_it_shows(block: Block, tmp_path: Path, bin_dir: Path) -> None:
    failures, _ = check(block, tmp_path, bin_dir)
    if failures:
        message = f"{block.where}: eksempelet viser ikke det soknad skriver ut. Kjør {HOW_TO_UPDATE}.\n\n"
        pytest.fail(message + "\n\n".join(failures), pytrace=False)


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
    assert "".join(line + "\n" for line in diagram.lines) == cli("graf", "--dato", "2026-12-07").stdout, (
        "Kjør soknad graf --dato 2026-12-07, og lim det inn i ```mermaid-blokken i docs/vedlikehold.md"
    )
