"""DX dashboard figures (DX推進ダッシュボード), computed at query time from the
facts the ``dx_dashboard`` read model keeps (medians and percentiles cannot be
summed ahead of time). Each figure is explained in docs/analytics.md. Months are
calendar months in Japan time."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from application.projection.reading import ReadSession
from domain.payments.payment import CASHLESS_METHODS
from domain.shared.context import CITY_TIMEZONE
from projections.dx.dashboard import DxDashboard


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


def _facts(session: ReadSession, department: str | None, first: date, last: date, today: date) -> _Facts:
    """The rows the figures of ``department`` (None: the city) over
    ``first``–``last`` can need, filtered in SQL: events inside the period, and
    applications submitted before its end and not closed before its start or
    ``today``, if earlier (the only ones a month can count as submitted,
    completed, or open and overdue as of its last day or today).
    Procedures, plan changes and survey answers are few; they are read whole."""
    t = session.tables(DxDashboard.name)
    cur = session.cur
    start, end = _instant(first), _instant(last + timedelta(days=1))
    open_after = min(start, _instant(today + timedelta(days=1)))
    scope, scoped = ("department = ? AND ", [department]) if department else ("", [])

    def rows(sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
        cur.execute(t.sql(sql), params or [])
        return cur.fetchall()

    procs = rows("SELECT code, department, name_ja, template_code, defined_at FROM {dx_procedures}")
    return _Facts(
        departments=dict(rows("SELECT code, name_ja FROM {dx_departments}")),
        procedures=[(r[0], r[1], r[2], r[3]) for r in procs],
        defined_at={r[0]: r[4] for r in procs},
        changes=[(int(r[0]), r[1], r[2], r[3]) for r in
                 rows("SELECT position, code, kind, at FROM {dx_procedure_changes} ORDER BY position")],
        applications=rows("SELECT department, channel, submitted_at, due_at, completed_at, final_at"
                          f" FROM {{dx_applications}} WHERE {scope}submitted_at < ?"
                          " AND (final_at IS NULL OR final_at >= ?)", [*scoped, end, open_after]),
        reviews=rows(f"SELECT department, kind, at FROM {{dx_reviews}} WHERE {scope}at >= ? AND at < ?",
                     [*scoped, start, end]),
        visits=rows("SELECT department, issued_at, called_at, no_show_at FROM {dx_visits}"
                    f" WHERE {scope}issued_at >= ? AND issued_at < ?", [*scoped, start, end]),
        payments=[(r[0], r[1], int(r[2]), r[3]) for r in
                  rows("SELECT department, method, amount, paid_at FROM {dx_payments}"
                       f" WHERE {scope}paid_at >= ? AND paid_at < ?", [*scoped, start, end])],
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
    return _build(_facts(session, None, first, last, today), None, first, last, today)


def department_dashboard(session: ReadSession, department: str, first: date, last: date,
                         today: date) -> Dashboard | None:
    f = _facts(session, department, first, last, today)
    if department not in f.departments:
        return None
    return _build(f, department, first, last, today)


def department_dashboards(session: ReadSession, first: date, last: date, today: date) -> list[Dashboard]:
    """Every department's dashboard, from one read of the city's facts."""
    f = _facts(session, None, first, last, today)
    return [_build(f, code, first, last, today) for code in sorted(f.departments)]
