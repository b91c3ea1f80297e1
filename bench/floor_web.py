"""The floor for the result page of `soknad web`: a bare Starlette route on the same server
that returns a constant page of the same size. Used by bench/bench_web.py."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route


def make_app(size: int) -> Starlette:
    body = ("<!doctype html><title>gulv</title>" + "x" * size)[:size]

    async def page(request: Request) -> HTMLResponse:
        return HTMLResponse(body)

    return Starlette(routes=[Route("/resultat", page)])
