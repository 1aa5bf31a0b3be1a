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

from graphql import (
    ExecutionResult,
    FieldNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationType,
    SelectionSetNode,
    get_operation_ast,
)
from strawberry.extensions import SchemaExtension

from domain.shared.context import Actor
from infra.rate_limit import Rate, TokenBuckets
from infra.settings import Settings

RATE_LIMITED = "RATE_LIMITED"
ONE_MUTATION = "ONE_MUTATION_PER_REQUEST"


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
    # an HTTP route, not a GraphQL field: api/applications/attachments.py checks it
    RateRule("POST /attachments", frozenset({"anonymous"}), "rate_limit_anonymous_uploads"),
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


def _root_fields(selections: SelectionSetNode, fragments: dict[str, Any], seen: frozenset[str] = frozenset()) -> int:
    """How many root fields a selection set asks for (through fragments too)."""
    count = 0
    for node in selections.selections:
        if isinstance(node, FieldNode):
            count += node.name.value != "__typename"
        elif isinstance(node, InlineFragmentNode):
            count += _root_fields(node.selection_set, fragments, seen)
        elif isinstance(node, FragmentSpreadNode) and node.name.value in fragments \
                and node.name.value not in seen:
            count += _root_fields(fragments[node.name.value].selection_set, fragments,
                                  seen | {node.name.value})
    return count


class OneMutationForAnonymous(SchemaExtension):
    """An anonymous request holds at most one mutation (aliases included), so a
    rate limit can never refuse the tenth alias after nine were recorded and
    answer ``data: null`` for them all: the whole request is refused with
    ``ONE_MUTATION_PER_REQUEST`` before anything runs. Signed-in callers may send several."""

    def on_execute(self) -> Any:
        ec = self.execution_context
        document = ec.graphql_document
        operation = get_operation_ast(document, ec.operation_name) if document else None
        if operation is not None and operation.operation is OperationType.MUTATION and self._anonymous():
            fragments = {d.name.value: d for d in document.definitions if hasattr(d, "type_condition")}
            if _root_fields(operation.selection_set, fragments) > 1:
                ec.result = ExecutionResult(None, [GraphQLError(
                    "an anonymous request may hold one mutation; send them one by one",
                    extensions={"code": ONE_MUTATION, "retryable": False,
                                "messageJa": "ログインせずに送れる操作は1リクエストに1つです"})])
        yield

    def _anonymous(self) -> bool:
        try:
            return self.execution_context.context.actor.role == "anonymous"
        except Exception:  # a bad token: the resolvers answer UNAUTHENTICATED
            return False
