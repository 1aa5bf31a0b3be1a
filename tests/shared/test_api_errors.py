"""Every failure answers with ``extensions.code``; a refused command changes nothing."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.composition import Container, build_container
from domain.shared.context import Actor, CommandContext
from infra.clock import ManualClock
from infra.settings import Settings
from tests.shared.api_support import (
    ACCOUNT,
    COPIES_FIELD,
    COUNTER,
    DEFINE,
    ESTABLISH,
    SHIMIN,
    SIMPLE,
    SUBMIT,
    Gql,
    error,
    ok,
    post_graphql,
    procedure_input,
    settled,
    submission,
    token,
)

RECEIVE = "mutation($id: ID!) { receiveApplication(id: $id) { id position } }"
APPROVE = "mutation($id: ID!) { approveApplication(id: $id) { id position } }"
READ = "query($id: ID!, $at: Int) { application(id: $id, atLeastPosition: $at) { id status } }"
LIST = "query($department: String) { applications(department: $department) { totalCount } }"


@contextmanager
def nothing_recorded(container: Container) -> Iterator[None]:
    head = settled(container)
    yield
    assert settled(container) == head, "a refused command must record nothing"


def _submit(gql: Gql, who: str | None = None, **overrides: Any) -> dict[str, Any]:
    who = who or token(sub="citizen-c", role="citizen")  # anonymous ones wait for e-mail confirmation
    return ok(gql(SUBMIT, who, input=submission(**overrides)))["submitApplication"]


@pytest.mark.parametrize(
    ("answers", "rule"),
    [({"copies": 0}, "min"), ({"copies": 11}, "max"), ({"copies": 2.5}, "integer"),
     ({"address": "栃木県下野市"}, "required"), ({"copies": ""}, "required")],
)
def test_validation_failed_names_the_field_and_rule(
    gql: Gql, container: Container, catalogue, answers: dict[str, Any], rule: str
) -> None:
    with nothing_recorded(container):
        ext = error(gql(SUBMIT, input=submission(answers=answers, contactEmail="hanako@example.jp")))
    assert (ext["code"], ext["field"], ext["rule"]) == ("VALIDATION_FAILED", "answers.copies", rule)
    assert ext["messageJa"] == "入力内容に誤りがあります"
    assert [(e["field"], e["rule"]) for e in ext["errors"]] == [("answers.copies", rule)]
    assert ext["errors"][0]["messageJa"].startswith("「通数」")


def test_every_failing_answer_is_listed(gql: Gql, container: Container, catalogue) -> None:
    bad = submission(applicantName=" ", contactEmail="not-an-address",
                     answers={"copies": 0, "colour": "red"})
    with nothing_recorded(container):
        ext = error(gql(SUBMIT, input=bad))
    assert ext["code"] == "VALIDATION_FAILED"
    assert {(e["field"], e["rule"]) for e in ext["errors"]} == {
        ("applicantName", "required"), ("contactEmail", "email"), ("answers.copies", "min"),
        ("answers.colour", "unknown_field")}


def test_bad_procedure_definition_lists_every_failing_field(
    gql: Gql, container: Container, catalogue, admin: str
) -> None:
    bad = procedure_input(
        "X", SHIMIN, feeYen=-1, processingDays=400, retentionYears=7,
        fields=[COPIES_FIELD, {"key": "Bad Key", "labelJa": "色", "labelEn": "Colour",
                               "type": "colour"}],
    )
    with nothing_recorded(container):
        ext = error(gql(DEFINE, admin, input=bad))
    assert ext["code"] == "VALIDATION_FAILED"
    found = {(e["field"], e["rule"]) for e in ext["errors"]}
    assert found == {
        ("code", "pattern"), ("feeYen", "range"), ("processingDays", "range"),
        ("retentionYears", "choice"), ("form.fields[1].key", "key_format"),
        ("form.fields[1].type", "unknown_type"),
    }
    assert all(e["message"] and e["messageJa"] for e in ext["errors"])
    fee = next(e for e in ext["errors"] if e["field"] == "feeYen")
    assert fee["params"] == {"min": 0, "max": 1_000_000}


def test_invalid_transition(gql: Gql, container: Container, catalogue, shimin_staff: str) -> None:
    app_id = _submit(gql)["id"]
    with nothing_recorded(container):
        ext = error(gql(APPROVE, shimin_staff, id=app_id))
    assert ext["code"] == "INVALID_TRANSITION"
    assert ext["messageJa"] == "「申請済み」の申請を「承認」にはできません"


@pytest.mark.parametrize("app_id", [str(uuid.uuid4()), "not-a-uuid", ""])
def test_not_found(gql: Gql, container: Container, catalogue, shimin_staff: str,
                   citizen_a: str, app_id: str) -> None:
    assert error(gql(READ, shimin_staff, id=app_id))["code"] == "NOT_FOUND"
    assert error(gql(READ, citizen_a, id=app_id))["code"] == "NOT_FOUND"
    with nothing_recorded(container):
        assert error(gql(RECEIVE, shimin_staff, id=app_id))["code"] == "NOT_FOUND"
        publish = "mutation { publishProcedureOnline(code: \"no-such-thing\") { id } }"
        assert error(gql(publish, shimin_staff))["code"] == "NOT_FOUND"


def test_conflict_on_defining_twice(gql: Gql, container: Container, catalogue, admin: str) -> None:
    with nothing_recorded(container):
        ext = error(gql(DEFINE, admin, input=procedure_input(SIMPLE, SHIMIN)))
        assert ext["code"] == "CONFLICT"
        assert ext["messageJa"] == "その手続きコードは既に使われています"
        again = gql(ESTABLISH, admin, code=SHIMIN, nameJa="市民課", nameEn="Citizens")
        assert error(again)["code"] == "CONFLICT"


@pytest.mark.parametrize("graphql_first", [True, False], ids=["graphql-wins", "graphql-loses"])
def test_concurrent_conflicting_commands_exactly_one_wins(
    gql: Gql, container: Container, catalogue, clock: ManualClock, shimin_staff: str,
    monkeypatch: pytest.MonkeyPatch, graphql_first: bool,
) -> None:
    """Two members of staff receive the same application at once: both load the same
    version; whoever stores second gets CONFLICT and records nothing."""
    app_id = _submit(gql)["id"]
    service, log = container.applications, container.log
    both_loaded, first_stored = threading.Barrier(2, timeout=10), threading.Event()
    load, store = service.get, log.store
    colleague: dict[str, Any] = {}

    def racing_get(application_id: str):
        application = load(application_id)
        both_loaded.wait()
        return application

    def ordered_store(*aggregates: Any) -> int:
        mine_first = (threading.current_thread() is not thread) == graphql_first
        if not mine_first:
            assert first_stored.wait(10)
        try:
            return store(*aggregates)
        finally:
            if mine_first:
                first_stored.set()

    def colleague_receives() -> None:
        other = Actor("staff-shimin-2", "staff", SHIMIN)
        try:
            colleague["result"] = service.receive(
                CommandContext(other, clock.now(), correlation_id="colleague"), app_id)
        except Exception as e:
            colleague["error"] = e

    head = settled(container)  # the payment process has recorded the fee due: only the two race now
    monkeypatch.setattr(service, "get", racing_get)
    monkeypatch.setattr(log, "store", ordered_store)
    thread = threading.Thread(target=colleague_receives)
    thread.start()
    result = gql(RECEIVE, shimin_staff, id=app_id)
    thread.join(timeout=30)
    monkeypatch.undo()

    if graphql_first:
        position = ok(result)["receiveApplication"]["position"]
        assert type(colleague.get("error")).__name__ == "Conflict", colleague
    else:
        ext = error(result)
        assert ext["code"] == "CONFLICT"
        assert ext["messageJa"] == "他の操作と競合しました。再読み込みしてやり直してください"
        position = colleague["result"].position
    assert log.head() == position == head + 1  # exactly one receipt recorded
    view = ok(gql(READ, shimin_staff, id=app_id, at=position))["application"]
    assert view["status"] == "RECEIVED"


def test_concurrent_failures_each_keep_their_code(
    gql: Gql, container: Container, catalogue, shimin_staff: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Error shaping is per request: with extensions shared between requests, the
    response of the first of two overlapping requests went out uncoded."""
    both_in_flight = threading.Barrier(2, timeout=10)
    load = container.applications.get

    def racing_get(application_id: str):
        both_in_flight.wait()
        return load(application_id)

    monkeypatch.setattr(container.applications, "get", racing_get)
    results: list[dict[str, Any]] = []
    threads = [
        threading.Thread(target=lambda: results.append(gql(RECEIVE, shimin_staff,
                                                           id=str(uuid.uuid4()))))
        for _ in range(2)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert len(results) == 2
    assert [r["errors"][0].get("extensions", {}).get("code") for r in results] == [
        "NOT_FOUND", "NOT_FOUND"]


def test_unauthenticated(gql: Gql, container: Container, catalogue, admin: str) -> None:
    app_id = _submit(gql)["id"]
    expired = token(sub="staff-shimin", role="staff", dept=SHIMIN, ttl_seconds=-10)
    forged = token(sub="admin-1", role="admin")[:-4] + "AAAA"
    departments = "{ departments { code } }"
    with nothing_recorded(container):
        assert error(gql(RECEIVE, None, id=app_id))["code"] == "UNAUTHENTICATED"
        assert error(gql(ESTABLISH, None, code="kankyo", nameJa="環境課",
                         nameEn="Environment"))["code"] == "UNAUTHENTICATED"
        for bad in ("garbage", expired, forged):
            assert error(gql(RECEIVE, bad, id=app_id))["code"] == "UNAUTHENTICATED", bad
            # a bad token is refused even where anonymous callers are welcome
            assert error(gql(departments, bad))["code"] == "UNAUTHENTICATED", bad
    assert error(gql(READ, None, id=app_id))["code"] == "UNAUTHENTICATED"
    assert error(gql(LIST, None))["code"] == "UNAUTHENTICATED"
    assert ok(gql(departments, admin))["departments"]


def test_unauthenticated_with_a_malformed_header(client: TestClient) -> None:
    response = client.post("/graphql", json={"query": "{ departments { code } }"},
                           headers={"Authorization": "Basic dXNlcjpwYXNz"})
    assert response.status_code == 200
    assert error(response.json())["code"] == "UNAUTHENTICATED"


def test_forbidden(gql: Gql, container: Container, catalogue, shimin_staff: str,
                   zeimu_staff: str, citizen_a: str, citizen_b: str) -> None:
    shimin_app = _submit(gql)["id"]
    mine = _submit(gql, citizen_a, procedureCode=ACCOUNT, answers={"copies": 1})
    with nothing_recorded(container):
        assert error(gql(RECEIVE, zeimu_staff, id=shimin_app))["code"] == "FORBIDDEN"
        counter = submission(COUNTER, "COUNTER", answers={"copies": 1})
        assert error(gql(SUBMIT, citizen_a, input=counter))["code"] == "FORBIDDEN"
        assert error(gql(RECEIVE, citizen_a, id=mine["id"]))["code"] == "FORBIDDEN"
    assert error(gql(READ, citizen_b, id=mine["id"], at=mine["position"]))["code"] == "FORBIDDEN"
    assert error(gql(READ, zeimu_staff, id=shimin_app, at=mine["position"]))["code"] == "FORBIDDEN"
    assert error(gql(READ, citizen_a, id=shimin_app))["code"] == "FORBIDDEN"
    assert error(gql(LIST, zeimu_staff, department=SHIMIN))["code"] == "FORBIDDEN"
    assert error(gql(LIST, citizen_a))["code"] == "FORBIDDEN"
    # the owner and the department may
    assert ok(gql(READ, citizen_a, id=mine["id"]))["application"]["status"] == "SUBMITTED"
    assert ok(gql(READ, shimin_staff, id=shimin_app))["application"]["id"] == shimin_app


def test_anonymous_may_not_use_an_account_level_procedure(
    gql: Gql, container: Container, catalogue
) -> None:
    with nothing_recorded(container):
        ext = error(gql(SUBMIT, input=submission(ACCOUNT, answers={"copies": 1})))
    assert (ext["code"], ext["messageJa"]) == ("FORBIDDEN", "この手続きには本人確認が必要です")


def test_stale_read(settings: Settings, clock: ManualClock) -> None:
    impatient = build_container(
        settings.model_copy(update={"read_wait_timeout": 0.3}), clock=clock)
    system = CommandContext(Actor.system(), clock.now(), correlation_id="stale-read")
    try:
        with TestClient(create_app(impatient)) as client:
            impatient.catalogue.establish_department(
                system, code=SHIMIN, name_ja="市民課", name_en="Citizens Division")
            impatient.catalogue.define_procedure(
                system, code=COUNTER, name_ja="戸籍謄本", name_en="Family register",
                department=SHIMIN, channels=["counter"], assurance="none", fee_yen=450,
                processing_days=1, fields=[{"key": "copies", "label_ja": "通数",
                                            "label_en": "Copies", "type": "number"}])
            impatient.stop_projections()
            result = impatient.applications.submit(
                system, procedure_code=COUNTER, channel="counter", applicant_name="下野 太郎",
                answers={"copies": 1})
            staff = token(sub="staff-shimin", role="staff", dept=SHIMIN)
            started = time.monotonic()
            response = post_graphql(client, READ, staff, {"id": result.id, "at": result.position})
            waited = time.monotonic() - started
            ext = error(response.json())
            assert ext["code"] == "STALE_READ" and ext["retryable"] is True
            assert all(p < result.position for p in ext["positions"].values())
            assert 0.3 <= waited < 2.0  # the configured wait, not the default 2s
            impatient.start_projections()
            response = post_graphql(client, READ, staff, {"id": result.id, "at": result.position})
            assert ok(response.json())["application"]["status"] == "SUBMITTED"
    finally:
        impatient.close()


@pytest.mark.parametrize(
    ("body", "variables"),
    [
        ("{ departments { code }", {}),  # syntax
        ("{ nope }", {}),  # unknown field
        ("{ procedures }", {}),  # missing selection
        ("{ procedure { code } }", {}),  # missing argument
        ("subscription { departments { code } }", {}),
        ("{ procedures(atLeastPosition: $n) { code } }", {}),  # undeclared variable
        ("{ procedure(code: 7) { code } }", {}),  # literal of the wrong type
        ("{ applications(status: submitted) { totalCount } }", {}),  # enum values are upper case
    ],
)
def test_malformed_documents_answer_with_a_code(
    client: TestClient, container: Container, catalogue, body: str, variables: dict
) -> None:
    with nothing_recorded(container):
        response = post_graphql(client, body, None, variables)
    assert response.status_code in (200, 400)
    assert response.json()["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


@pytest.mark.parametrize(
    "variables",
    [{"n": "seven"}, {}, {"n": None}],
    ids=["wrong-type", "missing", "null"],
)
def test_bad_variables_answer_with_a_code(
    client: TestClient, container: Container, catalogue, variables: dict
) -> None:
    body = "query($n: Int!) { procedures(atLeastPosition: $n) { code } }"
    response = post_graphql(client, body, None, variables)
    assert response.json()["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


def test_bad_enum_variable_answers_with_a_code(
    client: TestClient, container: Container, catalogue
) -> None:
    body = "mutation($i: SubmitApplicationInput!) { submitApplication(input: $i) { id } }"
    lower = submission(channel="online")  # enum values are upper case
    with nothing_recorded(container):
        response = post_graphql(client, body, None, {"i": lower})
    assert response.json()["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


@pytest.mark.parametrize(
    ("content", "content_type"),
    [(b"not json", "application/json"), (b'{"query": 42}', "application/json"),
     (b"[]", "application/json"), (b"\xff\xfe", "application/json"), (b"x", "text/plain"),
     (b'{"query": ""}', "application/json"), (b"{}", "application/json"),
     (b'{"query": "{ departments { code } }", "variables": "x"}', "application/json")],
)
def test_unusable_requests_are_refused_not_crashed(
    client: TestClient, content: bytes, content_type: str
) -> None:
    response = client.post("/graphql", content=content, headers={"content-type": content_type})
    assert 400 <= response.status_code < 500, (response.status_code, response.text)
    assert "Traceback" not in response.text
