"""Payment jobs: the sweep polls open payments at the provider and expires
unpaid ones (reconciliation is in ``payment_reconciliation.py``).

Driven from outside (``madoguchi payments sweep`` and the serve process); the
read model picks the candidates, the event-sourced payment decides. Times come from the command context (the
injected clock), never from the wall clock."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from application.payments.service import PaymentService, ProviderError, ProviderStatus
from domain.payments.payment import Payment, PaymentStatus
from domain.shared.context import CommandContext
from domain.shared.errors import Conflict

# --- the sweep ------------------------------------------------------------------------


@dataclass
class SweepReport:
    checked: int = 0
    polled: int = 0
    unreachable: int = 0
    changed: dict[str, str] = field(default_factory=dict)  # payment id -> event recorded

    @property
    def expired(self) -> int:
        return sum(1 for v in self.changed.values() if v == "payment.expired")


def _event_for(status: ProviderStatus) -> tuple[str, dict[str, Any]] | None:
    """The provider event a polled status amounts to (None: still open there)."""
    if status.status == "success":
        return "payment.succeeded", {"amount": status.amount}
    if status.status == "capturable":
        return "payment.authorised", {}
    if status.status == "failed" and status.reason == "expired":
        return "payment.expired", {}
    if status.status in ("failed", "error"):
        return "payment.failed", {"reason": status.reason or "declined"}
    if status.status == "cancelled":
        return "payment.failed", {"reason": "cancelled_by_citizen"}
    return None


def sweep(service: PaymentService, ctx: CommandContext, payment_ids: Iterable[str], *,
          poll_after: timedelta, expire_after: timedelta) -> SweepReport:
    """For each open online payment older than ``poll_after`` (since it was
    created): ask the provider for its status and record what it says; one
    still unpaid (or unknowable: provider unreachable) after ``expire_after``
    is expired. A success the provider reports later becomes a late success."""
    report = SweepReport()
    now = ctx.occurred_at
    for payment_id in payment_ids:
        payment = service.get(payment_id)
        if payment.finished or payment.at_counter or now - payment.created_on < poll_after:
            continue
        report.checked += 1
        event: tuple[str, dict[str, Any]] | None = None
        if payment.provider_payment_id:
            try:
                status = service.provider.get_status(payment.provider_payment_id)
            except ProviderError:
                report.unreachable += 1
            else:
                report.polled += 1
                event = _event_for(status)
        if event is None and now - payment.created_on >= expire_after \
                and payment.status is not PaymentStatus.CAPTURABLE:
            event = ("payment.expired", {})
        if event is not None and _record(service, ctx, payment_id, *event):
            report.changed[payment_id] = event[0]
    return report


def _record(service: PaymentService, ctx: CommandContext, payment_id: str, kind: str,
            data: dict[str, Any]) -> bool:
    for attempt in range(service.RETRIES):
        payment: Payment = service.get(payment_id)
        outcome = payment.on_provider_event(ctx, kind, data)
        if outcome == "ignored":
            return False
        try:
            service.log.store(payment)
            return True
        except Conflict:  # a webhook changed it meanwhile: decide again
            if attempt == service.RETRIES - 1:
                raise
    return False  # pragma: no cover
