"""Reservations (来庁予約): the bookable time slots of a queue on a day, and one
visitor's reservation of a seat in a slot.

- :class:`ReservationDay` is one queue's slot schedule on one day (Japan time):
  the slots staff publish (start, end, capacity) and who holds a seat in each.
  Its id is ``uuid5(queue, day)``, so every booking of that day changes the same
  aggregate: two visitors booking the last seat at once both load version *n*,
  one stores first and the other gets a ``Conflict`` (retried by the service,
  which then sees the slot full). A booking stores the day's ``SeatBooked`` and
  the new reservation's ``ReservationMade`` in ONE atomic store.
- :class:`Reservation` is one visitor's booking: made, then cancelled or checked
  in at the kiosk (which links it to the visit's ticket).

Check-in policy: a reservation checked in from ``CHECK_IN_EARLY`` (15 min)
before its slot starts until the slot ends is *in slot*: its ticket is served
ahead of walk-ins (after priority-flag tickets; see ``domain.counter.visits.service_key``).
Checked in at any other time, it is served as a walk-in (by arrival).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any
from uuid import UUID, uuid5

from domain.counter.visits import MAX_PURPOSES, instant
from domain.privacy.individual_number import citizen_subject, individual_number_errors
from domain.shared.context import CITY_TIMEZONE, CommandContext
from domain.shared.errors import DomainError, FieldError, InvalidTransition, NotFound, ValidationFailed
from domain.shared.events import Created, Event, RecordedAggregate
from domain.shared.personal import PersonalData

_NAMESPACE = UUID("8b1f6c3e-2d4a-4e5b-9a7c-1f0e3d2c4b6a")
CHECK_IN_EARLY = timedelta(minutes=15)  # a reserved visitor may check in this early
MAX_SLOTS_PER_DAY = 48
MAX_CAPACITY = 100
MAX_NAME_LENGTH = 100


# -- errors ---------------------------------------------------------------------------
class SlotFull(DomainError):
    code = "SLOT_FULL"


class SlotNotFound(NotFound):
    code = "SLOT_NOT_FOUND"


class SlotPast(DomainError):
    code = "SLOT_PAST"


class ReservationNotFound(NotFound):
    code = "RESERVATION_NOT_FOUND"


def slot_not_found(queue: str, start: str) -> SlotNotFound:
    return SlotNotFound(f"queue {queue} has no reservation slot at {start}",
                        message_ja="指定された予約枠はありません")


# -- ids and the check-in window ------------------------------------------------------
def reservation_day_id(queue: str, day: date | str) -> UUID:
    day_iso = day.isoformat() if isinstance(day, date) else day
    return uuid5(_NAMESPACE, f"reservation-day:{queue}:{day_iso}")


def city_day(moment: datetime) -> str:
    return moment.astimezone(CITY_TIMEZONE).date().isoformat()


def in_check_in_window(slot_start: datetime, slot_end: datetime, at: datetime) -> bool:
    """Whether a visitor checking in at ``at`` is served as reserved (in slot)."""
    return slot_start - CHECK_IN_EARLY <= at <= slot_end


class ReservationStatus(StrEnum):
    BOOKED = "booked"
    CANCELLED = "cancelled"
    CHECKED_IN = "checked_in"

    @property
    def label_ja(self) -> str:
        return RESERVATION_STATUS_LABELS[self][0]

    @property
    def label_en(self) -> str:
        return RESERVATION_STATUS_LABELS[self][1]


RESERVATION_STATUS_LABELS = {
    ReservationStatus.BOOKED: ("予約済み", "Booked"),
    ReservationStatus.CANCELLED: ("取消", "Cancelled"),
    ReservationStatus.CHECKED_IN: ("来庁受付済み", "Checked in"),
}


# how a reservation was made (English identifier -> Japanese, English names)
SOURCE_LABELS = {
    "online": ("オンライン予約", "Online"),
    "counter": ("窓口・電話で予約", "At the counter or by phone"),
    "moving_service": ("引越し手続オンラインサービス", "National moving service"),
}


# -- the day's slot schedule of a queue -----------------------------------------------
class ReservationDayOpened(Created):
    queue: str
    department: str
    day: str

    def apply(self, aggregate: ReservationDay) -> None:
        aggregate.queue = self.queue
        aggregate.department = self.department
        aggregate.day = self.day
        aggregate.slots = {}
        aggregate.seats = {}


class ReservationSlotsPublished(Event):
    """The day's slots (replacing any published before): start/end UTC instants, capacity."""

    queue: str
    day: str
    slots: list[dict[str, Any]]

    def apply(self, aggregate: ReservationDay) -> None:
        aggregate.slots = {s["start"]: dict(s) for s in self.slots}
        for start in aggregate.slots:
            aggregate.seats.setdefault(start, [])


