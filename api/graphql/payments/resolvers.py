"""GraphQL for payments (決済): online and counter payments, refunds, and the
read models (payment status per application, daily totals, cashless share).

``createPayment``, ``recordCounterPayment`` and ``requestRefund`` honour the
``Idempotency-Key`` HTTP header (kept 24 hours)."""

from __future__ import annotations

from datetime import date
from enum import Enum

import strawberry
from strawberry.types import Info

from api.graphql.shared.context import ApiContext
from api.graphql.shared.errors import ApiError
from api.graphql.shared.types import Label
from application.shared.access import Rule, authorize
from domain.payments.dues import ApplicationPaymentStatus
from domain.payments.payment import (
    METHOD_LABELS,
    PAYMENT_STATUS_LABELS,
    RefundAmountMismatch,
)
from domain.shared.errors import Forbidden, NotFound
from projections.payments import payments as model

PAYMENTS = (model.Payments.name,)

PaymentMethodEnum = strawberry.enum(
    Enum("PaymentMethod", {m.upper(): m for m in METHOD_LABELS}),
    description="支払方法 / payment method (COUNTER_* are recorded by staff at the counter)",
)
PaymentStatusEnum = strawberry.enum(
    Enum("PaymentStatus", {s.upper(): s for s in PAYMENT_STATUS_LABELS}),
    description="決済の状態 / payment status (GOV.UK Pay's states)",
)


ApplicationPaymentStatusEnum = strawberry.enum(
    Enum("ApplicationPaymentStatus", {s.name: s.value for s in ApplicationPaymentStatus}),
    description="申請の決済状況 / whether an application's fee is due, paid or refunded",
)


def _label(pair: tuple[str, str]) -> Label:
    return Label(ja=pair[0], en=pair[1])


@strawberry.type
class Refund:
    id: str
    amount: int
    status: str = strawberry.field(description="submitted, success or error")
    reason: str
    submitted_at: str
    updated_at: str


@strawberry.type
class Payment:
    id: strawberry.ID
    application_id: str
    department: str
    procedure_code: str
    method: PaymentMethodEnum  # type: ignore[valid-type]
    method_label: Label
    amount: int = strawberry.field(description="円 / yen due")
    captured_amount: int
    refunded_amount: int
    refundable: int = strawberry.field(description="pass as expectedRefundable to requestRefund")
    status: PaymentStatusEnum  # type: ignore[valid-type]
    status_label: Label
    finished: bool
    failure_reason: str | None = strawberry.field(
        description="declined, expired or cancelled_by_citizen when FAILED")
    late_success: bool = strawberry.field(
        description="the provider took the money after the payment had been given up: reconcile")
    receipt_number: str | None
    next_url: str | None = strawberry.field(description="the provider's payment page")
    supersedes: str | None = strawberry.field(description="the failed attempt this one replaces")
    created_at: str
    updated_at: str
    paid_at: str | None
    position: int
    refunds: list[Refund]

    @classmethod
    def of(cls, v: model.PaymentView) -> Payment:
        return cls(
            id=strawberry.ID(v.id), application_id=v.application_id, department=v.department,
            procedure_code=v.procedure_code, method=PaymentMethodEnum(v.method),
            method_label=_label(METHOD_LABELS[v.method]), amount=v.amount,
            captured_amount=v.captured_amount, refunded_amount=v.refunded_amount,
            refundable=v.refundable, status=PaymentStatusEnum(v.status),
            status_label=_label(PAYMENT_STATUS_LABELS[v.status]),
            finished=v.status in ("success", "failed", "cancelled", "error"),
            failure_reason=v.failure_reason, late_success=v.late_success,
            receipt_number=v.receipt_number, next_url=v.next_url, supersedes=v.supersedes,
            created_at=v.created_at, updated_at=v.updated_at, paid_at=v.paid_at,
            position=v.position,
            refunds=[Refund(id=r.id, amount=r.amount, status=r.status, reason=r.reason,
                            submitted_at=r.submitted_at, updated_at=r.updated_at) for r in v.refunds],
        )


