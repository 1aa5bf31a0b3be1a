"""The sandbox provider's HTTP API (what ``infra/payment_provider.py`` talks to)
and its simulation endpoints.

Provider API (``Authorization: Bearer <api key>`` when one is configured):

- ``POST /v1/checkouts`` ``{reference, amount, method, description}`` → ``{id, next_url, status}``;
  the same ``reference`` answers the same checkout (a retried call opens no second one);
- ``GET /v1/payments/{id}`` → ``{id, reference, amount, status, reason}`` (for polling);
- ``POST /v1/payments/{id}/refunds`` ``{refund_id, amount}`` → ``{id, status: submitted}``,
  then a ``refund.succeeded`` webhook; the same ``refund_id`` answers the same refund;
- ``GET /settlements/{YYYY-MM-DD}.csv``: the day's captures and refunds (Japan time).

Simulation (no key): ``GET /checkout/{id}`` (the citizen's page);
``POST /sandbox/payments/{id}/pay`` (optional ``{"amount": n}`` to capture another
amount), ``/decline``, ``/abandon``, ``/expire``; ``GET /sandbox/events``;
``POST /sandbox/webhooks/flush?max_copies=&seed=`` (release held webhooks, chaos);
``GET /sandbox/webhooks`` (delivery statistics)."""

from __future__ import annotations

import csv
import io
import itertools
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse

from infra.sandbox_provider.webhooks import WebhookDispatcher

JST = ZoneInfo("Asia/Tokyo")


@dataclass
class SandboxPayment:
    id: str
    reference: str
    amount: int
    method: str
    description: str
    status: str = "started"
    reason: str | None = None
    captured: int = 0
    captured_at: float | None = None
    refunds: dict[str, dict[str, Any]] = field(default_factory=dict)


class Sandbox:
    """The provider's state (in memory) and the webhooks it sends."""

    def __init__(self, dispatcher: WebhookDispatcher, *, api_key: str | None = None,
                 public_url: str = "http://127.0.0.1:8900", now: Callable[[], float] = time.time) -> None:
        self.dispatcher = dispatcher
        self.api_key = api_key
        self.public_url = public_url.rstrip("/")
        self.now = now
        self.payments: dict[str, SandboxPayment] = {}
        self.by_reference: dict[str, str] = {}
        self.events: list[dict[str, Any]] = []
        self._lock = threading.RLock()
        self._ids = itertools.count(1)

    def _emit(self, kind: str, payment: SandboxPayment, **data: Any) -> None:
        event = {"id": f"evt_{next(self._ids):06d}", "type": kind, "created": int(self.now()),
                 "data": {"provider_payment_id": payment.id, "reference": payment.reference, **data}}
        self.events.append(event)
        self.dispatcher.send(event)

    def checkout(self, reference: str, amount: int, method: str, description: str) -> SandboxPayment:
        with self._lock:
            if reference in self.by_reference:
                return self.payments[self.by_reference[reference]]
            payment = SandboxPayment(f"sbx_{next(self._ids):06d}", reference, amount, method, description)
            self.payments[payment.id] = payment
            self.by_reference[reference] = payment.id
            return payment

    def finish(self, ppid: str, outcome: str, amount: int | None = None) -> SandboxPayment:
        """The citizen pays (``success``), is declined, abandons, or time runs out."""
        with self._lock:
            payment = self.payments[ppid]
            if payment.status != "started":
                raise ValueError(f"payment is {payment.status}")
            if outcome == "success":
                payment.status, payment.captured = "success", amount if amount is not None else payment.amount
                payment.captured_at = self.now()
                self._emit("payment.succeeded", payment, amount=payment.captured)
            elif outcome == "expired":
                payment.status, payment.reason = "failed", "expired"
                self._emit("payment.expired", payment)
            else:
                reason = "cancelled_by_citizen" if outcome == "abandon" else "declined"
                payment.status, payment.reason = "failed", reason
                self._emit("payment.failed", payment, reason=reason)
            return payment

    def refund(self, ppid: str, refund_id: str, amount: int) -> dict[str, Any]:
        with self._lock:
            payment = self.payments[ppid]
            if refund_id in payment.refunds:
                return payment.refunds[refund_id]
            refunded = sum(r["amount"] for r in payment.refunds.values())
            if payment.status != "success" or not 0 < amount <= payment.captured - refunded:
                raise ValueError("refund exceeds the captured amount")
            refund = {"id": f"re_{next(self._ids):06d}", "refund_id": refund_id, "amount": amount,
                      "status": "submitted", "at": self.now()}
            payment.refunds[refund_id] = refund
            refund["status"] = "success"
            self._emit("refund.succeeded", payment, refund_id=refund_id, provider_refund_id=refund["id"])
            return {**refund, "status": "submitted"}

    def settlement_csv(self, day: date) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["settled_on", "type", "provider_payment_id", "reference", "amount", "provider_refund_id"])
        with self._lock:
            for p in self.payments.values():
                if p.captured_at is not None and _day(p.captured_at) == day:
                    writer.writerow([day.isoformat(), "payment", p.id, p.reference, p.captured, ""])
                for r in p.refunds.values():
                    if _day(r["at"]) == day:
                        writer.writerow([day.isoformat(), "refund", p.id, p.reference, -r["amount"], r["id"]])
        return out.getvalue()


