"""JSON Schemas for `soknad sjekk`, generated from the rule base so they cannot drift."""

from __future__ import annotations

from typing import Any, get_args

from .model import FUNDS_KINDS, DeadlinePhase, Question, RuleBase, Status

_DRAFT = "https://json-schema.org/draft/2020-12/schema"


def _answer_schema(q: Question) -> dict[str, Any]:
    description = f"{q.text} {q.help}"
    values = [c.value for c in q.choices]
    if q.multiple:
        several = {"type": "array", "items": {"enum": values}, "minItems": 1, "uniqueItems": True}
        return {"description": description, "anyOf": [{"enum": values}, several, {"type": "null"}]}
    if q.type == "valg":
        return {"description": description, "enum": [*values, None]}
    if q.type == "ja_nei":
        return {"description": description, "type": ["boolean", "null"]}
    number: dict[str, Any] = {"type": "integer"}
    if q.minimum is not None:
        number["minimum"] = q.minimum
    if q.maximum is not None:
        number["maximum"] = q.maximum
    return {"description": description, "anyOf": [number, {"type": "null"}]}


def answer_schema(rules: RuleBase) -> dict[str, Any]:
    """A record of answers, or a file saved by `soknad veileder --lagre-svar`.

    `answers.parse_record` accepts exactly what this schema accepts; a property test holds
    the two together.
    """
    properties: dict[str, Any] = {
        "id": {"description": "Sendes uendret videre til resultatet.", "type": ["string", "integer"]},
        "navn": {"description": "Sendes uendret videre til resultatet.", "type": ["string", "integer"]},
    }
    properties.update({q.id: _answer_schema(q) for q in rules.questions})
    record = {"type": "object", "properties": properties, "additionalProperties": False}
    saved = {
        "description": "En fil fra soknad veileder --lagre-svar.",
        "type": "object",
        "required": ["svar", "regelverk"],
        "properties": {"svar": record, "regelverk": {"type": "object"}, "dato": {"type": "string"}},
        "additionalProperties": False,
    }
    return {
        "$schema": _DRAFT,
        "title": f"Svar til soknad sjekk (regelverk {rules.version})",
        "description": "Et felt som mangler, eller er null, betyr «vet ikke».",
        # A record holding both svar and regelverk is read as a saved file, never as answers.
        "if": {"type": "object", "required": ["svar", "regelverk"]},
        "then": saved,
        "else": record,
    }


