"""The audit trail: ``auditEvents`` (decoded events with metadata, personal data
redacted without the ``pii`` scope), the personal-data access log (every showing
of personal data is recorded before it is returned, and queryable), and request
ids (recorded on events, echoed in responses)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from eventsourcing.persistence import OperationalError
from fastapi.testclient import TestClient

from api.composition import Container
from application.audit.trail import REDACTED
from infra.clock import ManualClock
from projections.audit.index import AuditIndex
from tests.shared.api_support import (
    SHIMIN,
    SUBMIT,
    Gql,
    error,
    ok,
    settled,
    submission,
    token,
)

AUDIT = """
query($aggregateId: ID, $actor: String, $type: String, $from: String, $to: String,
      $correlationId: String, $requestId: String, $first: Int!, $after: String, $at: Int) {
  auditEvents(aggregateId: $aggregateId, actor: $actor, type: $type, from: $from, to: $to,
              correlationId: $correlationId, requestId: $requestId, first: $first, after: $after,
              atLeastPosition: $at) {
    nodes { position aggregateId version type topic occurredAt
            actor { subject role department } correlationId requestId payload redacted }
    pageInfo { endCursor hasNextPage } } }"""
ACCESSES = """
query($applicationId: ID, $dataSubject: String, $viewer: String, $from: String, $to: String,
      $first: Int!, $after: String, $at: Int) {
  personalDataAccesses(applicationId: $applicationId, dataSubject: $dataSubject, viewer: $viewer,
                       from: $from, to: $to, first: $first, after: $after, atLeastPosition: $at) {
    nodes { position accessId applicationId dataSubject viewer { subject role department }
            operation fields at correlationId requestId }
    pageInfo { endCursor hasNextPage } } }"""
READ_PERSONAL = """query($id: ID!, $at: Int) {
  application(id: $id, atLeastPosition: $at) { id applicantName contactEmail answers } }"""
READ_PLAIN = "query($id: ID!, $at: Int) { application(id: $id, atLeastPosition: $at) { id status } }"
LIST_PERSONAL = """query($at: Int) {
  applications(atLeastPosition: $at) { nodes { id ...who } } }
  fragment who on Application { applicantName }"""

AUDITOR = token(sub="auditor-1", role="auditor")
AUDITOR_PII = token(sub="auditor-2", role="auditor", scopes=("pii",))


def post(client: TestClient, query: str, who: str | None = None,
         headers: dict[str, str] | None = None, **variables: Any):
    sent = {"Authorization": f"Bearer {who}"} if who else {}
    response = client.post("/graphql", json={"query": query, "variables": variables},
                           headers={**sent, **(headers or {})})
    assert response.status_code == 200, response.text
    return response


def audit(gql: Gql, who: str, first: int = 50, **filters: Any) -> dict[str, Any]:
    return ok(gql(AUDIT, who, first=first, **filters))["auditEvents"]


def accesses(gql: Gql, at: int | None = None, first: int = 50, **filters: Any) -> list[dict[str, Any]]:
    nodes, after = [], None
    while True:
        page = ok(gql(ACCESSES, AUDITOR, first=first, after=after, at=at, **filters))
        page = page["personalDataAccesses"]
        nodes += page["nodes"]
        if not page["pageInfo"]["hasNextPage"]:
            return nodes
        after = page["pageInfo"]["endCursor"]


def walk(gql: Gql, who: str, first: int, **filters: Any) -> list[dict[str, Any]]:
    nodes, after = [], None
    while True:
        page = audit(gql, who, first=first, after=after, **filters)
        assert len(page["nodes"]) <= first
        nodes += page["nodes"]
        if not page["pageInfo"]["hasNextPage"]:
            return nodes
        after = page["pageInfo"]["endCursor"]


@pytest.fixture
def submitted(client: TestClient, catalogue, citizen_a: str) -> dict[str, Any]:
    """A citizen's application, submitted with request and correlation ids."""
    response = post(client, SUBMIT, citizen_a, {"X-Request-ID": "req-1", "X-Correlation-ID": "corr-1"},
                    input=submission(contactEmail="hanako@example.jp"))
    assert response.headers["x-request-id"] == "req-1"
    assert response.headers["x-correlation-id"] == "corr-1"
    return ok(response.json())["submitApplication"]


