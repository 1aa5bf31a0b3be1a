"""Reservations (来庁予約) in the domain: slot schedules, capacity, the check-in
window, service order, and the moving-service notice's validation."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest

from domain.counter.moving_notice import parse_notice
from domain.counter.reservations import (
    CHECK_IN_EARLY,
    Reservation,
    ReservationDay,
    SlotFull,
    SlotNotFound,
    SlotPast,
    in_check_in_window,
)
from domain.counter.visits import QueueLine
from domain.shared.context import Actor, CommandContext
from domain.shared.errors import InvalidTransition, ValidationFailed
from tests.counter.reservation_builders import at, notice, slots

DAY = date(2026, 4, 2)
NOW = datetime(2026, 4, 1, 0, 30, tzinfo=UTC)  # 09:30 the day before, Japan time


def ctx(moment: datetime = NOW, actor: Actor | None = None) -> CommandContext:
    return CommandContext(actor or Actor.system(), moment, uuid.uuid4().hex)


def schedule(*hours_capacity: tuple[float, int]) -> ReservationDay:
    day = ReservationDay.open_for(ctx(), "shimin-ido", "shimin", DAY.isoformat())
    day.publish(ctx(), slots(DAY, *hours_capacity))
    return day


def book(day: ReservationDay, hour: float, name: str = "下野 太郎", moment: datetime = NOW) -> Reservation:
    start = at(DAY, int(hour), round((hour % 1) * 60))
    return Reservation.make(ctx(moment), id=uuid.uuid4(), day=day, start=start, purposes=[],
                            holder_subject=None, holder_name=name)


def test_a_slot_takes_bookings_up_to_its_capacity_then_reports_slot_full():
    day = schedule((10, 2))
    book(day, 10)
    book(day, 10)
    with pytest.raises(SlotFull) as full:
        book(day, 10)
    assert full.value.code == "SLOT_FULL" and full.value.message_ja == "この予約枠は満員です"


def test_booking_an_unpublished_or_started_slot_is_refused_with_its_code():
    day = schedule((10, 2))
    with pytest.raises(SlotNotFound) as missing:
        book(day, 11)
    assert missing.value.code == "SLOT_NOT_FOUND"
    with pytest.raises(SlotPast) as past:
        book(day, 10, moment=at(DAY, 10, 5))
    assert past.value.code == "SLOT_PAST"


def test_cancelling_frees_the_seat_and_cannot_happen_twice():
    day = schedule((10, 1))
    reservation = book(day, 10)
    reservation.cancel(ctx(), day, "予定変更")
    assert day.remaining(next(iter(day.slots))) == 1
    book(day, 10)
    with pytest.raises(InvalidTransition):
        reservation.cancel(ctx(), day)


def test_overlapping_slots_and_bad_capacity_are_refused_naming_the_field():
    day = ReservationDay.open_for(ctx(), "shimin-ido", "shimin", DAY.isoformat())
    with pytest.raises(ValidationFailed) as invalid:
        day.publish(ctx(), [*slots(DAY, (10, 2)), (at(DAY, 10, 15), at(DAY, 10, 45), 0)])
    assert {(e.path, e.rule) for e in invalid.value.errors} == {
        ("slots[1].start", "overlap"), ("slots[1].capacity", "range")}


def test_a_booked_slot_cannot_be_removed_or_shrunk_below_its_bookings():
    day = schedule((10, 2), (11, 2))
    book(day, 10)
    book(day, 10)
    with pytest.raises(ValidationFailed) as invalid:
        day.publish(ctx(), slots(DAY, (10, 1), (11, 2)))
    assert invalid.value.errors[0].rule == "below_booked"
    with pytest.raises(ValidationFailed) as removed:
        day.publish(ctx(), slots(DAY, (11, 2)))
    assert removed.value.errors[0].rule == "booked_slot_removed"


def test_the_check_in_window_opens_fifteen_minutes_before_the_slot_and_closes_at_its_end():
    start, end = at(DAY, 10), at(DAY, 10, 30)
    assert CHECK_IN_EARLY == timedelta(minutes=15)
    assert in_check_in_window(start, end, at(DAY, 9, 45))
    assert in_check_in_window(start, end, end)
    assert not in_check_in_window(start, end, at(DAY, 9, 44))
    assert not in_check_in_window(start, end, at(DAY, 10, 31))


def test_an_in_slot_reservation_is_served_after_priority_but_before_earlier_walk_ins():
    line = QueueLine.open_for(ctx(), "shimin-ido", DAY.isoformat())
    walk_in, reserved, priority = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    line.dispense(ctx(at(DAY, 9, 0)), walk_in, priority=False)
    line.dispense(ctx(at(DAY, 9, 50)), reserved, priority=False, in_slot=True)
    assert line.next_waiting()[1] == str(reserved)
    line.dispense(ctx(at(DAY, 9, 55)), priority, priority=True)
    assert line.next_waiting()[1] == str(priority)


def test_a_checked_in_reservation_records_whether_it_was_in_its_slot():
    day = schedule((10, 2))
    early, late = book(day, 10), book(day, 10)
    early.check_in(ctx(at(DAY, 9, 50)), queue="shimin-ido", visit_id=uuid.uuid4(), ticket="B-001")
    late.check_in(ctx(at(DAY, 11)), queue="shimin-ido", visit_id=uuid.uuid4(), ticket="B-002")
    assert (early.in_slot, late.in_slot) == (True, False)
    with pytest.raises(InvalidTransition):
        early.check_in(ctx(at(DAY, 9, 55)), queue="shimin-ido", visit_id=uuid.uuid4(), ticket="B-003")


def test_the_holder_name_is_personal_data_and_no_individual_number_is_accepted():
    day = schedule((10, 2))
    reservation = book(day, 10)
    assert reservation.holder_name is not None and "下野" not in repr(reservation.holder_name)
    with pytest.raises(ValidationFailed) as refused:
        book(day, 10, name="123456789018")
    assert refused.value.errors[0].path == "holderName"


def test_a_moving_notice_is_validated_naming_each_failing_field():
    data = notice("MN-1", DAY)
    data["applicant"]["nameKana"] = "しもつけ"
    data["householdMembers"][1]["birthDate"] = "2016-13-01"
    data["plannedVisit"] = {"date": "2026-03-31"}
    with pytest.raises(ValidationFailed) as invalid:
        parse_notice(data, NOW.date())
    assert {(e.path, e.rule) for e in invalid.value.errors} == {
        ("applicant.nameKana", "script"), ("householdMembers[1].birthDate", "date"),
        ("plannedVisit.date", "not_past")}


def test_a_moving_notice_with_an_individual_number_is_refused_without_echoing_it():
    data = notice("MN-1", DAY, oldAddress="東京都千代田区 123456789018")
    with pytest.raises(ValidationFailed) as invalid:
        parse_notice(data, NOW.date())
    assert invalid.value.errors[0].path == "oldAddress"
    assert "123456789018" not in str(invalid.value.errors)


def test_a_valid_notice_prefills_the_tennyu_answers_with_deterministic_ids():
    parsed = parse_notice(notice("MN-1", DAY), NOW.date())
    assert parsed.tennyu_answers()["householdMembers"] == 3
    assert parsed.tennyu_answers()["visitDate"] == DAY.isoformat()
    assert parsed.application_id == parse_notice(notice("MN-1", DAY), NOW.date()).application_id
    assert parsed.reservation_id != parse_notice(notice("MN-2", DAY), NOW.date()).reservation_id
