"""The audit capability: the service that verifies and proves the audit chain
(written with every event by the event store's recorder, which signs a
checkpoint every N events with the key given here), and the trail of who was
shown personal data."""

from __future__ import annotations

from dataclasses import dataclass

from api.composition.shared import Shared
from application.audit.service import AuditService
from application.audit.trail import AuditTrail
from application.shared.ports import Clock
from infra.audit_keys import load_signer
from infra.settings import Settings
from infra.store.chain_tables import CheckpointPolicy
from infra.store.chained import RecorderChainStore


@dataclass(frozen=True)
class Audit:
    audit: AuditService
    audit_trail: AuditTrail  # records PersonalDataViewed (group-committed: application/audit/group_commit.py)


def wire_audit(settings: Settings, shared: Shared, clock: Clock) -> Audit:
    signer = load_signer(settings)
    recorder = shared.storage.log.recorder
    if signer is not None and settings.audit_checkpoint_every:
        recorder.sign_checkpoints(CheckpointPolicy(signer, clock, settings.audit_checkpoint_every))  # type: ignore[attr-defined]
    audit = AuditService(shared.storage.log, RecorderChainStore(recorder), clock, signer,
                         signer.verifier() if signer else None)
    return Audit(audit, AuditTrail(shared.storage.log, group_commit=settings.access_log_group_commit))