def _day(timestamp: float) -> date:
    return datetime.fromtimestamp(timestamp, UTC).astimezone(JST).date()


def _error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"code": code, "message": message}, status_code=status)


def _view(p: SandboxPayment) -> dict[str, Any]:
    return {"id": p.id, "reference": p.reference, "amount": p.amount, "status": p.status,
            "reason": p.reason, "captured": p.captured}


def create_app(sandbox: Sandbox) -> FastAPI:
    app = FastAPI(title="madoguchi sandbox payment provider", docs_url=None, redoc_url=None)

    def authorized(request: Request) -> bool:
        return not sandbox.api_key or request.headers.get("authorization") == f"Bearer {sandbox.api_key}"

    @app.post("/v1/checkouts")
    async def create_checkout(request: Request) -> JSONResponse:
        if not authorized(request):
            return _error(401, "UNAUTHORIZED", "bad API key")
        body = await request.json()
        amount, reference = body.get("amount"), body.get("reference")
        if not isinstance(amount, int) or amount <= 0 or not isinstance(reference, str) or not reference:
            return _error(422, "INVALID_REQUEST", "reference and a positive amount are required")
        p = sandbox.checkout(reference, amount, str(body.get("method", "")), str(body.get("description", "")))
        return JSONResponse({**_view(p), "next_url": f"{sandbox.public_url}/checkout/{p.id}"}, status_code=201)

    @app.get("/v1/payments/{ppid}")
    async def payment_status(ppid: str, request: Request) -> JSONResponse:
        if not authorized(request):
            return _error(401, "UNAUTHORIZED", "bad API key")
        p = sandbox.payments.get(ppid)
        return JSONResponse(_view(p)) if p else _error(404, "NOT_FOUND", "no such payment")

    @app.post("/v1/payments/{ppid}/refunds")
    async def refund(ppid: str, request: Request) -> JSONResponse:
        if not authorized(request):
            return _error(401, "UNAUTHORIZED", "bad API key")
        body = await request.json()
        if ppid not in sandbox.payments:
            return _error(404, "NOT_FOUND", "no such payment")
        amount, refund_id = body.get("amount"), body.get("refund_id")
        if not isinstance(amount, int) or not isinstance(refund_id, str):
            return _error(422, "INVALID_REQUEST", "refund_id and amount are required")
        try:
            answer = sandbox.refund(ppid, refund_id, amount)
        except ValueError as e:
            return _error(422, "REFUND_REFUSED", str(e))
        return JSONResponse({"id": answer["id"], "status": answer["status"], "amount": amount}, status_code=201)

    @app.get("/settlements/{day}.csv")
    async def settlement(day: str) -> PlainTextResponse:
        try:
            parsed = date.fromisoformat(day)
        except ValueError:
            return PlainTextResponse("bad date\n", status_code=404)
        return PlainTextResponse(sandbox.settlement_csv(parsed), media_type="text/csv")

    @app.get("/checkout/{ppid}")
    async def checkout_page(ppid: str) -> HTMLResponse:
        p = sandbox.payments.get(ppid)
        if p is None:
            return HTMLResponse("<p>no such payment</p>", status_code=404)
        buttons = "".join(f'<form method="post" action="/sandbox/payments/{p.id}/{a}"><button>{a}</button></form>'
                          for a in ("pay", "decline", "abandon"))
        return HTMLResponse(f"<h1>Sandbox: {p.amount} 円</h1><p>{p.description} ({p.status})</p>{buttons}")

    @app.post("/sandbox/payments/{ppid}/{action}")
    async def simulate(ppid: str, action: str, request: Request) -> JSONResponse:
        outcomes = {"pay": "success", "decline": "declined", "abandon": "abandon", "expire": "expired"}
        if action not in outcomes or ppid not in sandbox.payments:
            return _error(404, "NOT_FOUND", "no such payment or action")
        amount = None
        if request.headers.get("content-type", "").startswith("application/json"):
            amount = (await request.json() or {}).get("amount")
        try:
            p = sandbox.finish(ppid, outcomes[action], amount if isinstance(amount, int) else None)
        except ValueError as e:
            return _error(409, "FINISHED", str(e))
        return JSONResponse(_view(p))

    @app.get("/sandbox/events")
    async def events() -> JSONResponse:
        return JSONResponse(sandbox.events)

    @app.post("/sandbox/webhooks/flush")
    async def flush(max_copies: int = 1, seed: int | None = None) -> JSONResponse:
        return JSONResponse({"released": sandbox.dispatcher.flush(max_copies=max_copies, seed=seed)})

    @app.get("/sandbox/webhooks")
    async def webhook_stats() -> JSONResponse:
        s = sandbox.dispatcher.stats
        return JSONResponse({"pending": sandbox.dispatcher.pending, "sent": s.sent,
                             "delivered": s.delivered, "given_up": s.given_up})

    return app
