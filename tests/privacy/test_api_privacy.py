"""Personal data through the API, on SQLite and PostgreSQL: an input holding an
individual number is refused with ``VALIDATION_FAILED`` naming the field, and no
response or log line ever echoes one; ``forgetSubject`` (admins only) shreds a
subject so that every read shows 「[消去済み]」."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.privacy.support import individual_numbers_in
from tests.shared.api_support import SUBMIT, Gql, error, ok, post_graphql, settled, submission

MY_NUMBER = "123456789018"
SPACED = "1234 5678 9018"
FORGET = """mutation($subject: String!, $reason: String!) {
  forgetSubject(subject: $subject, reason: $reason) { id position } }"""
READ = """query($id: ID!, $at: Int) {
  application(id: $id, atLeastPosition: $at) { id status applicantName contactEmail answers } }"""


@pytest.fixture(autouse=True)
def _all_logs(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)


def _raw(client: TestClient, query: str, token: str | None = None, **variables: Any) -> str:
    return post_graphql(client, query, token, variables).text


def _assert_no_individual_number(*texts: str) -> None:
    for text in texts:
        assert MY_NUMBER not in text and SPACED not in text, text
        assert individual_numbers_in(text) == [], text  # ids and digests set aside


@pytest.mark.parametrize("changes, fields", [
    ({"applicantName": f"下野 {MY_NUMBER}"}, ["applicantName"]),
    ({"contactEmail": f"{MY_NUMBER}@example.jp"}, ["contactEmail"]),
    ({"answers": {"copies": 2, "address": f"笹原 {SPACED}"}}, ["answers.address"]),
    ({"answers": {"copies": 2, "address": "笹原", "extra": {"note": MY_NUMBER}}},
     ["answers.extra.note", "answers.extra"]),  # and it is not a field of the form
])
def test_a_submission_holding_an_individual_number_is_refused_naming_the_field(
    client, gql: Gql, catalogue, caplog, changes, fields
):
    changes = {"contactEmail": "hanako@example.jp", **changes}  # anonymous: an e-mail to confirm
    text = _raw(client, SUBMIT, input=submission(**changes))
    result = gql(SUBMIT, input=submission(**changes))
    extensions = error(result)
    assert extensions["code"] == "VALIDATION_FAILED"
    assert extensions["field"] == fields[0] and extensions["rule"] == "individual_number"
    assert [e["field"] for e in extensions["errors"]] == fields
    _assert_no_individual_number(text, caplog.text)


def test_no_error_echoes_an_individual_number(client, catalogue, caplog, admin):
    texts = [
        # graphql-core quotes values that do not coerce
        _raw(client, SUBMIT, input=submission(channel=MY_NUMBER)),
        _raw(client, SUBMIT, input={**submission(), "copies": SPACED}),
        # a not-found message naming what was asked for
        _raw(client, SUBMIT, input=submission(code=f"x{MY_NUMBER}")),
        _raw(client, FORGET, admin, subject=f"citizen:{MY_NUMBER}", reason="x"),
        _raw(client, FORGET, admin, subject="citizen:c1", reason=f"番号 {MY_NUMBER}"),
        _raw(client, f"{{ application(id: {MY_NUMBER}) {{ id }} }}", admin),
        _raw(client, f"{{ departments(atLeastPosition: {MY_NUMBER}) {{ code }} }}"),
    ]
    assert all('"errors"' in t for t in texts), texts
    texts.append(_raw(client, f'{{ procedure(code: "x{MY_NUMBER}") {{ code }} }}'))  # null
    _assert_no_individual_number(*texts, caplog.text)


def test_an_administrator_forgets_a_citizen_and_every_read_shows_erased(
    client, container, gql: Gql, catalogue, admin, citizen_a, citizen_b, shimin_staff, caplog
):
    mine = ok(gql(SUBMIT, citizen_a, input=submission(contactEmail="hanako@example.jp")))
    app_id = mine["submitApplication"]["id"]
    other = ok(gql(SUBMIT, citizen_b, input=submission(applicantName="別人 次郎")))["submitApplication"]
    shown = ok(gql(READ, shimin_staff, id=app_id, at=mine["submitApplication"]["position"]))
    assert shown["application"]["applicantName"] == "下野 花子"

    for who, code in ((shimin_staff, "FORBIDDEN"), (citizen_a, "FORBIDDEN"), (None, "UNAUTHENTICATED")):
        assert error(gql(FORGET, who, subject="citizen:citizen-a", reason="削除請求"))["code"] == code
    bad = error(gql(FORGET, admin, subject="citizen-a", reason="削除請求"))
    assert (bad["code"], bad["field"], bad["rule"]) == ("VALIDATION_FAILED", "subject", "subject")
    missing = error(gql(FORGET, admin, subject="citizen:nobody", reason="削除請求"))
    assert missing["code"] == "NOT_FOUND"

    forgot = ok(gql(FORGET, admin, subject="citizen:citizen-a", reason="本人からの削除請求"))
    position = forgot["forgetSubject"]["position"]
    assert forgot["forgetSubject"]["id"] == "citizen:citizen-a"
    erased = ok(gql(READ, shimin_staff, id=app_id, at=position))["application"]
    assert erased["applicantName"] == erased["contactEmail"] == "[消去済み]"
    assert erased["answers"] == {"copies": 2, "address": "[消去済み]"}
    own = ok(gql(READ, citizen_a, id=app_id, at=position))["application"]
    assert own["applicantName"] == "[消去済み]" and own["status"] == "SUBMITTED"
    kept = ok(gql(READ, shimin_staff, id=other["id"], at=position))["application"]
    assert kept["applicantName"] == "別人 次郎"
    head = settled(container)  # the process lane has recorded the fees due
    again = ok(gql(FORGET, admin, subject="citizen:citizen-a", reason="本人からの削除請求"))
    assert again["forgetSubject"]["position"] == head == container.log.head()  # nothing recorded
    assert "下野 花子" not in caplog.text and "hanako@example.jp" not in caplog.text
