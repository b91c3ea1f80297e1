"""`soknad web`: the guide in a browser, one question per page, without JavaScript.

The pages say what the terminal says: the same engine (`engine.evaluate`,
`engine.next_question`), the same answer parser (through `state`), the same texts
(`texts`), the same Markdown checklist and saved-answer file, and for advisers the same
readers and writers as `soknad sjekk` (`upload`). There is no second set of rules and no
second set of words.

Nothing is kept on the server. The answers travel in the address (`state`), so any page can
be bookmarked or shared, and any number of processes can serve it:

    uvicorn soknadsveileder.web:app --workers 4

reads the rule base from SOKNAD_REGLER (or the bundled one) and the date from SOKNAD_DATO
(or the server's clock, per request).

The web stack (Starlette, Jinja2, uvicorn) is imported by this package alone, so the other
commands start as fast as before.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import json
import os
import time
from collections.abc import AsyncIterator, Callable, Mapping
from contextvars import ContextVar
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import urlencode

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .. import engine
from ..answers import AnswerError, parse_record
from ..checked import make_room
from ..markdown import result_markdown
from ..model import AnswerValue, Assessment, Question, Result, RuleBase, Scheme, Source, Status
from ..template import allowed
from ..texts import (
    EARLIER_INTRO,
    deadline_text,
    earlier_heading,
    first_failure,
    funds_text,
    later_mark,
    long_date,
    note_line,
    nothing_fits,
    round_line,
    round_lines,
    short_citation,
)
from . import state, upload

HERE = Path(__file__).parent
RESULT_CACHE = 1024  # whole result pages, some 13 KB each
SECTIONS_CACHE = 4096  # their sections, some 10 KB each: the whole answer space fits
#: The largest request body the server reads: an upload of `upload.MAX_BYTES` with room for
#: the form around it. It is counted while the body arrives, not after.
MAX_BODY = upload.MAX_BYTES + 64_000
RELOAD_EVERY = 2.0  # seconds between looks at the rule base's file (see `Site`)

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    # The answers are in the address: a click on a source must not carry them to its site.
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
]


_OURS = frozenset(name for name, _ in SECURITY_HEADERS)

#: The path the guide is served under, «» or «/soknad» (ASGI's ``root_path``), for the request
#: being served: every link, form, redirect and download on its pages starts with it. Set by
#: `Guard` for each request; a context variable, so each request has its own.
ROOT: ContextVar[str] = ContextVar("root", default="")


def under_root(scope: Scope) -> tuple[Scope, str]:
    """The request as the routes want it, and the prefix its pages' links need.

    Three set-ups reach the same routes: a proxy that strips the prefix and a server that
    adds it back (``uvicorn --root-path``: ``/soknad/sporsmal``), a server that passes the
    path on as it came (``/sporsmal``), and a proxy that keeps the prefix while the server
    adds it again (``/soknad/soknad/sporsmal``), which is read once."""
    root = scope.get("root_path", "").rstrip("/")
    if not root:
        return scope, ""
    path = scope.get("path", "")
    doubled = root + root
    if path == doubled or path.startswith(doubled + "/"):
        path = path[len(root) :]
    elif not (path == root or path.startswith(root + "/")):
        path = root + path
    if path == root:  # «/soknad» itself is the front page
        path = root + "/"
    if path != scope.get("path") or root != scope.get("root_path"):
        scope = {**scope, "path": path, "raw_path": path.encode(), "root_path": root}
    return scope, root


class BodyTooLarge(Exception):
    pass


class Guard:
    """Security headers on every response, a request body cut off at `limit` bytes while it
    is read, so an oversized upload is never held in memory or on disk, and one line per
    request in the log (`log`), which never holds the answers (see `log_line`)."""

    def __init__(self, site: Site, limit: int = MAX_BODY, log: TextIO | None = None) -> None:
        self.site = site
        self.limit = limit
        self.log = log
        self.hinted: set[str] = set()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.site.app(scope, receive, send)
            return
        started = time.perf_counter()
        sent: dict[str, int] = {"status": 0}
        scope, root = under_root(scope)
        token = ROOT.set(root)
        try:
            pages, app = await self.site.current()
            await self._serve(pages, app, scope, receive, send, sent)
        finally:
            ROOT.reset(token)
            if self.log is not None:
                _write_log(self.log, log_line(scope, sent["status"], started))
                for hint in set_up_hints(scope, root, sent["status"]):
                    if hint not in self.hinted:  # once per process: a hint, not a flood
                        self.hinted.add(hint)
                        _write_log(self.log, f"soknad web: {hint}\n")

    async def _serve(
        self, pages: Pages, app: ASGIApp, scope: Scope, receive: Receive, send: Send, sent: dict[str, int]
    ) -> None:
        seen = 0

        async def secured(message: Message) -> None:
            if message["type"] == "http.response.start":
                sent["status"] = message.get("status", 0)
                headers = [h for h in message.get("headers", []) if h[0] not in _OURS]
                message = {**message, "headers": headers + SECURITY_HEADERS}
            await send(message)

        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            # Refused before the body is kept: through `secured` too, so this 413 has the
            # same security headers as every other response.
            await _drain(receive)
            await _too_large(pages, scope, secured)
            return

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise BodyTooLarge
            return message

        try:
            await app(scope, limited, secured)
        except BodyTooLarge:
            await _drain(receive)
            await _too_large(pages, scope, secured)


#: How much of a body that is too large is read and thrown away before the 413 is sent. A
#: proxy (nginx) sends the whole body it has buffered; a server that answers and closes
#: before reading it makes the proxy see a reset and show its own «502 Bad Gateway» instead
#: of the guide's page. Beyond this, the connection is closed all the same.
DRAIN = 32_000_000


async def _drain(receive: Receive, budget: int = DRAIN) -> None:
    while budget > 0:
        message = await receive()
        if message["type"] != "http.request":
            return
        budget -= len(message.get("body", b""))
        if not message.get("more_body", False):
            return


#: The first part of every path the guide answers: a 404 whose path has one more part in
#: front of these was meant for a guide under a prefix.
_ROUTES = frozenset(["", "sporsmal", "svar", "oversikt", "resultat", "fortsett", "ordninger", "om", "liste",
                     "helse", "static"])  # fmt: skip


def set_up_hints(scope: Scope, root: str, status: int) -> list[str]:
    """What a request says about a set-up mistake behind a proxy, for the operator's log:
    a missing or wrong --root-path, and proxy headers from an address not named in --proxy."""
    hints = []
    said = proto = ""
    for name, value in scope.get("headers", []):  # on every request: a scan, no dict
        if name == b"x-forwarded-prefix":
            said = value.decode("latin-1").rstrip("/")
        elif name == b"x-forwarded-proto":
            proto = value.decode("latin-1")
    if said and said != root:
        hints.append(
            f"proxyen sier at veilederen ligger under {said} (X-Forwarded-Prefix), men den er startet "
            + (f"med --root-path {root}" if root else "uten --root-path")
            + f". Start den med --root-path {said}, ellers peker lenkene feil."
        )
    parts = scope.get("path", "")[len(root) :].split("/") if status == 404 else []
    if len(parts) >= 3 and parts[1] not in _ROUTES and parts[2] in _ROUTES:
        hints.append(
            f"fikk {'/' + parts[1]}/{parts[2]}…, som ikke finnes. Ligger veilederen under /{parts[1]} bak en proxy "
            f"som ikke tar stien bort? Start den med --root-path /{parts[1]}."
        )
    if proto == "https" and scope.get("scheme") == "http":
        client = (scope.get("client") or ("?",))[0]
        hints.append(
            f"{client} sier at brukeren kom med https (X-Forwarded-Proto), men er ikke nevnt i --proxy, så det "
            f"overses, og adressen resultatet sier kan deles, begynner med http://. Er {client} proxyen, start "
            f"med --proxy {client}."
        )
    return hints


def _startup_problem(e: Exception) -> str:
    """Why the app could not start, in one line for the operator's log."""
    from ..files import FileProblem
    from ..problems import RuleBaseError

    if isinstance(e, RuleBaseError):
        first = e.issues[0] if e.issues else None
        more = f" (og {len(e.issues) - 1} feil til; kjør «soknad valider» på filen)" if len(e.issues) > 1 else ""
        return f"regelverket kan ikke brukes: {first}{more}"
    if isinstance(e, FileProblem):
        return f"regelverket kan ikke leses: {e}"
    if isinstance(e, ValueError) and os.environ.get("SOKNAD_DATO"):
        value = os.environ["SOKNAD_DATO"]
        return f"SOKNAD_DATO={value!r} er ikke en dato; bruk formen ÅÅÅÅ-MM-DD, for eksempel 2021-09-01"
    return f"kunne ikke starte: {type(e).__name__}: {e}"


