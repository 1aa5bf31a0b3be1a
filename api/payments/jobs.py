"""Payment jobs as the CLI and GraphQL run them: the sweep and reconciliation,
with candidates read from the ``payments`` read model (caught up first)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any, TypeVar

from api.composition import Container
from application.payments.jobs import sweep
from application.payments.reconciliation import (
    LedgerEntry,
    Reconciliation,
    RefundEntry,
    parse_settlement,
    reconcile,
)
from application.projection.reading import ReadSession, read_session
from domain.shared.context import Actor, CommandContext
from projections.payments import payments as model

T = TypeVar("T")


def read(container: Container, fn: Callable[[ReadSession], T]) -> T:
    with read_session(container.views, container.projections) as session:
        return fn(session)


def run_sweep(container: Container) -> dict[str, Any]:
    """One sweep: candidates from the read model (caught up first), decided by the payments."""
    settings = container.settings
    poll_after = timedelta(minutes=settings.payment_poll_after)
    now = container.clock.now()
    container.engine.catch_up()
    ids = read(container, lambda s: model.open_online_payments(s, (now - poll_after).isoformat()))
    ctx = CommandContext(Actor.system("payment-sweep"), now, correlation_id=uuid.uuid4().hex)
    report = sweep(container.payments, ctx, ids, poll_after=poll_after,
                   expire_after=timedelta(minutes=settings.payment_expire_after))
    return {"checked": report.checked, "polled": report.polled, "unreachable": report.unreachable,
            "expired": report.expired, "changed": report.changed}


def reconciliation(container: Container, day: date, csv_text: str,
                   department: str | None = None, *, catch_up: bool = True) -> Reconciliation:
    rows = parse_settlement(csv_text)
    ppids = [r.provider_payment_id for r in rows]
    if catch_up:
        container.engine.catch_up()
    views = read(container, lambda s: model.online_payments_for_reconciliation(s, day, ppids))
    ours = [LedgerEntry(v.id, v.provider_payment_id or "", v.department, v.amount, v.captured_amount,
                        v.status, v.late_success, model.paid_day(v.paid_at) if v.paid_at else None,
                        tuple(RefundEntry(r.id, r.provider_refund_id, r.amount, r.status,
                                          model.paid_day(r.updated_at) if r.status == "success" else None)
                              for r in v.refunds))
            for v in views]
    return reconcile(day, rows, ours, department)
