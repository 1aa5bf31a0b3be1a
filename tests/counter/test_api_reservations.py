"""Reservations (来庁予約) and the moving-service pre-notice end to end through
GraphQL (and the CLI), on SQLite and PostgreSQL: slots and availability,
booking and cancelling, and a notice imported → 転入届 + reservation → checked in
at the kiosk → staff see the pre-filled answers."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from api.composition import Container
from infra.clock import ManualClock
from tests.builders import ctx
from tests.counter.reservation_builders import at, define_tennyu, notice
from tests.shared.api_fixtures import Catalogue
from tests.shared.api_support import SHIMIN, Gql, error, ok, settled
from tests.shared.test_api_cli import env, run

IDO = "shimin-ido"
DAY = date(2026, 4, 2)  # the test clock starts on 2026-04-01, 09:30 Japan time

SETUP = """
mutation { defineQueue(code: "shimin-ido", department: "shimin", nameJa: "市民課 異動", nameEn: "Moving",
  prefix: "B") { id } defineWindow(number: 3, nameJa: "3番窓口", queues: ["shimin-ido"]) { id } }"""
OPEN = "mutation { openWindow(number: 3) { id } }"
PUBLISH = """
mutation($date: Date!, $slots: [ReservationSlotInput!]!) {
  publishReservationSlots(queue: "shimin-ido", date: $date, slots: $slots) { id position } }"""
SLOTS = """
query($date: Date!, $p: Int) { reservationSlots(queue: "shimin-ido", date: $date, atLeastPosition: $p) {
  start end capacity booked remaining } }"""
MAKE = """
mutation($input: MakeReservationInput!) { makeReservation(input: $input) { id position } }"""
CANCEL = "mutation($id: ID!) { cancelReservation(id: $id, reason: \"予定変更\") { id position } }"
MINE = "query($p: Int) { myReservations(atLeastPosition: $p) { id status statusLabel { ja } slotStart } }"
IMPORT = """
mutation($json: JSON!) { importMovingNotice(json: $json) {
  id position applicationId reservationId slotStart duplicate } }"""
RESERVATION = """
query($id: ID!, $p: Int) { reservation(id: $id, atLeastPosition: $p) {
  id status statusLabel { ja en } source sourceLabel { ja } applicationId visitId ticket inSlot
  holderName slotStart purposes } }"""
ISSUE = """
mutation($id: String!) { issueTicket(input: {queue: "shimin-ido", reservationId: $id}) {
  id position ticket } }"""
CALL = "mutation { callNext(window: 3) { id position ticket } }"
VISIT = "query($id: ID!, $p: Int) { visit(id: $id, atLeastPosition: $p) { arrival applicationId } }"
APPLICATION = """
query($id: ID!, $p: Int) { application(id: $id, atLeastPosition: $p) {
  procedureCode channel applicantName answers } }"""


def slot(hour: int, minute: int, capacity: int) -> dict[str, object]:
    start = at(DAY, hour, minute)
    return {"start": start.isoformat(), "end": (start + timedelta(minutes=30)).isoformat(),
            "capacity": capacity}


@pytest.fixture
def moving_counter(gql: Gql, catalogue: Catalogue, container: Container, admin: str,
                   shimin_staff: str) -> int:
    """市民課 異動 (B) with window 3 open, the 転入届 procedure, and tomorrow's slots
    10:00 (1 seat) and 10:30 (2 seats)."""
    ok(gql(SETUP, admin))
    ok(gql(OPEN, shimin_staff))
    define_tennyu(container, ctx(container.clock))
    return ok(gql(PUBLISH, shimin_staff, date=DAY.isoformat(),
                  slots=[slot(10, 0, 1), slot(10, 30, 2)]))["publishReservationSlots"]["position"]


def test_slots_show_capacity_booked_and_remaining_as_bookings_come_and_go(
        gql: Gql, moving_counter: int, citizen_a: str, citizen_b: str) -> None:
    made = ok(gql(MAKE, citizen_a, input={"queue": IDO, "start": slot(10, 30, 0)["start"]}))["makeReservation"]
    ok(gql(MAKE, None, input={"queue": IDO, "start": slot(10, 30, 0)["start"], "holderName": "下野 花子"}))
    shown = ok(gql(SLOTS, None, date=DAY.isoformat(), p=made["position"] + 1))["reservationSlots"]
    assert [(s["capacity"], s["booked"], s["remaining"]) for s in shown] == [(1, 0, 1), (2, 2, 0)]
    full = error(gql(MAKE, citizen_b, input={"queue": IDO, "start": slot(10, 30, 0)["start"]}))
    assert full["code"] == "SLOT_FULL" and full["messageJa"] == "この予約枠は満員です"
    assert error(gql(CANCEL, citizen_b, id=made["id"]))["code"] == "FORBIDDEN"
    cancelled = ok(gql(CANCEL, citizen_a, id=made["id"]))["cancelReservation"]
    mine = ok(gql(MINE, citizen_a, p=cancelled["position"]))["myReservations"]
    assert [(r["id"], r["status"], r["statusLabel"]["ja"]) for r in mine] == [(made["id"], "CANCELLED", "取消")]
    shown = ok(gql(SLOTS, None, date=DAY.isoformat(), p=cancelled["position"]))["reservationSlots"]
    assert [s["remaining"] for s in shown] == [1, 1]


def test_bad_slots_and_an_unknown_slot_are_refused_naming_the_field(
        gql: Gql, moving_counter: int, shimin_staff: str, zeimu_staff: str) -> None:
    bad = error(gql(PUBLISH, shimin_staff, date=DAY.isoformat(), slots=[slot(10, 0, 0)]))
    assert (bad["code"], bad["field"], bad["rule"]) == ("VALIDATION_FAILED", "slots[0].capacity", "range")
    assert error(gql(PUBLISH, zeimu_staff, date=DAY.isoformat(), slots=[slot(10, 0, 1)]))["code"] == "FORBIDDEN"
    missing = error(gql(MAKE, None, input={"queue": IDO, "start": slot(11, 0, 0)["start"], "holderName": "下野"}))
    assert missing["code"] == "SLOT_NOT_FOUND"


def test_a_moving_notice_becomes_a_prefilled_application_and_a_reservation_staff_see_at_the_counter(
        gql: Gql, moving_counter: int, container: Container, clock: ManualClock, shimin_staff: str) -> None:
    text = json.dumps(notice("MN-2026-000123", DAY), ensure_ascii=False)
    imported = ok(gql(IMPORT, shimin_staff, json=text))["importMovingNotice"]
    assert imported["duplicate"] is False
    assert imported["slotStart"] == "2026-04-02T01:00:00.000000+00:00"  # 10:00, the planned time
    head = settled(container)
    again = ok(gql(IMPORT, shimin_staff, json=notice("MN-2026-000123", DAY)))["importMovingNotice"]
    assert again["duplicate"] is True
    assert (again["applicationId"], again["reservationId"]) == (imported["applicationId"], imported["reservationId"])
    assert settled(container) == head  # nothing recorded by the re-import
    second = ok(gql(IMPORT, shimin_staff, json=notice("MN-2026-000124", DAY)))["importMovingNotice"]
    assert second["slotStart"] == "2026-04-02T01:30:00.000000+00:00"  # 10:00 is full

    clock.set(at(DAY, 9, 50))  # the kiosk scans the reservation 10 minutes early
    ticket = ok(gql(ISSUE, None, id=imported["reservationId"]))["issueTicket"]
    called = ok(gql(CALL, shimin_staff))["callNext"]
    assert called["ticket"] == ticket["ticket"]
    visit = ok(gql(VISIT, shimin_staff, id=called["id"], p=called["position"]))["visit"]
    assert visit == {"arrival": "RESERVATION", "applicationId": imported["applicationId"]}
    application = ok(gql(APPLICATION, shimin_staff, id=visit["applicationId"], p=called["position"]))
    answers = application["application"]["answers"]
    assert application["application"]["procedureCode"] == "tennyu"
    assert application["application"]["applicantName"] == "下野 太郎"
    assert (answers["previousAddress"], answers["newAddress"], answers["householdMembers"]) == (
        "東京都千代田区千代田1-1", "栃木県下野市笹原26", 3)
    reservation = ok(gql(RESERVATION, shimin_staff, id=imported["reservationId"], p=called["position"]))
    shown = reservation["reservation"]
    assert (shown["status"], shown["ticket"], shown["inSlot"], shown["holderName"]) == (
        "CHECKED_IN", ticket["ticket"], True, "下野 太郎")
    assert (shown["source"], shown["sourceLabel"]["ja"]) == ("moving_service", "引越し手続オンラインサービス")
    assert shown["purposes"] == ["tennyu"] and shown["visitId"] == ticket["id"]


def test_an_invalid_notice_is_refused_naming_the_field_and_changes_nothing(
        gql: Gql, moving_counter: int, container: Container, shimin_staff: str, zeimu_staff: str) -> None:
    head = settled(container)
    data = notice("MN-9", DAY)
    data["applicant"]["birthDate"] = "1985/04/01"
    refused = error(gql(IMPORT, shimin_staff, json=data))
    assert (refused["code"], refused["field"], refused["rule"]) == ("VALIDATION_FAILED", "applicant.birthDate", "date")
    broken = error(gql(IMPORT, shimin_staff, json="{not json"))
    assert (broken["code"], broken["field"]) == ("VALIDATION_FAILED", "json")
    no_slot = error(gql(IMPORT, shimin_staff, json=notice("MN-10", DAY + timedelta(days=1))))
    assert no_slot["code"] == "SLOT_FULL"
    assert error(gql(IMPORT, zeimu_staff, json=notice("MN-11", DAY)))["code"] == "FORBIDDEN"
    assert settled(container) == head


def test_the_cli_imports_a_notice_file_once(
        env: dict[str, str], monkeypatch: pytest.MonkeyPatch, gql: Gql, moving_counter: int,
        container: Container, shimin_staff: str, tmp_path) -> None:
    # the CLI runs on the wall clock: plan the visit 30 days from now
    day = date.today() + timedelta(days=30)
    start = at(day, 10)
    ok(gql(PUBLISH, shimin_staff, date=day.isoformat(), slots=[
        {"start": start.isoformat(), "end": (start + timedelta(minutes=30)).isoformat(), "capacity": 1}]))
    path = tmp_path / "notice.json"
    path.write_text(json.dumps(notice("MN-CLI-1", day), ensure_ascii=False), encoding="utf-8")
    first = json.loads(run(env, "moving-notice", "import", str(path), monkeypatch=monkeypatch))
    again = json.loads(run(env, "moving-notice", "import", str(path), monkeypatch=monkeypatch))
    assert (first["duplicate"], again["duplicate"]) == (False, True)
    assert first["reservation_id"] == again["reservation_id"]
    reservation = container.reservations.get(first["reservation_id"])
    assert (reservation.source, reservation.application_id, reservation.day) == (
        "moving_service", first["application_id"], day.isoformat())
    assert reservation.department == SHIMIN


assert env  # the CLI tests' environment fixture, used above
