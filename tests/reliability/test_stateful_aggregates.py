"""Stateful property tests: random command sequences against the Application,
Visit and Payment aggregates, checked against a small model of the allowed moves.
Every command the model forbids must raise the domain error and change nothing
(status, version, pending events); every allowed one records exactly one event.

The models are written out here on purpose, independently of
``domain.applications.status.TRANSITIONS`` and ``domain.counter.visits.VISIT_TRANSITIONS``,
so a wrong edit to those tables fails these tests."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from domain.applications.application import Application
from domain.counter.visits import Visit
from domain.payments.payment import PaymentStatus, RefundAmountMismatch
from domain.shared.errors import DomainError, InvalidTransition, ValidationFailed
from tests.builders import DEFAULT_ANSWERS, ctx, defined_procedure
from tests.conftest import START
from tests.payments.test_domain_payments import CTX, a_started_payment

SETTINGS = settings(max_examples=150, stateful_step_count=30, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])
MAX_RECALLS = 2
CONTEXT = ctx(START)


def _snapshot(aggregate: Any) -> tuple[Any, ...]:
    return (aggregate.version, len(aggregate.pending_events), aggregate.status)


class _Machine(RuleBasedStateMachine):
    """Runs one command: allowed → one more event; refused → ``error`` and nothing changed."""

    aggregate: Any

    def attempt(self, allowed: bool, command: Callable[[], Any],
                error: type[DomainError] = InvalidTransition) -> bool:
        before = _snapshot(self.aggregate)
        if allowed:
            command()
            assert self.aggregate.version == before[0] + 1
            assert len(self.aggregate.pending_events) == before[1] + 1
            return True
        try:
            command()
        except error as e:
            assert e.code == error.code
        else:
            raise AssertionError(f"{command} should have been refused in {before[2]}")
        assert _snapshot(self.aggregate) == before, "a refused command changed the aggregate"
        return False


# -- Application ----------------------------------------------------------------------
# status -> the commands allowed there, and where each leads
APPLICATION_MODEL: dict[str, dict[str, str]] = {
    "submitted": {"receive": "received", "withdraw": "withdrawn"},
    "resubmitted": {"receive": "received", "withdraw": "withdrawn"},
    "received": {"return": "returned", "approve": "approved", "reject": "rejected",
                 "withdraw": "withdrawn"},
    "returned": {"resubmit": "resubmitted", "withdraw": "withdrawn"},
    "approved": {"complete": "completed"},
    "rejected": {}, "completed": {}, "withdrawn": {},
}


class ApplicationMachine(_Machine):
    @initialize()
    def submit(self) -> None:
        self.procedure = defined_procedure(START)
        self.aggregate = Application.submit(
            CONTEXT, id=uuid.uuid4(), procedure=self.procedure, form_version=None,
            channel="online", applicant_subject="citizen-1", applicant_name="下野 花子",
            contact_email=None, answers=dict(DEFAULT_ANSWERS))
        self.model = "submitted"

    def _do(self, command: str, run: Callable[[], Any]) -> None:
        moves = APPLICATION_MODEL[self.model]
        if self.attempt(command in moves, run):
            self.model = moves[command]

    @rule()
    def receive(self) -> None:
        self._do("receive", lambda: self.aggregate.receive(CONTEXT))

    @rule(reason=st.sampled_from(["書類不備", "Missing page"]))
    def return_for_correction(self, reason: str) -> None:
        self._do("return", lambda: self.aggregate.return_for_correction(CONTEXT, reason))

    @rule(copies=st.integers(1, 10))
    def resubmit(self, copies: int) -> None:
        answers = {**DEFAULT_ANSWERS, "copies": copies}
        self._do("resubmit", lambda: self.aggregate.resubmit(CONTEXT, self.procedure, answers))

    @rule()
    def approve(self) -> None:
        self._do("approve", lambda: self.aggregate.approve(CONTEXT))

    @rule()
    def reject(self) -> None:
        self._do("reject", lambda: self.aggregate.reject(CONTEXT, "要件を満たしません"))

    @rule()
    def complete(self) -> None:
        self._do("complete", lambda: self.aggregate.complete(CONTEXT))

    @rule()
    def withdraw(self) -> None:
        self._do("withdraw", lambda: self.aggregate.withdraw(CONTEXT, ""))

    @invariant()
    def status_matches_the_model(self) -> None:
        assert self.aggregate.status.value == self.model


# -- Visit ----------------------------------------------------------------------------
QUEUES = ("shomei", "ido", "zeimu")


class VisitMachine(_Machine):
    @initialize()
    def issue(self) -> None:
        self.aggregate = Visit.issue(
            CONTEXT, id=uuid.uuid4(), queue="shomei", department="shimin", prefix="A",
            number=1, purposes=[], priority=False, arrival="walk_in")
        self.model, self.recalls, self.queue = "waiting", 0, "shomei"

    @rule(window=st.integers(1, 5))
    def call(self, window: int) -> None:
        if self.attempt(self.model in ("waiting", "transferred"),
                        lambda: self.aggregate.call(CONTEXT, window)):
            self.model, self.recalls = "called", 0

    @rule()
    def recall(self) -> None:
        allowed = self.model == "called" and self.recalls < MAX_RECALLS
        if self.attempt(allowed, lambda: self.aggregate.recall(CONTEXT, MAX_RECALLS)):
            self.recalls += 1

    @rule()
    def no_show(self) -> None:
        allowed = self.model == "called" and self.recalls >= MAX_RECALLS
        if self.attempt(allowed, lambda: self.aggregate.mark_no_show(CONTEXT, MAX_RECALLS)):
            self.model = "no_show"

    @rule()
    def start(self) -> None:
        if self.attempt(self.model == "called", lambda: self.aggregate.start_service(CONTEXT)):
            self.model = "serving"

    @rule()
    def complete(self) -> None:
        if self.attempt(self.model == "serving",
                        lambda: self.aggregate.complete(CONTEXT, ["jumin-hyo"], [])):
            self.model = "completed"

    @rule(to=st.sampled_from(QUEUES))
    def transfer(self, to: str) -> None:
        movable = self.model in ("waiting", "transferred", "called", "serving")
        if movable and to == self.queue:
            self.attempt(False, lambda: self.aggregate.transfer(
                CONTEXT, to_queue=to, to_department="shimin"), ValidationFailed)
            return
        if self.attempt(movable, lambda: self.aggregate.transfer(
                CONTEXT, to_queue=to, to_department="shimin", reason="担当課へ")):
            self.model, self.recalls, self.queue = "transferred", 0, to

    @rule()
    def cancel(self) -> None:
        if self.attempt(self.model in ("waiting", "transferred", "called"),
                        lambda: self.aggregate.cancel(CONTEXT, "")):
            self.model = "cancelled"

    @invariant()
    def state_matches_the_model(self) -> None:
        assert self.aggregate.status.value == self.model
        assert (self.aggregate.recalls, self.aggregate.queue) == (self.recalls, self.queue)


# -- Payment: complements test_payments_domain's provider-event property ------------------
OPEN = {"created", "started", "capturable"}


class PaymentMachine(_Machine):
    @initialize(amount=st.integers(1, 5000))
    def start(self, amount: int) -> None:
        self.aggregate = a_started_payment(amount)
        self.model, self.amount, self.captures = "started", amount, 0
        self.refunds: dict[str, tuple[int, str]] = {}  # id -> (amount, status)

    @property
    def refundable(self) -> int:
        if self.model != "success":
            return 0
        return self.amount - sum(a for a, s in self.refunds.values() if s != "error")

    def provider(self, kind: str) -> str:
        return self.aggregate.on_provider_event(CTX, kind, {"amount": self.amount})

    @rule()
    def start_checkout_again(self) -> None:
        self.attempt(False, lambda: self.aggregate.start_checkout(CTX, "pp_2", None))

    @rule()
    def succeeded(self) -> None:
        before = self.aggregate.version
        outcome = self.provider("payment.succeeded")
        expected = ("applied" if self.model in OPEN else
                    "ignored" if self.model == "success" else "late_success")
        assert outcome == expected
        assert self.aggregate.version == before + (outcome != "ignored")
        if outcome != "ignored":
            self.model, self.captures = "success", self.captures + 1

    @rule()
    def authorised(self) -> None:
        outcome = self.provider("payment.authorised")
        assert outcome == ("applied" if self.model in ("created", "started") else "ignored")
        if outcome == "applied":
            self.model = "capturable"

    @rule(kind=st.sampled_from(["payment.failed", "payment.expired"]))
    def failed(self, kind: str) -> None:
        outcome = self.provider(kind)
        assert outcome == ("applied" if self.model in OPEN else "ignored")
        if outcome == "applied":
            self.model = "failed"

    @rule()
    def cancel(self) -> None:
        if self.attempt(self.model in OPEN, lambda: self.aggregate.cancel(CTX, "")):
            self.model = "cancelled"

    @rule()
    def error(self) -> None:
        if self.attempt(self.model in OPEN, lambda: self.aggregate.error(CTX, "timeout")):
            self.model = "error"

    @rule(amount=st.integers(-5, 6000), stale=st.booleans())
    def request_refund(self, amount: int, stale: bool) -> None:
        refund_id = f"r{len(self.refunds) + 1}"
        expected = self.refundable + (1 if stale else 0)

        def command() -> None:
            self.aggregate.request_refund(CTX, refund_id=refund_id, amount=amount,
                                          expected_refundable=expected)
        if self.model != "success":
            self.attempt(False, command)
        elif stale:
            self.attempt(False, command, RefundAmountMismatch)
        elif not 1 <= amount <= self.refundable:
            self.attempt(False, command, ValidationFailed)
        else:
            self.attempt(True, command)
            self.refunds[refund_id] = (amount, "submitted")

    @rule(data=st.data(), succeeded=st.booleans())
    def refund_outcome(self, data: st.DataObject, succeeded: bool) -> None:
        refund_id = data.draw(st.sampled_from([*self.refunds, "unknown"]))
        amount, status = self.refunds.get(refund_id, (0, "none"))
        before = self.aggregate.version
        if succeeded:
            done = self.aggregate.refund_succeeded(CTX, refund_id)
        else:
            done = self.aggregate.refund_failed(CTX, refund_id, "closed")
        assert done == (status == "submitted")
        assert self.aggregate.version == before + done
        if done:
            self.refunds[refund_id] = (amount, "success" if succeeded else "error")

    @invariant()
    def state_matches_the_model(self) -> None:
        assert self.aggregate.status == PaymentStatus(self.model)
        assert self.aggregate.captures == self.captures <= 1 + self.aggregate.late_success
        assert self.aggregate.refundable == self.refundable >= 0


TestApplicationMachine = ApplicationMachine.TestCase
TestApplicationMachine.settings = SETTINGS
TestVisitMachine = VisitMachine.TestCase
TestVisitMachine.settings = SETTINGS
TestPaymentMachine = PaymentMachine.TestCase
TestPaymentMachine.settings = SETTINGS
