"""GraphQL for reservations (来庁予約): a queue's slots and their availability,
booking and cancelling, and the import of the national moving service's
pre-notice (docs/moving-notice.md)."""

from __future__ import annotations

import json as jsonlib
from datetime import date as Date
from datetime import datetime
from enum import Enum
from typing import Any

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from api.graphql.shared.context import ApiContext
from api.graphql.shared.types import CommandPayload, Label
from application.counter.moving_notice import MovingNoticeResult, invalid_json
from application.shared.access import authorize, reveals_personal_data
from domain.counter.reservations import SOURCE_LABELS, ReservationNotFound
from domain.counter.reservations import ReservationStatus as DomainReservationStatus
from projections.counter import reservation_slots as model

RESERVATIONS = (model.ReservationSlots.name,)

ReservationStatusEnum = strawberry.enum(
    Enum("ReservationStatus", {s.name: s.value for s in DomainReservationStatus}),
    description="予約の状態 / status of a reservation",
)


@strawberry.type(description="予約枠 / a reservation slot and its availability")
class ReservationSlot:
    start: str = strawberry.field(description="UTC instant")
    end: str = strawberry.field(description="UTC instant")
    capacity: int
    booked: int
    remaining: int


@strawberry.type(description="来庁予約 / a reservation")
class Reservation:
    id: strawberry.ID
    queue: str
    department: str
    day: str
    slot_start: str
    slot_end: str
    purposes: list[str] = strawberry.field(description="procedure codes (用件)")
    status: ReservationStatusEnum  # type: ignore[valid-type]
    status_label: Label
    source: str = strawberry.field(description="online | counter | moving_service")
    source_label: Label
    application_id: strawberry.ID | None = strawberry.field(
        description="a pre-filled application (e.g. 転入届 from the moving service)")
    visit_id: strawberry.ID | None = strawberry.field(description="the visit it checked in as")
    ticket: str | None
    in_slot: bool = strawberry.field(description="checked in within its slot: served ahead of walk-ins")
    holder_name: str | None = strawberry.field(
        description="来庁者氏名: the holder and staff of the department only (a staff showing is recorded)")

    @classmethod
    def of(cls, v: model.ReservationView, holder_name: str | None) -> Reservation:
        status = DomainReservationStatus(v.status)
        ja, en = SOURCE_LABELS[v.source]
        return cls(
            id=strawberry.ID(v.id), queue=v.queue, department=v.department, day=v.day,
            slot_start=v.slot_start, slot_end=v.slot_end, purposes=v.purposes,
            status=ReservationStatusEnum(v.status), status_label=Label(ja=status.label_ja, en=status.label_en),
            source=v.source, source_label=Label(ja=ja, en=en),
            application_id=strawberry.ID(v.application_id) if v.application_id else None,
            visit_id=strawberry.ID(v.visit_id) if v.visit_id else None, ticket=v.ticket,
            in_slot=v.in_slot, holder_name=holder_name,
        )


@strawberry.input(description="予約枠 / a slot to publish")
class ReservationSlotInput:
    start: datetime = strawberry.field(description="with a UTC offset, e.g. 2026-04-02T10:00:00+09:00")
    end: datetime
    capacity: int


@strawberry.input
class MakeReservationInput:
    queue: str
    start: datetime = strawberry.field(description="the slot's start")
    purposes: list[str] = strawberry.field(default_factory=list, description="procedure codes (用件)")
    holder_name: str | None = strawberry.field(default=None, description="required unless signed in")
    holder_contact: str | None = None


@strawberry.type(description="引越し予約の取込結果 / the result of a moving-notice import")
class MovingNoticePayload:
    id: str = strawberry.field(description="the reservation's id")
    position: int
    application_id: strawberry.ID
    reservation_id: strawberry.ID
    slot_start: str
    duplicate: bool = strawberry.field(description="the notice had been imported before; nothing changed")

    @classmethod
    def of(cls, r: MovingNoticeResult) -> MovingNoticePayload:
        return cls(id=r.id, position=r.position, application_id=strawberry.ID(r.application_id),
                   reservation_id=strawberry.ID(r.reservation_id), slot_start=r.slot_start,
                   duplicate=r.duplicate)


