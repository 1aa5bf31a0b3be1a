"""``/dx``: the DX dashboard page for the working group (docs/pages.md). It holds
no data: the analyst's token stays in the browser (sessionStorage) and the page
calls the dashboards through GraphQL with it."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from api.shared.pages import LANG, page_response


def dx_pages() -> APIRouter:
    router = APIRouter()

    @router.get("/dx", response_class=HTMLResponse, include_in_schema=False)
    async def dx(lang: str | None = LANG) -> HTMLResponse:
        return page_response("dx", lang)

    return router
