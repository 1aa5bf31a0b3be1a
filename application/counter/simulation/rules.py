"""The simulation harness's service rule, as a pure event-driven schedule.

- per queue, priority 1 before 0, then by arrival (then by input order);
- a window is free when it is open and not serving; a service started before
  ``close`` runs to its end;
- at equal times: completions, then window opens/closes, then arrivals, then
  assignment of waiting tickets to free windows (free windows in window order).

The schedule also computes the two classic predictors at each arrival, from the
state at that moment only: QL = (k + 1) × m / c and LES.
"""

from __future__ import annotations

import bisect
import csv
import heapq
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from domain.shared.context import CITY_TIMEZONE

ARRIVAL_HEADER = ["ticket", "queue", "arrival", "purpose", "priority", "service_minutes"]
WINDOW_HEADER = ["queue", "window", "open", "close"]
QL_HISTORY, QL_DEFAULT_MINUTES = 20, 10.0
COMPLETE, OPEN_CLOSE, ARRIVE = 0, 1, 2


class SimulationInputError(ValueError):
    pass


@dataclass(frozen=True)
class Arrival:
    ticket: str
    queue: str
    arrival: datetime
    purpose: str
    priority: bool
    service_minutes: float
    seq: int  # input order: breaks ties of equal arrival


@dataclass(frozen=True)
class WindowPeriod:
    queue: str
    window: str
    open: datetime
    close: datetime


@dataclass(frozen=True)
class Action:
    """One step for the driver, in the order the rule takes them."""

    at: datetime
    kind: str  # complete | open | close | arrive | start
    window: str | None = None
    ticket: str | None = None


@dataclass
class Outcome:
    arrival: Arrival
    ql: float = 0.0
    les: float = 0.0
    start: datetime | None = None

    @property
    def actual_minutes(self) -> float | None:
        return None if self.start is None else minutes(self.start - self.arrival.arrival)


@dataclass
class Schedule:
    actions: list[Action] = field(default_factory=list)
    outcomes: dict[str, Outcome] = field(default_factory=dict)
    window_queue: dict[str, str] = field(default_factory=dict)
    periods: dict[str, list[tuple[datetime, datetime]]] = field(default_factory=dict)


def minutes(delta: timedelta) -> float:
    return delta.total_seconds() / 60


def parse_time(text: str) -> datetime:
    """ISO 8601; without an offset it is the city's local time (Japan)."""
    moment = datetime.fromisoformat(text.strip())
    return moment if moment.tzinfo else moment.replace(tzinfo=CITY_TIMEZONE)


def _rows(path: Path, header: list[str]) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        if reader.fieldnames != header:
            raise SimulationInputError(f"{path}: header must be {','.join(header)}")
        return list(reader)


def read_arrivals(path: Path) -> list[Arrival]:
    out = []
    for i, r in enumerate(_rows(path, ARRIVAL_HEADER)):
        try:
            if r["priority"].strip() not in ("0", "1"):
                raise ValueError("priority is 0 or 1")
            service = float(r["service_minutes"])
            if service < 0:
                raise ValueError("service_minutes must not be negative")
            out.append(Arrival(r["ticket"].strip(), r["queue"].strip(), parse_time(r["arrival"]),
                               r["purpose"].strip(), r["priority"].strip() == "1", service, i))
        except (ValueError, TypeError, AttributeError) as e:
            raise SimulationInputError(f"{path}: row {i + 2}: {e}") from None
    if len({a.ticket for a in out}) != len(out):
        raise SimulationInputError(f"{path}: tickets must be unique")
    return out


def read_windows(path: Path) -> list[WindowPeriod]:
    out = []
    for i, r in enumerate(_rows(path, WINDOW_HEADER)):
        try:
            period = WindowPeriod(r["queue"].strip(), r["window"].strip(), parse_time(r["open"]),
                                  parse_time(r["close"]))
        except (ValueError, TypeError, AttributeError) as e:
            raise SimulationInputError(f"{path}: row {i + 2}: {e}") from None
        if not period.open < period.close:
            raise SimulationInputError(f"{path}: row {i + 2}: open must be before close")
        out.append(period)
    return out


Periods = dict[str, list[tuple[datetime, datetime]]]


