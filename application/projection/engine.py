"""Our projection engine, built on ``select_notifications``.

- Each read model and process manager (``application/projection/base.py``)
  keeps, per generation, its own position in ``projection_state``.
- ONE batch step (``application/projection/batch.py``) serves following,
  rebuilding and snapshots: a batch is read and decoded once, then applied to
  each generation in ONE transaction together with its new position, so a
  crash never applies an event twice or skips one.
- An exception inside a projection stops only that projection, logs the
  position, and leaves its position at the last good batch. Store outages are
  retried with back-off.
- ``follow`` runs while holding a leader lock, so two processes never apply the
  same projection at once; a standby takes over when the holder dies.
- ``rebuild``/``rebuild_many`` (``rebuild.py``) and ``build_snapshot``
  (``snapshots.py``), mixed in, start a ``building`` generation
  (``begin_generation``) and drive the same step up to the head or a position;
  the last batch's transaction switches (rebuild) or seals (snapshot).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from application.projection import state
from application.projection.base import LogFollower, ProjectionFailed, Tables, ViewStoreUnavailable
from application.projection.batch import BatchStep, Run
from application.projection.rebuild import Rebuilds
from application.projection.snapshots import Snapshots
from application.shared.eventlog import CityLog
from application.shared.ports import Clock, LeaderLock, ViewStore, Wakeup

__all__ = ["ProjectionEngine", "ProjectionFailed", "ProjectionStatus"]

log = logging.getLogger("madoguchi.projections")


@dataclass(frozen=True)
class ProjectionStatus:
    name: str
    generation: int
    status: str
    position: int
    head: int
    lag: int
    error: str | None
    error_position: int | None
    stale_version: bool
    serving: bool
    namespace: str = ""
    until_position: int | None = None
    rate: float | None = None  # events/s over about the last minute; None = unknown


class ProjectionEngine(BatchStep, Rebuilds, Snapshots):
    def __init__(
        self,
        log_: CityLog,
        store: ViewStore,
        projections: Sequence[LogFollower],
        clock: Clock,
        *,
        batch_size: int = 500,
        listeners: Sequence[Callable[[frozenset[str] | None], None]] = (),
    ) -> None:
        self.log = log_
        self.store = store
        self.projections = {p.name: p for p in projections}
        self.clock = clock
        self.batch_size = batch_size
        self.failed: dict[str, ProjectionFailed] = {}
        self._failed_generation: dict[str, int] = {}
        self._rate_sampled: dict[tuple[str, int], datetime] = {}
        # Called (from the applying thread) with the names of the projections a
        # batch moved — or with None, "something may have changed elsewhere" (a
        # standby process, whose leader applies). Live updates hang off this.
        self.listeners: list[Callable[[frozenset[str] | None], None]] = list(listeners)

    # -- setup -------------------------------------------------------------
    def ensure_schema(self) -> None:
        """Create the state table, and a serving generation of any projection without one."""
        state.ensure_state_table(self.store)
        with self.store.transaction() as cur:
            active = state.active_generations(cur)
            for projection in self.projections.values():
                if projection.name not in active:
                    self._create_generation(cur, projection, "active")

    def tables(self, name: str) -> Tables:
        """The serving tables of a projection (reads use this)."""
        with self.store.read() as cur:
            active = state.active_generations(cur)
        return Tables(self.projections[name].tables, active[name].generation)

    # -- following ---------------------------------------------------------
    def run_once(self) -> int:
        """Process one batch for every serving projection; return how many
        notifications moved some projection forward (0 when all are caught up)."""
        with self.store.read() as cur:
            active = state.active_generations(cur)
        for name, gs in active.items():  # a rebuild elsewhere replaced a failed generation
            if name in self.failed and self._failed_generation.get(name) != gs.generation:
                del self.failed[name]
        runs = [
            Run(self.projections[name], gs.generation, gs.position)
            for name, gs in active.items()
            if name in self.projections and name not in self.failed
        ]
        if not runs:
            return 0
        before = {run: run.position for run in runs}
        _, touched = self._step(runs)
        moved = max(run.position - before[run] for run in runs)
        if touched:
            self._tell(frozenset(touched))
        return moved

    def _tell(self, names: frozenset[str] | None) -> None:
        for listener in list(self.listeners):
            try:
                listener(names)
            except Exception:  # a listener never stops the projections
                log.exception("projection listener failed")

    def catch_up(self, stop: threading.Event | None = None) -> None:
        while not (stop and stop.is_set()) and self.run_once():
            pass

    def follow(
        self,
        stop: threading.Event,
        lock: LeaderLock,
        wakeup: Wakeup,
        *,
        standby_interval: float = 1.0,
        on_leader: Callable[[], None] | None = None,
    ) -> None:
        """Apply new events as they arrive until ``stop`` is set."""
        leading = False
        backoff = 0.1
        while not stop.is_set():
            if not lock.try_acquire():
                if leading:
                    log.warning("lost the projection leader lock; waiting as standby")
                leading = False
                stop.wait(standby_interval)
                self._tell(None)  # the leader (another process) may have moved the read models
                continue
            if not leading:
                leading = True
                log.info("projection leader: applying projections")
                if on_leader:
                    on_leader()
            try:
                self.catch_up(stop)
                backoff = 0.1
            except (ViewStoreUnavailable, OSError) as e:
                log.warning("projection store unavailable (%s); retrying in %.1fs", e, backoff)
                stop.wait(backoff)
                backoff = min(backoff * 2, 5.0)
                continue
            except Exception as e:
                log.warning("reading events failed (%r); retrying in %.1fs", e, backoff)
                stop.wait(backoff)
                backoff = min(backoff * 2, 5.0)
                continue
            wakeup.wait(1.0)
        lock.release()

    # -- status ------------------------------------------------------------
    def status(self) -> list[ProjectionStatus]:
        head = self.log.head()
        with self.store.read() as cur:
            states = state.all_states(cur)
            samples = state.rate_samples(cur)
        now = self.clock.now()
        result = []
        for gs in states:
            if gs.status == "retired":
                continue
            projection = self.projections.get(gs.name)
            target = head if gs.until_position is None else min(head, gs.until_position)
            result.append(
                ProjectionStatus(
                    name=gs.name,
                    generation=gs.generation,
                    status="failed" if gs.error else gs.status,
                    position=gs.position,
                    head=head,
                    lag=max(0, target - gs.position),
                    error=gs.error,
                    error_position=gs.error_position,
                    stale_version=bool(projection and projection.version != gs.version),
                    serving=gs.status == "active",
                    namespace=gs.namespace,
                    until_position=gs.until_position,
                    rate=state.rate(gs, samples.get((gs.name, gs.generation), []), now),
                )
            )
        return result
