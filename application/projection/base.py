"""What the projection engine follows: read models and process managers.

Both name the events they handle and keep a position per generation in
``projection_state``. A :class:`ReadModel` creates its tables and applies
events to them; a :class:`ProcessManager` keeps no tables and reacts to events
by recording new ones (lane ``processes``). Tables are written through
:class:`Tables`, which maps a logical table name to the physical table of one
*generation*: a rebuild fills a new generation while the old one keeps
serving, then switches atomically.

(Our ``ReadModel`` is not eventsourcing 9.5's ``Projection``, which has another API.)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cached_property
from typing import Any, ClassVar

from application.shared.ports import ViewCursor
from domain.shared.topics import stored_topics

# the lanes (application/projection/lanes.py) that follow the log apart
READ_MODELS = "read_models"
PROCESSES = "processes"

# (position in the global log, event) pairs, in log order
Events = Sequence[tuple[int, Any]]
# progress(position, of) while building a generation
Progress = Callable[[int, int], None]


class ViewStoreUnavailable(Exception):
    """The read-model store could not be reached or was busy; retry later."""


class ProjectionFailed(Exception):
    """An event that a read model or process manager could not take: it stops
    there, at its last good batch."""

    def __init__(self, name: str, position: int, cause: BaseException) -> None:
        super().__init__(f"projection {name} failed at position {position}: {cause!r}")
        self.name = name
        self.position = position
        self.cause = cause


class Tables(dict[str, str]):
    """Logical table name → physical name for one generation of a read model."""

    def __init__(self, logical: Sequence[str], generation: int, namespace: str = "") -> None:
        prefix = f"{namespace}_" if namespace else ""
        super().__init__({name: f"{prefix}{name}_g{generation}" for name in logical})
        self.generation = generation
        self.namespace = namespace  # "" serves; a snapshot's (``snap_…``) never does

    def sql(self, template: str) -> str:
        """Fill ``{table}`` placeholders in ``template`` with physical names."""
        return template.format_map(self)


class LogFollower:
    """What the engine moves along the log, batch by batch, per generation."""

    name: ClassVar[str]
    version: ClassVar[int] = 1
    handles: ClassVar[tuple[type, ...]]
    tables: ClassVar[tuple[str, ...]] = ()
    # A raw follower gets every stored event undecoded (eventsourcing
    # ``Notification``: id, originator_id, originator_version, topic, state).
    raw: ClassVar[bool] = False
    # which lane follows it (application/projection/lanes.py)
    lane: ClassVar[str] = READ_MODELS

    @cached_property
    def topics(self) -> frozenset[str]:
        return stored_topics(self.handles)

    def create(self, cur: ViewCursor, t: Tables) -> None:
        """Create this generation's tables and indexes (none by default)."""

    def drop(self, cur: ViewCursor, t: Tables) -> None:
        for physical in t.values():
            cur.execute(f"DROP TABLE IF EXISTS {physical}")


class ReadModel(LogFollower):
    """A read model: tables, and how each event changes them.

    ``apply`` is the specification, one event at a time. ``apply_batch`` gets a
    whole batch in the transaction that also moves the position; a read model
    overrides it to write the batch's changes with few statements (state held
    in memory for the batch, keyed rows coalesced, ``executemany``), and must
    leave exactly the tables that ``apply`` event by event leaves
    (tests/shared/test_projection_batch_equivalence.py). When a batch fails,
    the engine applies it again with ``apply_each`` to name the failing position."""

    def create(self, cur: ViewCursor, t: Tables) -> None:
        raise NotImplementedError

    def apply(self, cur: ViewCursor, t: Tables, event: Any, position: int) -> None:
        """Apply one event, recorded at ``position`` of the global log."""
        raise NotImplementedError

    def apply_batch(self, cur: ViewCursor, t: Tables, events: Events) -> None:
        """Apply a batch of events (default: one at a time)."""
        self.apply_each(cur, t, events)

    def apply_each(self, cur: ViewCursor, t: Tables, events: Events) -> None:
        for position, event in events:
            try:
                self.apply(cur, t, event, position)
            except ViewStoreUnavailable:
                raise
            except Exception as e:
                raise ProjectionFailed(self.name, position, e) from e


class ProcessManager(LogFollower):
    """A process manager: reacts to events by loading aggregates and recording
    new events. It keeps no tables: the engine runs its reactions just before
    the transaction that moves its position, so every reaction must be
    idempotent (a crash in between runs the batch again). Followed in its own
    lane, apart from the read models, and never run for a snapshot of the past."""

    lane: ClassVar[str] = PROCESSES
    tables: ClassVar[tuple[str, ...]] = ()

    def handle(self, event: Any, position: int) -> None:
        """React to one event, recorded at ``position`` of the global log."""
        raise NotImplementedError

    def handle_batch(self, events: Events) -> None:
        for position, event in events:
            try:
                self.handle(event, position)
            except ViewStoreUnavailable:
                raise
            except Exception as e:
                raise ProjectionFailed(self.name, position, e) from e
