"""The counter through GraphQL: an application's whole lifecycle with
read-your-writes after every mutation, paginated lists, inbox counts and the
procedure catalogue."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from infra.clock import ManualClock
from tests.shared.api_support import (
    ACCOUNT,
    COUNTER,
    SHIMIN,
    SIMPLE,
    SUBMIT,
    ZEIMU,
    Gql,
    ok,
    submission,
)

APPLICATION = """
query($id: ID!, $at: Int) {
  application(id: $id, atLeastPosition: $at) {
    id procedureCode procedureNameJa department channel status
    statusLabel { ja en } applicantName answers formVersion position
    timeline { status statusLabel { ja en } event actorRole actorDepartment reason position }
  }
}"""

LIST = """
query($department: String, $status: ApplicationStatus, $channel: Channel, $first: Int!,
      $after: String, $at: Int) {
  applications(department: $department, status: $status, channel: $channel, first: $first,
               after: $after, atLeastPosition: $at) {
    nodes { id department channel status submittedAt }
    pageInfo { endCursor hasNextPage }
    totalCount
  }
}"""

INBOX = """
query($department: String, $at: Int) {
  inbox(department: $department, atLeastPosition: $at) {
    department status statusLabel { ja en } count
  }
}"""

LIFECYCLE = {
    "receive": "mutation($id: ID!) { receiveApplication(id: $id) { id position } }",
    "return": "mutation($id: ID!, $reason: String!) "
              "{ returnApplication(id: $id, reason: $reason) { id position } }",
    "resubmit": "mutation($id: ID!, $answers: JSON!) "
                "{ resubmitApplication(id: $id, answers: $answers) { id position } }",
    "approve": "mutation($id: ID!) { approveApplication(id: $id) { id position } }",
    "complete": "mutation($id: ID!) { completeApplication(id: $id) { id position } }",
}

PROCEDURE_FIELDS = """
  code nameJa nameEn department departmentNameJa departmentNameEn channels
  channelLabels { ja en } assurance assuranceLabel { ja en } feeYen processingDays
  requirementsJa requirementsEn contact retentionYears online retired
  form { version fields { key labelJa labelEn type required personal constraints } }
