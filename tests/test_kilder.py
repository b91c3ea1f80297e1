"""Every claim a user reads carries the words of its source, and the audit view shows them.

The article is the primary source, and its text ships as test data (tests/kilder/), so every
quote attributed to it is checked word for word. Quotes from the other pages cannot be
checked offline; `soknad kilder` and docs/kildegjennomgang.md put them in front of a person.
"""

from __future__ import annotations

import re

import pytest

from soknadsveileder.claims import Claim, audit_markdown, claims, missing_numbers, numbers
from soknadsveileder.model import EVIDENCE_FIELDS

from .helpers import MINIMAL, ROOT, TESTS, assert_no_traceback, soknad

ARTICLE = TESTS / "kilder" / "norsk-industri-2021-kompetanseloft.txt"
DOC = ROOT / "docs" / "kildegjennomgang.md"
ELISION = "[...]"  # a quote leaves out words between its parts with this mark


def _flat(text: str) -> str:
    """Spaces, line breaks and list bullets as one space: the page's layout is not its words."""
    return re.sub(r"[\s•]+", " ", text).strip()


def quote_parts(quote: str) -> list[str]:
    return [_flat(part) for part in quote.split(ELISION) if part.strip()]


def occurs_in_order(parts: list[str], text: str) -> bool:
    at = 0
    for part in parts:
        found = text.find(part, at)
        if found < 0:
            return False
        at = found + len(part)
    return True


def test_every_quote_from_the_article_is_in_the_article_word_for_word(rules):
    article = _flat(ARTICLE.read_text(encoding="utf-8"))
    cited = [c for c in claims(rules) if c.source.id == "ni-artikkel-2021"]
    assert len(cited) >= 30  # the article backs most of the rule base
    for claim in cited:
        assert occurs_in_order(quote_parts(claim.quote), article), (claim.group, claim.kind, claim.quote)


def test_the_article_check_fails_for_a_quote_that_is_not_there():
    article = _flat(ARTICLE.read_text(encoding="utf-8"))
    assert occurs_in_order(quote_parts("Vi har igjen ca 7 millionar til dette formålet i 2021."), article)
    # One word changed, and two parts in the wrong order: both must fail.
    assert not occurs_in_order(quote_parts("Vi har igjen ca 8 millionar til dette formålet i 2021."), article)
    assert not occurs_in_order(
        quote_parts("Søknadsfristane er i midten av september 2021. [...] Det er utdanningsinstitusjonen som søker"),
        article,
    )


def test_every_claim_has_a_quote_and_every_fact_a_backing(rules):
    everything = list(claims(rules))
    assert all(c.quote.strip() and c.text.strip() for c in everything)
    for scheme in rules.schemes:
        for r in scheme.rounds:  # each round as a user sees it has every fact backed
            assert {e.field for e in scheme.in_round(r).evidence} == set(EVIDENCE_FIELDS), (scheme.id, r.id)
        assert {e.field for e in scheme.evidence} | {"midler", "frist"} == set(EVIDENCE_FIELDS), scheme.id
        assert all(n.source in scheme.sources for n in scheme.notes), scheme.id
        assert all(r.source in scheme.sources for r in scheme.ranking), scheme.id
    # No placeholder left from editing, and no quote that only repeats the claim.
    assert not any("@@" in c.quote or "@@" in c.text for c in everything)
    assert not any(_flat(c.quote) == _flat(c.text) for c in everything)


def test_the_number_check_finds_an_amount_that_drifted_from_its_quote(rules):
    source = rules.sources["ni-artikkel-2021"]
    honest = Claim("G", "Midler", "ca. 7 mill. kr igjen (2021)", source, "Vi har igjen ca 7 millionar")
    drifted = Claim("G", "Midler", "ca. 8 mill. kr igjen (2021)", source, "Vi har igjen ca 7 millionar")
    assert missing_numbers([honest]) == set()
    assert missing_numbers([drifted]) == {"8"}
    # A year of the source itself or of a history entry is free; another year is not.
    assert missing_numbers([Claim("G", "H", "I 2021 og 2024.", source, "", 2024)]) == set()
    assert missing_numbers([Claim("G", "H", "I 2023.", source, "")]) == {"2023"}
    # Thousands are one number however they are written; NKR levels are not the source's.
    assert numbers("84 000 og 84.000 og 84\u00a0000") == {"84000"}
    assert numbers("Fagbrev (NKR 4) og NKR 6–7") == set()


