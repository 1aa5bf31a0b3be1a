"""The one composition root: settings → infra → applications → projections → API.

One ``wire_<capability>`` function per capability (a module each in this
package) builds its services, read models and processes, all at once;
:func:`build_container` calls them in dependency order and keeps the result in
an immutable :class:`Container`. What one capability adds to another (the
payments guard on completion, the live-update listener on the engine) is given
at construction, never attached afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass

from api.composition.applications import wire_applications, wire_notifications
from api.composition.audit import wire_audit
from api.composition.catalogue import wire_catalogue
from api.composition.counter import wire_counter
from api.composition.dx import wire_dx
from api.composition.http import Http, wire_http
from api.composition.payments import payment_guards, wire_payments
from api.composition.privacy import wire_privacy
from api.composition.shared import Follower, Shared, wire_engine, wire_storage
from api.shared.auth import TokenVerifier
from api.shared.live import LiveUpdates
from api.shared.rate_limit import RateLimits
from application.applications.email_confirmation import EmailConfirmationService
from application.applications.issued_documents import IssuedDocumentService
from application.applications.notifications import NotificationService
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
from application.payments.provider import PaymentProvider
from application.payments.service import PaymentService
from application.privacy.service import PrivacyService
from application.projection.base import LogFollower
from application.projection.engine import ProjectionEngine
from application.shared.ports import BlobStore, Clock, PersonalDataVault
from infra import log_redaction
from infra.clock import SystemClock
from infra.settings import Settings
from infra.wiring import Storage

__all__ = ["Container", "build_container"]


@dataclass(frozen=True)
class Container:
    settings: Settings
    clock: Clock
    # shared
    storage: Storage
    vault: PersonalDataVault
    projections: list[LogFollower]
    engine: ProjectionEngine
    # the HTTP edge
    verifier: TokenVerifier
    rate_limits: RateLimits
    live: LiveUpdates
    # capabilities
    catalogue: CatalogueService
    applications: ApplicationService
    confirmations: EmailConfirmationService
    documents: IssuedDocumentService
    blob_store: BlobStore
    notifications: NotificationService
    payments: PaymentService
    visits: VisitService
    interviews: InterviewService
    reservations: ReservationService
    moving_notices: MovingNoticeService
    residents: ResidentService
    surveys: SurveyService
    audit: AuditService
    audit_trail: AuditTrail
    privacy: PrivacyService
    follower: Follower

    @property
    def log(self):
        return self.storage.log

    @property
    def views(self):
        return self.storage.views

    def start_projections(self) -> None:
        """Follow the log in the background: the read models and the process
        managers (payments, notifications)."""
        self.follower.start()

    @property
    def following(self) -> bool:
        """Whether this process follows the log in the background."""
        return self.follower.following

    def stop_projections(self) -> None:
        self.follower.stop()

    def close(self) -> None:
        self.stop_projections()
        self.audit_trail.close()  # commits the access-log records still pending
        self.storage.close()


def build_container(settings: Settings | None = None, clock: Clock | None = None,
                    payment_provider: PaymentProvider | None = None) -> Container:
    """Everything, built now. ``payment_provider`` replaces the configured one (tests,
    the sandbox)."""
    settings = settings or Settings()
    clock = clock or SystemClock()
    log_redaction.install()  # no individual number in any log line
    http = wire_http(settings, clock)
    shared = wire_storage(settings)
    try:
        return _wire(settings, clock, payment_provider, http, shared)
    except BaseException:
        shared.storage.close()  # a refused configuration leaves nothing open
        raise


def _wire(settings: Settings, clock: Clock, payment_provider: PaymentProvider | None,
          http: Http, shared: Shared) -> Container:
    catalogue = wire_catalogue(shared).catalogue
    applications = wire_applications(settings, shared, clock, catalogue,
                                     completion_guards=payment_guards(shared, catalogue))
    payments = wire_payments(settings, shared, clock, catalogue, applications.applications, payment_provider)
    counter = wire_counter(settings, shared, catalogue)
    audit = wire_audit(settings, shared, clock)
    changes = shared.storage.changes  # PostgreSQL: which read models moved, across processes
    if changes is not None:
        http.live.listen_to(changes.subscribe)
    engine = wire_engine(settings, shared, clock,
                         processes=[payments.process, applications.notification_process],
                         listeners=[http.live.notify, *([changes.publish] if changes else [])])
    notifications = wire_notifications(settings, shared, catalogue, applications.confirmations,
                                       engine.projections)
    return Container(
        settings=settings, clock=clock,
        storage=shared.storage, vault=shared.vault, projections=engine.projections, engine=engine.engine,
        verifier=http.verifier, rate_limits=http.rate_limits, live=http.live,
        catalogue=catalogue,
        applications=applications.applications, confirmations=applications.confirmations,
        documents=applications.documents, blob_store=applications.blob_store, notifications=notifications,
        payments=payments.payments,
        visits=counter.visits, interviews=counter.interviews, reservations=counter.reservations,
        moving_notices=counter.moving_notices, residents=counter.residents,
        surveys=wire_dx(shared, catalogue).surveys,
        audit=audit.audit, audit_trail=audit.audit_trail,
        privacy=wire_privacy(shared).privacy,
        follower=Follower(engine.engine, shared.storage),
    )
