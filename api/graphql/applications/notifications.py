"""GraphQL for applicant notifications (通知メール) and the e-mail confirmation
of anonymous かんたん申請: ``Application.notifications`` and
``confirmApplicationEmail(token)``."""

from __future__ import annotations

from enum import Enum

import strawberry
from strawberry.types import Info

from api.graphql.shared.context import ApiContext
from api.graphql.shared.types import CommandPayload, Label
from application.shared.access import authorize
from domain.applications.notifications import NotificationKind, NotificationState
from projections.applications import notifications as model

NOTIFICATIONS = (model.Notifications.name,)

NotificationStateEnum = strawberry.enum(
    Enum("NotificationState", {s.name: s.value for s in NotificationState}),
    description="通知メールの状態 / state of a notification e-mail",
)
NotificationKindEnum = strawberry.enum(
    Enum("NotificationKind", {k.name: k.value for k in NotificationKind}),
    description="通知の種類 / kind of notification",
)


@strawberry.type(description="通知メール / one e-mail to the applicant (no address, no text)")
class ApplicationNotification:
    id: strawberry.ID
    kind: NotificationKindEnum  # type: ignore[valid-type]
    kind_label: Label
    template: str = strawberry.field(description="the status announced, or email_confirmation")
    state: NotificationStateEnum  # type: ignore[valid-type]
    state_label: Label
    attempts: int
    last_error: str | None = strawberry.field(description="why the last attempt failed (no personal data)")
    next_attempt_at: str | None
    queued_at: str
    updated_at: str

    @classmethod
    def of(cls, v: model.NotificationView) -> ApplicationNotification:
        kind, state = NotificationKind(v.kind), NotificationState(v.state)
        return cls(id=strawberry.ID(v.id), kind=NotificationKindEnum(v.kind),
                   kind_label=Label(ja=kind.label_ja, en=kind.label_en), template=v.template,
                   state=NotificationStateEnum(v.state), state_label=Label(ja=state.label_ja, en=state.label_en),
                   attempts=v.attempts, last_error=v.last_error, next_attempt_at=v.next_attempt_at,
                   queued_at=v.queued_at, updated_at=v.updated_at)


async def application_notifications(
    info: Info[ApiContext, None], application_id: str, department: str, applicant_subject: str | None
) -> list[ApplicationNotification]:
    """An application's notifications, for whoever may read the application."""
    authorize(info.context.actor, "application", department=department, owner=applicant_subject)
    views = await info.context.read(lambda s: model.notifications_of(s, application_id))
    return [ApplicationNotification.of(v) for v in views]


@strawberry.type
class NotificationMutation:
    @strawberry.mutation(description="メールアドレスの確認 / confirm the contact e-mail of an anonymous "
                         "かんたん申請 with the token of the confirmation link (valid 24 hours)")
    async def confirm_application_email(self, info: Info[ApiContext, None], token: str) -> CommandPayload:
        return await info.context.execute(info.context.container.confirmations.confirm, token)
