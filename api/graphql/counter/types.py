"""GraphQL types of counter visits (来庁): queues, windows, the queue board,
tickets and visits, as the visit queries, mutations and subscriptions
(``visits.py``) return them."""

from __future__ import annotations

import strawberry
from strawberry.scalars import JSON

from api.counter.ticket_qr import qr_image, ticket_page_url
from api.graphql.shared.types import Label, labelled_enum, member_labels
from domain.counter.visits import ARRIVAL_LABELS
from domain.counter.visits import VisitStatus as DomainVisitStatus
from domain.shared.context import Actor
from projections.counter import queue_board as board_model
from projections.counter import wait_prediction as wait_model

VisitStatusEnum = labelled_enum("VisitStatus", member_labels(DomainVisitStatus),
                               "来庁の状態 / status of a counter visit")
Arrival = labelled_enum("Arrival", ARRIVAL_LABELS, "来庁の種別 / walk-in or reservation")


def visit_status_label(status: str) -> Label:
    s = DomainVisitStatus(status)
    return Label(ja=s.label_ja, en=s.label_en)


def privileged_for(actor: Actor, department: str | None) -> bool:
    """Staff of that department, auditors and admins see visit ids, priority and staff."""
    if actor.role in ("auditor", "admin"):
        return True
    return actor.is_staff and department is not None and actor.department == department


@strawberry.type(description="待ち行列 / a queue of visitors")
class Queue:
    code: str
    department: str
    name_ja: str
    name_en: str
    prefix: str = strawberry.field(description="番号札の記号 (A in A-012)")
    waiting_count: int = strawberry.field(description="本日の待ち人数 / waiting today")

    @classmethod
    def of(cls, v: board_model.QueueView) -> Queue:
        return cls(code=v.code, department=v.department, name_ja=v.name_ja, name_en=v.name_en,
                   prefix=v.prefix, waiting_count=v.waiting_count)


@strawberry.type(description="呼出中・対応中の番号札 / the ticket at a window")
class NowServing:
    window: int
    window_name_ja: str
    ticket: str
    status: VisitStatusEnum  # type: ignore[valid-type]
    status_label: Label
    visit_id: str | None = strawberry.field(description="staff of the department only")


@strawberry.type(description="窓口 / a counter window")
class Window:
    number: int
    name_ja: str
    queues: list[str]
    departments: list[str]
    open: bool
    staff: str | None = strawberry.field(description="staff at the window (staff of its departments only)")
    now_serving: NowServing | None

    @classmethod
    def of(cls, v: board_model.WindowView, actor: Actor) -> Window:
        privileged = any(privileged_for(actor, d) for d in v.departments)
        serving = None
        if v.visit_id and v.ticket and v.visit_status:
            serving = NowServing(window=v.number, window_name_ja=v.name_ja, ticket=v.ticket,
                                 status=VisitStatusEnum(v.visit_status),
                                 status_label=visit_status_label(v.visit_status),
                                 visit_id=v.visit_id if privileged else None)
        return cls(number=v.number, name_ja=v.name_ja, queues=v.queues, departments=v.departments,
                   open=v.open, staff=v.staff if privileged else None, now_serving=serving)


@strawberry.type(description="待っている番号札 / a waiting ticket")
class BoardTicket:
    ticket: str
    status: VisitStatusEnum  # type: ignore[valid-type]
    status_label: Label
    issued_at: str
    visit_id: str | None = strawberry.field(description="staff of the department only")
    priority: bool | None = strawberry.field(description="staff of the department only")


@strawberry.type(description="予測待ち時間 / a predicted wait in minutes, with an 80% interval")
class WaitEstimate:
    minutes: float = strawberry.field(description="point prediction (median)")
    low: float = strawberry.field(description="10th percentile")
    high: float = strawberry.field(description="90th percentile")
    as_of: str = strawberry.field(description="the moment the prediction was made (UTC)")

    @classmethod
    def of(cls, p: wait_model.WaitPrediction) -> WaitEstimate:
        return cls(minutes=p.predicted_minutes, low=p.low_minutes, high=p.high_minutes, as_of=p.as_of)


@strawberry.type(description="待ち状況 / a queue's board")
class QueueBoard:
    queue: Queue
    waiting_count: int
    waiting: list[BoardTicket] = strawberry.field(description="in service order")
    now_serving: list[NowServing]
    predicted_wait_for_new_ticket: WaitEstimate = strawberry.field(
        description="今発券した場合の予測待ち時間 / the wait of a ticket issued now (no stated purpose)")


