"""eventsourcing's SQLite and PostgreSQL application recorders, writing each
event's audit-chain entry in the SAME transaction as the event, under the lock
that orders positions (SQLite's write lock, taken by the first INSERT; the
``EXCLUSIVE`` table lock on PostgreSQL). A stored event without its entry, or
with a wrong one, was not written by a recorder: ``audit verify`` names it.

Chosen through ``APPLICATION_RECORDER_TOPIC`` (``infra/store/events.py``)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from eventsourcing.persistence import InterfaceError, Notification, OperationalError, StoredEvent
from eventsourcing.postgres import PostgresAggregateRecorder, PostgresApplicationRecorder, PostgresDatastore
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteDatastore
from eventsourcing.utils import retry
from psycopg.rows import tuple_row
from psycopg.sql import SQL

from infra.store.chain_tables import ChainBroken, ChainReader, ChainTables, CheckpointPolicy

SEAL_BATCH = 1000


def _notifications(ids: Sequence[int], events: Sequence[StoredEvent]) -> list[Notification]:
    if len(ids) != len(events) or list(ids) != sorted(ids):
        raise ChainBroken(f"the store returned positions {list(ids)} for {len(events)} events")
    return [Notification(id=i, originator_id=e.originator_id, originator_version=e.originator_version,
                         topic=e.topic, state=e.state) for i, e in zip(ids, events, strict=True)]


class _Chained:
    """What both recorders add: the chain tables, the checkpoint policy, sealing and reading."""

    chain: ChainTables
    checkpoints: CheckpointPolicy | None = None

    def sign_checkpoints(self, policy: CheckpointPolicy | None) -> None:
        self.checkpoints = policy

    def _seal(self, cur: Any) -> int:
        last = self.chain.last(cur)
        if last is not None:
            if self.chain.unchained_after(cur, last.position, 1):
                raise ChainBroken(
                    f"the audit chain ends at position {last.position} but newer events have no "
                    "entry: they were not written by madoguchi; `audit seal` only chains a store "
                    "that has no chain yet. Run `madoguchi audit verify`"
                )
            return 0
        sealed, after = 0, 0
        while batch := self.chain.unchained_after(cur, after, SEAL_BATCH):
            records = [Notification(id=int(p), originator_id=self.convert_originator_id(o),
                                    originator_version=int(v), topic=t, state=bytes(s))
                       for p, o, v, t, s in batch]
            self.chain.append(cur, records, self.checkpoints, sealing=True)
            sealed += len(records)
            after = records[-1].id
        return sealed


class ChainedSQLiteApplicationRecorder(_Chained, SQLiteApplicationRecorder):
    def __init__(self, datastore: SQLiteDatastore, events_table_name: str = "stored_events") -> None:
        self.chain = ChainTables.beside(events_table_name, "rowid")
        super().__init__(datastore, events_table_name)

    def construct_create_table_statements(self) -> list[str]:
        return [*super().construct_create_table_statements(), *self.chain.ddl()]

    def _insert_events(self, c: Any, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        ids = super()._insert_events(c, stored_events, **kwargs) or []
        self.chain.append(c, _notifications(ids, stored_events), self.checkpoints)
        return ids

    def seal(self) -> int:
        """Chain every stored event, once, for a store written before chaining."""
        with self.datastore.get_connection(commit=True) as conn:
            cur = conn.cursor()
            cur.execute("BEGIN IMMEDIATE")  # the write lock first: no insert can interleave
            try:
                sealed = self._seal(cur)  # type: ignore[attr-defined]
            except BaseException:
                conn.rollback()
                raise
            conn.commit()
            return sealed

    @contextmanager
    def chain_reader(self) -> Iterator[ChainReader]:
        with self.datastore.transaction(commit=False) as c:
            yield ChainReader(c, self.chain)


class _PgCursor:
    """A psycopg cursor taking ``?`` placeholders (the chain's SQL is shared with SQLite)."""

    def __init__(self, cur: Any) -> None:
        self.cur = cur

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        return self.cur.execute(sql.replace("?", "%s"), params)

    def executemany(self, sql: str, params: Sequence[Sequence[Any]]) -> Any:
        return self.cur.executemany(sql.replace("?", "%s"), params)

    def fetchone(self) -> Any:
        return self.cur.fetchone()

    def fetchall(self) -> Any:
        return self.cur.fetchall()


class ChainedPostgresApplicationRecorder(_Chained, PostgresApplicationRecorder):
    def __init__(self, datastore: PostgresDatastore, *, events_table_name: str = "stored_events") -> None:
        super().__init__(datastore, events_table_name=events_table_name)
        schema = '"' + self.datastore.schema.replace('"', '""') + '".'
        self.chain = ChainTables.beside(events_table_name, "notification_id", qualify=schema)
        self.sql_create_statements += [SQL(statement) for statement in self.chain.ddl()]  # type: ignore[arg-type]

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def insert_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        """One pipelined round trip reads the chain's head and frontier under the
        table lock and inserts the events; a second writes the chain and commits."""
        if not stored_events:
            return []
        chain = self.chain
        with self.datastore.get_connection() as conn, conn.pipeline() as pipeline, conn.transaction():
            with (conn.cursor(row_factory=tuple_row) as curs, conn.cursor(row_factory=tuple_row) as head,
                  conn.cursor(row_factory=tuple_row) as frontier, conn.cursor(row_factory=tuple_row) as older):
                self._lock_table(curs)  # LOCK TABLE … IN EXCLUSIVE MODE: positions in commit order
                self._notify_channel(curs)
                head.execute(chain.last_sql())
                frontier.execute(chain.frontier_sql())
                older.execute(f"SELECT 1 FROM {chain.events} LIMIT 1")
                PostgresAggregateRecorder._insert_stored_events(self, curs, stored_events)
                pipeline.sync()
                ids = [int(row[0]) for row in curs.fetchall()]
                chain.extend(_PgCursor(curs), chain.entry_of(head.fetchone()), chain.frontier_of(frontier.fetchall()),
                             _notifications(ids, stored_events), self.checkpoints,
                             older_events=older.fetchone() is not None)
        return ids

    def seal(self) -> int:
        with (self.datastore.get_connection() as conn, conn.transaction(),
              conn.cursor(row_factory=tuple_row) as curs):
            self._lock_table(curs)
            return self._seal(_PgCursor(curs))

    def convert_originator_id(self, originator_id: Any) -> Any:
        return originator_id

    @contextmanager
    def chain_reader(self) -> Iterator[ChainReader]:
        with (self.datastore.get_connection() as conn, conn.transaction(force_rollback=True),
              conn.cursor(row_factory=tuple_row) as curs):
            curs.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            yield ChainReader(_PgCursor(curs), self.chain)


class RecorderChainStore:
    """``application.audit.service.ChainStore`` over the chained recorder."""

    def __init__(self, recorder: Any) -> None:
        if not isinstance(recorder, _Chained):
            raise TypeError("the event store's recorder does not write the audit chain")
        self.recorder = recorder

    def snapshot(self) -> Any:
        return self.recorder.chain_reader()  # type: ignore[attr-defined]

    def seal(self) -> int:
        return self.recorder.seal()  # type: ignore[attr-defined]
