"""Counter history (来庁の実績), computed from the queue board's read model:
the congestion forecast (expected wait by hour of the day, from the same weekday
of the last weeks) and a queue's statistics for one day. Pure, but for the reads."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from application.projection.reading import ReadSession
from domain.counter.visits import instant
from domain.shared.context import CITY_TIMEZONE
from projections.counter.queue_board import HistoryRow, day_history, issued_and_called, window_calls, window_sessions

FORECAST_WEEKS = 8
FORECAST_HOURS = range(8, 18)  # 8:00–17:59 Japan time


def _utc(day: date) -> str:
    """The instant (text, as stored) of midnight Japan time starting ``day``."""
    return instant(datetime.combine(day, time(), CITY_TIMEZONE))


def _local(at: str) -> datetime:
    return datetime.fromisoformat(at).astimezone(CITY_TIMEZONE)


def _minutes(a: str, b: str) -> float:
    return (datetime.fromisoformat(b) - datetime.fromisoformat(a)).total_seconds() / 60


@dataclass(frozen=True)
class HourForecast:
    hour: int
    expected_wait_minutes: float | None  # None: no ticket of that hour in the history
    samples: int


def congestion_forecast(session: ReadSession, queue: str, day: date) -> list[HourForecast]:
    """For each hour 8–17 (Japan time): the mean wait (issue → first call) of the
    tickets issued into ``queue`` in that hour on the same weekday in the
    ``FORECAST_WEEKS`` weeks before ``day``. Tickets never called are left out."""
    days = {day - timedelta(weeks=k) for k in range(1, FORECAST_WEEKS + 1)}
    rows = issued_and_called(session, queue, _utc(min(days)), _utc(day))
    waits: dict[int, list[float]] = {h: [] for h in FORECAST_HOURS}
    for _, issued, called in rows:
        local = _local(issued)
        if called is None or local.date() not in days or local.hour not in waits:
            continue
        waits[local.hour].append(_minutes(issued, called))
    return [HourForecast(h, round(statistics.fmean(w), 2) if w else None, len(w))
            for h, w in waits.items()]


def _quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    pos = q * (len(ordered) - 1)
    lo = int(pos)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


@dataclass(frozen=True)
class PurposeTime:
    purpose: str  # "" for visits without a stated purpose
    services: int
    mean_minutes: float


@dataclass(frozen=True)
class WindowTime:
    window: int
    visits: int  # calls of this queue's visits to the window
    busy_minutes: float  # from a call (of any queue's visit) until that visit left the window
    open_minutes: float  # open that day (until now, for today)
    idle_minutes: float  # open and not busy


@dataclass(frozen=True)
class CounterStatistics:
    queue: str
    day: str
    tickets: int
    served: int
    no_shows: int
    cancelled: int
    transferred_out: int
    waits: list[float] = field(repr=False)
    mean_wait: float | None
    median_wait: float | None
    p90_wait: float | None
    purposes: list[PurposeTime]
    windows: list[WindowTime]


LEAVES = ("ServiceCompleted", "TicketNoShow", "VisitCancelled", "VisitTransferred")


def counter_statistics(session: ReadSession, queue: str, day: date, now: datetime | None = None
                       ) -> CounterStatistics:
    """``queue``'s day (Japan time): tickets issued into it, services completed,
    no-shows, cancellations and transfers out; the wait (issue or transfer in →
    first call) of the tickets called; the mean service time (start, or the call
    when not started, → completion) per purpose (a visit of several purposes
    counts for each); per window that called its visits, the calls, and the
    window's open, busy (call → leaving, any queue's visit) and idle time, up to
    ``now`` for a day not over."""
    since, until = _utc(day), _utc(day + timedelta(days=1))
    rows = day_history(session, queue, since, until)
    by_visit: dict[str, list[HistoryRow]] = {}
    for r in rows:
        by_visit.setdefault(r.visit_id, []).append(r)
    counts = {"TicketIssued": 0, "ServiceCompleted": 0, "TicketNoShow": 0, "VisitCancelled": 0}
    transferred_out = 0
    waits: list[float] = []
    per_purpose: dict[str, list[float]] = {}
    calls: dict[int, int] = {}
    for history in by_visit.values():
        joined: str | None = None  # when the visit (last) joined this queue's line
        in_queue = False
        called: tuple[str, int | None] | None = None
        started: str | None = None
        for r in history:
            mine = r.queue == queue
            if r.event == "VisitTransferred":
                if mine:
                    joined, in_queue = r.at, True
                elif in_queue:
                    transferred_out += 1
                    joined, in_queue = None, False
                called = started = None
                continue
            if not mine:
                continue
            if r.event == "TicketIssued":
                joined, in_queue = r.at, True
            if r.event in counts:
                counts[r.event] += 1
            if r.event == "TicketCalled":
                if joined is not None:
                    waits.append(_minutes(joined, r.at))
                    joined = None
                called = (r.at, r.window)
                if r.window is not None:
                    calls[r.window] = calls.get(r.window, 0) + 1
            elif r.event == "ServiceStarted":
                started = r.at
            elif r.event in LEAVES and called is not None:
                if r.event == "ServiceCompleted":
                    minutes = _minutes(started or called[0], r.at)
                    for purpose in r.purposes or [""]:
                        per_purpose.setdefault(purpose, []).append(minutes)
                called = started = None
    return CounterStatistics(
        queue=queue, day=day.isoformat(), tickets=counts["TicketIssued"],
        served=counts["ServiceCompleted"], no_shows=counts["TicketNoShow"],
        cancelled=counts["VisitCancelled"], transferred_out=transferred_out, waits=waits,
        mean_wait=round(statistics.fmean(waits), 2) if waits else None,
        median_wait=round(statistics.median(waits), 2) if waits else None,
        p90_wait=round(_quantile(waits, 0.9), 2) if waits else None,
        purposes=[PurposeTime(p, len(v), round(statistics.fmean(v), 2))
                  for p, v in sorted(per_purpose.items())],
        windows=_window_times(session, calls, since, until, now),
    )


def _window_times(session: ReadSession, calls: dict[int, int], since: str, until: str,
                  now: datetime | None) -> list[WindowTime]:
    end = min(until, instant(now)) if now is not None else until
    busy = _busy_spans(window_calls(session, sorted(calls), since, until), end)
    out = []
    for window in sorted(calls):
        open_spans = [(max(a, since), min(b or end, end)) for w, a, b in window_sessions(session, since, end)
                      if w == window]
        open_minutes = sum(max(0.0, _minutes(a, b)) for a, b in open_spans)
        busy_minutes = sum(_minutes(a, b) for a, b in busy.get(window, []))
        busy_while_open = sum(max(0.0, _minutes(max(a, c), min(b, d)))
                              for a, b in busy.get(window, []) for c, d in open_spans)
        out.append(WindowTime(window, calls[window], round(busy_minutes, 2), round(open_minutes, 2),
                              round(max(0.0, open_minutes - busy_while_open), 2)))
    return out


def _busy_spans(rows: list[HistoryRow], end: str) -> dict[int, list[tuple[str, str]]]:
    """Per window, the (call, leaving) spans of the visits in ``rows``: a visit is
    at the window from its call until it completes, is marked a no-show, is
    cancelled or transferred (a recall keeps it there); one still there, until ``end``."""
    at_window: dict[str, tuple[str, int]] = {}
    spans: dict[int, list[tuple[str, str]]] = {}
    for r in rows:
        if r.event == "TicketCalled" and r.window is not None:
            at_window[r.visit_id] = (r.at, r.window)
        elif r.event in LEAVES and r.visit_id in at_window:
            start, window = at_window.pop(r.visit_id)
            spans.setdefault(window, []).append((start, r.at))
    for start, window in at_window.values():
        if start < end:
            spans.setdefault(window, []).append((start, end))
    return spans
