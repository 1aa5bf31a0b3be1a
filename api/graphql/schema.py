"""The strawberry schema, and its SDL as committed in ``schema.graphql``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import strawberry
from graphql import GraphQLError

from api.graphql.hardening import GraphQLLimits, hardening_extensions
from api.graphql.mutations import Mutation
from api.graphql.queries import Query

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "schema.graphql"


class MadoguchiSchema(strawberry.Schema):
    def process_errors(self, errors: list[GraphQLError], execution_context: Any = None) -> None:
        """Expected, coded errors are answers, not incidents: log only the rest
        (CodedErrors has already logged and masked anything unexpected)."""


def build_schema(production: bool = False, limits: GraphQLLimits | None = None) -> strawberry.Schema:
    """The served schema: coded errors and query limits always; in production,
    also no introspection and no "Did you mean" suggestions."""
    return MadoguchiSchema(
        query=Query, mutation=Mutation, extensions=hardening_extensions(production, limits)
    )


def sdl() -> str:
    return build_schema(production=False).as_str() + "\n"
