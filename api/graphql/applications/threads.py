"""GraphQL for 問い合わせ: the message thread of an application between its
applicant and the department's staff (``postApplicationMessage``,
``Application.messages``)."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from api.graphql.shared.context import ApiContext
from api.graphql.shared.types import ApplicationMessage, CommandPayload
from application.shared.access import authorize
from domain.privacy.individual_number import application_subject
from projections.applications import messages as messages_model

THREAD = (messages_model.ApplicationMessages.name,)


async def thread_messages(
    info: Info[ApiContext, None], application_id: str, department: str, applicant_subject: str | None
) -> list[ApplicationMessage]:
    """The thread, for those who may post in it: the applicant (a signed-in
    citizen) and the department's staff and managers. A staff member reading it
    is recorded as a showing of personal data."""
    ctx = info.context
    actor = ctx.actor
    authorize(actor, "postApplicationMessage", department=department, owner=applicant_subject)
    vault = ctx.container.vault
    views = await ctx.read(lambda s: messages_model.messages_of(s, vault, application_id))
    if views and not (actor.role == "citizen" and actor.subject == applicant_subject):
        await ctx.record_personal_data_view(
            "application.messages", ["messages"], [(application_id, application_subject(application_id))])
    return [ApplicationMessage(author_role=v.author_role, at=v.at,
                               body=None if v.body is None else str(v.body)) for v in views]


@strawberry.type
class ThreadMutation:
    @strawberry.mutation(description="問い合わせを送る / post a message in an application's thread "
                         "(1–2000 characters, no individual number)")
    async def post_application_message(
        self, info: Info[ApiContext, None], id: strawberry.ID, body: str
    ) -> CommandPayload:
        return await info.context.execute(info.context.container.applications.post_message, str(id), body)
