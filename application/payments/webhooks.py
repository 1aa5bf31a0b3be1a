"""Provider webhooks: the ``Madoguchi-Signature`` header (HMAC-SHA256 over the
timestamp and body, several secrets for rotation), the provider event document,
and what handling one did. ``PaymentService.handle_provider_event`` applies it."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from domain.shared.errors import NotFound

SIGNATURE_TOLERANCE_SECONDS = 300


class InvalidSignature(Exception):
    pass


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The ``Madoguchi-Signature`` header value for ``body`` sent at ``timestamp``."""
    return f"t={timestamp},v1={_mac(secret, timestamp, body)}"


def _mac(secret: str, timestamp: int, body: bytes) -> str:
    message = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def verify_signature(header: str | None, body: bytes, secrets: Sequence[str], now: float,
                     tolerance: int = SIGNATURE_TOLERANCE_SECONDS) -> int:
    """Check ``t=<unix seconds>,v1=<hex>`` against every active secret (rotation),
    in constant time; the timestamp must be within ``tolerance`` seconds of ``now``.
    Returns the timestamp; raises :class:`InvalidSignature` otherwise."""
    if not header or not secrets:
        raise InvalidSignature("missing signature or no secret configured")
    timestamp: int | None = None
    candidates: list[str] = []
    for part in header.split(","):
        name, _, value = part.strip().partition("=")
        if name == "t" and value.isdigit():
            timestamp = int(value)
        elif name == "v1" and value:
            candidates.append(value.lower())
    if timestamp is None or not candidates:
        raise InvalidSignature("malformed signature header")
    if abs(now - timestamp) > tolerance:
        raise InvalidSignature("timestamp outside the tolerance")
    matched = False
    for secret in secrets:
        expected = _mac(secret, timestamp, body)
        for candidate in candidates:
            matched |= hmac.compare_digest(expected.encode(), candidate.encode())
    if not matched:
        raise InvalidSignature("signature does not match")
    return timestamp


WEBHOOK_TYPES = ("payment.succeeded", "payment.failed", "payment.expired",
                 "refund.succeeded", "refund.failed")


@dataclass(frozen=True)
class ProviderEvent:
    id: str
    type: str
    created: int
    data: dict[str, Any]

    @classmethod
    def parse(cls, document: object) -> ProviderEvent:
        """Raises ``ValueError`` when the document is not a provider event."""
        if not isinstance(document, dict):
            raise ValueError("the body is not a JSON object")
        event_id, kind, created, data = (document.get(k) for k in ("id", "type", "created", "data"))
        if not isinstance(event_id, str) or not 1 <= len(event_id) <= 200:
            raise ValueError("id must be a string of 1-200 characters")
        if not isinstance(kind, str) or not isinstance(created, int) or not isinstance(data, dict):
            raise ValueError("type, created and data are required")
        ppid = data.get("provider_payment_id")
        if not isinstance(ppid, str) or not ppid:
            raise ValueError("data.provider_payment_id is required")
        return cls(event_id, kind, created, data)


@dataclass(frozen=True)
class WebhookOutcome:
    event_id: str
    duplicate: bool
    outcome: str
    payment_id: str | None
    position: int


class UnknownPayment(NotFound):
    code = "UNKNOWN_PAYMENT"
