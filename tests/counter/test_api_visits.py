"""Counter visits end to end through GraphQL: a kiosk issues tickets, staff call,
serve and complete; the board and the visit read their writes; a transfer hands
the visit to another department's staff."""

from __future__ import annotations

from tests.shared.api_fixtures import Catalogue
from tests.shared.api_support import SHIMIN, SIMPLE, ZEIMU, Gql, error, ok

DEFINE_QUEUE = """
mutation($code: String!, $dept: String!, $ja: String!, $prefix: String!) {
  defineQueue(code: $code, department: $dept, nameJa: $ja, nameEn: "Queue", prefix: $prefix) {
    id position } }"""
DEFINE_WINDOW = """
mutation($n: Int!, $queues: [String!]!) {
  defineWindow(number: $n, nameJa: "窓口", queues: $queues) { id position } }"""
OPEN = "mutation($n: Int!) { openWindow(number: $n) { id position } }"
ISSUE = """
mutation($input: IssueTicketInput!) { issueTicket(input: $input) { id position ticket queue } }"""
CALL = "mutation($n: Int!) { callNext(window: $n) { id position ticket } }"
START = "mutation($id: ID!) { startService(id: $id) { id position } }"
COMPLETE = """
mutation($id: ID!, $procedures: [String!]) {
  completeService(id: $id, procedures: $procedures) { id position } }"""
TRANSFER = """
mutation($id: ID!, $queue: String!) { transferVisit(id: $id, queue: $queue, reason: "税の相談") {
  id position } }"""
BOARD = """
query($queue: String!, $p: Int) { queueBoard(queue: $queue, atLeastPosition: $p) {
  queue { code nameJa prefix waitingCount } waitingCount
  waiting { ticket status statusLabel { ja } visitId priority }
  nowServing { window ticket status visitId } } }"""
VISIT = """
query($id: ID!, $p: Int) { visit(id: $id, atLeastPosition: $p) {
  id ticket queue department status statusLabel { ja en } purposes priority arrival window
  history { event status statusLabel { ja } queue window actorRole detail } } }"""
WINDOWS = "query($p: Int) { windows(atLeastPosition: $p) { number open staff nowServing { ticket } } }"
QUEUES = "query($p: Int) { queues(atLeastPosition: $p) { code department prefix waitingCount } }"

A_QUEUE, Z_QUEUE = "shimin-shomei", "zeimu-sodan"


def _set_up(gql: Gql, admin: str, shimin_staff: str, zeimu_staff: str) -> None:
    ok(gql(DEFINE_QUEUE, admin, code=A_QUEUE, dept=SHIMIN, ja="市民課 証明", prefix="A"))
    ok(gql(DEFINE_QUEUE, admin, code=Z_QUEUE, dept=ZEIMU, ja="税務課 相談", prefix="Z"))
    ok(gql(DEFINE_WINDOW, admin, n=1, queues=[A_QUEUE]))
    ok(gql(DEFINE_WINDOW, admin, n=3, queues=[Z_QUEUE]))
    ok(gql(OPEN, shimin_staff, n=1))
    ok(gql(OPEN, zeimu_staff, n=3))