def output_schema(rules: RuleBase) -> dict[str, Any]:
    scheme_ids = [s.id for s in rules.schemes]
    question_ids = [q.id for q in rules.questions]
    strings = {"type": "array", "items": {"type": "string"}}
    deadline = {
        "type": "object",
        "required": ["dato", "passert", "status"],
        "properties": {
            "dato": {"type": ["string", "null"], "format": "date"},
            "tidligst": {"type": ["string", "null"], "format": "date"},
            "passert": {"type": ["boolean", "null"]},
            "status": {"enum": list(get_args(DeadlinePhase))},
            "runden_slutter": {"type": ["string", "null"], "format": "date"},
            "dager_igjen": {"type": ["integer", "null"]},
            "omtrentlig": {"type": "boolean"},
            "tekst": {"type": "string"},
        },
    }
    source = {
        "type": "object",
        "required": ["tittel", "url", "aar"],
        "properties": {
            "tittel": {"type": "string"},
            "utgiver": {"type": "string"},
            "url": {"type": ["string", "null"]},
            "aar": {"type": "integer"},
        },
    }
    note = {
        "type": "object",
        "required": ["tekst", "kilde", "sitat"],
        "properties": {"tekst": {"type": "string"}, "kilde": source, "sitat": {"type": "string"}},
    }
    funds = {
        "type": "object",
        "required": ["belop", "art"],
        "properties": {
            "belop": {"type": ["integer", "null"]},
            "aar": {"type": "integer"},
            "omtrentlig": {"type": "boolean"},
            "art": {"enum": list(FUNDS_KINDS)},
        },
    }
    assessment = {
        "type": "object",
        "required": ["id", "status", "grunner", "frist", "kilder", "merknader"],
        "properties": {
            "id": {"enum": scheme_ids},
            "navn": {"type": "string"},
            "status": {"enum": [s.value for s in Status]},
            "grunner": {**strings, "minItems": 1},
            "endringer": strings,
            "mangler": {"type": "array", "items": {"enum": question_ids}},
            "frist": deadline,
            "midler_igjen": {"type": ["integer", "null"]},
            "etter_fristen": {"type": ["string", "null"]},
            "midler": funds,
            "runde": {
                "description": "Runden ordningen er vurdert etter: den som gjaldt på datoen, eller den siste "
                "kildene kjenner før den. Null for en ordning uten runder i regelverket.",
                "type": ["object", "null"],
                "required": ["id", "navn", "fra", "kilde", "sitat"],
                "properties": {
                    "id": {"type": "string"},
                    "navn": {"type": "string"},
                    "fra": {"type": "string", "format": "date"},
                    "utlyst": {"type": ["string", "null"], "format": "date"},
                    "til": {"type": ["string", "null"], "format": "date"},
                    "kilde": source,
                    "sitat": {"type": "string"},
                },
            },
            "poeng": {"type": "integer"},
            "kilder": {"type": "array", "items": source, "minItems": 1},
            "merknader": {"type": "array", "items": note},
        },
    }
    alternative = {
        "type": "object",
        "required": ["id", "navn", "tekst", "kilde", "sitat", "senere"],
        "properties": {
            "id": {"type": "string"},
            "navn": {"type": "string"},
            "tekst": {"type": "string"},
            "kilde": source,
            "sitat": {"type": "string"},
            "senere": {"type": "boolean"},
        },
    }
    passthrough = {
        "id": {"type": ["string", "integer"]},
        "navn": {"type": ["string", "integer"]},
        "kolonner": {
            "description": "Bare fra et regneark med egne kolonner: radens verdi i hver av dem, med kolonnens "
            "navn. Tekst og tall som de sto, en dato som ISO-tekst, null for en tom celle.",
            "type": "object",
            "additionalProperties": {"type": ["string", "number", "boolean", "null"]},
        },
    }
    ok = {
        "type": "object",
        "required": [
            "nr",
            "ok",
            "anbefalte",
            "passet_tidligere",
            "vurderinger",
            "mangler",
            "sjekkliste",
            "andre_muligheter",
        ],
        "properties": {
            **passthrough,
            "nr": {"type": "integer", "minimum": 1},
            "linje": {"type": ["integer", "null"]},
            "ok": {"const": True},
            "anbefalte": {
                "description": "Ordninger som passer og som det går an å gjøre noe med nå: fristen i runden som "
                "gjelder, er ikke passert, ikke kjent, eller runden er ikke lyst ut ennå. Best først.",
                "type": "array",
                "items": {"enum": scheme_ids},
            },
            "passet_tidligere": {
                "description": "Ordninger som passer, men der den siste runden kildene kjenner, er over. Kildene "
                "sier ikke at ordningen er avsluttet.",
                "type": "array",
                "items": {"enum": scheme_ids},
            },
            "vurderinger": {
                "type": "array",
                "items": assessment,
                "minItems": len(scheme_ids),
                "maxItems": len(scheme_ids),
            },
            "mangler": {"type": "array", "items": {"enum": question_ids}},
            "sjekkliste": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["type", "tekst"],
                    "properties": {
                        "type": {"enum": ["steg", "advarsel", "merknad", "kilde"]},
                        "tekst": {"type": "string"},
                    },
                },
            },
            "andre_muligheter": {"type": "array", "items": alternative},
            "advarsler": strings,
            "endret_siden": {
                "description": "Bare for en lagret svarfil fra en annen versjon av regelverket.",
                "type": "object",
                "required": ["regelverk", "endringer", "tekst", "merknader"],
                "properties": {
                    "regelverk": {"type": "string"},
                    "endringer": {"type": ["array", "null"]},
                    "tekst": strings,
                    "merknader": strings,
                },
            },
        },
    }
    error = {
        "type": "object",
        "required": ["nr", "ok", "feil"],
        "properties": {
            **passthrough,
            "nr": {"type": "integer", "minimum": 1},
            "linje": {"type": ["integer", "null"]},
            "ok": {"const": False},
            "feil": {
                "type": "array",
                "minItems": 1,
                "items": {
                    "type": "object",
                    "required": ["felt", "melding"],
                    "properties": {"felt": {"type": ["string", "null"]}, "melding": {"type": "string"}},
                },
            },
        },
    }
    return {
        "$schema": _DRAFT,
        "title": f"Resultat fra soknad sjekk (regelverk {rules.version})",
        "description": "Én linje per post i inndata, i samme rekkefølge.",
        "oneOf": [ok, error],
    }


def schemas(rules: RuleBase) -> dict[str, Any]:
    return {"svar": answer_schema(rules), "resultat": output_schema(rules)}
