"""Rate limits per operation: who they apply to, and how callers are told apart.

``RATE_LIMITS`` is the table (operation → roles it applies to, and the setting
that holds its rate). A signed-in caller is counted by token subject, an
anonymous one by client address (IPv4 address, or the /64 network of an IPv6
address). An exceeded limit answers ``RATE_LIMITED`` with ``retryAfter``
seconds. :class:`RateLimitExtension` applies the table to every top-level
GraphQL field it names, so limiting another operation is a row here and a
``MADOGUCHI_RATE_LIMIT_…`` setting; resolvers do nothing."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from strawberry.extensions import SchemaExtension

from domain.shared.context import Actor
from infra.rate_limit import Rate, TokenBuckets
from infra.settings import Settings

RATE_LIMITED = "RATE_LIMITED"


@dataclass(frozen=True)
class RateRule:
    operation: str
    roles: frozenset[str]  # the roles it applies to
    setting: str  # the Settings field with the rate, e.g. "10/min"


RATE_LIMITS: tuple[RateRule, ...] = (
    RateRule("submitApplication", frozenset({"anonymous"}), "rate_limit_anonymous_submissions"),
    RateRule("issueTicket", frozenset({"anonymous", "citizen"}), "rate_limit_ticket_issuing"),
    # each challenge is an event: anonymous callers get the submissions' rate
    RateRule("signingChallenge", frozenset({"anonymous"}), "rate_limit_anonymous_submissions"),
)
LIMITED_OPERATIONS = frozenset(rule.operation for rule in RATE_LIMITS)


def client_key(actor: Actor, client_address: str | None) -> str:
    """Whom a request is counted against."""
    if actor.role != "anonymous":
        return f"sub:{actor.subject}"
    if not client_address:
        return "addr:unknown"
    try:
        address = ipaddress.ip_address(client_address)
    except ValueError:
        return f"addr:{client_address}"
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return f"addr:{address.ipv4_mapped}"
        return f"net:{ipaddress.ip_network((address, 64), strict=False)}"
    return f"addr:{address}"


class RateLimits:
    def __init__(self, rules: dict[str, tuple[RateRule, TokenBuckets]]) -> None:
        self._rules = rules

    @classmethod
    def from_settings(cls, settings: Settings, now: Callable[[], float]) -> RateLimits:
        rules = {}
        for rule in RATE_LIMITS:
            rate = Rate.parse(getattr(settings, rule.setting))
            rules[rule.operation] = (rule, TokenBuckets(rate, now))
        return cls(rules)

    def check(self, operation: str, actor: Actor, client_address: str | None) -> float:
        """0 when the request may go ahead (a token is spent), else seconds to wait."""
        entry = self._rules.get(operation)
        if entry is None:
            return 0.0
        rule, buckets = entry
        if actor.role not in rule.roles:
            return 0.0
        return buckets.take(client_key(actor, client_address))


class RateLimitExtension(SchemaExtension):
    """Checks ``RATE_LIMITS`` before a top-level field it names is resolved
    (``ApiContext.rate_limit`` raises ``RATE_LIMITED``)."""

    def resolve(self, _next: Callable[..., Any], root: Any, info: Any, *args: Any, **kwargs: Any) -> Any:
        if info.path.prev is None and info.field_name in LIMITED_OPERATIONS:
            info.context.rate_limit(info.field_name)
        return _next(root, info, *args, **kwargs)
