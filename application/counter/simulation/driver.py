"""Drives the real commands through a schedule (application/counter/simulation/rules.py):
every arrival is an ``issueTicket`` at its simulated time, every start a
``callNext`` + ``startService``, every completion a ``completeService``; the
windows are opened and closed as planned, and their plan is published first.
Right after each issue the projections catch up and the prediction they hold
for the new ticket is recorded."""

from __future__ import annotations

import csv
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from application.catalogue.service import CatalogueService
from application.counter.simulation.metrics import Row
from application.counter.simulation.rules import Schedule, window_order
from application.counter.visits import VisitService
from domain.shared.context import Actor, CommandContext

DEPARTMENT = "sim"
ADMIN = Actor("admin:simulation", "admin")
STAFF = Actor("staff:simulation", "staff", DEPARTMENT)
KIOSK = Actor.anonymous()
PREDICTION_HEADER = ["ticket", "predicted_minutes", "low_minutes", "high_minutes", "actual_minutes"]


class SimulationMismatch(AssertionError):
    """The real commands did something the service rule did not."""


@dataclass(frozen=True)
class Predicted:
    minutes: float
    low: float
    high: float


def _code(prefix: str, name: str, taken: dict[str, str]) -> str:
    slug = re.sub(r"[^a-z0-9-]+", "-", name.lower()).strip("-")[:24]
    code = f"{prefix}-{slug}" if slug else f"{prefix}-{len(taken) + 1}"
    return code if code not in taken.values() else f"{code}-{len(taken) + 1}"


def _procedure(code: str, name: str) -> dict:
    return {"code": code, "name_ja": f"用件 {name}"[:100], "name_en": f"Purpose {name}"[:100],
            "department": DEPARTMENT, "channels": ["counter"], "assurance": "none", "fee_yen": 0,
            "processing_days": 0, "fields": [{"key": "note", "label_ja": "備考", "label_en": "Note",
                                              "type": "text", "constraints": {"max_length": 10}}]}


def drive(
    plan: Schedule,
    visits: VisitService,
    catalogue: CatalogueService,
    set_time: Callable[[datetime], None],
    catch_up: Callable[[], None],
    prediction: Callable[[str], Predicted | None],
) -> list[Row]:
    def ctx(at: datetime, actor: Actor) -> CommandContext:
        set_time(at)
        return CommandContext(actor, at, correlation_id=uuid.uuid4().hex)

    start = min((a.at for a in plan.actions), default=None)
    if start is None:
        return []
    queues: dict[str, str] = {}
    purposes: dict[str, str] = {}
    for o in plan.outcomes.values():
        queues.setdefault(o.arrival.queue, "")
        purposes.setdefault(o.arrival.purpose, "")
    for q in plan.window_queue.values():
        queues.setdefault(q, "")
    if len(queues) > 26:
        raise ValueError("at most 26 queues (one ticket letter each)")
    catalogue.establish_department(ctx(start, ADMIN), code=DEPARTMENT, name_ja="シミュレーション課",
                                   name_en="Simulation Division")
    for name in purposes:
        purposes[name] = code = _code("p", name or "none", purposes)
        catalogue.define_procedure(ctx(start, STAFF), **_procedure(code, name))
    for i, name in enumerate(queues):
        queues[name] = code = _code("q", name, queues)
        visits.define_queue(ctx(start, ADMIN), code=code, department=DEPARTMENT, name_ja=f"待ち行列 {name}"[:100],
                            name_en=f"Queue {name}"[:100], prefix=chr(ord("A") + i))
    numbers: dict[str, int] = {}
    for w in sorted(plan.window_queue, key=window_order):
        numbers[w] = int(w) if w.isdigit() and 1 <= int(w) <= 999 and int(w) not in numbers.values() \
            else max([0, *numbers.values()]) + 1
        visits.define_window(ctx(start, ADMIN), number=numbers[w], name_ja=f"{w}番窓口",
                             queues=[queues[plan.window_queue[w]]])
        visits.publish_window_schedule(ctx(start, ADMIN), numbers[w], plan.periods[w])

    visit_ids: dict[str, str] = {}
    predicted: dict[str, Predicted | None] = {}
    for action in plan.actions:
        at = action.at
        if action.kind == "open":
            visits.open_window(ctx(at, STAFF), numbers[action.window])
        elif action.kind == "close":
            visits.close_window(ctx(at, STAFF), numbers[action.window])
        elif action.kind == "complete":
            visits.complete_service(ctx(at, STAFF), visit_ids[action.ticket])
        elif action.kind == "arrive":
            a = plan.outcomes[action.ticket].arrival
            issued = visits.issue_ticket(ctx(at, KIOSK), queue=queues[a.queue],
                                         purposes=[purposes[a.purpose]], priority=a.priority)
            visit_ids[a.ticket] = issued.id
            catch_up()
            predicted[a.ticket] = prediction(issued.id)
        else:  # start: the window calls the next visitor, who is served at once
            called = visits.call_next(ctx(at, STAFF), numbers[action.window])
            if called.id != visit_ids[action.ticket]:
                raise SimulationMismatch(f"window {action.window} called {called.ticket} at {at},"
                                         f" the rule says {action.ticket}")
            visits.start_service(ctx(at, STAFF), called.id)
    catch_up()
    rows = []
    for ticket, o in plan.outcomes.items():
        p = predicted.get(ticket)
        rows.append(Row(ticket, p.minutes if p else 0.0, p.low if p else 0.0, p.high if p else 0.0,
                        o.actual_minutes, o.ql, o.les))
    return rows


def write_predictions(path: Path, rows: list[Row]) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(PREDICTION_HEADER)
        for r in rows:
            out.writerow([r.ticket, f"{r.predicted:.2f}", f"{r.low:.2f}", f"{r.high:.2f}",
                          "" if r.actual is None else f"{r.actual:.2f}"])
