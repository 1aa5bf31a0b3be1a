"""Every failure reaches the caller as a GraphQL error with ``extensions.code``."""

from __future__ import annotations

import logging
from typing import Any

from eventsourcing.persistence import InterfaceError
from eventsourcing.persistence import OperationalError as PersistenceOperationalError
from graphql.error import GraphQLError
from strawberry.extensions import MaskErrors

from application.projection.base import ViewStoreUnavailable
from domain.shared.errors import DomainError, ValidationFailed

log = logging.getLogger("madoguchi.api")

STALE_READ = "STALE_READ"
UNAVAILABLE = "UNAVAILABLE"
INTERNAL = "INTERNAL_ERROR"


class ApiError(GraphQLError):
    def __init__(self, message: str, code: str, **extensions: Any) -> None:
        super().__init__(message, extensions={"code": code, **extensions})


def from_domain(error: DomainError) -> ApiError:
    if isinstance(error, ValidationFailed):
        first = error.errors[0]
        return ApiError(
            error.message,
            error.code,
            field=first.path,
            rule=first.rule,
            messageJa=error.message_ja,
            errors=[
                {
                    "field": e.path,
                    "rule": e.rule,
                    "message": e.message_en,
                    "messageJa": e.message_ja,
                    **({"params": e.params} if e.params else {}),
                }
                for e in error.errors
            ],
        )
    return ApiError(error.message, error.code, messageJa=error.message_ja)


def unavailable(error: BaseException | None) -> bool:
    """A lost database, also when it surfaces through another error (an event
    that could not be decrypted because the key table was unreachable)."""
    while error is not None:
        if isinstance(error, (ViewStoreUnavailable, PersistenceOperationalError, InterfaceError)):
            return True
        error = error.__cause__
    return False


def translate(error: BaseException) -> GraphQLError:
    if isinstance(error, GraphQLError):
        return error
    if isinstance(error, DomainError):
        return from_domain(error)
    if unavailable(error):
        return ApiError("the service is briefly unavailable; retry", UNAVAILABLE, retryable=True)
    log.exception("unexpected error", exc_info=error)
    return ApiError("Unexpected error.", INTERNAL)


class CodedErrors(MaskErrors):
    """The one place errors are shaped for callers: our domain errors become
    coded GraphQL errors, anything unexpected is logged and masked as
    ``INTERNAL_ERROR``, and query documents that do not validate get
    ``GRAPHQL_VALIDATION_FAILED``."""

    def __init__(self) -> None:
        super().__init__(error_message="Unexpected error.")

    def _process_errors(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        processed = []
        for error in errors:
            original = error.original_error
            uncoded_graphql = isinstance(original, GraphQLError) and not (
                original.extensions or {}
            ).get("code")
            if original is None or uncoded_graphql:
                extensions = dict(error.extensions or {})
                extensions.setdefault("code", "GRAPHQL_VALIDATION_FAILED")
                processed.append(
                    GraphQLError(error.message, nodes=error.nodes, path=error.path,
                                 extensions=extensions)
                )
                continue
            coded = translate(original)
            processed.append(
                GraphQLError(coded.message, nodes=error.nodes, path=error.path,
                             extensions=coded.extensions)
            )
        return processed
