"""The payment provider port (決済代行): what the payment service asks of a
provider, and the values it answers with. Adapters live outside this layer
(``infra/payment_provider.py``, and the sandbox provider)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol


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
