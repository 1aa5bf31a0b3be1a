"""Commands on counter visits (来庁): queues, windows and numbered tickets.

Ticket numbers and the waiting line of a queue live in one ``QueueLine``
aggregate per (queue, day). Issuing a ticket saves the line's
``TicketDispensed`` and the new visit's ``TicketIssued`` in ONE atomic store;
calling the next visitor saves the line's ``VisitLeftLine`` and the visit's
``TicketCalled`` together. Two kiosks (or two windows) acting at once change the
same line: one gets a ``Conflict`` and is retried here, transparently and a
bounded number of times, so numbers are unique and strictly increasing and no
ticket is called twice.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar
from uuid import UUID, uuid4

from application.catalogue.service import CatalogueService
from application.counter.reservations import load_reservation
from application.shared.access import authorize
from application.shared.eventlog import CityLog
from application.shared.results import CommandResult
from application.shared.retry import retrying
from domain.applications.application import Application
from domain.counter.queues import Queue, queue_id
from domain.counter.visits import QueueLine, Visit, line_id
from domain.counter.windows import Window, window_id
from domain.shared.context import Actor, CommandContext
from domain.shared.errors import Conflict, FieldError, NotFound, ValidationFailed

T = TypeVar("T")


@dataclass(frozen=True)
class TicketResult(CommandResult):
    """A command result that also names the ticket (``A-012``)."""

    ticket: str = ""
    queue: str = ""


class VisitService:
    def __init__(
        self,
        log: CityLog,
        catalogue: CatalogueService,
        *,
        max_recalls: int = 2,
        new_id: Callable[[], UUID] = uuid4,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.log = log
        self.catalogue = catalogue
        self.max_recalls = max_recalls
        self.new_id = new_id
        self.sleep = sleep

    # -- helpers -----------------------------------------------------------
    def _retrying(self, attempt: Callable[[], T]) -> T:
        """Run ``attempt`` (which loads, decides and stores) again on ``Conflict``."""
        return retrying(attempt, self.sleep)

    def get_queue(self, code: str) -> Queue:
        return self.log.load(Queue, queue_id(code), f"queue {code}")

    def get_window(self, number: int) -> Window:
        return self.log.load(Window, window_id(number), f"window {number}")

    def get_visit(self, visit_id: str) -> Visit:
        try:
            key = UUID(str(visit_id))
        except ValueError:
            raise NotFound("visit not found", message_ja="来庁記録が見つかりません") from None
        return self.log.load(Visit, key, "visit")

    def _line(self, ctx: CommandContext, queue: str, day: str) -> QueueLine:
        try:
            return self.log.load(QueueLine, line_id(queue, day), "line")
        except NotFound:
            return QueueLine.open_for(ctx, queue, day)

    @staticmethod
    def _window_department(actor: Actor, window: Window) -> str:
        """The department to check the actor against: theirs when the window serves it."""
        if actor.department in window.departments:
            return actor.department  # type: ignore[return-value]
        return window.departments[0]

    def _check_procedures(self, codes: list[str], path: str) -> None:
        errors = []
        for i, code in enumerate(codes):
            try:
                self.catalogue.get_procedure(code)
            except NotFound:
                errors.append(FieldError(f"{path}[{i}]", "exists", f"no procedure {code}",
                                         "指定された手続きは存在しません"))
        if errors:
            raise ValidationFailed(errors)

    # -- queues and windows ----------------------------------------------------
    def define_queue(
        self, ctx: CommandContext, *, code: str, department: str, name_ja: str, name_en: str,
        prefix: str,
    ) -> CommandResult:
        authorize(ctx.actor, "defineQueue", department=department)
        queue = Queue.define(ctx, code=code, department=department, name_ja=name_ja,
                             name_en=name_en, prefix=prefix)
        if not self.catalogue.department_exists(department):
            raise ValidationFailed.single("department", "exists", f"no department {department}",
                                          "指定された課は存在しません")
        if self.log.exists(queue.id):
            raise Conflict(f"queue {code} already exists", message_ja="その待ち行列は既に登録されています")
        return CommandResult(code, self.log.store(queue))

    def define_window(
        self, ctx: CommandContext, *, number: int, name_ja: str, queues: list[str]
    ) -> CommandResult:
        authorize(ctx.actor, "defineWindow")
        loaded = []
        for i, code in enumerate(queues):
            try:
                loaded.append(self.get_queue(code))
            except NotFound:
                raise ValidationFailed.single(f"queues[{i}]", "exists", f"no queue {code}",
                                              "指定された待ち行列は存在しません") from None
        for queue in loaded:  # a manager defines windows for their own department's queues
            authorize(ctx.actor, "defineWindow", department=queue.department)
        window = Window.define(ctx, number=number, name_ja=name_ja, queues=loaded)
        if self.log.exists(window.id):
            raise Conflict(f"window {number} already exists", message_ja="その窓口番号は既に登録されています")
        return CommandResult(str(number), self.log.store(window))

    def open_window(self, ctx: CommandContext, number: int) -> CommandResult:
        authorize(ctx.actor, "openWindow")
        window = self.get_window(number)
        authorize(ctx.actor, "openWindow", department=self._window_department(ctx.actor, window))
        window.open_by(ctx)
        return CommandResult(str(number), self.log.store(window))

    def close_window(self, ctx: CommandContext, number: int) -> CommandResult:
        authorize(ctx.actor, "closeWindow")
        window = self.get_window(number)
        authorize(ctx.actor, "closeWindow", department=self._window_department(ctx.actor, window))
        window.close(ctx)
        return CommandResult(str(number), self.log.store(window))

    def publish_window_schedule(
        self, ctx: CommandContext, number: int, periods: list[tuple[datetime, datetime]]
    ) -> CommandResult:
        """Publish (replace) the staffing plan of a window: when it will be open."""
        authorize(ctx.actor, "defineWindow")
        window = self.get_window(number)
        for department in window.departments:
            authorize(ctx.actor, "defineWindow", department=department)
        window.publish_schedule(ctx, periods)
        return CommandResult(str(number), self.log.store(window))

    # -- tickets -----------------------------------------------------------
    def issue_ticket(
        self,
        ctx: CommandContext,
        *,
        queue: str,
        purposes: list[str] | None = None,
        priority: bool = False,
        arrival: str = "walk_in",
        reservation_id: str | None = None,
        application_id: str | None = None,
    ) -> TicketResult:
        """A kiosk (anonymous or a signed-in citizen) or reception staff issue a ticket."""
        authorize(ctx.actor, "issueTicket")
        try:
            the_queue = self.get_queue(queue)
        except NotFound:
            raise ValidationFailed.single("queue", "exists", f"no queue {queue}",
                                          "指定された待ち行列は存在しません") from None
        authorize(ctx.actor, "issueTicket", department=the_queue.department)
        purposes = list(purposes or [])
        if reservation_id:  # the kiosk scanned a reservation (来庁予約): check it in
            booked = load_reservation(self.log, reservation_id)
            arrival = "reservation"
            purposes = purposes or list(booked.purposes)
            application_id = application_id or booked.application_id
        self._check_procedures(purposes, "purposes")
        if application_id:
            self._check_application(application_id)
        holder = ctx.actor.subject if ctx.actor.role == "citizen" else None
        visit_id = self.new_id()
        day = ctx.today.isoformat()

        tried: list[bool] = []

        def attempt() -> TicketResult:
            # after a failed store: was it stored after all, its answer lost (a connection
            # dropped at commit)? Then that is the ticket; issuing another would be a double
            if tried and self.log.exists(visit_id):
                issued = self.get_visit(str(visit_id))
                return TicketResult(str(visit_id), self.log.head(), ticket=issued.ticket, queue=issued.queue)
            tried.append(True)
            line = self._line(ctx, the_queue.code, day)
            reservation = load_reservation(self.log, reservation_id) if reservation_id else None
            in_slot = reservation is not None and reservation.in_slot_at(ctx.occurred_at)
            number = line.dispense(ctx, visit_id, priority, in_slot)
            visit = Visit.issue(
                ctx, id=visit_id, queue=the_queue.code, department=the_queue.department,
                prefix=the_queue.prefix, number=number, purposes=purposes, priority=priority,
                arrival=arrival, reservation_id=reservation_id, application_id=application_id,
                holder_subject=holder, in_slot=in_slot,
            )
            if reservation is not None:
                reservation.check_in(ctx, queue=the_queue.code, visit_id=visit_id, ticket=visit.ticket)
            position = self.log.store(line, visit, *([reservation] if reservation else []))
            return TicketResult(str(visit_id), position, ticket=visit.ticket, queue=visit.queue)

        return self._retrying(attempt)

    def _check_application(self, application_id: str) -> None:
        try:
            self.log.load(Application, UUID(str(application_id)), "application")
        except (ValueError, NotFound):
            raise ValidationFailed.single("applicationId", "exists", "no such application",
                                          "指定された申請は存在しません") from None

    def call_next(self, ctx: CommandContext, window_number: int) -> TicketResult:
        """Call the next waiting visit of the window's queues (of the caller's
        department): priority first, then by arrival. Read from the lines
        themselves, never from a read model, so nobody is skipped or called twice."""
        authorize(ctx.actor, "callNext")
        window = self.get_window(window_number)
        authorize(ctx.actor, "callNext", department=self._window_department(ctx.actor, window))
        window.require_open()
        queues = [
            q for q, d in zip(window.queues, window.departments, strict=True)
            if not ctx.actor.is_staff or d == ctx.actor.department
        ]
        day = ctx.today.isoformat()

        def attempt() -> TicketResult:
            best = None
            for code in queues:
                try:
                    line = self.log.load(QueueLine, line_id(code, day), "line")
                except NotFound:
                    continue
                candidate = line.next_waiting()
                if candidate is not None and (best is None or candidate[0] < best[0][0]):
                    best = (candidate, line)
            if best is None:
                raise NotFound(f"no one is waiting for window {window_number}",
                               message_ja="お待ちの方はいません")
            (_, visit_id), line = best
            visit = self.get_visit(visit_id)
            if not visit.status.is_waiting:  # called by another window after we read the line
                raise Conflict("the line changed; reload", message_ja="再読み込みしてください")
            line.leave(ctx, visit.id, "called")
            visit.call(ctx, window.number)
            position = self.log.store(line, visit)
            return TicketResult(str(visit.id), position, ticket=visit.ticket, queue=visit.queue)

        return self._retrying(attempt)

    def _act(
        self, ctx: CommandContext, operation: str, visit_id: str,
        action: Callable[[Visit], list[QueueLine]],
    ) -> CommandResult:
        authorize(ctx.actor, operation)

        def attempt() -> CommandResult:
            visit = self.get_visit(visit_id)
            authorize(ctx.actor, operation, department=visit.department, owner=visit.holder_subject)
            lines = action(visit)
            return CommandResult(str(visit.id), self.log.store(visit, *lines))

        return self._retrying(attempt)

    def recall(self, ctx: CommandContext, visit_id: str) -> CommandResult:
        def recall(visit: Visit) -> list[QueueLine]:
            visit.recall(ctx, self.max_recalls)
            return []

        return self._act(ctx, "recall", visit_id, recall)

    def mark_no_show(self, ctx: CommandContext, visit_id: str) -> CommandResult:
        def no_show(visit: Visit) -> list[QueueLine]:
            visit.mark_no_show(ctx, self.max_recalls)
            return []

        return self._act(ctx, "markNoShow", visit_id, no_show)

    def start_service(self, ctx: CommandContext, visit_id: str) -> CommandResult:
        def start(visit: Visit) -> list[QueueLine]:
            visit.start_service(ctx)
            return []

        return self._act(ctx, "startService", visit_id, start)

    def complete_service(
        self, ctx: CommandContext, visit_id: str, *, procedures: list[str] | None = None,
        applications: list[str] | None = None,
    ) -> CommandResult:
        authorize(ctx.actor, "completeService")
        procedures = list(procedures or [])
        applications = [str(a) for a in applications or []]
        self._check_procedures(procedures, "procedures")
        for i, app_id in enumerate(applications):
            try:
                self.log.load(Application, UUID(app_id), "application")
            except (ValueError, NotFound):
                raise ValidationFailed.single(f"applications[{i}]", "exists", "no such application",
                                              "指定された申請は存在しません") from None

        def complete(visit: Visit) -> list[QueueLine]:
            visit.complete(ctx, procedures, applications)
            return []

        return self._act(ctx, "completeService", visit_id, complete)

    def transfer(
        self, ctx: CommandContext, visit_id: str, *, queue: str, reason: str = ""
    ) -> CommandResult:
        """One-stop: the visit (and its history) moves to another queue, usually of
        another department, whose staff may then act on it."""
        authorize(ctx.actor, "transferVisit")
        try:
            target = self.get_queue(queue)
        except NotFound:
            raise ValidationFailed.single("queue", "exists", f"no queue {queue}",
                                          "指定された待ち行列は存在しません") from None

        def transfer(visit: Visit) -> list[QueueLine]:
            lines = []
            if visit.status.is_waiting:
                source = self._line(ctx, visit.queue, visit.line_day)
                source.leave(ctx, visit.id, "transferred")
                lines.append(source)
            visit.transfer(ctx, to_queue=target.code, to_department=target.department,
                           reason=reason)
            destination = self._line(ctx, target.code, visit.line_day)
            destination.join(ctx, visit)
            return [*lines, destination]

        return self._act(ctx, "transferVisit", visit_id, transfer)

    def cancel(self, ctx: CommandContext, visit_id: str, reason: str = "") -> CommandResult:
        """Staff of the visit's department, or the citizen who took the ticket."""

        def cancel(visit: Visit) -> list[QueueLine]:
            lines = []
            if visit.status.is_waiting:
                line = self._line(ctx, visit.queue, visit.line_day)
                line.leave(ctx, visit.id, "cancelled")
                lines.append(line)
            visit.cancel(ctx, reason)
            return lines

        return self._act(ctx, "cancelVisit", visit_id, cancel)
