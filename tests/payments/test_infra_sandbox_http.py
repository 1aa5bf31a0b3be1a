"""The sandbox provider and the HTTP adapter over loopback, on SQLite and
PostgreSQL: checkouts, simulated payments, signed webhooks crossing HTTP to our
receiver (with chaos: duplicates, shuffling, forged and stale deliveries),
refunds, polling/expiry with a ManualClock, and reconciliation."""

from __future__ import annotations

import random
import uuid
from datetime import timedelta

import httpx
import pytest
from pydantic import SecretStr

from api.payments.jobs import reconciliation, run_sweep
from application.payments.service import ProviderError
from domain.payments.payment import Payment
from domain.shared.context import Actor, CommandContext
from infra.clock import ManualClock
from infra.payment_provider import HttpPaymentProvider
from infra.sandbox_provider.webhooks import signature
from infra.settings import Settings
from projections.payments import payments as model
from tests.payments.live import Live, live_payments
from tests.shared.access_examples import MINE, World
from tests.shared.api_support import token

SECRET, OLD = "whsec_live_0123456789", "whsec_live_old_012345"
DAY = "2026-04-01"


def configured(settings: Settings) -> Settings:
    return settings.model_copy(update={"payment_webhook_secrets": SecretStr(f"{OLD},{SECRET}")})


def citizen(live: Live) -> CommandContext:
    return CommandContext(Actor(MINE.owner, "citizen"), live.container.clock.now(), uuid.uuid4().hex)


def staff(live: Live) -> CommandContext:
    return CommandContext(Actor("staff-1", "staff", MINE.dept), live.container.clock.now(), uuid.uuid4().hex)


def start_payment(live: Live, world: World) -> tuple[str, str]:
    assert live.container.payments is not None
    result = live.container.payments.create_payment(citizen(live), world.application(MINE), "credit_card")
    assert result.status == "started", result
    assert result.next_url and result.next_url.startswith(live.sandbox_url + "/checkout/")
    return result.id, result.next_url.rsplit("/", 1)[1]


def act(live: Live, ppid: str, action: str, **body: int) -> httpx.Response:
    return httpx.post(f"{live.sandbox_url}/sandbox/payments/{ppid}/{action}", json=body or None)


def payment(live: Live, pid: str) -> Payment:
    assert live.container.payments is not None
    return live.container.payments.get(pid)


def test_checkout_pay_refund_over_http(settings, clock):
    with live_payments(configured(settings), clock, SECRET) as live:
        world = World(live.container)
        pid, ppid = start_payment(live, world)
        assert httpx.get(f"{live.sandbox_url}/checkout/{ppid}").status_code == 200
        assert act(live, ppid, "pay").json()["status"] == "success"
        assert act(live, ppid, "pay").status_code == 409  # money is taken once
        live.settle()
        paid = payment(live, pid)
        assert (paid.status.value, paid.captured_amount, paid.captures) == ("success", 300, 1)
        refund = live.container.payments.request_refund(staff(live), pid, 100, 300)
        assert refund.status == "submitted"  # the provider confirms by webhook
        live.settle()
        after = payment(live, pid)
        assert after.refunds[refund.id].status == "success" and after.refundable == 200
        # declined and abandoned checkouts
        declined, dppid = start_payment(live, world)
        abandoned, appid = start_payment(live, world)
        act(live, dppid, "decline")
        act(live, appid, "abandon")
        live.settle()
        assert payment(live, declined).failure_reason == "declined"
        assert payment(live, abandoned).failure_reason == "cancelled_by_citizen"
        assert live.dispatcher.stats.given_up == []
        # the adapter polls the same status
        assert live.container.payments.provider.get_status(ppid).status == "success"


