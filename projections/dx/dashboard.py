"""Read model: DX progress dashboards (DX推進ダッシュボード) and survey campaigns.

The view keeps **facts**, not finished figures: one row per procedure (and its
online/offline/retired changes), per application (submission, due, completion,
end), per receipt / return for correction, per counter visit (issue, first
call, no-show), per successful payment, and every survey answer. Medians and
percentiles cannot be summed, so monthly figures are computed at query time in
Python from those rows (``projections/dx/figures.py``); see docs/analytics.md
for each figure.
Months are calendar months in Japan time.

Nothing here is personal data of citizens: no applicant, no answers, no ticket
holder. Survey owners (staff names) and blockers (free text) are kept for the
survey views and never appear in the dashboard figures.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, timedelta
from typing import Any

from application.projection.base import Projection, Tables
from application.projection.reading import ReadSession
from application.shared.ports import ViewCursor
from domain.applications.application import (
    ApplicationCompleted,
    ApplicationReceived,
    ApplicationRejected,
    ApplicationReturned,
    ApplicationSubmitted,
    ApplicationWithdrawn,
)
from domain.catalogue.departments import DepartmentEstablished
from domain.catalogue.procedures import (
    ProcedureDefined,
    ProcedurePublishedOnline,
    ProcedureRetired,
    ProcedureWithdrawnOnline,
)
from domain.counter.visits import TicketCalled, TicketIssued, TicketNoShow
from domain.dx.survey import AnswerRevised, DepartmentAnswered, SurveyOpened
from domain.payments.payment import (
    CounterPaymentRecorded,
    LateSuccessRecorded,
    PaymentCreated,
    PaymentSucceeded,
)

_CHANGE = {ProcedurePublishedOnline: "online", ProcedureWithdrawnOnline: "offline", ProcedureRetired: "retired"}
_FINAL = (ApplicationCompleted, ApplicationRejected, ApplicationWithdrawn)


class DxDashboard(Projection):
    name = "dx_dashboard"
    version = 2  # 2: indexes for the figures' department and time filters
    handles = (DepartmentEstablished, ProcedureDefined, ProcedurePublishedOnline, ProcedureWithdrawnOnline,
               ProcedureRetired, ApplicationSubmitted, ApplicationReceived, ApplicationReturned,
               ApplicationCompleted, ApplicationRejected, ApplicationWithdrawn, TicketIssued, TicketCalled,
               TicketNoShow, PaymentCreated, CounterPaymentRecorded, PaymentSucceeded, LateSuccessRecorded,
               SurveyOpened, DepartmentAnswered, AnswerRevised)
    tables = ("dx_departments", "dx_procedures", "dx_procedure_changes", "dx_applications", "dx_reviews",
              "dx_visits", "dx_payments", "dx_surveys", "dx_answers")

    def create(self, cur: ViewCursor, t: Tables) -> None:
        for ddl in (
            "CREATE TABLE IF NOT EXISTS {dx_departments} (code TEXT PRIMARY KEY, name_ja TEXT NOT NULL)",
            "CREATE TABLE IF NOT EXISTS {dx_procedures} (code TEXT PRIMARY KEY, id TEXT NOT NULL,"
            " department TEXT NOT NULL, name_ja TEXT NOT NULL, template_code TEXT, processing_days INTEGER NOT NULL,"
            " defined_at TEXT NOT NULL)",
            "CREATE TABLE IF NOT EXISTS {dx_procedure_changes} (position BIGINT PRIMARY KEY,"
            " code TEXT NOT NULL, kind TEXT NOT NULL, at TEXT NOT NULL)",
            "CREATE TABLE IF NOT EXISTS {dx_applications} (id TEXT PRIMARY KEY, department TEXT NOT NULL,"
            " procedure_code TEXT NOT NULL, channel TEXT NOT NULL, submitted_at TEXT NOT NULL,"
            " due_at TEXT NOT NULL, completed_at TEXT, final_at TEXT)",
            "CREATE TABLE IF NOT EXISTS {dx_reviews} (position BIGINT PRIMARY KEY, department TEXT NOT NULL,"
            " kind TEXT NOT NULL, at TEXT NOT NULL)",
            "CREATE TABLE IF NOT EXISTS {dx_visits} (id TEXT PRIMARY KEY, department TEXT NOT NULL,"
            " issued_at TEXT NOT NULL, called_at TEXT, no_show_at TEXT)",
            "CREATE TABLE IF NOT EXISTS {dx_payments} (id TEXT PRIMARY KEY, department TEXT NOT NULL,"
            " method TEXT NOT NULL, amount BIGINT NOT NULL, paid_at TEXT)",
            "CREATE TABLE IF NOT EXISTS {dx_surveys} (code TEXT PRIMARY KEY, id TEXT NOT NULL, title TEXT NOT NULL,"
            " deadline TEXT NOT NULL, departments TEXT NOT NULL, opened_at TEXT NOT NULL)",
            "CREATE TABLE IF NOT EXISTS {dx_answers} (position BIGINT PRIMARY KEY, survey TEXT NOT NULL,"
            " department TEXT NOT NULL, procedure_code TEXT NOT NULL, event TEXT NOT NULL,"
            " online_possible INTEGER NOT NULL, owner TEXT NOT NULL, target_date TEXT,"
            " blockers TEXT NOT NULL, at TEXT NOT NULL)",
            "CREATE INDEX IF NOT EXISTS {dx_applications}_dept ON {dx_applications} (department, submitted_at)",
            "CREATE INDEX IF NOT EXISTS {dx_reviews}_dept ON {dx_reviews} (department, at)",
            "CREATE INDEX IF NOT EXISTS {dx_visits}_dept ON {dx_visits} (department, issued_at)",
            "CREATE INDEX IF NOT EXISTS {dx_payments}_dept ON {dx_payments} (department, paid_at)",
        ):
            cur.execute(t.sql(ddl))

    def apply(self, cur: ViewCursor, t: Tables, event: Any, position: int) -> None:
        at = event.timestamp.astimezone(UTC).isoformat()
        oid = str(event.originator_id)
        if isinstance(event, DepartmentEstablished):
            cur.execute(t.sql("INSERT INTO {dx_departments} VALUES (?, ?)"), (event.code, event.name_ja))
        elif isinstance(event, ProcedureDefined):
            cur.execute(t.sql("INSERT INTO {dx_procedures} VALUES (?, ?, ?, ?, ?, ?, ?)"),
                        (event.code, oid, event.department, event.name_ja, event.template_code,
                         event.processing_days, at))
        elif type(event) in _CHANGE:
            cur.execute(t.sql("SELECT code FROM {dx_procedures} WHERE id = ?"), (oid,))
            row = cur.fetchone()
            if row:
                cur.execute(t.sql("INSERT INTO {dx_procedure_changes} VALUES (?, ?, ?, ?)"),
                            (position, row[0], _CHANGE[type(event)], at))
        elif isinstance(event, ApplicationSubmitted):
            cur.execute(t.sql("SELECT processing_days FROM {dx_procedures} WHERE code = ?"),
                        (event.procedure_code,))
            row = cur.fetchone()
            due = event.timestamp + timedelta(days=int(row[0]) if row else 0)
            cur.execute(t.sql("INSERT INTO {dx_applications} VALUES (?, ?, ?, ?, ?, ?, ?, ?)"),
                        (oid, event.department, event.procedure_code, event.channel, at,
                         due.astimezone(UTC).isoformat(), None, None))
        elif isinstance(event, (ApplicationReceived, ApplicationReturned)):
            cur.execute(t.sql("SELECT department FROM {dx_applications} WHERE id = ?"), (oid,))
            row = cur.fetchone()
            if row:
                kind = "returned" if isinstance(event, ApplicationReturned) else "received"
                cur.execute(t.sql("INSERT INTO {dx_reviews} VALUES (?, ?, ?, ?)"), (position, row[0], kind, at))
        elif isinstance(event, _FINAL):
            completed = at if isinstance(event, ApplicationCompleted) else None
            cur.execute(t.sql("UPDATE {dx_applications} SET completed_at = ?, final_at = ? WHERE id = ?"),
                        (completed, at, oid))
        elif isinstance(event, TicketIssued):
            cur.execute(t.sql("INSERT INTO {dx_visits} VALUES (?, ?, ?, ?, ?)"),
                        (oid, event.department, at, None, None))
        elif isinstance(event, TicketCalled):
            cur.execute(t.sql("UPDATE {dx_visits} SET called_at = ? WHERE id = ? AND called_at IS NULL"),
                        (at, oid))
        elif isinstance(event, TicketNoShow):
            cur.execute(t.sql("UPDATE {dx_visits} SET no_show_at = ? WHERE id = ?"), (at, oid))
        elif isinstance(event, (PaymentCreated, CounterPaymentRecorded)):
            paid = at if isinstance(event, CounterPaymentRecorded) else None
            cur.execute(t.sql("INSERT INTO {dx_payments} VALUES (?, ?, ?, ?, ?)"),
                        (oid, event.department, event.method, event.amount, paid))
        elif isinstance(event, (PaymentSucceeded, LateSuccessRecorded)):
            cur.execute(t.sql("UPDATE {dx_payments} SET amount = ?, paid_at = COALESCE(paid_at, ?)"
                              " WHERE id = ?"), (event.amount, at, oid))
        elif isinstance(event, SurveyOpened):
            cur.execute(t.sql("INSERT INTO {dx_surveys} VALUES (?, ?, ?, ?, ?, ?)"),
                        (event.code, oid, event.title, event.deadline, json.dumps(event.departments), at))
        elif isinstance(event, (DepartmentAnswered, AnswerRevised)):
            cur.execute(t.sql("SELECT code FROM {dx_surveys} WHERE id = ?"), (oid,))
            row = cur.fetchone()
            cur.execute(t.sql("INSERT INTO {dx_answers} VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
                        (position, row[0] if row else oid, event.department, event.procedure_code,
                         type(event).__name__, int(event.online_possible), event.owner, event.target_date,
                         event.blockers, at))



# --- survey campaigns -----------------------------------------------------------------


@dataclass(frozen=True)
class SurveyAnswerView:
    department: str
    procedure_code: str
    online_possible: bool
    owner: str
    target_date: str | None
    blockers: str
    revisions: int
    answered_at: str


@dataclass(frozen=True)
class SurveyView:
    code: str
    title: str
    deadline: str
    departments: list[str]
    answered: list[str]
    unanswered: list[str]
    answers: list[SurveyAnswerView]

    def overdue(self, today: date) -> bool:
        return today > date.fromisoformat(self.deadline)


def get_survey(session: ReadSession, code: str) -> SurveyView | None:
    t = session.tables(DxDashboard.name)
    cur = session.cur
    cur.execute(t.sql("SELECT code, title, deadline, departments FROM {dx_surveys} WHERE code = ?"), (code,))
    row = cur.fetchone()
    if row is None:
        return None
    departments = json.loads(row[3])
    cur.execute(t.sql("SELECT department, procedure_code, online_possible, owner, target_date, blockers, at"
                      " FROM {dx_answers} WHERE survey = ? ORDER BY position"), (code,))
    latest: dict[tuple[str, str], SurveyAnswerView] = {}
    for dept, proc, possible, owner, target, blockers, at in cur.fetchall():
        previous = latest.get((dept, proc))
        latest[(dept, proc)] = SurveyAnswerView(dept, proc, bool(possible), owner, target, blockers,
                                                previous.revisions + 1 if previous else 0, at)
    answered = sorted({d for d, _ in latest})
    return SurveyView(row[0], row[1], row[2], departments, answered,
                      [d for d in departments if d not in answered],
                      [latest[k] for k in sorted(latest)])
