"""A signed ``payment.succeeded`` whose amount differs from the payment's never
settles the fee: the capture is recorded as ``PaymentAmountMismatched`` (so the
money can be refunded), the application stays unpaid (completion is refused
``PAYMENT_REQUIRED``, a new attempt is allowed), and the payment is flagged for
reconciliation in the payments read model and the reconciliation report."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from api.payments.jobs import reconciliation
from domain.payments.payment import PaymentAmountMismatched
from domain.shared.context import CITY_TIMEZONE
from infra.clock import ManualClock
from tests.payments.conftest import signed, webhook
from tests.payments.test_api_payments import COMPLETE, CREATE, now, post, send, submitted
from tests.shared.api_support import Gql, error, ok

PAYMENTS = """query($id: ID!, $p: Int) { paymentsForApplication(applicationId: $id, atLeastPosition: $p) {
  id status amount capturedAmount amountMismatch lateSuccess finished } }"""


def _pay(gql: Gql, client: TestClient, clock: ManualClock, provider, citizen: str, amount: int, event: str):
    app_id = submitted(gql, citizen)  # 2 copies: 600 yen
    created = ok(gql(CREATE, citizen, id=app_id, m="QR_CODE"))["createPayment"]
    ppid = created["nextUrl"].rsplit("/", 1)[1]
    provider.pay(ppid)
    body = webhook(event, "payment.succeeded", ppid, now(clock), amount=amount)
    answer = send(client, body, signed(body, now(clock)))
    assert answer.status_code == 200, answer.text
    return app_id, created["id"], ppid, answer.json()


def mismatches(container) -> list[PaymentAmountMismatched]:
    events = (container.log.mapper.to_domain_event(n)
              for n in container.log.recorder.select_notifications(0, 100_000)
              if n.topic.endswith(":PaymentAmountMismatched"))
    return list(events)


@pytest.mark.parametrize("amount", [1, 599, 601])
def test_a_capture_of_another_amount_does_not_settle_the_fee(
        client, gql, catalogue, citizen_a, shimin_staff, clock, provider, container, amount):
    app_id, payment_id, _, answer = _pay(gql, client, clock, provider, citizen_a, amount, f"evt_{amount}")
    assert answer["outcome"] == "amount_mismatch"
    payment = container.payments.get(payment_id)
    assert payment.amount_mismatch and not payment.settles_fee and payment.needs_reconciliation
    assert [(e.amount, e.expected) for e in mismatches(container)] == [(amount, 600)]
    views = ok(gql(PAYMENTS, shimin_staff, id=app_id, p=answer["position"]))["paymentsForApplication"]
    assert [(v["capturedAmount"], v["amount"], v["amountMismatch"]) for v in views] == [(amount, 600, True)]
    for step in ("receiveApplication", "approveApplication"):
        ok(gql(f"mutation($id: ID!) {{ {step}(id: $id) {{ id }} }}", shimin_staff, id=app_id))
    assert error(gql(COMPLETE, shimin_staff, id=app_id))["code"] == "PAYMENT_REQUIRED"
    # the citizen may pay again: the mismatched attempt does not count as paid
    assert ok(post(client, CREATE, citizen_a, "again-1", id=app_id, m="QR_CODE"))["createPayment"]["id"]


def test_the_full_amount_still_settles(client, gql, catalogue, citizen_a, clock, provider, container):
    _, payment_id, _, answer = _pay(gql, client, clock, provider, citizen_a, 600, "evt_full")
    assert answer["outcome"] == "applied"
    assert container.payments.get(payment_id).settles_fee


def test_a_mismatched_capture_is_an_amount_mismatch_in_the_reconciliation(
        client, gql, catalogue, citizen_a, clock, provider, container):
    _, payment_id, ppid, _ = _pay(gql, client, clock, provider, citizen_a, 1, "evt_one")
    day = clock.now().astimezone(CITY_TIMEZONE).date()
    csv = f"settled_on,type,provider_payment_id,reference,amount\n{day},payment,{ppid},{payment_id},1\n"
    report = reconciliation(container, day, csv)
    assert report.matched == [] and not report.balanced
    assert [(line.payment_id, line.our_amount, line.settled_amount) for line in report.amount_mismatches] == [
        (payment_id, 1, 1)]
