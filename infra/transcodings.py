"""How our value types are written into stored events.

``PersonalDataAsDict`` is the single place where personal data is encoded: each
value is sealed with its data subject's key (``infra/crypto``), so the stored
event holds ``{"s": subject, "c": base64(nonce ‖ AES-GCM ciphertext)}`` and no
plaintext; a value whose subject has been forgotten is ``{"s": subject, "x": 1}``.
Decoding a value whose key is gone gives ``PersonalData.erased_for(subject)``."""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from eventsourcing.persistence import Transcoding

from domain.privacy.individual_number import redact_individual_numbers
from domain.shared.context import EventMeta
from domain.shared.personal import PersonalData
from infra.crypto.cipher import SubjectCipher

log = logging.getLogger("madoguchi.privacy")


class EventMetaAsDict(Transcoding):
    type = EventMeta
    name = "meta"

    def encode(self, obj: EventMeta) -> dict[str, Any]:
        return {
            "sub": obj.actor_subject,
            "role": obj.actor_role,
            "dept": obj.actor_department,
            # from request headers: an individual number there never reaches an event
            "cid": redact_individual_numbers(obj.correlation_id),
            "rid": redact_individual_numbers(obj.request_id) if obj.request_id else obj.request_id,
        }

    def decode(self, data: dict[str, Any]) -> EventMeta:
        return EventMeta(data["sub"], data["role"], data["dept"], data["cid"], data.get("rid"))


class PersonalDataAsDict(Transcoding):
    type = PersonalData
    name = "pd"

    def __init__(self, cipher: SubjectCipher) -> None:
        self.cipher = cipher
        self._warned_plaintext = False

    def encode(self, obj: PersonalData) -> dict[str, Any]:
        if not obj.erased:
            sealed = self.cipher.seal(obj.subject, obj.value, obj.owner)
            if sealed is not None:
                return {"s": obj.subject, "c": sealed}
        return {"s": obj.subject, "x": 1}

    def decode(self, data: dict[str, Any]) -> PersonalData:
        subject = data["s"]
        if "c" in data:
            opened, value = self.cipher.open(subject, data["c"])
            return PersonalData(subject, value) if opened else PersonalData.erased_for(subject)
        if "v" in data:  # written before encryption: readable, but it cannot be shredded
            if not self._warned_plaintext:
                self._warned_plaintext = True
                log.warning("events hold unencrypted personal data written before encryption; "
                            "they cannot be crypto-shredded: rebuild this store from scratch")
            return PersonalData(subject, data["v"])
        return PersonalData.erased_for(subject)


class DateAsISO(Transcoding):
    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


def default_transcodings(cipher: SubjectCipher) -> list[Transcoding]:
    return [EventMetaAsDict(), PersonalDataAsDict(cipher), DateAsISO()]
