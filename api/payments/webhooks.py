"""``POST /webhooks/payments``: events from the payment provider.

Authenticated by the ``Madoguchi-Signature`` header (HMAC-SHA256 over
``"<t>.<raw body>"`` with any active secret, within the tolerance), not by a
bearer token. Any mismatch → 400. Each event id is recorded once: a repeated
delivery answers 200 and changes nothing. An event for a payment we do not
(yet) know answers 409, so the provider delivers it again later."""

from __future__ import annotations

import json
import uuid

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from api.composition import Container
from application.payments.service import (
    WEBHOOK_TYPES,
    InvalidSignature,
    ProviderEvent,
    UnknownPayment,
    verify_signature,
)
from domain.shared.context import Actor, CommandContext
from domain.shared.errors import Conflict

MAX_BODY_BYTES = 64 * 1024
PATH = "/webhooks/payments"


def active_secrets(container: Container) -> list[str]:
    configured = container.settings.payment_webhook_secrets
    raw = configured.get_secret_value() if configured else ""
    return [s.strip() for s in raw.split(",") if s.strip()]


def _refuse(status: int, code: str, message: str, **extra: object) -> JSONResponse:
    return JSONResponse({"code": code, "message": message, **extra}, status_code=status)


def payment_webhooks(container: Container) -> APIRouter:
    router = APIRouter()

    @router.post(PATH)
    async def receive_payment_event(request: Request) -> JSONResponse:
        body = await request.body()
        if len(body) > MAX_BODY_BYTES:
            return _refuse(400, "INVALID_EVENT", "body too large")
        try:
            verify_signature(request.headers.get("madoguchi-signature"), body, active_secrets(container),
                             container.clock.now().timestamp(),
                             container.settings.payment_webhook_tolerance)
        except InvalidSignature:
            return _refuse(400, "INVALID_SIGNATURE", "the signature does not verify")
        try:
            event = ProviderEvent.parse(json.loads(body))
        except (ValueError, UnicodeDecodeError) as e:
            return _refuse(400, "INVALID_EVENT", str(e))
        if event.type not in WEBHOOK_TYPES:
            return JSONResponse({"received": True, "duplicate": False, "outcome": "ignored"})
        ctx = CommandContext(
            Actor.system("payment-provider"), container.clock.now(),
            correlation_id=getattr(request.state, "correlation_id", None) or uuid.uuid4().hex,
            request_id=getattr(request.state, "request_id", None) or uuid.uuid4().hex,
        )
        assert container.payments is not None
        try:
            outcome = await run_in_threadpool(container.payments.handle_provider_event, ctx, event)
        except UnknownPayment:
            return _refuse(409, "UNKNOWN_PAYMENT", "no such payment (yet); deliver again later",
                           retryable=True)
        except Conflict:
            return _refuse(409, "CONFLICT", "busy; deliver again later", retryable=True)
        return JSONResponse({"received": True, "duplicate": outcome.duplicate,
                             "outcome": outcome.outcome, "position": outcome.position})

    return router
