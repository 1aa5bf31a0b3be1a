"""Our projection engine, built on ``select_notifications``.

- Each projection (generation) keeps its own position in ``projection_state``.
- A batch of notifications is read and decoded once, then applied to each
  projection in ONE transaction together with its new position, so a crash
  never applies an event twice or skips one.
- An exception inside a projection stops only that projection, logs the
  position, and leaves its position at the last good batch. Store outages are
  retried with back-off.
- ``follow`` runs while holding a leader lock, so two processes never apply the
  same projection at once; a standby takes over when the holder dies.
- ``rebuild`` and ``build_snapshot`` (``projection_snapshots.py``, mixed in)
  share one resumable loop (``_build``): it
  applies batches to a ``building`` generation up to a ``stop`` position (the
  head for a rebuild) and then runs a ``finish`` step in the same transaction
  as the last batch: switch (rebuild) or mark ``snapshot`` (never served).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from application.projection import state
from application.projection.base import Projection, Tables, ViewStoreUnavailable
from application.projection.snapshots import Progress, Snapshots
from application.shared.eventlog import CityLog
from application.shared.ports import Clock, LeaderLock, ViewStore, Wakeup

log = logging.getLogger("madoguchi.projections")

# finish(projection, generation, position, last notifications) -> done?
Finish = Callable[[Projection, int, int, list[Any]], bool]

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


class ProjectionFailed(Exception):
    def __init__(self, name: str, position: int, cause: BaseException) -> None:
        super().__init__(f"projection {name} failed at position {position}: {cause!r}")
        self.name = name
        self.position = position
        self.cause = cause


class ProjectionEngine(Snapshots):
    def __init__(
        self,
        log_: CityLog,
        store: ViewStore,
        projections: Sequence[Projection],
        clock: Clock,
        *,
        batch_size: int = 500,
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
        self.listeners: list[Callable[[frozenset[str] | None], None]] = []

    # -- setup -------------------------------------------------------------
    def _now(self) -> str:
        return self.clock.now().isoformat()

    def ensure_schema(self) -> None:
        """Create the state table, and generation 1 of any projection without one."""
        state.ensure_state_table(self.store)
        with self.store.transaction() as cur:
            active = state.active_generations(cur)
            for projection in self.projections.values():
                if projection.name in active:
                    continue
                generation = state.next_generation(cur, projection.name)
                projection.create(cur, Tables(projection.tables, generation))
                state.insert_generation(
                    cur, name=projection.name, generation=generation, status="active",
                    version=projection.version, now=self._now(),
                )

    def tables(self, name: str) -> Tables:
        """The serving tables of a projection (reads use this)."""
        with self.store.read() as cur:
            active = state.active_generations(cur)
        return Tables(self.projections[name].tables, active[name].generation)

    # -- applying ----------------------------------------------------------
    def _read_batch(self, after: int, stop: int | None = None) -> list[Any]:
        return list(
            self.log.recorder.select_notifications(
                after, self.batch_size, stop=stop, inclusive_of_start=False
            )
        )

    def _decode(self, notifications: Sequence[Any], topics: frozenset[str]) -> list[tuple[int, Any]]:
        mapper = self.log.mapper
        return [(n.id, mapper.to_domain_event(n)) for n in notifications if n.topic in topics]

    def _events_for(self, projection: Projection, notifications: Sequence[Any]) -> list[tuple[int, Any]]:
        """A raw projection's events are the notifications themselves, undecoded."""
        if projection.raw:
            return [(n.id, n) for n in notifications]
        return self._decode(notifications, projection.topics)

    def _apply_batch(
        self,
        projection: Projection,
        generation: int,
        expected_position: int,
        events: Sequence[tuple[int, Any]],
        last_position: int,
        *,
        promote_from: int | None = None,
        seal: bool = False,
    ) -> bool:
        """Apply ``events`` and move the position to ``last_position`` in one
        transaction (a process manager, which keeps no tables, reacts just
        before that transaction instead). Returns False (applying nothing) when the generation is no
        longer where we expected it: someone else moved it, or it was switched.
        ``promote_from`` switches serving from that generation to this one;
        ``seal`` marks this (snapshot) generation finished."""
        try:
            if not projection.tables and events:
                # a process manager keeps no view: it reacts (idempotently) outside the
                # transaction, so the view store's lock (SQLite's is the whole file) is
                # held only to move its position, never while it loads and stores aggregates
                with self.store.read() as cur:
                    current = next((s for s in state.all_states(cur)
                                    if s.name == projection.name and s.generation == generation), None)
                if current is None or current.position != expected_position \
                        or current.status not in ("active", "building"):
                    return False
                self._apply_each(projection, None, Tables((), generation, current.namespace), events)
                events = ()
            with self.store.transaction() as cur:
                current = state.lock_generation(cur, self.store, projection.name, generation)
                if current is None or current.position != expected_position:
                    return False
                if current.status not in ("active", "building"):
                    return False
                self._apply_each(projection, cur, Tables(projection.tables, generation, current.namespace), events)
                state.set_position(cur, projection.name, generation, last_position, self._now())
                self._sample_rate(cur, projection.name, generation, last_position)
                if promote_from is not None:
                    state.set_status(cur, projection.name, promote_from, "retired", self._now())
                    state.set_status(cur, projection.name, generation, "active", self._now())
                if seal:
                    state.set_status(cur, projection.name, generation, "snapshot", self._now())
        except ProjectionFailed as failure:
            self.failed[projection.name] = failure
            self._failed_generation[projection.name] = generation
            log.error("%s", failure, exc_info=failure.cause)
            state.record_error(
                self.store, projection.name, generation, failure.position,
                repr(failure.cause), self._now(),
            )
            return False
        return True

    @staticmethod
    def _apply_each(projection: Projection, cur: Any, t: Tables, events: Sequence[tuple[int, Any]]) -> None:
        for position, event in events:
            try:
                projection.apply(cur, t, event, position)
            except ViewStoreUnavailable:
                raise
            except Exception as e:
                raise ProjectionFailed(projection.name, position, e) from e

    def _sample_rate(self, cur: Any, name: str, generation: int, position: int) -> None:
        """At most one rate sample per generation every few seconds (per process)."""
        now = self.clock.now()
        last = self._rate_sampled.get((name, generation))
        if last is not None and now - last < state.RATE_SAMPLE_EVERY:
            return
        state.record_rate_sample(cur, name, generation, position, now)
        self._rate_sampled[(name, generation)] = now

    def run_once(self) -> int:
        """Process one batch for every serving projection; return how many
        notifications moved some projection forward (0 when all are caught up)."""
        with self.store.read() as cur:
            active = state.active_generations(cur)
        for name, gs in active.items():  # a rebuild elsewhere replaced a failed generation
            if name in self.failed and self._failed_generation.get(name) != gs.generation:
                del self.failed[name]
        running = [
            (self.projections[name], gs)
            for name, gs in active.items()
            if name in self.projections and name not in self.failed
        ]
        if not running:
            return 0
        start = min(gs.position for _, gs in running)
        notifications = self._read_batch(start)
        if not notifications:
            return 0
        last = notifications[-1].id
        topics = frozenset().union(*(p.topics for p, _ in running))
        decoded = self._decode(notifications, topics)
        moved = 0
        touched: set[str] = set()
        for projection, gs in running:
            if gs.position >= last:
                continue
            events = [
                (pos, ev)
                for pos, ev in decoded
                if pos > gs.position and ev.__class__ in projection.handles
            ] if not projection.raw else [(n.id, n) for n in notifications if n.id > gs.position]
            if self._apply_batch(projection, gs.generation, gs.position, events, last):
                moved = max(moved, last - gs.position)
                if events:
                    touched.add(projection.name)
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

    # -- rebuilding --------------------------------------------------------
    def rebuild(self, name: str, progress: Progress | None = None, grace: float = 1.0) -> int:
        """Build a fresh generation from position 0 while the serving one keeps
        serving; switch atomically once caught up; then drop the old tables.
        Resumes an interrupted rebuild. Returns the new generation."""
        projection = self.projections[name]
        with self.store.transaction() as cur:
            states = [s for s in state.all_states(cur) if s.name == name]
            building = next(
                (s for s in states if s.status == "building" and not s.namespace), None
            )
            if building is None:
                generation = state.next_generation(cur, name)
                projection.create(cur, Tables(projection.tables, generation))
                state.insert_generation(
                    cur, name=name, generation=generation, status="building",
                    version=projection.version, now=self._now(),
                )
                position = 0
            else:
                generation, position = building.generation, building.position
        self._build(projection, generation, position, stop=None, finish=self._switch,
                    progress=progress)
        self._drop_retired(name, grace)
        return generation

    def _build(
        self,
        projection: Projection,
        generation: int,
        position: int,
        *,
        stop: int | None,
        finish: Finish,
        progress: Progress | None,
    ) -> None:
        """Apply batches to a building generation from ``position`` until a
        short batch (nothing left up to ``stop``) or one reaching the head as it
        was when the build began; ``finish`` applies that batch together with its
        final step."""
        name = projection.name
        self.failed.pop(name, None)
        # a live log may grow as fast as we read it: once past the head seen at the
        # start, switch with this batch and let the follower apply the rest
        target = self.log.head() if stop is None else stop
        while True:
            head = self.log.head() if stop is None else stop
            notifications = self._read_batch(position, stop)
            caught_up = len(notifications) < self.batch_size or notifications[-1].id >= target
            if caught_up:
                if finish(projection, generation, position, notifications):
                    break
                position = self._position_of(name, generation)
                continue
            last = notifications[-1].id
            events = self._events_for(projection, notifications)
            if not self._apply_batch(projection, generation, position, events, last):
                if name in self.failed:
                    raise self.failed[name]
                position = self._position_of(name, generation)
                continue
            position = last
            if progress:
                progress(position, max(head, position))
        if progress:
            end = self.log.head() if stop is None else stop
            progress(end, end)

    def _switch(
        self, projection: Projection, generation: int, position: int, notifications: list[Any]
    ) -> bool:
        with self.store.read() as cur:
            active = state.active_generations(cur).get(projection.name)
        events = self._events_for(projection, notifications)
        last = notifications[-1].id if notifications else position
        ok = self._apply_batch(
            projection, generation, position, events, last,
            promote_from=active.generation if active else None,
        )
        if not ok and projection.name in self.failed:
            raise self.failed[projection.name]
        return ok

    def _position_of(self, name: str, generation: int) -> int:
        with self.store.read() as cur:
            for gs in state.all_states(cur):
                if gs.name == name and gs.generation == generation:
                    return gs.position
        raise LookupError(f"{name} generation {generation} vanished")

    def _drop_retired(self, name: str, grace: float) -> None:
        """Drop retired generations' tables, after readers that resolved them
        just before the switch have finished."""
        time.sleep(grace)
        projection = self.projections[name]
        with self.store.transaction() as cur:
            for gs in state.all_states(cur):
                if gs.name == name and gs.status == "retired":
                    projection.drop(cur, Tables(projection.tables, gs.generation))
                    state.delete_generation(cur, name, gs.generation)
