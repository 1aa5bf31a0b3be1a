"""The payment provider port (決済代行): what the payment service asks of a
provider, and the values it answers with. Adapters live outside this layer
(``infra/payment_provider.py``, and the sandbox provider)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol


class ProviderError(Exception):
    """The provider failed or refused; no money moved."""


#: What a provider may answer for a payment and for a refund (the port's vocabulary;
#: adapters refuse anything else as a malformed answer).
PROVIDER_STATUSES = ("created", "started", "capturable", "success", "failed", "cancelled", "error")
PROVIDER_REFUND_STATUSES = ("submitted", "success", "error")


@dataclass(frozen=True)
class Checkout:
    provider_payment_id: str
    next_url: str | None


@dataclass(frozen=True)
class ProviderStatus:
    status: str  # one of PROVIDER_STATUSES
    amount: int
    reason: str | None = None


@dataclass(frozen=True)
class ProviderRefund:
    provider_refund_id: str
    status: str  # one of PROVIDER_REFUND_STATUSES


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