@strawberry.type
class PaymentPayload:
    id: strawberry.ID
    position: int
    status: PaymentStatusEnum  # type: ignore[valid-type]
    next_url: str | None
    replayed: bool = strawberry.field(description="true when an Idempotency-Key replayed the first answer")


@strawberry.type
class RefundPayload:
    id: strawberry.ID
    payment_id: strawberry.ID
    position: int
    status: str
    refundable: int
    replayed: bool


@strawberry.type
class DailyPaymentTotal:
    day: str
    department: str
    method: PaymentMethodEnum  # type: ignore[valid-type]
    count: int
    amount: int
    refunded: int


@strawberry.type
class CashlessShare:
    department: str
    count: int
    cashless_count: int
    amount: int
    cashless_amount: int
    share: float = strawberry.field(description="cashless payments / all payments (by count)")


@strawberry.type
class ApplicationPayment:
    status: ApplicationPaymentStatusEnum  # type: ignore[valid-type]
    status_label: Label
    amount_due: int = strawberry.field(description="円 the fee (0 when the procedure has none)")
    amount_paid: int = strawberry.field(description="円 captured by the payment that settled the fee")
    amount_refunded: int = strawberry.field(description="円 refunded so far")
    payments: list[Payment] = strawberry.field(description="payment attempts, oldest first")


async def application_payment(info: Info[ApiContext, None], application_id: str) -> ApplicationPayment:
    """For a resolved ``Application``: whoever may read it sees its payments."""

    def load(session):
        return model.payment_summary(session, application_id), model.payments_for_application(
            session, application_id)

    summary, views = await info.context.read(load)
    status = summary.status
    return ApplicationPayment(
        status=ApplicationPaymentStatusEnum(status.value), status_label=Label(ja=status.label_ja, en=status.label_en),
        amount_due=summary.amount_due, amount_paid=summary.paid, amount_refunded=summary.refunded,
        payments=[Payment.of(v) for v in views])


@strawberry.type
class ReconciliationLine:
    provider_payment_id: str
    payment_id: str | None = strawberry.field(description="ours; null when the report names a payment we do not know")
    department: str | None
    our_amount: int | None = strawberry.field(description="円 captured as we recorded it")
    settled_amount: int | None = strawberry.field(description="円 in the provider's settlement report")
    our_status: str | None
    late_success: bool = strawberry.field(description="the money was taken after we had given the payment up")


@strawberry.type
class RefundReconciliationLine:
    provider_payment_id: str
    payment_id: str | None
    refund_id: str | None = strawberry.field(description="ours; null when the report names a refund we do not know")
    provider_refund_id: str | None
    department: str | None
    our_amount: int | None = strawberry.field(description="円 refunded as we recorded it")
    settled_amount: int | None = strawberry.field(description="円 refunded per the provider's report")
    our_status: str | None


@strawberry.type
class PaymentReconciliation:
    date: str
    balanced: bool
    matched: list[ReconciliationLine]
    missing_in_settlement: list[ReconciliationLine] = strawberry.field(
        description="paid on our side that day, absent from the provider's report")
    missing_in_ledger: list[ReconciliationLine] = strawberry.field(
        description="captured by the provider, but not a success on our side")
    amount_mismatches: list[ReconciliationLine]
    refunds_matched: list[RefundReconciliationLine]
    refunds_missing_in_settlement: list[RefundReconciliationLine] = strawberry.field(
        description="refunded on our side that day, absent from the provider's report")
    refunds_missing_in_ledger: list[RefundReconciliationLine] = strawberry.field(
        description="refunded by the provider, but not a successful refund on our side")
    refund_amount_mismatches: list[RefundReconciliationLine]
    refund_rows: int = strawberry.field(description="refund lines in the report")


def _lines(items) -> list[ReconciliationLine]:
    return [ReconciliationLine(provider_payment_id=i.provider_payment_id, payment_id=i.payment_id,
                               department=i.department, our_amount=i.our_amount,
                               settled_amount=i.settled_amount, our_status=i.our_status,
                               late_success=i.late_success) for i in items]


