"""A hypothesis generator over the served GraphQL schema and the HTTP routes.

Every query, mutation and subscription of the schema is called with argument
values that are sometimes well-typed and sometimes not: wrong types, nulls,
huge strings, Japanese text, negative and out-of-range numbers, unknown and
malformed ids, deeply nested JSON, as anonymous or as any role. The HTTP routes
get random bodies, content types, signatures and query strings. Whatever comes
in, the answer is never a 5xx nor a masked ``INTERNAL_ERROR``, and every error
carries a code."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient
from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLUnionType,
    get_named_type,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.graphql.schema import build_schema
from infra.clock import ManualClock
from tests.payments.conftest import container, provider, signed, webhook  # noqa: F401 — fixtures
from tests.shared.api_support import SHIMIN, SUBMIT, ok, post_graphql, submission, token

SCHEMA = build_schema()._schema
ROOTS = {"query": SCHEMA.query_type, "mutation": SCHEMA.mutation_type,
         "subscription": SCHEMA.subscription_type}
OPERATIONS = sorted((kind, name) for kind, root in ROOTS.items() for name in root.fields)
FUZZ = settings(max_examples=120, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                       HealthCheck.data_too_large])

JAPANESE = ["下野 花子", "栃木県下野市笹原26", "住民票の写し", "ｼﾓﾂｹ ﾊﾅｺ", "令和8年4月1日", "𠮷野家",
            "123456789012"]  # 12 digits: looks like a 個人番号
NASTY = ["", " ", "x" * 20_000, "\u0000", "' OR 1=1 --", "<script>alert(1)</script>", "${7*7}",
         "../../etc/passwd", "-1", "0", "1e309", "NaN", "null", "{}", "\ud7ff\ufffe", "🙂" * 300]


def _nested(depth: int) -> Any:
    value: Any = "底"
    for i in range(depth):
        value = [value] if i % 2 else {"k": value}
    return value


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30) | st.sampled_from(JAPANESE),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner,
                                                                 max_size=4),
    max_leaves=12,
)
weird = (st.none() | st.booleans() | st.integers(-(2**64), 2**64) | st.floats(allow_nan=False, allow_infinity=False)
         | st.text(max_size=40) | st.sampled_from(NASTY + JAPANESE)
         | st.sampled_from([_nested(60), _nested(400), [], {}, [[[]]]]))


def values_for(t: Any, ids: list[str]) -> st.SearchStrategy[Any]:
    """Mostly values of GraphQL type ``t``; sometimes anything at all."""
    return st.one_of(_typed(t, ids), _typed(t, ids), weird)


def _typed(t: Any, ids: list[str]) -> st.SearchStrategy[Any]:
    if isinstance(t, GraphQLNonNull):
        return _typed(t.of_type, ids)
    if isinstance(t, GraphQLList):
        return st.none() | st.lists(values_for(t.of_type, ids), max_size=4)
    if isinstance(t, GraphQLEnumType):
        names = list(t.values)
        return st.sampled_from(names + [n.lower() for n in names])
    if isinstance(t, GraphQLInputObjectType):
        fields = {name: values_for(f.type, ids) for name, f in t.fields.items()}
        return st.fixed_dictionaries({}, optional=fields)
    assert isinstance(t, GraphQLScalarType), t
    return {
        "String": st.text(max_size=60) | st.sampled_from(JAPANESE + NASTY + [SHIMIN, "jumin-hyo"]),
        "ID": st.sampled_from(ids) | st.uuids().map(str) | st.sampled_from(NASTY),
        "Int": st.integers(-(2**31), 2**31 - 1) | st.integers(-(2**40), 2**40),
        "Float": st.floats(allow_nan=False, allow_infinity=False),
        "Boolean": st.booleans(),
        "Date": st.dates().map(str) | st.sampled_from(["2026-02-30", "R8.4.1", "令和8年4月1日"]),
        "DateTime": st.datetimes().map(lambda d: d.isoformat()) | st.text(max_size=20),
    }.get(t.name, json_values)


def selection(t: Any, depth: int = 2) -> str:
    """Every leaf field without required arguments, objects ``depth`` levels down."""
    named = get_named_type(t)
    if isinstance(named, (GraphQLScalarType, GraphQLEnumType)):
        return ""
    if isinstance(named, GraphQLUnionType) or depth == 0:
        return "{ __typename }"
    assert isinstance(named, (GraphQLObjectType, GraphQLInterfaceType)), named
    parts = ["__typename"]
    for name, field in named.fields.items():
        if any(isinstance(a.type, GraphQLNonNull) for a in field.args.values()):
            continue
        inner = selection(field.type, depth - 1)
        if not isinstance(get_named_type(field.type), (GraphQLScalarType, GraphQLEnumType)):
            if inner == "{ __typename }" and depth > 1:
                continue
        parts.append(f"{name} {inner}".strip())
    return "{ " + " ".join(parts) + " }"


@st.composite
def operations(draw: st.DrawFn, ids: list[str]) -> tuple[str, dict[str, Any]]:
    kind, name = draw(st.sampled_from(OPERATIONS))
    field: GraphQLField = ROOTS[kind].fields[name]
    args = {a: draw(st.booleans()) or isinstance(arg.type, GraphQLNonNull)
            for a, arg in field.args.items()}
    used = [a for a, present in args.items() if present]
    declared = ", ".join(f"${a}: {field.args[a].type}" for a in used)
    call = f"({', '.join(f'{a}: ${a}' for a in used)})" if used else ""
    document = f"{kind}{f'({declared})' if declared else ''} {{ {name}{call} {selection(field.type)} }}"
    variables = {a: draw(values_for(field.args[a].type, ids)) for a in used}
    return document, variables


def assert_structured(response: Any) -> None:
    assert response.status_code < 500, (response.status_code, response.text[:2000])
    assert "Traceback" not in response.text
    if response.status_code < 400 and not response.headers.get("content-type", "").startswith(
            "application/json"):
        return  # a CSV export
    body = response.json()
    if isinstance(body, dict) and "code" in body:  # the HTTP routes' error shape
        codes = [body["code"]]
    elif isinstance(body, dict) and "errors" in body:  # GraphQL's
        codes = [(e.get("extensions") or {}).get("code") for e in body["errors"]]
    elif response.status_code >= 400:
        codes = []
    else:
        return
    assert codes and all(codes), ("uncoded error", response.status_code, body)
    assert "INTERNAL_ERROR" not in codes, ("masked crash", body)


@pytest.fixture
def known_ids(client: TestClient, catalogue) -> list[str]:
    citizen = token(sub="citizen-fuzz", role="citizen")
    submitted = ok(post_graphql(client, SUBMIT, citizen, {"input": submission()}).json())
    return [submitted["submitApplication"]["id"], str(uuid.uuid4()), "not-a-uuid"]


CALLERS = [None, "garbage", "Bearer", token(sub="citizen-fuzz", role="citizen"),
           token(sub="staff-fuzz", role="staff", dept=SHIMIN), token(sub="admin-fuzz", role="admin"),
           token(sub="auditor-fuzz", role="auditor", scopes=("pii",))]


def test_any_graphql_operation_with_any_arguments_answers_with_codes(
    client: TestClient, known_ids: list[str]
) -> None:
    @FUZZ
    @given(operation=operations(known_ids), caller=st.sampled_from(CALLERS))
    def check(operation: tuple[str, dict[str, Any]], caller: str | None) -> None:
        document, variables = operation
        headers = {"Authorization": caller if caller in ("garbage", "Bearer") else f"Bearer {caller}"}
        response = client.post("/graphql", json={"query": document, "variables": variables},
                               headers=headers if caller else {})
        assert_structured(response)

    check()


ROUTES = ["/graphql", "/webhooks/payments", "/attachments", "/exports/dashboards/city.csv",
          "/exports/dashboards/city.json", "/exports/dashboards/department.csv",
          "/exports/dashboards/department.json"]
CONTENT_TYPES = ["application/json", "text/plain", "application/pdf", "image/png",
                 "multipart/form-data", "application/x-www-form-urlencoded", "", "application/json; charset=shift_jis"]


@st.composite
def bodies(draw: st.DrawFn) -> bytes:
    choice = draw(st.sampled_from(["bytes", "json", "graphql", "webhook"]))
    if choice == "bytes":
        return draw(st.binary(max_size=300))
    if choice == "json":
        return json.dumps(draw(json_values | weird)).encode()
    if choice == "graphql":
        query = draw(st.text(max_size=80) | st.sampled_from(
            ["{" * 300 + "}" * 300, "{ departments { code } }", "query { " + "a " * 3000 + "}"]))
        return json.dumps({"query": query, "variables": draw(json_values)}).encode()
    kind = draw(st.sampled_from(["payment.succeeded", "payment.failed", "refund.succeeded", "x"]))
    return webhook(draw(st.text(max_size=20)), kind, draw(st.text(max_size=20)),
                   draw(st.integers(-(2**40), 2**40)), amount=draw(json_values))


def test_random_http_requests_never_get_a_server_error(
    client: TestClient, clock: ManualClock, known_ids: list[str]
) -> None:
    @FUZZ
    @given(route=st.sampled_from(ROUTES), body=bodies(), content_type=st.sampled_from(CONTENT_TYPES),
           caller=st.sampled_from(CALLERS), sign=st.booleans(),
           params=st.dictionaries(st.sampled_from(["from", "to", "department", "name", "procedure",
                                                   "field"]),
                                  st.text(max_size=12) | st.dates().map(str), max_size=4))
    def check(route: str, body: bytes, content_type: str, caller: str | None, sign: bool,
              params: dict[str, str]) -> None:
        headers = {"Content-Type": content_type}
        if caller:
            headers["Authorization"] = f"Bearer {caller}"
        if route == "/webhooks/payments" and sign:
            headers.update(signed(body, int(clock.now().timestamp())))
        if route.startswith("/exports"):
            response = client.get(route, params=params, headers=headers)
        else:
            response = client.post(route, content=body, params=params, headers=headers)
        assert_structured(response)

    started = time.monotonic()
    check()
    assert time.monotonic() - started < 120
