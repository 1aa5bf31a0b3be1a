"""GraphQL for counter visits (来庁): queues, windows, the queue board, visits,
and the kiosk's and staff's commands."""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable
from typing import TypeVar

import strawberry
from strawberry.types import Info

from api.graphql.counter.types import (
    BoardTicket,
    IssueTicketInput,
    NowServing,
    Queue,
    QueueBoard,
    Ticket,
    TicketPayload,
    Visit,
    VisitStatusEnum,
    WaitEstimate,
    Window,
    privileged_for,
    visit_status_label,
)
from api.graphql.shared.context import ApiContext
from api.graphql.shared.types import CommandPayload
from application.counter.visits import TicketResult
from application.projection.reading import ReadSession, positions
from application.shared.access import authorize
from domain.shared.context import CITY_TIMEZONE
from domain.shared.errors import NotFound, Unauthenticated
from projections.counter import queue_board as board_model
from projections.counter import wait_prediction as wait_model

BOARD = (board_model.QueueBoard.name,)
LIVE = (board_model.QueueBoard.name, wait_model.WaitPredictions.name)
T = TypeVar("T")


def _today(ctx: ApiContext) -> str:
    return ctx.container.clock.now().astimezone(CITY_TIMEZONE).date().isoformat()


async def _ticket(ctx: ApiContext, fn, *args, **kwargs) -> TicketPayload:  # type: ignore[no-untyped-def]
    result: TicketResult = await ctx.run(fn, ctx.command_context(), *args, **kwargs)
    return TicketPayload(id=result.id, position=result.position, ticket=result.ticket,
                         queue=result.queue)


def _existing(session: ReadSession, queue: str) -> str:
    """The queue's department, or NotFound."""
    views = [q for q in board_model.list_queues(session, "") if q.code == queue]
    if not views:
        raise NotFound(f"queue {queue} not found", message_ja="待ち行列が見つかりません")
    return views[0].department


BoardRead = tuple[board_model.QueueBoardView | None, wait_model.WaitPrediction | None]
TicketRead = tuple[board_model.VisitView | None, list[str], wait_model.WaitPrediction | None]


async def _read_board(ctx: ApiContext, queue: str) -> BoardRead:
    """What a board shows, for any caller (shaped for one by :func:`_board_of`)."""
    today = _today(ctx)
    now = ctx.container.clock.now()

    def read(s: ReadSession) -> BoardRead:
        view = board_model.queue_board(s, queue, today)
        return view, None if view is None else wait_model.new_ticket_prediction(s, queue, now)

    return await ctx.read(read)


async def _queue_board(ctx: ApiContext, queue: str) -> QueueBoard:
    return _board_of(ctx, queue, await _read_board(ctx, queue))


def _board_of(ctx: ApiContext, queue: str, read: BoardRead) -> QueueBoard:
    actor = ctx.actor
    view, new_ticket = read
    if view is None or new_ticket is None:
        raise NotFound(f"queue {queue} not found", message_ja="待ち行列が見つかりません")
    privileged = privileged_for(actor, view.queue.department)
    return QueueBoard(
        queue=Queue.of(view.queue),
        waiting_count=view.queue.waiting_count,
        waiting=[
            BoardTicket(ticket=t.ticket, status=VisitStatusEnum(t.status),
                        status_label=visit_status_label(t.status), issued_at=t.issued_at,
                        visit_id=t.visit_id if privileged else None,
                        priority=t.priority if privileged else None)
            for t in view.waiting
        ],
        now_serving=[
            NowServing(window=n.window, window_name_ja=n.window_name_ja, ticket=n.ticket,
                       status=VisitStatusEnum(n.status), status_label=visit_status_label(n.status),
                       visit_id=n.visit_id if privileged else None)
            for n in view.now_serving
        ],
        predicted_wait_for_new_ticket=WaitEstimate.of(new_ticket),
    )


async def _ticket_status(ctx: ApiContext, visit_id: str) -> Ticket:
    """A citizen reads the tickets they took; a ticket taken anonymously (no
    holder) can be read by anyone with its id — an unguessable UUID printed by
    the kiosk (QR code) — as the hall's board shows its number anyway; staff
    and managers of the visit's department read any of theirs; auditors all."""
    return _ticket_of(ctx, await _read_ticket(ctx, visit_id))


async def _read_ticket(ctx: ApiContext, visit_id: str) -> TicketRead:
    """What a ticket shows, for any caller (checked and shaped by :func:`_ticket_of`)."""
    today = _today(ctx)

    def read(s: ReadSession) -> TicketRead:
        visit = board_model.get_visit(s, visit_id)
        if visit is None:
            return None, [], None
        board = board_model.queue_board(s, visit.queue, today)
        line = [t.visit_id for t in board.waiting] if board else []
        return visit, line, wait_model.ticket_prediction(s, visit_id)

    return await ctx.read(read)