def _refund_lines(items) -> list[RefundReconciliationLine]:
    return [RefundReconciliationLine(
        provider_payment_id=i.provider_payment_id, payment_id=i.payment_id, refund_id=i.refund_id,
        provider_refund_id=i.provider_refund_id, department=i.department, our_amount=i.our_amount,
        settled_amount=i.settled_amount, our_status=i.our_status) for i in items]


def _idempotency_key(info: Info[ApiContext, None]) -> str | None:
    request = getattr(info.context, "request", None)
    return request.headers.get("idempotency-key") if request is not None else None


def _payload(result) -> PaymentPayload:
    return PaymentPayload(id=strawberry.ID(result.id), position=result.position,
                          status=PaymentStatusEnum(result.status), next_url=result.next_url,
                          replayed=result.replayed)


def _scope(ctx: ApiContext, operation: str, department: str | None) -> str | None:
    if department is not None and ctx.actor.department not in (None, department):
        authorize(ctx.actor, operation, department=department)
    rule = authorize(ctx.actor, operation, department=department)
    if rule is Rule.OWN_DEPARTMENT:
        if ctx.actor.department is None:
            raise Forbidden("staff see their own department's payments")
        return ctx.actor.department
    return department


@strawberry.type
class PaymentQuery:
    @strawberry.field(description="決済 / one payment and its refunds")
    async def payment(self, info: Info[ApiContext, None], id: strawberry.ID,
                      at_least_position: int | None = None) -> Payment:
        ctx = info.context
        actor = ctx.actor
        await ctx.wait_for(at_least_position, PAYMENTS)
        view = await ctx.read(lambda s: model.get_payment(s, str(id)))
        if view is None:
            authorize(actor, "payment")
            raise NotFound("payment not found", message_ja="決済が見つかりません")
        authorize(actor, "payment", department=view.department, owner=view.applicant_subject)
        return Payment.of(view)

    @strawberry.field(description="申請の決済（古い順）/ an application's payment attempts, oldest first")
    async def payments_for_application(self, info: Info[ApiContext, None], application_id: strawberry.ID,
                                       at_least_position: int | None = None) -> list[Payment]:
        ctx = info.context
        actor = ctx.actor
        authorize(actor, "paymentsForApplication")
        application = await ctx.run(ctx.container.applications.get, str(application_id))
        authorize(actor, "paymentsForApplication", department=application.department,
                  owner=application.applicant_subject)
        await ctx.wait_for(at_least_position, PAYMENTS)
        views = await ctx.read(lambda s: model.payments_for_application(s, str(application.id)))
        return [Payment.of(v) for v in views]

    @strawberry.field(description="日計 / totals of one day (Japan time) per department and method")
    async def daily_payment_totals(self, info: Info[ApiContext, None], date: date,
                                   department: str | None = None,
                                   at_least_position: int | None = None) -> list[DailyPaymentTotal]:
        ctx = info.context
        scoped = _scope(ctx, "dailyPaymentTotals", department)
        await ctx.wait_for(at_least_position, PAYMENTS)
        rows = await ctx.read(lambda s: model.daily_totals(s, date, scoped))
        return [DailyPaymentTotal(day=r.day, department=r.department, method=PaymentMethodEnum(r.method),
                                  count=r.count, amount=r.amount, refunded=r.refunded) for r in rows]

    @strawberry.field(description="キャッシュレス比率 / cashless share per department over days (inclusive)")
    async def cashless_share(self, info: Info[ApiContext, None], from_date: date, to_date: date,
                             department: str | None = None,
                             at_least_position: int | None = None) -> list[CashlessShare]:
        ctx = info.context
        scoped = _scope(ctx, "cashlessShare", department)
        if (to_date - from_date).days > 366 or to_date < from_date:
            raise ApiError("the period must be 0-366 days", "VALIDATION_FAILED", field="toDate", rule="range")
        await ctx.wait_for(at_least_position, PAYMENTS)
        rows = await ctx.read(lambda s: model.cashless_share(s, from_date, to_date, scoped))
        return [CashlessShare(department=r.department, count=r.count, cashless_count=r.cashless_count,
                              amount=r.amount, cashless_amount=r.cashless_amount, share=r.share)
                for r in rows]

    @strawberry.field(description="消込 / reconcile our online payments of a day (Japan time) with the "
                                  "provider's settlement report (CSV)")
    async def payment_reconciliation(self, info: Info[ApiContext, None], date: date, settlement_csv: str,
                                     department: str | None = None,
                                     at_least_position: int | None = None) -> PaymentReconciliation:
        from api.payments.jobs import reconciliation

        ctx = info.context
        scoped = _scope(ctx, "paymentReconciliation", department)
        await ctx.wait_for(at_least_position, PAYMENTS)
        report = await ctx.run(reconciliation, ctx.container, date, settlement_csv, scoped, catch_up=False)
        return PaymentReconciliation(
            date=report.day, balanced=report.balanced, matched=_lines(report.matched),
            missing_in_settlement=_lines(report.missing_in_settlement),
            missing_in_ledger=_lines(report.missing_in_ledger),
            amount_mismatches=_lines(report.amount_mismatches),
            refunds_matched=_refund_lines(report.refunds_matched),
            refunds_missing_in_settlement=_refund_lines(report.refunds_missing_in_settlement),
            refunds_missing_in_ledger=_refund_lines(report.refunds_missing_in_ledger),
            refund_amount_mismatches=_refund_lines(report.refund_amount_mismatches),
            refund_rows=report.refund_rows)


