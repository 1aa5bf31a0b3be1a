"""The audit trail: events as auditors read them, and the personal-data access log.

- :func:`describe` turns one stored event into an :class:`AuditRecord`: its
  position, aggregate, type, time and metadata, and a JSON payload in which
  every personal value is ``[REDACTED]`` unless it is revealed.
- :class:`AuditTrail` records that personal data was shown to someone
  (``PersonalDataViewed``), one new aggregate per record so views never conflict.
  Recording happens *before* the data is returned: if the log cannot be written,
  the read fails (never silently unrecorded).
- :func:`read_positions` and :func:`scan` read events back from the log.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, date, datetime, time
from enum import Enum
from typing import Any
from uuid import UUID, uuid4

from application.shared.eventlog import CityLog
from domain.privacy.access_log import PersonalDataAccess
from domain.shared.context import CITY_TIMEZONE, CommandContext, EventMeta
from domain.shared.errors import ValidationFailed
from domain.shared.personal import PersonalData

REDACTED = "[REDACTED]"
# Event attributes shown as metadata rather than payload.
_ENVELOPE = frozenset({"originator_id", "originator_version", "timestamp", "meta", "originator_topic"})
RECORDS_PER_VIEW = 500  # records per PersonalDataViewed event (a large export is several)


# -- time ---------------------------------------------------------------------
def utc_iso(moment: datetime) -> str:
    """Fixed-width UTC ISO 8601 (microseconds, ``+00:00``): its text order is time order."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")


def parse_time_bound(text: str, field: str) -> datetime:
    """An ISO 8601 date or date-time. A date means midnight, and a time without
    offset means local time, in the city (Asia/Tokyo)."""
    value = text.strip()
    try:
        if len(value) == 10:
            return datetime.combine(date.fromisoformat(value), time(), CITY_TIMEZONE)
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ValidationFailed.single(
            field, "datetime", f"{field} must be an ISO 8601 date or date-time",
            f"{field} は ISO 8601 形式の日付または日時で指定してください",
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=CITY_TIMEZONE)


def time_range(since: str | None, until: str | None) -> tuple[str | None, str | None]:
    """``from`` (inclusive) and ``to`` (exclusive) as :func:`utc_iso` text."""
    start = parse_time_bound(since, "from") if since else None
    end = parse_time_bound(until, "to") if until else None
    if start and end and end < start:
        raise ValidationFailed.single("to", "after_from", "to must not be before from",
                                      "to は from 以降を指定してください")
    return (utc_iso(start) if start else None, utc_iso(end) if end else None)


# -- describing events --------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class AuditRecord:
    position: int
    aggregate_id: str
    version: int
    type: str
    topic: str
    occurred_at: str
    actor_subject: str | None
    actor_role: str | None
    actor_department: str | None
    correlation_id: str | None
    request_id: str | None
    payload: dict[str, Any]
    redacted: bool
    # (record id, data subject) whose personal data the payload holds, and in which fields
    personal: tuple[tuple[str, str], ...]
    personal_fields: tuple[str, ...]

    @property
    def metadata(self) -> dict[str, Any]:
        return {
            "actorSubject": self.actor_subject, "actorRole": self.actor_role,
            "actorDepartment": self.actor_department,
            "correlationId": self.correlation_id, "requestId": self.request_id,
        }

    def as_json(self) -> dict[str, Any]:
        """One line of ``madoguchi audit export``."""
        return {
            "position": self.position, "id": self.aggregate_id, "version": self.version,
            "type": self.type, "topic": self.topic, "occurred_at": self.occurred_at,
            "metadata": self.metadata, "payload": self.payload, "redacted": self.redacted,
        }


