"""Payments (決済): the provider port, the commands, and provider webhooks.

Online payments go through a :class:`PaymentProvider` (the port; adapters live
outside this layer). The order of writes makes every step safe to repeat:
the payment (with its application's ledger and, when given, the idempotency
key's record) is stored *before* the provider is asked for a checkout, so of
racing identical requests only one ever reaches the provider.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import Any, Protocol
from uuid import UUID, uuid4

from application.applications.service import ApplicationService
from application.catalogue.service import CatalogueService
from application.shared.access import authorize
from application.shared.eventlog import CityLog
from domain.applications.application import Application
from domain.payments.dues import PaymentDue, auto_refund_id, due_id
from domain.payments.payment import (
    Payment,
    PaymentLedger,
    PaymentRequired,
    ProviderPaymentLink,
    WebhookReceipt,
    check_new_attempt,
    fee_for,
    ledger_id,
    provider_link_id,
    webhook_receipt_id,
)
from domain.shared.context import CommandContext
from domain.shared.errors import Conflict, InvalidTransition, NotFound
from domain.shared.events import RecordedAggregate
from domain.shared.idempotency import IdempotencyRecord, check_key, fingerprint, record_id

# --- the provider port ------------------------------------------------------------


class ProviderError(Exception):
    """The provider failed or refused; no money moved."""


@dataclass(frozen=True)
class Checkout:
    provider_payment_id: str
    next_url: str | None


@dataclass(frozen=True)
class ProviderStatus:
    status: str  # created | started | capturable | success | failed | cancelled | error
    amount: int
    reason: str | None = None


@dataclass(frozen=True)
class ProviderRefund:
    provider_refund_id: str
    status: str  # submitted | success | error


class PaymentProvider(Protocol):
    def create_checkout(self, *, reference: str, amount: int, method: str,
                        description: str) -> Checkout: ...

    def get_status(self, provider_payment_id: str) -> ProviderStatus: ...

    def refund(self, *, provider_payment_id: str, refund_id: str, amount: int) -> ProviderRefund: ...


class NoProvider:
    """Used when no provider is configured: every online payment ends in ``error``."""

    def create_checkout(self, **_: Any) -> Checkout:
        raise ProviderError("no payment provider is configured")

    def get_status(self, provider_payment_id: str) -> ProviderStatus:
        raise ProviderError("no payment provider is configured")

    def refund(self, **_: Any) -> ProviderRefund:
        raise ProviderError("no payment provider is configured")


# --- webhook signatures -------------------------------------------------------------

SIGNATURE_TOLERANCE_SECONDS = 300


class InvalidSignature(Exception):
    pass


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The ``Madoguchi-Signature`` header value for ``body`` sent at ``timestamp``."""
    return f"t={timestamp},v1={_mac(secret, timestamp, body)}"


def _mac(secret: str, timestamp: int, body: bytes) -> str:
    message = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def verify_signature(header: str | None, body: bytes, secrets: Sequence[str], now: float,
                     tolerance: int = SIGNATURE_TOLERANCE_SECONDS) -> int:
    """Check ``t=<unix seconds>,v1=<hex>`` against every active secret (rotation),
    in constant time; the timestamp must be within ``tolerance`` seconds of ``now``.
    Returns the timestamp; raises :class:`InvalidSignature` otherwise."""
    if not header or not secrets:
        raise InvalidSignature("missing signature or no secret configured")
    timestamp: int | None = None
    candidates: list[str] = []
    for part in header.split(","):
        name, _, value = part.strip().partition("=")
        if name == "t" and value.isdigit():
            timestamp = int(value)
        elif name == "v1" and value:
            candidates.append(value.lower())
    if timestamp is None or not candidates:
        raise InvalidSignature("malformed signature header")
    if abs(now - timestamp) > tolerance:
        raise InvalidSignature("timestamp outside the tolerance")
    matched = False
    for secret in secrets:
        expected = _mac(secret, timestamp, body)
        for candidate in candidates:
            matched |= hmac.compare_digest(expected.encode(), candidate.encode())
    if not matched:
        raise InvalidSignature("signature does not match")
    return timestamp


WEBHOOK_TYPES = ("payment.succeeded", "payment.failed", "payment.expired",
                 "refund.succeeded", "refund.failed")