def merged_periods(windows: Iterable[WindowPeriod]) -> tuple[dict[str, str], Periods]:
    """Each window's queue, and its open periods merged (overlapping or touching
    rows are one period: the window stays open across them)."""
    queue_of: dict[str, str] = {}
    raw: dict[str, list[tuple[datetime, datetime]]] = {}
    for p in windows:
        if queue_of.setdefault(p.window, p.queue) != p.queue:
            raise SimulationInputError(f"window {p.window} serves one queue, not {queue_of[p.window]} and {p.queue}")
        raw.setdefault(p.window, []).append((p.open, p.close))
    merged: dict[str, list[tuple[datetime, datetime]]] = {}
    for w, periods in raw.items():
        out: list[tuple[datetime, datetime]] = []
        for a, b in sorted(periods):
            if out and a <= out[-1][1]:
                out[-1] = (out[-1][0], max(out[-1][1], b))
            else:
                out.append((a, b))
        merged[w] = out
    return queue_of, merged


def window_order(window: str) -> tuple[int, str]:
    return (int(window), "") if window.isdigit() else (1 << 30, window)


def schedule(arrivals: list[Arrival], windows: list[WindowPeriod]) -> Schedule:
    queue_of, periods = merged_periods(windows)
    result = Schedule(window_queue=queue_of, periods=periods)
    heap: list[tuple[datetime, int, tuple[int, str], str]] = []
    for w, ps in periods.items():
        for a, b in ps:
            heapq.heappush(heap, (a, OPEN_CLOSE, window_order(w), f"open:{w}"))
            heapq.heappush(heap, (b, OPEN_CLOSE, window_order(w), f"close:{w}"))
    by_ticket = {a.ticket: a for a in arrivals}
    for a in arrivals:
        heapq.heappush(heap, (a.arrival, ARRIVE, (a.seq, ""), a.ticket))
    is_open = dict.fromkeys(periods, False)
    serving: dict[str, str | None] = dict.fromkeys(periods, None)
    waiting: dict[str, list[tuple[int, datetime, int, str]]] = {}
    services: dict[str, deque[float]] = {}
    last_wait: dict[str, float] = {}
    ordered_windows = sorted(periods, key=window_order)

    while heap:
        now = heap[0][0]
        while heap and heap[0][0] == now:
            _, kind, _, what = heapq.heappop(heap)
            if kind == COMPLETE:
                window, ticket = what.split("\0")
                serving[window] = None
                a = by_ticket[ticket]
                services.setdefault(a.queue, deque(maxlen=QL_HISTORY)).append(a.service_minutes)
                result.actions.append(Action(now, "complete", window, ticket))
            elif kind == OPEN_CLOSE:
                verb, window = what.split(":", 1)
                is_open[window] = verb == "open"
                result.actions.append(Action(now, verb, window))
            else:
                a = by_ticket[what]
                line = waiting.setdefault(a.queue, [])
                key = (0 if a.priority else 1, a.arrival, a.seq, a.ticket)
                ahead = bisect.bisect_left(line, key)
                mine = [w for w in ordered_windows if queue_of[w] == a.queue]
                free = any(is_open[w] and serving[w] is None for w in mine)
                c = max(1, sum(is_open[w] for w in mine))
                history = services.get(a.queue)
                m = sum(history) / len(history) if history else QL_DEFAULT_MINUTES
                result.outcomes[a.ticket] = Outcome(
                    a, ql=0.0 if free else (ahead + 1) * m / c, les=last_wait.get(a.queue, 0.0))
                line.insert(ahead, key)
                result.actions.append(Action(now, "arrive", ticket=a.ticket))
        for w in ordered_windows:  # assignment
            line = waiting.get(queue_of[w])
            if is_open[w] and serving[w] is None and line:
                ticket = line.pop(0)[3]
                a = by_ticket[ticket]
                serving[w] = ticket
                outcome = result.outcomes[ticket]
                outcome.start = now
                last_wait[a.queue] = minutes(now - a.arrival)
                result.actions.append(Action(now, "start", w, ticket))
                end = now + timedelta(minutes=a.service_minutes)
                heapq.heappush(heap, (end, COMPLETE, window_order(w), f"{w}\0{ticket}"))
    return result
