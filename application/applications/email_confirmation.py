"""Confirming the contact e-mail of an anonymous かんたん申請.

The confirmation mail carries a link with a signed token: the application id
and an expiry (24 hours after submission), signed with HMAC-SHA256 under the
city's key. ``confirmApplicationEmail(token)`` checks it and records
``ApplicationEmailConfirmed``: the application becomes ``submitted`` and the
department's staff see it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import UTC, datetime, timedelta
from uuid import UUID

from application.shared.access import authorize
from application.shared.eventlog import CityLog
from application.shared.results import CommandResult
from domain.applications.application import Application
from domain.shared.context import CommandContext
from domain.shared.errors import NotFound, ValidationFailed

CONFIRMATION_VALIDITY = timedelta(hours=24)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _invalid(rule: str, en: str, ja: str) -> ValidationFailed:
    return ValidationFailed.single("token", rule, en, ja)


class ConfirmationTokens:
    """Makes and checks the signed tokens of confirmation links."""

    def __init__(self, key: bytes) -> None:
        if len(key) < 16:
            raise ValueError("the e-mail confirmation key is too short")
        self.key = key

    def _mac(self, payload: str) -> str:
        return _b64(hmac.new(self.key, payload.encode("ascii"), hashlib.sha256).digest())

    def make(self, application_id: str, expires_at: datetime) -> str:
        payload = f"{application_id}.{int(expires_at.timestamp())}"
        return f"{_b64(payload.encode('ascii'))}.{self._mac(payload)}"

    def check(self, token: str, now: datetime) -> str:
        """The application id of a valid, unexpired ``token``; else ``ValidationFailed``."""
        head, _, mac = (token or "").strip().partition(".")
        try:
            payload = _unb64(head).decode("ascii")
            application_id, _, expiry = payload.rpartition(".")
            expires_at = datetime.fromtimestamp(int(expiry), UTC)
        except (ValueError, UnicodeDecodeError):
            raise _invalid("invalid", "not a confirmation token", "確認用リンクが正しくありません") from None
        if not application_id or not hmac.compare_digest(mac, self._mac(payload)):
            raise _invalid("invalid", "not a confirmation token", "確認用リンクが正しくありません")
        if now >= expires_at:
            raise _invalid("expired", "the confirmation link has expired",
                           "確認用リンクの有効期限が切れています。もう一度申請してください")
        return application_id


class EmailConfirmationService:
    def __init__(self, log: CityLog, tokens: ConfirmationTokens, public_url: str) -> None:
        self.log = log
        self.tokens = tokens
        self.public_url = public_url.rstrip("/")

    @staticmethod
    def expires_at(application: Application) -> datetime:
        return application.submitted_at + CONFIRMATION_VALIDITY

    def link(self, application: Application) -> str:
        token = self.tokens.make(str(application.id), self.expires_at(application))
        return f"{self.public_url}/confirm-email?token={token}"

    def confirm(self, ctx: CommandContext, token: str) -> CommandResult:
        authorize(ctx.actor, "confirmApplicationEmail")
        application_id = self.tokens.check(token, ctx.occurred_at)
        try:
            application = self.log.load(Application, UUID(application_id), "application")
        except (NotFound, ValueError):
            raise _invalid("invalid", "not a confirmation token", "確認用リンクが正しくありません") from None
        application.confirm_email(ctx)
        return CommandResult(str(application.id), self.log.store(application))
