"""The payment process, on SQLite and PostgreSQL: submission of a fee-bearing
application makes its fee due, a payment's success records it paid, and a
rejection or withdrawal after payment refunds it in full — exactly once, however
often the process runs over the same events or wherever it crashes."""

from __future__ import annotations

import pytest

from api.composition import Container
from application.payments.process import PaymentProcess
from application.payments.service import PaymentService, ProviderEvent
from application.projection.base import ViewStoreUnavailable
from domain.applications.status import Status
from domain.payments.dues import PaymentDue, due_id
from domain.shared.context import Actor
from infra.clock import ManualClock
from tests.builders import citizen, ctx, drive, setup_procedure, submit
from tests.payments.fake_provider import FakeProvider

ME = citizen()
WEBHOOK = Actor.system("payment-provider")


def payments(container: Container) -> PaymentService:
    assert container.payments is not None
    return container.payments


def process(container: Container) -> PaymentProcess:
    return next(p for p in container.projections if isinstance(p, PaymentProcess))


def due(container: Container, app_id: str) -> PaymentDue | None:
    return payments(container)._find(PaymentDue, due_id(app_id))


def submitted(container: Container, clock: ManualClock, **answers) -> str:
    setup_procedure(container, clock)
    app_id = submit(container, clock, actor=ME, **answers).id
    container.engine.catch_up()
    return app_id


def paid_online(container: Container, clock: ManualClock, provider: FakeProvider, app_id: str) -> str:
    result = payments(container).create_payment(ctx(clock, ME), app_id, "credit_card")
    ppid = payments(container).get(result.id).provider_payment_id
    assert ppid is not None
    provider.pay(ppid)
    amount = payments(container).get(result.id).amount
    event = ProviderEvent(f"evt-{ppid}", "payment.succeeded", int(clock.now().timestamp()),
                          {"provider_payment_id": ppid, "amount": amount})
    payments(container).handle_provider_event(ctx(clock, WEBHOOK), event)
    container.engine.catch_up()
    return result.id


def test_submitting_a_fee_bearing_application_makes_its_fee_due(container, clock):
    app_id = submitted(container, clock, copies=2)
    owed = due(container, app_id)
    assert owed is not None and (owed.amount, owed.paid) == (600, False)
    assert owed.fee["quantity"] == 2


def test_a_successful_payment_records_the_application_paid(container, clock, provider):
    app_id = submitted(container, clock)
    payment_id = paid_online(container, clock, provider, app_id)
    owed = due(container, app_id)
    assert owed is not None and owed.paid and owed.paid_by == payment_id


def test_a_counter_payment_records_it_paid_too(container, clock):
    app_id = submitted(container, clock)
    paid = payments(container).record_counter_payment(
        ctx(clock, Actor("staff:1", "staff", "shimin")), app_id, "counter_card", "R-1")
    container.engine.catch_up()
    assert due(container, app_id).paid_by == paid.id


def test_a_free_procedure_owes_nothing(container, clock):
    setup_procedure(container, clock, "free-one", fee_yen=0)
    app_id = submit(container, clock, "free-one", actor=ME).id
    container.engine.catch_up()
    assert due(container, app_id) is None
    drive(container, clock, app_id, Status.REJECTED)
    container.engine.catch_up()
    assert payments(container).attempts(app_id) == []


def _one_full_refund(container: Container, provider: FakeProvider, payment_id: str) -> None:
    payment = payments(container).get(payment_id)
    assert len(payment.refunds) == 1 and payment.refundable == 0
    (refund,) = payment.refunds.values()
    assert refund.amount == 300 and refund.status == "submitted"
    assert provider.payments[payment.provider_payment_id or ""].refunds == {refund.id: 300}


def test_rejection_after_payment_refunds_once_even_when_the_process_runs_twice(
        container, clock, provider):
    app_id = submitted(container, clock)
    payment_id = paid_online(container, clock, provider, app_id)
    drive(container, clock, app_id, Status.REJECTED)
    container.engine.catch_up()
    _one_full_refund(container, provider, payment_id)
    head = container.log.head()
    container.engine.rebuild(PaymentProcess.name, grace=0)  # every event processed again
    container.engine.catch_up()
    assert container.log.head() == head  # nothing new was recorded
    _one_full_refund(container, provider, payment_id)


def test_withdrawal_after_payment_refunds(container, clock, provider):
    app_id = submitted(container, clock)
    payment_id = paid_online(container, clock, provider, app_id)
    drive(container, clock, app_id, Status.WITHDRAWN)
    container.engine.catch_up()
    _one_full_refund(container, provider, payment_id)


def test_a_payment_succeeding_after_rejection_is_refunded(container, clock, provider):
    app_id = submitted(container, clock)
    result = payments(container).create_payment(ctx(clock, ME), app_id, "credit_card")
    drive(container, clock, app_id, Status.REJECTED)
    container.engine.catch_up()
    ppid = payments(container).get(result.id).provider_payment_id or ""
    provider.pay(ppid)
    payments(container).handle_provider_event(ctx(clock, WEBHOOK), ProviderEvent(
        "evt-late", "payment.succeeded", int(clock.now().timestamp()),
        {"provider_payment_id": ppid, "amount": 300}))
    container.engine.catch_up()
    _one_full_refund(container, provider, result.id)


def test_a_crash_between_recording_and_sending_the_refund_sends_it_once(
        container, clock, provider, monkeypatch):
    app_id = submitted(container, clock)
    payment_id = paid_online(container, clock, provider, app_id)
    drive(container, clock, app_id, Status.REJECTED)
    real_refund = provider.refund

    def crash_after_sending(**kwargs):
        real_refund(**kwargs)  # the provider took it; we die before recording its answer
        raise RuntimeError("worker killed")

    monkeypatch.setattr(provider, "refund", crash_after_sending)
    container.engine.catch_up()
    assert PaymentProcess.name in container.engine.failed  # position not moved past the rejection
    assert len(payments(container).get(payment_id).refunds) == 1  # recorded before the provider call
    monkeypatch.setattr(provider, "refund", real_refund)
    container.engine.rebuild(PaymentProcess.name, grace=0)  # restart: process again from its position
    container.engine.catch_up()
    _one_full_refund(container, provider, payment_id)


def test_a_conflict_is_retried_not_a_failure(container, clock, monkeypatch):
    from domain.shared.errors import Conflict

    app_id = submitted(container, clock)
    monkeypatch.setattr(payments(container), "refund_closed",
                        lambda *a, **k: (_ for _ in ()).throw(Conflict("busy")))
    drive(container, clock, app_id, Status.REJECTED)
    with pytest.raises(ViewStoreUnavailable):
        container.engine.catch_up()
    assert PaymentProcess.name not in container.engine.failed


def test_an_anonymous_application_owes_its_fee_once_its_email_is_confirmed(container, clock):
    setup_procedure(container, clock, "kantan", assurance="none")
    app_id = submit(container, clock, "kantan", actor=Actor.anonymous(), contact_email="hanako@example.jp").id
    container.engine.catch_up()
    assert container.applications.get(app_id).status is Status.AWAITING_CONFIRMATION
    assert due(container, app_id) is None  # nobody owes anything for an unconfirmed address
    confirmations = container.confirmations
    token = confirmations.tokens.make(app_id, confirmations.expires_at(container.applications.get(app_id)))
    confirmations.confirm(ctx(clock, Actor.anonymous()), token)
    container.engine.catch_up()
    owed = due(container, app_id)
    assert owed is not None and owed.amount == 300 and not owed.paid
