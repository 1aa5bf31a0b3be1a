"""The interfaces (ports) the application layer needs; adapters live in infra/."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Any, Protocol

from domain.applications.identity import IdentityAssertion


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware."""
        ...


class ViewCursor(Protocol):
    """A DB-API-like cursor over the read-model store.

    SQL is written once for both stores: ``?`` placeholders, ``ON CONFLICT ...
    DO UPDATE`` upserts, and only the column types TEXT, INTEGER, BIGINT and
    DOUBLE PRECISION."""

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None: ...

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None: ...

    def fetchone(self) -> tuple[Any, ...] | None: ...

    def fetchall(self) -> list[tuple[Any, ...]]: ...


class ViewStore(Protocol):
    dialect: str  # "sqlite" or "postgres"

    def transaction(self) -> AbstractContextManager[ViewCursor]:
        """A write transaction: commits on normal exit, rolls back on error."""
        ...

    def read(self) -> AbstractContextManager[ViewCursor]:
        """A read-only snapshot."""
        ...

    def lock_row_clause(self) -> str:
        """`` FOR UPDATE`` where the store supports row locks, else ``''``."""
        ...

    def close(self) -> None: ...


class LeaderLock(Protocol):
    """Held by at most one process at a time; released when the holder dies."""

    def try_acquire(self) -> bool: ...

    def release(self) -> None: ...


class Wakeup(Protocol):
    """Lets the projection engine sleep until new events may have been stored."""

    def wait(self, timeout: float) -> None: ...

    def close(self) -> None: ...


class PersonalDataVault(Protocol):
    """Seals personal values for storage in read models and opens them for reading.

    A sealed value is a string; opening one whose subject has been forgotten
    gives the erased label."""

    def seal(self, value: Any) -> str | None: ...

    def open(self, sealed: str | None) -> Any: ...



class SignatureVerifier(Protocol):
    """Verifies a My Number card signature (JPKI 署名用電子証明書) over a submission.

    Raises :class:`domain.applications.identity.IdentityRejected` with the failing check's code
    (``CERT_UNTRUSTED``, ``CERT_EXPIRED``, ``CERT_NOT_YET_VALID``,
    ``CERT_WRONG_USAGE``, ``CERT_REVOKED``, ``REVOCATION_UNAVAILABLE``,
    ``SIGNATURE_INVALID``); the nonce itself is checked by the application layer."""

    def verify(
        self, *, certificate: str, signature: str, algorithm: str, message: bytes, at: datetime
    ) -> IdentityAssertion:
        """``certificate`` is base64 DER, ``signature`` base64; ``at`` is the time of signing."""
        ...


class MailUndeliverable(Exception):
    """A mail could not be handed over (the server refused it, or could not be
    reached); the message must name no address or other personal data."""


class MailSender(Protocol):
    """Hands one e-mail to the outside world (an SMTP server, or a directory of
    ``.eml`` files); raises :class:`MailUndeliverable` when that fails."""

    def send(self, *, sender: str, recipient: str, subject: str, body: str, message_id: str) -> None: ...


class BlobStore(Protocol):
    """Content-addressed storage of uploaded files (attachments): a blob is
    named by the SHA-256 of its bytes, so storing the same file twice is one blob."""

    def put(self, data: bytes) -> str:
        """Store ``data``; return its SHA-256 (hex)."""
        ...

    def get(self, blob: str) -> bytes | None:
        """The bytes of ``blob``, or ``None`` when there is no such blob."""
        ...

    def exists(self, blob: str) -> bool: ...


class FileSealer(Protocol):
    """Encrypts files (issued documents) with a data subject's key, as personal
    values are (``infra/crypto/cipher.py`` ``SubjectCipher``)."""

    def seal_file(self, subject: str, data: bytes, owner: str | None = None) -> bytes | None:
        """The sealed bytes; ``None`` when the subject has been forgotten."""
        ...

    def open_file(self, subject: str, sealed: bytes) -> bytes | None:
        """The file; ``None`` once the subject's key is gone. Raises ``ValueError``
        for bytes sealed for another subject or altered."""
        ...


class FormPrinter(Protocol):
    """Renders filled forms (the no-writing counter's check-and-sign sheet) as one
    PDF: per form a title, its department and its (label, value) lines, in Japanese
    (``infra/pdf_forms.py``)."""

    def render(self, heading: str, forms: Sequence[tuple[str, str, Sequence[tuple[str, str]]]]) -> bytes: ...
