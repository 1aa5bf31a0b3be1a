"""Refunds (返金) of a payment: each submitted to the provider, then succeeded or
failed. Recorded on the ``Payment`` aggregate, whose refund commands check the
amount against what is still refundable."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from domain.shared.errors import DomainError
from domain.shared.events import Event


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


@dataclass
class Refund:
    id: str
    amount: int
    reason: str
    status: str = "submitted"
    provider_refund_id: str | None = None
    failure: str | None = None


class HoldsRefunds(Protocol):
    """What a refund event applies to: the payment's refunds by id."""

    refunds: dict[str, Refund]


class RefundSubmitted(Event):
    refund_id: str
    amount: int
    expected_refundable: int
    reason: str

    def apply(self, aggregate: HoldsRefunds) -> None:
        aggregate.refunds[self.refund_id] = Refund(self.refund_id, self.amount, self.reason)


class RefundSucceeded(Event):
    refund_id: str
    provider_refund_id: str | None

    def apply(self, aggregate: HoldsRefunds) -> None:
        refund = aggregate.refunds[self.refund_id]
        refund.status = "success"
        refund.provider_refund_id = self.provider_refund_id


class RefundFailed(Event):
    refund_id: str
    reason: str

    def apply(self, aggregate: HoldsRefunds) -> None:
        refund = aggregate.refunds[self.refund_id]
        refund.status = "error"
        refund.failure = self.reason
