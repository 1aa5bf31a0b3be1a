"""``auditProof`` over GraphQL (SQLite and PostgreSQL): auditors and
administrators get inclusion proofs that check out against a signed checkpoint;
nobody else sees them; bad positions and tree sizes are coded errors."""

from __future__ import annotations

import pytest

from api.composition import Container
from application.audit.checkpoint import InclusionProof, check_proof
from tests.shared.api_support import SUBMIT, Gql, error, ok, settled, submission, token

PROOF = """
query($position: Int!, $treeSize: Int) {
  auditProof(position: $position, treeSize: $treeSize) {
    position leafIndex treeSize leafHash proof root originatorId version topic
  }
}"""


def as_proof(data: dict) -> InclusionProof:
    return InclusionProof.from_json({
        "position": data["position"], "leaf_index": data["leafIndex"],
        "tree_size": data["treeSize"], "leaf_hash": data["leafHash"], "proof": data["proof"],
        "root": data["root"],
        "event": {"originator_id": data["originatorId"], "version": data["version"],
                  "topic": data["topic"]},
    })


@pytest.mark.parametrize("role", ["auditor", "admin"])
def test_auditors_get_proofs_that_check_out_against_a_checkpoint(
    gql: Gql, container: Container, catalogue, role: str
):
    caller = token(sub=f"{role}-1", role=role)
    submitted = ok(gql(SUBMIT, input=submission(contactEmail="hanako@example.jp")))["submitApplication"]
    # the processes react to it (the confirmation mail is queued): let the chain grow to its end,
    # so the proof's tree and the checkpoint below are of the same size
    settled(container)
    data = ok(gql(PROOF, caller, position=submitted["position"]))["auditProof"]
    proof = as_proof(data)
    assert (proof.position, proof.leaf_index) == (submitted["position"], submitted["position"] - 1)
    assert proof.originator_id == submitted["id"] and proof.version == 1
    assert proof.topic.endswith("ApplicationSubmitted")
    assert proof.verifies()
    checkpoint, _ = container.audit.checkpoint()
    assert checkpoint is not None and checkpoint.tree_size == proof.tree_size
    assert check_proof(proof, checkpoint, container.audit.verifier).ok

    for position in range(1, catalogue.position + 1):
        earlier = as_proof(ok(gql(PROOF, caller, position=position,
                                  treeSize=catalogue.position))["auditProof"])
        assert earlier.tree_size == catalogue.position and earlier.verifies()
        assert not check_proof(earlier, checkpoint, container.audit.verifier).ok  # another tree


def test_proofs_that_must_fail(gql: Gql, container: Container, catalogue, auditor: str):
    ok(gql(PROOF, auditor, position=catalogue.position))  # the chain has every event
    checkpoint, _ = container.audit.checkpoint()
    assert checkpoint is not None and checkpoint.tree_size == catalogue.position
    size = checkpoint.tree_size
    data = ok(gql(PROOF, auditor, position=3, treeSize=size))["auditProof"]
    verifier = container.audit.verifier
    proof = as_proof(data)
    assert check_proof(proof, checkpoint, verifier).ok
    other = as_proof(ok(gql(PROOF, auditor, position=4, treeSize=size))["auditProof"])
    flipped = f"{int(data['leafHash'][0], 16) ^ 1:x}" + data["leafHash"][1:]
    for bad in (
        as_proof({**data, "leafIndex": data["leafIndex"] + 1}),  # wrong index
        as_proof({**data, "leafHash": flipped}),  # altered leaf
        as_proof({**data, "leafHash": other.leaf_hash}),  # another event's leaf
        as_proof({**data, "proof": data["proof"][:-1]}),  # truncated proof
    ):
        assert not check_proof(bad, checkpoint, verifier).ok
    wrong_root = type(checkpoint)(checkpoint.tree_size, other.proof[0], checkpoint.time,
                                  checkpoint.signature)
    assert not check_proof(proof, wrong_root, verifier).ok
    assert not proof.verifies(other.proof[0])


def test_nobody_else_sees_proofs(gql: Gql, catalogue, shimin_staff: str, citizen_a: str,
                                 analyst: str):
    for caller, code in ((None, "UNAUTHENTICATED"), (citizen_a, "FORBIDDEN"),
                         (shimin_staff, "FORBIDDEN"), (analyst, "FORBIDDEN"),
                         (token(sub="m-1", role="manager", dept="shimin"), "FORBIDDEN")):
        result = gql(PROOF, caller, position=1)
        assert error(result)["code"] == code, result
        assert result.get("data") is None


def test_positions_and_tree_sizes_outside_the_log_are_coded_errors(
    gql: Gql, catalogue, auditor: str
):
    head = catalogue.position
    for position in (0, -1, head + 1):
        assert error(gql(PROOF, auditor, position=position))["code"] == "NOT_FOUND"
    for tree_size in (2, head + 1, 0):
        extensions = error(gql(PROOF, auditor, position=3, treeSize=tree_size))
        assert (extensions["code"], extensions["field"]) == ("VALIDATION_FAILED", "treeSize")
    assert ok(gql(PROOF, auditor, position=3, treeSize=3))["auditProof"]["proof"]
