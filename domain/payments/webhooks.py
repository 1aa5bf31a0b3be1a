"""What a payment provider tells us: which of our payments a provider's payment
id belongs to (ProviderPaymentLink), and each provider event, recorded once
(WebhookReceipt), so a second delivery is recognised and not applied twice."""

from __future__ import annotations

from uuid import UUID, uuid5

from domain.payments.payment import PAYMENTS_NAMESPACE
from domain.shared.context import CommandContext
from domain.shared.events import Created, RecordedAggregate


def provider_link_id(provider_payment_id: str) -> UUID:
    return uuid5(PAYMENTS_NAMESPACE, f"provider-payment:{provider_payment_id}")


class ProviderPaymentLinked(Created):
    provider_payment_id: str
    payment_id: str

    def apply(self, aggregate: ProviderPaymentLink) -> None:
        aggregate.provider_payment_id = self.provider_payment_id
        aggregate.payment_id = self.payment_id


class ProviderPaymentLink(RecordedAggregate):
    """Which of our payments a provider's payment id belongs to."""

    provider_payment_id: str
    payment_id: str

    def __init__(self) -> None:
        """State comes from the events' ``apply`` methods."""

    @classmethod
    def link(cls, ctx: CommandContext, provider_payment_id: str, payment_id: str) -> ProviderPaymentLink:
        return cls.start(ctx, ProviderPaymentLinked, id=provider_link_id(provider_payment_id),
                         provider_payment_id=provider_payment_id, payment_id=payment_id)


def webhook_receipt_id(event_id: str) -> UUID:
    return uuid5(PAYMENTS_NAMESPACE, f"webhook-event:{event_id}")


class WebhookEventReceived(Created):
    event_id: str
    type: str
    provider_payment_id: str
    payment_id: str
    outcome: str
    event_created: int

    def apply(self, aggregate: WebhookReceipt) -> None:
        aggregate.event_id = self.event_id
        aggregate.outcome = self.outcome


class WebhookReceipt(RecordedAggregate):
    """A provider event, recorded once: its id is derived from the event id, so a
    second delivery (even racing in another process) cannot be recorded again."""

    event_id: str
    outcome: str

    def __init__(self) -> None:
        """State comes from the events' ``apply`` methods."""

    @classmethod
    def receive(cls, ctx: CommandContext, *, event_id: str, type: str, provider_payment_id: str,
                payment_id: str, outcome: str, event_created: int) -> WebhookReceipt:
        return cls.start(ctx, WebhookEventReceived, id=webhook_receipt_id(event_id),
                         event_id=event_id, type=type, provider_payment_id=provider_payment_id,
                         payment_id=payment_id, outcome=outcome, event_created=event_created)
