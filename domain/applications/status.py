"""The lifecycle of an application (申請) — the single source of its transitions
and of the Japanese labels every read model and the API show."""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    AWAITING_CONFIRMATION = "awaiting_confirmation"  # anonymous かんたん申請: e-mail not yet confirmed
    SUBMITTED = "submitted"
    RECEIVED = "received"
    RETURNED = "returned"
    RESUBMITTED = "resubmitted"
    APPROVED = "approved"
    REJECTED = "rejected"
    COMPLETED = "completed"
    WITHDRAWN = "withdrawn"

    @property
    def label_ja(self) -> str:
        return STATUS_LABELS[self][0]

    @property
    def label_en(self) -> str:
        return STATUS_LABELS[self][1]

    @property
    def is_final(self) -> bool:
        return not TRANSITIONS[self]


STATUS_LABELS: dict[Status, tuple[str, str]] = {
    Status.AWAITING_CONFIRMATION: ("メール確認待ち", "Awaiting e-mail confirmation"),
    Status.SUBMITTED: ("申請済み", "Submitted"),
    Status.RECEIVED: ("受付済み", "Received"),
    Status.RETURNED: ("差し戻し", "Returned for correction"),
    Status.RESUBMITTED: ("再提出済み", "Resubmitted"),
    Status.APPROVED: ("承認", "Approved"),
    Status.REJECTED: ("却下", "Rejected"),
    Status.COMPLETED: ("交付・完了", "Completed"),
    Status.WITHDRAWN: ("取下げ", "Withdrawn"),
}

# the statuses the department's staff work with: all but an unconfirmed かんたん申請
STAFF_STATUSES: tuple[Status, ...] = tuple(s for s in Status if s is not Status.AWAITING_CONFIRMATION)

# status -> statuses reachable in one step
TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.AWAITING_CONFIRMATION: frozenset({Status.SUBMITTED}),
    Status.SUBMITTED: frozenset({Status.RECEIVED, Status.WITHDRAWN}),
    Status.RESUBMITTED: frozenset({Status.RECEIVED, Status.WITHDRAWN}),
    Status.RECEIVED: frozenset(
        {Status.RETURNED, Status.APPROVED, Status.REJECTED, Status.WITHDRAWN}
    ),
    Status.RETURNED: frozenset({Status.RESUBMITTED, Status.WITHDRAWN}),
    Status.APPROVED: frozenset({Status.COMPLETED}),
    Status.REJECTED: frozenset(),
    Status.COMPLETED: frozenset(),
    Status.WITHDRAWN: frozenset(),
}

# the status each event of the lifecycle leads to (event class name -> status)
STATUS_AFTER_EVENT: dict[str, Status] = {
    "ApplicationSubmitted": Status.SUBMITTED,
    "ApplicationReceived": Status.RECEIVED,
    "ApplicationReturned": Status.RETURNED,
    "ApplicationResubmitted": Status.RESUBMITTED,
    "ApplicationApproved": Status.APPROVED,
    "ApplicationRejected": Status.REJECTED,
    "ApplicationCompleted": Status.COMPLETED,
    "ApplicationWithdrawn": Status.WITHDRAWN,
    "ApplicationEmailConfirmed": Status.SUBMITTED,
}


def status_after(event: object) -> Status:
    """The status an application event leads to (an anonymous submission that
    still needs its e-mail confirmed leads to ``AWAITING_CONFIRMATION``)."""
    if getattr(event, "awaiting_confirmation", False):
        return Status.AWAITING_CONFIRMATION
    return STATUS_AFTER_EVENT[type(event).__name__]
