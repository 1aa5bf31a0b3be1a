"""Reading the ``application_status`` read model: one application with its
timeline and possible duplicates, and pages of them for the inbox and the
citizen's own list (newest first, by cursor)."""

from __future__ import annotations

import base64
import dataclasses
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from application.projection.reading import ReadSession
from application.shared.ports import PersonalDataVault
from domain.applications.status import Status
from projections.applications.status import ApplicationStatus, opened_tree


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
    # earlier applications with the same fingerprint within status.DUPLICATE_WINDOW
    possible_duplicate_of: list[str] = field(default_factory=list)


# statuses in which nothing is pending on the city's side: never overdue
NOT_PENDING = (Status.APPROVED, Status.COMPLETED, Status.REJECTED, Status.WITHDRAWN)


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
    return opened_tree(vault, json.loads(sealed))


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
    view = _view(session, vault, row, timeline)
    duplicates = _duplicates(session, [view.id])
    return dataclasses.replace(view, possible_duplicate_of=duplicates.get(view.id, []))


def _placeholders(n: int) -> str:
    return ", ".join("?" * n)


def _duplicates(session: ReadSession, ids: Sequence[str]) -> dict[str, list[str]]:
    if not ids:
        return {}
    t = session.tables(ApplicationStatus.name)
    session.cur.execute(
        t.sql(f"SELECT application_id, duplicate_of FROM {{status_duplicates}}"
              f" WHERE application_id IN ({_placeholders(len(ids))}) ORDER BY application_id, duplicate_of"),
        list(ids),
    )
    found: dict[str, list[str]] = {}
    for app_id, other in session.cur.fetchall():
        found.setdefault(app_id, []).append(other)
    return found


def _timelines(session: ReadSession, ids: Sequence[str]) -> dict[str, list[TimelineEntry]]:
    if not ids:
        return {}
    t = session.tables(ApplicationStatus.name)
    session.cur.execute(
        t.sql("SELECT application_id, status, event, at, actor_role, actor_department, reason, position"
              f" FROM {{status_timeline}} WHERE application_id IN ({_placeholders(len(ids))})"
              " ORDER BY application_id, version"),
        list(ids),
    )
    found: dict[str, list[TimelineEntry]] = {}
    for r in session.cur.fetchall():
        found.setdefault(r[0], []).append(TimelineEntry(*r[1:]))
    return found


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
    procedure_code: str | None = None,
    submitted_before: datetime | None = None,
    overdue_at: datetime | None = None,
    with_timeline: bool = False,
    first: int = 20,
    after: str | None = None,
) -> ApplicationPage:
    """Newest first; ``after`` is the ``end_cursor`` of the previous page.

    ``submitted_before``: only applications submitted before that moment (the
    inbox's age filter); ``overdue_at``: only those past their due date at that
    moment and still pending (not approved, completed, rejected or withdrawn)."""
    t = session.tables(ApplicationStatus.name)
    where: list[str] = []
    params: list[Any] = []
    for column, value in (
        ("a.department", department),
        ("a.status", status.value if status else None),
        ("a.channel", channel),
        ("a.applicant_subject", applicant_subject),
        ("a.procedure_code", procedure_code),
    ):
        if value is not None:
            where.append(f"{column} = ?")
            params.append(value)
    if submitted_before is not None:
        where.append("a.submitted_at < ?")
        params.append(submitted_before.isoformat())
    if overdue_at is not None:
        where.append(f"a.due_at < ? AND a.status NOT IN ({_placeholders(len(NOT_PENDING))})")
        params += [overdue_at.isoformat(), *(s.value for s in NOT_PENDING)]
    # an anonymous かんたん申請 is listed once its e-mail is confirmed
    where.append("a.status <> ?")
    params.append(Status.AWAITING_CONFIRMATION.value)
    filters = " WHERE " + " AND ".join(where)
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
    ids = [r[0] for r in rows]
    timelines = _timelines(session, ids) if with_timeline else {}
    duplicates = _duplicates(session, ids)
    items = [
        dataclasses.replace(_view(session, vault, r, timelines.get(r[0], [])),
                            possible_duplicate_of=duplicates.get(r[0], []))
        for r in rows
    ]
    end = encode_cursor(rows[-1][12], rows[-1][0]) if rows else None
    return ApplicationPage(items, end, has_next, total)
