"""Read model: wait-time prediction per queue (待ち時間予測).

It keeps, per queue, the waiting tickets in service order, the windows (open or
not, and their published schedule), the services in progress (and since when),
the recent service times per purpose, and for each waiting ticket a predicted
total wait in minutes with an 80% interval — from the events up to the one
applied (its timestamp is "now") and the published window schedule only.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from application.projection.base import Projection, Tables
from application.projection.reading import ReadSession
from application.shared.ports import ViewCursor
from domain.counter.visits import (
    ServiceCompleted,
    ServiceStarted,
    TicketCalled,
    TicketIssued,
    TicketNoShow,
    VisitCancelled,
    VisitTransferred,
    instant,
    service_key,
)
from domain.counter.wait_forecast import INF, Samples, WaitingTicket, WindowState, forecast
from domain.counter.windows import WindowClosed, WindowDefined, WindowOpened, WindowSchedulePublished

SAMPLES_PER_PURPOSE = 60
RECENT_SERVICES = 600


@dataclass(frozen=True)
class WaitPrediction:
    visit_id: str
    queue: str
    predicted_minutes: float
    low_minutes: float
    high_minutes: float
    as_of: str


def _minutes(a: datetime, b: datetime) -> float:
    return (b - a).total_seconds() / 60


class WaitPredictions(Projection):
    name = "wait_prediction"
    version = 2  # 2: wp_visits.in_slot (reservations served ahead of walk-ins)
    handles = (WindowDefined, WindowOpened, WindowClosed, WindowSchedulePublished, TicketIssued,
               TicketCalled, ServiceStarted, ServiceCompleted, TicketNoShow, VisitCancelled,
               VisitTransferred)
    tables = ("wp_windows", "wp_visits", "wp_services")

    def create(self, cur: ViewCursor, t: Tables) -> None:
        cur.execute(t.sql(
            "CREATE TABLE IF NOT EXISTS {wp_windows} (id TEXT PRIMARY KEY, number INTEGER NOT NULL,"
            " queues TEXT NOT NULL, open INTEGER NOT NULL, periods TEXT NOT NULL)"))
        cur.execute(t.sql(
            "CREATE TABLE IF NOT EXISTS {wp_visits} (id TEXT PRIMARY KEY, queue TEXT NOT NULL,"
            " priority INTEGER NOT NULL, queued_at TEXT NOT NULL, number INTEGER NOT NULL,"
            " purpose TEXT NOT NULL, status TEXT NOT NULL, window_no INTEGER, started_at TEXT,"
            " predicted DOUBLE PRECISION, low DOUBLE PRECISION, high DOUBLE PRECISION, as_of TEXT,"
            " in_slot INTEGER NOT NULL DEFAULT 0)"))
        cur.execute(t.sql("CREATE INDEX IF NOT EXISTS {wp_visits}_q ON {wp_visits} (queue, status)"))
        cur.execute(t.sql(
            "CREATE TABLE IF NOT EXISTS {wp_services} (position BIGINT PRIMARY KEY,"
            " queue TEXT NOT NULL, purpose TEXT NOT NULL, minutes DOUBLE PRECISION NOT NULL)"))
        cur.execute(t.sql("CREATE INDEX IF NOT EXISTS {wp_services}_q ON {wp_services} (queue, position)"))

    # -- applying ----------------------------------------------------------------
    def apply(self, cur: ViewCursor, t: Tables, event: Any, position: int) -> None:
        now = event.timestamp
        oid = str(event.originator_id)
        if isinstance(event, WindowDefined):
            cur.execute(t.sql("INSERT INTO {wp_windows} VALUES (?, ?, ?, 0, '[]')"),
                        (oid, event.number, json.dumps(event.queues)))
            return
        if isinstance(event, WindowOpened | WindowClosed | WindowSchedulePublished):
            if isinstance(event, WindowSchedulePublished):
                cur.execute(t.sql("UPDATE {wp_windows} SET periods = ? WHERE id = ?"),
                            (json.dumps(event.periods), oid))
            else:
                cur.execute(t.sql("UPDATE {wp_windows} SET open = ? WHERE id = ?"),
                            (int(isinstance(event, WindowOpened)), oid))
            cur.execute(t.sql("SELECT queues FROM {wp_windows} WHERE id = ?"), (oid,))
            for queue in json.loads(cur.fetchone()[0]):
                self._recompute(cur, t, queue, now)
            return
        if isinstance(event, TicketIssued):
            cur.execute(t.sql("INSERT INTO {wp_visits} VALUES (?, ?, ?, ?, ?, ?, 'waiting',"
                              " NULL, NULL, NULL, NULL, NULL, NULL, ?)"),
                        (oid, event.queue, int(event.priority), instant(now), event.number,
                         ",".join(event.purposes), int(event.in_slot)))
            self._recompute(cur, t, event.queue, now)
            return
        cur.execute(t.sql("SELECT queue, started_at, purpose FROM {wp_visits} WHERE id = ?"), (oid,))
        row = cur.fetchone()
        if row is None:
            return
        queue, started_at, purpose = row
        if isinstance(event, TicketCalled):
            cur.execute(t.sql("UPDATE {wp_visits} SET status = 'serving', window_no = ?, started_at = ?,"
                              " predicted = NULL, low = NULL, high = NULL WHERE id = ?"),
                        (event.window, instant(now), oid))
        elif isinstance(event, ServiceStarted):
            cur.execute(t.sql("UPDATE {wp_visits} SET started_at = ? WHERE id = ?"), (instant(now), oid))
        elif isinstance(event, VisitTransferred):
            cur.execute(t.sql("UPDATE {wp_visits} SET queue = ?, status = 'waiting', window_no = NULL,"
                              " started_at = NULL, in_slot = 0 WHERE id = ?"), (event.to_queue, oid))
            self._recompute(cur, t, queue, now)
            self._recompute(cur, t, event.to_queue, now)
        else:  # completed, no-show or cancelled: it leaves the line and its window
            if isinstance(event, ServiceCompleted) and started_at:
                cur.execute(t.sql("INSERT INTO {wp_services} VALUES (?, ?, ?, ?)"),
                            (position, queue, purpose, _minutes(datetime.fromisoformat(started_at), now)))
            cur.execute(t.sql("DELETE FROM {wp_visits} WHERE id = ?"), (oid,))
            self._recompute(cur, t, queue, now)

    def _recompute(self, cur: ViewCursor, t: Tables, queue: str, now: datetime) -> None:
        windows, line, samples = forecast_inputs(cur, t, queue, now)
        if not line:
            return
        predictions = forecast(windows, line, samples, seed=int(now.timestamp()))
        as_of = instant(now)
        for vid, (predicted, low, high) in predictions.items():
            cur.execute(t.sql("UPDATE {wp_visits} SET predicted = ?, low = ?, high = ?, as_of = ?"
                              " WHERE id = ?"), (predicted, low, high, as_of, vid))


def forecast_inputs(
    cur: ViewCursor, t: Tables, queue: str, now: datetime
) -> tuple[list[WindowState], list[WaitingTicket], Samples]:
    """The queue's windows, waiting line (service order) and service-time samples at ``now``."""
    cur.execute(t.sql("SELECT id, purpose, queued_at, priority, number, in_slot FROM {wp_visits}"
                      " WHERE queue = ? AND status = 'waiting'"), (queue,))
    rows = sorted(cur.fetchall(), key=lambda r: service_key(bool(r[3]), r[2], int(r[4]), r[0], bool(r[5])))
    line = [WaitingTicket(vid, p, _minutes(datetime.fromisoformat(at), now))
            for vid, p, at, _, _, _ in rows]
    cur.execute(t.sql("SELECT number, queues, open, periods FROM {wp_windows} ORDER BY number"))
    mine = [(n, o, json.loads(ps)) for n, qs, o, ps in cur.fetchall() if queue in json.loads(qs)]
    cur.execute(t.sql("SELECT window_no, started_at, purpose FROM {wp_visits}"
                      " WHERE status = 'serving'"))
    busy = {n: (s, p) for n, s, p in cur.fetchall()}
    windows = []
    for number, is_open, periods in mine:
        if periods:
            spans = [(_minutes(now, datetime.fromisoformat(a)), _minutes(now, datetime.fromisoformat(b)))
                     for a, b in periods]
        else:
            spans = [(-INF, INF)] if is_open else []
        started, purpose = busy.get(number, (None, ""))
        elapsed = None if started is None else _minutes(datetime.fromisoformat(started), now)
        windows.append(WindowState(spans, elapsed, purpose))
    cur.execute(t.sql("SELECT purpose, minutes FROM {wp_services} WHERE queue = ?"
                      " ORDER BY position DESC LIMIT ?"), (queue, RECENT_SERVICES))
    by_purpose: dict[str, list[float]] = {}
    for purpose, minutes in cur.fetchall():
        if len(by_purpose.setdefault(purpose, [])) < SAMPLES_PER_PURPOSE:
            by_purpose[purpose].append(float(minutes))
    return windows, line, Samples(by_purpose)


