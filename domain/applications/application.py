"""Application (申請): one citizen's request under one procedure, and its lifecycle."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any
from uuid import UUID

from domain.applications.identity import JPKI_SIGNATURE, IdentityAssertion
from domain.applications.issued_documents import documents_errors
from domain.applications.status import TRANSITIONS, Status
from domain.catalogue.forms import FormSchema
from domain.catalogue.procedures import Procedure
from domain.privacy.individual_number import (
    application_subject,
    citizen_subject,
    contains_individual_number,
    individual_number_error,
)
from domain.shared.context import CommandContext
from domain.shared.errors import FieldError, Forbidden, InvalidTransition, NotFound, ValidationFailed
from domain.shared.events import Created, Event, RecordedAggregate
from domain.shared.personal import PersonalData, with_owner

MAX_REASON_LENGTH = 2000


def identity_satisfied(
    assurance: str, channel: str, applicant_subject: str | None,
    identity: IdentityAssertion | None = None,
) -> bool:
    """Whether the identity assurance a procedure requires is met.

    At the counter and by post, staff check identity in person or on paper.
    Online: ``none`` accepts anyone; ``account`` needs a signed-in citizen;
    ``jpki_signature`` needs a verified My Number card signature (an
    :class:`IdentityAssertion` from the signature verifier).
    """
    if channel in ("counter", "mail"):
        return True
    if assurance == "none":
        return True
    if assurance == "account":
        return applicant_subject is not None
    if assurance == JPKI_SIGNATURE:
        return identity is not None and identity.method == JPKI_SIGNATURE
    return False


def needs_email_confirmation(assurance: str, channel: str, applicant_subject: str | None) -> bool:
    """An anonymous online かんたん申請 (assurance ``none``) waits for its contact
    e-mail to be confirmed by a link before staff see it."""
    return assurance == "none" and channel == "online" and applicant_subject is None


# form field keys a verified basic-four item pre-fills (when the applicant left it empty)
PREFILL_KEYS: dict[str, tuple[str, ...]] = {
    "name": ("name", "fullName", "full_name"),
    "address": ("address",),
    "birth_date": ("birth_date", "birthDate", "dateOfBirth"),
    "sex": ("sex", "gender"),
}


def prefilled(form: FormSchema, answers: Any, identity: IdentityAssertion | None) -> Any:
    """``answers`` with empty text/date fields matching a verified item filled in."""
    if identity is None or not isinstance(answers, dict):
        return answers
    filled = dict(answers)
    verified = identity.basic_four()
    for field in form.fields:
        if field.type not in ("text", "date") or filled.get(field.key) not in (None, ""):
            continue
        for item, keys in PREFILL_KEYS.items():
            if field.key in keys and item in verified:
                filled[field.key] = verified[item]
    return filled


def _reason_errors(reason: object, *, required: bool) -> list[FieldError]:
    if not isinstance(reason, str) or (required and not reason.strip()):
        return [FieldError("reason", "required", "a reason is required", "理由を入力してください")]
    if len(reason) > MAX_REASON_LENGTH:
        return [
            FieldError(
                "reason",
                "max_length",
                f"reason must be at most {MAX_REASON_LENGTH} characters",
                f"理由は{MAX_REASON_LENGTH}文字以内で入力してください",
                {"max_length": MAX_REASON_LENGTH},
            )
        ]
    if contains_individual_number(reason):
        return [individual_number_error("reason", "the reason", "理由")]
    return []


class ApplicationSubmitted(Created):
    procedure_code: str
    form_version: int
    department: str
    channel: str
    applicant_subject: str | None
    data_subject: str
    applicant_name: PersonalData
    contact_email: PersonalData | None
    answers: dict[str, Any]
    # a verified online identity (method, issuer, serial_hash, basic four 🔒); None otherwise
    identity: dict[str, Any] | None = None
    # an anonymous かんたん申請: staff see it once the contact e-mail is confirmed
    awaiting_confirmation: bool = False

    def apply(self, aggregate: Application) -> None:
        aggregate.procedure_code = self.procedure_code
        aggregate.form_version = self.form_version
        aggregate.department = self.department
        aggregate.channel = self.channel
        aggregate.applicant_subject = self.applicant_subject
        aggregate.data_subject = self.data_subject
        aggregate.answers = self.answers
        aggregate.status = Status.AWAITING_CONFIRMATION if self.awaiting_confirmation else Status.SUBMITTED
        aggregate.contact_email = self.contact_email
        aggregate.submitted_at = self.timestamp
        aggregate.identity_method = (self.identity or {}).get("method")


class ApplicationReceived(Event):
    def apply(self, aggregate: Application) -> None:
        aggregate.status = Status.RECEIVED


class ApplicationReturned(Event):
    reason: str

    def apply(self, aggregate: Application) -> None:
        aggregate.status = Status.RETURNED


class ApplicationResubmitted(Event):
    answers: dict[str, Any]

    def apply(self, aggregate: Application) -> None:
        aggregate.answers = self.answers
        aggregate.status = Status.RESUBMITTED


class ApplicationApproved(Event):
    def apply(self, aggregate: Application) -> None:
        aggregate.status = Status.APPROVED


class ApplicationRejected(Event):
    reason: str

    def apply(self, aggregate: Application) -> None:
        aggregate.status = Status.REJECTED


class ApplicationCompleted(Event):
    # issued documents (domain/applications/issued_documents.py); events before them have none
    documents: tuple[dict[str, Any], ...] = ()

    def apply(self, aggregate: Application) -> None:
        aggregate.status = Status.COMPLETED
        aggregate.documents = tuple(self.documents)


class DocumentDownloaded(Event):
    """Someone (the event's actor) downloaded an issued document."""

    document_id: str

    def apply(self, aggregate: Application) -> None:
        """Nothing changes: the event is the audit record."""


class ApplicationWithdrawn(Event):
    reason: str

    def apply(self, aggregate: Application) -> None:
        aggregate.status = Status.WITHDRAWN


class ApplicationEmailConfirmed(Event):
    """The anonymous applicant opened the confirmation link: now it is submitted."""

    def apply(self, aggregate: Application) -> None:
        aggregate.status = Status.SUBMITTED


class Application(RecordedAggregate):
    procedure_code: str
    form_version: int
    department: str
    channel: str
    applicant_subject: str | None
    data_subject: str
    answers: dict[str, Any]
    status: Status
    identity_method: str | None  # "jpki_signature" when verified online
    documents = ()  # issued on completion (a class default: not a constructor field)
    contact_email: PersonalData | None

    def __init__(self) -> None:
        """State comes from the events' ``apply`` methods."""

    @classmethod
    def submit(
        cls,
        ctx: CommandContext,
        *,
        id: UUID,
        procedure: Procedure,
        form_version: int | None,
        channel: str,
        applicant_subject: str | None,
        applicant_name: str,
        contact_email: str | None,
        answers: dict[str, Any],
        identity: IdentityAssertion | None = None,
    ) -> Application:
        if not procedure.accepts(channel):
            raise InvalidTransition(
                f"procedure {procedure.code} does not accept {channel} applications now",
                message_ja="この手続きは現在その方法では受け付けていません",
            )
        if not identity_satisfied(procedure.assurance, channel, applicant_subject, identity):
            raise Forbidden(
                f"procedure {procedure.code} requires identity assurance '{procedure.assurance}'",
                message_ja="この手続きには本人確認が必要です",
            )
        form = procedure.form_version(form_version)
        # every application has its own key, so retention can shred one; the
        # signed-in citizen owns it, so forgetting the citizen shreds them all
        data_subject = application_subject(id)
        owner = citizen_subject(applicant_subject) if applicant_subject else None
        errors: list[FieldError] = []
        if isinstance(applicant_name, str) and contains_individual_number(applicant_name):
            errors.append(individual_number_error("applicantName", "the applicant's name", "申請者の氏名"))
        elif not isinstance(applicant_name, str) or not applicant_name.strip():
            errors.append(
                FieldError("applicantName", "required", "the applicant's name is required",
                           "申請者の氏名は必須です")
            )
        elif len(applicant_name) > 100:
            errors.append(
                FieldError("applicantName", "max_length", "at most 100 characters",
                           "氏名は100文字以内で入力してください", {"max_length": 100})
            )
        if isinstance(contact_email, str) and contains_individual_number(contact_email):
            errors.append(individual_number_error("contactEmail", "the contact e-mail", "連絡先メールアドレス"))
        elif contact_email is not None and not _looks_like_email(contact_email):
            errors.append(
                FieldError("contactEmail", "email", "not a valid e-mail address",
                           "メールアドレスの形式が正しくありません")
            )
        awaiting_confirmation = needs_email_confirmation(procedure.assurance, channel, applicant_subject)
        if awaiting_confirmation and not contact_email:
            errors.append(
                FieldError("contactEmail", "required", "an anonymous application needs a contact e-mail",
                           "ログインせずに申請する場合はメールアドレスが必要です")
            )
        today = ctx.today
        normalised: dict[str, Any] = {}
        try:
            normalised = form.normalise(prefilled(form, answers, identity), today=today,
                                        subject=data_subject)
        except ValidationFailed as invalid:
            errors += invalid.errors
        if errors:
            raise ValidationFailed(errors)
        return cls.start(
            ctx,
            ApplicationSubmitted,
            id=id,
            procedure_code=procedure.code,
            form_version=form.version,
            department=procedure.department,
            channel=channel,
            applicant_subject=applicant_subject,
            data_subject=data_subject,
            applicant_name=PersonalData(data_subject, applicant_name.strip(), owner=owner),
            contact_email=PersonalData(data_subject, contact_email.strip(), owner=owner)
            if contact_email
            else None,
            answers=with_owner(normalised, owner),
            identity=identity.recorded(data_subject, owner) if identity else None,
            awaiting_confirmation=awaiting_confirmation,
        )

    # -- lifecycle ---------------------------------------------------------
    def _check(self, to: Status) -> None:
        if to not in TRANSITIONS[self.status]:
            raise InvalidTransition(
                f"cannot move an application from {self.status.value} to {to.value}",
                message_ja=f"「{self.status.label_ja}」の申請を「{to.label_ja}」にはできません",
            )

    def _move(self, ctx: CommandContext, to: Status, event_class: type[Event], **kw: Any) -> None:
        self._check(to)
        self.record(ctx, event_class, **kw)

    def receive(self, ctx: CommandContext) -> None:
        self._move(ctx, Status.RECEIVED, ApplicationReceived)

    def return_for_correction(self, ctx: CommandContext, reason: str) -> None:
        if errors := _reason_errors(reason, required=True):
            raise ValidationFailed(errors)
        self._move(ctx, Status.RETURNED, ApplicationReturned, reason=reason.strip())

    def resubmit(
        self, ctx: CommandContext, procedure: Procedure, answers: dict[str, Any]
    ) -> None:
        self._check(Status.RESUBMITTED)
        form = procedure.form_version(self.form_version)
        today: date = ctx.today
        normalised = form.normalise(answers, today=today, subject=self.data_subject)
        owner = citizen_subject(self.applicant_subject) if self.applicant_subject else None
        self._move(ctx, Status.RESUBMITTED, ApplicationResubmitted,
                   answers=with_owner(normalised, owner))

    def approve(self, ctx: CommandContext) -> None:
        self._move(ctx, Status.APPROVED, ApplicationApproved)

    def reject(self, ctx: CommandContext, reason: str) -> None:
        if errors := _reason_errors(reason, required=True):
            raise ValidationFailed(errors)
        self._move(ctx, Status.REJECTED, ApplicationRejected, reason=reason.strip())

    def complete(self, ctx: CommandContext, documents: Sequence[dict[str, Any]] = ()) -> None:
        self._check(Status.COMPLETED)
        if errors := documents_errors(list(documents)):
            raise ValidationFailed(errors)
        self._move(ctx, Status.COMPLETED, ApplicationCompleted, documents=tuple(documents))

    def issued_document(self, document_id: str) -> dict[str, Any]:
        for document in self.documents:
            if document["id"] == document_id:
                return document
        raise NotFound("no such issued document", message_ja="交付文書が見つかりません")

    def record_download(self, ctx: CommandContext, document_id: str) -> None:
        self.issued_document(document_id)
        self.record(ctx, DocumentDownloaded, document_id=document_id)

    def confirm_email(self, ctx: CommandContext) -> None:
        self._move(ctx, Status.SUBMITTED, ApplicationEmailConfirmed)

    def withdraw(self, ctx: CommandContext, reason: str = "") -> None:
        if errors := _reason_errors(reason, required=False):
            raise ValidationFailed(errors)
        self._move(ctx, Status.WITHDRAWN, ApplicationWithdrawn, reason=reason.strip())


def _looks_like_email(value: object) -> bool:
    if not isinstance(value, str) or len(value) > 254 or value.count("@") != 1:
        return False
    local, _, domain_part = value.strip().partition("@")
    return bool(local) and "." in domain_part and " " not in value.strip()
