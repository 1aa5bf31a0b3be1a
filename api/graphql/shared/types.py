"""GraphQL object types: read-model views with Japanese and English labels."""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry.scalars import JSON

from domain.applications.status import Status
from domain.shared.vocabulary import ASSURANCE_LABELS, CHANNEL_LABELS
from projections.applications.inbox import InboxCount
from projections.applications.status import ApplicationView, TimelineEntry
from projections.catalogue.procedure_catalogue import DepartmentView, ProcedureView

if TYPE_CHECKING:  # a lazy type: api.graphql.applications.notifications imports this module
    from api.graphql.applications.documents import IssuedDocument
    from api.graphql.applications.notifications import ApplicationNotification
    from api.graphql.payments.resolvers import ApplicationPayment

ApplicationStatusEnum = strawberry.enum(
    Enum("ApplicationStatus", {s.name: s.value for s in Status}),
    description="申請の状態 / status of an application",
)
ChannelEnum = strawberry.enum(
    Enum("Channel", {c.upper(): c for c in CHANNEL_LABELS}), description="受付方法 / channel"
)
AssuranceEnum = strawberry.enum(
    Enum("Assurance", {a.upper(): a for a in ASSURANCE_LABELS}),
    description="本人確認の水準 / identity assurance level",
)


@strawberry.type
class Label:
    ja: str
    en: str


def status_label(status: str) -> Label:
    s = Status(status)
    return Label(ja=s.label_ja, en=s.label_en)


@strawberry.type
class Department:
    code: str
    name_ja: str
    name_en: str
    procedure_count: int
    online_count: int

    @classmethod
    def of(cls, v: DepartmentView) -> Department:
        return cls(code=v.code, name_ja=v.name_ja, name_en=v.name_en,
                   procedure_count=v.procedure_count, online_count=v.online_count)


@strawberry.type
class FormField:
    key: str
    label_ja: str
    label_en: str
    type: str
    required: bool
    personal: bool
    constraints: JSON
    show_if: JSON | None = strawberry.field(
        default=None, description="表示条件 / shown only when another answer has this value")


@strawberry.type
class Form:
    version: int
    fields: list[FormField]


@strawberry.type
class Procedure:
    code: str
    name_ja: str
    name_en: str
    department: str
    department_name_ja: str
    department_name_en: str
    channels: list[ChannelEnum]  # type: ignore[valid-type]
    channel_labels: list[Label]
    assurance: AssuranceEnum  # type: ignore[valid-type]
    assurance_label: Label
    fee_yen: int
    processing_days: int = strawberry.field(description="標準処理期間（日）")
    requirements_ja: str = strawberry.field(description="必要なもの")
    requirements_en: str
    contact: str
    retention_years: int
    template_code: str | None
    online: bool
    retired: bool
    form: Form
    updated_at: str

    @classmethod
    def of(cls, v: ProcedureView) -> Procedure:
        form = Form(
            version=v.form["version"],
            fields=[
                FormField(
                    key=f["key"], label_ja=f["label_ja"], label_en=f["label_en"], type=f["type"],
                    required=bool(f.get("required")), personal=bool(f.get("personal")),
                    constraints=f.get("constraints", {}), show_if=f.get("show_if"),
                )
                for f in v.form["fields"]
            ],
        )
        return cls(
            code=v.code, name_ja=v.name_ja, name_en=v.name_en, department=v.department,
            department_name_ja=v.department_name_ja, department_name_en=v.department_name_en,
            channels=[ChannelEnum(c) for c in v.channels],
            channel_labels=[Label(ja=CHANNEL_LABELS[c][0], en=CHANNEL_LABELS[c][1]) for c in v.channels],
            assurance=AssuranceEnum(v.assurance),
            assurance_label=Label(ja=ASSURANCE_LABELS[v.assurance][0], en=ASSURANCE_LABELS[v.assurance][1]),
            fee_yen=v.fee_yen, processing_days=v.processing_days,
            requirements_ja=v.requirements_ja, requirements_en=v.requirements_en,
            contact=v.contact, retention_years=v.retention_years, template_code=v.template_code,
            online=v.online, retired=v.retired, form=form, updated_at=v.updated_at,
        )


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
    async def messages(self, info: strawberry.Info) -> list[ApplicationMessage]:
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


@strawberry.type(description="問い合わせの投稿 / one message of an application's thread")
class ApplicationMessage:
    author_role: str = strawberry.field(description="citizen (the applicant), staff or manager")
    at: str
    body: str | None


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


@strawberry.type
class PageInfo:
    end_cursor: str | None
    has_next_page: bool


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


@strawberry.type
class CommandPayload:
    id: str = strawberry.field(description="The affected record's id (code for procedures)")
    position: int = strawberry.field(
        description="Global position of the command's last event; pass it as atLeastPosition"
    )


@strawberry.input
class FormFieldInput:
    key: str
    label_ja: str
    label_en: str
    type: str
    required: bool = False
    personal: bool = False
    constraints: JSON | None = None
    show_if: JSON | None = None

    def to_dict(self) -> dict[str, Any]:
        d = {
            "key": self.key, "label_ja": self.label_ja, "label_en": self.label_en,
            "type": self.type, "required": self.required, "personal": self.personal,
            "constraints": self.constraints or {},
        }
        if self.show_if is not None:
            d["show_if"] = self.show_if
        return d
