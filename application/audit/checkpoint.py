"""Signed Merkle checkpoints and inclusion proofs, as exchanged with auditors.

A checkpoint is the JSON ``{"tree_size", "root", "time", "signature"}``: the RFC
6962 root (hex) of the first ``tree_size`` events of the log, when it was signed
(ISO 8601), and an Ed25519 signature (base64) over the bytes

    madoguchi-checkpoint/v1\\n<tree_size>\\n<root>\\n<time>\\n

It is meant to be kept outside the database: whoever can rewrite the database
cannot sign, so a checkpoint exposes any later change to the events it covers.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from domain.audit.merkle import HASH_SIZE, verify_inclusion

MESSAGE_PREFIX = "madoguchi-checkpoint/v1"


class CheckpointSigner(Protocol):
    """Signs checkpoints (Ed25519; the private key stays in ``infra``)."""

    def sign(self, message: bytes) -> bytes: ...

    def public_key_pem(self) -> str: ...


class SignatureVerifier(Protocol):
    def verify(self, signature: bytes, message: bytes) -> bool: ...


class MalformedCheckpoint(ValueError):
    """A checkpoint or proof document that is not well-formed."""


def checkpoint_message(tree_size: int, root_hex: str, time: str) -> bytes:
    return f"{MESSAGE_PREFIX}\n{tree_size}\n{root_hex}\n{time}\n".encode()


def _hash_hex(value: Any, what: str) -> str:
    if not isinstance(value, str):
        raise MalformedCheckpoint(f"{what} must be a hex string")
    try:
        raw = bytes.fromhex(value)
    except ValueError:
        raise MalformedCheckpoint(f"{what} is not hex") from None
    if len(raw) != HASH_SIZE:
        raise MalformedCheckpoint(f"{what} must be {HASH_SIZE} bytes")
    return raw.hex()


def _count(value: Any, what: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise MalformedCheckpoint(f"{what} must be a non-negative integer")
    return value


@dataclass(frozen=True)
class Checkpoint:
    tree_size: int
    root: str  # hex
    time: str  # ISO 8601
    signature: str  # base64 Ed25519 signature of checkpoint_message(...)

    @property
    def message(self) -> bytes:
        return checkpoint_message(self.tree_size, self.root, self.time)

    def signature_valid(self, verifier: SignatureVerifier) -> bool:
        try:
            signature = base64.b64decode(self.signature, validate=True)
        except (binascii.Error, ValueError):
            return False
        return verifier.verify(signature, self.message)

    def to_json(self) -> dict[str, Any]:
        return {"tree_size": self.tree_size, "root": self.root, "time": self.time,
                "signature": self.signature}

    def dumps(self) -> str:
        return json.dumps(self.to_json(), indent=2) + "\n"

    @classmethod
    def from_json(cls, data: Any) -> Checkpoint:
        if not isinstance(data, dict):
            raise MalformedCheckpoint("a checkpoint is a JSON object")
        missing = {"tree_size", "root", "time", "signature"} - set(data)
        if missing:
            raise MalformedCheckpoint(f"checkpoint lacks {', '.join(sorted(missing))}")
        if not isinstance(data["time"], str) or not isinstance(data["signature"], str):
            raise MalformedCheckpoint("time and signature must be strings")
        return cls(_count(data["tree_size"], "tree_size"), _hash_hex(data["root"], "root"),
                   data["time"], data["signature"])

    @classmethod
    def loads(cls, text: str) -> Checkpoint:
        try:
            return cls.from_json(json.loads(text))
        except json.JSONDecodeError as e:
            raise MalformedCheckpoint(f"not JSON: {e}") from None


def sign_checkpoint(signer: CheckpointSigner, tree_size: int, root: bytes, at: datetime) -> Checkpoint:
    time = at.isoformat()
    signature = signer.sign(checkpoint_message(tree_size, root.hex(), time))
    return Checkpoint(tree_size, root.hex(), time, base64.b64encode(signature).decode("ascii"))


@dataclass(frozen=True)
class InclusionProof:
    """Leaf ``leaf_index`` (the event at ``position``) is in the tree of
    ``tree_size`` leaves with root ``root``; ``proof`` is the audit path, hex,
    deepest sibling first."""

    position: int
    leaf_index: int
    tree_size: int
    leaf_hash: str
    proof: tuple[str, ...]
    root: str
    originator_id: str = ""
    version: int = 0
    topic: str = ""

    def verifies(self, root: str | None = None) -> bool:
        """Does the path lead from the leaf to ``root`` (default: its own root)?"""
        try:
            return verify_inclusion(
                bytes.fromhex(self.leaf_hash), self.leaf_index, self.tree_size,
                [bytes.fromhex(p) for p in self.proof], bytes.fromhex(root or self.root),
            )
        except ValueError:
            return False

    def to_json(self) -> dict[str, Any]:
        return {
            "position": self.position, "leaf_index": self.leaf_index,
            "tree_size": self.tree_size, "leaf_hash": self.leaf_hash,
            "proof": list(self.proof), "root": self.root,
            "event": {"originator_id": self.originator_id, "version": self.version,
                      "topic": self.topic},
        }

    def dumps(self) -> str:
        return json.dumps(self.to_json(), indent=2) + "\n"

    @classmethod
    def from_json(cls, data: Any) -> InclusionProof:
        if not isinstance(data, dict):
            raise MalformedCheckpoint("a proof is a JSON object")
        try:
            event = data.get("event") or {}
            proof = data["proof"]
            if not isinstance(proof, list):
                raise MalformedCheckpoint("proof must be a list of hex hashes")
            return cls(
                position=_count(data["position"], "position"),
                leaf_index=_count(data["leaf_index"], "leaf_index"),
                tree_size=_count(data["tree_size"], "tree_size"),
                leaf_hash=_hash_hex(data["leaf_hash"], "leaf_hash"),
                proof=tuple(_hash_hex(p, "proof hash") for p in proof),
                root=_hash_hex(data["root"], "root"),
                originator_id=str(event.get("originator_id", "")),
                version=int(event.get("version", 0)),
                topic=str(event.get("topic", "")),
            )
        except KeyError as e:
            raise MalformedCheckpoint(f"proof lacks {e.args[0]}") from None

    @classmethod
    def loads(cls, text: str) -> InclusionProof:
        try:
            return cls.from_json(json.loads(text))
        except json.JSONDecodeError as e:
            raise MalformedCheckpoint(f"not JSON: {e}") from None


@dataclass(frozen=True)
class ProofCheck:
    ok: bool
    reason: str


def check_proof(
    proof: InclusionProof, checkpoint: Checkpoint, verifier: SignatureVerifier
) -> ProofCheck:
    """What a third party does: the checkpoint is signed by the city, covers the
    proof's tree, and the audit path leads from the leaf to its root."""
    if not checkpoint.signature_valid(verifier):
        return ProofCheck(False, "the checkpoint's signature does not verify with this public key")
    if proof.tree_size != checkpoint.tree_size:
        return ProofCheck(False, f"the proof is for a tree of {proof.tree_size} events, "
                                 f"the checkpoint for {checkpoint.tree_size}")
    if not proof.verifies(checkpoint.root):
        return ProofCheck(False, "the audit path does not lead from the leaf to the checkpoint's root")
    return ProofCheck(True, f"event at position {proof.position} (leaf {proof.leaf_index}) is "
                            f"included in the signed tree of {checkpoint.tree_size} events")