@dataclass(frozen=True)
class ProviderEvent:
    id: str
    type: str
    created: int
    data: dict[str, Any]

    @classmethod
    def parse(cls, document: object) -> ProviderEvent:
        """Raises ``ValueError`` when the document is not a provider event."""
        if not isinstance(document, dict):
            raise ValueError("the body is not a JSON object")
        event_id, kind, created, data = (document.get(k) for k in ("id", "type", "created", "data"))
        if not isinstance(event_id, str) or not 1 <= len(event_id) <= 200:
            raise ValueError("id must be a string of 1-200 characters")
        if not isinstance(kind, str) or not isinstance(created, int) or not isinstance(data, dict):
            raise ValueError("type, created and data are required")
        ppid = data.get("provider_payment_id")
        if not isinstance(ppid, str) or not ppid:
            raise ValueError("data.provider_payment_id is required")
        return cls(event_id, kind, created, data)


@dataclass(frozen=True)
class WebhookOutcome:
    event_id: str
    duplicate: bool
    outcome: str
    payment_id: str | None
    position: int


class UnknownPayment(NotFound):
    code = "UNKNOWN_PAYMENT"


# --- results ------------------------------------------------------------------------


@dataclass(frozen=True)
class PaymentResult:
    id: str
    position: int
    status: str
    next_url: str | None = None
    replayed: bool = False


@dataclass(frozen=True)
class RefundResult:
    id: str
    payment_id: str
    position: int
    status: str
    refundable: int
    replayed: bool = False


@dataclass
class _Claim:
    """The idempotency key a command runs under (None: no key given)."""

    ctx: CommandContext
    operation: str
    key: str
    fingerprint: str
    record: IdempotencyRecord | None = None

    def stamp(self, result_id: str) -> IdempotencyRecord:
        if self.record is None:
            self.record = IdempotencyRecord.claim(
                self.ctx, scope=self.ctx.actor.subject, operation=self.operation, key=self.key,
                fingerprint=self.fingerprint, result_id=result_id)
        else:
            self.record.reclaim(self.ctx, fingerprint=self.fingerprint, result_id=result_id)
        return self.record


