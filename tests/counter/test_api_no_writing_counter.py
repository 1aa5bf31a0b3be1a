"""The no-writing counter (書かない窓口) end to end over GraphQL and HTTP, on SQLite
and PostgreSQL: card → 手続きナビ → pre-filled forms → the check-and-sign PDF →
counter applications linked to the visit, which moves on to the next department."""

from __future__ import annotations

import io

import pypdf
from fastapi.testclient import TestClient

from api.composition import Container
from tests.counter.support import CARD, HOUSEHOLD, JIDO_TEATE_REST, KODOMO_QUEUE, TENNYU_REST, set_up_counter
from tests.shared.api_support import Gql, error, ok, settled, token

SHIMIN_STAFF = token(sub="staff-shimin", role="staff", dept="shimin")
KODOMO_STAFF = token(sub="staff-kodomo", role="staff", dept="kodomo")
OPEN = "mutation($v: ID!) { openInterview(visitId: $v) { id position } }"
IDENTIFY = """mutation($id: ID!, $card: JSON!, $household: [HouseholdMemberInput!]) {
  identifyCitizenFromCard(id: $id, card: $card, household: $household) { id position } }"""
GUIDE = """query($event: LifeEvent!, $id: ID, $household: [HouseholdMemberInput!]) {
  lifeEventGuide(event: $event, interviewId: $id, household: $household) {
    code nameJa department condition reason { ja en } } }"""
CHOOSE = "mutation($id: ID!) { chooseLifeEvent(id: $id, event: MOVE_IN) { id position } }"
COMPLETE = """mutation($id: ID!, $p: String!, $answers: JSON!) {
  completeForm(id: $id, procedure: $p, answers: $answers) { id position } }"""
CONFIRM = "mutation($id: ID!) { confirmInterview(id: $id) { id position } }"
INTERVIEW = """query($id: ID!) { interview(id: $id) {
  id visitId status statusLabel { ja en } source sourceLabel { ja } citizen lifeEvent lifeEventLabel { ja en }
  forms { procedure department reason { ja } prefilled answers completed }
  applications { procedure applicationId } nextDepartment } }"""
APPLICATION = """query($id: ID!, $p: Int) { application(id: $id, atLeastPosition: $p) {
  procedureCode channel applicantName department } }"""
VISIT = "query($id: ID!, $p: Int) { visit(id: $id, atLeastPosition: $p) { queue department status } }"
HOUSEHOLD_INPUT = [{"birthDate": m["birthDate"], "relationship": m["relationship"]} for m in HOUSEHOLD]


def _pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)


def test_a_household_is_guided_by_life_event_with_reasons(gql: Gql, container: Container) -> None:
    set_up_counter(container)
    guided = ok(gql(GUIDE, SHIMIN_STAFF, event="MOVE_IN", household=HOUSEHOLD_INPUT))["lifeEventGuide"]
    by_code = {g["code"]: g for g in guided}
    assert list(by_code) == ["tennyu", "jido-teate", "kodomo-iryo", "shitei-gakko-henko",
                             "kaigo-card-reissue", "suido-start"]
    assert by_code["kaigo-card-reissue"]["reason"]["ja"] == "65歳以上の世帯員がいるため"
    assert (by_code["jido-teate"]["nameJa"], by_code["jido-teate"]["department"]) == ("児童手当認定請求", "kodomo")
    bad = error(gql(GUIDE, SHIMIN_STAFF, event="MOVE_IN", household=[{"birthDate": "1985/06/15"}]))
    assert (bad["code"], bad["field"], bad["rule"]) == ("VALIDATION_FAILED", "household[0].birthDate", "date_format")
    assert error(gql(GUIDE, None, event="BIRTH", household=[]))["code"] == "UNAUTHENTICATED"


