"""JSON renderings: `ordninger --json` and the assessment part of a `soknad sjekk` line.

Only plain dictionaries; the field names are the public contract in the README.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from . import engine
from .model import Alternative, Assessment, DeadlineState, Funds, Note, Result, Round, RuleBase, Scheme, Source


def deadline_json(d: DeadlineState) -> dict[str, Any]:
    return {
        "dato": d.date.isoformat() if d.date else None,
        "tidligst": d.earliest.isoformat() if d.earliest else None,
        "passert": d.passed,
        "status": d.phase,
        "dager_igjen": d.days_left,
        "omtrentlig": d.approximate,
        "tekst": d.text,
        "runden_slutter": d.ends.isoformat() if d.ends else None,
    }


def round_json(r: Round | None) -> dict[str, Any] | None:
    """The round an assessment was made under, with the words that back it."""
    if r is None:
        return None
    return {
        "id": r.id,
        "navn": r.label,
        "fra": r.starts.isoformat(),
        "utlyst": r.announced.isoformat() if r.announced else None,
        "til": r.ends.isoformat() if r.ends else None,
        "kilde": source_json(r.source),
        "sitat": r.quote,
    }


def note_json(n: Note) -> dict[str, Any]:
    return {"tekst": n.text, "kilde": source_json(n.source), "sitat": n.quote}


def cited_json(text: str, source: Source, quote: str) -> dict[str, Any]:
    return {"tekst": text, "kilde": source_json(source), "sitat": quote}


def funds_left(scheme: Scheme) -> int | None:
    """`midler_igjen`: the money left, and null when the figure is what a call announced."""
    return scheme.funds.amount if scheme.funds.kind == "igjen" else None


def source_json(s: Source) -> dict[str, Any]:
    """A source where it backs a claim: title, address (or null) and year, with the publisher."""
    return {"tittel": s.title, "utgiver": s.publisher, "url": s.url, "aar": s.year}


def funds_json(scheme: Scheme) -> dict[str, Any]:
    return _funds(scheme.funds)


def _funds(f: Funds) -> dict[str, Any]:
    return {"belop": f.amount, "aar": f.year, "omtrentlig": f.approximate, "art": f.kind}


def scheme_json(scheme: Scheme, today: dt.date, rules: RuleBase) -> dict[str, Any]:
    """A scheme as `soknad ordninger ID` shows it on `today`: the round in force then, with
    the quotes behind its claims, and every round as a time line."""
    scheme = engine.scheme_on(scheme, today)
    items = [rules.checklist_items[i] for i in scheme.checklist]
    return {
        "id": scheme.id,
        "navn": scheme.name,
        "beskrivelse": scheme.description,
        "forvalter": scheme.administrator,
        "soker": {"typer": list(scheme.applicant_types), "tekst": scheme.applicant_text},
        "for_hvem": scheme.for_whom,
        "nivaa": {"nkr": list(scheme.nkr_levels), "tekst": scheme.level_text},
        # Kept for scripts written before `midler.art`: the money left, null when announced.
        "midler_igjen": funds_left(scheme),
        "midler": funds_json(scheme),
        "frist": deadline_json(engine.deadline_state(scheme, today)),
        "etter_fristen": scheme.after_deadline,
        "vilkaar": [
            {
                "id": c.id,
                "krav": c.requirement,
                "oppfylt": c.holds_text,
                "ikke_oppfylt": c.fails_text,
                "kilde": source_json(c.source),
                "sitat": c.quote,
                "uavklart": [cited_json(u.text, u.source, u.quote) for u in c.unclear],
            }
            for c in scheme.criteria
        ],
        "sjekkliste": [
            {**cited_json(i.text, i.source, i.quote), "id": i.id, "avhenger_av_svar": i.when is not None} for i in items
        ],
        "belegg": [{"gjelder": e.field, "kilde": source_json(e.source), "sitat": e.quote} for e in scheme.evidence],
        "kilder": [{**source_json(s), "id": s.id, "merknad": s.note} for s in scheme.sources],
        "historikk": [
            {**cited_json(h.text, h.source, h.quote), "aar": h.year, "senere": h.year > today.year}
            for h in scheme.history
        ],
        "merknader": [note_json(n) for n in scheme.notes],
        "runde": round_json(scheme.round),
        "runder": [
            {
                **(round_json(r) or {}),
                "frist": deadline_json(engine.round_deadline_state(r, today)),
                "midler": _funds(r.funds),
                "senere": r.starts > today,
            }
            for r in scheme.rounds
        ],
    }


def assessment_json(a: Assessment) -> dict[str, Any]:
    return {
        "id": a.scheme.id,
        "navn": a.scheme.name,
        "status": a.status.value,
        "grunner": list(a.reasons),
        "endringer": list(a.changes),
        "mangler": list(a.unknown),
        "frist": deadline_json(a.deadline),
        # What the sources say happened next; only once the deadline has passed.
        "etter_fristen": a.scheme.after_deadline if a.deadline.passed else None,
        "midler_igjen": funds_left(a.scheme),
        "midler": funds_json(a.scheme),
        "runde": round_json(a.scheme.round),
        "poeng": a.score,
        "kilder": [source_json(s) for s in a.sources],
        "merknader": [note_json(n) for n in a.scheme.notes],
    }


def alternative_json(alt: Alternative, today: dt.date) -> dict[str, Any]:
    return {
        "id": alt.id,
        "navn": alt.name,
        "tekst": alt.text,
        "kilde": source_json(alt.source),
        "sitat": alt.quote,
        "senere": alt.source.year > today.year,
    }


def result_json(result: Result) -> dict[str, Any]:
    """The assessment part of a `soknad sjekk` output line."""
    return {
        "anbefalte": list(result.recommended),
        "passet_tidligere": list(result.earlier),
        "vurderinger": [assessment_json(a) for a in result.assessments],
        "mangler": list(result.missing),
        "sjekkliste": [{"type": e.kind, "tekst": e.text} for e in result.checklist],
        "andre_muligheter": [alternative_json(alt, result.date) for alt in result.alternatives],
        "advarsler": list(result.warnings),
    }
