"""Limits on request bodies, checked before anything parses them.

:class:`BodyGuard` (ASGI middleware) reads the body of ``/graphql``,
``/webhooks/payments`` and of any request sent as JSON, and refuses it with a
coded 4xx before the route sees it:

- over ``MADOGUCHI_MAX_BODY_BYTES`` → 413 ``TOO_LARGE`` (read no further);
- JSON nested deeper than ``MADOGUCHI_MAX_JSON_DEPTH`` (counted on the raw bytes,
  before parsing, so no parser recursion), an integer of more than
  ``MAX_INTEGER_DIGITS`` digits, ``NaN``/``Infinity`` (or ``1e99999``), or a string holding a lone
  surrogate (``"\\ud800"``, which no database or response can encode)
  → 400 ``BAD_REQUEST`` (rule ``json_depth``, ``json_integer``, ``json_constant``,
  ``json_text``).

A body that is not JSON at all is passed on: the routes already refuse it with
their own code. The body is replayed unchanged, so a webhook signature over the
raw bytes still verifies. ``/graphql`` refusals have the GraphQL shape (``data:
null`` and ``errors[].extensions.code``), the others ``{"code", "message"}``."""

from __future__ import annotations

import json
import re
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.responses import JSONResponse

BAD_REQUEST = "BAD_REQUEST"
TOO_LARGE = "TOO_LARGE"
MAX_INTEGER_DIGITS = 40
GUARDED_PATHS = ("/graphql", "/webhooks/payments")
OFF_LOOP_BYTES = 64 * 1024  # a larger body is checked in a worker thread, off the event loop
_SPECIAL = re.compile(rb'[\\"\[\]{}]')  # what a nesting scan has to look at


class BodyRefused(ValueError):
    def __init__(self, status: int, code: str, rule: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.rule = status, code, rule


def json_depth(body: bytes, limit: int) -> int:
    """How deep ``body`` nests arrays and objects (brackets inside strings set
    aside), without parsing it: one pass, stopping once past ``limit``."""
    depth = deepest = 0
    in_string = False
    escaped_until = -1
    for match in _SPECIAL.finditer(body):
        at = match.start()
        if at < escaped_until:
            continue
        char = body[at]
        if in_string:
            if char == 0x5C:  # a backslash escapes the next byte
                escaped_until = at + 2
            elif char == 0x22:
                in_string = False
        elif char == 0x22:
            in_string = True
        elif char in b"[{":
            depth += 1
            deepest = max(deepest, depth)
            if deepest > limit:
                break
        elif char in b"]}":
            depth -= 1
    return deepest


def _integer(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INTEGER_DIGITS:
        raise BodyRefused(400, BAD_REQUEST, "json_integer",
                          f"an integer of more than {MAX_INTEGER_DIGITS} digits is not accepted")
    return int(text)


def _float(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise BodyRefused(400, BAD_REQUEST, "json_constant", "a number too large for a float is not accepted")
    return value


def _constant(text: str) -> Any:
    raise BodyRefused(400, BAD_REQUEST, "json_constant", f"{text} is not JSON")


def check_json(body: bytes, max_depth: int) -> None:
    """Raise :class:`BodyRefused` for JSON ``body`` that breaks a limit; a body that
    is not JSON at all is left to the route."""
    if json_depth(body, max_depth) > max_depth:
        raise BodyRefused(400, BAD_REQUEST, "json_depth", f"JSON nested deeper than {max_depth} levels")
    try:
        value = json.loads(body, parse_int=_integer, parse_float=_float, parse_constant=_constant)
    except (ValueError, RecursionError) as e:
        if isinstance(e, BodyRefused):
            raise
        return
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise BodyRefused(400, BAD_REQUEST, "json_text",
                          "a string holds a lone surrogate (not Unicode text)") from None


def _refusal(path: str, refused: BodyRefused) -> JSONResponse:
    if path == "/graphql":
        body: dict[str, Any] = {"data": None, "errors": [{"message": str(refused), "extensions": {
            "code": refused.code, "rule": refused.rule}}]}
    else:
        body = {"code": refused.code, "message": str(refused), "rule": refused.rule}
    return JSONResponse(body, status_code=refused.status)


class BodyGuard:
    """ASGI middleware applying the limits above (``max_bytes``, ``max_depth``)."""

    def __init__(self, app: Any, *, max_bytes: int, max_depth: int) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.max_depth = max_depth

    def _guards(self, scope: Any) -> bool:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            return False
        if scope["path"].rstrip("/") in GUARDED_PATHS:
            return True
        return "json" in Headers(scope=scope).get("content-type", "").lower()

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if not self._guards(scope):
            await self.app(scope, receive, send)
            return
        try:
            body = await self._read(receive)
            if len(body) > OFF_LOOP_BYTES:
                await run_in_threadpool(check_json, body, self.max_depth)
            else:
                check_json(body, self.max_depth)
        except BodyRefused as refused:
            await _refusal(scope["path"].rstrip("/"), refused)(scope, receive, send)
            return
        replayed = False

        async def replay() -> Any:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _read(self, receive: Any) -> bytes:
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                raise BodyRefused(413, TOO_LARGE, "max_bytes",
                                  f"the body must be at most {self.max_bytes} bytes")
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        return b"".join(chunks)
