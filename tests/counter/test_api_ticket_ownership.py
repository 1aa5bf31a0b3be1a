"""``issueTicket`` checks in only a reservation, and links only an application,
the caller may use: a citizen their own; reception staff of the queue's
department any; an anonymous kiosk only one nobody signed in for. "Not yours"
and "no such id" get the same answer, so ids cannot be probed."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests.counter.test_api_reservations import IDO, MAKE, moving_counter, slot  # noqa: F401 — fixture
from tests.shared.api_support import SUBMIT, Gql, error, ok, submission

ISSUE = """
mutation($input: IssueTicketInput!) { issueTicket(input: $input) { id ticket } }"""


def _issue(gql: Gql, who: str | None, **fields: Any) -> dict[str, Any]:
    return gql(ISSUE, who, input={"queue": IDO, **fields})


def _refusal(result: dict[str, Any]) -> tuple[str, str]:
    refused = error(result)
    assert result["data"] is None
    return refused["code"], result["errors"][0]["message"]


@pytest.mark.usefixtures("moving_counter")
def test_a_citizen_cannot_check_in_another_citizens_reservation(
        gql: Gql, citizen_a: str, citizen_b: str, shimin_staff: str) -> None:
    mine = ok(gql(MAKE, citizen_a, input={"queue": IDO, "start": slot(10, 30, 0)["start"]}))["makeReservation"]
    unknown = _refusal(_issue(gql, citizen_b, reservationId=str(uuid.uuid4())))
    assert unknown[0] == "RESERVATION_NOT_FOUND"
    assert _refusal(_issue(gql, citizen_b, reservationId=mine["id"])) == unknown
    assert _refusal(_issue(gql, None, reservationId=mine["id"])) == unknown  # a kiosk nobody signed in to
    assert ok(_issue(gql, citizen_a, reservationId=mine["id"]))["issueTicket"]["ticket"]


@pytest.mark.usefixtures("moving_counter")
def test_reception_staff_check_in_a_citizens_reservation(
        gql: Gql, citizen_a: str, shimin_staff: str) -> None:
    mine = ok(gql(MAKE, citizen_a, input={"queue": IDO, "start": slot(10, 30, 0)["start"]}))["makeReservation"]
    assert ok(_issue(gql, shimin_staff, reservationId=mine["id"]))["issueTicket"]["ticket"]


@pytest.mark.usefixtures("moving_counter")
def test_an_anonymous_reservation_is_checked_in_by_its_id_at_a_kiosk(gql: Gql) -> None:
    made = ok(gql(MAKE, None, input={"queue": IDO, "start": slot(10, 30, 0)["start"],
                                     "holderName": "下野 花子"}))["makeReservation"]
    assert ok(_issue(gql, None, reservationId=made["id"]))["issueTicket"]["ticket"]


@pytest.mark.usefixtures("moving_counter")
def test_a_ticket_links_only_the_callers_own_application_and_reveals_no_ids(
        gql: Gql, catalogue, citizen_a: str, citizen_b: str, shimin_staff: str) -> None:
    theirs = ok(gql(SUBMIT, citizen_a, input=submission(catalogue.simple)))["submitApplication"]["id"]
    unknown = _refusal(_issue(gql, citizen_b, applicationId=str(uuid.uuid4())))
    assert unknown[0] == "NOT_FOUND"
    assert _refusal(_issue(gql, citizen_b, applicationId=theirs)) == unknown
    assert _refusal(_issue(gql, None, applicationId=theirs)) == unknown
    assert _refusal(_issue(gql, citizen_b, applicationId="not-a-uuid")) == unknown
    assert ok(_issue(gql, citizen_a, applicationId=theirs))["issueTicket"]["ticket"]
    assert ok(_issue(gql, shimin_staff, applicationId=theirs))["issueTicket"]["ticket"]
