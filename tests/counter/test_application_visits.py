"""Counter visits through the service, on SQLite and PostgreSQL: concurrent kiosks,
concurrent windows, one-stop transfer, no-shows, and who may do what."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from api.composition import Container, build_container
from application.counter.visits import VisitService
from application.projection.base import Tables
from domain.counter.visits import Visit, VisitStatus
from domain.shared.context import Actor
from domain.shared.errors import Forbidden, InvalidTransition, NotFound, Unauthenticated, ValidationFailed
from infra.clock import ManualClock
from infra.settings import Settings
from projections.counter import queue_board as board
from tests.builders import ADMIN, citizen, ctx, establish, reading, setup_procedure, staff

SHOMEI, KOKUHO = "shimin-shomei", "hoken-kokuho"
ANON = Actor.anonymous()


def manager(department: str) -> Actor:
    return Actor(f"manager:{department}", "manager", department)


def setup_counter(container: Container, clock: ManualClock) -> None:
    """Queues 市民課 証明 (A) and 保険年金課 国保 (K); window 1 serves 証明, window 2 too,
    window 5 serves 国保; all open."""
    setup_procedure(container, clock)  # department shimin, procedure jumin-hyo
    establish(container, clock, "hoken")
    visits = container.visits
    visits.define_queue(ctx(clock, manager("shimin")), code=SHOMEI, department="shimin",
                        name_ja="市民課 証明", name_en="Certificates", prefix="A")
    visits.define_queue(ctx(clock, ADMIN), code=KOKUHO, department="hoken",
                        name_ja="保険年金課 国保", name_en="National health insurance", prefix="K")
    for number, queue in ((1, SHOMEI), (2, SHOMEI), (5, KOKUHO)):
        visits.define_window(ctx(clock, ADMIN), number=number, name_ja=f"{number}番窓口",
                             queues=[queue])
    visits.open_window(ctx(clock, staff("shimin", "staff:a")), 1)
    visits.open_window(ctx(clock, staff("shimin", "staff:b")), 2)
    visits.open_window(ctx(clock, staff("hoken", "staff:h")), 5)


def run_at_once(count: int, work: Callable[[int], Any]) -> tuple[list[Any], list[BaseException]]:
    barrier = threading.Barrier(count)
    results: list[Any] = [None] * count
    errors: list[BaseException] = []

    def run(i: int) -> None:
        barrier.wait()
        try:
            results[i] = work(i)
        except BaseException as e:
            errors.append(e)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results, errors


def test_twenty_kiosks_at_once_get_numbers_one_to_twenty(
    container: Container, clock: ManualClock
) -> None:
    setup_counter(container, clock)
    results, errors = run_at_once(
        20, lambda i: container.visits.issue_ticket(ctx(clock, ANON), queue=SHOMEI))
    assert not errors, errors
    assert sorted(r.ticket for r in results) == [f"A-{n:03d}" for n in range(1, 21)]
    assert len({r.id for r in results}) == 20
    # strictly increasing in log order: a later position never has a smaller number
    by_position = sorted(results, key=lambda r: r.position)
    assert [r.ticket for r in by_position] == [f"A-{n:03d}" for n in range(1, 21)]


def test_a_ticket_stored_but_whose_answer_was_lost_is_not_issued_twice(
    container: Container, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The connection drops as the ticket commits: the store fails though it took
    effect. The retry finds the visit stored and answers with it, not a second ticket."""
    from domain.shared.errors import Conflict

    setup_counter(container, clock)
    store = container.log.store
    lost: list[int] = []

    def store_then_lose_the_answer(*aggregates: Any) -> int:
        position = store(*aggregates)
        if not lost:
            lost.append(position)
            raise Conflict("the answer of the commit was lost")
        return position

    monkeypatch.setattr(container.log, "store", store_then_lose_the_answer)
    issued = container.visits.issue_ticket(ctx(clock, ANON), queue=SHOMEI)
    monkeypatch.undo()
    assert lost and issued.ticket == "A-001"
    assert container.visits.issue_ticket(ctx(clock, ANON), queue=SHOMEI).ticket == "A-002"  # no orphan A-002
    assert container.visits.get_visit(issued.id).ticket == "A-001"


