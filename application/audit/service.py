"""The audit service: verify the stored log, sign checkpoints, prove inclusion.

It reads the raw event table through the recorder (never decoding events) and
the audit chain through the ``ChainStore`` port that ``projections/audit_chain``
implements over the read-model store."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from typing import Any, Protocol

from application.audit.chain import ExportedEvent
from application.audit.checkpoint import (
    Checkpoint,
    CheckpointSigner,
    InclusionProof,
    SignatureVerifier,
    sign_checkpoint,
)
from application.audit.verify import ChainEntry, VerifyReport, verify_log
from application.shared.eventlog import CityLog
from application.shared.ports import Clock
from domain.audit.merkle import inclusion_proof, root_at
from domain.shared.errors import NotFound, ValidationFailed


class ChainSnapshot(Protocol):
    """The audit chain as of one read snapshot."""

    @property
    def position(self) -> int:
        """The last log position the chain has processed."""
        ...

    @property
    def size(self) -> int:
        """How many events (Merkle leaves) it holds."""
        ...

    def entries(self, after: int, limit: int) -> list[ChainEntry]:
        """Entries with ``after`` < position ≤ ``self.position``, in position order."""
        ...

    def entry(self, position: int) -> ChainEntry | None: ...

    def subtree(self, level: int, index: int) -> bytes:
        """A stored perfect-subtree hash (level 0: a leaf hash)."""
        ...

    def nodes(self, level: int, start: int, limit: int) -> list[tuple[int, str]]:
        """Stored ``(index, hash hex)`` of one level (≥ 1) from index ``start`` on."""
        ...

    def checkpoints(self) -> list[Checkpoint]:
        """The checkpoints signed every N events, oldest first."""
        ...


class ChainStore(Protocol):
    def snapshot(self) -> AbstractContextManager[ChainSnapshot]: ...


class AuditUnavailable(Exception):
    """No signing key is configured (production without MADOGUCHI_AUDIT_SIGNING_KEY)."""


class AuditService:
    def __init__(
        self,
        log: CityLog,
        chain: ChainStore,
        clock: Clock,
        signer: CheckpointSigner | None,
        verifier: SignatureVerifier | None,
        *,
        batch_size: int = 1000,
    ) -> None:
        self.log = log
        self.chain = chain
        self.clock = clock
        self.signer = signer
        self.verifier = verifier
        self.batch_size = batch_size

    # -- the raw log -----------------------------------------------------------
    def raw_events(self, after: int = 0) -> Iterator[Any]:
        """Every stored event in notification order, in batches, undecoded."""
        while True:
            batch = self.log.recorder.select_notifications(
                after, self.batch_size, inclusive_of_start=False
            )
            yield from batch
            if len(batch) < self.batch_size:
                return
            after = batch[-1].id

    def export(self) -> Iterator[ExportedEvent]:
        for record in self.raw_events():
            yield ExportedEvent.of(record)

    def _entries(self, snapshot: ChainSnapshot) -> Iterator[ChainEntry]:
        after = 0
        while True:
            batch = snapshot.entries(after, self.batch_size)
            yield from batch
            if len(batch) < self.batch_size:
                return
            after = batch[-1].position

    # -- verification --------------------------------------------------------
    def verify(
        self,
        checkpoints: Sequence[tuple[str, Checkpoint]] = (),
        *,
        stored: bool = True,
        verifier: SignatureVerifier | None = None,
    ) -> VerifyReport:
        """Recompute everything from the event table and compare it with the chain,
        the given checkpoints and (``stored``) the ones signed every N events.
        ``verifier`` (a pinned public key) defaults to the configured key's."""
        with self.chain.snapshot() as snapshot:
            given = list(checkpoints)
            if stored:
                given += [(f"stored #{cp.tree_size}", cp) for cp in snapshot.checkpoints()]
            return verify_log(
                self.raw_events(),
                self._entries(snapshot),
                chain_position=snapshot.position,
                checkpoints=given,
                verifier=verifier or self.verifier,
                stored_nodes=snapshot.nodes,
            )

    # -- checkpoints -----------------------------------------------------------
    def checkpoint(self, *, verify: bool = True) -> tuple[Checkpoint | None, VerifyReport | None]:
        """Sign the root of every chained event. With ``verify`` (the default) the
        log is verified first and a tampered log is not signed: the result is
        ``(None, report)``."""
        if self.signer is None:
            raise AuditUnavailable("no audit signing key: set MADOGUCHI_AUDIT_SIGNING_KEY")
        if verify:
            report = self.verify()
            if not report.ok:
                return None, report
            size, root = report.chained, bytes.fromhex(report.chained_root)
        else:
            report = None
            with self.chain.snapshot() as snapshot:
                size = snapshot.size
                root = root_at(snapshot.subtree, size)
        return sign_checkpoint(self.signer, size, root, self.clock.now()), report

    def stored_checkpoints(self) -> list[Checkpoint]:
        with self.chain.snapshot() as snapshot:
            return snapshot.checkpoints()

    def public_key_pem(self) -> str:
        if self.signer is None:
            raise AuditUnavailable("no audit signing key: set MADOGUCHI_AUDIT_SIGNING_KEY")
        return self.signer.public_key_pem()

    # -- proofs ----------------------------------------------------------------
    def prove(self, position: int, tree_size: int | None = None) -> InclusionProof:
        """The inclusion proof of the event at ``position`` in the tree of
        ``tree_size`` events (default: every chained event)."""
        with self.chain.snapshot() as snapshot:
            entry = snapshot.entry(position)
            if entry is None:
                raise NotFound(
                    f"no chained event at position {position}",
                    message_ja="指定された位置のイベントは監査チェーンにありません",
                )
            size = snapshot.size if tree_size is None else tree_size
            if not entry.leaf_index < size <= snapshot.size:
                raise ValidationFailed.single(
                    "treeSize", "range",
                    f"tree size must be from {entry.leaf_index + 1} (to include position "
                    f"{position}) to {snapshot.size} (the chained events)",
                    f"木のサイズは {entry.leaf_index + 1} 以上 {snapshot.size} 以下で指定してください",
                )
            proof = inclusion_proof(snapshot.subtree, entry.leaf_index, size)
            root = root_at(snapshot.subtree, size)
        return InclusionProof(
            position=position, leaf_index=entry.leaf_index, tree_size=size,
            leaf_hash=entry.leaf_hash, proof=tuple(p.hex() for p in proof), root=root.hex(),
            originator_id=entry.originator_id, version=entry.version, topic=entry.topic,
        )
