"""Issued documents (交付文書): staff upload a file for an application, attach it
when completing the application, and the applicant (or the department's staff)
downloads it through a short-lived signed link.

Storage: the blob store (``application.shared.ports.BlobStore``) holds each document
sealed with the key of the application's data subject (``FileSealer``): a
4-byte header length, a JSON header (application id, file name, titles, media
type, size, SHA-256 of the file) and the file, all encrypted together. The
blob's name (the SHA-256 of the sealed bytes) is the document id. Forgetting
the data subject shreds the key, and the document with it.

Links: ``/downloads/<payload>.<mac>``; the payload is the base64url JSON of
document id, application id, holder (``role:subject`` of whoever minted it)
and expiry (Unix seconds); the MAC is HMAC-SHA256 under a key derived from the
master key. See docs/security.md#issued-documents-and-download-links."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from application.applications.service import ApplicationService
from application.catalogue.service import CatalogueService
from application.shared.access import authorize
from application.shared.eventlog import CityLog
from application.shared.ports import BlobStore, FileSealer
from application.shared.results import CommandResult
from domain.applications.application import Application
from domain.applications.issued_documents import (
    DocumentErased,
    LinkExpired,
    LinkInvalid,
    document_record,
    is_document_id,
    upload_errors,
)
from domain.applications.status import Status
from domain.privacy.individual_number import citizen_subject
from domain.shared.context import Actor, CommandContext
from domain.shared.errors import Conflict, FieldError, InvalidTransition, NotFound, ValidationFailed

UPLOAD = "POST /documents"
MINT = "createDownloadLink"
DOWNLOAD = "GET /downloads/{token}"
DOWNLOAD_PATH = "/downloads/"
_LINK_CONTEXT = b"madoguchi/download-link/v1\0"
_RETRIES = 3


@dataclass(frozen=True)
class DownloadLink:
    url: str
    expires_at: datetime


@dataclass(frozen=True)
class Download:
    name: str
    media_type: str
    content: bytes
    position: int  # of the DocumentDownloaded event


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def holder(actor: Actor) -> str:
    """Whom a link is bound to: role and subject of the caller who minted it."""
    return f"{actor.role}:{actor.subject}"


class IssuedDocumentService:
    def __init__(self, log: CityLog, applications: ApplicationService, catalogue: CatalogueService,
                 blobs: BlobStore, sealer: FileSealer, *, link_key: bytes, link_ttl: timedelta) -> None:
        self.log = log
        self.applications = applications
        self.catalogue = catalogue
        self.blobs = blobs
        self.sealer = sealer
        self.link_key = link_key
        self.link_ttl = link_ttl

    # -- staff: upload, then complete with the ids ------------------------------------
    def upload(self, actor: Actor, application_id: str, data: bytes, *, media_type: str, name: str,
               title_ja: str | None = None, title_en: str | None = None) -> dict[str, Any]:
        application = self.applications.get(application_id)
        authorize(actor, UPLOAD, department=application.department)
        if application.status is not Status.APPROVED:  # documents are issued by completing it
            raise InvalidTransition("documents are uploaded for an approved application",
                                    message_ja="交付文書は承認済みの申請にのみ登録できます")
        procedure = self.catalogue.get_procedure(application.procedure_code)
        header = {
            "application": str(application.id), "name": name.strip(),
            "title_ja": (title_ja or procedure.name_ja).strip(),
            "title_en": (title_en or procedure.name_en).strip(),
            "media_type": media_type.split(";", 1)[0].strip().lower(),
            "size": len(data), "sha256": hashlib.sha256(data).hexdigest(),
        }
        errors = upload_errors(name=name, title_ja=header["title_ja"], title_en=header["title_en"],
                               media_type=header["media_type"], size=len(data))
        if errors:
            raise ValidationFailed(errors)
        head = json.dumps(header, ensure_ascii=False, separators=(",", ":")).encode()
        sealed = self.sealer.seal_file(application.data_subject, len(head).to_bytes(4, "big") + head + data,
                                       self._owner(application))
        if sealed is None:
            raise DocumentErased("the applicant's personal data has been erased",
                                 message_ja="申請者の個人情報は消去されています")
        document_id = self.blobs.put(sealed)
        return {"id": document_id, **{k: v for k, v in header.items() if k != "application"}}

    def complete(self, ctx: CommandContext, application_id: str,
                 document_ids: Sequence[str] = ()) -> CommandResult:
        """Complete the application, issuing the uploaded documents ``document_ids``
        (each must have been uploaded for this application)."""
        application = self.applications.get(application_id)
        authorize(ctx.actor, "completeApplication", department=application.department,
                  owner=application.applicant_subject)
        records, errors = [], []
        for i, document_id in enumerate(document_ids):
            try:
                header, _ = self._open(application, document_id)
            except (NotFound, DocumentErased):
                errors.append(FieldError(f"documents.{i}", "unknown_document",
                                         "not a document uploaded for this application",
                                         "この申請のためにアップロードされた文書ではありません"))
                continue
            records.append(document_record(
                id=document_id, subject=application.data_subject, owner=self._owner(application),
                name=header["name"], sha256=header["sha256"], title_ja=header["title_ja"],
                title_en=header["title_en"], media_type=header["media_type"], size=header["size"]))
        if errors:
            raise ValidationFailed(errors)
        return self.applications.complete(ctx, application_id, documents=records)

    # -- links ---------------------------------------------------------------------------
    def mint_link(self, ctx: CommandContext, application_id: str, document_id: str) -> DownloadLink:
        """A link for the caller only, valid for ``link_ttl``: the applicant
        (signed in) or staff of the application's department."""
        application = self.applications.get(application_id)
        authorize(ctx.actor, MINT, department=application.department, owner=application.applicant_subject)
        if application.issued_document(document_id)["file"].erased:
            raise DocumentErased("this document has been erased", message_ja="この文書は消去されています")
        expires_at = ctx.occurred_at + self.link_ttl
        payload = _b64(json.dumps({"d": document_id, "a": str(application.id), "h": holder(ctx.actor),
                                   "e": int(expires_at.timestamp())}, separators=(",", ":")).encode())
        return DownloadLink(f"{DOWNLOAD_PATH}{payload}.{_b64(self._mac(payload))}",
                            datetime.fromtimestamp(int(expires_at.timestamp()), tz=expires_at.tzinfo))

    def _mac(self, payload: str) -> bytes:
        return hmac.new(self.link_key, _LINK_CONTEXT + payload.encode("ascii"), hashlib.sha256).digest()

    def _claims(self, token: str, now: datetime) -> dict[str, Any]:
        invalid = LinkInvalid("this download link is not valid", message_ja="このダウンロードリンクは無効です")
        payload, _, mac = token.partition(".")
        try:
            given = _unb64(mac)
            genuine = hmac.compare_digest(given, self._mac(payload))
        except (binascii.Error, ValueError, UnicodeEncodeError):
            raise invalid from None
        if not genuine:
            raise invalid
        claims = json.loads(_unb64(payload))
        if now.timestamp() >= claims["e"]:
            raise LinkExpired("this download link has expired; ask for a new one",
                              message_ja="ダウンロードリンクの有効期限が切れました。もう一度発行してください")
        return claims

    def download(self, ctx: CommandContext, token: str) -> Download:
        """Verify the link (signature, expiry, holder), record ``DocumentDownloaded``,
        then give the decrypted file."""
        authorize(ctx.actor, DOWNLOAD)
        claims = self._claims(token, ctx.occurred_at)
        if not hmac.compare_digest(claims["h"].encode(), holder(ctx.actor).encode()):
            raise LinkInvalid("this download link was issued to someone else",
                              message_ja="このダウンロードリンクは無効です")
        for attempt in range(_RETRIES):
            application = self.applications.get(claims["a"])
            header, content = self._open(application, claims["d"])
            application.record_download(ctx, claims["d"])
            try:
                position = self.log.store(application)
            except Conflict:  # someone changed the application meanwhile: reload and retry
                if attempt == _RETRIES - 1:
                    raise
                continue
            return Download(header["name"], header["media_type"], content, position)
        raise AssertionError("unreachable")

    # -- the sealed blob -----------------------------------------------------------------
    @staticmethod
    def _owner(application: Application) -> str | None:
        return citizen_subject(application.applicant_subject) if application.applicant_subject else None

    def _open(self, application: Application, document_id: str) -> tuple[dict[str, Any], bytes]:
        not_found = NotFound("no such document", message_ja="文書が見つかりません")
        sealed = self.blobs.get(document_id) if is_document_id(document_id) else None
        if sealed is None:
            raise not_found
        try:
            plain = self.sealer.open_file(application.data_subject, sealed)
        except ValueError:  # sealed for another application, or altered
            raise not_found from None
        if plain is None:
            raise DocumentErased("this document has been erased", message_ja="この文書は消去されています")
        size = int.from_bytes(plain[:4], "big")
        header = json.loads(plain[4:4 + size])
        if header.get("application") != str(application.id):
            raise not_found
        return header, plain[4 + size:]
