"""GraphQL over HTTP with coded refusals: strawberry answers a request it cannot
use (not JSON, no query, a batch, a subscription over POST…) with plain text;
here it is a GraphQL error with ``extensions.code`` ``BAD_REQUEST``, like every
other failure (docs/graphql.md).

WebSocket messages (graphql-transport-ws) meet the same limits as HTTP bodies
(api/shared/body_guard.py: size, nesting depth, huge integers, lone surrogates),
checked before the message is parsed; a message that breaks one closes the
socket with code 4400 and a reason naming the rule (``json_depth: …``)."""

from __future__ import annotations

import json
from collections.abc import AsyncGenerator
from json import JSONDecodeError
from typing import Any

from cross_web import HTTPException
from fastapi.responses import JSONResponse
from starlette.websockets import WebSocketDisconnect, WebSocketState
from strawberry.asgi import ASGIWebSocketAdapter
from strawberry.fastapi import GraphQLRouter
from strawberry.http.exceptions import NonJsonMessageReceived, NonTextMessageReceived
from strawberry.types.unset import UNSET

from api.shared.body_guard import BodyRefused, check_json

BAD_REQUEST = "BAD_REQUEST"


class GuardedWebSocketAdapter(ASGIWebSocketAdapter):
    """strawberry's ASGI adapter, with the body limits applied to each message."""

    async def iter_json(self, *, ignore_parsing_errors: bool = False) -> AsyncGenerator[object, None]:
        view: CodedGraphQLRouter = self.view  # type: ignore[assignment]
        try:
            while self.ws.application_state != WebSocketState.DISCONNECTED:
                text = await self.ws.receive_text()
                try:
                    view.check_message(text)
                except BodyRefused as refused:
                    await self.ws.close(code=4400, reason=f"{refused.rule}: {refused}"[:120])
                    return
                try:
                    yield view.decode_json(text)
                except (JSONDecodeError, HTTPException) as e:
                    if not ignore_parsing_errors:
                        raise NonJsonMessageReceived from e
        except KeyError as e:
            raise NonTextMessageReceived from e
        except WebSocketDisconnect:
            pass


class CodedGraphQLRouter(GraphQLRouter):
    websocket_adapter_class = GuardedWebSocketAdapter  # type: ignore[assignment]

    def __init__(self, *args: Any, ide_html: str | None = None, max_message_bytes: int = 1024 * 1024,
                 max_message_depth: int = 32, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._ide_html = ide_html
        self.max_message_bytes = max_message_bytes
        self.max_message_depth = max_message_depth

    def check_message(self, text: str) -> None:
        """Raise :class:`BodyRefused` for a WebSocket message over the limits."""
        if len(text) > self.max_message_bytes or len(text.encode("utf-8", "surrogatepass")) > self.max_message_bytes:
            raise BodyRefused(413, "TOO_LARGE", "max_bytes",
                              f"a message must be at most {self.max_message_bytes} bytes")
        check_json(text.encode("utf-8", "surrogatepass"), self.max_message_depth)

    @property
    def graphql_ide_html(self) -> str:
        """Our own IDE page (vendored assets) instead of strawberry's CDN one."""
        return self._ide_html if self._ide_html is not None else super().graphql_ide_html

    def decode_json(self, data: str | bytes) -> object:
        """A body (or ``variables``) that is not UTF-8 JSON of an object or a list is
        refused here: strawberry would fail on it with an unexpected error."""
        try:
            value = json.loads(data)
        except UnicodeDecodeError as e:
            raise HTTPException(400, "the body is not UTF-8") from e
        if not isinstance(value, dict | list):
            raise HTTPException(400, "expected a JSON object")
        return value

    async def run(self, request: Any, context: Any = UNSET, root_value: Any = UNSET) -> Any:
        try:
            return await super().run(request=request, context=context, root_value=root_value)
        except HTTPException as e:
            if self.is_websocket_request(request):
                raise
            return JSONResponse(
                {"data": None, "errors": [{"message": e.reason, "extensions": {"code": BAD_REQUEST}}]},
                status_code=e.status_code,
            )
