"""Helpers shared by the API tests: GraphQL documents, inputs, response checks."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient

from api.shared.auth import mint_token
from tests.tokens import TEST_JWT_SECRET

Gql = Callable[..., dict[str, Any]]

SHIMIN, ZEIMU = "shimin", "zeimu"
SIMPLE = "jumin-hyo"  # none-level, online
ACCOUNT = "nozei-shomei"  # account-level, online
COUNTER = "koseki-tohon"  # counter only

ESTABLISH = """
mutation($code: String!, $nameJa: String!, $nameEn: String!) {
  establishDepartment(code: $code, nameJa: $nameJa, nameEn: $nameEn) { id position }
}"""
DEFINE = """
mutation($input: DefineProcedureInput!) { defineProcedure(input: $input) { id position } }"""
PUBLISH = "mutation($code: String!) { publishProcedureOnline(code: $code) { id position } }"
SUBMIT = """
mutation($input: SubmitApplicationInput!) { submitApplication(input: $input) { id position } }"""

COPIES_FIELD = {
    "key": "copies", "labelJa": "通数", "labelEn": "Copies", "type": "number",
    "required": True, "constraints": {"min": 1, "max": 10, "integer": True},
}
ADDRESS_FIELD = {
    "key": "address", "labelJa": "住所", "labelEn": "Address", "type": "text",
    "personal": True, "constraints": {"max_length": 200},
}


def procedure_input(code: str, department: str, **overrides: Any) -> dict[str, Any]:
    return {
        "code": code, "nameJa": "住民票の写しの交付申請", "nameEn": "Certificate of residence",
        "department": department, "channels": ["ONLINE"], "assurance": "NONE",
        "feeYen": 300, "processingDays": 3, "fields": [COPIES_FIELD, ADDRESS_FIELD],
        "requirementsJa": "本人確認書類", "requirementsEn": "Proof of identity",
        "contact": "市民課 0285-00-0000", **overrides,
    }


def submission(code: str = SIMPLE, channel: str = "ONLINE", **overrides: Any) -> dict[str, Any]:
    return {
        "procedureCode": code, "channel": channel, "applicantName": "下野 花子",
        "answers": {"copies": 2, "address": "栃木県下野市笹原26"}, **overrides,
    }


def ok(result: dict[str, Any]) -> dict[str, Any]:
    """The data of a response that must have no errors."""
    assert not result.get("errors"), result.get("errors")
    assert result.get("data") is not None, result
    return result["data"]


def error(result: dict[str, Any]) -> dict[str, Any]:
    """The extensions of the one error a response must carry."""
    errors = result.get("errors") or []
    assert len(errors) == 1, result
    extensions = errors[0].get("extensions") or {}
    assert "code" in extensions, errors[0]
    return extensions



def post_graphql(client: TestClient, query: str, token: str | None = None,
                 variables: dict[str, Any] | None = None) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = client.post("/graphql", json={"query": query, "variables": variables or {}},
                           headers=headers)
    assert "Traceback" not in response.text
    assert response.status_code in (200, 400), (response.status_code, response.text)
    return response


def token(**claims: Any) -> str:
    return mint_token(TEST_JWT_SECRET, **claims)


def settled(container: Any, timeout: float = 30.0) -> int:
    """The log head once it stopped moving: every projection, and the payment
    process (which appends ``PaymentRequested`` as it follows the log), has
    caught up with it. Tests that compare heads wait for this first."""
    import time

    deadline = time.monotonic() + timeout
    while True:
        if not container.following:
            container.engine.catch_up()
        head = container.log.head()
        statuses = [s for s in container.engine.status() if s.serving]
        if all(s.position >= head for s in statuses) and container.log.head() == head:
            return head
        assert time.monotonic() < deadline, f"projections did not settle at {head}: {statuses}"
        time.sleep(0.02)


CONFIRM_EMAIL = "mutation($t: String!) { confirmApplicationEmail(token: $t) { id position } }"


def confirm_email(gql: Any, container: Any, application_id: str) -> dict[str, Any]:
    """Confirm an anonymous application's e-mail as its link would (the token the
    confirmation mail carries), so the department's staff see it."""
    confirmations = container.confirmations
    application = container.applications.get(application_id)
    token = confirmations.tokens.make(application_id, confirmations.expires_at(application))
    return ok(gql(CONFIRM_EMAIL, None, t=token))["confirmApplicationEmail"]
