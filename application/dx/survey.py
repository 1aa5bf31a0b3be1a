"""Commands on DX survey campaigns (DXアンケート): open, answer and revise."""

from __future__ import annotations

from application.catalogue.service import CatalogueService
from application.shared.access import authorize
from application.shared.eventlog import CityLog
from application.shared.results import CommandResult
from domain.dx.survey import SurveyCampaign, survey_id
from domain.shared.context import CommandContext
from domain.shared.errors import Conflict, FieldError, ValidationFailed


class SurveyService:
    def __init__(self, log: CityLog, catalogue: CatalogueService) -> None:
        self.log = log
        self.catalogue = catalogue

    def open_survey(self, ctx: CommandContext, *, code: str, title: str, deadline: str,
                    departments: list[str]) -> CommandResult:
        authorize(ctx.actor, "openSurvey")
        survey = SurveyCampaign.open(ctx, code=code, title=title, deadline=deadline,
                                     departments=departments)
        unknown = [d for d in departments if not self.catalogue.department_exists(d)]
        if unknown:
            raise ValidationFailed([FieldError("departments", "exists", f"no department {', '.join(unknown)}",
                                               "指定された課は存在しません")])
        if self.log.exists(survey.id):
            raise Conflict(f"survey {code} already exists", message_ja="そのアンケートは既にあります")
        return CommandResult(code, self.log.store(survey))

    def get(self, code: str) -> SurveyCampaign:
        return self.log.load(SurveyCampaign, survey_id(code), f"survey {code}")

    def answer(self, ctx: CommandContext, code: str, *, procedure_code: str, online_possible: bool,
               owner: str, target_date: str | None, blockers: str = "") -> CommandResult:
        """Answer (or revise the answer) about one procedure, for the procedure's department."""
        authorize(ctx.actor, "answerSurvey")
        survey = self.get(code)
        procedure = self.catalogue.get_procedure(procedure_code)
        authorize(ctx.actor, "answerSurvey", department=procedure.department)
        survey.answer(ctx, department=procedure.department, procedure_code=procedure.code,
                      online_possible=online_possible, owner=owner, target_date=target_date,
                      blockers=blockers)
        return CommandResult(code, self.log.store(survey))
