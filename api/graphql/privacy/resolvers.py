"""GraphQL for personal data: forgetting a data subject (crypto-shredding), and
the guarantee that no individual number (個人番号) is ever echoed in an error."""

from __future__ import annotations

from typing import Any

import strawberry
from graphql.error import GraphQLError
from strawberry.extensions import MaskErrors
from strawberry.types import Info

from api.graphql.shared.context import ApiContext
from api.graphql.shared.types import CommandPayload
from domain.privacy.individual_number import redact_individual_numbers


@strawberry.type
class PrivacyMutation:
    @strawberry.mutation(
        description="データ主体の個人情報を消去する（暗号鍵の破棄）/ forget a data subject: "
        "citizen:<sub> (all their applications) or application:<id> (admin)"
    )
    async def forget_subject(
        self, info: Info[ApiContext, None], subject: str, reason: str
    ) -> CommandPayload:
        return await info.context.execute(info.context.container.privacy.forget, subject, reason)


def _redacted(value: Any) -> Any:
    if isinstance(value, str):
        return redact_individual_numbers(value)
    if isinstance(value, dict):
        return {k: _redacted(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_redacted(v) for v in value]
    return value


class RedactIndividualNumbers(MaskErrors):
    """Runs after every other error processing (list it first): an individual
    number in any error message or extension — e.g. a value graphql-core quotes
    when a variable does not coerce — becomes 「[個人番号]」."""

    def __init__(self) -> None:
        super().__init__()

    def _process_errors(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        processed = []
        for error in errors:
            message = redact_individual_numbers(error.message)
            extensions = _redacted(dict(error.extensions or {}))
            if message == error.message and extensions == (error.extensions or {}):
                processed.append(error)
            else:
                processed.append(GraphQLError(message, nodes=error.nodes, path=error.path,
                                              extensions=extensions or None,
                                              original_error=error.original_error))
        return processed
