"""How our value types are written into stored events.

``PersonalDataAsDict`` is the single place where personal data is encoded; the
privacy capability replaces its body with per-subject encryption."""

from __future__ import annotations

from datetime import date
from typing import Any

from eventsourcing.persistence import Transcoding

from domain.context import EventMeta
from domain.personal import PersonalData


class EventMetaAsDict(Transcoding):
    type = EventMeta
    name = "meta"

    def encode(self, obj: EventMeta) -> dict[str, Any]:
        return {
            "sub": obj.actor_subject,
            "role": obj.actor_role,
            "dept": obj.actor_department,
            "cid": obj.correlation_id,
            "rid": obj.request_id,
        }

    def decode(self, data: dict[str, Any]) -> EventMeta:
        return EventMeta(data["sub"], data["role"], data["dept"], data["cid"], data.get("rid"))


class PersonalDataAsDict(Transcoding):
    type = PersonalData
    name = "pd"

    def encode(self, obj: PersonalData) -> dict[str, Any]:
        return {"s": obj.subject, "v": obj.value}

    def decode(self, data: dict[str, Any]) -> PersonalData:
        return PersonalData(subject=data["s"], value=data["v"])


class DateAsISO(Transcoding):
    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


def default_transcodings() -> list[Transcoding]:
    return [EventMetaAsDict(), PersonalDataAsDict(), DateAsISO()]
