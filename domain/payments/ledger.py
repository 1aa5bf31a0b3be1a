"""The payment attempts of one application (PaymentLedger): the order they
were made in, and the rule for starting another."""

from __future__ import annotations

from uuid import UUID, uuid5

from domain.payments.payment import PAYMENTS_NAMESPACE, Payment
from domain.shared.context import CommandContext
from domain.shared.errors import InvalidTransition
from domain.shared.events import Created, Event, RecordedAggregate


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
            raise InvalidTransition("this application is already paid", message_ja="この申請は支払済みです")
        if not attempt.finished:
            raise InvalidTransition("a payment for this application is in progress",
                                    message_ja="この申請の決済が進行中です")
    return str(attempts[-1].id) if attempts else None
