"""GraphQL for tamper evidence: inclusion proofs of events in the signed log
(auditors and administrators only)."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from api.graphql.shared.context import ApiContext
from application.audit.checkpoint import InclusionProof
from application.shared.access import authorize
from domain.shared.errors import NotFound
from projections.audit.chain import AuditChain

CHAIN = (AuditChain.name,)


@strawberry.type(
    description="包含証明 / an RFC 6962 inclusion proof: the event at `position` is leaf "
    "`leafIndex` of the Merkle tree of the first `treeSize` events, whose root is `root`"
)
class AuditProof:
    position: int
    leaf_index: int = strawberry.field(description="0-based index of the event's leaf")
    tree_size: int
    leaf_hash: str = strawberry.field(description="SHA-256(0x00 ‖ canonical bytes of the event), hex")
    proof: list[str] = strawberry.field(description="the audit path, hex, deepest sibling first")
    root: str = strawberry.field(description="the Merkle root at treeSize, hex; compare it with a signed checkpoint")
    originator_id: str
    version: int
    topic: str

    @classmethod
    def of(cls, p: InclusionProof) -> AuditProof:
        return cls(position=p.position, leaf_index=p.leaf_index, tree_size=p.tree_size,
                   leaf_hash=p.leaf_hash, proof=list(p.proof), root=p.root,
                   originator_id=p.originator_id, version=p.version, topic=p.topic)


@strawberry.type
class TamperEvidenceQuery:
    @strawberry.field(
        description="監査用の包含証明 / an inclusion proof of the event at `position` "
        "(in the tree of `treeSize` events, default all chained events), for auditors"
    )
    async def audit_proof(
        self, info: Info[ApiContext, None], position: int, tree_size: int | None = None
    ) -> AuditProof:
        ctx = info.context
        authorize(ctx.actor, "auditProof")
        head = await ctx.run(ctx.container.log.head)
        if not 0 < position <= head:
            raise NotFound(f"no event at position {position}",
                           message_ja="指定された位置のイベントはありません")
        await ctx.wait_for(position, CHAIN)
        proof = await ctx.run(ctx.container.audit.prove, position, tree_size)
        return AuditProof.of(proof)
