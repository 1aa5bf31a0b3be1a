"""Rebuilding read models (``ProjectionEngine`` mixes this in).

:meth:`Rebuilds.rebuild_many` (``rebuild --all``; ``rebuild NAME`` is the
case of one) starts or resumes a ``building`` generation for each named
projection (``begin_generation``), then reads the log ONCE, in larger batches,
through the engine's batch step: each notification is decoded once and every
building generation gets its events. The engine's guarantees are kept:

- a projection's batch and its new position commit in one transaction;
- an interrupted pass resumes: each generation continues from its own position;
- the switch (old → ``retired``, new → ``active``) happens in the same
  transaction as that projection's last batch; after a grace period for
  readers that resolved the old tables, those are dropped;
- a projection that fails stops alone; the others finish and switch, then the
  first failure is raised.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

from application.projection import state
from application.projection.base import LogFollower, Progress, ProjectionFailed, Tables

REBUILD_BATCH_SIZE = 5000


class Rebuilds:
    # provided by ProjectionEngine (and BatchStep)
    log: Any
    store: Any
    projections: dict[str, LogFollower]
    batch_size: int
    failed: dict[str, ProjectionFailed]
    begin_generation: Callable[..., Any]
    _step: Callable[..., Any]

    def rebuild(self, name: str, progress: Progress | None = None, grace: float = 1.0) -> int:
        """Build a fresh generation of ``name`` from position 0 while the serving
        one keeps serving; switch atomically once caught up; then drop the old
        tables. Resumes an interrupted rebuild. Returns the new generation."""
        return self.rebuild_many([name], progress=progress, grace=grace,
                                 batch_size=self.batch_size)[name]

    def rebuild_many(
        self,
        names: Sequence[str],
        *,
        progress: Progress | None = None,
        grace: float = 1.0,
        batch_size: int | None = None,
    ) -> dict[str, int]:
        """Rebuild ``names`` in one shared pass; returns each one's new generation.
        Raises the first :class:`ProjectionFailed` after the others have switched."""
        runs = [self.begin_generation(self.projections[name]) for name in names]
        failures = self._build(runs, size=batch_size or max(self.batch_size, REBUILD_BATCH_SIZE),
                               progress=progress)
        failed = {f.name for f in failures}
        for name in names:
            if name not in failed:
                self._drop_retired(name, grace)
                grace = 0.0  # one grace period covers every switch before it
        if failures:
            raise failures[0]
        return {run.name: run.generation for run in runs}

    def _build(self, runs: Sequence[Any], *, size: int, stop: int | None = None,
               progress: Progress | None = None) -> list[ProjectionFailed]:
        """Step ``runs`` (building generations) until each has finished — at
        ``stop``, or for a rebuild at the head as it was when the build began
        (a live log may grow as fast as we read it: the follower applies the
        rest) — or failed. Returns the failures."""
        for run in runs:
            self.failed.pop(run.name, None)
        target = self.log.head() if stop is None else stop
        pending, failures = list(runs), []
        while pending:
            notifications, _ = self._step(pending, size, stop=stop, target=target)
            failures += [run.failure for run in pending if run.failure is not None]
            pending = [run for run in pending if not run.done and run.failure is None]
            if progress and notifications:
                progress(notifications[-1].id, max(target, notifications[-1].id))
        if progress:
            end = self.log.head() if stop is None else stop
            progress(end, end)
        return failures

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
