"""The applications capability: submissions and their life cycle (with the
guards other capabilities give it), e-mail confirmation, issued documents,
attachments' blob store, and applicant notifications (the outbox process and its
sender)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from uuid import uuid4

from api.composition.shared import Shared
from application.applications.attachments import AttachmentService
from application.applications.email_confirmation import ConfirmationTokens, EmailConfirmationService
from application.applications.issued_documents import IssuedDocumentService
from application.applications.notifications import NotificationProcess, NotificationService
from application.applications.service import ApplicationService, CompletionGuard
from application.catalogue.service import CatalogueService
from application.projection.base import LogFollower
from application.projection.reading import read_session
from application.shared.ports import BlobStore, Clock, MailSender
from infra.blob_store import LocalBlobStore
from infra.crypto.master_key import derive_key, load_master_key
from infra.jpki import JpkiVerifier
from infra.mail import EmlDirectoryMailSender, SmtpMailSender
from infra.settings import Settings
from projections.applications import notifications as notification_model


@dataclass(frozen=True)
class Applications:
    applications: ApplicationService
    confirmations: EmailConfirmationService
    documents: IssuedDocumentService
    blob_store: BlobStore
    notification_process: NotificationProcess  # queues applicant e-mails


def wire_applications(settings: Settings, shared: Shared, clock: Clock, catalogue: CatalogueService, *,
                      completion_guards: Sequence[CompletionGuard]) -> Applications:
    log = shared.storage.log
    assert shared.storage.cipher is not None
    blob_store = LocalBlobStore(settings.data_dir / "blobs")  # uploaded attachments
    # attached uploads are bound to (and sealed for) the application that attaches them
    attachments = AttachmentService(blob_store, catalogue, shared.storage.cipher)
    applications = ApplicationService(log, catalogue, new_id=uuid4,
                                      signature_verifier=JpkiVerifier.from_settings(settings),
                                      completion_guards=completion_guards, bind_attachments=attachments.bind)
    confirmations = EmailConfirmationService(log, ConfirmationTokens(settings.effective_email_confirmation_key),
                                             settings.public_url)
    # issued documents (交付文書): sealed in the blob store, downloaded through
    # signed links whose key is derived from the master key
    documents = IssuedDocumentService(
        log, applications, catalogue, blob_store, shared.storage.cipher,
        link_key=derive_key(load_master_key(settings), "download-link"),
        link_ttl=timedelta(seconds=settings.download_link_ttl))
    return Applications(applications, confirmations, documents, blob_store, NotificationProcess(log, clock))


def mail_sender(settings: Settings) -> MailSender:
    """SMTP with MADOGUCHI_SMTP_URL, else .eml files under the data dir."""
    url = settings.smtp_url
    return SmtpMailSender(url.get_secret_value()) if url else EmlDirectoryMailSender(settings.data_dir / "mail")


def due_notifications(shared: Shared, projections: Sequence[LogFollower]) -> Callable[[datetime], list[str]]:
    """The ids of the notifications due at a moment, from the ``notifications`` read model."""
    def due(now: datetime) -> list[str]:
        with read_session(shared.storage.views, projections) as session:
            return notification_model.due_notifications(session, now.astimezone(UTC).isoformat())

    return due


def wire_notifications(settings: Settings, shared: Shared, catalogue: CatalogueService,
                       confirmations: EmailConfirmationService,
                       projections: Sequence[LogFollower]) -> NotificationService:
    """The outbox sender (after the engine: it reads the read model)."""
    return NotificationService(shared.storage.log, catalogue, mail_sender(settings), confirmations,
                               mail_from=settings.mail_from, due=due_notifications(shared, projections),
                               max_attempts=settings.mail_max_attempts)
