"""The hash chain over the global event order, and the canonical bytes of a
stored event that both the chain and the Merkle tree hash.

canonical(e) = u64(position) ‖ str(originator_id) ‖ u64(version) ‖ topic ‖ state

where ``u64`` is 8 bytes big-endian and each string or byte field is written as
``u64(length) ‖ bytes`` (strings in UTF-8; ``originator_id`` in its text form,
a UUID as ``xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx``). Lengths make the encoding
unambiguous: no two different events have the same canonical bytes.

h_0 = 32 zero bytes; h_i = SHA-256(h_{i-1} ‖ canonical(event_i)).
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from typing import Any, Protocol

GENESIS = bytes(32)


class StoredRecord(Protocol):
    """A stored event as the recorder returns it (eventsourcing ``Notification``)."""

    @property
    def id(self) -> int: ...

    @property
    def originator_id(self) -> Any: ...

    @property
    def originator_version(self) -> int: ...

    @property
    def topic(self) -> str: ...

    @property
    def state(self) -> bytes: ...


def _u64(value: int) -> bytes:
    if value < 0:
        raise ValueError("negative values have no canonical form")
    return value.to_bytes(8, "big")


def _field(data: bytes) -> bytes:
    return _u64(len(data)) + data


def canonical_event(
    position: int, originator_id: Any, version: int, topic: str, state: bytes
) -> bytes:
    return b"".join((
        _u64(position),
        _field(str(originator_id).encode("utf-8")),
        _u64(version),
        _field(topic.encode("utf-8")),
        _field(bytes(state)),
    ))


def canonical(record: StoredRecord) -> bytes:
    return canonical_event(
        record.id, record.originator_id, record.originator_version, record.topic, record.state
    )


def chain_step(previous: bytes, canonical_bytes: bytes) -> bytes:
    return hashlib.sha256(previous + canonical_bytes).digest()


@dataclass(frozen=True)
class ExportedEvent:
    """One stored event as exported for auditors (JSON lines): the raw stored
    fields, state in base64. Satisfies ``StoredRecord``."""

    id: int
    originator_id: str
    originator_version: int
    topic: str
    state: bytes

    @classmethod
    def of(cls, record: StoredRecord) -> ExportedEvent:
        return cls(record.id, str(record.originator_id), record.originator_version,
                   record.topic, bytes(record.state))

    def to_json(self) -> dict[str, Any]:
        return {
            "position": self.id,
            "originator_id": self.originator_id,
            "version": self.originator_version,
            "topic": self.topic,
            "state": base64.b64encode(self.state).decode("ascii"),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ExportedEvent:
        return cls(int(data["position"]), str(data["originator_id"]), int(data["version"]),
                   str(data["topic"]), base64.b64decode(data["state"], validate=True))
