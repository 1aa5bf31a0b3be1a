"""Applicant notifications (通知メール): the process that queues them and the
service that sends them through the outbox.

- :class:`NotificationProcess` follows the applications' status events (a
  process manager run as a projection, like ``payment_process.py``) and queues
  a :class:`~domain.applications.notifications.Notification` when the application has a
  contact e-mail: a status mail, or for an anonymous かんたん申請 the e-mail
  confirmation. The notification id derives from the triggering event, so a
  replayed batch conflicts instead of queueing twice; events older than
  ``NOTIFY_WITHIN`` (a rebuild, a first start on an old log) queue nothing.
- :class:`NotificationService` sends the due ones through the ``MailSender``
  port and records the outcome: sent, failed with the next attempt after the
  back-off, or abandoned after ``max_attempts``. Delivery is at least once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from application.applications.email_confirmation import EmailConfirmationService
from application.applications.notification_templates import RenderedMail, render, status_notified
from application.catalogue.service import CatalogueService
from application.projection.base import Projection, Tables, ViewStoreUnavailable
from application.shared.eventlog import CityLog
from application.shared.ports import Clock, MailSender, MailUndeliverable, ViewCursor
from domain.applications.application import (
    Application,
    ApplicationApproved,
    ApplicationCompleted,
    ApplicationEmailConfirmed,
    ApplicationReceived,
    ApplicationRejected,
    ApplicationResubmitted,
    ApplicationReturned,
    ApplicationSubmitted,
    ApplicationWithdrawn,
)
from domain.applications.notifications import DEFAULT_MAX_ATTEMPTS, Notification, NotificationKind, notification_id
from domain.applications.status import Status, status_after
from domain.shared.context import CITY_TIMEZONE, Actor, CommandContext
from domain.shared.errors import Conflict, NotFound

log = logging.getLogger("madoguchi.notifications")

PROCESS_ACTOR = Actor.system("notification-process")
SENDER_ACTOR = Actor.system("notification-sender")
NOTIFY_WITHIN = timedelta(days=3)
STATUS_EVENTS = (ApplicationSubmitted, ApplicationReceived, ApplicationReturned, ApplicationResubmitted,
                 ApplicationApproved, ApplicationRejected, ApplicationCompleted, ApplicationWithdrawn,
                 ApplicationEmailConfirmed)


def _load_application(log_: CityLog, application_id: str) -> Application:
    return log_.load(Application, UUID(application_id), "application")


class NotificationProcess(Projection):
    name = "notification_process"
    lane = "processes"  # records events: followed apart from the read models
    version = 1
    handles = STATUS_EVENTS
    tables = ()

    def __init__(self, log_: CityLog, clock: Clock) -> None:
        self.log = log_
        self.clock = clock

    def create(self, cur: ViewCursor, t: Tables) -> None:
        """No tables: the position in ``projection_state`` is all it keeps."""

    def apply(self, cur: ViewCursor, t: Tables, event: Any, position: int) -> None:
        if t.namespace:  # building an audit snapshot of the past: never act
            return
        now = self.clock.now()
        if event.timestamp < now - NOTIFY_WITHIN:  # old news: never mail about the past
            return
        meta = getattr(event, "meta", None)
        correlation = getattr(meta, "correlation_id", None) or f"notification-process:{position}"
        try:
            self.react(CommandContext(PROCESS_ACTOR, now, correlation_id=correlation), event)
        except Conflict:
            # queued by an earlier run of this batch (same deterministic id): nothing to do
            if not self.log.exists(notification_id(str(event.originator_id), event.originator_version)):
                raise ViewStoreUnavailable("notification process: conflict") from None

    def react(self, ctx: CommandContext, event: Any) -> None:
        application_id = str(event.originator_id)
        key = notification_id(application_id, event.originator_version)
        if self.log.exists(key):
            return
        try:
            application = _load_application(self.log, application_id)
        except NotFound:  # pragma: no cover — the event came from it
            return
        email = application.contact_email
        if email is None or email.erased:
            return
        status = status_after(event)
        if status is Status.AWAITING_CONFIRMATION:
            if application.status is not Status.AWAITING_CONFIRMATION:
                return  # confirmed already
            kind, template = NotificationKind.EMAIL_CONFIRMATION, NotificationKind.EMAIL_CONFIRMATION.value
        elif status_notified(status):
            kind, template = NotificationKind.STATUS_CHANGED, status.value
        else:  # pragma: no cover — every status has a template
            return
        notification = Notification.queue(
            ctx, application_id=application_id, application_version=event.originator_version,
            kind=kind, template=template, procedure_code=application.procedure_code,
            department=application.department, recipient=email,
        )
        self.log.store(notification)


@dataclass
class SendReport:
    checked: int = 0
    sent: int = 0
    failed: int = 0
    abandoned: int = 0


class NotificationService:
    def __init__(
        self, log_: CityLog, catalogue: CatalogueService, sender: MailSender,
        confirmations: EmailConfirmationService, *, mail_from: str,
        due: Callable[[datetime], list[str]], max_attempts: int = DEFAULT_MAX_ATTEMPTS,
    ) -> None:
        self.log = log_
        self.catalogue = catalogue
        self.sender = sender
        self.confirmations = confirmations
        self.mail_from = mail_from
        self.due = due  # ids of notifications due at a moment (from the read model)
        self.max_attempts = max_attempts

    def get(self, notification_id_: str) -> Notification:
        return self.log.load(Notification, UUID(str(notification_id_)), "notification")

    def send_due(self, now: datetime) -> SendReport:
        """Send every notification due at ``now``; record each outcome."""
        report = SendReport()
        ctx = CommandContext(SENDER_ACTOR, now, correlation_id=f"notification-sender:{now.isoformat()}")
        for nid in self.due(now):
            notification = self.get(nid)
            if not notification.is_due(now):
                continue
            report.checked += 1
            self._attempt(ctx, notification)
            try:
                self.log.store(notification)
            except Conflict:  # another sender recorded this attempt first
                continue
            state = notification.state.value
            if state == "sent":
                report.sent += 1
            elif state == "failed":
                report.failed += 1
            else:
                report.abandoned += 1
        return report

    def _attempt(self, ctx: CommandContext, notification: Notification) -> None:
        recipient = notification.recipient
        if recipient.erased:
            notification.failed(ctx, "recipient erased", max_attempts=1)
            return
        try:
            mail = self.render(notification, ctx.occurred_at)
        except _Obsolete as e:
            notification.failed(ctx, str(e), max_attempts=1)
            return
        try:
            self.sender.send(sender=self.mail_from, recipient=str(recipient.value), subject=mail.subject,
                             body=mail.body,
                             message_id=f"{notification.id}.{notification.attempts + 1}@madoguchi")
        except MailUndeliverable as e:
            log.info("notification %s: attempt %d failed", notification.id, notification.attempts + 1)
            notification.failed(ctx, str(e), max_attempts=self.max_attempts)
            return
        notification.sent(ctx)

    def render(self, notification: Notification, now: datetime) -> RenderedMail:
        try:
            name_ja = self.catalogue.get_procedure(notification.procedure_code).name_ja
        except NotFound:
            name_ja = notification.procedure_code
        if notification.kind is not NotificationKind.EMAIL_CONFIRMATION:
            return render(notification.kind, notification.template, procedure_name_ja=name_ja,
                          application_id=notification.application_id)
        application = _load_application(self.log, notification.application_id)
        if application.status is not Status.AWAITING_CONFIRMATION:
            raise _Obsolete("the e-mail address is already confirmed")
        expires_at = self.confirmations.expires_at(application)
        if now >= expires_at:
            raise _Obsolete("the confirmation link has expired")
        expires = expires_at.astimezone(CITY_TIMEZONE)
        return render(notification.kind, notification.template, procedure_name_ja=name_ja,
                      application_id=notification.application_id,
                      confirmation_link=self.confirmations.link(application),
                      expires_ja=expires.strftime("%Y年%m月%d日 %H:%M（日本時間）"))


class _Obsolete(Exception):
    """The notification has nothing left to say (e.g. already confirmed)."""
