"""Read model: counter visits (来庁) — queues, windows, each queue's board
(waiting tickets in service order, now serving per window, waiting count) and
each visit's status and history."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from application.projection.base import Projection, Tables
from application.projection.reading import ReadSession
from application.shared.ports import ViewCursor
from domain.counter.queues import QueueDefined
from domain.counter.visits import (
    VISIT_STATUS_AFTER_EVENT,
    ServiceCompleted,
    ServiceStarted,
    TicketCalled,
    TicketIssued,
    TicketNoShow,
    TicketRecalled,
    VisitCancelled,
    VisitTransferred,
    instant,
    service_key,
)
from domain.counter.windows import WindowClosed, WindowDefined, WindowOpened

VISIT_EVENTS = (
    TicketIssued, TicketCalled, TicketRecalled, TicketNoShow, ServiceStarted, ServiceCompleted,
    VisitTransferred, VisitCancelled,
)
WAITING = ("waiting", "transferred")


@dataclass(frozen=True)
class QueueView:
    code: str
    department: str
    name_ja: str
    name_en: str
    prefix: str
    waiting_count: int


@dataclass(frozen=True)
class WindowView:
    number: int
    name_ja: str
    queues: list[str]
    departments: list[str]
    open: bool
    staff: str | None
    visit_id: str | None
    ticket: str | None
    visit_status: str | None


@dataclass(frozen=True)
class BoardTicket:
    visit_id: str
    ticket: str
    priority: bool
    status: str
    issued_at: str


@dataclass(frozen=True)
class NowServing:
    window: int
    window_name_ja: str
    visit_id: str
    ticket: str
    status: str


@dataclass(frozen=True)
class QueueBoardView:
    queue: QueueView
    waiting: list[BoardTicket]
    now_serving: list[NowServing]


@dataclass(frozen=True)
class VisitHistoryEntry:
    event: str
    status: str
    at: str
    queue: str
    window: int | None
    actor_role: str
    actor_department: str | None
    detail: dict[str, Any]
    position: int


@dataclass(frozen=True)
class VisitView:
    id: str
    queue: str
    department: str
    day: str
    number: int
    ticket: str
    purposes: list[str]
    priority: bool
    arrival: str
    reservation_id: str | None
    application_id: str | None
    holder_subject: str | None
    status: str
    window: int | None
    recalls: int
    issued_at: str
    updated_at: str
    position: int
    history: list[VisitHistoryEntry]


class QueueBoard(Projection):
    name = "queue_board"
    # 2: board_visits.in_slot (reservations served ahead of walk-ins); window sessions (idle time)
    version = 2
    handles = (QueueDefined, WindowDefined, WindowOpened, WindowClosed, *VISIT_EVENTS)
    tables = ("board_queues", "board_windows", "board_visits", "board_history", "board_window_sessions")

    def create(self, cur: ViewCursor, t: Tables) -> None:
        cur.execute(t.sql(
            "CREATE TABLE IF NOT EXISTS {board_queues} ("
            " code TEXT PRIMARY KEY, department TEXT NOT NULL, name_ja TEXT NOT NULL,"
            " name_en TEXT NOT NULL, prefix TEXT NOT NULL)"
        ))
        cur.execute(t.sql(
            "CREATE TABLE IF NOT EXISTS {board_windows} ("
            " number INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, name_ja TEXT NOT NULL,"
            " queues TEXT NOT NULL, departments TEXT NOT NULL, open INTEGER NOT NULL,"
            " staff TEXT, visit_id TEXT, ticket TEXT, visit_status TEXT)"
        ))
        cur.execute(t.sql(
            "CREATE TABLE IF NOT EXISTS {board_visits} ("
            " id TEXT PRIMARY KEY, queue TEXT NOT NULL, department TEXT NOT NULL,"
            " day TEXT NOT NULL, line_day TEXT NOT NULL, number INTEGER NOT NULL,"
            " ticket TEXT NOT NULL, purposes TEXT NOT NULL, priority INTEGER NOT NULL,"
            " arrival TEXT NOT NULL, reservation_id TEXT, application_id TEXT,"
            " holder_subject TEXT, status TEXT NOT NULL, window_no INTEGER,"
            " recalls INTEGER NOT NULL, issued_at TEXT NOT NULL, updated_at TEXT NOT NULL,"
            " position BIGINT NOT NULL, in_slot INTEGER NOT NULL DEFAULT 0)"
        ))
        cur.execute(t.sql(
            "CREATE INDEX IF NOT EXISTS {board_visits}_line"
            " ON {board_visits} (queue, line_day, status, priority, issued_at)"
        ))
        cur.execute(t.sql(
            "CREATE TABLE IF NOT EXISTS {board_history} ("
            " visit_id TEXT NOT NULL, version INTEGER NOT NULL, event TEXT NOT NULL,"
            " status TEXT NOT NULL, at TEXT NOT NULL, queue TEXT NOT NULL, window_no INTEGER,"
            " actor_role TEXT NOT NULL, actor_department TEXT, detail TEXT NOT NULL,"
            " position BIGINT NOT NULL, PRIMARY KEY (visit_id, version))"
        ))
        cur.execute(t.sql(
            "CREATE TABLE IF NOT EXISTS {board_window_sessions} ("
            " position BIGINT PRIMARY KEY, window_no INTEGER NOT NULL, opened_at TEXT NOT NULL, closed_at TEXT)"
        ))

    def apply(self, cur: ViewCursor, t: Tables, event: Any, position: int) -> None:
        if isinstance(event, QueueDefined):
            cur.execute(
                t.sql("INSERT INTO {board_queues} VALUES (?, ?, ?, ?, ?)"),
                (event.code, event.department, event.name_ja, event.name_en, event.prefix),
            )
        elif isinstance(event, WindowDefined):
            cur.execute(
                t.sql("INSERT INTO {board_windows} VALUES (?, ?, ?, ?, ?, 0, NULL, NULL, NULL, NULL)"),
                (event.number, str(event.originator_id), event.name_ja, json.dumps(event.queues),
                 json.dumps(event.departments)),
            )
        elif isinstance(event, WindowOpened):
            cur.execute(t.sql("UPDATE {board_windows} SET open = 1, staff = ? WHERE id = ?"),
                        (event.staff, str(event.originator_id)))
            cur.execute(t.sql("INSERT INTO {board_window_sessions} SELECT ?, number, ?, NULL FROM {board_windows}"
                              " WHERE id = ?"), (position, instant(event.timestamp), str(event.originator_id)))
        elif isinstance(event, WindowClosed):
            cur.execute(t.sql("UPDATE {board_windows} SET open = 0, staff = NULL WHERE id = ?"),
                        (str(event.originator_id),))
            cur.execute(t.sql("UPDATE {board_window_sessions} SET closed_at = ? WHERE closed_at IS NULL"
                              " AND window_no = (SELECT number FROM {board_windows} WHERE id = ?)"),
                        (instant(event.timestamp), str(event.originator_id)))
        else:
            self._visit(cur, t, event, position)

    def _visit(self, cur: ViewCursor, t: Tables, event: Any, position: int) -> None:
        visit_id = str(event.originator_id)
        at = instant(event.timestamp)
        status = VISIT_STATUS_AFTER_EVENT[type(event).__name__].value
        detail: dict[str, Any] = {}
        if isinstance(event, TicketIssued):
            cur.execute(
                t.sql("INSERT INTO {board_visits} VALUES"
                      " (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, 0, ?, ?, ?, ?)"),
                (visit_id, event.queue, event.department, event.day, event.day, event.number,
                 event.ticket, json.dumps(event.purposes), int(event.priority), event.arrival,
                 event.reservation_id, event.application_id, event.holder_subject, status,
                 at, at, position, int(event.in_slot)),
            )
            detail = {"ticket": event.ticket, "priority": event.priority, "arrival": event.arrival,
                      "purposes": event.purposes}
        else:
            sets, params = ["status = ?", "updated_at = ?", "position = ?"], [status, at, position]
            if isinstance(event, TicketCalled):
                sets += ["window_no = ?", "recalls = 0"]
                params.append(event.window)
                cur.execute(t.sql("UPDATE {board_windows} SET visit_id = NULL, ticket = NULL,"
                                  " visit_status = NULL WHERE visit_id = ?"), (visit_id,))
                cur.execute(t.sql("SELECT ticket FROM {board_visits} WHERE id = ?"), (visit_id,))
                ticket = cur.fetchone()[0]
                cur.execute(t.sql("UPDATE {board_windows} SET visit_id = ?, ticket = ?,"
                                  " visit_status = ? WHERE number = ?"),
                            (visit_id, ticket, status, event.window))
            elif isinstance(event, TicketRecalled):
                sets.append("recalls = ?")
                params.append(event.recalls)
                detail = {"recalls": event.recalls}
            elif isinstance(event, ServiceStarted):
                cur.execute(t.sql("UPDATE {board_windows} SET visit_status = ? WHERE visit_id = ?"),
                            (status, visit_id))
            else:  # the visit leaves its window
                sets.append("window_no = NULL")
                cur.execute(t.sql("UPDATE {board_windows} SET visit_id = NULL, ticket = NULL,"
                                  " visit_status = NULL WHERE visit_id = ?"), (visit_id,))
                if isinstance(event, TicketNoShow):
                    detail = {"recalls": event.recalls}
                elif isinstance(event, ServiceCompleted):
                    detail = {"procedures": event.procedures, "applications": event.applications}
                elif isinstance(event, VisitCancelled):
                    detail = {"reason": event.reason}
                elif isinstance(event, VisitTransferred):
                    sets += ["queue = ?", "department = ?", "line_day = ?", "in_slot = 0"]
                    params += [event.to_queue, event.to_department, event.day]
                    detail = {"fromQueue": event.from_queue, "toQueue": event.to_queue,
                              "fromDepartment": event.from_department,
                              "toDepartment": event.to_department, "reason": event.reason}
            cur.execute(t.sql(f"UPDATE {{board_visits}} SET {', '.join(sets)} WHERE id = ?"),
                        (*params, visit_id))
        cur.execute(t.sql("SELECT queue FROM {board_visits} WHERE id = ?"), (visit_id,))
        queue = cur.fetchone()[0]
        cur.execute(
            t.sql("INSERT INTO {board_history} VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
            (visit_id, event.originator_version, type(event).__name__, status, at, queue,
             getattr(event, "window", None), event.meta.actor_role, event.meta.actor_department,
             json.dumps(detail, ensure_ascii=False), position),
        )


# -- reading ------------------------------------------------------------------------
def _queue_view(row: tuple[Any, ...]) -> QueueView:
    code, department, name_ja, name_en, prefix, waiting = row
    return QueueView(code, department, name_ja, name_en, prefix, int(waiting or 0))


def _queues_sql(t: Tables, where: str = "") -> str:
    return t.sql(
        "SELECT q.code, q.department, q.name_ja, q.name_en, q.prefix,"
        " (SELECT COUNT(*) FROM {board_visits} v WHERE v.queue = q.code AND v.line_day = ?"
        "  AND v.status IN ('waiting', 'transferred'))"
        f" FROM {{board_queues}} q {where} ORDER BY q.department, q.code"
    )


def list_queues(session: ReadSession, today: str, department: str | None = None) -> list[QueueView]:
    t = session.tables(QueueBoard.name)
    if department:
        session.cur.execute(_queues_sql(t, "WHERE q.department = ?"), (today, department))
    else:
        session.cur.execute(_queues_sql(t), (today,))
    return [_queue_view(r) for r in session.cur.fetchall()]


def list_windows(session: ReadSession) -> list[WindowView]:
    t = session.tables(QueueBoard.name)
    session.cur.execute(t.sql(
        "SELECT number, name_ja, queues, departments, open, staff, visit_id, ticket, visit_status"
        " FROM {board_windows} ORDER BY number"
    ))
    return [
        WindowView(int(n), name, json.loads(qs), json.loads(ds), bool(o), staff, vid, ticket, vs)
        for n, name, qs, ds, o, staff, vid, ticket, vs in session.cur.fetchall()
    ]


def queue_board(session: ReadSession, queue: str, today: str) -> QueueBoardView | None:
    t = session.tables(QueueBoard.name)
    session.cur.execute(_queues_sql(t, "WHERE q.code = ?"), (today, queue))
    row = session.cur.fetchone()
    if row is None:
        return None
    session.cur.execute(
        t.sql("SELECT id, ticket, priority, status, issued_at, number, in_slot FROM {board_visits}"
              " WHERE queue = ? AND line_day = ? AND status IN ('waiting', 'transferred')"),
        (queue, today),
    )
    rows = sorted(session.cur.fetchall(),  # the line's own order (domain.counter.visits.service_key)
                  key=lambda r: service_key(bool(r[2]), r[4], int(r[5]), r[0], bool(r[6])))
    waiting = [BoardTicket(vid, ticket, bool(p), status, at)
               for vid, ticket, p, status, at, _, _ in rows]
    session.cur.execute(
        t.sql("SELECT w.number, w.name_ja, w.visit_id, w.ticket, w.visit_status"
              " FROM {board_windows} w JOIN {board_visits} v ON v.id = w.visit_id"
              " WHERE v.queue = ? ORDER BY w.number"),
        (queue,),
    )
    serving = [NowServing(int(n), name, vid, ticket, vs)
               for n, name, vid, ticket, vs in session.cur.fetchall()]
    return QueueBoardView(_queue_view(row), waiting, serving)


def get_visit(session: ReadSession, visit_id: str) -> VisitView | None:
    t = session.tables(QueueBoard.name)
    session.cur.execute(
        t.sql("SELECT id, queue, department, day, number, ticket, purposes, priority, arrival,"
              " reservation_id, application_id, holder_subject, status, window_no, recalls,"
              " issued_at, updated_at, position FROM {board_visits} WHERE id = ?"),
        (visit_id,),
    )
    row = session.cur.fetchone()
    if row is None:
        return None
    session.cur.execute(
        t.sql("SELECT event, status, at, queue, window_no, actor_role, actor_department, detail,"
              " position FROM {board_history} WHERE visit_id = ? ORDER BY version"),
        (visit_id,),
    )
    history = [
        VisitHistoryEntry(e, s, at, q, w, role, dept, json.loads(d), int(p))
        for e, s, at, q, w, role, dept, d, p in session.cur.fetchall()
    ]
    (vid, queue, department, day, number, ticket, purposes, priority, arrival, reservation_id,
     application_id, holder, status, window, recalls, issued_at, updated_at, position) = row
    return VisitView(
        vid, queue, department, day, int(number), ticket, json.loads(purposes), bool(priority),
        arrival, reservation_id, application_id, holder, status,
        None if window is None else int(window), int(recalls), issued_at, updated_at,
        int(position), history,
    )


# -- history: congestion forecast and counter statistics -----------------------------
def issued_and_called(
    session: ReadSession, queue: str, since: str, until: str
) -> list[tuple[str, str, str | None]]:
    """(visit id, issued at, first called at or None) of the tickets issued into
    ``queue`` between the UTC instants ``since`` (inclusive) and ``until``."""
    t = session.tables(QueueBoard.name)
    session.cur.execute(
        t.sql("SELECT i.visit_id, i.at, MIN(c.at) FROM {board_history} i"
              " LEFT JOIN {board_history} c ON c.visit_id = i.visit_id AND c.event = 'TicketCalled'"
              " WHERE i.event = 'TicketIssued' AND i.queue = ? AND i.at >= ? AND i.at < ?"
              " GROUP BY i.visit_id, i.at ORDER BY i.at"),
        (queue, since, until),
    )
    return [(vid, at, called) for vid, at, called in session.cur.fetchall()]


@dataclass(frozen=True)
class HistoryRow:
    visit_id: str
    event: str
    at: str
    queue: str
    window: int | None
    purposes: list[str]


def day_history(session: ReadSession, queue: str, since: str, until: str) -> list[HistoryRow]:
    """Every history entry between the UTC instants of the visits that were in
    ``queue`` then (also their entries in other queues), with the visit's purposes."""
    t = session.tables(QueueBoard.name)
    session.cur.execute(
        t.sql("SELECT h.visit_id, h.event, h.at, h.queue, h.window_no, v.purposes"
              " FROM {board_history} h JOIN {board_visits} v ON v.id = h.visit_id"
              " WHERE h.at >= ? AND h.at < ? AND h.visit_id IN (SELECT visit_id FROM {board_history}"
              "  WHERE queue = ? AND at >= ? AND at < ?) ORDER BY h.at, h.position"),
        (since, until, queue, since, until),
    )
    return [HistoryRow(vid, e, at, q, None if w is None else int(w), json.loads(p))
            for vid, e, at, q, w, p in session.cur.fetchall()]


