"""Forgetting data subjects (crypto-shredding) and enforcing retention.

Personal values are sealed with a key per data subject (``application:<id>``,
owned by the signed-in citizen ``citizen:<sub>`` if any). Forgetting a subject
shreds its key — or, for a citizen, the keys of everything they own — after
recording a :class:`~domain.privacy.individual_number.SubjectForgotten` event in the city's log,
so every erasure is in the audit trail before it takes effect. Events are never
rewritten: their ciphertext simply no longer opens, and every read and every
rebuilt read model shows 「[消去済み]」.

Retention is decided from the **event log**, the authoritative record, not
from a read model that may lag, fail or be mid-rebuild: a finished application
(completed, rejected or withdrawn) expires on the day it finished (Japan time)
plus its procedure's retention class (1, 3, 5, 10 or 30 years).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Protocol
from uuid import UUID, uuid4

from application.shared.access import authorize
from application.shared.eventlog import CityLog
from application.shared.results import CommandResult
from domain.applications.application import (
    ApplicationCompleted,
    ApplicationRejected,
    ApplicationSubmitted,
    ApplicationWithdrawn,
)
from domain.catalogue.procedures import ProcedureDefined
from domain.privacy.individual_number import (
    APPLICATION,
    RETENTION_REASON,
    Erasure,
    reason_errors,
    retention_erasure_id,
    retention_expires_on,
    subject_errors,
)
from domain.shared.context import CITY_TIMEZONE, CommandContext
from domain.shared.errors import Conflict, NotFound, ValidationFailed
from domain.shared.topics import stored_topics

_FINAL = {
    ApplicationCompleted: "completed",
    ApplicationRejected: "rejected",
    ApplicationWithdrawn: "withdrawn",
}
_SCAN_BATCH = 1000


class SubjectKeys(Protocol):
    """The data keys per subject (``infra/crypto/keystore.py``)."""

    def holdings(self, subject: str) -> list[tuple[str, str | None]]:
        """(key subject, owner) of each key still held for ``subject`` or owned by it."""
        ...

    def was_forgotten(self, subject: str) -> bool: ...

    def shred(self, holdings: Sequence[tuple[str, str | None]]) -> None: ...


@dataclass(frozen=True)
class ExpiredApplication:
    application_id: str
    subject: str
    procedure_code: str
    status: str
    finished_on: date
    expires_on: date


@dataclass
class RetentionReport:
    as_of: date
    shredded: list[ExpiredApplication] = field(default_factory=list)
    already_shredded: list[ExpiredApplication] = field(default_factory=list)
    position: int = 0


class PrivacyService:
    def __init__(
        self, log: CityLog, keys: SubjectKeys, new_id: Callable[[], UUID] = uuid4
    ) -> None:
        self.log = log
        self.keys = keys
        self.new_id = new_id

    # -- forgetting ------------------------------------------------------------------
    def forget(self, ctx: CommandContext, subject: str, reason: str) -> CommandResult:
        """Shred the keys of ``subject`` (``citizen:<sub>``: every application the
        citizen owns; ``application:<id>``: that one). Recorded first, then shredded.
        Forgetting a subject again once nothing is left records nothing."""
        authorize(ctx.actor, "forgetSubject")
        errors = subject_errors(subject) + reason_errors(reason)
        if errors:
            raise ValidationFailed(errors)
        holdings = self.keys.holdings(subject)
        if not holdings:
            if self.keys.was_forgotten(subject):
                return CommandResult(subject, self.log.head())
            raise NotFound(
                "no personal data is held for this subject",
                message_ja="このデータ主体の個人情報は保有していません",
            )
        owner = next((o for s, o in holdings if s == subject), None)
        erasure = Erasure.forget(
            ctx, id=self.new_id(), subject=subject, owner=owner, reason=reason,
            key_subjects=[s for s, _ in holdings],
        )
        position = self.log.store(erasure)
        self.keys.shred(holdings)
        return CommandResult(subject, position)

    # -- retention -------------------------------------------------------------------
    def expired_applications(self, as_of: date) -> list[ExpiredApplication]:
        """Finished applications whose retention ended on or before ``as_of``,
        oldest expiry first (read from the event log)."""
        classes = (ProcedureDefined, ApplicationSubmitted, *_FINAL)
        topics = sorted(stored_topics(classes))
        retention: dict[str, int] = {}
        submitted: dict[UUID, tuple[str, str]] = {}
        finished: dict[UUID, tuple[str, datetime]] = {}
        position = 0
        while True:
            batch = self.log.recorder.select_notifications(
                position, _SCAN_BATCH, topics=topics, inclusive_of_start=False
            )
            if not batch:
                break
            for notification in batch:
                event = self.log.mapper.to_domain_event(notification)
                if isinstance(event, ProcedureDefined):
                    retention[event.code] = event.retention_years
                elif isinstance(event, ApplicationSubmitted):
                    submitted[event.originator_id] = (event.procedure_code, event.data_subject)
                else:
                    finished[event.originator_id] = (_FINAL[type(event)], event.timestamp)
            position = batch[-1].id
        expired = []
        for app_id, (status, at) in finished.items():
            procedure_code, subject = submitted[app_id]
            if not subject.startswith(f"{APPLICATION}:"):
                continue  # a key shared with other applications is never shredded by retention
            finished_on = at.astimezone(CITY_TIMEZONE).date()
            expires_on = retention_expires_on(finished_on, retention[procedure_code])
            if expires_on <= as_of:
                expired.append(ExpiredApplication(
                    str(app_id), subject, procedure_code, status, finished_on, expires_on
                ))
        return sorted(expired, key=lambda e: (e.expires_on, e.application_id))

    def enforce_retention(
        self, ctx: CommandContext, as_of: date, *, dry_run: bool = False
    ) -> RetentionReport:
        """Shred every expired application still holding a key, each recorded as
        ``SubjectForgotten`` with reason ``retention``. Idempotent: what is already
        shredded is reported, not recorded again."""
        report = RetentionReport(as_of=as_of, position=self.log.head())
        for item in self.expired_applications(as_of):
            holdings = [(s, o) for s, o in self.keys.holdings(item.subject) if s == item.subject]
            if not holdings:
                report.already_shredded.append(item)
                continue
            report.shredded.append(item)
            if dry_run:
                continue
            erasure = Erasure.forget(
                ctx, id=retention_erasure_id(item.subject), subject=item.subject,
                owner=holdings[0][1], reason=RETENTION_REASON, key_subjects=[item.subject],
            )
            try:
                report.position = self.log.store(erasure)
            except Conflict:
                pass  # recorded by an earlier or concurrent run that did not finish shredding
            self.keys.shred(holdings)
        return report
