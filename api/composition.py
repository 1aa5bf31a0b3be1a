"""The one composition root: settings → infra → applications → projections → API."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from functools import cached_property
from uuid import uuid4

from api.auth import TokenVerifier
from api.rate_limit import RateLimits
from application.applications import ApplicationService
from application.audit.service import AuditService
from application.audit_trail import AuditTrail
from application.catalogue import CatalogueService
from application.payments import PaymentProvider, PaymentService
from application.ports import BlobStore, Clock, PersonalDataVault, Wakeup
from application.privacy import PrivacyService
from application.projection import Projection
from application.projection_engine import ProjectionEngine
from application.survey import SurveyService
from application.visits import VisitService
from infra import log_redaction
from infra.audit_keys import load_signer
from infra.clock import SystemClock
from infra.jpki import JpkiVerifier
from infra.personal_vault import EncryptingVault
from infra.settings import Settings
from infra.wiring import Storage, open_storage
from projections import all_projections
from projections.audit_chain import AuditChain, AuditChainStore


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
    audit: AuditService
    visits: VisitService
    payments: PaymentService | None = None  # set by build_container
    _worker: threading.Thread | None = None
    _wakeup: Wakeup | None = None
    _stop: threading.Event = field(default_factory=threading.Event)

    @property
    def log(self):
        return self.storage.log

    @property
    def views(self):
        return self.storage.views

    @cached_property
    def verifier(self) -> TokenVerifier:
        """Bearer-token verification (HS256 secret and/or JWKS file), built on first use."""
        return TokenVerifier.from_settings(self.settings)

    @cached_property
    def blob_store(self) -> BlobStore:
        """Uploaded attachments: a local directory under the data dir."""
        from infra.blob_store import LocalBlobStore

        return LocalBlobStore(self.settings.data_dir / "blobs")

    @cached_property
    def rate_limits(self) -> RateLimits:
        return RateLimits.from_settings(self.settings, now=lambda: self.clock.now().timestamp())

    @cached_property
    def privacy(self) -> PrivacyService:
        """Forgetting data subjects and enforcing retention (crypto-shredding)."""
        assert self.storage.keys is not None
        return PrivacyService(self.storage.log, self.storage.keys)

    @cached_property
    def surveys(self) -> SurveyService:
        """DX survey campaigns (DXアンケート): open, answer, revise."""
        return SurveyService(self.storage.log, self.catalogue)

    @cached_property
    def audit_trail(self) -> AuditTrail:
        """Records who was shown personal data (PersonalDataViewed)."""
        return AuditTrail(self.storage.log)

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


def build_container(settings: Settings | None = None, clock: Clock | None = None,
                    payment_provider: PaymentProvider | None = None) -> Container:
    settings = settings or Settings()
    clock = clock or SystemClock()
    log_redaction.install()  # no individual number in any log line
    storage = open_storage(settings)
    assert storage.cipher is not None
    vault = EncryptingVault(storage.cipher)  # read models hold no plaintext either
    catalogue = CatalogueService(storage.log)
    applications = ApplicationService(storage.log, catalogue, new_id=uuid4,
                                      signature_verifier=JpkiVerifier.from_settings(settings))
    visits = VisitService(storage.log, catalogue, max_recalls=settings.max_recalls, new_id=uuid4)
    if payment_provider is None and settings.payment_provider_url:
        from infra.payment_provider import HttpPaymentProvider

        key = settings.payment_provider_api_key
        payment_provider = HttpPaymentProvider(
            settings.payment_provider_url, key.get_secret_value() if key else None,
            timeout=settings.payment_provider_timeout)
    # without a provider (no MADOGUCHI_PAYMENT_PROVIDER_URL), online payments end in `error`
    payments = PaymentService(storage.log, catalogue, applications, payment_provider, new_id=uuid4)
    applications.completion_guards.append(payments.require_paid)
    audit_signer = load_signer(settings)
    audit_chain = AuditChain(audit_signer, clock, settings.audit_checkpoint_every)
    projections = all_projections(vault, audit_chain)
    engine = ProjectionEngine(
        storage.log, storage.views, projections, clock, batch_size=settings.projection_batch_size
    )
    engine.ensure_schema()
    audit = AuditService(
        storage.log, AuditChainStore(storage.views, audit_chain), clock, audit_signer,
        audit_signer.verifier() if audit_signer else None,
    )
    return Container(
        settings=settings,
        storage=storage,
        clock=clock,
        vault=vault,
        catalogue=catalogue,
        applications=applications,
        projections=projections,
        engine=engine,
        audit=audit,
        visits=visits,
        payments=payments,
    )
