"""GraphQL hardening: depth, alias and token limits, batching refused, and in
production no introspection, no "Did you mean" suggestions and no GraphiQL.
Every refusal is a coded GraphQL error (or a plain 4xx), never a 500."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

import pytest
from fastapi.testclient import TestClient
from graphql import get_introspection_query

from api.app import create_app
from api.composition import Container, build_container
from api.graphql.shared.hardening import QUERY_TOO_COMPLEX, strip_suggestions
from infra.clock import ManualClock
from tests.shared.api_support import Gql, error, ok, post_graphql
from tests.tokens import TEST_JWT_SECRET

AppFactory = Callable[..., AbstractContextManager[TestClient]]

NESTED = "{ procedures { assuranceLabel { ja } } }"  # depth 2
UNKNOWN_FIELD = "{ procedurez { code } }"  # close to `procedures`
INTROSPECTION = "{ __schema { queryType { name } } }"


@pytest.fixture
def app_with(container: Container, clock: ManualClock) -> AppFactory:
    """A client for an app on a second container whose settings differ."""

    @contextmanager
    def make(**updates: Any) -> Iterator[TestClient]:
        if updates.get("env") == "production":  # production needs a master key: this store's
            updates.setdefault("master_key", (container.settings.data_dir / "master.key").read_text().strip())
        other = build_container(container.settings.model_copy(update=updates), clock=clock)
        try:
            with TestClient(create_app(other, run_projections=False)) as c:
                yield c
        finally:
            other.close()

    return make


def run(client: TestClient, query: str) -> dict[str, Any]:
    response = post_graphql(client, query)
    assert response.status_code in (200, 400), response.text
    return response.json()


def aliases(n: int) -> str:
    return "{ " + " ".join(f"a{i}: __typename" for i in range(n)) + " }"


def test_a_query_deeper_than_the_limit_is_refused_with_a_code(gql: Gql, app_with: AppFactory):
    ok(gql(NESTED))  # within the default limit
    with app_with(graphql_max_depth=1) as client:
        result = run(client, NESTED)
    assert error(result)["code"] == QUERY_TOO_COMPLEX
    assert "maximum operation depth of 1" in result["errors"][0]["message"]
    assert result.get("data") is None


def test_too_many_aliases_are_refused_with_a_code(gql: Gql):
    ok(gql(aliases(15)))
    result = gql(aliases(16))
    assert error(result)["code"] == QUERY_TOO_COMPLEX
    assert "16 aliases found" in result["errors"][0]["message"]


def test_too_many_tokens_are_refused_with_a_code(app_with: AppFactory):
    field = " __typename @include(if: true)"  # 8 tokens
    with app_with(graphql_max_field_repeats=1000) as client:
        assert ok(run(client, "{" + field * 249 + " }"))["__typename"] == "Query"  # 1994
        result = run(client, "{" + field * 250 + " }")  # 2002
    assert error(result)["code"] == QUERY_TOO_COMPLEX
    assert "more than 2000 tokens" in result["errors"][0]["message"]


def test_more_fields_than_the_limit_are_refused_before_validation_with_the_rule_and_limit(
    gql: Gql, app_with: AppFactory,
):
    fragment = "fragment P on Procedure { code nameJa nameEn }"
    assert "procedures" in ok(gql("{ procedures { ...P } } " + fragment))
    with app_with(graphql_max_fields=10) as client:
        within = run(client, "{ procedures { ...P ...P code } } " + fragment)  # 1 + 3 + 3 + 1 fields
        over = run(client, "{ procedures { ...P } a: procedures { ...P } b: procedures { ...P } } "
                   + fragment)  # 12 fields once the fragment is expanded
    assert "procedures" in ok(within)
    assert error(over) == {
        "code": QUERY_TOO_COMPLEX, "rule": "max_fields", "limit": 10,
        "messageJa": "問い合わせの項目数が上限（10）を超えています",
    }
    assert over.get("data") is None


def test_one_field_repeated_more_than_the_limit_is_refused_with_a_code(gql: Gql):
    """Validation compares every pair of fields with one name: 400 repetitions of
    one field (8 KB, no aliases, few tokens) cost seconds of CPU."""
    ok(gql("{" + " __typename" * 10 + " }"))
    result = gql("{" + " procedures { code }" * 11 + " }")
    assert error(result)["code"] == QUERY_TOO_COMPLEX
    assert error(result)["rule"] == "max_field_repeats" and error(result)["limit"] == 10


def test_a_document_is_parsed_and_validated_once_for_many_requests(gql: Gql, client: TestClient):
    documents = client.app.state.graphql_documents
    query = "query Once { procedures { code } }"
    before = documents.misses
    for _ in range(3):
        ok(gql(query))
    assert documents.misses == before + 1


def test_a_batched_request_is_refused_with_a_4xx(client: TestClient):
    """Batching is off (no StrawberryConfig.batching_config), so a JSON list body
    cannot multiply the work of one request."""
    response = client.post("/graphql", json=[{"query": "{ __typename }"}] * 20)
    assert response.status_code == 400, response.text
    assert "Batching is not enabled" in response.text
    assert "Traceback" not in response.text


def test_development_allows_introspection_and_suggestions(gql: Gql):
    assert ok(gql(INTROSPECTION))["__schema"]["queryType"]["name"] == "Query"
    # the full query GraphiQL and code generators send fits within the limits
    assert ok(gql(get_introspection_query(descriptions=True)))["__schema"]["types"]
    result = gql(UNKNOWN_FIELD)
    assert error(result)["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert "Did you mean" in result["errors"][0]["message"]


def test_production_refuses_introspection_and_hides_suggestions(app_with: AppFactory):
    with app_with(env="production", jwt_secret=TEST_JWT_SECRET) as client:
        refused = run(client, INTROSPECTION)
        typename = run(client, "{ __typename }")
        unknown = run(client, UNKNOWN_FIELD)
        bad_enum = run(client, "{ applications(status: SUBMITED) { totalCount } }")
    assert refused["errors"], refused
    for e in refused["errors"]:
        assert e["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
        assert "introspection has been disabled" in e["message"]
    assert refused.get("data") is None
    assert ok(typename)["__typename"] == "Query"
    for result in (unknown, bad_enum):
        assert error(result)["code"] == "GRAPHQL_VALIDATION_FAILED"
        message = result["errors"][0]["message"]
        assert "Did you mean" not in message
        assert "procedures" not in message and "SUBMITTED" not in message
    assert unknown["errors"][0]["message"] == "Cannot query field 'procedurez' on type 'Query'."


def test_graphiql_and_the_api_docs_are_served_only_outside_production(client: TestClient, app_with: AppFactory):
    html = {"Accept": "text/html"}
    development = client.get("/graphql", headers=html)
    assert development.status_code == 200
    assert "graphiql" in development.text.lower()
    with app_with(env="production", jwt_secret=TEST_JWT_SECRET) as production_client:
        production = production_client.get("/graphql", headers=html)
        docs = production_client.get("/docs")
        vendored = production_client.get("/static/vendor/graphiql/graphiql.min.js")
        board = production_client.get("/board")  # the pages are not development tools
    assert production.status_code == 404
    assert "graphiql" not in production.text.lower()
    assert docs.status_code == 404 and vendored.status_code == 404
    assert board.status_code == 200


@pytest.mark.parametrize(("message", "stripped"), [
    ("Cannot query field 'x' on type 'Query'. Did you mean 'y' or 'z'?",
     "Cannot query field 'x' on type 'Query'."),
    ("Value 'A' does not exist in 'S' enum. Did you mean the enum value 'B'?",
     "Value 'A' does not exist in 'S' enum."),
    ("Unknown type 'Foo'.", "Unknown type 'Foo'."),
])
def test_suggestions_are_stripped(message: str, stripped: str):
    assert strip_suggestions(message) == stripped
