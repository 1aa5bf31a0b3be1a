"""Read models, one module each: the events it handles and how its view changes."""

from __future__ import annotations

from application.ports import PersonalDataVault
from application.projection import Projection


def all_projections(vault: PersonalDataVault) -> list[Projection]:
    from projections.application_status import ApplicationStatus
    from projections.department_inbox import DepartmentInbox
    from projections.procedure_catalogue import ProcedureCatalogue

    return [ProcedureCatalogue(), ApplicationStatus(vault), DepartmentInbox()]