class PaymentService:
    RETRIES = 5

    def __init__(self, log: CityLog, catalogue: CatalogueService, applications: ApplicationService,
                 provider: PaymentProvider | None = None, new_id: Callable[[], UUID] = uuid4,
                 replay_wait: float = 2.0) -> None:
        self.log = log
        self.catalogue = catalogue
        self.applications = applications
        self.provider: PaymentProvider = provider or NoProvider()
        self.new_id = new_id
        self.replay_wait = replay_wait

    # -- reading the event-sourced state -------------------------------------------
    def _find(self, cls: type[Any], aggregate_id: UUID) -> Any | None:
        try:
            return self.log.load(cls, aggregate_id, cls.__name__)
        except NotFound:
            return None

    def get(self, payment_id: str) -> Payment:
        try:
            key = UUID(str(payment_id))
        except ValueError:
            raise NotFound("payment not found", message_ja="決済が見つかりません") from None
        return self.log.load(Payment, key, "payment")

    def attempts(self, application_id: str) -> list[Payment]:
        ledger = self._find(PaymentLedger, ledger_id(application_id))
        return [self.get(pid) for pid in ledger.payment_ids] if ledger else []

    def require_paid(self, ctx: CommandContext, application: Application) -> None:
        """A completion guard: a fee-bearing application is completed only once paid."""
        procedure = self.catalogue.get_procedure(application.procedure_code)
        fee = fee_for(procedure, application.answers, application.channel)
        if fee.total <= 0:
            return
        if not any(p.settles_fee for p in self.attempts(str(application.id))):
            raise PaymentRequired(
                f"the fee of {fee.total} yen has not been paid",
                message_ja=f"手数料 {fee.total} 円の支払いが確認できません",
            )

    # -- idempotency -----------------------------------------------------------------
    def _idempotent(self, ctx: CommandContext, operation: str, key: str | None,
                    params: dict[str, Any], run: Callable[[_Claim | None], dict[str, Any]]) -> dict[str, Any]:
        if key is None:
            return run(None)
        check_key(key)
        print_ = fingerprint(operation, params)
        rid = record_id(ctx.actor.subject, operation, key)
        for attempt in range(self.RETRIES):
            record = self._find(IdempotencyRecord, rid)
            if record is not None and not record.expired(ctx.occurred_at):
                record.require_same(print_)
                return self._replay(rid, record)
            claim = _Claim(ctx, operation, key, print_, record)
            try:
                response = run(claim)
            except (Conflict, InvalidTransition) as e:
                # A racing request with the same key may have won: replay its answer.
                raced = self._find(IdempotencyRecord, rid)
                won = raced is not None and not raced.expired(ctx.occurred_at) and raced.version != (
                    record.version if record else 0)
                if (won or isinstance(e, Conflict)) and attempt < self.RETRIES - 1:
                    continue
                raise
            if claim.record is not None:
                claim.record.answer(ctx, response)
                self.log.store(claim.record)
            return response
        raise Conflict("too many concurrent requests; retry")  # pragma: no cover

    def _replay(self, rid: UUID, record: IdempotencyRecord) -> dict[str, Any]:
        deadline = time.monotonic() + self.replay_wait
        while record.response is None and time.monotonic() < deadline:
            time.sleep(0.01)  # the first request is still at the provider
            record = self._find(IdempotencyRecord, rid) or record
        if record.response is None:
            raise Conflict("the first request with this Idempotency-Key is still running; retry",
                           message_ja="同じ Idempotency-Key の処理中です。しばらくして再試行してください")
        return {**record.response, "replayed": True}

    # -- commands ----------------------------------------------------------------------
    def _application(self, ctx: CommandContext, operation: str, application_id: str) -> Application:
        authorize(ctx.actor, operation)  # the role first: no hint whether the id exists
        application = self.applications.get(application_id)
        authorize(ctx.actor, operation, department=application.department,
                  owner=application.applicant_subject)
        if application.status.is_final:
            raise InvalidTransition(
                f"a {application.status.value} application takes no payment",
                message_ja=f"「{application.status.label_ja}」の申請には支払いできません")
        return application

    def create_payment(self, ctx: CommandContext, application_id: str, method: str,
                       idempotency_key: str | None = None) -> PaymentResult:
        """An online payment: returns its id and the provider's page (``next_url``)."""
        application = self._application(ctx, "createPayment", application_id)
        params = {"applicationId": str(application.id), "method": method}

        def run(claim: _Claim | None) -> dict[str, Any]:
            procedure = self.catalogue.get_procedure(application.procedure_code)
            fee = fee_for(procedure, application.answers, application.channel)
            ledger, supersedes = self._ledger(ctx, str(application.id))
            payment = Payment.create(
                ctx, id=self.new_id(), application_id=str(application.id),
                department=application.department, procedure_code=application.procedure_code,
                applicant_subject=application.applicant_subject, method=method, fee=fee,
                supersedes=supersedes)
            ledger.add(ctx, str(payment.id))
            extra = [claim.stamp(str(payment.id))] if claim else []
            position = self.log.store(ledger, payment, *extra)
            try:
                checkout = self.provider.create_checkout(
                    reference=str(payment.id), amount=payment.amount, method=method,
                    description=procedure.name_ja)
            except ProviderError as e:
                payment.error(ctx, str(e))
                position = self.log.store(payment)
            else:
                payment.start_checkout(ctx, checkout.provider_payment_id, checkout.next_url)
                link = ProviderPaymentLink.link(ctx, checkout.provider_payment_id, str(payment.id))
                position = self.log.store(payment, link)
            return asdict(PaymentResult(str(payment.id), position, payment.status.value,
                                        payment.next_url))

        return PaymentResult(**self._idempotent(ctx, "createPayment", idempotency_key, params, run))

    def record_counter_payment(self, ctx: CommandContext, application_id: str, method: str,
                               receipt_number: str, idempotency_key: str | None = None) -> PaymentResult:
        """Staff record a fee paid at the counter (cash, card terminal, QR code)."""
        application = self._application(ctx, "recordCounterPayment", application_id)
        params = {"applicationId": str(application.id), "method": method,
                  "receiptNumber": receipt_number}

        def run(claim: _Claim | None) -> dict[str, Any]:
            procedure = self.catalogue.get_procedure(application.procedure_code)
            fee = fee_for(procedure, application.answers, application.channel)
            ledger, supersedes = self._ledger(ctx, str(application.id))
            payment = Payment.record_at_counter(
                ctx, id=self.new_id(), application_id=str(application.id),
                department=application.department, procedure_code=application.procedure_code,
                applicant_subject=application.applicant_subject, method=method, fee=fee,
                receipt_number=receipt_number, supersedes=supersedes)
            ledger.add(ctx, str(payment.id))
            extra = [claim.stamp(str(payment.id))] if claim else []
            position = self.log.store(ledger, payment, *extra)
            return asdict(PaymentResult(str(payment.id), position, payment.status.value))

        return PaymentResult(**self._idempotent(ctx, "recordCounterPayment", idempotency_key, params, run))

    def _ledger(self, ctx: CommandContext, application_id: str) -> tuple[PaymentLedger, str | None]:
        ledger = self._find(PaymentLedger, ledger_id(application_id))
        if ledger is None:
            return PaymentLedger.open(ctx, application_id), None
        supersedes = check_new_attempt([self.get(pid) for pid in ledger.payment_ids])
        return ledger, supersedes

    def cancel_payment(self, ctx: CommandContext, payment_id: str, reason: str = "") -> PaymentResult:
        authorize(ctx.actor, "cancelPayment")
        payment = self.get(payment_id)
        authorize(ctx.actor, "cancelPayment", department=payment.department)
        payment.cancel(ctx, reason)
        position = self.log.store(payment)
        return PaymentResult(str(payment.id), position, payment.status.value, payment.next_url)

    def request_refund(self, ctx: CommandContext, payment_id: str, amount: int,
                       expected_refundable: int, reason: str = "",
                       idempotency_key: str | None = None) -> RefundResult:
        """A full or partial refund; ``expected_refundable`` must be what is still
        refundable now, else ``REFUND_AMOUNT_MISMATCH``."""
        authorize(ctx.actor, "requestRefund")
        payment = self.get(payment_id)
        authorize(ctx.actor, "requestRefund", department=payment.department)
        params = {"paymentId": str(payment.id), "amount": amount,
                  "expectedRefundable": expected_refundable, "reason": reason}

        def run(claim: _Claim | None) -> dict[str, Any]:
            current = self.get(payment_id)
            refund_id = str(self.new_id())
            current.request_refund(ctx, refund_id=refund_id, amount=amount,
                                   expected_refundable=expected_refundable, reason=reason)
            extra = [claim.stamp(refund_id)] if claim else []
            position = self.log.store(current, *extra)
            if current.at_counter:  # handed back at the counter
                position = self._update(current.id, lambda p: p.refund_succeeded(ctx, refund_id))
            else:
                position = self._send_refund(ctx, current, refund_id, amount) or position
            after = self.get(payment_id)
            return asdict(RefundResult(refund_id, str(after.id), position,
                                       after.refunds[refund_id].status, after.refundable))

        return RefundResult(**self._idempotent(ctx, "requestRefund", idempotency_key, params, run))

    def _send_refund(self, ctx: CommandContext, payment: Payment, refund_id: str,
                     amount: int) -> int | None:
        """Ask the provider for a submitted refund (it dedupes on ``refund_id``) and
        record its answer; None when it answered ``submitted`` (a webhook follows)."""
        try:
            answer = self.provider.refund(provider_payment_id=payment.provider_payment_id or "",
                                          refund_id=refund_id, amount=amount)
        except ProviderError as e:
            failure = str(e) or "provider error"
            return self._update(payment.id, lambda p: p.refund_failed(ctx, refund_id, failure))
        if answer.status == "success":
            return self._update(payment.id, lambda p: p.refund_succeeded(
                ctx, refund_id, answer.provider_refund_id))
        if answer.status == "error":
            return self._update(payment.id, lambda p: p.refund_failed(
                ctx, refund_id, "refused by the provider"))
        return None

    # -- the payment process (application/payments/process.py) -------------------------
    def request_due(self, ctx: CommandContext, application: Application) -> bool:
        """Record that a fee-bearing application's fee is due; False when it has
        no fee or the due was recorded already (a re-run)."""
        procedure = self.catalogue.get_procedure(application.procedure_code)
        fee = fee_for(procedure, application.answers, application.channel)
        if fee.total <= 0 or self.log.exists(due_id(str(application.id))):
            return False
        due = PaymentDue.request(ctx, application_id=str(application.id),
                                 department=application.department,
                                 procedure_code=application.procedure_code, fee=fee)
        try:
            self.log.store(due)
        except Conflict:  # recorded meanwhile
            return False
        return True

    def settle_due(self, ctx: CommandContext, payment: Payment) -> bool:
        """Record that ``payment`` paid its application's fee (once)."""
        for attempt in range(self.RETRIES):
            due = self._find(PaymentDue, due_id(payment.application_id))
            if due is None or not due.settle(ctx, str(payment.id), payment.captured_amount):
                return False
            try:
                self.log.store(due)
                return True
            except Conflict:
                if attempt == self.RETRIES - 1:
                    raise
        return False  # pragma: no cover

    def refund_closed(self, ctx: CommandContext, application_id: str, reason: str) -> list[str]:
        """Refund in full every online payment of a rejected or withdrawn
        application, once: each refund has an id derived from its payment, so a
        re-run finds it recorded and only re-sends it to the provider while it is
        still ``submitted`` (the provider dedupes on the refund id). Counter
        payments are handed back at the counter by staff (``requestRefund``).
        Returns the ids of the refunds sent."""
        sent: list[str] = []
        for attempt in self.attempts(application_id):
            if attempt.at_counter:
                continue
            refund_id = auto_refund_id(str(attempt.id))
            payment = self._submit_refund(ctx, attempt.id, refund_id, reason)
            if payment is None or payment.refunds[refund_id].status != "submitted":
                continue
            self._send_refund(ctx, payment, refund_id, payment.refunds[refund_id].amount)
            sent.append(refund_id)
        return sent

    def _submit_refund(self, ctx: CommandContext, payment_id: UUID, refund_id: str,
                       reason: str) -> Payment | None:
        for attempt in range(self.RETRIES):
            payment = self.get(str(payment_id))
            if refund_id in payment.refunds:
                return payment
            if payment.refundable <= 0:
                return None
            payment.request_refund(ctx, refund_id=refund_id, amount=payment.refundable,
                                   expected_refundable=payment.refundable, reason=reason)
            try:
                self.log.store(payment)
                return payment
            except Conflict:  # a provider event changed it meanwhile: decide again
                if attempt == self.RETRIES - 1:
                    raise
        return None  # pragma: no cover

    def _update(self, payment_id: UUID, change: Callable[[Payment], Any]) -> int:
        """Apply ``change`` to the latest payment and store it, retrying when a
        provider event changed the payment meanwhile."""
        for attempt in range(self.RETRIES):
            payment = self.get(str(payment_id))
            change(payment)
            try:
                return self.log.store(payment)
            except Conflict:
                if attempt == self.RETRIES - 1:
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

    # -- provider webhooks --------------------------------------------------------------
    def handle_provider_event(self, ctx: CommandContext, event: ProviderEvent) -> WebhookOutcome:
        """Apply a verified provider event once: a repeated delivery changes nothing."""
        receipt_id = webhook_receipt_id(event.id)
        ppid = str(event.data["provider_payment_id"])
        for attempt in range(self.RETRIES):
            if self.log.exists(receipt_id):
                return WebhookOutcome(event.id, True, "duplicate", None, self.log.head())
            link = self._find(ProviderPaymentLink, provider_link_id(ppid))
            if link is None:
                raise UnknownPayment(f"no payment has provider id {ppid}")
            payment = self.get(link.payment_id)
            outcome = payment.on_provider_event(ctx, event.type, event.data)
            receipt = WebhookReceipt.receive(
                ctx, event_id=event.id, type=event.type, provider_payment_id=ppid,
                payment_id=link.payment_id, outcome=outcome, event_created=event.created)
            aggregates: list[RecordedAggregate] = [receipt, payment]
            try:
                position = self.log.store(*aggregates)
            except Conflict:
                if attempt == self.RETRIES - 1:
                    raise
                continue
            return WebhookOutcome(event.id, False, outcome, link.payment_id, position)
        raise AssertionError("unreachable")  # pragma: no cover
