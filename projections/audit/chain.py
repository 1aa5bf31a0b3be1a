"""Read model: the audit chain — a hash chain and an RFC 6962 Merkle tree over
every stored event, in the global order, with signed checkpoints every N events.

A *raw* projection: it receives the stored events (eventsourcing
``Notification``: position, originator id, version, topic, state bytes) of every
topic, undecoded, so it hashes exactly the bytes in the event table. Its
position is tracked like any projection's, so the chain is exact (each event
once, in order) and resumes after a crash.

Tables (one generation each, like every read model):

- ``audit_chain``: per event its position, leaf index, identity, leaf hash and
  chain hash (hex);
- ``audit_nodes``: the perfect-subtree hashes of the Merkle tree (level ≥ 1),
  so roots and inclusion proofs for any tree size need O(log² n) lookups;
- ``audit_checkpoints``: checkpoints signed every ``checkpoint_every`` events.

Rebuilding it recomputes the chain from the event table *as it is now*: do it
only after ``madoguchi audit verify`` passes; checkpoints kept outside the
database still expose any earlier change.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, ClassVar

from application.audit.chain import GENESIS, canonical, chain_step
from application.audit.checkpoint import Checkpoint, CheckpointSigner, sign_checkpoint
from application.audit.verify import ChainEntry
from application.projection.base import Projection, Tables
from application.projection.state import active_generations
from application.shared.ports import Clock, ViewCursor, ViewStore
from domain.audit.merkle import append_leaf, leaf_hash, root_at


class AuditChain(Projection):
    name = "audit_chain"
    version = 1
    raw: ClassVar[bool] = True
    handles = ()
    tables = ("audit_chain", "audit_nodes", "audit_checkpoints")

    def __init__(
        self,
        signer: CheckpointSigner | None = None,
        clock: Clock | None = None,
        checkpoint_every: int = 0,
    ) -> None:
        self.signer = signer
        self.clock = clock
        self.checkpoint_every = checkpoint_every if signer is not None and clock is not None else 0

    def create(self, cur: ViewCursor, t: Tables) -> None:
        cur.execute(t.sql(
            "CREATE TABLE IF NOT EXISTS {audit_chain} ("
            " position BIGINT PRIMARY KEY, leaf_index BIGINT NOT NULL UNIQUE,"
            " originator_id TEXT NOT NULL, version BIGINT NOT NULL, topic TEXT NOT NULL,"
            " leaf_hash TEXT NOT NULL, chain_hash TEXT NOT NULL)"
        ))
        cur.execute(t.sql(
            "CREATE TABLE IF NOT EXISTS {audit_nodes} ("
            " height INTEGER NOT NULL, idx BIGINT NOT NULL, hash TEXT NOT NULL,"
            " PRIMARY KEY (height, idx))"
        ))
        cur.execute(t.sql(
            "CREATE TABLE IF NOT EXISTS {audit_checkpoints} ("
            " tree_size BIGINT PRIMARY KEY, position BIGINT NOT NULL, root TEXT NOT NULL,"
            " time TEXT NOT NULL, signature TEXT NOT NULL)"
        ))

    def apply(self, cur: ViewCursor, t: Tables, event: Any, position: int) -> None:
        cur.execute(t.sql(
            "SELECT position, leaf_index, leaf_hash, chain_hash FROM {audit_chain}"
            " ORDER BY position DESC LIMIT 1"
        ))
        last = cur.fetchone()
        if last is not None and int(last[0]) >= position:
            raise ValueError(f"audit chain is at position {last[0]}; cannot append {position}")
        index = int(last[1]) + 1 if last else 0
        previous = bytes.fromhex(last[3]) if last else GENESIS
        data = canonical(event)
        leaf = leaf_hash(data)
        cur.execute(
            t.sql("INSERT INTO {audit_chain} VALUES (?, ?, ?, ?, ?, ?, ?)"),
            (position, index, str(event.originator_id), event.originator_version, event.topic,
             leaf.hex(), chain_step(previous, data).hex()),
        )
        known = {(0, index - 1): bytes.fromhex(last[2])} if last else {}

        def subtree(level: int, i: int) -> bytes:
            return known.get((level, i)) or _subtree(cur, t, level, i)

        nodes = append_leaf(index, leaf, subtree)
        if nodes:
            cur.executemany(
                t.sql("INSERT INTO {audit_nodes} (height, idx, hash) VALUES (?, ?, ?)"),
                [(level, i, h.hex()) for level, i, h in nodes],
            )
        size = index + 1
        if self.checkpoint_every and size % self.checkpoint_every == 0:
            assert self.signer is not None and self.clock is not None
            root = root_at(lambda level, i: _subtree(cur, t, level, i), size)
            cp = sign_checkpoint(self.signer, size, root, self.clock.now())
            cur.execute(
                t.sql("INSERT INTO {audit_checkpoints} VALUES (?, ?, ?, ?, ?)"),
                (size, position, cp.root, cp.time, cp.signature),
            )


def _subtree(cur: ViewCursor, t: Tables, level: int, index: int) -> bytes:
    if level == 0:
        cur.execute(t.sql("SELECT leaf_hash FROM {audit_chain} WHERE leaf_index = ?"), (index,))
    else:
        cur.execute(
            t.sql("SELECT hash FROM {audit_nodes} WHERE height = ? AND idx = ?"), (level, index)
        )
    row = cur.fetchone()
    if row is None:
        raise LookupError(f"the audit tree has no node at level {level}, index {index}")
    return bytes.fromhex(row[0])


_ENTRY = "position, leaf_index, originator_id, version, topic, leaf_hash, chain_hash"


def _entry(row: tuple[Any, ...]) -> ChainEntry:
    return ChainEntry(int(row[0]), int(row[1]), row[2], int(row[3]), row[4], row[5], row[6])


@dataclass
class ChainSnapshot:
    """The active generation of the chain, read in one snapshot."""

    cur: ViewCursor
    t: Tables
    position: int
    size: int

    def entries(self, after: int, limit: int) -> list[ChainEntry]:
        self.cur.execute(
            self.t.sql(f"SELECT {_ENTRY} FROM {{audit_chain}} WHERE position > ? AND position <= ?"
                       " ORDER BY position LIMIT ?"),
            (after, self.position, limit),
        )
        return [_entry(r) for r in self.cur.fetchall()]

    def entry(self, position: int) -> ChainEntry | None:
        if position > self.position:
            return None
        self.cur.execute(
            self.t.sql(f"SELECT {_ENTRY} FROM {{audit_chain}} WHERE position = ?"), (position,)
        )
        row = self.cur.fetchone()
        return _entry(row) if row else None

    def subtree(self, level: int, index: int) -> bytes:
        if index < 0 or (index + 1) << level > self.size:
            raise LookupError(f"no complete subtree at level {level}, index {index}")
        return _subtree(self.cur, self.t, level, index)

    def nodes(self, level: int, start: int, limit: int) -> list[tuple[int, str]]:
        self.cur.execute(
            self.t.sql("SELECT idx, hash FROM {audit_nodes} WHERE height = ? AND idx >= ?"
                       " ORDER BY idx LIMIT ?"),
            (level, start, limit),
        )
        return [(int(i), h) for i, h in self.cur.fetchall()]

    def checkpoints(self) -> list[Checkpoint]:
        self.cur.execute(self.t.sql(
            "SELECT tree_size, root, time, signature FROM {audit_checkpoints}"
            " WHERE tree_size <= ? ORDER BY tree_size"
        ), (self.size,))
        return [Checkpoint(int(r[0]), r[1], r[2], r[3]) for r in self.cur.fetchall()]


class AuditChainStore:
    """``application.audit.service.ChainStore`` over the read-model store."""

    def __init__(self, store: ViewStore, projection: AuditChain | None = None) -> None:
        self.store = store
        self.projection = projection or AuditChain()

    @contextmanager
    def snapshot(self) -> Iterator[ChainSnapshot]:
        with self.store.read() as cur:
            gs = active_generations(cur).get(AuditChain.name)
            if gs is None:
                raise LookupError("the audit_chain projection has no serving generation")
            t = Tables(self.projection.tables, gs.generation)
            cur.execute(
                t.sql("SELECT leaf_index FROM {audit_chain} WHERE position <= ?"
                      " ORDER BY position DESC LIMIT 1"),
                (gs.position,),
            )
            last = cur.fetchone()
            size = int(last[0]) + 1 if last else 0
            yield ChainSnapshot(cur, t, gs.position, size)