class _Redactor:
    def __init__(self, reveal: bool) -> None:
        self.reveal = reveal
        self.subjects: set[str] = set()
        self.found = 0

    def __call__(self, value: Any) -> Any:
        if isinstance(value, PersonalData):
            self.subjects.add(value.subject)
            self.found += 1
            return value.reveal() if self.reveal else REDACTED
        if isinstance(value, dict):
            return {str(k): self(v) for k, v in value.items()}
        if isinstance(value, (list, tuple, set, frozenset)):
            return [self(v) for v in value]
        if value is None or isinstance(value, (bool, int, float, str)):
            return value
        if isinstance(value, datetime):
            return value.isoformat()
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, UUID):
            return str(value)
        if isinstance(value, Enum):
            return self(value.value)
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            return {f.name: self(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return str(value)


def describe(position: int, topic: str, event: Any, *, reveal: bool) -> AuditRecord:
    """An event as auditors see it; personal values revealed only if ``reveal``."""
    redact = _Redactor(reveal)
    payload: dict[str, Any] = {}
    personal_fields = []
    for key, value in vars(event).items():
        if key in _ENVELOPE:
            continue
        before = redact.found
        payload[key] = redact(value)
        if redact.found > before:
            personal_fields.append(key)
    meta: EventMeta | None = getattr(event, "meta", None)
    aggregate_id = str(event.originator_id)
    return AuditRecord(
        position=position, aggregate_id=aggregate_id, version=int(event.originator_version),
        type=type(event).__name__, topic=topic, occurred_at=utc_iso(event.timestamp),
        actor_subject=meta.actor_subject if meta else None,
        actor_role=meta.actor_role if meta else None,
        actor_department=meta.actor_department if meta else None,
        correlation_id=meta.correlation_id if meta else None,
        request_id=meta.request_id if meta else None,
        payload=payload, redacted=bool(redact.subjects) and not reveal,
        personal=tuple((aggregate_id, s) for s in sorted(redact.subjects)),
        personal_fields=tuple(personal_fields),
    )


# -- reading the log ----------------------------------------------------------
def read_positions(log: CityLog, positions: Sequence[int], *, gap: int = 16) -> dict[int, Any]:
    """The notifications at ``positions`` (position → notification), read in a
    few range queries: positions at most ``gap`` apart share one."""
    wanted_set = set(positions)
    wanted = sorted(wanted_set)
    found: dict[int, Any] = {}
    i = 0
    while i < len(wanted):
        j = i
        while j + 1 < len(wanted) and wanted[j + 1] - wanted[j] <= gap:
            j += 1
        start, stop = wanted[i], wanted[j]
        for n in log.recorder.select_notifications(start, stop - start + 1, stop=stop):
            if n.id in wanted_set:
                found[n.id] = n
        i = j + 1
    return found


def scan(log: CityLog, *, after: int = 0, batch_size: int = 500) -> Iterator[tuple[Any, Any]]:
    """Every (notification, decoded event) after ``after``, in log order."""
    position = after
    while True:
        batch = list(log.recorder.select_notifications(
            position, batch_size, inclusive_of_start=False
        ))
        if not batch:
            return
        for n in batch:
            yield n, log.mapper.to_domain_event(n)
        position = batch[-1].id


def export(
    log: CityLog, *, since: str | None, until: str | None, reveal: bool,
    batch_size: int = 500,
) -> Iterator[AuditRecord]:
    """Every event whose time is in [since, until) (``utc_iso`` text or None), in log order."""
    for n, event in scan(log, batch_size=batch_size):
        at = utc_iso(event.timestamp)
        if (since and at < since) or (until and at >= until):
            continue
        yield describe(n.id, n.topic, event, reveal=reveal)


# -- recording views ----------------------------------------------------------
class AuditTrail:
    def __init__(self, log: CityLog, new_id: Callable[[], UUID] = uuid4) -> None:
        self.log = log
        self.new_id = new_id

    def record_view(
        self,
        ctx: CommandContext,
        *,
        operation: str,
        fields: Iterable[str],
        records: Iterable[tuple[str, str]],
    ) -> int | None:
        """Record that ``fields`` of ``records`` ((record id, data subject) pairs)
        were shown to ``ctx.actor`` by ``operation``. Returns the position, or
        None when there was nothing to record. Raises (never swallows) when the
        log cannot be written, so the caller's read fails too."""
        unique = sorted(set(records))
        if not unique:
            return None
        field_list = sorted(set(fields))
        views = [
            PersonalDataAccess.viewed(
                ctx, id=self.new_id(), operation=operation, fields=field_list,
                records=unique[i:i + RECORDS_PER_VIEW],
            )
            for i in range(0, len(unique), RECORDS_PER_VIEW)
        ]
        return self.log.store(*views)
