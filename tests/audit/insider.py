"""What an insider with database rights does, with SQL straight on the test
store: the stored event table (``stored_events`` in ``events.sqlite3``, position
= rowid, originator id as hex; ``madoguchi_events`` in the test schema on
PostgreSQL, position = notification_id) and the audit chain's tables beside it."""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg

from api.composition import Container
from infra.settings import Settings
from tests.builders import populate, setup_procedure
from tests.conftest import POSTGRES_URL


class Insider:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.postgres = settings.uses_postgres
        prefix = "madoguchi_" if self.postgres else "stored_"
        self.names = {"t": f"{prefix}events", "pos": "notification_id" if self.postgres else "rowid",
                      "chain": f"{prefix}audit_chain", "nodes": f"{prefix}audit_nodes",
                      "checkpoints": f"{prefix}audit_checkpoints"}

    @contextmanager
    def _conn(self) -> Iterator[Any]:
        if self.postgres:
            with psycopg.connect(POSTGRES_URL, autocommit=False) as conn:
                conn.execute(f'SET search_path TO "{self.settings.database_schema}"')
                yield conn
                conn.commit()
        else:
            conn = sqlite3.connect(self.settings.events_path, timeout=30)
            try:
                with conn:
                    yield conn
            finally:
                conn.close()

    def _sql(self, sql: str) -> str:
        for name, value in self.names.items():
            sql = sql.replace("{" + name + "}", value)
        return sql.replace("?", "%s") if self.postgres else sql

    def execute(self, sql: str, *params: Any) -> list[tuple]:
        with self._conn() as conn:
            cur = conn.execute(self._sql(sql), params)
            return cur.fetchall() if cur.description else []

    def rows(self) -> list[tuple[int, str, int, str, bytes]]:
        """(position, originator id, version, topic, state) in position order."""
        rows = self.execute("SELECT {pos}, originator_id, originator_version, topic, state"
                            " FROM {t} ORDER BY {pos}")
        return [(int(p), str(uuid.UUID(str(o))), int(v), t, bytes(s)) for p, o, v, t, s in rows]

    def chain(self) -> list[tuple]:
        return self.execute("SELECT * FROM {chain} ORDER BY position")

    def _oid(self, text: str) -> Any:
        return uuid.UUID(text) if self.postgres else uuid.UUID(text).hex

    # -- the attacks on the event table -------------------------------------------------
    def flip_byte(self, position: int) -> None:
        [(state,)] = self.execute("SELECT state FROM {t} WHERE {pos} = ?", position)
        state = bytearray(bytes(state))
        state[len(state) // 2] ^= 0x01
        self.execute("UPDATE {t} SET state = ? WHERE {pos} = ?", bytes(state), position)

    def delete(self, position: int) -> None:
        self.execute("DELETE FROM {t} WHERE {pos} = ?", position)

    def delete_from(self, position: int) -> None:
        self.execute("DELETE FROM {t} WHERE {pos} >= ?", position)

    def swap_versions(self, first: int, second: int) -> None:
        """Swap the version numbers of two events of one aggregate (each keeps its position)."""
        (a, oid_a, va, _, _), (b, oid_b, vb, _, _) = (r for r in self.rows() if r[0] in (first, second))
        assert oid_a == oid_b
        with self._conn() as conn:
            for pos, version in ((a, -1), (b, va), (a, vb)):
                conn.execute(self._sql("UPDATE {t} SET originator_version = ? WHERE {pos} = ?"), (version, pos))

    def forge_next_version(self, like: int, at: int | None = None) -> int:
        """A copy of the real row at ``like`` as the next version of its aggregate,
        inserted with SQL at position ``at`` (every event from ``at`` on moves one
        place up), or at the next position after the newest. Returns its position."""
        rows = self.rows()
        _, oid, _, topic, state = next(r for r in rows if r[0] == like)
        version = max(v for _, o, v, _, _ in rows if o == oid) + 1
        position = at if at is not None else rows[-1][0] + 1
        with self._conn() as conn:
            if at is not None:
                conn.execute(self._sql("UPDATE {t} SET {pos} = -{pos} WHERE {pos} >= ?"), (at,))
                conn.execute(self._sql("UPDATE {t} SET {pos} = 1 - {pos} WHERE {pos} < 0"))
            conn.execute(
                self._sql("INSERT INTO {t} (originator_id, originator_version, topic, state, {pos})"
                          " VALUES (?, ?, ?, ?, ?)"),
                (self._oid(oid), version, topic, state, position),
            )
        return position

    # -- the attacks on the chain tables --------------------------------------------------
    def rewrite_chain(self, container: Container, *, with_key: bool = False) -> None:
        """Recompute the chain and its Merkle nodes from the table as it is now (the
        algorithm is public). ``with_key``: an insider who also holds the signing key
        re-signs the stored checkpoints too."""
        self.execute("DELETE FROM {chain}")
        self.execute("DELETE FROM {nodes}")
        recorder = container.log.recorder
        policy = recorder.checkpoints
        if with_key:
            self.execute("DELETE FROM {checkpoints}")
        else:
            recorder.sign_checkpoints(None)
        try:
            container.audit.seal()
        finally:
            recorder.sign_checkpoints(policy)


def fill(container: Container, clock, applications: int = 6) -> int:
    """A log of a department, a procedure and applications in several states.
    Returns the head position."""
    setup_procedure(container, clock)
    populate(container, clock, applications)
    return container.log.head()


def two_versions(insider: Insider) -> tuple[int, int]:
    """Positions of versions 1 and 2 of an aggregate in the middle of the log."""
    rows = insider.rows()
    by_aggregate: dict[str, list[int]] = {}
    for position, oid, _, _, _ in rows[len(rows) // 3:]:
        by_aggregate.setdefault(oid, []).append(position)
    return tuple(next(p for p in by_aggregate.values() if len(p) >= 2)[:2])  # type: ignore[return-value]
