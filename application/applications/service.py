"""Commands on applications (申請): submission and the staff's review."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any
from uuid import UUID, uuid4

from application.applications.identity import Signature, SigningChallenges, signed_message
from application.catalogue.service import CatalogueService
from application.shared.access import authorize
from application.shared.eventlog import CityLog
from application.shared.ports import SignatureVerifier
from application.shared.results import CommandResult
from domain.applications.application import Application
from domain.applications.identity import IdentityAssertion, IdentityRejected, SigningChallenge
from domain.applications.threads import ApplicationThread, thread_id
from domain.shared.context import CommandContext
from domain.shared.errors import Conflict, Forbidden, NotFound, ValidationFailed

STAFF_CHANNELS = ("counter", "mail")


class ApplicationService:
    def __init__(
        self,
        log: CityLog,
        catalogue: CatalogueService,
        new_id: Callable[[], UUID] = uuid4,
        signature_verifier: SignatureVerifier | None = None,
    ) -> None:
        self.log = log
        self.catalogue = catalogue
        self.new_id = new_id
        # online identity (JPKI): None when no trust anchors are configured
        self.signature_verifier = signature_verifier
        self.challenges = SigningChallenges(log, catalogue)
        # checks run before completion (e.g. the payments capability's "fee paid");
        # registered by the composition root, so this layer knows none of them
        self.completion_guards: list[Callable[[CommandContext, Application], None]] = []

    def submit(
        self,
        ctx: CommandContext,
        *,
        procedure_code: str,
        channel: str,
        applicant_name: str,
        answers: dict[str, Any],
        form_version: int | None = None,
        contact_email: str | None = None,
        applicant_subject: str | None = None,
        signature: Signature | Mapping[str, Any] | None = None,
    ) -> CommandResult:
        procedure = self.catalogue.get_procedure(procedure_code)
        actor = ctx.actor
        authorize(actor, "submitApplication", department=procedure.department)
        if actor.is_staff and channel not in STAFF_CHANNELS:
            raise Forbidden(
                "staff enter counter or mail applications; online ones come from citizens",
                message_ja="職員が入力できるのは窓口・郵送の申請です",
            )
        if actor.role in ("citizen", "anonymous") and channel != "online":
            raise Forbidden(
                "citizens apply online; counter and mail applications are entered by staff",
                message_ja="窓口・郵送の申請は職員が入力します",
            )
        if actor.role == "citizen":
            applicant_subject = actor.subject
        elif actor.role != "system":
            applicant_subject = None
        challenge: SigningChallenge | None = None
        identity: IdentityAssertion | None = None
        if signature is not None:
            if channel != "online":
                raise ValidationFailed.single(
                    "signature", "online_only", "a signature comes only with an online submission",
                    "電子署名はオンライン申請でのみ使えます",
                )
            challenge, identity = self._verify(ctx, procedure.code, procedure.form_version(form_version).version,
                                               answers, Signature.parse(signature))
        application = Application.submit(
            ctx,
            id=self.new_id(),
            procedure=procedure,
            form_version=form_version,
            channel=channel,
            applicant_subject=applicant_subject,
            applicant_name=applicant_name,
            contact_email=contact_email,
            answers=answers,
            identity=identity,
        )
        if challenge is None:
            return CommandResult(str(application.id), self.log.store(application))
        challenge.use(ctx, procedure_code=procedure.code, application_id=str(application.id))
        try:
            position = self.log.store(challenge, application)
        except Conflict:  # another submission used the nonce first
            raise IdentityRejected("CHALLENGE_REPLAYED") from None
        return CommandResult(str(application.id), position)

    def _verify(
        self, ctx: CommandContext, procedure_code: str, form_version: int, answers: Any,
        signature: Signature,
    ) -> tuple[SigningChallenge, IdentityAssertion]:
        challenge = self.challenges.load(signature.nonce)
        challenge.check_usable(ctx, procedure_code)
        if self.signature_verifier is None:
            raise IdentityRejected("CERT_UNTRUSTED", "no JPKI trust anchors are configured")
        identity = self.signature_verifier.verify(
            certificate=signature.certificate, signature=signature.signature,
            algorithm=signature.algorithm,
            message=signed_message(procedure_code, form_version, answers, signature.nonce),
            at=ctx.occurred_at,
        )
        return challenge, identity

    def get(self, application_id: str) -> Application:
        try:
            key = UUID(str(application_id))
        except ValueError:
            raise NotFound("application not found", message_ja="申請が見つかりません") from None
        return self.log.load(Application, key, "application")

    def _act(
        self,
        ctx: CommandContext,
        operation: str,
        application_id: str,
        action: Callable[[Application], None],
    ) -> CommandResult:
        application = self.get(application_id)
        authorize(
            ctx.actor,
            operation,
            department=application.department,
            owner=application.applicant_subject,
        )
        action(application)
        return CommandResult(str(application.id), self.log.store(application))

    def receive(self, ctx: CommandContext, application_id: str) -> CommandResult:
        return self._act(ctx, "receiveApplication", application_id, lambda a: a.receive(ctx))

    def return_for_correction(
        self, ctx: CommandContext, application_id: str, reason: str
    ) -> CommandResult:
        return self._act(ctx, "returnApplication", application_id, lambda a: a.return_for_correction(ctx, reason))

    def resubmit(
        self, ctx: CommandContext, application_id: str, answers: dict[str, Any]
    ) -> CommandResult:
        def resubmit(application: Application) -> None:
            procedure = self.catalogue.get_procedure(application.procedure_code)
            application.resubmit(ctx, procedure, answers)

        return self._act(ctx, "resubmitApplication", application_id, resubmit)

    def approve(self, ctx: CommandContext, application_id: str) -> CommandResult:
        return self._act(ctx, "approveApplication", application_id, lambda a: a.approve(ctx))

    def reject(self, ctx: CommandContext, application_id: str, reason: str) -> CommandResult:
        return self._act(ctx, "rejectApplication", application_id, lambda a: a.reject(ctx, reason))

    def complete(self, ctx: CommandContext, application_id: str,
                 documents: Sequence[dict[str, Any]] = ()) -> CommandResult:
        """``documents``: issued documents as application/applications/issued_documents.py resolves them."""
        def complete(application: Application) -> None:
            # the status check first; nothing is stored if a guard refuses
            application.complete(ctx, documents)
            for guard in self.completion_guards:
                guard(ctx, application)

        return self._act(ctx, "completeApplication", application_id, complete)

    def withdraw(self, ctx: CommandContext, application_id: str, reason: str = "") -> CommandResult:
        return self._act(ctx, "withdrawApplication", application_id, lambda a: a.withdraw(ctx, reason))

    def post_message(self, ctx: CommandContext, application_id: str, body: str) -> CommandResult:
        """問い合わせ: a message in the application's thread, from its applicant or
        its department's staff. The thread is its own aggregate (opened with the
        first message), so a message never conflicts with a status change."""
        application = self.get(application_id)
        authorize(ctx.actor, "postApplicationMessage", department=application.department,
                  owner=application.applicant_subject)
        key = thread_id(application.id)
        if self.log.exists(key):
            thread = self.log.load(ApplicationThread, key, "thread")
        else:
            thread = ApplicationThread.open(ctx, application_id=str(application.id),
                                            department=application.department,
                                            applicant_subject=application.applicant_subject)
        thread.post(ctx, body)
        return CommandResult(str(application.id), self.log.store(thread))