async def _holder_name(ctx: ApiContext, view: model.ReservationView) -> str | None:
    actor = ctx.actor
    own = actor.role == "citizen" and actor.subject == view.holder_subject
    staff = actor.is_staff and actor.department == view.department
    if not (own or staff) or not reveals_personal_data(actor, ctx.caller.scopes):
        return None
    reservation = await ctx.run(ctx.container.reservations.get, view.id)
    if reservation.holder_name is None:
        return None
    if not own:
        await ctx.record_personal_data_view("reservation", ["holderName"],
                                            [(view.id, reservation.holder_name.subject)])
    return str(reservation.holder_name.reveal())


@strawberry.type
class ReservationQuery:
    @strawberry.field(description="予約枠の空き状況 / a queue's slots on a day with seats remaining")
    async def reservation_slots(
        self, info: Info[ApiContext, None], queue: str, date: Date, at_least_position: int | None = None
    ) -> list[ReservationSlot]:
        ctx = info.context
        authorize(ctx.actor, "reservationSlots")
        await ctx.wait_for(at_least_position, RESERVATIONS)
        views = await ctx.read(lambda s: model.slots(s, queue, date.isoformat()))
        return [ReservationSlot(start=v.start, end=v.end, capacity=v.capacity, booked=v.booked,
                                remaining=v.remaining) for v in views]

    @strawberry.field(description="来庁予約 / one reservation (its holder, or staff of its department)")
    async def reservation(
        self, info: Info[ApiContext, None], id: strawberry.ID, at_least_position: int | None = None
    ) -> Reservation:
        ctx = info.context
        authorize(ctx.actor, "reservation")
        await ctx.wait_for(at_least_position, RESERVATIONS)
        view = await ctx.read(lambda s: model.get_reservation(s, str(id)))
        if view is None:
            raise ReservationNotFound("reservation not found", message_ja="予約が見つかりません")
        authorize(ctx.actor, "reservation", department=view.department, owner=view.holder_subject)
        return Reservation.of(view, await _holder_name(ctx, view))

    @strawberry.field(description="自分の来庁予約 / the signed-in citizen's reservations")
    async def my_reservations(
        self, info: Info[ApiContext, None], at_least_position: int | None = None
    ) -> list[Reservation]:
        ctx = info.context
        authorize(ctx.actor, "myReservations")
        await ctx.wait_for(at_least_position, RESERVATIONS)
        subject = ctx.actor.subject
        views = await ctx.read(lambda s: model.holder_reservations(s, subject))
        return [Reservation.of(v, await _holder_name(ctx, v)) for v in views]


def _notice_data(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    try:
        return jsonlib.loads(value)
    except ValueError as e:
        raise invalid_json(str(e)) from None


@strawberry.type
class ReservationMutation:
    @strawberry.mutation(description="予約枠を公開する / publish (replace) a queue's slots for a day")
    async def publish_reservation_slots(
        self, info: Info[ApiContext, None], queue: str, date: Date, slots: list[ReservationSlotInput]
    ) -> CommandPayload:
        return await info.context.execute(
            info.context.container.reservations.publish_slots, queue=queue, day=date,
            slots=[(s.start, s.end, s.capacity) for s in slots],
        )

    @strawberry.mutation(description="来庁予約をする / book a seat in a slot")
    async def make_reservation(self, info: Info[ApiContext, None], input: MakeReservationInput) -> CommandPayload:
        return await info.context.execute(
            info.context.container.reservations.make, queue=input.queue, start=input.start,
            purposes=list(input.purposes), holder_name=input.holder_name,
            holder_contact=input.holder_contact,
        )

    @strawberry.mutation(description="来庁予約を取り消す / cancel a reservation (frees its seat)")
    async def cancel_reservation(
        self, info: Info[ApiContext, None], id: strawberry.ID, reason: str = ""
    ) -> CommandPayload:
        return await info.context.execute(info.context.container.reservations.cancel, str(id), reason)

    @strawberry.mutation(description="引越し予約の取込 / import a moving-service pre-notice (JSON text or "
                         "object, docs/moving-notice.md): a pre-filled 転入届 and a reservation in the first "
                         "free slot of the planned day in ``queue`` (default 市民課 異動); idempotent")
    async def import_moving_notice(
        self, info: Info[ApiContext, None], json: JSON, queue: str | None = None
    ) -> MovingNoticePayload:
        ctx = info.context
        data = _notice_data(json)
        result = await ctx.run(ctx.container.moving_notices.import_notice, ctx.command_context(), data,
                               queue=queue)
        return MovingNoticePayload.of(result)
