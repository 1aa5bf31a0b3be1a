"""ONE batch step of the projection engine, used by following, rebuilding and
building snapshots alike (``ProjectionEngine`` mixes this in).

A step reads one batch of notifications after the lowest position of a set of
*runs* (a run: one generation of one read model or process manager, being
moved forward), decodes each notification once (only topics some run handles)
and gives every run its events. For a read model, its events and its new
position commit in ONE transaction, after locking its state row and checking
the position is still the one expected (so nothing is applied twice or
skipped, even by two engines at once). A process manager reacts just before
that transaction (it keeps no tables; its reactions are idempotent).

When a run *builds* (a rebuild or a snapshot) and the batch is its last, the
same transaction finishes it: ``switch`` retires the serving generation and
makes this one serve; ``seal`` marks a snapshot done.

A read model's batch is written in one transaction in PostgreSQL pipeline
mode (statements sent without waiting for each result; a fetch waits). An
exception rolls the batch back; the engine then applies it again event by
event, unpipelined, to name the failing position, and records it: that run
stops alone, at its last good batch.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from application.projection import state
from application.projection.base import (
    Events,
    LogFollower,
    ProcessManager,
    ProjectionFailed,
    ReadModel,
    Tables,
    ViewStoreUnavailable,
)
from application.shared.ports import ViewCursor

log = logging.getLogger("madoguchi.projections")

SWITCH, SEAL = "switch", "seal"


@dataclass(eq=False)
class Run:
    """One generation moved forward batch by batch. ``build`` is None while it
    follows (serving), ``SWITCH`` for a rebuild, ``SEAL`` for a snapshot
    (whose ``until`` is the position it stands at when sealed)."""

    projection: LogFollower
    generation: int
    position: int
    build: str | None = None
    until: int | None = None
    done: bool = False
    failure: ProjectionFailed | None = None

    @property
    def name(self) -> str:
        return self.projection.name


class BatchStep:
    # provided by ProjectionEngine
    log: Any
    store: Any
    batch_size: int
    failed: dict[str, ProjectionFailed]
    _failed_generation: dict[str, int]
    _rate_sampled: dict[tuple[str, int], datetime]
    clock: Any

    def _now(self) -> str:
        return self.clock.now().isoformat()

    def _read_batch(self, after: int, size: int | None = None, stop: int | None = None) -> list[Any]:
        return list(self.log.recorder.select_notifications(
            after, size or self.batch_size, stop=stop, inclusive_of_start=False))

    def _step(self, runs: Sequence[Run], size: int | None = None, *,
              stop: int | None = None, target: int | None = None) -> tuple[list[Any], set[str]]:
        """Read, decode and apply one batch for ``runs`` (up to ``stop``).
        The batch is a building run's last when it is short or reaches
        ``target``. Updates each run (position, done, failure); returns the
        notifications read and the names of the runs that got events."""
        size = size or self.batch_size
        notifications = self._read_batch(min(r.position for r in runs), size, stop)
        final = len(notifications) < size or (target is not None and notifications[-1].id >= target)
        topics = frozenset().union(*(r.projection.topics for r in runs if not r.projection.raw))
        mapper = self.log.mapper
        decoded = [(n.id, mapper.to_domain_event(n)) for n in notifications if n.topic in topics]
        touched: set[str] = set()
        for run in runs:
            finishing = final and run.build is not None
            last = max(notifications[-1].id, run.position) if notifications else run.position
            if finishing and run.until is not None:
                last = run.until
            if last <= run.position and not finishing:
                continue
            if run.projection.raw:
                events: Events = [(n.id, n) for n in notifications if n.id > run.position]
            else:
                handles = run.projection.handles
                events = [(p, e) for p, e in decoded if p > run.position and e.__class__ in handles]
            if self._apply_batch(run, events, last, finishing):
                run.position, run.done = last, finishing
                if events:
                    touched.add(run.name)
            elif run.name in self.failed:
                run.failure = self.failed[run.name]
            elif run.build is not None:  # someone else moved it: continue from where it is
                run.position = self._position_of(run.name, run.generation)
        return notifications, touched

    def _apply_batch(self, run: Run, events: Events, last: int, finishing: bool = False) -> bool:
        """Apply ``events`` to ``run`` and move its position to ``last``;
        False (nothing applied) when its generation is no longer where ``run``
        says: someone else moved it, or it was switched away from."""
        projection = run.projection
        try:
            if isinstance(projection, ProcessManager):
                if events:
                    # reacts outside the transaction, so the view store's lock (SQLite's is the
                    # whole file) is held only to move its position, never while it loads and
                    # stores aggregates
                    current = self._state_of(run)
                    if current is None or current.position != run.position \
                            or current.status not in ("active", "building"):
                        return False
                    if not current.namespace:  # a snapshot of the past never acts
                        projection.handle_batch(events)
                return self._commit(run, (), last, finishing)
            try:
                return self._commit(run, events, last, finishing)
            except ViewStoreUnavailable:
                raise
            except Exception as e:
                if not events:
                    raise
                # pipelined or batched, a failure may surface away from its event: apply the
                # batch again one event at a time, unpipelined, to name the failing position
                log.warning("%s: batch up to %s failed (%r); applying it event by event",
                            run.name, last, e)
                return self._commit(run, events, last, finishing, one_by_one=True)
        except ProjectionFailed as failure:
            self.failed[run.name] = failure
            self._failed_generation[run.name] = run.generation
            log.error("%s", failure, exc_info=failure.cause)
            state.record_error(self.store, run.name, run.generation, failure.position,
                               repr(failure.cause), self._now())
            return False

    def _commit(self, run: Run, events: Events, last: int, finishing: bool,
                one_by_one: bool = False) -> bool:
        name, generation = run.name, run.generation
        with self.store.transaction(pipeline=not one_by_one) as cur:
            current = state.lock_generation(cur, self.store, name, generation)
            if current is None or current.position != run.position \
                    or current.status not in ("active", "building"):
                return False
            if events:
                model: ReadModel = run.projection  # type: ignore[assignment]
                t = Tables(model.tables, generation, current.namespace)
                (model.apply_each if one_by_one else model.apply_batch)(cur, t, events)
            state.set_position(cur, name, generation, last, self._now())
            self._sample_rate(cur, name, generation, last)
            if finishing and run.build == SWITCH:
                serving = state.active_generations(cur).get(name)
                if serving is not None:
                    state.set_status(cur, name, serving.generation, "retired", self._now())
                state.set_status(cur, name, generation, "active", self._now())
            elif finishing and run.build == SEAL:
                state.set_status(cur, name, generation, "snapshot", self._now())
        return True

    def _state_of(self, run: Run) -> state.GenerationState | None:
        with self.store.read() as cur:
            return next((s for s in state.all_states(cur)
                         if s.name == run.name and s.generation == run.generation), None)

    def _position_of(self, name: str, generation: int) -> int:
        with self.store.read() as cur:
            for gs in state.all_states(cur):
                if gs.name == name and gs.generation == generation:
                    return gs.position
        raise LookupError(f"{name} generation {generation} vanished")

    def _sample_rate(self, cur: ViewCursor, name: str, generation: int, position: int) -> None:
        """At most one rate sample per generation every few seconds (per process)."""
        now = self.clock.now()
        last = self._rate_sampled.get((name, generation))
        if last is not None and now - last < state.RATE_SAMPLE_EVERY:
            return
        state.record_rate_sample(cur, name, generation, position, now)
        self._rate_sampled[(name, generation)] = now

    # -- starting a generation ---------------------------------------------
    def _create_generation(self, cur: ViewCursor, projection: LogFollower, status: str,
                           namespace: str = "", until: int | None = None) -> int:
        generation = state.next_generation(cur, projection.name)
        projection.create(cur, Tables(projection.tables, generation, namespace))
        state.insert_generation(
            cur, name=projection.name, generation=generation, status=status,
            version=projection.version, now=self._now(), namespace=namespace, until_position=until,
        )
        return generation

    def begin_generation(self, projection: LogFollower, namespace: str = "",
                         until: int | None = None) -> Run:
        """The run that builds ``projection`` into ``namespace`` ("" serves, by a
        switch; a snapshot's is sealed at ``until``): the interrupted build if
        there is one, else a fresh generation at position 0."""
        with self.store.transaction() as cur:
            same = next((s for s in state.all_states(cur)
                         if s.name == projection.name and s.namespace == namespace
                         and s.status in ("building", "snapshot")), None)
            if same is not None and same.status == "snapshot":
                raise ValueError(f"{projection.name} already has a snapshot {namespace}; drop it first")
            if same is not None and same.until_position != until:
                raise ValueError(f"{projection.name} snapshot {namespace} is being built up to "
                                 f"{same.until_position}")
            if same is not None:
                generation, position = same.generation, same.position
            else:
                generation = self._create_generation(cur, projection, "building", namespace, until)
                position = 0
        return Run(projection, generation, position, SEAL if namespace else SWITCH, until)
