"""Commands on reservations (来庁予約): publishing a queue's slots for a day,
booking and cancelling a seat, and checking in at the kiosk.

The seats of a (queue, day) live in one ``ReservationDay`` aggregate; a booking
stores the day's ``SeatBooked`` with the new reservation's ``ReservationMade``
atomically. Two bookings of the last seat at once: one gets ``Conflict``, is
retried here, and then fails with ``SLOT_FULL`` (the same bounded retry as ticket
numbers in ``application/counter/visits.py``).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date, datetime
from uuid import UUID, uuid4

from application.catalogue.service import CatalogueService
from application.shared.access import authorize
from application.shared.eventlog import CityLog
from application.shared.results import CommandResult
from application.shared.retry import retrying
from domain.counter.queues import Queue, queue_id
from domain.counter.reservations import (
    Reservation,
    ReservationDay,
    ReservationNotFound,
    city_day,
    reservation_day_id,
    slot_not_found,
)
from domain.shared.context import CommandContext
from domain.shared.errors import NotFound, ValidationFailed
from domain.shared.events import RecordedAggregate


def load_reservation(log: CityLog, reservation_id: str) -> Reservation:
    try:
        return log.load(Reservation, UUID(str(reservation_id)), "reservation")
    except (ValueError, NotFound):
        raise ReservationNotFound("reservation not found", message_ja="予約が見つかりません") from None


class ReservationService:
    def __init__(
        self, log: CityLog, catalogue: CatalogueService, *,
        new_id: Callable[[], UUID] = uuid4, sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.log = log
        self.catalogue = catalogue
        self.new_id = new_id
        self.sleep = sleep

    def _queue(self, code: str) -> Queue:
        try:
            return self.log.load(Queue, queue_id(code), f"queue {code}")
        except NotFound:
            raise ValidationFailed.single("queue", "exists", f"no queue {code}",
                                          "指定された待ち行列は存在しません") from None

    def day_of(self, queue: str, day: str) -> ReservationDay | None:
        try:
            return self.log.load(ReservationDay, reservation_day_id(queue, day), "reservation day")
        except NotFound:
            return None

    def publish_slots(
        self, ctx: CommandContext, *, queue: str, day: date,
        slots: list[tuple[datetime, datetime, int]],
    ) -> CommandResult:
        """Staff of the queue's department publish (replace) the day's slots."""
        authorize(ctx.actor, "publishReservationSlots")
        the_queue = self._queue(queue)
        authorize(ctx.actor, "publishReservationSlots", department=the_queue.department)

        def attempt() -> CommandResult:
            schedule = self.day_of(queue, day.isoformat()) or ReservationDay.open_for(
                ctx, queue, the_queue.department, day.isoformat())
            schedule.publish(ctx, slots)
            return CommandResult(str(schedule.id), self.log.store(schedule))

        return retrying(attempt, self.sleep)

    def book(
        self, ctx: CommandContext, *, id: UUID, queue: str, start: datetime, purposes: list[str],
        holder_subject: str | None, holder_name: str | None = None,
        holder_contact: str | None = None, application_id: str | None = None,
        source: str = "online", data_subject: str | None = None,
        also: tuple[RecordedAggregate, ...] = (),
    ) -> CommandResult:
        """Book a seat (with retry); ``also`` are aggregates stored in the same
        atomic write (the moving-service import's application)."""
        day = city_day(start)

        def attempt() -> CommandResult:
            schedule = self.day_of(queue, day)
            if schedule is None:
                raise slot_not_found(queue, start.isoformat())
            reservation = Reservation.make(
                ctx, id=id, day=schedule, start=start, purposes=purposes,
                holder_subject=holder_subject, holder_name=holder_name,
                holder_contact=holder_contact, application_id=application_id, source=source,
                data_subject=data_subject,
            )
            return CommandResult(str(id), self.log.store(schedule, reservation, *also))

        return retrying(attempt, self.sleep)

    def make(
        self, ctx: CommandContext, *, queue: str, start: datetime, purposes: list[str] | None = None,
        holder_name: str | None = None, holder_contact: str | None = None,
        application_id: str | None = None,
    ) -> CommandResult:
        """A citizen (online), an anonymous visitor or staff (by phone, at reception)."""
        authorize(ctx.actor, "makeReservation")
        the_queue = self._queue(queue)
        authorize(ctx.actor, "makeReservation", department=the_queue.department)
        purposes = list(purposes or [])
        for i, code in enumerate(purposes):
            try:
                self.catalogue.get_procedure(code)
            except NotFound:
                raise ValidationFailed.single(f"purposes[{i}]", "exists", f"no procedure {code}",
                                              "指定された手続きは存在しません") from None
        holder = ctx.actor.subject if ctx.actor.role == "citizen" else None
        source = "counter" if ctx.actor.is_staff else "online"
        return self.book(ctx, id=self.new_id(), queue=queue, start=start, purposes=purposes,
                         holder_subject=holder, holder_name=holder_name,
                         holder_contact=holder_contact, application_id=application_id,
                         source=source)

    def cancel(self, ctx: CommandContext, reservation_id: str, reason: str = "") -> CommandResult:
        """The citizen who holds it, or staff of the queue's department."""
        authorize(ctx.actor, "cancelReservation")

        def attempt() -> CommandResult:
            reservation = self.get(reservation_id)
            authorize(ctx.actor, "cancelReservation", department=reservation.department,
                      owner=reservation.holder_subject)
            schedule = self.day_of(reservation.queue, reservation.day)
            if schedule is None:  # pragma: no cover - a reservation always has its day
                raise slot_not_found(reservation.queue, reservation.slot_start)
            reservation.cancel(ctx, schedule, reason)
            return CommandResult(str(reservation.id), self.log.store(schedule, reservation))

        return retrying(attempt, self.sleep)

    def get(self, reservation_id: str) -> Reservation:
        return load_reservation(self.log, reservation_id)
