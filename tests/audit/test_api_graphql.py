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


# --- auditConsistency ------------------------------------------------------------------------

CONSISTENCY = """
query($from: Int!, $to: Int) {
  auditConsistency(fromSize: $from, toSize: $to) { fromSize toSize fromRoot toRoot proof }
}"""


def as_consistency(data: dict):
    from application.audit.consistency import ConsistencyProof

    return ConsistencyProof.from_json({"from_size": data["fromSize"], "to_size": data["toSize"],
                                       "from_root": data["fromRoot"], "to_root": data["toRoot"],
                                       "proof": data["proof"]})


def test_auditors_get_consistency_proofs_between_two_checkpoints(
    gql: Gql, container: Container, catalogue, auditor: str
):
    from application.audit.consistency import check_consistency

    old, _ = container.audit.checkpoint()
    ok(gql(SUBMIT, input=submission(contactEmail="hanako@example.jp")))
    settled(container)
    new, _ = container.audit.checkpoint()
    assert old is not None and new is not None and new.tree_size > old.tree_size
    data = ok(gql(CONSISTENCY, auditor, **{"from": old.tree_size, "to": new.tree_size}))["auditConsistency"]
    proof = as_consistency(data)
    assert check_consistency(proof, old, new, container.audit.verifier).ok
    everything = as_consistency(ok(gql(CONSISTENCY, auditor, **{"from": 1}))["auditConsistency"])
    assert everything.to_size == container.audit.prove_consistency(1).to_size and everything.verifies()
    for caller, code in ((None, "UNAUTHENTICATED"), (token(sub="c-1", role="citizen"), "FORBIDDEN")):
        assert error(gql(CONSISTENCY, caller, **{"from": 1}))["code"] == code
    for args, field in (({"from": -1}, "fromSize"), ({"from": 3, "to": 2}, "fromSize"),
                        ({"from": 1, "to": 10_000}, "toSize")):
        extensions = error(gql(CONSISTENCY, auditor, **args))
        assert (extensions["code"], extensions["field"]) == ("VALIDATION_FAILED", field)


def test_a_witness_asks_the_graphql_api_for_the_consistency_proof(
    gql: Gql, client, container: Container, catalogue, auditor: str, tmp_path, monkeypatch
):
    import httpx
    from typer.testing import CliRunner

    from api.cli import app
    from application.audit.note import sign_note

    signer, origin = container.audit.signer, container.settings.audit_origin
    old = container.audit.prove_consistency(0)
    (tmp_path / "old.note").write_text(sign_note(signer, origin, old.to_size, bytes.fromhex(old.to_root)).dumps())
    (tmp_path / "city.pem").write_text(container.audit.public_key_pem())
    ok(gql(SUBMIT, input=submission(contactEmail="hanako@example.jp")))
    settled(container)
    new = container.audit.prove_consistency(0)
    (tmp_path / "new.note").write_text(sign_note(signer, origin, new.to_size, bytes.fromhex(new.to_root)).dumps())

    def post(url, json, headers, timeout):  # the log's API, in-process
        return client.post("/graphql", json=json, headers=headers)

    monkeypatch.setattr(httpx, "post", post)
    state = tmp_path / "state"
    runner = CliRunner()
    first = runner.invoke(app, ["audit", "witness", "--state", str(state), str(tmp_path / "old.note"),
                                "--log-key", str(tmp_path / "city.pem"), "--name", "pref.example/w"])
    assert first.exit_code == 0, first.output
    second = runner.invoke(app, ["audit", "witness", "--state", str(state), str(tmp_path / "new.note"),
                                 "--graphql", "http://city.example/graphql", "--token", auditor])
    assert second.exit_code == 0, second.output
    assert (state / "checkpoint").read_text().startswith(f"{origin}\n{new.to_size}\n")


def test_a_write_on_a_broken_chain_is_refused_with_a_coded_error(gql: Gql, container: Container, catalogue,
                                                                  settings):
    from tests.audit.insider import Insider

    Insider(settings).execute("DELETE FROM {nodes}")
    result = gql(SUBMIT, input=submission(contactEmail="hanako@example.jp"))
    extensions = error(result)
    assert (extensions["code"], extensions["retryable"]) == ("UNAVAILABLE", False), result
    assert "audit" in result["errors"][0]["message"] and extensions["messageJa"]
