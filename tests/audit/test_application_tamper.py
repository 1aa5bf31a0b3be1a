"""Tamper evidence over the real event stores (SQLite and PostgreSQL): the audit
chain projection, and ``verify`` against six attacks made with SQL straight on
the stored event table — each one named at its first bad position."""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import psycopg
import pytest
from eventsourcing.persistence import Notification

from api.composition import Container, build_container
from application.audit.chain import GENESIS, canonical, chain_step
from application.audit.verify import (
    ALTERED,
    BAD_SIGNATURE,
    CHAIN_ALTERED,
    CHECKPOINT_MISMATCH,
    EQUIVOCATION,
    FORGED,
    MISSING,
    NODES,
    REPLACED,
    TRUNCATED,
    VerifyReport,
)
from application.projection.base import Projection, Tables
from application.projection.engine import ProjectionEngine
from application.projection.state import active_generations
from domain.audit.merkle import append_leaf, leaf_hash
from domain.catalogue.procedures import Procedure, procedure_id
from domain.shared.errors import Conflict
from infra.audit_keys import Ed25519Signer
from infra.settings import Settings
from projections.audit.chain import AuditChain
from tests.builders import ADMIN, PROCEDURE, ctx, populate, setup_procedure
from tests.conftest import POSTGRES_URL

# --- the stored event table, reached with SQL as an insider would ---------------------------


