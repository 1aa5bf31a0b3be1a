"""The payments capability's completion guard: a fee-bearing application is
completed only once paid. It reads the log only (no ApplicationService), so the
composition root can give it to the ApplicationService at construction."""

from __future__ import annotations

from uuid import UUID

from application.catalogue.service import CatalogueService
from application.shared.eventlog import CityLog
from domain.applications.application import Application
from domain.payments.fees import fee_for
from domain.payments.ledger import PaymentLedger, ledger_id
from domain.payments.payment import Payment, PaymentRequired
from domain.shared.context import CommandContext
from domain.shared.errors import NotFound


def load_payment(log: CityLog, payment_id: str) -> Payment:
    try:
        key = UUID(str(payment_id))
    except ValueError:
        raise NotFound("payment not found", message_ja="決済が見つかりません") from None
    return log.load(Payment, key, "payment")


def payment_attempts(log: CityLog, application_id: str) -> list[Payment]:
    """The payments of an application, oldest first (its ledger's order)."""
    try:
        ledger = log.load(PaymentLedger, ledger_id(application_id), PaymentLedger.__name__)
    except NotFound:
        return []
    return [load_payment(log, pid) for pid in ledger.payment_ids]


class FeePaidGuard:
    """A completion guard (ApplicationService ``completion_guards``)."""

    def __init__(self, log: CityLog, catalogue: CatalogueService) -> None:
        self.log = log
        self.catalogue = catalogue

    def __call__(self, ctx: CommandContext, application: Application) -> None:
        procedure = self.catalogue.get_procedure(application.procedure_code)
        fee = fee_for(procedure, application.answers, application.channel)
        if fee.total <= 0:
            return
        if not any(p.settles_fee for p in payment_attempts(self.log, str(application.id))):
            raise PaymentRequired(
                f"the fee of {fee.total} yen has not been paid",
                message_ja=f"手数料 {fee.total} 円の支払いが確認できません",
            )
