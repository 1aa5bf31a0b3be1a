"""Counter visits (来庁): the numbered ticket a visitor takes, and the day's line
of each queue.

- :class:`Visit` is one visitor's visit: issued a ticket in a queue, called to a
  window (and recalled), served, completed — or a no-show, cancelled, or
  transferred to another department's queue (one-stop: the same visit and its
  history move on).
- :class:`QueueLine` is one queue's line on one day (Japan time). It dispenses
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

import re
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any
from uuid import UUID, uuid5

from domain.privacy.individual_number import individual_number_errors
from domain.shared.context import CommandContext
from domain.shared.errors import FieldError, InvalidTransition, ValidationFailed
from domain.shared.events import Created, Event, RecordedAggregate

_NAMESPACE = UUID("c4e7f0a2-5b3d-4a1e-8f6c-9d2b7e1a0c35")
ARRIVALS = ("walk_in", "reservation")
ARRIVAL_LABELS = {"walk_in": ("予約なし", "Walk-in"), "reservation": ("予約", "Reservation")}
MAX_PURPOSES = 10
MAX_REASON_LENGTH = 500


# -- ticket numbers -----------------------------------------------------------------
_TICKET = re.compile(r"^([A-Z])-(\d{3,})$")


def instant(moment: datetime) -> str:
    """A fixed-width UTC ISO instant, so stored arrivals sort as text."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def ticket_number(prefix: str, number: int) -> str:
    """The printed ticket: the queue's prefix and the day's number, at least three
    digits (``A-001`` … ``A-999``, then ``A-1000``)."""
    if not (len(prefix) == 1 and "A" <= prefix <= "Z"):
        raise ValueError(f"bad ticket prefix {prefix!r}")
    if number < 1:
        raise ValueError("ticket numbers start at 1")
    return f"{prefix}-{number:03d}"


def parse_ticket(ticket: str) -> tuple[str, int]:
    match = _TICKET.match(ticket)
    if not match:
        raise ValueError(f"not a ticket number: {ticket!r}")
    return match.group(1), int(match.group(2))


# -- statuses -----------------------------------------------------------------------
class VisitStatus(StrEnum):
    WAITING = "waiting"
    CALLED = "called"
    SERVING = "serving"
    COMPLETED = "completed"
    NO_SHOW = "no_show"
    CANCELLED = "cancelled"
    TRANSFERRED = "transferred"  # waiting in another department's queue after a transfer

    @property
    def label_ja(self) -> str:
        return VISIT_STATUS_LABELS[self][0]

    @property
    def label_en(self) -> str:
        return VISIT_STATUS_LABELS[self][1]

    @property
    def is_waiting(self) -> bool:
        return self in (VisitStatus.WAITING, VisitStatus.TRANSFERRED)

    @property
    def is_final(self) -> bool:
        return not VISIT_TRANSITIONS[self]


VISIT_STATUS_LABELS: dict[VisitStatus, tuple[str, str]] = {
    VisitStatus.WAITING: ("待ち", "Waiting"),
    VisitStatus.CALLED: ("呼出中", "Called"),
    VisitStatus.SERVING: ("対応中", "Being served"),
    VisitStatus.COMPLETED: ("完了", "Completed"),
    VisitStatus.NO_SHOW: ("不在", "No-show"),
    VisitStatus.CANCELLED: ("取消", "Cancelled"),
    VisitStatus.TRANSFERRED: ("転送", "Transferred"),
}

_W, _C, _S = VisitStatus.WAITING, VisitStatus.CALLED, VisitStatus.SERVING
_T = VisitStatus.TRANSFERRED
# status -> statuses reachable in one step (a recall stays 呼出中)
VISIT_TRANSITIONS: dict[VisitStatus, frozenset[VisitStatus]] = {
    _W: frozenset({_C, _T, VisitStatus.CANCELLED}),
    _T: frozenset({_C, _T, VisitStatus.CANCELLED}),
    _C: frozenset({_C, _S, _T, VisitStatus.NO_SHOW, VisitStatus.CANCELLED}),
    _S: frozenset({VisitStatus.COMPLETED, _T}),
    VisitStatus.COMPLETED: frozenset(),
    VisitStatus.NO_SHOW: frozenset(),
    VisitStatus.CANCELLED: frozenset(),
}

# the status each visit event leads to (event class name -> status)
VISIT_STATUS_AFTER_EVENT: dict[str, VisitStatus] = {
    "TicketIssued": _W,
    "TicketCalled": _C,
    "TicketRecalled": _C,
    "TicketNoShow": VisitStatus.NO_SHOW,
    "ServiceStarted": _S,
    "ServiceCompleted": VisitStatus.COMPLETED,
    "VisitTransferred": _T,
    "VisitCancelled": VisitStatus.CANCELLED,
}


