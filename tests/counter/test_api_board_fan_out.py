"""Board fan-out: every subscriber of one queue's board shares one read of the
read model per change (not one read per subscriber), and each still gets the
board as its caller may see it."""

from __future__ import annotations

import time
from contextlib import ExitStack
from typing import Any

from fastapi.testclient import TestClient

from api.composition import Container
from tests.counter.test_api_visits import A_QUEUE, ISSUE, _set_up
from tests.counter.test_api_wait_predictions import _next, _subscribe
from tests.shared.api_fixtures import Catalogue
from tests.shared.api_support import Gql, ok

SUBSCRIBERS = 10
CAUGHT_UP = "query($q: String!, $p: Int) { queueBoard(queue: $q, atLeastPosition: $p) { waitingCount } }"
BOARD = "subscription($q: String!) { queueBoard(queue: $q) { waitingCount waiting { ticket visitId } } }"


def connect(stack: ExitStack, client: TestClient, token: str | None = None) -> Any:
    ws = stack.enter_context(client.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]))
    ws.send_json({"type": "connection_init",
                  "payload": {"Authorization": f"Bearer {token}"} if token else {}})
    assert ws.receive_json()["type"] == "connection_ack"
    return ws


def test_one_read_per_board_change_serves_every_subscriber_of_the_queue(
    client: TestClient, gql: Gql, catalogue: Catalogue, admin: str, shimin_staff: str,
    zeimu_staff: str, container: Container,
) -> None:
    _set_up(gql, admin, shimin_staff, zeimu_staff)
    first = ok(gql(ISSUE, input={"queue": A_QUEUE}))["issueTicket"]
    ok(gql(CAUGHT_UP, q=A_QUEUE, p=first["position"]))
    with ExitStack() as stack:
        hall = connect(stack, client)  # the hall's screens: anonymous
        staff = connect(stack, client, shimin_staff)
        for i in range(SUBSCRIBERS - 1):
            _subscribe(hall, f"screen-{i}", BOARD, q=A_QUEUE)
        _subscribe(staff, "staff", BOARD, q=A_QUEUE)
        for _ in range(SUBSCRIBERS - 1):
            assert _next(hall)["payload"]["data"]["queueBoard"]["waitingCount"] == 1
        assert _next(staff)["payload"]["data"]["queueBoard"]["waiting"][0]["visitId"] == first["id"]
        reads = container.live.reads

        ok(gql(ISSUE, input={"queue": A_QUEUE}))
        pushed = [_next(hall)["payload"]["data"]["queueBoard"] for _ in range(SUBSCRIBERS - 1)]
        mine = _next(staff)["payload"]["data"]["queueBoard"]
        # the board and the wait predictions may move in two batches: at most two reads
        assert container.live.reads - reads <= 2 < SUBSCRIBERS
    assert all(b["waitingCount"] == 2 for b in pushed) and mine["waitingCount"] == 2
    assert all(t["visitId"] is None for b in pushed for t in b["waiting"])  # shaped per caller
    assert mine["waiting"][0]["visitId"] == first["id"] and mine["waiting"][1]["visitId"]
    deadline = time.monotonic() + 5
    while container.live.listeners:  # the feed stops with its last subscriber
        assert time.monotonic() < deadline, container.live.listeners
        time.sleep(0.01)