def test_numbers_restart_each_japan_day_and_are_per_queue(
    container: Container, clock: ManualClock
) -> None:
    setup_counter(container, clock)
    issue = container.visits.issue_ticket
    assert issue(ctx(clock, ANON), queue=SHOMEI).ticket == "A-001"
    assert issue(ctx(clock, ANON), queue=KOKUHO).ticket == "K-001"
    assert issue(ctx(clock, ANON), queue=SHOMEI).ticket == "A-002"
    clock.advance(timedelta(hours=15))  # 00:30 the next day in Japan (15:30 UTC)
    assert issue(ctx(clock, ANON), queue=SHOMEI).ticket == "A-001"


def test_two_windows_calling_at_once_never_get_the_same_ticket(
    container: Container, clock: ManualClock
) -> None:
    setup_counter(container, clock)
    for _ in range(10):
        container.visits.issue_ticket(ctx(clock, ANON), queue=SHOMEI)
        clock.advance(timedelta(seconds=1))
    clerks = {1: staff("shimin", "staff:a"), 2: staff("shimin", "staff:b")}
    results, errors = run_at_once(
        10, lambda i: container.visits.call_next(ctx(clock, clerks[1 + i % 2]), 1 + i % 2))
    assert not errors, errors
    assert sorted(r.ticket for r in results) == [f"A-{n:03d}" for n in range(1, 11)]
    with pytest.raises(NotFound):
        container.visits.call_next(ctx(clock, clerks[1]), 1)


def test_service_order_is_priority_then_arrival(container: Container, clock: ManualClock) -> None:
    setup_counter(container, clock)
    tickets = []
    for priority in (False, False, True, False, True):
        tickets.append(container.visits.issue_ticket(
            ctx(clock, ANON), queue=SHOMEI, priority=priority).ticket)
        clock.advance(timedelta(minutes=1))
    clerk = staff("shimin", "staff:a")
    called = [container.visits.call_next(ctx(clock, clerk), 1).ticket for _ in range(5)]
    assert called == ["A-003", "A-005", "A-001", "A-002", "A-004"]


def test_the_board_shows_service_order_and_now_serving(
    container: Container, clock: ManualClock
) -> None:
    setup_counter(container, clock)
    for priority in (False, True, False):
        container.visits.issue_ticket(ctx(clock, ANON), queue=SHOMEI, priority=priority)
        clock.advance(timedelta(minutes=1))
    called = container.visits.call_next(ctx(clock, staff("shimin", "staff:b")), 2)
    container.engine.catch_up()
    with reading(container) as s:
        view = board.queue_board(s, SHOMEI, "2026-04-01")
    assert view is not None
    assert [t.ticket for t in view.waiting] == ["A-001", "A-003"]
    assert view.queue.waiting_count == 2
    assert [(n.window, n.ticket, n.status) for n in view.now_serving] == [(2, "A-002", "called")]
    assert called.ticket == "A-002"