@strawberry.type(description="番号札の状況 / a ticket's place in line and predicted wait (the kiosk gives its id)")
class Ticket:
    id: str
    ticket: str
    queue: str
    status: VisitStatusEnum  # type: ignore[valid-type]
    status_label: Label
    window: int | None = strawberry.field(description="呼出中・対応中の窓口 / the window it is called to")
    ahead: int | None = strawberry.field(description="待っている前の人数 / tickets ahead (waiting only)")
    place_in_line: int | None = strawberry.field(description="順番 (1 = next; waiting only)")
    predicted_wait: WaitEstimate | None = strawberry.field(
        description="total wait from issue, minutes (waiting only; null until predicted)")
    turn_near: bool = strawberry.field(
        description="もうすぐ順番 / at most MADOGUCHI_TURN_NEAR_AHEAD (default 3) tickets ahead")


@strawberry.type
class VisitHistoryItem:
    event: str
    status: VisitStatusEnum  # type: ignore[valid-type]
    status_label: Label
    at: str
    queue: str
    window: int | None
    actor_role: str
    actor_department: str | None
    detail: JSON
    position: int


@strawberry.type(description="来庁 / a counter visit")
class Visit:
    id: str
    queue: str
    department: str
    day: str
    number: int
    ticket: str
    purposes: list[str]
    priority: bool
    arrival: Arrival
    arrival_label: Label
    reservation_id: str | None
    application_id: str | None
    status: VisitStatusEnum  # type: ignore[valid-type]
    status_label: Label
    window: int | None
    recalls: int
    issued_at: str
    updated_at: str
    position: int
    history: list[VisitHistoryItem]

    @classmethod
    def of(cls, v: board_model.VisitView) -> Visit:
        ja, en = ARRIVAL_LABELS[v.arrival]
        return cls(
            id=v.id, queue=v.queue, department=v.department, day=v.day, number=v.number,
            ticket=v.ticket, purposes=v.purposes, priority=v.priority, arrival=Arrival(v.arrival),
            arrival_label=Label(ja=ja, en=en), reservation_id=v.reservation_id,
            application_id=v.application_id, status=VisitStatusEnum(v.status),
            status_label=visit_status_label(v.status), window=v.window, recalls=v.recalls,
            issued_at=v.issued_at, updated_at=v.updated_at, position=v.position,
            history=[
                VisitHistoryItem(
                    event=h.event, status=VisitStatusEnum(h.status),
                    status_label=visit_status_label(h.status), at=h.at, queue=h.queue,
                    window=h.window, actor_role=h.actor_role, actor_department=h.actor_department,
                    detail=h.detail, position=h.position,
                )
                for h in v.history
            ],
        )


@strawberry.type
class TicketPayload:
    id: str = strawberry.field(description="The visit's id (a random UUID: the ticket page's capability)")
    position: int = strawberry.field(
        description="Global position of the command's last event; pass it as atLeastPosition"
    )
    ticket: str = strawberry.field(description="番号札 e.g. A-012")
    queue: str

    @strawberry.field(description="番号札のページ / the ticket page the QR code encodes (/t/{id})")
    def page_url(self, info: strawberry.Info) -> str:
        return ticket_page_url(info.context.container.settings.public_url, self.id)

    @strawberry.field(description="QRコード (SVG) / the QR code of pageUrl, as SVG markup to print")
    def qr_svg(self, info: strawberry.Info) -> str:
        return qr_image(self.page_url(info), "svg").decode("utf-8")

    @strawberry.field(description="QRコード画像のURL (PNG) / the QR code of pageUrl as a PNG image")
    def qr_png_url(self, info: strawberry.Info) -> str:
        return f"{self.page_url(info)}/qr.png"

    @strawberry.field(description="QRコード画像のURL (SVG)")
    def qr_svg_url(self, info: strawberry.Info) -> str:
        return f"{self.page_url(info)}/qr.svg"


@strawberry.input
class IssueTicketInput:
    queue: str
    purposes: list[str] = strawberry.field(default_factory=list,
                                           description="procedure codes (用件)")
    priority: bool = False
    arrival: Arrival = Arrival.WALK_IN
    reservation_id: str | None = None
    application_id: strawberry.ID | None = strawberry.field(
        default=None, description="a pre-application (事前申請) this visit completes")
