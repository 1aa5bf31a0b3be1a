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
from dataclasses import dataclass
from enum import StrEnum
from typing import Any
from uuid import UUID, uuid5

from domain.privacy.individual_number import individual_number_errors, redact_individual_numbers
from domain.shared.context import CommandContext
from domain.shared.errors import DomainError, FieldError, InvalidTransition, ValidationFailed
from domain.shared.events import Created, Event, RecordedAggregate

PAYMENTS_NAMESPACE = UUID("6a1f0c52-3d4e-4b8f-9a51-2c7e9d0b4f13")

# --- methods and fees -------------------------------------------------------------

ONLINE_METHODS = ("credit_card", "qr_code", "e_money", "pay_easy")
COUNTER_METHODS = ("counter_cash", "counter_card", "counter_qr")
METHODS = ONLINE_METHODS + COUNTER_METHODS
CASHLESS_METHODS = frozenset(METHODS) - {"counter_cash"}
METHOD_LABELS: dict[str, tuple[str, str]] = {
    "credit_card": ("クレジットカード", "Credit card"),
    "qr_code": ("QRコード決済", "QR code payment"),
    "e_money": ("電子マネー", "E-money"),
    "pay_easy": ("ペイジー", "Pay-easy"),
    "counter_cash": ("窓口（現金）", "Counter: cash"),
    "counter_card": ("窓口（カード端末）", "Counter: card terminal"),
    "counter_qr": ("窓口（QRコード）", "Counter: QR code"),
}

# Postage (郵送料) added to a postal request: the city's standard letter rate.
DEFAULT_POSTAGE_YEN = 140
# The answer that says how many copies are asked for; procedures whose form
# counts something else are listed here (procedure code -> field key).
DEFAULT_QUANTITY_FIELD = "copies"
MAX_QUANTITY = 100
RECEIPT_NUMBER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,63}$")


@dataclass(frozen=True)
class Fee:
    unit_yen: int
    quantity: int
    postage_yen: int

    @property
    def total(self) -> int:
        return self.unit_yen * self.quantity + self.postage_yen if self.unit_yen else 0

    def to_dict(self) -> dict[str, int]:
        return {"unit_yen": self.unit_yen, "quantity": self.quantity,
                "postage_yen": self.postage_yen, "total": self.total}


def quantity_from(answers: dict[str, Any], field: str) -> int:
    value = answers.get(field)
    if isinstance(value, bool):
        return 1
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and 1 <= value <= MAX_QUANTITY:
        return value
    return 1


def fee_for(procedure: Any, answers: dict[str, Any], channel: str, *,
            postage_yen: int = DEFAULT_POSTAGE_YEN) -> Fee:
    """The amount due: the procedure's fee × the quantity asked for (the answer
    its ``fee_quantity_field`` names, e.g. ``items`` for 「1点につき520円」, else
    ``copies``; 1 when unanswered), plus postage for a postal request. A
    procedure without a fee costs nothing, by post too."""
    unit = int(procedure.fee_yen)
    field = getattr(procedure, "fee_quantity_field", None) or DEFAULT_QUANTITY_FIELD
    quantity = quantity_from(answers, field)
    postage = postage_yen if channel == "mail" and unit > 0 else 0
    return Fee(unit, quantity, postage)


# --- errors ---------------------------------------------------------------------


class RefundAmountMismatch(DomainError):
    """The refundable amount the caller expected is stale (someone refunded first)."""

    code = "REFUND_AMOUNT_MISMATCH"

    def __init__(self, expected: int, refundable: int) -> None:
        super().__init__(
            f"expected {expected} yen refundable but {refundable} yen is; reload and retry",
            message_ja=f"返金可能額が変わりました（現在 {refundable} 円）。再読み込みしてください",
        )
        self.expected = expected
        self.refundable = refundable


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
REFUND_STATUSES = ("submitted", "success", "error")

PAYMENT_STATUS_LABELS: dict[str, tuple[str, str]] = {
    "created": ("作成済み", "Created"),
    "started": ("手続き中", "Started"),
    "capturable": ("売上確定待ち", "Capturable"),
    "success": ("支払済み", "Paid"),
    "failed": ("失敗", "Failed"),
    "cancelled": ("取消", "Cancelled"),
    "error": ("エラー", "Error"),
}


@dataclass
class Refund:
    id: str
    amount: int
    reason: str
    status: str = "submitted"
    provider_refund_id: str | None = None
    failure: str | None = None


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


class RefundSubmitted(Event):
    refund_id: str
    amount: int
    expected_refundable: int
    reason: str

    def apply(self, aggregate: Payment) -> None:
        aggregate.refunds[self.refund_id] = Refund(self.refund_id, self.amount, self.reason)


class RefundSucceeded(Event):
    refund_id: str
    provider_refund_id: str | None

    def apply(self, aggregate: Payment) -> None:
        refund = aggregate.refunds[self.refund_id]
        refund.status = "success"
        refund.provider_refund_id = self.provider_refund_id


