"""The audit capability: the signed Merkle chain over the log (a read model),
the service that proves and verifies it, and the trail of who was shown
personal data."""

from __future__ import annotations

from dataclasses import dataclass

from api.composition.shared import Shared
from application.audit.service import AuditService
from application.audit.trail import AuditTrail
from application.shared.ports import Clock
from infra.audit_keys import load_signer
from infra.settings import Settings
from projections.audit.chain import AuditChain, AuditChainStore


@dataclass(frozen=True)
class Audit:
    audit: AuditService
    audit_trail: AuditTrail  # records PersonalDataViewed (group-committed: application/audit/group_commit.py)
    chain: AuditChain  # the read model, given to the engine


def wire_audit(settings: Settings, shared: Shared, clock: Clock) -> Audit:
    signer = load_signer(settings)
    chain = AuditChain(signer, clock, settings.audit_checkpoint_every)
    audit = AuditService(shared.storage.log, AuditChainStore(shared.storage.views, chain), clock, signer,
                         signer.verifier() if signer else None)
    return Audit(audit, AuditTrail(shared.storage.log, group_commit=settings.access_log_group_commit), chain)
