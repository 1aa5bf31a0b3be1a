"""Across API workers (PostgreSQL): the process that applies projections NOTIFYs
which read models moved, and every other process's live subscriptions wake on it
(not only on their one-second fallback poll)."""

from __future__ import annotations

import threading

import pytest

from api.composition import build_container
from infra.clock import ManualClock
from infra.settings import Settings
from projections.counter.queue_board import QueueBoard
from tests.conftest import context


def test_a_batch_applied_in_one_process_wakes_the_live_subscriptions_of_another(
    settings: Settings, clock: ManualClock,
) -> None:
    if not settings.database_url:
        pytest.skip("SQLite: one serving process per store, nothing to tell another")
    applying, serving = build_container(settings, clock=clock), build_container(settings, clock=clock)
    try:
        heard: list[frozenset[str] | None] = []
        woken = threading.Event()
        serving.live.notify = lambda names: (heard.append(names), woken.set())  # type: ignore[method-assign]
        assert serving.storage.changes is not None
        serving.storage.changes.subscribe(serving.live.notify)
        applying.catalogue.establish_department(context(clock), code="shimin", name_ja="市民課",
                                                name_en="Citizens")
        applying.visits.define_queue(context(clock), code="fan-out", department="shimin",
                                     name_ja="証明", name_en="Certificates", prefix="F")
        applying.engine.catch_up()  # applied in the other process: only the NOTIFY tells `serving`
        assert woken.wait(5), "no NOTIFY arrived"
        assert any(names and QueueBoard.name in names for names in heard), heard
    finally:
        serving.close()
        applying.close()