"""


def _payload(result: dict[str, Any]) -> dict[str, Any]:
    (payload,) = ok(result).values()
    return payload


def test_full_lifecycle_reads_its_own_writes(gql: Gql, catalogue, shimin_staff: str, citizen_a: str) -> None:
    submitted = _payload(gql(SUBMIT, citizen_a, input=submission()))  # signed in, none-level
    app_id, positions = submitted["id"], [submitted["position"]]
    assert positions[0] > catalogue.position

    def read() -> dict[str, Any]:
        result = gql(APPLICATION, shimin_staff, id=app_id, at=positions[-1])
        return ok(result)["application"]

    view = read()
    assert (view["status"], view["statusLabel"]) == ("SUBMITTED", {"ja": "申請済み", "en": "Submitted"})
    assert view["applicantName"] == "下野 花子"
    assert view["answers"] == {"copies": 2, "address": "栃木県下野市笹原26"}
    assert (view["procedureCode"], view["department"], view["channel"]) == (SIMPLE, SHIMIN, "ONLINE")

    steps = [
        ("receive", {}, "RECEIVED", ("受付済み", "Received")),
        ("return", {"reason": "住所の番地が確認できません"}, "RETURNED",
         ("差し戻し", "Returned for correction")),
        ("resubmit", {"answers": {"copies": "３", "address": "栃木県下野市笹原26番地"}},
         "RESUBMITTED", ("再提出済み", "Resubmitted")),
        ("receive", {}, "RECEIVED", ("受付済み", "Received")),
        ("approve", {}, "APPROVED", ("承認", "Approved")),
        ("complete", {}, "COMPLETED", ("交付・完了", "Completed")),
    ]
    for command, args, status, (ja, en) in steps:
        if command == "complete":  # the fee is paid at the counter first (completion needs it)
            ok(gql("mutation($id: ID!) { recordCounterPayment(applicationId: $id,"
                   " method: COUNTER_CASH, receiptNumber: \"R-1\") { id } }", shimin_staff, id=app_id))
        payload = _payload(gql(LIFECYCLE[command], shimin_staff, id=app_id, **args))
        assert payload["id"] == app_id, command
        assert payload["position"] > positions[-1], (command, payload, positions)
        positions.append(payload["position"])
        view = read()  # at once, with atLeastPosition: no polling
        assert view["status"] == status, command
        assert view["statusLabel"] == {"ja": ja, "en": en}
        assert view["position"] == payload["position"]
        assert view["timeline"][-1]["status"] == status
        assert len(view["timeline"]) == len(positions)

    assert view["answers"] == {"copies": 3, "address": "栃木県下野市笹原26番地"}
    timeline = view["timeline"]
    assert [e["status"] for e in timeline] == [
        "SUBMITTED", "RECEIVED", "RETURNED", "RESUBMITTED", "RECEIVED", "APPROVED", "COMPLETED"]
    assert [e["position"] for e in timeline] == positions
    assert [e["event"] for e in timeline][:3] == [
        "ApplicationSubmitted", "ApplicationReceived", "ApplicationReturned"]
    assert timeline[0]["actorRole"] == "citizen" and timeline[0]["actorDepartment"] is None
    assert {(e["actorRole"], e["actorDepartment"]) for e in timeline[1:]} == {("staff", SHIMIN)}
    assert timeline[2]["reason"] == "住所の番地が確認できません"
    assert [e["reason"] for i, e in enumerate(timeline) if i != 2] == [None] * 6
    assert timeline[-1]["statusLabel"] == {"ja": "交付・完了", "en": "Completed"}


def _submit_many(gql: Gql, clock: ManualClock, shimin_staff: str, citizen_a: str) -> dict:
    ids: dict[str, list[str]] = {"online": [], "counter": [], "zeimu": []}
    position = 0
    for kind, token, payload in (
        *[("online", citizen_a, submission())] * 5,
        *[("counter", shimin_staff, submission(COUNTER, "COUNTER", answers={"copies": 1}))] * 2,
        ("zeimu", citizen_a, submission(ACCOUNT, answers={"copies": 1})),
    ):
        clock.advance(timedelta(minutes=1))
        result = _payload(gql(SUBMIT, token, input=payload))
        ids[kind].append(result["id"])
        position = result["position"]
    ids["position"] = position
    return ids


def _walk(gql: Gql, token: str, **filters: Any) -> list[dict[str, Any]]:
    nodes, after, pages = [], None, 0
    while True:
        page = ok(gql(LIST, token, first=2, after=after, **filters))["applications"]
        pages += 1
        assert len(page["nodes"]) <= 2
        nodes += page["nodes"]
        if not page["pageInfo"]["hasNextPage"]:
            assert page["totalCount"] == len(nodes)
            return nodes
        after = page["pageInfo"]["endCursor"]
        assert after and pages < 20


def test_cursor_pagination_visits_each_application_once(
    gql: Gql, catalogue, clock: ManualClock, shimin_staff: str, citizen_a: str, auditor: str,
) -> None:
    ids = _submit_many(gql, clock, shimin_staff, citizen_a)
    at = ids["position"]
    shimin_ids = ids["online"] + ids["counter"]

    nodes = _walk(gql, shimin_staff, department=SHIMIN, at=at)
    assert [n["id"] for n in nodes] == list(reversed(shimin_ids))  # newest first, once each
    assert [n["submittedAt"] for n in nodes] == sorted((n["submittedAt"] for n in nodes),
                                                       reverse=True)
    assert {n["department"] for n in nodes} == {SHIMIN}

    own = _walk(gql, shimin_staff, at=at)  # staff are scoped to their own department
    assert sorted(n["id"] for n in own) == sorted(shimin_ids)

    online = _walk(gql, shimin_staff, department=SHIMIN, status="SUBMITTED", channel="ONLINE")
    assert sorted(n["id"] for n in online) == sorted(ids["online"])
    counter = _walk(gql, shimin_staff, department=SHIMIN, channel="COUNTER")
    assert sorted(n["id"] for n in counter) == sorted(ids["counter"])
    assert {n["channel"] for n in counter} == {"COUNTER"}

    received = _payload(gql(LIFECYCLE["receive"], shimin_staff, id=ids["online"][0]))
    at = received["position"]
    still = _walk(gql, shimin_staff, department=SHIMIN, status="SUBMITTED", channel="ONLINE", at=at)
    assert sorted(n["id"] for n in still) == sorted(ids["online"][1:])
    now_received = _walk(gql, shimin_staff, status="RECEIVED", at=at)
    assert [n["id"] for n in now_received] == [ids["online"][0]]

    everything = _walk(gql, auditor, at=at)
    assert sorted(n["id"] for n in everything) == sorted(shimin_ids + ids["zeimu"])


def test_inbox_counts(
    gql: Gql, catalogue, clock: ManualClock, shimin_staff: str, zeimu_staff: str,
    citizen_a: str, analyst: str,
) -> None:
    ids = _submit_many(gql, clock, shimin_staff, citizen_a)
    at = _payload(gql(LIFECYCLE["receive"], shimin_staff, id=ids["counter"][0]))["position"]

    entries = ok(gql(INBOX, shimin_staff, department=SHIMIN, at=at))["inbox"]
    counts = {e["status"]: e["count"] for e in entries}
    assert {e["department"] for e in entries} == {SHIMIN}
    assert counts == {"SUBMITTED": 6, "RECEIVED": 1, "RETURNED": 0, "RESUBMITTED": 0,
                      "APPROVED": 0, "REJECTED": 0, "COMPLETED": 0, "WITHDRAWN": 0}
    labels = {e["status"]: e["statusLabel"] for e in entries}
    assert labels["RECEIVED"] == {"ja": "受付済み", "en": "Received"}

    own = ok(gql(INBOX, zeimu_staff, at=at))["inbox"]  # scoped to the caller's department
    assert {(e["department"], e["status"]): e["count"] for e in own if e["count"]} == {
        (ZEIMU, "SUBMITTED"): 1}

    everywhere = ok(gql(INBOX, analyst, at=at))["inbox"]
    assert {(e["department"], e["status"]): e["count"] for e in everywhere if e["count"]} == {
        (SHIMIN, "SUBMITTED"): 6, (SHIMIN, "RECEIVED"): 1, (ZEIMU, "SUBMITTED"): 1}


def test_procedures_procedure_and_departments(gql: Gql, catalogue) -> None:
    at = catalogue.position
    query = f"""query($department: String, $onlineOnly: Boolean!, $at: Int) {{
      procedures(department: $department, onlineOnly: $onlineOnly, atLeastPosition: $at)
      {{ {PROCEDURE_FIELDS} }} }}"""

    def codes(**args: Any) -> list[str]:
        return [p["code"] for p in ok(gql(query, at=at, **args))["procedures"]]

    assert codes(onlineOnly=False) == [SIMPLE, COUNTER, ACCOUNT]  # by department, then code
    assert codes(onlineOnly=True) == [SIMPLE, ACCOUNT]
    assert codes(department=SHIMIN, onlineOnly=False) == [SIMPLE, COUNTER]
    assert codes(department=SHIMIN, onlineOnly=True) == [SIMPLE]
    assert codes(department=ZEIMU, onlineOnly=False) == [ACCOUNT]

    one = f"query($code: String!, $at: Int) {{ procedure(code: $code, atLeastPosition: $at) " \
          f"{{ {PROCEDURE_FIELDS} }} }}"
    simple = ok(gql(one, code=SIMPLE, at=at))["procedure"]
    assert simple["nameJa"] == "住民票の写しの交付申請"
    assert (simple["departmentNameJa"], simple["departmentNameEn"]) == ("市民課", "Citizens Division")
    assert simple["channels"] == ["ONLINE"]
    assert simple["channelLabels"] == [{"ja": "オンライン", "en": "Online"}]
    assert (simple["assurance"], simple["assuranceLabel"]["en"]) == (
        "NONE", "Simple (no identity check)")
    assert (simple["feeYen"], simple["processingDays"], simple["retentionYears"]) == (300, 3, 5)
    assert (simple["requirementsJa"], simple["requirementsEn"]) == ("本人確認書類", "Proof of identity")
    assert (simple["online"], simple["retired"]) == (True, False)
    assert simple["form"] == {"version": 1, "fields": [
        {"key": "copies", "labelJa": "通数", "labelEn": "Copies", "type": "number",
         "required": True, "personal": False,
         "constraints": {"min": 1, "max": 10, "integer": True}},
        {"key": "address", "labelJa": "住所", "labelEn": "Address", "type": "text",
         "required": False, "personal": True, "constraints": {"max_length": 200}},
    ]}
    account = ok(gql(one, code=ACCOUNT, at=at))["procedure"]
    assert (account["assurance"], account["department"], account["online"]) == (
        "ACCOUNT", ZEIMU, True)
    counter = ok(gql(one, code=COUNTER, at=at))["procedure"]
    assert (counter["channels"], counter["online"]) == (["COUNTER"], False)
    assert ok(gql(one, code="no-such-procedure", at=at))["procedure"] is None

    departments = ok(gql("query($at: Int) { departments(atLeastPosition: $at) "
                         "{ code nameJa nameEn procedureCount onlineCount } }", at=at))
    assert departments["departments"] == [
        {"code": SHIMIN, "nameJa": "市民課", "nameEn": "Citizens Division",
         "procedureCount": 2, "onlineCount": 1},
        {"code": ZEIMU, "nameJa": "税務課", "nameEn": "Tax Division",
         "procedureCount": 1, "onlineCount": 1},
    ]