def test_the_shipped_notes_name_their_sources_in_the_result(rules):
    import datetime as dt

    from soknadsveileder import engine

    answers = {"bransje": "maritim", "behov": "fagbrev"}
    result = engine.evaluate(rules, answers, dt.date(2021, 6, 1))
    maritime = result.assessment("bransjeprogram-maritim")
    ids = {s.id for s in maritime.sources}
    # The notes on the April deadlines cite Kompetanse Norge; those sources are listed (finding 24).
    assert {"kn-bransjeprogram-2021", "kn-maritim-2021", "ni-artikkel-2021"} <= ids


def test_kilder_prints_every_claim_with_its_source_and_quote(cli, rules):
    result = cli("kilder", "--markdown")
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert text.startswith(f"# Kildegjennomgang: regelverk {rules.version}\n")
    for scheme in rules.schemes:
        assert f"\n## {scheme.name}\n" in text
    for source in rules.sources.values():
        assert f"`{source.id}`" in text and (source.url is None or f"<{source.url}>" in text)
    # Each claim once per scheme, with its quote right under it.
    for claim in claims(rules):
        assert f"### {claim.kind}\n\n{claim.text}\n\n> {claim.quote}\n" in text, claim.kind


def test_kilder_through_the_real_entry_point_and_for_another_rule_base(tmp_path):
    result = soknad("kilder", "--regler", str(MINIMAL))
    assert result.returncode == 0, result.stderr
    assert "## Ordning A" in result.stdout and "### Vilkår «bransje»" in result.stdout
    missing = soknad("kilder", "--regler", str(tmp_path / "finnes-ikke.yaml"))
    assert missing.returncode == 2 and "finnes ikke" in missing.stderr
    assert_no_traceback(missing.stderr)


def test_the_committed_source_review_is_current(rules):
    """docs/kildegjennomgang.md is what `soknad kilder --markdown` prints today. Regenerate it
    with: soknad kilder --markdown > docs/kildegjennomgang.md"""
    assert DOC.read_text(encoding="utf-8") == audit_markdown(rules)


@pytest.mark.parametrize("field", sorted(EVIDENCE_FIELDS))
def test_valider_warns_about_a_fact_without_a_backing(tmp_path, field):
    text = MINIMAL.read_text(encoding="utf-8")
    text = re.sub(rf"\n      - \{{gjelder: {field},[^\n]*", "", text)
    path = tmp_path / "uten-belegg.yaml"
    path.write_text(text, encoding="utf-8")
    result = soknad("valider", "--streng", str(path))
    assert result.returncode == 1
    assert f"har ikke belegg for '{field}'" in result.stderr


def test_a_citation_without_a_quote_is_an_error_that_says_what_to_write(tmp_path):
    text = MINIMAL.read_text(encoding="utf-8").replace(
        "        sitat: Sitat fra kilden.\n        hvis:", "        hvis:"
    )
    path = tmp_path / "uten-sitat.yaml"
    path.write_text(text, encoding="utf-8")
    result = soknad("valider", str(path))
    assert result.returncode == 1
    # The place in words first, then the path (issue 15: maintainers read plain Norwegian).
    assert (
        "ordningen «ordning-a», vilkåret «bransje» (ordninger[0].vilkaar[0]): Mangler nøkkelen 'sitat'."
        in result.stderr
    )
    assert "ordrett og på kildens språk" in result.stderr
    assert_no_traceback(result.stderr)
