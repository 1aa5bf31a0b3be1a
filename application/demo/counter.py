"""The demo city's counter (窓口): 市民課's two lines, 証明 (certificates) and
異動 (moves), with their windows and published staffing plans, and a few
days of visits up to ``now`` (the previous weekday and the same weekday
of the last two weeks) — so the queue board, the wait predictions,
the congestion forecast, the counter statistics and the dashboards' counter
figures have something to show.

The days are the simulation harness's "normal day" shape (lunch breaks,
a mid-morning peak; ``application/counter/simulation/scenarios.py``), thinned, with
the demo's real procedure codes as purposes. Every step goes through the visit
service's commands at its own time, following the harness's service rule
(``application/counter/simulation/rules.py``): the window calls the next visitor the
moment it is free. Visits of today stop at ``now``: some are still waiting.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from application.counter.simulation.rules import Arrival, WindowPeriod, parse_time, schedule
from application.counter.simulation.scenarios import SCENARIOS, Scenario, generate
from application.counter.visits import VisitService
from application.shared.results import CommandResult
from domain.shared.context import CITY_TIMEZONE, Actor, CommandContext

ADMIN = Actor("demo-admin", "admin")
KIOSK = Actor.system("demo-kiosk")
STAFF = Actor("demo-staff-shimin", "staff", "shimin")

# queue of the scenario → (code, name, English name, ticket letter)
QUEUES = {
    "shomei": ("shimin-shomei", "市民課 証明", "Citizens Division: certificates", "A"),
    "ido": ("shimin-ido", "市民課 異動", "Citizens Division: moves", "B"),
}
# purposes of the scenario → the demo's procedure codes
PURPOSES = {
    "juminhyo": "juminhyo-copy", "koseki": "koseki-certificate", "inkan-toroku": "inkan-registration",
    "tennyu": "tennyu", "tenshutsu": "tenshutsu", "mynumber": "mynumber-card-appointment",
}
PAST_WEEKS = 2
SCALE = 0.5  # a smaller city than the scenario's: two windows per line, a few dozen visits a day each


@dataclass(frozen=True)
class CounterSummary:
    queues: int
    windows: int
    days: int
    visits: int


def load_demo_counter(visits: VisitService, *, now: datetime,
                      ctx: Callable[[Actor, datetime], CommandContext]) -> tuple[CounterSummary, list[CommandResult]]:
    today = now.astimezone(CITY_TIMEZONE).date()
    days = _past_days(today) + ([today] if today.weekday() < 5 else [])
    setup = datetime.combine(days[0] - timedelta(days=1), datetime.min.time(), CITY_TIMEZONE)
    results: list[CommandResult] = []
    for code, name_ja, name_en, prefix in QUEUES.values():
        results.append(visits.define_queue(ctx(ADMIN, setup), code=code, department="shimin", name_ja=name_ja,
                                           name_en=name_en, prefix=prefix))
    plans = [_day_plan(day, n) for n, day in enumerate(days)]
    windows = sorted({w.window: w.queue for plan in plans for w in plan[1]}.items(), key=lambda kv: int(kv[0]))
    for window, queue in windows:
        results.append(visits.define_window(ctx(ADMIN, setup), number=int(window), name_ja=f"{window}番窓口",
                                            queues=[QUEUES[queue][0]]))
    periods = {w: [(p.open, p.close) for plan in plans for p in plan[1] if p.window == w] for w, _ in windows}
    for window, spans in periods.items():
        results.append(visits.publish_window_schedule(ctx(ADMIN, setup), int(window), sorted(spans)))
    issued = 0
    for arrivals, window_rows in plans:
        count, day_results = _run_day(visits, arrivals, window_rows, now, ctx)
        issued += count
        results += day_results
    return CounterSummary(len(QUEUES), len(windows), len(days), issued), results


def _past_days(today: date) -> list[date]:
    """The previous weekday (for yesterday's statistics) and the same weekday of
    the last ``PAST_WEEKS`` weeks (for the congestion forecast of today)."""
    previous = today - timedelta(days=1)
    while previous.weekday() >= 5:
        previous -= timedelta(days=1)
    same = [today - timedelta(weeks=k) for k in range(1, PAST_WEEKS + 1)] if today.weekday() < 5 else []
    return sorted({previous, *same})


def _day_plan(day: date, n: int) -> tuple[list[Arrival], list[WindowPeriod]]:
    normal = SCENARIOS["normal"]
    scenario = Scenario(f"demo-{day}", day, normal.rates, normal.windows, normal.last_arrival, seed=100 + n)
    arrival_rows, window_rows = generate(scenario, SCALE)
    arrivals = [Arrival(f"{day}-{ticket}", queue, parse_time(at), purpose, priority == "1", float(minutes), i)
                for i, (ticket, queue, at, purpose, priority, minutes) in enumerate(arrival_rows)]
    return arrivals, [WindowPeriod(q, w, parse_time(a), parse_time(b)) for q, w, a, b in window_rows]


def _run_day(visits: VisitService, arrivals: list[Arrival], window_rows: list[WindowPeriod], now: datetime,
             ctx: Callable[[Actor, datetime], CommandContext]) -> tuple[int, list[CommandResult]]:
    plan = schedule(arrivals, window_rows)
    ids: dict[str, str] = {}
    results: list[CommandResult] = []
    for action in plan.actions:
        if action.at > now:
            break
        c = ctx(STAFF if action.kind != "arrive" else KIOSK, action.at)
        if action.kind == "open":
            results.append(visits.open_window(c, int(action.window or 0)))
        elif action.kind == "close":
            results.append(visits.close_window(c, int(action.window or 0)))
        elif action.kind == "arrive":
            a = plan.outcomes[action.ticket or ""].arrival
            ticket = visits.issue_ticket(c, queue=QUEUES[a.queue][0], purposes=[PURPOSES[a.purpose]],
                                         priority=a.priority)
            ids[a.ticket] = ticket.id
            results.append(ticket)
        elif action.kind == "start":
            called = visits.call_next(c, int(action.window or 0))
            results += [called, visits.start_service(c, called.id)]
        else:  # complete
            visit_id = ids[action.ticket or ""]
            results.append(visits.complete_service(c, visit_id, procedures=list(visits.get_visit(visit_id).purposes)))
    closing = max((p.close for p in window_rows), default=None)
    if closing is not None and closing <= now:  # a past day: those never called are sent home
        for ticket, outcome in plan.outcomes.items():
            if outcome.start is None and ticket in ids:
                results.append(visits.cancel(ctx(STAFF, closing), ids[ticket], "閉庁のため受付終了"))
    return len(ids), results

