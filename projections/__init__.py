"""Read models, one module each: the events it handles and how its view changes."""

from __future__ import annotations

from application.ports import PersonalDataVault
from application.projection import Projection


def all_projections(vault: PersonalDataVault, duplicate_key: bytes | None = None) -> list[Projection]:
    from projections.application_messages import ApplicationMessages
    from projections.application_status import ApplicationStatus
    from projections.audit_index import AuditIndex
    from projections.department_inbox import DepartmentInbox
    from projections.dx_dashboard import DxDashboard
    from projections.issued_documents import IssuedDocuments
    from projections.notifications import Notifications
    from projections.payments import Payments
    from projections.personal_data_access import PersonalDataAccesses
    from projections.procedure_catalogue import ProcedureCatalogue
    from projections.queue_board import QueueBoard
    from projections.reservation_slots import ReservationSlots
    from projections.resident_records import ResidentRecords
    from projections.wait_prediction import WaitPredictions

    return [ProcedureCatalogue(), ApplicationStatus(vault, duplicate_key), DepartmentInbox(),
            AuditIndex(), PersonalDataAccesses(), QueueBoard(), Payments(),
            WaitPredictions(), DxDashboard(), ApplicationMessages(vault), ReservationSlots(), Notifications(),
            IssuedDocuments(vault), ResidentRecords(vault, duplicate_key)]
