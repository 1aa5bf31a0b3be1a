"""The fee an application owes (手数料): requested when a fee-bearing
application is submitted, settled by a payment; and the payment status an
application shows (決済状況), derived from its due, payments and refunds.

Kept apart from the ``Application`` aggregate, which knows nothing of payments,
and from ``Payment``, of which an application may have several attempts."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from uuid import UUID, uuid5

from domain.payments.payment import PAYMENTS_NAMESPACE, Fee, require_fee
from domain.shared.context import CommandContext
from domain.shared.events import Created, Event, RecordedAggregate


def due_id(application_id: str) -> UUID:
    return uuid5(PAYMENTS_NAMESPACE, f"payment-due:{application_id}")


def auto_refund_id(payment_id: str) -> str:
    """The refund the payment process submits when an application is closed
    unpaid-for (rejected or withdrawn): one per payment, so it is never sent twice."""
    return str(uuid5(PAYMENTS_NAMESPACE, f"auto-refund:{payment_id}"))


class PaymentRequested(Created):
    """A fee-bearing application was submitted: its fee is due."""

    application_id: str
    department: str
    procedure_code: str
    amount: int
    fee: dict[str, int]

    def apply(self, aggregate: PaymentDue) -> None:
        aggregate.application_id = self.application_id
        aggregate.department = self.department
        aggregate.procedure_code = self.procedure_code
        aggregate.amount = self.amount
        aggregate.fee = dict(self.fee)
        aggregate.paid_by = None


class ApplicationPaid(Event):
    """A payment of the application succeeded: the fee due is paid."""

    payment_id: str
    amount: int

    def apply(self, aggregate: PaymentDue) -> None:
        aggregate.paid_by = self.payment_id


class PaymentDue(RecordedAggregate):
    """The fee one application owes. Its id is derived from the application's,
    so requesting it twice (a re-run of the payment process) conflicts instead
    of duplicating."""

    application_id: str
    department: str
    procedure_code: str
    amount: int
    fee: dict[str, int]
    paid_by: str | None

    def __init__(self) -> None:
        """State comes from the events' ``apply`` methods."""

    @classmethod
    def request(cls, ctx: CommandContext, *, application_id: str, department: str,
                procedure_code: str, fee: Fee) -> PaymentDue:
        require_fee(fee)
        return cls.start(ctx, PaymentRequested, id=due_id(application_id),
                         application_id=application_id, department=department,
                         procedure_code=procedure_code, amount=fee.total, fee=fee.to_dict())

    @property
    def paid(self) -> bool:
        return self.paid_by is not None

    def settle(self, ctx: CommandContext, payment_id: str, amount: int) -> bool:
        """Record the payment that paid the fee; False (nothing recorded) when already paid."""
        if self.paid:
            return False
        self.record(ctx, ApplicationPaid, payment_id=payment_id, amount=amount)
        return True



class ApplicationPaymentStatus(StrEnum):
    """決済状況 of an application."""

    NOT_REQUIRED = "not_required"
    DUE = "due"
    PAID = "paid"
    PARTIALLY_REFUNDED = "partially_refunded"
    REFUNDED = "refunded"

    @property
    def label_ja(self) -> str:
        return _PAYMENT_STATUS_LABELS[self][0]

    @property
    def label_en(self) -> str:
        return _PAYMENT_STATUS_LABELS[self][1]


_PAYMENT_STATUS_LABELS = {
    ApplicationPaymentStatus.NOT_REQUIRED: ("手数料なし", "no fee"),
    ApplicationPaymentStatus.DUE: ("未払い", "payment due"),
    ApplicationPaymentStatus.PAID: ("支払済み", "paid"),
    ApplicationPaymentStatus.PARTIALLY_REFUNDED: ("一部返金済み", "partially refunded"),
    ApplicationPaymentStatus.REFUNDED: ("返金済み", "refunded"),
}


@dataclass(frozen=True)
class PaymentSummary:
    """What an application owes and what was paid and refunded (円)."""

    amount_due: int  # 0 when the procedure has no fee
    paid: int  # captured by the payment that settled the due
    refunded: int

    @property
    def status(self) -> ApplicationPaymentStatus:
        if self.amount_due <= 0 and self.paid <= 0:
            return ApplicationPaymentStatus.NOT_REQUIRED
        if self.paid <= 0:
            return ApplicationPaymentStatus.DUE
        if self.refunded >= self.paid:
            return ApplicationPaymentStatus.REFUNDED
        if self.refunded > 0:
            return ApplicationPaymentStatus.PARTIALLY_REFUNDED
        return ApplicationPaymentStatus.PAID
