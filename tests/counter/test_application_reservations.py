"""Reservations (来庁予約) through the services, on SQLite and PostgreSQL: capacity
under concurrent bookings, check-in at the kiosk and the service order, and the
availability read model."""

from __future__ import annotations

from datetime import date

import pytest

from api.composition import Container
from application.projection.base import Tables
from domain.counter.reservations import ReservationStatus, SlotFull, SlotPast
from domain.shared.context import Actor
from domain.shared.errors import Forbidden, ValidationFailed
from infra.clock import ManualClock
from projections.counter import queue_board as board
from projections.counter import reservation_slots as model
from projections.counter import wait_prediction as wait
from tests.builders import ADMIN, citizen, ctx, establish, reading, staff
from tests.counter.reservation_builders import at, slots
from tests.counter.test_application_visits import run_at_once

IDO = "shimin-ido"
TODAY = date(2026, 4, 1)  # the test clock starts at 09:30 Japan time
ANON = Actor.anonymous()


def setup_queue(container: Container, clock: ManualClock, *hours_capacity: tuple[float, int]) -> None:
    """市民課 異動 (B), window 3 open, and today's slots."""
    establish(container, clock, "shimin")
    container.visits.define_queue(ctx(clock, ADMIN), code=IDO, department="shimin",
                                  name_ja="市民課 異動", name_en="Moving", prefix="B")
    container.visits.define_window(ctx(clock, ADMIN), number=3, name_ja="3番窓口", queues=[IDO])
    container.visits.open_window(ctx(clock, staff("shimin", "staff:a")), 3)
    container.reservations.publish_slots(ctx(clock, staff("shimin")), queue=IDO, day=TODAY,
                                         slots=slots(TODAY, *hours_capacity))


def reserve(container: Container, clock: ManualClock, hour: float, who: Actor = ANON) -> str:
    start = at(TODAY, int(hour), round((hour % 1) * 60))
    return container.reservations.make(ctx(clock, who), queue=IDO, start=start,
                                       holder_name=None if who.role == "citizen" else "下野 太郎").id


def test_concurrent_bookings_of_the_last_seat_let_exactly_one_win(container, clock):
    setup_queue(container, clock, (11, 3))
    reserve(container, clock, 11)
    reserve(container, clock, 11)
    results, errors = run_at_once(6, lambda i: reserve(container, clock, 11))
    assert len([r for r in results if r]) == 1
    assert len(errors) == 5 and all(isinstance(e, SlotFull) for e in errors), errors
    container.engine.catch_up()
    with reading(container) as session:
        (slot,) = model.slots(session, IDO, TODAY.isoformat())
    assert (slot.capacity, slot.booked, slot.remaining) == (3, 3, 0)


def test_availability_counts_bookings_and_cancellations_per_slot(container, clock):
    setup_queue(container, clock, (10, 2), (10.5, 1), (11, 4))
    first = reserve(container, clock, 10, citizen("citizen-1"))
    reserve(container, clock, 10)
    reserve(container, clock, 11)
    container.reservations.cancel(ctx(clock, citizen("citizen-1")), first, "都合がつかない")
    container.engine.catch_up()
    with reading(container) as session:
        numbers = [(s.start, s.capacity, s.booked, s.remaining)
                   for s in model.slots(session, IDO, TODAY.isoformat())]
        mine = model.holder_reservations(session, "citizen-1")
    assert numbers == [
        ("2026-04-01T01:00:00.000000+00:00", 2, 1, 1),
        ("2026-04-01T01:30:00.000000+00:00", 1, 0, 1),
        ("2026-04-01T02:00:00.000000+00:00", 4, 1, 3),
    ]
    assert [(r.id, r.status) for r in mine] == [(first, "cancelled")]


def test_a_reservation_is_cancelled_only_by_its_holder_or_the_department(container, clock):
    setup_queue(container, clock, (10, 2))
    mine = reserve(container, clock, 10, citizen("citizen-1"))
    with pytest.raises(Forbidden):
        container.reservations.cancel(ctx(clock, citizen("citizen-2")), mine)
    with pytest.raises(Forbidden):
        container.reservations.cancel(ctx(clock, staff("zeimu")), mine)
    container.reservations.cancel(ctx(clock, staff("shimin")), mine)
    assert container.reservations.get(mine).status is ReservationStatus.CANCELLED


def test_a_started_slot_cannot_be_booked(container, clock):
    setup_queue(container, clock, (9.5, 2))
    with pytest.raises(SlotPast):
        reserve(container, clock, 9.5)


