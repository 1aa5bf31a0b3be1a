"""Lanes: the read models and the process managers follow the log in separate
threads, each lane under its own leader lock.

A process manager (the payment process, the notification process) reacts to
events by loading aggregates and recording new events: far slower per event
than a read model's SQL. In one loop, every batch waits for the slowest; at a
busy counter that held the read models seconds behind the commands. Apart,
the read models move as fast as they can, and the processes catch up on their
own. Each lane is an engine over the same log and view store with a subset of
the projections: positions, failures and rebuilds stay per projection as before.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from application.projection.engine import ProjectionEngine
from application.shared.ports import LeaderLock, Wakeup

READ_MODELS = "read_models"
PROCESSES = "processes"
# the read models' lock keeps its old name: a worker of an older release still excludes this one
LOCK_NAMES = {READ_MODELS: "projections", PROCESSES: "projections-processes"}


def lanes(engine: ProjectionEngine) -> dict[str, ProjectionEngine]:
    """One engine per lane, sharing the log, store, clock, batch size and the
    listeners (live updates) of ``engine``."""
    members: dict[str, list] = {}
    for projection in engine.projections.values():
        members.setdefault(projection.lane, []).append(projection)
    out = {}
    for lane, projections in members.items():
        sub = ProjectionEngine(engine.log, engine.store, projections, engine.clock, batch_size=engine.batch_size)
        sub.listeners = engine.listeners
        out[lane] = sub
    return out


def follow_lanes(
    engine: ProjectionEngine,
    stop: threading.Event,
    lock_for: Callable[[str], LeaderLock],
    wakeup_for: Callable[[], Wakeup],
    *,
    on_leader: Callable[[str], None] | None = None,
) -> None:
    """Follow the log in every lane until ``stop`` is set (blocks)."""
    threads: list[threading.Thread] = []
    wakeups: list[Wakeup] = []
    try:
        for lane, sub in lanes(engine).items():
            wakeup = wakeup_for()
            wakeups.append(wakeup)
            lead = (lambda lane=lane: on_leader(lane)) if on_leader else None
            thread = threading.Thread(
                target=sub.follow, args=(stop, lock_for(LOCK_NAMES.get(lane, f"projections-{lane}")), wakeup),
                kwargs={"on_leader": lead}, name=f"madoguchi-{lane}", daemon=True)
            thread.start()
            threads.append(thread)
        for thread in threads:
            while thread.is_alive():
                thread.join(0.5)
    finally:
        stop.set()
        for thread in threads:
            thread.join(10)
        for wakeup in wakeups:
            wakeup.close()
