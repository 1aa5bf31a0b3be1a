"""Read model: each application's current status (with its Japanese label),
procedure, department, channel, applicant and full status timeline."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from application.ports import PersonalDataVault, ViewCursor
from application.projection import Projection, Tables
from domain.application_status import STATUS_AFTER_EVENT, Status
from domain.applications import (
    ApplicationApproved,
    ApplicationCompleted,
    ApplicationReceived,
    ApplicationRejected,
    ApplicationResubmitted,
    ApplicationReturned,
    ApplicationSubmitted,
    ApplicationWithdrawn,
)
from domain.personal import PersonalData
from domain.procedures import ProcedureDefined
from projections.reading import ReadSession

LIFECYCLE = (
    ApplicationSubmitted,
    ApplicationReceived,
    ApplicationReturned,
    ApplicationResubmitted,
    ApplicationApproved,
    ApplicationRejected,
    ApplicationCompleted,
    ApplicationWithdrawn,
)


@dataclass(frozen=True)
class TimelineEntry:
    status: str
    event: str
    at: str
    actor_role: str
    actor_department: str | None
    reason: str | None
    position: int


@dataclass(frozen=True)
class ApplicationView:
    id: str
    procedure_code: str
    procedure_name_ja: str
    procedure_name_en: str
    department: str
    channel: str
    status: str
    applicant_subject: str | None
    applicant_name: Any
    contact_email: Any
    answers: Any
    form_version: int
    submitted_at: str
    updated_at: str
    due_at: str
    position: int
    timeline: list[TimelineEntry]


class ApplicationStatus(Projection):
    name = "application_status"
    version = 2  # 2: answers keep each personal value sealed on its own
    handles = (ProcedureDefined, *LIFECYCLE)
    tables = ("status_procedures", "status_applications", "status_timeline")

    def __init__(self, vault: PersonalDataVault) -> None:
        self.vault = vault

    def create(self, cur: ViewCursor, t: Tables) -> None:
        cur.execute(t.sql(
            "CREATE TABLE IF NOT EXISTS {status_procedures} ("
            " code TEXT PRIMARY KEY, name_ja TEXT NOT NULL, name_en TEXT NOT NULL,"
            " processing_days INTEGER NOT NULL)"
        ))
        cur.execute(t.sql(
            "CREATE TABLE IF NOT EXISTS {status_applications} ("
            " id TEXT PRIMARY KEY, procedure_code TEXT NOT NULL, department TEXT NOT NULL,"
            " channel TEXT NOT NULL, status TEXT NOT NULL, applicant_subject TEXT,"
            " data_subject TEXT NOT NULL, applicant_name TEXT, contact_email TEXT, answers TEXT,"
            " form_version INTEGER NOT NULL,"
            " submitted_at TEXT NOT NULL, updated_at TEXT NOT NULL, due_at TEXT NOT NULL,"
            " position BIGINT NOT NULL)"
        ))
        cur.execute(t.sql(
            "CREATE INDEX IF NOT EXISTS {status_applications}_dept"
            " ON {status_applications} (department, status, submitted_at, id)"
        ))
        cur.execute(t.sql(
            "CREATE INDEX IF NOT EXISTS {status_applications}_applicant"
            " ON {status_applications} (applicant_subject, submitted_at)"
        ))
        cur.execute(t.sql(
            "CREATE TABLE IF NOT EXISTS {status_timeline} ("
            " application_id TEXT NOT NULL, version INTEGER NOT NULL, status TEXT NOT NULL,"
            " event TEXT NOT NULL, at TEXT NOT NULL, actor_role TEXT NOT NULL,"
            " actor_department TEXT, reason TEXT, position BIGINT NOT NULL,"
            " PRIMARY KEY (application_id, version))"
        ))

    def apply(self, cur: ViewCursor, t: Tables, event: Any, position: int) -> None:
        if isinstance(event, ProcedureDefined):
            cur.execute(
                t.sql("INSERT INTO {status_procedures} VALUES (?, ?, ?, ?)"),
                (event.code, event.name_ja, event.name_en, event.processing_days),
            )
            return
        at = event.timestamp.isoformat()
        app_id = str(event.originator_id)
        status = STATUS_AFTER_EVENT[type(event).__name__]
        if isinstance(event, ApplicationSubmitted):
            cur.execute(
                t.sql("SELECT processing_days FROM {status_procedures} WHERE code = ?"),
                (event.procedure_code,),
            )
            row = cur.fetchone()
            due = event.timestamp + timedelta(days=int(row[0]) if row else 0)
            cur.execute(
                t.sql(
                    "INSERT INTO {status_applications} VALUES"
                    " (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                ),
                (
                    app_id, event.procedure_code, event.department, event.channel, status.value,
                    event.applicant_subject, event.data_subject,
                    self.vault.seal(event.applicant_name), self.vault.seal(event.contact_email),
                    self._seal_answers(event.answers),
                    event.form_version, at, at, due.isoformat(), position,
                ),
            )
        else:
            assignments = "status = ?, updated_at = ?, position = ?"
            params: list[Any] = [status.value, at, position]
            if isinstance(event, ApplicationResubmitted):
                assignments += ", answers = ?"
                params.append(self._seal_answers(event.answers))
            cur.execute(
                t.sql(f"UPDATE {{status_applications}} SET {assignments} WHERE id = ?"),
                (*params, app_id),
            )
        cur.execute(
            t.sql("INSERT INTO {status_timeline} VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"),
            (
                app_id, event.originator_version, status.value, type(event).__name__, at,
                event.meta.actor_role, event.meta.actor_department,
                getattr(event, "reason", None) or None, position,
            ),
        )

    def _seal_answers(self, answers: dict[str, Any]) -> str:
        """The answers as JSON in which each personal value is sealed on its own
        (``{"$sealed": …}``) with its subject's key: once the subject is forgotten
        those read 「[消去済み]」 and the other answers stay readable."""
        return json.dumps(_sealed_tree(self.vault, answers), ensure_ascii=False)


_SEALED = "$sealed"  # never a form key: keys start with a lower-case letter


def _sealed_tree(vault: PersonalDataVault, value: Any) -> Any:
    if isinstance(value, PersonalData):
        return {_SEALED: vault.seal(value)}
    if isinstance(value, dict):
        return {k: _sealed_tree(vault, v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_sealed_tree(vault, v) for v in value]
    return value


def _opened_tree(vault: PersonalDataVault, value: Any) -> Any:
    if isinstance(value, dict):
        if set(value) == {_SEALED}:
            return vault.open(value[_SEALED])
        return {k: _opened_tree(vault, v) for k, v in value.items()}
    if isinstance(value, list):
        return [_opened_tree(vault, v) for v in value]
    return value


_COLUMNS = (
    "a.id, a.procedure_code, COALESCE(p.name_ja, a.procedure_code),"
    " COALESCE(p.name_en, a.procedure_code), a.department, a.channel, a.status,"
    " a.applicant_subject, a.applicant_name, a.contact_email, a.answers, a.form_version,"
    " a.submitted_at, a.updated_at, a.due_at, a.position"
)


def _view(session: ReadSession, vault: PersonalDataVault, row: tuple[Any, ...],
          timeline: list[TimelineEntry]) -> ApplicationView:
    values = list(row)
    values[8] = vault.open(values[8])
    values[9] = vault.open(values[9])
    values[10] = _open_answers(vault, values[10])
    return ApplicationView(*values, timeline=timeline)


def _open_answers(vault: PersonalDataVault, sealed: str | None) -> Any:
    if sealed is None:
        return {}
    return _opened_tree(vault, json.loads(sealed))


def get_application(
    session: ReadSession, vault: PersonalDataVault, application_id: str
) -> ApplicationView | None:
    t = session.tables(ApplicationStatus.name)
    session.cur.execute(
        t.sql(
            f"SELECT {_COLUMNS} FROM {{status_applications}} a"
            " LEFT JOIN {status_procedures} p ON p.code = a.procedure_code WHERE a.id = ?"
        ),
        (application_id,),
    )
    row = session.cur.fetchone()
    if row is None:
        return None
    session.cur.execute(
        t.sql(
            "SELECT status, event, at, actor_role, actor_department, reason, position"
            " FROM {status_timeline} WHERE application_id = ? ORDER BY version"
        ),
        (application_id,),
    )
    timeline = [TimelineEntry(*r) for r in session.cur.fetchall()]
    return _view(session, vault, row, timeline)


def encode_cursor(submitted_at: str, app_id: str) -> str:
    return base64.urlsafe_b64encode(f"{submitted_at}|{app_id}".encode()).decode()


def decode_cursor(cursor: str) -> tuple[str, str]:
    try:
        submitted_at, app_id = base64.urlsafe_b64decode(cursor.encode()).decode().split("|", 1)
    except (ValueError, UnicodeDecodeError) as e:
        raise ValueError("malformed cursor") from e
    return submitted_at, app_id


@dataclass(frozen=True)
class ApplicationPage:
    items: list[ApplicationView]
    end_cursor: str | None
    has_next_page: bool
    total_count: int


def list_applications(
    session: ReadSession,
    vault: PersonalDataVault,
    *,
    department: str | None = None,
    status: Status | None = None,
    channel: str | None = None,
    applicant_subject: str | None = None,
    first: int = 20,
    after: str | None = None,
) -> ApplicationPage:
    """Newest first; ``after`` is the ``end_cursor`` of the previous page."""
    t = session.tables(ApplicationStatus.name)
    where, params = [], []
    for column, value in (
        ("a.department", department),
        ("a.status", status.value if status else None),
        ("a.channel", channel),
        ("a.applicant_subject", applicant_subject),
    ):
        if value is not None:
            where.append(f"{column} = ?")
            params.append(value)
    filters = (" WHERE " + " AND ".join(where)) if where else ""
    session.cur.execute(t.sql(f"SELECT COUNT(*) FROM {{status_applications}} a{filters}"), params)
    total = int(session.cur.fetchone()[0])
    page_where = list(where)
    page_params = list(params)
    if after:
        submitted_at, app_id = decode_cursor(after)
        page_where.append("(a.submitted_at < ? OR (a.submitted_at = ? AND a.id < ?))")
        page_params += [submitted_at, submitted_at, app_id]
    page_filters = (" WHERE " + " AND ".join(page_where)) if page_where else ""
    session.cur.execute(
        t.sql(
            f"SELECT {_COLUMNS} FROM {{status_applications}} a"
            " LEFT JOIN {status_procedures} p ON p.code = a.procedure_code"
            f"{page_filters} ORDER BY a.submitted_at DESC, a.id DESC LIMIT ?"
        ),
        (*page_params, first + 1),
    )
    rows = session.cur.fetchall()
    has_next = len(rows) > first
    rows = rows[:first]
    items = [_view(session, vault, r, []) for r in rows]
    end = encode_cursor(rows[-1][12], rows[-1][0]) if rows else None
    return ApplicationPage(items, end, has_next, total)
