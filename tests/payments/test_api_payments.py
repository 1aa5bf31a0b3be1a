"""Payments over HTTP, on SQLite and PostgreSQL: the signed webhook receiver,
GraphQL mutations with Idempotency-Key, refunds, the completion gate, and the
read models (payment status per application, daily totals, cashless share)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient

from infra.clock import ManualClock
from tests.payments.conftest import NEW_SECRET, OLD_SECRET, signed, webhook
from tests.payments.fake_provider import FakeProvider
from tests.shared.api_support import SHIMIN, SUBMIT, Gql, error, ok, submission

CREATE = """mutation($id: ID!, $m: PaymentMethod!) {
  createPayment(applicationId: $id, method: $m) { id position status nextUrl replayed } }"""
COUNTER = """mutation($id: ID!, $m: PaymentMethod!, $r: String!) {
  recordCounterPayment(applicationId: $id, method: $m, receiptNumber: $r) { id position status replayed } }"""
REFUND = """mutation($id: ID!, $a: Int!, $e: Int!) {
  requestRefund(paymentId: $id, amount: $a, expectedRefundable: $e) { id status refundable position } }"""
PAYMENTS = """query($id: ID!, $p: Int) { paymentsForApplication(applicationId: $id, atLeastPosition: $p) {
  id status method amount capturedAmount refundedAmount refundable lateSuccess finished
  statusLabel { ja } methodLabel { ja } receiptNumber supersedes refunds { amount status } } }"""
TOTALS = """query($d: Date!, $dept: String, $p: Int) {
  dailyPaymentTotals(date: $d, department: $dept, atLeastPosition: $p) {
    day department method count amount refunded } }"""
SHARE = """query($p: Int) { cashlessShare(fromDate: "2026-04-01", toDate: "2026-04-01", atLeastPosition: $p) {
  department count cashlessCount amount cashlessAmount share } }"""
COMPLETE = "mutation($id: ID!) { completeApplication(id: $id) { id position } }"


def post(client: TestClient, query: str, token: str | None, key: str | None = None, **variables: Any):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    if key:
        headers["Idempotency-Key"] = key
    response = client.post("/graphql", json={"query": query, "variables": variables}, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def submitted(gql: Gql, citizen: str, copies: int = 2) -> str:
    answers = {"copies": copies, "address": "栃木県下野市笹原26"}
    return ok(gql(SUBMIT, citizen, input=submission(answers=answers)))["submitApplication"]["id"]


def now(clock: ManualClock) -> int:
    return int(clock.now().timestamp())


def send(client: TestClient, body: bytes, headers: dict[str, str]):
    return client.post("/webhooks/payments", content=body, headers=headers)


def test_an_online_payment_end_to_end(client, gql, catalogue, citizen_a, shimin_staff, clock, provider):
    app_id = submitted(gql, citizen_a)
    created = ok(gql(CREATE, citizen_a, id=app_id, m="QR_CODE"))["createPayment"]
    assert created["status"] == "STARTED" and created["nextUrl"].startswith("https://pay.example.test/")
    ppid = created["nextUrl"].rsplit("/", 1)[1]
    provider.pay(ppid)
    body = webhook("evt_ok", "payment.succeeded", ppid, now(clock), amount=600)
    answer = send(client, body, signed(body, now(clock)))
    assert answer.status_code == 200 and answer.json()["outcome"] == "applied"
    again = send(client, body, signed(body, now(clock)))
    assert again.status_code == 200 and again.json()["duplicate"] is True
    position = answer.json()["position"]
    views = ok(gql(PAYMENTS, citizen_a, id=app_id, p=position))["paymentsForApplication"]
    assert [(v["status"], v["method"], v["amount"], v["capturedAmount"], v["finished"]) for v in views] == [
        ("SUCCESS", "QR_CODE", 600, 600, True)]
    assert views[0]["statusLabel"]["ja"] == "支払済み"
    assert error(gql(PAYMENTS, token_of_other(), id=app_id))["code"] == "FORBIDDEN"


def token_of_other() -> str:
    from tests.shared.api_support import token
    return token(sub="citizen-z", role="citizen")


def test_the_receiver_verifies_signatures(client, gql, catalogue, citizen_a, clock):
    app_id = submitted(gql, citizen_a)
    ppid = ok(gql(CREATE, citizen_a, id=app_id, m="CREDIT_CARD"))["createPayment"]["nextUrl"].rsplit("/", 1)[1]
    t = now(clock)
    body = webhook("evt_1", "payment.failed", ppid, t, amount=600, reason="declined")
    tampered = body.replace(b"declined", b"expired!")
    cases = {
        "tampered body": (tampered, signed(body, t)),
        "wrong secret": (body, signed(body, t, "whsec_wrong_000000000")),
        "stale timestamp": (body, signed(body, t - 301)),
        "from the future": (body, signed(body, t + 301)),
        "no header": (body, {"Content-Type": "application/json"}),
        "malformed header": (body, {"Madoguchi-Signature": "v1=abc"}),
    }
    head_before = [send(client, b, h).status_code for b, h in cases.values()]
    assert head_before == [400] * len(cases), dict(zip(cases, head_before, strict=True))
    assert send(client, b"not json", signed(b"not json", t)).status_code == 400
    # both active secrets are accepted during rotation, at the edge of the tolerance too
    assert send(client, body, signed(body, t - 300, OLD_SECRET)).status_code == 200
    body2 = webhook("evt_2", "payment.expired", ppid, t)
    assert send(client, body2, signed(body2, t, NEW_SECRET)).json()["outcome"] == "ignored"
    unknown = webhook("evt_3", "payment.succeeded", "pp_nobody", t)
    assert send(client, unknown, signed(unknown, t)).status_code == 409


def test_idempotency_key_over_graphql(client, gql, catalogue, citizen_a, provider):
    app_id = submitted(gql, citizen_a)
    first = ok(post(client, CREATE, citizen_a, "idem-1", id=app_id, m="E_MONEY"))["createPayment"]
    again = ok(post(client, CREATE, citizen_a, "idem-1", id=app_id, m="E_MONEY"))["createPayment"]
    assert again == {**first, "replayed": True}
    assert error(post(client, CREATE, citizen_a, "idem-1", id=app_id, m="PAY_EASY"))["code"] == \
        "IDEMPOTENCY_CONFLICT"
    assert provider.checkouts == 1


def test_counter_payment_refund_and_completion(client, gql, catalogue, citizen_a, shimin_staff, clock):
    app_id = submitted(gql, citizen_a, copies=3)
    for step in ("receiveApplication", "approveApplication"):
        ok(gql(f"mutation($id: ID!) {{ {step}(id: $id) {{ id }} }}", shimin_staff, id=app_id))
    refused = error(gql(COMPLETE, shimin_staff, id=app_id))
    assert refused["code"] == "PAYMENT_REQUIRED"
    assert error(gql(COUNTER, citizen_a, id=app_id, m="COUNTER_CASH", r="R-1"))["code"] == "FORBIDDEN"
    paid = ok(post(client, COUNTER, shimin_staff, "c-1", id=app_id, m="COUNTER_CARD", r="R-0001"))[
        "recordCounterPayment"]
    assert paid["status"] == "SUCCESS"
    refund = ok(gql(REFUND, shimin_staff, id=paid["id"], a=300, e=900))["requestRefund"]
    assert (refund["status"], refund["refundable"]) == ("success", 600)
    stale = error(gql(REFUND, shimin_staff, id=paid["id"], a=300, e=900))
    assert (stale["code"], stale["refundable"]) == ("REFUND_AMOUNT_MISMATCH", 600)
    done = ok(gql(COMPLETE, shimin_staff, id=app_id))["completeApplication"]
    views = ok(gql(PAYMENTS, shimin_staff, id=app_id, p=done["position"]))["paymentsForApplication"]
    assert views[0]["receiptNumber"] == "R-0001"
    assert (views[0]["refundedAmount"], views[0]["refundable"]) == (300, 600)


def test_daily_totals_and_cashless_share(client, gql, catalogue, citizen_a, citizen_b, shimin_staff,
                                          analyst, clock, provider: FakeProvider):
    cash_app, card_app, online_app = (submitted(gql, citizen_a), submitted(gql, citizen_b),
                                      submitted(gql, citizen_a, copies=1))
    ok(gql(COUNTER, shimin_staff, id=cash_app, m="COUNTER_CASH", r="R-1"))
    ok(gql(COUNTER, shimin_staff, id=card_app, m="COUNTER_CARD", r="R-2"))
    ppid = ok(gql(CREATE, citizen_a, id=online_app, m="CREDIT_CARD"))["createPayment"]["nextUrl"].rsplit("/", 1)[1]
    clock.advance(timedelta(minutes=1))
    body = webhook("evt_t", "payment.succeeded", ppid, now(clock), amount=300)
    position = send(client, body, signed(body, now(clock))).json()["position"]
    totals = ok(gql(TOTALS, analyst, d="2026-04-01", p=position))["dailyPaymentTotals"]
    assert [(t["department"], t["method"], t["count"], t["amount"]) for t in totals] == [
        (SHIMIN, "COUNTER_CARD", 1, 600), (SHIMIN, "COUNTER_CASH", 1, 600), (SHIMIN, "CREDIT_CARD", 1, 300)]
    assert ok(gql(TOTALS, shimin_staff, d="2026-04-02", dept=SHIMIN))["dailyPaymentTotals"] == []
    assert error(gql(TOTALS, shimin_staff, d="2026-04-01", dept="zeimu"))["code"] == "FORBIDDEN"
    share = ok(gql(SHARE, analyst, p=position))["cashlessShare"]
    assert share == [{"department": SHIMIN, "count": 3, "cashlessCount": 2, "amount": 1500,
                      "cashlessAmount": 900, "share": 2 / 3}]


APP_PAYMENT = """query($id: ID!) { application(id: $id) { payment {
  status statusLabel { ja en } amountDue amountPaid amountRefunded payments { id status } } } }"""


def test_an_application_shows_its_fee_due_paid_and_refunded(client, gql, catalogue, container, citizen_a,
                                                            shimin_staff):
    from tests.shared.api_support import settled

    def payment_of(token: str) -> dict[str, Any]:
        settled(container)
        return ok(gql(APP_PAYMENT, token, id=app_id))["application"]["payment"]

    app_id = submitted(gql, citizen_a, copies=3)
    due = payment_of(citizen_a)
    assert (due["status"], due["statusLabel"]["ja"], due["amountDue"], due["amountPaid"]) == ("DUE", "未払い", 900, 0)
    assert due["payments"] == []
    paid = ok(post(client, COUNTER, shimin_staff, "c-9", id=app_id, m="COUNTER_CASH", r="R-9"))[
        "recordCounterPayment"]
    after = payment_of(shimin_staff)
    assert (after["status"], after["amountPaid"], after["payments"]) == ("PAID", 900, [
        {"id": paid["id"], "status": "SUCCESS"}])
    ok(gql(REFUND, shimin_staff, id=paid["id"], a=300, e=900))
    assert payment_of(citizen_a)["status"] == "PARTIALLY_REFUNDED"
    ok(gql(REFUND, shimin_staff, id=paid["id"], a=600, e=600))
    refunded = payment_of(citizen_a)
    assert (refunded["status"], refunded["statusLabel"]["ja"], refunded["amountRefunded"]) == (
        "REFUNDED", "返金済み", 900)

