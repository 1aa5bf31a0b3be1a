"""The counter's pages (docs/pages.md): the hall's display board (``/board``,
``/board/{queue}``), the ticket page behind the QR code (``/t/{id}`` and its QR
image) and the congestion page (``/congestion``). They carry no data (their
modules subscribe and query through GraphQL), so every route is open to all."""

from __future__ import annotations

import re
from uuid import UUID

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse, JSONResponse, Response

from api.counter.ticket_qr import MEDIA, qr_image, ticket_page_url
from api.shared.pages import LANG, not_found, page_response
from infra.settings import Settings

QUEUE_CODE = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")


def _visit_id(ticket: str) -> str | None:
    try:
        return str(UUID(ticket))
    except ValueError:
        return None


def pages(settings: Settings) -> APIRouter:
    router = APIRouter()

    @router.get("/board", response_class=HTMLResponse, include_in_schema=False)
    async def board_all(lang: str | None = LANG,
                        queues: str | None = Query(None, description="comma-separated queue codes")) -> Response:
        codes = [c for c in (queues or "").split(",") if c]
        if not all(QUEUE_CODE.match(c) for c in codes):
            return not_found(lang)
        return page_response("board", lang, queues=codes, hours=settings.counter_hours)

    @router.get("/board/{queue}", response_class=HTMLResponse, include_in_schema=False)
    async def board_one(queue: str, lang: str | None = LANG) -> Response:
        if not QUEUE_CODE.match(queue):
            return not_found(lang)
        return page_response("board", lang, queues=[queue], hours=settings.counter_hours)

    @router.get("/t/{ticket}", response_class=HTMLResponse, include_in_schema=False)
    async def ticketpage_response(ticket: str, lang: str | None = LANG) -> Response:
        visit_id = _visit_id(ticket)
        if visit_id is None:
            return not_found(lang)
        return page_response("ticket", lang, ticket=visit_id, nearAhead=settings.turn_near_ahead)

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
    async def congestion(lang: str | None = LANG) -> Response:
        return page_response("congestion", lang, hours=settings.counter_hours)

    return router
