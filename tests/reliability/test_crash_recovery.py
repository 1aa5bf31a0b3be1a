"""kill -9 of the API and of the projection worker, again and again, under a
steady mixed load: every acknowledged command is in the log, no event is
duplicated, and every read model equals a fresh rebuild."""

from __future__ import annotations

import pytest

from api.composition import Container
from tests.reliability.support import (
    Api,
    Load,
    assert_log_intact,
    assert_read_models_equal_a_rebuild,
    set_up_counter_and_procedure,
)
from tests.shared.test_projection_worker_process import _positions, _wait, _worker

pytestmark = pytest.mark.slow
KILLS = ("api", "worker", "both", "api")


def test_killing_the_api_and_the_worker_under_load_loses_and_duplicates_nothing(
    container: Container, clock
) -> None:
    set_up_counter_and_procedure(container, clock)
    api = Api(container.settings)
    api.start()
    worker = _worker(container.settings, batch_size=7)
    try:
        with Load(api.url) as load:
            load.wait_for(10)
            for victim in KILLS:
                if victim in ("api", "both"):
                    api.kill()
                if victim in ("worker", "both"):
                    worker.kill()
                    worker.wait(10)
                load.wait_for(0)
                if victim in ("api", "both"):
                    api.start()
                if victim in ("worker", "both"):
                    worker = _worker(container.settings, batch_size=7)
                load.wait_for(8)
        # the worker finishes the work and is killed once more, idle
        assert _wait(lambda: min(_positions(container).values()) >= container.log.head(), timeout=90), \
            "the worker did not catch up"
    finally:
        api.kill()
        worker.kill()
        worker.wait(10)
    assert not load.server_errors, load.server_errors[:3]
    assert load.unanswered > 0, "no request was in flight or refused while the API was down"
    kinds = {a[0] for a in load.acked}
    assert {"ApplicationSubmitted", "ApplicationReceived", "ApplicationApproved",
            "TicketIssued", "TicketCalled"} <= kinds, load.refused[:5]
    assert_log_intact(container, load)
    assert_read_models_equal_a_rebuild(container)
