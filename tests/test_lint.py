"""`soknad valider` warns about valid rule bases that are almost surely wrong.

Each file in tests/regler/lint/ has one mistake and lists, in «# advarsel: LINJE: tekst»
lines, every warning it must give; ren.yaml and the shipped rule base give none.
"""

from __future__ import annotations

import re

import pytest

from .helpers import ROOT, TESTS, soknad

LINT = TESTS / "regler" / "lint"
FIXTURES = sorted(p for p in LINT.glob("*.yaml") if p.name != "ren.yaml")


def expected(path):
    return [
        (int(m[1]), m[2]) for m in re.finditer(r"^# advarsel: (\d+): (.*)$", path.read_text(encoding="utf-8"), re.M)
    ]


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.stem)
def test_each_mistake_gives_its_warnings_with_a_line_and_a_hint(cli, path):
    want = expected(path)
    assert want, f"{path.name} lists no warning"
    result = cli("valider", str(path))
    assert result.exit_code == 0, result.output  # warnings, not errors
    got = [line for line in result.stderr.splitlines() if line.startswith(f"{path}:")]
    assert len(got) == len(want), result.stderr
    for line, (number, text) in zip(got, want, strict=True):
        assert line.startswith(f"{path}:{number}: advarsel: {text} ("), (line, number, text)
        assert line.endswith(")")  # every warning ends in a hint
    assert f"{len(want)} advars" in result.stdout
    # The fixture is named after the kind of warning it is about; that warning is among them.
    kind = path.stem
    from soknadsveileder.lint import lint
    from soknadsveileder.rulebuilder import build_located

    located = build_located(path.read_text(encoding="utf-8"), path.name)
    assert kind in {w.kind for w in lint(located)}
    strict = cli("valider", "--streng", str(path))
    assert strict.exit_code == 1 and "med --streng" in strict.stderr


@pytest.mark.parametrize("path", [LINT / "ren.yaml", None], ids=["ren", "regelverket"])
def test_a_clean_rule_base_and_the_shipped_one_pass_streng(cli, path):
    result = cli("valider", "--streng", *([str(path)] if path else []))
    assert result.exit_code == 0, result.output
    assert "advarsel" not in result.stderr and "advars" not in result.stdout


def test_a_deadline_after_oppdatert_is_an_ordinary_yearly_update(cli, tmp_path):
    from .helpers import MINIMAL

    text = MINIMAL.read_text(encoding="utf-8").replace('dato: "2021-09-15"', 'dato: "2027-09-15"')
    path = tmp_path / "neste-aar.yaml"
    path.write_text(text, encoding="utf-8")
    result = cli("valider", str(path))
    assert result.exit_code == 0, result.stderr
    assert "oppdatert" not in result.stderr  # the minimal file's own warnings are of other kinds


def test_a_number_missing_from_its_quote_is_reported_at_the_text_itself(tmp_path):
    """The warning points at «midler:», the text the maintainer changed, not at the start of
    the scheme 20 lines up (first hour)."""
    text = (ROOT / "data" / "schemes.yaml").read_text(encoding="utf-8")
    start = text.index("  - id: industrifagskolen\n")
    at = text.index("          belop: 20000000\n", start)
    edited = text[:at] + "          belop: 25000000\n" + text[at + len("          belop: 20000000\n") :]
    midler_line = edited[:at].count("\n")  # the line above «belop» is «midler:», 1-based
    assert edited.splitlines()[midler_line - 1] == "        midler:"
    path = tmp_path / "schemes.yaml"
    path.write_text(edited, encoding="utf-8")
    result = soknad("valider", str(path))
    assert (
        f"{path}:{midler_line}: advarsel: Industrifagskolen, runden 2021, Midler: tallene 25 står ikke i sitatet."
        in result.stderr
    )
