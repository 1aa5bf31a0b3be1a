"""Lanes (application/projection/lanes.py), on SQLite and PostgreSQL: a slow
process manager never holds the read models back."""

from __future__ import annotations

import threading
from typing import Any

from application.projection.base import Projection, Tables
from application.projection.engine import ProjectionEngine
from application.projection.lanes import PROCESSES, READ_MODELS, follow_lanes, lanes
from domain.applications.application import ApplicationSubmitted
from projections.applications.status import list_applications
from tests.builders import reading, setup_procedure, submit
from tests.shared.test_projection_engine import eventually


class StuckProcess(Projection):
    """A process manager that cannot finish its reaction until released."""

    name = "stuck_process"
    lane = PROCESSES
    handles = (ApplicationSubmitted,)
    tables = ()

    def __init__(self) -> None:
        self.release = threading.Event()
        self.reacting = threading.Event()
        self.seen: list[int] = []

    def create(self, cur: Any, t: Tables) -> None:
        """No tables."""

    def apply(self, cur: Any, t: Tables, event: Any, position: int) -> None:
        self.reacting.set()
        assert self.release.wait(30)
        self.seen.append(position)


def test_the_read_models_move_on_while_a_process_is_stuck(container, clock):
    stuck = StuckProcess()
    engine = ProjectionEngine(container.log, container.views, [*container.projections, stuck], clock,
                              batch_size=10)
    engine.ensure_schema()
    assert {name: sorted(sub.projections) for name, sub in lanes(engine).items()}[PROCESSES] == sorted(
        [p.name for p in container.projections if p.lane == PROCESSES] + [stuck.name])
    assert stuck.name not in lanes(engine)[READ_MODELS].projections
    setup_procedure(container, clock)
    stop = threading.Event()
    worker = threading.Thread(target=follow_lanes, args=(engine, stop, container.storage.leader_lock,
                                                         container.storage.wakeup))
    worker.start()
    try:
        ids = [submit(container, clock).id for _ in range(3)]
        assert stuck.reacting.wait(10)

        def listed() -> int:
            with reading(container) as session:
                return list_applications(session, container.vault, first=10).total_count

        assert eventually(lambda: listed() == 3, 20)  # while the process is still stuck
        assert stuck.seen == []
        stuck.release.set()
        assert eventually(lambda: len(stuck.seen) == 3, 20)
        assert len(ids) == 3
    finally:
        stuck.release.set()
        stop.set()
        worker.join(20)
    assert not worker.is_alive()
