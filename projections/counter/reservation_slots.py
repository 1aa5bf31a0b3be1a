"""Read model: reservations (来庁予約) — each queue's published slots per day with
capacity and seats booked, and each reservation's status (no personal data:
the holder's name and contact stay in the event store, sealed)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from application.projection.base import Projection, Tables
from application.projection.reading import ReadSession
from application.shared.ports import ViewCursor
from domain.counter.reservations import (
    ReservationCancelled,
    ReservationCheckedIn,
    ReservationMade,
    ReservationSlotsPublished,
)
from domain.counter.visits import instant


@dataclass(frozen=True)
class SlotView:
    queue: str
    day: str
    start: str
    end: str
    capacity: int
    booked: int

    @property
    def remaining(self) -> int:
        return max(self.capacity - self.booked, 0)


@dataclass(frozen=True)
class ReservationView:
    id: str
    queue: str
    department: str
    day: str
    slot_start: str
    slot_end: str
    purposes: list[str]
    status: str
    holder_subject: str | None
    application_id: str | None
    source: str
    visit_id: str | None
    ticket: str | None
    in_slot: bool
    made_at: str


class ReservationSlots(Projection):
    name = "reservation_slots"
    version = 1
    handles = (ReservationSlotsPublished, ReservationMade, ReservationCancelled, ReservationCheckedIn)
    tables = ("rsv_slots", "rsv_reservations")

    def create(self, cur: ViewCursor, t: Tables) -> None:
        cur.execute(t.sql(
            "CREATE TABLE IF NOT EXISTS {rsv_slots} ("
            " queue TEXT NOT NULL, day TEXT NOT NULL, start_at TEXT NOT NULL,"
            " end_at TEXT NOT NULL, capacity INTEGER NOT NULL, booked INTEGER NOT NULL,"
            " PRIMARY KEY (queue, start_at))"
        ))
        cur.execute(t.sql(
            "CREATE TABLE IF NOT EXISTS {rsv_reservations} ("
            " id TEXT PRIMARY KEY, queue TEXT NOT NULL, department TEXT NOT NULL,"
            " day TEXT NOT NULL, slot_start TEXT NOT NULL, slot_end TEXT NOT NULL,"
            " purposes TEXT NOT NULL, status TEXT NOT NULL, holder_subject TEXT,"
            " application_id TEXT, source TEXT NOT NULL, visit_id TEXT, ticket TEXT,"
            " in_slot INTEGER NOT NULL, made_at TEXT NOT NULL, position BIGINT NOT NULL)"
        ))
        cur.execute(t.sql(
            "CREATE INDEX IF NOT EXISTS {rsv_reservations}_holder"
            " ON {rsv_reservations} (holder_subject, slot_start)"
        ))

    def apply(self, cur: ViewCursor, t: Tables, event: Any, position: int) -> None:
        rid = str(event.originator_id)
        if isinstance(event, ReservationSlotsPublished):
            cur.execute(t.sql("DELETE FROM {rsv_slots} WHERE queue = ? AND day = ?"),
                        (event.queue, event.day))
            for slot in event.slots:
                cur.execute(
                    t.sql("INSERT INTO {rsv_slots} VALUES (?, ?, ?, ?, ?, (SELECT COUNT(*)"
                          " FROM {rsv_reservations} WHERE queue = ? AND slot_start = ?"
                          " AND status <> 'cancelled'))"),
                    (event.queue, event.day, slot["start"], slot["end"], slot["capacity"],
                     event.queue, slot["start"]),
                )
        elif isinstance(event, ReservationMade):
            cur.execute(
                t.sql("INSERT INTO {rsv_reservations} VALUES"
                      " (?, ?, ?, ?, ?, ?, ?, 'booked', ?, ?, ?, NULL, NULL, 0, ?, ?)"),
                (rid, event.queue, event.department, event.day, event.slot_start, event.slot_end,
                 json.dumps(event.purposes), event.holder_subject, event.application_id,
                 event.source, instant(event.timestamp), position),
            )
            self._count(cur, t, event.queue, event.slot_start, +1)
        elif isinstance(event, ReservationCancelled):
            cur.execute(t.sql("UPDATE {rsv_reservations} SET status = 'cancelled', position = ?"
                              " WHERE id = ?"), (position, rid))
            cur.execute(t.sql("SELECT queue, slot_start FROM {rsv_reservations} WHERE id = ?"), (rid,))
            queue, start = cur.fetchone()
            self._count(cur, t, queue, start, -1)
        elif isinstance(event, ReservationCheckedIn):
            cur.execute(t.sql("UPDATE {rsv_reservations} SET status = 'checked_in', visit_id = ?,"
                              " ticket = ?, in_slot = ?, position = ? WHERE id = ?"),
                        (event.visit_id, event.ticket, int(event.in_slot), position, rid))

    @staticmethod
    def _count(cur: ViewCursor, t: Tables, queue: str, start: str, change: int) -> None:
        cur.execute(t.sql("UPDATE {rsv_slots} SET booked = booked + ? WHERE queue = ? AND start_at = ?"),
                    (change, queue, start))


# -- reading ------------------------------------------------------------------------
def slots(session: ReadSession, queue: str, day: str) -> list[SlotView]:
    t = session.tables(ReservationSlots.name)
    session.cur.execute(
        t.sql("SELECT queue, day, start_at, end_at, capacity, booked FROM {rsv_slots}"
              " WHERE queue = ? AND day = ? ORDER BY start_at"), (queue, day))
    return [SlotView(q, d, s, e, int(c), int(b)) for q, d, s, e, c, b in session.cur.fetchall()]


_COLUMNS = ("id, queue, department, day, slot_start, slot_end, purposes, status, holder_subject,"
            " application_id, source, visit_id, ticket, in_slot, made_at")


def _view(row: tuple[Any, ...]) -> ReservationView:
    (rid, queue, department, day, start, end, purposes, status, holder, app, source, visit, ticket,
     in_slot, made_at) = row
    return ReservationView(rid, queue, department, day, start, end, json.loads(purposes), status,
                           holder, app, source, visit, ticket, bool(in_slot), made_at)


def get_reservation(session: ReadSession, reservation_id: str) -> ReservationView | None:
    t = session.tables(ReservationSlots.name)
    session.cur.execute(t.sql(f"SELECT {_COLUMNS} FROM {{rsv_reservations}} WHERE id = ?"),
                        (reservation_id,))
    row = session.cur.fetchone()
    return _view(row) if row else None


def holder_reservations(session: ReadSession, holder_subject: str) -> list[ReservationView]:
    t = session.tables(ReservationSlots.name)
    session.cur.execute(t.sql(f"SELECT {_COLUMNS} FROM {{rsv_reservations}}"
                              " WHERE holder_subject = ? ORDER BY slot_start, id"), (holder_subject,))
    return [_view(r) for r in session.cur.fetchall()]
