"""The payment rules without storage: fees, the state machine under provider
events in any order, refunds, and webhook signatures."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace
from uuid import uuid4

import pytest
from hypothesis import given
from hypothesis import strategies as st

from application.payments.service import InvalidSignature, sign, verify_signature
from domain.payments.payment import (
    Fee,
    Payment,
    PaymentStatus,
    RefundAmountMismatch,
    fee_for,
)
from domain.shared.context import Actor, CommandContext

AT = datetime(2026, 4, 1, 1, 0, tzinfo=UTC)
CTX = CommandContext(Actor.system(), AT, correlation_id="c")


def procedure(fee: int = 300, code: str = "jumin-hyo"):
    return SimpleNamespace(fee_yen=fee, code=code)


def test_the_fee_is_unit_times_copies_plus_postage_by_mail():
    assert fee_for(procedure(), {"copies": 3}, "online").total == 900
    assert fee_for(procedure(), {"copies": 3}, "mail").total == 1040
    assert fee_for(procedure(), {}, "counter").total == 300
    assert fee_for(procedure(), {"copies": 2.0}, "counter").total == 600
    assert fee_for(procedure(), {"copies": True}, "counter").quantity == 1
    assert fee_for(procedure(0), {"copies": 3}, "mail").total == 0


def a_started_payment(amount: int = 300) -> Payment:
    payment = Payment.create(CTX, id=uuid4(), application_id="a", department="shimin",
                             procedure_code="jumin-hyo", applicant_subject="c", method="credit_card",
                             fee=Fee(amount, 1, 0))
    payment.start_checkout(CTX, "pp_1", "https://pay.example.test/pp_1")
    return payment


KINDS = ("payment.succeeded", "payment.failed", "payment.expired", "payment.authorised")


@given(st.lists(st.sampled_from(KINDS), max_size=12))
def test_events_in_any_order_never_capture_twice_nor_move_back(kinds):
    payment = a_started_payment()
    finished_once = False
    for kind in kinds:
        before = payment.status
        payment.on_provider_event(CTX, kind, {"amount": 300})
        if before.finished:
            finished_once = True
            # only a late success may follow a finished, non-successful payment
            assert payment.status in (before, PaymentStatus.SUCCESS)
        assert not (finished_once and not payment.status.finished)
    assert payment.captures == (1 if "payment.succeeded" in kinds else 0)
    assert payment.late_success == (
        "payment.succeeded" in kinds
        and any(k in ("payment.failed", "payment.expired") for k in kinds[:kinds.index("payment.succeeded")]))


def test_refunds_keep_to_what_is_refundable():
    payment = a_started_payment(1000)
    payment.on_provider_event(CTX, "payment.succeeded", {"amount": 1000})
    payment.request_refund(CTX, refund_id="r1", amount=400, expected_refundable=1000)
    with pytest.raises(RefundAmountMismatch):
        payment.request_refund(CTX, refund_id="r2", amount=100, expected_refundable=1000)
    payment.refund_failed(CTX, "r1", "closed")
    assert payment.refundable == 1000
    payment.request_refund(CTX, refund_id="r3", amount=1000, expected_refundable=1000)
    assert payment.refund_succeeded(CTX, "r3") and not payment.refund_succeeded(CTX, "r3")
    assert not payment.settles_fee and payment.refundable == 0


def test_signature_verification():
    body = b'{"id":"evt"}'
    header = sign("s1", 1000, body)
    assert verify_signature(header, body, ["s0", "s1"], now=1200) == 1000
    for bad_header, bad_body, now in ((header, body + b" ", 1000), (header, body, 1301),
                                      (sign("other", 1000, body), body, 1000), ("t=1000", body, 1000),
                                      ("", body, 1000)):
        with pytest.raises(InvalidSignature):
            verify_signature(bad_header, bad_body, ["s0", "s1"], now=now)
    with pytest.raises(InvalidSignature):
        verify_signature(header, body, [], now=1000)


@pytest.mark.parametrize(("due", "paid", "refunded", "status"), [
    (0, 0, 0, "not_required"), (900, 0, 0, "due"), (900, 900, 0, "paid"),
    (900, 900, 300, "partially_refunded"), (900, 900, 900, "refunded"), (0, 500, 0, "paid"),
])
def test_an_applications_payment_status_follows_its_due_payments_and_refunds(due, paid, refunded, status):
    from domain.payments.dues import PaymentSummary

    summary = PaymentSummary(due, paid, refunded)
    assert summary.status.value == status and summary.status.label_ja
