"""No individual number (個人番号) enters through the API: the one place every
input is checked, at the boundary, before any resolver or route runs.

- GraphQL: :class:`IndividualNumberGuard` walks every argument of every root
  field (input objects, lists and JSON values, recursively) and refuses a value
  holding an individual number — however written (domain/privacy/individual_number.py
  ``normalise``) — with ``VALIDATION_FAILED``, rule ``individual_number``, naming
  the field (inside an ``input`` argument, as the domain names it: ``receiptNumber``,
  ``answers.address``) and never echoing the value.
- HTTP: :class:`HttpIndividualNumberGuard` (ASGI middleware) checks every query
  parameter of every route and the headers we store (:data:`STORED_HEADERS`),
  answering 422 (a GraphQL error for ``/graphql``).
- :data:`EXEMPT` lists, with a reason, the inputs that are not checked;
  tests/privacy/test_api_individual_number_inputs.py enumerates every String, ID
  and JSON input of the schema and every HTTP route parameter and proves each is
  either refused or listed here."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import parse_qsl

from graphql import (
    GraphQLInputObjectType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLScalarType,
)
from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from strawberry.extensions import SchemaExtension

from domain.privacy.individual_number import individual_number_error, individual_number_paths
from domain.shared.errors import FieldError, ValidationFailed

# schema coordinates (Type.field.argument[.inputField…]), a scalar type, or an HTTP
# input ("header NAME", "path parameters") → why it is not checked
EXEMPT: dict[str, str] = {
    "ID": "an identifier must name something that exists (UUIDs and digests the city issued); "
          "it is looked up, never stored as free text",
    "Query.paymentReconciliation.settlementCsv": "the provider's settlement report: compared with "
                                                 "our ledger, never stored",
    "Mutation.submitApplication.input.signature.certificate": "JPKI certificate (DER in base64), "
        "verified; only its serial's keyed hash is stored",
    "Mutation.submitApplication.input.signature.signature": "a signature (base64), verified, not stored",
    "Mutation.submitApplication.input.signature.nonce": "a challenge the city issued, matched, not stored",
    "Mutation.confirmApplicationEmail.token": "a signed token the city issued: checked, not stored",
    "Query.applications.after": "an opaque cursor the API issued: read, never stored",
    "Query.myApplications.after": "an opaque cursor the API issued: read, never stored",
    "Query.auditEvents.after": "an opaque cursor the API issued: read, never stored",
    "Query.personalDataAccesses.after": "an opaque cursor the API issued: read, never stored",
    "Subscription.queueBoard.queue": "a subscription reads a queue's board; nothing is recorded",
    "path parameters": "ids and signed tokens in a path are looked up, never stored",
    "header authorization": "a bearer token, verified; only its subject is recorded",
    "header madoguchi-signature": "the webhook's HMAC, verified, not stored",
    "header x-request-id": "replaced by a generated id when not a plain token or when it holds an "
                           "individual number (api/shared/request_ids.py)",
    "header x-correlation-id": "as x-request-id",
    "POST /webhooks/payments body": "the provider's signed event; its free text (failure reasons) "
                                    "is redacted before it is stored",
}
# headers whose value is stored (in an event or a record) and so are checked
STORED_HEADERS = {"idempotency-key": "Idempotency-Key", "content-type": "Content-Type"}


def _unwrapped(t: Any) -> Any:
    return t.of_type if isinstance(t, GraphQLNonNull) else t


def _python_name(definition: Any, name: str) -> str:
    strawberry = (definition.extensions or {}).get("strawberry-definition")
    return getattr(strawberry, "python_name", None) or name


def _get(container: Any, name: str, definition: Any) -> Any:
    """An argument or input field by its GraphQL name (graphql-core's coerced
    dicts), else by its python name (strawberry's input objects)."""
    if isinstance(container, dict):
        return container.get(name, container.get(_python_name(definition, name)))
    return getattr(container, _python_name(definition, name), None)


def _values(value: Any, t: Any, path: str, coordinate: str) -> Iterator[tuple[str, Any]]:
    """The checked leaves of ``value`` (of GraphQL type ``t``) as (path, value)."""
    t = _unwrapped(t)
    if value is None or coordinate in EXEMPT:
        return
    if isinstance(t, GraphQLList):
        for i, item in enumerate(value if isinstance(value, list | tuple) else [value]):
            yield from _values(item, t.of_type, f"{path}[{i}]", coordinate)
    elif isinstance(t, GraphQLInputObjectType):
        for name, field in t.fields.items():
            item = _get(value, name, field)
            yield from _values(item, field.type, f"{path}.{name}" if path else name, f"{coordinate}.{name}")
    elif isinstance(t, GraphQLScalarType) and t.name not in EXEMPT:
        yield path, value


def argument_errors(field: Any, coordinate: str, arguments: dict[str, Any]) -> list[FieldError]:
    """The ``individual_number`` errors of a root field's arguments."""
    errors: list[FieldError] = []
    for name, argument in field.args.items():
        value = _get(arguments, name, argument)
        path = "" if name == "input" else name  # an input's fields are named as the command names them
        for at, leaf in _values(value, argument.type, path, f"{coordinate}.{name}"):
            errors += [individual_number_error(p or name) for p in individual_number_paths(leaf, at)]
    return errors


class IndividualNumberGuard(SchemaExtension):
    """Refuses a root field whose arguments hold an individual number, before it resolves."""

    def resolve(self, _next: Callable[..., Any], root: Any, info: Any, *args: Any, **kwargs: Any) -> Any:
        field = info.parent_type.fields.get(info.field_name) if info.path.prev is None else None
        if field is not None:  # a root field of ours (not __typename, __schema)
            errors = argument_errors(field, f"{info.parent_type.name}.{info.field_name}", kwargs)
            if errors:
                raise ValidationFailed(errors)
        return _next(root, info, *args, **kwargs)


def request_errors(query_string: bytes, headers: Headers) -> list[FieldError]:
    """The ``individual_number`` errors of an HTTP request's query parameters and stored headers."""
    errors: list[FieldError] = []
    for name, value in parse_qsl(query_string.decode("latin-1"), keep_blank_values=True):
        found = individual_number_paths({name: value}, "")
        errors += [individual_number_error(p or "query") for p in found]
    for header, label in STORED_HEADERS.items():
        if individual_number_paths(headers.get(header, ""), label):
            errors.append(individual_number_error(label))
    return errors


class HttpIndividualNumberGuard:
    """ASGI middleware: :func:`request_errors` for every HTTP request."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            errors = request_errors(scope.get("query_string", b""), Headers(scope=scope))
            if errors:
                await _refusal(scope["path"].rstrip("/") == "/graphql", ValidationFailed(errors))(
                    scope, receive, send)
                return
        await self.app(scope, receive, send)


def _refusal(graphql: bool, failed: ValidationFailed) -> JSONResponse:
    listed = [{"path": e.path, "rule": e.rule, "message_en": e.message_en, "message_ja": e.message_ja}
              for e in failed.errors]
    if graphql:
        first = failed.errors[0]
        return JSONResponse({"data": None, "errors": [{"message": failed.message, "extensions": {
            "code": failed.code, "field": first.path, "rule": first.rule, "messageJa": failed.message_ja,
            "errors": [{"field": e.path, "rule": e.rule} for e in failed.errors]}}]}, status_code=422)
    return JSONResponse({"code": failed.code, "message": failed.message,
                         "message_ja": failed.message_ja, "errors": listed}, status_code=422)
