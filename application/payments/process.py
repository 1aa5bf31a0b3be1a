"""The payment process (決済プロセス): a process manager that connects
applications and payments by following the event log.

- ``ApplicationSubmitted`` of a fee-bearing procedure (or, for an anonymous
  one awaiting its e-mail confirmation, ``ApplicationEmailConfirmed``) →
  ``PaymentRequested`` (a ``PaymentDue`` whose id derives from the application's);
- a payment's success (``PaymentSucceeded``, ``CounterPaymentRecorded``,
  ``LateSuccessRecorded``) → ``ApplicationPaid`` on that due; and if the
  application was already rejected or withdrawn, a full refund;
- ``ApplicationRejected`` / ``ApplicationWithdrawn`` → a full refund of every
  successful online payment of the application.

It runs as a projection of the projection engine whose only "view" is its
position in ``projection_state``: the same worker, leader lock, batching,
failure isolation and ``madoguchi projections status`` as the read models. The
engine moves the position after a batch; a crash before that makes the batch
run again, so every reaction is idempotent: the due and the refund have
deterministic ids (a second write conflicts or finds them recorded), a paid
due is not settled again, and the provider dedupes refunds on their id.
Reactions are decided on the aggregates' *current* state, so replaying old
events (a rebuild) does nothing new.
"""

from __future__ import annotations

import logging
from typing import Any

from application.applications.service import ApplicationService
from application.payments.service import PaymentService
from application.projection.base import Projection, Tables, ViewStoreUnavailable
from application.shared.ports import Clock, ViewCursor
from domain.applications.application import (
    ApplicationEmailConfirmed,
    ApplicationRejected,
    ApplicationSubmitted,
    ApplicationWithdrawn,
)
from domain.applications.status import Status
from domain.payments.payment import CounterPaymentRecorded, LateSuccessRecorded, PaymentSucceeded
from domain.shared.context import Actor, CommandContext
from domain.shared.errors import Conflict, NotFound

log = logging.getLogger("madoguchi.payment_process")

ACTOR = Actor.system("payment-process")
CLOSED = (Status.REJECTED, Status.WITHDRAWN)
REFUND_REASONS = {Status.REJECTED: "申請却下による自動返金 (application rejected)",
                  Status.WITHDRAWN: "申請取下げによる自動返金 (application withdrawn)"}


class PaymentProcess(Projection):
    name = "payment_process"
    lane = "processes"  # records events: followed apart from the read models
    version = 1
    handles = (ApplicationSubmitted, ApplicationEmailConfirmed, ApplicationRejected, ApplicationWithdrawn,
               PaymentSucceeded, CounterPaymentRecorded, LateSuccessRecorded)
    tables = ()

    def __init__(self, applications: ApplicationService, payments: PaymentService,
                 clock: Clock) -> None:
        self.applications = applications
        self.payments = payments
        self.clock = clock

    def create(self, cur: ViewCursor, t: Tables) -> None:
        """No tables: the position in ``projection_state`` is all it keeps."""

    def apply(self, cur: ViewCursor, t: Tables, event: Any, position: int) -> None:
        if t.namespace:  # building an audit snapshot of the past: never act
            return
        try:
            self.react(event, position)
        except Conflict as e:  # a concurrent change outlasted the retries: try the batch again
            raise ViewStoreUnavailable(f"payment process: {e}") from e

    def _ctx(self, event: Any, position: int) -> CommandContext:
        meta = getattr(event, "meta", None)
        correlation = getattr(meta, "correlation_id", None) or f"payment-process:{position}"
        return CommandContext(ACTOR, self.clock.now(), correlation_id=correlation)

    def react(self, event: Any, position: int) -> None:
        ctx = self._ctx(event, position)
        if isinstance(event, (ApplicationSubmitted, ApplicationEmailConfirmed)):
            application = self.applications.get(str(event.originator_id))
            # replaying history: a closed one owes nothing; an unconfirmed one owes once confirmed
            if not application.status.is_final and application.status is not Status.AWAITING_CONFIRMATION:
                self.payments.request_due(ctx, application)
        elif isinstance(event, (ApplicationRejected, ApplicationWithdrawn)):
            self._refund_if_closed(ctx, str(event.originator_id))
        else:  # a payment succeeded
            payment = self.payments.get(str(event.originator_id))
            if payment.settles_fee:
                self.payments.settle_due(ctx, payment)
            self._refund_if_closed(ctx, payment.application_id)

    def _refund_if_closed(self, ctx: CommandContext, application_id: str) -> None:
        try:
            application = self.applications.get(application_id)
        except NotFound:  # pragma: no cover — payments always belong to an application
            return
        if application.status in CLOSED:
            sent = self.payments.refund_closed(ctx, application_id,
                                               REFUND_REASONS[application.status])
            if sent:
                log.info("refunded %s of closed application %s", sent, application_id)
