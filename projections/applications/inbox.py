"""Read model: how many applications each department has in each status."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from application.projection.base import Events, ReadModel, Tables
from application.projection.batching import select_in
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


class DepartmentInbox(ReadModel):
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

    def apply(self, cur: ViewCursor, t: Tables, event: Any, position: int) -> None:
        self.apply_batch(cur, t, [(position, event)])

    def apply_batch(self, cur: ViewCursor, t: Tables, events: Events) -> None:
        """The batch's items held in memory (those it does not submit read in one
        query), counts summed per key; then one ``executemany`` per kind of write."""
        ids = {str(e.originator_id) for _, e in events if not isinstance(e, ApplicationSubmitted)}
        items: dict[str, list[str]] = {  # application id -> [department, status]
            app_id: [department, status] for app_id, department, status in select_in(
                cur, t.sql("SELECT application_id, department, status FROM {inbox_items}"
                           " WHERE application_id IN"), sorted(ids))}
        new: set[str] = set()
        deltas: dict[tuple[str, str], int] = {}
        for _, event in events:
            app_id = str(event.originator_id)
            status = status_after(event).value
            if isinstance(event, ApplicationSubmitted):
                if app_id in items:
                    raise ValueError(f"application {app_id} is already in the inbox")
                items[app_id] = [event.department, status]
                new.add(app_id)
            else:
                item = items[app_id]
                deltas[(item[0], item[1])] = deltas.get((item[0], item[1]), 0) - 1
                item[1] = status
            key = (items[app_id][0], status)
            deltas[key] = deltas.get(key, 0) + 1
        cur.executemany(t.sql("INSERT INTO {inbox_items} VALUES (?, ?, ?)"),
                        [(app_id, *items[app_id]) for app_id in sorted(new)])
        cur.executemany(t.sql("UPDATE {inbox_items} SET status = ? WHERE application_id = ?"),
                        [(items[app_id][1], app_id) for app_id in sorted(ids - new)])
        cur.executemany(
            t.sql(
                "INSERT INTO {inbox_counts} (department, status, count) VALUES (?, ?, ?)"
                " ON CONFLICT (department, status) DO UPDATE"
                " SET count = {inbox_counts}.count + excluded.count"
            ),
            [(department, status, by) for (department, status), by in sorted(deltas.items())],
        )


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
