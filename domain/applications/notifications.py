"""Notification (通知メール): one e-mail to an applicant, sent through an outbox.

A notification is queued when an application's status changes (or, for an
anonymous かんたん申請, to confirm its e-mail address), then sent by the
notification service: each failed attempt is recorded with the time of the
next one (back-off), and after ``max_attempts`` it is abandoned. Its id derives
from the application event that caused it (:func:`notification_id`), so
queueing it twice conflicts instead of sending twice.

No personal data is stored in plain text: the recipient is :class:`PersonalData`
(sealed by the event transcoder); subject and body are rendered at send time
from the template, the procedure and the application id.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum
from uuid import NAMESPACE_URL, UUID, uuid5

from domain.shared.context import CommandContext
from domain.shared.errors import InvalidTransition
from domain.shared.events import Created, Event, RecordedAggregate
from domain.shared.personal import PersonalData

# minutes before the 1st, 2nd, 3rd, … retry; the last value repeats
BACKOFF_MINUTES = (1, 5, 15, 60)
DEFAULT_MAX_ATTEMPTS = 5
MAX_ERROR_LENGTH = 200


class NotificationKind(StrEnum):
    STATUS_CHANGED = "status_changed"
    EMAIL_CONFIRMATION = "email_confirmation"

    @property
    def label_ja(self) -> str:
        return KIND_LABELS[self][0]

    @property
    def label_en(self) -> str:
        return KIND_LABELS[self][1]


KIND_LABELS: dict[NotificationKind, tuple[str, str]] = {
    NotificationKind.STATUS_CHANGED: ("状況のお知らせ", "Status update"),
    NotificationKind.EMAIL_CONFIRMATION: ("メールアドレスの確認", "E-mail confirmation"),
}


class NotificationState(StrEnum):
    QUEUED = "queued"
    SENT = "sent"
    FAILED = "failed"  # the last attempt failed; another is due at next_attempt_at
    ABANDONED = "abandoned"

    @property
    def label_ja(self) -> str:
        return STATE_LABELS[self][0]

    @property
    def label_en(self) -> str:
        return STATE_LABELS[self][1]


STATE_LABELS: dict[NotificationState, tuple[str, str]] = {
    NotificationState.QUEUED: ("送信待ち", "Queued"),
    NotificationState.SENT: ("送信済み", "Sent"),
    NotificationState.FAILED: ("送信失敗", "Failed (will retry)"),
    NotificationState.ABANDONED: ("送信中止", "Abandoned"),
}

# the state each event leads to (event class name -> state)
STATE_AFTER_EVENT: dict[str, NotificationState] = {
    "NotificationQueued": NotificationState.QUEUED,
    "NotificationSent": NotificationState.SENT,
    "NotificationSendFailed": NotificationState.FAILED,
    "NotificationAbandoned": NotificationState.ABANDONED,
}

_NAMESPACE = uuid5(NAMESPACE_URL, "madoguchi:notification")


def notification_id(application_id: str, application_version: int) -> UUID:
    """The id of the notification caused by version ``application_version`` of an application."""
    return uuid5(_NAMESPACE, f"{application_id}:{application_version}")


def backoff(attempt: int) -> timedelta:
    """How long to wait after failed attempt number ``attempt`` (1-based)."""
    return timedelta(minutes=BACKOFF_MINUTES[min(attempt, len(BACKOFF_MINUTES)) - 1])


def error_summary(error: str) -> str:
    """A short, single-line error text (the adapter's message must carry no address)."""
    line = " ".join(str(error).split())
    return line[:MAX_ERROR_LENGTH] or "unknown error"


class NotificationQueued(Created):
    application_id: str
    application_version: int  # of the application event that caused it
    kind: str
    template: str  # the status the mail announces, or "email_confirmation"
    procedure_code: str
    department: str
    recipient: PersonalData

    def apply(self, aggregate: Notification) -> None:
        aggregate.application_id = self.application_id
        aggregate.kind = NotificationKind(self.kind)
        aggregate.template = self.template
        aggregate.procedure_code = self.procedure_code
        aggregate.department = self.department
        aggregate.recipient = self.recipient
        aggregate.state = NotificationState.QUEUED
        aggregate.attempts = 0
        aggregate.next_attempt_at = self.timestamp
        aggregate.queued_at = self.timestamp


class NotificationSent(Event):
    attempt: int

    def apply(self, aggregate: Notification) -> None:
        aggregate.attempts = self.attempt
        aggregate.state = NotificationState.SENT
        aggregate.next_attempt_at = None


class NotificationSendFailed(Event):
    attempt: int
    error: str
    next_attempt_at: datetime

    def apply(self, aggregate: Notification) -> None:
        aggregate.attempts = self.attempt
        aggregate.state = NotificationState.FAILED
        aggregate.next_attempt_at = self.next_attempt_at


class NotificationAbandoned(Event):
    attempt: int
    error: str

    def apply(self, aggregate: Notification) -> None:
        aggregate.attempts = self.attempt
        aggregate.state = NotificationState.ABANDONED
        aggregate.next_attempt_at = None


class Notification(RecordedAggregate):
    application_id: str
    kind: NotificationKind
    template: str
    procedure_code: str
    department: str
    recipient: PersonalData
    state: NotificationState
    attempts: int
    next_attempt_at: datetime | None
    queued_at: datetime

    def __init__(self) -> None:
        """State comes from the events' ``apply`` methods."""

    @classmethod
    def queue(
        cls, ctx: CommandContext, *, application_id: str, application_version: int,
        kind: NotificationKind, template: str, procedure_code: str, department: str,
        recipient: PersonalData,
    ) -> Notification:
        return cls.start(
            ctx, NotificationQueued, id=notification_id(application_id, application_version),
            application_id=application_id, application_version=application_version,
            kind=kind.value, template=template,
            procedure_code=procedure_code, department=department, recipient=recipient,
        )

    @property
    def is_open(self) -> bool:
        return self.state in (NotificationState.QUEUED, NotificationState.FAILED)

    def is_due(self, now: datetime) -> bool:
        return self.is_open and self.next_attempt_at is not None and self.next_attempt_at <= now

    def _check_open(self) -> None:
        if not self.is_open:
            raise InvalidTransition(
                f"notification is already {self.state.value}",
                message_ja=f"この通知は「{self.state.label_ja}」です",
            )

    def sent(self, ctx: CommandContext) -> None:
        self._check_open()
        self.record(ctx, NotificationSent, attempt=self.attempts + 1)

    def failed(self, ctx: CommandContext, error: str, *, max_attempts: int) -> None:
        """Record a failed attempt: retry after the back-off, or abandon after ``max_attempts``."""
        self._check_open()
        attempt = self.attempts + 1
        summary = error_summary(error)
        if attempt >= max_attempts:
            self.record(ctx, NotificationAbandoned, attempt=attempt, error=summary)
        else:
            self.record(ctx, NotificationSendFailed, attempt=attempt, error=summary,
                        next_attempt_at=ctx.occurred_at + backoff(attempt))
