"""Payments through the services, on SQLite and PostgreSQL: the state machine
driven by provider events (in any order, repeated), refunds, idempotency keys,
supersession, and the completion of fee-bearing applications."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.composition import Container
from application.payments.service import PaymentService, ProviderEvent
from domain.applications.status import Status
from domain.payments.payment import PaymentRequired, PaymentStatus, RefundAmountMismatch
from domain.shared.context import Actor
from domain.shared.errors import Forbidden, InvalidTransition, ValidationFailed
from domain.shared.idempotency import IdempotencyConflict
from infra.clock import ManualClock
from tests.builders import citizen, ctx, drive, setup_procedure, staff, submit
from tests.payments.fake_provider import FakeProvider

ME = citizen()
CLERK = staff()
WEBHOOK = Actor.system("payment-provider")


def payments(container: Container) -> PaymentService:
    assert container.payments is not None
    return container.payments


def an_application(container: Container, clock: ManualClock, **answers) -> str:
    setup_procedure(container, clock)
    return submit(container, clock, actor=ME, **answers).id


def started(container: Container, clock: ManualClock, app_id: str, key: str | None = None):
    result = payments(container).create_payment(ctx(clock, ME), app_id, "credit_card", key)
    payment = payments(container).get(result.id)
    return result, payment.provider_payment_id


def deliver(container: Container, clock: ManualClock, event_id: str, kind: str, ppid: str, **data):
    event = ProviderEvent(event_id, kind, int(clock.now().timestamp()),
                          {"provider_payment_id": ppid, **data})
    return payments(container).handle_provider_event(ctx(clock, WEBHOOK), event)


def test_an_online_payment_starts_at_the_provider_and_succeeds(container, clock, provider):
    app_id = an_application(container, clock, copies=3)
    result, ppid = started(container, clock, app_id)
    assert result.status == "started" and result.next_url.endswith(ppid)
    payment = payments(container).get(result.id)
    assert payment.amount == 900 and payment.fee == {"unit_yen": 300, "quantity": 3,
                                                      "postage_yen": 0, "total": 900}
    assert provider.payments[ppid].amount == 900
    outcome = deliver(container, clock, "evt_1", "payment.succeeded", ppid, amount=900)
    assert (outcome.duplicate, outcome.outcome) == (False, "applied")
    assert payments(container).get(result.id).status is PaymentStatus.SUCCESS


def test_a_repeated_delivery_changes_nothing(container, clock):
    app_id = an_application(container, clock)
    result, ppid = started(container, clock, app_id)
    first = deliver(container, clock, "evt_1", "payment.succeeded", ppid, amount=300)
    head = container.log.head()
    again = deliver(container, clock, "evt_1", "payment.succeeded", ppid, amount=300)
    assert again.duplicate and not first.duplicate
    assert container.log.head() == head
    other = deliver(container, clock, "evt_2", "payment.succeeded", ppid, amount=300)
    assert other.outcome == "ignored"  # a second success is recorded as seen, never captured twice
    assert payments(container).get(result.id).captures == 1


def test_a_stale_event_never_moves_a_payment_back_and_a_late_success_is_kept(container, clock):
    app_id = an_application(container, clock)
    result, ppid = started(container, clock, app_id)
    assert deliver(container, clock, "e1", "payment.expired", ppid).outcome == "applied"
    assert deliver(container, clock, "e2", "payment.failed", ppid, reason="declined").outcome == "ignored"
    payment = payments(container).get(result.id)
    assert (payment.status, payment.failure_reason) == (PaymentStatus.FAILED, "expired")
    assert deliver(container, clock, "e3", "payment.succeeded", ppid, amount=300).outcome == "late_success"
    payment = payments(container).get(result.id)
    assert payment.status is PaymentStatus.SUCCESS and payment.late_success
    assert payment.needs_reconciliation
    assert deliver(container, clock, "e4", "payment.expired", ppid).outcome == "ignored"


def test_a_failed_payment_is_superseded_by_a_new_attempt(container, clock):
    app_id = an_application(container, clock)
    first, ppid = started(container, clock, app_id)
    with pytest.raises(InvalidTransition):  # one open attempt at a time
        payments(container).create_payment(ctx(clock, ME), app_id, "qr_code")
    deliver(container, clock, "e1", "payment.failed", ppid, reason="declined")
    second = payments(container).create_payment(ctx(clock, ME), app_id, "qr_code")
    assert payments(container).get(second.id).supersedes == first.id
    assert [str(p.id) for p in payments(container).attempts(app_id)] == [first.id, second.id]


def test_a_provider_error_ends_in_error_and_takes_no_money(container, clock, provider):
    app_id = an_application(container, clock)
    provider.fail_next = True
    result = payments(container).create_payment(ctx(clock, ME), app_id, "e_money")
    assert result.status == "error" and result.next_url is None
    retry = payments(container).create_payment(ctx(clock, ME), app_id, "e_money")
    assert retry.status == "started"


def test_only_the_applicant_pays_online_and_only_staff_record_counter_payments(container, clock):
    app_id = an_application(container, clock)
    with pytest.raises(Forbidden):
        payments(container).create_payment(ctx(clock, citizen("someone-else")), app_id, "credit_card")
    with pytest.raises(Forbidden):
        payments(container).record_counter_payment(ctx(clock, staff("zeimu")), app_id, "counter_cash", "R-1")
    with pytest.raises(ValidationFailed):
        payments(container).create_payment(ctx(clock, ME), app_id, "counter_cash")
    with pytest.raises(ValidationFailed):
        payments(container).record_counter_payment(ctx(clock, CLERK), app_id, "counter_cash", "")


def test_postage_is_added_to_a_postal_request(container, clock):
    setup_procedure(container, clock)
    app_id = submit(container, clock, actor=CLERK, channel="mail", copies=2).id
    result = payments(container).record_counter_payment(ctx(clock, CLERK), app_id, "counter_cash", "R-77")
    assert payments(container).get(result.id).amount == 300 * 2 + 140


def test_completion_is_refused_until_the_fee_is_paid(container, clock):
    app_id = an_application(container, clock)
    drive(container, clock, app_id, Status.APPROVED)
    with pytest.raises(PaymentRequired) as refused:
        container.applications.complete(ctx(clock, CLERK), app_id)
    assert refused.value.code == "PAYMENT_REQUIRED"
    _result, ppid = started(container, clock, app_id)
    with pytest.raises(PaymentRequired):  # started is not paid
        container.applications.complete(ctx(clock, CLERK), app_id)
    deliver(container, clock, "e1", "payment.succeeded", ppid, amount=300)
    container.applications.complete(ctx(clock, CLERK), app_id)
    assert container.applications.get(app_id).status is Status.COMPLETED


def test_a_free_procedure_completes_without_payment(container, clock):
    setup_procedure(container, clock, "free-one", fee_yen=0)
    app_id = submit(container, clock, "free-one", actor=ME).id
    drive(container, clock, app_id, Status.APPROVED)
    container.applications.complete(ctx(clock, CLERK), app_id)
    with pytest.raises(InvalidTransition):
        payments(container).create_payment(ctx(clock, ME), app_id, "credit_card")


def test_a_wholly_refunded_payment_no_longer_pays_the_fee(container, clock):
    app_id = an_application(container, clock)
    paid = payments(container).record_counter_payment(ctx(clock, CLERK), app_id, "counter_card", "R-1")
    with pytest.raises(InvalidTransition):  # already paid
        payments(container).record_counter_payment(ctx(clock, CLERK), app_id, "counter_cash", "R-2")
    refund = payments(container).request_refund(ctx(clock, CLERK), paid.id, 300, 300, "誤徴収")
    assert (refund.status, refund.refundable) == ("success", 0)
    drive(container, clock, app_id, Status.APPROVED)
    with pytest.raises(PaymentRequired):
        container.applications.complete(ctx(clock, CLERK), app_id)


def test_refunds_must_state_the_refundable_amount_they_expect(container, clock, provider):
    app_id = an_application(container, clock, copies=4)
    result, ppid = started(container, clock, app_id)
    provider.pay(ppid)
    deliver(container, clock, "e1", "payment.succeeded", ppid, amount=1200)
    first = payments(container).request_refund(ctx(clock, CLERK), result.id, 300, 1200, "1通分")
    assert (first.status, first.refundable) == ("submitted", 900)
    with pytest.raises(RefundAmountMismatch) as stale:
        payments(container).request_refund(ctx(clock, CLERK), result.id, 300, 1200)
    assert stale.value.refundable == 900 and stale.value.code == "REFUND_AMOUNT_MISMATCH"
    with pytest.raises(ValidationFailed):
        payments(container).request_refund(ctx(clock, CLERK), result.id, 901, 900)
    deliver(container, clock, "e2", "refund.succeeded", ppid, refund_id=first.id)
    deliver(container, clock, "e3", "refund.failed", ppid, refund_id=first.id)  # stale: ignored
    payment = payments(container).get(result.id)
    assert payment.refunds[first.id].status == "success"
    assert (payment.refunded, payment.refundable) == (300, 900)
    second = payments(container).request_refund(ctx(clock, CLERK), result.id, 900, 900)
    deliver(container, clock, "e4", "refund.failed", ppid, refund_id=second.id, reason="closed")
    assert payments(container).get(result.id).refundable == 900  # a failed refund frees its amount


# --- idempotency ---------------------------------------------------------------------


def test_the_same_key_and_parameters_replay_the_first_response(container, clock, provider):
    app_id = an_application(container, clock)
    first = payments(container).create_payment(ctx(clock, ME), app_id, "credit_card", "key-1")
    again = payments(container).create_payment(ctx(clock, ME), app_id, "credit_card", "key-1")
    assert again.replayed and not first.replayed
    assert (again.id, again.position, again.next_url, again.status) == (
        first.id, first.position, first.next_url, first.status)
    assert provider.checkouts == 1
    with pytest.raises(IdempotencyConflict) as conflict:
        payments(container).create_payment(ctx(clock, ME), app_id, "qr_code", "key-1")
    assert conflict.value.code == "IDEMPOTENCY_CONFLICT"


def test_keys_are_kept_24_hours(container, clock):
    app_id = an_application(container, clock, copies=2)
    paid = payments(container).record_counter_payment(ctx(clock, CLERK), app_id, "counter_qr", "R-1")
    refund = payments(container).request_refund(ctx(clock, CLERK), paid.id, 100, 600, "", "rk")
    clock.advance(timedelta(hours=23, minutes=59))
    assert payments(container).request_refund(ctx(clock, CLERK), paid.id, 100, 600, "", "rk").id == refund.id
    clock.advance(timedelta(minutes=1))
    with pytest.raises(RefundAmountMismatch):  # the key is free again: a new refund, now stale
        payments(container).request_refund(ctx(clock, CLERK), paid.id, 100, 600, "", "rk")
    fresh = payments(container).request_refund(ctx(clock, CLERK), paid.id, 100, 500, "", "rk")
    assert fresh.id != refund.id and fresh.refundable == 400


def test_keys_belong_to_their_caller(container, clock):
    app_id = an_application(container, clock)
    payments(container).record_counter_payment(ctx(clock, CLERK), app_id, "counter_cash", "R-1", "k")
    other = an_application_once(container, clock)
    second = payments(container).record_counter_payment(
        ctx(clock, staff(subject="staff:2")), other, "counter_cash", "R-2", "k")
    assert not second.replayed


def test_fifty_concurrent_identical_requests_create_one_payment(container, clock, provider):
    app_id = an_application(container, clock)
    barrier = threading.Barrier(50)
    results, errors = [], []

    def request() -> None:
        barrier.wait()
        try:
            results.append(payments(container).create_payment(ctx(clock, ME), app_id, "credit_card", "same"))
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=request) for _ in range(50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors[:3]
    assert len({r.id for r in results}) == 1 and len(results) == 50
    assert len(payments(container).attempts(app_id)) == 1
    assert provider.checkouts == 1


# --- property: provider events in any order, repeated -----------------------------------

KINDS = ("payment.succeeded", "payment.failed", "payment.expired")


def model(deliveries: list[tuple[str, str]]) -> tuple[str, str | None, bool]:
    """What a payment started at the provider becomes after ``deliveries``."""
    seen: set[str] = set()
    status, reason, late = "started", None, False
    for event_id, kind in deliveries:
        if event_id in seen:
            continue
        seen.add(event_id)
        if kind == "payment.succeeded":
            if status != "success":
                late = status != "started"
                status = "success"
        elif status == "started":
            status, reason = "failed", ("expired" if kind == "payment.expired" else "declined")
    return status, reason, late


@st.composite
def delivery_orders(draw):
    events = draw(st.lists(st.sampled_from(KINDS), min_size=1, max_size=5))
    order = draw(st.lists(st.integers(0, len(events) - 1), min_size=1, max_size=10))
    return [(f"evt-{i}", events[i]) for i in order]


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(deliveries=delivery_orders())
def test_any_order_of_provider_events_ends_where_the_model_says(container, clock, deliveries):
    app_id = an_application_once(container, clock)
    result, ppid = started(container, clock, app_id)
    prefix = result.id[:8]
    for event_id, kind in deliveries:
        deliver(container, clock, f"{prefix}-{event_id}", kind, ppid, amount=300)
    payment = payments(container).get(result.id)
    status, reason, late = model(deliveries)
    assert payment.status.value == status
    assert payment.late_success is late
    if status == "failed":
        assert payment.failure_reason == reason
    assert payment.captures == (1 if status == "success" else 0)  # never a double capture


def an_application_once(container: Container, clock: ManualClock) -> str:
    if not container.catalogue.department_exists("shimin"):
        setup_procedure(container, clock)
    return submit(container, clock, actor=ME).id


def test_payments_are_refused_for_a_closed_application(container, clock):
    app_id = an_application(container, clock)
    container.applications.withdraw(ctx(clock, ME), app_id)
    with pytest.raises(InvalidTransition):
        payments(container).create_payment(ctx(clock, ME), app_id, "credit_card")


def test_the_city_cancels_an_open_payment(container, clock):
    app_id = an_application(container, clock)
    result, _ppid = started(container, clock, app_id)
    payments(container).cancel_payment(ctx(clock, CLERK), result.id, "窓口で支払うため")
    assert payments(container).get(result.id).status is PaymentStatus.CANCELLED
    with pytest.raises(InvalidTransition):
        payments(container).cancel_payment(ctx(clock, CLERK), result.id)
    counter = payments(container).record_counter_payment(ctx(clock, CLERK), app_id, "counter_cash", "R-9")
    assert payments(container).get(counter.id).supersedes == result.id


def test_the_fake_provider_keeps_to_the_port(provider: FakeProvider):
    checkout = provider.create_checkout(reference="r", amount=500, method="credit_card", description="x")
    assert provider.get_status(checkout.provider_payment_id).status == "started"
    from application.payments.service import ProviderError
    with pytest.raises(ProviderError):
        provider.refund(provider_payment_id=checkout.provider_payment_id, refund_id="x", amount=1)
    provider.pay(checkout.provider_payment_id)
    with pytest.raises(ProviderError):
        provider.refund(provider_payment_id=checkout.provider_payment_id, refund_id="x", amount=501)
