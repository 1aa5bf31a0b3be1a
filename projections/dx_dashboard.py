"""Read model: DX progress dashboards (DX推進ダッシュボード) and survey campaigns.

The view keeps **facts**, not finished figures: one row per procedure (and its
online/offline/retired changes), per application (submission, due, completion,
end), per receipt / return for correction, per counter visit (issue, first
call, no-show), per successful payment, and every survey answer. Medians and
percentiles cannot be summed, so monthly figures are computed at query time in
Python from those rows (:func:`dashboard`); see docs/analytics.md for each figure.
Months are calendar months in Japan time.

Nothing here is personal data of citizens: no applicant, no answers, no ticket
holder. Survey owners (staff names) and blockers (free text) are kept for the
survey views and never appear in the dashboard figures.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from application.ports import ViewCursor
from application.projection import Projection, Tables
from domain.applications import (
    ApplicationCompleted,
    ApplicationReceived,
    ApplicationRejected,
    ApplicationReturned,
    ApplicationSubmitted,
    ApplicationWithdrawn,
)
from domain.context import CITY_TIMEZONE
from domain.departments import DepartmentEstablished
from domain.payments import (
    CASHLESS_METHODS,
    CounterPaymentRecorded,
    LateSuccessRecorded,
    PaymentCreated,
    PaymentSucceeded,
)
from domain.procedures import (
    ProcedureDefined,
    ProcedurePublishedOnline,
    ProcedureRetired,
    ProcedureWithdrawnOnline,
)
from domain.survey import AnswerRevised, DepartmentAnswered, SurveyOpened
from domain.visits import TicketCalled, TicketIssued, TicketNoShow
from projections.reading import ReadSession

_CHANGE = {ProcedurePublishedOnline: "online", ProcedureWithdrawnOnline: "offline", ProcedureRetired: "retired"}
_FINAL = (ApplicationCompleted, ApplicationRejected, ApplicationWithdrawn)


class DxDashboard(Projection):
    name = "dx_dashboard"
    version = 1
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



# --- figures ------------------------------------------------------------------------


def percentile(values: Iterable[float], p: float) -> float | None:
    """The ``p`` quantile (0–1) by linear interpolation between closest ranks
    (the "inclusive" method: the median of 1, 2, 3, 4 is 2.5); None when empty."""
    xs = sorted(values)
    if not xs:
        return None
    k = (len(xs) - 1) * p
    lo = math.floor(k)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def _ratio(part: float, whole: float) -> float | None:
    return part / whole if whole else None


def _instant(day: date) -> str:
    """The start of ``day`` in Japan time, as the UTC ISO text stored in the view."""
    return datetime.combine(day, time(0), tzinfo=CITY_TIMEZONE).astimezone(UTC).isoformat()


def _ts(text: str) -> datetime:
    return datetime.fromisoformat(text)


@dataclass(frozen=True)
class MonthFigures:
    month: str  # YYYY-MM
    first_day: str  # the part of the month inside the period
    last_day: str
    as_of: str  # the day state figures (procedures, plans, open overdue) are taken at
    procedures: int
    procedures_online: int
    online_rate: float | None
    procedures_from_template: int
    planned: int
    planned_overdue: int
    applications: int
    applications_online: int
    applications_counter: int
    applications_mail: int
    online_share: float | None
    completed: int
    median_days: float | None
    p90_days: float | None
    completed_overdue: int
    open_overdue: int
    received: int
    returned: int
    return_rate: float | None
    visits: int
    mean_wait_minutes: float | None
    p90_wait_minutes: float | None
    no_shows: int
    fees_yen: int
    cashless_fees_yen: int
    cashless_share: float | None


@dataclass(frozen=True)
class PlanItem:
    procedure_code: str
    procedure_name_ja: str
    department: str
    online_possible: bool
    target_date: str | None
    owner: str  # a staff member's name: shown to staff, managers and admins only
    state: str  # online | on_track | overdue | no_target | not_possible
    answered_at: str


@dataclass(frozen=True)
class Dashboard:
    scope: str  # city | department
    department: str | None
    department_name_ja: str | None
    first_day: str
    last_day: str
    months: list[MonthFigures]
    plans: list[PlanItem] = field(default_factory=list)


@dataclass
class _Facts:
    departments: dict[str, str]
    procedures: list[tuple[str, str, str, str | None]]  # code, department, name, template
    defined_at: dict[str, str]
    changes: list[tuple[int, str, str, str]]  # position, code, kind, at
    applications: list[tuple[str, str, str, str, str | None, str | None]]
    reviews: list[tuple[str, str, str]]  # department, kind, at
    visits: list[tuple[str, str, str | None, str | None]]
    payments: list[tuple[str, str, int, str]]
    answers: list[tuple[int, str, str, int, str, str | None, str]]


def _facts(session: ReadSession) -> _Facts:
    t = session.tables(DxDashboard.name)
    cur = session.cur

    def rows(sql: str) -> list[tuple[Any, ...]]:
        cur.execute(t.sql(sql))
        return cur.fetchall()

    procs = rows("SELECT code, department, name_ja, template_code, defined_at FROM {dx_procedures}")
    return _Facts(
        departments=dict(rows("SELECT code, name_ja FROM {dx_departments}")),
        procedures=[(r[0], r[1], r[2], r[3]) for r in procs],
        defined_at={r[0]: r[4] for r in procs},
        changes=[(int(r[0]), r[1], r[2], r[3]) for r in
                 rows("SELECT position, code, kind, at FROM {dx_procedure_changes} ORDER BY position")],
        applications=rows("SELECT department, channel, submitted_at, due_at, completed_at, final_at"
                          " FROM {dx_applications}"),
        reviews=rows("SELECT department, kind, at FROM {dx_reviews}"),
        visits=rows("SELECT department, issued_at, called_at, no_show_at FROM {dx_visits}"),
        payments=[(r[0], r[1], int(r[2]), r[3]) for r in
                  rows("SELECT department, method, amount, paid_at FROM {dx_payments} WHERE paid_at IS NOT NULL")],
        answers=[(int(r[0]), r[1], r[2], int(r[3]), r[4], r[5], r[6]) for r in
                 rows("SELECT position, department, procedure_code, online_possible, owner, target_date, at"
                      " FROM {dx_answers} ORDER BY position")],
    )


def _months(first: date, last: date) -> list[tuple[date, date]]:
    out = []
    start = first
    while start <= last:
        next_month = (start.replace(day=1) + timedelta(days=32)).replace(day=1)
        out.append((start, min(last, next_month - timedelta(days=1))))
        start = next_month
    return out


def _procedure_state(f: _Facts, codes: set[str], before: str) -> dict[str, bool]:
    """code -> online, for procedures defined and not retired before ``before``."""
    state = {c: False for c in codes if f.defined_at[c] < before}
    for _, code, kind, at in f.changes:
        if at >= before or code not in state:
            continue
        if kind == "retired":
            state.pop(code)
        else:
            state[code] = kind == "online"
    return state


def _latest_answers(f: _Facts, codes: set[str], before: str) -> dict[str, tuple[int, str | None, str, str]]:
    """code -> (online_possible, target_date, owner, answered_at): the latest answer before ``before``."""
    latest: dict[str, tuple[int, str | None, str, str]] = {}
    for _, _, code, possible, owner, target, at in f.answers:
        if at < before and code in codes:
            latest[code] = (possible, target, owner, at)
    return latest


def _plan_state(online: bool, possible: int, target: str | None, as_of: date) -> str:
    if online:
        return "online"
    if not possible:
        return "not_possible"
    if target is None:
        return "no_target"
    return "overdue" if date.fromisoformat(target) < as_of else "on_track"


def _month(f: _Facts, department: str | None, first: date, last: date, today: date) -> MonthFigures:
    def mine(dept: str) -> bool:
        return department is None or dept == department

    start, end = _instant(first), _instant(last + timedelta(days=1))
    as_of = min(last, today)
    state_before = _instant(as_of + timedelta(days=1))
    codes = {c for c, d, _, _ in f.procedures if mine(d)}
    templates = {c for c, _, _, tpl in f.procedures if tpl}
    state = _procedure_state(f, codes, state_before)
    answers = _latest_answers(f, set(state), state_before)
    plan_states = [_plan_state(state[c], a[0], a[1], as_of) for c, a in answers.items()]

    apps = [a for a in f.applications if mine(a[0])]
    submitted = [a for a in apps if start <= a[2] < end]
    by_channel = {ch: sum(1 for a in submitted if a[1] == ch) for ch in ("online", "counter", "mail")}
    done = [a for a in apps if a[4] is not None and start <= a[4] < end]
    days = [(_ts(a[4]) - _ts(a[2])).total_seconds() / 86400 for a in done]
    open_overdue = sum(1 for a in apps if a[2] < state_before and (a[5] is None or a[5] >= state_before)
                       and a[3] < state_before)
    reviews = [r for r in f.reviews if mine(r[0]) and start <= r[2] < end]
    received = sum(1 for r in reviews if r[1] == "received")
    returned = sum(1 for r in reviews if r[1] == "returned")
    visits = [v for v in f.visits if mine(v[0]) and start <= v[1] < end]
    waits = [(_ts(v[2]) - _ts(v[1])).total_seconds() / 60 for v in visits if v[2] is not None]
    paid = [p for p in f.payments if mine(p[0]) and start <= p[3] < end]
    fees = sum(p[2] for p in paid)
    cashless = sum(p[2] for p in paid if p[1] in CASHLESS_METHODS)
    total = len(state)
    online = sum(1 for v in state.values() if v)
    return MonthFigures(
        month=first.strftime("%Y-%m"), first_day=first.isoformat(), last_day=last.isoformat(),
        as_of=as_of.isoformat(),
        procedures=total, procedures_online=online, online_rate=_ratio(online, total),
        procedures_from_template=sum(1 for c in state if c in templates),
        planned=sum(1 for s in plan_states if s in ("on_track", "overdue")),
        planned_overdue=sum(1 for s in plan_states if s == "overdue"),
        applications=len(submitted), applications_online=by_channel["online"],
        applications_counter=by_channel["counter"], applications_mail=by_channel["mail"],
        online_share=_ratio(by_channel["online"], len(submitted)),
        completed=len(done), median_days=percentile(days, 0.5), p90_days=percentile(days, 0.9),
        completed_overdue=sum(1 for a in done if a[4] > a[3]), open_overdue=open_overdue,
        received=received, returned=returned, return_rate=_ratio(returned, received),
        visits=len(visits), mean_wait_minutes=sum(waits) / len(waits) if waits else None,
        p90_wait_minutes=percentile(waits, 0.9), no_shows=sum(1 for v in visits if v[3] is not None),
        fees_yen=fees, cashless_fees_yen=cashless, cashless_share=_ratio(cashless, fees),
    )


def _plans(f: _Facts, department: str | None, today: date) -> list[PlanItem]:
    before = _instant(today + timedelta(days=1))
    names = {c: (d, n) for c, d, n, _ in f.procedures if department is None or d == department}
    state = _procedure_state(f, set(names), before)
    answers = _latest_answers(f, set(state), before)
    return [
        PlanItem(code, names[code][1], names[code][0], bool(possible), target, owner,
                 _plan_state(state[code], possible, target, today), at)
        for code, (possible, target, owner, at) in sorted(answers.items())
    ]


def _build(f: _Facts, department: str | None, first: date, last: date, today: date) -> Dashboard:
    return Dashboard(
        scope="city" if department is None else "department", department=department,
        department_name_ja=f.departments.get(department) if department else None,
        first_day=first.isoformat(), last_day=last.isoformat(),
        months=[_month(f, department, a, b, today) for a, b in _months(first, last)],
        plans=_plans(f, department, today),
    )


def city_dashboard(session: ReadSession, first: date, last: date, today: date) -> Dashboard:
    return _build(_facts(session), None, first, last, today)


def department_dashboard(session: ReadSession, department: str, first: date, last: date,
                         today: date) -> Dashboard | None:
    f = _facts(session)
    if department not in f.departments:
        return None
    return _build(f, department, first, last, today)


def department_dashboards(session: ReadSession, first: date, last: date, today: date) -> list[Dashboard]:
    f = _facts(session)
    return [_build(f, code, first, last, today) for code in sorted(f.departments)]


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
