"""``verify`` over the real stores (SQLite and PostgreSQL) beyond the tamper
matrix: the summary of an intact log, checkpoints on demand, edits of the chain
tables themselves, signatures from another key and a key that signed twice."""

from __future__ import annotations

from datetime import timedelta

import pytest

from application.audit.verify import (
    BAD_SIGNATURE,
    CHAIN_ALTERED,
    CHECKPOINT_MISMATCH,
    EQUIVOCATION,
    NODES,
    VerifyReport,
)
from domain.catalogue.procedures import Procedure, procedure_id
from infra.audit_keys import Ed25519Signer
from infra.settings import Settings
from tests.audit.insider import Insider, fill
from tests.builders import ADMIN, PROCEDURE, ctx


@pytest.fixture
def insider(settings: Settings) -> Insider:
    return Insider(settings)


@pytest.fixture
def every_event(settings: Settings, clock):
    """A container that signs a checkpoint after every event."""
    from api.composition import build_container

    c = build_container(settings.model_copy(update={"audit_checkpoint_every": 1}), clock)
    yield c
    c.close()


def assert_first_bad(report: VerifyReport, position: int, kind: str) -> None:
    first = report.first_bad
    assert first is not None and (first.position, first.kind) == (position, kind), report.summary()
    assert f"first bad position {position}" in report.summary()


def test_an_intact_log_verifies(container, clock):
    head = fill(container, clock)
    report = container.audit.verify()
    assert report.ok, report.summary()
    assert (report.events, report.chained, report.unchained) == (head, head, 0)
    assert report.summary().startswith(f"intact: {head} events (positions 1–{head}); {head} match")


def test_on_demand_checkpoints_cover_every_event(container, clock):
    head = fill(container, clock)
    cp, report = container.audit.checkpoint()
    assert cp is not None and report is not None and report.ok
    assert cp.tree_size == head and cp.root == report.root
    fast, _ = container.audit.checkpoint(verify=False)
    assert fast is not None and (fast.tree_size, fast.root) == (cp.tree_size, cp.root)


def test_a_tampered_log_is_not_signed(container, clock, insider):
    head = fill(container, clock)
    insider.flip_byte(head // 2)
    cp, report = container.audit.checkpoint()
    assert cp is None and report is not None and report.first_bad_position == head // 2


def test_an_edited_chain_entry_is_named(container, clock, insider):
    head = fill(container, clock)
    insider.execute("UPDATE {chain} SET chain_hash = ? WHERE position = ?", "00" * 32, head - 1)
    assert_first_bad(container.audit.verify(), head - 1, CHAIN_ALTERED)


def test_edited_merkle_nodes_are_reported(container, clock, insider):
    fill(container, clock)
    insider.execute("UPDATE {nodes} SET hash = ? WHERE height = 1 AND idx = 0", "11" * 32)
    report = container.audit.verify()
    assert [f.kind for f in report.findings] == [NODES]
    assert "level 1, index 0 (leaves 0–1)" in report.summary()


def test_checkpoints_on_both_sides_name_the_changed_event(container, clock, insider):
    fill(container, clock)
    before, _ = container.audit.checkpoint()
    procedure = container.log.load(Procedure, procedure_id(PROCEDURE), "procedure")
    procedure.withdraw_online(ctx(clock, ADMIN), "one more event")
    target = container.log.store(procedure)
    after, _ = container.audit.checkpoint()
    assert before is not None and after is not None
    insider.flip_byte(target)
    insider.rewrite_chain(container)
    report = container.audit.verify([("before", before), ("after", after)])
    assert_first_bad(report, target, CHECKPOINT_MISMATCH)
    assert report.checkpoints_ok == [f"before (tree_size {before.tree_size})"]


def test_every_hash_recomputed_is_caught_by_the_stored_checkpoints(every_event, clock, insider):
    head = fill(every_event, clock)
    insider.flip_byte(head // 2)
    insider.rewrite_chain(every_event)
    report = every_event.audit.verify()
    assert_first_bad(report, head // 2, CHECKPOINT_MISMATCH)
    assert len(report.checkpoints_ok) == head // 2 - 1


def test_an_insider_with_the_key_is_caught_by_a_checkpoint_kept_outside(every_event, clock, insider):
    head = fill(every_event, clock)
    kept, _ = every_event.audit.checkpoint()
    assert kept is not None
    insider.flip_byte(head - 3)
    clock.advance(timedelta(days=1))
    insider.rewrite_chain(every_event, with_key=True)  # re-signs the stored checkpoints too
    assert every_event.audit.verify().ok
    report = every_event.audit.verify([("kept.json", kept)])
    assert {f.kind for f in report.findings} == {CHECKPOINT_MISMATCH, EQUIVOCATION}
    assert report.first_bad is not None and (report.first_bad.position, report.first_bad.last_position) == (1, head)


def test_checkpoints_not_signed_by_the_key_are_reported(container, clock):
    fill(container, clock)
    cp, _ = container.audit.checkpoint()
    assert cp is not None
    forged_root = type(cp)(cp.tree_size, "22" * 32, cp.time, cp.signature)
    assert [f.kind for f in container.audit.verify([("altered", forged_root)]).findings] == [BAD_SIGNATURE]
    other = Ed25519Signer.generate().verifier()
    assert [f.kind for f in container.audit.verify([("kept", cp)], verifier=other).findings] == [BAD_SIGNATURE]
    assert container.audit.verify([("kept", cp)]).ok
