"""The payments capability: the service (with its provider adapter), the
completion guard it gives the applications capability, and the payment process
(fee due → paid → refund on rejection or withdrawal)."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import uuid4

from api.composition.shared import Shared
from application.applications.service import ApplicationService, CompletionGuard
from application.catalogue.service import CatalogueService
from application.payments.guard import FeePaidGuard
from application.payments.process import PaymentProcess
from application.payments.provider import PaymentProvider
from application.payments.service import PaymentService
from application.shared.ports import Clock
from infra.settings import Settings


def payment_guards(shared: Shared, catalogue: CatalogueService) -> tuple[CompletionGuard, ...]:
    """What payments require before an application is completed: its fee paid."""
    return (FeePaidGuard(shared.storage.log, catalogue),)


@dataclass(frozen=True)
class Payments:
    payments: PaymentService
    process: PaymentProcess


def configured_provider(settings: Settings) -> PaymentProvider | None:
    """The HTTP adapter when MADOGUCHI_PAYMENT_PROVIDER_URL is set (imported only then);
    without a provider, online payments end in ``error``."""
    if not settings.payment_provider_url:
        return None
    from infra.payment_provider import HttpPaymentProvider

    key = settings.payment_provider_api_key
    return HttpPaymentProvider(settings.payment_provider_url, key.get_secret_value() if key else None,
                               timeout=settings.payment_provider_timeout)


def wire_payments(settings: Settings, shared: Shared, clock: Clock, catalogue: CatalogueService,
                  applications: ApplicationService, provider: PaymentProvider | None) -> Payments:
    if provider is None:
        provider = configured_provider(settings)
    payments = PaymentService(shared.storage.log, catalogue, applications, provider, new_id=uuid4)
    return Payments(payments, PaymentProcess(applications, payments, clock))
