"""The strawberry schema, and its SDL as committed in ``schema.graphql``."""

from __future__ import annotations

from contextvars import ContextVar
from pathlib import Path
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.tools import merge_types
from strawberry.types.execution import ExecutionContext, PreExecutionError
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
from api.graphql.shared.documents import DocumentCache
from api.graphql.shared.hardening import GraphQLLimits, hardening_extensions
from api.shared.individual_numbers import IndividualNumberGuard
from api.shared.rate_limit import OneMutationForAnonymous, RateLimitExtension

# One module per capability; each contributes its queries and mutations here.
Query = merge_types("Query", (CatalogueQuery, ApplicationQuery, TamperEvidenceQuery, AuditQuery, VisitQuery,
                                 CounterHistoryQuery, PaymentQuery, DashboardQuery, TemplateQuery, InterviewQuery,
                                 ReservationQuery))
Mutation = merge_types("Mutation", (CatalogueMutation, ApplicationMutation, VisitMutation, PrivacyMutation,
                                       PaymentMutation, DashboardMutation, TemplateMutation, ThreadMutation,
                                       NotificationMutation, DocumentMutation, InterviewMutation,
                                       ReservationMutation))
# Subscriptions over graphql-transport-ws at WebSocket /graphql (api/shared/live.py)
Subscription = merge_types("Subscription", (VisitSubscription,))

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "schema.graphql"


_OVER_HTTP: ContextVar[bool] = ContextVar("over_http", default=False)


class MadoguchiSchema(strawberry.Schema):
    """Documents are parsed, bounded and validated in the thread pool and cached
    (api/graphql/shared/documents.py), never on the event loop."""

    def __init__(self, *args: Any, limits: GraphQLLimits, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.documents = DocumentCache(
            self._schema, max_fields=limits.max_fields, max_repeats=limits.max_field_repeats,
            max_tokens=limits.max_tokens, maxsize=limits.document_cache_size,
        )

    def process_errors(self, errors: list[GraphQLError], execution_context: Any = None) -> None:
        """Expected, coded errors are answers, not incidents: log only the rest
        (CodedErrors has already logged and masked anything unexpected)."""

    async def execute(self, *args: Any, **kwargs: Any) -> Any:
        """Queries and mutations only: subscriptions are served over WebSocket
        (``subscribe``); a valid one sent by POST is refused as ``BAD_REQUEST``, not run."""
        token = _OVER_HTTP.set(True)
        try:
            return await super().execute(*args, **kwargs)
        finally:
            _OVER_HTTP.reset(token)

    async def _prepare_operation_async(self, context: ExecutionContext, extensions_runner: Any) -> Any:
        """Strawberry's parse-and-validate, with the work done by the cache, off the
        event loop (the limits' validation rules are in place: extensions add them
        when the operation starts)."""
        if context.query and context.graphql_document is None:
            prepared = await self.documents.prepare_off_loop(context.query, context.operation_name,
                                                             context.validation_rules)
            context.pre_execution_errors = list(prepared.errors)
            if prepared.document is None:  # does not parse (or too many tokens)
                async with extensions_runner.parsing():
                    pass
                return PreExecutionError(data=None, errors=list(prepared.errors))
            context.graphql_document = prepared.document
            if _OVER_HTTP.get() and not prepared.errors and is_subscription(context):
                context.allowed_operations = set(context.allowed_operations) - {OperationType.SUBSCRIPTION}
        return await super()._prepare_operation_async(context, extensions_runner)


def is_subscription(context: ExecutionContext) -> bool:
    try:
        return context.operation_type is OperationType.SUBSCRIPTION
    except RuntimeError:  # no such operation: strawberry answers that
        return False


def build_schema(production: bool = False, limits: GraphQLLimits | None = None) -> MadoguchiSchema:
    """The served schema: coded errors and query limits always; in production,
    also no introspection and no "Did you mean" suggestions."""
    limits = limits or GraphQLLimits()
    return MadoguchiSchema(
        query=Query, mutation=Mutation, subscription=Subscription, limits=limits,
        # first, so it sees every error last: no individual number is ever echoed
        extensions=[RedactIndividualNumbers, *hardening_extensions(production, limits), OneMutationForAnonymous,
                    RateLimitExtension, IndividualNumberGuard],
    )


def sdl() -> str:
    return build_schema(production=False).as_str() + "\n"