def test_transfer_keeps_history_and_moves_the_visit_to_the_other_department(
    container: Container, clock: ManualClock
) -> None:
    setup_counter(container, clock)
    shimin_clerk, hoken_clerk = staff("shimin", "staff:a"), staff("hoken", "staff:h")
    visits = container.visits
    # someone already waits at 国保, issued later than our visitor
    visitor = visits.issue_ticket(ctx(clock, citizen("c1")), queue=SHOMEI, purposes=["jumin-hyo"])
    clock.advance(timedelta(minutes=5))
    other = visits.issue_ticket(ctx(clock, ANON), queue=KOKUHO)
    visits.call_next(ctx(clock, shimin_clerk), 1)
    visits.start_service(ctx(clock, shimin_clerk), visitor.id)
    with pytest.raises(Forbidden):  # not yet theirs
        visits.transfer(ctx(clock, hoken_clerk), visitor.id, queue=KOKUHO)
    visits.transfer(ctx(clock, shimin_clerk), visitor.id, queue=KOKUHO, reason="国保の加入")
    visit: Visit = visits.get_visit(visitor.id)
    assert (visit.queue, visit.department, visit.ticket) == (KOKUHO, "hoken", "A-001")
    assert visit.status is VisitStatus.TRANSFERRED
    # the old department may no longer act on it; the new one may
    with pytest.raises(Forbidden):
        visits.cancel(ctx(clock, shimin_clerk), visitor.id)
    called = visits.call_next(ctx(clock, hoken_clerk), 5)
    assert called.id == visitor.id  # arrival is the original issue time (one-stop)
    visits.start_service(ctx(clock, hoken_clerk), visitor.id)
    visits.complete_service(ctx(clock, hoken_clerk), visitor.id, procedures=["jumin-hyo"])
    assert visits.call_next(ctx(clock, hoken_clerk), 5).id == other.id
    container.engine.catch_up()
    with reading(container) as s:
        view = board.get_visit(s, visitor.id)
    assert view is not None and view.status == "completed" and view.department == "hoken"
    assert [h.event for h in view.history] == [
        "TicketIssued", "TicketCalled", "ServiceStarted", "VisitTransferred", "TicketCalled",
        "ServiceStarted", "ServiceCompleted",
    ]
    assert [h.queue for h in view.history][:3] == [SHOMEI] * 3
    assert view.history[3].detail["fromQueue"] == SHOMEI
    assert view.history[-1].detail["procedures"] == ["jumin-hyo"]
    assert view.history[-1].actor_department == "hoken"


def test_a_waiting_transfer_leaves_the_old_line(container: Container, clock: ManualClock) -> None:
    setup_counter(container, clock)
    visits = container.visits
    ticket = visits.issue_ticket(ctx(clock, ANON), queue=SHOMEI)
    visits.transfer(ctx(clock, staff("shimin")), ticket.id, queue=KOKUHO)
    with pytest.raises(NotFound):
        visits.call_next(ctx(clock, staff("shimin", "staff:a")), 1)
    assert visits.call_next(ctx(clock, staff("hoken", "staff:h")), 5).id == ticket.id


def test_a_cancelled_visit_is_not_called(container: Container, clock: ManualClock) -> None:
    setup_counter(container, clock)
    visits = container.visits
    mine = visits.issue_ticket(ctx(clock, citizen("c1")), queue=SHOMEI)
    anon = visits.issue_ticket(ctx(clock, ANON), queue=SHOMEI)
    with pytest.raises(Forbidden):
        visits.cancel(ctx(clock, citizen("c2")), mine.id)
    with pytest.raises(Forbidden):  # an anonymous kiosk ticket belongs to no citizen
        visits.cancel(ctx(clock, citizen("c1")), anon.id)
    visits.cancel(ctx(clock, citizen("c1")), mine.id, "用事ができたため")
    assert visits.call_next(ctx(clock, staff("shimin", "staff:a")), 1).id == anon.id