@strawberry.type
class PaymentMutation:
    @strawberry.mutation(description="オンライン決済を始める / start an online payment (Idempotency-Key)")
    async def create_payment(self, info: Info[ApiContext, None], application_id: strawberry.ID,
                             method: PaymentMethodEnum) -> PaymentPayload:  # type: ignore[valid-type]
        ctx = info.context
        assert ctx.container.payments is not None
        result = await ctx.run(ctx.container.payments.create_payment, ctx.command_context(),
                               str(application_id), method.value, _idempotency_key(info))
        return _payload(result)

    @strawberry.mutation(description="窓口での支払いを記録 / record a counter payment (Idempotency-Key)")
    async def record_counter_payment(self, info: Info[ApiContext, None], application_id: strawberry.ID,
                                     method: PaymentMethodEnum,  # type: ignore[valid-type]
                                     receipt_number: str) -> PaymentPayload:
        ctx = info.context
        assert ctx.container.payments is not None
        result = await ctx.run(ctx.container.payments.record_counter_payment, ctx.command_context(),
                               str(application_id), method.value, receipt_number, _idempotency_key(info))
        return _payload(result)

    @strawberry.mutation(description="決済の取消（市） / the city cancels an unfinished payment")
    async def cancel_payment(self, info: Info[ApiContext, None], id: strawberry.ID,
                             reason: str = "") -> PaymentPayload:
        ctx = info.context
        assert ctx.container.payments is not None
        result = await ctx.run(ctx.container.payments.cancel_payment, ctx.command_context(), str(id), reason)
        return _payload(result)

    @strawberry.mutation(description="返金 / refund all or part; expectedRefundable must be current "
                                     "(else REFUND_AMOUNT_MISMATCH) (Idempotency-Key)")
    async def request_refund(self, info: Info[ApiContext, None], payment_id: strawberry.ID, amount: int,
                             expected_refundable: int, reason: str = "") -> RefundPayload:
        ctx = info.context
        assert ctx.container.payments is not None
        try:
            result = await ctx.run(ctx.container.payments.request_refund, ctx.command_context(),
                                   str(payment_id), amount, expected_refundable, reason,
                                   _idempotency_key(info))
        except RefundAmountMismatch as e:
            raise ApiError(e.message, e.code, messageJa=e.message_ja, refundable=e.refundable,
                           expected=e.expected) from None
        return RefundPayload(id=strawberry.ID(result.id), payment_id=strawberry.ID(result.payment_id),
                             position=result.position, status=result.status,
                             refundable=result.refundable, replayed=result.replayed)