def test_card_to_counter_applications_with_the_signed_pdf_and_a_transfer(
    gql: Gql, client: TestClient, container: Container,
) -> None:
    visit_id = set_up_counter(container)
    interview_id = ok(gql(OPEN, SHIMIN_STAFF, v=visit_id))["openInterview"]["id"]
    assert error(gql(OPEN, KODOMO_STAFF, v=visit_id))["code"] == "FORBIDDEN"
    bad_card = error(gql(IDENTIFY, SHIMIN_STAFF, id=interview_id, card={**CARD, "sex": "x"}))
    assert (bad_card["code"], bad_card["field"], bad_card["rule"]) == ("VALIDATION_FAILED", "card.sex", "one_of")
    ok(gql(IDENTIFY, SHIMIN_STAFF, id=interview_id, card=CARD, household=HOUSEHOLD_INPUT))
    ok(gql(CHOOSE, SHIMIN_STAFF, id=interview_id))

    interview = ok(gql(INTERVIEW, SHIMIN_STAFF, id=interview_id))["interview"]
    assert (interview["source"], interview["lifeEvent"], interview["lifeEventLabel"]["ja"]) == (
        "card", "MOVE_IN", "転入")
    assert interview["citizen"]["name"] == "下野 花子" and interview["citizen"]["birth_date"] == "1985-06-15"
    forms = {f["procedure"]: f for f in interview["forms"]}
    assert forms["tennyu"]["prefilled"] == {"name": "下野 花子", "birthDate": "1985-06-15", "householdMembers": 3}
    assert forms["jido-teate"]["prefilled"]["claimantName"] == "下野 花子"
    assert error(gql(INTERVIEW, KODOMO_STAFF, id=interview_id))["code"] == "FORBIDDEN"

    head = settled(container)
    wrong = error(gql(COMPLETE, SHIMIN_STAFF, id=interview_id, p="tennyu", answers={**TENNYU_REST, "moveDate": "x"}))
    assert (wrong["code"], wrong["field"], wrong["rule"]) == ("VALIDATION_FAILED", "answers.moveDate", "date_format")
    assert settled(container) == head  # nothing recorded
    assert client.get(f"/interviews/{interview_id}/forms.pdf",
                      headers={"Authorization": f"Bearer {SHIMIN_STAFF}"}).status_code == 409
    ok(gql(COMPLETE, SHIMIN_STAFF, id=interview_id, p="tennyu", answers=TENNYU_REST))
    ok(gql(COMPLETE, SHIMIN_STAFF, id=interview_id, p="jido-teate", answers=JIDO_TEATE_REST))

    response = client.get(f"/interviews/{interview_id}/forms.pdf", headers={"Authorization": f"Bearer {SHIMIN_STAFF}"})
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    assert response.headers["cache-control"] == "no-store"
    text = _pdf_text(response.content)
    for expected in ("転入届（来庁予定の事前届出）", "児童手当認定請求", "下野 花子", "東京都千代田区千代田1-1",
                     "民間企業・自営業", "署名"):
        assert expected in text, expected
    assert client.get(f"/interviews/{interview_id}/forms.pdf",
                      headers={"Authorization": f"Bearer {KODOMO_STAFF}"}).status_code == 403
    assert client.get(f"/interviews/{interview_id}/forms.pdf").status_code == 401

    settled(container)  # the queue read model knows kodomo's queue: the default next queue
    confirmed = ok(gql(CONFIRM, SHIMIN_STAFF, id=interview_id))["confirmInterview"]
    done = ok(gql(INTERVIEW, SHIMIN_STAFF, id=interview_id))["interview"]
    assert (done["status"], done["nextDepartment"], done["visitId"]) == ("confirmed", "kodomo", visit_id)
    assert done["statusLabel"] == {"ja": "申請済み", "en": "Confirmed"}
    assert done["sourceLabel"]["ja"] == "マイナンバーカード"
    apps = {a["procedure"]: a["applicationId"] for a in done["applications"]}
    assert set(apps) == {"tennyu", "jido-teate"}
    teate = ok(gql(APPLICATION, KODOMO_STAFF, id=apps["jido-teate"], p=confirmed["position"]))["application"]
    assert teate == {"procedureCode": "jido-teate", "channel": "COUNTER", "applicantName": "下野 花子",
                     "department": "kodomo"}
    visit = ok(gql(VISIT, KODOMO_STAFF, id=visit_id, p=confirmed["position"]))["visit"]
    assert visit == {"queue": KODOMO_QUEUE, "department": "kodomo", "status": "TRANSFERRED"}
    assert error(gql(CONFIRM, SHIMIN_STAFF, id=interview_id))["code"] == "INVALID_TRANSITION"