def test_no_show_after_the_configured_recalls(
    settings: Settings, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MADOGUCHI_MAX_RECALLS", "1")
    configured = Settings(**{k: v for k, v in settings.model_dump().items() if k != "max_recalls"})
    assert configured.max_recalls == 1
    assert Settings().max_recalls == 1
    container = build_container(configured, clock=clock)
    try:
        setup_counter(container, clock)
        visits: VisitService = container.visits
        clerk = staff("shimin", "staff:a")
        ticket = visits.issue_ticket(ctx(clock, ANON), queue=SHOMEI)
        visits.call_next(ctx(clock, clerk), 1)
        with pytest.raises(InvalidTransition):
            visits.mark_no_show(ctx(clock, clerk), ticket.id)
        visits.recall(ctx(clock, clerk), ticket.id)
        with pytest.raises(InvalidTransition):
            visits.recall(ctx(clock, clerk), ticket.id)
        visits.mark_no_show(ctx(clock, clerk), ticket.id)
        assert visits.get_visit(ticket.id).status is VisitStatus.NO_SHOW
    finally:
        container.close()


def test_max_recalls_defaults_to_two(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MADOGUCHI_MAX_RECALLS", raising=False)
    assert Settings().max_recalls == 2


def test_who_may_do_what(container: Container, clock: ManualClock) -> None:
    setup_counter(container, clock)
    visits = container.visits
    with pytest.raises(Forbidden):  # staff define no queues; managers of another department neither
        visits.define_queue(ctx(clock, staff("shimin")), code="x-y", department="shimin",
                            name_ja="x", name_en="x", prefix="X")
    with pytest.raises(Forbidden):
        visits.define_window(ctx(clock, manager("shimin")), number=9, name_ja="9", queues=[KOKUHO])
    with pytest.raises(Forbidden):
        visits.open_window(ctx(clock, staff("hoken")), 1)
    with pytest.raises(Unauthenticated):
        visits.call_next(ctx(clock, ANON), 1)
    with pytest.raises(Forbidden):
        visits.call_next(ctx(clock, staff("hoken", "staff:h")), 1)
    with pytest.raises(ValidationFailed):
        visits.issue_ticket(ctx(clock, ANON), queue="nope")
    with pytest.raises(ValidationFailed) as e:
        visits.issue_ticket(ctx(clock, ANON), queue=SHOMEI, purposes=["no-such-procedure"])
    assert e.value.errors[0].path == "purposes[0]"
    with pytest.raises(Forbidden):  # reception staff issue only for their own department
        visits.issue_ticket(ctx(clock, staff("hoken")), queue=SHOMEI)
    visits.close_window(ctx(clock, staff("shimin", "staff:a")), 1)
    visits.issue_ticket(ctx(clock, ANON), queue=SHOMEI)
    with pytest.raises(InvalidTransition):  # a closed window calls no one
        visits.call_next(ctx(clock, staff("shimin", "staff:a")), 1)


def test_the_queue_board_rebuilds_row_for_row(container: Container, clock: ManualClock) -> None:
    setup_counter(container, clock)
    visits = container.visits
    clerk, hoken_clerk = staff("shimin", "staff:a"), staff("hoken", "staff:h")
    ids = [visits.issue_ticket(ctx(clock, ANON), queue=SHOMEI, priority=i == 1).id for i in range(4)]
    visits.call_next(ctx(clock, clerk), 1)
    visits.start_service(ctx(clock, clerk), ids[1])
    visits.transfer(ctx(clock, clerk), ids[1], queue=KOKUHO)
    visits.call_next(ctx(clock, clerk), 1)
    visits.recall(ctx(clock, clerk), ids[0])
    visits.cancel(ctx(clock, clerk), ids[3])
    visits.call_next(ctx(clock, hoken_clerk), 5)
    container.engine.catch_up()
    queue_board = next(p for p in container.projections if p.name == board.QueueBoard.name)

    def rows(generation: int) -> dict[str, list[tuple]]:
        out = {}
        with container.views.read() as cur:
            for logical, physical in Tables(queue_board.tables, generation).items():
                cur.execute(f"SELECT * FROM {physical}")
                out[logical] = sorted(cur.fetchall(), key=repr)
        return out

    [live] = [s.generation for s in container.engine.status() if s.name == queue_board.name]
    before = rows(live)
    assert len(before["board_history"]) == 11
    rebuilt = container.engine.rebuild(queue_board.name, grace=0)
    assert rebuilt > live and rows(rebuilt) == before
