"""Read model: each application's current status (with its Japanese label),
procedure, department, channel, applicant and full status timeline; and the
possible duplicates among them (see :func:`submission_fingerprint`)."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import hmac
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from application.projection.base import Projection, Tables
from application.projection.reading import ReadSession
from application.shared.ports import PersonalDataVault, ViewCursor
from domain.applications.application import (
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
from domain.applications.status import Status, status_after
from domain.catalogue.procedures import ProcedureDefined
from domain.privacy.individual_number import SubjectForgotten
from domain.shared.personal import PersonalData

LIFECYCLE = (
    ApplicationSubmitted,
    ApplicationReceived,
    ApplicationReturned,
    ApplicationResubmitted,
    ApplicationApproved,
    ApplicationRejected,
    ApplicationCompleted,
    ApplicationWithdrawn,
    ApplicationEmailConfirmed,
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
    # earlier applications with the same fingerprint within DUPLICATE_WINDOW
    possible_duplicate_of: list[str] = field(default_factory=list)


# statuses in which nothing is pending on the city's side: never overdue
NOT_PENDING = (Status.APPROVED, Status.COMPLETED, Status.REJECTED, Status.WITHDRAWN)
MAX_DUPLICATES_LISTED = 10
DUPLICATE_WINDOW = timedelta(hours=24)


class _Erased(Exception):
    pass


def _plain(value: Any) -> Any:
    if isinstance(value, PersonalData):
        if value.erased:
            raise _Erased
        return _plain(value.value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def submission_fingerprint(key: bytes | None, event: ApplicationSubmitted) -> str | None:
    """HMAC-SHA-256, with the city's key, of who applied (the signed-in citizen's
    ``sub``, else the contact e-mail, trimmed and lower-cased), the procedure and
    the canonical JSON of the answers; ``None`` without a key, without either
    identifier, or when any of it has been erased. Kept in the read model only —
    never in an event — and keyed, so the e-mail and answers cannot be confirmed
    by hashing guesses without the key."""
    if key is None:
        return None
    try:
        if event.applicant_subject:
            who = "sub:" + event.applicant_subject
        elif event.contact_email is not None:
            who = "email:" + str(_plain(event.contact_email)).strip().lower()
        else:
            return None
        answers = _plain(event.answers)
    except _Erased:
        return None
    canonical = json.dumps({"who": who, "procedure": event.procedure_code, "answers": answers},
                           sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hmac.new(key, canonical.encode("utf-8"), hashlib.sha256).hexdigest()


class ApplicationStatus(Projection):
    name = "application_status"
    version = 3  # 2: answers keep each personal value sealed on its own; 3: duplicates
    handles = (ProcedureDefined, *LIFECYCLE, SubjectForgotten)
    tables = ("status_procedures", "status_applications", "status_timeline", "status_duplicates")

    def __init__(self, vault: PersonalDataVault, duplicate_key: bytes | None = None) -> None:
        self.vault = vault
        self.duplicate_key = duplicate_key

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
            " position BIGINT NOT NULL, fingerprint TEXT)"
        ))
        cur.execute(t.sql(
            "CREATE INDEX IF NOT EXISTS {status_applications}_fingerprint"
            " ON {status_applications} (fingerprint, submitted_at)"
        ))
        cur.execute(t.sql(
            "CREATE TABLE IF NOT EXISTS {status_duplicates} ("
            " application_id TEXT NOT NULL, duplicate_of TEXT NOT NULL,"
            " PRIMARY KEY (application_id, duplicate_of))"
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
        if isinstance(event, SubjectForgotten):  # no fingerprint outlives its data
            for subject in event.key_subjects:
                cur.execute(t.sql("UPDATE {status_applications} SET fingerprint = NULL WHERE data_subject = ?"),
                            (subject,))
            return
        at = event.timestamp.isoformat()
        app_id = str(event.originator_id)
        status = status_after(event)
        if isinstance(event, ApplicationSubmitted):
            cur.execute(
                t.sql("SELECT processing_days FROM {status_procedures} WHERE code = ?"),
                (event.procedure_code,),
            )
            row = cur.fetchone()
            due = event.timestamp + timedelta(days=int(row[0]) if row else 0)
            fingerprint = submission_fingerprint(self.duplicate_key, event)
            if fingerprint is not None:
                # the window is on event timestamps, so a rebuild flags the same pairs
                # the most recent few are enough to flag it, and keep the work bounded
                cur.execute(
                    t.sql(
                        "SELECT id FROM {status_applications} WHERE fingerprint = ?"
                        " AND submitted_at >= ? AND id <> ?"
                        " ORDER BY submitted_at DESC, id DESC LIMIT ?"
                    ),
                    (fingerprint, (event.timestamp - DUPLICATE_WINDOW).isoformat(), app_id,
                     MAX_DUPLICATES_LISTED),
                )
                earlier = sorted(r[0] for r in cur.fetchall())
                if earlier:
                    cur.executemany(t.sql("INSERT INTO {status_duplicates} VALUES (?, ?)"),
                                    [(app_id, other) for other in earlier])
            cur.execute(
                t.sql(
                    "INSERT INTO {status_applications} VALUES"
                    " (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                ),
                (
                    app_id, event.procedure_code, event.department, event.channel, status.value,
                    event.applicant_subject, event.data_subject,
                    self.vault.seal(event.applicant_name), self.vault.seal(event.contact_email),
                    self._seal_answers(event.answers),
                    event.form_version, at, at, due.isoformat(), position, fingerprint,
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
