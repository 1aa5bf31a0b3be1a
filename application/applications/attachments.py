"""Attachments (添付ファイル): uploading bytes into the blob store for a reference
back, binding them to the application that attaches them, and reading them again.

The reference (``{"blob", "media_type", "size", "name"}``) is what an
``attachment`` field's answer holds. Limits: those of the named procedure's
field when ``procedure`` and ``field`` are given, else the defaults (10 MiB;
PDF, JPEG, PNG).

Every blob is sealed (``FileSealer``, AES-256-GCM) behind a small header naming
whose it is (:class:`BlobHeader`): an upload is sealed with a fresh key of its
own (``upload:<uuid>``, owned by the uploading citizen) for its **uploader**, and
the blob id is the SHA-256 of the sealed bytes, so knowing a file's own SHA-256
gives nothing. Submitting (or resubmitting) an application **binds** each
attached upload (:meth:`AttachmentService.bind`): only the caller's own uploads
are accepted (else ``attachment_uploader``, the same for "not yours" and "no such
upload"), and each is sealed again with the **application's key** into a new
blob, which the stored answer refers to. An attachment is read through its
application: only a blob its answers refer to and sealed for it; once the
application's personal data is forgotten it no longer opens (``ATTACHMENT_ERASED``).
Blobs stored before sealing (no header) are read as they are."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from application.catalogue.service import CatalogueService
from application.shared.access import authorize
from application.shared.ports import BlobStore, FileSealer
from domain.applications.application import Application
from domain.catalogue.form_fields_jp import DEFAULT_MAX_BYTES, media_type_allowed
from domain.privacy.individual_number import citizen_subject, contains_individual_number, individual_number_error
from domain.shared.context import Actor
from domain.shared.errors import DomainError, FieldError, NotFound, ValidationFailed
from domain.shared.personal import PersonalData

DEFAULT_MEDIA_TYPES = ("application/pdf", "image/jpeg", "image/png")
OPERATION = "POST /attachments"
DOWNLOAD = "GET /applications/{id}/attachments/{blob}"
MAX_REQUEST_BYTES = 50 * 1024 * 1024  # the largest max_bytes a field may set


_MAGIC = b"madoguchi-blob/1\n"
REFERENCE_KEYS = frozenset({"blob", "media_type", "size", "name"})


@dataclass(frozen=True)
class BlobHeader:
    """Whose a sealed blob is: the key ``subject`` it is sealed with and, for an
    upload not yet attached, the ``uploader`` (``role:subject``, or ``anonymous``)."""

    subject: str
    uploader: str | None
    media_type: str
    size: int


def uploader_of(actor: Actor) -> str:
    return "anonymous" if actor.role == "anonymous" else f"{actor.role}:{actor.subject}"


def _pack(header: BlobHeader, sealed: bytes) -> bytes:
    meta = json.dumps({"subject": header.subject, "uploader": header.uploader,
                       "media_type": header.media_type, "size": header.size}).encode()
    return _MAGIC + meta + b"\n" + sealed


def _unpack(stored: bytes) -> tuple[BlobHeader, bytes] | None:
    """The header and sealed bytes of a blob, or ``None`` for a plaintext blob of old."""
    if not stored.startswith(_MAGIC):
        return None
    meta, _, sealed = stored[len(_MAGIC):].partition(b"\n")
    fields = json.loads(meta)
    return BlobHeader(fields["subject"], fields["uploader"], fields["media_type"], int(fields["size"])), sealed


def _not_yours(path: str) -> FieldError:
    return FieldError(path, "attachment_uploader", "attach a file you uploaded yourself",
                      "ご自身でアップロードしたファイルを添付してください")


class AttachmentService:
    def __init__(self, blobs: BlobStore, catalogue: CatalogueService, sealer: FileSealer) -> None:
        self.blobs = blobs
        self.catalogue = catalogue
        self.sealer = sealer

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
        subject = f"upload:{uuid.uuid4()}"
        owner = citizen_subject(actor.subject) if actor.role == "citizen" else None
        sealed = self.sealer.seal_file(subject, data, owner)
        assert sealed is not None  # a fresh subject is never forgotten
        blob = self.blobs.put(_pack(BlobHeader(subject, uploader_of(actor), media_type, len(data)), sealed))
        return {"blob": blob, "media_type": media_type, "size": len(data), "name": name.strip()}

    # -- binding uploads to the application that attaches them ------------------------
    def bind(self, actor: Actor, data_subject: str, owner: str | None, answers: Any) -> Any:
        """``answers`` with each attachment reference bound to the application of
        ``data_subject``: the caller's own uploads are sealed again with its key
        (a new blob); references already bound to it stay; anything else is refused."""
        errors: list[FieldError] = []
        bound = self._bind(actor, data_subject, owner, answers, "answers", errors)
        if errors:
            raise ValidationFailed(errors)
        return bound

    def _bind(self, actor: Actor, data_subject: str, owner: str | None, value: Any, path: str,
              errors: list[FieldError]) -> Any:
        if isinstance(value, dict) and set(value) == REFERENCE_KEYS and isinstance(value.get("blob"), str):
            reference = self._rebound(actor, data_subject, owner, value)
            if reference is None:
                errors.append(_not_yours(path))
                return value
            return reference
        if isinstance(value, dict):
            return {k: self._bind(actor, data_subject, owner, v, f"{path}.{k}", errors) for k, v in value.items()}
        if isinstance(value, list):
            return [self._bind(actor, data_subject, owner, v, f"{path}[{i}]", errors) for i, v in enumerate(value)]
        return value

    def _rebound(self, actor: Actor, data_subject: str, owner: str | None,
                 reference: dict[str, Any]) -> dict[str, Any] | None:
        stored = self.blobs.get(reference["blob"])
        unpacked = _unpack(stored) if stored is not None else None
        if unpacked is None:
            return None
        header, sealed = unpacked
        if header.subject == data_subject and header.uploader is None:
            return reference  # bound to this application already (a resubmission keeps it)
        if header.uploader != uploader_of(actor) or not header.subject.startswith("upload:"):
            return None
        data = self.sealer.open_file(header.subject, sealed)
        resealed = self.sealer.seal_file(data_subject, data, owner) if data is not None else None
        if resealed is None:
            return None
        blob = self.blobs.put(_pack(BlobHeader(data_subject, None, header.media_type, header.size), resealed))
        return {**reference, "blob": blob, "media_type": header.media_type, "size": header.size}


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


def read_attachment(blobs: BlobStore, sealer: FileSealer, actor: Actor, application: Application,
                    blob: str) -> AttachmentFile:
    """The file of an attachment ``application`` refers to, sealed for it: for the
    applicant and the department's staff (``DOWNLOAD`` in the access policy)."""
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
    unpacked = _unpack(content)
    if unpacked is not None:  # else a plaintext blob stored before sealing
        header, sealed = unpacked
        if header.subject != application.data_subject:
            raise NotFound("no such attachment in this application", message_ja="添付ファイルが見つかりません")
        content = sealer.open_file(header.subject, sealed)
        if content is None:
            raise AttachmentErased()
    return AttachmentFile(content, str(reference["media_type"]), str(reference["name"]))
