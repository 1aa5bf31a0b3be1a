"""Read model: an index of EVERY event of the log, for ``auditEvents``.

One row per event: position, aggregate id and version, type and topic, time
(fixed-width UTC text) and metadata (actor, correlation and request ids). It
holds no payload and no personal data: ``auditEvents`` filters and pages here,
then reads and decodes the selected events from the log itself.

It handles every event class defined under ``domain/`` (found at start-up), so
a new event type is indexed without touching this module.
"""

from __future__ import annotations

import base64
import importlib
import pkgutil
from dataclasses import dataclass
from functools import cache
from typing import Any

from eventsourcing.domain import DomainEvent
from eventsourcing.utils import get_topic

from application.audit.trail import utc_iso
from application.projection.base import Projection, Tables
from application.projection.reading import ReadSession
from application.shared.ports import ViewCursor

_BASES_MODULE = "domain.shared.events"


@cache
def domain_event_classes() -> tuple[type, ...]:
    """Every event class defined in a module of the ``domain`` package."""
    import domain

    found: dict[str, type] = {}
    for info in pkgutil.walk_packages(domain.__path__, "domain."):
        module = importlib.import_module(info.name)
        if module.__name__ == _BASES_MODULE:
            continue
        for value in vars(module).values():
            if (isinstance(value, type) and issubclass(value, DomainEvent)
                    and value.__module__ == module.__name__):
                found[get_topic(value)] = value
    return tuple(found[t] for t in sorted(found))


@dataclass(frozen=True)
class AuditIndexRow:
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


class AuditIndex(Projection):
    name = "audit_index"
    version = 1
    tables = ("audit_events",)

    def __init__(self) -> None:
        self.handles = domain_event_classes()

    def create(self, cur: ViewCursor, t: Tables) -> None:
        cur.execute(t.sql(
            "CREATE TABLE IF NOT EXISTS {audit_events} ("
            " position BIGINT PRIMARY KEY, aggregate_id TEXT NOT NULL, version BIGINT NOT NULL,"
            " type TEXT NOT NULL, topic TEXT NOT NULL, occurred_at TEXT NOT NULL,"
            " actor_subject TEXT, actor_role TEXT, actor_department TEXT,"
            " correlation_id TEXT, request_id TEXT)"
        ))
        for column in ("aggregate_id", "actor_subject", "type", "occurred_at",
                       "correlation_id", "request_id"):
            cur.execute(t.sql(
                f"CREATE INDEX IF NOT EXISTS {{audit_events}}_{column}"
                f" ON {{audit_events}} ({column}, position)"
            ))

    def apply(self, cur: ViewCursor, t: Tables, event: Any, position: int) -> None:
        meta = getattr(event, "meta", None)
        cur.execute(
            t.sql("INSERT INTO {audit_events} VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
            (
                position, str(event.originator_id), int(event.originator_version),
                type(event).__name__, get_topic(type(event)), utc_iso(event.timestamp),
                getattr(meta, "actor_subject", None), getattr(meta, "actor_role", None),
                getattr(meta, "actor_department", None), getattr(meta, "correlation_id", None),
                getattr(meta, "request_id", None),
            ),
        )


def encode_cursor(position: int) -> str:
    return base64.urlsafe_b64encode(f"audit:{position}".encode()).decode()


def decode_cursor(cursor: str) -> int:
    try:
        kind, position = base64.urlsafe_b64decode(cursor.encode()).decode().split(":", 1)
        if kind != "audit":
            raise ValueError(kind)
        return int(position)
    except (ValueError, UnicodeDecodeError) as e:
        raise ValueError("malformed cursor") from e


_COLUMNS = (
    "position, aggregate_id, version, type, topic, occurred_at, actor_subject, actor_role,"
    " actor_department, correlation_id, request_id"
)


@dataclass(frozen=True)
class AuditIndexPage:
    rows: list[AuditIndexRow]
    end_cursor: str | None
    has_next_page: bool


def list_events(
    session: ReadSession,
    *,
    aggregate_id: str | None = None,
    actor: str | None = None,
    type: str | None = None,
    since: str | None = None,
    until: str | None = None,
    correlation_id: str | None = None,
    request_id: str | None = None,
    first: int = 50,
    after: str | None = None,
) -> AuditIndexPage:
    """Oldest first (log order). ``since``/``until`` are ``utc_iso`` text,
    ``since`` inclusive, ``until`` exclusive; ``type`` is a class name or topic."""
    t = session.tables(AuditIndex.name)
    where: list[str] = []
    params: list[Any] = []
    for column, value in (("aggregate_id", aggregate_id), ("actor_subject", actor),
                          ("correlation_id", correlation_id), ("request_id", request_id)):
        if value is not None:
            where.append(f"{column} = ?")
            params.append(value)
    if type is not None:
        where.append("(type = ? OR topic = ?)")
        params += [type, type]
    if since is not None:
        where.append("occurred_at >= ?")
        params.append(since)
    if until is not None:
        where.append("occurred_at < ?")
        params.append(until)
    if after:
        where.append("position > ?")
        params.append(decode_cursor(after))
    filters = (" WHERE " + " AND ".join(where)) if where else ""
    session.cur.execute(
        t.sql(f"SELECT {_COLUMNS} FROM {{audit_events}}{filters} ORDER BY position LIMIT ?"),
        (*params, first + 1),
    )
    rows = [AuditIndexRow(*r) for r in session.cur.fetchall()]
    has_next = len(rows) > first
    rows = rows[:first]
    return AuditIndexPage(rows, encode_cursor(rows[-1].position) if rows else None, has_next)
