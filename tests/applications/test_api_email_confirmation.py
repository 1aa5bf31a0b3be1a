"""An anonymous かんたん申請 (assurance none) carries a contact e-mail that must be
confirmed by the link of its confirmation mail before the department's staff see
it; ``Application.notifications`` shows the outbox to the applicant and staff."""

from __future__ import annotations

import re
from datetime import timedelta
from email import message_from_bytes, policy
from pathlib import Path

from api.applications.notification_jobs import run_send_due
from tests.shared.api_support import SUBMIT, error, ok, settled, submission

EMAIL = "hanako@example.jp"
APPLICATION = """query($id: ID!) { application(id: $id) { id status statusLabel { ja }
  notifications { kind template state stateLabel { ja } attempts lastError } } }"""
LIST = "{ applications(first: 10) { totalCount nodes { id } } }"
INBOX = 'query { inbox(department: "shimin") { status count } }'
CONFIRM = "mutation($t: String!) { confirmApplicationEmail(token: $t) { id position } }"


def _anonymous_submission(gql) -> str:
    return ok(gql(SUBMIT, None, input=submission(contactEmail=EMAIL)))["submitApplication"]["id"]


def _confirmation_token(container, settings, app_id: str) -> str:
    settled(container)
    run_send_due(container)
    for path in Path(settings.data_dir, "mail").glob("*.eml"):
        mail = message_from_bytes(path.read_bytes(), policy=policy.default)
        body = mail.get_content()
        if "メールアドレスの確認" in mail["Subject"] and app_id in body:
            assert mail["To"] == EMAIL
            return re.search(r"/confirm-email\?token=(\S+)", body).group(1)
    raise AssertionError("no confirmation mail")


def _inbox(gql, token) -> dict[str, int]:
    return {e["status"]: e["count"] for e in ok(gql(INBOX, token))["inbox"]}


def test_an_anonymous_simple_application_needs_a_contact_email(gql, catalogue, container):
    head = container.log.head()
    ext = error(gql(SUBMIT, None, input=submission()))
    assert (ext["code"], ext["field"], ext["rule"]) == ("VALIDATION_FAILED", "contactEmail", "required")
    assert container.log.head() == head


def test_staff_see_an_anonymous_application_only_after_its_email_is_confirmed(
        gql, catalogue, container, settings, shimin_staff):
    app_id = _anonymous_submission(gql)
    settled(container)
    assert error(gql(APPLICATION, shimin_staff, id=app_id))["code"] == "NOT_FOUND"
    assert ok(gql(LIST, shimin_staff))["applications"]["totalCount"] == 0
    inbox = _inbox(gql, shimin_staff)
    assert inbox["SUBMITTED"] == 0 and "AWAITING_CONFIRMATION" not in inbox

    token = _confirmation_token(container, settings, app_id)
    confirmed = ok(gql(CONFIRM, None, t=token))["confirmApplicationEmail"]
    assert confirmed["id"] == app_id
    settled(container)
    run_send_due(container)
    settled(container)
    view = ok(gql(APPLICATION, shimin_staff, id=app_id))["application"]
    assert (view["status"], view["statusLabel"]["ja"]) == ("SUBMITTED", "申請済み")
    assert [(n["kind"], n["template"], n["state"], n["stateLabel"]["ja"]) for n in view["notifications"]] == [
        ("EMAIL_CONFIRMATION", "email_confirmation", "SENT", "送信済み"),
        ("STATUS_CHANGED", "submitted", "SENT", "送信済み")]
    assert ok(gql(LIST, shimin_staff))["applications"]["nodes"] == [{"id": app_id}]
    assert _inbox(gql, shimin_staff)["SUBMITTED"] == 1
    assert error(gql(CONFIRM, None, t=token))["code"] == "INVALID_TRANSITION"  # once only


def test_an_expired_confirmation_link_is_refused(gql, catalogue, container, settings, clock, shimin_staff):
    app_id = _anonymous_submission(gql)
    token = _confirmation_token(container, settings, app_id)
    clock.advance(timedelta(hours=24))
    head = settled(container)
    ext = error(gql(CONFIRM, None, t=token))
    assert (ext["code"], ext["field"], ext["rule"]) == ("VALIDATION_FAILED", "token", "expired")
    assert container.log.head() == head
    assert error(gql(APPLICATION, shimin_staff, id=app_id))["code"] == "NOT_FOUND"


def test_a_tampered_or_foreign_token_is_refused(gql, catalogue, container, settings):
    app_id = _anonymous_submission(gql)
    other_id = _anonymous_submission(gql)
    token = _confirmation_token(container, settings, app_id)
    other = _confirmation_token(container, settings, other_id)
    head = settled(container)
    payload, mac = token.split(".")
    flipped = mac[:-2] + ("A" if mac[-2] != "A" else "B") + mac[-1]
    for bad in (f"{payload}.{flipped}", f"{other.split('.')[0]}.{mac}", "not-a-token", ""):
        ext = error(gql(CONFIRM, None, t=bad))
        assert (ext["code"], ext["field"], ext["rule"]) == ("VALIDATION_FAILED", "token", "invalid"), bad
    assert container.log.head() == head


def test_a_signed_in_citizens_simple_application_needs_no_confirmation(
        gql, catalogue, container, citizen_a, citizen_b, shimin_staff):
    app_id = ok(gql(SUBMIT, citizen_a, input=submission(contactEmail=EMAIL)))["submitApplication"]["id"]
    settled(container)
    run_send_due(container)
    settled(container)
    mine = ok(gql(APPLICATION, citizen_a, id=app_id))["application"]
    assert mine["status"] == "SUBMITTED"
    assert [(n["kind"], n["state"], n["attempts"]) for n in mine["notifications"]] == [
        ("STATUS_CHANGED", "SENT", 1)]
    assert ok(gql(APPLICATION, shimin_staff, id=app_id))["application"]["notifications"] == mine["notifications"]
    assert error(gql(APPLICATION, citizen_b, id=app_id))["code"] == "FORBIDDEN"


def _link_path(container, settings, app_id: str) -> str:
    return f"/confirm-email?token={_confirmation_token(container, settings, app_id)}"


def test_the_link_in_the_email_confirms_and_answers_a_japanese_page(client, gql, catalogue, container, settings,
                                                                      shimin_staff):
    app_id = _anonymous_submission(gql)
    page = client.get(_link_path(container, settings, app_id))
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "メールアドレスを確認しました" in page.text and app_id in page.text and '<html lang="ja">' in page.text
    assert EMAIL not in page.text and "http" not in page.text.split("<body>")[1]  # no external asset, no address
    assert "default-src 'none'" in page.headers["content-security-policy"]
    settled(container)
    assert ok(gql(APPLICATION, shimin_staff, id=app_id))["application"]["status"] == "SUBMITTED"
    again = client.get(_link_path(container, settings, app_id))
    assert again.status_code == 200 and "確認済みです" in again.text


def test_an_expired_or_broken_link_answers_a_page_that_says_so_and_changes_nothing(
        client, gql, catalogue, container, settings, clock):
    app_id = _anonymous_submission(gql)
    path = _link_path(container, settings, app_id)
    clock.advance(timedelta(hours=24))
    head = settled(container)
    expired = client.get(path)
    assert expired.status_code == 410 and "有効期限" in expired.text
    broken = client.get("/confirm-email?token=<script>alert(1)</script>")
    assert broken.status_code == 400 and "<script>" not in broken.text
    assert client.get("/confirm-email").status_code == 400
    assert container.log.head() == head
