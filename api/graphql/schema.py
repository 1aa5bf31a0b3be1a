"""The strawberry schema, and its SDL as committed in ``schema.graphql``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.schema.schema import DEFAULT_ALLOWED_OPERATION_TYPES
from strawberry.tools import merge_types
from strawberry.types.graphql import OperationType

from api.graphql.applications.documents import DocumentMutation
from api.graphql.applications.notifications import NotificationMutation
from api.graphql.applications.resolvers import ApplicationMutation, ApplicationQuery
from api.graphql.applications.threads import ThreadMutation
from api.graphql.audit.resolvers import AuditQuery
from api.graphql.audit.tamper_evidence import TamperEvidenceQuery
from api.graphql.catalogue.resolvers import CatalogueMutation, CatalogueQuery
from api.graphql.catalogue.templates import TemplateMutation, TemplateQuery
from api.graphql.counter.history import CounterHistoryQuery
from api.graphql.counter.interviews import InterviewMutation, InterviewQuery
from api.graphql.counter.reservations import ReservationMutation, ReservationQuery
from api.graphql.counter.visits import VisitMutation, VisitQuery, VisitSubscription
from api.graphql.dx.dashboards import DashboardMutation, DashboardQuery
from api.graphql.payments.resolvers import PaymentMutation, PaymentQuery
from api.graphql.privacy.resolvers import PrivacyMutation, RedactIndividualNumbers
from api.graphql.shared.hardening import GraphQLLimits, hardening_extensions
from api.graphql.shared.http import is_valid_subscription
from api.shared.rate_limit import RateLimitExtension

# One module per capability; each contributes its queries and mutations here.
Query = merge_types("Query", (CatalogueQuery, ApplicationQuery, TamperEvidenceQuery, AuditQuery, VisitQuery,
                                 CounterHistoryQuery, PaymentQuery, DashboardQuery, TemplateQuery, InterviewQuery,
                                 ReservationQuery))
Mutation = merge_types("Mutation", (CatalogueMutation, ApplicationMutation, VisitMutation, PrivacyMutation,
                                       PaymentMutation, DashboardMutation, TemplateMutation, ThreadMutation,
                                       NotificationMutation, DocumentMutation, InterviewMutation,
                                       ReservationMutation))
# Subscriptions over graphql-transport-ws at WebSocket /graphql (api/counter/live.py)
Subscription = merge_types("Subscription", (VisitSubscription,))

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "schema.graphql"


class MadoguchiSchema(strawberry.Schema):
    def process_errors(self, errors: list[GraphQLError], execution_context: Any = None) -> None:
        """Expected, coded errors are answers, not incidents: log only the rest
        (CodedErrors has already logged and masked anything unexpected)."""

    async def execute(self, query: str | None, *args: Any, allowed_operation_types: Any = None,
                      **kwargs: Any) -> Any:
        """Queries and mutations only: subscriptions are served over WebSocket
        (``subscribe``); a valid one sent by POST is refused as ``BAD_REQUEST``, not run."""
        allowed = set(allowed_operation_types or DEFAULT_ALLOWED_OPERATION_TYPES)
        if is_valid_subscription(self._schema, query, kwargs.get("operation_name")):
            allowed.discard(OperationType.SUBSCRIPTION)
        return await super().execute(query, *args, allowed_operation_types=allowed, **kwargs)


def build_schema(production: bool = False, limits: GraphQLLimits | None = None) -> strawberry.Schema:
    """The served schema: coded errors and query limits always; in production,
    also no introspection and no "Did you mean" suggestions."""
    return MadoguchiSchema(
        query=Query, mutation=Mutation, subscription=Subscription,
        # first, so it sees every error last: no individual number is ever echoed
        extensions=[RedactIndividualNumbers, *hardening_extensions(production, limits), RateLimitExtension],
    )


def sdl() -> str:
    return build_schema(production=False).as_str() + "\n"
