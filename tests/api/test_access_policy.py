"""The access policy covers every operation: each GraphQL query and mutation and
each HTTP route has an entry in ``application.access.POLICY`` (and every entry
names a real operation), and every role the table denies is refused at runtime."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.app import create_app
from api.composition import Container
from api.graphql.schema import build_schema
from application.access import POLICY, Rule
from domain.context import ROLES
from tests.api.support import (
    COPIES_FIELD,
    COUNTER,
    DEFINE,
    ESTABLISH,
    SHIMIN,
    SIMPLE,
    SUBMIT,
    Gql,
    error,
    ok,
    procedure_input,
    submission,
    token,
)

UNGUARDED_BY_DESIGN = {"GET /docs", "GET /docs/oauth2-redirect", "GET /openapi.json",
                       "GET /graphql"}  # API docs, and the GraphiQL page


def _graphql_fields() -> set[str]:
    schema = build_schema()._schema
    return set(schema.query_type.fields) | set(schema.mutation_type.fields)


def _routes(routes: list[Any], prefix: str = "") -> set[str]:
    """"METHOD /path" of every route, descending into included routers."""
    found: set[str] = set()
    for route in routes:
        included = getattr(route, "original_router", None)
        if included is not None:  # FastAPI's lazily included router
            found |= _routes(included.routes, prefix + route.include_context.prefix)
            continue
        path = prefix + getattr(route, "path", "")
        if hasattr(route, "routes") and not hasattr(route, "endpoint"):  # a mount
            found |= _routes(route.routes, path)
            continue
        methods = getattr(route, "methods", None)
        if methods is None:  # a websocket route
            found.add(f"WEBSOCKET {path}")
        else:
            found |= {f"{m} {path}" for m in methods if m != "HEAD"}
    return found


@pytest.fixture
def app(container: Container) -> FastAPI:
    return create_app(container)


def test_route_listing_sees_every_kind_of_route(app: FastAPI) -> None:
    routes = _routes(app.routes)
    assert {"GET /healthz", "GET /readyz", "POST /graphql", "GET /graphql"} <= routes


def test_every_policy_entry_names_a_real_operation(app: FastAPI) -> None:
    unknown = set(POLICY) - _graphql_fields() - _routes(app.routes)
    assert not unknown, f"POLICY entries for operations that do not exist: {sorted(unknown)}"


def test_every_graphql_field_has_an_entry() -> None:
    missing = _graphql_fields() - set(POLICY)
    assert not missing, f"GraphQL fields without an access rule: {sorted(missing)}"


def test_every_http_route_has_an_entry(app: FastAPI) -> None:
    http = {r for r in _routes(app.routes) if not r.startswith("WEBSOCKET ")}
    missing = http - UNGUARDED_BY_DESIGN - set(POLICY)
    assert not missing, f"HTTP routes without an access rule: {sorted(missing)}"


def test_every_websocket_route_has_an_entry(app: FastAPI) -> None:
    websockets = {r for r in _routes(app.routes) if r.startswith("WEBSOCKET ")}
    assert not websockets - set(POLICY), sorted(websockets - set(POLICY))


def test_a_websocket_connection_is_refused_cleanly(app: FastAPI) -> None:
    with TestClient(app) as client:
        try:
            with client.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws:
                ws.send_json({"type": "connection_init"})
                ws.receive_json()
        except Exception as e:
            if type(e).__name__ != "WebSocketDisconnect":
                raise


def test_the_table_uses_known_roles_and_rules() -> None:
    for operation, table in POLICY.items():
        assert set(table) <= set(ROLES) - {"system"}, operation
        assert all(isinstance(rule, Rule) for rule in table.values()), operation


def _operations(app_id: str) -> dict[str, tuple[str, dict[str, Any]]]:
    """One call of each GraphQL operation, aimed at records that exist."""
    by_id = {"id": app_id}

    def by_code(field: str) -> str:
        return f"mutation($c: String!) {{ {field}(code: $c) {{ id }} }}"

    return {
        "procedures": ("{ procedures { code } }", {}),
        "procedure": ("query($c: String!) { procedure(code: $c) { code } }", {"c": SIMPLE}),
        "departments": ("{ departments { code } }", {}),
        "application": ("query($id: ID!) { application(id: $id) { id } }", by_id),
        "applications": ("{ applications { totalCount } }", {}),
        "inbox": ("{ inbox { count } }", {}),
        "establishDepartment": (ESTABLISH, {"code": "kankyo", "nameJa": "環境課",
                                            "nameEn": "Environment"}),
        "defineProcedure": (DEFINE, {"input": procedure_input("new-one", SHIMIN)}),
        "reviseForm": ("mutation($c: String!, $f: [FormFieldInput!]!) "
                       "{ reviseForm(code: $c, fields: $f) { id } }",
                       {"c": SIMPLE, "f": [COPIES_FIELD]}),
        "publishProcedureOnline": (by_code("publishProcedureOnline"), {"c": COUNTER}),
        "withdrawProcedureOnline": (by_code("withdrawProcedureOnline"), {"c": SIMPLE}),
        "retireProcedure": (by_code("retireProcedure"), {"c": SIMPLE}),
        "submitApplication": (SUBMIT, {"input": submission()}),
        "receiveApplication": ("mutation($id: ID!) { receiveApplication(id: $id) { id } }", by_id),
        "returnApplication": ("mutation($id: ID!) { returnApplication(id: $id, reason: \"r\")"
                              " { id } }", by_id),
        "resubmitApplication": ("mutation($id: ID!) { resubmitApplication(id: $id,"
                                " answers: {copies: 1}) { id } }", by_id),
        "approveApplication": ("mutation($id: ID!) { approveApplication(id: $id) { id } }", by_id),
        "rejectApplication": ("mutation($id: ID!) { rejectApplication(id: $id, reason: \"r\")"
                              " { id } }", by_id),
        "completeApplication": ("mutation($id: ID!) { completeApplication(id: $id) { id } }",
                                by_id),
        "withdrawApplication": ("mutation($id: ID!) { withdrawApplication(id: $id) { id } }",
                                by_id),
    }


@pytest.mark.parametrize("role", ["anonymous", "citizen", "analyst", "auditor", "admin"])
def test_every_denied_role_is_refused(
    gql: Gql, container: Container, catalogue, role: str
) -> None:
    submitted = ok(gql(SUBMIT, input=submission()))["submitApplication"]
    operations = _operations(submitted["id"])
    assert set(operations) == _graphql_fields()  # a new operation needs a line here too
    caller = None if role == "anonymous" else token(sub=f"{role}-1", role=role)
    expected = "UNAUTHENTICATED" if role == "anonymous" else "FORBIDDEN"
    denied = [op for op in operations if POLICY[op].get(role, Rule.DENY) is Rule.DENY]
    assert denied, role
    head = container.log.head()
    for operation in denied:
        document, variables = operations[operation]
        result = gql(document, caller, **variables)
        assert error(result)["code"] == expected, (operation, result)
    assert container.log.head() == head
