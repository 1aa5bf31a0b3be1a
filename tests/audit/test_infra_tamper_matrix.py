"""The tamper matrix (SQLite and PostgreSQL): every change an insider with
database rights makes to the stored log is detected, and named at its first bad
position — byte flips, deletions, swapped versions, events forged in with SQL at
the tail and in the middle, a full re-hash of the chain (caught by a signed
checkpoint kept outside) and a forked history (caught by a witness)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from api.composition import Container
from application.audit.note import NoteCheckpoint
from application.audit.verify import (
    ALTERED,
    CHECKPOINT_MISMATCH,
    FORGED,
    MISSING,
    REPLACED,
    TRUNCATED,
    VerifyReport,
)
from application.audit.witness import UNWITNESSED, witness
from infra.audit_keys import Ed25519Signer
from infra.settings import Settings
from tests.audit.insider import Insider, fill, two_versions

ORIGIN = "madoguchi.example/audit"
WITNESS = "pref.example/witness"


@dataclass
class Case:
    container: Container
    insider: Insider
    head: int
    kept: NoteCheckpoint  # signed and cosigned before the attack, kept outside the database
    witness_key: Ed25519Signer

    def verify(self) -> VerifyReport:
        return self.container.audit.verify([("kept.note", self.kept)],
                                           witnesses=[(WITNESS, self.witness_key.verifier())])


def _cosigned(container: Container, key: Ed25519Signer) -> NoteCheckpoint:
    note, report = container.audit.note_checkpoint(ORIGIN)
    assert note is not None, report and report.summary()
    decision = witness(None, note, container.audit.verifier, None, key, WITNESS, 1_775_000_000)
    assert decision.accepted and decision.cosigned is not None
    return decision.cosigned


@pytest.fixture
def case(container, clock, settings: Settings) -> Case:
    head = fill(container, clock)
    key = Ed25519Signer.generate()
    return Case(container, Insider(settings), head, _cosigned(container, key), key)


def flip_byte(c: Case) -> tuple[str, int]:
    c.insider.flip_byte(c.head // 2)
    return ALTERED, c.head // 2


def delete_middle(c: Case) -> tuple[str, int]:
    c.insider.delete(c.head // 2)
    return MISSING, c.head // 2


def delete_newest(c: Case) -> tuple[str, int]:
    c.insider.delete_from(c.head - 1)
    return TRUNCATED, c.head - 1


def delete_newest_with_chain(c: Case) -> tuple[str, int]:
    c.insider.delete_from(c.head - 1)
    c.insider.execute("DELETE FROM {chain} WHERE position >= ?", c.head - 1)
    c.insider.rewrite_chain(c.container)
    return TRUNCATED, c.head - 1  # against the kept checkpoint: after the last position left


def swap_versions(c: Case) -> tuple[str, int]:
    first, second = two_versions(c.insider)
    c.insider.swap_versions(first, second)
    return REPLACED, first


def forge_at_the_tail(c: Case) -> tuple[str, int]:
    return FORGED, c.insider.forge_next_version(like=c.head // 2)


def forge_in_the_middle(c: Case) -> tuple[str, int]:
    return REPLACED, c.insider.forge_next_version(like=c.head // 3, at=c.head // 2)


def rehash_everything(c: Case) -> tuple[str, int]:
    c.insider.flip_byte(c.head // 2)
    c.insider.rewrite_chain(c.container)
    return CHECKPOINT_MISMATCH, 1  # one signed root: the change lies somewhere in 1..head


def fork_with_the_key(c: Case) -> tuple[str, int]:
    """An insider who also holds the signing key rewrites an old event, re-hashes,
    re-signs and asks the witness to cosign the forked log."""
    c.insider.flip_byte(c.head // 2)
    c.insider.rewrite_chain(c.container, with_key=True)
    populate_one(c)
    forked, _ = c.container.audit.note_checkpoint(ORIGIN)
    assert forked is not None and forked.tree_size > c.kept.tree_size
    proof = c.container.audit.prove_consistency(c.kept.tree_size, forked.tree_size)
    decision = witness(c.kept, forked, c.container.audit.verifier, proof, c.witness_key, WITNESS, 1_775_000_100)
    assert not decision.accepted and "forked or rewritten" in decision.reason
    # and an auditor who requires the witness does not take the forked checkpoint
    report = c.container.audit.verify([("forked.note", forked)],
                                      witnesses=[(WITNESS, c.witness_key.verifier())])
    assert not report.ok and [f.kind for f in report.findings] == [UNWITNESSED]
    return CHECKPOINT_MISMATCH, 1


def populate_one(c: Case) -> None:
    from domain.catalogue.procedures import Procedure, procedure_id
    from tests.builders import ADMIN, PROCEDURE, ctx

    procedure = c.container.log.load(Procedure, procedure_id(PROCEDURE), "procedure")
    procedure.withdraw_online(ctx(c.container.clock, ADMIN), "one more event")
    c.container.log.store(procedure)


TAMPERS: dict[str, Callable[[Case], tuple[str, int]]] = {
    "byte flip": flip_byte,
    "delete middle": delete_middle,
    "delete newest": delete_newest,
    "delete newest with its chain": delete_newest_with_chain,
    "swap versions": swap_versions,
    "forged insert at the tail": forge_at_the_tail,
    "forged insert in the middle": forge_in_the_middle,
    "full re-hash vs a signed checkpoint": rehash_everything,
    "fork of history vs a witness": fork_with_the_key,
}


@pytest.mark.parametrize("tamper", TAMPERS.values(), ids=TAMPERS.keys())
def test_every_tamper_is_detected_at_its_first_bad_position(case: Case, tamper):
    assert case.verify().ok, case.verify().summary()
    kind, position = tamper(case)
    report = case.verify()
    assert not report.ok, report.summary()
    first = report.first_bad
    assert first is not None and (first.kind, first.position) == (kind, position), report.summary()
    assert "TAMPERED" in report.summary()


CHAIN_ALONE = ("byte flip", "delete middle", "delete newest", "swap versions",
               "forged insert at the tail", "forged insert in the middle")


@pytest.mark.parametrize("name", CHAIN_ALONE)
def test_what_changes_only_the_event_table_is_named_by_the_chain_alone(case: Case, name: str):
    """No checkpoint, no witness: the entries written with the events suffice."""
    kind, position = TAMPERS[name](case)
    report = case.container.audit.verify(stored=False)
    assert report.first_bad is not None, report.summary()
    assert (report.first_bad.kind, report.first_bad.position) == (kind, position), report.summary()