def _ticket_of(ctx: ApiContext, read: TicketRead) -> Ticket:
    actor = ctx.actor
    visit, line, prediction = read
    if visit is None:
        raise NotFound("ticket not found", message_ja="番号札が見つかりません")
    if visit.holder_subject is None:  # an anonymous ticket: its unguessable id is the capability
        if actor.role not in ("anonymous", "citizen"):
            authorize(actor, "ticket", department=visit.department)
    elif actor.role == "anonymous":  # a signed-in citizen's ticket: only they (and staff) read it
        raise Unauthenticated("sign in to see this ticket", message_ja="ログインが必要です")
    else:
        authorize(actor, "ticket", department=visit.department, owner=visit.holder_subject)
    ahead = line.index(visit.id) if visit.id in line else None
    return Ticket(
        id=visit.id, ticket=visit.ticket, queue=visit.queue, status=VisitStatusEnum(visit.status),
        status_label=visit_status_label(visit.status), window=visit.window, ahead=ahead,
        place_in_line=None if ahead is None else ahead + 1,
        predicted_wait=WaitEstimate.of(prediction) if prediction and ahead is not None else None,
        turn_near=ahead is not None and ahead <= ctx.container.settings.turn_near_ahead,
    )


@strawberry.type
class VisitQuery:
    @strawberry.field(description="待ち行列の一覧 / queues, with today's waiting count")
    async def queues(
        self, info: Info[ApiContext, None], department: str | None = None,
        at_least_position: int | None = None,
    ) -> list[Queue]:
        ctx = info.context
        authorize(ctx.actor, "queues")
        await ctx.wait_for(at_least_position, BOARD)
        today = _today(ctx)
        return [Queue.of(v) for v in await ctx.read(
            lambda s: board_model.list_queues(s, today, department))]

    @strawberry.field(description="窓口の一覧 / windows, open or closed, and whom they serve")
    async def windows(
        self, info: Info[ApiContext, None], at_least_position: int | None = None
    ) -> list[Window]:
        ctx = info.context
        authorize(ctx.actor, "windows")
        actor = ctx.actor
        await ctx.wait_for(at_least_position, BOARD)
        return [Window.of(v, actor) for v in await ctx.read(board_model.list_windows)]

    @strawberry.field(description="待ち状況 / one queue's board: waiting in service order, now serving")
    async def queue_board(
        self, info: Info[ApiContext, None], queue: str, at_least_position: int | None = None
    ) -> QueueBoard:
        ctx = info.context
        authorize(ctx.actor, "queueBoard")
        await ctx.wait_for(at_least_position, LIVE)
        return await _queue_board(ctx, queue)

    @strawberry.field(description="番号札の状況 / a ticket: place in line, predicted wait, turn near")
    async def ticket(
        self, info: Info[ApiContext, None], id: strawberry.ID, at_least_position: int | None = None
    ) -> Ticket:
        ctx = info.context
        authorize(ctx.actor, "ticket")
        await ctx.wait_for(at_least_position, LIVE)
        return await _ticket_status(ctx, str(id))

    @strawberry.field(description="来庁の状況と履歴 / one visit's status and history")
    async def visit(
        self, info: Info[ApiContext, None], id: strawberry.ID, at_least_position: int | None = None
    ) -> Visit:
        ctx = info.context
        actor = ctx.actor
        authorize(actor, "visit")
        await ctx.wait_for(at_least_position, BOARD)
        view = await ctx.read(lambda s: board_model.get_visit(s, str(id)))
        if view is None:
            raise NotFound("visit not found", message_ja="来庁記録が見つかりません")
        authorize(actor, "visit", department=view.department, owner=view.holder_subject)
        return Visit.of(view)