# -- reading ------------------------------------------------------------------------
_SELECT = ("SELECT id, queue, predicted, low, high, as_of FROM {wp_visits}"
           " WHERE status = 'waiting' AND predicted IS NOT NULL")


def _view(row: tuple[Any, ...]) -> WaitPrediction:
    vid, queue, predicted, low, high, as_of = row
    return WaitPrediction(vid, queue, float(predicted), float(low), float(high), as_of)


def ticket_prediction(session: ReadSession, visit_id: str) -> WaitPrediction | None:
    t = session.tables(WaitPredictions.name)
    session.cur.execute(t.sql(_SELECT + " AND id = ?"), (visit_id,))
    row = session.cur.fetchone()
    return None if row is None else _view(row)


def queue_predictions(session: ReadSession, queue: str) -> list[WaitPrediction]:
    """The waiting tickets of a queue in service order, each with its prediction."""
    t = session.tables(WaitPredictions.name)
    session.cur.execute(t.sql("SELECT id, queue, predicted, low, high, as_of, priority, queued_at, number,"
                              " in_slot FROM {wp_visits} WHERE status = 'waiting' AND predicted IS NOT NULL"
                              " AND queue = ?"), (queue,))
    rows = sorted(session.cur.fetchall(),  # service order: domain.counter.visits.service_key
                  key=lambda r: service_key(bool(r[6]), r[7], int(r[8]), r[0], bool(r[9])))
    return [_view(r[:6]) for r in rows]


NEW_TICKET = "(new ticket)"


def new_ticket_prediction(session: ReadSession, queue: str, now: datetime) -> WaitPrediction:
    """The predicted wait of a ticket issued into ``queue`` at ``now`` (of no
    stated purpose: the queue's service times), behind everyone waiting."""
    t = session.tables(WaitPredictions.name)
    windows, line, samples = forecast_inputs(session.cur, t, queue, now)
    line.append(WaitingTicket(NEW_TICKET, "", 0.0))
    predicted, low, high = forecast(windows, line, samples, seed=int(now.timestamp()))[NEW_TICKET]
    return WaitPrediction(NEW_TICKET, queue, predicted, low, high, instant(now))
