"""The access policy covers every operation: each GraphQL query and mutation and
each HTTP route has an entry in ``application.shared.access.POLICY`` (and every entry
names a real operation), and an authorization matrix generated from the table
calls every operation as every role and checks allow / own / own-department /
deny (example calls: tests/shared/access_examples.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.app import create_app
from api.composition import Container
from api.graphql.schema import build_schema
from application.shared.access import EVERYONE, POLICY, Rule
from domain.shared.context import ROLES
from tests.shared.access_examples import (
    EXAMPLES,
    MINE,
    OTHER_CITIZEN,
    OTHER_DEPARTMENT,
    Call,
    World,
    caller,
)

UNGUARDED_BY_DESIGN = {"GET /docs", "GET /docs/oauth2-redirect", "GET /openapi.json",
                       "GET /graphql"}  # API docs, and the GraphiQL page


def _graphql_fields() -> set[str]:
    schema = build_schema()._schema
    subscriptions = set(schema.subscription_type.fields) if schema.subscription_type else set()
    return set(schema.query_type.fields) | set(schema.mutation_type.fields) | subscriptions


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


SECURITY_DOC = Path(__file__).resolve().parents[2] / "docs" / "security.md"
_CELL = {Rule.ALLOW: "allow", Rule.OWN: "own", Rule.OWN_DEPARTMENT: "dept", Rule.DENY: "—"}


def policy_table() -> str:
    """``POLICY`` as the Markdown table of docs/security.md."""
    lines = ["| operation | " + " | ".join(EVERYONE) + " |", "|---|" + "---|" * len(EVERYONE)]
    for operation, table in POLICY.items():
        cells = " | ".join(_CELL[table.get(role, Rule.DENY)] for role in EVERYONE)
        lines.append(f"| `{operation}` | {cells} |")
    return "\n".join(lines)


def test_the_security_doc_shows_the_policy_as_it_is() -> None:
    text = SECURITY_DOC.read_text(encoding="utf-8")
    start = text.index("<!-- policy-table:start")
    start = text.index("\n", start) + 1
    end = text.index("<!-- policy-table:end -->")
    documented = text[start:end].strip()
    assert documented == policy_table(), (
        "docs/security.md's access table differs from POLICY; replace it with:\n" + policy_table())


def test_every_operation_has_an_example_call() -> None:
    """The matrix below needs one example call per operation (tests/shared/access_examples.py)."""
    missing = set(POLICY) - set(EXAMPLES)
    assert not missing, f"operations without an example call in access_examples.py: {sorted(missing)}"
    assert not set(EXAMPLES) - set(POLICY), sorted(set(EXAMPLES) - set(POLICY))


REFUSED = {"FORBIDDEN", "UNAUTHENTICATED"}
NOT_PAST_AUTHORIZATION = REFUSED | {"NOT_FOUND"}  # NOT_FOUND would hide an unchecked rule


def _send(client: TestClient, call: Call, role: str) -> tuple[int, set[str]]:
    """The HTTP status and the error codes of one call as ``role``."""
    who = caller(role)
    headers = {**({"Authorization": f"Bearer {who}"} if who else {}), **call.headers}
    if call.http:
        method, path = call.http.split(" ", 1)
        response = client.request(method, path, content=call.body, headers=headers)
        return response.status_code, set()
    response = client.post("/graphql", json={"query": call.document, "variables": call.variables},
                           headers=headers)
    errors = response.json().get("errors") or []
    return response.status_code, {(e.get("extensions") or {}).get("code") for e in errors}


@pytest.mark.parametrize("role", EVERYONE)
def test_authorization_matrix(container: Container, role: str) -> None:
    """Generated from POLICY: every operation is called as ``role``. ``DENY``:
    refused (``UNAUTHENTICATED`` for anonymous callers, ``FORBIDDEN`` otherwise)
    and nothing recorded. ``ALLOW``/``OWN``/``OWN_DEPARTMENT``: gets past
    authorization on the caller's own record; ``OWN`` is ``FORBIDDEN`` on another
    citizen's record (citizen A reading citizen B's application by id), and
    ``OWN_DEPARTMENT`` on another department's."""
    world = World(container)
    refusal = "UNAUTHENTICATED" if role == "anonymous" else "FORBIDDEN"
    problems: list[str] = []
    with TestClient(create_app(container, run_projections=False)) as client:
        for operation, table in sorted(POLICY.items()):
            if operation not in EXAMPLES:
                problems.append(f"{operation}: no example call")
                continue
            rule = table.get(role, Rule.DENY)
            cases = [(MINE, rule is Rule.DENY)]
            if rule is Rule.OWN:
                cases.append((OTHER_CITIZEN, True))
            if rule is Rule.OWN_DEPARTMENT:
                cases.append((OTHER_DEPARTMENT, True))
            for target, should_refuse in cases:
                call = EXAMPLES[operation](world, target, role)
                world.catch_up()
                head = container.log.head()
                status, codes = _send(client, call, role)
                where = f"{operation} as {role} ({rule.value}) on {target}"
                if call.http:
                    if should_refuse != (status in (401, 403)):
                        problems.append(f"{where}: HTTP {status}")
                elif should_refuse:
                    if codes != {refusal}:
                        problems.append(f"{where}: expected {refusal}, got {sorted(codes)}")
                    elif container.log.head() != head:
                        problems.append(f"{where}: refused, yet events were recorded")
                elif codes & NOT_PAST_AUTHORIZATION:
                    problems.append(f"{where}: expected to pass authorization, got {sorted(codes)}")
    assert not problems, "\n".join(problems)


def test_who_sees_personal_data() -> None:
    from application.shared.access import reveals_personal_data
    from domain.shared.context import Actor

    def sees(role: str, *scopes: str) -> bool:
        return reveals_personal_data(Actor("x", role, "shimin" if role in ("staff", "manager") else None),
                                     frozenset(scopes))

    assert [sees(r) for r in ("citizen", "staff", "manager")] == [True, True, True]
    assert [sees(r) for r in ("anonymous", "analyst", "auditor", "admin")] == [False] * 4
    assert [sees(r, "pii") for r in ("auditor", "admin", "analyst", "anonymous")] == [True, True, False, False]
