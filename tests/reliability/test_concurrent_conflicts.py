"""64 members of staff receive the same application at the same moment, through
GraphQL: exactly one wins, the 63 others get ``CONFLICT``, the log grows by one."""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import anyio.to_thread
import pytest
from fastapi.testclient import TestClient

from api.composition import Container
from tests.shared.api_support import SHIMIN, SUBMIT, ok, post_graphql, settled, submission, token

RECEIVE = "mutation($id: ID!) { receiveApplication(id: $id) { id position } }"
READ = "query($id: ID!, $at: Int) { application(id: $id, atLeastPosition: $at) { status } }"
RACERS = 64


def _more_worker_threads(client: TestClient) -> None:
    """All racers block in the thread pool until each has loaded the aggregate;
    anyio's default pool (40) would deadlock them."""
    def raise_limit() -> None:
        anyio.to_thread.current_default_thread_limiter().total_tokens = RACERS + 16

    client.portal.call(raise_limit)


def test_sixty_four_concurrent_receipts_exactly_one_wins(
    client: TestClient, container: Container, catalogue, monkeypatch: pytest.MonkeyPatch
) -> None:
    app_id = ok(post_graphql(client, SUBMIT, token(sub="citizen-r", role="citizen"),
                             {"input": submission()}).json())["submitApplication"]["id"]
    head = settled(container)
    _more_worker_threads(client)
    # every racer loads the same version before any of them stores
    all_loaded = threading.Barrier(RACERS, timeout=60)
    load = container.applications.get

    def racing_get(application_id: str):
        application = load(application_id)
        all_loaded.wait()
        return application

    monkeypatch.setattr(container.applications, "get", racing_get)

    def receive(i: int) -> dict:
        staff = token(sub=f"staff-{i}", role="staff", dept=SHIMIN)
        return post_graphql(client, RECEIVE, staff, {"id": app_id}).json()

    with ThreadPoolExecutor(RACERS) as pool:
        results = list(pool.map(receive, range(RACERS)))
    monkeypatch.undo()

    winners = [r["data"]["receiveApplication"] for r in results if not r.get("errors")]
    codes = Counter(e["extensions"]["code"] for r in results for e in r.get("errors") or [])
    assert len(winners) == 1, results
    assert codes == Counter({"CONFLICT": RACERS - 1})
    position = winners[0]["position"]
    assert position == head + 1
    assert settled(container) == position, "the log grew by exactly one event"
    reader = token(sub="staff-reader", role="staff", dept=SHIMIN)
    view = post_graphql(client, READ, reader, {"id": app_id, "at": position}).json()
    assert ok(view)["application"]["status"] == "RECEIVED"