def test_in_slot_reserved_visitor_is_served_before_earlier_walk_ins(container, clock):
    setup_queue(container, clock, (10, 2))
    reservation = reserve(container, clock, 10)
    walk_ins = [container.visits.issue_ticket(ctx(clock, ANON), queue=IDO) for _ in range(2)]
    clock.set(at(TODAY, 9, 50))  # within 15 minutes before 10:00
    reserved = container.visits.issue_ticket(ctx(clock, ANON), queue=IDO, reservation_id=reservation)
    container.engine.catch_up()
    with reading(container) as session:
        shown = board.queue_board(session, IDO, TODAY.isoformat())
        visit = board.get_visit(session, reserved.id)
        predicted = wait.queue_predictions(session, IDO)
    assert [p.visit_id for p in predicted] == [t.visit_id for t in shown.waiting]  # the same order
    assert [t.ticket for t in shown.waiting] == [reserved.ticket, walk_ins[0].ticket, walk_ins[1].ticket]
    assert (visit.arrival, visit.reservation_id) == ("reservation", reservation)
    checked_in = container.reservations.get(reservation)
    assert (checked_in.status, checked_in.ticket, checked_in.in_slot) == (
        ReservationStatus.CHECKED_IN, reserved.ticket, True)
    called = container.visits.call_next(ctx(clock, staff("shimin", "staff:a")), 3)
    assert called.id == reserved.id


def test_a_late_reserved_visitor_is_served_as_a_walk_in(container, clock):
    setup_queue(container, clock, (10, 2))
    reservation = reserve(container, clock, 10)
    clock.set(at(TODAY, 10, 45))  # the 10:00-10:30 slot has ended
    walk_in = container.visits.issue_ticket(ctx(clock, ANON), queue=IDO)
    late = container.visits.issue_ticket(ctx(clock, ANON), queue=IDO, reservation_id=reservation)
    assert container.reservations.get(reservation).in_slot is False
    container.engine.catch_up()
    with reading(container) as session:
        shown = board.queue_board(session, IDO, TODAY.isoformat())
    assert [t.ticket for t in shown.waiting] == [walk_in.ticket, late.ticket]
    assert container.visits.call_next(ctx(clock, staff("shimin", "staff:a")), 3).id == walk_in.id


def test_a_reservation_checks_in_once_and_only_in_its_queue(container, clock):
    setup_queue(container, clock, (10, 2))
    container.visits.define_queue(ctx(clock, ADMIN), code="shimin-shomei", department="shimin",
                                  name_ja="市民課 証明", name_en="Certificates", prefix="A")
    reservation = reserve(container, clock, 10)
    with pytest.raises(ValidationFailed) as wrong_queue:
        container.visits.issue_ticket(ctx(clock, ANON), queue="shimin-shomei", reservation_id=reservation)
    assert wrong_queue.value.errors[0].path == "reservationId"
    container.visits.issue_ticket(ctx(clock, ANON), queue=IDO, reservation_id=reservation)
    with pytest.raises(Exception) as twice:
        container.visits.issue_ticket(ctx(clock, ANON), queue=IDO, reservation_id=reservation)
    assert getattr(twice.value, "code", None) == "INVALID_TRANSITION"


def test_an_unknown_reservation_is_reported_with_its_code(container, clock):
    setup_queue(container, clock, (10, 2))
    with pytest.raises(Exception) as missing:
        container.visits.issue_ticket(ctx(clock, ANON), queue=IDO, reservation_id="no-such-id")
    assert getattr(missing.value, "code", None) == "RESERVATION_NOT_FOUND"


def test_the_reservation_read_model_rebuilds_row_for_row(container, clock):
    setup_queue(container, clock, (10, 2), (11, 1))
    first = reserve(container, clock, 10, citizen("citizen-1"))
    reserve(container, clock, 10)
    reserve(container, clock, 11)
    container.reservations.cancel(ctx(clock, citizen("citizen-1")), first)
    container.reservations.publish_slots(ctx(clock, staff("shimin")), queue=IDO, day=TODAY,
                                         slots=slots(TODAY, (10, 3), (11, 1), (12, 2)))
    clock.set(at(TODAY, 11, 50))
    container.visits.issue_ticket(ctx(clock, ANON), queue=IDO,
                                  reservation_id=reserve(container, clock, 12))
    container.engine.catch_up()
    projection = next(p for p in container.projections if p.name == model.ReservationSlots.name)

    def rows(generation: int) -> dict[str, list[tuple]]:
        out = {}
        with container.views.read() as cur:
            for logical, physical in Tables(projection.tables, generation).items():
                cur.execute(f"SELECT * FROM {physical}")
                out[logical] = sorted(cur.fetchall(), key=repr)
        return out

    [live] = [s.generation for s in container.engine.status() if s.name == projection.name]
    before = rows(live)
    assert [(r[2], r[4], r[5]) for r in sorted(before["rsv_slots"], key=lambda r: r[2])] == [
        ("2026-04-01T01:00:00.000000+00:00", 3, 1), ("2026-04-01T02:00:00.000000+00:00", 1, 1),
        ("2026-04-01T03:00:00.000000+00:00", 2, 1)]
    rebuilt = container.engine.rebuild(projection.name, grace=0)
    assert rebuilt > live and rows(rebuilt) == before
