"""The day's line of a counter queue (待ち行列).

:class:`QueueLine` is one queue's line on one day (Japan time). It dispenses
ticket numbers (1, 2, 3, … — strictly increasing, each once) and knows who is
waiting, so calling the next visitor loads one aggregate. Its id is
``uuid5(queue, day)``: two kiosks issuing at once, or two windows calling at
once, change the same aggregate and one of them gets a ``Conflict`` (retried
by the application service).

Service order in a line (:func:`service_key`, the one place of the rule): priority
visitors first, then reserved visitors checked in within their slot
(``domain.counter.reservations``), then by arrival (the time the ticket was issued; a
transferred visit keeps its original arrival).
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID, uuid5

from domain.counter.visits import Visit, instant
from domain.shared.context import CommandContext
from domain.shared.events import Created, Event, RecordedAggregate

_NAMESPACE = UUID("c4e7f0a2-5b3d-4a1e-8f6c-9d2b7e1a0c35")


def line_id(queue: str, day: date | str) -> UUID:
    """Deterministic id of a queue's line on a day (Japan time)."""
    day_iso = day.isoformat() if isinstance(day, date) else day
    return uuid5(_NAMESPACE, f"line:{queue}:{day_iso}")


def service_key(
    priority: bool, queued_at: str, number: int, visit_id: str, in_slot: bool = False
) -> tuple[Any, ...]:
    """Service order: priority visitors first, then reservations checked in within
    their slot, then by arrival (issue time). The line and the board both use it."""
    return (0 if priority else 1, 0 if in_slot else 1, queued_at, number, visit_id)


class QueueLineOpened(Created):
    queue: str
    day: str

    def apply(self, aggregate: QueueLine) -> None:
        aggregate.queue = self.queue
        aggregate.day = self.day
        aggregate.last_number = 0
        aggregate.waiting = {}


class TicketDispensed(Event):
    """Takes the line's next number for a new visit, which starts waiting."""

    number: int
    visit_id: str
    priority: bool
    queued_at: str  # ISO, UTC: the arrival that orders the line
    in_slot: bool = False  # a reservation checked in within its slot

    def apply(self, aggregate: QueueLine) -> None:
        aggregate.last_number = self.number
        aggregate.waiting[self.visit_id] = (self.priority, self.queued_at, self.number,
                                            self.in_slot)


class VisitJoinedLine(Event):
    """A visit transferred in from another queue starts waiting here."""

    visit_id: str
    priority: bool
    queued_at: str
    number: int

    def apply(self, aggregate: QueueLine) -> None:
        aggregate.waiting[self.visit_id] = (self.priority, self.queued_at, self.number, False)


class VisitLeftLine(Event):
    """A waiting visit stops waiting: called, transferred away or cancelled."""

    visit_id: str
    why: str  # called | transferred | cancelled

    def apply(self, aggregate: QueueLine) -> None:
        aggregate.waiting.pop(self.visit_id, None)


class QueueLine(RecordedAggregate):
    queue: str
    day: str
    last_number: int
    waiting: dict[str, tuple[bool, str, int, bool]]  # priority, queued_at, number, in_slot

    def __init__(self) -> None:
        """State comes from the events' ``apply`` methods."""

    @classmethod
    def open_for(cls, ctx: CommandContext, queue: str, day: str) -> QueueLine:
        return cls.start(ctx, QueueLineOpened, id=line_id(queue, day), queue=queue, day=day)

    def dispense(
        self, ctx: CommandContext, visit_id: UUID, priority: bool, in_slot: bool = False
    ) -> int:
        number = self.last_number + 1
        self.record(ctx, TicketDispensed, number=number, visit_id=str(visit_id),
                    priority=bool(priority), queued_at=instant(ctx.occurred_at),
                    in_slot=bool(in_slot))
        return number

    def join(self, ctx: CommandContext, visit: Visit) -> None:
        self.record(ctx, VisitJoinedLine, visit_id=str(visit.id), priority=visit.priority,
                    queued_at=instant(visit.issued_at), number=visit.number)

    def leave(self, ctx: CommandContext, visit_id: UUID, why: str) -> None:
        if str(visit_id) in self.waiting:
            self.record(ctx, VisitLeftLine, visit_id=str(visit_id), why=why)

    def next_waiting(self) -> tuple[tuple[Any, ...], str] | None:
        """The service key and id of the visit to call next, or None."""
        if not self.waiting:
            return None
        return min(
            (service_key(p, at, n, vid, s), vid) for vid, (p, at, n, s) in self.waiting.items()
        )
