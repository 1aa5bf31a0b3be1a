"""Reconciliation rules (application/payments/reconciliation.py), on plain ledger data."""

from __future__ import annotations

from datetime import date

import pytest

from application.payments.reconciliation import LedgerEntry, RefundEntry, parse_settlement, reconcile
from domain.shared.errors import ValidationFailed

DAY = date(2026, 4, 1)
HEADER = "settled_on,type,provider_payment_id,reference,amount\n"


def paid(ppid: str, *refunds: RefundEntry, department: str = "shimin", paid_on: str = "2026-03-31") -> LedgerEntry:
    return LedgerEntry(f"pay-{ppid}", ppid, department, 300, 300, "success", False, paid_on, refunds)


def test_a_refund_row_without_a_provider_refund_id_matches_by_payment_and_amount():
    entry = paid("p1", RefundEntry("r1", None, 100, "success", "2026-04-01"),
                 RefundEntry("r2", None, 50, "success", "2026-04-01"))
    report = reconcile(DAY, parse_settlement(HEADER + "2026-04-01,refund,p1,x,-50\n2026-04-01,refund,p1,x,-100\n"),
                       [entry])
    assert report.balanced
    assert sorted(line.refund_id for line in report.refunds_matched) == ["r1", "r2"]


def test_a_refund_that_failed_on_our_side_but_the_provider_paid_is_missing_in_the_ledger():
    entry = paid("p1", RefundEntry("r1", "re_1", 100, "error", None))
    report = reconcile(DAY, parse_settlement(HEADER.replace("amount", "amount,provider_refund_id")
                                             + "2026-04-01,refund,p1,x,-100,re_1\n"), [entry])
    assert [(line.refund_id, line.our_status) for line in report.refunds_missing_in_ledger] == [("r1", "error")]
    assert not report.balanced


def test_refunds_of_another_day_are_not_expected_in_this_report():
    entry = paid("p1", RefundEntry("r1", "re_1", 100, "success", "2026-03-31"))
    assert reconcile(DAY, [], [entry]).balanced


def test_a_department_sees_only_its_own_refunds():
    mine = paid("p1", RefundEntry("r1", "re_1", 100, "success", "2026-04-01"))
    theirs = paid("p2", RefundEntry("r2", "re_2", 100, "success", "2026-04-01"), department="zeimu")
    report = reconcile(DAY, [], [mine, theirs], department="shimin")
    assert [line.refund_id for line in report.refunds_missing_in_settlement] == ["r1"]


def test_a_positive_refund_amount_is_refused_naming_the_line():
    with pytest.raises(ValidationFailed) as refused:
        parse_settlement(HEADER + "2026-04-01,refund,p1,x,100\n")
    assert refused.value.errors[0].path == "settlementCsv"
    assert "line 2" in refused.value.errors[0].message_en
