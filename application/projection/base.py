"""What a read model is, for the projection engine.

A projection names the events it handles, creates its tables, and applies
events to them. Tables are written through :class:`Tables`, which maps a
logical table name to the physical table of one *generation*: a rebuild fills a
new generation while the old one keeps serving, then switches atomically.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
from typing import Any, ClassVar

from application.shared.ports import ViewCursor
from domain.shared.topics import stored_topics


class ViewStoreUnavailable(Exception):
    """The read-model store could not be reached or was busy; retry later."""


class Tables(dict[str, str]):
    """Logical table name → physical name for one generation of a projection."""

    def __init__(self, logical: Sequence[str], generation: int, namespace: str = "") -> None:
        prefix = f"{namespace}_" if namespace else ""
        super().__init__({name: f"{prefix}{name}_g{generation}" for name in logical})
        self.generation = generation
        self.namespace = namespace  # "" serves; a snapshot's (``snap_…``) never does

    def sql(self, template: str) -> str:
        """Fill ``{table}`` placeholders in ``template`` with physical names."""
        return template.format_map(self)


class Projection:
    name: ClassVar[str]
    version: ClassVar[int] = 1
    handles: ClassVar[tuple[type, ...]]
    tables: ClassVar[tuple[str, ...]]
    # A raw projection gets every stored event undecoded (eventsourcing
    # ``Notification``: id, originator_id, originator_version, topic, state).
    raw: ClassVar[bool] = False
    # which lane follows it (application/projection/lanes.py): "read_models", or
    # "processes" for process managers that record events as they react
    lane: ClassVar[str] = "read_models"

    @cached_property
    def topics(self) -> frozenset[str]:
        return stored_topics(self.handles)

    def create(self, cur: ViewCursor, t: Tables) -> None:
        """Create this generation's tables and indexes."""
        raise NotImplementedError

    def apply(self, cur: ViewCursor, t: Tables, event: Any, position: int) -> None:
        """Apply one event, recorded at ``position`` of the global log."""
        raise NotImplementedError

    def drop(self, cur: ViewCursor, t: Tables) -> None:
        for physical in t.values():
            cur.execute(f"DROP TABLE IF EXISTS {physical}")
