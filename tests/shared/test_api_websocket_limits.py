"""WebSocket messages on /graphql (graphql-transport-ws) meet the same limits
as HTTP bodies: checked before parsing; a message over a limit closes the
socket with 4400 and a reason naming the rule, and the server goes on."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from api.composition import Container


def _socket(client: TestClient):
    ws = client.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"])
    return ws


def _closed_with(ws, text: str) -> tuple[int, str]:
    ws.send_text(text)
    with pytest.raises(WebSocketDisconnect) as closed:
        ws.receive_json()
    return closed.value.code, closed.value.reason


def test_a_message_nested_too_deep_closes_the_socket_naming_the_rule(client: TestClient, container: Container):
    depth = container.settings.max_json_depth + 1
    with _socket(client) as ws:
        code, reason = _closed_with(ws, '{"type": "connection_init", "payload": ' + "[" * depth + "]" * depth + "}")
    assert code == 4400 and reason.startswith("json_depth")


def test_a_message_over_the_size_limit_closes_the_socket(client: TestClient, container: Container):
    padding = "x" * (container.settings.max_body_bytes + 1)
    with _socket(client) as ws:
        code, reason = _closed_with(ws, json.dumps({"type": "connection_init", "payload": {"pad": padding}}))
    assert code == 4400 and reason.startswith("max_bytes")


@pytest.mark.parametrize("value, rule", [("1" * 41, "json_integer"), ("NaN", "json_constant"),
                                         ('"\\ud800"', "json_text")])
def test_a_message_with_a_value_no_one_can_store_closes_the_socket(client: TestClient, value: str, rule: str):
    with _socket(client) as ws:
        code, reason = _closed_with(ws, '{"type": "connection_init", "payload": {"v": ' + value + "}}")
    assert code == 4400 and reason.startswith(rule)


def test_a_message_within_the_limits_is_served_and_the_server_goes_on_after_a_refusal(client: TestClient):
    with _socket(client) as ws:
        _closed_with(ws, "[" * 100 + "]" * 100)
    with _socket(client) as ws:
        ws.send_json({"type": "connection_init", "payload": {}})
        assert ws.receive_json()["type"] == "connection_ack"
