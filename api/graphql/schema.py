"""The strawberry schema, and its SDL as committed in ``schema.graphql``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.tools import merge_types

from api.graphql.applications import ApplicationMutation, ApplicationQuery
from api.graphql.audit import AuditQuery
from api.graphql.catalogue import CatalogueMutation, CatalogueQuery
from api.graphql.dashboards import DashboardMutation, DashboardQuery
from api.graphql.hardening import GraphQLLimits, hardening_extensions
from api.graphql.payments import PaymentMutation, PaymentQuery
from api.graphql.privacy import PrivacyMutation, RedactIndividualNumbers
from api.graphql.tamper_evidence import TamperEvidenceQuery
from api.graphql.templates import TemplateMutation, TemplateQuery
from api.graphql.visits import VisitMutation, VisitQuery
from api.rate_limit import RateLimitExtension

# One module per capability; each contributes its queries and mutations here.
Query = merge_types("Query", (CatalogueQuery, ApplicationQuery, TamperEvidenceQuery, AuditQuery, VisitQuery,
                                 PaymentQuery, DashboardQuery, TemplateQuery))
Mutation = merge_types("Mutation", (CatalogueMutation, ApplicationMutation, VisitMutation, PrivacyMutation,
                                       PaymentMutation, DashboardMutation, TemplateMutation))

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "schema.graphql"


class MadoguchiSchema(strawberry.Schema):
    def process_errors(self, errors: list[GraphQLError], execution_context: Any = None) -> None:
        """Expected, coded errors are answers, not incidents: log only the rest
        (CodedErrors has already logged and masked anything unexpected)."""


def build_schema(production: bool = False, limits: GraphQLLimits | None = None) -> strawberry.Schema:
    """The served schema: coded errors and query limits always; in production,
    also no introspection and no "Did you mean" suggestions."""
    return MadoguchiSchema(
        query=Query, mutation=Mutation,
        # first, so it sees every error last: no individual number is ever echoed
        extensions=[RedactIndividualNumbers, *hardening_extensions(production, limits), RateLimitExtension],
    )


def sdl() -> str:
    return build_schema(production=False).as_str() + "\n"
