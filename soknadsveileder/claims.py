"""Every claim a user can read, with its source and the words of the source behind it.

One list, in the order a reviewer reads it: per scheme its facts (`belegg`), conditions,
unclear cases, ranking reasons, notes, history and checklist steps; then the other
possibilities. `soknad kilder` prints it, `docs/kildegjennomgang.md` is made from it, the
lint checks it, and a test checks the article's quotes against the article itself.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from .model import EVIDENCE_FIELDS, Round, RuleBase, Scheme, Source


@dataclass(frozen=True)
class Claim:
    """One text a user can read, and what backs it."""

    group: str  # the scheme's name, or "Andre muligheter"
    kind: str  # what the text is, in words: "Vilkår", "Merknad", "Sjekkpunkt «id»" …
    text: str
    source: Source
    quote: str
    year: int | None = None  # a history entry's year: a number the text may use freely
    part: object = None  # what in the rule base the text is, for a warning's line number
    # A round's own years (`fra`, `til` and the year of its money): numbers its texts may use,
    # since the round's dates are data that its own source backs.
    years: tuple[int, ...] = ()


def _facts(scheme: Scheme) -> dict[str, str]:
    from .texts import funds_text  # the words the user sees for the funds

    return {
        "beskrivelse": scheme.description,
        "soker": scheme.applicant_text,
        "for_hvem": scheme.for_whom,
        "nivaa": scheme.level_text,
        "midler": funds_text(scheme),
        "frist": scheme.deadline.text,
        "etter_fristen": scheme.after_deadline,
    }


def scheme_claims(rules: RuleBase, scheme: Scheme) -> Iterator[Claim]:
    """The claims of a scheme as declared, then of each round: what the round says itself."""
    facts = _facts(scheme)
    g = scheme.name
    parts: dict[str, object] = {"midler": scheme.funds, "frist": scheme.deadline}
    own = [e for e in scheme.evidence if not scheme.rounds or e.field not in ("midler", "frist")]
    for e in own:
        yield Claim(g, EVIDENCE_FIELDS[e.field], facts[e.field], e.source, e.quote, part=parts.get(e.field, e))
    for c in scheme.criteria:
        text = f"Aktuell når {c.requirement}. Oppfylt: «{c.holds_text}» Ikke oppfylt: «{c.fails_text}»"
        yield Claim(g, f"Vilkår «{c.id}»", text, c.source, c.quote, part=c)
        for u in c.unclear:
            yield Claim(g, f"Uklart for vilkår «{c.id}»", u.text, u.source, u.quote, part=u)
    for rank in scheme.ranking:
        yield Claim(g, "Rangering", rank.text, rank.source, rank.quote, part=rank)
    for n in scheme.notes:
        yield Claim(g, "Merknad", n.text, n.source, n.quote, part=n)
    for h in scheme.history:
        yield Claim(g, f"Historikk {h.year}", h.text, h.source, h.quote, h.year, part=h)
    for item_id in scheme.checklist:
        item = rules.checklist_items[item_id]
        yield Claim(g, f"Sjekkpunkt «{item.id}»", item.text, item.source, item.quote)
    for r in scheme.rounds:
        yield from _round_claims(rules, scheme, r)


def _round_claims(rules: RuleBase, scheme: Scheme, r: Round) -> Iterator[Claim]:
    view = scheme.in_round(r)
    facts = _facts(view)
    g = f"{scheme.name}, runden {r.label}"
    years = (r.starts.year, r.funds.year, *((r.ends.year,) if r.ends else ()))
    yield Claim(g, "Runde", r.label, r.source, r.quote, part=r, years=years)
    parts: dict[str, object] = {"midler": r.funds, "frist": r.deadline}
    for e in r.evidence:
        part = parts.get(e.field, e)
        yield Claim(g, EVIDENCE_FIELDS[e.field], facts[e.field], e.source, e.quote, part=part, years=years)
    for c in r.criteria:
        text = f"Aktuell når {c.requirement}. Oppfylt: «{c.holds_text}» Ikke oppfylt: «{c.fails_text}»"
        yield Claim(g, f"Vilkår «{c.id}»", text, c.source, c.quote, part=c)
        for u in c.unclear:
            yield Claim(g, f"Uklart for vilkår «{c.id}»", u.text, u.source, u.quote, part=u)
    for rank in r.ranking or ():
        yield Claim(g, "Rangering", rank.text, rank.source, rank.quote, part=rank)
    for n in r.notes or ():
        yield Claim(g, "Merknad", n.text, n.source, n.quote, part=n)
    for item_id in r.checklist or ():
        if item_id not in scheme.checklist:
            item = rules.checklist_items[item_id]
            yield Claim(g, f"Sjekkpunkt «{item.id}»", item.text, item.source, item.quote)


def claims(rules: RuleBase) -> Iterator[Claim]:
    """Every claim of the rule base; a checklist step shared by schemes comes once per scheme."""
    for scheme in rules.schemes:
        yield from scheme_claims(rules, scheme)
    for alt in rules.alternatives:
        yield Claim("Andre muligheter", alt.name, alt.text, alt.source, alt.quote)


# --- The mechanical check of quotes --------------------------------------------------------

_NKR = re.compile(r"NKR\s*\d(?:\s*[–-]\s*\d)?")
_NUMBER = re.compile(r"\d+(?:[ \u00a0.]\d{3})*(?:,\d+)?")


def numbers(text: str) -> set[str]:
    """The numbers in a text, written without spaces: '84 000' and '84.000' are '84000'.

    NKR levels are left out: they are the framework's, not the source's.
    """
    text = _NKR.sub("", text)
    return {re.sub(r"[ \u00a0.]", "", m.group()) for m in _NUMBER.finditer(text)}


def missing_numbers(backing: list[Claim]) -> set[str]:
    """The numbers of a text that none of the quotes backing it contains.

    `backing` holds the claims of one text, one per source. A year may also be a source's
    own year or the history entry's year: a 2021 source rarely says "2021" about itself.
    """
    found: set[str] = set()
    free: set[str] = set()
    for claim in backing:
        found |= numbers(claim.quote)
        free |= {str(claim.source.year)} | ({str(claim.year)} if claim.year else set())
        free |= {str(y) for y in claim.years}
    return {n for n in numbers(backing[0].text) if n not in found and n not in free}


# --- The audit document ------------------------------------------------------------------


def audit_markdown(rules: RuleBase) -> str:
    """`soknad kilder --markdown`: every claim under its scheme, each with source and quote."""
    out = [
        f"# Kildegjennomgang: regelverk {rules.version}",
        "",
        f"Regelverket ble sist oppdatert {rules.updated.isoformat()}. Her står hver tekst en bruker kan lese, "
        "gruppert etter ordning, med kilden og ordene i kilden som støtter den. Sitatene står ordrett og på "
        "kildens språk. Dokumentet lages av `soknad kilder --markdown`; rediger `data/schemes.yaml`, ikke denne "
        "filen.",
        "",
        "## Kildene",
        "",
    ]
    for s in rules.sources.values():
        line = f"- `{s.id}`: {s.publisher} ({s.year}), «{s.title}»"
        line += f", <{s.url}>" if s.url else ", ingen kjent adresse"
        out.append(line + (f". {s.note}" if s.note else ""))
    group = None
    for claim in claims(rules):
        if claim.group != group:
            group = claim.group
            out += ["", f"## {group}"]
        source = claim.source
        where = f"{source.publisher} ({source.year}), «{source.title}»" + (f", <{source.url}>" if source.url else "")
        out += ["", f"### {claim.kind}", "", claim.text, "", f"> {claim.quote}", ">", f"> — {where}"]
    return "\n".join(out) + "\n"
