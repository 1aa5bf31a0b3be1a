"""``GET /interviews/{id}/forms.pdf``: the no-writing counter's check-and-sign sheet,
one PDF with every completed form of an interview (application/counter/interviews.py).

Bearer token as for GraphQL; staff of the interview's department only (POLICY).
It holds personal data: ``Cache-Control: no-store``, and the showing is recorded
(``PersonalDataViewed``). JSON errors: 401, 403, 404 ``NOT_FOUND``, 409
``INVALID_TRANSITION`` (no completed form yet)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from api.applications.attachments import _refuse
from api.applications.documents import _STATUS, _context, content_disposition
from api.composition import Container
from domain.shared.errors import DomainError


def interview_forms(container: Container) -> APIRouter:
    router = APIRouter()

    @router.get("/interviews/{id}/forms.pdf")
    async def interview_forms_pdf(request: Request, id: str) -> Response:
        try:
            ctx = _context(container, request)
            interview, pdf = await run_in_threadpool(container.interviews.forms_pdf, ctx, id)
            await run_in_threadpool(
                container.audit_trail.record_view, ctx, operation="GET /interviews/{id}/forms.pdf",
                fields=["forms"], records=[(str(interview.id), interview.subject)])
        except DomainError as e:
            return _refuse(_STATUS.get(e.code, 409 if e.code == "INVALID_TRANSITION" else 400), e)
        return Response(pdf, media_type="application/pdf", headers={
            "Content-Disposition": content_disposition(f"申請内容の確認_{interview.id}.pdf"),
            "Cache-Control": "no-store", "Pragma": "no-cache", "X-Content-Type-Options": "nosniff"})

    return router
