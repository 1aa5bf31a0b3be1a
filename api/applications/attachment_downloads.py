"""``GET /applications/{id}/attachments/{blob}``: a file attached to an
application (application/applications/attachments.py ``read_attachment``).

Bearer token as for GraphQL: the applicant, or staff and managers of the
application's department (POLICY). Only a blob the application's answers refer
to is served, under the name and media type of that answer. It is personal
data: ``Cache-Control: no-store``, and a showing to anyone but the applicant is
recorded (``PersonalDataViewed``). JSON errors: 401, 403, 404 ``NOT_FOUND``,
410 ``ATTACHMENT_ERASED`` (the application's personal data was forgotten)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from api.applications.attachments import _refuse
from api.applications.documents import _STATUS, _context, content_disposition
from api.composition import Container
from application.applications.attachments import DOWNLOAD, AttachmentFile, read_attachment
from domain.shared.context import CommandContext
from domain.shared.errors import DomainError


def attachment_downloads(container: Container) -> APIRouter:
    router = APIRouter()

    def read(ctx: CommandContext, application_id: str, blob: str) -> AttachmentFile:
        application = container.applications.get(application_id)
        found = read_attachment(container.blob_store, ctx.actor, application, blob)
        if ctx.actor.role != "citizen":  # shown to someone other than its data subject
            container.audit_trail.record_view(ctx, operation=DOWNLOAD, fields=["attachments"],
                                              records=[(str(application.id), application.data_subject)])
        return found

    @router.get("/applications/{id}/attachments/{blob}")
    async def download_attachment(request: Request, id: str, blob: str) -> Response:
        try:
            ctx = _context(container, request)
            found = await run_in_threadpool(read, ctx, id, blob)
        except DomainError as e:
            return _refuse(_STATUS.get(e.code, 410 if e.code == "ATTACHMENT_ERASED" else 400), e)
        return Response(found.content, media_type=found.media_type, headers={
            "Content-Disposition": content_disposition(found.name),
            "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"})

    return router
