"""Shared wiring: the storage (event log, read models, keys), the personal-data
vault, and the projection engine that runs every read model and process."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from application.projection.base import LogFollower
from application.projection.engine import ProjectionEngine
from application.projection.lanes import follow_lanes
from application.shared.ports import Clock, PersonalDataVault
from infra.personal_vault import EncryptingVault
from infra.settings import Settings
from infra.wiring import Storage, open_storage
from projections import all_projections

Listener = Callable[[frozenset[str] | None], None]


@dataclass(frozen=True)
class Shared:
    storage: Storage
    vault: PersonalDataVault


def wire_storage(settings: Settings) -> Shared:
    storage = open_storage(settings)
    assert storage.cipher is not None
    return Shared(storage, EncryptingVault(storage.cipher))  # read models hold no plaintext either


@dataclass(frozen=True)
class Engine:
    projections: list[LogFollower]
    engine: ProjectionEngine


def wire_engine(settings: Settings, shared: Shared, clock: Clock, *,
                processes: Sequence[LogFollower], listeners: Sequence[Listener]) -> Engine:
    """The read models, then the process managers (payments, notifications): they
    follow the log as projections too (same worker, leader lock and positions)."""
    projections = [*all_projections(shared.vault, settings.effective_duplicate_fingerprint_key),
                   *processes]
    engine = ProjectionEngine(shared.storage.log, shared.storage.views, projections, clock,
                              batch_size=settings.projection_batch_size, listeners=listeners)
    engine.ensure_schema()
    return Engine(projections, engine)


@dataclass
class Follower:
    """Follows the log in the background (as leader, or as standby), one thread
    per lane (``application/projection/lanes.py``). The one mutable part of the
    container: whether this process follows."""

    engine: ProjectionEngine
    storage: Storage
    _worker: threading.Thread | None = None
    _stop: threading.Event = field(default_factory=threading.Event)

    def start(self) -> None:
        if self._worker is not None:
            return
        self._stop.clear()
        self._worker = threading.Thread(
            target=follow_lanes,
            args=(self.engine, self._stop, self.storage.leader_lock, self.storage.wakeup),
            name="madoguchi-projections",
            daemon=True,
        )
        self._worker.start()

    @property
    def following(self) -> bool:
        return self._worker is not None

    def stop(self) -> None:
        if self._worker is None:
            return
        self._stop.set()
        self._worker.join(timeout=15)
        self._worker = None
