"""The Notification aggregate: deterministic id, back-off, abandonment, labels."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from domain.applications.notifications import (
    STATE_LABELS,
    Notification,
    NotificationKind,
    NotificationState,
    backoff,
    notification_id,
)
from domain.shared.context import Actor, CommandContext
from domain.shared.errors import InvalidTransition
from domain.shared.personal import PersonalData

T0 = datetime(2026, 4, 1, 0, 0, tzinfo=UTC)


def at(moment: datetime) -> CommandContext:
    return CommandContext(Actor.system("test"), moment, correlation_id="c")


def queued(version: int = 1) -> Notification:
    return Notification.queue(
        at(T0), application_id="app-1", application_version=version, kind=NotificationKind.STATUS_CHANGED,
        template="received", procedure_code="jumin-hyo", department="shimin",
        recipient=PersonalData("application:app-1", "hanako@example.jp"),
    )


def test_the_id_derives_from_the_triggering_application_event() -> None:
    assert queued(2).id == notification_id("app-1", 2) == queued(2).id
    assert queued(2).id != queued(3).id


def test_a_queued_notification_is_due_at_once_and_never_shows_its_recipient() -> None:
    n = queued()
    assert n.state is NotificationState.QUEUED and n.is_due(T0)
    [event] = n.collect_events()
    assert "hanako" not in repr(event.recipient)


def test_failed_attempts_wait_for_the_back_off_then_abandon_after_max_attempts() -> None:
    n = queued()
    now = T0
    waits = []
    for attempt in range(1, 5):
        n.failed(at(now), "SMTP server unreachable: ConnectionRefusedError", max_attempts=5)
        assert n.state is NotificationState.FAILED and n.attempts == attempt
        assert not n.is_due(now)
        waits.append(n.next_attempt_at - now)
        now = n.next_attempt_at
        assert n.is_due(now)
    assert waits == [timedelta(minutes=m) for m in (1, 5, 15, 60)]
    n.failed(at(now), "again", max_attempts=5)
    assert n.state is NotificationState.ABANDONED and n.attempts == 5 and not n.is_due(now + timedelta(days=9))
    with pytest.raises(InvalidTransition):
        n.sent(at(now))


def test_a_sent_notification_cannot_fail_afterwards() -> None:
    n = queued()
    n.sent(at(T0))
    assert n.state is NotificationState.SENT and n.attempts == 1
    with pytest.raises(InvalidTransition):
        n.failed(at(T0), "late", max_attempts=5)


def test_error_summaries_are_one_short_line() -> None:
    n = queued()
    n.failed(at(T0), "line one\nline two " + "x" * 500, max_attempts=5)
    event = n.collect_events()[-1]
    assert "\n" not in event.error and len(event.error) == 200


def test_the_back_off_repeats_its_last_step() -> None:
    assert backoff(9) == timedelta(minutes=60)


def test_every_state_has_a_japanese_label() -> None:
    assert [STATE_LABELS[s][0] for s in NotificationState] == ["送信待ち", "送信済み", "送信失敗", "送信中止"]