# -- auditEvents ----------------------------------------------------------------
def test_audit_events_are_decoded_with_metadata_and_personal_data_redacted(
    gql: Gql, submitted: dict[str, Any], container: Container
) -> None:
    page = audit(gql, AUDITOR, aggregateId=submitted["id"], at=submitted["position"])
    [event] = page["nodes"]
    assert event["position"] == submitted["position"]
    assert (event["aggregateId"], event["version"]) == (submitted["id"], 1)
    assert (event["type"], event["topic"]) == (
        "ApplicationSubmitted", "domain.applications.application:ApplicationSubmitted")
    assert event["occurredAt"] == "2026-04-01T00:30:00.000000+00:00"
    assert event["actor"] == {"subject": "citizen-a", "role": "citizen", "department": None}
    assert (event["requestId"], event["correlationId"]) == ("req-1", "corr-1")
    payload = event["payload"]
    assert payload["applicant_name"] == REDACTED
    assert payload["contact_email"] == REDACTED
    assert payload["answers"] == {"copies": 2, "address": REDACTED}  # only the personal field
    assert (payload["procedure_code"], payload["department"]) == ("jumin-hyo", SHIMIN)
    assert event["redacted"] is True
    assert "下野" not in str(page) and "hanako" not in str(page)
    assert accesses(gql, at=container.log.head()) == []  # nothing personal was shown


def test_with_the_pii_scope_personal_data_is_shown_and_that_is_recorded(
    gql: Gql, submitted: dict[str, Any], container: Container
) -> None:
    [event] = audit(gql, AUDITOR_PII, aggregateId=submitted["id"], at=submitted["position"])["nodes"]
    assert event["payload"]["applicant_name"] == "下野 花子"
    assert event["payload"]["answers"] == {"copies": 2, "address": "栃木県下野市笹原26"}
    assert event["redacted"] is False
    [access] = accesses(gql, at=container.log.head())
    assert access["applicationId"] == submitted["id"]
    assert access["dataSubject"] == f"application:{submitted['id']}"
    assert access["viewer"] == {"subject": "auditor-2", "role": "auditor", "department": None}
    assert access["operation"] == "auditEvents"
    assert access["fields"] == ["answers", "applicant_name", "contact_email"]
    assert access["at"] == "2026-04-01T00:30:00.000000+00:00"


def test_every_event_is_indexed_once_and_pages_in_log_order(
    gql: Gql, submitted: dict[str, Any], container: Container, shimin_staff: str
) -> None:
    received = ok(gql("mutation($id: ID!) { receiveApplication(id: $id) { position } }",
                      shimin_staff, id=submitted["id"]))["receiveApplication"]
    head = settled(container)  # including what the payment process appended
    assert head >= received["position"]
    nodes = walk(gql, AUDITOR, first=3, at=head)
    assert [n["position"] for n in nodes] == list(range(1, head + 1))
    stored = {n.topic for n in container.log.recorder.select_notifications(1, head)}
    assert stored <= AuditIndex().topics  # no event type escapes the index
    assert {n["type"] for n in nodes} >= {"DepartmentEstablished", "ProcedureDefined",
                                          "ApplicationSubmitted", "ApplicationReceived"}


