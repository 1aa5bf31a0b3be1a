"""Counter visits, live: a ticket's place in line, predicted wait and ``turnNear``;
the board's prediction for a new ticket; subscriptions pushed over
graphql-transport-ws; the congestion forecast and counter statistics from a
hand-made history. Each test runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any

from fastapi.testclient import TestClient

from api.composition import Container
from domain.shared.context import CITY_TIMEZONE, Actor, CommandContext
from infra.clock import ManualClock
from tests.counter.test_api_visits import A_QUEUE, CALL, ISSUE, _set_up
from tests.shared.api_fixtures import Catalogue
from tests.shared.api_support import SHIMIN, SIMPLE, Gql, error, ok

TICKET = """
query($id: ID!, $p: Int) { ticket(id: $id, atLeastPosition: $p) {
  id ticket queue status ahead placeInLine turnNear predictedWait { minutes low high asOf } } }"""
BOARD = """
query($q: String!, $p: Int) { queueBoard(queue: $q, atLeastPosition: $p) {
  waitingCount predictedWaitForNewTicket { minutes low high } } }"""
FORECAST = """
query($q: String!, $d: Date!) { congestionForecast(queue: $q, date: $d) {
  queue date weekday weeks hours { hour expectedWaitMinutes samples } } }"""
STATS = """
query($q: String!, $d: Date!) { counterStatistics(queue: $q, date: $d) {
  tickets served noShows cancelled transferredOut meanWaitMinutes medianWaitMinutes p90WaitMinutes
  serviceTimeByPurpose { purpose services meanMinutes } windows {
    window calls busyMinutes openMinutes idleMinutes } } }"""


def test_ticket_place_prediction_and_turn_near(
    gql: Gql, catalogue: Catalogue, admin: str, shimin_staff: str, zeimu_staff: str,
    citizen_a: str, citizen_b: str,
) -> None:
    _set_up(gql, admin, shimin_staff, zeimu_staff)
    issued = [ok(gql(ISSUE, input={"queue": A_QUEUE}))["issueTicket"] for _ in range(4)]
    mine = ok(gql(ISSUE, citizen_a, input={"queue": A_QUEUE}))["issueTicket"]
    last = mine["position"]

    fifth = ok(gql(TICKET, citizen_a, id=mine["id"], p=last))["ticket"]
    assert (fifth["ticket"], fifth["status"], fifth["ahead"], fifth["placeInLine"]) == (
        "A-005", "WAITING", 4, 5)
    assert fifth["turnNear"] is False  # MADOGUCHI_TURN_NEAR_AHEAD defaults to 3
    wait = fifth["predictedWait"]
    assert wait is not None and 0 <= wait["low"] <= wait["minutes"] <= wait["high"]
    fourth = ok(gql(TICKET, id=issued[3]["id"], p=last))["ticket"]  # anonymous ticket, by id
    assert (fourth["ahead"], fourth["turnNear"]) == (3, True)
    first = ok(gql(TICKET, id=issued[0]["id"]))["ticket"]
    assert (first["ahead"], first["placeInLine"], first["turnNear"]) == (0, 1, True)
    assert first["predictedWait"]["minutes"] <= wait["minutes"]

    board = ok(gql(BOARD, q=A_QUEUE, p=last))["queueBoard"]
    new = board["predictedWaitForNewTicket"]
    assert board["waitingCount"] == 5 and new["low"] <= new["minutes"] <= new["high"]
    assert new["minutes"] >= wait["minutes"] - 1e-9  # behind everyone waiting

    # who may read: the holder, staff of the department; anyone with an anonymous ticket's id
    assert error(gql(TICKET, id=mine["id"]))["code"] == "UNAUTHENTICATED"
    assert error(gql(TICKET, citizen_b, id=mine["id"]))["code"] == "FORBIDDEN"
    assert error(gql(TICKET, zeimu_staff, id=mine["id"]))["code"] == "FORBIDDEN"
    assert ok(gql(TICKET, shimin_staff, id=mine["id"]))["ticket"]["ahead"] == 4
    assert ok(gql(TICKET, citizen_b, id=issued[1]["id"]))["ticket"]["ahead"] == 1
    assert error(gql(TICKET, id="00000000-0000-0000-0000-000000000000"))["code"] == "NOT_FOUND"

    called = ok(gql(CALL, shimin_staff, n=1))["callNext"]
    now = ok(gql(TICKET, id=issued[0]["id"], p=called["position"]))["ticket"]
    assert (now["status"], now["ahead"], now["turnNear"], now["predictedWait"]) == (
        "CALLED", None, False, None)
    assert ok(gql(TICKET, citizen_a, id=mine["id"]))["ticket"]["ahead"] == 3


def _subscribe(ws: Any, id_: str, query: str, **variables: Any) -> None:
    ws.send_json({"id": id_, "type": "subscribe", "payload": {"query": query, "variables": variables}})


def _next(ws: Any) -> dict[str, Any]:
    message = ws.receive_json()
    assert message["type"] == "next", message
    assert not message["payload"].get("errors"), message
    return message


def test_subscriptions_push_within_a_second(
    client: TestClient, gql: Gql, catalogue: Catalogue, admin: str, shimin_staff: str,
    zeimu_staff: str, citizen_a: str,
) -> None:
    _set_up(gql, admin, shimin_staff, zeimu_staff)
    mine = ok(gql(ISSUE, citizen_a, input={"queue": A_QUEUE}))["issueTicket"]
    ok(gql(TICKET, citizen_a, id=mine["id"], p=mine["position"]))
    with client.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws:
        ws.send_json({"type": "connection_init", "payload": {"Authorization": f"Bearer {citizen_a}"}})
        assert ws.receive_json()["type"] == "connection_ack"
        _subscribe(ws, "board", "subscription($q: String!) { queueBoard(queue: $q) { waitingCount } }",
                   q=A_QUEUE)
        assert _next(ws)["payload"]["data"]["queueBoard"]["waitingCount"] == 1

        started = time.monotonic()
        ok(gql(ISSUE, input={"queue": A_QUEUE}))
        pushed = _next(ws)
        assert time.monotonic() - started < 1.0
        assert (pushed["id"], pushed["payload"]["data"]["queueBoard"]["waitingCount"]) == ("board", 2)

        # the citizen's own ticket (signed in by the connection_init payload)
        _subscribe(ws, "mine", "subscription($id: ID!) { ticket(id: $id) { status ahead turnNear } }",
                   id=mine["id"])
        assert _next(ws)["payload"]["data"]["ticket"] == {"status": "WAITING", "ahead": 0, "turnNear": True}
        started = time.monotonic()
        ok(gql(CALL, shimin_staff, n=1))
        seen = {}
        while "mine" not in seen or "board" not in seen:  # both are pushed, in either order
            message = _next(ws)
            seen[message["id"]] = message["payload"]["data"]
        assert time.monotonic() - started < 1.0
        assert seen["mine"]["ticket"] == {"status": "CALLED", "ahead": None, "turnNear": False}
        assert seen["board"]["queueBoard"]["waitingCount"] == 1

        # without a token, someone else's ticket is refused
        ws.send_json({"id": "mine", "type": "complete"})
    with client.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws:
        ws.send_json({"type": "connection_init"})
        assert ws.receive_json()["type"] == "connection_ack"
        _subscribe(ws, "x", "subscription($id: ID!) { ticket(id: $id) { status } }", id=mine["id"])
        message = ws.receive_json()
        errors = message["payload"] if message["type"] == "error" else message["payload"]["errors"]
        assert errors[0]["extensions"]["code"] == "UNAUTHENTICATED", message


def _at(day: str, hhmm: str) -> datetime:
    return datetime.fromisoformat(f"{day}T{hhmm}").replace(tzinfo=CITY_TIMEZONE)


def test_congestion_forecast_and_statistics_from_history(
    gql: Gql, container: Container, clock: ManualClock, catalogue: Catalogue, admin: str,
    shimin_staff: str, zeimu_staff: str, analyst: str,
) -> None:
    visits = container.visits
    staff = Actor("staff-shimin", "staff", SHIMIN)

    def ctx(at: datetime, actor: Actor | None = None) -> CommandContext:
        clock.set(at)
        return CommandContext(actor or Actor.system(), at, correlation_id="history")

    start = _at("2026-01-20", "08:00")
    visits.define_queue(ctx(start), code=A_QUEUE, department=SHIMIN, name_ja="証明", name_en="Q",
                        prefix="A")
    visits.define_window(ctx(start), number=1, name_ja="1番", queues=[A_QUEUE])
    visits.open_window(ctx(start, staff), 1)

    def visit(day: str, issued: str, called: str, done: str | None = None) -> int:
        ticket = visits.issue_ticket(ctx(_at(day, issued)), queue=A_QUEUE, purposes=[SIMPLE])
        position = visits.call_next(ctx(_at(day, called), staff), 1).position
        if done:
            visits.start_service(ctx(_at(day, called), staff), ticket.id)
            position = visits.complete_service(ctx(_at(day, done), staff), ticket.id).position
        else:
            position = visits.cancel(ctx(_at(day, called), staff), ticket.id).position
        return position

    visit("2026-01-28", "09:00", "11:00")  # a Wednesday 9 weeks back: too old
    visit("2026-03-18", "09:40", "09:50", "10:00")  # 10 min
    visit("2026-03-24", "09:10", "10:50")  # a Tuesday: another weekday
    visits.close_window(ctx(_at("2026-03-24", "18:00"), staff), 1)
    visits.open_window(ctx(_at("2026-03-25", "08:30"), staff), 1)
    visit("2026-03-25", "09:10", "09:30", "09:36")  # 20 min
    visit("2026-03-25", "10:05", "10:35", "10:47")  # 30 min
    visit("2026-03-25", "17:30", "17:40")  # 10 min, then cancelled at the window
    last = visits.close_window(ctx(_at("2026-03-25", "17:45"), staff), 1).position
    clock.set(_at("2026-04-01", "09:00"))
    ok(gql(BOARD, q=A_QUEUE, p=last))  # the read models have caught up

    forecast = ok(gql(FORECAST, q=A_QUEUE, d="2026-04-01"))["congestionForecast"]
    assert (forecast["weekday"], forecast["weeks"]) == (3, 8)
    hours = {h["hour"]: (h["expectedWaitMinutes"], h["samples"]) for h in forecast["hours"]}
    assert list(hours) == list(range(8, 18))
    assert hours[9] == (15.0, 2) and hours[10] == (30.0, 1) and hours[17] == (10.0, 1)
    assert all(hours[h] == (None, 0) for h in (8, 11, 12, 13, 14, 15, 16))
    assert error(gql(FORECAST, q="nope", d="2026-04-01"))["code"] == "NOT_FOUND"

    stats = ok(gql(STATS, shimin_staff, q=A_QUEUE, d="2026-03-25"))["counterStatistics"]
    assert (stats["tickets"], stats["served"], stats["noShows"], stats["cancelled"]) == (3, 2, 0, 1)
    assert (stats["meanWaitMinutes"], stats["medianWaitMinutes"]) == (20.0, 20.0)
    assert stats["p90WaitMinutes"] == 28.0
    assert stats["serviceTimeByPurpose"] == [{"purpose": SIMPLE, "services": 2, "meanMinutes": 9.0}]
    assert stats["windows"] == [{"window": 1, "calls": 3, "busyMinutes": 6.0 + 12.0 + 0.0,
                                 "openMinutes": 9 * 60 + 15.0, "idleMinutes": 9 * 60 + 15.0 - 18.0}]
    assert ok(gql(STATS, analyst, q=A_QUEUE, d="2026-03-25"))["counterStatistics"]["tickets"] == 3
    assert error(gql(STATS, zeimu_staff, q=A_QUEUE, d="2026-03-25"))["code"] == "FORBIDDEN"
    empty = ok(gql(STATS, shimin_staff, q=A_QUEUE, d="2026-03-26"))["counterStatistics"]
    assert (empty["tickets"], empty["meanWaitMinutes"], empty["windows"]) == (0, None, [])

