"""Read models, one module each: the events it handles and how its view changes."""

from __future__ import annotations

from application.projection.base import Projection
from application.shared.ports import PersonalDataVault


def all_projections(vault: PersonalDataVault, audit_chain: Projection | None = None,
                    duplicate_key: bytes | None = None) -> list[Projection]:
    from projections.applications.inbox import DepartmentInbox
    from projections.applications.issued_documents import IssuedDocuments
    from projections.applications.messages import ApplicationMessages
    from projections.applications.notifications import Notifications
    from projections.applications.status import ApplicationStatus
    from projections.audit.chain import AuditChain
    from projections.audit.index import AuditIndex
    from projections.catalogue.procedure_catalogue import ProcedureCatalogue
    from projections.counter.queue_board import QueueBoard
    from projections.counter.reservation_slots import ReservationSlots
    from projections.counter.resident_records import ResidentRecords
    from projections.counter.wait_prediction import WaitPredictions
    from projections.dx.dashboard import DxDashboard
    from projections.payments.payments import Payments
    from projections.privacy.personal_data_access import PersonalDataAccesses

    return [ProcedureCatalogue(), ApplicationStatus(vault, duplicate_key), DepartmentInbox(),
            audit_chain or AuditChain(), AuditIndex(), PersonalDataAccesses(), QueueBoard(), Payments(),
            WaitPredictions(), DxDashboard(), ApplicationMessages(vault), ReservationSlots(), Notifications(),
            IssuedDocuments(vault), ResidentRecords(vault, duplicate_key)]