def test_the_adapter_maps_failures_to_provider_errors(tmp_path):
    closed = HttpPaymentProvider("http://127.0.0.1:9", timeout=1)
    with pytest.raises(ProviderError, match="unreachable"):
        closed.get_status("x")

    def timeout(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("slow", request=request)

    slow = HttpPaymentProvider("http://provider.test", transport=httpx.MockTransport(timeout))
    with pytest.raises(ProviderError, match="timed out"):
        slow.create_checkout(reference="r", amount=1, method="credit_card", description="d")
    answers = {
        "/v1/checkouts": httpx.Response(503, json={"code": "DOWN"}),
        "/v1/payments/p1": httpx.Response(200, text="<html>"),
        "/v1/payments/p2": httpx.Response(200, json={"status": "weird", "amount": 1}),
        "/v1/payments/p3/refunds": httpx.Response(201, json={"id": "re", "status": "submitted"}),
    }
    odd = HttpPaymentProvider("http://provider.test", "k",
                              transport=httpx.MockTransport(lambda r: answers[r.url.path]))
    with pytest.raises(ProviderError, match="503 DOWN"):
        odd.create_checkout(reference="r", amount=1, method="credit_card", description="d")
    for ppid in ("p1", "p2"):
        with pytest.raises(ProviderError):
            odd.get_status(ppid)
    assert odd.refund(provider_payment_id="p3", refund_id="x", amount=1).status == "submitted"


def test_wrong_api_key_ends_the_payment_in_error(settings, clock):
    with live_payments(configured(settings), clock, SECRET) as live:
        world = World(live.container)
        live.sandbox.api_key = "sk_other"
        result = live.container.payments.create_payment(citizen(live), world.application(MINE), "qr_code")
        assert result.status == "error"


OUTCOMES = ("pay", "decline", "abandon", "expire")


def test_webhook_chaos_ends_in_the_predicted_states(settings, clock):
    rng = random.Random(20260401)
    with live_payments(configured(settings), clock, SECRET, hold=True) as live:
        world = World(live.container)
        plan: dict[str, tuple[str, str, bool]] = {}  # pid -> (ppid, outcome, cancelled by the city)
        for n in range(12):
            pid, ppid = start_payment(live, world)
            plan[pid] = (ppid, OUTCOMES[n % 4], n % 3 == 0)
        for pid, (ppid, outcome, cancel) in plan.items():
            if cancel:
                live.container.payments.cancel_payment(staff(live), pid, "窓口で支払い")
            assert act(live, ppid, outcome).status_code == 200
        events = live.sandbox.events
        assert len(events) == len(plan)
        released = live.dispatcher.flush(max_copies=5, seed=rng.randrange(1 << 30))
        assert len(plan) <= released <= 5 * len(plan)
        # forged and stale deliveries, crossing HTTP as well
        receiver = f"{live.api_url}/webhooks/payments"
        now = int(clock.now().timestamp())
        forged_body = httpx.Request("POST", receiver, json={
            "id": "evt_forged", "type": "payment.succeeded", "created": now,
            "data": {"provider_payment_id": plan[next(iter(plan))][0], "amount": 300}}).content
        for header in (signature("whsec_attacker_000000", now, forged_body), signature(SECRET, now - 3600,
                       forged_body), signature(SECRET, now + 3600, forged_body), "t=1,v1=00"):
            answer = httpx.post(receiver, content=forged_body, headers={"Madoguchi-Signature": header})
            assert answer.status_code == 400
        live.settle()
        assert live.dispatcher.stats.given_up == []
        assert live.dispatcher.stats.delivered == released
        for pid, (_ppid, outcome, cancel) in plan.items():
            p = payment(live, pid)
            expected = {
                ("pay", False): ("success", None, False),
                ("pay", True): ("success", None, True),  # taken after we cancelled: late success
                ("decline", False): ("failed", "declined", False),
                ("abandon", False): ("failed", "cancelled_by_citizen", False),
                ("expire", False): ("failed", "expired", False),
            }.get((outcome, cancel), ("cancelled", None, False))
            assert (p.status.value, p.failure_reason if p.status.value == "failed" else None,
                    p.late_success) == expected, (outcome, cancel)
            assert p.captures == (1 if outcome == "pay" else 0)  # never a double capture
        paid = sum(1 for _, outcome, _ in plan.values() if outcome == "pay")
        totals = live.container.views
        from application.projection.reading import read_session

        with read_session(totals, live.container.projections) as session:
            rows = model.daily_totals(session, clock.now().date())
        assert sum(r.count for r in rows) == paid and sum(r.amount for r in rows) == 300 * paid


def test_polling_and_expiry_with_a_manual_clock(settings, clock: ManualClock):
    with live_payments(configured(settings), clock, SECRET, hold=True,
                       payment_poll_after=15, payment_expire_after=90) as live:
        world = World(live.container)
        paid, paid_pp = start_payment(live, world)
        idle, idle_pp = start_payment(live, world)
        declined, declined_pp = start_payment(live, world)
        act(live, paid_pp, "pay")  # the webhooks are lost (held, never released)
        act(live, declined_pp, "decline")
        clock.advance(timedelta(minutes=10))
        assert run_sweep(live.container)["checked"] == 0
        clock.advance(timedelta(minutes=10))
        report = run_sweep(live.container)
        assert report["changed"] == {paid: "payment.succeeded", declined: "payment.failed"}
        assert report["polled"] == 3
        assert payment(live, idle).status.value == "started"
        clock.advance(timedelta(minutes=71))  # 91 minutes after the checkout
        report = run_sweep(live.container)
        assert report["changed"] == {idle: "payment.expired"}
        assert payment(live, idle).failure_reason == "expired"
        assert run_sweep(live.container)["checked"] == 0  # nothing open any more
        # the citizen pays anyway: a late success, kept for reconciliation
        act(live, idle_pp, "pay")
        live.dispatcher.flush(max_copies=2, seed=7)
        live.settle()
        late = payment(live, idle)
        assert late.late_success and late.captures == 1
        assert payment(live, paid).captures == 1  # the polled success and its webhook: one capture


def test_reconciliation_matched_missing_and_mismatch(settings, clock):
    with live_payments(configured(settings), clock, SECRET) as live:
        world = World(live.container)
        pids = {}
        for name in ("a", "b", "c", "late"):
            pids[name] = start_payment(live, world)
        live.container.payments.cancel_payment(staff(live), pids["late"][0], "取消")
        for name in ("a", "b", "late"):
            act(live, pids[name][1], "pay")
        act(live, pids["c"][1], "pay", amount=250)  # captured less than due
        live.settle()
        csv_text = httpx.get(f"{live.sandbox_url}/settlements/{DAY}.csv").text
        from datetime import date

        clean = reconciliation(live.container, date(2026, 4, 1), csv_text)
        assert clean.balanced and {line.payment_id for line in clean.matched} == {p for p, _ in pids.values()}
        assert [line.late_success for line in clean.matched if line.payment_id == pids["late"][0]] == [True]
        # the report lacks b, names an unknown payment, and says another amount for a
        lines = [line for line in csv_text.splitlines() if pids["b"][1] not in line]
        lines = [line.replace(",300,", ",350,") if pids["a"][1] in line else line for line in lines]
        lines.append(f"{DAY},payment,sbx_unknown,ref,500,")
        messy = reconciliation(live.container, date(2026, 4, 1), "\n".join(lines) + "\n")
        assert [line.payment_id for line in messy.missing_in_settlement] == [pids["b"][0]]
        assert [(line.provider_payment_id, line.payment_id) for line in messy.missing_in_ledger] == [
            ("sbx_unknown", None)]
        assert [(line.payment_id, line.our_amount, line.settled_amount) for line in messy.amount_mismatches] == [
            (pids["a"][0], 300, 350)]
        assert not messy.balanced
        # over GraphQL: auditors see all, staff their department, citizens nothing
        query = """query($d: Date!, $csv: String!) { paymentReconciliation(date: $d, settlementCsv: $csv) {
          balanced matched { paymentId lateSuccess } missingInSettlement { paymentId }
          missingInLedger { providerPaymentId } amountMismatches { ourAmount settledAmount } refundRows } }"""
        variables = {"d": DAY, "csv": "\n".join(lines) + "\n"}

        def ask(tok: str) -> dict:
            return httpx.post(f"{live.api_url}/graphql", json={"query": query, "variables": variables},
                              headers={"Authorization": f"Bearer {tok}"}).json()

        audited = ask(token(sub="au", role="auditor"))["data"]["paymentReconciliation"]
        assert audited["balanced"] is False
        assert audited["missingInLedger"] == [{"providerPaymentId": "sbx_unknown"}]
        assert audited["amountMismatches"] == [{"ourAmount": 300, "settledAmount": 350}]
        other = ask(token(sub="s", role="staff", dept="zeimu"))["data"]["paymentReconciliation"]
        assert other["matched"] == [] and other["missingInSettlement"] == []
        assert ask(token(sub="c", role="citizen"))["errors"][0]["extensions"]["code"] == "FORBIDDEN"
        bad = dict(variables, csv="nonsense\n1\n")
        answer = httpx.post(f"{live.api_url}/graphql", json={"query": query, "variables": bad},
                            headers={"Authorization": f"Bearer {token(sub='au', role='auditor')}"}).json()
        assert answer["errors"][0]["extensions"]["code"] == "VALIDATION_FAILED"


def test_refunds_are_reconciled_with_the_settlement_report(settings, clock):
    with live_payments(configured(settings), clock, SECRET) as live:
        from datetime import date

        world = World(live.container)
        refunded, refunded_pp = start_payment(live, world)
        twice, twice_pp = start_payment(live, world)
        for ppid in (refunded_pp, twice_pp):
            act(live, ppid, "pay")
        live.settle()
        payments = live.container.payments
        first = payments.request_refund(staff(live), refunded, 300, 300)
        partial = payments.request_refund(staff(live), twice, 100, 300)
        live.settle()  # its refund.succeeded webhook changes the payment: a refund racing it gets CONFLICT
        rest = payments.request_refund(staff(live), twice, 50, 200)
        live.settle()
        csv_text = httpx.get(f"{live.sandbox_url}/settlements/{DAY}.csv").text
        clean = reconciliation(live.container, date(2026, 4, 1), csv_text)
        assert clean.balanced, clean
        assert clean.refund_rows == 3
        assert sorted((line.refund_id, line.our_amount, line.settled_amount) for line in clean.refunds_matched) \
            == sorted([(first.id, 300, 300), (partial.id, 100, 100), (rest.id, 50, 50)])
        assert all(line.provider_refund_id for line in clean.refunds_matched)
        # the report lacks one refund, says another amount for one, and names a refund we never made
        lines = csv_text.splitlines()
        ours = {line.refund_id: line.provider_refund_id for line in clean.refunds_matched}
        lines = [line for line in lines if not line.endswith(str(ours[rest.id]))]
        lines = [line.replace(",-300,", ",-280,") if line.endswith(str(ours[first.id])) else line
                 for line in lines]
        lines.append(f"{DAY},refund,{twice_pp},ref,-40,re_unknown")
        messy = reconciliation(live.container, date(2026, 4, 1), "\n".join(lines) + "\n")
        assert not messy.balanced
        assert [line.refund_id for line in messy.refunds_missing_in_settlement] == [rest.id]
        assert [(line.refund_id, line.our_amount, line.settled_amount)
                for line in messy.refund_amount_mismatches] == [(first.id, 300, 280)]
        assert [(line.payment_id, line.refund_id, line.provider_refund_id, line.settled_amount)
                for line in messy.refunds_missing_in_ledger] == [(twice, None, "re_unknown", 40)]
        assert [line.refund_id for line in messy.refunds_matched] == [partial.id]
        # over GraphQL
        query = """query($d: Date!, $csv: String!) { paymentReconciliation(date: $d, settlementCsv: $csv) {
          balanced refundRows refundsMatched { refundId } refundsMissingInSettlement { refundId ourAmount }
          refundsMissingInLedger { providerRefundId settledAmount }
          refundAmountMismatches { refundId ourAmount settledAmount } } }"""
        answer = httpx.post(f"{live.api_url}/graphql", json={"query": query, "variables": {
            "d": DAY, "csv": "\n".join(lines) + "\n"}},
            headers={"Authorization": f"Bearer {token(sub='au', role='auditor')}"}).json()
        report = answer["data"]["paymentReconciliation"]
        assert report["balanced"] is False and report["refundRows"] == 3
        assert report["refundsMissingInSettlement"] == [{"refundId": rest.id, "ourAmount": 50}]
        assert report["refundsMissingInLedger"] == [{"providerRefundId": "re_unknown", "settledAmount": 40}]
        assert report["refundAmountMismatches"] == [{"refundId": first.id, "ourAmount": 300, "settledAmount": 280}]
