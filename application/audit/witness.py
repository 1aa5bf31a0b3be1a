"""A witness (C2SP ``tlog-witness`` semantics, run by someone other than the
city — the prefecture, an external auditor): it keeps the last checkpoint it
accepted from the log, and cosigns a new one only if the log signed it and a
consistency proof shows it extends the last one. A log that rewrote its
history cannot get a cosignature for the rewritten tree, and an auditor who
requires a witness's cosignature (``audit verify --witness-key``) is not shown
a history that nobody outside the city checked."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from application.audit.consistency import ConsistencyProof
from application.audit.note import NoteCheckpoint, RawKeySigner, RawKeyVerifier, cosign
from application.audit.verify import Finding

UNWITNESSED = "unwitnessed"  # a checkpoint without a valid cosignature of a required witness


@dataclass(frozen=True)
class WitnessDecision:
    accepted: bool
    reason: str
    cosigned: NoteCheckpoint | None = None


def witness(
    latest: NoteCheckpoint | None,
    new: NoteCheckpoint,
    log_key: RawKeyVerifier,
    proof: ConsistencyProof | None,
    signer: RawKeySigner,
    name: str,
    timestamp: int,
) -> WitnessDecision:
    """Cosign ``new`` if it extends ``latest`` (the last checkpoint accepted, or
    None on first use); otherwise refuse, saying why."""
    if not new.signature_valid(log_key):
        return WitnessDecision(False, f"the checkpoint is not signed by the log's key for {new.origin}")
    if latest is not None:
        if new.origin != latest.origin:
            return WitnessDecision(False, f"the checkpoint is for {new.origin}; this witness follows "
                                          f"{latest.origin}")
        if new.tree_size < latest.tree_size:
            return WitnessDecision(False, f"the checkpoint covers {new.tree_size} events, fewer than the "
                                          f"{latest.tree_size} already witnessed: it does not extend them "
                                          "(the log was truncated or forked)")
        if new.tree_size == latest.tree_size and new.root_hash != latest.root_hash:
            return WitnessDecision(False, f"a different root for the {new.tree_size} events already "
                                          "witnessed: the log's history was forked")
        if new.tree_size > latest.tree_size:
            if proof is None:
                return WitnessDecision(False, f"a consistency proof from {latest.tree_size} to "
                                              f"{new.tree_size} events is needed")
            if (proof.from_size, proof.to_size) != (latest.tree_size, new.tree_size) or not proof.verifies(
                latest.root, new.root
            ):
                return WitnessDecision(False, f"the consistency proof does not show that the {new.tree_size} "
                                              f"events extend the {latest.tree_size} witnessed: the log's "
                                              "history was forked or rewritten")
    cosigned = cosign(new, signer, name, timestamp)
    first = " (first checkpoint of this log: accepted on trust)" if latest is None else ""
    return WitnessDecision(True, f"cosigned {new.origin} at {new.tree_size} events{first}", cosigned)


def missing_cosignatures(
    checkpoints: Sequence[tuple[str, object]], witnesses: Sequence[tuple[str, RawKeyVerifier]]
) -> list[Finding]:
    """A finding for each checkpoint without a valid cosignature of each required witness."""
    findings = []
    for label, cp in checkpoints:
        for name, key in witnesses:
            if not isinstance(cp, NoteCheckpoint) or cp.cosigned_at(name, key) is None:
                findings.append(Finding(
                    UNWITNESSED, None,
                    f"checkpoint {label} (tree_size {getattr(cp, 'tree_size', '?')}) carries no valid "
                    f"cosignature of the witness {name}: no one outside the log vouches that it extends "
                    "what they saw",
                ))
    return findings
