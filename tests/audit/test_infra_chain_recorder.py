"""The audit chain is written by the event store itself (SQLite and PostgreSQL):
each event's entry in the same transaction as the event, under the lock that
orders positions — so a stored event without its entry was not written by the
store. Stores written before that are sealed once."""

from __future__ import annotations

import hashlib
import threading

import pytest
from eventsourcing.application import Application
from eventsourcing.domain import Aggregate

from api.composition import build_container
from application.audit.verify import FORGED
from domain.catalogue.procedures import Procedure, procedure_id
from domain.shared.errors import Conflict
from infra.settings import Settings
from infra.store.chain_tables import ChainBroken, UnsealedStore
from infra.store.events import event_store_env
from tests.audit.insider import Insider, fill
from tests.builders import ADMIN, PROCEDURE, ctx, populate, setup_procedure


@pytest.fixture
def insider(settings: Settings) -> Insider:
    return Insider(settings)


def _u64(n: int) -> bytes:
    return n.to_bytes(8, "big")


def test_every_stored_event_has_its_chain_entry_as_soon_as_it_is_stored(container, clock, insider):
    setup_procedure(container, clock)
    for _ in range(3):
        populate(container, clock, 1)
        stored, chain = insider.rows(), insider.chain()
        assert [r[0] for r in chain] == [r[0] for r in stored]  # no projection to wait for
        assert [int(r[1]) for r in chain] == list(range(len(stored)))  # leaf index
        assert [(r[2], int(r[3]), r[4]) for r in chain] == [(o, v, t) for _, o, v, t, _ in stored]
    assert container.audit.verify().ok


def test_the_hashed_bytes_are_exactly_the_stored_row(container, clock, insider):
    fill(container, clock, 2)
    previous = bytes(32)
    for (position, oid, version, topic, state), entry in zip(insider.rows(), insider.chain(), strict=True):
        canonical = (_u64(position) + _u64(len(oid)) + oid.encode() + _u64(version)
                     + _u64(len(topic.encode())) + topic.encode() + _u64(len(state)) + state)
        previous = hashlib.sha256(previous + canonical).digest()
        assert entry[5] == hashlib.sha256(b"\x00" + canonical).hexdigest()
        assert entry[6] == previous.hex()


def test_a_failed_insert_leaves_no_chain_entry_and_its_gap_is_not_tampering(container, clock, insider):
    fill(container, clock)
    first = container.log.load(Procedure, procedure_id(PROCEDURE), "procedure")
    second = container.log.load(Procedure, procedure_id(PROCEDURE), "procedure")
    first.withdraw_online(ctx(clock, ADMIN), "first")
    container.log.store(first)
    second.withdraw_online(ctx(clock, ADMIN), "second")
    with pytest.raises(Conflict):
        container.log.store(second)
    setup_procedure(container, clock, "other", "zeimu")
    assert [r[0] for r in insider.chain()] == [r[0] for r in insider.rows()]
    report = container.audit.verify()
    assert report.ok and report.events == report.chained, report.summary()


def test_concurrent_writers_in_several_processes_chain_in_position_order(settings, clock, insider):
    containers = [build_container(settings, clock) for _ in range(3)]
    try:
        setup_procedure(containers[0], clock)
        errors: list[BaseException] = []

        def write(c) -> None:
            try:
                populate(c, clock, 3)
            except BaseException as e:  # reported below
                errors.append(e)

        threads = [threading.Thread(target=write, args=(c,)) for c in containers]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert not errors, errors
        report = containers[0].audit.verify()
        assert report.ok, report.summary()
        assert report.chained == len(insider.rows()) > 20
    finally:
        for c in containers:
            c.close()


def test_checkpoints_are_signed_every_n_events_with_the_events(settings, clock):
    c = build_container(settings.model_copy(update={"audit_checkpoint_every": 5}), clock)
    try:
        head = fill(c, clock)
        stored = c.audit.stored_checkpoints()
        assert [cp.tree_size for cp in stored] == list(range(5, head + 1, 5))
        assert all(cp.signature_valid(c.audit.verifier) for cp in stored)
        report = c.audit.verify()
        assert report.ok and len(report.checkpoints_ok) == len(stored), report.summary()
    finally:
        c.close()


class Legacy(Application):
    """The city's log as written before the chain was (eventsourcing's own recorder)."""

    name = "Madoguchi"


def test_a_store_written_before_chaining_is_sealed_once(settings, clock, insider):
    env = {k: v for k, v in event_store_env(settings).items() if k != "APPLICATION_RECORDER_TOPIC"}
    if settings.uses_postgres:
        from infra.wiring import ensure_postgres_schema

        ensure_postgres_schema(settings)
    legacy = Legacy(env=env)
    for _ in range(4):
        legacy.save(Aggregate())
    legacy.close()

    container = build_container(settings, clock)
    try:
        report = container.audit.verify()
        assert report.first_bad is not None and (report.first_bad.kind, report.first_bad.position) == (FORGED, 1)
        assert "audit seal" in report.summary()
        with pytest.raises(UnsealedStore, match="audit seal"):
            setup_procedure(container, clock)  # nothing is written on top of an unsealed store
        assert len(insider.rows()) == 4 and insider.chain() == []

        assert container.audit.seal() == 4
        assert container.audit.verify().ok
        setup_procedure(container, clock)
        assert container.audit.seal() == 0  # once
        report = container.audit.verify()
        assert report.ok and report.chained == len(insider.rows()) > 4, report.summary()
    finally:
        container.close()


def test_seal_refuses_to_chain_events_put_after_the_chain(container, clock, insider):
    head = fill(container, clock)
    insider.forge_next_version(like=head)
    with pytest.raises(ChainBroken, match="not written by madoguchi"):
        container.audit.seal()
    assert len(insider.chain()) == head


def test_the_store_refuses_to_write_on_a_chain_whose_tree_was_cut(container, clock, insider):
    fill(container, clock)
    insider.execute("DELETE FROM {nodes}")
    with pytest.raises(ChainBroken, match="lacks its stored nodes"):
        populate(container, clock, 1)
    assert [r[0] for r in insider.chain()] == [r[0] for r in insider.rows()]
