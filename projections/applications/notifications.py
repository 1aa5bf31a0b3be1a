"""Read model ``notifications``: the outbox as people and the sender read it —
each application's notifications with their state (送信待ち / 送信済み /
送信失敗 / 送信中止), attempts, last error and next attempt. No recipient and
no text: those stay sealed in the events."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from application.projection.base import Projection, Tables
from application.projection.reading import ReadSession
from application.shared.ports import ViewCursor
from domain.applications.notifications import (
    STATE_AFTER_EVENT,
    NotificationAbandoned,
    NotificationQueued,
    NotificationSendFailed,
    NotificationSent,
)


@dataclass(frozen=True)
class NotificationView:
    id: str
    application_id: str
    kind: str
    template: str
    state: str
    attempts: int
    last_error: str | None
    next_attempt_at: str | None
    queued_at: str
    updated_at: str


class Notifications(Projection):
    name = "notifications"
    version = 1
    handles = (NotificationQueued, NotificationSent, NotificationSendFailed, NotificationAbandoned)
    tables = ("notifications",)

    def create(self, cur: ViewCursor, t: Tables) -> None:
        cur.execute(t.sql(
            "CREATE TABLE IF NOT EXISTS {notifications} ("
            " id TEXT PRIMARY KEY, application_id TEXT NOT NULL, application_version INTEGER NOT NULL,"
            " kind TEXT NOT NULL,"
            " template TEXT NOT NULL, state TEXT NOT NULL, attempts INTEGER NOT NULL,"
            " last_error TEXT, next_attempt_at TEXT, queued_at TEXT NOT NULL, updated_at TEXT NOT NULL,"
            " position BIGINT NOT NULL)"
        ))
        cur.execute(t.sql(
            "CREATE INDEX IF NOT EXISTS {notifications}_app ON {notifications} (application_id, application_version)"))
        cur.execute(t.sql(
            "CREATE INDEX IF NOT EXISTS {notifications}_due ON {notifications} (state, next_attempt_at)"))

    def apply(self, cur: ViewCursor, t: Tables, event: Any, position: int) -> None:
        at = event.timestamp.isoformat()
        state = STATE_AFTER_EVENT[type(event).__name__].value
        nid = str(event.originator_id)
        if isinstance(event, NotificationQueued):
            cur.execute(
                t.sql("INSERT INTO {notifications} VALUES (?, ?, ?, ?, ?, ?, 0, NULL, ?, ?, ?, ?)"),
                (nid, event.application_id, event.application_version, event.kind, event.template, state,
                 at, at, at, position),
            )
            return
        next_at = event.next_attempt_at.isoformat() if isinstance(event, NotificationSendFailed) else None
        cur.execute(
            t.sql("UPDATE {notifications} SET state = ?, attempts = ?, last_error = COALESCE(?, last_error),"
                  " next_attempt_at = ?, updated_at = ?, position = ? WHERE id = ?"),
            (state, event.attempt, getattr(event, "error", None), next_at, at, position, nid),
        )


_COLUMNS = ("id, application_id, kind, template, state, attempts, last_error, next_attempt_at,"
            " queued_at, updated_at")


def notifications_of(session: ReadSession, application_id: str) -> list[NotificationView]:
    """An application's notifications, oldest first."""
    t = session.tables(Notifications.name)
    session.cur.execute(
        t.sql(f"SELECT {_COLUMNS} FROM {{notifications}} WHERE application_id = ? ORDER BY application_version"),
        (application_id,),
    )
    return [NotificationView(*r) for r in session.cur.fetchall()]


def due_notifications(session: ReadSession, now_iso: str, limit: int = 100) -> list[str]:
    """Ids of queued or failed notifications whose next attempt is due at ``now_iso``."""
    t = session.tables(Notifications.name)
    session.cur.execute(
        t.sql("SELECT id FROM {notifications} WHERE state IN ('queued', 'failed') AND next_attempt_at <= ?"
              " ORDER BY next_attempt_at, id LIMIT ?"),
        (now_iso, limit),
    )
    return [r[0] for r in session.cur.fetchall()]
