"""The pages people look at (docs/pages.md): the hall's display board
(``/board``, ``/board/{queue}``), the ticket page behind the QR code
(``/t/{id}`` and its QR image), the congestion page (``/congestion``) and the
DX dashboard (``/dx``). The pages carry no data: their modules read it through
GraphQL (queries, and subscriptions over WebSocket), under the operations'
own access rules; so every page route is open to all (application/access.py)."""

from __future__ import annotations

import re
from uuid import UUID

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles

from api.composition import Container
from api.pages.qr import MEDIA, qr_image, ticket_page_url
from api.pages.render import CSP, STATIC, STATIC_URL, language, render

QUEUE_CODE = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")
HEADERS = {"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff",
           "Referrer-Policy": "no-referrer", "Cache-Control": "no-store"}


def _page(page: str, lang: str | None, status: int = 200, **params: object) -> HTMLResponse:
    return HTMLResponse(render(page, language(lang), params), status_code=status, headers=HEADERS)


def _not_found(lang: str | None) -> HTMLResponse:
    return _page("notfound", lang, 404)


def _visit_id(ticket: str) -> str | None:
    try:
        return str(UUID(ticket))
    except ValueError:
        return None


def pages(container: Container) -> APIRouter:
    settings = container.settings
    router = APIRouter()
    lang_query = Query(None, alias="lang", description="ja (default) or en")

    @router.get("/board", response_class=HTMLResponse, include_in_schema=False)
    async def board_all(lang: str | None = lang_query,
                        queues: str | None = Query(None, description="comma-separated queue codes")) -> Response:
        codes = [c for c in (queues or "").split(",") if c]
        if not all(QUEUE_CODE.match(c) for c in codes):
            return _not_found(lang)
        return _page("board", lang, queues=codes, hours=settings.counter_hours)

    @router.get("/board/{queue}", response_class=HTMLResponse, include_in_schema=False)
    async def board_one(queue: str, lang: str | None = lang_query) -> Response:
        if not QUEUE_CODE.match(queue):
            return _not_found(lang)
        return _page("board", lang, queues=[queue], hours=settings.counter_hours)

    @router.get("/t/{ticket}", response_class=HTMLResponse, include_in_schema=False)
    async def ticket_page(ticket: str, lang: str | None = lang_query) -> Response:
        visit_id = _visit_id(ticket)
        if visit_id is None:
            return _not_found(lang)
        return _page("ticket", lang, ticket=visit_id, nearAhead=settings.turn_near_ahead)

    def qr(fmt: str):  # type: ignore[no-untyped-def]
        async def image(ticket: str) -> Response:
            visit_id = _visit_id(ticket)
            if visit_id is None:
                return JSONResponse({"code": "VALIDATION_FAILED", "field": "ticket", "rule": "uuid",
                                     "message": "the ticket id is not a UUID"}, status_code=422)
            body = qr_image(ticket_page_url(settings.public_url, visit_id), fmt)
            return Response(body, media_type=MEDIA[fmt], headers={"Cache-Control": "public, max-age=86400"})
        return image

    for fmt in MEDIA:
        router.add_api_route(f"/t/{{ticket}}/qr.{fmt}", qr(fmt), methods=["GET"], include_in_schema=False,
                             name=f"ticket_qr_{fmt}")

    @router.get("/congestion", response_class=HTMLResponse, include_in_schema=False)
    async def congestion(lang: str | None = lang_query) -> Response:
        return _page("congestion", lang, hours=settings.counter_hours)

    @router.get("/dx", response_class=HTMLResponse, include_in_schema=False)
    async def dx(lang: str | None = lang_query) -> Response:
        return _page("dx", lang)

    return router


def mount_static(app) -> None:  # type: ignore[no-untyped-def]
    """The pages' modules, styles and strings."""
    app.mount(STATIC_URL, StaticFiles(directory=STATIC), name="pages-static")
