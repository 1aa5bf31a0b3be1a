"""Read model: who was shown whose personal data, for ``personalDataAccesses``.

One row per (``PersonalDataViewed`` event, record): the record (an application
id today) and its data subject, the viewer (subject, role, department), the
operation, the personal fields shown, when, and the request's ids."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Any

from application.audit.trail import utc_iso
from application.projection.base import Projection, Tables
from application.projection.reading import ReadSession
from application.shared.ports import ViewCursor
from domain.privacy.access_log import PersonalDataViewed


@dataclass(frozen=True)
class AccessRow:
    position: int
    seq: int
    access_id: str
    record_id: str
    data_subject: str
    viewer_subject: str
    viewer_role: str
    viewer_department: str | None
    operation: str
    fields: list[str]
    occurred_at: str
    correlation_id: str | None
    request_id: str | None


class PersonalDataAccesses(Projection):
    name = "personal_data_access"
    version = 1
    handles = (PersonalDataViewed,)
    tables = ("pd_accesses",)

    def create(self, cur: ViewCursor, t: Tables) -> None:
        cur.execute(t.sql(
            "CREATE TABLE IF NOT EXISTS {pd_accesses} ("
            " position BIGINT NOT NULL, seq INTEGER NOT NULL, access_id TEXT NOT NULL,"
            " record_id TEXT NOT NULL, data_subject TEXT NOT NULL,"
            " viewer_subject TEXT NOT NULL, viewer_role TEXT NOT NULL, viewer_department TEXT,"
            " operation TEXT NOT NULL, fields TEXT NOT NULL, occurred_at TEXT NOT NULL,"
            " correlation_id TEXT, request_id TEXT, PRIMARY KEY (position, seq))"
        ))
        for column in ("record_id", "data_subject", "viewer_subject", "occurred_at"):
            cur.execute(t.sql(
                f"CREATE INDEX IF NOT EXISTS {{pd_accesses}}_{column}"
                f" ON {{pd_accesses}} ({column}, position, seq)"
            ))

    def apply(self, cur: ViewCursor, t: Tables, event: Any, position: int) -> None:
        meta = event.meta
        common = (
            meta.actor_subject, meta.actor_role, meta.actor_department, event.operation,
            json.dumps(list(event.fields)), utc_iso(event.timestamp),
            meta.correlation_id, meta.request_id,
        )
        cur.executemany(
            t.sql("INSERT INTO {pd_accesses} VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
            [
                (position, seq, str(event.originator_id), record["id"], record["subject"], *common)
                for seq, record in enumerate(event.records)
            ],
        )


def encode_cursor(position: int, seq: int) -> str:
    return base64.urlsafe_b64encode(f"pda:{position}:{seq}".encode()).decode()


def decode_cursor(cursor: str) -> tuple[int, int]:
    try:
        kind, position, seq = base64.urlsafe_b64decode(cursor.encode()).decode().split(":")
        if kind != "pda":
            raise ValueError(kind)
        return int(position), int(seq)
    except (ValueError, UnicodeDecodeError) as e:
        raise ValueError("malformed cursor") from e


@dataclass(frozen=True)
class AccessPage:
    rows: list[AccessRow]
    end_cursor: str | None
    has_next_page: bool


_COLUMNS = (
    "position, seq, access_id, record_id, data_subject, viewer_subject, viewer_role,"
    " viewer_department, operation, fields, occurred_at, correlation_id, request_id"
)


def list_accesses(
    session: ReadSession,
    *,
    record_id: str | None = None,
    data_subject: str | None = None,
    viewer: str | None = None,
    since: str | None = None,
    until: str | None = None,
    first: int = 50,
    after: str | None = None,
) -> AccessPage:
    """Oldest first. ``since``/``until``: ``utc_iso`` text, inclusive/exclusive."""
    t = session.tables(PersonalDataAccesses.name)
    where: list[str] = []
    params: list[Any] = []
    for column, value in (("record_id", record_id), ("data_subject", data_subject),
                          ("viewer_subject", viewer)):
        if value is not None:
            where.append(f"{column} = ?")
            params.append(value)
    if since is not None:
        where.append("occurred_at >= ?")
        params.append(since)
    if until is not None:
        where.append("occurred_at < ?")
        params.append(until)
    if after:
        position, seq = decode_cursor(after)
        where.append("(position > ? OR (position = ? AND seq > ?))")
        params += [position, position, seq]
    filters = (" WHERE " + " AND ".join(where)) if where else ""
    session.cur.execute(
        t.sql(f"SELECT {_COLUMNS} FROM {{pd_accesses}}{filters} ORDER BY position, seq LIMIT ?"),
        (*params, first + 1),
    )
    rows = []
    for r in session.cur.fetchall():
        values = list(r)
        values[9] = json.loads(values[9])
        rows.append(AccessRow(*values))
    has_next = len(rows) > first
    rows = rows[:first]
    end = encode_cursor(rows[-1].position, rows[-1].seq) if rows else None
    return AccessPage(rows, end, has_next)
