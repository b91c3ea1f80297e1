"""JSON renderings: `ordninger --json` and the assessment part of a `soknad sjekk` line.

Only plain dictionaries; the field names are the public contract in the README.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from . import engine
from .model import Alternative, Assessment, DeadlineState, Result, Scheme, Source


def deadline_json(d: DeadlineState) -> dict[str, Any]:
    return {
        "dato": d.date.isoformat() if d.date else None,
        "passert": d.passed,
        "dager_igjen": d.days_left,
        "omtrentlig": d.approximate,
        "tekst": d.text,
    }


def source_json(s: Source) -> dict[str, Any]:
    """A source where it backs a claim: title, address (or null) and year, with the publisher."""
    return {"tittel": s.title, "utgiver": s.publisher, "url": s.url, "aar": s.year}


def funds_json(scheme: Scheme) -> dict[str, Any]:
    f = scheme.funds
    return {"belop": f.amount, "aar": f.year, "omtrentlig": f.approximate, "art": f.kind}


def scheme_json(scheme: Scheme, today: dt.date) -> dict[str, Any]:
    return {
        "id": scheme.id,
        "navn": scheme.name,
        "beskrivelse": scheme.description,
        "forvalter": scheme.administrator,
        "soker": {"typer": list(scheme.applicant_types), "tekst": scheme.applicant_text},
        "for_hvem": scheme.for_whom,
        "nivaa": {"nkr": list(scheme.nkr_levels), "tekst": scheme.level_text},
        # Kept for scripts written before `midler.art`: the amount, whether left or announced.
        "midler_igjen": scheme.funds.amount,
        "midler": funds_json(scheme),
        "frist": deadline_json(engine.deadline_state(scheme, today)),
        "etter_fristen": scheme.after_deadline,
        "kilder": [{**source_json(s), "id": s.id, "merknad": s.note} for s in scheme.sources],
        "historikk": [{"aar": h.year, "tekst": h.text, "kilde": source_json(h.source)} for h in scheme.history],
        "merknader": list(scheme.notes),
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
        "midler_igjen": a.scheme.funds.amount,
        "midler": funds_json(a.scheme),
        "poeng": a.score,
        "kilder": [source_json(s) for s in a.sources],
        "merknader": list(a.scheme.notes),
    }


def alternative_json(alt: Alternative) -> dict[str, Any]:
    return {"id": alt.id, "navn": alt.name, "tekst": alt.text, "kilde": source_json(alt.source)}


def result_json(result: Result) -> dict[str, Any]:
    """The assessment part of a `soknad sjekk` output line."""
    return {
        "anbefalte": list(result.recommended),
        "vurderinger": [assessment_json(a) for a in result.assessments],
        "mangler": list(result.missing),
        "sjekkliste": [{"type": e.kind, "tekst": e.text} for e in result.checklist],
        "andre_muligheter": [alternative_json(alt) for alt in result.alternatives],
        "advarsler": list(result.warnings),
    }
