"""Request and correlation ids: taken from ``X-Request-ID`` / ``X-Correlation-ID``
(or generated), recorded on every event the request causes, and echoed in the
response headers so a caller can quote them.

A header value that is not a plain token (1–128 of ``A-Za-z0-9._:@/+=-``) is
replaced by a generated id rather than stored or echoed: no log or header
injection through it."""

from __future__ import annotations

import re
import uuid
from typing import Any

from starlette.datastructures import Headers, MutableHeaders

REQUEST_ID = "x-request-id"
CORRELATION_ID = "x-correlation-id"
_SAFE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:@/+=-]{0,127}")


def clean_id(value: str | None) -> str | None:
    return value if value is not None and _SAFE.fullmatch(value) else None


class RequestIds:
    """ASGI middleware: puts ``request_id`` and ``correlation_id`` in
    ``request.state`` and both headers on the response."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        request_id = clean_id(headers.get(REQUEST_ID)) or uuid.uuid4().hex
        correlation_id = clean_id(headers.get(CORRELATION_ID)) or uuid.uuid4().hex
        state = scope.setdefault("state", {})
        state["request_id"] = request_id
        state["correlation_id"] = correlation_id

        async def send_with_ids(message: Any) -> None:
            if message["type"] == "http.response.start":
                out = MutableHeaders(scope=message)
                out[REQUEST_ID] = request_id
                out[CORRELATION_ID] = correlation_id
            await send(message)

        await self.app(scope, receive, send_with_ids)
