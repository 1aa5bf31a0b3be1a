"""Read model: payments (決済) — each payment's status (per application), its
refunds, the fee each application owes and whether it is paid, daily totals per
department and method, and the cashless share."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from application.projection.base import Projection, Tables
from application.projection.reading import ReadSession
from application.shared.ports import ViewCursor
from domain.payments.dues import ApplicationPaid, PaymentRequested, PaymentSummary
from domain.payments.payment import (
    CASHLESS_METHODS,
    CounterPaymentRecorded,
    LateSuccessRecorded,
    PaymentAuthorised,
    PaymentCancelled,
    PaymentCreated,
    PaymentErrored,
    PaymentExpired,
    PaymentFailed,
    PaymentStarted,
    PaymentSucceeded,
    RefundFailed,
    RefundSubmitted,
    RefundSucceeded,
)
from domain.shared.context import CITY_TIMEZONE

_COLUMNS = ("id, application_id, department, procedure_code, applicant_subject, method, amount,"
            " captured_amount, refunded_amount, status, failure_reason, late_success,"
            " receipt_number, provider_payment_id, next_url, supersedes, created_at, updated_at,"
            " paid_at, position")


@dataclass(frozen=True)
class RefundView:
    id: str
    amount: int
    status: str
    reason: str
    submitted_at: str
    updated_at: str  # when it succeeded or failed, once it has
    provider_refund_id: str | None = None


@dataclass(frozen=True)
class PaymentView:
    id: str
    application_id: str
    department: str
    procedure_code: str
    applicant_subject: str | None
    method: str
    amount: int
    captured_amount: int
    refunded_amount: int
    status: str
    failure_reason: str | None
    late_success: bool
    receipt_number: str | None
    provider_payment_id: str | None
    next_url: str | None
    supersedes: str | None
    created_at: str
    updated_at: str
    paid_at: str | None
    position: int
    refunds: list[RefundView]

    @property
    def refundable(self) -> int:
        if self.status != "success":
            return 0
        held = sum(r.amount for r in self.refunds if r.status != "error")
        return self.captured_amount - held


@dataclass(frozen=True)
class DailyTotal:
    day: str
    department: str
    method: str
    count: int
    amount: int
    refunded: int


@dataclass(frozen=True)
class CashlessShare:
    department: str
    count: int
    cashless_count: int
    amount: int
    cashless_amount: int

    @property
    def share(self) -> float:
        return self.cashless_count / self.count if self.count else 0.0


def city_day(event: Any) -> str:
    return event.timestamp.astimezone(CITY_TIMEZONE).date().isoformat()


class Payments(Projection):
    name = "payments"
    version = 2  # 2: refunds keep the provider's refund id (reconciliation)
    handles = (PaymentCreated, CounterPaymentRecorded, PaymentStarted, PaymentAuthorised,
               PaymentSucceeded, PaymentFailed, PaymentExpired, PaymentCancelled, PaymentErrored,
               LateSuccessRecorded, RefundSubmitted, RefundSucceeded, RefundFailed,
               PaymentRequested, ApplicationPaid)
    tables = ("payment_status", "payment_refunds", "payment_daily_totals", "payment_dues")

    def create(self, cur: ViewCursor, t: Tables) -> None:
        cur.execute(t.sql(
            "CREATE TABLE IF NOT EXISTS {payment_status} ("
            " id TEXT PRIMARY KEY, application_id TEXT NOT NULL, department TEXT NOT NULL,"
            " procedure_code TEXT NOT NULL, applicant_subject TEXT, method TEXT NOT NULL,"
            " amount BIGINT NOT NULL, captured_amount BIGINT NOT NULL, refunded_amount BIGINT NOT NULL,"
            " status TEXT NOT NULL, failure_reason TEXT, late_success INTEGER NOT NULL,"
            " receipt_number TEXT, provider_payment_id TEXT, next_url TEXT, supersedes TEXT,"
            " created_at TEXT NOT NULL, updated_at TEXT NOT NULL, paid_at TEXT,"
            " position BIGINT NOT NULL)"
        ))
        cur.execute(t.sql(
            "CREATE INDEX IF NOT EXISTS {payment_status}_app ON {payment_status} (application_id, created_at)"
        ))
        cur.execute(t.sql(
            "CREATE TABLE IF NOT EXISTS {payment_refunds} ("
            " payment_id TEXT NOT NULL, refund_id TEXT NOT NULL, amount BIGINT NOT NULL,"
            " status TEXT NOT NULL, reason TEXT NOT NULL, submitted_at TEXT NOT NULL,"
            " updated_at TEXT NOT NULL, provider_refund_id TEXT, PRIMARY KEY (payment_id, refund_id))"
        ))
        cur.execute(t.sql(
            "CREATE TABLE IF NOT EXISTS {payment_daily_totals} ("
            " day TEXT NOT NULL, department TEXT NOT NULL, method TEXT NOT NULL,"
            " payments INTEGER NOT NULL, amount BIGINT NOT NULL, refunded BIGINT NOT NULL,"
            " PRIMARY KEY (day, department, method))"
        ))
        cur.execute(t.sql(
            "CREATE TABLE IF NOT EXISTS {payment_dues} ("
            " application_id TEXT PRIMARY KEY, amount BIGINT NOT NULL, paid_by TEXT,"
            " paid_amount BIGINT NOT NULL, requested_at TEXT NOT NULL, paid_at TEXT)"
        ))

    def _set(self, cur: ViewCursor, t: Tables, pid: str, at: str, position: int, **columns: Any) -> None:
        assignments = "".join(f"{c} = ?, " for c in columns)
        cur.execute(
            t.sql(f"UPDATE {{payment_status}} SET {assignments}updated_at = ?, position = ? WHERE id = ?"),
            (*columns.values(), at, position, pid),
        )

    def _total(self, cur: ViewCursor, t: Tables, pid: str, day: str, *, count: int, amount: int,
               refunded: int) -> None:
        cur.execute(t.sql("SELECT department, method FROM {payment_status} WHERE id = ?"), (pid,))
        department, method = cur.fetchone()
        cur.execute(
            t.sql(
                "INSERT INTO {payment_daily_totals} (day, department, method, payments, amount, refunded)"
                " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (day, department, method) DO UPDATE SET"
                " payments = {payment_daily_totals}.payments + excluded.payments,"
                " amount = {payment_daily_totals}.amount + excluded.amount,"
                " refunded = {payment_daily_totals}.refunded + excluded.refunded"
            ),
            (day, department, method, count, amount, refunded),
        )

    def apply(self, cur: ViewCursor, t: Tables, event: Any, position: int) -> None:
        if isinstance(event, PaymentRequested):
            cur.execute(t.sql("INSERT INTO {payment_dues} VALUES (?, ?, ?, ?, ?, ?)"),
                        (event.application_id, event.amount, None, 0, event.timestamp.isoformat(), None))
            return
        if isinstance(event, ApplicationPaid):
            cur.execute(t.sql("UPDATE {payment_dues} SET paid_by = ?, paid_amount = ?, paid_at = ?"
                              " WHERE application_id = (SELECT application_id FROM {payment_status} WHERE id = ?)"),
                        (event.payment_id, event.amount, event.timestamp.isoformat(), event.payment_id))
            return
        pid = str(event.originator_id)
        at = event.timestamp.isoformat()
        if isinstance(event, (PaymentCreated, CounterPaymentRecorded)):
            counter = isinstance(event, CounterPaymentRecorded)
            cur.execute(
                t.sql(f"INSERT INTO {{payment_status}} ({_COLUMNS})"
                      " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
                (pid, event.application_id, event.department, event.procedure_code,
                 event.applicant_subject, event.method, event.amount,
                 event.amount if counter else 0, 0, "success" if counter else "created", None, 0,
                 event.receipt_number if counter else None, None, None, event.supersedes, at, at,
                 at if counter else None, position),
            )
            if counter:
                self._total(cur, t, pid, city_day(event), count=1, amount=event.amount, refunded=0)
        elif isinstance(event, PaymentStarted):
            self._set(cur, t, pid, at, position, status="started",
                      provider_payment_id=event.provider_payment_id, next_url=event.next_url)
        elif isinstance(event, PaymentAuthorised):
            self._set(cur, t, pid, at, position, status="capturable")
        elif isinstance(event, (PaymentSucceeded, LateSuccessRecorded)):
            late = isinstance(event, LateSuccessRecorded)
            self._set(cur, t, pid, at, position, status="success", captured_amount=event.amount,
                      paid_at=at, **({"late_success": 1} if late else {}))
            self._total(cur, t, pid, city_day(event), count=1, amount=event.amount, refunded=0)
        elif isinstance(event, PaymentFailed):
            self._set(cur, t, pid, at, position, status="failed", failure_reason=event.reason)
        elif isinstance(event, PaymentExpired):
            self._set(cur, t, pid, at, position, status="failed", failure_reason="expired")
        elif isinstance(event, PaymentCancelled):
            self._set(cur, t, pid, at, position, status="cancelled")
        elif isinstance(event, PaymentErrored):
            self._set(cur, t, pid, at, position, status="error")
        elif isinstance(event, RefundSubmitted):
            cur.execute(t.sql("INSERT INTO {payment_refunds} VALUES (?, ?, ?, ?, ?, ?, ?, ?)"),
                        (pid, event.refund_id, event.amount, "submitted", event.reason, at, at, None))
            self._set(cur, t, pid, at, position)
        elif isinstance(event, (RefundSucceeded, RefundFailed)):
            done = isinstance(event, RefundSucceeded)
            cur.execute(
                t.sql("UPDATE {payment_refunds} SET status = ?, updated_at = ?, provider_refund_id = ?"
                      " WHERE payment_id = ? AND refund_id = ?"),
                (("success" if done else "error"), at, getattr(event, "provider_refund_id", None), pid,
                 event.refund_id),
            )
            if done:
                cur.execute(t.sql("SELECT amount FROM {payment_refunds} WHERE payment_id = ? AND refund_id = ?"),
                            (pid, event.refund_id))
                (amount,) = cur.fetchone()
                cur.execute(t.sql("UPDATE {payment_status} SET refunded_amount = refunded_amount + ?"
                                  " WHERE id = ?"), (amount, pid))
                self._total(cur, t, pid, city_day(event), count=0, amount=0, refunded=int(amount))
            self._set(cur, t, pid, at, position)


def _refunds(session: ReadSession, t: Tables, pid: str) -> list[RefundView]:
    session.cur.execute(
        t.sql("SELECT refund_id, amount, status, reason, submitted_at, updated_at, provider_refund_id"
              " FROM {payment_refunds} WHERE payment_id = ? ORDER BY submitted_at, refund_id"), (pid,))
    return [RefundView(r[0], int(r[1]), r[2], r[3], r[4], r[5], r[6]) for r in session.cur.fetchall()]


def _view(session: ReadSession, t: Tables, row: tuple[Any, ...]) -> PaymentView:
    (pid, app_id, dept, proc, subject, method, amount, captured, refunded, status, reason, late,
     receipt, ppid, next_url, supersedes, created, updated, paid, position) = row
    return PaymentView(pid, app_id, dept, proc, subject, method, int(amount), int(captured),
                       int(refunded), status, reason, bool(late), receipt, ppid, next_url, supersedes,
                       created, updated, paid, int(position), _refunds(session, t, pid))


def get_payment(session: ReadSession, payment_id: str) -> PaymentView | None:
    t = session.tables(Payments.name)
    session.cur.execute(t.sql(f"SELECT {_COLUMNS} FROM {{payment_status}} WHERE id = ?"), (payment_id,))
    row = session.cur.fetchone()
    return _view(session, t, row) if row else None


def payments_for_application(session: ReadSession, application_id: str) -> list[PaymentView]:
    t = session.tables(Payments.name)
    session.cur.execute(
        t.sql(f"SELECT {_COLUMNS} FROM {{payment_status}} WHERE application_id = ?"
              " ORDER BY created_at, position"), (application_id,))
    return [_view(session, t, row) for row in session.cur.fetchall()]


def payment_summary(session: ReadSession, application_id: str) -> PaymentSummary:
    """What the application owes, paid and got back (円); all zero without a fee."""
    t = session.tables(Payments.name)
    session.cur.execute(t.sql("SELECT amount, paid_amount FROM {payment_dues} WHERE application_id = ?"),
                        (application_id,))
    row = session.cur.fetchone()
    session.cur.execute(
        t.sql("SELECT COALESCE(SUM(r.amount), 0) FROM {payment_refunds} r JOIN {payment_status} p"
              " ON p.id = r.payment_id WHERE p.application_id = ? AND r.status = 'success'"),
        (application_id,))
    (refunded,) = session.cur.fetchone()
    return PaymentSummary(int(row[0]) if row else 0, int(row[1]) if row else 0, int(refunded))


def daily_totals(session: ReadSession, day: date, department: str | None = None) -> list[DailyTotal]:
    t = session.tables(Payments.name)
    sql = t.sql("SELECT day, department, method, payments, amount, refunded FROM {payment_daily_totals}"
                " WHERE day = ?")
    params: list[Any] = [day.isoformat()]
    if department:
        sql += " AND department = ?"
        params.append(department)
    session.cur.execute(sql + " ORDER BY department, method", params)
    return [DailyTotal(r[0], r[1], r[2], int(r[3]), int(r[4]), int(r[5])) for r in session.cur.fetchall()]


def cashless_share(session: ReadSession, first_day: date, last_day: date,
                   department: str | None = None) -> list[CashlessShare]:
    t = session.tables(Payments.name)
    sql = t.sql("SELECT department, method, SUM(payments), SUM(amount) FROM {payment_daily_totals}"
                " WHERE day >= ? AND day <= ?")
    params: list[Any] = [first_day.isoformat(), last_day.isoformat()]
    if department:
        sql += " AND department = ?"
        params.append(department)
    session.cur.execute(sql + " GROUP BY department, method ORDER BY department", params)
    by_dept: dict[str, list[int]] = {}
    for dept, method, count, amount in session.cur.fetchall():
        totals = by_dept.setdefault(dept, [0, 0, 0, 0])
        totals[0] += int(count)
        totals[2] += int(amount)
        if method in CASHLESS_METHODS:
            totals[1] += int(count)
            totals[3] += int(amount)
    return [CashlessShare(d, *v) for d, v in sorted(by_dept.items())]


def open_online_payments(session: ReadSession, created_before: str | None = None) -> list[str]:
    """Ids of online payments not finished (created, started, capturable), oldest
    first; ``created_before``: only those created before that ISO instant."""
    t = session.tables(Payments.name)
    session.cur.execute(
        t.sql("SELECT id, created_at FROM {payment_status}"
              " WHERE status IN ('created', 'started', 'capturable') AND receipt_number IS NULL"
              " ORDER BY created_at, position"))
    rows = session.cur.fetchall()
    if created_before is None:
        return [r[0] for r in rows]
    limit = datetime.fromisoformat(created_before)
    return [r[0] for r in rows if datetime.fromisoformat(r[1]) < limit]


def online_payments_for_reconciliation(session: ReadSession, day: date,
                                       provider_payment_ids: list[str]) -> list[PaymentView]:
    """Online payments paid or refunded on ``day`` (the city's calendar) and those
    with any of ``provider_payment_ids``."""
    t = session.tables(Payments.name)
    session.cur.execute(
        t.sql(f"SELECT {_COLUMNS} FROM {{payment_status}}"
              " WHERE provider_payment_id IS NOT NULL AND status = 'success'"))
    found = {row[0]: row for row in session.cur.fetchall()
             if row[18] and paid_day(row[18]) == day.isoformat()}
    session.cur.execute(
        t.sql("SELECT payment_id, updated_at FROM {payment_refunds} WHERE status = 'success'"))
    refunded = sorted({pid for pid, at in session.cur.fetchall() if paid_day(at) == day.isoformat()}
                      - set(found))
    for start in range(0, len(refunded), 500):
        chunk = refunded[start:start + 500]
        marks = ", ".join("?" for _ in chunk)
        session.cur.execute(
            t.sql(f"SELECT {_COLUMNS} FROM {{payment_status}}"
                  f" WHERE provider_payment_id IS NOT NULL AND id IN ({marks})"), chunk)
        found.update({row[0]: row for row in session.cur.fetchall()})
    wanted = sorted(set(provider_payment_ids))
    for start in range(0, len(wanted), 500):
        chunk = wanted[start:start + 500]
        marks = ", ".join("?" for _ in chunk)
        session.cur.execute(
            t.sql(f"SELECT {_COLUMNS} FROM {{payment_status}} WHERE provider_payment_id IN ({marks})"),
            chunk)
        found.update({row[0]: row for row in session.cur.fetchall()})
    return [_view(session, t, row) for row in found.values()]


def paid_day(iso: str) -> str:
    return datetime.fromisoformat(iso).astimezone(CITY_TIMEZONE).date().isoformat()
