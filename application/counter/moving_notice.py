"""Importing the national moving service's pre-notice (転出届 / 転入予約, see
docs/moving-notice.md): one import records a 転入届 (``tennyu``) application
pre-filled from the notice and a reservation (来庁予約) in the first slot with
capacity on the planned visit day in the 市民課 異動 queue — in ONE atomic store.

Ids are derived from the notice id, so importing the same notice again changes
nothing and answers with the same ids (``duplicate``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from application.catalogue.service import CatalogueService
from application.counter.reservations import ReservationService
from application.shared.access import authorize
from application.shared.eventlog import CityLog
from application.shared.results import CommandResult
from domain.applications.application import Application
from domain.counter.moving_notice import MOVING_QUEUE, TENNYU_PROCEDURE, MovingNotice, parse_notice
from domain.counter.queues import Queue, queue_id
from domain.counter.reservations import SlotFull, city_day
from domain.privacy.individual_number import application_subject
from domain.shared.context import CommandContext
from domain.shared.errors import Conflict, NotFound, ValidationFailed

# the channel of the recorded application: the notice is entered for the counter visit
# (the national service has verified the mover with their My Number card)
IMPORT_CHANNEL = "counter"
SOURCE = "moving_service"


@dataclass(frozen=True)
class MovingNoticeResult(CommandResult):
    application_id: str = ""
    reservation_id: str = ""
    slot_start: str = ""
    duplicate: bool = False


class MovingNoticeService:
    def __init__(
        self, log: CityLog, catalogue: CatalogueService, reservations: ReservationService,
        *, queue: str = MOVING_QUEUE, procedure: str = TENNYU_PROCEDURE,
    ) -> None:
        self.log = log
        self.catalogue = catalogue
        self.reservations = reservations
        self.queue = queue
        self.procedure = procedure

    def import_notice(self, ctx: CommandContext, data: Any, *, queue: str | None = None) -> MovingNoticeResult:
        """Staff of the queue's department (市民課 for 異動) import a notice."""
        authorize(ctx.actor, "importMovingNotice")
        queue = queue or self.queue
        try:
            department = self.log.load(Queue, queue_id(queue), "queue").department
        except NotFound:
            raise ValidationFailed.single("queue", "exists", f"no queue {queue}",
                                          "指定された待ち行列は存在しません") from None
        authorize(ctx.actor, "importMovingNotice", department=department)
        procedure = self.catalogue.get_procedure(self.procedure)
        notice = parse_notice(data, ctx.today)
        if self.log.exists(notice.reservation_id):
            return self._result(notice, self.log.head(), duplicate=True)
        application = Application.submit(
            ctx, id=notice.application_id, procedure=procedure, form_version=None,
            channel=IMPORT_CHANNEL, applicant_subject=None,
            applicant_name=notice.applicant.name_kanji, contact_email=notice.email,
            answers=notice.tennyu_answers(),
        )
        start = self._first_free_slot(notice, queue, ctx.occurred_at)
        try:
            result = self.reservations.book(
                ctx, id=notice.reservation_id, queue=queue, start=start,
                purposes=[procedure.code], holder_subject=None,
                holder_name=notice.applicant.name_kanji, holder_contact=notice.email,
                application_id=str(application.id), source=SOURCE,
                data_subject=application_subject(application.id), also=(application,),
            )
        except Conflict:  # the same notice imported at the same moment elsewhere
            if self.log.exists(notice.reservation_id):
                return self._result(notice, self.log.head(), duplicate=True)
            raise
        return self._result(notice, result.position)

    def _first_free_slot(self, notice: MovingNotice, queue: str, now: datetime) -> datetime:
        """The first slot with a free seat from the planned time on; else, from now on that day."""
        day = notice.visit_date.isoformat()
        schedule = self.reservations.day_of(queue, day)
        bookable = now + timedelta(microseconds=1)
        start = None
        if schedule is not None:
            start = (schedule.first_available(max(notice.visit_after(), bookable))
                     or schedule.first_available(bookable))
        if start is None or city_day(start) != day:
            raise SlotFull(
                f"no reservation slot with capacity on {day} in {queue}",
                message_ja=f"{day}に空きのある予約枠がありません",
            )
        return start

    def _result(self, notice: MovingNotice, position: int, duplicate: bool = False) -> MovingNoticeResult:
        try:
            reservation = self.reservations.get(str(notice.reservation_id))
            slot_start = reservation.slot_start
        except NotFound:
            slot_start = ""
        return MovingNoticeResult(
            str(notice.reservation_id), position, application_id=str(notice.application_id),
            reservation_id=str(notice.reservation_id), slot_start=slot_start, duplicate=duplicate,
        )


def invalid_json(message: str) -> ValidationFailed:
    return ValidationFailed.single("json", "json", f"not valid JSON: {message}",
                                   "JSONの形式が正しくありません")
