"""Rebuilding several projections in ONE pass over the log (``rebuild --all``).

:meth:`ProjectionEngine.rebuild` reads and decodes the whole log once per
projection. :func:`rebuild_many` starts (or resumes) a ``building`` generation
for each named projection, then reads the log once, in larger batches, decodes
each notification once (only topics some projection handles) and feeds every
building generation from that batch. The engine's guarantees are kept, because
every write still goes through ``ProjectionEngine._apply_batch``:

- a projection's batch and its new position commit in one transaction;
- an interrupted pass resumes: each generation continues from its own position;
- the switch (old → ``retired``, new → ``active``) happens in the same
  transaction as that projection's last batch;
- a projection that fails stops alone; the others finish and switch, then the
  first failure is raised.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from application.projection import state
from application.projection.base import Projection, Tables
from application.projection.engine import ProjectionEngine, ProjectionFailed

Progress = Callable[[int, int], None]

REBUILD_BATCH_SIZE = 5000


def begin_generation(engine: ProjectionEngine, name: str) -> tuple[int, int]:
    """The (generation, position) of ``name``'s serving-namespace ``building``
    generation: the interrupted one if any, else a fresh one at position 0."""
    projection = engine.projections[name]
    with engine.store.transaction() as cur:
        building = next(
            (s for s in state.all_states(cur)
             if s.name == name and s.status == "building" and not s.namespace),
            None,
        )
        if building is not None:
            return building.generation, building.position
        generation = state.next_generation(cur, name)
        projection.create(cur, Tables(projection.tables, generation))
        state.insert_generation(
            cur, name=name, generation=generation, status="building",
            version=projection.version, now=engine.clock.now().isoformat(),
        )
        return generation, 0


def _events(
    projection: Projection, after: int, notifications: Sequence[Any],
    decoded: Sequence[tuple[int, Any]],
) -> list[tuple[int, Any]]:
    if projection.raw:
        return [(n.id, n) for n in notifications if n.id > after]
    return [(p, e) for p, e in decoded if p > after and e.__class__ in projection.handles]


def rebuild_many(
    engine: ProjectionEngine,
    names: Sequence[str],
    *,
    progress: Progress | None = None,
    grace: float = 1.0,
    batch_size: int | None = None,
) -> dict[str, int]:
    """Rebuild ``names`` in one shared pass; returns each one's new generation.
    Raises the first :class:`ProjectionFailed` after the others have switched."""
    size = batch_size or max(engine.batch_size, REBUILD_BATCH_SIZE)
    generations: dict[str, int] = {}
    pending: dict[str, int] = {}  # name -> position of its building generation
    for name in names:
        generations[name], pending[name] = begin_generation(engine, name)
        engine.failed.pop(name, None)
    failures: list[ProjectionFailed] = []
    # the log may grow while we read: once past the head seen at the start,
    # switch with that batch and let the follower apply the rest
    target = engine.log.head()
    mapper = engine.log.mapper
    while pending:
        start = min(pending.values())
        notifications = list(engine.log.recorder.select_notifications(
            start, size, inclusive_of_start=False))
        caught_up = len(notifications) < size or notifications[-1].id >= target
        topics = frozenset().union(*(
            engine.projections[n].topics for n in pending if not engine.projections[n].raw))
        decoded = [(n.id, mapper.to_domain_event(n)) for n in notifications if n.topic in topics]
        for name, position in list(pending.items()):
            projection = engine.projections[name]
            last = max(notifications[-1].id, position) if notifications else position
            if position >= last and not caught_up:
                continue
            events = _events(projection, position, notifications, decoded)
            promote = None
            if caught_up:
                with engine.store.read() as cur:
                    active = state.active_generations(cur).get(name)
                promote = active.generation if active else None
            ok = engine._apply_batch(projection, generations[name], position, events, last,
                                     promote_from=promote)
            if ok:
                if caught_up:
                    del pending[name]
                else:
                    pending[name] = last
            elif name in engine.failed:
                failures.append(engine.failed[name])
                del pending[name]
            else:  # someone else moved it: continue from where it is
                pending[name] = engine._position_of(name, generations[name])
        if progress and notifications:
            progress(notifications[-1].id, max(target, notifications[-1].id))
    if progress:
        head = engine.log.head()
        progress(head, head)
    for name in names:
        if name not in {f.name for f in failures}:
            engine._drop_retired(name, grace)
            grace = 0.0  # one grace period covers every switch before it
    if failures:
        raise failures[0]
    return generations