def _reason_errors(reason: object) -> list[FieldError]:
    if isinstance(reason, str) and len(reason) <= MAX_REASON_LENGTH:
        return individual_number_errors(reason, "reason")
    return [FieldError("reason", "max_length", f"at most {MAX_REASON_LENGTH} characters",
                       f"理由は{MAX_REASON_LENGTH}文字以内で入力してください",
                       {"max_length": MAX_REASON_LENGTH})]


# -- the visit ----------------------------------------------------------------------
class TicketIssued(Created):
    queue: str
    department: str
    day: str  # the city's date (Japan time), ISO
    number: int
    ticket: str
    purposes: list[str]  # procedure codes
    priority: bool
    arrival: str  # walk_in | reservation
    reservation_id: str | None
    application_id: str | None  # a linked pre-application (事前申請)
    holder_subject: str | None  # the citizen who took it, when signed in
    in_slot: bool = False  # a reservation checked in within its slot: ahead of walk-ins

    def apply(self, aggregate: Visit) -> None:
        aggregate.queue = self.queue
        aggregate.department = self.department
        aggregate.day = self.day
        aggregate.line_day = self.day
        aggregate.number = self.number
        aggregate.ticket = self.ticket
        aggregate.purposes = list(self.purposes)
        aggregate.priority = self.priority
        aggregate.arrival = self.arrival
        aggregate.reservation_id = self.reservation_id
        aggregate.application_id = self.application_id
        aggregate.holder_subject = self.holder_subject
        aggregate.in_slot = self.in_slot
        aggregate.issued_at = self.timestamp
        aggregate.status = VisitStatus.WAITING
        aggregate.window = None
        aggregate.recalls = 0
        aggregate.queues = [self.queue]


class TicketCalled(Event):
    window: int

    def apply(self, aggregate: Visit) -> None:
        aggregate.status = VisitStatus.CALLED
        aggregate.window = self.window
        aggregate.recalls = 0


class TicketRecalled(Event):
    window: int
    recalls: int  # how many recalls so far, this one included

    def apply(self, aggregate: Visit) -> None:
        aggregate.recalls = self.recalls


class TicketNoShow(Event):
    window: int
    recalls: int

    def apply(self, aggregate: Visit) -> None:
        aggregate.status = VisitStatus.NO_SHOW
        aggregate.window = None


class ServiceStarted(Event):
    window: int

    def apply(self, aggregate: Visit) -> None:
        aggregate.status = VisitStatus.SERVING


class ServiceCompleted(Event):
    window: int
    procedures: list[str]  # procedure codes handled
    applications: list[str]  # ids of applications created at the counter

    def apply(self, aggregate: Visit) -> None:
        aggregate.status = VisitStatus.COMPLETED
        aggregate.window = None


class VisitTransferred(Event):
    from_queue: str
    from_department: str
    to_queue: str
    to_department: str
    day: str  # the day of the line it joins
    reason: str

    def apply(self, aggregate: Visit) -> None:
        aggregate.status = VisitStatus.TRANSFERRED
        aggregate.queue = self.to_queue
        aggregate.department = self.to_department
        aggregate.line_day = self.day
        aggregate.window = None
        aggregate.recalls = 0
        aggregate.queues = [*aggregate.queues, self.to_queue]


class VisitCancelled(Event):
    reason: str

    def apply(self, aggregate: Visit) -> None:
        aggregate.status = VisitStatus.CANCELLED
        aggregate.window = None


