"""Attachments (添付ファイル): uploading bytes into the blob store for a reference
back, and reading an application's attachment again.

The reference (``{"blob", "media_type", "size", "name"}``) is what an
``attachment`` field's answer holds. Limits: those of the named procedure's
field when ``procedure`` and ``field`` are given, else the defaults (10 MiB;
PDF, JPEG, PNG). An attachment is read through its application: only a blob
that application's answers refer to, for whoever may read the application."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from application.catalogue.service import CatalogueService
from application.shared.access import authorize
from application.shared.ports import BlobStore
from domain.applications.application import Application
from domain.catalogue.form_fields_jp import DEFAULT_MAX_BYTES, media_type_allowed
from domain.privacy.individual_number import contains_individual_number, individual_number_error
from domain.shared.context import Actor
from domain.shared.errors import DomainError, FieldError, NotFound, ValidationFailed
from domain.shared.personal import PersonalData

DEFAULT_MEDIA_TYPES = ("application/pdf", "image/jpeg", "image/png")
OPERATION = "POST /attachments"
DOWNLOAD = "GET /applications/{id}/attachments/{blob}"
MAX_REQUEST_BYTES = 50 * 1024 * 1024  # the largest max_bytes a field may set


class AttachmentService:
    def __init__(self, blobs: BlobStore, catalogue: CatalogueService) -> None:
        self.blobs = blobs
        self.catalogue = catalogue

    def limits(self, procedure: str | None, field: str | None) -> tuple[int, tuple[str, ...]]:
        if not procedure or not field:
            return DEFAULT_MAX_BYTES, DEFAULT_MEDIA_TYPES
        form_field = self.catalogue.get_procedure(procedure).current_form.field(field)
        if form_field is None or form_field.type != "attachment":
            raise ValidationFailed([FieldError(
                "field", "unknown_field", f"{field} is not an attachment field of {procedure}",
                "指定された項目は添付ファイルの項目ではありません")])
        c = form_field.constraints
        return c.get("max_bytes", DEFAULT_MAX_BYTES), tuple(c.get("media_types") or ())

    def upload(self, actor: Actor, data: bytes, *, media_type: str, name: str,
               procedure: str | None = None, field: str | None = None) -> dict[str, Any]:
        authorize(actor, OPERATION)
        max_bytes, media_types = self.limits(procedure, field)
        media_type = media_type.split(";", 1)[0].strip().lower()
        errors = []
        if contains_individual_number(name):
            errors.append(individual_number_error("name", "the file name", "ファイル名"))
        elif not name.strip() or len(name) > 255:
            errors.append(FieldError("name", "required", "a file name of at most 255 characters is required",
                                     "ファイル名（255文字以内）を指定してください"))
        if len(data) > max_bytes:
            errors.append(FieldError("file", "max_bytes", f"the file must be at most {max_bytes} bytes",
                                     f"ファイルは{max_bytes}バイト以下にしてください",
                                     {"max_bytes": max_bytes}))
        if not media_type_allowed(media_type, media_types):
            errors.append(FieldError("file", "media_type", "this type of file is not accepted",
                                     "この形式のファイルは添付できません",
                                     {"media_types": list(media_types)}))
        if errors:
            raise ValidationFailed(errors)
        blob = self.blobs.put(data)
        return {"blob": blob, "media_type": media_type, "size": len(data), "name": name.strip()}


class AttachmentErased(DomainError):
    """The application's personal data (its attachments with it) was forgotten."""

    code = "ATTACHMENT_ERASED"

    def __init__(self) -> None:
        super().__init__("the attachment was erased with the application's personal data",
                         message_ja="この添付ファイルは個人情報の消去により削除されました")


@dataclass(frozen=True)
class AttachmentFile:
    content: bytes
    media_type: str
    name: str


def attachment_references(answers: Any) -> Iterator[tuple[dict[str, Any] | None, bool]]:
    """Every attachment reference in ``answers`` (groups and lists included), as
    ``(reference, erased)``; an erased personal value yields ``(None, True)``."""
    if isinstance(answers, PersonalData):
        if answers.erased:
            yield None, True
        else:
            yield from attachment_references(answers.value)
    elif isinstance(answers, dict):
        if {"blob", "media_type", "size", "name"} <= set(answers):
            yield answers, False
        else:
            for value in answers.values():
                yield from attachment_references(value)
    elif isinstance(answers, list):
        for value in answers:
            yield from attachment_references(value)


def read_attachment(blobs: BlobStore, actor: Actor, application: Application, blob: str) -> AttachmentFile:
    """The file of an attachment ``application`` refers to: for the applicant and
    the department's staff (``DOWNLOAD`` in the access policy)."""
    authorize(actor, DOWNLOAD)
    authorize(actor, DOWNLOAD, department=application.department, owner=application.applicant_subject)
    found = list(attachment_references(application.answers))
    reference = next((r for r, _ in found if r is not None and r["blob"] == blob), None)
    if reference is None:
        if any(erased for _, erased in found):
            raise AttachmentErased()
        raise NotFound("no such attachment in this application", message_ja="添付ファイルが見つかりません")
    content = blobs.get(blob)
    if content is None:
        raise NotFound("the attachment's file is missing", message_ja="添付ファイルが見つかりません")
    return AttachmentFile(content, str(reference["media_type"]), str(reference["name"]))