class RefundFailed(Event):
    refund_id: str
    reason: str

    def apply(self, aggregate: Payment) -> None:
        refund = aggregate.refunds[self.refund_id]
        refund.status = "error"
        refund.failure = self.reason


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
        """Whether this payment pays its application's fee: taken and not wholly refunded."""
        return self.status is PaymentStatus.SUCCESS and self.captured_amount - self.refunded > 0

    @property
    def needs_reconciliation(self) -> bool:
        return self.late_success or (self.captures > 0 and self.captured_amount != self.amount)

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
        ``applied``, ``late_success`` or ``ignored`` (stale, or nothing to do)."""
        if kind == "payment.succeeded":
            amount = _whole_yen(data.get("amount"), self.amount)
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


def require_fee(fee: Fee) -> None:
    if fee.total <= 0:
        raise _refuse("this application has no fee to pay", "この申請に手数料はありません")


# --- supporting aggregates: which attempts an application has, provider ids, webhooks --


def ledger_id(application_id: str) -> UUID:
    return uuid5(PAYMENTS_NAMESPACE, f"application-payments:{application_id}")


class PaymentLedgerOpened(Created):
    application_id: str

    def apply(self, aggregate: PaymentLedger) -> None:
        aggregate.application_id = self.application_id
        aggregate.payment_ids = []


class PaymentAttemptAdded(Event):
    payment_id: str

    def apply(self, aggregate: PaymentLedger) -> None:
        aggregate.payment_ids.append(self.payment_id)


class PaymentLedger(RecordedAggregate):
    """The payment attempts of one application, in order. Stored together with
    each new attempt, so two attempts racing for one application conflict."""

    application_id: str
    payment_ids: list[str]

    def __init__(self) -> None:
        """State comes from the events' ``apply`` methods."""

    @classmethod
    def open(cls, ctx: CommandContext, application_id: str) -> PaymentLedger:
        return cls.start(ctx, PaymentLedgerOpened, id=ledger_id(application_id),
                         application_id=application_id)

    def add(self, ctx: CommandContext, payment_id: str) -> None:
        self.record(ctx, PaymentAttemptAdded, payment_id=payment_id)


def check_new_attempt(attempts: list[Payment]) -> str | None:
    """Refuse a new payment while one is open or the fee is paid; else return the
    attempt it supersedes (the last failed, cancelled or errored one), if any."""
    for attempt in attempts:
        if attempt.settles_fee:
            raise _refuse("this application is already paid", "この申請は支払済みです")
        if not attempt.finished:
            raise _refuse("a payment for this application is in progress",
                          "この申請の決済が進行中です")
    return str(attempts[-1].id) if attempts else None


def provider_link_id(provider_payment_id: str) -> UUID:
    return uuid5(PAYMENTS_NAMESPACE, f"provider-payment:{provider_payment_id}")


class ProviderPaymentLinked(Created):
    provider_payment_id: str
    payment_id: str

    def apply(self, aggregate: ProviderPaymentLink) -> None:
        aggregate.provider_payment_id = self.provider_payment_id
        aggregate.payment_id = self.payment_id


class ProviderPaymentLink(RecordedAggregate):
    """Which of our payments a provider's payment id belongs to."""

    provider_payment_id: str
    payment_id: str

    def __init__(self) -> None:
        """State comes from the events' ``apply`` methods."""

    @classmethod
    def link(cls, ctx: CommandContext, provider_payment_id: str, payment_id: str) -> ProviderPaymentLink:
        return cls.start(ctx, ProviderPaymentLinked, id=provider_link_id(provider_payment_id),
                         provider_payment_id=provider_payment_id, payment_id=payment_id)


def webhook_receipt_id(event_id: str) -> UUID:
    return uuid5(PAYMENTS_NAMESPACE, f"webhook-event:{event_id}")


class WebhookEventReceived(Created):
    event_id: str
    type: str
    provider_payment_id: str
    payment_id: str
    outcome: str
    event_created: int

    def apply(self, aggregate: WebhookReceipt) -> None:
        aggregate.event_id = self.event_id
        aggregate.outcome = self.outcome


class WebhookReceipt(RecordedAggregate):
    """A provider event, recorded once: its id is derived from the event id, so a
    second delivery (even racing in another process) cannot be recorded again."""

    event_id: str
    outcome: str

    def __init__(self) -> None:
        """State comes from the events' ``apply`` methods."""

    @classmethod
    def receive(cls, ctx: CommandContext, *, event_id: str, type: str, provider_payment_id: str,
                payment_id: str, outcome: str, event_created: int) -> WebhookReceipt:
        return cls.start(ctx, WebhookEventReceived, id=webhook_receipt_id(event_id),
                         event_id=event_id, type=type, provider_payment_id=provider_payment_id,
                         payment_id=payment_id, outcome=outcome, event_created=event_created)
