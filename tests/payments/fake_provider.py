"""An in-memory payment provider that behaves like the port says: checkouts get
ids and a payment page; a payment's money can be captured once; refunds never
exceed what was captured; it can be told to fail. Tests drive it (``pay``,
``decline``, ``expire``) and then deliver the webhooks it would send."""

from __future__ import annotations

import itertools
import threading
from dataclasses import dataclass, field

from application.payments.service import Checkout, ProviderError, ProviderRefund, ProviderStatus


@dataclass
class _Payment:
    reference: str
    amount: int
    method: str
    status: str = "started"
    refunded: int = 0
    refunds: dict[str, int] = field(default_factory=dict)


class FakeProvider:
    def __init__(self) -> None:
        self.payments: dict[str, _Payment] = {}
        self.fail_next = False
        self.refund_status = "submitted"
        self.checkouts = 0
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    def create_checkout(self, *, reference: str, amount: int, method: str, description: str) -> Checkout:
        with self._lock:
            if self.fail_next:
                self.fail_next = False
                raise ProviderError("provider unavailable (503)")
            if amount <= 0:
                raise ProviderError("amount must be positive")
            self.checkouts += 1
            ppid = f"pp_{next(self._ids):04d}"
            self.payments[ppid] = _Payment(reference, amount, method)
            return Checkout(ppid, f"https://pay.example.test/checkout/{ppid}")

    def get_status(self, provider_payment_id: str) -> ProviderStatus:
        p = self._get(provider_payment_id)
        return ProviderStatus(p.status, p.amount)

    def refund(self, *, provider_payment_id: str, refund_id: str, amount: int) -> ProviderRefund:
        with self._lock:
            p = self._get(provider_payment_id)
            if refund_id in p.refunds:  # the same refund id answers the same refund
                return ProviderRefund(f"re_{refund_id[:8]}", self.refund_status)
            if p.status != "success" or amount > p.amount - p.refunded:
                raise ProviderError("refund exceeds the captured amount")
            p.refunded += amount
            p.refunds[refund_id] = amount
            return ProviderRefund(f"re_{refund_id[:8]}", self.refund_status)

    # -- what a citizen or time does at the provider --
    def pay(self, provider_payment_id: str) -> None:
        self._get(provider_payment_id).status = "success"

    def _get(self, provider_payment_id: str) -> _Payment:
        try:
            return self.payments[provider_payment_id]
        except KeyError:
            raise ProviderError(f"no payment {provider_payment_id}") from None
