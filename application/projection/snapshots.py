"""Snapshots of the past (監査・分析用): a read model built as it stood after a
given position, into its own namespace (``snap_<label>``), never served nor
switched to. Part of the projection engine (``ProjectionEngine`` mixes this
in); it reuses the engine's resumable build loop and batch application."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from application.projection import state
from application.projection.base import Projection, Tables

# progress(position, of) while building
Progress = Callable[[int, int], None]

SNAPSHOT_PREFIX = "snap_"
_LABEL = re.compile(r"^[a-z0-9_]{1,24}$")


def snapshot_namespace(label: str) -> str:
    """``snap_<label>``; labels are lower-case letters, digits and ``_``."""
    label = label.removeprefix(SNAPSHOT_PREFIX)
    if not _LABEL.match(label):
        raise ValueError(f"snapshot label {label!r}: use 1-24 of a-z, 0-9, _")
    return SNAPSHOT_PREFIX + label


class Snapshots:
    """``build_snapshot``, ``position_at`` and ``drop_snapshot`` of the engine."""

    # provided by ProjectionEngine
    log: Any
    store: Any
    projections: dict[str, Projection]
    batch_size: int
    failed: dict[str, Any]

    def build_snapshot(
        self,
        name: str,
        until_position: int,
        namespace: str | None = None,
        progress: Progress | None = None,
    ) -> str:
        """Build ``name`` as it stood after ``until_position`` into the tables of
        ``namespace`` (default ``snap_p<until_position>``); it is marked
        ``snapshot``, never served nor switched to. Resumes an interrupted build
        of the same namespace. Returns the namespace."""
        projection = self.projections[name]
        namespace = snapshot_namespace(namespace or f"p{until_position}")
        head = self.log.head()
        if not 0 <= until_position <= head:
            raise ValueError(f"position {until_position} is not in the log (head {head})")
        with self.store.transaction() as cur:
            same = [s for s in state.all_states(cur) if s.name == name and s.namespace == namespace]
            if same and same[0].status == "snapshot":
                raise ValueError(f"{name} already has a snapshot {namespace}; drop it first")
            if same and same[0].until_position != until_position:
                raise ValueError(
                    f"{name} snapshot {namespace} is being built up to {same[0].until_position}"
                )
            if same:
                generation, position = same[0].generation, same[0].position
            else:
                generation = state.next_generation(cur, name)
                projection.create(cur, Tables(projection.tables, generation, namespace))
                state.insert_generation(
                    cur, name=name, generation=generation, status="building",
                    version=projection.version, now=self._now(), namespace=namespace,
                    until_position=until_position,
                )
                position = 0

        def seal(p: Projection, gen: int, pos: int, notifications: list[Any]) -> bool:
            events = self._events_for(p, notifications)
            ok = self._apply_batch(p, gen, pos, events, until_position, seal=True)
            if not ok and p.name in self.failed:
                raise self.failed[p.name]
            return ok

        self._build(projection, generation, position, stop=until_position, finish=seal,
                    progress=progress)
        return namespace

    def position_at(self, when: datetime) -> int:
        """The last position of the log's longest prefix whose events all
        happened at or before ``when`` (0 if none): scans and decodes the log
        from the start, stopping at the first later event."""
        position = 0
        while True:
            notifications = self._read_batch(position)
            for n in notifications:
                if self.log.mapper.to_domain_event(n).timestamp > when:
                    return position
                position = n.id
            if len(notifications) < self.batch_size:
                return position

    def drop_snapshot(self, name: str, namespace: str) -> bool:
        """Drop a snapshot (finished or being built) and its tables."""
        namespace = snapshot_namespace(namespace)
        projection = self.projections[name]
        with self.store.transaction() as cur:
            found = [s for s in state.all_states(cur) if s.name == name and s.namespace == namespace]
            for gs in found:
                projection.drop(cur, Tables(projection.tables, gs.generation, namespace))
                state.delete_generation(cur, name, gs.generation)
        return bool(found)