class EventTable:
    """The raw event table of one test store: ``stored_events`` in
    ``events.sqlite3`` (SQLite; position = rowid, originator id as hex) or
    ``madoguchi_events`` in the test schema (PostgreSQL; position = notification_id)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.postgres = settings.uses_postgres

    @contextmanager
    def _conn(self) -> Iterator[Any]:
        if self.postgres:
            with psycopg.connect(POSTGRES_URL, autocommit=False) as conn:
                conn.execute(f'SET search_path TO "{self.settings.database_schema}"')
                yield conn
        else:
            conn = sqlite3.connect(self.settings.events_path, timeout=30)
            try:
                with conn:
                    yield conn
            finally:
                conn.close()

    @property
    def _table(self) -> str:
        return "madoguchi_events" if self.postgres else "stored_events"

    @property
    def _pos(self) -> str:
        return "notification_id" if self.postgres else "rowid"

    def _sql(self, sql: str) -> str:
        sql = sql.replace("{t}", self._table).replace("{pos}", self._pos)
        return sql.replace("?", "%s") if self.postgres else sql

    def execute(self, sql: str, *params: Any) -> list[tuple]:
        with self._conn() as conn:
            cur = conn.execute(self._sql(sql), params)
            rows = cur.fetchall() if cur.description else []
            if self.postgres:
                conn.commit()
            return rows

    def rows(self) -> list[tuple[int, str, int, str, bytes]]:
        """(position, originator id, version, topic, state) in position order."""
        rows = self.execute("SELECT {pos}, originator_id, originator_version, topic, state"
                            " FROM {t} ORDER BY {pos}")
        return [(int(p), str(uuid.UUID(str(o))), int(v), t, bytes(s)) for p, o, v, t, s in rows]

    def _oid(self, text: str) -> Any:
        return uuid.UUID(text) if self.postgres else uuid.UUID(text).hex

    # the attacks
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
        (a, oid_a, va, _, _), (b, oid_b, vb, _, _) = (
            r for r in self.rows() if r[0] in (first, second))
        assert oid_a == oid_b
        with self._conn() as conn:
            for pos, version in ((a, -1), (b, va), (a, vb)):
                conn.execute(self._sql("UPDATE {t} SET originator_version = ? WHERE {pos} = ?"),
                             (version, pos))

    def insert_forged(self, at: int, like: int) -> str:
        """Shift every event from ``at`` on one place up and put a forged event (a
        copy of the one at ``like`` under a new aggregate id) at ``at``."""
        [(topic, state)] = self.execute("SELECT topic, state FROM {t} WHERE {pos} = ?", like)
        forged = str(uuid.uuid4())
        with self._conn() as conn:
            conn.execute(self._sql("UPDATE {t} SET {pos} = -{pos} WHERE {pos} >= ?"), (at,))
            conn.execute(self._sql("UPDATE {t} SET {pos} = 1 - {pos} WHERE {pos} < 0"))
            conn.execute(
                self._sql("INSERT INTO {t} (originator_id, originator_version, topic, state, {pos})"
                          " VALUES (?, ?, ?, ?, ?)"),
                (self._oid(forged), 1, topic, bytes(state), at),
            )
        return forged


def rewrite_chain(container: Container) -> None:
    """What an insider with database rights (but not the signing key) does to hide
    a change: recompute the chain and the Merkle nodes from the tampered table."""
    with container.views.transaction() as cur:
        t = Tables(AuditChain.tables, active_generations(cur)[AuditChain.name].generation)
        cur.execute(t.sql("DELETE FROM {audit_chain}"))
        cur.execute(t.sql("DELETE FROM {audit_nodes}"))
        nodes: dict[tuple[int, int], bytes] = {}
        h = GENESIS
        for i, n in enumerate(container.audit.raw_events()):
            data = canonical(n)
            leaf = leaf_hash(data)
            h = chain_step(h, data)
            cur.execute(t.sql("INSERT INTO {audit_chain} VALUES (?, ?, ?, ?, ?, ?, ?)"),
                        (n.id, i, str(n.originator_id), n.originator_version, n.topic,
                         leaf.hex(), h.hex()))
            nodes[(0, i)] = leaf
            for level, index, value in append_leaf(i, leaf, lambda lv, ix: nodes[(lv, ix)]):
                nodes[(level, index)] = value
                cur.execute(t.sql("INSERT INTO {audit_nodes} VALUES (?, ?, ?)"),
                            (level, index, value.hex()))


def delete_stored_checkpoints(container: Container) -> None:
    with container.views.transaction() as cur:
        t = Tables(AuditChain.tables, active_generations(cur)[AuditChain.name].generation)
        cur.execute(t.sql("DELETE FROM {audit_checkpoints}"))


def chain_rows(container: Container) -> list[tuple]:
    with container.views.read() as cur:
        t = Tables(AuditChain.tables, active_generations(cur)[AuditChain.name].generation)
        cur.execute(t.sql("SELECT * FROM {audit_chain} ORDER BY position"))
        chain = cur.fetchall()
        cur.execute(t.sql("SELECT * FROM {audit_nodes} ORDER BY height, idx"))
        return [*chain, *cur.fetchall()]


def fill(container: Container, clock, applications: int = 6) -> int:
    """A log of a department, a procedure and applications in several states;
    the audit chain caught up. Returns the head position."""
    setup_procedure(container, clock)
    populate(container, clock, applications)
    container.engine.catch_up()
    return container.log.head()


def two_versions(table: EventTable) -> tuple[int, int]:
    """Positions of versions 1 and 2 of an application in the middle of the log."""
    rows = table.rows()
    by_aggregate: dict[str, list[int]] = {}
    for position, oid, _, _, _ in rows[len(rows) // 3:]:
        by_aggregate.setdefault(oid, []).append(position)
    first, second = next(p for p in by_aggregate.values() if len(p) >= 2)[:2]
    return first, second


def assert_first_bad(report: VerifyReport, position: int, kind: str) -> None:
    assert not report.ok, report.summary()
    first = report.first_bad
    assert first is not None, report.summary()
    assert (first.position, first.kind) == (position, kind), report.summary()
    assert f"first bad position {position}" in report.summary()


@pytest.fixture
def table(settings: Settings) -> EventTable:
    return EventTable(settings)


@pytest.fixture
def every_event(settings: Settings, clock) -> Iterator[Container]:
    """A container that signs a checkpoint after every event."""
    c = build_container(settings.model_copy(update={"audit_checkpoint_every": 1}), clock)
    yield c
    c.close()


# --- the chain projection ----------------------------------------------------------------


def test_an_intact_log_verifies(container, clock):
    head = fill(container, clock)
    report = container.audit.verify()
    assert report.ok, report.summary()
    assert (report.events, report.chained, report.unchained) == (head, head, 0)
    assert (report.first_position, report.last_position) == (1, head)
    assert report.summary().startswith(f"intact: {head} events (positions 1–{head})")


def test_the_chain_holds_every_stored_event_undecoded_in_order(container, clock, table):
    head = fill(container, clock)
    stored = table.rows()
    chain = [r for r in chain_rows(container) if len(r) == 7]
    assert [r[0] for r in chain] == [r[0] for r in stored] == list(range(1, head + 1))
    assert [r[1] for r in chain] == list(range(head))  # leaf index
    assert [(r[2], r[3], r[4]) for r in chain] == [(o, v, t) for _, o, v, t, _ in stored]
    assert len({r[4] for r in chain}) > 3  # every topic, not only some


def test_a_raw_projection_gets_every_stored_event_undecoded(container, clock):
    head = fill(container, clock)
    seen: list[tuple[int, Any]] = []

    class Probe(Projection):
        name = "raw_probe"
        raw = True
        handles = ()
        tables = ()

        def create(self, cur, t) -> None:
            pass

        def apply(self, cur, t, event, position) -> None:
            seen.append((position, event))

    engine = ProjectionEngine(container.log, container.views, [Probe()], clock, batch_size=4)
    engine.ensure_schema()
    engine.catch_up()
    assert [p for p, _ in seen] == list(range(1, head + 1))
    assert all(isinstance(e, Notification) and e.id == p for p, e in seen)
    seen.clear()
    engine.rebuild("raw_probe", grace=0)
    assert [p for p, _ in seen] == list(range(1, head + 1))


def test_the_chain_is_exact_and_resumable(container, clock, settings):
    fill(container, clock)
    followed = chain_rows(container)
    small = build_container(settings.model_copy(update={"projection_batch_size": 2}), clock)
    try:
        small.engine.rebuild(AuditChain.name, grace=0)
        assert chain_rows(small) == followed  # rebuilt in batches of two: the same chain
        populate(small, clock, 3)
        small.engine.run_once()  # part of the new events, then the rest
        small.engine.catch_up()
        assert small.audit.verify().ok
    finally:
        small.close()
    container.engine.rebuild(AuditChain.name, grace=0)
    grown = chain_rows(container)
    assert grown[: len([r for r in followed if len(r) == 7])] == [r for r in followed if len(r) == 7]


def test_a_rebuild_reproduces_the_chain_nodes_and_checkpoints_row_for_row(every_event, clock):
    fill(every_event, clock)

    def everything() -> list[tuple]:
        chain = chain_rows(every_event)
        with every_event.views.read() as cur:
            t = Tables(AuditChain.tables, active_generations(cur)[AuditChain.name].generation)
            cur.execute(t.sql("SELECT * FROM {audit_checkpoints} ORDER BY tree_size"))
            return [*chain, *cur.fetchall()]

    before = everything()
    every_event.engine.rebuild(AuditChain.name, grace=0)
    assert everything() == before  # Ed25519 signatures are deterministic


def test_events_not_yet_chained_are_reported_not_flagged(container, clock):
    head = fill(container, clock)
    populate(container, clock, 2)
    report = container.audit.verify()
    assert report.ok, report.summary()
    assert report.chained == head and report.unchained == container.log.head() - head
    assert "not yet chained" in report.summary()


def test_gaps_left_by_conflicts_are_not_tampering(container, clock):
    """On PostgreSQL a failed insert uses up a position: the log has a hole that
    the chain never saw. That is not a deletion."""
    fill(container, clock)
    first = container.log.load(Procedure, procedure_id(PROCEDURE), "procedure")
    second = container.log.load(Procedure, procedure_id(PROCEDURE), "procedure")
    first.withdraw_online(ctx(clock, ADMIN), "first")
    container.log.store(first)
    second.withdraw_online(ctx(clock, ADMIN), "second")
    with pytest.raises(Conflict):
        container.log.store(second)
    setup_procedure(container, clock, "other", "zeimu")
    container.engine.catch_up()
    report = container.audit.verify()
    assert report.ok, report.summary()
    assert report.events == report.chained


def test_checkpoints_are_signed_every_n_events(settings, clock):
    c = build_container(settings.model_copy(update={"audit_checkpoint_every": 5}), clock)
    try:
        head = fill(c, clock)
        stored = c.audit.stored_checkpoints()
        assert [cp.tree_size for cp in stored] == list(range(5, head + 1, 5))
        verifier = c.audit.verifier
        assert all(cp.signature_valid(verifier) for cp in stored)
        report = c.audit.verify()
        assert report.ok and len(report.checkpoints_ok) == len(stored), report.summary()
    finally:
        c.close()


def test_on_demand_checkpoints_cover_every_chained_event(container, clock):
    head = fill(container, clock)
    cp, report = container.audit.checkpoint()
    assert cp is not None and report is not None and report.ok
    assert cp.tree_size == head and cp.root == report.root
    assert cp.signature_valid(container.audit.verifier)
    fast, _ = container.audit.checkpoint(verify=False)
    assert fast is not None and (fast.tree_size, fast.root) == (cp.tree_size, cp.root)


def test_a_tampered_log_is_not_signed(container, clock, table):
    head = fill(container, clock)
    table.flip_byte(head // 2)
    cp, report = container.audit.checkpoint()
    assert cp is None and report is not None and report.first_bad_position == head // 2


# --- the six attacks ---------------------------------------------------------------------


def test_one_changed_byte_is_named(container, clock, table):
    head = fill(container, clock)
    target = head // 2
    table.flip_byte(target)
    assert_first_bad(container.audit.verify(), target, ALTERED)


def test_an_event_deleted_from_the_middle_is_named(container, clock, table):
    head = fill(container, clock)
    target = head // 2
    table.delete(target)
    report = container.audit.verify()
    assert_first_bad(report, target, MISSING)
    assert "deleted" in report.summary()


def test_the_newest_events_deleted_are_named(container, clock, table):
    head = fill(container, clock)
    table.delete_from(head - 2)
    report = container.audit.verify()
    assert_first_bad(report, head - 2, TRUNCATED)
    assert "newest 3 chained event(s)" in report.summary()


def test_the_newest_events_deleted_with_their_chain_entries_are_caught_by_a_checkpoint(
    container, clock, table
):
    head = fill(container, clock)
    cp, _ = container.audit.checkpoint()
    assert cp is not None
    table.delete_from(head - 2)
    rewrite_chain(container)
    assert container.audit.verify().ok  # nothing left inside the database to compare with
    report = container.audit.verify([("kept.json", cp)])
    assert_first_bad(report, head - 2, TRUNCATED)


def test_two_swapped_versions_are_named(container, clock, table):
    fill(container, clock)
    first, second = two_versions(table)
    table.swap_versions(first, second)
    report = container.audit.verify()
    assert_first_bad(report, first, REPLACED)
    assert "swapped" in report.summary()


def test_a_forged_event_inserted_is_named(container, clock, table):
    head = fill(container, clock)
    target = head // 2
    forged = table.insert_forged(target, like=target + 1)
    report = container.audit.verify()
    assert_first_bad(report, target, REPLACED)
    assert forged in report.summary()


def test_a_forged_event_in_a_gap_is_named(container, clock, table):
    """An event slipped into a position the chain has passed without an event."""
    head = fill(container, clock)
    table.delete_from(head)  # the chain passed ``head``; now it is free ...
    with container.views.transaction() as cur:  # ... and the chain forgets it was there
        t = Tables(AuditChain.tables, active_generations(cur)[AuditChain.name].generation)
        cur.execute(t.sql("DELETE FROM {audit_chain} WHERE position = ?"), (head,))
    assert container.audit.verify().ok
    table.insert_forged(head, like=head - 1)
    assert_first_bad(container.audit.verify(), head, FORGED)


def test_every_hash_recomputed_is_caught_by_the_stored_checkpoints(every_event, clock, table):
    head = fill(every_event, clock)
    target = head // 2
    table.flip_byte(target)
    rewrite_chain(every_event)
    report = every_event.audit.verify()
    assert not any(f.kind == ALTERED for f in report.findings)  # the chain agrees with the table
    assert_first_bad(report, target, CHECKPOINT_MISMATCH)
    assert len(report.checkpoints_ok) == target - 1


def test_every_hash_recomputed_is_caught_by_a_checkpoint_kept_outside(container, clock, table):
    head = fill(container, clock)
    kept, _ = container.audit.checkpoint()
    assert kept is not None
    target = head // 2
    table.flip_byte(target)
    rewrite_chain(container)
    assert container.audit.verify().ok  # the database alone cannot tell
    report = container.audit.verify([("kept.json", kept)])
    assert not report.ok
    finding = report.first_bad
    assert finding is not None and finding.kind == CHECKPOINT_MISMATCH
    assert finding.position == 1 and finding.last_position == head  # one root: the whole range
    assert f"first bad position between 1 and {head}" in report.summary()


def test_checkpoints_on_both_sides_name_the_changed_event(container, clock, table):
    fill(container, clock)
    before, _ = container.audit.checkpoint()
    procedure = container.log.load(Procedure, procedure_id(PROCEDURE), "procedure")
    procedure.withdraw_online(ctx(clock, ADMIN), "one more event")
    target = container.log.store(procedure)
    container.engine.catch_up()
    after, _ = container.audit.checkpoint()
    assert before is not None and after is not None
    assert (before.tree_size, after.tree_size) == (target - 1, target)
    table.flip_byte(target)
    rewrite_chain(container)
    report = container.audit.verify([("before", before), ("after", after)])
    assert_first_bad(report, target, CHECKPOINT_MISMATCH)
    assert report.first_bad is not None and report.first_bad.last_position == target
    assert report.checkpoints_ok == [f"before (tree_size {before.tree_size})"]


def test_a_rebuild_by_an_insider_with_the_key_is_caught_by_a_checkpoint_kept_outside(
    every_event, clock, table
):
    head = fill(every_event, clock)
    kept, _ = every_event.audit.checkpoint()
    assert kept is not None
    target = head - 3
    table.flip_byte(target)
    clock.advance(timedelta(days=1))
    every_event.engine.rebuild(AuditChain.name, grace=0)  # re-signs the stored checkpoints too
    assert every_event.audit.verify().ok
    report = every_event.audit.verify([("kept.json", kept)])
    assert {f.kind for f in report.findings} == {CHECKPOINT_MISMATCH, EQUIVOCATION}
    # the re-signed checkpoints match the changed log: the key's word narrows nothing now
    assert report.first_bad is not None and report.first_bad.position == 1
    assert report.first_bad.last_position == head
    delete_stored_checkpoints(every_event)
    report = every_event.audit.verify([("kept.json", kept)])
    assert report.first_bad is not None and report.first_bad.kind == CHECKPOINT_MISMATCH
    assert (report.first_bad.position, report.first_bad.last_position) == (1, head)


# --- the chain table and checkpoints themselves ---------------------------------------------


def test_an_edited_chain_entry_is_named(container, clock):
    head = fill(container, clock)
    with container.views.transaction() as cur:
        t = Tables(AuditChain.tables, active_generations(cur)[AuditChain.name].generation)
        cur.execute(t.sql("UPDATE {audit_chain} SET chain_hash = ? WHERE position = ?"),
                    ("00" * 32, head - 1))
    assert_first_bad(container.audit.verify(), head - 1, CHAIN_ALTERED)


def test_edited_merkle_nodes_are_reported(container, clock):
    fill(container, clock)
    with container.views.transaction() as cur:
        t = Tables(AuditChain.tables, active_generations(cur)[AuditChain.name].generation)
        cur.execute(t.sql("UPDATE {audit_nodes} SET hash = ? WHERE height = 1 AND idx = 0"),
                    ("11" * 32,))
    report = container.audit.verify()
    assert [f.kind for f in report.findings] == [NODES]
    assert "level 1, index 0 (leaves 0–1)" in report.summary()


def test_checkpoints_not_signed_by_the_key_are_reported(container, clock):
    fill(container, clock)
    cp, _ = container.audit.checkpoint()
    assert cp is not None
    other = Ed25519Signer.generate()
    forged_root = type(cp)(cp.tree_size, "22" * 32, cp.time, cp.signature)
    report = container.audit.verify([("altered root", forged_root)])
    assert [f.kind for f in report.findings] == [BAD_SIGNATURE]
    report = container.audit.verify([("kept", cp)], verifier=other.verifier())
    assert [f.kind for f in report.findings] == [BAD_SIGNATURE]
    assert container.audit.verify([("kept", cp)]).ok
