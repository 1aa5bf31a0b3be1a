"""GraphQL queries. Each accepts ``atLeastPosition`` for read-your-writes."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from api.graphql.context import ApiContext
from api.graphql.errors import ApiError
from api.graphql.types import (
    Application,
    ApplicationConnection,
    ApplicationStatusEnum,
    ChannelEnum,
    Department,
    InboxEntry,
    PageInfo,
    Procedure,
)
from application.access import Rule, authorize
from domain.application_status import Status
from domain.errors import Forbidden, NotFound
from projections import application_status as status_model
from projections import department_inbox as inbox_model
from projections import procedure_catalogue as catalogue_model

CATALOGUE = (catalogue_model.ProcedureCatalogue.name,)
STATUS = (status_model.ApplicationStatus.name,)
INBOX = (inbox_model.DepartmentInbox.name,)
MAX_PAGE = 100


def _scoped_department(ctx: ApiContext, operation: str, department: str | None) -> str | None:
    rule = authorize(ctx.actor, operation, department=department)
    if rule is Rule.OWN_DEPARTMENT:
        return ctx.actor.department
    return department


@strawberry.type
class Query:
    @strawberry.field(description="手続き一覧 / the procedure catalogue")
    async def procedures(
        self, info: Info[ApiContext, None], department: str | None = None,
        online_only: bool = False, at_least_position: int | None = None,
    ) -> list[Procedure]:
        ctx = info.context
        authorize(ctx.actor, "procedures")
        await ctx.wait_for(at_least_position, CATALOGUE)
        views = await ctx.read(
            lambda s: catalogue_model.list_procedures(s, department=department, online_only=online_only)
        )
        return [Procedure.of(v) for v in views]

    @strawberry.field(description="手続きの詳細 / one procedure, with its form and requirements")
    async def procedure(
        self, info: Info[ApiContext, None], code: str, at_least_position: int | None = None
    ) -> Procedure | None:
        ctx = info.context
        authorize(ctx.actor, "procedure")
        await ctx.wait_for(at_least_position, CATALOGUE)
        view = await ctx.read(lambda s: catalogue_model.get_procedure(s, code))
        return Procedure.of(view) if view else None

    @strawberry.field(description="課の一覧 / departments")
    async def departments(
        self, info: Info[ApiContext, None], at_least_position: int | None = None
    ) -> list[Department]:
        ctx = info.context
        authorize(ctx.actor, "departments")
        await ctx.wait_for(at_least_position, CATALOGUE)
        return [Department.of(v) for v in await ctx.read(catalogue_model.list_departments)]

    @strawberry.field(description="申請の状況 / one application's status and timeline")
    async def application(
        self, info: Info[ApiContext, None], id: strawberry.ID,
        at_least_position: int | None = None,
    ) -> Application:
        ctx = info.context
        actor = ctx.actor
        await ctx.wait_for(at_least_position, STATUS)
        vault = ctx.container.vault
        view = await ctx.read(lambda s: status_model.get_application(s, vault, str(id)))
        if view is None:
            authorize(actor, "application")
            raise NotFound("application not found", message_ja="申請が見つかりません")
        authorize(actor, "application", department=view.department, owner=view.applicant_subject)
        return Application.of(view, now_iso=ctx.container.clock.now().isoformat())

    @strawberry.field(description="申請の一覧（新しい順）/ applications, newest first")
    async def applications(
        self, info: Info[ApiContext, None], department: str | None = None,
        status: ApplicationStatusEnum | None = None,  # type: ignore[valid-type]
        channel: ChannelEnum | None = None,  # type: ignore[valid-type]
        first: int = 20, after: str | None = None, at_least_position: int | None = None,
    ) -> ApplicationConnection:
        ctx = info.context
        if department is not None and ctx.actor.department not in (None, department):
            authorize(ctx.actor, "applications", department=department)
        scoped = _scoped_department(ctx, "applications", department)
        if not 1 <= first <= MAX_PAGE:
            raise ApiError(f"first must be between 1 and {MAX_PAGE}", "VALIDATION_FAILED",
                           field="first", rule="range")
        await ctx.wait_for(at_least_position, STATUS)
        vault = ctx.container.vault

        def page(s):
            try:
                return status_model.list_applications(
                    s, vault, department=scoped,
                    status=Status(status.value) if status else None,
                    channel=channel.value if channel else None, first=first, after=after,
                )
            except ValueError:
                raise ApiError("after is not a cursor from this list", "VALIDATION_FAILED",
                               field="after", rule="cursor") from None

        result = await ctx.read(page)
        now_iso = ctx.container.clock.now().isoformat()
        return ApplicationConnection(
            nodes=[Application.of(v, now_iso=now_iso) for v in result.items],
            page_info=PageInfo(end_cursor=result.end_cursor, has_next_page=result.has_next_page),
            total_count=result.total_count,
        )

    @strawberry.field(description="受付箱の件数 / counts per department and status")
    async def inbox(
        self, info: Info[ApiContext, None], department: str | None = None,
        at_least_position: int | None = None,
    ) -> list[InboxEntry]:
        ctx = info.context
        if department is not None and ctx.actor.department not in (None, department):
            authorize(ctx.actor, "inbox", department=department)
        scoped = _scoped_department(ctx, "inbox", department)
        if scoped is None and ctx.actor.role in ("staff", "manager"):
            raise Forbidden("staff see their own department's inbox")
        await ctx.wait_for(at_least_position, INBOX)
        counts = await ctx.read(lambda s: inbox_model.inbox_counts(s, scoped))
        return [InboxEntry.of(c) for c in counts]
