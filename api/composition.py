"""The one composition root: settings → infra → applications → projections → API."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from uuid import uuid4

from application.applications import ApplicationService
from application.catalogue import CatalogueService
from application.ports import Clock, PersonalDataVault, Wakeup
from application.projection import Projection
from application.projection_engine import ProjectionEngine
from infra.clock import SystemClock
from infra.personal_vault import EnvelopeVault
from infra.settings import Settings
from infra.wiring import Storage, open_storage
from projections import all_projections


@dataclass
class Container:
    settings: Settings
    storage: Storage
    clock: Clock
    vault: PersonalDataVault
    catalogue: CatalogueService
    applications: ApplicationService
    projections: list[Projection]
    engine: ProjectionEngine
    _worker: threading.Thread | None = None
    _wakeup: Wakeup | None = None
    _stop: threading.Event = field(default_factory=threading.Event)

    @property
    def log(self):
        return self.storage.log

    @property
    def views(self):
        return self.storage.views

    def start_projections(self) -> None:
        """Follow the log in a background thread (as leader, or as standby)."""
        if self._worker is not None:
            return
        lock = self.storage.leader_lock("projections")
        wakeup = self._wakeup = self.storage.wakeup()
        self._stop.clear()
        self._worker = threading.Thread(
            target=self.engine.follow,
            args=(self._stop, lock, wakeup),
            name="madoguchi-projections",
            daemon=True,
        )
        self._worker.start()

    def stop_projections(self) -> None:
        if self._worker is None:
            return
        self._stop.set()
        self._worker.join(timeout=10)
        self._worker = None
        if self._wakeup is not None:
            self._wakeup.close()
            self._wakeup = None

    def close(self) -> None:
        self.stop_projections()
        self.storage.close()


def build_container(settings: Settings | None = None, clock: Clock | None = None) -> Container:
    settings = settings or Settings()
    clock = clock or SystemClock()
    storage = open_storage(settings)
    vault = EnvelopeVault()
    catalogue = CatalogueService(storage.log)
    applications = ApplicationService(storage.log, catalogue, new_id=uuid4)
    projections = all_projections(vault)
    engine = ProjectionEngine(
        storage.log, storage.views, projections, clock, batch_size=settings.projection_batch_size
    )
    engine.ensure_schema()
    return Container(
        settings=settings,
        storage=storage,
        clock=clock,
        vault=vault,
        catalogue=catalogue,
        applications=applications,
        projections=projections,
        engine=engine,
    )
