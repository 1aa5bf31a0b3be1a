"""Limits on what a GraphQL document may ask for, and production-only secrecy.

Every document is checked for depth, aliases and tokens; in production,
introspection is refused and "Did you mean …?" suggestions are stripped from
error messages, so the schema cannot be enumerated through either. Refusals
are ordinary coded GraphQL errors: ``QUERY_TOO_COMPLEX`` for the limits,
``GRAPHQL_VALIDATION_FAILED`` (from CodedErrors) for the rest.

Batched (JSON list) requests need no limit of our own: strawberry only accepts
them when ``StrawberryConfig.batching_config`` is set, and we leave it unset,
so the router answers a list body with 400 "Batching is not enabled".
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from graphql.error import GraphQLError
from strawberry.extensions import (
    DisableIntrospection,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    QueryDepthLimiter,
    SchemaExtension,
)

from api.graphql.shared.errors import CodedErrors

if TYPE_CHECKING:
    from infra.settings import Settings

QUERY_TOO_COMPLEX = "QUERY_TOO_COMPLEX"

# Messages of strawberry's QueryDepthLimiter, MaxAliasesLimiter and of
# graphql-core's parser when MaxTokensLimiter's max_tokens is exceeded.
_TOO_COMPLEX = re.compile(
    r"exceeds maximum operation depth of \d+"
    r"|^\d+ aliases found\. Allowed: \d+"
    r"|Document contains more than \d+ tokens"
)
_SUGGESTION = re.compile(r"\s*Did you mean [^?]*\?")


@dataclass(frozen=True)
class GraphQLLimits:
    max_depth: int = 10
    max_aliases: int = 15
    max_tokens: int = 2000

    @classmethod
    def from_settings(cls, settings: Settings) -> GraphQLLimits:
        return cls(
            max_depth=settings.graphql_max_depth,
            max_aliases=settings.graphql_max_aliases,
            max_tokens=settings.graphql_max_tokens,
        )


def strip_suggestions(message: str) -> str:
    return _SUGGESTION.sub("", message)


class HardenedErrors(CodedErrors):
    """CodedErrors, plus ``QUERY_TOO_COMPLEX`` for documents over a limit and,
    in production, no schema suggestions in messages."""

    def __init__(self, production: bool = False) -> None:
        super().__init__()
        self.production = production

    def _process_errors(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        processed = []
        for error in super()._process_errors(errors):
            extensions = dict(error.extensions or {})
            if error.original_error is None and _TOO_COMPLEX.search(error.message):
                extensions["code"] = QUERY_TOO_COMPLEX
            message = strip_suggestions(error.message) if self.production else error.message
            processed.append(
                GraphQLError(message, nodes=error.nodes, path=error.path, extensions=extensions)
            )
        return processed


def hardening_extensions(
    production: bool = False, limits: GraphQLLimits | None = None
) -> list[Callable[[], SchemaExtension]]:
    """Extension factories (strawberry builds fresh instances per request)."""
    limits = limits or GraphQLLimits()
    extensions: list[Callable[[], SchemaExtension]] = [
        partial(HardenedErrors, production=production),
        partial(QueryDepthLimiter, max_depth=limits.max_depth),
        partial(MaxAliasesLimiter, max_alias_count=limits.max_aliases),
        partial(MaxTokensLimiter, max_token_count=limits.max_tokens),
    ]
    if production:
        extensions.append(DisableIntrospection)
    return extensions