def test_kiosk_call_start_complete(
    gql: Gql, catalogue: Catalogue, admin: str, shimin_staff: str, zeimu_staff: str,
    citizen_a: str, citizen_b: str,
) -> None:
    _set_up(gql, admin, shimin_staff, zeimu_staff)
    first = ok(gql(ISSUE, input={"queue": A_QUEUE, "purposes": [SIMPLE]}))["issueTicket"]
    assert (first["ticket"], first["queue"]) == ("A-001", A_QUEUE)
    mine = ok(gql(ISSUE, citizen_a, input={"queue": A_QUEUE, "priority": True}))["issueTicket"]
    assert mine["ticket"] == "A-002"

    public = ok(gql(BOARD, queue=A_QUEUE, p=mine["position"]))["queueBoard"]
    assert public["waitingCount"] == 2 and public["queue"]["prefix"] == "A"
    assert [(t["ticket"], t["visitId"], t["priority"]) for t in public["waiting"]] == [
        ("A-002", None, None), ("A-001", None, None)]  # priority first; no ids for the public
    assert public["waiting"][0]["statusLabel"]["ja"] == "待ち"
    staff_board = ok(gql(BOARD, shimin_staff, queue=A_QUEUE))["queueBoard"]
    assert [t["visitId"] for t in staff_board["waiting"]] == [mine["id"], first["id"]]

    called = ok(gql(CALL, shimin_staff, n=1))["callNext"]
    assert (called["id"], called["ticket"]) == (mine["id"], "A-002")
    board = ok(gql(BOARD, queue=A_QUEUE, p=called["position"]))["queueBoard"]
    assert board["nowServing"] == [{"window": 1, "ticket": "A-002", "status": "CALLED",
                                    "visitId": None}]
    assert board["waitingCount"] == 1
    ok(gql(START, shimin_staff, id=mine["id"]))
    done = ok(gql(COMPLETE, shimin_staff, id=mine["id"], procedures=[SIMPLE]))["completeService"]

    visit = ok(gql(VISIT, citizen_a, id=mine["id"], p=done["position"]))["visit"]
    assert visit["status"] == "COMPLETED" and visit["statusLabel"] == {"ja": "完了", "en": "Completed"}
    assert (visit["ticket"], visit["priority"], visit["arrival"]) == ("A-002", True, "WALK_IN")
    assert [(h["event"], h["statusLabel"]["ja"]) for h in visit["history"]] == [
        ("TicketIssued", "待ち"), ("TicketCalled", "呼出中"), ("ServiceStarted", "対応中"),
        ("ServiceCompleted", "完了")]
    assert visit["history"][-1]["detail"]["procedures"] == [SIMPLE]
    assert error(gql(VISIT, citizen_b, id=mine["id"]))["code"] == "FORBIDDEN"
    assert error(gql(VISIT, zeimu_staff, id=mine["id"]))["code"] == "FORBIDDEN"
    assert error(gql(START, shimin_staff, id=mine["id"]))["code"] == "INVALID_TRANSITION"

    windows = ok(gql(WINDOWS, p=done["position"]))["windows"]
    assert windows == [{"number": 1, "open": True, "staff": None, "nowServing": None},
                       {"number": 3, "open": True, "staff": None, "nowServing": None}]
    staffed = ok(gql(WINDOWS, shimin_staff))["windows"]
    assert staffed[0]["staff"] == "staff-shimin" and staffed[1]["staff"] is None
    queues = ok(gql(QUEUES))["queues"]
    assert {q["code"]: q["waitingCount"] for q in queues} == {A_QUEUE: 1, Z_QUEUE: 0}


def test_transfer_hands_the_visit_to_the_other_department(
    gql: Gql, catalogue: Catalogue, admin: str, shimin_staff: str, zeimu_staff: str
) -> None:
    _set_up(gql, admin, shimin_staff, zeimu_staff)
    ticket = ok(gql(ISSUE, input={"queue": A_QUEUE}))["issueTicket"]
    assert error(gql(CALL, zeimu_staff, n=1))["code"] == "FORBIDDEN"
    ok(gql(CALL, shimin_staff, n=1))
    ok(gql(START, shimin_staff, id=ticket["id"]))
    assert error(gql(TRANSFER, zeimu_staff, id=ticket["id"], queue=Z_QUEUE))["code"] == "FORBIDDEN"
    moved = ok(gql(TRANSFER, shimin_staff, id=ticket["id"], queue=Z_QUEUE))["transferVisit"]
    assert error(gql(VISIT, shimin_staff, id=ticket["id"], p=moved["position"]))["code"] == "FORBIDDEN"
    visit = ok(gql(VISIT, zeimu_staff, id=ticket["id"], p=moved["position"]))["visit"]
    assert (visit["queue"], visit["department"], visit["status"]) == (Z_QUEUE, ZEIMU, "TRANSFERRED")
    assert visit["statusLabel"]["ja"] == "転送"
    assert [h["queue"] for h in visit["history"]] == [A_QUEUE, A_QUEUE, A_QUEUE, Z_QUEUE]
    board = ok(gql(BOARD, zeimu_staff, queue=Z_QUEUE, p=moved["position"]))["queueBoard"]
    assert [(t["ticket"], t["visitId"]) for t in board["waiting"]] == [("A-001", ticket["id"])]
    called = ok(gql(CALL, zeimu_staff, n=3))["callNext"]
    assert called["id"] == ticket["id"]
    ok(gql(START, zeimu_staff, id=ticket["id"]))
    ok(gql(COMPLETE, zeimu_staff, id=ticket["id"]))
    assert error(gql(CALL, zeimu_staff, n=3))["code"] == "NOT_FOUND"


def test_kiosk_input_errors_are_coded(gql: Gql, catalogue: Catalogue, admin: str,
                                      shimin_staff: str, zeimu_staff: str) -> None:
    _set_up(gql, admin, shimin_staff, zeimu_staff)
    bad = error(gql(ISSUE, input={"queue": A_QUEUE, "purposes": ["no-such"]}))
    assert (bad["code"], bad["field"]) == ("VALIDATION_FAILED", "purposes[0]")
    bad = error(gql(ISSUE, input={"queue": A_QUEUE, "arrival": "RESERVATION"}))
    assert (bad["code"], bad["field"]) == ("VALIDATION_FAILED", "reservationId")
    assert error(gql(BOARD, queue="nope"))["code"] == "NOT_FOUND"
    assert error(gql(DEFINE_QUEUE, admin, code=A_QUEUE, dept=SHIMIN, ja="x", prefix="B"))["code"] == "CONFLICT"
