"""Online applications — staff review and citizen queries: a citizen's own list
(``myApplications``), the inbox's filters (procedure, age, overdue), the 問い合わせ
thread (``postApplicationMessage``, ``Application.messages``) and possible
duplicates (``Application.possibleDuplicateOf``)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from infra.clock import ManualClock
from tests.shared.api_support import ACCOUNT, COUNTER, SIMPLE, SUBMIT, Gql, confirm_email, error, ok, submission

MY_NUMBER = "123456789018"

MINE = """
query($status: ApplicationStatus, $at: Int, $after: String) {
  myApplications(first: 10, status: $status, atLeastPosition: $at, after: $after) {
    totalCount pageInfo { endCursor hasNextPage }
    nodes { id procedureCode status statusLabel { ja en } timeline { status event } }
  }
}"""
INBOX = """
query($p: String, $days: Int, $overdue: Boolean! = false, $at: Int) {
  applications(procedureCode: $p, olderThanDays: $days, overdueOnly: $overdue, atLeastPosition: $at, first: 50) {
    totalCount nodes { id procedureCode overdue possibleDuplicateOf }
  }
}"""
POST = "mutation($id: ID!, $body: String!) { postApplicationMessage(id: $id, body: $body) { id position } }"
THREAD = """
query($id: ID!, $at: Int) {
  application(id: $id, atLeastPosition: $at) { id messages { authorRole at body } }
}"""
DUPLICATES = "query($id: ID!, $at: Int) { application(id: $id, atLeastPosition: $at) { possibleDuplicateOf } }"
RECEIVE = "mutation($id: ID!) { receiveApplication(id: $id) { id position } }"
APPROVE = "mutation($id: ID!) { approveApplication(id: $id) { id position } }"


def _submit(gql: Gql, who: str | None, **overrides: Any) -> dict[str, Any]:
    return ok(gql(SUBMIT, who, input=submission(**overrides)))["submitApplication"]


def test_my_applications_are_the_callers_own_newest_first(
    gql: Gql, catalogue, clock: ManualClock, citizen_a: str, citizen_b: str, shimin_staff: str,
) -> None:
    first = _submit(gql, citizen_a)
    clock.advance(timedelta(minutes=5))
    second = _submit(gql, citizen_a, procedureCode=ACCOUNT, answers={"copies": 1})
    clock.advance(timedelta(minutes=5))
    other = _submit(gql, citizen_b)
    received = ok(gql(RECEIVE, shimin_staff, id=first["id"]))["receiveApplication"]
    at = max(received["position"], other["position"])

    page = ok(gql(MINE, citizen_a, at=at))["myApplications"]
    assert [n["id"] for n in page["nodes"]] == [second["id"], first["id"]]
    assert page["totalCount"] == 2
    by_id = {n["id"]: n for n in page["nodes"]}
    assert by_id[first["id"]]["status"] == "RECEIVED"
    assert by_id[first["id"]]["statusLabel"]["ja"]
    assert [e["event"] for e in by_id[first["id"]]["timeline"]] == ["ApplicationSubmitted", "ApplicationReceived"]

    submitted = ok(gql(MINE, citizen_a, status="SUBMITTED"))["myApplications"]
    assert [n["id"] for n in submitted["nodes"]] == [second["id"]]
    assert [n["id"] for n in ok(gql(MINE, citizen_b))["myApplications"]["nodes"]] == [other["id"]]

    assert error(gql(MINE, shimin_staff))["code"] == "FORBIDDEN"
    assert error(gql(MINE, None))["code"] == "UNAUTHENTICATED"


def test_inbox_filters_by_procedure_age_and_overdue(
    gql: Gql, catalogue, clock: ManualClock, shimin_staff: str, citizen_a: str,
) -> None:
    old = _submit(gql, citizen_a)  # processing_days 3
    clock.advance(timedelta(days=2))
    counter = _submit(gql, shimin_staff, procedureCode=COUNTER, channel="COUNTER", answers={"copies": 1})
    clock.advance(timedelta(days=2))  # `old` is 4 days old and overdue
    approved = _submit(gql, citizen_a, answers={"copies": 3, "address": "栃木県下野市"})
    ok(gql(RECEIVE, shimin_staff, id=approved["id"]))
    at = ok(gql(APPROVE, shimin_staff, id=approved["id"]))["approveApplication"]["position"]

    def ids(**variables: Any) -> set[str]:
        return {n["id"] for n in ok(gql(INBOX, shimin_staff, at=at, **variables))["applications"]["nodes"]}

    assert ids() == {old["id"], counter["id"], approved["id"]}
    assert ids(p=SIMPLE) == {old["id"], approved["id"]}
    assert ids(p=COUNTER) == {counter["id"]}
    assert ids(days=3) == {old["id"]}
    assert ids(days=1) == {old["id"], counter["id"]}
    assert ids(days=0) == {old["id"], counter["id"]}  # submitted before now
    assert ids(overdue=True) == {old["id"]}
    clock.advance(timedelta(days=5))  # everything is past due; the approved one is not pending
    assert ids(overdue=True) == {old["id"], counter["id"]}
    assert ids(overdue=True, p=COUNTER) == {counter["id"]}
    nodes = ok(gql(INBOX, shimin_staff, overdue=True))["applications"]["nodes"]
    assert all(n["overdue"] for n in nodes)
    assert error(gql(INBOX, shimin_staff, days=-1))["code"] == "VALIDATION_FAILED"


def test_the_thread_is_for_the_applicant_and_the_department(
    gql: Gql, catalogue, container, clock: ManualClock, citizen_a: str, citizen_b: str, shimin_staff: str,
    zeimu_staff: str, auditor: str,
) -> None:
    app = _submit(gql, citizen_a)
    ok(gql(POST, citizen_a, id=app["id"], body="  窓口での受け取りは可能ですか？ "))
    clock.advance(timedelta(minutes=3))
    reply = ok(gql(POST, shimin_staff, id=app["id"], body="はい、市民課窓口で受け取れます。"))
    at = reply["postApplicationMessage"]["position"]

    for who in (citizen_a, shimin_staff):
        messages = ok(gql(THREAD, who, id=app["id"], at=at))["application"]["messages"]
        assert [(m["authorRole"], m["body"]) for m in messages] == [
            ("citizen", "窓口での受け取りは可能ですか？"), ("staff", "はい、市民課窓口で受け取れます。")]
        assert messages[0]["at"] < messages[1]["at"]

    # nobody else reads or writes it
    assert error(gql(THREAD, citizen_b, id=app["id"]))["code"] == "FORBIDDEN"
    assert error(gql(THREAD, zeimu_staff, id=app["id"]))["code"] == "FORBIDDEN"
    auditor_view = gql(THREAD, auditor, id=app["id"])
    assert {e["extensions"]["code"] for e in auditor_view["errors"]} == {"FORBIDDEN"}
    for who, code in ((citizen_b, "FORBIDDEN"), (zeimu_staff, "FORBIDDEN"), (None, "UNAUTHENTICATED")):
        assert error(gql(POST, who, id=app["id"], body="?"))["code"] == code

    # the body: 1–2000 characters, no individual number
    for body, rule in (("", "required"), ("   ", "required"), ("あ" * 2001, "max_length"),
                       (f"番号は {MY_NUMBER} です", "individual_number")):
        ext = error(gql(POST, citizen_a, id=app["id"], body=body))
        assert (ext["code"], ext["field"], ext["rule"]) == ("VALIDATION_FAILED", "body", rule)
    ok(gql(POST, citizen_a, id=app["id"], body="あ" * 2000))

    # an anonymous application's thread is the department's only
    anonymous = _submit(gql, None, contactEmail="hanako@example.jp")
    confirm_email(gql, container, anonymous["id"])
    ok(gql(POST, shimin_staff, id=anonymous["id"], body="ご連絡先をお知らせください。"))
    assert error(gql(POST, citizen_a, id=anonymous["id"], body="?"))["code"] == "FORBIDDEN"


def test_possible_duplicates_within_24_hours(
    gql: Gql, catalogue, container, clock: ManualClock, citizen_a: str, citizen_b: str, shimin_staff: str,
) -> None:
    first = _submit(gql, citizen_a)
    clock.advance(timedelta(hours=23))
    again = _submit(gql, citizen_a)  # same procedure, same answers, within 24 h
    different = _submit(gql, citizen_a, answers={"copies": 3, "address": "栃木県下野市笹原26"})
    other_person = _submit(gql, citizen_b)
    clock.advance(timedelta(hours=25))
    later = _submit(gql, citizen_a)  # 48 h after the first, 25 h after `again`
    e1 = _submit(gql, None, contactEmail="Hanako@Example.jp")
    e2 = _submit(gql, None, contactEmail=" hanako@example.jp ")
    e3 = _submit(gql, None, contactEmail="taro@example.jp")
    at = max(confirm_email(gql, container, e["id"])["position"] for e in (e1, e2, e3))

    def dups(app: dict[str, Any]) -> list[str]:
        return ok(gql(DUPLICATES, shimin_staff, id=app["id"], at=at))["application"]["possibleDuplicateOf"]

    assert dups(first) == []
    assert dups(again) == [first["id"]]
    assert dups(different) == []
    assert dups(other_person) == []
    assert dups(later) == []
    assert dups(e1) == [] and dups(e2) == [e1["id"]] and dups(e3) == []

    nodes = ok(gql(INBOX, shimin_staff, at=at))["applications"]["nodes"]
    flagged = {n["id"]: n["possibleDuplicateOf"] for n in nodes if n["possibleDuplicateOf"]}
    assert flagged == {again["id"]: [first["id"]], e2["id"]: [e1["id"]]}
