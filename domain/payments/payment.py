"""Payment (決済): one attempt to collect an application's fee, online through a
payment provider or at the counter, and its refunds.

States follow GOV.UK Pay: ``created`` → ``started`` → (``capturable``) →
``success``; or ``failed`` (declined, expired, or cancelled by the citizen),
``cancelled`` (by the city), ``error`` (provider error, no money taken). A
payment is *finished* in any of the last four. Money is whole yen (``int``).

Provider events may arrive late, twice or out of order: a stale one never moves
a payment backwards, and a success reported after the payment had failed,
expired, been cancelled or errored is kept as ``LateSuccessRecorded`` (the
money was taken) and flagged for reconciliation.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Any
from uuid import UUID

from domain.payments.fees import COUNTER_METHODS, ONLINE_METHODS, Fee, require_fee
from domain.payments.refunds import Refund, RefundAmountMismatch, RefundFailed, RefundSubmitted, RefundSucceeded
from domain.privacy.individual_number import individual_number_errors, redact_individual_numbers
from domain.shared.context import CommandContext
from domain.shared.errors import DomainError, FieldError, InvalidTransition, ValidationFailed
from domain.shared.events import Created, Event, RecordedAggregate

PAYMENTS_NAMESPACE = UUID("6a1f0c52-3d4e-4b8f-9a51-2c7e9d0b4f13")

RECEIPT_NUMBER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,63}$")


class PaymentRequired(DomainError):
    code = "PAYMENT_REQUIRED"


# --- states -----------------------------------------------------------------------


class PaymentStatus(StrEnum):
    CREATED = "created"
    STARTED = "started"
    CAPTURABLE = "capturable"
    SUCCESS = "success"
    FAILED = "failed"
    CANCELLED = "cancelled"
    ERROR = "error"

    @property
    def finished(self) -> bool:
        return self in FINISHED


FINISHED = frozenset({PaymentStatus.SUCCESS, PaymentStatus.FAILED, PaymentStatus.CANCELLED,
                      PaymentStatus.ERROR})
OPEN = frozenset(PaymentStatus) - FINISHED
FAILURE_REASONS = ("declined", "expired", "cancelled_by_citizen")

PAYMENT_STATUS_LABELS: dict[str, tuple[str, str]] = {
    "created": ("作成済み", "Created"),
    "started": ("手続き中", "Started"),
    "capturable": ("売上確定待ち", "Capturable"),
    "success": ("支払済み", "Paid"),
    "failed": ("失敗", "Failed"),
    "cancelled": ("取消", "Cancelled"),
    "error": ("エラー", "Error"),
}


# --- events -----------------------------------------------------------------------


class _Opened(Created):
    application_id: str
    department: str
    procedure_code: str
    applicant_subject: str | None
    method: str
    amount: int
    fee: dict[str, int]
    supersedes: str | None

    def _open(self, aggregate: Payment) -> None:
        aggregate.application_id = self.application_id
        aggregate.department = self.department
        aggregate.procedure_code = self.procedure_code
        aggregate.applicant_subject = self.applicant_subject
        aggregate.method = self.method
        aggregate.amount = self.amount
        aggregate.fee = dict(self.fee)
        aggregate.supersedes = self.supersedes
        aggregate.provider_payment_id = None
        aggregate.next_url = None
        aggregate.receipt_number = None
        aggregate.failure_reason = None
        aggregate.captured_amount = 0
        aggregate.captures = 0
        aggregate.late_success = False
        aggregate.amount_mismatch = False
        aggregate.refunds = {}


class PaymentCreated(_Opened):
    def apply(self, aggregate: Payment) -> None:
        self._open(aggregate)
        aggregate.status = PaymentStatus.CREATED


class CounterPaymentRecorded(_Opened):
    receipt_number: str

    def apply(self, aggregate: Payment) -> None:
        self._open(aggregate)
        aggregate.receipt_number = self.receipt_number
        aggregate.status = PaymentStatus.SUCCESS
        aggregate.captured_amount = self.amount
        aggregate.captures = 1


class PaymentStarted(Event):
    provider_payment_id: str
    next_url: str | None

    def apply(self, aggregate: Payment) -> None:
        aggregate.provider_payment_id = self.provider_payment_id
        aggregate.next_url = self.next_url
        aggregate.status = PaymentStatus.STARTED


class PaymentAuthorised(Event):
    def apply(self, aggregate: Payment) -> None:
        aggregate.status = PaymentStatus.CAPTURABLE


class PaymentSucceeded(Event):
    amount: int

    def apply(self, aggregate: Payment) -> None:
        aggregate.status = PaymentStatus.SUCCESS
        aggregate.captured_amount = self.amount
        aggregate.captures += 1


class PaymentFailed(Event):
    reason: str

    def apply(self, aggregate: Payment) -> None:
        aggregate.status = PaymentStatus.FAILED
        aggregate.failure_reason = self.reason


class PaymentExpired(Event):
    def apply(self, aggregate: Payment) -> None:
        aggregate.status = PaymentStatus.FAILED
        aggregate.failure_reason = "expired"


class PaymentCancelled(Event):
    reason: str

    def apply(self, aggregate: Payment) -> None:
        aggregate.status = PaymentStatus.CANCELLED


class PaymentErrored(Event):
    message: str

    def apply(self, aggregate: Payment) -> None:
        aggregate.status = PaymentStatus.ERROR
        aggregate.failure_reason = None


class LateSuccessRecorded(Event):
    """The provider took the money after we had given the payment up."""

    amount: int
    previous_status: str
    previous_reason: str | None

    def apply(self, aggregate: Payment) -> None:
        aggregate.status = PaymentStatus.SUCCESS
        aggregate.captured_amount = self.amount
        aggregate.captures += 1
        aggregate.late_success = True


class PaymentAmountMismatched(Event):
    """The provider reports a capture of another amount than the payment's: the
    money taken is recorded (so it can be refunded), but the fee is not settled
    and the payment is flagged for reconciliation."""

    amount: int  # what the provider says it took
    expected: int
    previous_status: str

    def apply(self, aggregate: Payment) -> None:
        aggregate.status = PaymentStatus.SUCCESS
        aggregate.captured_amount = self.amount
        aggregate.captures += 1
        aggregate.amount_mismatch = True


# --- the aggregate ----------------------------------------------------------------


def _refuse(message: str, message_ja: str) -> InvalidTransition:
    return InvalidTransition(message, message_ja=message_ja)


class Payment(RecordedAggregate):
    application_id: str
    department: str
    procedure_code: str
    applicant_subject: str | None
    method: str
    amount: int
    fee: dict[str, int]
    supersedes: str | None
    status: PaymentStatus
    provider_payment_id: str | None
    next_url: str | None
    receipt_number: str | None
    failure_reason: str | None
    captured_amount: int
    captures: int
    late_success: bool
    amount_mismatch: bool  # captured another amount than due (PaymentAmountMismatched)
    refunds: dict[str, Refund]

    def __init__(self) -> None:
        """State comes from the events' ``apply`` methods."""

    @classmethod
    def create(cls, ctx: CommandContext, *, id: UUID, application_id: str, department: str,
               procedure_code: str, applicant_subject: str | None, method: str, fee: Fee,
               supersedes: str | None = None) -> Payment:
        if method not in ONLINE_METHODS:
            raise _method_error(ONLINE_METHODS)
        require_fee(fee)
        return cls.start(ctx, PaymentCreated, id=id, application_id=application_id,
                         department=department, procedure_code=procedure_code,
                         applicant_subject=applicant_subject, method=method, amount=fee.total,
                         fee=fee.to_dict(), supersedes=supersedes)

    @classmethod
    def record_at_counter(cls, ctx: CommandContext, *, id: UUID, application_id: str,
                          department: str, procedure_code: str, applicant_subject: str | None,
                          method: str, fee: Fee, receipt_number: str,
                          supersedes: str | None = None) -> Payment:
        errors: list[FieldError] = []
        if method not in COUNTER_METHODS:
            errors += _method_error(COUNTER_METHODS).errors
        if not isinstance(receipt_number, str) or not RECEIPT_NUMBER.match(receipt_number.strip()):
            errors.append(FieldError("receiptNumber", "pattern",
                                     "a receipt number is 1-64 letters, digits or hyphens",
                                     "領収書番号は英数字・ハイフン64文字以内で入力してください"))
        if errors:
            raise ValidationFailed(errors)
        require_fee(fee)
        return cls.start(ctx, CounterPaymentRecorded, id=id, application_id=application_id,
                         department=department, procedure_code=procedure_code,
                         applicant_subject=applicant_subject, method=method, amount=fee.total,
                         fee=fee.to_dict(), supersedes=supersedes,
                         receipt_number=receipt_number.strip())

    # -- queries ---------------------------------------------------------------
    @property
    def finished(self) -> bool:
        return self.status.finished

    @property
    def at_counter(self) -> bool:
        return self.method in COUNTER_METHODS

    @property
    def refunded(self) -> int:
        return sum(r.amount for r in self.refunds.values() if r.status == "success")

    @property
    def refundable(self) -> int:
        """What may still be refunded: captured, less refunds submitted or done."""
        if self.status is not PaymentStatus.SUCCESS:
            return 0
        held = sum(r.amount for r in self.refunds.values() if r.status != "error")
        return self.captured_amount - held

    @property
    def settles_fee(self) -> bool:
        """Whether this payment pays its application's fee: taken in full (the amount
        due, not another) and not wholly refunded."""
        return (self.status is PaymentStatus.SUCCESS and not self.amount_mismatch
                and self.captured_amount - self.refunded > 0)

    @property
    def needs_reconciliation(self) -> bool:
        return self.late_success or self.amount_mismatch or (
            self.captures > 0 and self.captured_amount != self.amount)

    # -- commands from the service -------------------------------------------------
    def start_checkout(self, ctx: CommandContext, provider_payment_id: str, next_url: str | None) -> None:
        if self.status is not PaymentStatus.CREATED:
            raise _refuse(f"payment is {self.status.value}, not created", "この決済は開始できません")
        self.record(ctx, PaymentStarted, provider_payment_id=provider_payment_id, next_url=next_url)

    def error(self, ctx: CommandContext, message: str) -> None:
        if self.finished:
            raise _refuse(f"payment is already {self.status.value}", "この決済は終了しています")
        self.record(ctx, PaymentErrored, message=message[:500])

    def cancel(self, ctx: CommandContext, reason: str = "") -> None:
        if self.finished:
            raise _refuse(f"a {self.status.value} payment cannot be cancelled",
                          "終了した決済は取り消せません")
        if errors := individual_number_errors(reason or "", "reason"):
            raise ValidationFailed(errors)
        self.record(ctx, PaymentCancelled, reason=(reason or "")[:2000])

    def request_refund(self, ctx: CommandContext, *, refund_id: str, amount: int,
                       expected_refundable: int, reason: str = "") -> None:
        if self.status is not PaymentStatus.SUCCESS:
            raise _refuse("only a successful payment can be refunded",
                          "支払済みの決済のみ返金できます")
        if expected_refundable != self.refundable:
            raise RefundAmountMismatch(expected_refundable, self.refundable)
        if errors := individual_number_errors(reason or "", "reason"):
            raise ValidationFailed(errors)
        if not isinstance(amount, int) or isinstance(amount, bool) or not 1 <= amount <= self.refundable:
            raise ValidationFailed([FieldError(
                "amount", "range", f"the refund must be 1 to {self.refundable} yen",
                f"返金額は1〜{self.refundable}円で指定してください",
                {"min": 1, "max": self.refundable})])
        self.record(ctx, RefundSubmitted, refund_id=refund_id, amount=amount,
                    expected_refundable=expected_refundable, reason=(reason or "")[:2000])

    def refund_succeeded(self, ctx: CommandContext, refund_id: str,
                         provider_refund_id: str | None = None) -> bool:
        refund = self.refunds.get(refund_id)
        if refund is None or refund.status != "submitted":
            return False
        self.record(ctx, RefundSucceeded, refund_id=refund_id, provider_refund_id=provider_refund_id)
        return True

    def refund_failed(self, ctx: CommandContext, refund_id: str, reason: str) -> bool:
        refund = self.refunds.get(refund_id)
        if refund is None or refund.status != "submitted":
            return False
        text = redact_individual_numbers(reason or "provider")[:500]
        self.record(ctx, RefundFailed, refund_id=refund_id, reason=text)
        return True

    # -- what the provider reports -------------------------------------------------
    def on_provider_event(self, ctx: CommandContext, kind: str, data: dict[str, Any]) -> str:
        """Apply a provider's (verified, first-seen) event; return what it did:
        ``applied``, ``late_success``, ``amount_mismatch`` or ``ignored`` (stale, or
        nothing to do)."""
        if kind == "payment.succeeded":
            amount = _whole_yen(data.get("amount"), self.amount)
            if self.status is PaymentStatus.SUCCESS:
                return "ignored"  # never capture twice
            if amount != self.amount:  # underpaid (or over): recorded, never settles the fee
                self.record(ctx, PaymentAmountMismatched, amount=amount, expected=self.amount,
                            previous_status=self.status.value)
                return "amount_mismatch"
            if self.status in OPEN:
                self.record(ctx, PaymentSucceeded, amount=amount)
                return "applied"
            if self.status is PaymentStatus.SUCCESS:
                return "ignored"  # never capture twice
            self.record(ctx, LateSuccessRecorded, amount=amount, previous_status=self.status.value,
                        previous_reason=self.failure_reason)
            return "late_success"
        if kind == "payment.authorised":
            if self.status in (PaymentStatus.CREATED, PaymentStatus.STARTED):
                self.record(ctx, PaymentAuthorised)
                return "applied"
            return "ignored"
        if kind in ("payment.failed", "payment.expired"):
            if self.finished:
                return "ignored"
            if kind == "payment.expired":
                self.record(ctx, PaymentExpired)
            else:
                self.record(ctx, PaymentFailed, reason=failure_reason(data.get("reason")))
            return "applied"
        refund_id = str(data.get("refund_id") or "")
        if kind == "refund.succeeded":
            done = self.refund_succeeded(ctx, refund_id, _text(data.get("provider_refund_id")))
            return "applied" if done else "ignored"
        if kind == "refund.failed":
            done = self.refund_failed(ctx, refund_id, _text(data.get("reason")) or "provider")
            return "applied" if done else "ignored"
        return "ignored"


def failure_reason(value: object) -> str:
    if value in ("cancelled", "cancelled_by_citizen", "user_cancelled"):
        return "cancelled_by_citizen"
    if value == "expired":
        return "expired"
    return "declined"


def _whole_yen(value: object, default: int) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    return default


def _text(value: object) -> str | None:
    return str(value)[:200] if value not in (None, "") else None


def _method_error(allowed: tuple[str, ...]) -> ValidationFailed:
    return ValidationFailed([FieldError(
        "method", "choice", f"method must be one of {', '.join(allowed)}",
        "この支払方法は選べません", {"allowed": list(allowed)})])
