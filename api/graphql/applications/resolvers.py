"""GraphQL for applications (申請): status, lists, inbox, submission and review."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from api.graphql.audit.resolvers import guard_personal_data
from api.graphql.shared.context import ApiContext
from api.graphql.shared.errors import ApiError
from api.graphql.shared.types import (
    Application,
    ApplicationConnection,
    ApplicationStatusEnum,
    ChannelEnum,
    CommandPayload,
    InboxEntry,
    PageInfo,
)
from application.applications.identity import Signature
from application.shared.access import Rule, authorize
from domain.applications.status import Status
from domain.shared.errors import Forbidden, NotFound
from projections.applications import inbox as inbox_model
from projections.applications import messages as messages_model
from projections.applications import status as status_model

STATUS = (status_model.ApplicationStatus.name,)
THREAD = (messages_model.ApplicationMessages.name,)
INBOX = (inbox_model.DepartmentInbox.name,)
MAX_PAGE = 100


@strawberry.input(description="マイナンバーカードの署名 / a My Number card (JPKI) signature, see docs/identity.md")
class SignatureInput:
    certificate: str = strawberry.field(description="署名用電子証明書 (base64 DER)")
    signature: str = strawberry.field(
        description="base64 signature over the UTF-8 bytes of the canonical JSON "
        "{procedureCode, formVersion, answers, nonce} (sorted keys, no spaces)")
    nonce: str = strawberry.field(description="from signingChallenge")
    algorithm: str = "SHA256withRSA"


@strawberry.input
class SubmitApplicationInput:
    procedure_code: str
    channel: ChannelEnum  # type: ignore[valid-type]
    applicant_name: str
    answers: JSON
    form_version: int | None = None
    contact_email: str | None = None
    signature: SignatureInput | None = None


@strawberry.type
class SigningChallengePayload:
    id: str
    position: int
    nonce: str = strawberry.field(description="sign it within the submission; single use")
    expires_at: str = strawberry.field(description="ISO 8601; ten minutes after issue")


def _scoped_department(ctx: ApiContext, operation: str, department: str | None) -> str | None:
    rule = authorize(ctx.actor, operation, department=department)
    if rule is Rule.OWN_DEPARTMENT:
        return ctx.actor.department
    return department


@strawberry.type
class ApplicationQuery:
    @strawberry.field(description="申請の状況 / one application's status and timeline")
    async def application(
        self, info: Info[ApiContext, None], id: strawberry.ID,
        at_least_position: int | None = None,
    ) -> Application:
        ctx = info.context
        actor = ctx.actor
        await ctx.wait_for(at_least_position, STATUS + THREAD)
        vault = ctx.container.vault
        view = await ctx.read(lambda s: status_model.get_application(s, vault, str(id)))
        if view is None or view.status == Status.AWAITING_CONFIRMATION.value:  # not confirmed: no one's yet
            authorize(actor, "application")
            raise NotFound("application not found", message_ja="申請が見つかりません")
        authorize(actor, "application", department=view.department, owner=view.applicant_subject)
        [view] = await guard_personal_data(info, "application", [view])
        return Application.of(view, now_iso=ctx.container.clock.now().isoformat())

    @strawberry.field(description="申請の一覧（新しい順）/ applications, newest first")
    async def applications(
        self, info: Info[ApiContext, None], department: str | None = None,
        status: ApplicationStatusEnum | None = None,  # type: ignore[valid-type]
        channel: ChannelEnum | None = None,  # type: ignore[valid-type]
        first: int = 20, after: str | None = None, at_least_position: int | None = None,
        procedure_code: str | None = None,
        older_than_days: Annotated[int | None, strawberry.argument(
            description="submitted more than this many days ago")] = None,
        overdue_only: Annotated[bool, strawberry.argument(
            description="past the due date and not approved, completed, rejected or withdrawn")] = False,
    ) -> ApplicationConnection:
        ctx = info.context
        if department is not None and ctx.actor.department not in (None, department):
            authorize(ctx.actor, "applications", department=department)
        scoped = _scoped_department(ctx, "applications", department)
        if older_than_days is not None and not 0 <= older_than_days <= 36500:
            raise ApiError("olderThanDays must be between 0 and 36500", "VALIDATION_FAILED",
                           field="olderThanDays", rule="range")
        now = ctx.container.clock.now()
        return await _page(
            info, "applications", at_least_position, first, after, department=scoped,
            status=Status(status.value) if status else None,
            channel=channel.value if channel else None, procedure_code=procedure_code,
            submitted_before=now - timedelta(days=older_than_days) if older_than_days is not None else None,
            overdue_at=now if overdue_only else None,
        )

    @strawberry.field(description="わたしの申請（新しい順）/ the signed-in citizen's own applications, newest first")
    async def my_applications(
        self, info: Info[ApiContext, None], first: int = 20, after: str | None = None,
        status: ApplicationStatusEnum | None = None,  # type: ignore[valid-type]
        at_least_position: int | None = None,
    ) -> ApplicationConnection:
        ctx = info.context
        authorize(ctx.actor, "myApplications")
        if ctx.actor.role != "citizen":  # only citizens have applications of their own
            raise Forbidden("only citizens have applications of their own",
                            message_ja="この操作を行う権限がありません")
        return await _page(
            info, "myApplications", at_least_position, first, after, applicant_subject=ctx.actor.subject,
            status=Status(status.value) if status else None, with_timeline=True,
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


async def _page(
    info: Info[ApiContext, None], operation: str, at_least_position: int | None, first: int,
    after: str | None, **filters: object,
) -> ApplicationConnection:
    ctx = info.context
    if not 1 <= first <= MAX_PAGE:
        raise ApiError(f"first must be between 1 and {MAX_PAGE}", "VALIDATION_FAILED",
                       field="first", rule="range")
    await ctx.wait_for(at_least_position, STATUS)
    vault = ctx.container.vault

    def page(s):
        try:
            return status_model.list_applications(s, vault, first=first, after=after, **filters)
        except ValueError:
            raise ApiError("after is not a cursor from this list", "VALIDATION_FAILED",
                           field="after", rule="cursor") from None

    result = await ctx.read(page)
    views = await guard_personal_data(info, operation, result.items)
    now_iso = ctx.container.clock.now().isoformat()
    return ApplicationConnection(
        nodes=[Application.of(v, now_iso=now_iso) for v in views],
        page_info=PageInfo(end_cursor=result.end_cursor, has_next_page=result.has_next_page),
        total_count=result.total_count,
    )


@strawberry.type
class ApplicationMutation:
    @strawberry.mutation(description="申請する / submit an application")
    async def submit_application(
        self, info: Info[ApiContext, None], input: SubmitApplicationInput
    ) -> CommandPayload:
        applications = info.context.container.applications
        signature = input.signature
        return await info.context.execute(
            applications.submit,
            procedure_code=input.procedure_code, channel=input.channel.value,
            applicant_name=input.applicant_name, answers=input.answers,
            form_version=input.form_version, contact_email=input.contact_email,
            signature=Signature(signature.certificate, signature.signature, signature.algorithm,
                                signature.nonce) if signature else None,
        )

    @strawberry.mutation(description="署名用の確認コード / a single-use nonce to sign, valid for ten minutes")
    async def signing_challenge(self, info: Info[ApiContext, None], procedure_code: str) -> SigningChallengePayload:
        ctx = info.context
        issued = await ctx.run(ctx.container.applications.challenges.issue, ctx.command_context(),
                               procedure_code)
        return SigningChallengePayload(id=issued.id, position=issued.position, nonce=issued.nonce,
                                       expires_at=issued.expires_at.isoformat())

    @strawberry.mutation(description="受付 / receive")
    async def receive_application(self, info: Info[ApiContext, None], id: strawberry.ID) -> CommandPayload:
        return await info.context.execute(info.context.container.applications.receive, str(id))

    @strawberry.mutation(description="差し戻し / return for correction")
    async def return_application(
        self, info: Info[ApiContext, None], id: strawberry.ID, reason: str
    ) -> CommandPayload:
        return await info.context.execute(
            info.context.container.applications.return_for_correction, str(id), reason
        )

    @strawberry.mutation(description="再提出 / resubmit corrected answers")
    async def resubmit_application(
        self, info: Info[ApiContext, None], id: strawberry.ID, answers: JSON
    ) -> CommandPayload:
        return await info.context.execute(info.context.container.applications.resubmit, str(id), answers)

    @strawberry.mutation(description="承認 / approve")
    async def approve_application(self, info: Info[ApiContext, None], id: strawberry.ID) -> CommandPayload:
        return await info.context.execute(info.context.container.applications.approve, str(id))

    @strawberry.mutation(description="却下 / reject")
    async def reject_application(
        self, info: Info[ApiContext, None], id: strawberry.ID, reason: str
    ) -> CommandPayload:
        return await info.context.execute(info.context.container.applications.reject, str(id), reason)

    @strawberry.mutation(description="交付・完了 / complete")
    async def complete_application(
        self, info: Info[ApiContext, None], id: strawberry.ID,
        documents: Annotated[list[strawberry.ID] | None, strawberry.argument(
            description="交付文書 / ids from POST /documents, issued with the completion")] = None,
    ) -> CommandPayload:
        return await info.context.execute(info.context.container.documents.complete, str(id),
                                          [str(d) for d in documents or ()])

    @strawberry.mutation(description="取下げ / withdraw")
    async def withdraw_application(
        self, info: Info[ApiContext, None], id: strawberry.ID, reason: str = ""
    ) -> CommandPayload:
        return await info.context.execute(info.context.container.applications.withdraw, str(id), reason)
