"""Counter visits in the domain: ticket numbers, the visit's state machine (every
move not in the table is refused), queues, windows, and a queue's day line."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from domain.counter.queues import Queue
from domain.counter.visits import (
    VISIT_STATUS_AFTER_EVENT,
    VISIT_TRANSITIONS,
    QueueLine,
    Visit,
    VisitStatus,
    line_id,
    parse_ticket,
    ticket_number,
)
from domain.counter.windows import Window
from domain.shared.context import Actor, CommandContext
from domain.shared.errors import InvalidTransition, ValidationFailed

T0 = datetime(2026, 4, 1, 0, 30, tzinfo=UTC)  # 09:30 in Japan
MAX_RECALLS = 2


def ctx(at: datetime = T0, actor: Actor | None = None) -> CommandContext:
    return CommandContext(actor or Actor("staff:1", "staff", "shimin"), at, uuid.uuid4().hex)


def test_ticket_numbers_are_prefix_and_three_digits() -> None:
    assert ticket_number("A", 1) == "A-001"
    assert ticket_number("A", 12) == "A-012"
    assert ticket_number("B", 999) == "B-999"
    assert ticket_number("B", 1000) == "B-1000"
    assert parse_ticket("A-012") == ("A", 12)
    for prefix, number in (("a", 1), ("AB", 1), ("A", 0)):
        with pytest.raises(ValueError):
            ticket_number(prefix, number)
    with pytest.raises(ValueError):
        parse_ticket("A12")


def test_line_ids_are_per_queue_and_japan_day() -> None:
    assert line_id("shomei", "2026-04-01") == line_id("shomei", "2026-04-01")
    assert line_id("shomei", "2026-04-01") != line_id("shomei", "2026-04-02")
    assert line_id("shomei", "2026-04-01") != line_id("ido", "2026-04-01")
    # 23:30 UTC on 31 March is 08:30 on 1 April in Japan
    assert ctx(datetime(2026, 3, 31, 23, 30, tzinfo=UTC)).today.isoformat() == "2026-04-01"


def test_queue_and_window_definitions_are_validated() -> None:
    with pytest.raises(ValidationFailed) as e:
        Queue.define(ctx(), code="X", department="shimin", name_ja="", name_en="x", prefix="ab")
    assert {x.path for x in e.value.errors} == {"code", "nameJa", "prefix"}
    queue = Queue.define(ctx(), code="shomei", department="shimin", name_ja="市民課 証明",
                         name_en="Certificates", prefix="A")
    with pytest.raises(ValidationFailed) as e:
        Window.define(ctx(), number=0, name_ja="1番窓口", queues=[queue, queue])
    assert {x.path for x in e.value.errors} == {"number", "queues"}
    window = Window.define(ctx(), number=1, name_ja="1番窓口", queues=[queue])
    assert window.departments == ["shimin"] and not window.open
    with pytest.raises(InvalidTransition):
        window.close(ctx())
    window.open_by(ctx())
    assert window.open and window.staff == "staff:1"
    with pytest.raises(InvalidTransition):
        window.open_by(ctx())
    window.close(ctx())
    assert not window.open


def issued(**overrides: object) -> Visit:
    kwargs: dict = {"id": uuid.uuid4(), "queue": "shomei", "department": "shimin", "prefix": "A",
                    "number": 1, "purposes": ["jumin-hyo"], "priority": False, "arrival": "walk_in"}
    kwargs.update(overrides)
    return Visit.issue(ctx(), **kwargs)


def test_issue_validates_arrival_and_purposes() -> None:
    with pytest.raises(ValidationFailed) as e:
        issued(arrival="bus")
    assert e.value.errors[0].path == "arrival"
    with pytest.raises(ValidationFailed) as e:
        issued(arrival="reservation")
    assert e.value.errors[0].path == "reservationId"
    with pytest.raises(ValidationFailed):
        issued(purposes=["a", "a"])
    visit = issued(arrival="reservation", reservation_id="R-1", number=12)
    assert visit.ticket == "A-012" and visit.status is VisitStatus.WAITING
    assert visit.day == "2026-04-01"


# how to drive a waiting visit to each status
def _to(status: VisitStatus) -> Visit:
    visit = issued()
    steps = {
        VisitStatus.WAITING: [],
        VisitStatus.CALLED: ["call"],
        VisitStatus.SERVING: ["call", "start"],
        VisitStatus.COMPLETED: ["call", "start", "complete"],
        VisitStatus.NO_SHOW: ["call", "recall", "recall", "no_show"],
        VisitStatus.CANCELLED: ["cancel"],
        VisitStatus.TRANSFERRED: ["transfer"],
    }[status]
    for step in steps:
        _do(visit, step)
    assert visit.status is status
    return visit


def _do(visit: Visit, action: str) -> None:
    c = ctx()
    if action == "call":
        visit.call(c, 1)
    elif action == "recall":
        visit.recall(c, MAX_RECALLS)
    elif action == "no_show":
        visit.mark_no_show(c, MAX_RECALLS)
    elif action == "start":
        visit.start_service(c)
    elif action == "complete":
        visit.complete(c, ["jumin-hyo"], [])
    elif action == "transfer":
        other = "ido" if visit.queue != "ido" else "hoken"
        visit.transfer(c, to_queue=other, to_department="hoken", reason="")
    elif action == "cancel":
        visit.cancel(c, "")


# the status each action leads to, and which statuses allow it
ACTIONS = {
    "call": (VisitStatus.CALLED, {VisitStatus.WAITING, VisitStatus.TRANSFERRED}),
    "recall": (VisitStatus.CALLED, {VisitStatus.CALLED}),
    "no_show": (VisitStatus.NO_SHOW, set()),  # needs MAX_RECALLS recalls first (below)
    "start": (VisitStatus.SERVING, {VisitStatus.CALLED}),
    "complete": (VisitStatus.COMPLETED, {VisitStatus.SERVING}),
    "transfer": (VisitStatus.TRANSFERRED, {VisitStatus.WAITING, VisitStatus.TRANSFERRED,
                                           VisitStatus.CALLED, VisitStatus.SERVING}),
    "cancel": (VisitStatus.CANCELLED, {VisitStatus.WAITING, VisitStatus.TRANSFERRED,
                                       VisitStatus.CALLED}),
}


@pytest.mark.parametrize("status", list(VisitStatus))
@pytest.mark.parametrize("action", list(ACTIONS))
def test_every_move_outside_the_table_is_refused(status: VisitStatus, action: str) -> None:
    to, allowed_from = ACTIONS[action]
    visit = _to(status)
    if status in allowed_from:
        _do(visit, action)
        assert visit.status is to
        assert to in VISIT_TRANSITIONS[status]
    else:
        version = visit.version
        with pytest.raises(InvalidTransition):
            _do(visit, action)
        assert visit.version == version


def test_the_table_matches_the_events_and_final_statuses() -> None:
    assert set(VISIT_STATUS_AFTER_EVENT.values()) == set(VisitStatus)
    assert {s for s in VisitStatus if s.is_final} == {
        VisitStatus.COMPLETED, VisitStatus.NO_SHOW, VisitStatus.CANCELLED}
    assert VisitStatus.WAITING.label_ja == "待ち" and VisitStatus.SERVING.label_ja == "対応中"
    assert [s.label_ja for s in VisitStatus] == ["待ち", "呼出中", "対応中", "完了", "不在", "取消", "転送"]


def test_no_show_only_after_the_configured_recalls_and_no_more_recalls() -> None:
    visit = _to(VisitStatus.CALLED)
    with pytest.raises(InvalidTransition):
        visit.mark_no_show(ctx(), MAX_RECALLS)
    visit.recall(ctx(), MAX_RECALLS)
    with pytest.raises(InvalidTransition):
        visit.mark_no_show(ctx(), MAX_RECALLS)
    visit.recall(ctx(), MAX_RECALLS)
    assert visit.recalls == 2
    with pytest.raises(InvalidTransition):
        visit.recall(ctx(), MAX_RECALLS)
    visit.mark_no_show(ctx(), MAX_RECALLS)
    assert visit.status is VisitStatus.NO_SHOW
    zero = _to(VisitStatus.CALLED)
    zero.mark_no_show(ctx(), 0)  # with no recalls configured, at once
    assert zero.status is VisitStatus.NO_SHOW


def test_transfer_keeps_the_visit_and_moves_it() -> None:
    visit = _to(VisitStatus.SERVING)
    with pytest.raises(ValidationFailed):
        visit.transfer(ctx(), to_queue="shomei", to_department="shimin")
    visit.transfer(ctx(), to_queue="kokuho", to_department="hoken", reason="国保の手続き")
    assert (visit.queue, visit.department, visit.ticket) == ("kokuho", "hoken", "A-001")
    assert visit.queues == ["shomei", "kokuho"]
    assert visit.window is None and visit.status is VisitStatus.TRANSFERRED


def test_the_line_dispenses_increasing_numbers_and_serves_priority_then_arrival() -> None:
    line = QueueLine.open_for(ctx(), "shomei", "2026-04-01")
    ids = [uuid.uuid4() for _ in range(4)]
    numbers = [
        line.dispense(ctx(T0 + timedelta(minutes=i)), vid, priority=(i == 2))
        for i, vid in enumerate(ids)
    ]
    assert numbers == [1, 2, 3, 4]
    order = []
    while (nxt := line.next_waiting()) is not None:
        order.append(nxt[1])
        line.leave(ctx(), uuid.UUID(nxt[1]), "called")
    assert order == [str(ids[2]), str(ids[0]), str(ids[1]), str(ids[3])]
    assert line.dispense(ctx(), uuid.uuid4(), False) == 5
