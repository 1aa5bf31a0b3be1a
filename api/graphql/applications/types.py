"""GraphQL types of applications: an application with its timeline, pages of
them, and the department inbox. Its thread, payment, notifications and documents
are resolved by their own modules (lazy types, imported when asked)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry.scalars import JSON

from api.graphql.shared.types import ChannelEnum, Label, PageInfo, labelled_enum, member_labels
from domain.applications.status import Status
from projections.applications.inbox import InboxCount
from projections.applications.status_queries import ApplicationView, TimelineEntry

if TYPE_CHECKING:  # lazy types: their modules resolve them from the read models
    from api.graphql.applications.documents import IssuedDocument
    from api.graphql.applications.notifications import ApplicationNotification
    from api.graphql.applications.threads import ApplicationMessage
    from api.graphql.payments.resolvers import ApplicationPayment

ApplicationStatusEnum = labelled_enum("ApplicationStatus", member_labels(Status),
                                     "申請の状態 / status of an application")


def status_label(status: str) -> Label:
    s = Status(status)
    return Label(ja=s.label_ja, en=s.label_en)


@strawberry.type
class TimelineItem:
    status: ApplicationStatusEnum  # type: ignore[valid-type]
    status_label: Label
    event: str
    at: str
    actor_role: str
    actor_department: str | None
    reason: str | None
    position: int

    @classmethod
    def of(cls, e: TimelineEntry) -> TimelineItem:
        return cls(
            status=ApplicationStatusEnum(e.status), status_label=status_label(e.status),
            event=e.event, at=e.at, actor_role=e.actor_role, actor_department=e.actor_department,
            reason=e.reason, position=e.position,
        )


@strawberry.type
class Application:
    id: str
    procedure_code: str
    procedure_name_ja: str
    procedure_name_en: str
    department: str
    channel: ChannelEnum  # type: ignore[valid-type]
    status: ApplicationStatusEnum  # type: ignore[valid-type]
    status_label: Label
    applicant_name: str | None
    contact_email: str | None
    answers: JSON
    form_version: int
    submitted_at: str
    updated_at: str
    due_at: str
    overdue: bool
    position: int
    timeline: list[TimelineItem]
    possible_duplicate_of: list[strawberry.ID] = strawberry.field(
        default_factory=list,
        description="重複の可能性 / earlier applications by the same applicant (signed-in account, "
        "else contact e-mail) for the same procedure with the same answers, within 24 hours")
    applicant_subject: strawberry.Private[str | None] = None

    @strawberry.field(description="問い合わせ / the message thread with the applicant, oldest first "
                      "(the applicant and the department's staff only)")
    async def messages(self, info: strawberry.Info) -> list[Annotated[
            ApplicationMessage, strawberry.lazy("api.graphql.applications.threads")]]:
        from api.graphql.applications.threads import thread_messages

        return await thread_messages(info, self.id, self.department, self.applicant_subject)

    @strawberry.field(description="決済状況 / the fee it owes, what was paid and refunded, and the payment attempts")
    async def payment(self, info: strawberry.Info) -> Annotated[
            ApplicationPayment, strawberry.lazy("api.graphql.payments.resolvers")]:
        from api.graphql.payments.resolvers import application_payment

        return await application_payment(info, self.id)

    @strawberry.field(description="通知メール / e-mails to the applicant about it, oldest first")
    async def notifications(self, info: strawberry.Info) -> list[Annotated[
            ApplicationNotification, strawberry.lazy("api.graphql.applications.notifications")]]:
        from api.graphql.applications.notifications import application_notifications

        return await application_notifications(info, self.id, self.department, self.applicant_subject)

    @strawberry.field(description="交付文書 / documents issued on completion; download through createDownloadLink")
    async def documents(self, info: strawberry.Info) -> list[Annotated[
            IssuedDocument, strawberry.lazy("api.graphql.applications.documents")]]:
        from api.graphql.applications.documents import issued_documents

        return await issued_documents(info, self.id, self.applicant_subject)

    @classmethod
    def of(cls, v: ApplicationView, *, now_iso: str) -> Application:
        final = Status(v.status).is_final or v.status == Status.APPROVED.value
        return cls(
            id=v.id, procedure_code=v.procedure_code, procedure_name_ja=v.procedure_name_ja,
            procedure_name_en=v.procedure_name_en, department=v.department,
            channel=ChannelEnum(v.channel), status=ApplicationStatusEnum(v.status),
            status_label=status_label(v.status), applicant_name=_text(v.applicant_name),
            contact_email=_text(v.contact_email), answers=v.answers, form_version=v.form_version,
            submitted_at=v.submitted_at, updated_at=v.updated_at, due_at=v.due_at,
            overdue=(not final) and v.due_at < now_iso, position=v.position,
            timeline=[TimelineItem.of(e) for e in v.timeline],
            possible_duplicate_of=[strawberry.ID(i) for i in v.possible_duplicate_of],
            applicant_subject=v.applicant_subject,
        )


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


@strawberry.type
class ApplicationConnection:
    nodes: list[Application]
    page_info: PageInfo
    total_count: int


@strawberry.type
class InboxEntry:
    department: str
    status: ApplicationStatusEnum  # type: ignore[valid-type]
    status_label: Label
    count: int

    @classmethod
    def of(cls, c: InboxCount) -> InboxEntry:
        return cls(department=c.department, status=ApplicationStatusEnum(c.status),
                   status_label=status_label(c.status), count=c.count)