class SeatBooked(Event):
    slot: str  # the slot's start instant
    reservation_id: str

    def apply(self, aggregate: ReservationDay) -> None:
        aggregate.seats.setdefault(self.slot, []).append(self.reservation_id)


class SeatReleased(Event):
    slot: str
    reservation_id: str

    def apply(self, aggregate: ReservationDay) -> None:
        if self.reservation_id in aggregate.seats.get(self.slot, []):
            aggregate.seats[self.slot].remove(self.reservation_id)


def _slot_errors(
    day: str, slots: list[tuple[datetime, datetime, int]], seats: dict[str, list[str]]
) -> list[FieldError]:
    errors: list[FieldError] = []
    if len(slots) > MAX_SLOTS_PER_DAY:
        return [FieldError("slots", "max_items", f"at most {MAX_SLOTS_PER_DAY} slots a day",
                           f"予約枠は1日{MAX_SLOTS_PER_DAY}件までです", {"max_items": MAX_SLOTS_PER_DAY})]
    previous_end: datetime | None = None
    for i, (start, end, capacity) in enumerate(sorted(slots, key=lambda s: s[0])):
        path = f"slots[{i}]"
        if start.tzinfo is None or end.tzinfo is None:
            errors.append(FieldError(f"{path}.start", "timezone", "times need a UTC offset",
                                     "時刻にはタイムゾーンを指定してください"))
            continue
        if city_day(start) != day or city_day(end - timedelta(microseconds=1)) != day:
            errors.append(FieldError(f"{path}.start", "same_day", f"the slot must lie within {day}",
                                     f"予約枠は{day}の中に収めてください", {"day": day}))
        if end <= start:
            errors.append(FieldError(f"{path}.end", "after_start", "a slot ends after it starts",
                                     "終了時刻は開始時刻より後にしてください"))
        if previous_end is not None and start < previous_end:
            errors.append(FieldError(f"{path}.start", "overlap", "slots must not overlap",
                                     "予約枠が重なっています"))
        if not isinstance(capacity, int) or not 1 <= capacity <= MAX_CAPACITY:
            errors.append(FieldError(f"{path}.capacity", "range", f"capacity is 1-{MAX_CAPACITY}",
                                     f"定員は1〜{MAX_CAPACITY}人です", {"min": 1, "max": MAX_CAPACITY}))
        elif capacity < len(seats.get(instant(start), [])):
            booked = len(seats[instant(start)])
            errors.append(FieldError(f"{path}.capacity", "below_booked",
                                     f"{booked} seats are already booked",
                                     f"既に{booked}人の予約があります", {"booked": booked}))
        previous_end = end
    kept = {instant(s) for s, _, _ in slots}
    for start, holders in seats.items():
        if holders and start not in kept:
            errors.append(FieldError("slots", "booked_slot_removed",
                                     f"the slot at {start} has bookings and cannot be removed",
                                     "予約がある枠は削除できません", {"start": start}))
    return errors


