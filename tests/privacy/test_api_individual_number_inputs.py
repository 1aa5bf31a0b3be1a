"""Every input of the API is checked for an individual number, in one place
(api/shared/individual_numbers.py), or listed there as exempt with a reason.

The schema is introspected: every String, ID and JSON argument and input field
of every query and mutation, recursively. Each is sent, alone, holding a valid
individual number written with separators (the way one slips past a naive
check), and must be refused ``VALIDATION_FAILED`` naming that field with rule
``individual_number`` — before any resolver runs, so other arguments are mere
placeholders. Likewise every query parameter of every HTTP route, and each
header we store (``Idempotency-Key``, ``Content-Type``)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLScalarType,
    get_named_type,
)

from api.graphql.schema import build_schema
from api.shared.individual_numbers import EXEMPT, STORED_HEADERS
from tests.shared.api_support import token

NUMBER = "1234.5678.9018"  # valid, written with dots
SCHEMA = build_schema()._schema
UNCHECKED_SCALARS = {"Int", "Float", "Boolean", "Date", "DateTime"}  # parsed: no text gets through


def _placeholder(t: Any) -> Any:
    if isinstance(t, GraphQLNonNull):
        return _placeholder(t.of_type)
    if isinstance(t, GraphQLList):
        return [_placeholder(t.of_type)]
    if isinstance(t, GraphQLEnumType):
        return next(iter(t.values))
    if isinstance(t, GraphQLInputObjectType):
        return {n: _placeholder(f.type) for n, f in t.fields.items() if isinstance(f.type, GraphQLNonNull)}
    return {"Int": 1, "Float": 1.0, "Boolean": False, "Date": "2026-04-01", "ID": str(uuid.uuid4()),
            "DateTime": "2026-04-01T10:00:00+09:00", "JSON": {}}.get(t.name, "x")


def _leaves(t: Any, coordinate: str, path: str, seen: frozenset[str] = frozenset()) -> Iterator[tuple[str, str, Any]]:
    """(coordinate, expected error path, a value holding NUMBER at that leaf) for every text leaf."""
    inner = t.of_type if isinstance(t, GraphQLNonNull) else t
    if isinstance(inner, GraphQLList):
        for c, p, v in _leaves(inner.of_type, coordinate, f"{path}[0]", seen):
            yield c, p, [v]
    elif isinstance(inner, GraphQLInputObjectType):
        if inner.name in seen:
            return
        base = _placeholder(inner)
        for name, field in inner.fields.items():
            for c, p, v in _leaves(field.type, f"{coordinate}.{name}", f"{path}.{name}" if path else name,
                                   seen | {inner.name}):
                yield c, p, {**base, name: v}
    elif isinstance(inner, GraphQLScalarType) and inner.name not in UNCHECKED_SCALARS:
        yield coordinate, path, NUMBER


def _inputs() -> list[tuple[str, str, str, str, Any]]:
    """(operation kind, field, argument, coordinate, expected path, value) of every text input."""
    found = []
    for kind, root in (("query", SCHEMA.query_type), ("mutation", SCHEMA.mutation_type),
                       ("subscription", SCHEMA.subscription_type)):
        for name, field in root.fields.items():
            for arg, argument in field.args.items():
                path = "" if arg == "input" else arg
                for coordinate, at, value in _leaves(argument.type, f"{root.name}.{name}.{arg}", path):
                    found.append((kind, name, arg, coordinate, at or arg, value))
    return found


INPUTS = _inputs()


def _exemption(coordinate: str, t: Any) -> str | None:
    parts = coordinate.split(".")
    for end in range(len(parts), 2, -1):
        if ".".join(parts[:end]) in EXEMPT:
            return EXEMPT[".".join(parts[:end])]
    return EXEMPT.get(get_named_type(t).name)


def _leaf_type(coordinate: str) -> Any:
    root, field, arg, *rest = coordinate.split(".")
    t = SCHEMA.get_type(root).fields[field].args[arg].type
    for name in rest:
        t = get_named_type(t).fields[name].type
    return t


def _document(kind: str, name: str, field: GraphQLField) -> str:
    declared = ", ".join(f"${a}: {arg.type}" for a, arg in field.args.items())
    call = ", ".join(f"{a}: ${a}" for a in field.args)
    named = get_named_type(field.type)
    selection = "" if isinstance(named, GraphQLScalarType | GraphQLEnumType) else "{ __typename }"
    return f"{kind}({declared}) {{ {name}({call}) {selection} }}"


def test_the_schema_has_text_inputs_and_every_exemption_names_one():
    coordinates = {c for _, _, _, c, _, _ in INPUTS}
    assert len(coordinates) > 150
    for key, reason in EXEMPT.items():
        assert reason.strip()
        graphql_like = key.split(".")[0] in ("Query", "Mutation", "Subscription")
        if graphql_like:
            assert any(c == key or c.startswith(key + ".") for c in coordinates), f"{key} is not an input"


def _refusal(client: TestClient, kind: str, name: str, arg: str, value: Any) -> tuple[Any, ...]:
    field = (SCHEMA.query_type if kind == "query" else SCHEMA.mutation_type).fields[name]
    variables = {a: _placeholder(argument.type) for a, argument in field.args.items()}
    variables[arg] = value
    response = client.post("/graphql", json={"query": _document(kind, name, field), "variables": variables},
                           headers={"Authorization": f"Bearer {token(sub='admin-in', role='admin')}"})
    extensions = (response.json().get("errors") or [{}])[0].get("extensions", {})
    echoed = "1234" in response.text
    return response.status_code, extensions.get("code"), extensions.get("field"), extensions.get("rule"), echoed


def test_every_text_input_of_the_schema_is_checked_or_exempt(client: TestClient):
    """One request per input (one client, for speed): each is refused naming it, or exempt."""
    wrong, exempt = [], []
    for kind, name, arg, coordinate, path, value in INPUTS:
        if _exemption(coordinate, _leaf_type(coordinate)) is not None:
            exempt.append(coordinate)
            continue
        if kind == "subscription":
            wrong.append((coordinate, "subscriptions are not guarded: list it in EXEMPT"))
            continue
        answer = _refusal(client, kind, name, arg, value)
        if answer != (200, "VALIDATION_FAILED", path, "individual_number", False):
            wrong.append((coordinate, answer))
    assert wrong == []
    assert "Mutation.recordCounterPayment.receiptNumber" not in exempt
    assert {"Mutation.defineQueue.nameJa", "Mutation.defineWindow.nameJa"}.isdisjoint(exempt)


def _routes(routes: list[Any], prefix: str = "") -> Iterator[tuple[str, APIRoute]]:
    for route in routes:
        included = getattr(route, "original_router", None)
        if included is not None:
            yield from _routes(included.routes, prefix + route.include_context.prefix)
        elif isinstance(route, APIRoute):
            yield prefix + route.path, route


def test_every_query_parameter_of_every_route_is_checked(client: TestClient):
    checked = []
    for path, route in _routes(client.app.routes):
        dependant = route.dependant
        assert not dependant.body_params and not dependant.header_params, path  # bodies are read raw
        if dependant.path_params:
            assert EXEMPT["path parameters"]
        concrete = path.replace("{", "").replace("}", "")
        for param in dependant.query_params:
            for method in route.methods:
                response = client.request(method, concrete, params={param.name: NUMBER})
                assert response.status_code == 422, (method, path, response.text)
                body = response.json()
                assert body["code"] == "VALIDATION_FAILED", body
                assert [(e["path"], e["rule"]) for e in body["errors"]] == [(param.name, "individual_number")]
                checked.append(f"{method} {path}?{param.name}")
    assert "POST /attachments?name" in checked and "POST /documents?name" in checked


def test_a_query_parameter_a_route_reads_itself_is_checked_too(client: TestClient):
    response = client.get("/exports/dashboards/city.csv", params={"department": "市民課 1234 5678 9018"})
    assert response.status_code == 422 and response.json()["errors"][0]["path"] == "department"


def test_the_stored_headers_are_checked(client: TestClient):
    assert set(STORED_HEADERS) == {"idempotency-key", "content-type"}
    keyed = client.post("/graphql", json={"query": "{ __typename }"},
                        headers={"Idempotency-Key": f"key-{NUMBER}"})
    assert keyed.status_code == 422
    extensions = keyed.json()["errors"][0]["extensions"]
    assert (extensions["code"], extensions["field"], extensions["rule"]) == (
        "VALIDATION_FAILED", "Idempotency-Key", "individual_number")
    typed = client.post("/attachments", params={"name": "a.png"}, content=b"x",
                        headers={"Content-Type": "image/1234.5678.9018"})
    assert typed.status_code == 422
    assert typed.json()["errors"][0]["path"] == "Content-Type"


def test_a_request_id_holding_an_individual_number_is_replaced(client: TestClient):
    answer = client.get("/healthz", headers={"X-Request-ID": "req-123456789018"})
    assert answer.status_code == 200
    assert "123456789018" not in answer.headers["x-request-id"]
