"""Checkpoints as C2SP signed notes (tlog-checkpoint, signed-note, tlog-cosignature),
checked against the specs' own example and with ``cryptography`` directly; and
the witness's rule: cosign only what extends the last checkpoint it accepted."""

from __future__ import annotations

import base64
import hashlib

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from application.audit.checkpoint import MalformedCheckpoint
from application.audit.consistency import ConsistencyProof
from application.audit.note import (
    COSIGNATURE_V1,
    ED25519,
    NoteCheckpoint,
    cosign,
    key_id,
    load_tree_head,
    parse_vkey,
    sign_note,
    vkey,
)
from application.audit.witness import witness
from domain.audit.merkle import MemoryTree, consistency_proof, leaf_hash
from infra.audit_keys import AuditKeyError, Ed25519Signer, Ed25519Verifier

ORIGIN = "shimotsuke.example/audit"
WITNESS = "pref.example/witness"
TREE = MemoryTree([leaf_hash(bytes([i])) for i in range(12)])


def test_the_signed_note_specs_example_verifies_with_our_key_ids():
    """c2sp.org/signed-note, "Example": the vkey verifies the example note."""
    name, kind, public = parse_vkey("example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k")
    assert (name, kind) == ("example.com/foo", ED25519)
    raw = base64.b64decode("Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1E"
                           "RYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=")
    assert raw[:4] == key_id(name, ED25519, public) == bytes.fromhex("530d903a")
    Ed25519PublicKey.from_public_bytes(public).verify(raw[4:], b"This is an example message.\n")


def test_a_checkpoint_note_is_origin_size_and_base64_root_signed_by_the_origin():
    signer = Ed25519Signer.generate()
    note = sign_note(signer, ORIGIN, 7, TREE.root(7))
    text = note.dumps()
    body, signature_line = text.split("\n\n")
    assert body + "\n" == f"{ORIGIN}\n7\n{base64.b64encode(TREE.root(7)).decode()}\n"
    dash, name, b64 = signature_line.rstrip("\n").split(" ")
    assert (dash, name) == ("\u2014", ORIGIN)
    raw = base64.b64decode(b64)
    public = signer.public_key_raw()
    assert raw[:4] == hashlib.sha256(ORIGIN.encode() + b"\n\x01" + public).digest()[:4]
    Ed25519PublicKey.from_public_bytes(public).verify(raw[4:], (body + "\n").encode())
    again = NoteCheckpoint.loads(text)
    assert again == note and again.dumps() == text and again.root == TREE.root(7).hex()
    assert again.signature_valid(signer.verifier())
    assert not again.signature_valid(Ed25519Signer.generate().verifier())
    assert load_tree_head(text) == note
    assert vkey(ORIGIN, ED25519, public).startswith(f"{ORIGIN}+{raw[:4].hex()}+")


def test_a_cosignature_is_timestamped_and_signs_the_header_the_time_and_the_note():
    log, w = Ed25519Signer.generate(), Ed25519Signer.generate()
    note = cosign(sign_note(log, ORIGIN, 7, TREE.root(7)), w, WITNESS, 1_775_000_000)
    line = note.dumps().splitlines()[-1]
    raw = base64.b64decode(line.split(" ")[2])
    public = w.public_key_raw()
    assert raw[:4] == hashlib.sha256(WITNESS.encode() + b"\n\x04" + public).digest()[:4]
    assert int.from_bytes(raw[4:12], "big") == 1_775_000_000
    message = b"cosignature/v1\ntime 1775000000\n" + note.text.encode()
    Ed25519PublicKey.from_public_bytes(public).verify(raw[12:], message)
    assert note.cosigned_at(WITNESS, w.verifier()) == 1_775_000_000
    assert note.cosigned_at(WITNESS, Ed25519Signer.generate().verifier()) is None
    assert note.cosigned_at("other.example/w", w.verifier()) is None
    assert note.signature_valid(log.verifier())  # the log's signature still holds
    name, kind, key = parse_vkey(vkey(WITNESS, COSIGNATURE_V1, public))
    assert (name, kind, key) == (WITNESS, COSIGNATURE_V1, public)


