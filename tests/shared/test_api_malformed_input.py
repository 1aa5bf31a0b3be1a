"""Malformed input always gets a coded 4xx, never a 500 or ``INTERNAL_ERROR``:
JSON nested deeper than the limit (100k-deep arrays would overflow the parser's
stack), integers of thousands of digits, lone surrogates, ``NaN``, bodies over
the size limit, both in GraphQL variables and in a signed webhook body. The
limits hold before anything parses the body (api/shared/body_guard.py)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from infra.clock import ManualClock
from tests.payments.conftest import container, provider, signed, webhook  # noqa: F401 — fixtures
from tests.shared.api_support import SUBMIT, post_graphql, submission

DEEP_ARRAYS = b"[" * 100_000 + b"]" * 100_000
HUGE_INTEGER = b"1" * 5000
LONE_SURROGATE = b'"\\ud800"'


def _nested(depth: int) -> Any:
    value: Any = "底"
    for _ in range(depth):
        value = {"k": value}
    return value


def _graphql_body(variables: bytes) -> bytes:
    return b'{"query": ' + json.dumps(SUBMIT).encode() + b', "variables": {"input": ' + variables + b"}}"


def _assert_coded_400(response: Any, rule: str, status: int = 400) -> dict[str, Any]:
    assert response.status_code == status, response.text[:500]
    body = response.json()
    if "errors" in body:
        extensions = body["errors"][0]["extensions"]
        assert body["data"] is None
    else:
        extensions = body
    assert extensions["code"] in ("BAD_REQUEST", "TOO_LARGE") and extensions["rule"] == rule, body
    assert "INTERNAL_ERROR" not in response.text
    return body


@pytest.mark.parametrize(("variables", "rule"), [
    (DEEP_ARRAYS, "json_depth"),
    (b'{"procedure": ' + HUGE_INTEGER + b"}", "json_integer"),
    (b'{"procedure": "jumin-hyo", "applicantName": ' + LONE_SURROGATE + b"}", "json_text"),
    (b'{"procedure": NaN}', "json_constant"),
], ids=["100k-deep arrays", "5000-digit integer", "lone surrogate", "NaN"])
def test_malformed_graphql_variables_get_a_coded_400(client: TestClient, variables: bytes, rule: str):
    response = client.post("/graphql", content=_graphql_body(variables),
                           headers={"Content-Type": "application/json"})
    _assert_coded_400(response, rule)


def test_an_answer_nested_900_deep_gets_a_coded_400(client: TestClient, catalogue):
    answers = submission(catalogue.simple)
    answers["answers"] = {"copies": 1, "note": _nested(900)}
    response = post_graphql(client, SUBMIT, None, {"input": answers})
    _assert_coded_400(response, "json_depth")


def test_an_answer_nested_as_deep_as_allowed_is_still_answered(client: TestClient, catalogue):
    answers = submission(catalogue.simple)
    answers["answers"] = {"copies": 1, "note": _nested(20)}
    response = post_graphql(client, SUBMIT, None, {"input": answers})
    assert response.status_code == 200, response.text
    assert "INTERNAL_ERROR" not in response.text


def test_a_deeply_nested_literal_in_the_query_text_gets_a_code(client: TestClient):
    literal = "[" * 900 + "1" + "]" * 900
    response = client.post("/graphql", json={
        "query": f'mutation {{ submitApplication(input: {{procedure: "x", answers: {literal}}}) {{ id }} }}'})
    assert response.status_code in (200, 400), response.text[:300]
    codes = [e["extensions"]["code"] for e in response.json()["errors"]]
    assert codes and "INTERNAL_ERROR" not in codes


@pytest.mark.parametrize(("data", "rule"), [
    (b"[" * 100_000 + b"]" * 100_000, "json_depth"),
    (HUGE_INTEGER, "json_integer"),
    (LONE_SURROGATE, "json_text"),
    (json.dumps(_nested(900)).encode(), "json_depth"),
], ids=["100k-deep arrays", "5000-digit integer", "lone surrogate", "900 deep"])
def test_a_signed_webhook_with_malformed_json_gets_a_coded_400(client: TestClient, clock: ManualClock,
                                                                data: bytes, rule: str):
    body = webhook("evt_1", "payment.succeeded", "pp_1", int(clock.now().timestamp()), amount=550)
    body = body.replace(b'"amount": 550', b'"amount": ' + data)
    response = client.post("/webhooks/payments", content=body,
                           headers=signed(body, int(clock.now().timestamp())))
    _assert_coded_400(response, rule)


def test_a_graphql_body_over_the_size_limit_is_refused_413(client: TestClient, settings):
    padding = "x" * settings.max_body_bytes  # MADOGUCHI_MAX_BODY_BYTES, 1 MiB by default
    response = client.post("/graphql", json={"query": "{ __typename }", "variables": {"pad": padding}})
    _assert_coded_400(response, "max_bytes", status=413)
    assert client.post("/graphql", json={"query": "{ __typename }"}).status_code == 200


def test_a_ten_megabyte_body_is_refused_without_being_read_whole(client: TestClient):
    chunks = (b" " * 65536 for _ in range(160))  # 10 MiB, streamed
    response = client.post("/graphql", content=chunks, headers={"Content-Type": "application/json"})
    _assert_coded_400(response, "max_bytes", status=413)
