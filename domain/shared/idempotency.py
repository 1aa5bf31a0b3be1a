"""Idempotency keys (``Idempotency-Key``): the first request with a key does the
work; a repeat with the same parameters gets the first response back; a repeat
with other parameters is refused. Keys are kept 24 hours.

A key's record is an aggregate whose id is derived from (caller, operation, key)
and which is stored in the same transaction as the work it guards, so among
concurrent identical requests exactly one does the work, in any process."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID, uuid5

from domain.shared.context import CommandContext
from domain.shared.errors import DomainError, FieldError, ValidationFailed
from domain.shared.events import Created, Event, RecordedAggregate

_NAMESPACE = UUID("b7c2a7f0-0e55-4c55-93a1-7d1f2a9e6c40")
KEY_TTL = timedelta(hours=24)
MAX_KEY_LENGTH = 255


class IdempotencyConflict(DomainError):
    code = "IDEMPOTENCY_CONFLICT"

    def __init__(self) -> None:
        super().__init__(
            "this Idempotency-Key was used with other parameters",
            message_ja="この Idempotency-Key は別の内容で使われています",
        )


def check_key(key: str) -> str:
    if not (isinstance(key, str) and 1 <= len(key) <= MAX_KEY_LENGTH and key.isascii()
            and key.isprintable()):
        raise ValidationFailed([FieldError(
            "Idempotency-Key", "pattern", f"1-{MAX_KEY_LENGTH} printable ASCII characters",
            f"Idempotency-Key は{MAX_KEY_LENGTH}文字以内の英数字記号です")])
    return key


def fingerprint(operation: str, params: dict[str, Any]) -> str:
    canonical = json.dumps({"op": operation, "params": params}, sort_keys=True,
                           ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def record_id(scope: str, operation: str, key: str) -> UUID:
    return uuid5(_NAMESPACE, json.dumps([scope, operation, key]))


class IdempotencyKeyClaimed(Created):
    scope: str
    operation: str
    key: str
    fingerprint: str
    result_id: str

    def apply(self, aggregate: IdempotencyRecord) -> None:
        aggregate.scope = self.scope
        aggregate.operation = self.operation
        aggregate.key = self.key
        aggregate.fingerprint = self.fingerprint
        aggregate.result_id = self.result_id
        aggregate.claimed_at = self.timestamp
        aggregate.response = None


class IdempotencyKeyReclaimed(Event):
    """The key's 24 hours had passed; a new request uses it afresh."""

    fingerprint: str
    result_id: str

    def apply(self, aggregate: IdempotencyRecord) -> None:
        aggregate.fingerprint = self.fingerprint
        aggregate.result_id = self.result_id
        aggregate.claimed_at = self.timestamp
        aggregate.response = None


class IdempotentResponseRecorded(Event):
    response: dict[str, Any]

    def apply(self, aggregate: IdempotencyRecord) -> None:
        aggregate.response = dict(self.response)


class IdempotencyRecord(RecordedAggregate):
    scope: str
    operation: str
    key: str
    fingerprint: str
    result_id: str
    claimed_at: datetime
    response: dict[str, Any] | None

    def __init__(self) -> None:
        """State comes from the events' ``apply`` methods."""

    @classmethod
    def claim(cls, ctx: CommandContext, *, scope: str, operation: str, key: str,
              fingerprint: str, result_id: str) -> IdempotencyRecord:
        return cls.start(ctx, IdempotencyKeyClaimed, id=record_id(scope, operation, key),
                         scope=scope, operation=operation, key=key, fingerprint=fingerprint,
                         result_id=result_id)

    def expired(self, now: datetime) -> bool:
        return now - self.claimed_at >= KEY_TTL

    def require_same(self, fingerprint: str) -> None:
        if fingerprint != self.fingerprint:
            raise IdempotencyConflict()

    def reclaim(self, ctx: CommandContext, *, fingerprint: str, result_id: str) -> None:
        if not self.expired(ctx.occurred_at):
            self.require_same(fingerprint)
            return
        self.record(ctx, IdempotencyKeyReclaimed, fingerprint=fingerprint, result_id=result_id)

    def answer(self, ctx: CommandContext, response: dict[str, Any]) -> None:
        self.record(ctx, IdempotentResponseRecorded, response=response)
