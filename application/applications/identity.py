"""Online identity with the My Number card signing certificate (JPKI 署名用電子証明書).

1. ``signingChallenge(procedureCode)`` issues a single-use nonce valid for ten
   minutes (:meth:`SigningChallenges.issue`, a ``SigningChallengeIssued`` event).
2. The citizen's card signs :func:`signed_message` (procedure code, form
   version, answers and nonce as canonical JSON) with SHA256withRSA.
3. ``submitApplication`` with ``signature`` checks the challenge (unused,
   unexpired, for this procedure), has the :class:`~application.shared.ports.SignatureVerifier`
   check the certificate and the signature, and stores ``SigningChallengeUsed``
   atomically with ``ApplicationSubmitted``: a replayed nonce conflicts.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from application.catalogue.service import CatalogueService
from application.shared.access import authorize
from application.shared.eventlog import CityLog
from domain.applications.identity import IdentityRejected, SigningChallenge, challenge_id
from domain.shared.context import CommandContext
from domain.shared.errors import FieldError, InvalidTransition, NotFound, ValidationFailed

NONCE_BYTES = 32


def signed_message(procedure_code: str, form_version: int, answers: Any, nonce: str) -> bytes:
    """The exact bytes the card signs."""
    payload = {"procedureCode": procedure_code, "formVersion": form_version, "answers": answers,
               "nonce": nonce}
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


@dataclass(frozen=True)
class IssuedChallenge:
    id: str
    position: int
    nonce: str
    expires_at: datetime


@dataclass(frozen=True)
class Signature:
    """A submission's signature: ``certificate`` base64 DER, ``signature`` base64."""

    certificate: str
    signature: str
    algorithm: str
    nonce: str

    @classmethod
    def parse(cls, value: Signature | Mapping[str, Any]) -> Signature:
        if isinstance(value, Signature):
            return value
        errors = [
            FieldError(f"signature.{key}", "required", f"signature.{key} is required",
                       "署名の情報が不足しています")
            for key in ("certificate", "signature", "algorithm", "nonce")
            if not isinstance(value.get(key), str) or not value.get(key)
        ]
        if errors:
            raise ValidationFailed(errors)
        return cls(value["certificate"], value["signature"], value["algorithm"], value["nonce"])


class SigningChallenges:
    def __init__(self, log: CityLog, catalogue: CatalogueService) -> None:
        self.log = log
        self.catalogue = catalogue

    def issue(self, ctx: CommandContext, procedure_code: str) -> IssuedChallenge:
        authorize(ctx.actor, "signingChallenge")
        procedure = self.catalogue.get_procedure(procedure_code)
        if not procedure.accepts("online"):
            raise InvalidTransition(
                f"procedure {procedure.code} does not accept online applications now",
                message_ja="この手続きは現在オンラインでは受け付けていません",
            )
        challenge = SigningChallenge.issue(ctx, nonce=secrets.token_urlsafe(NONCE_BYTES),
                                           procedure_code=procedure.code)
        position = self.log.store(challenge)
        return IssuedChallenge(str(challenge.id), position, challenge.nonce, challenge.expires_at)

    def load(self, nonce: str) -> SigningChallenge:
        """The challenge of ``nonce``; an unknown nonce is ``CHALLENGE_EXPIRED``."""
        try:
            return self.log.load(SigningChallenge, challenge_id(nonce), "signing challenge")
        except NotFound:
            raise IdentityRejected("CHALLENGE_EXPIRED", "unknown nonce") from None