class ReservationDay(RecordedAggregate):
    queue: str
    department: str
    day: str
    slots: dict[str, dict[str, Any]]  # start instant -> {start, end, capacity}
    seats: dict[str, list[str]]  # start instant -> reservation ids holding a seat

    def __init__(self) -> None:
        """State comes from the events' ``apply`` methods."""

    @classmethod
    def open_for(cls, ctx: CommandContext, queue: str, department: str, day: str) -> ReservationDay:
        return cls.start(ctx, ReservationDayOpened, id=reservation_day_id(queue, day),
                         queue=queue, department=department, day=day)

    def publish(self, ctx: CommandContext, slots: list[tuple[datetime, datetime, int]]) -> None:
        if date.fromisoformat(self.day) < ctx.today:
            raise SlotPast(f"{self.day} is past", message_ja="過去の日の予約枠は公開できません")
        if errors := _slot_errors(self.day, slots, self.seats):
            raise ValidationFailed(errors)
        ordered = sorted(slots, key=lambda s: s[0])
        self.record(ctx, ReservationSlotsPublished, queue=self.queue, day=self.day, slots=[
            {"start": instant(s), "end": instant(e), "capacity": c} for s, e, c in ordered
        ])

    def remaining(self, start: str) -> int:
        return self.slots[start]["capacity"] - len(self.seats.get(start, []))

    def book(self, ctx: CommandContext, start: datetime, reservation_id: UUID) -> dict[str, Any]:
        """Take a seat in the slot starting at ``start``; the slot's definition."""
        key = instant(start)
        if key not in self.slots:
            raise slot_not_found(self.queue, key)
        slot = self.slots[key]
        if datetime.fromisoformat(slot["start"]) <= ctx.occurred_at:
            raise SlotPast("the slot has already started", message_ja="この予約枠は受付を終了しました")
        if self.remaining(key) <= 0:
            raise SlotFull("the slot is full", message_ja="この予約枠は満員です")
        self.record(ctx, SeatBooked, slot=key, reservation_id=str(reservation_id))
        return slot

    def release(self, ctx: CommandContext, start: str, reservation_id: UUID) -> None:
        if str(reservation_id) in self.seats.get(start, []):
            self.record(ctx, SeatReleased, slot=start, reservation_id=str(reservation_id))

    def first_available(self, after: datetime) -> datetime | None:
        """The start of the first slot starting at or after ``after`` with a free seat."""
        for key in sorted(self.slots):
            if datetime.fromisoformat(key) >= after and self.remaining(key) > 0:
                return datetime.fromisoformat(key)
        return None


# -- one reservation --------------------------------------------------------------------
class ReservationMade(Created):
    queue: str
    department: str
    day: str
    slot_start: str
    slot_end: str
    purposes: list[str]
    holder_subject: str | None  # the signed-in citizen, if any
    holder_name: PersonalData | None
    holder_contact: PersonalData | None
    application_id: str | None
    source: str  # online | counter | moving_service

    def apply(self, aggregate: Reservation) -> None:
        for name in ("queue", "department", "day", "slot_start", "slot_end", "holder_subject",
                     "holder_name", "holder_contact", "application_id", "source"):
            setattr(aggregate, name, getattr(self, name))
        aggregate.purposes = list(self.purposes)
        aggregate.status = ReservationStatus.BOOKED
        aggregate.visit_id = None
        aggregate.ticket = None
        aggregate.in_slot = False


class ReservationCancelled(Event):
    reason: str

    def apply(self, aggregate: Reservation) -> None:
        aggregate.status = ReservationStatus.CANCELLED


class ReservationCheckedIn(Event):
    visit_id: str
    ticket: str
    in_slot: bool  # checked in within the slot's window: served ahead of walk-ins

    def apply(self, aggregate: Reservation) -> None:
        aggregate.status = ReservationStatus.CHECKED_IN
        aggregate.visit_id = self.visit_id
        aggregate.ticket = self.ticket
        aggregate.in_slot = self.in_slot