def test_audit_events_filter_by_aggregate_actor_type_ids_and_time(
    gql: Gql, client: TestClient, catalogue, clock: ManualClock, citizen_a: str, shimin_staff: str
) -> None:
    first = ok(gql(SUBMIT, citizen_a, input=submission()))["submitApplication"]
    clock.advance(timedelta(hours=2))  # 11:30 JST
    second = ok(post(client, SUBMIT, None, {"X-Request-ID": "anon-req"},
                     input=submission(contactEmail="hanako@example.jp")).json())["submitApplication"]
    clock.advance(timedelta(days=1))
    received = ok(gql("mutation($id: ID!) { receiveApplication(id: $id) { position } }",
                      shimin_staff, id=first["id"]))["receiveApplication"]
    at = received["position"]

    def ids(**filters: Any) -> list[tuple[str, str]]:
        return [(n["aggregateId"], n["type"]) for n in walk(gql, AUDITOR, first=50, at=at, **filters)]

    assert ids(aggregateId=first["id"]) == [(first["id"], "ApplicationSubmitted"),
                                           (first["id"], "ApplicationReceived")]
    assert ids(actor="citizen-a") == [(first["id"], "ApplicationSubmitted")]
    assert ids(type="ApplicationReceived") == [(first["id"], "ApplicationReceived")]
    assert ids(type="domain.applications.application:ApplicationReceived") == ids(type="ApplicationReceived")
    assert ids(requestId="anon-req") == [(second["id"], "ApplicationSubmitted")]
    # time: a date or a time without offset is Japan time; from inclusive, to exclusive
    assert ids(type="ApplicationSubmitted", **{"from": "2026-04-01T10:00", "to": "2026-04-02"}) == [
        (second["id"], "ApplicationSubmitted")]
    assert ids(type="ApplicationSubmitted", **{"from": "2026-04-01T02:30:00Z"}) == [
        (second["id"], "ApplicationSubmitted")]  # exactly its time: included
    assert ids(type="ApplicationSubmitted", to="2026-04-01T11:30:00+09:00") == [
        (first["id"], "ApplicationSubmitted")]  # exactly its time: excluded
    # the payment process records PaymentRequested whenever its worker runs: leave it out
    # and the notification process queues e-mails (NotificationQueued) the same way
    later = [e for e in ids(**{"from": "2026-04-02"}) if e[1] not in ("PaymentRequested", "NotificationQueued")]
    assert later == [(first["id"], "ApplicationReceived")]


def test_audit_events_refuse_bad_arguments(gql: Gql, catalogue) -> None:
    for variables, field, rule in (
        ({"first": 0}, "first", "range"), ({"first": 101}, "first", "range"),
        ({"first": 5, "after": "nonsense"}, "after", "cursor"),
        ({"first": 5, "from": "yesterday"}, "from", "datetime"),
        ({"first": 5, "from": "2026-04-02", "to": "2026-04-01"}, "to", "after_from"),
    ):
        extensions = error(gql(AUDIT, AUDITOR, **variables))
        assert (extensions["code"], extensions["field"], extensions["rule"]) == (
            "VALIDATION_FAILED", field, rule), variables
    cursor_of_another_list = ok(gql(ACCESSES, AUDITOR, first=1))["personalDataAccesses"]
    assert cursor_of_another_list["pageInfo"]["endCursor"] is None


# -- the personal-data access log ---------------------------------------------------
def test_reading_personal_data_is_recorded_and_reading_other_fields_is_not(
    gql: Gql, client: TestClient, submitted: dict[str, Any], container: Container,
    shimin_staff: str, citizen_a: str,
) -> None:
    app_id, at = submitted["id"], submitted["position"]
    ok(gql(READ_PLAIN, shimin_staff, id=app_id, at=at))
    ok(gql(READ_PERSONAL, citizen_a, id=app_id, at=at))  # the data subject themselves
    assert accesses(gql, at=container.log.head()) == []

    response = post(client, READ_PERSONAL, shimin_staff, {"X-Request-ID": "look-1"}, id=app_id, at=at)
    shown = ok(response.json())["application"]
    assert shown["applicantName"] == "下野 花子"
    ok(gql(LIST_PERSONAL, shimin_staff, at=at))  # a list, through a fragment
    [single, listed] = accesses(gql, at=container.log.head(), applicationId=app_id)
    assert single["viewer"] == {"subject": "staff-shimin", "role": "staff", "department": SHIMIN}
    assert (single["operation"], single["fields"]) == (
        "application", ["answers", "applicantName", "contactEmail"])
    assert single["requestId"] == "look-1"
    assert (listed["operation"], listed["fields"]) == ("applications", ["applicantName"])
    assert accesses(gql, at=container.log.head(), viewer="nobody") == []
    assert len(accesses(gql, at=container.log.head(), dataSubject=f"application:{app_id}")) == 2