@strawberry.type
class VisitMutation:
    @strawberry.mutation(description="待ち行列を定義する / define a queue")
    async def define_queue(
        self, info: Info[ApiContext, None], code: str, department: str, name_ja: str,
        name_en: str, prefix: str,
    ) -> CommandPayload:
        return await info.context.execute(
            info.context.container.visits.define_queue, code=code, department=department,
            name_ja=name_ja, name_en=name_en, prefix=prefix,
        )

    @strawberry.mutation(description="窓口を定義する / define a window and the queues it serves")
    async def define_window(
        self, info: Info[ApiContext, None], number: int, name_ja: str, queues: list[str]
    ) -> CommandPayload:
        return await info.context.execute(
            info.context.container.visits.define_window, number=number, name_ja=name_ja,
            queues=queues,
        )

    @strawberry.mutation(description="窓口を開ける / open a window (the caller staffs it)")
    async def open_window(self, info: Info[ApiContext, None], number: int) -> CommandPayload:
        return await info.context.execute(info.context.container.visits.open_window, number)

    @strawberry.mutation(description="窓口を閉じる / close a window")
    async def close_window(self, info: Info[ApiContext, None], number: int) -> CommandPayload:
        return await info.context.execute(info.context.container.visits.close_window, number)

    @strawberry.mutation(description="番号札を発行する / issue a ticket (kiosk or reception)")
    async def issue_ticket(
        self, info: Info[ApiContext, None], input: IssueTicketInput
    ) -> TicketPayload:
        return await _ticket(
            info.context, info.context.container.visits.issue_ticket,
            queue=input.queue, purposes=list(input.purposes), priority=input.priority,
            arrival=input.arrival.value, reservation_id=input.reservation_id,
            application_id=str(input.application_id) if input.application_id else None,
        )

    @strawberry.mutation(description="次の方を呼ぶ / call the next visitor to a window")
    async def call_next(self, info: Info[ApiContext, None], window: int) -> TicketPayload:
        return await _ticket(info.context, info.context.container.visits.call_next, window)

    @strawberry.mutation(description="再呼出 / call the same ticket again")
    async def recall(self, info: Info[ApiContext, None], id: strawberry.ID) -> CommandPayload:
        return await info.context.execute(info.context.container.visits.recall, str(id))

    @strawberry.mutation(description="不在 / mark a no-show (after the configured recalls)")
    async def mark_no_show(self, info: Info[ApiContext, None], id: strawberry.ID) -> CommandPayload:
        return await info.context.execute(info.context.container.visits.mark_no_show, str(id))

    @strawberry.mutation(description="対応開始 / start serving")
    async def start_service(self, info: Info[ApiContext, None], id: strawberry.ID) -> CommandPayload:
        return await info.context.execute(info.context.container.visits.start_service, str(id))

    @strawberry.mutation(description="対応完了 / complete, with the procedures handled and applications created")
    async def complete_service(
        self, info: Info[ApiContext, None], id: strawberry.ID,
        procedures: list[str] | None = None, applications: list[strawberry.ID] | None = None,
    ) -> CommandPayload:
        return await info.context.execute(
            info.context.container.visits.complete_service, str(id),
            procedures=list(procedures or []), applications=[str(a) for a in applications or []],
        )

    @strawberry.mutation(description="他課へ転送 / transfer to another queue (one-stop)")
    async def transfer_visit(
        self, info: Info[ApiContext, None], id: strawberry.ID, queue: str, reason: str = ""
    ) -> CommandPayload:
        return await info.context.execute(
            info.context.container.visits.transfer, str(id), queue=queue, reason=reason
        )

    @strawberry.mutation(description="取消 / cancel a visit")
    async def cancel_visit(
        self, info: Info[ApiContext, None], id: strawberry.ID, reason: str = ""
    ) -> CommandPayload:
        return await info.context.execute(info.context.container.visits.cancel, str(id), reason)


@strawberry.type
class VisitSubscription:
    @strawberry.subscription(description="待ち状況の更新 / a queue's board, pushed when it changes")
    async def queue_board(
        self, info: Info[ApiContext, None], queue: str
    ) -> AsyncGenerator[QueueBoard, None]:
        ctx = info.context
        authorize(ctx.actor, "queueBoard")
        last = None
        async for read in _feed(ctx, ("queueBoard", queue), lambda: _read_board(ctx, queue)):
            board = _board_of(ctx, queue, read)
            if board != last:
                last = board
                yield board

    @strawberry.subscription(description="番号札の更新 / a ticket, pushed when it changes")
    async def ticket(
        self, info: Info[ApiContext, None], id: strawberry.ID
    ) -> AsyncGenerator[Ticket, None]:
        ctx = info.context
        authorize(ctx.actor, "ticket")
        last = None
        async for read in _feed(ctx, ("ticket", str(id)), lambda: _read_ticket(ctx, str(id))):
            ticket = _ticket_of(ctx, read)
            if ticket != last:
                last = ticket
                yield ticket


def _feed(ctx: ApiContext, key: tuple[str, str], read: Callable[[], Awaitable[T]]) -> AsyncIterator[T]:
    """Shared by every subscriber of ``key`` in this worker: one read per change
    (api/shared/live.py)."""
    container = ctx.container
    return container.live.feed(key, LIVE, lambda: ctx.run(positions, container.views, LIVE), read)
