"""Reconciliation (突合) against the provider's daily settlement report.

The report lists the day's captures (``payment`` rows, positive amounts) and
refunds (``refund`` rows, negative amounts, with the provider's refund id when
it gives one). We compare them with our ledger, as the payments read model
knows it:

- captures with our successful online payments paid that day;
- refunds with our successful refunds completed that day.

Each side's lines are matched, missing on the other side, or of another amount.
Driven by ``madoguchi payments reconcile`` and the ``paymentReconciliation``
query; it reads, it never changes a payment.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from domain.shared.errors import FieldError, ValidationFailed

SETTLEMENT_COLUMNS = ("settled_on", "type", "provider_payment_id", "reference", "amount")
OPTIONAL_COLUMNS = ("provider_refund_id",)
MAX_SETTLEMENT_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True)
class SettlementRow:
    settled_on: str
    type: str  # payment | refund
    provider_payment_id: str
    reference: str
    amount: int  # 円; negative for refunds
    provider_refund_id: str = ""


@dataclass(frozen=True)
class RefundEntry:
    """One of our refunds of a payment, as the read model knows it."""

    refund_id: str
    provider_refund_id: str | None
    amount: int
    status: str  # submitted | success | error
    refunded_on: str | None  # the city day it succeeded


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
    refunds: tuple[RefundEntry, ...] = ()


@dataclass(frozen=True)
class ReconciliationLine:
    provider_payment_id: str
    payment_id: str | None
    department: str | None
    our_amount: int | None
    settled_amount: int | None
    our_status: str | None
    late_success: bool


@dataclass(frozen=True)
class RefundLine:
    provider_payment_id: str
    payment_id: str | None
    refund_id: str | None  # ours; None when the report names a refund we do not know
    provider_refund_id: str | None
    department: str | None
    our_amount: int | None  # 円 refunded, positive
    settled_amount: int | None  # 円 refunded per the report, positive
    our_status: str | None


@dataclass
class Reconciliation:
    day: str
    matched: list[ReconciliationLine] = field(default_factory=list)
    missing_in_settlement: list[ReconciliationLine] = field(default_factory=list)
    missing_in_ledger: list[ReconciliationLine] = field(default_factory=list)
    amount_mismatches: list[ReconciliationLine] = field(default_factory=list)
    refunds_matched: list[RefundLine] = field(default_factory=list)
    refunds_missing_in_settlement: list[RefundLine] = field(default_factory=list)
    refunds_missing_in_ledger: list[RefundLine] = field(default_factory=list)
    refund_amount_mismatches: list[RefundLine] = field(default_factory=list)
    refund_rows: int = 0  # refund lines in the report

    @property
    def balanced(self) -> bool:
        return not (self.missing_in_settlement or self.missing_in_ledger or self.amount_mismatches
                    or self.refunds_missing_in_settlement or self.refunds_missing_in_ledger
                    or self.refund_amount_mismatches)


def _invalid(message: str, message_ja: str) -> ValidationFailed:
    return ValidationFailed([FieldError("settlementCsv", "format", message, message_ja)])


def parse_settlement(text: str) -> list[SettlementRow]:
    """The provider's daily settlement report (CSV with a header naming at least
    :data:`SETTLEMENT_COLUMNS`, optionally :data:`OPTIONAL_COLUMNS`). Raises
    ``ValidationFailed`` when malformed."""
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
        kind = str(raw["type"]).strip()
        if kind == "refund" and amount > 0:
            raise _invalid(f"line {number}: a refund amount must be negative",
                           f"{number}行目: 返金の金額は負の値です")
        rows.append(SettlementRow(str(raw["settled_on"]).strip(), kind, ppid,
                                  str(raw["reference"] or "").strip(), amount,
                                  str(raw.get("provider_refund_id") or "").strip()))
    return rows


def reconcile(day: date, settlement: Sequence[SettlementRow], ours: Sequence[LedgerEntry],
              department: str | None = None) -> Reconciliation:
    """Compare the provider's report of ``day`` with our ledger: ``ours`` holds
    our online payments paid or refunded on ``day`` and any other of ours the
    report names. A late success is matched (flagged ``late_success``); a capture
    we hold as failed/expired/cancelled is missing in our ledger; a success of
    ours the report lacks is missing in the settlement; refunds likewise.
    ``department``: only lines of our payments of that department (and unknown
    ones) are shown."""
    report = Reconciliation(day.isoformat())
    by_ppid = {e.provider_payment_id: e for e in ours}
    seen: set[str] = set()
    refund_rows = []
    for row in settlement:
        if row.type == "refund":
            refund_rows.append(row)
            continue
        if row.type != "payment":
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
    report.refund_rows = len(refund_rows)
    _reconcile_refunds(report, day, refund_rows, by_ppid, department)
    return report


def _reconcile_refunds(report: Reconciliation, day: date, rows: list[SettlementRow],
                       by_ppid: dict[str, LedgerEntry], department: str | None) -> None:
    """A report row is ours when it names our refund's provider id; otherwise it
    takes the first unmatched successful refund of that payment with its amount
    (else of any amount, to show the difference)."""
    used: set[tuple[str, str]] = set()
    for row in rows:
        entry = by_ppid.get(row.provider_payment_id)
        if entry is not None and department and entry.department != department:
            continue
        settled = -row.amount
        refund = _find_refund(entry, row, settled, used) if entry else None
        if entry is None or refund is None or refund.status != "success":
            report.refunds_missing_in_ledger.append(RefundLine(
                row.provider_payment_id, entry.payment_id if entry else None,
                refund.refund_id if refund else None, row.provider_refund_id or None,
                entry.department if entry else None, refund.amount if refund else None, settled,
                refund.status if refund else None))
            if refund is not None and entry is not None:
                used.add((entry.payment_id, refund.refund_id))
            continue
        used.add((entry.payment_id, refund.refund_id))
        line = RefundLine(row.provider_payment_id, entry.payment_id, refund.refund_id,
                          refund.provider_refund_id or row.provider_refund_id or None, entry.department,
                          refund.amount, settled, refund.status)
        (report.refunds_matched if refund.amount == settled else report.refund_amount_mismatches).append(line)
    for entry in by_ppid.values():
        if department and entry.department != department:
            continue
        for refund in entry.refunds:
            if refund.status != "success" or refund.refunded_on != day.isoformat() \
                    or (entry.payment_id, refund.refund_id) in used:
                continue
            report.refunds_missing_in_settlement.append(RefundLine(
                entry.provider_payment_id, entry.payment_id, refund.refund_id, refund.provider_refund_id,
                entry.department, refund.amount, None, refund.status))


def _find_refund(entry: LedgerEntry, row: SettlementRow, settled: int,
                 used: set[tuple[str, str]]) -> RefundEntry | None:
    free = [r for r in entry.refunds if (entry.payment_id, r.refund_id) not in used]
    if row.provider_refund_id:
        exact = next((r for r in free if r.provider_refund_id == row.provider_refund_id), None)
        if exact is not None:
            return exact
        free = [r for r in free if not r.provider_refund_id]  # one we know no provider id of
    done = [r for r in free if r.status == "success"]
    return next((r for r in done if r.amount == settled), done[0] if done else None)
