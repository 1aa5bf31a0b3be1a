"""Online identity (オンライン本人確認): the My Number card signing certificate
(JPKI 署名用電子証明書).

- :class:`SigningChallenge` is a single-use nonce for one procedure, valid for
  :data:`CHALLENGE_TTL`; its id is ``uuid5`` of the nonce, so the submission
  that consumes it (``SigningChallengeUsed``) is stored atomically with the
  application, and a replay of the same nonce conflicts.
- :class:`IdentityAssertion` is what a verified signature proves: the method,
  the certificate's issuer, a keyed hash of its serial number (never the raw
  serial) and the basic four items (基本4情報: name, address, date of birth,
  sex). The domain only receives it; verifying is an adapter's job.
- :class:`IdentityRejected` carries one error code per way verification fails.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID, uuid5

from domain.shared.context import CommandContext
from domain.shared.errors import DomainError
from domain.shared.events import Created, Event, RecordedAggregate
from domain.shared.personal import PersonalData

CHALLENGE_TTL = timedelta(minutes=10)
JPKI_SIGNATURE = "jpki_signature"
SIGNATURE_ALGORITHM = "SHA256withRSA"
BASIC_FOUR = ("name", "address", "birth_date", "sex")

_NAMESPACE = UUID("8d0c2a52-4f3b-4e8e-9a61-2b7c1f0e5d43")

# code → (English, Japanese)
IDENTITY_ERRORS: dict[str, tuple[str, str]] = {
    "CERT_UNTRUSTED": ("the certificate does not chain to a trusted JPKI certification authority",
                       "電子証明書の発行元を確認できません"),
    "CERT_EXPIRED": ("the certificate had expired when it was used", "電子証明書の有効期限が切れています"),
    "CERT_NOT_YET_VALID": ("the certificate is not valid yet", "電子証明書の有効期間が始まっていません"),
    "CERT_WRONG_USAGE": ("the certificate is not a signing certificate (non-repudiation)",
                         "署名用電子証明書ではありません（利用者証明用電子証明書は使えません）"),
    "CERT_REVOKED": ("the certificate has been revoked", "電子証明書は失効しています"),
    "REVOCATION_UNAVAILABLE": ("the certificate's revocation status cannot be checked now",
                               "電子証明書の失効状態を確認できません。時間をおいてやり直してください"),
    "SIGNATURE_INVALID": ("the signature does not match the submission", "電子署名を検証できません"),
    "CHALLENGE_EXPIRED": ("the signing challenge is unknown or has expired; request a new one",
                          "署名用の確認コードの有効期限が切れています。もう一度やり直してください"),
    "CHALLENGE_REPLAYED": ("the signing challenge has already been used",
                           "署名用の確認コードは既に使用されています"),
}


class IdentityRejected(DomainError):
    """Identity verification failed; ``code`` says how (see :data:`IDENTITY_ERRORS`)."""

    def __init__(self, code: str, detail: str | None = None) -> None:
        en, ja = IDENTITY_ERRORS[code]
        super().__init__(f"{en}: {detail}" if detail else en, message_ja=ja)
        self.code = code


def challenge_id(nonce: str) -> UUID:
    return uuid5(_NAMESPACE, f"signing-challenge:{nonce}")


@dataclass(frozen=True)
class IdentityAssertion:
    """A verified identity, from the signature verifier (infra)."""

    method: str
    issuer: str
    serial_hash: str
    name: str | None
    address: str | None
    birth_date: str | None  # ISO date
    sex: str | None

    def __repr__(self) -> str:  # the basic four never reach logs or tracebacks
        return f"IdentityAssertion(method={self.method!r}, issuer={self.issuer!r}, serial_hash=...)"

    __str__ = __repr__

    def basic_four(self) -> dict[str, str]:
        values = {"name": self.name, "address": self.address, "birth_date": self.birth_date, "sex": self.sex}
        return {k: v for k, v in values.items() if v}

    def recorded(self, data_subject: str, owner: str | None) -> dict[str, Any]:
        """The event's ``identity``: the basic four as personal data."""
        return {
            "method": self.method,
            "issuer": self.issuer,
            "serial_hash": self.serial_hash,
            **{k: PersonalData(data_subject, v, owner=owner) for k, v in self.basic_four().items()},
        }


class SigningChallengeIssued(Created):
    nonce: str
    procedure_code: str
    expires_at: datetime

    def apply(self, aggregate: SigningChallenge) -> None:
        aggregate.nonce = self.nonce
        aggregate.procedure_code = self.procedure_code
        aggregate.expires_at = self.expires_at
        aggregate.used_by = None


class SigningChallengeUsed(Event):
    application_id: str

    def apply(self, aggregate: SigningChallenge) -> None:
        aggregate.used_by = self.application_id


class SigningChallenge(RecordedAggregate):
    nonce: str
    procedure_code: str
    expires_at: datetime
    used_by: str | None

    def __init__(self) -> None:
        """State comes from the events' ``apply`` methods."""

    @classmethod
    def issue(cls, ctx: CommandContext, *, nonce: str, procedure_code: str) -> SigningChallenge:
        return cls.start(
            ctx, SigningChallengeIssued, id=challenge_id(nonce), nonce=nonce,
            procedure_code=procedure_code, expires_at=ctx.occurred_at + CHALLENGE_TTL,
        )

    def check_usable(self, ctx: CommandContext, procedure_code: str) -> None:
        if self.used_by is not None:
            raise IdentityRejected("CHALLENGE_REPLAYED")
        if ctx.occurred_at > self.expires_at:
            raise IdentityRejected("CHALLENGE_EXPIRED")
        if procedure_code != self.procedure_code:
            raise IdentityRejected("CHALLENGE_EXPIRED", "it was issued for another procedure")

    def use(self, ctx: CommandContext, *, procedure_code: str, application_id: str) -> None:
        self.check_usable(ctx, procedure_code)
        self.record(ctx, SigningChallengeUsed, application_id=application_id)
