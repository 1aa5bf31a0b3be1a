"""An anonymous request holds at most one mutation: eleven aliased
``submitApplication`` against a limit of ten would record ten and answer
``data: null`` (the eleventh is ``RATE_LIMITED`` and its payload is non-null),
so the client would get no id for what was stored. The whole request is refused
``ONE_MUTATION_PER_REQUEST`` before anything runs; signed-in callers may batch."""

from __future__ import annotations

import json
from typing import Any

from fastapi.testclient import TestClient

from api.composition import Container
from tests.shared.api_support import error, ok, submission

ANONYMOUS = submission(contactEmail="hanako@example.jp")


def _aliased(n: int) -> str:
    fields = " ".join(f"s{i}: submitApplication(input: $input) {{ id }}" for i in range(n))
    return f"mutation($input: SubmitApplicationInput!) {{ {fields} }}"


def _post(client: TestClient, query: str, who: str | None = None, **variables: Any) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {who}"} if who else {}
    response = client.post("/graphql", json={"query": query, "variables": variables}, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def test_eleven_aliased_anonymous_submissions_are_refused_before_any_is_recorded(
        client: TestClient, container: Container, catalogue) -> None:
    head = container.log.head()
    refused = _post(client, _aliased(11), input=ANONYMOUS)
    assert error(refused)["code"] == "ONE_MUTATION_PER_REQUEST"
    assert refused["data"] is None
    assert container.log.head() == head
    assert not json.dumps(refused).count('"id"')


def test_fragments_do_not_hide_a_second_mutation(client: TestClient, container: Container, catalogue) -> None:
    query = """mutation($input: SubmitApplicationInput!) { ...Twice }
      fragment Twice on Mutation { a: submitApplication(input: $input) { id }
                                   ... on Mutation { b: submitApplication(input: $input) { id } } }"""
    head = container.log.head()
    assert error(_post(client, query, input=ANONYMOUS))["code"] == "ONE_MUTATION_PER_REQUEST"
    assert container.log.head() == head


def test_one_anonymous_mutation_is_answered(client: TestClient, catalogue) -> None:
    assert ok(_post(client, _aliased(1), input=ANONYMOUS))["s0"]["id"]


def test_a_signed_in_caller_may_send_several(client: TestClient, catalogue, citizen_a: str) -> None:
    data = ok(_post(client, _aliased(3), citizen_a, input=submission()))
    assert len({data[f"s{i}"]["id"] for i in range(3)}) == 3
