"""The notification process and the outbox sender, on SQLite and PostgreSQL:
status changes queue Japanese e-mails for applicants with a contact address;
the sender delivers them (.eml files by default, or a real SMTP server),
retries with back-off on the ManualClock, and abandons after the last attempt."""

from __future__ import annotations

import time
from datetime import timedelta
from email import message_from_bytes, policy
from pathlib import Path
from uuid import UUID

from fastapi.testclient import TestClient
from pydantic import SecretStr

from api.app import create_app
from api.applications.notification_jobs import run_send_due
from api.composition import Container
from application.projection.base import Tables
from domain.shared.context import Actor
from infra.clock import ManualClock
from infra.mail import SmtpMailSender
from projections.applications import notifications as model
from tests.applications.conftest import FlakySender, free_port
from tests.builders import answers, citizen, ctx, reading, setup_procedure, staff
from tests.shared.api_support import settled

EMAIL = "hanako@example.jp"


def submitted(container: Container, clock: ManualClock, *, email: str | None = EMAIL) -> str:
    setup_procedure(container, clock)
    return container.applications.submit(
        ctx(clock, citizen()), procedure_code="jumin-hyo", channel="online", applicant_name="下野 花子",
        answers=answers(), contact_email=email).id


def notifications(container: Container, app_id: str) -> list[model.NotificationView]:
    settled(container)
    with reading(container) as session:
        return model.notifications_of(session, app_id)


def test_each_status_change_queues_one_notification_for_an_applicant_with_an_email(container, clock):
    app_id = submitted(container, clock)
    container.applications.receive(ctx(clock, staff()), app_id)
    container.applications.return_for_correction(ctx(clock, staff()), app_id, "住所の番地が確認できません")
    views = notifications(container, app_id)
    assert [(v.kind, v.template, v.state, v.attempts) for v in views] == [
        ("status_changed", "submitted", "queued", 0), ("status_changed", "received", "queued", 0),
        ("status_changed", "returned", "queued", 0)]


def test_an_application_without_a_contact_email_queues_nothing(container, clock):
    app_id = submitted(container, clock, email=None)
    container.applications.receive(ctx(clock, staff()), app_id)
    assert notifications(container, app_id) == []


def test_replaying_the_process_queues_nothing_twice(container, clock):
    app_id = submitted(container, clock)
    container.applications.receive(ctx(clock, staff()), app_id)
    head = settled(container)
    [process] = [p for p in container.projections if p.name == "notification_process"]
    events = container.log.repository.event_store.get(UUID(app_id))
    for position, event in enumerate(events, start=1):  # a crash before the position moved
        process.apply(None, Tables((), 1), event, position)
    assert container.log.head() == head
    assert len(notifications(container, app_id)) == 2


def test_old_events_queue_nothing_when_the_process_first_meets_them(container, clock):
    app_id = submitted(container, clock)
    [process] = [p for p in container.projections if p.name == "notification_process"]
    [event] = container.log.repository.event_store.get(UUID(app_id))
    clock.advance(timedelta(days=4))
    head = container.log.head()
    process.apply(None, Tables((), 1), event, 1)
    assert container.log.head() == head


def test_due_mail_is_written_as_eml_files_by_default(container, clock, settings):
    app_id = submitted(container, clock)
    settled(container)
    assert run_send_due(container) == {"checked": 1, "sent": 1, "failed": 0, "abandoned": 0}
    [view] = notifications(container, app_id)
    assert (view.state, view.attempts, view.next_attempt_at) == ("sent", 1, None)
    [path] = list(Path(settings.data_dir, "mail").glob("*.eml"))
    raw = path.read_bytes()
    assert b"=?utf-8?" in raw.lower()  # the Japanese subject is encoded-word encoded
    mail = message_from_bytes(raw, policy=policy.default)
    assert mail["To"] == EMAIL and mail["Subject"] == "【住民票の写しの交付申請】申請を受け付けました"
    assert mail.get_content_charset() == "utf-8"
    body = mail.get_content()
    assert app_id in body and "住民票の写しの交付申請" in body and "申請済み" in body
    assert "下野" not in body and "笹原" not in body  # neither the name nor the answers
    assert run_send_due(container)["checked"] == 0  # sent once