def unavailable(reason: str, log: TextIO) -> ASGIApp:
    """An app that answers 503 to everything, with a plain page, after one line in the log."""
    reason = reason.rstrip(".")
    _write_log(
        log, f"soknad web: {reason}. Alle adresser svarer 503 til dette er rettet og serveren startet på nytt.\n"
    )
    body = (
        '<!doctype html><html lang="nb"><meta charset="utf-8"><title>Utilgjengelig</title>'
        "<h1>Veilederen er utilgjengelig</h1><p>Prøv igjen senere.</p></html>"
    ).encode()

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            while (await receive())["type"] != "lifespan.shutdown":
                await send({"type": "lifespan.startup.complete"})
            await send({"type": "lifespan.shutdown.complete"})
            return
        if scope["type"] != "http":
            return
        headers = [
            (b"content-type", b"text/html; charset=utf-8"),
            (b"cache-control", b"no-store"),
            (b"retry-after", b"60"),
            *SECURITY_HEADERS,
        ]
        await send({"type": "http.response.start", "status": 503, "headers": headers})
        await send({"type": "http.response.body", "body": body})
        started = time.perf_counter()
        _write_log(log, log_line(scope, 503, started))

    return app


def log_line(scope: Scope, status: int, started: float) -> str:
    """``2026-12-07T17:05:01Z GET /resultat 200 12.3 ms``: the time (UTC), the method, the
    path without the query string (where the answers are), the status and the duration."""
    now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    elapsed = (time.perf_counter() - started) * 1000
    path = scope.get("path", "")
    return f"{now} {scope.get('method', '-')} {path} {status} {elapsed:.1f} ms\n"


def _write_log(log: TextIO, line: str) -> None:
    try:
        log.write(line)
        log.flush()
    except (OSError, ValueError):  # a closed log is no reason to fail a request
        pass


TOO_LARGE = f"Filen er for stor: største fil som kan lastes opp er {upload.MAX_BYTES // 1_000_000} MB."
LIMITS = {
    "bytes": upload.MAX_BYTES // 1_000_000,
    "rows": f"{upload.MAX_ROWS:,}".replace(",", "\u00a0"),
    "columns": upload.MAX_COLUMNS,
}


