"""Payment jobs: the sweep (poll open payments at the provider, expire unpaid
ones) and reconciliation against the provider's daily settlement report.

Both are driven from outside (``madoguchi payments sweep`` / ``reconcile`` and
the ``paymentReconciliation`` query); the read model picks the candidates, the
event-sourced payment decides. Times come from the command context (the
injected clock), never from the wall clock."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from application.payments import PaymentService, ProviderError, ProviderStatus
from domain.context import CommandContext
from domain.errors import Conflict, FieldError, ValidationFailed
from domain.payments import Payment, PaymentStatus

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


# --- reconciliation -------------------------------------------------------------------

SETTLEMENT_COLUMNS = ("settled_on", "type", "provider_payment_id", "reference", "amount")
MAX_SETTLEMENT_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True)
class SettlementRow:
    settled_on: str
    type: str
    provider_payment_id: str
    reference: str
    amount: int


@dataclass(frozen=True)
class LedgerEntry:
    """One of our online payments, as the read model knows it."""

    payment_id: str
    provider_payment_id: str
    department: str
    amount: int
    captured_amount: int
    status: str
    late_success: bool
    paid_on: str | None  # the city day it was paid


@dataclass(frozen=True)
class ReconciliationLine:
    provider_payment_id: str
    payment_id: str | None
    department: str | None
    our_amount: int | None
    settled_amount: int | None
    our_status: str | None
    late_success: bool


@dataclass
class Reconciliation:
    day: str
    matched: list[ReconciliationLine] = field(default_factory=list)
    missing_in_settlement: list[ReconciliationLine] = field(default_factory=list)
    missing_in_ledger: list[ReconciliationLine] = field(default_factory=list)
    amount_mismatches: list[ReconciliationLine] = field(default_factory=list)
    refund_rows: int = 0  # refund lines of the report (not reconciled yet)

    @property
    def balanced(self) -> bool:
        return not (self.missing_in_settlement or self.missing_in_ledger or self.amount_mismatches)


def _invalid(message: str, message_ja: str) -> ValidationFailed:
    return ValidationFailed([FieldError("settlementCsv", "format", message, message_ja)])


def parse_settlement(text: str) -> list[SettlementRow]:
    """The provider's daily settlement report (CSV with a header naming at least
    :data:`SETTLEMENT_COLUMNS`). Raises ``ValidationFailed`` when malformed."""
    if len(text.encode()) > MAX_SETTLEMENT_BYTES:
        raise _invalid("the settlement report is larger than 5 MB", "精算レポートが大きすぎます（5MBまで）")
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [c for c in SETTLEMENT_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise _invalid(f"the settlement report lacks columns {', '.join(missing)}",
                       "精算レポートの列が足りません")
    rows: list[SettlementRow] = []
    for number, raw in enumerate(reader, start=2):
        try:
            amount = int(str(raw["amount"]).strip())
        except ValueError:
            raise _invalid(f"line {number}: amount is not a whole number of yen",
                           f"{number}行目: 金額が整数ではありません") from None
        ppid = str(raw["provider_payment_id"] or "").strip()
        if not ppid:
            raise _invalid(f"line {number}: provider_payment_id is empty",
                           f"{number}行目: provider_payment_id がありません")
        rows.append(SettlementRow(str(raw["settled_on"]).strip(), str(raw["type"]).strip(), ppid,
                                  str(raw["reference"] or "").strip(), amount))
    return rows


def reconcile(day: date, settlement: Sequence[SettlementRow], ours: Sequence[LedgerEntry],
              department: str | None = None) -> Reconciliation:
    """Compare the provider's captures of ``day`` with our payments: ``ours``
    holds our online payments paid on ``day`` and any other of ours the report
    names. A late success is matched (flagged ``late_success``); a capture we
    hold as failed/expired/cancelled is missing in our ledger; a success of
    ours the report lacks is missing in the settlement. ``department``: only
    lines of our payments of that department (and unknown ones) are shown."""
    report = Reconciliation(day.isoformat())
    by_ppid = {e.provider_payment_id: e for e in ours}
    seen: set[str] = set()
    for row in settlement:
        if row.type != "payment":
            report.refund_rows += row.type == "refund"
            continue
        entry = by_ppid.get(row.provider_payment_id)
        if entry is not None and department and entry.department != department:
            continue
        if entry is None or entry.status != "success" or row.provider_payment_id in seen:
            report.missing_in_ledger.append(ReconciliationLine(
                row.provider_payment_id, entry.payment_id if entry else None,
                entry.department if entry else None,
                entry.captured_amount if entry and entry.status == "success" else None,
                row.amount, entry.status if entry else None, bool(entry and entry.late_success)))
            seen.add(row.provider_payment_id)
            continue
        seen.add(row.provider_payment_id)
        line = ReconciliationLine(row.provider_payment_id, entry.payment_id, entry.department,
                                  entry.captured_amount, row.amount, entry.status, entry.late_success)
        (report.matched if row.amount == entry.captured_amount else report.amount_mismatches).append(line)
    for entry in ours:
        if entry.status != "success" or entry.paid_on != day.isoformat() \
                or entry.provider_payment_id in seen or (department and entry.department != department):
            continue
        report.missing_in_settlement.append(ReconciliationLine(
            entry.provider_payment_id, entry.payment_id, entry.department, entry.captured_amount,
            None, entry.status, entry.late_success))
    return report