@pytest.mark.parametrize("text", [
    "o\n07\nAAAA\n\n\u2014 o AAAAAAA=\n",  # leading zero
    "o\n7\nnot base64!\n\n\u2014 o AAAAAAA=\n",
    "o\n7\n" + base64.b64encode(bytes(32)).decode() + "\n",  # no signature
    "o\n7\n" + base64.b64encode(bytes(31)).decode() + "\n\n\u2014 o AAAAAAA=\n",  # short root
    "o\n7\n" + base64.b64encode(bytes(32)).decode() + "\n\n- o AAAAAAA=\n",  # not an em dash
    "o\t\n7\n" + base64.b64encode(bytes(32)).decode() + "\n\n\u2014 o AAAAAAA=\n",  # control character
])
def test_malformed_notes_are_refused(text: str):
    with pytest.raises(MalformedCheckpoint):
        NoteCheckpoint.loads(text)


# --- the witness ---------------------------------------------------------------------------


@pytest.fixture
def keys() -> tuple[Ed25519Signer, Ed25519Signer]:
    return Ed25519Signer.generate(), Ed25519Signer.generate()


def _proof(old: int, new: int, tree: MemoryTree = TREE) -> ConsistencyProof:
    return ConsistencyProof(old, new, tree.root(old).hex(), tree.root(new).hex(),
                            tuple(p.hex() for p in consistency_proof(tree, old, new)))


def test_a_witness_cosigns_a_checkpoint_that_extends_the_last_one(keys):
    log, w = keys
    first = witness(None, sign_note(log, ORIGIN, 5, TREE.root(5)), log.verifier(), None, w, WITNESS, 100)
    assert first.accepted and "first checkpoint" in first.reason and first.cosigned is not None
    later = sign_note(log, ORIGIN, 12, TREE.root(12))
    second = witness(first.cosigned, later, log.verifier(), _proof(5, 12), w, WITNESS, 200)
    assert second.accepted and second.cosigned is not None
    assert second.cosigned.cosigned_at(WITNESS, w.verifier()) == 200
    same = witness(second.cosigned, later, log.verifier(), None, w, WITNESS, 300)
    assert same.accepted  # the same tree again: no proof needed


def test_a_witness_refuses_what_does_not_extend_the_last_one(keys):
    log, w = keys
    kept = sign_note(log, ORIGIN, 8, TREE.root(8))
    forked_tree = MemoryTree([leaf_hash(bytes([i ^ (i == 3)])) for i in range(12)])
    cases = {
        "fewer": (sign_note(log, ORIGIN, 6, TREE.root(6)), None, "fewer than"),
        "other root": (sign_note(log, ORIGIN, 8, forked_tree.root(8)), None, "forked"),
        "no proof": (sign_note(log, ORIGIN, 12, TREE.root(12)), None, "consistency proof"),
        "forked": (sign_note(log, ORIGIN, 12, forked_tree.root(12)), _proof(8, 12, forked_tree), "forked"),
        "proof for other sizes": (sign_note(log, ORIGIN, 12, TREE.root(12)), _proof(7, 12), "forked"),
        "another log's key": (sign_note(Ed25519Signer.generate(), ORIGIN, 12, TREE.root(12)), _proof(8, 12),
                              "not signed"),
        "another origin": (sign_note(log, "other.example/log", 12, TREE.root(12)), _proof(8, 12), "follows"),
    }
    for label, (new, proof, reason) in cases.items():
        decision = witness(kept, new, log.verifier(), proof, w, WITNESS, 100)
        assert not decision.accepted and decision.cosigned is None, label
        assert reason in decision.reason, (label, decision.reason)


def test_verifier_keys_are_checked():
    with pytest.raises(MalformedCheckpoint):
        parse_vkey("example.com/foo+00000000+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k")
    with pytest.raises(MalformedCheckpoint):
        parse_vkey("no-plus-signs")
    with pytest.raises(AuditKeyError):
        Ed25519Verifier.from_raw(bytes(31))