def window_sessions(session: ReadSession, since: str, until: str) -> list[tuple[int, str, str | None]]:
    """(window, opened at, closed at or None while still open) of the periods
    windows were open that overlap the UTC instants [``since``, ``until``)."""
    t = session.tables(QueueBoard.name)
    session.cur.execute(
        t.sql("SELECT window_no, opened_at, closed_at FROM {board_window_sessions}"
              " WHERE opened_at < ? AND (closed_at IS NULL OR closed_at > ?) ORDER BY position"),
        (until, since),
    )
    return [(int(w), a, b) for w, a, b in session.cur.fetchall()]


def window_calls(session: ReadSession, windows: list[int], since: str, until: str) -> list[HistoryRow]:
    """The history, between the UTC instants, of every visit called to one of
    ``windows`` then (whatever its queue): enough to tell when each window was busy."""
    if not windows:
        return []
    t = session.tables(QueueBoard.name)
    marks = ", ".join("?" for _ in windows)
    session.cur.execute(
        t.sql("SELECT h.visit_id, h.event, h.at, h.queue, h.window_no, v.purposes"
              " FROM {board_history} h JOIN {board_visits} v ON v.id = h.visit_id"
              " WHERE h.at >= ? AND h.at < ? AND h.visit_id IN (SELECT visit_id FROM {board_history}"
              f"  WHERE event = 'TicketCalled' AND window_no IN ({marks}) AND at >= ? AND at < ?)"
              " ORDER BY h.at, h.position"),
        (since, until, *windows, since, until),
    )
    return [HistoryRow(vid, e, at, q, None if w is None else int(w), json.loads(p))
            for vid, e, at, q, w, p in session.cur.fetchall()]