def _holder_errors(holder_subject: str | None, name: str | None, contact: str | None) -> list[FieldError]:
    errors: list[FieldError] = []
    if holder_subject is None and not (isinstance(name, str) and name.strip()):
        errors.append(FieldError("holderName", "required", "the name of the visitor is required",
                                 "来庁者の氏名を入力してください"))
    for path, value in (("holderName", name), ("holderContact", contact)):
        if isinstance(value, str):
            if len(value) > MAX_NAME_LENGTH:
                errors.append(FieldError(path, "max_length", f"at most {MAX_NAME_LENGTH} characters",
                                         f"{MAX_NAME_LENGTH}文字以内で入力してください",
                                         {"max_length": MAX_NAME_LENGTH}))
            errors += individual_number_errors(value, path)
    return errors


class Reservation(RecordedAggregate):
    queue: str
    department: str
    day: str
    slot_start: str
    slot_end: str
    purposes: list[str]
    holder_subject: str | None
    holder_name: PersonalData | None
    holder_contact: PersonalData | None
    application_id: str | None
    source: str
    status: ReservationStatus
    visit_id: str | None
    ticket: str | None
    in_slot: bool

    def __init__(self) -> None:
        """State comes from the events' ``apply`` methods."""

    @classmethod
    def make(
        cls, ctx: CommandContext, *, id: UUID, day: ReservationDay, start: datetime,
        purposes: list[str], holder_subject: str | None, holder_name: str | None = None,
        holder_contact: str | None = None, application_id: str | None = None,
        source: str = "online", data_subject: str | None = None,
    ) -> Reservation:
        """Book a seat in ``day``'s slot at ``start`` (``day`` records ``SeatBooked``:
        store both together). ``data_subject`` keys the holder's personal data
        (``application:<id>`` when it comes with an application)."""
        errors = _holder_errors(holder_subject, holder_name, holder_contact)
        if len(purposes) > MAX_PURPOSES or len(set(purposes)) != len(purposes):
            errors.append(FieldError("purposes", "max_items", f"at most {MAX_PURPOSES} distinct purposes",
                                     f"用件は重複なく{MAX_PURPOSES}件までです", {"max_items": MAX_PURPOSES}))
        if errors:
            raise ValidationFailed(errors)
        slot = day.book(ctx, start, id)
        subject = data_subject or f"reservation:{id}"
        owner = citizen_subject(holder_subject) if holder_subject else None

        def sealed(value: str | None) -> PersonalData | None:
            return PersonalData(subject, value.strip(), owner=owner) if value and value.strip() else None

        return cls.start(
            ctx, ReservationMade, id=id, queue=day.queue, department=day.department, day=day.day,
            slot_start=slot["start"], slot_end=slot["end"], purposes=list(purposes),
            holder_subject=holder_subject, holder_name=sealed(holder_name),
            holder_contact=sealed(holder_contact), application_id=application_id, source=source,
        )

    def cancel(self, ctx: CommandContext, day: ReservationDay, reason: str = "") -> None:
        if self.status is not ReservationStatus.BOOKED:
            raise InvalidTransition(f"a {self.status.value} reservation cannot be cancelled",
                                    message_ja=f"「{self.status.label_ja}」の予約は取り消せません")
        day.release(ctx, self.slot_start, self.id)
        self.record(ctx, ReservationCancelled, reason=(reason or "").strip()[:500])

    def in_slot_at(self, at: datetime) -> bool:
        return in_check_in_window(datetime.fromisoformat(self.slot_start),
                                  datetime.fromisoformat(self.slot_end), at)

    def check_in(self, ctx: CommandContext, *, queue: str, visit_id: UUID, ticket: str) -> None:
        if self.status is not ReservationStatus.BOOKED:
            raise InvalidTransition(f"a {self.status.value} reservation cannot be checked in",
                                    message_ja=f"「{self.status.label_ja}」の予約では受付できません")
        if queue != self.queue:
            raise ValidationFailed.single("reservationId", "queue", f"the reservation is for {self.queue}",
                                          "この予約は別の窓口の予約です")
        self.record(ctx, ReservationCheckedIn, visit_id=str(visit_id), ticket=ticket,
                    in_slot=self.in_slot_at(ctx.occurred_at))
