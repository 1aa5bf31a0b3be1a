"""問い合わせ: the message thread between the department's staff and the applicant
of one application.

A thread is its own aggregate, keyed by a UUID derived from the application's id
(:func:`thread_id`), so posting a message never conflicts with a status change
of the application. Each body is personal data of the application's data subject
(``application:<id>``, owned by the signed-in applicant), so erasing the
application or its citizen erases the thread too.
"""

from __future__ import annotations

from uuid import UUID, uuid5

from domain.privacy.individual_number import (
    application_subject,
    citizen_subject,
    contains_individual_number,
    individual_number_error,
)
from domain.shared.context import CommandContext
from domain.shared.errors import FieldError, ValidationFailed
from domain.shared.events import Created, Event, RecordedAggregate
from domain.shared.personal import PersonalData

MAX_MESSAGE_LENGTH = 2000
_THREADS = UUID("6f1c2a52-8f0e-4c39-9d55-3b1f6a7e0c11")


def thread_id(application_id: UUID | str) -> UUID:
    """The thread of an application: one per application, derived from its id."""
    return uuid5(_THREADS, str(application_id))


def body_errors(body: object) -> list[FieldError]:
    if not isinstance(body, str) or not body.strip():
        return [FieldError("body", "required", "a message is required", "本文を入力してください")]
    if len(body.strip()) > MAX_MESSAGE_LENGTH:
        return [FieldError("body", "max_length", f"a message is at most {MAX_MESSAGE_LENGTH} characters",
                           f"本文は{MAX_MESSAGE_LENGTH}文字以内で入力してください",
                           {"max_length": MAX_MESSAGE_LENGTH})]
    if contains_individual_number(body):
        return [individual_number_error("body", "the message", "本文")]
    return []


class ApplicationThreadOpened(Created):
    application_id: str
    department: str
    applicant_subject: str | None

    def apply(self, aggregate: ApplicationThread) -> None:
        aggregate.application_id = self.application_id
        aggregate.department = self.department
        aggregate.applicant_subject = self.applicant_subject
        aggregate.message_count = 0


class ApplicationMessagePosted(Event):
    application_id: str
    author_role: str  # "citizen" (the applicant), "staff" or "manager"
    body: PersonalData  # of the application's data subject

    def apply(self, aggregate: ApplicationThread) -> None:
        aggregate.message_count += 1


class ApplicationThread(RecordedAggregate):
    application_id: str
    department: str
    applicant_subject: str | None
    message_count: int

    def __init__(self) -> None:
        """State comes from the events' ``apply`` methods."""

    @classmethod
    def open(cls, ctx: CommandContext, *, application_id: str, department: str,
             applicant_subject: str | None) -> ApplicationThread:
        return cls.start(ctx, ApplicationThreadOpened, id=thread_id(application_id),
                         application_id=str(application_id), department=department,
                         applicant_subject=applicant_subject)

    def post(self, ctx: CommandContext, body: str) -> None:
        if errors := body_errors(body):
            raise ValidationFailed(errors)
        owner = citizen_subject(self.applicant_subject) if self.applicant_subject else None
        self.record(ctx, ApplicationMessagePosted, application_id=self.application_id,
                    author_role=ctx.actor.role,
                    body=PersonalData(application_subject(self.application_id), body.strip(), owner=owner))
