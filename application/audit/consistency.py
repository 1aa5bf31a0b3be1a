"""Consistency proofs between two signed checkpoints (RFC 9162 §2.1.4), as
exchanged with auditors and witnesses: the tree a checkpoint signed earlier is
a prefix of the tree a later one signs — nothing in it was changed, removed or
reordered since."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from application.audit.checkpoint import (
    MalformedCheckpoint,
    ProofCheck,
    SignatureVerifier,
    SignedTreeHead,
    _count,
    _hash_hex,
    json_document,
)
from domain.audit.merkle import verify_consistency


@dataclass(frozen=True)
class ConsistencyProof:
    from_size: int
    to_size: int
    from_root: str  # hex
    to_root: str  # hex
    proof: tuple[str, ...]  # hex, RFC 9162 order

    def verifies(self, from_root: str | None = None, to_root: str | None = None) -> bool:
        try:
            return verify_consistency(
                self.from_size, self.to_size, bytes.fromhex(from_root or self.from_root),
                bytes.fromhex(to_root or self.to_root), [bytes.fromhex(p) for p in self.proof],
            )
        except ValueError:
            return False

    def to_json(self) -> dict[str, Any]:
        return {"from_size": self.from_size, "to_size": self.to_size, "from_root": self.from_root,
                "to_root": self.to_root, "proof": list(self.proof)}

    def dumps(self) -> str:
        return json.dumps(self.to_json(), indent=2) + "\n"

    @classmethod
    def from_json(cls, data: Any) -> ConsistencyProof:
        if not isinstance(data, dict):
            raise MalformedCheckpoint("a consistency proof is a JSON object")
        try:
            proof = data["proof"]
            if not isinstance(proof, list):
                raise MalformedCheckpoint("proof must be a list of hex hashes")
            return cls(_count(data["from_size"], "from_size"), _count(data["to_size"], "to_size"),
                       _hash_hex(data["from_root"], "from_root"), _hash_hex(data["to_root"], "to_root"),
                       tuple(_hash_hex(p, "proof hash") for p in proof))
        except KeyError as e:
            raise MalformedCheckpoint(f"consistency proof lacks {e.args[0]}") from None

    @classmethod
    def loads(cls, text: str) -> ConsistencyProof:
        return cls.from_json(json_document(text))


def check_consistency(
    proof: ConsistencyProof, old: SignedTreeHead, new: SignedTreeHead, verifier: SignatureVerifier
) -> ProofCheck:
    """What an auditor does with two checkpoints the city signed and a proof
    between them: both signatures hold, the proof is for their sizes, and it
    leads from the old root to the new one."""
    for which, cp in (("older", old), ("newer", new)):
        if not cp.signature_valid(verifier):
            return ProofCheck(False, f"the {which} checkpoint's signature does not verify with this public key")
    if old.tree_size > new.tree_size:
        return ProofCheck(False, f"the older checkpoint covers {old.tree_size} events, more than the "
                                 f"newer one ({new.tree_size}): the log was truncated")
    if (proof.from_size, proof.to_size) != (old.tree_size, new.tree_size):
        return ProofCheck(False, f"the proof is from {proof.from_size} to {proof.to_size} events, the "
                                 f"checkpoints are for {old.tree_size} and {new.tree_size}")
    if proof.from_root != old.root:
        return ProofCheck(False, f"the log's tree of {old.tree_size} events now has another root than the "
                                 "older checkpoint signed: the history was rewritten")
    if proof.to_root != new.root:
        return ProofCheck(False, "the proof does not end at the root the newer checkpoint signs")
    if not proof.verifies(old.root, new.root):
        return ProofCheck(False, f"the tree of {old.tree_size} events signed earlier is not a prefix of "
                                 f"the tree of {new.tree_size} signed later: the history was rewritten")
    return ProofCheck(True, f"the log of {new.tree_size} events extends the signed log of "
                            f"{old.tree_size} events unchanged")
