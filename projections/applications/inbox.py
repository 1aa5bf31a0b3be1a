"""Read model: how many applications each department has in each status."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from application.projection.base import Projection, Tables
from application.projection.reading import ReadSession
from application.shared.ports import ViewCursor
from domain.applications.application import ApplicationSubmitted
from domain.applications.status import STAFF_STATUSES, status_after
from projections.applications.status import LIFECYCLE


@dataclass(frozen=True)
class InboxCount:
    department: str
    status: str
    count: int


class DepartmentInbox(Projection):
    name = "department_inbox"
    version = 1
    handles = LIFECYCLE
    tables = ("inbox_items", "inbox_counts")

    def create(self, cur: ViewCursor, t: Tables) -> None:
        cur.execute(t.sql(
            "CREATE TABLE IF NOT EXISTS {inbox_items} ("
            " application_id TEXT PRIMARY KEY, department TEXT NOT NULL, status TEXT NOT NULL)"
        ))
        cur.execute(t.sql(
            "CREATE TABLE IF NOT EXISTS {inbox_counts} ("
            " department TEXT NOT NULL, status TEXT NOT NULL, count INTEGER NOT NULL,"
            " PRIMARY KEY (department, status))"
        ))

    def _bump(self, cur: ViewCursor, t: Tables, department: str, status: str, by: int) -> None:
        cur.execute(
            t.sql(
                "INSERT INTO {inbox_counts} (department, status, count) VALUES (?, ?, ?)"
                " ON CONFLICT (department, status) DO UPDATE"
                " SET count = {inbox_counts}.count + excluded.count"
            ),
            (department, status, by),
        )

    def apply(self, cur: ViewCursor, t: Tables, event: Any, position: int) -> None:
        app_id = str(event.originator_id)
        status = status_after(event).value
        if isinstance(event, ApplicationSubmitted):
            cur.execute(
                t.sql("INSERT INTO {inbox_items} VALUES (?, ?, ?)"),
                (app_id, event.department, status),
            )
            self._bump(cur, t, event.department, status, 1)
            return
        cur.execute(
            t.sql("SELECT department, status FROM {inbox_items} WHERE application_id = ?"),
            (app_id,),
        )
        department, previous = cur.fetchone()
        cur.execute(
            t.sql("UPDATE {inbox_items} SET status = ? WHERE application_id = ?"),
            (status, app_id),
        )
        self._bump(cur, t, department, previous, -1)
        self._bump(cur, t, department, status, 1)


def inbox_counts(session: ReadSession, department: str | None = None) -> list[InboxCount]:
    t = session.tables(DepartmentInbox.name)
    sql = t.sql("SELECT department, status, count FROM {inbox_counts}")
    params: list[Any] = []
    if department:
        sql += " WHERE department = ?"
        params.append(department)
    session.cur.execute(sql + " ORDER BY department, status", params)
    by_key = {(d, s): c for d, s, c in session.cur.fetchall()}
    departments = sorted({d for d, _ in by_key} | ({department} if department else set()))
    return [
        InboxCount(d, s.value, int(by_key.get((d, s.value), 0)))
        for d in departments
        for s in STAFF_STATUSES  # an unconfirmed かんたん申請 is not the staff's yet
    ]
