"""Issued documents over HTTP (application/applications/issued_documents.py).

``POST /documents?application=<id>&name=<file name>[&title=&titleEn=]``: staff
of the application's department upload a document to issue; the body is the
file, its ``Content-Type`` the media type. 201 with ``{"id", ...}``; pass the id
to ``completeApplication(documents: [...])``.

``GET /downloads/{token}``: a link from ``createDownloadLink``, used with the
bearer token of whoever minted it. 200 with the file (``Content-Disposition``
with an RFC 5987 ``filename*`` for Japanese names); JSON errors otherwise:
401 signed out, 403 ``LINK_INVALID`` (altered, or someone else's), 410
``LINK_EXPIRED``/``DOCUMENT_ERASED``, 404 ``NOT_FOUND``."""

from __future__ import annotations

import uuid
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from api.applications.attachments import _refuse, read_limited, too_large_response
from api.composition import Container
from api.shared.request_ids import CORRELATION_ID, REQUEST_ID, clean_id
from domain.applications.issued_documents import MAX_DOCUMENT_BYTES
from domain.shared.context import CommandContext
from domain.shared.errors import DomainError, ValidationFailed

_STATUS = {"UNAUTHENTICATED": 401, "FORBIDDEN": 403, "LINK_INVALID": 403, "NOT_FOUND": 404,
           "CONFLICT": 409, "INVALID_TRANSITION": 409, "LINK_EXPIRED": 410, "DOCUMENT_ERASED": 410}


def content_disposition(name: str) -> str:
    """``attachment`` with an ASCII fallback and the UTF-8 name (RFC 6266 / 5987)."""
    fallback = "".join(c if c.isascii() and c.isprintable() and c not in '"\\' else "_" for c in name)
    return f"attachment; filename=\"{fallback or 'download'}\"; filename*=UTF-8''{quote(name, safe='')}"


def _context(container: Container, request: Request) -> CommandContext:
    actor = container.verifier.caller(request.headers.get("authorization")).actor
    return CommandContext(
        actor=actor, occurred_at=container.clock.now(),
        correlation_id=clean_id(request.headers.get(CORRELATION_ID)) or uuid.uuid4().hex,
        request_id=clean_id(request.headers.get(REQUEST_ID)) or uuid.uuid4().hex,
    )


def documents(container: Container) -> APIRouter:
    router = APIRouter()

    @router.post("/documents", status_code=201)
    async def upload_document(request: Request, application: str = "", name: str = "",
                              title: str | None = None, titleEn: str | None = None) -> JSONResponse:
        try:
            actor = container.verifier.caller(request.headers.get("authorization")).actor
            body = await read_limited(request, MAX_DOCUMENT_BYTES)
            if body is None:
                return too_large_response()
            reference = await run_in_threadpool(
                container.documents.upload, actor, application, body,
                media_type=request.headers.get("content-type", ""), name=name, title_ja=title,
                title_en=titleEn)
        except ValidationFailed as invalid:
            return _refuse(413 if any(e.rule == "max_bytes" for e in invalid.errors) else 422, invalid)
        except DomainError as e:
            return _refuse(_STATUS.get(e.code, 400), e)
        return JSONResponse(reference, status_code=201)

    @router.get("/downloads/{token}")
    async def download_document(request: Request, token: str) -> Response:
        try:
            ctx = _context(container, request)
            download = await run_in_threadpool(container.documents.download, ctx, token)
        except DomainError as e:
            return _refuse(_STATUS.get(e.code, 400), e)
        return Response(download.content, media_type=download.media_type, headers={
            "Content-Disposition": content_disposition(download.name),
            "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff",
            "X-Madoguchi-Position": str(download.position)})

    return router