def test_auditors_see_applications_redacted_unless_they_hold_the_pii_scope(
    gql: Gql, submitted: dict[str, Any], container: Container
) -> None:
    app_id, at = submitted["id"], submitted["position"]
    plain = ok(gql(READ_PERSONAL, AUDITOR, id=app_id, at=at))["application"]
    assert (plain["applicantName"], plain["contactEmail"], plain["answers"]) == (
        REDACTED, REDACTED, REDACTED)
    listed = ok(gql(LIST_PERSONAL, AUDITOR, at=at))["applications"]["nodes"]
    assert [n["applicantName"] for n in listed] == [REDACTED]
    assert accesses(gql, at=container.log.head()) == []
    revealed = ok(gql(READ_PERSONAL, AUDITOR_PII, id=app_id, at=at))["application"]
    assert revealed["contactEmail"] == "hanako@example.jp"
    [access] = accesses(gql, at=container.log.head())
    assert access["viewer"]["subject"] == "auditor-2"


def test_personal_data_accesses_page_through_a_large_list(
    gql: Gql, catalogue, shimin_staff: str, container: Container, citizen_a: str
) -> None:
    ids = {ok(gql(SUBMIT, citizen_a, input=submission()))["submitApplication"]["id"] for _ in range(5)}
    head = container.log.head()
    ok(gql(LIST_PERSONAL, shimin_staff, at=head))
    rows = accesses(gql, at=container.log.head(), first=2)
    assert {r["applicationId"] for r in rows} == ids
    assert len({r["accessId"] for r in rows}) == 1  # one record of one showing
    assert {r["dataSubject"] for r in rows} == {f"application:{i}" for i in ids}


def test_if_the_view_cannot_be_recorded_the_read_fails_unavailable(
    gql: Gql, submitted: dict[str, Any], container: Container, shimin_staff: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def down(*_: Any) -> int:
        raise OperationalError("the event store is down")

    ok(gql(READ_PLAIN, shimin_staff, id=submitted["id"], at=submitted["position"]))
    monkeypatch.setattr(container.log, "store", down)
    for query, who in ((READ_PERSONAL, shimin_staff), (LIST_PERSONAL, shimin_staff),
                       (AUDIT, AUDITOR_PII)):
        result = gql(query, who, id=submitted["id"], aggregateId=submitted["id"], first=5)
        assert error(result)["code"] == "UNAVAILABLE", result
        assert result["data"] is None
        assert "下野" not in str(result)
    plain = ok(gql(READ_PLAIN, shimin_staff, id=submitted["id"]))  # nothing personal: no record needed
    assert plain["application"]["status"] == "SUBMITTED"


# -- request ids ----------------------------------------------------------------------
def test_request_ids_are_echoed_generated_or_replaced_when_unsafe(client: TestClient) -> None:
    given = client.get("/healthz", headers={"X-Request-ID": "abc-123"})
    assert given.headers["x-request-id"] == "abc-123"
    generated = client.post("/graphql", json={"query": "{ departments { code } }"})
    assert len(generated.headers["x-request-id"]) == 32
    assert generated.headers["x-correlation-id"] != generated.headers["x-request-id"]
    for unsafe in ("a" * 129, "has space", "-leading", "bad\u00e9"):
        response = client.get("/healthz", headers={"X-Request-ID": unsafe.encode("utf-8")})
        assert response.headers["x-request-id"] != unsafe
        assert len(response.headers["x-request-id"]) == 32


def test_forgotten_personal_data_reads_as_erased_even_with_pii(
    gql: Gql, submitted: dict[str, Any], admin: str, container: Container
) -> None:
    forgot = ok(gql('mutation($s: String!) { forgetSubject(subject: $s, reason: "本人請求") { position } }',
                    admin, s=f"application:{submitted['id']}"))["forgetSubject"]
    [event] = audit(gql, AUDITOR_PII, aggregateId=submitted["id"], at=forgot["position"])["nodes"]
    assert event["payload"]["applicant_name"] == "[消去済み]"
    assert "下野" not in str(event)
    [redacted] = audit(gql, AUDITOR, aggregateId=submitted["id"])["nodes"]
    assert redacted["payload"]["applicant_name"] == REDACTED


def test_the_index_handles_every_event_class_of_the_domain() -> None:
    from domain.applications.application import ApplicationSubmitted
    from domain.privacy.access_log import PersonalDataViewed
    from domain.shared.events import Created, Event
    from projections.audit.index import domain_event_classes

    classes = domain_event_classes()
    assert {PersonalDataViewed, ApplicationSubmitted} <= set(classes)
    assert Created not in classes and Event not in classes  # bases, never stored
    assert all(c.__module__.startswith("domain.") for c in classes)
