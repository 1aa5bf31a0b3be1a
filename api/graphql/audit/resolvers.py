"""GraphQL for auditors: the event log with metadata (``auditEvents``) and the
personal-data access log (``personalDataAccesses``); and the guard every read
that can show personal data goes through (:func:`guard_personal_data`)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from typing import Annotated, Any

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from api.graphql.shared.context import ApiContext
from api.graphql.shared.errors import ApiError
from api.graphql.shared.types import PageInfo
from application.audit.trail import REDACTED, AuditRecord, describe, read_positions, time_range
from application.shared.access import authorize, reveals_personal_data
from domain.privacy.individual_number import application_subject
from projections.applications.status import ApplicationView
from projections.audit import index as index_model
from projections.privacy import personal_data_access as access_model

AUDIT_INDEX = (index_model.AuditIndex.name,)
ACCESS_LOG = (access_model.PersonalDataAccesses.name,)
MAX_PAGE = 100

# GraphQL fields of ``Application`` that hold personal data.
APPLICATION_PERSONAL_FIELDS = frozenset({"applicantName", "contactEmail", "answers"})


# -- showing personal data ----------------------------------------------------
def requested_fields(info: Info[Any, Any]) -> set[str]:
    """Names of every field selected under the current one (through fragments)."""
    names: set[str] = set()

    def walk(selections: Iterable[Any]) -> None:
        for s in selections:
            name = getattr(s, "name", None)
            if name:
                names.add(name)
            walk(getattr(s, "selections", None) or ())

    for field in info.selected_fields:
        walk(field.selections)
    return names


def _redacted(view: ApplicationView) -> ApplicationView:
    return dataclasses.replace(
        view,
        applicant_name=REDACTED if view.applicant_name is not None else None,
        contact_email=REDACTED if view.contact_email is not None else None,
        answers=REDACTED,
    )


async def guard_personal_data(
    info: Info[ApiContext, None], operation: str, views: Sequence[ApplicationView]
) -> list[ApplicationView]:
    """The views as the caller may see them: personal fields ``[REDACTED]`` for
    callers who may not see personal data (e.g. an auditor without the ``pii``
    scope); otherwise, when personal fields were asked for, the showing is
    recorded first — if that fails, so does the read. A citizen reading their
    own application is not recorded."""
    ctx = info.context
    actor = ctx.actor
    if not reveals_personal_data(actor, ctx.caller.scopes):
        return [_redacted(v) for v in views]
    fields = sorted(requested_fields(info) & APPLICATION_PERSONAL_FIELDS)
    others = [v for v in views if not (actor.role == "citizen" and v.applicant_subject == actor.subject)]
    await ctx.record_personal_data_view(
        operation, fields, [(v.id, application_subject(v.id)) for v in others]
    )
    return list(views)


# -- types --------------------------------------------------------------------
@strawberry.type(description="Who did it (from the event's metadata)")
class AuditActor:
    subject: str | None
    role: str | None
    department: str | None


@strawberry.type(description="One event of the log, decoded, with its metadata")
class AuditEvent:
    position: int = strawberry.field(description="Global position in the log")
    aggregate_id: str
    version: int
    type: str = strawberry.field(description="Event class, e.g. ApplicationSubmitted")
    topic: str
    occurred_at: str = strawberry.field(description="UTC, ISO 8601")
    actor: AuditActor
    correlation_id: str | None
    request_id: str | None
    payload: JSON = strawberry.field(
        description='The event\'s fields; personal values are "[REDACTED]" without the pii scope'
    )
    redacted: bool = strawberry.field(description="Whether personal values were redacted")

    @classmethod
    def of(cls, r: AuditRecord) -> AuditEvent:
        return cls(
            position=r.position, aggregate_id=r.aggregate_id, version=r.version, type=r.type,
            topic=r.topic, occurred_at=r.occurred_at,
            actor=AuditActor(subject=r.actor_subject, role=r.actor_role, department=r.actor_department),
            correlation_id=r.correlation_id, request_id=r.request_id, payload=r.payload,
            redacted=r.redacted,
        )


@strawberry.type
class AuditEventConnection:
    nodes: list[AuditEvent]
    page_info: PageInfo


@strawberry.type(description="個人情報の閲覧記録 / personal data shown to someone")
class PersonalDataAccess:
    position: int
    access_id: str
    application_id: str = strawberry.field(description="The record whose personal data was shown")
    data_subject: str
    viewer: AuditActor
    operation: str
    fields: list[str] = strawberry.field(description="The personal fields shown")
    at: str = strawberry.field(description="UTC, ISO 8601")
    correlation_id: str | None
    request_id: str | None

    @classmethod
    def of(cls, r: access_model.AccessRow) -> PersonalDataAccess:
        return cls(
            position=r.position, access_id=r.access_id, application_id=r.record_id,
            data_subject=r.data_subject,
            viewer=AuditActor(subject=r.viewer_subject, role=r.viewer_role,
                              department=r.viewer_department),
            operation=r.operation, fields=list(r.fields), at=r.occurred_at,
            correlation_id=r.correlation_id, request_id=r.request_id,
        )


@strawberry.type
class PersonalDataAccessConnection:
    nodes: list[PersonalDataAccess]
    page_info: PageInfo


def _check_first(first: int) -> None:
    if not 1 <= first <= MAX_PAGE:
        raise ApiError(f"first must be between 1 and {MAX_PAGE}", "VALIDATION_FAILED",
                       field="first", rule="range")


def _bad_cursor() -> ApiError:
    return ApiError("after is not a cursor from this list", "VALIDATION_FAILED",
                    field="after", rule="cursor")


# -- queries ------------------------------------------------------------------
@strawberry.type
class AuditQuery:
    @strawberry.field(description="監査: イベント履歴 / the event log with metadata, oldest first (auditors)")
    async def audit_events(
        self, info: Info[ApiContext, None],
        aggregate_id: strawberry.ID | None = None,
        actor: Annotated[str | None, strawberry.argument(description="actor subject")] = None,
        type: Annotated[str | None, strawberry.argument(description="event class name or topic")] = None,
        from_: Annotated[str | None, strawberry.argument(
            name="from", description="ISO 8601, inclusive (a date, or no offset: Japan time)")] = None,
        to: Annotated[str | None, strawberry.argument(description="ISO 8601, exclusive")] = None,
        correlation_id: str | None = None,
        request_id: str | None = None,
        first: int = 50, after: str | None = None, at_least_position: int | None = None,
    ) -> AuditEventConnection:
        ctx = info.context
        authorize(ctx.actor, "auditEvents")
        _check_first(first)
        since, until = time_range(from_, to)
        await ctx.wait_for(at_least_position, AUDIT_INDEX)

        def page(s):
            try:
                return index_model.list_events(
                    s, aggregate_id=str(aggregate_id) if aggregate_id else None, actor=actor,
                    type=type, since=since, until=until, correlation_id=correlation_id,
                    request_id=request_id, first=first, after=after,
                )
            except ValueError:
                raise _bad_cursor() from None

        result = await ctx.read(page)
        reveal = reveals_personal_data(ctx.actor, ctx.caller.scopes)
        log = ctx.container.log

        def load() -> list[AuditRecord]:
            stored = read_positions(log, [r.position for r in result.rows])
            return [
                describe(n.id, n.topic, log.mapper.to_domain_event(n), reveal=reveal)
                for n in (stored[r.position] for r in result.rows if r.position in stored)
            ]

        records = await ctx.run(load)
        if reveal:
            await ctx.record_personal_data_view(
                "auditEvents",
                sorted({f for r in records for f in r.personal_fields}),
                [pair for r in records for pair in r.personal],
            )
        return AuditEventConnection(
            nodes=[AuditEvent.of(r) for r in records],
            page_info=PageInfo(end_cursor=result.end_cursor, has_next_page=result.has_next_page),
        )

    @strawberry.field(description="監査: 個人情報の閲覧記録 / who was shown whose personal data (auditors)")
    async def personal_data_accesses(
        self, info: Info[ApiContext, None],
        application_id: strawberry.ID | None = None,
        data_subject: str | None = None,
        viewer: Annotated[str | None, strawberry.argument(description="viewer subject")] = None,
        from_: Annotated[str | None, strawberry.argument(name="from", description="ISO 8601, inclusive")] = None,
        to: Annotated[str | None, strawberry.argument(description="ISO 8601, exclusive")] = None,
        first: int = 50, after: str | None = None, at_least_position: int | None = None,
    ) -> PersonalDataAccessConnection:
        ctx = info.context
        authorize(ctx.actor, "personalDataAccesses")
        _check_first(first)
        since, until = time_range(from_, to)
        await ctx.wait_for(at_least_position, ACCESS_LOG)

        def page(s):
            try:
                return access_model.list_accesses(
                    s, record_id=str(application_id) if application_id else None,
                    data_subject=data_subject, viewer=viewer, since=since, until=until,
                    first=first, after=after,
                )
            except ValueError:
                raise _bad_cursor() from None

        result = await ctx.read(page)
        return PersonalDataAccessConnection(
            nodes=[PersonalDataAccess.of(r) for r in result.rows],
            page_info=PageInfo(end_cursor=result.end_cursor, has_next_page=result.has_next_page),
        )