async def _too_large(pages: Pages, scope: Scope, send: Send) -> None:
    from starlette._utils import get_route_path

    response = pages.too_large(get_route_path(scope))

    async def nothing() -> Message:
        return {"type": "http.disconnect"}

    await response(scope, nothing, send)


class Pages:
    """The pages of one rule base, with the clock they are dated by."""

    def __init__(
        self,
        rules: RuleBase,
        clock: Callable[[], dt.date],
        earlier: Callable[[str], RuleBase | None],
    ) -> None:
        self.rules = rules
        self.clock = clock
        self.earlier = earlier
        self.result_pages: dict[tuple[object, ...], bytes] = {}
        self.result_sections: dict[tuple[object, ...], tuple[Markup, list[tuple[str, str]]]] = {}
        self.env = Environment(
            loader=FileSystemLoader(HERE / "templates"),
            autoescape=select_autoescape(["html"], default=True),
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.filters["dato"] = long_date
        self.env.globals.update(
            rules=rules,
            short_citation=short_citation,
            query=lambda answers, **control: state.query(rules, answers, **control),
            columns=[(q, allowed(q)) for q in rules.questions],  # what /liste says each column takes
        )

    # --- rendering ---------------------------------------------------------------------

    def render(self, template: str, status: int = 200, **context: Any) -> HTMLResponse:
        context["root"] = ROOT.get()
        if "today" not in context:  # one date for a whole page: the clock is read once
            context["today"] = self.clock()
        if "warnings" not in context:  # on the pages that show schemes and results, not every question
            shown = template in ("start.html", "resultat.html", "ordninger.html", "ordning.html", "liste.html")
            context["warnings"] = engine.rule_base_warnings(self.rules, context["today"]) if shown else ()
        return HTMLResponse(self.env.get_template(template).render(**context), status_code=status)

    def render_error(
        self, status: int, title: str, messages: list[str], back: str | None = None, details: list[str] | None = None
    ) -> str:
        today = self.clock()
        return self.env.get_template("feil.html").render(
            status=status, title=title, messages=messages, back=back, details=details or [], today=today,
            warnings=(), root=ROOT.get(),
        )  # fmt: skip

    def error(
        self, status: int, title: str, messages: list[str], back: str | None = None, details: list[str] | None = None
    ) -> HTMLResponse:
        return HTMLResponse(self.render_error(status, title, messages, back, details), status_code=status)

    @staticmethod
    def go(target: str) -> RedirectResponse:
        """To another page of the guide (`target` starts with «/»), under the path it is served at."""
        return RedirectResponse(ROOT.get() + target, status_code=303)

    # --- reading the address -------------------------------------------------------------

    def answers(self, request: Request) -> dict[str, AnswerValue]:
        """The answers in the address; a bad one is a 400 page that says which, and how back."""
        pairs = state.shared(self.rules, request.query_params.multi_items())
        try:
            return state.decode(self.rules, pairs)
        except AnswerError as e:
            raise Tampered(self.rules, pairs, e) from None

    # --- the guide -----------------------------------------------------------------------

    async def start(self, request: Request) -> Response:
        today = self.clock()
        rows = [
            {
                "scheme": s,
                "deadline": deadline_text(engine.deadline_state(s, today)),
                "passed": engine.deadline_state(s, today).passed,
                "applicant": s.applicant_text,
                "evidence": {e.field: e for e in s.evidence},
            }
            for s in engine.in_force(self.rules, today).schemes
        ]
        return self.render("start.html", rows=rows, today=today, title="Finn en ordning for kompetanseutvikling")

    async def next_page(self, request: Request) -> Response:
        """Where the guide goes from here: the next question that can change the result, or
        the review of the answers when none can."""
        answers = _pruned(self.rules, self.answers(request))
        question = engine.next_question(self.rules, answers, self.clock())
        target = f"/sporsmal/{question.id}" if question is not None else "/oversikt"
        return self.go(target + state.query(self.rules, answers))

    async def question(self, request: Request) -> Response:
        answers = self.answers(request)
        question = self._question(request.path_params["qid"])
        if not engine.is_asked(question, engine.effective(self.rules, answers)):
            return self.go("/sporsmal" + state.query(self.rules, answers))
        picked = state.value_text(question, answers[question.id]) if question.id in answers else []
        return self._question_page(question, answers, picked, None)

    def _question(self, qid: str) -> Question:
        try:
            return self.rules.question(qid)
        except KeyError:
            raise HTTPException(404) from None

    def _question_page(
        self, question: Question, answers: Mapping[str, AnswerValue], picked: list[str], error: str | None
    ) -> HTMLResponse:
        ids = list(answers)
        before = ids[: ids.index(question.id)] if question.id in answers else ids
        after = ids[ids.index(question.id) + 1 :] if question.id in answers else []
        hidden_before = state.encode(self.rules, {k: answers[k] for k in before})
        hidden_after = state.encode(self.rules, {k: answers[k] for k in after})
        back = f"/sporsmal/{before[-1]}" + state.query(self.rules, answers) if before else "/"
        options = _options(question)
        number = picked[0] if question.type == "tall" and picked else ""
        return self.render(
            "sporsmal.html",
            status=400 if error else 200,
            question=question,
            options=options,
            picked=picked,
            number=number,
            hidden=hidden_before + hidden_after,
            back=back,
            error=error,
            title=("Feil: " if error else "") + question.text,
        )

    async def answer(self, request: Request) -> Response:
        """A question's form, sent: check the one answer in the words of the terminal, then
        go on to whatever the answers make relevant, as the terminal's review does."""
        pairs = state.shared(self.rules, request.query_params.multi_items())
        qid = request.query_params.get("_sporsmal", "")
        question = self._question(qid)
        others = [(k, v) for k, v in pairs if k != qid]
        try:
            answers = state.decode(self.rules, others)
        except AnswerError as e:
            raise Tampered(self.rules, pairs, e) from None
        values = [v for k, v in pairs if k == qid]
        try:
            value = state.parse_one(question, values)
        except ValueError as e:
            return self._question_page(question, answers, values, str(e))
        order = [k for k, _ in pairs if not state.control(k)]
        answers[qid] = value
        answers = {k: answers[k] for k in dict.fromkeys(order) if k in answers}
        return self.go("/sporsmal" + state.query(self.rules, answers))

    async def review(self, request: Request) -> Response:
        answers = _pruned(self.rules, self.answers(request))
        question = engine.next_question(self.rules, answers, self.clock())
        if question is not None:
            return self.go(f"/sporsmal/{question.id}" + state.query(self.rules, answers))
        rows = [(q, q.label_for(answers[q.id])) for q in self.rules.questions if q.id in answers]
        last = list(answers)[-1] if answers else None
        back = f"/sporsmal/{last}" + state.query(self.rules, answers) if last else "/"
        return self.render("oversikt.html", answers=answers, rows=rows, back=back, title="Se over svarene")

    async def result(self, request: Request) -> Response:
        """The result page, made fast by two bounded caches (memory stays flat however many
        answers are asked for):

        * the page, by the answers in their order (its links carry them), the date, and the
          address it is shared by (`share`: the scheme, host and path prefix it was asked
          for under, so one host's page is never served to another);
        * its sections, by the signature of the answers (`engine.signature`, the key that
          `soknad sjekk` caches assessments on) and the date, since they depend on the
          result alone. The answer space of the bundled rule base has 2 856 signatures.
        """
        answers = _pruned(self.rules, self.answers(request))  # an answer to a skipped question does not count
        if not answers:  # nothing answered: the questions come first
            return self.go("/sporsmal")
        today = self.clock()
        share = shared_base(request.scope) + "/resultat" + state.query(self.rules, answers)
        key = (share, tuple(answers.items()), today)
        page = self.result_pages.get(key)
        if page is None:
            rows = [(q, q.label_for(answers[q.id])) for q in self.rules.questions if q.id in answers]
            sections, contents = self._sections(answers, today)
            body = self.render(
                "resultat.html", answers=answers, rows=rows, sections=sections, contents=contents, share=share,
                today=today, title="Resultat",
            )  # fmt: skip
            page = bytes(body.body)
            make_room(self.result_pages, RESULT_CACHE)
            self.result_pages[key] = page
        return HTMLResponse(page)

    def _sections(self, answers: Mapping[str, AnswerValue], today: dt.date) -> tuple[Markup, list[tuple[str, str]]]:
        """The result's sections, and (anchor, heading) for each, for the list of links at the top."""
        key = (engine.signature(self.rules, answers, today), today)
        found = self.result_sections.get(key)
        if found is None:
            result = engine.evaluate(self.rules, answers, today)
            view = result_view(self.rules, result)
            html = self.env.get_template("_resultat.html").render(view=view, today=today)
            found = (Markup(html), contents(view))  # Markup: rendered by the autoescaping environment
            make_room(self.result_sections, SECTIONS_CACHE)
            self.result_sections[key] = found
        return found

    async def checklist_file(self, request: Request) -> Response:
        answers = _pruned(self.rules, self.answers(request))
        today = self.clock()
        result = engine.evaluate(self.rules, answers, today)
        text = result_markdown(self.rules, result, answers)
        return _download(text.encode(), "text/markdown; charset=utf-8", f"sjekkliste-{today.isoformat()}.md")

    async def checklist_page(self, request: Request) -> Response:
        """The result and the checklist as one HTML file that stands alone (its style inside it,
        no script): the form every phone opens from its downloads, and a mail program shows."""
        answers = _pruned(self.rules, self.answers(request))
        today = self.clock()
        share = shared_base(request.scope) + "/resultat" + state.query(self.rules, answers)
        rows = [(q, q.label_for(answers[q.id])) for q in self.rules.questions if q.id in answers]
        sections, _ = self._sections(answers, today)
        html = self.env.get_template("sjekkliste-fil.html").render(
            rules=self.rules, rows=rows, sections=sections, share=share, today=today,
            style=_file_style(),
        )  # fmt: skip
        return _download(html.encode(), "text/html; charset=utf-8", f"sjekkliste-{today.isoformat()}.html")

    async def answers_file(self, request: Request) -> Response:
        answers = _pruned(self.rules, self.answers(request))
        today = self.clock()
        return _download(
            answers_document(self.rules, today, answers).encode(),
            "application/json; charset=utf-8",
            f"svar-{today.isoformat()}.json",
        )

    # --- resuming from a saved file ----------------------------------------------------------

    async def resume(self, request: Request) -> Response:
        if request.method == "GET":
            return self.render("fortsett.html", title="Fortsett med lagrede svar", errors=[])
        form = await _form(request)
        try:
            file = form.get("fil")
            data = await file.read() if isinstance(file, UploadFile) and file.filename else None
        finally:
            await form.close()  # the upload is not kept
        errors = _saved_errors(data)
        if errors or data is None:
            return self.render("fortsett.html", status=400, title="Feil: Fortsett med lagrede svar", errors=errors)
        from ..batch import loads
        from ..saved import adapt, changed_since

        try:
            value = loads(data.decode("utf-8-sig"))
            record, saved = adapt(self.rules, value)
            answers = parse_record(self.rules, record)
        except (UnicodeDecodeError, ValueError) as e:
            message = "Filen er ikke gyldig UTF-8." if isinstance(e, UnicodeDecodeError) else str(e)
            return self.render("fortsett.html", status=400, title="Feil: Fortsett med lagrede svar", errors=[message])
        except AnswerError as e:
            messages = [f"{x.field}: {x.message}" if x.field else x.message for x in e.errors]
            return self.render("fortsett.html", status=400, title="Feil: Fortsett med lagrede svar", errors=messages)
        answers = {k: v for k, v in answers.items() if k not in ("id", "navn")}
        answers = _pruned(self.rules, answers)
        since = None
        if saved is not None:
            since = changed_since(saved, self.earlier(saved.version), self.rules, answers, self.clock())
        rows = [(q, q.label_for(answers[q.id])) for q in self.rules.questions if q.id in answers]
        return self.render("fortsett-lest.html", answers=answers, rows=rows, since=since, title="Svarene er lest inn")

    # --- the schemes ---------------------------------------------------------------------

    async def about(self, request: Request) -> Response:
        return self.render("om.html", title="Om veilederen")

    async def schemes(self, request: Request) -> Response:
        today = self.clock()
        rows = [(s, engine.deadline_state(s, today)) for s in engine.in_force(self.rules, today).schemes]
        return self.render("ordninger.html", rows=rows, facts=scheme_facts, title="Ordningene")

    async def scheme(self, request: Request) -> Response:
        today = self.clock()
        try:
            scheme = engine.in_force(self.rules, today).scheme(request.path_params["sid"])
        except KeyError:
            raise HTTPException(404) from None
        d = engine.deadline_state(scheme, today)
        items = [self.rules.checklist_items[i] for i in scheme.checklist]
        return self.render(
            "ordning.html",
            scheme=scheme,
            deadline=d,
            facts=scheme_facts(scheme, d, today),
            items=items,
            later_mark=later_mark,
            note_line=note_line,
            rounds=[(r is scheme.round, line, r.source) for r, line in round_lines(scheme, today)],
            title=scheme.name,
        )

    # --- for advisers --------------------------------------------------------------------

    async def health(self, request: Request) -> Response:
        """For a load balancer: 200 and the rule base served. No answers, no cookie, no cache."""
        rules = self.rules
        text = f"ok: regelverk {rules.version}, oppdatert {rules.updated.isoformat()}\n"
        return Response(text, media_type="text/plain; charset=utf-8", headers={"cache-control": "no-store"})

    async def batch_template(self, request: Request) -> Response:
        """The same template as `soknad mal -o mal.xlsx`: a column per question, drop-down lists."""
        from ..template import template_xlsx

        media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        return _download(template_xlsx(self.rules, self.clock()), media, "mal.xlsx")

    def too_large(self, path: str) -> HTMLResponse:
        """An upload over the limit: the page it came from again, with the error, so the user
        can pick another file (or, for a list, learn of `soknad sjekk`)."""
        if path == "/liste":
            error = f"{TOO_LARGE} Del listen i flere filer, eller bruk «soknad sjekk», som ikke har noen grense."
            response = self.render(
                "liste.html", status=413, limits=LIMITS, title="Feil: Sjekk en medlemsliste", error=error,
                field="fil", sheets=[], given={}, checked=None,
            )  # fmt: skip
        elif path == "/fortsett":
            response = self.render(
                "fortsett.html",
                status=413,
                title="Feil: Fortsett med lagrede svar",
                errors=[f"{TOO_LARGE} En svarfil er noen få kB."],
            )
        else:
            response = self.error(413, "Forespørselen er for stor", [TOO_LARGE])
        response.headers["connection"] = "close"
        return response

    async def batch(self, request: Request) -> Response:
        limits = LIMITS

        def page(status: int, error: str, field: str, sheets: list[str], given: dict[str, str]) -> Response:
            return self.render(
                "liste.html", status=status, limits=limits, title="Feil: Sjekk en medlemsliste",
                error=error, field=field, sheets=sheets, given=given, checked=None,
            )  # fmt: skip

        if request.method == "GET":
            return self.render(
                "liste.html", limits=limits, title="Sjekk en medlemsliste", error=None, field=None, sheets=[],
                given={}, checked=None,
            )  # fmt: skip
        form = await _form(request)
        try:
            file = form.get("fil")
            output = str(form.get("format") or "xlsx")
            if output not in ("xlsx", "csv", "excel-csv"):
                output = "xlsx"
            sheet = str(form.get("ark") or "").strip() or None
            row_text = str(form.get("overskriftsrad") or "").strip()
            given = {"ark": sheet or "", "overskriftsrad": row_text, "format": output}
            header_row = None
            if row_text:
                if not row_text.isdigit() or not 1 <= int(row_text) <= 1000:
                    return page(
                        400, f"Overskriftsraden må være et radnummer fra 1 til 1000, fant «{row_text[:20]}».",
                        "overskriftsrad", [], given,
                    )  # fmt: skip
                header_row = int(row_text)
            if not isinstance(file, UploadFile) or not file.filename:
                return page(400, "Velg en fil (.xlsx eller .csv) å laste opp.", "fil", [], given)
            data = await file.read()
            filename = file.filename
        finally:
            await form.close()  # the upload is not kept
        today = self.clock()
        try:
            checked = await upload.in_helper(
                upload.check_upload, self.rules, today, data, filename, output, self.earlier, sheet, header_row
            )
        except upload.UploadRefused as e:
            if e.suggested and not given["ark"]:
                given = {**given, "ark": e.suggested}  # preselected: the sheet most likely meant
            return page(e.status, str(e), e.field, e.sheets, given)
        finally:
            del data
        import base64

        href = f"data:{checked.media_type.split(';')[0]};base64," + base64.b64encode(checked.content).decode()
        tally = checked.tally
        counts = tally.statuses
        summary = [
            (s, counts[s.id].get("aktuell", 0), counts[s.id].get("kanskje", 0), counts[s.id].get("ikke_aktuell", 0))
            for s in self.rules.schemes
        ]
        missing = sorted(
            tally.missing.items(), key=lambda kv: (-kv[1], [q.id for q in self.rules.questions].index(kv[0]))
        )
        return self.render(
            "liste.html",
            limits=limits,
            title="Resultat for medlemslisten",
            error=None,
            field=None,
            sheets=[],
            given={},
            checked=checked,
            href=href,
            summary=summary,
            missing=[(self.rules.question(q), n) for q, n in missing],
            line=tally.summary(checked.stats.empty_rows).removeprefix("soknad sjekk: "),
        )


class Tampered(Exception):
    """An address whose answers were not made by these pages: a 400 page with a way back."""

    def __init__(self, rules: RuleBase, pairs: list[tuple[str, str]], error: AnswerError) -> None:
        super().__init__(str(error))
        self.messages = [plain_error(rules, e.field, e.message) for e in error.errors]
        # For whoever made the link by hand: what the command line would say.
        self.details = [f"{e.field}: {e.message}" for e in error.errors if e.field]
        bad = {e.field for e in error.errors}
        kept = [(k, v) for k, v in pairs if k not in bad and not state.control(k)]
        self.back = "/sporsmal" + ("?" + urlencode(kept) if kept else "") if None not in bad else "/"


@functools.cache
def _file_style() -> str:
    """The downloaded result page's style, put inside it: read from disk once per process."""
    return (HERE / "static" / "fil.css").read_text(encoding="utf-8")


def shared_base(scope: Scope) -> str:
    """``https://intranett.example.no/soknad``: the guide's address as the user reached it,
    from the scheme (https from a proxy named in --proxy), the Host header and the prefix."""
    host = next((v.decode("latin-1") for k, v in scope.get("headers", []) if k == b"host"), "")
    if not host:
        server = scope.get("server") or ("localhost", 80)
        host = f"{server[0]}:{server[1]}"
    return f"{scope.get('scheme', 'http')}://{host}{scope.get('root_path', '')}"


def plain_error(rules: RuleBase, field: str | None, message: str) -> str:
    """What is wrong with a part of a shared address, in words for someone who only clicked
    a link: the question by its text, never its id or the list of ids."""
    if field is None:
        return message
    try:
        question = rules.question(field)
    except KeyError:
        return f"Adressen har en del som ikke hører til veilederen: «{field[:40]}»."
    return f"Svaret på «{question.text}» kunne ikke leses, så du får spørsmålet på nytt."


def contents(view: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(anchor, heading) of the result's sections that `view` has, in the page's order."""
    shown = [
        ("anbefalt-tittel", "Anbefalte ordninger", True),
        ("tidligere-tittel", view["earlier_heading"] or "", bool(view["earlier"])),
        ("kanskje-tittel", "Kanskje aktuelle", bool(view["maybe"])),
        ("ikke-tittel", "Passer ikke", bool(view["no"])),
        ("andre-tittel", "Andre muligheter", bool(view["alternatives"])),
        ("sjekkliste-tittel", "Sjekkliste", True),
    ]
    return [(anchor, heading) for anchor, heading, present in shown if present]


def _pruned(rules: RuleBase, answers: dict[str, AnswerValue]) -> dict[str, AnswerValue]:
    """Only the answers that count, in the order given: a changed answer can make a question
    no longer apply, and its answer goes (as in the terminal's review)."""
    kept = engine.effective(rules, answers)
    return {k: v for k, v in answers.items() if k in kept}


def _options(question: Question) -> list[tuple[str, str]]:
    """(value in the form, label) for each answer, «Vet ikke» last where the terminal has it."""
    if question.type == "ja_nei":
        options = [("ja", "Ja"), ("nei", "Nei")]
    else:
        options = [(c.value, c.label) for c in question.choices]
    if question.allow_unknown and question.type != "tall":
        options.append((state.UNKNOWN, "Vet ikke"))
    return options


def answers_document(rules: RuleBase, when: dt.date, answers: Mapping[str, AnswerValue]) -> str:
    """The same file as `soknad veileder --lagre-svar`."""
    document = {
        "regelverk": {"versjon": rules.version, "oppdatert": rules.updated.isoformat()},
        "dato": when.isoformat(),
        "svar": dict(answers),
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _download(content: bytes, media_type: str, filename: str) -> Response:
    return Response(
        content,
        media_type=media_type,
        headers={"content-disposition": f'attachment; filename="{filename}"', "cache-control": "no-store"},
    )


async def _form(request: Request) -> Any:
    try:
        return await request.form(max_files=1, max_fields=20, max_part_size=upload.MAX_BYTES)
    except BodyTooLarge:
        raise
    except Exception:
        raise HTTPException(400, "Skjemaet kunne ikke leses.") from None


def _saved_errors(data: bytes | None) -> list[str]:
    if data is None:
        return ["Velg en svarfil (.json) å laste opp."]
    if not data.strip():
        return ["Filen er tom. Velg svarfilen du lastet ned fra resultatsiden (svar-ÅÅÅÅ-MM-DD.json)."]
    if len(data) > 1_000_000:
        return ["Filen er for stor til å være en svarfil."]
    return []


def scheme_facts(scheme: Scheme, d: Any, today: dt.date) -> list[tuple[str, str, Source | None]]:
    """(label, text, source) for the facts `soknad ordninger ID` shows, each with the source of
    its words where the rule base gives one (`belegg`)."""
    evidence = {e.field: e.source for e in scheme.evidence}
    rows: list[tuple[str, str, Source | None]] = [
        ("Forvalter", scheme.administrator, None),
        *([("Runde", scheme.round.label, scheme.round.source)] if scheme.round is not None else []),
        ("Hvem søker", scheme.applicant_text, evidence.get("soker")),
        ("For hvem", scheme.for_whom, evidence.get("for_hvem")),
        ("Nivå", scheme.level_text, evidence.get("nivaa")),
        ("Midler", funds_text(scheme), evidence.get("midler")),
        ("Frist", deadline_text(d), evidence.get("frist")),
    ]
    if d.passed:
        rows.append(("Etter fristen", scheme.after_deadline, evidence.get("etter_fristen")))
    return rows


# --- The result, as the terminal shows it ---------------------------------------------------


def _facts(a: Assessment, today: dt.date) -> list[tuple[str, str]]:
    """Deadline, what came after it, funds, applicant and notes, as `render._facts` has them."""
    shown = round_line(a.scheme)
    rows = [("Runde", shown)] if shown is not None else []
    rows.append(("Frist", deadline_text(a.deadline)))
    if a.deadline.passed:
        rows.append(("Etter fristen", a.scheme.after_deadline))
    rows += [("Midler", funds_text(a.scheme)), ("Hvem søker", a.scheme.applicant_text)]
    rows += [("Merknad", note_line(n, today.year)) for n in a.scheme.notes]
    return rows


def result_view(rules: RuleBase, result: Result) -> dict[str, Any]:
    """What the result page shows, section by section, in the terminal's order and words."""
    today = result.date
    by_status = {s: [a for a in result.assessments if a.status is s] for s in Status}
    recommended = [
        {
            "a": a,
            "rank": rank,
            "reasons": a.reasons,
            "stars": a.score_reasons,
            "facts": _facts(a, today),
        }
        for rank, a in enumerate((result.assessment(sid) for sid in result.recommended), 1)
    ]
    earlier = [{"a": a, "facts": _facts(a, today)} for a in (result.assessment(sid) for sid in result.earlier)]
    maybe = [
        {
            "a": a,
            "changes": [(c in a.unclear, c) for c in a.changes if not c.startswith(engine.ANSWER_PREFIX)],
            "questions": [rules.question(q) for q in a.unknown],
            "facts": _facts(a, today),
        }
        for a in by_status[Status.KANSKJE]
    ]
    no = []
    for a in by_status[Status.IKKE_AKTUELL]:
        reason, source = first_failure(a)
        no.append({"a": a, "reason": reason, "source": source})
    alternatives = [{"alt": alt, "later": later_mark(alt.source.year, today.year)} for alt in result.alternatives]
    return {
        "nothing": nothing_fits(result) if not result.recommended else None,
        "recommended": recommended,
        "earlier_heading": earlier_heading(result) if result.earlier else None,
        "earlier_intro": EARLIER_INTRO,
        "earlier": earlier,
        "maybe": maybe,
        "no": no,
        "alternatives": alternatives,
        "checklist": result.checklist,
        "no_checklist": (
            "Ingen sjekkliste, siden ingen ordning er anbefalt."
            + (" Avklar først det som står under «Kanskje aktuelle»." if by_status[Status.KANSKJE] else "")
        ),
    }


# --- The app -------------------------------------------------------------------------------


def create_app(
    rules: RuleBase | None = None,
    today: dt.date | None = None,
    earlier: Callable[[str], RuleBase | None] | None = None,
    clock: Callable[[], dt.date] | None = None,
    log: TextIO | None = None,
    reload_every: float | None = RELOAD_EVERY,
) -> ASGIApp:
    """The web app for a rule base, dated `today`, or by `clock` (the server's date, per
    request, when neither is given). With a `log`, it says which rule base it serves, and
    writes a line per request there.

    A rule base read from a file is read again when the file changes (looked at no more
    often than every `reload_every` seconds; None: never). See `Site`."""
    if rules is None:
        from ..rules import load

        path = os.environ.get("SOKNAD_REGLER")
        rules = load(Path(path)) if path else load()
    if today is None and os.environ.get("SOKNAD_DATO"):
        today = dt.date.fromisoformat(os.environ["SOKNAD_DATO"])
    if earlier is None:
        spec = os.environ.get("SOKNAD_TIDLIGERE_REGELVERK")
        if spec:
            from ..command import earlier_rules

            earlier = earlier_rules(spec)
        else:
            from ..rules import archived

            earlier = archived
    fixed = today
    if clock is None:
        clock = (lambda: fixed) if fixed is not None else dt.date.today
    site = Site(rules, clock, earlier, log, reload_every)
    if log is not None:
        _write_log(log, f"soknad web: serverer {_described(rules)}\n")
    return Guard(site, log=log)


def _described(rules: RuleBase) -> str:
    where = rules.path if rules.path is not None else "regelverket som følger med"
    return f"regelverk {rules.version}, oppdatert {rules.updated.isoformat()}, fra {where}"


def _stamp(path: Path) -> tuple[int, int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size, st.st_ino)


class Site:
    """The pages and routes of the rule base being served, and the reload of its file.

    When the file of a rule base given by path changes, the next request after `every`
    seconds reads and checks it, off the event loop, while every other request is served by
    the rule base in force. A file that can be used takes over for the requests after it; one
    that cannot is one line in the log, and the rule base in force goes on serving. Requests
    already under way finish with the pages they started with, so none is dropped.
    """

    def __init__(
        self,
        rules: RuleBase,
        clock: Callable[[], dt.date],
        earlier: Callable[[str], RuleBase | None],
        log: TextIO | None,
        every: float | None,
    ) -> None:
        self.clock = clock
        self.earlier = earlier
        self.log = log
        self.every = every
        self.pages, self.app = _routes(rules, clock, earlier)
        self.path = rules.path
        self.stamp = _stamp(rules.path) if rules.path is not None else None
        self.checked = time.monotonic()
        self.loading = False

    async def current(self) -> tuple[Pages, ASGIApp]:
        if self.path is not None and self.every is not None and not self.loading:
            now = time.monotonic()
            if now - self.checked >= self.every:
                self.checked = now
                stamp = _stamp(self.path)
                if stamp != self.stamp:
                    self.loading = True
                    try:
                        await self._reload(self.path, stamp)
                    finally:
                        self.loading = False
        return self.pages, self.app

    async def _reload(self, path: Path, stamp: tuple[int, int, int] | None) -> None:
        from ..rules import load

        self.stamp = stamp  # tried once per change: a broken file is not read on every request
        serving = self.pages.rules
        try:
            rules = await run_in_threadpool(load, path)
        except Exception as e:  # every kind is said in words by _startup_problem
            if self.log is not None:
                why = _startup_problem(e).rstrip(".")
                _write_log(
                    self.log, f"soknad web: {path} er endret, men {why}. Serverer fortsatt {_described(serving)}.\n"
                )
            return
        self.pages, self.app = _routes(rules, self.clock, self.earlier)
        if self.log is not None:
            _write_log(self.log, f"soknad web: lest inn på nytt, serverer nå {_described(rules)}\n")


def _routes(
    rules: RuleBase, clock: Callable[[], dt.date], earlier: Callable[[str], RuleBase | None]
) -> tuple[Pages, ASGIApp]:
    pages = Pages(rules, clock, earlier)

    async def not_found(request: Request, exc: Exception) -> Response:
        status = getattr(exc, "status_code", 404)
        if status == 405:
            return pages.error(
                405, "Det går ikke an her", ["Siden kan ikke brukes slik. Gå til forsiden og prøv igjen."]
            )
        if status == 400:
            return pages.error(
                400, "Noe er feil i forespørselen", [str(getattr(exc, "detail", "")) or "Ugyldig forespørsel."]
            )
        return pages.error(404, "Fant ikke siden", ["Adressen finnes ikke. Sjekk at den er skrevet riktig."])

    async def tampered(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, Tampered)
        return pages.error(400, "Noen av svarene i adressen kan ikke leses", exc.messages, exc.back, exc.details)

    async def too_large(request: Request, exc: Exception) -> Response:
        from starlette._utils import get_route_path

        return pages.too_large(get_route_path(request.scope))

    async def crashed(request: Request, exc: Exception) -> Response:
        return pages.error(
            500, "Noe gikk galt hos oss", ["Feilen er ikke din. Prøv igjen, eller start på nytt fra forsiden."]
        )

    routes = [
        Route("/", pages.start),
        Route("/sporsmal", pages.next_page),
        Route("/sporsmal/{qid}", pages.question),
        Route("/svar", pages.answer),
        Route("/oversikt", pages.review),
        Route("/resultat", pages.result),
        Route("/resultat/sjekkliste.html", pages.checklist_page),
        Route("/resultat/sjekkliste.md", pages.checklist_file),
        Route("/resultat/svar.json", pages.answers_file),
        Route("/fortsett", pages.resume, methods=["GET", "POST"]),
        Route("/ordninger", pages.schemes),
        Route("/ordninger/{sid}", pages.scheme),
        Route("/om", pages.about),
        Route("/liste", pages.batch, methods=["GET", "POST"]),
        Route("/liste/mal.xlsx", pages.batch_template),
        Route("/helse", pages.health),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    app = Starlette(
        routes=routes,
        exception_handlers={HTTPException: not_found, Tampered: tampered, BodyTooLarge: too_large, Exception: crashed},
        lifespan=_lifespan,
    )
    return pages, app


@contextlib.asynccontextmanager
async def _lifespan(app: Starlette) -> AsyncIterator[None]:
    try:
        yield
    finally:
        upload.stop_helper()  # the process that reads lists, if one was started


def __getattr__(name: str) -> Any:
    # `uvicorn soknadsveileder.web:app`: made on first use, from the environment. A rule base
    # or a SOKNAD_DATO that cannot be used is one Norwegian line in the log, and every
    # address, /helse too, answers 503: a load balancer takes the process out, and uvicorn's
    # workers do not crash and restart in a loop of tracebacks.
    if name == "app":
        import sys

        try:
            made = create_app(log=sys.stderr)
        except Exception as e:  # each kind is said in words by _startup_problem
            made = unavailable(_startup_problem(e), sys.stderr)
        globals()["app"] = made
        return made
    raise AttributeError(name)
