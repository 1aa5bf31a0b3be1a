"""Issued documents (交付文書): the files staff hand over when completing an
application (e.g. 「住民票の写し」 as a PDF), and the rules for describing them.

A document is recorded in ``ApplicationCompleted.documents`` (domain/applications/application.py)
as a dict: ``id`` (the blob holding the sealed file), ``title_ja``/``title_en``,
``media_type``, ``size`` and ``file`` — the file name and the SHA-256 of the
plaintext, as :class:`PersonalData` of the application's data subject (a file
name may name the person; forgetting the subject erases both)."""

from __future__ import annotations

import re
from typing import Any

from domain.catalogue.form_fields_jp import media_type_allowed
from domain.privacy.individual_number import contains_individual_number, individual_number_error
from domain.shared.errors import DomainError, FieldError
from domain.shared.personal import PersonalData

MAX_DOCUMENTS = 10
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024
MAX_TITLE_LENGTH = 100
MEDIA_TYPES = ("application/pdf", "image/jpeg", "image/png", "text/plain", "text/csv",
               "application/zip", "application/xml")
_DOCUMENT_ID = re.compile(r"^[0-9a-f]{64}$")


class LinkInvalid(DomainError):
    """A download link that is malformed, altered, or not the caller's (HTTP 403)."""

    code = "LINK_INVALID"


class LinkExpired(DomainError):
    """A genuine download link past its expiry (HTTP 410)."""

    code = "LINK_EXPIRED"


class DocumentErased(DomainError):
    """The document's data subject has been forgotten: its key is gone (HTTP 410)."""

    code = "DOCUMENT_ERASED"


def is_document_id(value: object) -> bool:
    return isinstance(value, str) and bool(_DOCUMENT_ID.match(value))


def upload_errors(*, name: str, title_ja: str, title_en: str, media_type: str, size: int) -> list[FieldError]:
    """What is wrong with an issued document's description (empty when nothing)."""
    errors: list[FieldError] = []
    if contains_individual_number(name):
        errors.append(individual_number_error("name", "the file name", "ファイル名"))
    elif not name.strip() or len(name) > 255 or "/" in name or "\\" in name:
        errors.append(FieldError("name", "required", "a file name of at most 255 characters, without "
                                 "slashes, is required", "ファイル名（255文字以内、/ を含まない）を指定してください"))
    for path, title, label_ja in (("title", title_ja, "文書名"), ("titleEn", title_en, "文書名（英語）")):
        if contains_individual_number(title):
            errors.append(individual_number_error(path, "the title", label_ja))
        elif not title.strip() or len(title) > MAX_TITLE_LENGTH:
            errors.append(FieldError(path, "required", f"a title of at most {MAX_TITLE_LENGTH} characters "
                                     "is required", f"{label_ja}（{MAX_TITLE_LENGTH}文字以内）を指定してください",
                                     {"max_length": MAX_TITLE_LENGTH}))
    if size == 0:
        errors.append(FieldError("file", "required", "the file is empty", "ファイルが空です"))
    elif size > MAX_DOCUMENT_BYTES:
        errors.append(FieldError("file", "max_bytes", f"the file must be at most {MAX_DOCUMENT_BYTES} bytes",
                                 f"ファイルは{MAX_DOCUMENT_BYTES}バイト以下にしてください",
                                 {"max_bytes": MAX_DOCUMENT_BYTES}))
    if not media_type_allowed(media_type, MEDIA_TYPES):
        errors.append(FieldError("file", "media_type", "this type of file cannot be issued",
                                 "この形式のファイルは交付できません", {"media_types": list(MEDIA_TYPES)}))
    return errors


def document_record(*, id: str, subject: str, owner: str | None, name: str, sha256: str,
                    title_ja: str, title_en: str, media_type: str, size: int) -> dict[str, Any]:
    """One entry of ``ApplicationCompleted.documents``."""
    return {"id": id, "title_ja": title_ja, "title_en": title_en, "media_type": media_type,
            "size": size, "file": PersonalData(subject, {"name": name, "sha256": sha256}, owner=owner)}


def documents_errors(documents: list[dict[str, Any]]) -> list[FieldError]:
    """Completion-time checks of the documents list (ids unique, not too many)."""
    if len(documents) > MAX_DOCUMENTS:
        return [FieldError("documents", "max_items", f"at most {MAX_DOCUMENTS} documents",
                           f"交付文書は{MAX_DOCUMENTS}件までです", {"max_items": MAX_DOCUMENTS})]
    ids = [d.get("id") for d in documents]
    if len(set(ids)) != len(ids) or not all(is_document_id(i) for i in ids):
        return [FieldError("documents", "unique", "each document once, by the id its upload returned",
                           "交付文書はアップロード時のIDで一度ずつ指定してください")]
    return []
