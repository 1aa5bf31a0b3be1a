"""Commands on departments and procedures (手続き)."""

from __future__ import annotations

from typing import Any

from application.shared.access import authorize
from application.shared.eventlog import CityLog
from application.shared.results import CommandResult
from domain.catalogue.departments import Department, department_id
from domain.catalogue.procedures import Procedure, procedure_id
from domain.shared.context import CommandContext
from domain.shared.errors import Conflict, FieldError, ValidationFailed


class CatalogueService:
    def __init__(self, log: CityLog) -> None:
        self.log = log

    # -- departments -------------------------------------------------------
    def establish_department(
        self, ctx: CommandContext, *, code: str, name_ja: str, name_en: str
    ) -> CommandResult:
        authorize(ctx.actor, "establishDepartment")
        department = Department.establish(ctx, code, name_ja, name_en)
        if self.log.exists(department.id):
            raise Conflict(f"department {code} already exists", message_ja="その課は既に登録されています")
        return CommandResult(code, self.log.store(department))

    def department_exists(self, code: str) -> bool:
        return self.log.exists(department_id(code))

    # -- procedures --------------------------------------------------------
    def define_procedure(self, ctx: CommandContext, **definition: Any) -> CommandResult:
        authorize(ctx.actor, "defineProcedure", department=definition.get("department"))
        procedure = Procedure.define(ctx, **definition)
        if not self.department_exists(procedure.department):
            raise ValidationFailed(
                [FieldError("department", "exists", f"no department {procedure.department}",
                            "指定された課は存在しません")]
            )
        if self.log.exists(procedure.id):
            raise Conflict(
                f"procedure {procedure.code} is already defined",
                message_ja="その手続きコードは既に使われています",
            )
        return CommandResult(procedure.code, self.log.store(procedure))

    def get_procedure(self, code: str) -> Procedure:
        return self.log.load(Procedure, procedure_id(code), f"procedure {code}")

    def revise_form(
        self, ctx: CommandContext, code: str, fields: list[dict[str, Any]]
    ) -> CommandResult:
        procedure = self.get_procedure(code)
        authorize(ctx.actor, "reviseForm", department=procedure.department)
        procedure.revise_form(ctx, fields)
        return CommandResult(code, self.log.store(procedure))

    def publish_online(self, ctx: CommandContext, code: str) -> CommandResult:
        procedure = self.get_procedure(code)
        authorize(ctx.actor, "publishProcedureOnline", department=procedure.department)
        procedure.publish_online(ctx)
        return CommandResult(code, self.log.store(procedure))

    def withdraw_online(self, ctx: CommandContext, code: str, reason: str = "") -> CommandResult:
        procedure = self.get_procedure(code)
        authorize(ctx.actor, "withdrawProcedureOnline", department=procedure.department)
        procedure.withdraw_online(ctx, reason)
        return CommandResult(code, self.log.store(procedure))

    def retire(self, ctx: CommandContext, code: str, reason: str = "") -> CommandResult:
        procedure = self.get_procedure(code)
        authorize(ctx.actor, "retireProcedure", department=procedure.department)
        procedure.retire(ctx, reason)
        return CommandResult(code, self.log.store(procedure))