class Visit(RecordedAggregate):
    queue: str  # the queue it is in now (changes on transfer)
    department: str  # that queue's department
    day: str
    line_day: str  # the day of the line it waits in
    number: int
    ticket: str
    purposes: list[str]
    priority: bool
    arrival: str
    reservation_id: str | None
    application_id: str | None
    holder_subject: str | None
    in_slot: bool
    status: VisitStatus
    window: int | None
    recalls: int
    queues: list[str]  # every queue it has been in, in order

    def __init__(self) -> None:
        """State comes from the events' ``apply`` methods."""

    @classmethod
    def issue(
        cls, ctx: CommandContext, *, id: UUID, queue: str, department: str, prefix: str,
        number: int, purposes: list[str], priority: bool, arrival: str,
        reservation_id: str | None = None, application_id: str | None = None,
        holder_subject: str | None = None, in_slot: bool = False,
    ) -> Visit:
        errors: list[FieldError] = []
        if arrival not in ARRIVALS:
            errors.append(FieldError("arrival", "choice", "walk_in or reservation",
                                     "予約あり・なしのいずれかを指定してください",
                                     {"allowed": list(ARRIVALS)}))
        elif arrival == "reservation" and not reservation_id:
            errors.append(FieldError("reservationId", "required",
                                     "a reservation visit names its reservation",
                                     "予約番号を指定してください"))
        if len(purposes) > MAX_PURPOSES:
            errors.append(FieldError("purposes", "max_items", f"at most {MAX_PURPOSES} purposes",
                                     f"用件は{MAX_PURPOSES}件までです", {"max_items": MAX_PURPOSES}))
        elif len(set(purposes)) != len(purposes):
            errors.append(FieldError("purposes", "duplicate_choice", "purposes must not repeat",
                                     "用件が重複しています"))
        if errors:
            raise ValidationFailed(errors)
        return cls.start(
            ctx, TicketIssued, id=id, queue=queue, department=department,
            day=ctx.today.isoformat(), number=number, ticket=ticket_number(prefix, number),
            purposes=list(purposes), priority=bool(priority), arrival=arrival,
            reservation_id=reservation_id or None,
            application_id=application_id or None, holder_subject=holder_subject,
            in_slot=bool(in_slot),
        )

    # -- lifecycle ---------------------------------------------------------
    def _refuse(self, action: str, action_ja: str) -> InvalidTransition:
        return InvalidTransition(
            f"cannot {action} visit {self.ticket}: it is {self.status.value}",
            message_ja=f"「{self.status.label_ja}」の番号札 {self.ticket} は{action_ja}できません",
        )

    def _check(self, to: VisitStatus, action_ja: str) -> None:
        if to not in VISIT_TRANSITIONS[self.status]:
            raise self._refuse(f"move to {to.value}", action_ja)

    def call(self, ctx: CommandContext, window: int) -> None:
        if not self.status.is_waiting:
            raise self._refuse("call", "呼出")
        self.record(ctx, TicketCalled, window=window)

    def recall(self, ctx: CommandContext, max_recalls: int) -> None:
        if self.status is not VisitStatus.CALLED:
            raise self._refuse("recall", "再呼出")
        if self.recalls >= max_recalls:
            raise InvalidTransition(
                f"visit {self.ticket} has been recalled {self.recalls} times; mark it as a no-show",
                message_ja=f"番号札 {self.ticket} は既に{self.recalls}回再呼出しています。不在にしてください",
            )
        self.record(ctx, TicketRecalled, window=self.window, recalls=self.recalls + 1)

    def mark_no_show(self, ctx: CommandContext, max_recalls: int) -> None:
        self._check(VisitStatus.NO_SHOW, "不在に")
        if self.recalls < max_recalls:
            raise InvalidTransition(
                f"visit {self.ticket} may be marked a no-show after {max_recalls} recalls"
                f" ({self.recalls} so far)",
                message_ja=f"不在にできるのは{max_recalls}回再呼出した後です（現在{self.recalls}回）",
            )
        self.record(ctx, TicketNoShow, window=self.window, recalls=self.recalls)

    def start_service(self, ctx: CommandContext) -> None:
        self._check(VisitStatus.SERVING, "対応開始")
        self.record(ctx, ServiceStarted, window=self.window)

    def complete(
        self, ctx: CommandContext, procedures: list[str], applications: list[str]
    ) -> None:
        self._check(VisitStatus.COMPLETED, "完了に")
        self.record(ctx, ServiceCompleted, window=self.window, procedures=list(procedures),
                    applications=list(applications))

    def transfer(
        self, ctx: CommandContext, *, to_queue: str, to_department: str, reason: str = ""
    ) -> None:
        self._check(VisitStatus.TRANSFERRED, "転送")
        if to_queue == self.queue:
            raise ValidationFailed.single("queue", "different", "the visit is already in that queue",
                                          "既にその待ち行列に並んでいます")
        if errors := _reason_errors(reason):
            raise ValidationFailed(errors)
        self.record(
            ctx, VisitTransferred, from_queue=self.queue, from_department=self.department,
            to_queue=to_queue, to_department=to_department, day=ctx.today.isoformat(),
            reason=reason.strip(),
        )

    def cancel(self, ctx: CommandContext, reason: str = "") -> None:
        self._check(VisitStatus.CANCELLED, "取消")
        if errors := _reason_errors(reason):
            raise ValidationFailed(errors)
        self.record(ctx, VisitCancelled, reason=reason.strip())


# -- the day's line of a queue --------------------------------------------------------
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
