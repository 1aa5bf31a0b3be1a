"""The FastAPI application: GraphQL at ``/graphql``, health and readiness probes, and the
pages people look at (docs/pages.md: board, ticket page, congestion, DX dashboard)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool
from starlette.requests import HTTPConnection
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL

from api.applications.attachment_downloads import attachment_downloads
from api.applications.attachments import attachments
from api.applications.confirm_email_page import confirm_email_page
from api.applications.documents import documents
from api.applications.notification_jobs import MailLoop
from api.composition import Container
from api.counter.interview_forms import interview_forms
from api.counter.pages import pages as counter_pages
from api.dx.exports import dashboard_exports
from api.dx.pages import dx_pages
from api.graphql.schema import build_schema
from api.graphql.shared.context import ApiContext
from api.graphql.shared.errors import unavailable
from api.graphql.shared.hardening import GraphQLLimits
from api.graphql.shared.http import CodedGraphQLRouter
from api.payments.webhooks import payment_webhooks
from api.shared.body_guard import BodyGuard
from api.shared.dev_tools import GRAPHIQL_HTML, add_docs, mount_vendor
from api.shared.forwarded import TrustedProxies, parse_proxies
from api.shared.individual_numbers import HttpIndividualNumberGuard
from api.shared.pages import mount_static
from api.shared.request_ids import RequestIds

log = logging.getLogger("madoguchi.api")
READY_MAX_LAG = 10_000


def create_app(container: Container, *, run_projections: bool | None = None,
               close_container: bool = False) -> FastAPI:
    """``close_container``: the app owns it (a ``--workers`` process) and closes it on shutdown."""
    settings = container.settings
    follow = settings.run_projections if run_projections is None else run_projections

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        mail = None
        if follow:
            container.start_projections()
            if settings.mail_send_interval:  # the outbox sender (api/applications/notification_jobs.py)
                mail = MailLoop(container, settings.mail_send_interval).start()
        yield
        if mail is not None:
            mail.stop()
        container.stop_projections()
        if close_container:
            container.close()

    app = FastAPI(
        title="madoguchi",
        description="行かない・待たない・書かない窓口 — the city's online counter",
        lifespan=lifespan,
        docs_url=None,  # served below with vendored assets, outside production
        openapi_url=None if settings.env == "production" else "/openapi.json",
        redoc_url=None,
    )

    app.add_middleware(RequestIds)  # X-Request-ID / X-Correlation-ID: recorded and echoed
    # no individual number in a query parameter or a stored header (GraphQL arguments: the schema's guard)
    app.add_middleware(HttpIndividualNumberGuard)
    # body size and JSON depth / integers / text, before any route parses a body
    app.add_middleware(BodyGuard, max_bytes=settings.max_body_bytes, max_depth=settings.max_json_depth)
    # outermost: the client address, X-Forwarded-For only from MADOGUCHI_TRUSTED_PROXIES
    app.add_middleware(TrustedProxies, proxies=parse_proxies(settings.trusted_proxies))

    async def get_context(connection: HTTPConnection) -> ApiContext:
        """For HTTP requests and WebSockets alike (a WebSocket may also sign in
        with ``Authorization`` in its ``connection_init`` payload)."""
        return ApiContext(
            container,
            connection.headers.get("authorization"),
            getattr(connection.state, "correlation_id", None),
            getattr(connection.state, "request_id", None),
            client_address=connection.client.host if connection.client else None,
        )

    schema = build_schema(production=settings.env == "production", limits=GraphQLLimits.from_settings(settings))
    app.state.graphql_documents = schema.documents  # parsed and validated once (their hit counts)
    graphql = CodedGraphQLRouter(
        schema,
        context_getter=get_context,
        graphql_ide=None if settings.env == "production" else "graphiql",
        ide_html=GRAPHIQL_HTML,  # vendored: works offline (api/shared/dev_tools.py)
        allow_queries_via_get=False,
        subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
        max_message_bytes=settings.max_body_bytes,  # WebSocket messages: the body limits
        max_message_depth=settings.max_json_depth,
    )
    # WebSocket /graphql: subscriptions over graphql-transport-ws (policy: "WEBSOCKET /graphql")
    app.include_router(graphql, prefix="/graphql")
    app.include_router(payment_webhooks(container))
    app.include_router(attachments(container))
    app.include_router(attachment_downloads(container))  # an application's attached files
    app.include_router(documents(container))  # issued documents and download links
    app.include_router(interview_forms(container))  # 書かない窓口: the check-and-sign PDF
    app.include_router(dashboard_exports(container))
    app.include_router(confirm_email_page(container))  # the link of the confirmation e-mail
    app.include_router(counter_pages(settings))  # /board, /t/{ticket}, /congestion
    app.include_router(dx_pages())  # /dx
    mount_static(app)
    if settings.env != "production":
        add_docs(app)
        mount_vendor(app)

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz")
    async def readyz() -> JSONResponse:
        try:
            statuses = await run_in_threadpool(container.engine.status)
        except Exception as e:
            log.warning("readiness check failed: %r", e)
            return JSONResponse(
                {"ready": False, "database": "unreachable"},
                status_code=503,
                headers={"Retry-After": "5"},
            )
        projections = {
            s.name: {"position": s.position, "head": s.head, "lag": s.lag, "status": s.status}
            for s in statuses
            if s.serving
        }
        ready = all(p["lag"] <= READY_MAX_LAG and p["status"] == "active" for p in projections.values())
        return JSONResponse(
            {"ready": ready, "database": "ok", "projections": projections},
            status_code=200 if ready else 503,
        )

    @app.exception_handler(Exception)
    async def unexpected(_: Request, exc: Exception) -> JSONResponse:
        if unavailable(exc):  # the database is down: retryable, not a crash
            log.warning("database unavailable: %s", exc)
            return JSONResponse({"code": "UNAVAILABLE", "message": "briefly unavailable; retry",
                                 "retryable": True}, status_code=503, headers={"Retry-After": "5"})
        log.exception("unhandled error", exc_info=exc)
        return JSONResponse({"code": "INTERNAL_ERROR", "message": "Unexpected error."}, status_code=500)

    return app