def test_mail_is_delivered_to_a_real_smtp_server(container, clock, settings, smtp_server):
    url, inbox = smtp_server
    settings.smtp_url = SecretStr(url)
    settings.mail_from = "madoguchi@city.example.lg.jp"
    app_id = submitted(container, clock)
    container.applications.receive(ctx(clock, staff()), app_id)
    settled(container)
    assert run_send_due(container)["sent"] == 2
    assert [(sender, rcpt) for sender, rcpt, _ in inbox.messages] == [
        ("madoguchi@city.example.lg.jp", [EMAIL])] * 2
    subjects = sorted(m["Subject"] for _, _, m in inbox.messages)
    assert subjects == ["【住民票の写しの交付申請】申請を受け付けました",
                        "【住民票の写しの交付申請】申請を受理しました"]
    assert {v.state for v in notifications(container, app_id)} == {"sent"}


def test_a_failed_send_is_retried_after_the_back_off_and_then_sent(container, clock):
    container.notifications.sender = flaky = FlakySender(failures=1)
    app_id = submitted(container, clock)
    settled(container)
    assert run_send_due(container)["failed"] == 1
    [view] = notifications(container, app_id)
    assert (view.state, view.attempts) == ("failed", 1)
    assert view.last_error == "SMTP server unreachable: ConnectionRefusedError"
    assert view.next_attempt_at == (clock.now() + timedelta(minutes=1)).isoformat()
    clock.advance(timedelta(seconds=59))
    assert run_send_due(container)["checked"] == 0  # not yet due
    clock.advance(timedelta(seconds=1))
    assert run_send_due(container)["sent"] == 1
    [view] = notifications(container, app_id)
    assert (view.state, view.attempts) == ("sent", 2) and len(flaky.sent) == 1


def test_a_notification_is_abandoned_after_the_last_attempt(container, clock, settings):
    settings.mail_max_attempts = 3
    container.notifications.sender = FlakySender(failures=99)
    app_id = submitted(container, clock)
    settled(container)
    waits = []
    for _ in range(3):
        run_send_due(container)
        [view] = notifications(container, app_id)
        if view.next_attempt_at:
            waits.append(view.next_attempt_at)
            clock.set(max(clock.now(), clock.now().fromisoformat(view.next_attempt_at)))
    [view] = notifications(container, app_id)
    assert (view.state, view.attempts) == ("abandoned", 3)
    assert len(waits) == 2
    clock.advance(timedelta(days=1))
    assert run_send_due(container)["checked"] == 0


def test_an_unreachable_smtp_server_is_recorded_as_a_failed_attempt(container, clock):
    container.notifications.sender = SmtpMailSender(f"smtp://127.0.0.1:{free_port()}?timeout=2")
    app_id = submitted(container, clock)
    settled(container)
    assert run_send_due(container)["failed"] == 1
    [view] = notifications(container, app_id)
    assert view.state == "failed" and view.last_error.startswith("SMTP server unreachable")
    assert EMAIL not in view.last_error


def test_smtp_urls_name_tls_starttls_and_credentials() -> None:
    tls = SmtpMailSender("smtps://user%40city:p%2Fss@mail.example.jp")
    assert (tls.tls, tls.port, tls.username, tls.password) == (True, 465, "user@city", "p/ss")
    assert "p/ss" not in repr(tls)
    plain = SmtpMailSender("smtp://mail.example.jp:587?starttls=true")
    assert (plain.tls, plain.starttls, plain.port, plain.username) == (False, True, 587, None)


def test_a_confirmation_mail_whose_link_has_expired_is_abandoned_unsent(container, clock):
    container.notifications.sender = flaky = FlakySender()
    setup_procedure(container, clock)
    app_id = container.applications.submit(
        ctx(clock, Actor.anonymous()), procedure_code="jumin-hyo", channel="online",
        applicant_name="下野 花子", answers=answers(), contact_email=EMAIL).id
    settled(container)
    clock.advance(timedelta(hours=24))
    assert run_send_due(container)["abandoned"] == 1
    [view] = notifications(container, app_id)
    assert (view.kind, view.state, view.last_error) == (
        "email_confirmation", "abandoned", "the confirmation link has expired")
    assert flaky.sent == []


def test_serve_sends_due_mail_in_the_background(container, clock, settings):
    settings.mail_send_interval = 0.05
    app_id = submitted(container, clock)
    with TestClient(create_app(container)):
        deadline = time.monotonic() + 10
        while notifications(container, app_id)[0].state != "sent":
            assert time.monotonic() < deadline, notifications(container, app_id)
            time.sleep(0.05)
    assert len(list(Path(settings.data_dir, "mail").glob("*.eml"))) == 1
