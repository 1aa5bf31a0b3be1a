"""Per-request context: who calls, correlation/request ids, and helpers that run
blocking work off the event loop and translate every failure into a coded error."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from starlette.concurrency import run_in_threadpool
from strawberry.fastapi import BaseContext

from api.composition import Container
from api.graphql.shared.errors import STALE_READ, ApiError
from api.graphql.shared.types import CommandPayload
from api.shared.auth import ANONYMOUS, Caller
from api.shared.rate_limit import RATE_LIMITED
from application.projection.reading import ReadSession, positions, read_session
from application.shared.results import CommandResult
from domain.shared.context import Actor, CommandContext
from domain.shared.errors import Unauthenticated
from infra.rate_limit import retry_after_seconds

T = TypeVar("T")


class ApiContext(BaseContext):
    def __init__(self, container: Container, authorization: str | None,
                 correlation_id: str | None, request_id: str | None,
                 client_address: str | None = None) -> None:
        super().__init__()
        self.container = container
        self.correlation_id = correlation_id or uuid.uuid4().hex
        self.request_id = request_id or uuid.uuid4().hex
        self.client_address = client_address
        self._authenticate(authorization)
        self._connection_params: dict[str, Any] | None = None

    def _authenticate(self, authorization: str | None) -> None:
        self._auth_error: Unauthenticated | None = None
        self._caller: Caller = ANONYMOUS
        try:
            self._caller = self.container.verifier.caller(authorization)
        except Unauthenticated as e:
            self._auth_error = e

    @property
    def connection_params(self) -> dict[str, Any] | None:
        return self._connection_params

    @connection_params.setter
    def connection_params(self, payload: Any) -> None:
        """A WebSocket's ``connection_init`` payload (graphql-transport-ws): its
        ``Authorization`` (or ``authorization``), when given, replaces the header's."""
        self._connection_params = payload if isinstance(payload, dict) else None
        if self._connection_params:
            authorization = (self._connection_params.get("Authorization")
                             or self._connection_params.get("authorization"))
            if isinstance(authorization, str) and authorization:
                self._authenticate(authorization)

    @property
    def caller(self) -> Caller:
        if self._auth_error is not None:
            raise self._auth_error
        return self._caller

    @property
    def actor(self) -> Actor:
        return self.caller.actor

    def command_context(self) -> CommandContext:
        return CommandContext(
            actor=self.actor,
            occurred_at=self.container.clock.now(),
            correlation_id=self.correlation_id,
            request_id=self.request_id,
        )

    def rate_limit(self, operation: str) -> None:
        """Spend one request of ``operation``'s rate limit (api/shared/rate_limit.py), or
        fail with ``RATE_LIMITED`` and ``retryAfter`` seconds (also ``Retry-After``)."""
        wait = self.container.rate_limits.check(operation, self.actor, self.client_address)
        if wait <= 0:
            return
        seconds = retry_after_seconds(wait)
        if self.response is not None:
            self.response.headers["Retry-After"] = str(seconds)
        raise ApiError(
            f"too many requests; retry in {seconds}s", RATE_LIMITED,
            retryAfter=seconds, retryable=True,
            messageJa=f"短時間に多くの申請がありました。{seconds}秒後にもう一度お試しください",
        )

    async def record_personal_data_view(
        self, operation: str, fields: Sequence[str], records: Sequence[tuple[str, str]]
    ) -> None:
        """Record (before returning it) that this caller is shown personal data:
        ``fields`` of ``records`` ((record id, data subject) pairs). If the log
        cannot be written this raises, so the read fails rather than going unrecorded."""
        if fields and records:
            await self.run(
                self.container.audit_trail.record_view, self.command_context(),
                operation=operation, fields=fields, records=records,
            )

    async def run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run blocking work in the thread pool (errors are coded by CodedErrors)."""
        return await run_in_threadpool(fn, *args, **kwargs)

    async def execute(self, fn: Callable[..., CommandResult], *args: Any, **kwargs: Any) -> CommandPayload:
        """Run a command with this request's context; return its id and position."""
        result = await self.run(fn, self.command_context(), *args, **kwargs)
        return CommandPayload(id=result.id, position=result.position)

    async def read(self, fn: Callable[[ReadSession], T]) -> T:
        def in_session() -> T:
            with read_session(self.container.views, self.container.projections) as session:
                return fn(session)

        return await self.run(in_session)

    async def wait_for(self, position: int | None, names: Sequence[str]) -> None:
        """Read-your-writes: wait (bounded) until ``names`` have processed ``position``."""
        if not position:
            return
        timeout = self.container.settings.read_wait_timeout
        deadline = time.monotonic() + timeout
        delay = 0.005
        while True:
            reached = await self.run(positions, self.container.views, names)
            if all(p >= position for p in reached.values()):
                return
            if time.monotonic() >= deadline:
                raise ApiError(
                    f"read models have not reached position {position} within {timeout:g}s",
                    STALE_READ,
                    positions=reached,
                    retryable=True,
                )
            await asyncio.sleep(delay)
            delay = min(delay * 2, 0.05)
