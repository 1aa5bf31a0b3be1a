"""The one composition root: settings → infra → applications → projections → API."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from functools import cached_property
from uuid import uuid4

from api.counter.live import LiveUpdates
from api.shared.auth import TokenVerifier
from api.shared.rate_limit import RateLimits
from application.applications.email_confirmation import ConfirmationTokens, EmailConfirmationService
from application.applications.issued_documents import IssuedDocumentService
from application.applications.notifications import NotificationProcess, NotificationService
from application.applications.service import ApplicationService
from application.audit.service import AuditService
from application.audit.trail import AuditTrail
from application.catalogue.service import CatalogueService
from application.counter.interviews import InterviewService
from application.counter.moving_notice import MovingNoticeService
from application.counter.reservations import ReservationService
from application.counter.residents import ResidentService
from application.counter.visits import VisitService
from application.dx.survey import SurveyService
from application.payments.process import PaymentProcess
from application.payments.service import PaymentProvider, PaymentService
from application.privacy.service import PrivacyService
from application.projection.base import Projection
from application.projection.engine import ProjectionEngine
from application.projection.lanes import follow_lanes
from application.shared.ports import BlobStore, Clock, PersonalDataVault
from infra import log_redaction
from infra.audit_keys import load_signer
from infra.clock import SystemClock
from infra.jpki import JpkiVerifier
from infra.personal_vault import EncryptingVault
from infra.settings import Settings
from infra.wiring import Storage, open_storage
from projections import all_projections
from projections.audit.chain import AuditChain, AuditChainStore


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
    def live(self) -> LiveUpdates:
        """Wakes GraphQL subscriptions after the projection engine moved read models."""
        live = LiveUpdates()
        self.engine.listeners.append(live.notify)
        return live

    @cached_property
    def privacy(self) -> PrivacyService:
        """Forgetting data subjects and enforcing retention (crypto-shredding)."""
        assert self.storage.keys is not None
        return PrivacyService(self.storage.log, self.storage.keys)

    @cached_property
    def residents(self) -> ResidentService:
        """Resident records (住民記録) imported from the core system's export."""
        return ResidentService(self.storage.log)

    @cached_property
    def interviews(self) -> InterviewService:
        """The no-writing counter (書かない窓口), with the demo city's 手続きナビ rules."""
        from application.demo.catalogue.life_events import GUIDE, PREFILL
        from infra.pdf_forms import PdfFormPrinter

        return InterviewService(self.storage.log, self.catalogue, self.visits, rules=GUIDE, prefill=PREFILL,
                                printer=PdfFormPrinter())

    @cached_property
    def reservations(self) -> ReservationService:
        """Reservations (来庁予約): slots per queue and day, bookings, check-in."""
        return ReservationService(self.storage.log, self.catalogue)

    @cached_property
    def moving_notices(self) -> MovingNoticeService:
        """Imports of the national moving service's pre-notice (docs/moving-notice.md)."""
        return MovingNoticeService(self.storage.log, self.catalogue, self.reservations)

    @cached_property
    def surveys(self) -> SurveyService:
        """DX survey campaigns (DXアンケート): open, answer, revise."""
        return SurveyService(self.storage.log, self.catalogue)

    @cached_property
    def confirmations(self) -> EmailConfirmationService:
        """Confirmation links of anonymous かんたん申請 (application/applications/email_confirmation.py)."""
        return EmailConfirmationService(self.storage.log,
                                        ConfirmationTokens(self.settings.effective_email_confirmation_key),
                                        self.settings.public_url)

    @cached_property
    def notifications(self) -> NotificationService:
        """The outbox sender: SMTP with MADOGUCHI_SMTP_URL, else .eml files under the data dir."""
        from api.applications.notification_jobs import due_ids
        from infra.mail import EmlDirectoryMailSender, SmtpMailSender

        url = self.settings.smtp_url
        sender = (SmtpMailSender(url.get_secret_value()) if url
                  else EmlDirectoryMailSender(self.settings.data_dir / "mail"))
        return NotificationService(self.storage.log, self.catalogue, sender, self.confirmations,
                                   mail_from=self.settings.mail_from, due=lambda now: due_ids(self, now),
                                   max_attempts=self.settings.mail_max_attempts)

    @cached_property
    def audit_trail(self) -> AuditTrail:
        """Records who was shown personal data (PersonalDataViewed)."""
        return AuditTrail(self.storage.log)

    @cached_property
    def documents(self) -> IssuedDocumentService:
        """Issued documents (交付文書): sealed in the blob store, downloaded through
        signed links whose key is derived from the master key."""
        from datetime import timedelta

        from infra.crypto.master_key import derive_key, load_master_key

        assert self.storage.cipher is not None
        return IssuedDocumentService(
            self.storage.log, self.applications, self.catalogue, self.blob_store, self.storage.cipher,
            link_key=derive_key(load_master_key(self.settings), "download-link"),
            link_ttl=timedelta(seconds=self.settings.download_link_ttl))

    def start_projections(self) -> None:
        """Follow the log in the background (as leader, or as standby), one
        thread per lane (``application/projection/lanes.py``): the read models,
        and the process managers (payments, notifications)."""
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
        """Whether this process follows the log in the background."""
        return self._worker is not None

    def stop_projections(self) -> None:
        if self._worker is None:
            return
        self._stop.set()
        self._worker.join(timeout=15)
        self._worker = None

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
    # the payment process (fee due → paid → refund on rejection/withdrawal) follows
    # the log as one more projection: same worker, leader lock and position bookkeeping
    projections = [*all_projections(vault, audit_chain, settings.effective_duplicate_fingerprint_key),
                   PaymentProcess(applications, payments, clock),
                   NotificationProcess(storage.log, clock)]  # queues applicant e-mails
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
