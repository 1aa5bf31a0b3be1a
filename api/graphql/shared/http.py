"""GraphQL over HTTP with coded refusals: strawberry answers a request it cannot
use (not JSON, no query, a batch, a subscription over POST…) with plain text;
here it is a GraphQL error with ``extensions.code`` ``BAD_REQUEST``, like every
other failure (docs/graphql.md)."""

from __future__ import annotations

import json
from typing import Any

from cross_web import HTTPException
from fastapi.responses import JSONResponse
from strawberry.fastapi import GraphQLRouter
from strawberry.types.unset import UNSET

BAD_REQUEST = "BAD_REQUEST"


class CodedGraphQLRouter(GraphQLRouter):
    def __init__(self, *args: Any, ide_html: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._ide_html = ide_html

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
