"""``POST /attachments``: upload one file for an ``attachment`` answer.

The request body is the file itself (its ``Content-Type`` the file's media
type), the file name in ``?name=``; ``?procedure=&field=`` apply that field's
limits. Answers 201 with the reference to put in the answers, 401/403 as the
access policy says, 413 for a file over the limit, 422 for other problems."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from api.composition import Container
from application.applications.attachments import MAX_REQUEST_BYTES, AttachmentService
from domain.shared.errors import DomainError, ValidationFailed

PATH = "/attachments"


def _refuse(status: int, error: DomainError) -> JSONResponse:
    body: dict[str, object] = {"code": error.code, "message": str(error),
                               "message_ja": getattr(error, "message_ja", "")}
    if isinstance(error, ValidationFailed):
        body["errors"] = [{"path": e.path, "rule": e.rule, "message_en": e.message_en,
                           "message_ja": e.message_ja, "params": e.params} for e in error.errors]
    return JSONResponse(body, status_code=status)


_STATUS = {"UNAUTHENTICATED": 401, "FORBIDDEN": 403, "NOT_FOUND": 404}


async def read_limited(request: Request, ceiling: int) -> bytes | None:
    """The request body, or ``None`` once it exceeds ``ceiling`` bytes (never
    more than the ceiling in memory)."""
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > ceiling:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def too_large_response() -> JSONResponse:
    return JSONResponse({"code": "TOO_LARGE", "message": "the file is too large",
                         "message_ja": "ファイルが大きすぎます"}, status_code=413)


def attachments(container: Container) -> APIRouter:
    router = APIRouter()

    @router.post(PATH, status_code=201)
    async def upload_attachment(request: Request, name: str = "", procedure: str | None = None,
                                field: str | None = None) -> JSONResponse:
        service = AttachmentService(container.blob_store, container.catalogue)
        try:
            actor = container.verifier.caller(request.headers.get("authorization")).actor
            body = await read_limited(request, MAX_REQUEST_BYTES)
            if body is None:
                return too_large_response()
            reference = await run_in_threadpool(
                service.upload, actor, body,
                media_type=request.headers.get("content-type", ""), name=name,
                procedure=procedure, field=field)
        except ValidationFailed as invalid:
            too_large = any(e.rule == "max_bytes" for e in invalid.errors)
            return _refuse(413 if too_large else 422, invalid)
        except DomainError as e:
            return _refuse(_STATUS.get(e.code, 400), e)
        return JSONResponse(reference, status_code=201)

    return router
