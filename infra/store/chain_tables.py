"""The audit chain's tables beside the event table, and the writing and reading
of them that SQLite and PostgreSQL share (``infra/store/chained.py`` holds the
recorders that call this inside their insert transaction).

Tables, in the event database (``<prefix>`` is ``stored_`` on SQLite,
``madoguchi_`` on PostgreSQL):

- ``<prefix>audit_chain``: per event its position, leaf index, identity, leaf
  hash and chain hash (hex), written in the event's own transaction;
- ``<prefix>audit_nodes``: the perfect-subtree hashes (level ≥ 1) of the Merkle
  tree, so roots and proofs for any size take O(log² n) lookups;
- ``<prefix>audit_checkpoints``: checkpoints signed every N events (when the
  composition root gives the recorder a signer).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from eventsourcing.persistence import PersistenceError

from application.audit.chain import ChainEntry, StoredRecord, extend_chain
from application.audit.checkpoint import Checkpoint, CheckpointSigner, sign_checkpoint
from application.shared.ports import Clock
from domain.audit.merkle import frontier_nodes


class UnsealedStore(PersistenceError):
    """Events stored before chaining existed have no chain entries yet."""


class ChainBroken(PersistenceError):
    """The chain table and the event table disagree: refuse to write on top."""


class Cursor(Protocol):
    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any: ...

    def executemany(self, sql: str, params: Sequence[Sequence[Any]]) -> Any: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> Any: ...


@dataclass(frozen=True)
class CheckpointPolicy:
    """Sign a checkpoint into the database every ``every`` events."""

    signer: CheckpointSigner
    clock: Clock
    every: int


_ENTRY = "position, leaf_index, originator_id, version, topic, leaf_hash, chain_hash"


def _entry(row: Sequence[Any]) -> ChainEntry:
    return ChainEntry(int(row[0]), int(row[1]), str(row[2]), int(row[3]), str(row[4]),
                      str(row[5]), str(row[6]))


@dataclass(frozen=True)
class ChainTables:
    """The SQL of the chain tables next to ``events`` (whose position column is ``pos``)."""

    events: str
    pos: str
    prefix: str

    @classmethod
    def beside(cls, events_table: str, pos: str, qualify: str = "") -> ChainTables:
        prefix = events_table[: -len("events")] if events_table.endswith("events") else events_table + "_"
        return cls(f"{qualify}{events_table}", pos, f"{qualify}{prefix}")

    @property
    def chain(self) -> str:
        return f"{self.prefix}audit_chain"

    @property
    def nodes(self) -> str:
        return f"{self.prefix}audit_nodes"

    @property
    def checkpoints(self) -> str:
        return f"{self.prefix}audit_checkpoints"

    def ddl(self) -> list[str]:
        return [
            f"CREATE TABLE IF NOT EXISTS {self.chain} ("
            " position BIGINT PRIMARY KEY, leaf_index BIGINT NOT NULL UNIQUE,"
            " originator_id TEXT NOT NULL, version BIGINT NOT NULL, topic TEXT NOT NULL,"
            " leaf_hash TEXT NOT NULL, chain_hash TEXT NOT NULL)",
            f"CREATE TABLE IF NOT EXISTS {self.nodes} ("
            " height INTEGER NOT NULL, idx BIGINT NOT NULL, hash TEXT NOT NULL,"
            " PRIMARY KEY (height, idx))",
            f"CREATE TABLE IF NOT EXISTS {self.checkpoints} ("
            " tree_size BIGINT PRIMARY KEY, position BIGINT NOT NULL, root TEXT NOT NULL,"
            " time TEXT NOT NULL, signature TEXT NOT NULL)",
        ]

    # -- writing (inside the insert transaction, under the position lock) ----
    def last_sql(self) -> str:
        return f"SELECT {_ENTRY} FROM {self.chain} ORDER BY position DESC LIMIT 1"

    @staticmethod
    def entry_of(row: Sequence[Any] | None) -> ChainEntry | None:
        return _entry(row) if row else None

    def last(self, cur: Cursor) -> ChainEntry | None:
        cur.execute(self.last_sql())
        return self.entry_of(cur.fetchone())

    def append(
        self,
        cur: Cursor,
        records: Sequence[StoredRecord],
        policy: CheckpointPolicy | None = None,
        *,
        sealing: bool = False,
    ) -> ChainEntry | None:
        """Chain ``records`` (just inserted, position order) onto the stored chain."""
        if not records:
            return None
        last = self.last(cur)
        older = False
        if last is None and not sealing:
            cur.execute(f"SELECT 1 FROM {self.events} WHERE {self.pos} < ? LIMIT 1", (records[0].id,))
            older = cur.fetchone() is not None
        wanted = self.frontier_wanted(last)
        frontier: dict[tuple[int, int], bytes] = {}
        if wanted:
            where = " OR ".join("(height = ? AND idx = ?)" for _ in wanted)
            cur.execute(f"SELECT height, idx, hash FROM {self.nodes} WHERE {where}",
                        [v for node in wanted for v in node])
            frontier = self.frontier_of(cur.fetchall())
        return self.extend(cur, last, frontier, records, policy, older_events=older)

    @staticmethod
    def frontier_wanted(last: ChainEntry | None) -> list[tuple[int, int]]:
        """The stored nodes (level ≥ 1) a new leaf needs after ``last``."""
        return [n for n in frontier_nodes(last.leaf_index + 1 if last else 0) if n[0] > 0]

    @staticmethod
    def frontier_of(rows: Sequence[Sequence[Any]]) -> dict[tuple[int, int], bytes]:
        return {(int(h), int(i)): bytes.fromhex(v) for h, i, v in rows}

    def frontier_sql(self) -> str:
        """The frontier nodes of the stored tree in one statement (PostgreSQL)."""
        return (
            f"SELECT n.height, n.idx, n.hash FROM (SELECT leaf_index + 1 AS size FROM {self.chain}"
            " ORDER BY position DESC LIMIT 1) AS s CROSS JOIN generate_series(1, 62) AS g(level)"
            f" JOIN {self.nodes} AS n ON n.height = g.level AND n.idx = (s.size >> (g.level + 1)) * 2"
            " WHERE (s.size >> g.level) & 1 = 1"
        )

    def extend(
        self,
        cur: Cursor,
        last: ChainEntry | None,
        frontier: dict[tuple[int, int], bytes],
        records: Sequence[StoredRecord],
        policy: CheckpointPolicy | None,
        *,
        older_events: bool = False,
    ) -> ChainEntry:
        """Write the entries, nodes and due checkpoints of ``records`` after ``last``
        (``older_events``: the table held events before these and the chain is empty)."""
        first = records[0].id
        if last is None and older_events:
            raise UnsealedStore(
                "this event store holds events from before the audit chain was written with "
                "them: run `madoguchi audit seal` once (docs/security.md) before writing"
            )
        if last is not None and last.position >= first:
            raise ChainBroken(
                f"position {first} is already in the audit chain (as {last.originator_id} "
                f"v{last.version}): the event table was changed; run `madoguchi audit verify`"
            )
        missing = [n for n in self.frontier_wanted(last) if n not in frontier]
        if missing:
            raise ChainBroken(f"the audit tree lacks its stored nodes {missing}: "
                              "the chain tables were changed; run `madoguchi audit verify`")
        every = policy.every if policy else 0
        ext = extend_chain(last, frontier, records, lambda s: bool(every) and s % every == 0)
        cur.executemany(
            f"INSERT INTO {self.chain} ({_ENTRY}) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(e.position, e.leaf_index, e.originator_id, e.version, e.topic, e.leaf_hash,
              e.chain_hash) for e in ext.entries],
        )
        if ext.nodes:
            cur.executemany(f"INSERT INTO {self.nodes} (height, idx, hash) VALUES (?, ?, ?)",
                            ext.nodes)
        if policy is not None and ext.roots:
            now = policy.clock.now()
            position_of = {e.leaf_index + 1: e.position for e in ext.entries}
            signed = [sign_checkpoint(policy.signer, s, root, now) for s, root in ext.roots.items()]
            cur.executemany(
                f"INSERT INTO {self.checkpoints} (tree_size, position, root, time, signature)"
                " VALUES (?, ?, ?, ?, ?)",
                [(cp.tree_size, position_of[cp.tree_size], cp.root, cp.time, cp.signature)
                 for cp in signed],
            )
        return ext.entries[-1]

    def unchained_after(self, cur: Cursor, position: int, limit: int) -> list[tuple[Any, ...]]:
        """Raw rows ``(position, originator_id, version, topic, state)`` after ``position``."""
        cur.execute(
            f"SELECT {self.pos}, originator_id, originator_version, topic, state FROM {self.events}"
            f" WHERE {self.pos} > ? ORDER BY {self.pos} LIMIT ?",
            (position, limit),
        )
        return list(cur.fetchall())


@dataclass
class ChainReader:
    """The chain as of one read transaction (``application.audit.service.ChainSnapshot``):
    ``position`` is the newest stored event or chain entry, whichever is newer:
    every event up to it must be chained, and every entry up to it have its event."""

    cur: Cursor
    tables: ChainTables
    position: int = 0
    size: int = 0

    def __post_init__(self) -> None:
        t = self.tables
        self.cur.execute(f"SELECT MAX({t.pos}) FROM {t.events}")
        head = int((self.cur.fetchone() or (0,))[0] or 0)
        self.cur.execute(f"SELECT position, leaf_index FROM {t.chain} ORDER BY position DESC LIMIT 1")
        last = self.cur.fetchone()
        self.position = max(head, int(last[0]) if last else 0)
        self.size = int(last[1]) + 1 if last else 0

    def entries(self, after: int, limit: int) -> list[ChainEntry]:
        self.cur.execute(
            f"SELECT {_ENTRY} FROM {self.tables.chain} WHERE position > ? AND position <= ?"
            " ORDER BY position LIMIT ?",
            (after, self.position, limit),
        )
        return [_entry(r) for r in self.cur.fetchall()]

    def entry(self, position: int) -> ChainEntry | None:
        if position > self.position:
            return None
        self.cur.execute(f"SELECT {_ENTRY} FROM {self.tables.chain} WHERE position = ?", (position,))
        row = self.cur.fetchone()
        return _entry(row) if row else None

    def subtree(self, level: int, index: int) -> bytes:
        if index < 0 or (index + 1) << level > self.size:
            raise LookupError(f"no complete subtree at level {level}, index {index}")
        if level == 0:
            self.cur.execute(f"SELECT leaf_hash FROM {self.tables.chain} WHERE leaf_index = ?", (index,))
        else:
            self.cur.execute(f"SELECT hash FROM {self.tables.nodes} WHERE height = ? AND idx = ?",
                             (level, index))
        row = self.cur.fetchone()
        if row is None:
            raise LookupError(f"the audit tree has no node at level {level}, index {index}")
        return bytes.fromhex(row[0])

    def nodes(self, level: int, start: int, limit: int) -> list[tuple[int, str]]:
        self.cur.execute(
            f"SELECT idx, hash FROM {self.tables.nodes} WHERE height = ? AND idx >= ?"
            " ORDER BY idx LIMIT ?",
            (level, start, limit),
        )
        return [(int(i), str(h)) for i, h in self.cur.fetchall()]

    def checkpoints(self) -> list[Checkpoint]:
        self.cur.execute(
            f"SELECT tree_size, root, time, signature FROM {self.tables.checkpoints}"
            " WHERE tree_size <= ? ORDER BY tree_size",
            (self.size,),
        )
        return [Checkpoint(int(r[0]), str(r[1]), str(r[2]), str(r[3])) for r in self.cur.fetchall()]
