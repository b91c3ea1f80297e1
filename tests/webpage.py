"""Reading the browser guide's pages in tests: addresses written from answers, and what a
result page says, read from its HTML.

The address is written here by hand from the rules in `soknadsveileder/web/state.py`'s
docstring (a choice id, ja/nei, a number, the empty string for «Vet ikke», a repeated key for
several values), not by the code under test.
"""

from __future__ import annotations

import datetime as dt
import re
from html import unescape
from urllib.parse import quote

from starlette.testclient import TestClient

from soknadsveileder.web import create_app


def client(today: str | dt.date = "2021-03-01", **kwargs) -> TestClient:
    date = today if isinstance(today, dt.date) else dt.date.fromisoformat(today)
    return TestClient(create_app(today=date, **kwargs), follow_redirects=False)


def address(answers: dict) -> str:
    """``bransje=industri&bransje=maritim&klynge=ja&praksis_aar=6&tilbud=``."""
    parts = []
    for key, value in answers.items():
        values = value if isinstance(value, list) else [value]
        for v in values:
            text = "" if v is None else ("ja" if v is True else "nei" if v is False else str(v))
            parts.append(f"{key}={quote(text)}")
    return "&".join(parts)


_ATTRS = re.compile(r"<(?:article|li)\b([^>]*\bdata-(?:ordning|mangler|alternativ)=[^>]*)>")


def _attr(attrs: str, name: str) -> str | None:
    m = re.search(rf'\b{name}(?:="([^"]*)")?(?=[\s>]|$)', attrs)
    return None if m is None else unescape(m.group(1) or "")


def outcome(html: str) -> dict:
    """What a result page says: each scheme's status, the recommended order, the schemes that
    fitted earlier, the questions it asks for, and the other possibilities."""
    status: dict[str, str] = {}
    recommended, earlier, missing, alternatives = [], [], [], []
    for m in _ATTRS.finditer(html):
        attrs = m.group(1)
        scheme = _attr(attrs, "data-ordning")
        if scheme is not None:
            status[scheme] = _attr(attrs, "data-status") or ""
            if _attr(attrs, "data-tidligere") is not None:
                earlier.append(scheme)
            elif status[scheme] == "aktuell":
                recommended.append(scheme)
        if (q := _attr(attrs, "data-mangler")) is not None and q not in missing:
            missing.append(q)
        if (alt := _attr(attrs, "data-alternativ")) is not None:
            alternatives.append(alt)
    return {
        "status": status,
        "anbefalte": recommended,
        "passet_tidligere": earlier,
        "mangler": missing,
        "andre_muligheter": alternatives,
    }


def text_of(html: str) -> str:
    """The page's text as a reader sees it: tags out, entities read, spaces collapsed."""
    body = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", html)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", body)).split())
