"""The hash chain over the global event order, and the canonical bytes of a
stored event that both the chain and the Merkle tree hash.

canonical(e) = u64(position) ‖ str(originator_id) ‖ u64(version) ‖ topic ‖ state

where ``u64`` is 8 bytes big-endian and each string or byte field is written as
``u64(length) ‖ bytes`` (strings in UTF-8; ``originator_id`` in its text form,
a UUID as ``xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx``). Lengths make the encoding
unambiguous: no two different events have the same canonical bytes.

h_0 = 32 zero bytes; h_i = SHA-256(h_{i-1} ‖ canonical(event_i)).

The chain is written with the events: the event store's recorder computes each
new event's entry (``extend_chain``) in the transaction that inserts the event,
under the lock that orders positions (``infra/store/chained.py``).
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from domain.audit.merkle import Frontier, leaf_hash

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


@dataclass(frozen=True)
class ChainEntry:
    """One row of the audit chain, as the recorder wrote it with its event."""

    position: int
    leaf_index: int
    originator_id: str
    version: int
    topic: str
    leaf_hash: str
    chain_hash: str


@dataclass
class ChainExtension:
    """What appending events adds: their chain entries, the perfect subtrees
    they complete (``(level, index, hash hex)``, level ≥ 1) and the roots asked for."""

    entries: list[ChainEntry] = field(default_factory=list)
    nodes: list[tuple[int, int, str]] = field(default_factory=list)
    roots: dict[int, bytes] = field(default_factory=dict)


def extend_chain(
    last: ChainEntry | None,
    frontier: Mapping[tuple[int, int], bytes],
    records: Sequence[StoredRecord],
    want_root: Callable[[int], bool] = lambda _size: False,
) -> ChainExtension:
    """Chain ``records`` (in position order, all after ``last``) onto the chain
    whose newest entry is ``last``. ``frontier`` holds the stored perfect subtrees
    of level ≥ 1 named by ``merkle.frontier_nodes(last.leaf_index + 1)``."""
    size = last.leaf_index + 1 if last else 0
    known = dict(frontier)
    if last is not None:
        known[(0, last.leaf_index)] = bytes.fromhex(last.leaf_hash)
    tree = Frontier.resume(size, lambda level, index: known[(level, index)])
    previous = bytes.fromhex(last.chain_hash) if last else GENESIS
    after = last.position if last else 0
    out = ChainExtension()
    for record in records:
        if record.id <= after:
            raise ValueError(f"position {record.id} does not follow the chain's position {after}")
        data = canonical(record)
        leaf = leaf_hash(data)
        previous = chain_step(previous, data)
        out.entries.append(ChainEntry(record.id, tree.size, str(record.originator_id),
                                      record.originator_version, record.topic, leaf.hex(),
                                      previous.hex()))
        out.nodes += [(level, index, h.hex()) for level, index, h in tree.append(leaf)]
        if want_root(tree.size):
            out.roots[tree.size] = tree.root()
        after = record.id
    return out
